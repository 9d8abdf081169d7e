"""Strategy -> backtest worker -> Equity and Statistics, driven through the real widgets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.backtest import run_backtest
from engine.data.store import MarketStore
from engine.presets import parameter_specs, resolve
from widgets.strategy_panel import StrategyPanel


def _ready(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)


def test_form_is_generated_from_declarations(desk_app, qtbot) -> None:
    panel = StrategyPanel()
    qtbot.addWidget(panel)
    assert set(panel.fields) == set(parameter_specs())
    for name, spec in parameter_specs().items():
        assert panel.fields[name].widget.toolTip() == spec.help
    panel.select_preset("mop2012")
    assert panel.fields["vol_target"].value() == pytest.approx(0.40)
    assert panel.fields["vol_span"].value() == 121
    assert panel.fields["signal"].value() == "tsmom"
    panel.select_preset("hop-century")
    assert panel.fields["lookbacks"].value() == "21,63,252"


def test_invalid_values_show_inline_and_do_not_run(desk_app, qtbot) -> None:
    panel = StrategyPanel()
    qtbot.addWidget(panel)
    panel.set_universe([{"symbol": "A", "kind": "future", "source": "t"}])
    panel.fields["ewmac_pairs"].widget.setText("64/16")
    with qtbot.assertNotEmitted(panel.run_requested):
        panel.run_button.click()
    assert "fast/slow" in panel.error_label.text()
    panel.fields["ewmac_pairs"].widget.setText("16/64")
    with qtbot.waitSignal(panel.run_requested) as blocker:
        panel.run_button.click()
    preset, values, symbols = blocker.args
    assert preset == "tsmom-blend" and symbols == ["A"] and values["ewmac_pairs"] == "16/64"


def test_workspace_round_trip(desk_app, qtbot, tmp_path: Path) -> None:
    rows = [{"symbol": s, "kind": "future", "source": "t"} for s in ("A", "B", "C")]
    first = StrategyPanel()
    qtbot.addWidget(first)
    first.set_universe(rows)
    first.select_preset("fast")
    first.fields["vol_target"].set_value(0.2)
    first.set_symbols(["A", "C"])
    first.start_edit.setText("2001-02-03")
    first.save_workspace(tmp_path / "w.ctadesk.json")
    second = StrategyPanel()
    qtbot.addWidget(second)
    second.set_universe(rows)
    second.load_workspace(tmp_path / "w.ctadesk.json")
    assert second.preset == "fast" and second.symbols() == ["A", "C"]
    assert second.fields["vol_target"].value() == pytest.approx(0.2)
    assert second.period() == {"start": "2001-02-03", "end": None}
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not a usable CTA Desk workspace"):
        second.load_workspace(tmp_path / "bad.json")


def test_run_backtest_fills_equity_and_statistics(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    _ready(window, qtbot)
    panel = window.panels["dockStrategy"]
    assert len(panel.symbols()) == 20  # the demo futures are ticked
    panel.fields["cost_bps"].set_value(2.0)
    panel.run_button.click()
    qtbot.waitUntil(lambda: window.strategy.last is not None, timeout=60_000)
    qtbot.waitUntil(panel.run_button.isEnabled, timeout=10_000)
    out = window.strategy.last
    # an independent run of the engine on the same stored data gives the same Sharpe
    store = MarketStore(window.data.store_path)
    prices = store.read_closes(panel.symbols())
    vix = store.read("DEMO_VIX")["close"]
    direct = run_backtest(prices, "tsmom-blend", {"cost_bps": 2.0}, vix=vix)
    assert out.metrics["sharpe"] == pytest.approx(direct.metrics["sharpe"], rel=1e-12)
    stats = window.panels["dockStatistics"]
    texts = {
        stats.metrics.item(r, 0).text(): stats.metrics.item(r, 1).text()
        for r in range(stats.metrics.rowCount())
    }
    assert texts["Sharpe"] == f"{direct.metrics['sharpe']:.3f}"
    assert stats.zones.rowCount() == 6  # five zones and VIX >= 40
    equity_panel = window.panels["dockEquity"]
    y = equity_panel.curves[-1][0].yData  # the equity itself (the view may be log scale)
    np.testing.assert_allclose(y[-1], direct.equity.iloc[-1], rtol=1e-12)
    assert "tsmom-blend #1" in equity_panel.readout.text()
    stats.sleeve.setValue(30)
    assert stats.sleeve_label.text().startswith("30% CTA sleeve")
    assert "Sharpe" in stats.copy_to_clipboard()


def test_second_run_is_compared_and_cancel_works(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    _ready(window, qtbot)
    panel = window.panels["dockStrategy"]
    panel.run_button.click()
    qtbot.waitUntil(
        lambda: window.strategy.last is not None and panel.run_button.isEnabled(), timeout=60_000
    )
    panel.select_preset("ewmac")
    panel.run_button.click()
    qtbot.waitUntil(
        lambda: window.strategy.count == 2 and panel.run_button.isEnabled(), timeout=60_000
    )
    assert len(window.panels["dockEquity"].runs) == 2
    panel.run_button.click()
    panel.cancel_button.click()
    qtbot.waitUntil(panel.run_button.isEnabled, timeout=60_000)
    assert window.errors.count == 0


def test_bad_universe_reaches_error_dialog(make_window, qtbot) -> None:
    window = make_window(auto_demo=False)
    _ready(window, qtbot)
    window.strategy.run("tsmom-blend", resolve("tsmom-blend"), ["NOT_THERE"])
    qtbot.waitUntil(lambda: window.errors.dialog is not None, timeout=30_000)
    assert "NOT_THERE" in window.errors.dialog.text()
    qtbot.waitUntil(window.panels["dockStrategy"].run_button.isEnabled, timeout=5000)
    window.errors.dialog.accept()


def test_stress_mask_by_hand() -> None:
    import pandas as pd

    from app.strategy_actions import stress_mask
    from engine.vix import DEFAULT_ZONES, ZoneThresholds

    index = pd.bdate_range("2020-01-01", periods=6)
    vix = pd.Series([20, 30, 31, 20, 40, 10], index=index, dtype=float)
    # the previous close is at or above the fear threshold 25 on days 2, 3 and 5
    assert stress_mask(vix, index, DEFAULT_ZONES).tolist() == [
        False,
        False,
        True,
        True,
        False,
        True,
    ]
    # with a fear threshold of 31: days 3 and 5
    custom = ZoneThresholds((12, 18, 31, 35))
    assert stress_mask(vix, index, custom).tolist() == [False, False, False, True, False, True]


def test_equity_shows_benchmark_and_stress_and_mixer_chart(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    window.panels["dockStrategy"].run_button.click()
    qtbot.waitUntil(lambda: window.strategy.last is not None, timeout=60_000)
    run = window.panels["dockEquity"].runs[-1]
    assert run.benchmark is not None and run.benchmark[0] == pytest.approx(1.0)
    assert run.stressed is not None and run.stressed.any()  # the demo VIX spends time above 25
    stats = window.panels["dockStatistics"]
    _x, y = stats.mixer_curve.getData()
    assert y is not None and len(y) == 51


def test_period_limits_the_metrics(make_window, qtbot) -> None:
    """Start and end in the Strategy dock: the run covers exactly the store's dates in the
    window and equals the engine's run with the same period; a bad date is refused inline."""
    from engine.backtest import backtest_job
    from engine.jobs import run_job
    from engine.presets import resolve

    window = make_window(auto_demo=True)
    _ready(window, qtbot)
    panel = window.panels["dockStrategy"]
    panel.end_edit.setText("2010-13-01")
    panel.run_button.click()
    assert "period: end: '2010-13-01' is not a date" in panel.error_label.text()
    panel.start_edit.setText("2005-01-01")
    panel.end_edit.setText("2010-06-30")
    panel.run_button.click()
    qtbot.waitUntil(lambda: window.strategy.last is not None, timeout=60_000)
    qtbot.waitUntil(panel.run_button.isEnabled, timeout=10_000)
    returns = window.strategy.last.result.returns
    store = MarketStore(window.data.store_path)
    prices = store.read_closes(panel.symbols())
    days = prices.loc["2005-01-01":"2010-06-30"].index
    assert returns.index[0] == days[0] and returns.index[-1] == days[-1]
    params = resolve("tsmom-blend", panel.values())
    direct = run_job(backtest_job(prices, params, start="2005-01-01", end="2010-06-30"))
    assert window.strategy.last.metrics["sharpe"] == pytest.approx(
        direct.metrics["sharpe"], rel=1e-12
    )


