"""Pipeline stages against plain pandas references, and whole backtests end to end."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from engine import kernels, signals, sizing
from engine.backtest import run_backtest
from engine.presets import parameter_specs, presets, resolve
from engine.returns import price_moves, return_modes
from engine.volatility import ewma_alpha, ewma_daily_vol
from tests.conftest import SHARED_DATA


@pytest.fixture(scope="module")
def prices() -> pd.DataFrame:
    rng = np.random.default_rng(21)
    idx = pd.bdate_range("2000-01-03", periods=900)
    data = 100 * np.exp(np.cumsum(rng.normal(0.0002, 0.01, (900, 3)), axis=0))
    frame = pd.DataFrame(data, index=idx, columns=["AAA", "BBB", "CCC"])
    frame.iloc[:150, 2] = np.nan  # a late starter
    return frame


def test_presets_declared_once_and_valid() -> None:
    names = set(presets())
    assert {
        "tsmom-blend",
        "ewmac",
        "fast",
        "risk-offset",
        "macro",
        "mop2012",
        "hop-century",
    } <= names
    specs = parameter_specs()
    for name in names:
        params = resolve(name)
        assert set(params) == set(specs)
    assert resolve("mop2012")["vol_span"] == 121  # centre of mass 60 days
    assert resolve("hop-century")["lookbacks"] == (21, 63, 252)
    with pytest.raises(ValueError, match="unknown parameter"):
        resolve("tsmom-blend", {"nonsense": 1})
    with pytest.raises(ValueError, match="above the maximum"):
        resolve("tsmom-blend", {"idm": "3"})
    with pytest.raises(ValueError, match="fast/slow"):
        resolve("ewmac", {"ewmac_pairs": "64/16"})
    with pytest.raises(ValueError, match="unknown preset"):
        resolve("bogus")


def test_return_modes_and_moves() -> None:
    frame = pd.DataFrame(
        {"A": [1.0, 2.0, 1.0], "B": [-1.0, 1.0, 2.0]}, index=pd.bdate_range("2020-01-01", periods=3)
    )
    modes = return_modes(frame)
    assert modes == {"A": "percent", "B": "difference"}
    moves = price_moves(frame, modes)
    np.testing.assert_allclose(moves["A"].iloc[1:], [1.0, -0.5])
    np.testing.assert_allclose(moves["B"].iloc[1:], [2.0, 1.0])
    with pytest.raises(ValueError, match="zero or negative"):
        return_modes(frame, "percent")


def test_ewma_vol_matches_pandas(prices: pd.DataFrame) -> None:
    moves = prices.pct_change()
    vol = ewma_daily_vol(moves, 35)
    ref = moves["CCC"].dropna().ewm(span=35, adjust=False).std(bias=True).reindex(moves.index)
    np.testing.assert_allclose(vol["CCC"].iloc[152:], ref.iloc[152:], rtol=1e-10)
    assert ewma_alpha(35) == 2 / 36
    assert ewma_alpha(0, halflife=10) == pytest.approx(1 - 0.5 ** (1 / 10))
    raw = ewma_daily_vol(moves, 5)["AAA"].dropna()
    floored = ewma_daily_vol(moves, 5, floor=0.8)[
        "AAA"
    ].dropna()  # never below 0.8 x average so far
    np.testing.assert_allclose(floored, np.maximum(raw, 0.8 * raw.expanding().mean()), rtol=1e-12)
    assert (floored > raw).any()


def test_tsmom_and_blend_by_hand(prices: pd.DataFrame) -> None:
    f = signals.tsmom(prices, 20)
    day = prices.index[100]
    expected = 10 * np.sign(prices.loc[day] - prices.iloc[80])
    np.testing.assert_allclose(f.loc[day], expected)
    assert f["AAA"].iloc[:20].isna().all()
    blend = signals.tsmom_blend(prices, (10, 20))
    np.testing.assert_allclose(
        blend.iloc[300], (signals.tsmom(prices, 10).iloc[300] + f.iloc[300]) / 2
    )


def test_ewmac_matches_pandas(prices: pd.DataFrame) -> None:
    pvol = ewma_daily_vol(prices.diff(), 35)
    f = signals.ewmac(prices, pvol, ((16, 64),), "table", 20.0)
    p = prices["AAA"]
    raw = (p.ewm(span=16, adjust=False).mean() - p.ewm(span=64, adjust=False).mean()) / pvol["AAA"]
    ref = (raw * 3.75).clip(-20, 20)
    np.testing.assert_allclose(f["AAA"].iloc[64:], ref.iloc[64:], atol=1e-10)
    est = signals.ewmac(prices, pvol, ((10, 40),), "estimate", 1000.0)
    assert np.nanmean(np.abs(est.to_numpy())) == pytest.approx(10.0)
    with pytest.raises(ValueError, match="no standard forecast scalar"):
        signals.ewmac(prices, pvol, ((10, 40),), "table", 20.0)


def test_breakout_range_and_direction(prices: pd.DataFrame) -> None:
    f = signals.breakout(prices, 40)
    assert f.abs().max().max() <= 20
    rising = pd.DataFrame(
        {"X": np.arange(1.0, 201.0)}, index=pd.bdate_range("2020-01-01", periods=200)
    )
    assert signals.breakout(rising, 20)["X"].iloc[-1] == pytest.approx(20.0, abs=1e-6)


def test_buffer_kernel_matches_python_loop() -> None:
    rng = np.random.default_rng(2)
    target = np.cumsum(rng.normal(0, 0.1, (300, 2)), axis=0)
    target[5, 0] = np.nan
    open_days = rng.random((300, 2)) > 0.1  # a tenth of the days the market is shut
    out = kernels.buffered_positions(target, 0.2, open_days)
    held = np.zeros(2)
    for t in range(300):
        for j in range(2):
            goal = 0.0 if np.isnan(target[t, j]) else target[t, j]
            if open_days[t, j] and abs(goal - held[j]) > 0.2 * abs(goal):
                held[j] = goal
            assert out[t, j] == held[j]
    assert (np.diff(out, axis=0)[~open_days[1:]] == 0).all()  # never a trade on a shut day


def test_idm_bounds_and_membership() -> None:
    """Identical instruments give no diversification (IDM 1); nine independent ones hit the
    cap; an instrument not available that day does not count, however it correlates."""
    idx = pd.bdate_range("2020-01-01", periods=300)
    rng = np.random.default_rng(4)
    same = rng.normal(0, 1.0, 300)
    everywhere = pd.DataFrame(True, index=idx, columns=["A", "B"])
    idm = sizing.diversification_multiplier(pd.DataFrame({"A": same, "B": same}, idx), everywhere)
    np.testing.assert_allclose(idm.iloc[:59], math.sqrt(2), rtol=1e-15)  # < 60 days: rho 0
    assert idm.iloc[-1] == pytest.approx(1.0)
    independent = pd.DataFrame(rng.normal(0, 1.0, (300, 9)), index=idx)
    avail = pd.DataFrame(True, index=idx, columns=independent.columns)
    assert sizing.diversification_multiplier(independent, avail).iloc[-1] == sizing.IDM_CAP
    two = pd.DataFrame({"A": same, "B": rng.normal(0, 1.0, 300)}, idx)
    only_a = everywhere.assign(B=False)
    assert sizing.diversification_multiplier(two, only_a).eq(1.0).all()


def test_backtest_matches_plain_pandas(prices: pd.DataFrame) -> None:
    params = {
        "signal": "tsmom",
        "lookback": 60,
        "buffer": 0.0,
        "idm": 1.0,
        "cost_bps": 2.0,
        "vol_floor": 0.0,
    }
    result = run_backtest(prices, "tsmom-blend", params)
    r = prices.pct_change()
    vol = np.sqrt(
        r.apply(lambda c: c.dropna().ewm(span=35, adjust=False).var(bias=True)).reindex(r.index)
    )
    vol = vol.where(vol > 0)
    f = 10 * np.sign(prices - prices.shift(60))
    avail = prices.notna() & vol.notna() & f.notna()
    w = avail.div(avail.sum(axis=1).replace(0, np.nan), axis=0).fillna(0)
    # the cap applies to each instrument's own sleeve, before the equal weight
    pos = ((f / 10) * 0.10 / (vol * math.sqrt(252))).clip(-4, 4).mul(w).where(avail).fillna(0.0)
    prev = pos.shift(1).fillna(0.0)
    ret = (prev * r.fillna(0.0) - 2e-4 * (pos - prev).abs()).sum(axis=1)
    ref = ret.loc[result.returns.index]
    np.testing.assert_allclose(result.returns, ref, atol=1e-12)
    assert result.modes == {"AAA": "percent", "BBB": "percent", "CCC": "percent"}
    assert result.metrics["sharpe"] == pytest.approx(
        ref.mean() / ref.std(ddof=1) * math.sqrt(252), rel=1e-9
    )


def test_macro_needs_an_indicator(prices: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="needs an indicator series"):
        run_backtest(prices, "macro")
    monthly = pd.Series(
        np.sin(np.arange(60) / 5.0), index=pd.date_range("1997-01-01", periods=60, freq="MS")
    )
    result = run_backtest(prices, "macro", vix=None, macro_series=monthly)
    assert math.isfinite(result.metrics["sharpe"])


def test_vix_vol_method(prices: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="needs a VIX series"):
        run_backtest(prices, "tsmom-blend", {"vol_method": "vix"})
    vix = pd.Series(20.0, index=prices.index)
    result = run_backtest(
        prices, "tsmom-blend", {"vol_method": "vix", "equity_index": "AAA"}, vix=vix
    )
    assert result.by_vix_zone is not None and result.by_vix_zone["warning"][
        "share"
    ] == pytest.approx(1.0)


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared data absent")
def test_real_futures_panel_trend() -> None:
    panel = pd.read_csv(
        SHARED_DATA / "futures_panel_adjusted_daily.csv", index_col=0, parse_dates=True
    )
    vix = pd.read_csv(SHARED_DATA / "vix_daily.csv", index_col=0, parse_dates=True)["Close"]
    result = run_backtest(panel, "tsmom-blend", vix=vix)
    m = result.metrics
    assert 0.2 < m["sharpe"] < 2.0 and 0.05 < m["ann_vol"] < 0.3 and -0.6 < m["max_drawdown"] < 0
    assert result.modes["US10"] == "difference" and result.modes["SOYBEAN"] == "difference"
    year_2008 = (1 + result.returns["2008"]).prod() - 1
    assert year_2008 > 0.05  # trend followers made money in 2008
    eur = result.largest_moves["EUR"][0]
    assert eur["date"] == "2015-06-11" and eur["sigmas"] < -10  # the known bad tick is shown
    assert {"complacency", "normal", "warning", "fear", "panic"} <= set(result.by_vix_zone)
