"""Regime Lab dock: the regime matrix, spike speed, dispersion and allocation tabs run in
workers on the Strategy dock's universe and the store's VIX, show the engine's numbers, say
what is missing inline, cancel cleanly, follow the theme and fit the screen."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableWidget

from app.layout_check import measure
from app.paths import app_paths
from app.theme import set_theme
from engine.allocation import allocation_job
from engine.backtest import backtest_job
from engine.data.choice import ImportChoice
from engine.data.importers import import_file
from engine.data.store import MarketStore
from engine.dispersion import dispersion_job
from engine.jobs import run_job
from engine.presets import presets, resolve
from engine.regime_matrix import regime_matrix_job
from engine.spike_speed import spike_speed_job
from engine.vix import ZoneThresholds
from tests.app.test_cli_thresholds import expected_days, previous_vix
from tests.conftest import SHARED_DATA, needs_data
from tests.gui.test_theme import _check_charts, _check_labels, contrast
from tests.gui.test_tooltips import inputs_of
from widgets import palette
from widgets.palette import DARK, LIGHT
from widgets.regime_lab_panel import RegimeLabPanel

SMALL_UNIVERSE = ["DEMO_ES", "DEMO_ZN", "DEMO_CL", "DEMO_EUR"]


def _idle(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=60_000)


def _run(window, qtbot, tab: str) -> None:
    """Press ``tab``'s Run and wait for its study to end."""
    panel = window.panels["dockRegimeLab"]
    panel.tabs.setCurrentIndex(("matrix", "spikes", "dispersion", "allocation").index(tab))
    panel.request_run(tab)
    qtbot.waitUntil(lambda: tab in window.lab.workers and not window.jobs.running, timeout=60_000)
    qtbot.waitUntil(panel.run_buttons[tab].isEnabled)


def _over(tint: QColor, base: QColor) -> QColor:
    """``tint`` drawn over ``base`` (alpha blending)."""
    a = tint.alphaF()
    return QColor(
        *(
            round(a * t + (1 - a) * b)
            for t, b in zip(tint.getRgb()[:3], base.getRgb()[:3], strict=True)
        )
    )


def _column(table: QTableWidget, column: int) -> list[str]:
    return [table.item(r, column).text() for r in range(table.rowCount())]


def _demo_window(make_window, qtbot):
    window = make_window(auto_demo=True)
    _idle(window, qtbot)
    window.switch_perspective("regime")  # the lab's own perspective: its dock in front
    return window, window.panels["dockRegimeLab"]


def test_matrix_cells_are_the_engines_and_tinted_by_sign(make_window, qtbot) -> None:
    """Every preset on the demo: each cell equals an independent regime_matrix_job run on the
    same prices and VIX; green above zero, red below; |t| < 2 dimmed, the rest bold; the
    tooltip has the bootstrap interval and days; macro is listed as skipped."""
    window, panel = _demo_window(make_window, qtbot)
    _run(window, qtbot, "matrix")
    store = MarketStore(window.data.store_path)
    prices = store.read_closes(window.panels["dockStrategy"].symbols())
    expected = run_job(regime_matrix_job(prices, store.read("DEMO_VIX")["close"]))
    assert panel.matrix.presets == expected.presets == sorted(set(presets()) - {"macro"})
    table = panel.matrix_table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == [
        "Preset",
        "Complacency\n< 15",
        "Normal\n15-20",
        "Warning\n20-25",
        "Fear\n25-30",
        "Panic\n>= 30",
        "VIX\n>= 40",
    ]
    assert _column(table, 0) == expected.presets
    bands = [b.key for b in expected.bands]
    theme = palette.current()
    signs = set()
    for stat in ("sharpe", "t_stat", "ann_return", "days"):
        panel.metric_box.setCurrentIndex(panel.metric_box.findData(stat))
        values = expected.table(stat)
        for r, preset in enumerate(expected.presets):
            for c, band in enumerate(bands, start=1):
                value = values[preset][band]
                assert panel.matrix_value(preset, band) == pytest.approx(value)
                item = table.item(r, c)
                if stat == "sharpe":
                    assert item.text() == f"{value:.2f}"
                    colour = item.background().color().name()
                    assert colour == (theme.positive if value > 0 else theme.negative)
                    signs.add(value > 0)
                    noise = abs(expected.cells[preset][band]["t_stat"]) < 2
                    assert item.font().italic() == noise and item.font().bold() == (not noise)
                    low, high = expected.cells[preset][band]["sharpe_ci"]
                    days = expected.cells[preset][band]["days"]
                    assert f"{low:.2f} to {high:.2f}" in item.toolTip()
                    assert f"{days:,.0f} days" in item.toolTip()
    assert signs == {True, False}  # the demo has both: the tint is tested both ways
    assert table.item(0, 1).text() == f"{expected.table('days')[expected.presets[0]][bands[0]]:,}"
    assert "Skipped: macro" in panel.matrix_note.text()
    assert "DEMO (synthetic)" in panel.messages["matrix"].text()
    assert window.errors.count == 0


