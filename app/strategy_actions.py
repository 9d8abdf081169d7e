"""Runs backtests for the Strategy dock in workers and feeds the Equity and Statistics docks."""

from __future__ import annotations

import html
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine.jobs import Job, Progress
from engine.vix import DEFAULT_ZONES, ZoneThresholds

if TYPE_CHECKING:
    import pandas as pd

    from app.desk import Desk
    from app.workers import Worker
    from engine.data.store import MarketStore
    from widgets.equity_panel import EquityPanel, EquitySeries
    from widgets.stats_panel import RunMetrics, StatsPanel
    from widgets.strategy_panel import StrategyPanel

log = logging.getLogger(__name__)


@dataclass
class RunOutput:
    """A finished backtest, ready for the panels; ``vix`` and ``index_closes`` (None when
    absent) let its VIX statistics be redone under other zone thresholds."""

    title: str
    series: EquitySeries
    metrics: dict[str, float]
    by_zone: dict[str, dict[str, float]] | None
    extras: dict[str, Any] = field(default_factory=dict)
    result: Any = None
    thresholds: ZoneThresholds = DEFAULT_ZONES
    vix: pd.Series | None = None
    index_closes: pd.Series | None = None


@dataclass
class ZoneView:
    """A run's VIX statistics under some zone thresholds."""

    thresholds: ZoneThresholds
    by_zone: dict[str, dict[str, float]]
    regime_correlation: dict[str, float] | None
    stressed: np.ndarray


def stress_mask(vix: Any, index: Any, thresholds: ZoneThresholds) -> np.ndarray:
    """True on the days whose previous VIX close was at or above the fear threshold (the fear
    and panic zones; metrics.previous_vix, as the by-zone tables)."""
    from engine.metrics import previous_vix

    aligned = previous_vix(vix, index).to_numpy()
    return np.nan_to_num(aligned, nan=0.0) >= thresholds.lower_bound("fear")


def zone_view_job(out: RunOutput, thresholds: ZoneThresholds) -> Job[ZoneView]:
    """Job: the by-zone table, calm/stressed correlation and stress days of a finished run
    under ``thresholds`` (what its backtest gives with them)."""
    from engine import metrics

    yield Progress(0.0, "VIX zone statistics")
    returns = out.result.returns
    days = out.result.params["annualisation"]
    correlation = None
    if out.index_closes is not None:
        correlation = metrics.regime_correlation(returns, out.index_closes, out.vix, thresholds)
    return ZoneView(
        thresholds,
        metrics.by_vix_zone(returns, out.vix, thresholds, days),
        correlation,
        stress_mask(out.vix, returns.index, thresholds),
    )


