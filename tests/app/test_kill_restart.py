"""The app killed with SIGKILL in the middle of a sweep restarts cleanly: the store and the
settings saved before are intact and the self-test passes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from engine.data.store import MarketStore
from tests.conftest import REPO_ROOT


def _self_test(env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "app.main", "--self-test", "--json"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    return json.loads(out.stdout)


# what must hold after a restart (the UI-stall budget is the self-test's own, timing-bound check)
MUST = ("data_loaded", "engine_ready", "backtest_through_gui", "sweep_through_worker",
        "no_error_dialog")  # fmt: skip


def test_killed_during_a_sweep_restarts_cleanly(ctadesk_home: Path) -> None:
    env = {**os.environ, "CTADESK_HOME": str(ctadesk_home), "QT_QPA_PLATFORM": "offscreen"}
    first = _self_test(env)  # creates the store with the demo universe
    assert all(first["checks"][k] for k in MUST), first["checks"]
    store = ctadesk_home / "data" / "ctadesk.sqlite"
    before = MarketStore(store).content_hash()
    log = ctadesk_home / "logs" / "ctadesk.log"
    seen = log.read_text(encoding="utf-8").count("job 'Self-test: sweep' started")
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.main", "--self-test", "--json"],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if log.read_text(encoding="utf-8").count("job 'Self-test: sweep' started") > seen:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the self-test ended before the sweep started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    MarketStore(store).check()
    assert MarketStore(store).content_hash() == before
    report = _self_test(env)
    assert all(report["checks"][k] for k in MUST), report["checks"]
    assert not list((ctadesk_home / "data").glob("*.damaged-*"))
