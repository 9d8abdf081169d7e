"""The generator job protocol: progress, result, cancel with clean-up."""

from __future__ import annotations

import threading

import pytest

from engine.jobs import Cancelled, Progress, run_job


def _counting_job(n: int, cleanup: list[str]):
    try:
        total = 0
        for i in range(n):
            total += i
            yield Progress(100 * (i + 1) / n, f"step {i + 1}")
        return total
    finally:
        cleanup.append("closed")


def test_run_job_returns_result_and_reports_progress() -> None:
    cleanup: list[str] = []
    seen: list[Progress] = []
    assert run_job(_counting_job(10, cleanup), seen.append) == 45
    assert [p.percent for p in seen] == [10 * (i + 1) for i in range(10)]
    assert seen[-1].text == "step 10"
    assert cleanup == ["closed"]


def test_cancel_stops_at_next_yield_and_runs_cleanup() -> None:
    cleanup: list[str] = []
    cancel = threading.Event()
    seen: list[Progress] = []

    def on_progress(p: Progress) -> None:
        seen.append(p)
        if len(seen) == 3:
            cancel.set()

    with pytest.raises(Cancelled):
        run_job(_counting_job(100, cleanup), on_progress, cancel)
    assert len(seen) == 3
    assert cleanup == ["closed"]


def test_job_exception_propagates() -> None:
    def failing():
        yield Progress(10, "about to fail")
        raise ZeroDivisionError("bad divisor")

    with pytest.raises(ZeroDivisionError, match="bad divisor"):
        run_job(failing())
