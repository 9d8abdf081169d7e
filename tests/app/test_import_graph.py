"""The window's import graph stays light: importing the main window module loads no numba,
pandas, scipy or pyqtgraph (the engine loads with its first job, the charts with their docks),
checked in a fresh interpreter so nothing imported by other tests hides a regression."""

from __future__ import annotations

import json
import os
import subprocess
import sys

HEAVY = ("numba", "pandas", "scipy", "llvmlite", "dask", "pyqtgraph")


def test_main_window_module_imports_no_engine_heavyweights() -> None:
    code = (
        "import json, sys\n"
        "import app.mainwindow\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=120,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
