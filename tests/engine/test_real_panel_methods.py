"""The engine's methods on the real futures panel, against independent statements of them:
per-instrument calendars (raw vs forward-filled panel), the MOP 2012 and HOP 2017 papers'
rules in plain pandas, the diversification multiplier without look-ahead, the metrics
window and notional replay flows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from engine.backtest import backtest_job, run_backtest
from engine.jobs import run_job
from engine.presets import resolve
from tests.conftest import SHARED_DATA, needs_data

pytestmark = needs_data

PANEL = SHARED_DATA / "futures_panel_adjusted_daily.csv"
MOP_COM = 60  # MOP 2012: delta / (1 - delta) = 60 days
MOP_DAYS = 261


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return pd.read_csv(PANEL, index_col=0, parse_dates=True)


def forward_filled(prices: pd.DataFrame) -> pd.DataFrame:
    """Each instrument's closes forward-filled between its own first and last price."""
    return prices.ffill().where(prices.bfill().notna())


@pytest.mark.parametrize("preset", ["tsmom-blend", "ewmac", "mop2012"])
def test_raw_and_forward_filled_panel_agree(panel: pd.DataFrame, preset: str) -> None:
    """Exchange holidays leave empty cells; the strategy must not depend on them."""
    raw = run_backtest(panel, preset).metrics
    filled = run_backtest(forward_filled(panel), preset).metrics
    assert raw["turnover"] == pytest.approx(filled["turnover"], rel=0.05)
    assert abs(raw["sharpe"] - filled["sharpe"]) < 0.02


def test_a_holiday_keeps_the_book(panel: pd.DataFrame) -> None:
    """Columbus Day 2008 (13 October): bond and currency futures were shut, equities traded.
    Every instrument with a year of history (14) holds its position through the holiday and
    the next day (the union calendar left 2 of 13 with a position on the 14th), so the
    equal weights are shared by the same instruments every day."""
    result = run_backtest(panel, "tsmom-blend")
    holiday, after, before = (pd.Timestamp(d) for d in ("2008-10-13", "2008-10-14", "2008-10-10"))
    started = [c for c in panel if panel[c].first_valid_index() <= holiday - pd.Timedelta(days=400)]
    closed = [c for c in started if math.isnan(panel.loc[holiday, c])]
    assert len(started) == 14 and set(closed) == {"US10", "US5", "EUR", "JPY", "GBP"}
    for day in (holiday, after):
        assert (result.positions.loc[day, started] != 0).all()
    for symbol in closed:  # no trade on a day without a price
        assert result.positions.loc[holiday, symbol] == result.positions.loc[before, symbol]
    held = (result.positions.loc["2008-10-06":"2008-10-14", started] != 0).sum(axis=1)
    assert (held == len(started)).all()  # the same 14 share the weights every day


def _moves(prices: pd.DataFrame) -> pd.DataFrame:
    """Each instrument's moves on its own closes: percent where every price is positive,
    else price differences (back-adjusted series), NaN on days it did not trade."""
    out = {}
    for c in prices:
        p = prices[c].dropna()
        out[c] = p.pct_change() if (p > 0).all() else p.diff()
    return pd.DataFrame(out, index=prices.index)


def _mop_positions(prices: pd.DataFrame, lookbacks: tuple[int, ...]) -> pd.DataFrame:
    """MOP 2012 / HOP 2017 per instrument: mean sign of the lookback returns x 40% / ex-ante
    vol (EWMA centre of mass 60 days on its own moves, 261 days a year), equal weight over the
    instruments with a position that day; no IDM, floor, buffer, cap or costs."""
    moves = _moves(prices)
    sigma = (
        pd.DataFrame(
            {c: moves[c].dropna().ewm(com=MOP_COM, adjust=False).std(bias=True) for c in prices},
            index=prices.index,
        )
        .ffill()
        .where(forward_filled(prices).notna())
    )
    held = forward_filled(prices)
    signs = sum(np.sign(held - held.shift(lb)) for lb in lookbacks) / len(lookbacks)
    ok = signs.notna() & (sigma > 0)
    pos = (signs * 0.40 / (sigma * math.sqrt(MOP_DAYS))).where(ok)
    return pos.div(ok.sum(axis=1), axis=0).fillna(0.0)


def _portfolio(pos: pd.DataFrame, prices: pd.DataFrame) -> pd.Series:
    return (pos.shift(1) * _moves(prices)).sum(axis=1)


def test_mop2012_is_the_paper(panel: pd.DataFrame) -> None:
    result = run_backtest(panel, "mop2012")
    ref = _portfolio(_mop_positions(panel, (252,)), panel).loc[result.returns.index]
    assert result.returns.corr(ref) > 0.99
    vol, ref_vol = result.metrics["ann_vol"], ref.std() * math.sqrt(MOP_DAYS)
    assert vol == pytest.approx(ref_vol, rel=0.05)
    assert 0.15 < vol < 0.25  # about 19% for the paper method on this panel, not 44%
    params = resolve("mop2012")
    assert (params["idm"], params["buffer"], params["vol_floor"]) == (1.0, 0.0, 0.0)
    assert (params["max_leverage"], params["cost_bps"]) == (0.0, 0.0)


