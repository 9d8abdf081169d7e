"""Long-running jobs as generators: the Qt-free half of the worker mechanism.

A job is a generator that yields :class:`Progress` between chunks of work and returns
its result. The GUI runs it in a worker thread (app/workers.py) that relays progress
and stops it between yields on cancel; the CLI and tests drive it with :func:`run_job`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Progress:
    """A progress report: percent done (0-100) and a short text for the status bar."""

    percent: float
    text: str = ""


Job = Generator[Progress, None, T]


class Cancelled(Exception):
    """Raised by :func:`run_job` when its cancel event is set between two yields."""


def run_job(
    job: Job[T],
    on_progress: Callable[[Progress], Any] | None = None,
    cancel: threading.Event | None = None,
) -> T:
    """Drive ``job`` to completion in this thread and return its result.

    ``on_progress`` sees every report; when ``cancel`` is set the job is closed at its
    next yield (its ``finally`` blocks run) and :class:`Cancelled` is raised.
    """
    try:
        while True:
            report = next(job)
            if on_progress is not None:
                on_progress(report)
            if cancel is not None and cancel.is_set():
                job.close()
                raise Cancelled("job cancelled")
    except StopIteration as stop:
        return stop.value