def backtest_run_job(
    store_path: Path,
    preset: str,
    values: dict,
    symbols: list[str],
    vix_symbol: str | None,
    label: str,
    thresholds: ZoneThresholds = DEFAULT_ZONES,
    period: dict[str, str | None] | None = None,
) -> Job[RunOutput]:
    """Job: read prices from the store, run the preset, prepare chart arrays and tables; the
    VIX statistics use the zone ``thresholds``; metrics cover ``period`` (start, end)."""
    from engine import metrics
    from engine.backtest import backtest_job, benchmark_equity
    from engine.data.store import MarketStore
    from engine.equity_index import no_index_message
    from engine.mixer import mixer_legs
    from engine.presets import resolve
    from engine.sleeves import MIXER_STEPS
    from widgets.equity_panel import EquitySeries

    yield Progress(0.0, "Loading prices")
    params = resolve(preset, values)
    store = MarketStore(store_path)
    prices = _closes(store, symbols)
    vix = store.read(vix_symbol, ["close"])["close"] if vix_symbol else None
    macro = (
        store.read(params["macro_symbol"], ["close"])["close"] if params["macro_symbol"] else None
    )
    bond = params["bond_leg"]  # a ticked bond future, or a yield series in the store
    bond_yield = (
        store.read(bond, ["close"])["close"].rename(bond) if bond not in ("", *symbols) else None
    )
    anatomy = None
    if params["vol_method"] == "adaptive":  # the store's VIX curve: docs/spike_anatomy.md
        from engine.spike_anatomy import backtest_anatomy_job

        anatomy = yield from backtest_anatomy_job(params, prices, vix, store)
    result = yield from backtest_job(
        prices,
        params,
        vix,
        macro,
        thresholds,
        bond_yield=bond_yield,
        anatomy=anatomy,
        **(period or {}),
    )
    equity = result.equity.to_numpy()
    peak = np.maximum.accumulate(np.r_[1.0, equity])[1:]
    seconds = result.returns.index.values.astype("datetime64[s]").astype(np.float64)
    extras = dict(result.extras)
    if "allocation_mixer" in extras:  # 1% steps for the slider, on the same legs
        leg = bond if bond_yield is None else bond_yield
        stocks, bonds, legs = mixer_legs(prices, result.modes, result.equity_index, leg)
        extras["allocation_mixer"] = metrics.allocation_mixer(
            result.returns, stocks, bonds, sleeves=MIXER_STEPS, days=params["annualisation"]
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
        stressed=stress_mask(vix, result.returns.index, thresholds) if vix is not None else None,
        vol_target=params["vol_target"],
        annualisation=params["annualisation"],
    )
    title = (
        f"<b>{label}</b>: {len(symbols)} instruments, {result.returns.index[0]:%Y-%m-%d} .. "
        f"{result.returns.index[-1]:%Y-%m-%d}, IDM {result.idm:.2f}"
        + (f", VIX {vix_symbol}" if vix_symbol else ", no VIX series loaded")
        + ("" if result.equity_index else f"<br>{html.escape(no_index_message(symbols))}")
    )
    index_closes = prices[result.equity_index] if "regime_correlation" in extras else None
    return RunOutput(
        title,
        series,
        result.metrics,
        result.by_vix_zone,
        extras,
        result,
        thresholds,
        vix,
        index_closes,
    )


_CLOSES: dict[tuple, pd.DataFrame] = {}
_CLOSES_LOCK = threading.Lock()  # held while reading: a run waits for a prefetch, not reads twice


def _closes(store: MarketStore, symbols: list[str]) -> pd.DataFrame:
    """The universe's closes, reused while the store is unchanged (the next run on the same
    universe skips the read); any committed write to the store changes its stamp."""
    key = (str(store.path), tuple(symbols), store.stamp())
    with _CLOSES_LOCK:
        closes = _CLOSES.get(key)
        if closes is None:
            closes = store.read_closes(symbols)
            _CLOSES.clear()  # one universe kept: the last one read
            _CLOSES[key] = closes
    return closes.copy()


def prefetch_job(store_path: Path, symbols: list[str]) -> Job[None]:
    """Job: read the universe's closes ahead of the first Run (the run then skips the read).
    A store that cannot be read is only logged here: the run itself reports it."""
    from engine.data.store import MarketStore, StoreError

    yield Progress(0.0, "Reading prices")
    try:
        _closes(MarketStore(store_path), symbols)
    except StoreError as exc:
        log.warning("prefetch of %d series skipped: %s", len(symbols), exc)


def run_metrics(out: RunOutput) -> RunMetrics:
    """A finished run as a column of the Statistics comparison."""
    from widgets.stats_panel import RunMetrics

    index = out.result.returns.index
    return RunMetrics(
        out.series.label, f"{index[0]:%Y-%m-%d}", f"{index[-1]:%Y-%m-%d}", out.metrics
    )


