"""Regime Lab dock: the regime matrix, spike speed, dispersion, allocation and spike anatomy
tabs run in workers on the Strategy dock's universe and the store's VIX (and its VIX curve),
show the engine's numbers, say what is missing inline, cancel cleanly, follow the theme and fit
the screen."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextDocument
from PySide6.QtWidgets import QTableWidget

from app.cli import run as cli_run
from app.layout_check import measure
from app.paths import app_paths
from app.theme import set_theme
from engine.adaptive_vol import vol_paths
from engine.allocation import allocation_job
from engine.backtest import backtest_job
from engine.data.choice import ImportChoice
from engine.data.importers import import_file
from engine.data.store import MarketStore
from engine.dispersion import dispersion_job
from engine.jobs import run_job
from engine.presets import presets, resolve
from engine.regime_matrix import regime_matrix_job
from engine.spike_anatomy import AnatomyInputs, anatomy_job
from engine.spike_speed import spike_speed_job
from engine.term_structure import vx_settles, vx_symbols
from engine.vix import ZoneThresholds
from tests.app.test_cli_thresholds import expected_days, previous_vix
from tests.conftest import SHARED_DATA, needs_data
from tests.gui.test_theme import _check_charts, _check_labels, contrast
from tests.gui.test_tooltips import inputs_of
from widgets import palette
from widgets.palette import DARK, LIGHT
from widgets.regime_lab_panel import TABS, RegimeLabPanel

SMALL_UNIVERSE = ["DEMO_ES", "DEMO_ZN", "DEMO_CL", "DEMO_EUR"]
TERM = SHARED_DATA / "vix_term_structure"
CURVE_FILES = {"VIX9D": "vix9d_daily.csv", "VIX3M": "vix3m_daily.csv", "VVIX": "vvix_daily.csv"}
VX_FILE = TERM / "vx_futures_settle_2007_2026.csv"
AUG_2024 = "2024-08-05"


def _idle(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=60_000)


def _run(window, qtbot, tab: str) -> None:
    """Press ``tab``'s Run and wait for its study to end."""
    panel = window.panels["dockRegimeLab"]
    panel.tabs.setCurrentIndex(TABS.index(tab))
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
    for tab in ("matrix", "spikes", "anatomy"):  # said as soon as the store has no VIX
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
    # preset; dispersion: run; allocation: step, run; anatomy: source, target, leverage, run
    assert len(inputs) == 2 * len(presets()) + 15
    assert [w.objectName() for w in inputs if not w.toolTip().strip()] == []


# -- real data ------------------------------------------------------------------------------------
def _real_store(curve: bool = False) -> None:
    """The README's desk: the real VIX, the S&P 500 to 2026 and the 1975-2017 futures panel
    (under FUT_) in this test's store; with ``curve`` also CBOE's VIX9D, VIX3M and VVIX and
    CFE's VX settlements (--format long), as a user imports them."""
    store = MarketStore(app_paths().ensure().store)
    import_file(store, SHARED_DATA / "vix_daily.csv", symbol="VIX")
    spx = SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv"
    import_file(store, spx, symbol="SPX", kind="index")
    panel = SHARED_DATA / "futures_panel_adjusted_daily.csv"
    import_file(store, panel, choice=ImportChoice(prefix="FUT_"))
    if curve:
        for name, file in CURVE_FILES.items():
            import_file(store, TERM / file, symbol=name)
        import_file(store, VX_FILE, fmt="long")


def _csv_close(path: Path) -> pd.Series:
    frame = pd.read_csv(path, index_col=0, parse_dates=True)
    return frame[next(c for c in frame.columns if c.lower() == "close")]


def _real_window(make_window, qtbot, size: tuple[int, int] = (1920, 1080), curve: bool = False):
    _real_store(curve)
    return _open_window(make_window, qtbot, size)


def _open_window(make_window, qtbot, size: tuple[int, int]):
    """A window on this test's store at ``size``, in the Regime monitor perspective."""
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


def _plain(rich: str) -> str:
    doc = QTextDocument()
    doc.setHtml(rich)
    return doc.toPlainText()


