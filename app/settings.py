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

LAYOUT_VERSION = 1
"""Bump when the set of docks or their object names change; older saved layouts are dropped."""

KEY_GEOMETRY = "window/geometry"
KEY_STATE = "window/state"
KEY_VERSION = "window/layout_version"


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


def save_layout(window: QMainWindow, settings: QSettings) -> None:
    """Store the window geometry and dock state."""
    settings.setValue(KEY_GEOMETRY, window.saveGeometry())
    settings.setValue(KEY_STATE, window.saveState(LAYOUT_VERSION))
    settings.setValue(KEY_VERSION, LAYOUT_VERSION)
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


def _saved_layout(settings: QSettings) -> tuple[QByteArray | None, QByteArray | None]:
    """(geometry, state) saved by a compatible version, each None when absent or unusable."""
    if settings.status() != QSettings.Status.NoError:
        log.warning("settings file %s unreadable: default layout", settings.fileName())
        return None, None
    geometry = _stored_bytes(settings, KEY_GEOMETRY)
    state = _stored_bytes(settings, KEY_STATE)
    if geometry is None and state is None:
        return None, None
    version = settings.value(KEY_VERSION)
    if str(version) != str(LAYOUT_VERSION):
        log.warning("saved layout version %r is not %d: default layout", version, LAYOUT_VERSION)
        return None, None
    return geometry, state


def restore_geometry(window: QMainWindow, settings: QSettings) -> bool:
    """Restore the window geometry (call before the first show); False if none usable."""
    geometry, _state = _saved_layout(settings)
    if geometry is None:
        return False
    if not window.restoreGeometry(geometry):
        log.warning("saved window geometry is corrupted: default geometry")
        return False
    return True


def restore_state(window: QMainWindow, settings: QSettings) -> bool:
    """Restore the dock arrangement; False (caller keeps the default) if none usable."""
    _geometry, state = _saved_layout(settings)
    if state is None:
        return False
    if not window.restoreState(state, LAYOUT_VERSION):
        log.warning("saved dock layout is corrupted or incompatible: default layout")
        return False
    return True


def clear_settings(paths: AppPaths | None = None) -> None:
    """Forget every saved setting (``ctadesk --reset``)."""
    settings = open_settings(paths)
    settings.clear()
    settings.sync()
