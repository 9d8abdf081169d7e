"""numba kernels: pure functions over numpy arrays, no Python objects, no Qt.

Every kernel is ``@njit(cache=True, nogil=True)`` (parallel ones add ``parallel=True`` and
use prange). Python wrappers elsewhere validate inputs and allocate outputs. Prices and
returns are 2-D ``[day, instrument]`` float64 arrays; NaN marks "no data".
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from engine.annualisation import TRADING_DAYS  # a compile-time constant inside the kernels


@njit(cache=True, nogil=True)
def ewm_var_1d(r: np.ndarray, alpha: float) -> np.ndarray:
    """EWMA variance (pandas ewm(adjust=False).var(bias=True)) of r, restarting at the first
    finite value; NaN before it and carried through NaN gaps (the estimate is held)."""
    n = r.shape[0]
    out = np.full(n, np.nan)
    started = False
    m = 0.0
    v = 0.0
    for t in range(n):
        x = r[t]
        if not np.isfinite(x):
            if started:
                out[t] = v
            continue
        if not started:
            m = x
            v = 0.0
            started = True
        else:
            d = x - m
            m += alpha * d
            v = (1.0 - alpha) * (v + alpha * d * d)
        out[t] = v
    return out


@njit(cache=True, nogil=True)
def ewm_mean_1d(x: np.ndarray, alpha: float) -> np.ndarray:
    """EWMA (pandas ewm(adjust=False).mean()) starting at the first finite value, held over NaN."""
    n = x.shape[0]
    out = np.full(n, np.nan)
    started = False
    m = 0.0
    for t in range(n):
        v = x[t]
        if not np.isfinite(v):
            if started:
                out[t] = m
            continue
        if not started:
            m = v
            started = True
        else:
            m += alpha * (v - m)
        out[t] = m
    return out


@njit(cache=True, nogil=True, parallel=True)
def ewm_var_2d(r: np.ndarray, alpha: float) -> np.ndarray:
    """ewm_var_1d for every column of r."""
    out = np.empty_like(r)
    for j in prange(r.shape[1]):
        out[:, j] = ewm_var_1d(r[:, j], alpha)
    return out


@njit(cache=True, nogil=True, parallel=True)
def ewm_mean_2d(x: np.ndarray, alpha: float) -> np.ndarray:
    """ewm_mean_1d for every column of x."""
    out = np.empty_like(x)
    for j in prange(x.shape[1]):
        out[:, j] = ewm_mean_1d(x[:, j], alpha)
    return out


@njit(cache=True, nogil=True, parallel=True)
def rolling_extremes(x: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Highest and lowest finite value over the last ``window`` days (inclusive), per column;
    NaN until the window holds ``window`` finite values."""
    t_n, k = x.shape
    hi = np.full((t_n, k), np.nan)
    lo = np.full((t_n, k), np.nan)
    for j in prange(k):
        for t in range(t_n):
            if t + 1 < window:
                continue
            best_hi = -np.inf
            best_lo = np.inf
            count = 0
            for u in range(t + 1 - window, t + 1):
                v = x[u, j]
                if np.isfinite(v):
                    count += 1
                    best_hi = max(best_hi, v)
                    best_lo = min(best_lo, v)
            if count == window:
                hi[t, j] = best_hi
                lo[t, j] = best_lo
    return hi, lo


@njit(cache=True, nogil=True)
def return_stats(ret: np.ndarray, start: int) -> tuple[float, float, float, float]:
    """(mean, std with ddof=1, max drawdown of the compounded equity, final equity) of
    ret[start:] in one pass (Welford)."""
    count = 0
    mean = 0.0
    m2 = 0.0
    equity = 1.0
    peak = 1.0
    max_dd = 0.0
    for t in range(start, ret.shape[0]):
        x = ret[t]
        count += 1
        d = x - mean
        mean += d / count
        m2 += d * (x - mean)
        equity *= 1.0 + x
        peak = max(peak, equity)
        max_dd = min(max_dd, equity / peak - 1.0)
    std = np.sqrt(m2 / (count - 1)) if count > 1 else np.nan
    return mean, std, max_dd, equity


