"""Market data: the SQLite store, CSV importers, online fetchers and the demo universe."""
