"""Metrics against hand computations, plain numpy and empyrical-reloaded."""

from __future__ import annotations

import math

import empyrical
import numpy as np
import pandas as pd
import pytest

from engine.metrics import (
    allocation_mixer,
    by_vix_zone,
    calendar_returns,
    crisis_alpha,
    drawdown,
    max_drawdown_duration,
    performance,
    regime_correlation,
)
from engine.vix import ZONE_NAMES, ZoneThresholds


@pytest.fixture
def returns() -> pd.Series:
    rng = np.random.default_rng(12)
    r = pd.Series(rng.normal(0.0004, 0.01, 1500), index=pd.bdate_range("2010-01-04", periods=1500))
    r.iloc[0] = 0.003  # start with a gain so every drawdown convention agrees
    return r


def test_against_empyrical(returns: pd.Series) -> None:
    m = performance(returns)
    assert m["sharpe"] == pytest.approx(
        empyrical.sharpe_ratio(returns, annualization=252), rel=1e-10
    )
    assert m["sortino"] == pytest.approx(
        empyrical.sortino_ratio(returns, annualization=252), rel=1e-10
    )
    assert m["ann_vol"] == pytest.approx(
        empyrical.annual_volatility(returns, annualization=252), rel=1e-10
    )
    assert m["max_drawdown"] == pytest.approx(empyrical.max_drawdown(returns), rel=1e-10)
    assert m["cagr"] == pytest.approx(empyrical.cagr(returns, annualization=252), rel=1e-10)
    assert m["calmar"] == pytest.approx(
        empyrical.calmar_ratio(returns, annualization=252), rel=1e-10
    )


def test_against_plain_numpy(returns: pd.Series) -> None:
    m = performance(returns, days=256)
    x = returns.to_numpy()
    assert m["ann_return"] == pytest.approx(x.mean() * 256, rel=1e-12)
    assert m["sharpe"] == pytest.approx(x.mean() / x.std(ddof=1) * 16, rel=1e-12)
    n = len(x)
    skew = n / ((n - 1) * (n - 2)) * np.sum(((x - x.mean()) / x.std(ddof=1)) ** 3)
    assert m["skew"] == pytest.approx(skew, rel=1e-10)
    assert m["hit_rate"] == pytest.approx((x > 0).sum() / (x != 0).sum())


def test_hand_computed_drawdown_and_duration() -> None:
    r = pd.Series([0.10, -0.50, 0.20, 0.50, 0.10], index=pd.bdate_range("2020-01-01", periods=5))
    # equity 1.1, 0.55, 0.66, 0.99, 1.089: peak 1.1 never regained -> 4 days under water
    np.testing.assert_allclose(drawdown(r), [0.0, -0.5, -0.4, -0.1, -0.01], atol=1e-12)
    assert max_drawdown_duration(r) == 4
    assert performance(r)["max_drawdown"] == pytest.approx(-0.5)


def test_turnover_and_cost_drag() -> None:
    idx = pd.bdate_range("2020-01-01", periods=4)
    r = pd.Series([0.0, 0.01, -0.005, 0.002], index=idx)
    traded = pd.Series([0.0, 1.5, 0.5, 2.0], index=idx)
    costs = pd.Series([0.0, 0.00015, 0.00005, 0.0002], index=idx)
    m = performance(r, traded, costs)
    # 4 units traded over 4 days -> 1 per day
    assert m["turnover"] == pytest.approx(252.0)
    assert m["cost_drag"] == pytest.approx(costs.mean() * 252 / (r.std(ddof=1) * math.sqrt(252)))


def test_by_vix_zone_uses_previous_close(returns: pd.Series) -> None:
    vix = pd.Series(np.where(np.arange(len(returns)) % 2 == 0, 12.0, 35.0), index=returns.index)
    zones = by_vix_zone(returns, vix)
    # VIX of the previous close: odd days follow a 12 (complacency), even days a 35 (panic)
    comp = returns.iloc[1::2]
    panic = returns.iloc[2::2]
    assert zones["complacency"]["days"] == len(comp) and zones["panic"]["days"] == len(panic)
    assert zones["normal"]["days"] == 0 and math.isnan(zones["normal"]["sharpe"])
    assert zones["panic"]["ann_return"] == pytest.approx(panic.mean() * 252)
    assert zones["complacency"]["share"] + zones["panic"]["share"] == pytest.approx(1.0)