def test_statistics_compare_every_run_in_step_with_the_equity_dock(make_window, qtbot) -> None:
    """Six runs: the comparison holds the five the Equity dock keeps, oldest first, each
    column the run's own metrics; Clear runs empties both."""
    window = make_window(auto_demo=True)
    _ready(window, qtbot)
    panel = window.panels["dockStrategy"]
    for i, preset in enumerate(("tsmom-blend", "ewmac", "mop2012", "fast", "ewmac", "tsmom-blend")):
        panel.select_preset(preset)
        panel.run_button.click()
        qtbot.waitUntil(
            lambda n=i + 1: window.strategy.count == n and panel.run_button.isEnabled(),
            timeout=60_000,
        )
    equity, stats = window.panels["dockEquity"], window.panels["dockStatistics"]
    table = stats.compare
    labels = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert labels == [run.label for run in equity.runs]
    assert labels == ["ewmac #2", "mop2012 #3", "fast #4", "ewmac #5", "tsmom-blend #6"]
    rows = {table.verticalHeaderItem(r).text(): r for r in range(table.rowCount())}
    for column, out in enumerate(window.strategy.outputs):
        assert table.item(rows["Sharpe"], column).text() == f"{out.metrics['sharpe']:.3f}"
        cagr = float(table.item(rows["CAGR (%)"], column).text())
        assert cagr == pytest.approx(out.metrics["cagr"] * 100, abs=0.005)
        first, last = out.result.returns.index[[0, -1]]
        assert table.item(rows["First day"], column).text() == f"{first:%Y-%m-%d}"
        assert table.item(rows["Last day"], column).text() == f"{last:%Y-%m-%d}"
    equity.clear_button.click()
    assert table.columnCount() == 0 and table.rowCount() == 0
    assert window.strategy.outputs == []


def test_the_ticked_universe_is_read_before_the_first_run(make_window, qtbot) -> None:
    """Once the store is listed, the ticked instruments' closes are read in the background:
    the first Run finds them cached (the same frame the store gives, read once)."""
    from app import strategy_actions

    window = make_window(auto_demo=True)
    _ready(window, qtbot)
    panel = window.panels["dockStrategy"]
    assert len(panel.symbols()) == 20
    store = MarketStore(window.data.store_path)
    key = (str(store.path), tuple(panel.symbols()), store.stamp())
    qtbot.waitUntil(lambda: key in strategy_actions._CLOSES, timeout=30_000)
    cached = strategy_actions._CLOSES[key]
    np.testing.assert_array_equal(cached.to_numpy(), store.read_closes(panel.symbols()).to_numpy())
    count = window.strategy.count
    panel.run_button.click()
    qtbot.waitUntil(lambda: window.strategy.count == count + 1 and panel.run_button.isEnabled())
    assert strategy_actions._CLOSES[key] is cached  # the run reused it, no second read
