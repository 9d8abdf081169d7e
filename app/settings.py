"""Persistent window settings: geometry and dock layout in an INI file (QSettings).

The layout is saved with a version number; a saved state that is corrupted, of another
type, or from an incompatible version is ignored with a log message and the default
layout stays in place.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

from app.paths import AppPaths, app_paths
from engine.files import Recovery, quarantine

log = logging.getLogger(__name__)

LAYOUT_VERSION = 3
"""Bump when the set of docks or their object names change; older saved layouts are dropped.
2: the Log became a dock, the charts the centre, layouts saved per perspective and size.
3: the Regime Lab and Term Structure docks."""

KEY_GEOMETRY = "window/geometry"
KEY_VERSION = "window/layout_version"
KEY_PERSPECTIVE = "window/perspective"
LAYOUTS = "layouts"


def state_key(perspective: str, bucket: str) -> str:
    """Where the dock arrangement of ``perspective`` on a ``bucket``-sized screen is saved."""
    return f"{LAYOUTS}/{perspective}/{bucket}"


MAX_SETTINGS_BYTES = 1 << 20
# what QSettings writes: [section], key=value (keys and values escaped to ASCII), blank lines
_INI_LINE = re.compile(r"\s*(\[[^\]]*\]|[;#].*|[^=\[\]]+=.*|)\s*")


def _settings_text(path: Path) -> tuple[str, str | None]:
    """(text, None) or ("", why it is not a settings file's text); ("", None) if absent."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return "", None
    except OSError as exc:
        return "", f"unreadable ({exc.strerror or exc})"
    nul = data.find(bytes(1))
    if len(data) > MAX_SETTINGS_BYTES:
        return "", f"{len(data):,} bytes, more than a settings file holds"
    if nul >= 0:
        return "", f"NUL bytes from byte {nul:,} (an interrupted or zero-filled write)"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return "", f"not text (byte {exc.start:,})"


def settings_problem(path: Path) -> str | None:
    """Why the settings file cannot be trusted, or None (also when there is none yet).
    QSettings itself accepts any bytes as INI and silently drops what it cannot read."""
    text, problem = _settings_text(path)
    if problem:
        return problem
    for number, line in enumerate(text.splitlines(), start=1):
        if not _INI_LINE.fullmatch(line):
            return f"line {number} is not a setting: {line[:40]!r}"
    return None


def recover_settings(paths: AppPaths | None = None) -> Recovery | None:
    """Move a damaged settings file aside (kept under a dated name) so the app starts from
    the defaults; returns what was done, or None if the file is fine."""
    path = (paths or app_paths()).settings_file
    problem = settings_problem(path)
    if problem is None:
        return None
    kept = quarantine(path)
    log.error("settings file %s damaged (%s): moved to %s, defaults used", path, problem, kept)
    return Recovery(kept, f"settings file {path} is damaged: {problem}")


def open_settings(paths: AppPaths | None = None) -> QSettings:
    """The app's QSettings, stored as INI under the config dir (CTADESK_HOME aware)."""
    paths = (paths or app_paths()).ensure()
    return QSettings(str(paths.settings_file), QSettings.Format.IniFormat)


def save_layout(window: QMainWindow, settings: QSettings, key: str) -> None:
    """Store the window geometry and the dock state under ``key`` (see ``state_key``)."""
    settings.setValue(KEY_GEOMETRY, window.saveGeometry())
    settings.setValue(key, window.saveState(LAYOUT_VERSION))
    settings.setValue(KEY_VERSION, LAYOUT_VERSION)
    settings.sync()


def forget_state(settings: QSettings, key: str) -> None:
    """Drop the dock state saved under ``key`` (Reset perspective)."""
    settings.remove(key)
    settings.sync()


def _stored_bytes(settings: QSettings, key: str) -> QByteArray | None:
    value = settings.value(key)
    if value is None:
        return None
    if isinstance(value, QByteArray):
        return value
    if isinstance(value, bytes | bytearray):
        return QByteArray(bytes(value))
    log.warning("saved %s is a %s, not binary layout data: ignored", key, type(value).__name__)
    return None


def _saved(settings: QSettings, key: str) -> QByteArray | None:
    """The bytes saved under ``key`` by a compatible version; None when absent or unusable."""
    if settings.status() != QSettings.Status.NoError:
        log.warning("settings file %s unreadable: default layout", settings.fileName())
        return None
    data = _stored_bytes(settings, key)
    if data is None:
        return None
    version = settings.value(KEY_VERSION)
    if str(version) != str(LAYOUT_VERSION):
        log.warning("saved layout version %r is not %d: default layout", version, LAYOUT_VERSION)
        return None
    return data


def restore_geometry(window: QMainWindow, settings: QSettings) -> bool:
    """Restore the window geometry (call before the first show); False if none usable."""
    geometry = _saved(settings, KEY_GEOMETRY)
    if geometry is None:
        return False
    if not window.restoreGeometry(geometry):
        log.warning("saved window geometry is corrupted: default geometry")
        return False
    return True


def restore_state(window: QMainWindow, settings: QSettings, key: str) -> bool:
    """Restore the dock arrangement saved under ``key``; False (caller applies the default) if
    none usable."""
    state = _saved(settings, key)
    if state is None:
        return False
    if not window.restoreState(state, LAYOUT_VERSION):
        log.warning("saved dock layout %s is corrupted or incompatible: default layout", key)
        return False
    return True


def clear_settings(paths: AppPaths | None = None) -> None:
    """Forget every saved setting (``ctadesk --reset``)."""
    settings = open_settings(paths)
    settings.clear()
    settings.sync()