def test_matrix_bands_follow_the_thresholds_in_effect(make_window, qtbot) -> None:
    """The thresholds given to the controller band the next matrix (a shown one says it is
    out of date); the days per band equal a pandas count by the previous VIX close."""
    window, panel = _demo_window(make_window, qtbot)
    panel.matrix_presets.set_names(["fast"])
    _run(window, qtbot, "matrix")
    custom = ZoneThresholds((12.0, 18.0, 24.0, 35.0))
    window.lab.set_thresholds(custom)
    assert "now 12/18/24/35" in panel.messages["matrix"].text()
    _run(window, qtbot, "matrix")
    table = panel.matrix_table
    assert table.horizontalHeaderItem(1).text() == "Complacency\n< 12"
    assert table.horizontalHeaderItem(5).text() == "Panic\n>= 35"
    store = MarketStore(window.data.store_path)
    prices = store.read_closes(window.panels["dockStrategy"].symbols())
    vix = store.read("DEMO_VIX")["close"]
    returns = run_job(backtest_job(prices, resolve("fast"))).returns
    days = expected_days(previous_vix(pd.DatetimeIndex(returns.index), vix), [12, 18, 24, 35])
    panel.metric_box.setCurrentIndex(panel.metric_box.findData("days"))
    shown = [int(table.item(0, c).text().replace(",", "")) for c in range(1, 7)]
    assert shown == list(days.values())
    assert "zone thresholds 12/18/24/35" in panel.messages["matrix"].text()


def test_cancel_leaves_the_dock_usable(make_window, qtbot) -> None:
    """The status bar's Cancel stops a running matrix: the tab says so, its Run works again,
    no error dialog; the next run completes."""
    window, panel = _demo_window(make_window, qtbot)
    panel.request_run("matrix")
    assert not panel.run_buttons["matrix"].isEnabled()
    qtbot.waitUntil(window.job_status.cancel_button.isVisible)
    window.job_status.cancel_button.click()
    qtbot.waitUntil(lambda: not window.jobs.running, timeout=30_000)
    assert window.lab.workers["matrix"].outcome == "cancelled"
    assert panel.run_buttons["matrix"].isEnabled()
    assert "Cancelled" in panel.messages["matrix"].text()
    assert panel.matrix is None and panel.matrix_table.rowCount() == 0
    panel.matrix_presets.set_names(["fast"])
    _run(window, qtbot, "matrix")
    assert _column(panel.matrix_table, 0) == ["fast"]
    assert window.errors.count == 0


def test_missing_inputs_are_said_inline(make_window, qtbot) -> None:
    """No preset, no instrument, no VIX and no equity index: each said in its tab, in the
    error colour, with what to do; no dialog, no worker."""
    window, panel = _demo_window(make_window, qtbot)
    strategy = window.panels["dockStrategy"]
    red = palette.current().error
    panel.matrix_presets.set_names([])
    panel.request_run("matrix")
    assert "Tick at least one preset" in panel.messages["matrix"].text()
    panel.matrix_presets.set_names(["fast"])
    strategy.set_symbols([])
    panel.request_run("dispersion")
    assert "Tick instruments in the Strategy dock" in panel.messages["dispersion"].text()
    store = MarketStore(window.data.store_path)
    store.delete("DEMO_VIX")
    store.delete("DEMO_SPX")
    window.data.refresh()
    qtbot.waitUntil(lambda: "DEMO_VIX" not in window.data_panel.symbols(), timeout=10_000)
    for tab in ("matrix", "spikes"):  # said as soon as the store has no VIX
        assert "No spot VIX series in the store" in panel.messages[tab].text()
        assert red in panel.messages[tab].text()
    strategy.set_symbols(["DEMO_ZN", "DEMO_CL"])  # no equity index among them, none stored
    panel.request_run("matrix")
    assert "import one in the Data dock" in panel.messages["matrix"].text()
    assert "matrix" not in window.lab.workers
    _run(window, qtbot, "allocation")
    message = panel.messages["allocation"].text()
    assert "the allocation study needs an equity index" in message and red in message
    assert panel.allocation_table.rowCount() == 0
    assert window.errors.count == 0


