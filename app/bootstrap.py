"""QApplication set-up shared by the GUI, the self-test and the tests: names, style, theme."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import asdict
from string import Template

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
from widgets import palette
from widgets.palette import Theme


def theme_palette(theme: Theme) -> QPalette:
    """The widget palette of ``theme`` on the Fusion style."""
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: theme.window,
        QPalette.ColorRole.WindowText: theme.text,
        QPalette.ColorRole.Base: theme.base,
        QPalette.ColorRole.AlternateBase: theme.alt_base,
        QPalette.ColorRole.ToolTipBase: theme.base,
        QPalette.ColorRole.ToolTipText: theme.text,
        QPalette.ColorRole.Text: theme.text,
        QPalette.ColorRole.Button: theme.button,
        QPalette.ColorRole.ButtonText: theme.text,
        QPalette.ColorRole.BrightText: theme.error,
        QPalette.ColorRole.Highlight: theme.highlight,
        QPalette.ColorRole.HighlightedText: theme.highlight_text,
        QPalette.ColorRole.PlaceholderText: theme.placeholder,
        QPalette.ColorRole.Link: theme.link,
        QPalette.ColorRole.LinkVisited: theme.link,
        QPalette.ColorRole.Light: QColor(theme.button).lighter(125).name(),
        QPalette.ColorRole.Midlight: QColor(theme.button).lighter(110).name(),
        QPalette.ColorRole.Mid: theme.border,
        QPalette.ColorRole.Dark: QColor(theme.border).darker(130).name(),
        QPalette.ColorRole.Shadow: QColor(theme.border).darker(200).name(),
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(theme.disabled))
    return p


def style_sheet(theme: Theme) -> str:
    """The desk's style sheet (resources/styles/desk.qss) in ``theme``'s colours."""
    template = Template(resource_path("styles", "desk.qss").read_text(encoding="utf-8"))
    return template.substitute(asdict(theme))


def apply_theme(app: QApplication, theme: str) -> dict[str, str]:
    """Palette and style sheet of ``theme`` (``dark`` or ``light``) for the whole application,
    made the current one (widgets/palette.py); returns the colour map from the previous theme.
    Setting the style sheet again re-polishes every widget, so none keeps the previous
    theme's colours."""
    mapping = palette.set_current(theme)
    current = palette.current()
    app.setPalette(theme_palette(current))
    app.setStyleSheet(style_sheet(current))
    return mapping


def configure_application(app: QApplication) -> QApplication:
    """Apply names (so QSettings and appdirs agree), style, theme and icon to ``app``."""
    QCoreApplication.setOrganizationName(APP_AUTHOR)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName("ctadesk")  # Wayland/GNOME match the menu entry's icon
    app.setStyle("Fusion")
    apply_theme(app, palette.current().name)
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


def _import_pandas() -> None:
    import pandas  # noqa: F401


def _import_charts() -> None:
    import pyqtgraph  # noqa: F401


def _import_engine() -> None:
    import engine.backtest
    import engine.kernels
    import engine.sweep  # noqa: F401


def _numba_contexts() -> None:
    from numba.core.registry import cpu_target

    cpu_target.typing_context.refresh()
    cpu_target.target_context.refresh()


PRELOAD_STEPS = (_import_pandas, _import_charts, _import_engine, _numba_contexts)
"""Import pandas, pyqtgraph, numba and the engine and let numba build its typing and target
contexts, on the UI thread before the panels are built: done in a worker thread, that import
storm (C-level module set-up through PySide's import hook) stalls the UI thread anyway. In
steps, so the window repaints between them."""


def preload_engine() -> None:
    """All of PRELOAD_STEPS at once."""
    for step in PRELOAD_STEPS:
        step()


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
