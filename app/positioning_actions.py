"""Triggers & Flows dock: trigger levels and flow estimates in a worker; the deleveraging
simulator (a few multiplications) directly."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from engine.jobs import Job, Progress

if TYPE_CHECKING:
    from app.desk import Desk
    from widgets.positioning_panel import PositioningPanel
    from widgets.strategy_panel import StrategyPanel


def positioning_job(
    store_path: Path, symbols: list[str], signals: str, aum: float, params: dict, sigmas: float
) -> Job[dict[str, Any]]:
    """Job: trigger levels and flow scenarios, the flows sized by the backtest of ``params``."""
    from engine.data.store import MarketStore
    from engine.flows import estimate_flows
    from engine.trigger_specs import parse_signals
    from engine.triggers import trigger_levels

    specs = parse_signals(signals)  # bad text fails here, before any I/O
    yield Progress(0.0, "Loading prices")
    prices = MarketStore(store_path).read_closes(symbols)
    yield Progress(30.0, "Trigger levels")
    triggers = trigger_levels(prices, specs)
    yield Progress(60.0, "Flow scenarios")
    flows = estimate_flows(prices, aum, params, sigmas)
    return {"triggers": triggers, "flows": flows, "date": f"{prices.index[-1]:%Y-%m-%d}"}


class PositioningController(QObject):
    def __init__(
        self, desk: Desk, panel: PositioningPanel, strategy: StrategyPanel, store_path: Path
    ):
        super().__init__(desk)
        self.desk = desk
        self.panel = panel
        self.strategy = strategy
        self.store_path = store_path
        self.last: dict[str, Any] | None = None
        panel.refresh_requested.connect(self.refresh)
        panel.deleverage_requested.connect(self.deleverage)

    def refresh(self, signals: str, aum: float, target: float, sigmas: float) -> None:
        from engine.presets import resolve
        from engine.trigger_specs import parse_signals

        symbols = self.strategy.symbols()
        if not symbols:
            self.panel.say("Tick instruments in the Strategy dock first.")
            return
        try:  # a typo is shown here, not as an error dialog from the worker
            parse_signals(signals)
        except ValueError as exc:
            self.panel.say(f"Signals: {exc}", error=True)
            return

        def done(out: dict[str, Any]) -> None:
            self.last = out
            self.panel.show_triggers(out["triggers"])
            self.panel.show_flows(out["flows"])
            near = sum(1 for r in out["triggers"] if abs(r["distance_sigma"]) <= 1.0)
            if not out["flows"].get("skipped"):
                self.panel.say(
                    f"As of {out['date']}: {len(out['triggers'])} triggers, {near} within 1 sigma "
                    "(highlighted)."
                )

        if problems := self.strategy.errors():  # what the Strategy dock shows inline
            self.panel.say(f"Strategy: {'; '.join(problems)}", error=True)
            return
        try:  # the Strategy dock's strategy, at this dock's vol target
            params = resolve(self.strategy.preset, {**self.strategy.values(), "vol_target": target})
        except ValueError as exc:
            self.panel.say(f"Strategy: {exc}", error=True)
            return
        self.desk.run_job(
            "Triggers and flows",
            lambda: positioning_job(self.store_path, symbols, signals, aum, params, sigmas),
            done,
        )

    def deleverage(self, path: str, target: float, cap: float) -> None:
        from engine.deleverage import deleverage_path, parse_vix_path

        try:
            vols = parse_vix_path(path)
            out = deleverage_path(vols, target, cap)
        except ValueError as exc:
            self.panel.say_deleverage_error(f"VIX path: {exc}")
            return
        self.panel.show_deleverage(out, self.panel.aum())
