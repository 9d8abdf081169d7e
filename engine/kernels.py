"""numba kernels: pure functions over numpy arrays, no Python objects, no Qt.

Every kernel is ``@njit(cache=True, nogil=True)`` (parallel ones add ``parallel=True`` and
use prange). Python wrappers elsewhere validate inputs and allocate outputs. Prices and
returns are 2-D ``[day, instrument]`` float64 arrays; NaN marks "no data".
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

PORTFOLIO_MIN_DAYS = 20
"""Daily returns the unscaled portfolio needs before a portfolio vol target scales it."""


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
def ewm_vol_1d(moves: np.ndarray, alpha: float, floor: float) -> np.ndarray:
    """Daily vol of one instrument's moves (NaN on days it did not trade): the square root of
    ewm_var_1d over its own moves, NaN while the variance is 0, never below ``floor`` x the
    mean of its own vol estimates so far; held over the days it did not trade."""
    var = ewm_var_1d(moves, alpha)
    out = np.full(moves.shape[0], np.nan)
    total = 0.0
    count = 0
    last = np.nan
    for t in range(moves.shape[0]):
        if np.isfinite(moves[t]):
            last = np.sqrt(var[t]) if var[t] > 0.0 else np.nan
            if np.isfinite(last):
                count += 1
                total += last
                if floor > 0.0:
                    last = max(last, floor * (total / count))
        out[t] = last
    return out


@njit(cache=True, nogil=True, parallel=True)
def ewm_vol_2d(moves: np.ndarray, alpha: float, floor: float) -> np.ndarray:
    """ewm_vol_1d for every column of moves."""
    out = np.empty_like(moves)
    for j in prange(moves.shape[1]):
        out[:, j] = ewm_vol_1d(moves[:, j], alpha, floor)
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


@njit(cache=True, nogil=True)
def _trend_forecast(held: np.ndarray, t: int, j: int, lookbacks: np.ndarray, m: int) -> float:
    """Mean of 10 x sign(held[t] - held[t - L]) over the first ``m`` lookbacks; NaN unless
    every one is known (signals.tsmom_blend)."""
    total = 0.0
    for i in range(m):
        lag = t - lookbacks[i]
        if lag < 0:
            return np.nan
        change = held[t, j] - held[lag, j]
        if not np.isfinite(change):
            return np.nan
        total += 10.0 * (1.0 if change > 0 else (-1.0 if change < 0 else 0.0))
    return total / m


@njit(cache=True, nogil=True, parallel=True)
def trend_grid(
    held: np.ndarray,
    moves: np.ndarray,
    unit: np.ndarray,
    tradable: np.ndarray,
    vols: np.ndarray,
    idms: np.ndarray,
    first: int,
    lookbacks: np.ndarray,
    n_lookbacks: np.ndarray,
    vol_group: np.ndarray,
    idm_group: np.ndarray,
    targets: np.ndarray,
    caps: np.ndarray,
    cost_bps: np.ndarray,
    buffers: np.ndarray,
    port_targets: np.ndarray,
    port_alphas: np.ndarray,
    days: np.ndarray,
) -> np.ndarray:
    """The backtest of a TSMOM (blend) strategy for many parameter combinations at once,
    with exactly the pipeline's semantics (engine/backtest.py; docs/methodology.md).

    Shared inputs, ``[day, instrument]``: ``held`` closes (held over non-trading days, NaN
    outside each range), own ``moves`` (NaN on non-trading days), notional ``unit``, the
    days an instrument can trade (``tradable``: its market is open, or its range is over);
    ``vols[g]`` daily vol per vol group, ``idms[g]`` the IDM per day per IDM group; ``first``
    the first row of the metrics window. Per combination c: lookbacks[c, :n_lookbacks[c]],
    its groups, vol target, leverage cap (0 = none), cost in bps of notional, buffer,
    portfolio vol target (0 = off) with its EWMA alpha, and days per year.
    Returns stats[c] = (sharpe, ann_return, ann_vol, max_dd, turnover); NaN if it never
    takes a position. Memory per combination is O(days + instruments)."""
    t_n, k = held.shape
    n_c = lookbacks.shape[0]
    stats = np.full((n_c, 5), np.nan)
    for c in prange(n_c):
        gv = vol_group[c]
        gi = idm_group[c]
        m = n_lookbacks[c]
        lbs = lookbacks[c]
        root = np.sqrt(days[c])
        pos = np.zeros(k)
        unscaled = np.zeros(k)
        sleeve = np.zeros(k)
        avail = np.zeros(k, np.bool_)
        ret = np.zeros(t_n)
        traded = np.zeros(t_n)
        first_trade = -1
        p_started = False
        p_mean = 0.0
        p_var = 0.0
        p_count = 0
        for t in range(t_n):
            gross = 0.0
            for j in range(k):
                mv = moves[t, j]
                if np.isfinite(mv):
                    gross += pos[j] * mv
            if port_targets[c] > 0.0 and t > 0:
                u = 0.0
                known = False
                exposed = 0.0
                for j in range(k):
                    exposed += abs(unscaled[j])
                    mv = moves[t, j]
                    if np.isfinite(mv):
                        u += unscaled[j] * mv
                        known = True
                if known and exposed > 0.0:
                    p_count += 1
                    if not p_started:
                        p_mean = u
                        p_var = 0.0
                        p_started = True
                    else:
                        d = u - p_mean
                        p_mean += port_alphas[c] * d
                        p_var = (1.0 - port_alphas[c]) * (p_var + port_alphas[c] * d * d)
            count = 0
            for j in range(k):
                v = vols[gv, t, j]
                f = _trend_forecast(held, t, j, lbs, m)
                avail[j] = np.isfinite(f) and v > 0.0
                if avail[j]:
                    count += 1
                    x = (f / 10.0) * targets[c] / (v * root)
                    if caps[c] > 0.0:
                        limit = caps[c] / unit[t, j]
                        x = min(max(x, -limit), limit)
                    sleeve[j] = x
            w = 1.0 / count if count > 0 else 0.0
            idm = idms[gi, t] if np.isfinite(idms[gi, t]) else 0.0
            scale = 1.0
            if port_targets[c] > 0.0:
                p_vol = np.sqrt(p_var) * root
                ok = p_started and p_vol > 0.0 and p_count >= PORTFOLIO_MIN_DAYS
                scale = port_targets[c] / p_vol if ok else 0.0
            cost = 0.0
            turn = 0.0
            exposed_now = False
            for j in range(k):
                goal = sleeve[j] * w * idm if avail[j] else 0.0
                unscaled[j] = goal
                goal = goal * scale
                old = pos[j]
                if tradable[t, j] and abs(goal - old) > buffers[c] * abs(goal):
                    pos[j] = goal
                rate = unit[t, j] * cost_bps[c] / 1e4
                if np.isfinite(rate):
                    cost += rate * abs(pos[j] - old)
                if np.isfinite(unit[t, j]):
                    turn += abs(pos[j] - old) * unit[t, j]
                if pos[j] != 0.0:
                    exposed_now = True
            ret[t] = gross - cost
            traded[t] = turn
            if exposed_now and first_trade < 0:
                first_trade = t
        if first_trade < 0:
            continue
        begin = max(first_trade, first)
        if t_n - begin < 2:
            continue
        mean, std, max_dd, _equity = return_stats(ret, begin)
        ann_vol = std * root
        stats[c, 0] = mean * days[c] / ann_vol if ann_vol > 0 else np.nan
        stats[c, 1] = mean * days[c]
        stats[c, 2] = ann_vol
        stats[c, 3] = max_dd
        stats[c, 4] = np.mean(traded[begin:]) * days[c]
    return stats


@njit(cache=True, nogil=True)
def expanding_idm(
    normalised: np.ndarray, available: np.ndarray, min_periods: int, cap: float
) -> np.ndarray:
    """Instrument diversification multiplier on each day from data up to that day only.

    Correlations of ``normalised`` (vol-normalised moves) over all days so far, pairwise
    complete like pandas ``DataFrame.corr(min_periods=...)``; pairs with fewer than
    ``min_periods`` common days or negative correlation count as 0. With equal weights over
    the n instruments ``available`` that day, IDM = n / sqrt(sum of their correlation
    matrix), clipped to [1, cap]; NaN on days with none available."""
    t_n, k = normalised.shape
    cnt = np.zeros((k, k))
    sx = np.zeros((k, k))
    sy = np.zeros((k, k))
    sxx = np.zeros((k, k))
    syy = np.zeros((k, k))
    sxy = np.zeros((k, k))
    out = np.full(t_n, np.nan)
    members = np.empty(k, np.int64)
    for t in range(t_n):
        for i in range(k):
            x = normalised[t, i]
            if not np.isfinite(x):
                continue
            for j in range(i + 1, k):
                y = normalised[t, j]
                if np.isfinite(y):
                    cnt[i, j] += 1.0
                    sx[i, j] += x
                    sy[i, j] += y
                    sxx[i, j] += x * x
                    syy[i, j] += y * y
                    sxy[i, j] += x * y
        n = 0
        for i in range(k):
            if available[t, i]:
                members[n] = i
                n += 1
        if n == 0:
            continue
        total = float(n)
        for a in range(n):
            for b in range(a + 1, n):
                i = members[a]
                j = members[b]
                c = cnt[i, j]
                if c < min_periods:
                    continue
                cov = sxy[i, j] - sx[i, j] * sy[i, j] / c
                vx = sxx[i, j] - sx[i, j] * sx[i, j] / c
                vy = syy[i, j] - sy[i, j] * sy[i, j] / c
                if vx > 0.0 and vy > 0.0:
                    rho = cov / np.sqrt(vx * vy)
                    if rho > 0.0:
                        total += 2.0 * min(rho, 1.0)
        out[t] = min(max(n / np.sqrt(total), 1.0), cap)
    return out


@njit(cache=True, nogil=True, parallel=True)
def buffered_positions(target: np.ndarray, buffer: float, tradable: np.ndarray) -> np.ndarray:
    """Trade to the target only when the held position is more than ``buffer`` x |target|
    away from it, and only on days the instrument is ``tradable`` (its market is open);
    NaN targets mean flat. Path-dependent, so one pass per instrument."""
    t_n, k = target.shape
    out = np.zeros((t_n, k))
    for j in prange(k):
        held = 0.0
        for t in range(t_n):
            goal = target[t, j]
            if not np.isfinite(goal):
                goal = 0.0
            if tradable[t, j] and abs(goal - held) > buffer * abs(goal):
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