def _raw_dates(path: Path, column: str, value_column: str, fmt: str) -> pd.Series:
    frame = pd.read_csv(path)
    dates = pd.to_datetime(frame[column], format=fmt)
    return pd.Series(frame[value_column].to_numpy(float), index=dates).sort_index()


def _raw_front(day: pd.Timestamp) -> float:
    """The settle of the nearest VX contract expiring after ``day``, from the raw long file."""
    vx = pd.read_csv(VX_FILE, parse_dates=["trade_date", "expiry"])
    rows = vx[(vx["trade_date"] == day) & (vx["expiry"] > day)].sort_values("expiry")
    return float(rows["settle"].iloc[0])


def _at(curve: pg.PlotDataItem, day: str) -> float:
    x, y = curve.getOriginalDataset()
    hit = np.flatnonzero(x == pd.Timestamp(day).timestamp())
    assert len(hit) == 1, day
    return float(y[hit[0]])


@needs_data
def test_real_anatomy_matches_the_cli_and_the_raw_files(make_window, qtbot) -> None:
    """The real VIX, S&P 500, VIX9D, VIX3M, VVIX and VX futures imported as a user would: a
    cancelled run leaves the tab usable; the 2024-08-05 row shows the raw files' basis and
    ratios; every episode's score, label, outcome, verdict and NAV sold are those of
    ``ctadesk-cli anatomy`` on the same store; the record and the whole period are the CLI's;
    the chart of 2024-08-05 holds the raw closes; a double-click picks the spike day; a
    dark -> light switch recolours the chart and the verdicts."""
    window, panel = _real_window(make_window, qtbot, curve=True)
    set_theme(window, "dark")
    panel.tabs.setCurrentIndex(TABS.index("anatomy"))
    panel.request_run("anatomy")
    assert not panel.run_buttons["anatomy"].isEnabled()
    qtbot.waitUntil(window.job_status.cancel_button.isVisible)
    window.job_status.cancel_button.click()
    qtbot.waitUntil(lambda: not window.jobs.running, timeout=30_000)
    assert window.lab.workers["anatomy"].outcome == "cancelled"
    assert "Cancelled" in panel.messages["anatomy"].text()
    assert panel.anatomy_table.rowCount() == 0 and panel.run_buttons["anatomy"].isEnabled()
    _run(window, qtbot, "anatomy")
    strategy = window.panels["dockStrategy"]
    status, out, err = cli_run(
        ["anatomy", "--vix", "VIX", "--index", "SPX", "--preset", strategy.preset, "--json"]
    )
    assert status == 0, err
    cli = json.loads(out)
    table = panel.anatomy_table
    episodes = cli["episodes"]
    assert _column(table, 0) == [e["date"] for e in episodes]
    adaptive = {a["date"]: a for a in cli["adaptive"]}
    for r, e in enumerate(episodes):
        shown = [table.item(r, c).text() for c in (9, 10, 11, 12, 13, 14, 15, 16)]
        fund = adaptive.get(e["date"], {})
        expected = [
            "-" if e["score"] is None else f"{e['score']:.3f}",
            e["label"] or "-",
            e["outcome"] or "-",
            e["verdict"] or "-",
            *(
                "-" if fund.get(k) is None else f"{fund[k] * 100:{sign}.1f}%"
                for k, sign in (
                    ("nav_sold_vix", ""),
                    ("nav_sold_adaptive", ""),
                    ("next_20_vix", "+"),
                    ("next_20_adaptive", "+"),
                )
            ),
        ]
        assert shown == expected, e["date"]
    # 2024-08-05 against the raw files
    row = _column(table, 0).index(AUG_2024)
    day = pd.Timestamp(AUG_2024)
    vix = _csv_close(SHARED_DATA / "vix_daily.csv")
    vix9d, vix3m = (
        _raw_dates(TERM / CURVE_FILES[n], "DATE", "CLOSE", "%m/%d/%Y")[day]
        for n in ("VIX9D", "VIX3M")
    )
    front = _raw_front(day)
    assert (vix[day], front, vix9d, vix3m) == (38.57, 32.0986, 42.79, 33.71)
    cells = [table.item(row, c).text() for c in range(9)]
    assert cells[1] == f"{vix[day]:.2f}"
    assert cells[2] == f"{vix[day] - front:.2f}" == "6.47"
    assert cells[4] == f"{vix9d / vix[day]:.3f}" and cells[5] == f"{vix[day] / vix3m:.3f}"
    assert "VIX9D 42.79 / VIX 38.57" in table.item(row, 4).toolTip()
    assert "VIX 38.57 / VIX3M 33.71" in table.item(row, 5).toolTip()
    assert "VX 2024-08 settle 32.0986" in table.item(row, 2).toolTip()
    verdicts = {e["verdict"] for e in episodes}
    assert {"right", "wrong"} <= verdicts
    theme = palette.current()
    for r, e in enumerate(episodes):  # right and wrong equally loud, open muted
        item = table.item(r, 12)
        if e["verdict"] in ("right", "wrong"):
            colour = theme.positive if e["verdict"] == "right" else theme.negative
            assert item.background().color().name() == colour and item.font().bold()
        elif e["verdict"] == "open":
            assert item.foreground().color().name() == theme.muted
    # the record and the whole period
    record = cli["summary"]["record"]
    text = _plain(panel.anatomy_text.text())
    assert (
        f"{record['right']} right, {record['wrong']} wrong, {record['open']} open; wrong: "
        f"{', '.join(record['wrong_dates'])}" in text
    )
    assert record["wrong_dates"] == [e["date"] for e in episodes if e["verdict"] == "wrong"]
    index = cli["summary"]["index"]
    evidence = _plain(panel.anatomy_evidence.text())
    for target in ("vix", "adaptive"):
        assert f"Sharpe {index[target]['sharpe']:.3f}" in evidence
        assert f"max drawdown {index[target]['max_drawdown'] * 100:.1f}%" in evidence
    assert f"differ on {index['lean_days']:,} of {index['days']:,} days" in evidence
    decided = record["right"] + record["wrong"]
    assert f"{record['wrong']} of {decided} decided calls wrong" in evidence
    aug = adaptive[AUG_2024]
    assert aug["nav_sold_vix"] == pytest.approx(0.10 / 0.2339 - 0.10 / 0.3857)
    sold = f"{AUG_2024} {aug['nav_sold_vix'] * 100:.1f}% → {aug['nav_sold_adaptive'] * 100:.1f}%"
    assert sold in evidence
    # the two funds recomputed with pandas along the engine's vol paths: their t-statistic
    store = MarketStore(window.data.store_path)
    spx = store.read("SPX")["close"]
    contracts = vx_symbols([r.as_dict() for r in store.list_series()])
    curve = {n: store.read(n)["close"] for n in CURVE_FILES}
    inputs = AnatomyInputs(
        store.read("VIX")["close"],
        spx,
        vx_settles(store.read_closes(contracts).to_dict("series")),
        curve["VIX9D"],
        curve["VIX3M"],
        curve["VVIX"],
    )
    params = resolve(strategy.preset, {**strategy.values(), "adaptive_source": "vx"})
    paths = vol_paths(run_job(anatomy_job(inputs)), spx, params)
    exposure = {t: np.minimum(2.0, 0.10 / (paths[t] / 100.0)) for t in ("vix", "adaptive")}
    moves = spx.reindex(paths.index).pct_change()
    gap = ((exposure["adaptive"].shift(1) - exposure["vix"].shift(1)) * moves).dropna()
    t = gap.mean() / (gap.std(ddof=1) / math.sqrt(len(gap)))
    assert f"t = {t:.2f}" in evidence and abs(t) < 2
    assert "Does not support" in evidence and "a return edge" in evidence
    # the chart of 2024-08-05: raw closes, 20 VIX closes before to 60 after, the day marked
    assert panel.select_episode(AUG_2024)
    x, y = panel.episode_vix.getOriginalDataset()
    at = vix.index.get_loc(day)
    window_days = vix.index[at - 20 : at + 61]
    assert list(x) == [d.timestamp() for d in window_days]
    assert list(y) == pytest.approx(vix.loc[window_days].tolist())
    assert _at(panel.episode_vix, AUG_2024) == 38.57
    assert _at(panel.episode_vx, AUG_2024) == 32.0986
    raw_spx = _csv_close(SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv")
    last10 = raw_spx.pct_change().loc[:day].iloc[-10:]
    realised = math.sqrt((last10**2).mean()) * math.sqrt(252) * 100
    assert _at(panel.episode_realised, AUG_2024) == pytest.approx(realised)
    aug_cli = next(e for e in episodes if e["date"] == AUG_2024)
    assert _at(panel.episode_score, AUG_2024) == pytest.approx(aug_cli["score"])
    assert _at(panel.episode_exposure["vix"], AUG_2024) == pytest.approx(0.10 / 0.3857)
    assert _at(panel.episode_exposure["adaptive"], AUG_2024) == pytest.approx(0.10 / 0.320986)
    for t, curve in panel.episode_exposure.items():
        x, y = curve.getOriginalDataset()
        shown = exposure[t][
            (exposure[t].index >= window_days[0]) & (exposure[t].index <= window_days[-1])
        ]
        assert list(x) == [d.timestamp() for d in shown.index]
        assert list(y) == pytest.approx(shown.tolist())
    assert all(line.value() == day.timestamp() for line in panel.spike_lines)
    assert AUG_2024 in panel.episode_title.text() and "right" in panel.episode_title.text()
    item = table.item(row, 0)
    table.scrollToItem(item)
    where = table.visualItemRect(item).center()
    with qtbot.waitSignal(panel.day_picked, timeout=5_000) as picked:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert picked.args == [AUG_2024]
    # the theme switch
    right = next(r for r, e in enumerate(episodes) if e["verdict"] == "right")
    wrong = next(r for r, e in enumerate(episodes) if e["verdict"] == "wrong")
    set_theme(window, "light")
    qtbot.wait(50)
    assert table.item(right, 12).background().color().name() == LIGHT.positive
    assert table.item(wrong, 12).background().color().name() == LIGHT.negative
    for r in (right, wrong):  # bold text readable on its tint
        shown = _over(table.item(r, 12).background().color(), QColor(LIGHT.base))
        assert contrast(QColor(LIGHT.text), shown) >= 4.5
    pens = {
        LIGHT.chart_fg: panel.episode_vix,
        LIGHT.series[1]: panel.episode_vx,
        LIGHT.series[2]: panel.episode_realised,
        LIGHT.series[0]: panel.episode_score,
        LIGHT.series[4]: panel.episode_exposure["adaptive"],
    }
    for colour, curve in pens.items():
        assert pg.mkPen(curve.opts["pen"]).color().name() == colour
    assert all(line.pen.color().name() == LIGHT.marker for line in panel.spike_lines)
    _check_charts(window, LIGHT)
    _check_labels(window, LIGHT)
    set_theme(window, "dark")
    assert pg.mkPen(panel.episode_vx.opts["pen"]).color().name() == DARK.series[1]
    # leaning on the index's EWMA instead, with a 12% target and a cap of 1.5: the CLI's too
    panel.source_box.setCurrentIndex(panel.source_box.findData("ewma"))
    panel.target_box.setValue(12.0)
    panel.leverage_box.setValue(1.5)
    _run(window, qtbot, "anatomy")
    status, out, err = cli_run(
        ["anatomy", "--vix", "VIX", "--index", "SPX", "--preset", strategy.preset, "--source",
         "ewma", "--target", "0.12", "--max-leverage", "1.5", "--json"]
    )  # fmt: skip
    assert status == 0, err
    ewma = json.loads(out)
    lean = ewma["summary"]["index"]["adaptive"]
    evidence = _plain(panel.anatomy_evidence.text())
    assert f"Adaptive (index EWMA): Sharpe {lean['sharpe']:.3f}" in evidence
    assert "the fund at 12% vol, cap 1.5 x" in evidence
    aug = next(a for a in ewma["adaptive"] if a["date"] == AUG_2024)
    assert table.item(row, 14).text() == f"{aug['nav_sold_adaptive'] * 100:.1f}%"
    assert table.item(row, 13).text() == f"{(0.12 / 0.2339 - 0.12 / 0.3857) * 100:.1f}%"
    assert panel.selected_episode() == AUG_2024  # the selection outlives the run
    assert window.errors.count == 0


def test_anatomy_says_what_is_missing(make_window, qtbot) -> None:
    """The demo store has no VX futures, VIX9D, VIX3M or VVIX: no day has a score, said in
    the tab with what to import; without an equity index in the store or the universe, that
    is said; no dialog."""
    window, panel = _demo_window(make_window, qtbot)
    _run(window, qtbot, "anatomy")
    message = panel.messages["anatomy"].text()
    assert "No day has a spike score" in message and palette.current().error in message
    assert "the store lacks VX, VIX9D, VIX3M, VVIX" in message
    assert panel.anatomy_table.rowCount() == 0 and panel.anatomy is None
    MarketStore(window.data.store_path).delete("DEMO_SPX")
    window.data.refresh()
    qtbot.waitUntil(lambda: "DEMO_SPX" not in window.data_panel.symbols(), timeout=10_000)
    window.panels["dockStrategy"].set_symbols(["DEMO_ZN", "DEMO_CL"])
    panel.request_run("anatomy")
    assert "No equity index: import the S&P 500" in _plain(panel.messages["anatomy"].text())
    assert window.errors.count == 0


def _chart_in_view(panel: RegimeLabPanel) -> None:
    """The anatomy tab's chart wholly on screen and every cell of its table unclipped."""
    view = panel.findChild(pg.GraphicsLayoutWidget, "anatomyChart").viewport()
    seen = view.visibleRegion().boundingRect()
    assert (seen.width(), seen.height()) == (view.width(), view.height())
    table = panel.anatomy_table
    short = [
        table.horizontalHeaderItem(c).text()
        for c in range(table.columnCount())
        if table.columnWidth(c) < table.sizeHintForColumn(c)
    ]
    assert short == []


@needs_data
def test_real_data_lab_fits_and_screenshots(make_window, qtbot, tmp_path: Path) -> None:
    """Every tab on real data (the VIX curve included) at 1920x1080 in the Regime monitor
    perspective: nothing of the dock behind a horizontal scrollbar or clipped; the spike
    anatomy with 2024-08-05 selected shows its whole chart and unclipped cells, at 1366x768 too;
    a screenshot of each tab kept in CTADESK_SCREENSHOTS (when set)."""
    window, panel = _real_window(make_window, qtbot, curve=True)
    panel.matrix_presets.set_names(["tsmom-blend", "fast", "macro"])
    panel.spike_presets.set_names(["tsmom-blend", "fast"])
    out = Path(os.environ.get("CTADESK_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)

    def fits(window, name: str) -> None:
        qtbot.wait(50)
        report = measure(window)
        mine = [p for p in report.hscrollbars + report.clipped if p.startswith("Regime Lab")]
        assert mine == [], name
        assert window.grab().save(str(out / f"regime-lab-{name}.png"))

    for tab in TABS:
        _run(window, qtbot, tab)
        if tab == "anatomy":
            assert panel.select_episode(AUG_2024)
        fits(window, f"{tab}-1920x1080")
    _chart_in_view(panel)
    small, small_panel = _open_window(make_window, qtbot, (1366, 768))
    _run(small, qtbot, "anatomy")
    assert small_panel.select_episode(AUG_2024)
    fits(small, "anatomy-1366x768")
    _chart_in_view(small_panel)
    assert small.errors.count == 0
    assert "1976-02 .. 2017-12" in panel.dispersion_text.text()
    assert "Skipped: macro" in panel.matrix_note.text()
    assert "60% SPX / 40% FUT_US10 + CTA" in panel.allocation_note.text()
    assert window.errors.count == 0
