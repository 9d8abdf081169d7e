"""Menus, shortcuts, theme switching and the About text."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QKeySequence

from app.menus import about_text
from app.paths import app_paths
from app.theme import set_theme


def _action(window, menu_title: str, text: str):
    for menu_action in window.menuBar().actions():
        if menu_action.text().replace("&", "") == menu_title:
            for action in menu_action.menu().actions():
                if action.text().replace("&", "").startswith(text):
                    return action
    raise AssertionError(f"no {menu_title} > {text}")


def test_run_menu_shortcut_runs_a_backtest(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    action = _action(window, "Run", "Run backtest")
    assert action.shortcut() == QKeySequence("Ctrl+R")
    action.trigger()
    qtbot.waitUntil(lambda: window.strategy.last is not None, timeout=60_000)
    assert _action(window, "Run", "Refresh triggers").shortcut() == QKeySequence("F5")


def test_light_theme_switches_charts_and_is_remembered(make_window, qtbot) -> None:
    window = make_window()
    window.light_action.setChecked(True)
    views = window.findChildren(pg.GraphicsView)
    assert views and all(v.backgroundBrush().color().name() == "#ffffff" for v in views)
    window.close()
    second = make_window()
    assert second.light_action.isChecked()
    set_theme(second, "dark")
    assert all(
        v.backgroundBrush().color().name() == "#161a21"
        for v in second.findChildren(pg.GraphicsView)
    )


def test_about_lists_versions_and_paths(desk_app) -> None:
    text = about_text()
    assert "PySide6" in text and "numba" in text and "pandas" in text
    assert str(app_paths().data) in text


def test_tables_export_csv_and_copy(make_window, qtbot, tmp_path) -> None:
    import csv

    from widgets.table_export import table_to_csv, table_to_text

    window = make_window()
    panel = window.panels["dockTriggersFlows"]
    panel.vix_path.setText("20,30,40")
    panel.delev_button.click()
    table = panel.delev_table
    assert [a.text() for a in table.actions()] == ["Copy table", "Export CSV…"]
    assert table_to_csv(table, tmp_path / "d.csv") == 3
    rows = list(csv.reader((tmp_path / "d.csv").open(encoding="utf-8")))
    assert rows[0][0] == "VIX" and rows[2][1] == table.item(1, 1).text()
    assert table_to_text(table).splitlines()[1].split("\t")[0] == "20"


def test_clear_runs_and_replay_day_shortcuts(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    equity = window.panels["dockEquity"]
    _action(window, "Run", "Run backtest").trigger()
    qtbot.waitUntil(lambda: len(equity.runs) == 1 and not window.jobs.running, timeout=60_000)
    clear = _action(window, "Run", "Clear runs")
    assert clear.shortcut() == QKeySequence("Ctrl+K")
    clear.trigger()
    assert equity.runs == []

    slider = window.panels["dockEventReplay"].slider
    slider.setRange(0, 10)  # as a loaded replay of eleven days sets it
    slider.setValue(5)
    following = _action(window, "Run", "Next replay day")
    previous = _action(window, "Run", "Previous replay day")
    assert (following.shortcut(), previous.shortcut()) == (
        QKeySequence("Alt+Right"),
        QKeySequence("Alt+Left"),
    )
    following.trigger()
    following.trigger()
    previous.trigger()
    assert slider.value() == 6
    assert not window.docks["dockEventReplay"].visibleRegion().isEmpty()  # brought to the front
    for _ in range(10):
        following.trigger()
    assert slider.value() == 10  # stops at the last day


def test_tab_order_stays_within_each_dock(window) -> None:
    """Tab walks one dock's inputs, then the next dock's: it never leaves a dock and comes back."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDockWidget

    def dock_of(widget):
        while widget is not None and not isinstance(widget, QDockWidget):
            widget = widget.parentWidget()
        return widget.objectName() if widget is not None else None

    order, widget = [], window.nextInFocusChain()
    while widget is not window:
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and dock_of(widget):
            order.append(dock_of(widget))
        widget = widget.nextInFocusChain()
    runs = [name for i, name in enumerate(order) if i == 0 or order[i - 1] != name]
    assert len(runs) == len(set(runs)), runs
    assert set(runs) >= set(window.panels)
