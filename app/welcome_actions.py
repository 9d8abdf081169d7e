"""When the welcome shows: on start until the user unticks "Show this welcome at start", and
whenever Help > Welcome asks. The choice is kept in the settings file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.paths import app_paths
from widgets.welcome import WelcomeDialog

if TYPE_CHECKING:
    from app.mainwindow import MainWindow

KEY_SHOW_AT_START = "welcome/show_at_start"


def wants_welcome(window: MainWindow) -> bool:
    """True until the user dismisses the welcome for good."""
    return window.settings.value(KEY_SHOW_AT_START, True, type=bool)


def show_welcome(window: MainWindow) -> WelcomeDialog:
    """Open the welcome (non-modal) beside the window; its checkbox is saved when it closes."""
    paths = app_paths()
    dialog = WelcomeDialog(window, str(paths.data), str(paths.logs), wants_welcome(window))
    data = window.panels["dockData"]
    dialog.import_requested.connect(data.choose_file)
    dialog.fetch_requested.connect(data.choose_source)

    def remember(_result: int) -> None:
        window.settings.setValue(KEY_SHOW_AT_START, dialog.show_at_start.isChecked())
        window.settings.sync()
        window.welcome = None
        dialog.deleteLater()

    dialog.finished.connect(remember)
    window.welcome = dialog
    dialog.open()
    return dialog
