"""File > Export: a run's series to CSV, read back with pandas and checked against the run and
numpy; charts to PNG (the chart's size) and SVG (valid XML holding the run's curve)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMenu

from app.export_actions import (
    EARLIER_RUNS_TEXT,
    PNG_TEXT,
    RUN_CSV_TEXT,
    SVG_TEXT,
    add_export_actions,
)
from widgets import charts


def _window_with_run(make_window, qtbot):
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    panel = window.panels["dockStrategy"]
    panel.run_button.click()
    qtbot.waitUntil(
        lambda: window.strategy.last is not None and panel.run_button.isEnabled(), timeout=60_000
    )
    return window


def _export_menu(window, chosen: list[str]) -> dict[str, object]:
    """A File menu with the Export submenu; the file dialog answers from ``chosen``."""
    file_menu = QMenu(window)
    asked: list[tuple[str, str]] = []

    def ask(_parent, caption: str, suggested: str, _filter: str) -> str:
        asked.append((caption, suggested))
        return chosen.pop(0)

    add_export_actions(window, file_menu, ask_path=ask)
    (export,) = [a.menu() for a in file_menu.actions() if a.menu() is not None]
    export.aboutToShow.emit()
    actions = {a.text(): a for a in export.actions()}
    actions["asked"] = asked
    return actions


def test_run_csv_round_trip(make_window, qtbot, tmp_path: Path) -> None:
    window = _window_with_run(make_window, qtbot)
    out = window.strategy.last
    target = tmp_path / "run.csv"
    actions = _export_menu(window, [str(target)])
    assert actions[RUN_CSV_TEXT].isEnabled()
    actions[RUN_CSV_TEXT].trigger()
    assert actions["asked"] == [("Export tsmom-blend #1", "tsmom-blend_1.csv")]
    lines = target.read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    assert header[0] == "# run: tsmom-blend #1"
    assert '"vol_target": ' in header[2] and '"signal": "tsmom_blend"' in header[2]
    first_row = lines[len(header) + 1]
    assert re.match(r"\d{4}-\d{2}-\d{2},", first_row)  # ISO dates
    frame = pd.read_csv(target, comment="#", index_col="Date", parse_dates=True)
    returns = out.result.returns
    assert frame.index.equals(pd.DatetimeIndex(returns.index, name="Date"))
    np.testing.assert_array_equal(frame["return"].to_numpy(), returns.to_numpy())
    # independent: equity is the product of 1 + return, by numpy on the file's own returns
    np.testing.assert_allclose(frame["equity"], np.cumprod(1.0 + frame["return"]), rtol=1e-12)
    np.testing.assert_allclose(frame["equity"].iloc[-1], out.series.equity[-1], rtol=1e-12)
    positions = out.result.positions.reindex(returns.index)
    for symbol in positions.columns:
        np.testing.assert_array_equal(frame[f"pos_{symbol}"], positions[symbol])
    assert len(positions.columns) == 20


def test_run_csv_needs_a_run_and_a_path(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window(auto_demo=False)
    actions = _export_menu(window, [])
    assert not actions[RUN_CSV_TEXT].isEnabled()
    window = _window_with_run(make_window, qtbot)
    actions = _export_menu(window, [""])  # the dialog cancelled: nothing written
    actions[RUN_CSV_TEXT].trigger()
    assert actions["asked"] and list(tmp_path.rglob("*.csv")) == []
    window.panels["dockEquity"].clear_button.click()
    actions = _export_menu(window, [])
    assert not actions[RUN_CSV_TEXT].isEnabled()


def test_an_earlier_run_is_picked_from_the_submenu(make_window, qtbot, tmp_path: Path) -> None:
    """With two runs of different presets, the submenu lists the older one (the newest has
    its own action) and writes that run's returns, not the newest's."""
    window = _window_with_run(make_window, qtbot)
    panel = window.panels["dockStrategy"]
    panel.select_preset("fast")
    panel.run_button.click()
    qtbot.waitUntil(lambda: len(window.strategy.outputs) == 2 and panel.run_button.isEnabled())
    older, newest = window.strategy.outputs
    target = tmp_path / "older.csv"
    actions = _export_menu(window, [str(target)])
    earlier = actions[EARLIER_RUNS_TEXT].menu()
    assert earlier.isEnabled()
    assert [a.text() for a in earlier.actions()] == [f"{older.series.label}…"]
    earlier.actions()[0].trigger()
    assert actions["asked"] == [(f"Export {older.series.label}", "tsmom-blend_1.csv")]
    frame = pd.read_csv(target, comment="#", index_col="Date", parse_dates=True)
    np.testing.assert_array_equal(frame["return"].to_numpy(), older.result.returns.to_numpy())
    assert not np.array_equal(
        newest.result.returns.reindex(frame.index).to_numpy(), frame["return"].to_numpy()
    )


def test_equity_chart_to_png_and_svg(make_window, qtbot, tmp_path: Path) -> None:
    window = _window_with_run(make_window, qtbot)
    window.docks["dockEquity"].raise_()
    view = window.panels["dockEquity"].view
    view.setFocus()
    assert window.focusWidget() is view
    png, svg = tmp_path / "equity.png", tmp_path / "equity"  # ".svg" is added
    actions = _export_menu(window, [str(png), str(svg)])
    actions[PNG_TEXT].trigger()
    actions[SVG_TEXT].trigger()
    assert [suggested for _caption, suggested in actions["asked"]] == ["Equity.png", "Equity.svg"]
    image = QImage(str(png))
    ratio = view.devicePixelRatioF()
    assert not image.isNull()
    assert (image.width(), image.height()) == (
        round(view.width() * ratio),
        round(view.height() * ratio),
    )
    root = ET.parse(tmp_path / "equity.svg").getroot()
    assert root.tag.endswith("svg")
    # the run's curve: a path in the newest run's colour, in data coordinates (seconds) over
    # the run's days
    newest = charts.RUN_COLORS[0]
    paths = [
        child.get("d")
        for group in root.iter("{http://www.w3.org/2000/svg}g")
        if group.get("stroke") == newest
        for child in group
        if child.tag.endswith("path")
    ]
    xs = [np.array([float(x) for x in re.findall(r"[ML]([-\d.e+]+),", d)]) for d in paths if d]
    longest = max(xs, key=len)
    seconds = window.panels["dockEquity"].runs[-1].seconds
    assert len(longest) > 100
    assert longest.min() == pytest.approx(seconds[0], abs=5 * 86_400)
    assert longest.max() == pytest.approx(seconds[-1], abs=5 * 86_400)
    assert "tsmom-blend #1" in (tmp_path / "equity.svg").read_text(encoding="utf-8")  # the key


def test_chart_export_follows_the_focused_dock(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window(auto_demo=False)
    dock = window.docks["dockEventReplay"]
    dock.raise_()
    panel = window.panels["dockEventReplay"]
    import pyqtgraph as pg

    view = max(panel.findChildren(pg.GraphicsView), key=lambda v: v.width() * v.height())
    qtbot.waitUntil(view.isVisible)
    view.setFocus()
    assert window.focusWidget() is view
    target = tmp_path / "replay.png"
    actions = _export_menu(window, [str(target)])
    actions[PNG_TEXT].trigger()
    assert actions["asked"][0][1] == "Event_Replay.png"
    image = QImage(str(target))
    assert image.width() == pytest.approx(view.width() * view.devicePixelRatioF(), abs=1)
