"""Start-up benchmark: `ctadesk --self-test` against a bare PySide6 window, same run.

Prints one JSON object: median wall times of both over N runs and their ratio, plus the
self-test's own startup_ms and max_ui_stall_ms medians. Run with `make bench`.
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
    "from PySide6.QtWidgets import QApplication, QMainWindow, QLabel\n"
    "app = QApplication([])\n"
    "w = QMainWindow(); w.setCentralWidget(QLabel('bare')); w.resize(1500, 950); w.show()\n"
    "app.processEvents()\n"
)


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
    return (time.perf_counter() - start) * 1000.0, out


def main(runs: int = 7) -> None:
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CTADESK_HOME": home}
        bare, desk, startup, stall = [], [], [], []
        for _ in range(runs):  # interleaved so machine noise hits both alike
            bare.append(_timed([sys.executable, "-c", BARE_WINDOW], env)[0])
            ms, out = _timed([sys.executable, "-m", "app.main", "--self-test", "--json"], env)
            report = json.loads(out)
            desk.append(ms)
            startup.append(report["startup_ms"])
            stall.append(report["max_ui_stall_ms"])
    result = {
        "runs": runs,
        "bare_window_wall_ms": round(statistics.median(bare), 1),
        "selftest_wall_ms": round(statistics.median(desk), 1),
        "selftest_over_bare": round(statistics.median(desk) / statistics.median(bare), 2),
        "startup_ms_median": round(statistics.median(startup), 1),
        "max_ui_stall_ms_median": round(statistics.median(stall), 1),
        "max_ui_stall_ms_worst": round(max(stall), 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
