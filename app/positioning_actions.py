"""Triggers & Flows dock: trigger levels and flow estimates in a worker, as of the latest close
or of a date (typed, or the Event Replay dock's day) with what happened next (docs/methodology.md,
"As-of positioning"); the deleveraging simulator directly (a few multiplications), or in a
worker when its path starts at the VIX close of the as-of date."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from engine.jobs import Job, Progress

if TYPE_CHECKING:
    import pandas as pd

    from app.desk import Desk
    from engine.data.store import MarketStore
    from widgets.positioning_panel import PositioningPanel, PositioningRequest
    from widgets.strategy_panel import StrategyPanel

FOLLOW_MS = 300
"""Shortest time between two refreshes that follow the replay day (its slider moves faster)."""


def positioning_job(
    store_path: Path,
    symbols: list[str],
    signals: str,
    aum: float,
    params: dict,
    sigmas: float,
    asof: str = "",
    vix_path: Sequence[float] | None = None,
    delev: tuple[float, float] | None = None,
) -> Job[dict[str, Any]]:
    """Job: trigger levels and flow scenarios, the flows sized by the backtest of ``params``;
    with ``asof`` (ISO date) on the data up to that date's close only, with what happened next
    and, given ``delev`` (vol target, max leverage), the VIX path from that day's VIX close
    followed by ``vix_path``. Data the study cannot run on gives {"error": reason}."""
    from engine.data.store import MarketStore
    from engine.flows import estimate_flows
    from engine.trigger_specs import parse_signals
    from engine.triggers import trigger_levels

    specs = parse_signals(signals)  # bad text fails here, before any I/O
    yield Progress(0.0, "Loading prices")
    store = MarketStore(store_path)
    full = store.read_closes(symbols)
    span = {"first": f"{full.index[0]:%Y-%m-%d}", "last": f"{full.index[-1]:%Y-%m-%d}"}
    try:
        prices, when, fields = _cut(full, asof)
        yield Progress(20.0, "Trigger levels")
        triggers = trigger_levels(prices, specs)
        yield Progress(45.0, "Flow scenarios")
        flows = estimate_flows(prices, aum, params, sigmas)
    except ValueError as exc:
        return {"error": str(exc), **span}
    out = {"triggers": triggers, "flows": flows, "date": f"{prices.index[-1]:%Y-%m-%d}", **span}
    if when is None:
        return out
    yield Progress(85.0, "What happened next")
    out.update(fields)
    out["next"] = _next(triggers, flows, prices, full, when.date)
    if delev is not None:
        yield Progress(95.0, "VIX path")
        out["deleverage"] = deleverage_asof(store, asof, vix_path or [], *delev, aum)
    return out


def _cut(full: pd.DataFrame, asof: str) -> tuple[pd.DataFrame, Any, dict[str, Any]]:
    """(prices up to the as-of close, AsOf or None, the ``asof`` output fields), as the CLI's
    ``--asof`` cuts them."""
    from engine.asof import asof_date, truncate

    if not asof:
        return full, None, {}
    try:
        when = asof_date(full.index, asof)
    except ValueError as exc:
        raise ValueError(_asof_message(exc)) from None
    cut, later = truncate(full, when)
    fields = {"asof": {**when.as_dict(), "last": f"{when.data_end:%Y-%m-%d}", "not_yet": later}}
    return cut, when, fields


def _asof_message(exc: ValueError) -> str:
    """The engine's --asof message in the dock's words."""
    return f"As of {str(exc).removeprefix('--asof ')}: pick a later date or press Latest"


def _next(
    triggers: list[dict[str, Any]],
    flows: dict[str, Any],
    prices: pd.DataFrame,
    full: pd.DataFrame,
    date: pd.Timestamp,
) -> dict[str, Any] | None:
    """What followed the as-of close: the CLI's ``next`` of triggers and flows (None when the
    data ends at the date), with each trigger's next close date and the Next tab's rows."""
    from engine.asof import NEXT_HORIZONS, flow_outcomes, trigger_outcomes, what_happened_next
    from engine.flows import HORIZONS

    moves = what_happened_next(full, date)
    if moves is None:
        return None
    outcomes = trigger_outcomes(triggers, full, date)
    for outcome in outcomes:
        first = moves.get(outcome["symbol"], {}).get("1d")
        outcome["next_date"] = first["date"] if first else None
    flow_next = flow_outcomes(flows, prices, full, date)
    label = {days: name for name, days in HORIZONS.items()}
    rows = []
    for symbol, move in moves.items():
        flow = flow_next.get(symbol, {})
        flip = flow.get("blend_flip")
        for h in NEXT_HORIZONS:
            step = move[f"{h}d"]
            if step is None:
                continue
            scenario = flow.get("moves", {}).get(label.get(h, ""))
            reached = None
            if flip is not None:
                hit = flip["first_day"] is not None and flip["first_day"] <= h
                reached = flip["first_date"] if hit else ""
            rows.append(
                {
                    "symbol": symbol,
                    "after": h,
                    "date": step["date"],
                    "close": step["close"],
                    "return": step["return"],
                    "move_sigmas": scenario["move_sigmas"] if scenario else None,
                    "nearest": scenario["nearest_scenario"] if scenario else None,
                    "flip": flip["price"] if flip else None,
                    "reached": reached,
                }
            )
    return {
        "horizons": list(NEXT_HORIZONS),
        "instruments": moves,
        "triggers": outcomes,
        "flows": flow_next,
        "rows": rows,
    }


def deleverage_asof(
    store: MarketStore,
    asof: str,
    path: Sequence[float],
    target: float,
    cap: float,
    aum: float,
) -> dict[str, Any]:
    """``ctadesk-cli deleverage --asof ASOF --vix <the store's VIX> --vix-path PATH``: the path
    from the VIX close on the as-of date on, and the real closes that followed (``next``);
    {"error": reason} when the store has no VIX or none by then."""
    from engine.asof import asof_date, deleverage_next
    from engine.data.symbols import pick_vix_symbol
    from engine.deleverage import deleverage_path

    symbol = pick_vix_symbol([s.as_dict() for s in store.list_series()])
    if symbol is None:
        return {
            "error": "No spot VIX in the store: import one (Data dock) to start the path at "
            "the as-of VIX close."
        }
    vix = store.read_closes([symbol]).iloc[:, 0].dropna()
    try:
        when = asof_date(vix.index, asof)
    except ValueError as exc:
        return {"error": f"{symbol}: {_asof_message(exc)}"}
    level = float(vix.loc[: when.date].iloc[-1])
    out = deleverage_path([level, *path], target, cap, aum)
    out["asof"] = {
        **when.as_dict(),
        "last": f"{when.data_end:%Y-%m-%d}",
        "vix": level,
        "symbol": symbol,
    }
    out["next"] = deleverage_next(vix, when.date, target, cap, aum)
    return out


def deleverage_job(
    store_path: Path, asof: str, path: Sequence[float], target: float, cap: float, aum: float
) -> Job[dict[str, Any]]:
    """Job: :func:`deleverage_asof` on the store."""
    from engine.data.store import MarketStore

    yield Progress(0.0, "Reading the VIX")
    return deleverage_asof(MarketStore(store_path), asof, path, target, cap, aum)


class PositioningController(QObject):
    """Runs one positioning job at a time: a request made while one runs waits, and only the
    latest such request runs next."""

    def __init__(
        self, desk: Desk, panel: PositioningPanel, strategy: StrategyPanel, store_path: Path
    ):
        super().__init__(desk)
        self.desk = desk
        self.panel = panel
        self.strategy = strategy
        self.store_path = store_path
        self.last: dict[str, Any] | None = None
        self.busy = False
        self.waiting: tuple[str, Callable[[], Job[dict[str, Any]]], Any] | None = None
        self.replay_day: str | None = None
        self.follow_timer = QTimer(self)
        self.follow_timer.setSingleShot(True)
        self.follow_timer.setInterval(FOLLOW_MS)
        self.follow_timer.timeout.connect(self._follow_refresh)
        panel.refresh_requested.connect(self.refresh)
        panel.deleverage_requested.connect(self.deleverage)
        panel.follow_changed.connect(self._follow_changed)

    # -- following the replay -----------------------------------------------------------
    def follow_replay_day(self, day: dict) -> None:
        """The Event Replay dock's day (its ``date``): while the dock follows the replay, the
        as-of date at once and a refresh at most every FOLLOW_MS (the latest day counts)."""
        self.replay_day = str(day["date"])
        if self.panel.follows_replay():
            self._follow()

    def _follow(self) -> None:
        if self.replay_day is None:
            return
        self.panel.set_asof(self.replay_day)
        if not self.follow_timer.isActive():
            self.follow_timer.start()

    def _follow_changed(self, on: bool) -> None:
        if on:
            self._follow()  # the replay's current day, if there is one
        else:
            self.follow_timer.stop()

    def _follow_refresh(self) -> None:
        if self.panel.follows_replay():
            self.panel.refresh()

    # -- refresh ------------------------------------------------------------------------
    def refresh(self, request: PositioningRequest) -> None:
        from engine.deleverage import parse_vix_path
        from engine.presets import resolve
        from engine.trigger_specs import parse_signals

        symbols = self.strategy.symbols()
        if not symbols:
            self.panel.say("Tick instruments in the Strategy dock first.")
            return
        try:  # a typo is shown here, not as an error dialog from the worker
            parse_signals(request.signals)
        except ValueError as exc:
            self.panel.say(f"Signals: {exc}", error=True)
            return
        if problems := self.strategy.errors():  # what the Strategy dock shows inline
            self.panel.say(f"Strategy: {'; '.join(problems)}", error=True)
            return
        try:  # the Strategy dock's strategy, at this dock's vol target
            params = resolve(
                self.strategy.preset, {**self.strategy.values(), "vol_target": request.target}
            )
        except ValueError as exc:
            self.panel.say(f"Strategy: {exc}", error=True)
            return
        delev, path = None, None
        if request.asof:  # the VIX path from the as-of VIX close, unless its text is wrong
            try:
                path = parse_vix_path(request.vix_path)
                delev = (request.delev_target, request.delev_cap)
            except ValueError as exc:
                self.panel.say_deleverage_error(f"VIX path: {exc}")

        def done(out: dict[str, Any]) -> None:
            if "error" in out:
                self.last = None
                self.panel.show_error(out["error"])
                return
            self.last = out
            self.panel.set_date_range(out["first"], out["last"])
            after = out.get("next")
            self.panel.show_triggers(out["triggers"], after["triggers"] if after else None)
            self.panel.show_flows(out["flows"])
            asof = out.get("asof")
            self.panel.show_next(after["rows"] if after else None, asof["date"] if asof else "")
            near = sum(1 for r in out["triggers"] if abs(r["distance_sigma"]) <= 1.0)
            self.panel.show_summary(
                asof, out["date"], len(out["triggers"]), near, out["flows"].get("skipped", {})
            )
            if "deleverage" in out:
                self._show_deleverage(out["deleverage"], request.aum)
            elif not asof:  # the simulator as of the latest close too
                self.deleverage(request.vix_path, request.delev_target, request.delev_cap)

        def job() -> Job[dict[str, Any]]:
            return positioning_job(
                self.store_path, symbols, request.signals, request.aum, params, request.sigmas,
                request.asof, path, delev,
            )  # fmt: skip

        self._run("Triggers and flows", job, done)

    def _run(
        self, name: str, job: Callable[[], Job[dict[str, Any]]], done: Callable[[Any], Any]
    ) -> None:
        """Start the job, or keep it as the one to run when the running one finishes."""
        if self.busy:
            self.waiting = (name, job, done)
            return
        self.busy = True
        self.desk.run_job(name, job, done, on_finished=self._finished)

    def _finished(self) -> None:
        self.busy = False
        if self.waiting is not None:
            waiting, self.waiting = self.waiting, None
            self._run(*waiting)

    # -- deleveraging -------------------------------------------------------------------
    def deleverage(self, path: str, target: float, cap: float, asof: str = "") -> None:
        from engine.deleverage import deleverage_path, parse_vix_path

        aum = self.panel.aum()
        try:
            vols = parse_vix_path(path)
            if asof:
                self.desk.run_job(
                    "VIX path as of",
                    lambda: deleverage_job(self.store_path, asof, vols, target, cap, aum),
                    lambda out: self._show_deleverage(out, aum),
                )
                return
            out = deleverage_path(vols, target, cap)
        except ValueError as exc:
            self.panel.say_deleverage_error(f"VIX path: {exc}")
            return
        self.panel.show_deleverage(out, aum)

    def _show_deleverage(self, out: dict[str, Any], aum: float) -> None:
        if "error" in out:
            self.panel.say_deleverage_error(out["error"])
        else:
            self.panel.show_deleverage(out, aum)
