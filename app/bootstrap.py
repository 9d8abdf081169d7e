"""QApplication set-up shared by the GUI, the self-test and the tests: names, style, theme."""

from __future__ import annotations

import logging
import os
import sys

os.environ.setdefault("QT_API", "pyside6")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    Qt,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from app import __version__
from app.paths import APP_AUTHOR, APP_NAME
from resources import resource_path


def dark_palette() -> QPalette:
    """A dark palette that reads well on trading-desk monitors."""
    p = QPalette()
    base, window, text = QColor("#161a21"), QColor("#1e232c"), QColor("#e1e6ed")
    p.setColor(QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorRole.WindowText, text)
    p.setColor(QPalette.ColorRole.Base, base)
    p.setColor(QPalette.ColorRole.AlternateBase, window)
    p.setColor(QPalette.ColorRole.ToolTipBase, window)
    p.setColor(QPalette.ColorRole.ToolTipText, text)
    p.setColor(QPalette.ColorRole.Text, text)
    p.setColor(QPalette.ColorRole.Button, QColor("#262c37"))
    p.setColor(QPalette.ColorRole.ButtonText, text)
    p.setColor(QPalette.ColorRole.Highlight, QColor("#3d7bd9"))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    p.setColor(QPalette.ColorRole.PlaceholderText, QColor("#7d8796"))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b7380"))
    return p


def light_palette() -> QPalette:
    """Fusion's standard light palette with the desk's highlight colour."""
    p = QApplication.style().standardPalette()
    p.setColor(QPalette.ColorRole.Highlight, QColor("#3d7bd9"))
    p.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    return p


def apply_theme(app: QApplication, theme: str) -> None:
    """``dark`` (the default) or ``light`` palette for the whole application."""
    app.setPalette(dark_palette() if theme == "dark" else light_palette())


def configure_application(app: QApplication) -> QApplication:
    """Apply names (so QSettings and appdirs agree), style, palette and icon to ``app``."""
    QCoreApplication.setOrganizationName(APP_AUTHOR)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    app.setStyleSheet(resource_path("styles", "desk.qss").read_text(encoding="utf-8"))
    app.setWindowIcon(QIcon(str(resource_path("icons", "ctadesk.svg"))))
    return app


def create_application(argv: list[str] | None = None) -> QApplication:
    """The process's QApplication, created once and configured."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return configure_application(existing)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    return configure_application(QApplication(argv if argv is not None else sys.argv[:1]))


def preload_engine() -> None:
    """Import pandas, numba and the engine, and let numba build its typing and target
    contexts, before the window opens. Done later in a worker thread, that import storm
    (C-level module set-up through PySide's import hook) stalls the UI thread."""
    import pandas  # noqa: F401
    import pyqtgraph  # noqa: F401
    from numba.core.registry import cpu_target

    import engine.backtest
    import engine.kernels
    import engine.sweep  # noqa: F401

    cpu_target.typing_context.refresh()
    cpu_target.target_context.refresh()


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def route_qt_messages_to_log() -> None:
    """Send Qt's own warnings to the log file instead of the terminal."""
    qInstallMessageHandler(_qt_message)
