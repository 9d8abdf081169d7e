"""Worker threads for every long job: progress, cancel, result and error on the UI thread.

A job is a generator (see engine/jobs.py). :class:`Worker` drives it on a thread pool and
emits Qt signals that are delivered, queued, to slots living on the UI thread.
:class:`JobManager` owns the pool, keeps workers alive until they finish and logs failures.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from engine.jobs import Cancelled, Job, Progress, run_job

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.04
"""Minimum time between two progress signals, so a chatty job cannot flood the UI thread."""


class Worker(QObject):
    """One job on the pool. Signals always end with ``finished``, after exactly one of
    ``result``, ``error`` or ``cancelled``."""

    started = Signal()
    progress = Signal(float, str)
    result = Signal(object)
    error = Signal(object, str)  # the exception, its formatted traceback
    cancelled = Signal()
    finished = Signal()

    def __init__(self, name: str, job_factory: Callable[[], Job[Any]], quiet: bool = False) -> None:
        super().__init__()
        self.name = name
        self.quiet = quiet  # no generic "done" message: housekeeping, or the caller reports
        self._factory = job_factory
        self._cancel = threading.Event()
        self._last_emit = 0.0
        self.last_progress: tuple[float, str] | None = None  # latest report sent to the UI
        self.outcome: str | None = None  # "result", "error" or "cancelled" once done

    def cancel(self) -> None:
        """Ask the job to stop at its next progress report (thread-safe)."""
        self._cancel.set()

    @property
    def is_cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def _report(self, report: Progress) -> None:
        now = time.monotonic()
        if report.percent >= 100.0 or now - self._last_emit >= PROGRESS_INTERVAL_S:
            self._last_emit = now
            self.last_progress = (float(report.percent), report.text)
            _emit(self.progress, float(report.percent), report.text)

    def run(self) -> None:
        """Body of the worker thread; never raises."""
        _emit(self.started)
        try:
            if self._cancel.is_set():
                raise Cancelled("cancelled before start")
            value = run_job(self._factory(), self._report, self._cancel)
        except Cancelled:
            self.outcome = "cancelled"
            log.info("job %r cancelled", self.name)
            _emit(self.cancelled)
        except Exception as exc:
            self.outcome = "error"
            text = traceback.format_exc()
            log.error("job %r failed:\n%s", self.name, text)
            _emit(self.error, exc, text)
        else:
            self.outcome = "result"
            _emit(self.result, value)
        finally:
            _emit(self.finished)


def _emit(signal: Any, *args: Any) -> None:
    """Emit unless the receiving side is already gone (the app is shutting down)."""
    with contextlib.suppress(RuntimeError):
        signal.emit(*args)


class _Runnable(QRunnable):
    """Adapter running a Worker on a QThreadPool; the pool must not delete it."""

    def __init__(self, worker: Worker) -> None:
        super().__init__()
        self.worker = worker
        self.setAutoDelete(False)

    def run(self) -> None:
        self.worker.run()


class JobManager(QObject):
    """Starts jobs on a private thread pool and tracks the ones still running."""

    job_started = Signal(object)  # Worker
    job_finished = Signal(object)  # Worker

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max(1, max_threads))
        self._running: dict[Worker, _Runnable] = {}

    def start(
        self,
        name: str,
        job_factory: Callable[[], Job[Any]],
        on_result: Callable[[Any], Any] | None = None,
        on_error: Callable[[BaseException, str], Any] | None = None,
        on_progress: Callable[[float, str], Any] | None = None,
        quiet: bool = False,
        on_finished: Callable[[], Any] | None = None,
    ) -> Worker:
        """Run ``job_factory()`` in the pool; callbacks run on the UI thread. They are connected
        here, before the job starts: a signal emitted before a later connect would be lost."""
        worker = Worker(name, job_factory, quiet)
        if on_finished is not None:
            worker.finished.connect(on_finished)
        if on_progress is not None:
            worker.progress.connect(on_progress)
        if on_result is not None:
            worker.result.connect(on_result)
        if on_error is not None:
            worker.error.connect(on_error)
        worker.finished.connect(self._done)  # a method: no call once this manager is deleted
        runnable = _Runnable(worker)
        self._running[worker] = runnable
        log.info("job %r started", name)
        self.job_started.emit(worker)
        self.pool.start(runnable)
        return worker

    def _done(self) -> None:
        worker = self.sender()
        self._running.pop(worker, None)
        self.job_finished.emit(worker)

    def is_running(self, worker: Worker) -> bool:
        """True until the worker's ``finished`` signal has been handled on the UI thread."""
        return worker in self._running

    @property
    def running(self) -> list[Worker]:
        """Workers that have not finished yet, oldest first."""
        return list(self._running)

    def cancel_all(self) -> None:
        for worker in self._running:
            worker.cancel()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel everything and wait for the pool to drain (used when the window closes)."""
        self.cancel_all()
        return self.pool.waitForDone(timeout_ms)
