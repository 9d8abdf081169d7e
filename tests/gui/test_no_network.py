"""No network unless the user asks for a fetch: a desk session (demo data, backtest, sweep,
triggers, event replay) and the headless backtest and report open no socket."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from app.cli import run


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every name lookup and network connection attempted is recorded and refused."""
    attempts: list = []
    real_connect = socket.socket.connect

    def connect(self, address) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append(address)
            raise OSError("network access during a test that must not use it")
        real_connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        attempts.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "name lookup during a test that must not use it")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", lambda self, a: connect(self, a) or 0)
    return attempts


def test_a_desk_session_stays_offline(no_network, make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=60_000)
    for dock in ("dockStrategy", "dockSweep", "dockEventReplay"):
        window.panels[dock].run_button.click()
        qtbot.waitUntil(lambda: not window.jobs.running, timeout=120_000)
    window.panels["dockTriggersFlows"].refresh_button.click()
    qtbot.waitUntil(lambda: not window.jobs.running, timeout=60_000)
    assert window.errors.count == 0
    assert no_network == []


def test_headless_runs_stay_offline(no_network, tmp_path: Path) -> None:
    for argv in (
        ["backtest", "--prices", "demo", "--preset", "fast"],
        ["report", "--preset", "fast", "--prices", "demo", "--out", str(tmp_path / "r")],
        ["rule16", "--vix", "20"],
    ):
        status, _out, err = run([*argv, "--json"])
        assert status == 0, err
    assert no_network == []
    status, _out, err = run(["data", "fetch", "cboe-vix", "--retries", "0"])  # asked for
    assert status == 2 and "offline" in err and no_network == ["cdn.cboe.com"]
