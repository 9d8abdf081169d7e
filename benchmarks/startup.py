"""Start-up benchmark: `ctadesk --self-test` against a bare PySide6 window, same run.

Prints one JSON object: median wall times of both over N runs and their ratio; the desk's
first paint (startup_ms) against the bare window's first paint, and the time until its panels
are built (ready_ms); the self-test's max_ui_stall_ms. Run with `make bench`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

BARE_WINDOW = (
    "import time\n"
    "t0 = time.perf_counter()\n"
    "from PySide6.QtCore import QTimer\n"
    "from PySide6.QtWidgets import QApplication, QMainWindow, QLabel\n"
    "class W(QMainWindow):\n"
    "    def paintEvent(self, e):\n"
    "        super().paintEvent(e)\n"
    "        print((time.perf_counter() - t0) * 1000.0)\n"
    "        QTimer.singleShot(0, app.quit)\n"
    "app = QApplication([])\n"
    "w = W(); w.setCentralWidget(QLabel('bare')); w.resize(1500, 950); w.show()\n"
    "app.exec()\n"
)
"""A bare PySide6 window: prints the ms from its first line to its first paint (as the
self-test's startup_ms counts from the entry module's first line to the desk's first paint)."""


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
    return (time.perf_counter() - start) * 1000.0, out


def main(runs: int = 7) -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CTADESK_HOME": home}
        bare, bare_paint, desk, startup, ready, stall = [], [], [], [], [], []
        for _ in range(runs):  # interleaved so machine noise hits both alike
            ms, out = _timed([sys.executable, "-c", BARE_WINDOW], env)
            bare.append(ms)
            bare_paint.append(float(out.split()[0]))
            ms, out = _timed([sys.executable, "-m", "app.main", "--self-test", "--json"], env)
            report = json.loads(out)
            desk.append(ms)
            startup.append(report["startup_ms"])
            ready.append(report["ready_ms"])
            stall.append(report["max_ui_stall_ms"])
    result = {
        "runs": runs,
        "bare_window_wall_ms": round(statistics.median(bare), 1),
        "selftest_wall_ms": round(statistics.median(desk), 1),
        "selftest_over_bare": round(statistics.median(desk) / statistics.median(bare), 2),
        "bare_window_first_paint_ms": round(statistics.median(bare_paint), 1),
        "startup_ms_median": round(statistics.median(startup), 1),
        "startup_over_bare_paint": round(
            statistics.median(startup) / statistics.median(bare_paint), 2
        ),
        "ready_ms_median": round(statistics.median(ready), 1),
        "max_ui_stall_ms_median": round(statistics.median(stall), 1),
        "max_ui_stall_ms_worst": round(max(stall), 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
