"""Spike speed: episodes by hand on a toy VIX, windows by hand, and the real VIX's episodes
(2008, Feb 2018, Mar 2020, Aug 2024) checked against the CSV files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.backtest import backtest_job
from engine.jobs import run_job
from engine.presets import resolve
from engine.spike_speed import compounded, level_return, spike_episodes, spike_speed_job
from tests.conftest import SHARED_DATA, needs_data

VIX_CSV = SHARED_DATA / "vix_daily.csv"
SPX_CSV = SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv"
PANEL = SHARED_DATA / "futures_panel_adjusted_daily.csv"


def series(values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.bdate_range("2021-03-01", periods=len(values)), dtype=float)


def test_episodes_by_hand() -> None:
    #            0   1   2   3   4   5   6   7   8   9  10  11  12  13
    vix = series([18, 22, 19, 25, 31, 28, 35, 21, 18, 17, 33, 19, 24, 32])
    d = vix.index
    first, second, third = spike_episodes(vix)
    # first: last close below 20 before the first close >= 30 (row 4) is row 2; the episode
    # ends at the next close below 20 (row 8); its highest close is 35 (row 6)
    assert (first.start, first.cross_date, first.peak_date, first.end) == (d[2], d[4], d[6], d[8])
    assert (first.start_vix, first.cross_vix, first.peak) == (19, 31, 35)
    assert (first.days_to_cross, first.days_to_peak, first.speed) == (2, 4, "fast")
    # second: may start from the close that ended the first (row 8) or later: row 9 -> row 10
    assert (second.start, second.cross_date, second.peak_date, second.end) == (
        d[9], d[10], d[10], d[11]
    )  # fmt: skip
    assert (second.days_to_cross, second.peak) == (1, 33)
    # third: row 11 -> row 13, still open when the data ends
    assert (third.start, third.cross_date, third.end) == (d[11], d[13], None)
    assert third.horizon_ends == {20: None, 60: None}
    assert first.horizon_ends == {20: None, 60: None}  # 14 closes: none 20 after row 4
    assert [e.speed for e in spike_episodes(vix, fast_days=1)] == ["slow", "fast", "slow"]
    # other levels: from below 25 to 33 or above: rows 2 -> 6 (ends at 21, row 7), 9 -> 10
    one, two = spike_episodes(vix, lower=25, upper=33)
    assert (one.start, one.cross_date, one.peak, one.end) == (d[2], d[6], 35, d[7])
    assert (two.start, two.cross_date, two.peak, two.end) == (d[9], d[10], 33, d[11])


def test_level_edges() -> None:
    # a close on the lower level is not below it; a close on the upper level crosses
    assert spike_episodes(series([20, 30, 19])) == []
    (e,) = spike_episodes(series([19.99, 30, 19]))
    assert e.days_to_cross == 1 and e.end == series([0, 0, 0]).index[2]
    # no close below the lower level before the rise: no known start, no episode
    (late,) = spike_episodes(series([25, 35, 18, 31]))
    assert late.start == series([0, 0, 0]).index[2] and late.peak == 31
    with pytest.raises(ValueError, match="from < to"):
        spike_episodes(series([10, 40]), lower=30, upper=20)
    with pytest.raises(ValueError, match="at least 1"):
        spike_episodes(series([10, 40]), fast_days=0)


def test_horizon_ends_count_vix_closes() -> None:
    vix = series([15, 35, *([25] * 70)])
    (e,) = spike_episodes(vix)
    assert e.horizon_ends == {20: vix.index[21], 60: vix.index[61]}
    assert e.end is None and e.peak == 35


def test_windows_by_hand() -> None:
    d = pd.bdate_range("2022-06-01", periods=5)
    r = pd.Series([0.5, 0.01, 0.02, -0.01, 0.03], index=d)
    # after the close of d1 up to the close of d3: days d2 and d3
    assert compounded(r, d[1], d[3]) == pytest.approx(1.02 * 0.99 - 1)
    assert compounded(r, d[0], d[4]) == pytest.approx(1.01 * 1.02 * 0.99 * 1.03 - 1)
    assert compounded(r, d[1], None) is None
    assert compounded(r, d[1], d[4] + pd.Timedelta(days=1)) is None  # the data ends first
    assert compounded(r, d[0] - pd.Timedelta(days=1), d[2]) is None  # starts after ``after``
    level = pd.Series([100.0, 110.0, 99.0], index=d[[0, 2, 4]])
    # closes on or before each date: d1 -> 100 (d0), d3 -> 110 (d2)
    assert level_return(level, d[1], d[3]) == pytest.approx(0.10)
    assert level_return(level, d[0], d[4]) == pytest.approx(-0.01)
    assert level_return(level, d[0] - pd.Timedelta(days=1), d[4]) is None


REAL_PEAKS = {  # PROVENANCE.md: the real closes of these dates
    "2008-11-20": 80.86,
    "2020-03-16": 82.69,
    "2018-02-05": 37.32,
    "2024-08-05": 38.57,
}


@pytest.fixture(scope="module")
def real():
    if not (VIX_CSV.is_file() and SPX_CSV.is_file() and PANEL.is_file()):
        pytest.skip("shared data absent")
    vix = pd.read_csv(VIX_CSV, index_col="Date", parse_dates=True)["Close"]
    spx = pd.read_csv(SPX_CSV, index_col="date", parse_dates=True)["close"]
    panel = pd.read_csv(PANEL, index_col="Date", parse_dates=True)
    table = run_job(spike_speed_job(vix, panel, ["tsmom-blend"], spx))
    return vix, spx, panel, table


@needs_data
def test_real_episodes_against_the_csv(real) -> None:
    vix, spx, _, table = real
    by_peak = {e["peak_date"]: e for e in table.episodes}
    assert set(REAL_PEAKS) <= set(by_peak)
    for day, close in REAL_PEAKS.items():
        e = by_peak[day]
        assert e["peak"] == close == vix[day]
        start, cross = pd.Timestamp(e["start"]), pd.Timestamp(e["cross_date"])
        end = pd.Timestamp(e["end"])
        # start: below 20; cross: the first close at or above 30 after it; in between 20..30
        between = vix[(vix.index > start) & (vix.index < cross)]
        assert vix[start] < 20 and vix[cross] >= 30
        assert ((between >= 20) & (between < 30)).all()
        assert e["days_to_cross"] == len(between) + 1
        # the episode runs to the first close back below 20; the peak is its highest close
        inside = vix[(vix.index >= cross) & (vix.index < end)]
        assert (inside >= 20).all() and vix[end] < 20 and inside.max() == close
        assert e["index_return"] == pytest.approx(spx[cross] / spx[start] - 1)
        assert e["index_to_peak"] == pytest.approx(spx[day] / spx[start] - 1)
    speeds = {day: (by_peak[day]["days_to_cross"], by_peak[day]["speed"]) for day in REAL_PEAKS}
    assert speeds == {
        "2008-11-20": (11, "slow"),
        "2020-03-16": (4, "fast"),
        "2018-02-05": (1, "fast"),
        "2024-08-05": (2, "fast"),
    }


@needs_data
def test_real_preset_windows_recomputed(real) -> None:
    vix, spx, panel, table = real
    r = run_job(backtest_job(panel, resolve("tsmom-blend"), vix)).returns
    e = next(e for e in table.episodes if e["peak_date"] == "2008-11-20")
    start, cross = pd.Timestamp(e["start"]), pd.Timestamp(e["cross_date"])
    after = vix.index[vix.index > cross]
    expected = {
        "rise": (1 + r[(r.index > start) & (r.index <= cross)]).prod() - 1,
        "next_20": (1 + r[(r.index > cross) & (r.index <= after[19])]).prod() - 1,
        "next_60": (1 + r[(r.index > cross) & (r.index <= after[59])]).prod() - 1,
    }
    assert e["returns"]["tsmom-blend"] == pytest.approx(expected)
    assert e["index_next_20"] == pytest.approx(spx[after[19]] / spx[cross] - 1)
    # the panel ends 2017-12-21: later episodes have no preset returns, the index still has
    aug_2024 = next(e for e in table.episodes if e["peak_date"] == "2024-08-05")
    assert aug_2024["returns"]["tsmom-blend"] == {"rise": None, "next_20": None, "next_60": None}
    assert aug_2024["index_next_60"] is not None
    # the summary is the mean over the episodes that have a value
    summary = table.summary()
    for speed in ("fast", "slow"):
        rises = [
            x["returns"]["tsmom-blend"]["rise"]
            for x in table.episodes
            if x["speed"] == speed and x["returns"]["tsmom-blend"]["rise"] is not None
        ]
        cell = summary[speed]["returns"]["tsmom-blend"]
        assert cell["counts"]["rise"] == len(rises) > 0
        assert cell["rise"] == pytest.approx(np.mean(rises))
    assert summary["fast"]["episodes"] + summary["slow"]["episodes"] == len(table.episodes)


@needs_data
def test_default_index_is_the_universes(real) -> None:
    vix, _, panel, _ = real
    window = panel.loc["2006":"2009"].dropna(axis=1, how="all")
    table = run_job(spike_speed_job(vix, window, ["fast"], start="2008-01-01"))
    assert table.index == "SP500" and table.index_note is None
    (e,) = [e for e in table.episodes if e["peak_date"] == "2008-11-20"]
    sp = window["SP500"]
    start, cross = pd.Timestamp(e["start"]), pd.Timestamp(e["cross_date"])
    assert e["index_return"] == pytest.approx(
        sp[:cross].dropna().iloc[-1] / sp[:start].dropna().iloc[-1] - 1
    )
    assert all(pd.Timestamp(x["start"]) >= pd.Timestamp("2008-01-01") for x in table.episodes)
    no_index = run_job(spike_speed_job(vix, window[["GOLD", "US10"]], ["fast"]))
    assert no_index.index is None and "no equity index" in no_index.index_note
    assert all(x["index_return"] is None for x in no_index.episodes)
