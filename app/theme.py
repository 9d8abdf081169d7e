"""The desk's theme (dark or light): applied to the application, every chart and every colour
already shown, remembered; on first start the system's colour scheme decides."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSignalBlocker, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.bootstrap import apply_theme
from widgets import palette

if TYPE_CHECKING:
    from app.mainwindow import MainWindow

KEY_THEME = "view/theme"


def system_theme() -> str:
    """``light`` when the system's colour scheme is light, else ``dark`` (also when unknown)."""
    scheme = QGuiApplication.styleHints().colorScheme()
    return "light" if scheme == Qt.ColorScheme.Light else "dark"


def set_theme(window: MainWindow, theme: str, remember: bool = True) -> None:
    """Apply ``theme`` to the application (palette, style sheet), every chart and every colour
    drawn in rich text or table cells of every window; remember it unless ``remember`` is
    False. The View menu's check mark follows."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("set_theme needs a QApplication")
    mapping = apply_theme(app, theme)
    roots = app.topLevelWidgets()
    if "widgets.charts" in sys.modules:  # no chart exists before that module is imported
        from widgets import charts

        for root in roots:
            charts.apply_theme(root, mapping)
    for root in roots:
        palette.retint(root, mapping)
        root.update()
    with QSignalBlocker(window.light_action):
        window.light_action.setChecked(theme == "light")
    if remember:
        window.settings.setValue(KEY_THEME, theme)


def saved_theme(settings: QSettings) -> str:
    """The saved theme, or the system's on first start (not saved: it follows the system until
    the user picks one)."""
    saved = settings.value(KEY_THEME)
    return saved if saved in palette.THEMES else system_theme()


def apply_saved_theme(settings: QSettings) -> None:
    """The application's palette and style in the saved theme, before the window has widgets
    (cheap then: nothing to re-polish)."""
    app = QApplication.instance()
    theme = saved_theme(settings)
    if isinstance(app, QApplication) and theme != palette.current().name:
        apply_theme(app, theme)


def restore_theme(window: MainWindow) -> None:
    """The saved (or system) theme on the whole window, its charts and the View menu."""
    theme = saved_theme(window.settings)
    with QSignalBlocker(window.light_action):
        window.light_action.setChecked(theme == "light")
    if theme != palette.current().name:
        set_theme(window, theme, remember=False)
