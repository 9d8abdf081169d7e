"""CTA Desk application layer: bootstrap, main window, workers, settings, entry points."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ctadesk")  # one source of truth: pyproject.toml via package metadata
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