def test_dispersion_and_allocation_show_the_engines_figures_and_follow_the_theme(
    make_window, qtbot
) -> None:
    """On a small demo universe: the allocation grid and its claim sentence are the engine's
    (an independent allocation_job with the same legs); the dispersion chart, its lines and
    the top months are drawn; after a dark -> light switch every chart, tint and label of the
    dock is in the light theme's colours and readable."""
    window, panel = _demo_window(make_window, qtbot)
    set_theme(window, "dark")
    strategy = window.panels["dockStrategy"]
    strategy.set_symbols(SMALL_UNIVERSE)
    _run(window, qtbot, "allocation")
    store = MarketStore(window.data.store_path)
    prices = store.read_closes(SMALL_UNIVERSE)
    spx = store.read("DEMO_SPX", ["close"])["close"].rename("DEMO_SPX")
    expected = run_job(allocation_job(prices, resolve(strategy.preset, strategy.values()), spx))
    table = panel.allocation_table
    assert table.rowCount() == len(expected["mixes"]) == 11
    for r, mix in enumerate(expected["mixes"]):
        assert table.item(r, 0).text() == f"{mix['cta_share'] * 100:.0f}%"
        assert table.item(r, 3).text() == f"{mix['sharpe']:.2f}"
        assert table.item(r, 6).text() == f"{mix['max_drawdown'] * 100:.1f}%"
        assert table.item(r, 8).text() == mix["worst_month_date"]
    gain = expected["claim"]["sharpe_gain_at_30"]
    assert f"a gain of <b>{gain * 100:+.1f}%</b> vs the note's +25%" in panel.allocation_text.text()
    x, y = panel.allocation_curve.getData()
    assert list(x) == [m["cta_share"] * 100 for m in expected["mixes"]]
    _run(window, qtbot, "dispersion")
    report = run_job(dispersion_job(prices, strategy.preset, strategy.values())).report(10)
    x, y = panel.dispersion_curve.getData()
    assert list(y) == pytest.approx([row["dispersion"] * 100 for row in report["monthly"]])
    assert list(panel.dispersion_mean.getData()[1]) == pytest.approx([report["mean"] * 100] * 2)
    assert list(panel.dispersion_claim.getData()[1]) == [2.0, 2.0]  # the note's 2%
    assert f"mean monthly dispersion <b>{report['mean'] * 100:.2f}%</b>" in (
        panel.dispersion_text.text()
    )
    assert _column(panel.top_months, 0) == [row["month"] for row in report["top_months"]]
    assert panel.top_months.item(0, 1).text() == f"{y.max():.2f}%"
    panel.matrix_presets.set_names(["tsmom-blend", "fast"])
    _run(window, qtbot, "matrix")
    positive = [
        panel.matrix_table.item(r, c)
        for r in range(2)
        for c in range(1, 7)
        if (panel.matrix_table.item(r, c).data(Qt.ItemDataRole.UserRole) or 0) > 0
    ]
    assert positive and all(i.background().color().name() == DARK.positive for i in positive)
    set_theme(window, "light")
    qtbot.wait(50)
    assert all(i.background().color().name() == LIGHT.positive for i in positive)
    for item in positive:  # the text stays readable on its tint
        shown = _over(item.background().color(), QColor(LIGHT.base))
        text = LIGHT.muted if item.font().italic() else LIGHT.text
        assert contrast(QColor(text), shown) >= 4.5
    assert pg.mkPen(panel.dispersion_curve.opts["pen"]).color().name() == LIGHT.series[0]
    assert pg.mkPen(panel.dispersion_mean.opts["pen"]).color().name() == LIGHT.series[1]
    assert pg.mkPen(panel.allocation_curve.opts["pen"]).color().name() == LIGHT.series[0]
    assert panel.allocation_marker.pen.color().name() == LIGHT.marker
    axis = panel.dispersion_plot.getPlotItem().getAxis("left")
    assert axis.pen().color().name() == LIGHT.chart_fg
    _check_charts(window, LIGHT)
    _check_labels(window, LIGHT)
    set_theme(window, "dark")
    assert pg.mkPen(panel.dispersion_curve.opts["pen"]).color().name() == DARK.series[0]
    assert window.errors.count == 0


def test_every_input_has_a_tooltip(desk_app, qtbot) -> None:
    panel = RegimeLabPanel()
    qtbot.addWidget(panel)
    inputs = inputs_of(panel)
    # matrix: metric, quintiles, presets, run; spikes: from, to, fast, presets, run, shown
    # preset; dispersion: run; allocation: step, run
    assert len(inputs) == 2 * len(presets()) + 11
    assert [w.objectName() for w in inputs if not w.toolTip().strip()] == []


# -- real data ------------------------------------------------------------------------------------
def _real_store() -> None:
    """The README's desk: the real VIX, the S&P 500 to 2026 and the 1975-2017 futures panel
    (under FUT_) in this test's store."""
    store = MarketStore(app_paths().ensure().store)
    import_file(store, SHARED_DATA / "vix_daily.csv", symbol="VIX")
    spx = SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv"
    import_file(store, spx, symbol="SPX", kind="index")
    panel = SHARED_DATA / "futures_panel_adjusted_daily.csv"
    import_file(store, panel, choice=ImportChoice(prefix="FUT_"))


