"""What a controller may ask of the main window: run a job, report an error, show a status.

Controllers (app/*_actions.py) take a :class:`Desk` rather than the MainWindow class, so the
window imports them and they never import the window back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from app.errors import ErrorReporter
    from app.workers import Worker
    from engine.jobs import Job


class Desk(Protocol):
    """The main window as its controllers see it."""

    errors: ErrorReporter

    def run_job(
        self,
        name: str,
        job_factory: Callable[[], Job[Any]],
        on_result: Callable[[Any], Any] | None = None,
        on_progress: Callable[[float, str], Any] | None = None,
        quiet: bool = False,
        on_finished: Callable[[], Any] | None = None,
    ) -> Worker:
        """Run a job in a worker with status-bar progress and Cancel; errors reach a dialog."""
        ...

    def show_status(self, text: str, timeout_ms: int = 10_000) -> None:
        """Show ``text`` in the status bar for ``timeout_ms``."""
        ...
