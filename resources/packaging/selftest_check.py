"""Checks on an installed bundle's ``ctadesk --self-test --json`` report (`make dist-test`):
it passed, the first backtest was on screen within the budget counted from the process's
start, and numba compiled nothing (every kernel came from the shipped cache).

``python -m resources.packaging.selftest_check REPORT.json --max-first-backtest-ms 5000``
prints the figures; exit 1 with the problems."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def problems(report: dict[str, Any], max_first_backtest_ms: float) -> list[str]:
    """What the report fails (empty when nothing)."""
    found = []
    if report.get("ok") is not True:
        failed = [name for name, ok in report.get("checks", {}).items() if not ok]
        found.append(f"self-test failed: {failed}")
    if report.get("first_backtest_from") != "process start":
        found.append(f"first_backtest_ms counted from {report.get('first_backtest_from')!r}")
    if not report.get("first_backtest_ms", float("inf")) < max_first_backtest_ms:
        found.append(
            f"first_backtest_ms {report.get('first_backtest_ms')} >= {max_first_backtest_ms}"
        )
    cache = report.get("numba_cache", {})
    if cache.get("misses", 1) != 0 or not cache.get("hits"):
        found.append(f"numba compiled {cache.get('compiled')} (hits {cache.get('hits')})")
    return found


def summary(report: dict[str, Any]) -> str:
    cache = report.get("numba_cache", {})
    return (
        f"first_backtest_ms {report.get('first_backtest_ms')} (from "
        f"{report.get('first_backtest_from')}; window {report.get('startup_ms')} ms, first run "
        f"{report.get('first_run_ms')} ms); numba cache: {cache.get('hits')} kernels loaded, "
        f"{cache.get('misses')} compiled, cpu {cache.get('cpu')}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--max-first-backtest-ms", type=float, default=5000.0)
    args = parser.parse_args(argv)
    report = json.loads(args.report.read_text(encoding="utf-8"))
    print(f"{args.report}: {summary(report)}")
    found = problems(report, args.max_first_backtest_ms)
    for problem in found:
        print(f"{args.report}: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