def _csv_close(path: Path) -> pd.Series:
    frame = pd.read_csv(path, index_col=0, parse_dates=True)
    return frame[next(c for c in frame.columns if c.lower() == "close")]


def _real_window(make_window, qtbot, size: tuple[int, int] = (1920, 1080)):
    _real_store()
    window = make_window(show=False, auto_demo=False)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    _idle(window, qtbot)
    window.switch_perspective("regime")
    return window, window.panels["dockRegimeLab"]


@needs_data
def test_real_spikes_list_2008_and_feb_2018(make_window, qtbot) -> None:
    """The real VIX: the 2008 episode peaks at 80.86 on 2008-11-20 (the raw file's highest 2008
    close), Feb 2018 jumps from 17.31 to 37.32 in one day; the index column is the real S&P
    500's change; the fast/slow sentence is the engine's; a double-click picks the cross date."""
    window, panel = _real_window(make_window, qtbot)
    panel.spike_presets.set_names(["tsmom-blend", "fast"])
    _run(window, qtbot, "spikes")
    vix = _csv_close(SHARED_DATA / "vix_daily.csv")
    spx = _csv_close(SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv")
    table = panel.spike_table
    peaks = _column(table, 2)
    row_2008 = peaks.index("2008-11-20")
    top_2008 = vix.loc["2008"].idxmax()
    assert f"{top_2008:%Y-%m-%d}" == "2008-11-20"
    assert table.item(row_2008, 3).text() == f"{vix.loc['2008'].max():.2f}" == "80.86"
    start, cross = table.item(row_2008, 0).text(), table.item(row_2008, 1).text()
    assert (start, cross) == ("2008-08-28", "2008-09-15")
    index_rise = spx.loc[cross] / spx.loc[start] - 1
    assert table.item(row_2008, 6).text() == f"{index_rise * 100:+.1f}%"
    assert table.item(row_2008, 5).text() == "slow"
    row_2018 = _column(table, 1).index("2018-02-05")
    assert table.item(row_2018, 3).text() == f"{vix.loc['2018-02-05']:.2f}" == "37.32"
    assert table.item(row_2018, 0).text() == "2018-02-02" and vix.loc["2018-02-02"] < 20
    assert (table.item(row_2018, 4).text(), table.item(row_2018, 5).text()) == ("1", "fast")
    assert table.item(row_2018, 7).text() == "-"  # the futures panel ends in 2017
    store = MarketStore(window.data.store_path)
    prices = store.read_closes(window.panels["dockStrategy"].symbols())
    engine = run_job(
        spike_speed_job(
            store.read("VIX")["close"],
            prices,
            ["tsmom-blend", "fast"],
            store.read("SPX")["close"].rename("SPX"),
        )
    ).summary()
    slow, fast = engine["slow"]["returns"]["tsmom-blend"], engine["fast"]["returns"]["tsmom-blend"]
    sentence = (
        f"tsmom-blend: {slow['rise'] * 100:+.1f}% over slow rises ({slow['counts']['rise']} "
        f"episodes) vs {fast['rise'] * 100:+.1f}% over fast ones ({fast['counts']['rise']})"
    )
    assert sentence in panel.spike_summary.text()
    assert "trend followers protect in slow crises, not in fast ones" in panel.spike_summary.text()
    item = table.item(row_2008, 1)
    table.scrollToItem(item)
    where = table.visualItemRect(item).center()
    with qtbot.waitSignal(panel.day_picked, timeout=5_000) as picked:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert picked.args == ["2008-09-15"]
    assert window.errors.count == 0


@needs_data
def test_real_data_lab_fits_and_screenshots(make_window, qtbot, tmp_path: Path) -> None:
    """Every tab on real data at 1920x1080 in the Regime monitor perspective: nothing of the
    dock behind a horizontal scrollbar or clipped; a screenshot of each tab kept in
    CTADESK_SCREENSHOTS (when set)."""
    window, panel = _real_window(make_window, qtbot)
    panel.matrix_presets.set_names(["tsmom-blend", "fast", "macro"])
    panel.spike_presets.set_names(["tsmom-blend", "fast"])
    out = Path(os.environ.get("CTADESK_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    for tab in ("matrix", "spikes", "dispersion", "allocation"):
        _run(window, qtbot, tab)
        qtbot.wait(50)
        report = measure(window)
        mine = [p for p in report.hscrollbars + report.clipped if p.startswith("Regime Lab")]
        assert mine == [], tab
        assert window.grab().save(str(out / f"regime-lab-{tab}-1920x1080.png"))
    assert "1976-02 .. 2017-12" in panel.dispersion_text.text()
    assert "Skipped: macro" in panel.matrix_note.text()
    assert "60% SPX / 40% FUT_US10 + CTA" in panel.allocation_note.text()
    assert window.errors.count == 0
