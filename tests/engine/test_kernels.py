"""Every numba kernel against a plain pandas/numpy reference (agreement to 1e-10)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine import kernels

RNG = np.random.default_rng(5)


def _with_gaps(n: int = 300, k: int = 4) -> np.ndarray:
    x = RNG.standard_normal((n, k)) * 0.01
    x[:17, 1] = np.nan  # a late starter
    x[100:103, 2] = np.nan  # a gap
    return x


@pytest.mark.parametrize("span", [2, 10, 35, 120])
def test_ewm_var_vol_and_mean_match_pandas(span: int) -> None:
    """Against pandas on each column's own values (held over gaps, NaN before the start);
    the vol floor against pandas' expanding mean of the unfloored vol."""
    x = _with_gaps()
    alpha = 2.0 / (span + 1)
    vol = kernels.ewm_vol_2d(x, alpha, 0.0)
    floored = kernels.ewm_vol_2d(x, alpha, 0.95)
    mean = kernels.ewm_mean_2d(x, alpha)
    for j in range(x.shape[1]):
        col = pd.Series(x[:, j])
        own = col.dropna()
        ref_std = own.ewm(span=span, adjust=False).std(bias=True)
        ref_std = ref_std.where(ref_std > 0)
        ref_floor = np.maximum(ref_std, 0.95 * ref_std.expanding().mean())
        ref_mean = own.ewm(span=span, adjust=False).mean()
        var = kernels.ewm_var_1d(x[:, j].copy(), alpha)
        ref_var = own.ewm(span=span, adjust=False).var(bias=True)
        for got, ref in ((vol[:, j], ref_std), (floored[:, j], ref_floor), (var, ref_var)):
            np.testing.assert_allclose(got, ref.reindex(col.index).ffill(), rtol=0, atol=1e-10)
        np.testing.assert_allclose(mean[:, j], ref_mean.reindex(col.index).ffill(), atol=1e-10)
    assert (floored[20:] >= vol[20:]).all() and (floored[20:] > vol[20:]).any()


@pytest.mark.parametrize("window", [1, 5, 20])
def test_rolling_extremes_match_pandas(window: int) -> None:
    x = np.cumsum(_with_gaps(), axis=0)
    hi, lo = kernels.rolling_extremes(x, window)
    frame = pd.DataFrame(x)
    np.testing.assert_allclose(hi, frame.rolling(window).max(), atol=1e-12)
    np.testing.assert_allclose(lo, frame.rolling(window).min(), atol=1e-12)


def test_pnl_with_costs_matches_numpy() -> None:
    pos = RNG.uniform(-2, 2, (50, 3))
    moves = RNG.standard_normal((50, 3)) * 0.01
    moves[5, 1] = np.nan
    rate = np.full((50, 3), 0.0005)
    rate[:, 2] = 0.002  # a difference-mode column pays on |price| notional
    gross, costs = kernels.pnl_with_costs(pos, moves, rate)
    prev = np.vstack([np.zeros((1, 3)), pos[:-1]])
    ref_gross = np.nan_to_num(prev * moves)
    ref_cost = rate * np.abs(pos - prev)
    ref_gross[0] = 0.0
    ref_cost[0] = 0.0
    np.testing.assert_allclose(gross, ref_gross, atol=1e-12)
    np.testing.assert_allclose(costs, ref_cost, atol=1e-12)


def test_return_stats_match_numpy() -> None:
    ret = RNG.standard_normal(400) * 0.01
    mean, std, max_dd, equity = kernels.return_stats(ret, 1)
    sub = ret[1:]
    curve = np.cumprod(1 + sub)
    peak = np.maximum.accumulate(np.r_[1.0, curve])[1:]
    assert mean == pytest.approx(sub.mean(), abs=1e-14)
    assert std == pytest.approx(sub.std(ddof=1), abs=1e-14)
    assert max_dd == pytest.approx(min(0.0, (curve / peak - 1).min()), abs=1e-12)
    assert equity == pytest.approx(curve[-1], rel=1e-12)
