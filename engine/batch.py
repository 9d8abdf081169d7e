"""Batch backtests: presets x universes, run in this process or on a Dask cluster
(:func:`engine.cluster.cluster_batch_job`). A run that fails on its inputs (a ValueError from
the engine, such as a preset needing a series the universe lacks) is reported with its
message and the others go on; any other exception stops the batch."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from engine.backtest import BacktestResult, backtest_job
from engine.jobs import Job, Progress, run_job
from engine.vix import DEFAULT_ZONES, ZoneThresholds


@dataclass(frozen=True)
class BatchRun:
    """One backtest of a batch: a preset's resolved parameters on a named universe."""

    preset: str
    universe: str
    params: dict

    @property
    def name(self) -> str:
        return f"{self.preset} on {self.universe}"


@dataclass
class BatchInputs:
    """The data the runs draw from: closes and VIX (if any) per universe, macro series by
    symbol, the metrics window and the VIX zone thresholds of the by-zone statistics."""

    prices: dict[str, pd.DataFrame]
    vix: dict[str, pd.Series] = field(default_factory=dict)
    macro: dict[str, pd.Series] = field(default_factory=dict)
    period: dict[str, str | None] = field(default_factory=dict)  # start/end of the metrics
    thresholds: ZoneThresholds = DEFAULT_ZONES

    def macro_for(self, params: dict) -> pd.Series | None:
        return self.macro.get(params["macro_symbol"])


@dataclass
class BatchOutcome:
    """A finished run: its result, or the reason it could not run."""

    run: BatchRun
    result: BacktestResult | None
    error: str
    seconds: float


def backtest_task(
    prices: pd.DataFrame,
    params: dict,
    vix: pd.Series | None,
    macro: pd.Series | None,
    period: dict[str, str | None] | None = None,
    thresholds: ZoneThresholds = DEFAULT_ZONES,
) -> tuple[BacktestResult | None, str, float]:
    """One backtest as a task: (result, "", seconds), or (None, message, seconds) when the
    engine rejects the inputs. ``period`` holds the metrics window (start, end)."""
    start = time.perf_counter()
    try:
        result = run_job(backtest_job(prices, params, vix, macro, thresholds, **(period or {})))
    except ValueError as exc:
        return None, str(exc), time.perf_counter() - start
    return result, "", time.perf_counter() - start


def batch_job(runs: list[BatchRun], inputs: BatchInputs) -> Job[list[BatchOutcome]]:
    """Job: every run in turn in this thread; cancel takes effect between runs."""
    outcomes = []
    for i, run in enumerate(runs):
        yield Progress(100.0 * i / len(runs), f"Backtest {i + 1} of {len(runs)}: {run.name}")
        task = backtest_task(
            inputs.prices[run.universe],
            run.params,
            inputs.vix.get(run.universe),
            inputs.macro_for(run.params),
            inputs.period,
            inputs.thresholds,
        )
        outcomes.append(BatchOutcome(run, *task))
    yield Progress(100.0, f"{len(runs)} backtests done")
    return outcomes
