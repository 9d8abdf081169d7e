"""Sweeps on a Dask cluster (the optional ``cluster`` extra): the grid is cut into chunks of
combinations, each chunk runs the same numba sweep kernel on a worker, the prices go to every
worker once (scatter with broadcast), and per-combination statistics come back.

``local`` / ``local:N`` starts a LocalCluster of N single-threaded worker processes; a
``tcp://HOST:PORT`` address uses a running scheduler. Results equal the in-process sweep's."""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.jobs import Job, Progress

if TYPE_CHECKING:
    from engine.batch import BatchInputs, BatchOutcome, BatchRun

# engine.sweep (and so numba) is imported where used: the CLI imports this module for every
# command, and a light command such as rule16 must not load the compiler

INSTALL_HINT = (
    "running on a cluster needs Dask, an optional extra: "
    "pip install 'ctadesk[cluster]' (from a checkout: pip install -e '.[cluster]')"
)
DEFAULT_CHUNK = 250  # combinations per task: see benchmarks/README.md, "Sweeps on Dask"
CONNECT_TIMEOUT_S = 10.0


class ClusterError(RuntimeError):
    """Dask is missing, the address is malformed or the scheduler cannot be reached."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise ClusterError(INSTALL_HINT) from exc
    return distributed


def parse_local(spec: str) -> int:
    """Worker count of ``local`` (one per core) or ``local:N``."""
    name, _, count = spec.partition(":")
    if name != "local":
        raise ClusterError(f"Dask address {spec!r}: expected local or local:N (N workers)")
    if not count:
        return max(1, os.cpu_count() or 1)
    if not count.isdigit() or int(count) < 1:
        raise ClusterError(f"Dask address {spec!r}: N must be a whole number of workers >= 1")
    return int(count)


@contextmanager
def cluster_client(address: str) -> Iterator[Any]:
    """A connected ``distributed.Client``: a LocalCluster for ``local[:N]``, else the running
    scheduler at ``address`` ("tcp://HOST:PORT"); closed (and a local cluster shut down) on
    exit."""
    dist = _distributed()
    cluster = None
    if address.startswith("local"):
        cluster = dist.LocalCluster(
            n_workers=parse_local(address),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            # no dashboard, and the scheduler's HTTP endpoint on a free loopback port, not 8787
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        )
        client = dist.Client(cluster)
    elif "://" not in address:
        raise ClusterError(f"Dask address {address!r}: expected local, local:N or tcp://HOST:PORT")
    else:
        try:
            client = dist.Client(address, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _worker_count(client: Any) -> int:
    workers = len(client.scheduler_info()["workers"])
    if workers == 0:
        raise ClusterError("the Dask cluster has no workers")
    return workers


def sweep_chunk(*args: np.ndarray) -> tuple[np.ndarray, float]:
    """Task: one chunk of combinations through the sweep kernel; (statistics, kernel seconds)."""
    from engine.sweep import run_grid

    start = time.perf_counter()
    stats = run_grid(*args)
    return stats, time.perf_counter() - start


def cluster_sweep_job(
    client: Any,
    prices: Any,
    grid: dict[str, tuple],
    base: dict,
    chunk: int = DEFAULT_CHUNK,
    start: str | None = None,
    end: str | None = None,
) -> Job[dict]:
    """Job: :func:`engine.sweep.grid_sweep_job` on the cluster behind ``client``, progress as
    chunks finish; closing the job (cancel, Ctrl-C, an error) cancels the outstanding tasks.
    Runs sweeps of the fused TSMOM kernel (other rules sweep in process).

    Returns the in-process keys plus "chunks", "chunk", "workers", "task_seconds" (kernel time
    summed over tasks) and "wall_seconds"."""
    from engine.sweep import SWEEP_STATS, plan_sweep, warm_up

    if chunk < 1:
        raise ValueError("chunk must be at least one combination")
    plan = plan_sweep(prices, grid, base, start, end)
    if not plan.fused:
        raise ClusterError(
            f"the cluster runs TSMOM sweeps (the fused kernel); sweep {base['signal']} in process"
        )
    n = len(plan.combos)
    workers = _worker_count(client)
    yield Progress(0.0, f"Preparing the engine on {workers} Dask workers")
    compile_s = max(client.run(warm_up).values())
    start_s = time.perf_counter()
    # one copy of the prepared inputs on every worker: tasks carry only their chunk's columns,
    # and a lost worker loses no data (its tasks are rescheduled where the inputs already are)
    shared = client.scatter(list(plan.shared), broadcast=True, hash=False)
    tag = uuid.uuid4().hex[:8]
    bounds = [(lo, min(lo + chunk, n)) for lo in range(0, n, chunk)]
    futures = {
        client.submit(
            sweep_chunk, *shared, plan.first, *plan.chunk_args(lo, hi), key=f"sweep-{tag}-{lo}"
        ): (lo, hi)
        for lo, hi in bounds
    }
    stats = np.empty((n, len(SWEEP_STATS)))
    done = 0
    task_s = 0.0
    dist = _distributed()
    try:
        for future in dist.as_completed(futures):
            lo, hi = futures[future]
            stats[lo:hi], seconds = future.result()
            task_s += seconds
            done += hi - lo
            yield Progress(100.0 * done / n, f"Sweep on Dask: {done:,} of {n:,} combinations")
    finally:
        client.cancel([*futures, *shared])
    return {
        "n_combos": n,
        "compute_seconds": task_s,
        "compile_seconds": compile_s,
        "wall_seconds": time.perf_counter() - start_s,
        "task_seconds": task_s,
        "chunks": len(futures),
        "chunk": chunk,
        "workers": workers,
        "engine": "fused TSMOM kernel",
        "params": {k: v for k, v in base.items() if k not in grid},
        "results": plan.results(stats),
    }


def cluster_batch_job(
    client: Any, runs: list[BatchRun], inputs: BatchInputs
) -> Job[list[BatchOutcome]]:
    """Job: :func:`engine.batch.batch_job` on the cluster behind ``client``, one task per run;
    every universe's prices and VIX and the macro series go to every worker once. Progress as
    runs finish; closing the job cancels the outstanding tasks."""
    from engine.batch import BatchOutcome, backtest_task

    workers = _worker_count(client)
    yield Progress(0.0, f"Sending the data to {workers} Dask workers")

    def shared(objects: dict) -> dict:
        if not objects:  # scatter of nothing fails inside distributed
            return {}
        futures = client.scatter(list(objects.values()), broadcast=True, hash=False)
        return dict(zip(objects, futures, strict=True))

    prices = shared(inputs.prices)
    macro = shared(inputs.macro)
    vix = shared(inputs.vix)
    tag = uuid.uuid4().hex[:8]
    futures = {
        client.submit(
            backtest_task,
            prices[run.universe],
            run.params,
            vix.get(run.universe),
            macro.get(run.params["macro_symbol"]),
            inputs.period,
            inputs.thresholds,
            key=f"backtest-{tag}-{i}",
        ): i
        for i, run in enumerate(runs)
    }
    outcomes: list[BatchOutcome] = [None] * len(runs)  # type: ignore[list-item]  # filled below
    dist = _distributed()
    try:
        for done, future in enumerate(dist.as_completed(futures), start=1):
            i = futures[future]
            outcomes[i] = BatchOutcome(runs[i], *future.result())
            yield Progress(
                100.0 * done / len(runs), f"Backtests on Dask: {done} of {len(runs)} done"
            )
    finally:
        shared_futures = [*prices.values(), *vix.values(), *macro.values()]
        client.cancel([*futures, *shared_futures])
    return outcomes