def test_hop_century_is_the_paper(panel: pd.DataFrame) -> None:
    result = run_backtest(panel, "hop-century")
    unscaled = _mop_positions(panel, (21, 63, 252))
    u = _portfolio(unscaled, panel).where(unscaled.shift(1).abs().sum(axis=1) > 0)
    sigma = u.ewm(com=MOP_COM, adjust=False).std(bias=True) * math.sqrt(MOP_DAYS)
    scale = (0.10 / sigma).where(u.notna().cumsum() >= 20)
    ref = (scale.shift(1) * u).loc[result.returns.index].fillna(0.0)
    assert result.returns.corr(ref) > 0.99
    vol = result.metrics["ann_vol"]
    assert vol == pytest.approx(ref.std() * math.sqrt(MOP_DAYS), rel=0.05)
    assert vol == pytest.approx(0.10, rel=0.15)  # scaled to 10% ex ante


def test_idm_has_no_look_ahead(panel: pd.DataFrame) -> None:
    """Appending later rows never changes a past IDM; it is estimated over the instruments
    trading then (a plain pandas correlation matrix on one date checks the kernel)."""
    params = resolve("tsmom-blend")
    short = run_job(backtest_job(panel.loc[:"2001-12-31"].dropna(axis=1, how="all"), params))
    full = run_job(backtest_job(panel, params))
    past = full.idm_series.loc[:"2001-12-31"]
    pd.testing.assert_series_equal(short.idm_series, past)
    assert past.dropna().nunique() > 100 and full.idm_series.min() >= 1.0
    assert full.idm_series.max() <= 2.5
    day = pd.Timestamp("1995-06-30")
    moves = _moves(panel)
    vol = full.positions  # columns only
    from engine.volatility import ewma_daily_vol

    daily_vol = ewma_daily_vol(moves, 35, 0.0, 0.5).where(forward_filled(panel).notna())
    normalised = (moves / daily_vol.shift(1).where(moves.notna())).loc[:day]
    members = [c for c in vol if full.forecasts.loc[day, c] == full.forecasts.loc[day, c]]
    members = [c for c in members if daily_vol.loc[day, c] > 0]
    corr = normalised[members].corr(min_periods=60).fillna(0.0).clip(lower=0.0)
    matrix = corr.to_numpy(copy=True)
    np.fill_diagonal(matrix, 1.0)
    w = np.full(len(members), 1.0 / len(members))
    expected = min(max(1.0 / math.sqrt(w @ matrix @ w), 1.0), 2.5)
    assert full.idm_series.loc[day] == pytest.approx(expected, rel=1e-9)


def test_metrics_cover_exactly_the_period(panel: pd.DataFrame) -> None:
    params = resolve("tsmom-blend")
    result = run_job(backtest_job(panel, params, start="2000-01-01", end="2010-06-30"))
    days = panel.loc["2000-01-01":"2010-06-30"].index
    assert result.returns.index[0] == days[0] and result.returns.index[-1] == days[-1]
    assert result.metrics["days"] == len(days)
    cut = panel.loc[:"2010-06-30"].dropna(axis=1, how="all")
    later = run_job(backtest_job(cut, params, start="2000-01-01"))
    assert result.metrics == later.metrics  # rows after the end are never seen
    full = run_backtest(panel, "tsmom-blend")
    window = full.returns.loc["2000-01-01":"2010-06-30"]
    np.testing.assert_allclose(result.returns, window, atol=1e-15)  # warm-up kept


def test_mixer_has_a_bond_leg(panel: pd.DataFrame) -> None:
    """The 60/40 mixer on the real panel takes US10 as its bond leg: the 30% sleeve row equals
    a plain pandas 0.7 x (0.6 SP500 + 0.4 US10) + 0.3 x CTA, US10's back-adjusted changes
    as returns on its last price."""
    result = run_backtest(panel, "tsmom-blend")
    assert result.extras["allocation_mixer_legs"] == "60% SP500 / 40% US10 + CTA"
    held = forward_filled(panel)
    stocks = held["SP500"].pct_change()
    bonds = held["US10"].diff() / abs(panel["US10"].dropna().iloc[-1])
    parts = [result.returns, stocks, bonds]
    both = pd.concat(parts, axis=1, keys=["cta", "eq", "bd"], sort=True).dropna()
    mix = 0.7 * (0.6 * both["eq"] + 0.4 * both["bd"]) + 0.3 * both["cta"]
    row = next(r for r in result.extras["allocation_mixer"] if r["cta_share"] == 0.3)
    sharpe = mix.mean() / mix.std(ddof=1) * math.sqrt(252)
    assert row["sharpe"] == pytest.approx(sharpe, rel=1e-9)


