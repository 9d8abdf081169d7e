"""The Log view (job events, warnings and errors as they happen) and its status-bar badge."""

from __future__ import annotations

import contextlib
import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget


class _Bridge(QObject):
    record = Signal(int, str)  # level, text


OWN_LOGGERS = ("app", "engine", "widgets", "ctadesk")


def _is_shown(record: logging.LogRecord) -> bool:
    """CTA Desk's own records at INFO and above; anyone else's only from ERROR up."""
    own = record.name.split(".")[0] in OWN_LOGGERS
    return own or record.levelno >= logging.ERROR


class QtLogHandler(logging.Handler):
    """A logging handler that forwards formatted records to the UI thread via a signal."""

    def __init__(self, level: int = logging.INFO) -> None:
        super().__init__(level)
        self.addFilter(_is_shown)
        self.bridge = _Bridge()
        self.setFormatter(logging.Formatter("%(asctime)s  %(levelname)-7s %(message)s", "%H:%M:%S"))

    def emit(self, record: logging.LogRecord) -> None:
        text = self.format(record)
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > 1:  # a traceback: its first and last lines (the dialog and log have all)
            text = f"{lines[0]} {lines[-1].strip()}"
        with contextlib.suppress(RuntimeError):  # the view is gone (app shutting down)
            self.bridge.record.emit(record.levelno, text)


class ActivityLog(QWidget):
    """Read-only, bounded list of recent log lines; attaches itself to the root logger and
    counts the warnings and errors not yet seen (``counts_changed(warnings, errors)``)."""

    MAX_LINES = 2000
    counts_changed = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activityLog")
        self.banner = QLabel("<b>CTA Desk</b> — activity", self)
        self.banner.setObjectName("deskBanner")
        self.view = QPlainTextEdit(self)
        self.view.setReadOnly(True)
        self.view.setMaximumBlockCount(self.MAX_LINES)
        self.view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.banner)
        layout.addWidget(self.view)
        self.warnings = 0
        self.errors = 0
        self.handler = QtLogHandler()
        self.handler.bridge.record.connect(self._append)
        logging.getLogger().addHandler(self.handler)
        handler = self.handler
        self.destroyed.connect(lambda *_: logging.getLogger().removeHandler(handler))

    def _append(self, level: int, text: str) -> None:
        self.view.appendPlainText(text)
        if level >= logging.ERROR:
            self.errors += 1
        elif level >= logging.WARNING:
            self.warnings += 1
        else:
            return
        self.counts_changed.emit(self.warnings, self.errors)

    def mark_seen(self) -> None:
        """The user has looked at the log: the unseen counts start again from zero."""
        self.warnings = self.errors = 0
        self.counts_changed.emit(0, 0)

    def detach(self) -> None:
        """Stop receiving log records (called when the window closes)."""
        logging.getLogger().removeHandler(self.handler)

    def lines(self) -> list[str]:
        return self.view.toPlainText().splitlines()


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class LogBadge(QPushButton):
    """A flat status-bar button, "2 warnings, 1 error", hidden while there is nothing to see."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logBadge")
        self.setFlat(True)
        self.setToolTip("Warnings and errors since the log was last opened: click to open the Log")
        self.set_counts(0, 0)

    def set_counts(self, warnings: int, errors: int) -> None:
        parts = [_plural(n, word) for n, word in ((warnings, "warning"), (errors, "error")) if n]
        self.setText(", ".join(parts))
        self.setVisible(bool(parts))
