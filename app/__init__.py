"""CTA Desk application layer: bootstrap, main window, workers, settings, entry points."""

__version__ = "0.1.0"
