"""As-of positioning: the date used, the cut, and what happened next, by hand and on the real
VIX of August 2024."""

from __future__ import annotations

import pandas as pd
import pytest

from engine.asof import (
    asof_date,
    deleverage_next,
    first_cross,
    flow_outcomes,
    truncate,
    what_happened_next,
)
from tests.conftest import SHARED_DATA, needs_data

DAYS = pd.to_datetime(["2024-08-01", "2024-08-02", "2024-08-05", "2024-08-06", "2024-08-07"])


def test_asof_date_weekend_uses_the_friday_and_says_so() -> None:
    friday = asof_date(DAYS, "2024-08-03")  # a Saturday
    assert friday.date == pd.Timestamp("2024-08-02")
    assert friday.note is not None
    assert "2024-08-03 (Saturday) is not a trading day" in friday.note
    assert "2024-08-02 (Friday)" in friday.note
    assert friday.as_dict() == {
        "requested": "2024-08-03",
        "date": "2024-08-02",
        "note": friday.note,
    }
    assert asof_date(DAYS, "2024-08-05").note is None
    late = asof_date(DAYS, "2025-01-01")
    assert late.date == DAYS[-1] and "the data ends on 2024-08-07" in late.note
    with pytest.raises(ValueError, match="no close on or before"):
        asof_date(DAYS, "2024-07-31")


def test_truncate_keeps_rows_up_to_the_date_and_drops_later_starters() -> None:
    prices = pd.DataFrame(
        {"A": [1.0, 2.0, 3.0, 4.0, 5.0], "B": [None, None, 7.0, 8.0, 9.0]}, index=DAYS
    )
    cut, later = truncate(prices, asof_date(DAYS, "2024-08-06"))
    assert list(cut.index) == list(DAYS[:4]) and list(cut.columns) == ["A"]
    assert later == ["B"]  # two prices by then
    with pytest.raises(ValueError, match="no instrument has 3 prices"):
        truncate(prices, asof_date(DAYS, "2024-08-02"))


def test_what_happened_next_by_hand() -> None:
    prices = pd.DataFrame(
        {
            "IDX": [100.0, 102.0, 96.9, 99.96, 101.0],
            "ADJ": [-2.0, -1.0, None, 1.5, 2.0],  # back-adjusted: no percent return
        },
        index=DAYS,
    )
    date = pd.Timestamp("2024-08-02")
    out = what_happened_next(prices, date, horizons=(1, 2, 5))
    idx = out["IDX"]
    assert (idx["date"], idx["close"]) == ("2024-08-02", 102.0)
    assert idx["1d"]["date"] == "2024-08-05"
    assert idx["1d"]["return"] == pytest.approx(96.9 / 102.0 - 1)  # -5%
    assert idx["2d"]["change"] == pytest.approx(99.96 - 102.0)
    assert idx["5d"] is None  # the data ends before
    adj = out["ADJ"]
    assert adj["1d"]["date"] == "2024-08-06"  # its own next close (none on 08-05)
    assert adj["1d"]["change"] == pytest.approx(2.5) and adj["1d"]["return"] is None
    assert what_happened_next(prices, DAYS[-1]) is None


def test_first_cross_by_hand() -> None:
    after = pd.Series([101.0, 99.0, 98.0, 97.0], index=DAYS[1:])
    below = first_cross(after, 99.0, below=True)
    assert below == {"next_day": False, "first_date": "2024-08-05", "first_day": 2}
    above = first_cross(after, 100.0, below=False)
    assert above == {"next_day": True, "first_date": "2024-08-02", "first_day": 1}
    assert first_cross(after, 90.0, below=True)["first_date"] is None
    assert first_cross(after, 98.0, below=True, window=2)["first_date"] is None


def test_flow_outcomes_moves_in_sigmas_by_hand() -> None:
    dates = pd.bdate_range("2024-01-01", periods=12)
    closes = [100.0, 101, 102, 103, 104, 105, 106, 100, 101, 102, 103, 104]
    prices = pd.DataFrame({"IDX": closes}, index=dates)
    date = dates[6]  # close 106
    before = prices.loc[:date]
    flows = {"sigmas": 2.0, "daily_vol": {"IDX": 0.01}, "modes": {"IDX": "percent"},
             "lookbacks": [2, 3]}  # fmt: skip
    out = flow_outcomes(flows, before, prices, date)["IDX"]
    one_day = 100.0 / 106.0 - 1  # -5.66%: -5.66 sigmas, nearest the down scenario (-2)
    assert out["moves"]["1d"]["move_sigmas"] == pytest.approx(one_day / 0.01)
    assert out["moves"]["1d"]["nearest_scenario"] == "down"
    one_week = (104.0 / 106.0 - 1) / (0.01 * 5**0.5)  # -0.84 sigmas: nearer flat than down
    assert out["moves"]["1w"]["move_sigmas"] == pytest.approx(one_week)
    assert out["moves"]["1w"]["nearest_scenario"] == "flat"
    # blend of 2 and 3 days: tomorrow's anchors are the closes 1 and 2 days ago (105, 104),
    # the nearest where it loses its long sign is 105; the next close (100) is below it
    flip = out["blend_flip"]
    assert flip["price"] == 105.0 and flip["below"] is True
    assert flip["next_day"] is True and flip["first_date"] == f"{dates[7]:%Y-%m-%d}"


@needs_data
def test_deleverage_after_2_august_2024_on_the_real_vix() -> None:
    raw = pd.read_csv(SHARED_DATA / "vix_daily.csv", index_col=0, parse_dates=True)["Close"]
    out = deleverage_next(raw, pd.Timestamp("2024-08-02"), 0.10, 2.0, aum=1e9)
    # VIX closes 23.39 on 2024-08-02 and 38.57 on 2024-08-05 (the data's provenance notes)
    one = out["1d"]
    assert (one["date"], one["vix"]) == ("2024-08-05", 38.57)
    assert one["exposure"] == pytest.approx(0.10 / 0.3857)
    assert one["nav_sold"] == pytest.approx(0.10 / 0.2339 - 0.10 / 0.3857)  # 16.8% of NAV
    assert one["amount_sold"] == pytest.approx(one["nav_sold"] * 1e9)
    following = raw.loc["2024-08-03":].iloc[:20]
    assert out["20d"]["date"] == f"{following.index[-1]:%Y-%m-%d}"
    assert out["peak"]["vix"] == following.max() == 38.57
    assert out["5d"]["exposure"] == pytest.approx(min(2.0, 10.0 / following.iloc[4]))
    assert deleverage_next(raw, raw.index[-1], 0.10, 2.0) is None
