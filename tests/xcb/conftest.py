"""Real-window tests: Qt's xcb platform on an X server (Xvfb under ``make test``).

The offscreen suite leaves this folder out; ``make test`` runs it a second time under
``xvfb-run`` with QT_QPA_PLATFORM=xcb (the platform is chosen once per process)."""

from __future__ import annotations

import os

import pytest

from tests.gui.conftest import configured_qapp, desk_app, make_window  # noqa: F401 - fixtures


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("QT_QPA_PLATFORM") == "xcb" and os.environ.get("DISPLAY"):
        return
    skip = pytest.mark.skip(reason="real-window test: run under xvfb-run with QT_QPA_PLATFORM=xcb")
    for item in items:
        if "tests/xcb/" in item.nodeid:
            item.add_marker(skip)
