"""Bundled resources: icons, style sheets, presets, demo data (located via importlib.resources)."""

from importlib.resources import files
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Filesystem path of a bundled resource file."""
    return Path(str(files(__name__).joinpath(*parts)))
