"""The central Activity view: job events, warnings and errors as they happen."""

from __future__ import annotations

import contextlib
import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget


class _Bridge(QObject):
    record = Signal(str)


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
            self.bridge.record.emit(text)


class ActivityLog(QWidget):
    """Read-only, bounded list of recent log lines; attaches itself to the root logger."""

    MAX_LINES = 2000

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
        self.handler = QtLogHandler()
        self.handler.bridge.record.connect(self.view.appendPlainText)
        logging.getLogger().addHandler(self.handler)
        handler = self.handler
        self.destroyed.connect(lambda *_: logging.getLogger().removeHandler(handler))

    def detach(self) -> None:
        """Stop receiving log records (called when the window closes)."""
        logging.getLogger().removeHandler(self.handler)

    def lines(self) -> list[str]:
        return self.view.toPlainText().splitlines()
