"""The macro indicator is lagged once: month m's z-score is first used in month m + lag."""

from __future__ import annotations

import pandas as pd
import pytest

from engine import signals
from tests.conftest import SHARED_DATA

YIELD_FILE = SHARED_DATA / "us10y_yield_monthly.csv"
WINDOW = 36


def _hand_z(values: pd.Series, month: str) -> float:
    """z-score of ``month`` against the WINDOW months ending with it, by plain slicing."""
    upto = values.loc[:month]
    last = upto.iloc[-WINDOW:]
    return float((last.iloc[-1] - last.mean()) / last.std(ddof=1))


def _forecast(values: pd.Series, dates: pd.DatetimeIndex, lag: int) -> pd.Series:
    """The macro forecast alone (weight 1, a flat trend) on one instrument."""
    prices = pd.DataFrame({"X": 100.0}, index=dates)
    trend = pd.DataFrame({"X": 0.0}, index=dates)
    out = signals.macro(prices, values, trend, WINDOW, lag, weight=1.0, sign=1.0, cap=1e9)
    return out["X"]


@pytest.mark.skipif(not YIELD_FILE.is_file(), reason="shared data absent")
@pytest.mark.parametrize(
    ("lag", "first_day", "day_before"),
    [(1, "2008-11-03", "2008-10-31"), (2, "2008-12-01", "2008-11-28"), (0, "2008-10-01", None)],
)
def test_real_10y_yield_used_lag_months_after_its_month(
    lag: int, first_day: str, day_before: str | None
) -> None:
    values = pd.read_csv(YIELD_FILE, index_col="Date", parse_dates=True)["Value"]
    assert values.loc["2008-10-01"] == pytest.approx(3.81)  # PROVENANCE.md's check value
    october, september = _hand_z(values, "2008-10-01"), _hand_z(values, "2008-09-01")
    assert october != pytest.approx(september)
    dates = pd.bdate_range("2008-09-01", "2008-12-31")
    forecast = _forecast(values, dates, lag)
    assert forecast[first_day] == pytest.approx(10.0 * october, rel=1e-12)
    if day_before is not None:  # the day before, the previous month's value is in force
        assert forecast[day_before] == pytest.approx(10.0 * september, rel=1e-12)


DAILY_FILE = SHARED_DATA / "recent" / "us10y_yield_daily_2003_2026.csv"


@pytest.mark.skipif(not DAILY_FILE.is_file(), reason="shared data absent")
def test_daily_yield_month_end_reading_used_next_month() -> None:
    daily = pd.read_csv(DAILY_FILE, index_col="date", parse_dates=True)["DGS10"]
    month_ends = daily.groupby(daily.index.to_period("M")).tail(1)  # each month's last reading
    monthly = pd.Series(month_ends.to_numpy(), index=month_ends.index.to_period("M").start_time)
    october = _hand_z(monthly, "2008-10-01")
    dates = pd.bdate_range("2008-10-01", "2008-11-28")
    forecast = _forecast(daily, dates, lag=1)
    assert forecast["2008-11-03"] == pytest.approx(10.0 * october, rel=1e-12)
    assert forecast["2008-10-31"] == pytest.approx(10.0 * _hand_z(monthly, "2008-09-01"))