class StrategyController(QObject):
    """Strategy dock -> backtest worker -> Equity and Statistics docks. The VIX zone
    thresholds in effect (:meth:`set_thresholds`) drive the runs' VIX statistics."""

    run_finished = Signal(object)  # RunOutput

    def __init__(
        self,
        desk: Desk,
        strategy: StrategyPanel,
        equity: EquityPanel,
        stats: StatsPanel,
        store_path: Path,
    ) -> None:
        super().__init__(desk)
        self.desk = desk
        self.strategy = strategy
        self.equity = equity
        self.stats = stats
        self.store_path = store_path
        self.rows: list[dict[str, Any]] = []
        self.worker: Worker | None = None
        self.count = 0
        self.last: RunOutput | None = None
        self.outputs: list[RunOutput] = []  # the runs the Equity dock shows, oldest first
        self.thresholds = DEFAULT_ZONES
        strategy.run_requested.connect(self.run)
        strategy.cancel_requested.connect(self.cancel)
        equity.updated.connect(self._sync_runs)

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """Offer the store's series to the Strategy dock and read the ticked ones' closes in
        the background, so the first Run on them does not wait for the store."""
        self.rows = rows
        self.strategy.set_universe(rows)
        symbols = self.strategy.symbols()
        if symbols:
            self.desk.run_job(
                "Reading prices", lambda: prefetch_job(self.store_path, symbols), quiet=True
            )

    def run(self, preset: str, values: dict, symbols: list[str], name: str = "") -> None:
        """Backtest ``preset`` with the form's ``values``; the run is labelled ``name`` (the
        preset by default) and numbered."""
        from engine.data.symbols import pick_vix_symbol

        self.count += 1
        label = f"{name or preset} #{self.count}"
        vix_symbol = pick_vix_symbol(self.rows)
        thresholds = self.thresholds
        period = self.strategy.period()  # checked by the form before it asks for a run
        self.strategy.set_running(True)
        self.worker = self.desk.run_job(
            f"Backtest {label}",
            lambda: backtest_run_job(
                self.store_path, preset, values, symbols, vix_symbol, label, thresholds, period
            ),
            self._done,
            on_finished=lambda: self.strategy.set_running(False),
        )

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.cancel()

    def set_thresholds(self, thresholds: ZoneThresholds) -> None:
        """Use ``thresholds`` for the next runs and redo the latest run's VIX statistics (by-zone
        table, calm/stressed correlation, stress shading) with them."""
        self.thresholds = thresholds
        out = self.last
        if out is None or out.vix is None or out.thresholds == thresholds:
            return
        self.desk.run_job(
            "VIX zone statistics",
            lambda: zone_view_job(out, thresholds),
            lambda view: self._show_zones(out, view),
            quiet=True,
        )

    def _show_zones(self, out: RunOutput, view: ZoneView) -> None:
        if view.thresholds != self.thresholds:  # edited again since: a newer job follows
            return
        out.thresholds, out.by_zone = view.thresholds, view.by_zone
        if view.regime_correlation is not None:
            out.extras["regime_correlation"] = view.regime_correlation
        self.equity.set_stress(out.series, view.stressed)
        if out is self.last:
            self._show_stats(out)

    def _show_stats(self, out: RunOutput) -> None:
        self.stats.show_stats(out.title, out.metrics, out.by_zone, out.extras, out.thresholds)

    def _sync_runs(self) -> None:
        """Keep :attr:`outputs` to the runs the Equity dock shows (it drops the oldest beyond
        five, and clears) and the Statistics comparison in step with them."""
        shown = self.equity.runs
        self.outputs = [o for o in self.outputs if any(o.series is s for s in shown)]
        self.stats.show_comparison([run_metrics(o) for o in self.outputs])

    def _done(self, out: RunOutput) -> None:
        self.last = out
        self.outputs.append(out)
        self.equity.add_run(out.series)
        self._show_stats(out)
        log.info("backtest %s: Sharpe %.2f", out.series.label, out.metrics["sharpe"])
        self.run_finished.emit(out)
        if out.thresholds != self.thresholds:  # changed while the run was on its way
            self.set_thresholds(self.thresholds)
