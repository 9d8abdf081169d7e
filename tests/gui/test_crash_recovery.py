"""The desk starting on damaged files: a clear dialog naming the file and where the copy was
kept, defaults or a new store in use, and the desk working; a bad workspace changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.mainwindow import MainWindow
from app.paths import app_paths
from engine.data.store import MarketStore


def _dialog_text(window: MainWindow) -> str:
    dialog = window.errors.dialog
    assert dialog is not None
    return f"{dialog.windowTitle()} {dialog.text()}"


def test_damaged_store_is_replaced_and_kept(make_window, qtbot) -> None:
    paths = app_paths().ensure()
    paths.store.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    window = make_window(auto_demo=True, as_app=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=60_000)
    text = _dialog_text(window)
    kept = next(paths.data.glob("ctadesk.sqlite.damaged-*"))
    assert "Data store damaged" in text and str(paths.store) in text and str(kept) in text
    assert kept.read_bytes().startswith(b"SQLite format 3")
    assert len(window.data.rows) == 22 and window.data.is_demo  # the new store has the demo
    MarketStore(paths.store).check()


def test_damaged_settings_file_gives_defaults_and_a_copy(make_window, qtbot) -> None:
    paths = app_paths().ensure()
    paths.settings_file.write_bytes(b"[window]\ngeometry=@ByteArray(" + bytes(500))
    window = make_window(auto_demo=True, as_app=True)
    qtbot.waitUntil(lambda: window.errors.dialog is not None, timeout=10_000)
    text = _dialog_text(window)
    assert "Settings file damaged" in text and "NUL bytes" in text
    kept = next(paths.config.glob("ctadesk.ini.damaged-*"))
    assert kept.read_bytes().endswith(bytes(500)) and not window.layout_restored


def test_a_bad_workspace_file_changes_nothing(window, qtbot, tmp_path: Path) -> None:
    panel = window.panels["dockStrategy"]
    panel.select_preset("ewmac")
    panel.fields["vol_target"].set_value(0.25)
    before = (panel.preset, panel.values(), panel.symbols())
    bad = tmp_path / "bad.ctadesk.json"
    bad.write_text('{"preset": "fast", "params": {"vol_target": "abc"}}', encoding="utf-8")
    with pytest.raises(ValueError, match="vol_target"):
        panel.load_workspace(bad)
    assert (panel.preset, panel.values(), panel.symbols()) == before
