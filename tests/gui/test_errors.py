"""Uncaught exceptions (UI thread or any other thread) become a dialog and a log entry."""

from __future__ import annotations

import sys
import threading

import pytest

from app.errors import install_exception_hooks
from app.paths import app_paths


@pytest.fixture
def hooks(window, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    install_exception_hooks(window.errors)
    return window


def _raise(exc: Exception):
    try:
        raise exc
    except Exception:
        return sys.exc_info()


def test_ui_thread_exception_shows_dialog(hooks, qtbot) -> None:
    sys.excepthook(*_raise(KeyError("missing-column")))
    qtbot.waitUntil(lambda: hooks.errors.dialog is not None, timeout=2000)
    assert "missing-column" in hooks.errors.dialog.text()
    assert "uncaught exception" in app_paths().log_file.read_text(encoding="utf-8")


def test_other_thread_exception_shows_dialog(hooks, qtbot) -> None:
    exc_type, exc, tb = _raise(OSError("disk on fire"))
    thread = threading.Thread(
        target=lambda: threading.excepthook(
            threading.ExceptHookArgs([exc_type, exc, tb, threading.current_thread()])
        )
    )
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: hooks.errors.dialog is not None, timeout=2000)
    assert "disk on fire" in hooks.errors.dialog.text()
    assert hooks.isVisible()
