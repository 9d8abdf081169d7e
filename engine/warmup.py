"""Compile (first run) or load from the on-disk cache (later runs) every numba kernel, one
at a time with progress, so the first backtest or sweep does not wait for the compiler."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from engine import kernels, sweep
from engine.jobs import Job, Progress


def _calls() -> list[tuple[str, Callable[[], object]]]:
    x = np.linspace(1.0, 2.0, 24).reshape(12, 2)
    return [
        ("ewm_var_1d", lambda: kernels.ewm_var_1d(x[:, 0].copy(), 0.1)),
        ("ewm_mean_1d", lambda: kernels.ewm_mean_1d(x[:, 0].copy(), 0.1)),
        ("ewm_mean", lambda: kernels.ewm_mean_2d(x, 0.1)),
        ("rolling_extremes", lambda: kernels.rolling_extremes(x, 3)),
        ("buffered_positions", lambda: kernels.buffered_positions(x, 0.1, x > 0)),
        ("pnl_with_costs", lambda: kernels.pnl_with_costs(x, x, x)),
        ("return_stats", lambda: kernels.return_stats(x[:, 0], 1)),
        ("ewm_vol", lambda: kernels.ewm_vol_2d(x, 0.1, 0.5)),
        ("expanding_idm", lambda: kernels.expanding_idm(x, x > 1.5, 3, 2.5)),
        ("trend_grid", sweep.warm_up),
    ]


def warm_kernels_job() -> Job[dict[str, float]]:
    """Job: every kernel once on a tiny input; returns seconds per kernel."""
    calls = _calls()
    timings = {}
    for i, (name, call) in enumerate(calls):
        yield Progress(
            100.0 * i / len(calls), f"Preparing the engine: {name} (compiled on first run only)"
        )
        start = time.perf_counter()
        call()
        timings[name] = time.perf_counter() - start
    yield Progress(100.0, "Engine ready")
    return timings
