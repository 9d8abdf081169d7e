"""Equity index and bond leg pickers, yield-based bond returns and the CTA-sleeve mixer with a
bond leg, against hand-computed numbers and the real files."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from engine import metrics
from engine.equity_index import pick_bond_leg, pick_equity_index
from engine.mixer import bond_returns_from_yield, leg_returns, mixer_legs
from tests.conftest import SHARED_DATA

PANEL = SHARED_DATA / "futures_panel_adjusted_daily.csv"
RECENT_PANEL = SHARED_DATA / "recent" / "futures_panel_adjusted_daily_2018_2024.csv"
STOCKS = SHARED_DATA / "us_stocks20_adjclose_1990_2022.csv"
DAILY_YIELD = SHARED_DATA / "recent" / "us10y_yield_daily_2003_2026.csv"
real_data = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared data absent")


def _columns(path) -> list[str]:
    return list(pd.read_csv(path, nrows=0).columns[1:])


def test_bond_returns_from_yield_two_days_by_hand() -> None:
    y = pd.Series([4.00, 4.10, 4.05], index=pd.bdate_range("2024-01-02", periods=3))
    r = bond_returns_from_yield(y, duration=8.0)
    assert math.isnan(r.iloc[0])
    # day 1: carry 4.00% / 252, yield up 10 bp at duration 8: -0.8%
    assert r.iloc[1] == pytest.approx(0.04 / 252 - 0.008, abs=1e-15)
    # day 2: carry 4.10% / 252, yield down 5 bp: +0.4%
    assert r.iloc[2] == pytest.approx(0.041 / 252 + 0.004, abs=1e-15)
    assert bond_returns_from_yield(y, duration=5.0).iloc[1] == pytest.approx(0.04 / 252 - 0.005)


def test_mixer_with_bond_leg_by_hand() -> None:
    dates = pd.bdate_range("2024-01-02", periods=3)
    cta = pd.Series([0.01, -0.02, 0.03], index=dates)
    equity = pd.Series([0.02, 0.01, -0.01], index=dates)
    bonds = pd.Series([0.005, 0.0, 0.01], index=dates)
    rows = metrics.allocation_mixer(cta, equity, bonds, sleeves=(0.0, 0.5), days=252)
    # 60/40 base: 0.6 x equity + 0.4 x bonds = 0.014, 0.006, -0.002
    base = np.array([0.014, 0.006, -0.002])
    # half CTA: 0.5 x base + 0.5 x cta = 0.012, -0.007, 0.014
    half = np.array([0.012, -0.007, 0.014])
    for row, mix in zip(rows, (base, half), strict=True):
        assert row["ann_return"] == pytest.approx(mix.mean() * 252, rel=1e-12)
        assert row["ann_vol"] == pytest.approx(mix.std(ddof=1) * math.sqrt(252), rel=1e-12)
        assert row["sharpe"] == pytest.approx(mix.mean() / mix.std(ddof=1) * math.sqrt(252))
    assert rows[0]["max_drawdown"] == pytest.approx(-0.002)  # only the last day loses
    assert rows[1]["max_drawdown"] == pytest.approx(-0.007)
    without = metrics.allocation_mixer(cta, equity, None, sleeves=(0.0,), days=252)
    assert without[0]["ann_return"] == pytest.approx((0.02 + 0.01 - 0.01) / 3 * 252)  # equity alone


def test_mixer_legs_by_hand() -> None:
    dates = pd.bdate_range("2024-01-02", periods=4)
    prices = pd.DataFrame(
        {
            "SP500": [100.0, 102.0, np.nan, 96.9],  # a holiday on day 2
            "US10": [-2.0, -1.0, 1.0, 2.0],  # back-adjusted: crosses zero, last price 2
            "GOLD": [1.0, 1.1, 1.2, 1.3],
        },
        index=dates,
    )
    modes = {"SP500": "percent", "US10": "difference", "GOLD": "percent"}
    equity, bonds, label = mixer_legs(prices, modes, "SP500", "")
    np.testing.assert_allclose(equity.to_numpy()[1:], [0.02, 0.0, 96.9 / 102.0 - 1], rtol=1e-12)
    assert bonds is not None
    np.testing.assert_allclose(bonds.to_numpy()[1:], [0.5, 1.0, 0.5], rtol=1e-12)  # dP / |2|
    assert label == "60% SP500 / 40% US10 + CTA"
    equity_only = mixer_legs(prices, modes, "SP500", None)
    assert equity_only[1] is None
    assert equity_only[2] == "equity + CTA: 100% SP500, no bond leg"
    no_bond = mixer_legs(prices[["SP500", "GOLD"]], modes, "SP500", "")
    assert no_bond[1] is None and "no bond leg" in no_bond[2]
    with pytest.raises(ValueError, match="bond leg 'TY' is not among the prices"):
        mixer_legs(prices, modes, "SP500", "TY")


def test_mixer_legs_from_a_monthly_yield() -> None:
    dates = pd.bdate_range("2024-01-29", "2024-02-02")
    prices = pd.DataFrame({"SPX": np.linspace(100.0, 107.0, len(dates))}, index=dates)
    yields = pd.Series([4.0, 4.5], index=pd.to_datetime(["2024-01-01", "2024-02-01"]))
    yields.name = "US10Y"
    _, bonds, label = mixer_legs(prices, {"SPX": "percent"}, "SPX", yields, duration=7.0)
    assert label == "60% SPX / 40% US10Y (10y yield, duration 7) + CTA"
    assert bonds is not None
    assert math.isnan(bonds["2024-01-29"])  # the first date: no earlier yield
    assert bonds["2024-01-31"] == pytest.approx(0.04 / 252)  # carry only
    assert bonds["2024-02-01"] == pytest.approx(0.04 / 252 - 7.0 * 0.005)  # the step, once
    assert math.isnan(bonds["2024-02-02"])  # after the last reading: outside its range


def test_equity_index_picker() -> None:
    assert pick_equity_index(["GOLD", "ES_F", "US10"]) == "ES_F"
    assert pick_equity_index(["AAPL", "MSFT"]) is None  # never a silent first column
    assert pick_equity_index(["AAPL", "MSFT"], "MSFT") == "MSFT"
    with pytest.raises(ValueError, match="'SPY' is not among the prices"):
        pick_equity_index(["AAPL"], "SPY")


def test_bond_leg_picker() -> None:
    assert pick_bond_leg(["BUND", "US5", "US10"]) == "US10"  # US Treasuries preferred
    assert pick_bond_leg(["GOLD", "ZN_adj"]) == "ZN_adj"
    assert pick_bond_leg(["US2", "US5", "SHATZ", "US10Y", "DGS10"]) is None  # not 10y futures
    assert pick_bond_leg(["GOLD", "US5"], "US5") == "US5"


@real_data
def test_real_futures_panels_pick_sp500_and_us10() -> None:
    assert pick_equity_index(_columns(PANEL)) == "SP500"
    assert pick_bond_leg(_columns(PANEL)) == "US10"
    assert pick_equity_index(_columns(RECENT_PANEL)) == "SP500_micro"
    assert pick_bond_leg(_columns(RECENT_PANEL)) == "US10"


@real_data
def test_real_stocks_file_has_no_index_nor_bond() -> None:
    columns = _columns(STOCKS)
    assert len(columns) == 20
    assert pick_equity_index(columns) is None
    assert pick_bond_leg(columns) is None


@real_data
def test_real_panel_legs_against_plain_pandas() -> None:
    panel = pd.read_csv(PANEL, index_col=0, parse_dates=True)
    modes = {"SP500": "percent", "US10": "difference"}
    equity, bonds, label = mixer_legs(panel[["SP500", "US10"]], modes, "SP500", "")
    assert label == "60% SP500 / 40% US10 + CTA"
    us10 = panel["US10"].dropna()
    assert us10.min() < 0  # back-adjusted: percent returns would be meaningless
    day, before = us10.index[5000], us10.index[4999]
    assert bonds is not None
    assert bonds[day] == pytest.approx((us10[day] - us10[before]) / abs(us10.iloc[-1]))
    sp = panel["SP500"].dropna()
    assert equity[sp.index[100]] == pytest.approx(sp.iloc[100] / sp.iloc[99] - 1)


@real_data
def test_real_daily_yield_leg() -> None:
    dgs10 = pd.read_csv(DAILY_YIELD, index_col="date", parse_dates=True)["DGS10"]
    dgs10.name = "DGS10"
    dates = dgs10.loc["2008-10-01":"2008-10-31"].index
    prices = pd.DataFrame({"SPX": 1.0 + np.arange(len(dates))}, index=dates)
    _, bonds, label = mixer_legs(prices, {"SPX": "percent"}, "SPX", dgs10)
    assert label.startswith("60% SPX / 40% DGS10 (10y yield, duration 8)")
    assert bonds is not None
    y0, y1 = dgs10["2008-10-14"] / 100, dgs10["2008-10-15"] / 100
    assert bonds["2008-10-15"] == pytest.approx(y0 / 252 - 8.0 * (y1 - y0), rel=1e-12)


def test_leg_returns_rejects_an_empty_leg() -> None:
    empty = pd.Series([np.nan, np.nan], index=pd.bdate_range("2024-01-02", periods=2), name="X")
    with pytest.raises(ValueError, match="X: no prices"):
        leg_returns(empty, "percent")
