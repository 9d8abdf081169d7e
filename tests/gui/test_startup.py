"""The app's window shows its docks before the panels exist (``defer``): first paint, then the
panels, the engine's imports and the controllers, then the data."""

from __future__ import annotations

import itertools
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QScrollArea

from app.mainwindow import BUILD_FALLBACK_MS, MainWindow
from app.panels import PANELS
from app.settings import open_settings


def test_deferred_window_paints_empty_docks_first_then_builds(desk_app, qtbot) -> None:
    window = MainWindow(settings=open_settings(), defer=True)
    qtbot.addWidget(window)
    assert not window.built and window.panels == {}
    assert all(isinstance(window.docks[s.object_name].widget(), QLabel) for s in PANELS)
    ticks: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(5)
    heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    heartbeat.start()
    shown = time.perf_counter()
    window.show()
    qtbot.waitUntil(lambda: window.built, timeout=30_000)
    built = time.perf_counter()
    heartbeat.stop()
    # built in steps, one per turn of the event loop: the window answers in between
    during = [b - a for a, b in itertools.pairwise(ticks) if a >= window.painted_at]
    assert during and max(during) < 0.75 * (built - window.painted_at)
    assert window.painted_at is not None and shown <= window.painted_at <= built
    assert sorted(window.panels) == sorted(s.object_name for s in PANELS)
    for spec in PANELS:  # every placeholder replaced by its panel
        scroller = window.docks[spec.object_name].widget()
        assert isinstance(scroller, QScrollArea)
        assert scroller.widget() is window.panels[spec.object_name]
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=60_000)
    assert window.menuBar().actions() and window.errors.count == 0
    window.jobs.shutdown(5000)


def test_resized_or_closed_before_its_panels_exist(desk_app, qtbot) -> None:
    """A window manager resizing the shown window into another size class, or the user closing
    it, before the panels are built: no error, and no placeholder layout saved as the user's."""
    window = MainWindow(settings=open_settings(), defer=True)
    qtbot.addWidget(window)
    window.show()
    window.resize(2500, 1000)  # another size class than the default's
    qtbot.wait(400)  # the size-class timer fires while the panels are still being built
    qtbot.waitUntil(lambda: window.built, timeout=30_000)
    window.jobs.shutdown(5000)

    early = MainWindow(settings=open_settings(), defer=True)
    qtbot.addWidget(early)
    early.show()
    early.close()
    qtbot.wait(BUILD_FALLBACK_MS + 100)  # past the fallback that would start the build
    assert not early.built and early.panels == {}
    assert not [k for k in open_settings().allKeys() if k.startswith("layouts/")]
