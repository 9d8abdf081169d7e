"""The desk's theme (dark or light): applied to the application, every chart, remembered."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from app.bootstrap import apply_theme
from widgets import charts

if TYPE_CHECKING:
    from app.mainwindow import MainWindow

KEY_THEME = "view/theme"


def set_theme(window: MainWindow, theme: str) -> None:
    """Apply and remember the theme (palette and every chart)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_theme(app, theme)
    charts.apply_theme(window, theme)
    window.settings.setValue(KEY_THEME, theme)


def restore_theme(window: MainWindow) -> None:
    if window.settings.value(KEY_THEME) == "light":
        window.light_action.setChecked(True)
