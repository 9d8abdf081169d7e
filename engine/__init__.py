"""CTA Desk engine: the Qt-free model layer (analytics, data, backtests, sweeps)."""
