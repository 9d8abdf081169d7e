"""Main window docks, the default layouts at real screen sizes (nothing behind a horizontal
scrollbar, no clipped text), fitted tables, the Log badge, layout save/restore round trip and
fallback on corrupted settings."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
)

from app.layout_check import measure
from app.panels import LOG_DOCK, PANELS
from app.paths import app_paths
from app.perspectives import size_bucket
from app.settings import KEY_GEOMETRY, KEY_VERSION, LAYOUT_VERSION, open_settings, state_key
from app.theme import set_theme
from engine.data.choice import ImportChoice
from engine.data.importers import import_file
from engine.data.store import MarketStore
from tests.conftest import SHARED_DATA, needs_data
from widgets.table_fit import fit_table, fit_widths

ELEVEN_DOCKS = [
    "VIX Regime",
    "Rule of 16",
    "Strategy",
    "Equity",
    "Statistics",
    "Triggers & Flows",
    "Sweep",
    "Event Replay",
    "Regime Lab",
    "Term Structure",
    "Data",
]
Area = Qt.DockWidgetArea


def _areas(window) -> dict[str, Area]:
    return {name: window.dockWidgetArea(dock) for name, dock in window.docks.items()}


def test_eleven_docks_and_the_log_with_unique_object_names(window) -> None:
    assert sorted(window.dock_titles()) == sorted(ELEVEN_DOCKS)
    names = [dock.objectName() for dock in window.findChildren(QDockWidget)]
    assert len(names) == len(set(names)) == 12 and LOG_DOCK in names
    assert window.centralWidget() is not window.activity  # the charts own the centre
    assert window.docks[LOG_DOCK].isHidden()  # the Log waits, collapsed, until asked for
    # titles show "&" literally (escaped), not as a keyboard mnemonic
    assert window.docks["dockTriggersFlows"].windowTitle() == "Triggers && Flows"


def test_every_dock_holds_a_real_panel(window) -> None:
    kinds = {type(window.panels[spec.object_name]).__name__ for spec in PANELS}
    assert len(kinds) == 11  # one panel class per dock, no placeholders left


def test_view_menu_toggles_every_dock_and_resets(window, qtbot) -> None:
    texts = [a.text() for a in window.view_menu.actions() if not a.isSeparator()]
    perspectives = ["&Research", "Regime &monitor", "&Event study", "&Positioning"]
    assert texts[:5] == [*perspectives, "Reset &perspective"]
    assert texts[5:17] == [dock.toggleViewAction().text() for dock in window.docks.values()]
    assert texts[17:] == ["&Light theme"]
    data_dock = window.docks["dockData"]
    data_dock.toggleViewAction().trigger()
    assert data_dock.isHidden()
    data_dock.toggleViewAction().trigger()
    assert not data_dock.isHidden()


def _hidden(window) -> set[str]:
    return {name for name, dock in window.docks.items() if dock.isHidden()}


def test_reset_layout_restores_default_arrangement(window) -> None:
    default, hidden = _areas(window), _hidden(window)
    window.docks["dockStrategy"].hide()
    window.addDockWidget(Area.RightDockWidgetArea, window.docks["dockEquity"])
    assert window.dockWidgetArea(window.docks["dockEquity"]) == Area.RightDockWidgetArea
    window.reset_layout_action.trigger()
    assert _areas(window) == default and _hidden(window) == hidden


def test_layout_round_trip(make_window, qtbot) -> None:
    first = make_window(show=False)
    first.resize(760, 640)  # fits the 800x800 offscreen screen
    first.show()
    qtbot.waitExposed(first)
    assert not first.layout_restored  # nothing saved yet
    first.addDockWidget(Area.RightDockWidgetArea, first.docks["dockStrategy"])
    first.docks["dockData"].hide()
    first.docks["dockSweep"].raise_()
    moved = _areas(first)
    first.close()  # saves on close

    second = make_window()
    assert second.layout_restored
    assert (second.width(), second.height()) == (760, 640)
    assert _areas(second) == moved
    assert second.dockWidgetArea(second.docks["dockStrategy"]) == Area.RightDockWidgetArea
    assert second.docks["dockData"].isHidden()
    assert not second.docks["dockEquity"].isHidden()


def _write_raw(values: dict) -> None:
    settings = open_settings()
    for key, value in values.items():
        settings.setValue(key, value)
    settings.sync()


STATE = state_key("research", size_bucket(1500))  # where make_window's window keeps its layout


def test_corrupted_state_falls_back_to_default(make_window, caplog) -> None:
    reference = make_window(show=True)
    default, hidden = _areas(reference), _hidden(reference)
    reference.save_on_close = False
    reference.close()
    _write_raw(
        {
            KEY_GEOMETRY: QByteArray(b"\x00\x01garbage"),
            STATE: QByteArray(b"not a dock state at all"),
            KEY_VERSION: LAYOUT_VERSION,
        }
    )
    with caplog.at_level(logging.WARNING):
        window = make_window()
    assert not window.layout_restored
    assert _areas(window) == default and _hidden(window) == hidden
    assert "corrupted" in caplog.text


def test_incompatible_version_and_wrong_type_fall_back(make_window, caplog) -> None:
    first = make_window()
    first.docks["dockData"].hide()
    first.close()
    _write_raw({KEY_VERSION: LAYOUT_VERSION + 1})
    with caplog.at_level(logging.WARNING):
        window = make_window()
    assert not window.layout_restored
    assert not window.docks["dockData"].isHidden()
    assert "version" in caplog.text

    _write_raw({STATE: "just text", KEY_GEOMETRY: 42, KEY_VERSION: LAYOUT_VERSION})
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        window = make_window()
    assert not window.layout_restored
    assert "not binary layout data" in caplog.text


def test_garbage_settings_file_opens_with_default_layout(make_window) -> None:
    path = app_paths().ensure().settings_file
    path.write_bytes(bytes(range(256)) * 40)
    window = make_window()
    assert not window.layout_restored
    # the compact Research default shows every panel but the lab's (Regime monitor has them)
    assert _hidden(window) == {LOG_DOCK, "dockRegimeLab", "dockTermStructure"}
    window.close()  # and saving over it works
    assert QSettings(str(path), QSettings.Format.IniFormat).value(KEY_VERSION) is not None


def test_an_old_layout_version_is_not_restored(make_window) -> None:
    _write_raw({STATE: QByteArray(b"\x00" * 64), KEY_VERSION: 1})  # saved before the Log dock
    assert LAYOUT_VERSION > 1
    assert not make_window().layout_restored


# -- the default layout at real screen sizes ----------------------------------------------------
SIZES = [(1366, 768), (1920, 1080)]
SCREENSHOTS = os.environ.get("CTADESK_SCREENSHOTS")


def _report(window) -> str:
    report = measure(window)
    return "; ".join(report.hscrollbars + report.clipped)


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_default_layout_shows_everything(
    make_window, qtbot, tmp_path: Path, width: int, height: int, theme: str
) -> None:
    """No horizontal scrollbar and no clipped text on the demo data, then after a backtest."""
    window = make_window(show=False, auto_demo=True)
    window.resize(width, height)
    set_theme(window, theme)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=60_000)
    qtbot.wait(50)
    assert _report(window) == ""
    strategy = window.panels["dockStrategy"]
    strategy.run_button.click()
    qtbot.waitUntil(
        lambda: window.strategy.last is not None and not window.jobs.running, timeout=60_000
    )
    qtbot.wait(50)
    assert _report(window) == ""
    assert (window.width(), window.height()) == (width, height)
    shown = [name for name, dock in window.docks.items() if not dock.visibleRegion().isEmpty()]
    assert "dockEquity" in shown and "dockStrategy" in shown and "dockStatistics" in shown
    out = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(out / f"desk-{width}x{height}-{theme}.png"))
    assert window.errors.count == 0


def test_layout_check_counts_a_clipped_label_and_a_scrollbar(window, qtbot) -> None:
    """The measure itself: a label squeezed below its text and a dock too narrow for its panel."""
    assert _report(window) == ""
    label = QLabel("a status far too long for thirty pixels", window)
    label.setObjectName("squeezed")
    label.setFixedWidth(30)
    window.statusBar().addPermanentWidget(label)
    dock = window.docks["dockStrategy"]
    dock.setFloating(True)
    dock.resize(120, 300)
    qtbot.waitUntil(label.isVisible)
    qtbot.waitUntil(lambda: dock.width() <= 200)
    scroller = dock.widget()
    qtbot.waitUntil(scroller.horizontalScrollBar().isVisible)
    report = measure(window)
    assert report.hscrollbars == ["Strategy: dockStrategyScroll"]
    assert len(report.clipped) == 1 and report.clipped[0].startswith("window: squeezed")
    assert measure(window).as_dict()["clipped_texts"] == 1


# -- tables -------------------------------------------------------------------------------------
def test_fit_widths_share_room_and_cut_the_widest_first() -> None:
    assert fit_widths([50, 100], [20, 30], 300) == [100, 200]  # slack shared in proportion
    assert fit_widths([50, 100, 300], [20, 30, 40], 250) == [50, 100, 100]  # one cap: 100
    assert fit_widths([50, 400], [40, 60], 200) == [50, 150]
    assert fit_widths([50, 400], [40, 60], 80) == [40, 60]  # floors win: the view scrolls
    assert fit_widths([], [], 100) == []


def test_table_columns_fit_and_cells_show_full_text(desk_app, qtbot) -> None:
    table = QTableWidget(2, 3)
    qtbot.addWidget(table)
    table.setHorizontalHeaderLabels(["Symbol", "Source", "Rows"])
    long_text = "file:futures_panel_adjusted_daily.csv (back-adjusted, 16 instruments)"
    for row, texts in enumerate([("ES", long_text, "9000"), ("CL", "csv", "12")]):
        for column, text in enumerate(texts):
            table.setItem(row, column, QTableWidgetItem(text))
    table.resize(320, 200)
    table.show()
    qtbot.waitExposed(table)
    fitter = fit_table(table)
    assert fit_table(table) is fitter  # one helper per table
    qtbot.waitUntil(lambda: not table.horizontalScrollBar().isVisible())
    header = table.horizontalHeader()
    widths = [header.sectionSize(c) for c in range(3)]
    assert sum(widths) == table.viewport().width()
    assert all(header.sectionSize(c) >= header.sectionSizeFromContents(c).width() for c in range(3))
    assert widths[1] < table.fontMetrics().horizontalAdvance(long_text)  # the long cell gives way
    assert fitter.tooltip(0, 1) == long_text
    position = table.visualRect(table.model().index(0, 1)).center()
    event = QHelpEvent(QHelpEvent.Type.ToolTip, position, table.viewport().mapToGlobal(position))
    QApplication.sendEvent(table.viewport(), event)
    assert QToolTip.text() == long_text
    table.item(1, 0).setText("A much longer symbol name")  # a change in the model refits
    qtbot.waitUntil(lambda: header.sectionSize(0) > widths[0])
    assert sum(header.sectionSize(c) for c in range(3)) == table.viewport().width()


# -- the Log and its badge ----------------------------------------------------------------------
def test_warnings_and_errors_surface_as_a_badge_that_opens_the_log(window, qtbot) -> None:
    badge = window.log_badge
    assert badge.isHidden()
    logging.getLogger("app.layout_test").warning("a warning")
    qtbot.waitUntil(lambda: badge.text() == "1 warning")
    logging.getLogger("engine.layout_test").error("an error")
    logging.getLogger("engine.layout_test").error("another")
    qtbot.waitUntil(lambda: badge.text() == "1 warning, 2 errors")
    assert badge.isVisible() and window.docks[LOG_DOCK].isHidden()
    qtbot.mouseClick(badge, Qt.MouseButton.LeftButton)
    log_dock = window.docks[LOG_DOCK]
    assert log_dock.isVisible() and not log_dock.visibleRegion().isEmpty()
    assert badge.isHidden()
    assert any("another" in line for line in window.activity.lines())


@needs_data
@pytest.mark.parametrize("theme", ["dark", "light"])
def test_real_data_desk_at_1920_shows_everything(
    make_window, qtbot, tmp_path: Path, theme: str
) -> None:
    """The README's desk: the real VIX, the S&P 500 to 2026 and the futures panel imported in
    the README's order (the panel under FUT_), a backtest on the panel and the Aug 2024 replay;
    no horizontal scrollbar and no clipped text, the screenshot kept in CTADESK_SCREENSHOTS."""
    store = MarketStore(app_paths().ensure().store)
    import_file(store, SHARED_DATA / "vix_daily.csv", symbol="VIX")
    spx = SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv"
    import_file(store, spx, symbol="SPX", kind="index")
    panel = SHARED_DATA / "futures_panel_adjusted_daily.csv"
    import_file(store, panel, choice=ImportChoice(prefix="FUT_"))
    window = make_window(show=False, auto_demo=False)
    window.resize(1920, 1080)
    set_theme(window, theme)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(
        lambda: window.data.is_ready and window.regimes.last is not None, timeout=60_000
    )
    strategy = window.panels["dockStrategy"]
    strategy.set_symbols([s for s in strategy.symbols() if s.startswith("FUT_")])
    strategy.run_button.click()
    qtbot.waitUntil(
        lambda: window.strategy.last is not None and not window.jobs.running, timeout=60_000
    )
    window.replays.run("aug-2024")
    qtbot.waitUntil(
        lambda: window.replays.last is not None and not window.jobs.running, timeout=60_000
    )
    assert window.replays.last["data_label"] == "real data"
    window.docks["dockEventReplay"].raise_()
    qtbot.wait(50)
    assert _report(window) == ""
    out = Path(SCREENSHOTS) if SCREENSHOTS else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(out / f"desk-real-1920x1080-{theme}.png"))
    assert window.errors.count == 0
