"""Where CTA Desk keeps its files: the single source of every user path.

appdirs locations by default; when the environment variable CTADESK_HOME is set, everything
lives under it instead (CTADESK_HOME/{data,logs,cache,config}) for portable installs,
tests and scripted runs. Nothing is ever written next to the executable.
"""

from __future__ import annotations

import hashlib
import os
import shutil
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
        """Compiled numba kernels when running from a frozen bundle (seeded from the bundle's
        own on the first start of each build)."""
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


SHIPPED_NUMBA_CACHE = "numba_cache"
"""The bundle's folder (beside its libraries) of kernels compiled at `make dist`."""
NUMBA_CPU = "generic"
"""The CPU the frozen app's kernels are compiled for, at `make dist` and on the user's machine:
one portable x86-64 (or arm64) target, so the shipped cache matches every machine."""
NUMBA_LOCATORS = (
    "engine.warmup.RelocatableCacheLocator,"
    "UserProvidedCacheLocator,InTreeCacheLocator,UserWideCacheLocator"
)
"""numba's cache locators, first the one whose entries do not depend on the install path."""
SEEDED = "seeded-from"
"""The file in the user cache that names (by cache_id) the shipped cache last copied there."""


def configure_numba_cache(paths: AppPaths | None = None) -> None:
    """Frozen: numba's cache in a writable user dir. A PyInstaller bundle also compiles for
    NUMBA_CPU with NUMBA_LOCATORS, and its shipped kernels are copied into that dir
    (seed_numba_cache), so a first start loads them instead of compiling.

    Must run before numba is imported. NUMBA_* variables set by the user win; a user's
    NUMBA_CACHE_DIR is used as it is (the build writes the shipped cache through it).
    """
    if not getattr(sys, "frozen", False):
        return
    bundle = getattr(sys, "_MEIPASS", None)  # PyInstaller's folder of the bundle's files
    if bundle:
        os.environ.setdefault("NUMBA_CPU_NAME", NUMBA_CPU)
        os.environ.setdefault("NUMBA_CACHE_LOCATOR_CLASSES", NUMBA_LOCATORS)
    if "NUMBA_CACHE_DIR" not in os.environ:
        target = (paths or app_paths()).numba_cache
        target.mkdir(parents=True, exist_ok=True)
        if bundle:
            seed_numba_cache(Path(bundle) / SHIPPED_NUMBA_CACHE, target)
        os.environ["NUMBA_CACHE_DIR"] = str(target)


def cache_id(folder: Path) -> str:
    """A hash of the names and contents of every file under ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def seed_numba_cache(shipped: Path, target: Path) -> int:
    """Copy the kernels in ``shipped`` into the user cache ``target`` once per build (when
    ``target/seeded-from`` names another build); returns the files copied. Kernels compiled
    on this machine since stay. Any file error leaves numba to compile (with progress)."""
    if not shipped.is_dir():
        return 0
    marker = target / SEEDED
    try:
        build = cache_id(shipped)
        if marker.is_file() and marker.read_text(encoding="ascii") == build:
            return 0
        copied = 0
        for path in sorted(p for p in shipped.rglob("*") if p.is_file()):
            dest = target / path.relative_to(shipped)
            dest.parent.mkdir(parents=True, exist_ok=True)
            partial = dest.with_name(f"{dest.name}.{os.getpid()}.part")
            shutil.copyfile(path, partial)
            os.replace(partial, dest)  # never a half-written file for a process starting now
            copied += 1
        marker.write_text(build, encoding="ascii")
    except OSError:
        return 0
    return copied
