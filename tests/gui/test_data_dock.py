"""Data dock end to end: first-start demo, import (button path, drop), errors, delete, preview,
and the dialog a colliding import opens."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QDialogButtonBox

from engine.data.importers import import_file
from engine.data.store import MarketStore
from tests.conftest import SHARED_DATA, needs_data
from tests.fetch_server import serve
from widgets.conflict_dialog import ConflictDialog


def _ready(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)


def test_first_start_loads_demo_labelled(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    _ready(window, qtbot)
    panel = window.data_panel
    assert len(panel.symbols()) == 22
    assert "DEMO (synthetic)" in panel.summary.text()
    assert "DEMO (synthetic)" in window.activity.banner.text()
    sources = {panel.model.item(r, 5).text() for r in range(panel.model.rowCount())}
    assert sources == {"DEMO (synthetic)"}


def test_second_start_does_not_reload_demo(make_window, qtbot) -> None:
    first = make_window(auto_demo=True)
    _ready(first, qtbot)
    first.close()
    store = MarketStore(first.data.store_path)
    stamp = {s.symbol: s.imported_at for s in store.list_series()}
    second = make_window(auto_demo=True)
    _ready(second, qtbot)
    assert {s.symbol: s.imported_at for s in store.list_series()} == stamp


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_then_preview_then_delete(window, qtbot, tmp_path: Path) -> None:
    _ready(window, qtbot)
    assert window.data_panel.symbols() == []
    csv = _write(tmp_path, "spx.csv", "Date,Close\n2020-01-02,3257.85\n2020-01-03,3234.85\n")
    window.data_panel.import_requested.emit(csv)
    qtbot.waitUntil(lambda: window.data_panel.symbols() == ["SPX"], timeout=10_000)
    assert "Imported 1 series from spx.csv" in window.statusBar().currentMessage()
    assert any("Imported 1 series" in line for line in window.activity.lines())

    assert window.data_panel.select("SPX")

    def plotted() -> int:
        y = window.data_panel.curve.getData()[1]
        return 0 if y is None else len(y)

    qtbot.waitUntil(lambda: plotted() == 2, timeout=10_000)
    assert list(window.data_panel.curve.getData()[1]) == [3257.85, 3234.85]
    assert "SPX — index" in window.data_panel.preview_title.text()

    window.data.delete("SPX")
    qtbot.waitUntil(lambda: window.data_panel.symbols() == [], timeout=10_000)


def test_bad_file_shows_dialog_and_writes_nothing(window, qtbot, tmp_path: Path) -> None:
    _ready(window, qtbot)
    bad = _write(tmp_path, "broken.csv", "Date,Close\n2020-01-02,1\n2020-01-03,oops\n")
    window.data.import_file(bad)
    qtbot.waitUntil(lambda: window.errors.dialog is not None, timeout=10_000)
    text = window.errors.dialog.text()
    assert "broken.csv, line 3" in text and "'oops' is not a number" in text
    assert MarketStore(window.data.store_path).is_empty()
    window.errors.dialog.accept()


def test_drop_csv_onto_window_imports_it(window, qtbot, tmp_path: Path) -> None:
    _ready(window, qtbot)
    csv = _write(tmp_path, "VIXCLS.csv", "Date,Close\n2024-08-02,23.39\n2024-08-05,38.57\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(csv))])
    event = QDropEvent(
        QPointF(QPoint(50, 50)), Qt.DropAction.CopyAction, mime,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    window.dropEvent(event)
    qtbot.waitUntil(lambda: window.data_panel.symbols() == ["VIXCLS"], timeout=10_000)
    assert MarketStore(window.data.store_path).info("VIXCLS").kind == "vix"


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared data absent")
def test_import_real_futures_panel_in_worker(window, qtbot) -> None:
    _ready(window, qtbot)
    window.data.import_file(SHARED_DATA / "futures_panel_adjusted_daily.csv")
    qtbot.waitUntil(lambda: len(window.data_panel.symbols()) == 16, timeout=30_000)
    qtbot.waitUntil(lambda: not window.jobs.running, timeout=10_000)
    assert any("US10: 1335 zero or negative prices" in line for line in window.activity.lines())


def test_fetch_button_path_against_local_server(window, qtbot, monkeypatch) -> None:
    _ready(window, qtbot)
    assert "cboe-vix" in window.data_panel.fetch_sources
    with serve() as (base, _routes):
        monkeypatch.setenv("CTADESK_FETCH_BASE_URL", base)
        window.data_panel.fetch_requested.emit("cboe-vix")
        qtbot.waitUntil(lambda: window.data_panel.symbols() == ["VIX"], timeout=30_000)
    assert "Imported 1 series from " in window.statusBar().currentMessage()


def test_fetch_offline_reaches_error_dialog(window, qtbot, monkeypatch) -> None:
    _ready(window, qtbot)
    monkeypatch.setenv("CTADESK_FETCH_BASE_URL", "http://127.0.0.1:9/")
    monkeypatch.setattr("engine.data.fetch.BACKOFF_S", 0.01)
    window.data.fetch("stooq:^spx")
    qtbot.waitUntil(lambda: window.errors.dialog is not None, timeout=30_000)
    assert "offline" in window.errors.dialog.text()
    window.errors.dialog.accept()


VIX_FILE = SHARED_DATA / "vix_daily.csv"
PANEL = SHARED_DATA / "futures_panel_adjusted_daily.csv"


def _with_real_vix(window, qtbot) -> MarketStore:
    """The window's store holding the real VIX as VIX (as `data import --symbol VIX` does)."""
    _ready(window, qtbot)
    store = MarketStore(window.data.store_path)
    import_file(store, VIX_FILE, symbol="VIX")
    window.data.refresh()
    qtbot.waitUntil(lambda: window.data_panel.symbols() == ["VIX"], timeout=10_000)
    return store


