"""Errors reach the user: a dialog for worker failures and uncaught exceptions, plus the log.

:class:`ErrorReporter` lives on the UI thread; :func:`install_exception_hooks` routes
``sys.excepthook`` and ``threading.excepthook`` to it so an exception anywhere shows a
dialog and is logged with its traceback instead of ending the app silently.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from app.paths import app_paths
from engine.files import Recovery

log = logging.getLogger(__name__)


class ErrorDialog(QMessageBox):
    """Non-blocking error dialog with the traceback under "Show Details"."""

    def __init__(self, parent: QWidget | None, title: str, message: str, details: str) -> None:
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(f"CTA Desk - {title}")
        self.setText(message)
        self.setInformativeText(f"The full report is in the log:\n{app_paths().log_file}")
        if details:
            self.setDetailedText(details)
        self.setStandardButtons(QMessageBox.StandardButton.Ok)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.extra_errors = 0

    def add_error(self, message: str, details: str) -> None:
        """Fold one more error into this open dialog instead of stacking a new one."""
        self.extra_errors += 1
        self.setInformativeText(
            f"{self.extra_errors} more error(s) since, latest: {message}\n"
            f"The full report is in the log:\n{app_paths().log_file}"
        )
        if details:
            self.setDetailedText(f"{self.detailedText()}\n\n{details}")


class ErrorReporter(QObject):
    """Shows errors in a dialog; ``report`` may be emitted from any thread."""

    report = Signal(str, str, str)  # title, message, details

    def __init__(self, parent_widget: QWidget | None = None) -> None:
        super().__init__(parent_widget)
        self._parent_widget = parent_widget
        self.dialog: ErrorDialog | None = None
        self.count = 0
        self.report.connect(self._show)

    @Slot(str, str, str)
    def _show(self, title: str, message: str, details: str) -> None:
        self.count += 1
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add_error(message, details)
            return
        self.dialog = ErrorDialog(self._parent_widget, title, message, details)
        self.dialog.destroyed.connect(self._forget_dialog)
        self.dialog.open()  # window-modal but never blocks the event loop

    @Slot()
    def _forget_dialog(self) -> None:
        self.dialog = None

    def show_recovery(self, title: str, recovery: Recovery, instead: str) -> None:
        """Tell the user a damaged file was set aside: what was wrong, where the copy is, and
        what is used ``instead``."""
        reason = f"{recovery.reason[:1].upper()}{recovery.reason[1:]}"
        self.report.emit(title, f"{reason}. It was moved to {recovery.kept} {instead}", "")

    def show_exception(self, title: str, exc: BaseException, details: str = "") -> None:
        """Report an exception caught elsewhere (e.g. by a worker)."""
        text = details or "".join(traceback.format_exception(exc))
        self.report.emit(title, f"{type(exc).__name__}: {exc}", text)


_reporter: ErrorReporter | None = None


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    details = "".join(traceback.format_exception(exc_type, exc, tb))
    log.critical("uncaught exception:\n%s", details)
    try:
        if _reporter is None:
            raise RuntimeError("no error reporter installed")
        _reporter.report.emit("Unexpected error", f"{exc_type.__name__}: {exc}", details)
    except RuntimeError:  # no reporter, or its window is already gone
        sys.__excepthook__(exc_type, exc, tb)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        _excepthook(args.exc_type, args.exc_value, args.exc_traceback)


def install_exception_hooks(reporter: ErrorReporter) -> None:
    """Route uncaught exceptions of every thread to ``reporter`` and the log."""
    global _reporter  # noqa: PLW0603 - one process-wide hook target
    _reporter = reporter
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
