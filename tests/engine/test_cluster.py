"""Sweeps on Dask: a LocalCluster of two worker processes, and a scheduler with workers started
as separate processes on 127.0.0.1; results must equal the in-process sweep, also after a
worker is killed mid-sweep."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.cluster import (
    ClusterError,
    cluster_batch_job,
    cluster_client,
    cluster_sweep_job,
    parse_local,
)
from engine.jobs import Cancelled, run_job
from engine.reference import ReferenceSweep
from engine.sweep import grid_sweep_job, reference_params
from tests.cli_helpers import cli_fails, cli_ok
from tests.conftest import REPO_ROOT, SHARED_DATA

pytest.importorskip("distributed")

STOCKS = SHARED_DATA / "us_stocks20_adjclose_1990_2022.csv"
BASE = reference_params(ReferenceSweep((20,), (10,)))  # the reference sweep's semantics
GRID = {"lookback": tuple(range(20, 261, 20)), "vol_span": (10, 30, 60, 120)}  # 52 combinations


@pytest.fixture(scope="module")
def stock_prices() -> np.ndarray:
    """Twenty US stocks, 1990-2022 (real adjusted closes), on their common dates."""
    if not STOCKS.is_file():
        pytest.skip("shared data not present")
    from app.cli_engine import load_prices

    return load_prices(str(STOCKS)).dropna().to_numpy()


@pytest.fixture(scope="module")
def in_process(stock_prices: np.ndarray) -> dict:
    return run_job(grid_sweep_job(stock_prices, GRID, BASE))


@pytest.fixture(scope="module")
def local_client() -> Iterator:
    with cluster_client("local:2") as client:
        yield client


def _wait_for_file(path: Path, timeout_s: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.is_file() and path.stat().st_size > 0:
            return json.loads(path.read_text(encoding="utf-8"))
        time.sleep(0.1)
    raise TimeoutError(f"no {path} after {timeout_s} s")


@pytest.fixture(scope="module")
def process_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dask scheduler` and two `dask worker` processes (no nanny: a killed worker stays dead)."""
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    python = [sys.executable, "-m"]
    common = {"cwd": REPO_ROOT, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [
        subprocess.Popen(
            [*python, "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--scheduler-file", str(scheduler_file)],
            **common,
        )
    ]  # fmt: skip
    try:
        address = _wait_for_file(scheduler_file)["address"]
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [*python, "distributed.cli.dask_worker", address, "--nthreads", "1",
                     "--no-nanny", "--no-dashboard", "--host", "127.0.0.1"],
                    **common,
                )
            )  # fmt: skip
        yield address
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_parse_local() -> None:
    assert parse_local("local:3") == 3
    assert parse_local("local") == max(1, os.cpu_count() or 1)
    for bad in ("local:0", "local:x", "remote:2", "local:-1"):
        with pytest.raises(ClusterError):
            parse_local(bad)


def test_local_cluster_matches_in_process(stock_prices, in_process, local_client) -> None:
    reports = []
    out = run_job(
        cluster_sweep_job(local_client, stock_prices, GRID, BASE, chunk=5), reports.append
    )
    assert out["results"] == in_process["results"]  # same kernel, same floats
    assert out["workers"] == 2 and out["chunks"] == 11 and out["n_combos"] == 52
    percents = [r.percent for r in reports]
    assert percents[0] == 0.0 and percents[-1] == 100.0 and percents == sorted(percents)
    assert len(percents) == 1 + 11  # one report per finished chunk
    # the sweep is real: the best lookback on these stocks is not the worst
    sharpes = [r["sharpe"] for r in out["results"]]
    assert np.isfinite(sharpes).all() and max(sharpes) > min(sharpes)


def test_cancel_cancels_the_tasks(stock_prices, local_client) -> None:
    grid = {"lookback": tuple(range(20, 261, 2)), "vol_span": (10, 20, 30, 60, 90, 120)}
    cancel = threading.Event()
    with pytest.raises(Cancelled):
        run_job(
            cluster_sweep_job(local_client, stock_prices, grid, BASE, chunk=2),
            lambda r: r.percent > 0 and cancel.set(),
            cancel,
        )

    def ours(dask_scheduler) -> int:
        return sum(1 for key in dask_scheduler.tasks if str(key).startswith("sweep-"))

    deadline = time.monotonic() + 30
    while local_client.run_on_scheduler(ours) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert local_client.run_on_scheduler(ours) == 0


