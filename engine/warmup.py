"""Compile (first run) or load from the on-disk cache (later runs) every numba kernel, one
at a time with progress, so the first backtest or sweep does not wait for the compiler; the
cache locator that lets an installed bundle load the kernels compiled when it was built; and
a count of what this process loaded from the cache and what it compiled."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numba.core import config
from numba.core.caching import UserProvidedCacheLocator
from numba.core.dispatcher import Dispatcher

from engine.jobs import Job, Progress


class RelocatableCacheLocator(UserProvidedCacheLocator):
    """numba's cache under ``NUMBA_CACHE_DIR/<the module's folder name>``, stamped with the
    source file's content.

    numba's own locators key the folder by a hash of the module's absolute path and, in a
    frozen program, stamp entries with a hash of the running executable: a bundle moved to
    another path misses, and its GUI and CLI overwrite each other's entries. With this locator
    (named in NUMBA_CACHE_LOCATOR_CLASSES) the cache written when the bundle was built serves
    both programs of a copy installed anywhere. The index key still holds the signature, the
    bytecode's hash and the CPU name and features, so code for another CPU is never loaded.
    """

    def __init__(self, py_func: Callable, py_file: str) -> None:
        super().__init__(py_func, py_file)
        self._cache_path = os.path.join(config.CACHE_DIR, Path(py_file).parent.name)

    def get_source_stamp(self) -> str:
        return hashlib.sha256(Path(self._py_file).read_bytes()).hexdigest()


def _calls() -> list[tuple[str, Callable[[], object]]]:
    from engine import kernels, sweep  # here: numba imports this module while loading kernels

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


def cache_report() -> dict[str, object]:
    """What the kernels of this process took from numba's on-disk cache (``hits``) and what
    they compiled (``misses``, and the kernels that did), with the CPU the code is for."""
    from engine import kernels

    hits, misses, compiled = 0, 0, []
    for name, value in sorted(vars(kernels).items()):
        if isinstance(value, Dispatcher):
            hits += sum(value.stats.cache_hits.values())
            missed = sum(value.stats.cache_misses.values())
            misses += missed
            compiled += [name] if missed else []
    return {"hits": hits, "misses": misses, "compiled": compiled, "cpu": config.CPU_NAME or "host"}