def _dialog(window, qtbot) -> ConflictDialog:
    qtbot.waitUntil(lambda: window.data.conflict_dialog is not None, timeout=30_000)
    dialog = window.data.conflict_dialog
    assert dialog.isVisible() and window.errors.dialog is None
    assert "VIX: stored as kind vix from file:vix_daily.csv" in dialog.message
    assert "this file has kind future from file:futures_panel_adjusted_daily.csv" in dialog.message
    return dialog


def _panel_column(column: str) -> list[float]:
    return pd.read_csv(PANEL, index_col=0)[column].dropna().tolist()


@needs_data
@pytest.mark.parametrize("option", ["prefix", "rename", "replace", "skip"])
def test_colliding_import_asks_and_each_choice_does_what_it_says(
    window, qtbot, option: str
) -> None:
    store = _with_real_vix(window, qtbot)
    spot = store.read("VIX")
    window.data_panel.import_requested.emit(PANEL)  # the Import button's path
    dialog = _dialog(window, qtbot)
    assert MarketStore(window.data.store_path).read("VIX").equals(spot)  # asked first
    dialog.choose(option)
    if option == "prefix":
        assert dialog.prefix_edit.text() == "FUT_"  # the default, editable
        dialog.prefix_edit.setText("ADJ_")
    if option == "rename":
        dialog.rename_edits["VIX"].setText("VX_ADJ")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    expected = {
        "prefix": ("ADJ_VIX", 17),
        "rename": ("VX_ADJ", 17),
        "replace": ("VIX", 16),
        "skip": ("SP500", 16),
    }[option]
    qtbot.waitUntil(lambda: len(window.data_panel.symbols()) == expected[1], timeout=30_000)
    qtbot.waitUntil(lambda: not window.jobs.running, timeout=10_000)
    assert expected[0] in window.data_panel.symbols()
    assert window.data.conflict_dialog is None and window.errors.dialog is None
    if option == "replace":
        assert store.info("VIX").kind == "future"
        assert store.read("VIX")["close"].tolist() == _panel_column("VIX")
        return
    assert store.read("VIX").equals(spot) and store.info("VIX").kind == "vix"
    assert store.read("VIX")["close"]["2008-10-24"] == 79.13
    if option != "skip":
        assert store.read(expected[0])["close"].tolist() == _panel_column("VIX")