def test_by_vix_zone_custom_thresholds_by_hand() -> None:
    days = pd.bdate_range("2021-03-01", periods=8)
    r = pd.Series([0.01, -0.02, 0.03, 0.005, -0.01, 0.02, 0.04, -0.03], index=days)
    vix = pd.Series([11.0, 13.0, 19.0, 25.0, 36.0, 45.0, 40.0, 22.0], index=days)
    # previous closes of days 1..7: 11, 13, 19, 25, 36, 45, 40 (day 0 has none: left out)
    custom = by_vix_zone(r, vix, ZoneThresholds((12.0, 18.0, 24.0, 35.0)))
    assert [custom[z]["days"] for z in ZONE_NAMES] == [1, 1, 1, 1, 3]
    assert custom["complacency"]["ann_return"] == pytest.approx(-0.02 * 252)
    assert math.isnan(custom["complacency"]["ann_vol"]) and math.isnan(custom["fear"]["sharpe"])
    # panic: days 5, 6, 7 -> returns 0.02, 0.04, -0.03; mean 0.01, deviations 0.01, 0.03, -0.04
    panic_vol = math.sqrt((0.01**2 + 0.03**2 + 0.04**2) / 2) * math.sqrt(252)
    assert custom["panic"]["ann_return"] == pytest.approx(0.01 * 252)
    assert custom["panic"]["ann_vol"] == pytest.approx(panic_vol)
    assert custom["panic"]["sharpe"] == pytest.approx(0.01 * 252 / panic_vol)
    assert custom["panic"]["share"] == pytest.approx(3 / 7)
    # VIX >= 40 at the previous close: days 6 and 7 (45 and exactly 40) -> 0.04, -0.03
    extreme = custom["vix_over_40"]
    assert extreme["days"] == 2 and extreme["share"] == pytest.approx(2 / 7)
    assert extreme["ann_return"] == pytest.approx(0.005 * 252)
    assert extreme["ann_vol"] == pytest.approx(math.sqrt(2 * 0.035**2) * math.sqrt(252))
    # the defaults 15/20/25/30 put 11 and 13 in complacency, 19 in normal, 25 in fear
    default = by_vix_zone(r, vix)
    assert [default[z]["days"] for z in ZONE_NAMES] == [2, 1, 0, 1, 3]
    assert list(default) == [*ZONE_NAMES, "vix_over_40"]


def test_regime_correlation_follows_the_thresholds() -> None:
    days = pd.bdate_range("2022-01-03", periods=12)
    idx = pd.Series([100, 101, 99, 102, 104, 103, 100, 95, 97, 99, 94, 96.0], index=days)
    r = pd.Series([0, 0.002, 0.01, -0.004, 0.003, 0.02, -0.01, 0.02, -0.03, 0.001, 0.02, -0.01])
    r.index = days
    vix = pd.Series([10, 17, 18, 11, 17.9, 35, 40, 34.9, 36, 12, 50, 20.0], index=days)
    corr = regime_correlation(r, idx, vix, ZoneThresholds((12.0, 18.0, 24.0, 35.0)))
    idx_r = idx.pct_change()
    # previous closes of days 1..11: 10, 17, 18, 11, 17.9, 35, 40, 34.9, 36, 12, 50
    calm = [1, 2, 4, 5, 10]  # below 18 (18 itself is the warning zone)
    stressed = [6, 7, 9, 11]  # 35 and above (34.9 is not)
    for name, rows in (("calm", calm), ("stressed", stressed)):
        expected = np.corrcoef(r.iloc[rows], idx_r.iloc[rows])[0, 1]
        assert corr[f"corr_{name}"] == pytest.approx(expected, rel=1e-12)
        assert corr[f"days_{name}"] == len(rows)
    assert corr["days_all"] == 11


