"""Runs the Sweep dock's grid in a worker on the Strategy dock's universe and parameters."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings

from engine.data.symbols import pick_vix_symbol
from engine.jobs import Job, Progress

if TYPE_CHECKING:
    from app.desk import Desk
    from app.strategy_actions import StrategyController
    from app.workers import Worker
    from widgets.strategy_panel import StrategyPanel
    from widgets.sweep_panel import SweepPanel

log = logging.getLogger(__name__)
KEY_SCHEDULER = "cluster/scheduler"  # "local:N" or "tcp://HOST:PORT"
KEY_ON_CLUSTER = "cluster/enabled"


def sweep_run_job(
    store_path: Path,
    grid: dict,
    base: dict,
    symbols: list[str],
    cluster: str | None = None,
    period: dict[str, str | None] | None = None,
    vix_symbol: str | None = None,
) -> Job[dict]:
    """Job: the grid sweep of ``base`` (a full parameter set) on the store's closes, each
    instrument on its own calendar, over ``period``, in process or on Dask at ``cluster``.
    The VIX (for vol_method=vix) and the macro indicator come from the store as in a run."""
    from engine.data.store import MarketStore
    from engine.sweep import grid_sweep_job

    yield Progress(0.0, "Loading prices")
    store = MarketStore(store_path)
    prices = store.read_closes(symbols)
    period = period or {}
    if cluster is None:
        vix = store.read(vix_symbol, ["close"])["close"] if vix_symbol else None
        macro = base["macro_symbol"]
        macro_series = store.read(macro, ["close"])["close"] if macro else None
        out = yield from grid_sweep_job(
            prices, grid, base, vix=vix, macro_series=macro_series, **period
        )
    else:
        from engine.cluster import cluster_client, cluster_sweep_job

        yield Progress(0.0, f"Connecting to Dask ({cluster})")
        with cluster_client(cluster) as client:
            out = yield from cluster_sweep_job(client, prices, grid, base, **period)
    out["days"] = len(prices)
    out["instruments"] = prices.shape[1]
    return out


def cell_label(preset: str, values: dict[str, Any]) -> str:
    """A run's name after what it runs: the preset and the cell's parameter values."""
    return f"{preset} " + ", ".join(f"{k}={v:g}" for k, v in values.items())


class SweepController(QObject):
    """Sweep dock -> worker -> heatmap; a clicked cell becomes a Strategy backtest."""

    def __init__(
        self,
        desk: Desk,
        sweep: SweepPanel,
        strategy: StrategyPanel,
        runner: StrategyController,
        settings: QSettings,
    ) -> None:
        super().__init__(desk)
        self.desk = desk
        self.settings = settings
        self.sweep = sweep
        self.strategy = strategy
        self.runner = runner
        self.worker: Worker | None = None
        self.last: dict[str, Any] | None = None
        sweep.run_requested.connect(self.run)
        sweep.cancel_requested.connect(lambda: self.worker.cancel() if self.worker else None)
        sweep.cell_chosen.connect(self.backtest_cell)
        strategy.rule_changed.connect(self.set_rule)
        self.set_rule(strategy.preset, str(strategy.values()["signal"]))
        sweep.set_cluster(
            str(settings.value(KEY_ON_CLUSTER, "false")) == "true",
            str(settings.value(KEY_SCHEDULER, "") or ""),
        )
        sweep.cluster_changed.connect(self._remember_cluster)

    def set_rule(self, preset: str, signal: str) -> None:
        """Offer the parameters the Strategy dock's rule can sweep, with default ranges."""
        from engine.presets import parameter_specs
        from engine.sweep import sweep_axes

        if signal not in parameter_specs()["signal"].choices:
            return
        specs = parameter_specs()
        axes = sweep_axes(signal)
        self.sweep.set_axes(
            f"{preset} ({signal})", axes, {name: specs[name].sweep for name in axes}
        )

    def _remember_cluster(self, on: bool, scheduler: str) -> None:
        self.settings.setValue(KEY_ON_CLUSTER, "true" if on else "false")
        self.settings.setValue(KEY_SCHEDULER, scheduler)

    def run(self, grid: dict) -> None:
        from engine.presets import resolve
        from engine.sweep import parse_grid, uses_fused_kernel

        preset, symbols = self.strategy.preset, self.strategy.symbols()
        if problems := self.strategy.errors():  # what the Strategy dock shows inline
            self.sweep.say(f"Strategy: {'; '.join(problems)}", error=True)
            return
        try:
            grid = parse_grid(grid)  # out-of-range values are said here, before any work
            base = resolve(preset, self.strategy.values())
            period = self.strategy.period()
        except ValueError as exc:
            self.sweep.say(str(exc), error=True)
            return
        if not symbols:
            self.sweep.say("tick instruments in the Strategy dock", error=True)
            return
        n = 1
        for values in grid.values():
            n *= len(values)
        cluster = self.sweep.cluster()
        vix_symbol = pick_vix_symbol(self.runner.rows)
        if cluster is not None:
            self.settings.setValue(KEY_SCHEDULER, self.sweep.scheduler())
            if not uses_fused_kernel(base, grid):
                self.sweep.say(
                    f"the cluster runs TSMOM sweeps; {preset} ({base['signal']}) sweeps "
                    "run here: untick Run on cluster",
                    error=True,
                )
                return
        self.sweep.set_running(True)

        def done(out: dict) -> None:
            self.last = {"grid": grid, "preset": preset, "base": base, **out}
            note = (
                f"{preset} sweep ({out['engine']}) of {out['n_combos']:,} combinations on "
                f"{out['instruments']} instruments x {out['days']:,} days "
                f"in {out['compute_seconds']:.2f} s"
            )
            if "workers" in out:
                note += (
                    f" on {out['workers']} Dask workers ({cluster}, {out['chunks']} "
                    f"task{'s' if out['chunks'] != 1 else ''}, "
                    f"{out['wall_seconds']:.2f} s wall)"
                )
            self.sweep.show_results(grid, out["results"], note)
            log.info(note)

        self.worker = self.desk.run_job(
            f"Sweep {preset}: {n:,} combinations" + (f" on {cluster}" if cluster else ""),
            lambda: sweep_run_job(
                self.runner.store_path, grid, base, symbols, cluster, period, vix_symbol
            ),
            done,
            on_finished=lambda: self.sweep.set_running(False),
        )

    def backtest_cell(self, values: dict[str, float]) -> None:
        """Backtest the swept strategy with the cell's values: the sweep's own preset and
        parameters (as they were when it ran), the cell's values put into the form."""
        if self.last is None:
            return
        preset = self.last["preset"]
        if self.strategy.preset != preset:
            self.strategy.select_preset(preset)
        self.strategy.set_values({**self.last["base"], **values})
        self.runner.run(
            preset, self.strategy.values(), self.strategy.symbols(), cell_label(preset, values)
        )