@needs_data
def test_dropped_colliding_file_asks_and_cancel_writes_nothing(window, qtbot) -> None:
    store = _with_real_vix(window, qtbot)
    before = store.content_hash()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(PANEL))])
    event = QDropEvent(
        QPointF(QPoint(50, 50)), Qt.DropAction.CopyAction, mime,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    window.dropEvent(event)
    dialog = _dialog(window, qtbot)
    dialog.prefix_edit.setText("")  # nothing to import under: Import is disabled
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: window.data.conflict_dialog is None, timeout=10_000)
    assert "cancelled: nothing was written" in window.statusBar().currentMessage()
    assert store.content_hash() == before and window.data_panel.symbols() == ["VIX"]


def test_conflict_on_many_series_scrolls_and_keeps_the_buttons_on_screen(qtbot) -> None:
    symbols = [f"SERIES_{i:02d}" for i in range(60)]
    dialog = ConflictDialog(None, "60 series collide", symbols, "FUT_", can_skip=False)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    screen = dialog.screen().availableGeometry()
    assert dialog.height() <= screen.height() * 0.8 + 1
    assert dialog.scroll.verticalScrollBar().maximum() > 0  # the names scroll
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.rect().contains(ok.geometry().translated(dialog.buttons.pos()))
    dialog.choose("rename")
    assert dialog.choice().rename["SERIES_59"] == "FUT_SERIES_59"


def test_fetch_dialog_takes_a_typed_vx_contract(window, qtbot) -> None:
    """The source list is editable: a VX contract month typed in is what the dock asks for."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QComboBox, QInputDialog

    panel = window.data_panel
    asked: list[str] = []
    panel.fetch_requested.connect(asked.append)

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        combo = dialog.findChild(QComboBox)
        assert combo.isEditable() and combo.findText("cboe-vix3m") >= 0
        combo.setEditText("  cboe-vx:2024-08 ")
        dialog.accept()

    QTimer.singleShot(0, answer)
    panel.choose_source()
    assert asked == ["cboe-vx:2024-08"]


@needs_data
def test_long_file_asks_then_imports_one_series_per_contract(window, qtbot, tmp_path) -> None:
    """The real VX long file (two of its contracts here) dropped on the dock is not refused:
    the dock asks, Cancel writes nothing, Yes stores one series per contract with the file's
    settles."""
    from PySide6.QtWidgets import QMessageBox

    raw = pd.read_csv(SHARED_DATA / "vix_term_structure" / "vx_futures_settle_2007_2026.csv")
    part = raw[raw["contract"].isin(["VX 2024-08", "VX 2024-09"])]
    path = tmp_path / "vx_long.csv"
    part.to_csv(path, index=False)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    store = MarketStore(window.data.store_path)
    before = store.content_hash()
    for answer in (QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes):
        window.data.import_file(path)
        qtbot.waitUntil(lambda: window.data.long_dialog is not None, timeout=30_000)
        box = window.data.long_dialog
        assert "2 contracts in long format" in box.text()
        box.button(answer).click()
        if answer == QMessageBox.StandardButton.Cancel:
            qtbot.waitUntil(lambda: window.data.long_dialog is None)
            assert store.content_hash() == before
    qtbot.waitUntil(lambda: "VX_2024-08" in [r["symbol"] for r in window.data.rows], timeout=30_000)
    august = part[part["contract"] == "VX 2024-08"]
    stored = store.read("VX_2024-08", ["close"])["close"]
    assert stored.to_numpy().tolist() == august["settle"].tolist()
    assert stored.loc["2024-08-05"] == 32.0986