def test_batch_backtests_on_local_cluster_match_in_process(local_client) -> None:
    """Presets x universes (real stocks and the S&P 500 with the real VIX) as Dask tasks: the
    same results as in process, a run the engine rejects reported the same way."""
    if not STOCKS.is_file():
        pytest.skip("shared data not present")
    from app.cli_engine import load_prices
    from engine.batch import BatchInputs, BatchRun, batch_job
    from engine.presets import resolve

    stocks = load_prices(str(STOCKS))
    index = load_prices(str(SHARED_DATA / "sp500_index_close_1990_2022.csv"))
    vix = load_prices(str(SHARED_DATA / "vix_daily.csv")).iloc[:, 0]
    inputs = BatchInputs(prices={"stocks": stocks, "index": index}, vix={"stocks": vix})
    runs = [
        BatchRun(p, u, resolve(p)) for u in ("stocks", "index") for p in ("ewmac", "fast", "macro")
    ]
    local = run_job(batch_job(runs, inputs))
    reports = []
    remote = run_job(cluster_batch_job(local_client, runs, inputs), reports.append)
    assert [o.run for o in remote] == runs
    assert len(reports) == 1 + len(runs)  # one report per finished run
    for a, b in zip(local, remote, strict=True):
        assert a.error == b.error
        if a.result is None:
            assert "indicator series" in a.error
            continue
        assert a.result.metrics == b.result.metrics
        pd.testing.assert_series_equal(a.result.returns, b.result.returns)
        assert (a.result.by_vix_zone is None) == (a.run.universe == "index")


def test_separate_processes_and_a_killed_worker(stock_prices, in_process, process_cluster) -> None:
    with cluster_client(process_cluster) as client:
        client.wait_for_workers(2, timeout=60)
        pids = client.run(os.getpid)
        killed: list[int] = []

        def kill_one(report) -> None:
            if report.percent > 0 and not killed:
                victim = sorted(pids.values())[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)

        out = run_job(cluster_sweep_job(client, stock_prices, GRID, BASE, chunk=1), kill_one)
        assert killed and out["chunks"] == 52
        assert out["results"] == in_process["results"]  # rescheduled tasks, identical results
        assert len(client.scheduler_info()["workers"]) == 1


def test_cli_sweep_on_local_cluster_matches_in_process(tmp_path: Path) -> None:
    if not STOCKS.is_file():
        pytest.skip("shared data not present")
    argv = ["sweep", "--prices", str(STOCKS), "--lookbacks", "60:250:95", "--vol-spans", "20,60"]
    local = cli_ok(argv)
    cluster = cli_ok([*argv, "--dask", "local:2", "--chunk", "2"])
    assert cluster["results"] == local["results"]
    assert cluster["workers"] == 2 and cluster["chunks"] == 3 and cluster["cluster"] == "local:2"


def test_cli_report_on_local_cluster_matches_in_process(tmp_path: Path) -> None:
    argv = ["report", "--preset", "ewmac,fast", "--prices", "demo"]
    local = cli_ok([*argv, "--out", str(tmp_path / "local")])
    cluster = cli_ok([*argv, "--out", str(tmp_path / "dask"), "--dask", "local:2"])
    assert cluster["workers"] == 2 and cluster["cluster"] == "local:2"
    assert [r["metrics"] for r in cluster["runs"]] == [r["metrics"] for r in local["runs"]]
    for run_ in cluster["runs"]:
        assert (tmp_path / "dask" / run_["html"]).is_file()
        assert all((tmp_path / "dask" / png).is_file() for png in run_["charts"].values())


def test_clear_errors_without_dask_or_scheduler(monkeypatch: pytest.MonkeyPatch) -> None:
    if not STOCKS.is_file():
        pytest.skip("shared data not present")
    argv = ["sweep", "--prices", str(STOCKS), "--lookbacks", "60:60:1", "--vol-spans", "20"]
    assert "tcp://HOST:PORT" in cli_fails([*argv, "--scheduler", "127.0.0.1:1"])
    assert "tcp://HOST:PORT" in cli_fails([*argv, "--dask", "remote:2"])
    assert "whole number of workers" in cli_fails([*argv, "--dask", "local:0"])
    assert "cannot reach the Dask scheduler" in cli_fails(
        [*argv, "--scheduler", "tcp://127.0.0.1:9"]
    )
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    assert "pip install" in cli_fails([*argv, "--dask", "local:2"])
    report = ["report", "--preset", "fast", "--prices", str(STOCKS), "--out", "unused"]
    assert "pip install" in cli_fails([*report, "--dask", "local:2"])
