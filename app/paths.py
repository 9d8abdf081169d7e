"""Where CTA Desk keeps its files: the single source of every user path.

appdirs locations by default; when the environment variable CTADESK_HOME is set, everything
lives under it instead (CTADESK_HOME/{data,logs,cache,config}) for portable installs,
tests and scripted runs. Nothing is ever written next to the executable.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import appdirs

APP_NAME = "CTADesk"
APP_AUTHOR = "CTADesk"
HOME_ENV = "CTADESK_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The user directories of one installation."""

    data: Path
    logs: Path
    cache: Path
    config: Path

    @property
    def store(self) -> Path:
        """The SQLite market-data store."""
        return self.data / "ctadesk.sqlite"

    @property
    def log_file(self) -> Path:
        """The rotating application log."""
        return self.logs / "ctadesk.log"

    @property
    def settings_file(self) -> Path:
        """QSettings INI file (window geometry and dock layout)."""
        return self.config / "ctadesk.ini"

    @property
    def numba_cache(self) -> Path:
        """Compiled numba kernels when running from a frozen bundle."""
        return self.cache / "numba"

    def ensure(self) -> AppPaths:
        """Create every directory (idempotent) and return self."""
        for folder in (self.data, self.logs, self.cache, self.config):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    def as_dict(self) -> dict[str, str]:
        """Paths as strings, for JSON output."""
        return {
            "data": str(self.data),
            "logs": str(self.logs),
            "cache": str(self.cache),
            "config": str(self.config),
            "store": str(self.store),
            "log_file": str(self.log_file),
            "settings_file": str(self.settings_file),
        }


def app_paths() -> AppPaths:
    """Paths in force now (reads CTADESK_HOME each call, so tests can redirect it)."""
    home = os.environ.get(HOME_ENV, "").strip()
    if home:
        root = Path(home).expanduser().resolve()
        return AppPaths(root / "data", root / "logs", root / "cache", root / "config")
    return AppPaths(
        Path(appdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
        Path(appdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
        Path(appdirs.user_cache_dir(APP_NAME, APP_AUTHOR)),
        Path(appdirs.user_config_dir(APP_NAME, APP_AUTHOR)),
    )


def configure_numba_cache(paths: AppPaths | None = None) -> None:
    """Point numba's on-disk cache at a writable user dir when running frozen.

    Must run before numba is imported. A NUMBA_CACHE_DIR set by the user wins.
    """
    if getattr(sys, "frozen", False) and "NUMBA_CACHE_DIR" not in os.environ:
        target = (paths or app_paths()).numba_cache
        target.mkdir(parents=True, exist_ok=True)
        os.environ["NUMBA_CACHE_DIR"] = str(target)
