"""With cache=True a second process loads the compiled kernels instead of recompiling."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CODE = """
import json
from engine import kernels
from engine.sweep import warm_up
warm_up()
stats = kernels.trend_grid.stats
hits, misses = sum(stats.cache_hits.values()), sum(stats.cache_misses.values())
print(json.dumps({"hits": hits, "misses": misses}))
"""


def _run(env_cache: Path) -> dict:
    env = {"NUMBA_CACHE_DIR": str(env_cache), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", CODE], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_second_process_uses_the_cache(tmp_path: Path) -> None:
    first = _run(tmp_path)  # a fresh cache dir: must compile
    assert first["misses"] >= 1 and first["hits"] == 0
    second = _run(tmp_path)
    assert second["misses"] == 0 and second["hits"] >= 1
    assert any(tmp_path.rglob("*.nbi"))  # the index files numba writes
