"""VIX Regime dock history: the store's VIX, alerts, zone stats, saved thresholds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine import regime
from engine.data.store import MarketStore
from tests.app.test_cli_thresholds import expected_days, previous_vix


def _ready(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    qtbot.waitUntil(
        lambda: window.regimes.last is not None and not window.jobs.running, timeout=30_000
    )


def test_history_alerts_and_latest_reading(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    _ready(window, qtbot)
    vix = MarketStore(window.data.store_path).read("DEMO_VIX")["close"]
    panel = window.regime_panel
    assert panel.vix == pytest.approx(round(vix.iloc[-1], 2))  # the latest close is the reading
    assert window.rule16_panel.vix_box.value() == pytest.approx(round(vix.iloc[-1], 2))
    expected = regime.alerts(vix)
    assert panel.history.alerts.count() == len(expected)
    stats = regime.zone_stats(vix)
    assert panel.history.stats.item(0, 1).text() == f"{stats['complacency']['days']:,}"
    _x, y = panel.history.curve.getData()
    assert len(y) == len(vix)
    if expected:
        panel.history.alerts.setCurrentRow(0)  # newest alert first
        assert panel.vix == pytest.approx(expected[-1]["vix"])


def test_thresholds_are_saved_and_restored(make_window, qtbot) -> None:
    first = make_window(auto_demo=True)
    _ready(first, qtbot)
    first.regime_panel.threshold_boxes[0].setValue(13.0)
    qtbot.waitUntil(lambda: not first.jobs.running, timeout=10_000)
    first.close()
    second = make_window(auto_demo=True)
    _ready(second, qtbot)
    assert second.regime_panel.thresholds.bounds == (13.0, 20.0, 25.0, 30.0)


def test_rule16_history_and_level_follow_the_store(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    _ready(window, qtbot)
    store = MarketStore(window.data.store_path)
    vix, spx = store.read("DEMO_VIX")["close"], store.read("DEMO_SPX")["close"]
    panel = window.rule16_panel
    assert panel.level_box.value() == pytest.approx(round(spx.iloc[-1], 2))
    summary = regime.rule16_history(vix, spx)["all"]
    assert "DEMO_VIX vs DEMO_SPX" in panel.history_label.text()
    assert f"{summary['share_above_1sigma'] * 100:.1f}%" in panel.history_label.text()
    _x, y = panel.implied_curve.getData()
    assert y is not None and len(y) > 1000


def test_edited_thresholds_reach_statistics_shading_and_new_runs(make_window, qtbot) -> None:
    """Thresholds typed in the VIX Regime dock redo the Statistics dock's by-zone table and the
    Equity dock's stress shading of the latest run, and the next backtest uses them: the days
    per zone equal a plain pandas count by the previous VIX close."""
    window = make_window(auto_demo=True)
    _ready(window, qtbot)
    strategy, stats = window.panels["dockStrategy"], window.panels["dockStatistics"]
    strategy.run_button.click()
    qtbot.waitUntil(
        lambda: window.strategy.last is not None and strategy.run_button.isEnabled(),
        timeout=60_000,
    )
    vix = MarketStore(window.data.store_path).read("DEMO_VIX")["close"]
    dates = pd.DatetimeIndex(window.strategy.last.result.returns.index)
    prev = previous_vix(dates, vix)

    def table() -> dict[str, int]:
        rows = range(stats.zones.rowCount())
        return {
            stats.zones.item(r, 0).text(): int(stats.zones.item(r, 1).text().replace(",", ""))
            for r in rows
        }

    assert list(table().values()) == list(expected_days(prev, [15, 20, 25, 30]).values())
    for box, value in zip(window.regime_panel.threshold_boxes[::-1], (35, 24, 18, 12), strict=True):
        box.setValue(value)  # top down, so every step is a valid set of thresholds
    qtbot.waitUntil(
        lambda: "Complacency (< 12)" in table() and not window.jobs.running, timeout=30_000
    )
    custom = expected_days(prev, [12, 18, 24, 35])
    assert table() == dict(
        zip(
            ["Complacency (< 12)", "Normal (12-18)", "Warning (18-24)", "Fear (24-35)",
             "Panic (>= 35)", "VIX >= 40"],
            custom.values(),
            strict=True,
        )
    )  # fmt: skip
    shaded = window.panels["dockEquity"].runs[-1].stressed
    np.testing.assert_array_equal(shaded, (prev >= 24).to_numpy())  # the fear threshold
    strategy.run_button.click()
    qtbot.waitUntil(
        lambda: window.strategy.count == 2 and strategy.run_button.isEnabled(), timeout=60_000
    )
    rerun = window.strategy.last.by_zone
    assert {zone: row["days"] for zone, row in rerun.items()} == custom
    assert list(table().values()) == list(custom.values())
