"""Reference-sweep benchmark: the project's sweep against a single fused numba kernel.

The fused kernel below is the baseline of the benchmark contract (docs/methodology.md,
"Sweeps"): one prange loop over combinations doing every step (returns, EWMA variance,
signal, sizing, P&L, statistics) inline, with no sharing between combinations, on prices
without gaps (so every instrument trades every day and the equal weight is 1/k), statistics
from the first position. Both run on the same generated prices in the same process; the
ratio is what to compare across machines. Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
from numba import njit, prange

from engine.annualisation import TRADING_DAYS
from engine.jobs import run_job
from engine.reference import REFERENCE_WORKLOAD
from engine.sweep import generated_prices, reference_sweep_job


@njit(cache=True, nogil=True, parallel=True)
def fused_sweep(prices, lookbacks, spans, target, cap, cost):
    t_n, k = prices.shape
    n_s = spans.shape[0]
    n_c = lookbacks.shape[0] * n_s
    stats = np.empty((n_c, 4))
    for c in prange(n_c):
        lb = lookbacks[c // n_s]
        a = 2.0 / (spans[c % n_s] + 1.0)
        port = np.zeros(t_n)
        first = t_n
        for j in range(k):
            m = 0.0
            v = 0.0
            prev = 0.0
            for t in range(1, t_n):
                r = prices[t, j] / prices[t - 1, j] - 1.0
                if t == 1:
                    m = r
                    v = 0.0
                else:
                    d = r - m
                    m += a * d
                    v = (1.0 - a) * (v + a * d * d)
                pos = 0.0
                if t >= lb and v > 0.0:
                    diff = prices[t, j] - prices[t - lb, j]
                    sign = 1.0 if diff > 0 else (-1.0 if diff < 0 else 0.0)
                    pos = min(max(sign * target / np.sqrt(TRADING_DAYS * v), -cap), cap)
                port[t] += prev * r - cost * abs(pos - prev)
                if pos != 0.0 and t < first:
                    first = t
                prev = pos
        count = 0
        mean = 0.0
        m2 = 0.0
        equity = 1.0
        peak = 1.0
        max_dd = 0.0
        for t in range(first, t_n):  # statistics from the first position, as the backtest
            x = port[t] / k
            count += 1
            d = x - mean
            mean += d / count
            m2 += d * (x - mean)
            equity *= 1.0 + x
            peak = max(peak, equity)
            max_dd = min(max_dd, equity / peak - 1.0)
        std = np.sqrt(m2 / (count - 1))
        stats[c, 0] = mean / std * np.sqrt(TRADING_DAYS)
        stats[c, 1] = mean * TRADING_DAYS
        stats[c, 2] = std * np.sqrt(TRADING_DAYS)
        stats[c, 3] = max_dd
    return stats


def main(repeat: int = 7) -> None:
    prices = generated_prices()
    spec = REFERENCE_WORKLOAD
    lookbacks = np.asarray(spec.lookbacks, dtype=np.int64)
    spans = np.asarray(spec.spans, dtype=np.float64)
    start = time.perf_counter()
    fused_sweep(prices[:50], lookbacks[:1], spans[:1], 0.1, 4.0, 1e-4)
    fused_compile = time.perf_counter() - start
    ours, fused = [], []
    result = None
    first_compile = None
    for _ in range(repeat):  # interleaved so machine noise hits both alike
        out = run_job(reference_sweep_job(prices, spec))
        ours.append(out["compute_seconds"])
        result = out
        first_compile = out["compile_seconds"] if first_compile is None else first_compile
        start = time.perf_counter()
        stats = fused_sweep(prices, lookbacks, spans, spec.target, spec.cap, spec.cost_bps / 1e4)
        fused.append(time.perf_counter() - start)
    assert result is not None
    mine = np.array(
        [[r["sharpe"], r["ann_return"], r["ann_vol"], r["max_dd"]] for r in result["results"]]
    )
    max_diff = float(np.max(np.abs(mine - stats)))
    print(
        json.dumps(
            {
                "workload": "20 instruments x 9000 days x 200 combinations (36M instrument-days)",
                "project_sweep_s_median": round(float(np.median(ours)), 4),
                "fused_kernel_s_median": round(float(np.median(fused)), 4),
                "project_over_fused": round(float(np.median(ours) / np.median(fused)), 2),
                "max_abs_difference": max_diff,
                "project_compile_or_cache_s": round(first_compile, 3),
                "fused_compile_or_cache_s": round(fused_compile, 3),
                "repeat": repeat,
            }
        )
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
