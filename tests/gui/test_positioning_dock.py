"""Triggers & Flows dock against the engine's numbers."""

from __future__ import annotations

import pytest

from engine.data.store import MarketStore
from engine.deleverage import deleverage_path
from engine.flows import estimate_flows
from engine.presets import resolve
from engine.trigger_specs import parse_signals
from engine.triggers import trigger_levels


def test_refresh_shows_engine_triggers_and_flows(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    panel = window.panels["dockTriggersFlows"]
    panel.signals_edit.setText("ret:252,sma:200")
    panel.aum_box.setValue(100.0)
    panel.refresh_button.click()
    qtbot.waitUntil(
        lambda: window.positioning.last is not None and not window.jobs.running, timeout=60_000
    )
    symbols = window.panels["dockStrategy"].symbols()
    prices = MarketStore(window.data.store_path).read_closes(symbols)
    expected = trigger_levels(prices, parse_signals("ret:252,sma:200"))
    assert panel.triggers.rowCount() == len(expected) == 2 * len(symbols)
    nearest = expected[0]
    assert panel.triggers.item(0, 0).text() == nearest["symbol"]
    assert panel.triggers.item(0, 3).text() == f"{nearest['price']:,.4g}"
    strategy = window.panels["dockStrategy"]  # flows are sized as the Strategy dock backtests
    params = resolve(strategy.preset, {**strategy.values(), "vol_target": 0.10})
    flows = estimate_flows(prices, 100e9, params, 2.0)
    total = flows["scenarios"]["down"]["1w"]["total"]
    rows = {panel.flows.item(r, 0).text(): r for r in range(panel.flows.rowCount())}
    assert panel.flows.item(rows["total"], 7).text() == f"{total / 1e9:+,.1f}"


def test_deleverage_simulator(make_window, qtbot) -> None:
    window = make_window()
    panel = window.panels["dockTriggersFlows"]
    panel.vix_path.setText("20,30,40")
    panel.delev_target.setValue(0.10)
    panel.delev_cap.setValue(2.0)
    panel.delev_button.click()
    expected = deleverage_path([20, 30, 40], 0.10, 2.0)
    assert panel.delev_table.rowCount() == 3
    assert panel.delev_table.item(1, 1).text() == f"{expected['steps'][1]['exposure']:.4f}"
    assert panel.delev_table.item(2, 3).text() == "25.00%"
    assert "25.0% of NAV" in panel.delev_summary.text()
    panel.vix_path.setText("20,abc")
    panel.delev_button.click()
    assert "VIX path" in panel.delev_summary.text()


@pytest.mark.parametrize("bad", ["nonsense", "smax:200/50", "<b>x"])
def test_bad_signal_text_is_shown_in_the_dock(make_window, qtbot, bad: str) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    panel = window.panels["dockTriggersFlows"]
    panel.signals_edit.setText(bad)
    panel.refresh_button.click()
    assert not window.jobs.running and window.errors.dialog is None  # no job, no dialog
    assert "bad signal" in panel.status.text()
    assert "<b>x" not in panel.status.text()  # the user's text is escaped, not markup
