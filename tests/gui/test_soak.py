"""Soak: many backtests and sweeps in one session, some cancelled at a random moment; memory
and threads must not grow. ``make soak`` runs 200 (CTADESK_SOAK_RUNS) and prints the figures."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import random
import statistics
import threading
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

RUNS = int(os.environ.get("CTADESK_SOAK_RUNS", "40"))
WARM_UP = 10  # runs before the baseline: caches, pools and kernels settle
SEED = 7
TRACE = bool(os.environ.get("CTADESK_SOAK_TRACE"))


def process_status() -> dict[str, int]:
    """Resident memory (kB) and OS threads of this process (Linux /proc), after a garbage
    collection and handing freed heap back to the OS (so the figure is memory still held)."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    fields = {}
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "Threads"):
            fields[key] = int(value.split()[0])
    return fields


def _wait_idle(window, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while window.jobs.running and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.002)
    assert not window.jobs.running, "a job did not finish"


def test_soak(make_window, qtbot) -> None:
    if not Path("/proc/self/status").exists():
        import pytest

        pytest.skip("needs Linux /proc for memory and thread counts")
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=60_000)
    strategy, sweep = window.panels["dockStrategy"], window.panels["dockSweep"]
    sweep.y_range.setText("0,0.5")  # a small grid: the vol spans x 2 vol floors
    rng = random.Random(SEED)
    dialogs: list[str] = []
    window.errors.report.connect(lambda _t, m, _d: dialogs.append(m))
    done = cancelled = 0
    rss: list[int] = []  # after each measured run
    threads_at_start = py_threads = 0
    for i in range(RUNS + WARM_UP):
        if i == WARM_UP:
            _wait_idle(window)
            threads_at_start, py_threads = process_status()["Threads"], threading.active_count()
        panel = strategy if rng.random() < 0.5 else sweep
        panel.run_button.click()
        if rng.random() < 0.3:  # cancel at a random moment
            qtbot.wait(rng.randint(0, 300))
            if panel.cancel_button.isEnabled():
                panel.cancel_button.click()
                cancelled += 1
        _wait_idle(window)
        done += 1
        if i >= WARM_UP:
            rss.append(process_status()["VmRSS"])
            if TRACE and i % 10 == 9:
                print(f"run {i + 1}: RSS {rss[-1] / 1024:.1f} MB", flush=True)
    end = process_status()
    window_ = max(5, len(rss) // 10)  # medians of the first and last tenth: RSS is noisy
    first, last = statistics.median(rss[:window_]), statistics.median(rss[-window_:])
    growth = last / first - 1
    print(
        f"\nsoak: {done} runs ({cancelled} cancelled), RSS {first / 1024:.0f} -> "
        f"{last / 1024:.0f} MB ({growth:+.1%}, medians of {window_} runs), OS threads "
        f"{threads_at_start} -> {end['Threads']}, Python threads {py_threads} -> "
        f"{threading.active_count()}"
    )
    assert dialogs == []
    assert threading.active_count() == py_threads  # no leaked worker threads
    assert end["Threads"] <= threads_at_start
    assert growth < 0.05
    assert len(window.panels["dockEquity"].runs) <= 5
