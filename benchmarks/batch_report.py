"""Batch backtests for ``ctadesk-cli report``: every preset but macro on two universes (the
demo universe and the real futures panel, when the data folder has it) in process (the
baseline) and on a Dask LocalCluster with 1 and 2 worker processes, then the report's
rendering (charts and pages, always on the calling process). Prints one JSON object."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from app.cli_engine import load_prices
from app.report import Universe, VixInput, report_job
from engine.batch import BatchInputs, BatchRun, batch_job
from engine.cluster import cluster_batch_job, cluster_client
from engine.data.demo import VIX_SYMBOL, demo_closes
from engine.jobs import run_job
from engine.presets import presets, resolve

PANEL = Path(__file__).resolve().parents[2] / "shared" / "data" / "futures_panel_adjusted_daily.csv"


def inputs() -> tuple[list[BatchRun], BatchInputs, dict[str, Universe]]:
    vix = demo_closes(("vix",))[VIX_SYMBOL]
    universes = {"demo": Universe("demo", demo_closes(), "demo", VixInput(vix, VIX_SYMBOL))}
    if PANEL.is_file():
        universes["panel"] = Universe("panel", load_prices(str(PANEL)), "panel", VixInput(None, ""))
    names = [p for p in presets() if p != "macro"]
    runs = [BatchRun(p, u, resolve(p)) for u in universes for p in names]
    data = BatchInputs(
        prices={n: u.prices for n, u in universes.items()},
        vix={n: u.vix.series for n, u in universes.items() if u.vix.series is not None},
    )
    return runs, data, universes


def main() -> None:
    runs, data, universes = inputs()
    run_job(batch_job(runs[:1], data))  # kernels compiled or loaded from the cache
    start = time.perf_counter()
    local = run_job(batch_job(runs, data))
    local_s = time.perf_counter() - start
    rows = []
    for workers in (1, 2):
        start = time.perf_counter()
        with cluster_client(f"local:{workers}") as client:
            startup_s = time.perf_counter() - start
            passes = []
            for _ in range(2):  # fresh workers (what one ctadesk-cli run sees), then warm
                start = time.perf_counter()
                remote = run_job(cluster_batch_job(client, runs, data))
                passes.append(time.perf_counter() - start)
        rows.append(
            {
                "workers": workers,
                "cluster_startup_seconds": round(startup_s, 2),
                "first_pass_seconds": round(passes[0], 2),
                "warm_pass_seconds": round(passes[1], 2),
                "speed_vs_in_process_first": round(local_s / passes[0], 2),
                "speed_vs_in_process_warm": round(local_s / passes[1], 2),
                "task_seconds": round(sum(o.seconds for o in remote), 2),
                "identical_to_in_process": all(
                    a.result.metrics == b.result.metrics for a, b in zip(local, remote, strict=True)
                ),
            }
        )
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        run_job(report_job(Path(folder), local, universes))
        render_s = time.perf_counter() - start
    json.dump(
        {
            "workload": f"{len(runs)} backtests ({len(runs) // len(universes)} presets x "
            f"{', '.join(universes)})",
            "cpu_count": os.cpu_count(),
            "in_process_seconds": round(local_s, 2),
            "in_process_task_seconds": round(sum(o.seconds for o in local), 2),
            "cluster": rows,
            "render_seconds": round(render_s, 2),
            "render_seconds_per_run": round(render_s / len(runs), 2),
        },
        sys.stdout,
        indent=1,
    )
    print()


if __name__ == "__main__":
    main()
