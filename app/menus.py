"""The main window's menus and keyboard shortcuts (File, Run, View, Help)."""

from __future__ import annotations

import platform
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMessageBox

from app import __version__
from app.export_actions import add_export_actions
from app.paths import app_paths
from app.perspectives import PERSPECTIVES
from app.theme import set_theme
from app.welcome_actions import show_welcome

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.mainwindow import MainWindow


def _action(
    window: MainWindow, text: str, slot: Callable[[], object], shortcut: object = None
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    return action


def build_menus(window: MainWindow) -> None:
    panels = window.panels
    bar = window.menuBar()

    file_menu = bar.addMenu("&File")
    file_menu.addAction(_action(window, "&Import CSV…", panels["dockData"].choose_file, "Ctrl+I"))
    file_menu.addAction(_action(window, "&Fetch online…", panels["dockData"].choose_source))
    file_menu.addSeparator()
    file_menu.addAction(
        _action(window, "&Save workspace…", panels["dockStrategy"].save_workspace_dialog, "Ctrl+S")
    )
    file_menu.addAction(
        _action(window, "&Load workspace…", panels["dockStrategy"].load_workspace_dialog, "Ctrl+O")
    )
    add_export_actions(window, file_menu)
    file_menu.addSeparator()
    file_menu.addAction(_action(window, "&Quit", window.close, QKeySequence.StandardKey.Quit))

    run_menu = bar.addMenu("&Run")
    run_menu.addAction(
        _action(window, "Run &backtest", panels["dockStrategy"].request_run, "Ctrl+R")
    )
    run_menu.addAction(
        _action(window, "Run &sweep", panels["dockSweep"].request_run, "Ctrl+Shift+R")
    )
    run_menu.addAction(
        _action(window, "&Replay event", panels["dockEventReplay"].request_run, "Ctrl+E")
    )
    run_menu.addAction(
        _action(
            window,
            "Refresh &triggers and flows",
            panels["dockTriggersFlows"].refresh,
            "F5",
        )
    )
    run_menu.addAction(_action(window, "C&lear runs", panels["dockEquity"].clear, "Ctrl+K"))
    run_menu.addAction(
        _action(window, "&Next replay day", lambda: step_replay(window, 1), "Alt+Right")
    )
    run_menu.addAction(
        _action(window, "&Previous replay day", lambda: step_replay(window, -1), "Alt+Left")
    )
    run_menu.addSeparator()
    run_menu.addAction(
        _action(window, "&Cancel the running job", window.cancel_current_job, "Ctrl+.")
    )

    window.view_menu = bar.addMenu("&View")
    window.perspective_actions = QActionGroup(window)
    for number, perspective in enumerate(PERSPECTIVES, start=1):
        action = _action(
            window,
            perspective.title,
            lambda key=perspective.key: window.switch_perspective(key),
            f"Ctrl+{number}",
        )
        action.setCheckable(True)
        action.setData(perspective.key)
        window.perspective_actions.addAction(action)
        window.view_menu.addAction(action)
    window.reset_layout_action = _action(window, "Reset &perspective", window.reset_layout)
    window.view_menu.addAction(window.reset_layout_action)
    window.view_menu.addSeparator()
    for dock in window.docks.values():
        window.view_menu.addAction(dock.toggleViewAction())
    window.view_menu.addSeparator()
    window.light_action = QAction("&Light theme", window)
    window.light_action.setCheckable(True)
    window.light_action.toggled.connect(lambda on: set_theme(window, "light" if on else "dark"))
    window.view_menu.addAction(window.light_action)

    help_menu = bar.addMenu("&Help")
    help_menu.addAction(
        _action(
            window,
            "Open &log folder",
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(app_paths().logs))),
        )
    )
    help_menu.addAction(_action(window, "&Welcome", lambda: show_welcome(window)))
    help_menu.addAction(_action(window, "&About CTA Desk", lambda: about(window)))


def step_replay(window: MainWindow, days: int) -> None:
    """Move the Event Replay dock's day slider by ``days`` and bring the dock to the front."""
    window.docks["dockEventReplay"].raise_()
    window.panels["dockEventReplay"].step_day(days)


def about_text() -> str:
    import numba
    import numpy
    import pandas
    import pyqtgraph
    from PySide6 import __version__ as pyside

    paths = app_paths()
    return (
        f"<b>CTA Desk {__version__}</b><p>CTA trend-following strategies and the VIX.</p>"
        f"<p>Python {platform.python_version()}, PySide6 {pyside}, "
        f"pyqtgraph {pyqtgraph.__version__}, "
        f"numpy {numpy.__version__}, pandas {pandas.__version__}, numba {numba.__version__}</p>"
        f"<p>Data: {paths.data}<br>Logs: {paths.logs}<br>Cache: {paths.cache}<br>"
        f"Settings: {paths.settings_file}</p>"
    )


def about(window: MainWindow) -> None:
    QMessageBox.about(window, "About CTA Desk", about_text())
