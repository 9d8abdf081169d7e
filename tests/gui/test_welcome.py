"""The first-start welcome: says the demo is synthetic and where files live, dismissed for good."""

from __future__ import annotations

from app.mainwindow import MainWindow
from app.paths import app_paths
from app.settings import open_settings
from app.welcome_actions import show_welcome, wants_welcome


def test_welcome_says_demo_is_synthetic_and_is_dismissed_for_good(window, qtbot) -> None:
    assert wants_welcome(window)  # a fresh settings file: shown at start
    dialog = show_welcome(window)
    qtbot.waitExposed(dialog)
    text = dialog.text.text()
    assert "DEMO (synthetic)" in text and "File &gt; Import CSV" in text
    assert str(app_paths().data) in text and str(app_paths().logs) in text
    assert dialog.show_at_start.isChecked()
    dialog.show_at_start.setChecked(False)
    dialog.reject()
    qtbot.waitUntil(lambda: window.welcome is None, timeout=5000)
    later = MainWindow(settings=open_settings(), auto_demo=False)  # the next start
    qtbot.addWidget(later)
    assert not wants_welcome(later)
    reopened = show_welcome(later)  # Help > Welcome still opens it, unticked
    assert not reopened.show_at_start.isChecked()
    reopened.reject()
    later.jobs.shutdown(5000)


def test_first_start_opens_it_and_help_reopens_it(desk_app, qtbot) -> None:
    first = MainWindow(settings=open_settings(), auto_demo=False, welcome=True)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitUntil(lambda: first.welcome is not None and first.welcome.isVisible(), timeout=10_000)
    first.welcome.show_at_start.setChecked(False)
    first.welcome.reject()
    qtbot.waitUntil(lambda: first.welcome is None, timeout=5000)
    first.jobs.shutdown(5000)
    second = MainWindow(settings=open_settings(), auto_demo=False, welcome=True)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    qtbot.wait(100)
    assert second.welcome is None  # dismissed for good
    help_menu = next(a.menu() for a in second.menuBar().actions() if a.text() == "&Help")
    next(a for a in help_menu.actions() if a.text() == "&Welcome").trigger()
    assert second.welcome is not None and second.welcome.isVisible()
    second.welcome.reject()
    second.jobs.shutdown(5000)
