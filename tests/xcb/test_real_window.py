"""The desk in a real X window: the self-test on xcb, a short GUI flow, and the clear exit
when a library the xcb plugin needs cannot be loaded (where Qt itself aborts)."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QGuiApplication

from app.platform_check import window_problem, xcb_plugin

BIN = Path(sys.executable).parent
RAW_QT = "from PySide6.QtWidgets import QApplication; QApplication([])"


def _no_core() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # Qt's abort below leaves no core file


def _run(args: list[str], env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        check=False,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_no_core,
    )


def test_self_test_runs_on_the_xcb_platform(tmp_path: Path) -> None:
    done = _run(
        [str(BIN / "ctadesk"), "--self-test", "--json"],
        {"QT_QPA_PLATFORM": "xcb", "CTADESK_HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb" and report["ok"] is True


@pytest.fixture
def broken_icccm(tmp_path: Path) -> dict[str, str]:
    """An LD_LIBRARY_PATH that shadows libxcb-icccm.so.4 with a file the loader cannot load."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "libxcb-icccm.so.4").write_bytes(b"")
    return {"LD_LIBRARY_PATH": str(shadow), "QT_QPA_PLATFORM": "xcb", "CTADESK_HOME": str(tmp_path)}


def test_hidden_library_aborts_qt_but_ctadesk_exits_2_with_the_fix(broken_icccm) -> None:
    raw = _run([sys.executable, "-c", RAW_QT], broken_icccm)
    assert raw.returncode == -signal.SIGABRT  # what a user got before: Qt's abort
    assert 'Could not load the Qt platform plugin "xcb"' in raw.stderr
    for args in (["ctadesk"], ["ctadesk", "--self-test"], ["ctadesk", "--self-test", "--json"]):
        done = _run([str(BIN / args[0]), *args[1:]], broken_icccm)
        assert done.returncode == 2, (args, done.stderr[-2000:])
        assert "CTA Desk cannot open a window" in done.stderr
        assert "libxcb-icccm.so.4" in done.stderr and str(xcb_plugin(os.environ)) in done.stderr
        assert "sudo apt-get install libxcb-icccm4" in done.stderr
        assert "sudo dnf install xcb-util-wm" in done.stderr
        assert "Could not load the Qt platform plugin" not in done.stderr
    log = (Path(broken_icccm["CTADESK_HOME"]) / "logs" / "ctadesk.log").read_text()
    assert "cannot start: CTA Desk cannot open a window" in log  # no terminal on a launcher


def test_the_display_is_reachable_and_a_wrong_one_is_exit_2(tmp_path: Path) -> None:
    assert window_problem(os.environ) is None  # Xvfb's display, libraries present
    env = {"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":1999", "CTADESK_HOME": str(tmp_path)}
    done = _run([str(BIN / "ctadesk")], env)
    assert done.returncode == 2 and "cannot connect to the X display ':1999'" in done.stderr


def test_wayland_session_is_offered_the_wayland_platform(broken_icccm) -> None:
    done = _run([str(BIN / "ctadesk")], {**broken_icccm, "WAYLAND_DISPLAY": "wayland-0"})
    assert done.returncode == 2
    assert "QT_QPA_PLATFORM=wayland ctadesk" in done.stderr


def test_start_backtest_sweep_replay_close_in_a_real_window(make_window, qtbot, tmp_path) -> None:
    assert QGuiApplication.platformName() == "xcb"
    window = make_window(auto_demo=True)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=60_000)
    assert window.windowHandle().isExposed()

    strategy = window.panels["dockStrategy"]
    strategy.run_button.click()
    qtbot.waitUntil(
        lambda: window.strategy.last is not None and strategy.run_button.isEnabled(),
        timeout=120_000,
    )
    assert np.isfinite(window.strategy.last.metrics["sharpe"])

    sweep = window.panels["dockSweep"]
    sweep.x_range.setText("20,60")
    sweep.y_range.setText("0,0.5")
    sweep.run_button.click()
    qtbot.waitUntil(
        lambda: window.sweeps.last is not None and sweep.run_button.isEnabled(), timeout=120_000
    )
    assert np.isfinite(sweep.grid_values).all() and sweep.grid_values.shape == (2, 2)

    replay = window.panels["dockEventReplay"]
    replay.event_box.setCurrentIndex(replay.event_box.findData("feb-2018"))
    replay.run_button.click()
    qtbot.waitUntil(
        lambda: window.replays.last is not None and not window.jobs.running, timeout=120_000
    )
    assert replay.days and "2018-02" in replay.readout.text()

    # the X server's own pixels (not a widget render): the desk is drawn on the display
    qtbot.wait(200)
    frame = window.screen().grabWindow(0).toImage()
    frame.save(str(tmp_path / "xcb-desk.png"))
    geometry = window.frameGeometry()
    colours = {
        frame.pixel(x, y)
        for x in range(geometry.left() + 5, geometry.right() - 5, 17)
        for y in range(geometry.top() + 5, geometry.bottom() - 5, 13)
        if frame.valid(x, y)
    }
    assert len(colours) > 20
    assert window.close()
    window.jobs.shutdown(5000)
    assert not window.isVisible() and window.errors.count == 0
