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
