"""Market data: the SQLite store, CSV importers, online fetchers and the demo universe."""

DEMO_SOURCE = "DEMO (synthetic)"
"""The source label of every demo series, shown wherever the GUI shows data."""
