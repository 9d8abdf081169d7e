"""GUI fixtures: a configured QApplication and a main window on a private settings file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from app.bootstrap import configure_application
from app.logs import setup_logging
from app.mainwindow import MainWindow
from app.settings import open_settings


@pytest.fixture(autouse=True)
def _nothing_left_behind(qapp):
    """After each test, delete every top-level widget it left: pyqtgraph makes each chart's
    menus without a parent, so they outlive their window, and every widget still alive is
    restyled by each theme switch of later tests (25,000 after test_layout.py alone)."""
    yield
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(scope="session")
def configured_qapp(qapp):
    """Style, palette and names applied once (re-applying a style sheet repolishes every
    widget still alive, which grows with the session)."""
    return configure_application(qapp)


@pytest.fixture
def desk_app(configured_qapp):
    """The configured QApplication, logging to this test's CTADESK_HOME."""
    setup_logging()
    return configured_qapp


@pytest.fixture
def make_window(desk_app, qtbot):
    """Factory for main windows sharing this test's settings file; all closed at teardown."""
    windows: list[MainWindow] = []

    def make(show: bool = True, auto_demo: bool = False, as_app: bool = False) -> MainWindow:
        """``as_app``: open the settings file as the app does (checked, set aside if damaged)."""
        window = MainWindow(settings=None if as_app else open_settings(), auto_demo=auto_demo)
        qtbot.addWidget(window)
        if show:
            window.show()
            qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.jobs.shutdown(5000)


@pytest.fixture
def window(make_window) -> Iterator[MainWindow]:
    return make_window()
