"""Event Replay dock: runs a replay in a worker on the store's data; the VIX gauge and the
rule-of-16 panel follow the replayed day."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject

from engine.jobs import Job, Progress
from widgets.equity_panel import EquityPanel
from widgets.event_panel import EventPanel
from widgets.regime_panel import RegimePanel
from widgets.rule16_panel import Rule16Panel
from widgets.strategy_panel import StrategyPanel

if TYPE_CHECKING:
    from app.mainwindow import MainWindow


def replay_run_job(
    store_path: Path,
    name: str,
    preset: str,
    symbols: list[str],
    vix_symbol: str,
    index_symbol: str | None,
    values: dict | None = None,
) -> Job[dict[str, Any]]:
    """Job: replay event ``name`` with the Strategy dock's preset and ``values``."""
    from engine.data.store import MarketStore
    from engine.events import get_event, replay_job

    yield Progress(0.0, "Loading prices")
    store = MarketStore(store_path)
    prices = store.read_closes(symbols)
    vix = store.read(vix_symbol, ["close"])["close"]
    index = store.read(index_symbol, ["close"])["close"] if index_symbol else None
    return (yield from replay_job(get_event(name), prices, vix, index, preset, overrides=values))


class EventController(QObject):
    def __init__(
        self,
        window: MainWindow,
        panel: EventPanel,
        strategy: StrategyPanel,
        regime: RegimePanel,
        rule16: Rule16Panel,
        equity: EquityPanel,
        store_path: Path,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.panel = panel
        self.strategy = strategy
        self.regime = regime
        self.rule16 = rule16
        self.equity = equity
        self.store_path = store_path
        self.rows: list[dict[str, Any]] = []
        self.last: dict[str, Any] | None = None
        panel.run_requested.connect(self.run)
        panel.day_changed.connect(self.follow)

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def run(self, name: str) -> None:
        from engine.data.store import pick_vix_symbol
        from engine.equity_index import pick_equity_index

        vix_symbol = pick_vix_symbol(self.rows)
        indices = [r["symbol"] for r in self.rows if r["kind"] == "index"]
        index_symbol = self.strategy.values()["equity_index"] or pick_equity_index(indices)
        symbols = self.strategy.symbols()
        if vix_symbol is None or not symbols:
            self.panel.readout.setText(
                "Load a VIX series and tick instruments in the Strategy dock first."
            )
            return

        def done(out: dict[str, Any]) -> None:
            self.last = out
            self.panel.show_replay(out)

        self.window.run_job(
            f"Replay {name}",
            lambda: replay_run_job(
                self.store_path,
                name,
                self.strategy.preset,
                symbols,
                vix_symbol,
                index_symbol,
                self.strategy.values(),
            ),
            done,
        )

    def follow(self, day: dict[str, Any]) -> None:
        """The gauge and the rule-of-16 panel show the replayed day."""
        if math.isfinite(day["vix"]):
            self.regime.set_vix(day["vix"])
            self.rule16.set_vix(day["vix"])
        if "index" in day and math.isfinite(day["index"]) and day["index"] > 0:
            self.rule16.set_level(day["index"])
        seconds = float(np.datetime64(day["date"]).astype("datetime64[s]").astype(np.float64))
        self.equity.show_date(seconds)
