"""A 5,000-combination TSMOM sweep on the demo universe: in process (the baseline, numba
parallel over every core) against a Dask LocalCluster with 1 and 2 single-threaded worker
processes, and the 2-worker cluster at several chunk sizes. Prints one JSON object.

Throughput is combinations per second of wall time from submitting to the last result (the
cluster's start-up and the workers' kernel load are reported apart). Overhead per task is the
worker time not spent in the kernel, (wall x workers - kernel seconds) / tasks: scheduling,
transfer of the chunk's arguments and results, and idle time at the end."""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np

from engine.cluster import cluster_client, cluster_sweep_job
from engine.data.demo import demo_universe
from engine.jobs import run_job
from engine.reference import ReferenceSweep
from engine.sweep import grid_sweep_job, reference_params

GRID = {"lookback": tuple(range(20, 520)), "vol_span": (10, 15, 20, 30, 40, 60, 80, 100, 120, 150)}
BASE = reference_params(ReferenceSweep((20,), (10,)))  # the reference sweep's semantics


def demo_prices() -> np.ndarray:
    """Closes of the demo futures (the app's demo universe) on their common dates."""
    import pandas as pd

    frames = {
        s: f["close"] for s, (kind, _sector, f) in demo_universe().items() if kind == "future"
    }
    return pd.concat(frames, axis=1, sort=True).dropna().to_numpy()


def cluster_run(prices: np.ndarray, workers: int, chunks: tuple[int, ...], reference: list) -> list:
    rows = []
    start = time.perf_counter()
    with cluster_client(f"local:{workers}") as client:
        startup_s = time.perf_counter() - start
        for chunk in chunks:
            out = run_job(cluster_sweep_job(client, prices, GRID, BASE, chunk))
            wall = out["wall_seconds"]
            rows.append(
                {
                    "workers": workers,
                    "chunk": chunk,
                    "tasks": out["chunks"],
                    "cluster_startup_seconds": round(startup_s, 2),
                    "kernel_load_seconds": round(out["compile_seconds"], 2),
                    "wall_seconds": round(wall, 3),
                    "combos_per_second": round(out["n_combos"] / wall, 1),
                    "overhead_ms_per_task": round(
                        1000 * (wall * workers - out["task_seconds"]) / out["chunks"], 1
                    ),
                    "identical_to_in_process": out["results"] == reference,
                }
            )
    return rows


def main() -> None:
    prices = demo_prices()
    run_job(grid_sweep_job(prices, {"lookback": (20,), "vol_span": (10,)}, BASE))  # warm
    start = time.perf_counter()
    local = run_job(grid_sweep_job(prices, GRID, BASE))
    local_s = time.perf_counter() - start
    n = local["n_combos"]
    rows = cluster_run(prices, 1, (250,), local["results"])
    rows += cluster_run(prices, 2, (50, 250, 1000), local["results"])
    for row in rows:
        row["throughput_vs_in_process"] = round(row["combos_per_second"] / (n / local_s), 2)
    json.dump(
        {
            "workload": f"{n:,} combinations, {prices.shape[1]} demo futures "
            f"x {len(prices):,} days",
            "cpu_count": os.cpu_count(),
            "in_process": {
                "wall_seconds": round(local_s, 3),
                "combos_per_second": round(n / local_s, 1),
            },
            "cluster": rows,
        },
        sys.stdout,
        indent=2,
    )
    print()


if __name__ == "__main__":
    main()
