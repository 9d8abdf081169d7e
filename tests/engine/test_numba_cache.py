"""With cache=True a second process loads the compiled kernels instead of recompiling; with
engine.warmup.RelocatableCacheLocator (what the frozen app names, app/paths.py) it does so even
when the sources were moved to another path in between, as an installed bundle is."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numba.core.caching

from app.paths import NUMBA_CPU, NUMBA_LOCATORS
from engine.warmup import RelocatableCacheLocator

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
ONE_KERNEL = """
import json
import numpy as np
from engine import kernels
from engine.warmup import cache_report
kernels.ewm_var_1d(np.linspace(1.0, 2.0, 12), 0.1)
print(json.dumps({"file": kernels.__file__, **cache_report()}))
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


def _copy_engine(to: Path) -> Path:
    """The engine package alone at ``to`` (fresh files: new mtimes, a new absolute path)."""
    shutil.copytree(
        REPO / "engine",
        to / "engine",
        ignore=shutil.ignore_patterns("__pycache__"),
        copy_function=shutil.copyfile,
    )
    return to


def _run_copy(root: Path, cache: Path, *, relocatable: bool) -> dict:
    env = {"NUMBA_CACHE_DIR": str(cache), "NUMBA_CPU_NAME": NUMBA_CPU, "PATH": "/usr/bin:/bin"}
    if relocatable:
        env["NUMBA_CACHE_LOCATOR_CLASSES"] = NUMBA_LOCATORS
    out = subprocess.run(
        [sys.executable, "-c", ONE_KERNEL],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert Path(report["file"]).is_relative_to(root)  # the copy ran, not the repository
    return report


def test_a_moved_copy_loads_the_kernels_compiled_before_the_move(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    built = _run_copy(_copy_engine(tmp_path / "build-path"), cache, relocatable=True)
    assert (built["hits"], built["misses"], built["compiled"]) == (0, 1, ["ewm_var_1d"])
    assert built["cpu"] == "generic"
    assert sorted(p.name for p in cache.iterdir()) == ["engine"]  # no path hash in the layout
    shutil.rmtree(tmp_path / "build-path")
    installed = _run_copy(_copy_engine(tmp_path / "opt" / "ctadesk"), cache, relocatable=True)
    assert (installed["hits"], installed["misses"], installed["compiled"]) == (1, 0, [])


def test_numba_own_locator_misses_after_the_move(tmp_path: Path) -> None:
    """Why the frozen app names its own locator: numba's keys the cache by the source's path."""
    cache = tmp_path / "cache"
    _run_copy(_copy_engine(tmp_path / "build-path"), cache, relocatable=False)
    moved = _run_copy(_copy_engine(tmp_path / "elsewhere"), cache, relocatable=False)
    assert (moved["hits"], moved["misses"]) == (0, 1)


def test_every_locator_the_app_names_resolves_as_numba_resolves_it() -> None:
    """numba imports dotted names and looks plain ones up in numba.core.caching."""
    classes = []
    for name in NUMBA_LOCATORS.split(","):
        module, _, cls = name.strip().rpartition(".")
        holder = importlib.import_module(module) if module else numba.core.caching
        classes.append(getattr(holder, cls))
    assert classes[0] is RelocatableCacheLocator
    assert all(issubclass(c, numba.core.caching._CacheLocator) for c in classes)
