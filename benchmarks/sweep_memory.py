"""Sweep memory: peak RSS of a 2,000- and a 20,000-combination TSMOM sweep on the demo
universe, each in a fresh process (so the peaks do not mix). Flat memory means the two
peaks are close although the second sweep does ten times the work. Prints one JSON object."""

from __future__ import annotations

import json
import subprocess
import sys
import time

CHILD = """
import json, resource, sys, time
import numpy as np, pandas as pd
from engine.data.demo import demo_universe
from engine.jobs import run_job
from engine.presets import resolve
from engine.sweep import grid_sweep_job
universe = demo_universe()
prices = pd.concat({s: f["close"] for s, (k, _sec, f) in universe.items() if k == "future"}, axis=1)
n_targets = int(sys.argv[1])
grid = {
    "lookback": tuple(range(10, 260, 10)),           # 25
    "vol_span": (10, 20, 30, 40, 60, 80, 100, 120),  # 8
    "vol_target": tuple(np.linspace(0.05, 0.30, n_targets).round(4)),
    "max_leverage": (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0),  # 10
}
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
out = run_job(grid_sweep_job(prices.to_numpy(), grid, resolve("mop2012")))
wall = time.perf_counter() - start
best = max(out["results"], key=lambda r: r["sharpe"])
print(json.dumps({
    "n_combos": out["n_combos"], "days": len(prices), "instruments": prices.shape[1],
    "compute_seconds": round(out["compute_seconds"], 2), "wall_seconds": round(wall, 2),
    "rss_before_sweep_mb": round(before / 1024, 1),
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    "best_sharpe": round(best["sharpe"], 3),
}))
"""


def run(n_targets: int) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(n_targets)], capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout)


def main() -> None:
    start = time.perf_counter()
    small = run(1)  # 25 x 8 x 1 x 10 = 2,000 combinations
    large = run(10)  # 20,000 combinations
    print(
        json.dumps(
            {
                "small": small,
                "large": large,
                "peak_rss_ratio_large_over_small": round(
                    large["peak_rss_mb"] / small["peak_rss_mb"], 3
                ),
                "work_ratio": large["n_combos"] / small["n_combos"],
                "total_seconds": round(time.perf_counter() - start, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