@njit(cache=True, nogil=True, parallel=True)
def tsmom_grid(
    prices: np.ndarray,
    lookbacks: np.ndarray,
    span_index: np.ndarray,
    spans: np.ndarray,
    targets: np.ndarray,
    caps: np.ndarray,
    costs: np.ndarray,
) -> np.ndarray:
    """The reference TSMOM sweep (DESIGN.md) for any list of combinations.

    Combination c uses lookbacks[c], spans[span_index[c]], targets[c], caps[c] and costs[c]
    (cost as a fraction of traded notional). Percent returns; the portfolio return of a day
    is the mean over the instruments that have a return that day (NaN prices = not trading).
    Returns stats[c] = (sharpe, ann_return, ann_vol, max_dd, turnover). The EWMA variance
    of each (span, instrument) is computed once; memory does not grow with combinations x days.
    """
    t_n, k = prices.shape
    n_c = lookbacks.shape[0]
    n_s = spans.shape[0]
    r = np.full((t_n, k), np.nan)
    for t in range(1, t_n):
        for j in range(k):
            r[t, j] = prices[t, j] / prices[t - 1, j] - 1.0
    var = np.empty((n_s, t_n, k))
    for i in prange(n_s * k):
        s = i // k
        j = i % k
        var[s, :, j] = ewm_var_1d(r[:, j], 2.0 / (spans[s] + 1.0))
    stats = np.empty((n_c, 5))
    ann = np.sqrt(TRADING_DAYS)
    for c in prange(n_c):
        lb = lookbacks[c]
        s = span_index[c]
        port = np.zeros(t_n)
        count = np.zeros(t_n)
        traded = np.zeros(t_n)
        for j in range(k):
            prev = 0.0
            for t in range(1, t_n):
                v = var[s, t, j]
                pos = 0.0
                if t >= lb and v > 0.0:
                    diff = prices[t, j] - prices[t - lb, j]
                    if np.isfinite(diff):
                        sign = 1.0 if diff > 0 else (-1.0 if diff < 0 else 0.0)
                        pos = min(
                            max(sign * targets[c] / np.sqrt(TRADING_DAYS * v), -caps[c]), caps[c]
                        )
                x = r[t, j]
                if np.isfinite(x):
                    port[t] += prev * x - costs[c] * abs(pos - prev)
                    traded[t] += abs(pos - prev)
                    count[t] += 1.0
                prev = pos
        turnover = 0.0
        for t in range(1, t_n):
            if count[t] > 0:
                port[t] /= count[t]
                turnover += traded[t] / count[t]
        mean, std, max_dd, _equity = return_stats(port, 1)
        stats[c, 0] = mean / std * ann if std > 0 else np.nan
        stats[c, 1] = mean * TRADING_DAYS
        stats[c, 2] = std * ann
        stats[c, 3] = max_dd
        stats[c, 4] = turnover / (t_n - 1) * TRADING_DAYS
    return stats


@njit(cache=True, nogil=True, parallel=True)
def buffered_positions(target: np.ndarray, buffer: float) -> np.ndarray:
    """Trade to the target only when the held position is more than ``buffer`` x |target|
    away from it; NaN targets mean flat. Path-dependent, so one pass per instrument."""
    t_n, k = target.shape
    out = np.zeros((t_n, k))
    for j in prange(k):
        held = 0.0
        for t in range(t_n):
            goal = target[t, j]
            if not np.isfinite(goal):
                goal = 0.0
            if abs(goal - held) > buffer * abs(goal):
                held = goal
            out[t, j] = held
    return out


@njit(cache=True, nogil=True)
def pnl_with_costs(
    positions: np.ndarray, moves: np.ndarray, cost_rate: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-instrument daily P&L (gross) and costs: day t earns positions[t-1] * moves[t] and
    pays cost_rate[t] * |positions[t] - positions[t-1]|. NaN moves earn nothing."""
    t_n, k = positions.shape
    gross = np.zeros((t_n, k))
    costs = np.zeros((t_n, k))
    for t in range(1, t_n):
        for j in range(k):
            prev = positions[t - 1, j]
            m = moves[t, j]
            if np.isfinite(m):
                gross[t, j] = prev * m
            rate = cost_rate[t, j]
            if np.isfinite(rate):
                costs[t, j] = rate * abs(positions[t, j] - prev)
    return gross, costs
