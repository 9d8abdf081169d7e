"""Equity dock: log scale by default on long runs, rescaling to a common vol, a key that never
takes room from the chart; Statistics: the runs' metrics side by side."""

from __future__ import annotations

import numpy as np
import pytest

from widgets.equity_panel import EquityPanel, EquitySeries
from widgets.stats_panel import RunMetrics, StatsPanel

DAY = 86_400.0


def _run(label: str, years: float, daily_vol: float, seed: int = 0, **kw) -> EquitySeries:
    """A run of ``years`` calendar years (weekdays only) with returns of ``daily_vol``."""
    days = int(years * 365.25 * 5 / 7)
    seconds = DAY * (10_957 + np.arange(days) * 7 / 5).round()  # from 2000-01-01
    returns = np.random.default_rng(seed).normal(0.0002, daily_vol, days)
    equity = np.cumprod(1.0 + returns)
    drawdown = equity / np.maximum.accumulate(np.r_[1.0, equity])[1:] - 1.0
    return EquitySeries(label, seconds, equity, drawdown, np.full(days, 2.0), **kw)


def _panel(qtbot) -> EquityPanel:
    panel = EquityPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 450)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _curve_returns(curve) -> np.ndarray:
    y = curve.yData  # the data set on the curve (getData gives the drawn, log10 values)
    return y / np.r_[1.0, y[:-1]] - 1.0


def test_log_scale_follows_run_length_until_the_user_chooses(desk_app, qtbot) -> None:
    panel = _panel(qtbot)
    panel.add_run(_run("short", 3.0, 0.01))
    assert not panel.log_box.isChecked() and not panel.equity_plot.ctrl.logYCheck.isChecked()
    panel.add_run(_run("long", 8.0, 0.01))  # more than five years: log by default
    assert panel.log_box.isChecked() and panel.equity_plot.ctrl.logYCheck.isChecked()
    _x, (low, high) = panel.equity_plot.vb.viewRange()
    log_equity = np.log10(np.r_[panel.runs[0].equity, panel.runs[1].equity])
    span = log_equity.max() - log_equity.min()
    assert log_equity.min() - 0.05 * span <= low <= log_equity.min()
    assert log_equity.max() <= high <= log_equity.max() + 0.05 * span
    panel.log_box.click()  # the user's choice sticks over the default
    panel.add_run(_run("long again", 10.0, 0.01, seed=1))
    assert not panel.log_box.isChecked()
    panel.clear()
    panel.add_run(_run("long after clear", 10.0, 0.01, seed=2))
    assert not panel.log_box.isChecked()


def test_stress_shading_follows_the_log_scale(desk_app, qtbot) -> None:
    panel = _panel(qtbot)
    run = _run("long", 8.0, 0.01)
    run.stressed = np.arange(len(run.seconds)) % 10 == 0
    panel.add_run(run)
    assert panel.log_box.isChecked()
    rect = panel.stress_strip.mapRectToParent(panel.stress_strip.boundingRect())
    assert rect.top() == pytest.approx(np.log10(run.equity.min()))
    assert rect.bottom() == pytest.approx(np.log10(run.equity.max()))
    panel.log_box.click()
    rect = panel.stress_strip.mapRectToParent(panel.stress_strip.boundingRect())
    assert rect.bottom() == pytest.approx(run.equity.max())