def _expanding_idm(normalised: pd.DataFrame, available: pd.DataFrame) -> pd.Series:
    """Plain numpy: pairwise-complete expanding correlations from cumulative sums (rho < 0 and
    pairs with < 60 common days count 0), IDM = n / sqrt(sum of the matrix) over the available
    instruments, clipped to [1, 2.5]."""
    x = normalised.to_numpy()
    ok = np.isfinite(x)
    x0 = np.where(ok, x, 0.0)
    both = ok[:, :, None] & ok[:, None, :]
    n = np.cumsum(both, axis=0)
    sx = np.cumsum(np.where(both, x0[:, :, None], 0.0), axis=0)
    sy = np.cumsum(np.where(both, x0[:, None, :], 0.0), axis=0)
    sxx = np.cumsum(np.where(both, x0[:, :, None] ** 2, 0.0), axis=0)
    syy = np.cumsum(np.where(both, x0[:, None, :] ** 2, 0.0), axis=0)
    sxy = np.cumsum(x0[:, :, None] * x0[:, None, :], axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sy / n
        rho = cov / np.sqrt((sxx - sx**2 / n) * (syy - sy**2 / n))
    rho = np.where((n >= 60) & np.isfinite(rho), np.clip(rho, 0.0, 1.0), 0.0)
    k = x.shape[1]
    rho[:, np.arange(k), np.arange(k)] = 1.0
    a = available.to_numpy().astype(float)
    members = a.sum(axis=1)
    total = np.einsum("ti,tij,tj->t", a, rho, a)
    with np.errstate(invalid="ignore", divide="ignore"):
        idm = np.clip(members / np.sqrt(total), 1.0, 2.5)
    return pd.Series(np.where(members > 0, idm, np.nan), index=normalised.index)


def test_default_setup_against_plain_pandas(panel: pd.DataFrame) -> None:
    """tsmom-blend as shipped (vol floor 0.5, estimated IDM, 10% buffer, leverage cap 4,
    1 bp costs) on the real panel, back-adjusted US10 and SOYBEAN in difference mode (P&L =
    position x price change, costs on |price| x contracts), written out with pandas and
    numpy: the daily returns agree to 1e-10."""
    p = resolve("tsmom-blend")
    result = run_backtest(panel, "tsmom-blend")
    held = forward_filled(panel)
    ranged = held.notna()
    moves = _moves(panel)
    diff_mode = [c for c in panel if (panel[c].dropna() <= 0).any()]
    assert set(diff_mode) == {"US10", "SOYBEAN"}
    vol = {}
    for c in panel:
        own = moves[c].dropna()
        v = own.ewm(span=p["vol_span"], adjust=False).std(bias=True)
        v = v.where(v > 0)
        vol[c] = np.maximum(v, p["vol_floor"] * v.expanding().mean())
    vol = pd.DataFrame(vol, index=panel.index).ffill().where(ranged)
    signs = sum(10 * np.sign(held - held.shift(lb)) for lb in p["lookbacks"])
    forecast = (signs / len(p["lookbacks"])).where(ranged)
    available = ranged & (vol > 0) & forecast.notna()
    weights = available.div(available.sum(axis=1), axis=0).fillna(0.0)
    idm = _expanding_idm(moves / vol.shift(1).where(moves.notna()), available)
    unit = pd.DataFrame(1.0, index=panel.index, columns=panel.columns).where(ranged)
    unit[diff_mode] = held[diff_mode].abs()
    sleeve = (forecast / 10) * p["vol_target"] / (vol * math.sqrt(252))
    sleeve = sleeve.clip(-p["max_leverage"] / unit, p["max_leverage"] / unit).where(available)
    target = (sleeve.fillna(0.0) * weights).mul(idm.fillna(0.0), axis=0).to_numpy()
    open_days = (panel.notna() | ~ranged).to_numpy()
    pos = np.zeros_like(target)
    now = np.zeros(target.shape[1])
    for t in range(len(target)):
        move = open_days[t] & (np.abs(target[t] - now) > p["buffer"] * np.abs(target[t]))
        now = np.where(move, target[t], now)
        pos[t] = now
    pos = pd.DataFrame(pos, index=panel.index, columns=panel.columns)
    gross = (pos.shift(1) * moves).sum(axis=1)
    costs = (p["cost_bps"] / 1e4 * unit * pos.diff().abs()).sum(axis=1)
    ref = (gross - costs).loc[result.returns.index]
    np.testing.assert_allclose(result.returns.to_numpy(), ref.to_numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(result.idm_series.to_numpy(), idm.to_numpy(), atol=1e-9)
