"""VIX Regime and Rule of 16 docks on the store's VIX: history, alerts (and their hold
setting), spikes, zone stats, saved thresholds, and dated readings paired with the index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine import regime
from engine.data.importers import import_file
from engine.data.store import MarketStore
from tests.app.test_cli_thresholds import expected_days, previous_vix
from tests.conftest import SHARED_DATA, needs_data


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
    assert panel.date == f"{vix.index[-1]:%Y-%m-%d}" == panel.gauge.date
    assert expected
    panel.history.alerts.setCurrentRow(0)  # newest alert first
    assert panel.vix == pytest.approx(expected[-1]["vix"])
    assert panel.date == expected[-1]["date"] == window.rule16_panel.vix_date


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
    text = panel.history_label.text()
    assert "DEMO_VIX vs DEMO_SPX" in text
    assert f"{summary['share_above_1sigma'] * 100:.1f}%" in text
    assert (
        f"realised σ (mean |next-day move| / 0.798) {summary['realised_sigma_abs_pct']:.2f}%"
        in text
    )
    assert f"realised {summary['realised_rms_pct']:.2f}%" in text
    day = f"{vix.index[-1]:%Y-%m-%d}"
    assert (panel.vix_date, panel.level_date) == (day, day) and panel.pair_warning.text() == ""
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


def _real_store(index_file: str) -> None:
    """The real CBOE VIX as VIX and a real S&P 500 as SPX in this test's store."""
    from app.paths import app_paths

    store = MarketStore(app_paths().ensure().store)
    import_file(store, SHARED_DATA / "vix_daily.csv", symbol="VIX")
    import_file(store, SHARED_DATA / index_file, symbol="SPX")


def _csv_close(name: str) -> pd.Series:
    frame = pd.read_csv(SHARED_DATA / name, index_col=0, parse_dates=True)
    return frame[next(c for c in frame.columns if c.lower() == "close")]


@needs_data
def test_real_vix_paired_with_an_old_index_close_is_dated_and_warned(make_window, qtbot) -> None:
    """The S&P 500 file ends on 2022-12-28, the VIX on 2026-07-23: both dates are shown and
    the pairing is warned about; spikes skip and count the bad High prints."""
    _real_store("sp500_index_close_1990_2022.csv")
    window = make_window(auto_demo=False)
    _ready(window, qtbot)
    vix, spx = _csv_close("vix_daily.csv"), _csv_close("sp500_index_close_1990_2022.csv")
    panel, rule16 = window.regime_panel, window.rule16_panel
    assert (panel.vix, panel.date, panel.gauge.date) == (vix.iloc[-1], "2026-07-23", "2026-07-23")
    assert panel.date_label.text() == "VIX close of 2026-07-23"
    assert rule16.vix_box.value() == vix.iloc[-1] == 18.70
    assert rule16.level_box.value() == pytest.approx(spx["2022-12-28"])
    dates = rule16.dates_label.text()
    assert "close of 2026-07-23" in dates and "close of 2022-12-28" in dates
    warning = rule16.pair_warning.text()
    assert warning.startswith("Warning:") and "1,303 days" in warning
    assert not rule16.pair_warning.isHidden()
    rule16.level_box.setValue(6000.0)  # a typed level is not a dated close: no pairing
    assert "index level: typed" in rule16.dates_label.text() and rule16.pair_warning.text() == ""

    spikes = panel.spikes
    assert spikes.close_table.item(0, 0).text() == "2018-02-05"
    assert spikes.intraday_table.item(0, 0).text() == "2024-08-05"
    intraday = [spikes.intraday_table.item(r, 0).text() for r in range(10)]
    assert "2005-07-25" not in intraday
    assert spikes.flagged.text().startswith("4 High prints flagged and skipped")
    assert "2005-07-25" in spikes.flagged.text()


@needs_data
def test_real_vix_on_a_holiday_shows_the_last_close_dated(make_window, qtbot) -> None:
    """With the S&P 500 to 2026-08: the latest VIX close pairs the S&P close of its own day;
    a day without a VIX close (4 July 2018, a weekend, 1997-11-26 when only the S&P 500
    closed) shows the close before it, dated."""
    name = "recent/sp500_index_ohlcv_1927_2026.csv"
    _real_store(name)
    window = make_window(auto_demo=False)
    _ready(window, qtbot)
    vix, spx = _csv_close("vix_daily.csv"), _csv_close(name)
    panel, rule16 = window.regime_panel, window.rule16_panel
    assert spx.index[-1] > vix.index[-1]  # the index runs on past the VIX
    assert (rule16.vix_date, rule16.level_date) == ("2026-07-23", "2026-07-23")
    assert rule16.level_box.value() == pytest.approx(round(spx["2026-07-23"], 2))
    assert rule16.pair_warning.text() == ""
    days = [("2018-07-04", "2018-07-03"), ("2024-07-06", "2024-07-05")]
    for day, close_day in [*days, ("1997-11-26", "1997-11-25")]:
        assert pd.Timestamp(day) not in vix.index
        expected = vix[:day].iloc[-1]
        assert f"{vix[:day].index[-1]:%Y-%m-%d}" == close_day
        window.regimes.show_day(day)
        assert panel.vix == pytest.approx(expected) and panel.date == close_day
        assert panel.gauge.value == pytest.approx(expected) and panel.gauge.date == close_day
        assert panel.date_label.text() == f"VIX close of {close_day}"
        assert rule16.vix_box.value() == pytest.approx(expected)
        assert (rule16.vix_date, rule16.level_date) == (close_day, close_day)
        assert rule16.level_box.value() == pytest.approx(round(spx[close_day], 2))
        assert "nan" not in rule16.dates_label.text() + panel.date_label.text()


@needs_data
def test_trend_alert_hold_setting_is_applied_and_saved(make_window, qtbot) -> None:
    _real_store("sp500_index_close_1990_2022.csv")
    window = make_window(auto_demo=False)
    _ready(window, qtbot)
    vix = _csv_close("vix_daily.csv")
    history = window.regime_panel.history
    assert history.hold_days.value() == 5
    assert history.alerts.count() == len(regime.alerts(vix, 5))
    history.hold_days.setValue(3)
    expected = regime.alerts(vix, 3)
    qtbot.waitUntil(
        lambda: history.alerts.count() == len(expected) and not window.jobs.running,
        timeout=30_000,
    )
    texts = [history.alerts.item(i).text() for i in range(history.alerts.count())]
    assert "2020-02-27  trend weakening  VIX 39.16" in texts  # 3 closes held, then 39.16
    window.close()
    again = make_window(auto_demo=False)
    _ready(again, qtbot)
    assert again.regime_panel.history.hold_days.value() == 3
    assert again.regime_panel.history.alerts.count() == len(expected)
