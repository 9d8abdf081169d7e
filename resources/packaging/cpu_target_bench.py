"""What the portable CPU target of the shipped kernels costs (`make dist-cpu-bench`): the
reference sweep benchmark (``ctadesk-cli bench``) compiled for this machine's CPU (numba's
default, "host") and for ``generic`` (what the bundle ships), in alternating rounds, each
target with its own fresh cache, on one numba thread by default (the code's speed, not the
thread scheduling of a busy machine); prints the best compute time of each and their ratio."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

TARGETS = ("host", "generic")


def bench(target: str, cache: Path, repeat: int, threads: int) -> float:
    """Best compute seconds of ``ctadesk-cli bench`` with kernels compiled for ``target``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env["NUMBA_CACHE_DIR"] = str(cache / target)
    if threads:
        env["NUMBA_NUM_THREADS"] = str(threads)
    if target != "host":
        env["NUMBA_CPU_NAME"] = target
    out = subprocess.run(
        [sys.executable, "-m", "app.cli", "bench", "--json", "--repeat", str(repeat)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(out.stdout)["compute_seconds_best"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ctadesk-cli bench: generic vs host kernels.")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5, help="bench runs per round")
    parser.add_argument("--threads", type=int, default=1, help="numba threads (0: all)")
    args = parser.parse_args(argv)
    best = dict.fromkeys(TARGETS, float("inf"))
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(1, args.rounds + 1):
            for target in TARGETS:
                seconds = bench(target, Path(folder), args.repeat, args.threads)
                best[target] = min(best[target], seconds)
                print(f"round {round_}: {target:>7} {seconds:.4f} s", flush=True)
    ratio = best["generic"] / best["host"]
    print(f"best: host {best['host']:.4f} s, generic {best['generic']:.4f} s")
    print(f"generic / host = {ratio:.3f} (above 1: the portable kernels are slower)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