def test_scale_to_vol_target_gives_every_run_the_same_vol(desk_app, qtbot) -> None:
    panel = _panel(qtbot)
    calm = _run("calm", 4.0, 0.004, seed=3, vol_target=0.12)
    wild = _run("wild", 4.0, 0.05, seed=4, vol_target=0.40)
    panel.add_run(calm)
    panel.add_run(wild)
    raw = [_curve_returns(triple[0]) for triple in panel.curves]
    assert np.std(raw[1]) > 10 * np.std(raw[0])
    panel.scale_box.setChecked(True)
    for (eq, dd, lev), run in zip(panel.curves, panel.runs, strict=True):
        returns = _curve_returns(eq)
        # the first run's target: 12% a year, measured on the drawn curve
        assert np.std(returns) * np.sqrt(252) == pytest.approx(0.12, rel=1e-9)
        own = run.equity / np.r_[1.0, run.equity[:-1]] - 1.0
        k = 0.12 / (np.std(own) * np.sqrt(252))
        np.testing.assert_allclose(returns, k * own, rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(lev.yData, 2.0 * k, rtol=1e-12)
        y = eq.yData
        np.testing.assert_allclose(
            dd.yData, (y / np.maximum.accumulate(np.r_[1.0, y])[1:] - 1) * 100
        )
    assert "12% vol" in panel.equity_plot.getAxis("left").labelText
    assert "(at 12% vol)" in panel.readout.text()
    panel.scale_box.setChecked(False)
    np.testing.assert_allclose(panel.curves[1][0].yData, wild.equity)


def test_scale_without_a_target_uses_ten_percent(desk_app, qtbot) -> None:
    panel = _panel(qtbot)
    panel.add_run(_run("no target", 2.0, 0.02))
    panel.scale_box.setChecked(True)
    assert np.std(_curve_returns(panel.curves[0][0])) * np.sqrt(252) == pytest.approx(0.10)


def test_key_never_takes_room_from_the_chart(desk_app, qtbot) -> None:
    panel = _panel(qtbot)
    qtbot.waitUntil(lambda: panel.view.width() > 0)
    before = (panel.minimumSizeHint().width(), panel.view.geometry())
    long_names = [f"mop2012 at 700,000 times leverage, variant {i}" for i in range(5)]
    for i, name in enumerate(long_names):
        panel.add_run(_run(name, 6.0, 0.01, seed=i))
    qtbot.wait(50)
    assert (panel.minimumSizeHint().width(), panel.view.geometry()) == before
    assert panel.clear_button.isVisible()
    assert panel.rect().contains(panel.clear_button.geometry())
    # the key is drawn inside the equity plot, one entry per run, long names cut
    key = panel.key.mapRectToScene(panel.key.boundingRect())
    assert panel.equity_plot.vb.sceneBoundingRect().contains(key)
    assert len(panel.key.items) == 5 and key.width() < 0.8 * panel.view.width()
    assert "mop2012 at 700,000 times le…" in panel.key.text()
    panel.clear()
    assert panel.key.text() == "" and not panel.key.isVisible()


def test_comparison_table_shows_runs_side_by_side_with_units(desk_app, qtbot) -> None:
    stats = StatsPanel()
    qtbot.addWidget(stats)
    first = {"sharpe": 0.5, "cagr": 0.1234, "turnover": 12.0, "max_drawdown_days": 300.0}
    second = {"sharpe": 1.25, "cagr": -0.05, "turnover": 3.5, "max_drawdown_days": 45.0}
    stats.show_comparison(
        [
            RunMetrics("mop2012 #1", "2000-01-03", "2020-12-31", first),
            RunMetrics("ewmac #2", "2005-06-01", "2020-12-31", second),
        ]
    )
    table = stats.compare
    header = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert header == ["mop2012 #1", "ewmac #2"]
    rows = {
        table.verticalHeaderItem(r).text(): [table.item(r, c).text() for c in range(2)]
        for r in range(table.rowCount())
    }
    assert rows == {
        "First day": ["2000-01-03", "2005-06-01"],
        "Last day": ["2020-12-31", "2020-12-31"],
        "Sharpe": ["0.500", "1.250"],
        "CAGR (%)": ["12.34", "-5.00"],
        "Turnover (x capital / year)": ["12", "3.500"],
        "Max drawdown length (days)": ["300", "45"],
    }
    assert stats.tabs.tabText(1) == "Compare runs (2)"
    copied = stats.copy_to_clipboard().splitlines()  # the row names come with the table
    assert "\tmop2012 #1\tewmac #2" in copied and "CAGR (%)\t12.34\t-5.00" in copied
    stats.show_comparison([])
    assert table.rowCount() == 0 and table.columnCount() == 0
    assert stats.tabs.tabText(1) == "Compare runs"