def test_crisis_alpha_and_regime_correlation(returns: pd.Series) -> None:
    idx = pd.Series(
        100 * (1 + returns.sample(frac=1, random_state=1).to_numpy()).cumprod(), index=returns.index
    )
    hedge = -idx.pct_change().fillna(0.0)  # a perfect short of the index
    ca = crisis_alpha(hedge, idx, worst=0.10)
    assert ca["strategy_mean_monthly"] > 0 > ca["index_mean_monthly"]
    assert ca["strategy_hit_rate"] == 1.0
    vix = pd.Series(np.linspace(10, 40, len(idx)), index=idx.index)
    corr = regime_correlation(hedge, idx, vix)
    assert corr["corr_calm"] == pytest.approx(-1.0) and corr["corr_stressed"] == pytest.approx(-1.0)
    assert corr["days_calm"] > 0 and corr["days_stressed"] > 0


def test_allocation_mixer(returns: pd.Series) -> None:
    equity = returns
    cta = -returns * 0.5 + 0.0002
    rows = allocation_mixer(cta, equity)
    assert [r["cta_share"] for r in rows] == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert rows[0]["sharpe"] == pytest.approx(performance(equity)["sharpe"])
    mix = 0.7 * equity + 0.3 * cta
    assert rows[3]["ann_vol"] == pytest.approx(performance(mix)["ann_vol"])
    assert rows[3]["ann_vol"] < rows[0]["ann_vol"]  # a negatively correlated sleeve cuts vol
    bonds = pd.Series(0.0001, index=returns.index)
    sixty_forty = allocation_mixer(cta, equity, bonds)[0]
    assert sixty_forty["ann_return"] == pytest.approx(
        performance(0.6 * equity + 0.4 * bonds)["ann_return"]
    )


def test_mixer_rows_equal_performance_of_each_mix(returns: pd.Series) -> None:
    """The mixer's all-sleeves-at-once arithmetic against performance() of every mix, one by
    one, for every reported figure (max drawdown included)."""
    cta = -returns * 0.5 + 0.0002
    bonds = pd.Series(0.0001, index=returns.index)
    sleeves = tuple(x / 100 for x in range(0, 51, 7))
    for row, x in zip(allocation_mixer(cta, returns, bonds, sleeves), sleeves, strict=True):
        reference = performance((1 - x) * (0.6 * returns + 0.4 * bonds) + x * cta)
        for key in ("sharpe", "ann_vol", "max_drawdown", "ann_return"):
            assert row[key] == pytest.approx(reference[key], rel=1e-12), (x, key)


def test_drawdown_duration_matches_a_plain_loop() -> None:
    """The vectorised count against the plain definition (the longest run of days below a
    previous peak), on random paths with long and short spells under water."""
    rng = np.random.default_rng(7)
    for _ in range(20):
        r = pd.Series(
            rng.normal(0.0003, 0.01, 600), index=pd.bdate_range("2000-01-03", periods=600)
        )
        longest = run = 0
        for flag in drawdown(r).to_numpy() < 0:
            run = run + 1 if flag else 0
            longest = max(longest, run)
        assert max_drawdown_duration(r) == longest


def test_too_short_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least two"):
        performance(pd.Series([0.01]))


def test_calendar_returns_hand_computed() -> None:
    days = pd.to_datetime(["2020-12-30", "2020-12-31", "2021-01-04", "2021-01-05", "2021-03-01"])
    r = pd.Series([0.10, -0.10, 0.02, 0.03, -0.05], index=days)
    table = calendar_returns(r)
    assert list(table.index) == [2020, 2021]
    assert table.loc[2020, 12] == pytest.approx(1.1 * 0.9 - 1)  # -1%
    assert table.loc[2021, 1] == pytest.approx(1.02 * 1.03 - 1)
    assert np.isnan(table.loc[2021, 2]) and table.loc[2021, 3] == pytest.approx(-0.05)
    assert table.loc[2021, "year"] == pytest.approx(1.02 * 1.03 * 0.95 - 1)
    assert np.isnan(table.loc[2020, 1])
