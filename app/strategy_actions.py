"""Runs backtests for the Strategy dock in workers and feeds the Equity and Statistics docks."""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine.data.store import pick_vix_symbol
from engine.jobs import Job, Progress
from widgets.equity_panel import EquityPanel, EquitySeries
from widgets.stats_panel import StatsPanel
from widgets.strategy_panel import StrategyPanel

if TYPE_CHECKING:
    from app.mainwindow import MainWindow
    from app.workers import Worker

log = logging.getLogger(__name__)

MIXER_SLEEVES = tuple(round(x / 100, 2) for x in range(0, 51))


@dataclass
class RunOutput:
    """A finished backtest, ready for the panels."""

    title: str
    series: EquitySeries
    metrics: dict[str, float]
    by_zone: dict[str, dict[str, float]] | None
    extras: dict[str, Any] = field(default_factory=dict)
    result: Any = None


def stress_mask(vix: Any, index: Any, level: float = 25.0) -> np.ndarray:
    """True on the days whose previous VIX close was >= ``level`` (fear and panic zones)."""
    aligned = vix.reindex(index, method="ffill").shift(1).to_numpy()
    return np.nan_to_num(aligned, nan=0.0) >= level


def backtest_run_job(
    store_path: Path,
    preset: str,
    values: dict,
    symbols: list[str],
    vix_symbol: str | None,
    label: str,
) -> Job[RunOutput]:
    """Job: read prices from the store, run the preset, prepare chart arrays and tables."""
    from engine import metrics
    from engine.backtest import backtest_job, benchmark_equity
    from engine.data.store import MarketStore
    from engine.equity_index import no_index_message
    from engine.mixer import mixer_legs
    from engine.presets import resolve

    yield Progress(0.0, "Loading prices")
    params = resolve(preset, values)
    store = MarketStore(store_path)
    prices = store.read_closes(symbols)
    vix = store.read(vix_symbol, ["close"])["close"] if vix_symbol else None
    macro = (
        store.read(params["macro_symbol"], ["close"])["close"] if params["macro_symbol"] else None
    )
    result = yield from backtest_job(prices, params, vix, macro)
    equity = result.equity.to_numpy()
    peak = np.maximum.accumulate(np.r_[1.0, equity])[1:]
    seconds = result.returns.index.values.astype("datetime64[s]").astype(np.float64)
    extras = dict(result.extras)
    if "allocation_mixer" in extras:  # 1% steps for the slider, on the same legs
        stocks, bonds, legs = mixer_legs(
            prices, result.modes, result.equity_index, result.params.get("bond_leg", "")
        )
        extras["allocation_mixer"] = metrics.allocation_mixer(
            result.returns, stocks, bonds, sleeves=MIXER_SLEEVES, days=params["annualisation"]
        )
        extras["allocation_mixer_legs"] = legs
    benchmark = benchmark_equity(result, prices)
    series = EquitySeries(
        label=label,
        seconds=seconds,
        equity=equity,
        drawdown=equity / peak - 1.0,
        leverage=result.gross_exposure.to_numpy(),
        benchmark=None if benchmark is None else benchmark.to_numpy(),
        benchmark_label=f"{result.equity_index} (benchmark)",
        stressed=stress_mask(vix, result.returns.index) if vix is not None else None,
    )
    title = (
        f"<b>{label}</b>: {len(symbols)} instruments, {result.returns.index[0]:%Y-%m-%d} .. "
        f"{result.returns.index[-1]:%Y-%m-%d}, IDM {result.idm:.2f}"
        + (f", VIX {vix_symbol}" if vix_symbol else ", no VIX series loaded")
        + ("" if result.equity_index else f"<br>{html.escape(no_index_message(symbols))}")
    )
    return RunOutput(title, series, result.metrics, result.by_vix_zone, extras, result)


class StrategyController(QObject):
    """Strategy dock -> backtest worker -> Equity and Statistics docks."""

    run_finished = Signal(object)  # RunOutput

    def __init__(
        self,
        window: MainWindow,
        strategy: StrategyPanel,
        equity: EquityPanel,
        stats: StatsPanel,
        store_path: Path,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.strategy = strategy
        self.equity = equity
        self.stats = stats
        self.store_path = store_path
        self.rows: list[dict[str, Any]] = []
        self.worker: Worker | None = None
        self.count = 0
        self.last: RunOutput | None = None
        strategy.run_requested.connect(self.run)
        strategy.cancel_requested.connect(self.cancel)

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.strategy.set_universe(rows)

    def run(self, preset: str, values: dict, symbols: list[str], name: str = "") -> None:
        """Backtest ``preset`` with the form's ``values``; the run is labelled ``name`` (the
        preset by default) and numbered."""
        self.count += 1
        label = f"{name or preset} #{self.count}"
        vix_symbol = pick_vix_symbol(self.rows)
        self.strategy.set_running(True)
        self.worker = self.window.run_job(
            f"Backtest {label}",
            lambda: backtest_run_job(self.store_path, preset, values, symbols, vix_symbol, label),
            self._done,
            on_finished=lambda: self.strategy.set_running(False),
        )

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def _done(self, out: RunOutput) -> None:
        self.last = out
        self.equity.add_run(out.series)
        self.stats.show_stats(out.title, out.metrics, out.by_zone, out.extras)
        log.info("backtest %s: Sharpe %.2f", out.series.label, out.metrics["sharpe"])
        self.run_finished.emit(out)
