"""Event Replay dock: runs a replay in a worker on the store's data; the VIX gauge and the
rule-of-16 panel follow the replayed day."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject

from engine.jobs import Job, Progress

if TYPE_CHECKING:
    from app.desk import Desk
    from engine.events import ReplayData
    from widgets.equity_panel import EquityPanel
    from widgets.event_panel import EventPanel
    from widgets.regime_panel import RegimePanel
    from widgets.rule16_panel import Rule16Panel
    from widgets.strategy_panel import StrategyPanel


def replay_run_job(
    store_path: Path,
    name: str,
    preset: str,
    data: ReplayData,
    values: dict | None = None,
) -> Job[dict[str, Any]]:
    """Job: replay event ``name`` with the Strategy dock's preset and ``values`` on the store
    series in ``data``. Data that cannot cover the event gives {"error": reason} (shown in
    the dock), not an exception."""
    from engine.data.store import MarketStore
    from engine.events import get_event
    from engine.replay import replay_job

    yield Progress(0.0, "Loading prices")
    store = MarketStore(store_path)
    prices = store.read_closes(list(data.prices))
    vix = store.read(data.vix, ["close"])["close"]
    index = store.read(data.index, ["close"])["close"] if data.index else None
    try:
        out = yield from replay_job(
            get_event(name), prices, vix, index, preset, overrides=values, data_label=data.label
        )
    except ValueError as exc:
        return {"error": str(exc), "event": name}
    out["data"] = {"prices": list(data.prices), "vix": data.vix, "index": data.index}
    return out


class EventController(QObject):
    def __init__(
        self,
        desk: Desk,
        panel: EventPanel,
        strategy: StrategyPanel,
        regime: RegimePanel,
        rule16: Rule16Panel,
        equity: EquityPanel,
        store_path: Path,
    ) -> None:
        super().__init__(desk)
        self.desk = desk
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
        """The store's series changed: grey out the events its VIX series cannot cover."""
        from engine.events import coverage, events

        self.rows = rows
        self.panel.set_coverage({name: coverage(event, rows) for name, event in events().items()})

    def run(self, name: str) -> None:
        from engine.events import get_event, pick_replay_data

        symbols = self.strategy.symbols()
        if problems := self.strategy.errors():  # what the Strategy dock shows inline
            self.panel.show_error(f"Strategy: {'; '.join(problems)}")
            return
        if not symbols:
            self.panel.show_error("Tick instruments in the Strategy dock first.")
            return
        try:  # the data is checked here: a replay it cannot cover is said in the dock
            data = pick_replay_data(
                get_event(name),
                self.rows,
                symbols,
                self.strategy.values()["equity_index"],
                fallback=True,
            )
        except ValueError as exc:
            self.panel.show_error(str(exc))
            return

        def done(out: dict[str, Any]) -> None:
            if "error" in out:
                self.last = None
                self.panel.show_error(out["error"])
                return
            out["data_note"] = data.note
            self.last = out
            self.panel.show_replay(out)

        self.panel.show_running(name)
        self.desk.run_job(
            f"Replay {name}",
            lambda: replay_run_job(
                self.store_path, name, self.strategy.preset, data, self.strategy.values()
            ),
            done,
        )

    def follow(self, day: dict[str, Any]) -> None:
        """The gauge and the rule-of-16 panel show the replayed day."""
        if math.isfinite(day["vix"]):  # the last close on or before the day, with its date
            self.regime.set_vix(day["vix"], day["vix_date"])
            self.rule16.set_vix(day["vix"], day["vix_date"])
        if "index" in day and math.isfinite(day["index"]) and day["index"] > 0:
            self.rule16.set_level(day["index"], day.get("index_date"))
        seconds = float(np.datetime64(day["date"]).astype("datetime64[s]").astype(np.float64))
        self.equity.show_date(seconds)
