"""Worker path: progress, cancel, errors reaching a dialog, the app staying alive."""

from __future__ import annotations

import threading
import time

from app.paths import app_paths
from app.workers import JobManager
from engine.jobs import Progress


def _steps(n: int, pause: float = 0.0, log: list | None = None):
    try:
        for i in range(n):
            if pause:
                time.sleep(pause)
            yield Progress(100.0 * (i + 1) / n, f"step {i + 1} of {n}")
        return n * (n + 1) // 2
    finally:
        if log is not None:
            log.append(threading.current_thread() is threading.main_thread())


def test_progress_and_result_reach_ui_thread(window, qtbot) -> None:
    seen: list[tuple[float, str, bool]] = []
    results: list[int] = []
    worker = window.run_job(
        "sum",
        lambda: _steps(20, pause=0.02),
        on_result=results.append,
        on_progress=lambda p, t: seen.append(
            (p, t, threading.current_thread() is threading.main_thread())
        ),
    )
    qtbot.waitUntil(window.job_status.isVisible, timeout=2000)
    qtbot.waitUntil(lambda: not window.jobs.is_running(worker), timeout=10_000)
    qtbot.waitUntil(lambda: not window.job_status.isVisible(), timeout=2000)
    assert results == [210]
    assert worker.outcome == "result"
    assert seen[-1][:2] == (100.0, "step 20 of 20")
    assert all(on_main for _p, _t, on_main in seen)
    percents = [p for p, _t, _m in seen]
    assert percents == sorted(percents)


def test_status_bar_shows_progress_text(window, qtbot) -> None:
    gate = threading.Event()

    def job():
        yield Progress(42.0, "crunching 42")
        gate.wait(5)
        return 1

    worker = window.run_job("crunch", job)
    qtbot.waitUntil(lambda: window.job_status.bar.value() == 420, timeout=3000)
    assert window.job_status.label.text() == "crunching 42"
    gate.set()
    qtbot.waitUntil(lambda: worker.outcome == "result", timeout=5000)


def test_progress_is_throttled_for_chatty_jobs(window, qtbot) -> None:
    seen: list[float] = []
    worker = window.run_job(
        "chatty", lambda: _steps(200_000), on_progress=lambda p, t: seen.append(p)
    )
    qtbot.waitUntil(lambda: not window.jobs.is_running(worker), timeout=20_000)
    assert worker.outcome == "result"
    assert 1 <= len(seen) < 2000  # far fewer signals than the 200k reports
    assert seen[-1] == 100.0


def test_cancel_button_stops_job_and_runs_cleanup(window, qtbot) -> None:
    cleanup: list[bool] = []
    seen: list[float] = []
    results: list[int] = []
    worker = window.run_job(
        "slow",
        lambda: _steps(1000, pause=0.01, log=cleanup),
        on_result=results.append,
        on_progress=lambda p, t: seen.append(p),
    )
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    with qtbot.waitSignal(worker.cancelled, timeout=5000):
        window.job_status.cancel_button.click()
    qtbot.waitUntil(lambda: not window.job_status.isVisible(), timeout=2000)
    assert worker.outcome == "cancelled"
    assert results == []
    assert seen[-1] < 50.0
    assert cleanup == [False]  # the job's finally ran, in the worker thread
    assert "cancelled" in window.statusBar().currentMessage()


def test_error_reaches_dialog_and_log_and_app_stays_alive(window, qtbot) -> None:
    def broken():
        yield Progress(10.0, "about to fail")
        raise ValueError("boom: bad parameter 42")

    worker = window.run_job("broken job", broken)
    qtbot.waitUntil(lambda: window.errors.dialog is not None, timeout=5000)
    dialog = window.errors.dialog
    assert dialog.isVisible()
    assert "boom: bad parameter 42" in dialog.text()
    assert "ValueError" in dialog.detailedText() and "Traceback" in dialog.detailedText()
    assert worker.outcome == "error"
    log_text = app_paths().log_file.read_text(encoding="utf-8")
    assert "job 'broken job' failed" in log_text and "boom: bad parameter 42" in log_text

    # the app keeps working: a second error folds into the open dialog, a good job succeeds
    window.run_job("broken again", broken)
    qtbot.waitUntil(lambda: window.errors.count == 2, timeout=5000)
    assert window.errors.dialog is dialog and dialog.extra_errors == 1
    results: list[int] = []
    ok = window.run_job("fine", lambda: _steps(3), on_result=results.append)
    qtbot.waitUntil(lambda: not window.jobs.is_running(ok), timeout=5000)
    assert results == [6]
    dialog.accept()
    qtbot.waitUntil(lambda: window.errors.dialog is None, timeout=2000)


def test_job_factory_failure_is_reported(window, qtbot) -> None:
    def factory():
        raise RuntimeError("could not even start")

    worker = window.run_job("bad start", factory)
    qtbot.waitUntil(lambda: worker.outcome == "error", timeout=5000)
    qtbot.waitUntil(lambda: window.errors.dialog is not None, timeout=2000)
    assert "could not even start" in window.errors.dialog.text()


def test_concurrent_jobs_all_finish_and_status_follows(window, qtbot) -> None:
    workers = [window.run_job(f"job {i}", lambda i=i: _steps(5 + i, pause=0.01)) for i in range(5)]
    qtbot.waitUntil(lambda: all(w.outcome == "result" for w in workers), timeout=10_000)
    qtbot.waitUntil(lambda: not window.job_status.isVisible(), timeout=2000)
    assert window.jobs.running == []


def test_shutdown_cancels_running_jobs(desk_app, qtbot) -> None:
    manager = JobManager()
    worker = manager.start("forever", lambda: _steps(100_000, pause=0.01))
    qtbot.waitUntil(lambda: bool(manager.running), timeout=2000)
    assert manager.shutdown(5000)
    qtbot.waitUntil(lambda: worker.outcome == "cancelled", timeout=2000)


def test_on_finished_runs_even_for_a_job_that_fails_at_once(desk_app, qtbot) -> None:
    manager = JobManager()
    calls: list[str] = []

    def factory():
        raise RuntimeError("fails before its first step")

    for _ in range(20):  # the job may end before start() returns; the callback must not be lost
        worker = manager.start("instant", factory, on_finished=lambda: calls.append("done"))
        qtbot.waitUntil(lambda w=worker: not manager.is_running(w), timeout=5000)
    assert calls == ["done"] * 20
