"""Regime Lab dock -> regime matrix, spike speed, dispersion, allocation and spike anatomy jobs,
run in workers on the Strategy dock's universe and period, the store's spot VIX, its VIX curve
(VX futures, VIX9D, VIX3M, VVIX) and its equity index; the results, and what stops a study (no
VIX, no index, a study the data cannot run), go back to the dock's tabs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from engine.data import DEMO_SOURCE
from engine.data.symbols import pick_vix_symbol
from engine.equity_index import pick_equity_index
from engine.jobs import Job, Progress
from engine.vix import DEFAULT_ZONES, ZoneThresholds

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    import pandas as pd

    from app.desk import Desk
    from app.workers import Worker
    from engine.data.store import MarketStore
    from widgets.regime_lab_panel import RegimeLabPanel
    from widgets.strategy_panel import StrategyPanel

TOP_MONTHS = 10
"""Months of largest dispersion listed (as ``ctadesk-cli dispersion``'s default --top)."""
NO_VIX = (
    "No spot VIX series in the store: import one in the Data dock (e.g. CBOE's VIX history, "
    "kind vix), then press Run again."
)
NO_INDEX = (
    "No equity index: import the S&P 500 in the Data dock (kind index, e.g. as SPX) or tick "
    "an S&P 500 future in the Strategy dock, then press Run anatomy."
)
CURVE_INDICES = ("VIX9D", "VIX3M", "VVIX")
"""The CBOE indices the spike score reads besides the spot VIX and the VX futures."""


@dataclass(frozen=True)
class LabInputs:
    """What a study runs on: the Strategy dock's universe, period, preset and form values; the
    store's spot VIX and the equity index (a store symbol, None: the universe's own) with
    where it came from; ``demo`` when any of them is the synthetic demo."""

    symbols: tuple[str, ...]
    period: dict[str, str | None]
    preset: str
    values: dict[str, Any]
    vix: str | None
    index: str | None
    index_origin: str
    demo: bool


def pick_index(rows: list[dict[str, Any]], wanted: str = "") -> tuple[str | None, str]:
    """The equity index for spike speed and the allocation study, and where it comes from: the
    Strategy form's ``equity_index`` (a ticked instrument), else the store's index series named
    like the S&P 500 (real before demo: a price index, where a universe's equity future may be
    back-adjusted), else None (the universe's own, engine/equity_index.py)."""
    if wanted:
        return wanted, "the Strategy dock's equity_index"
    indices = [r for r in rows if r["kind"] == "index"]
    real = [r["symbol"] for r in indices if r.get("source") != DEMO_SOURCE]
    found = pick_equity_index(real) or pick_equity_index([r["symbol"] for r in indices])
    if found:
        return found, "the store's index series"
    return None, "the universe's equity index"


def _close(store: MarketStore, symbol: str) -> pd.Series:
    return store.read(symbol, ["close"])["close"].rename(symbol)


def _index_series(store: MarketStore, prices: pd.DataFrame, symbol: str | None) -> Any:
    """The index closes: a column of the prices, else the store's series; None stays None."""
    if symbol is None:
        return None
    return prices[symbol].dropna() if symbol in prices.columns else _close(store, symbol)


def matrix_run_job(
    store_path: Path,
    inputs: LabInputs,
    names: list[str],
    thresholds: ZoneThresholds,
    quintiles: bool,
) -> Job[dict[str, Any]]:
    """Job: the regime matrix of ``names`` on the store's prices and VIX; {"error": reason}
    when the data cannot run it (shown in the dock)."""
    from engine.data.store import MarketStore
    from engine.regime_matrix import regime_matrix_job

    yield Progress(0.0, "Loading prices")
    store = MarketStore(store_path)
    prices = store.read_closes(list(inputs.symbols))
    vix = _close(store, str(inputs.vix))
    try:
        matrix = yield from regime_matrix_job(
            prices, vix, names, thresholds, quintiles, **inputs.period
        )
    except ValueError as exc:
        return {"error": str(exc)}
    return {"matrix": matrix, "thresholds": thresholds}


def spikes_run_job(
    store_path: Path,
    inputs: LabInputs,
    names: list[str],
    lower: float,
    upper: float,
    fast_days: int,
) -> Job[dict[str, Any]]:
    """Job: the VIX episodes with the index's and each preset's returns (the dock's view of
    spike_speed.SpikeTable); {"error": reason} when the data cannot run it."""
    from engine.data.store import MarketStore
    from engine.spike_speed import spike_speed_job

    yield Progress(0.0, "Loading prices")
    store = MarketStore(store_path)
    prices = store.read_closes(list(inputs.symbols))
    vix = _close(store, str(inputs.vix))
    try:
        index = _index_series(store, prices, inputs.index)
        table = yield from spike_speed_job(
            vix, prices, names, index, lower, upper, fast_days, **inputs.period
        )
    except ValueError as exc:
        return {"error": str(exc)}
    return {
        "episodes": table.episodes,
        "summary": table.summary(),
        "presets": table.presets,
        "skipped": table.skipped,
        "index": table.index,
        "index_note": table.index_note,
        "lower": lower,
        "upper": upper,
        "fast_days": fast_days,
        "vix_range": (f"{vix.index[0]:%Y-%m-%d}", f"{vix.index[-1]:%Y-%m-%d}"),
    }


def dispersion_run_job(store_path: Path, inputs: LabInputs) -> Job[dict[str, Any]]:
    """Job: the dispersion report of the Strategy dock's preset and values; {"error": reason}
    when a variant cannot run on the data."""
    from engine.data.store import MarketStore
    from engine.dispersion import dispersion_job

    yield Progress(0.0, "Loading prices")
    prices = MarketStore(store_path).read_closes(list(inputs.symbols))
    try:
        result = yield from dispersion_job(prices, inputs.preset, inputs.values, **inputs.period)
    except ValueError as exc:
        return {"error": str(exc)}
    return {"report": result.report(TOP_MONTHS)}


def allocation_run_job(store_path: Path, inputs: LabInputs, step: float) -> Job[dict[str, Any]]:
    """Job: the allocation study of the Strategy dock's preset as the CTA sleeve, the equity
    index of ``inputs`` and the form's bond leg (a ticked bond future, or a 10-year yield
    series in the store, as a backtest reads it); ``claimed_sharpe``: the base Sharpe x 1.25
    (None when it is not positive). {"error": reason} when the data cannot run it."""
    from engine.allocation import CLAIMED_SHARPE_GAIN, allocation_job
    from engine.data.store import MarketStore
    from engine.presets import resolve

    yield Progress(0.0, "Loading prices")
    store = MarketStore(store_path)
    prices = store.read_closes(list(inputs.symbols))
    try:
        params = resolve(inputs.preset, inputs.values)
        equity = inputs.index
        if equity is not None and equity not in prices.columns:
            equity = _close(store, equity)
        bond = params["bond_leg"]
        bond_yield = _close(store, bond) if bond not in ("", *inputs.symbols) else None
        out = yield from allocation_job(prices, params, equity, bond_yield, step, **inputs.period)
    except ValueError as exc:
        return {"error": str(exc)}
    base = out["claim"]["sharpe_at_0"]
    out["claimed_sharpe"] = base * (1.0 + CLAIMED_SHARPE_GAIN) if base > 0 else None
    return out


@dataclass(frozen=True)
class AnatomyRun:
    """What the spike anatomy runs on: the store's spot VIX and equity index (with where the
    index came from); the Strategy dock's preset and form values (days a year, the EWMA the
    adaptive estimate may lean on); the adaptive source; the vol-control fund's target (a
    fraction) and exposure cap; ``demo`` when the VIX or the index is the synthetic demo."""

    vix: str
    index: str
    index_origin: str
    preset: str
    values: dict[str, Any]
    source: str
    target: float
    max_leverage: float
    demo: bool


def _points(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """A series as chart points: seconds since 1970 and float values."""
    import numpy as np

    days = series.index.to_numpy().astype("datetime64[s]").astype(np.float64)
    return days, series.to_numpy(dtype=float)


def no_score_message(found: dict[str, str | None]) -> str:
    """Why no day has a spike score, and what to import."""
    missing = [name for name in ("VX", *CURVE_INDICES) if not found[name]]
    lacks = f"; the store lacks {', '.join(missing)}" if missing else ""
    return (
        f"No day has a spike score: a score needs 4 of its 6 readings{lacks}. Import CFE's VX "
        "settlements (format long) and CBOE's VIX9D, VIX3M and VVIX histories in the Data dock "
        "(or File > Fetch online…), then press Run anatomy."
    )


def anatomy_run_job(store_path: Path, run: AnatomyRun) -> Job[dict[str, Any]]:
    """Job: every VIX episode's diagnostics, score, outcome and verdict, the score's record
    (engine/spike_anatomy.anatomy_job on the store's curve), and the vol-control fund on the
    index sized by the spot VIX and by the adaptive estimate (engine/adaptive_vol.py): its
    rows by spike day, its whole-period summary, the t-statistic of the adaptive fund's daily
    return minus the VIX fund's, and the chart's daily series. {"error": reason} when the data
    cannot run it."""
    from engine.adaptive_vol import TARGETS, index_comparison, vol_control_fund, vol_paths
    from engine.data.store import MarketStore
    from engine.presets import resolve
    from engine.regime_matrix import progress_within, t_stat
    from engine.spike_anatomy import anatomy_job, store_inputs

    yield Progress(0.0, "Reading the VIX curve")
    try:
        params = resolve(run.preset, {**run.values, "adaptive_source": run.source})
    except ValueError as exc:
        return {"error": f"Strategy: {exc}"}
    store = MarketStore(store_path)
    vix, index = _close(store, run.vix), _close(store, run.index)
    inputs, found = store_inputs(store, vix, index)
    anatomy = yield from progress_within(anatomy_job(inputs), 5.0, 90.0, "Spike anatomy")
    if anatomy.daily["score"].isna().all():
        return {"error": no_score_message(found)}
    yield Progress(90.0, "Vol-control fund")
    try:
        fund = index_comparison(anatomy, index, params, run.target, run.max_leverage)
        paths = vol_paths(anatomy, index, params)
    except ValueError as exc:
        return {"error": str(exc)}
    funds = {t: vol_control_fund(index, paths[t], run.target, run.max_leverage, t) for t in TARGETS}
    daily = anatomy.daily
    columns = {"vix": "vix", "front": "front_settle", "realised": "realised_10d", "score": "score"}
    series = {name: _points(daily[column]) for name, column in columns.items()}
    series |= {f"exposure_{t}": _points(funds[t]["exposure"]) for t in TARGETS}
    yield Progress(100.0, f"{len(anatomy.episodes)} episodes")
    return {
        "episodes": anatomy.episodes,
        "adaptive": {row["date"]: row for row in fund["episodes"]},
        "record": anatomy.record["labels"],
        "half": anatomy.record["half"],
        "fund": fund["summary"],
        "t_stat": t_stat((funds["adaptive"]["return"] - funds["vix"]["return"]).dropna()),
        "series": series,
        "found": found,
        "vix_range": (f"{vix.index[0]:%Y-%m-%d}", f"{vix.index[-1]:%Y-%m-%d}"),
    }


def _demo_prefix(inputs: LabInputs | AnatomyRun) -> str:
    return f"{DEMO_SOURCE} data. " if inputs.demo else ""


class RegimeLabController(QObject):
    """Runs the Regime Lab's studies on the Strategy dock's universe and the store's VIX. The
    zone thresholds in effect (:meth:`set_thresholds`) band the regime matrix."""

    def __init__(
        self, desk: Desk, panel: RegimeLabPanel, strategy: StrategyPanel, store_path: Path
    ) -> None:
        super().__init__(desk)
        self.desk = desk
        self.panel = panel
        self.strategy = strategy
        self.store_path = store_path
        self.rows: list[dict[str, Any]] = []
        self.thresholds = DEFAULT_ZONES
        self.matrix_thresholds: ZoneThresholds | None = None  # the bands shown
        self.results: dict[str, dict[str, Any]] = {}  # the latest result of each tab
        self.workers: dict[str, Worker] = {}
        panel.matrix_requested.connect(self.run_matrix)
        panel.spikes_requested.connect(self.run_spikes)
        panel.dispersion_requested.connect(self.run_dispersion)
        panel.allocation_requested.connect(self.run_allocation)
        panel.anatomy_requested.connect(self.run_anatomy)

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """The store's series changed: a store without a spot VIX is said where it is needed."""
        had_vix = pick_vix_symbol(self.rows) is not None or not self.rows
        self.rows = rows
        has_vix = pick_vix_symbol(rows) is not None
        for tab in ("matrix", "spikes", "anatomy"):
            if not has_vix:
                self.panel.say(tab, NO_VIX, error=True)
            elif not had_vix:
                self.panel.say(tab, "A spot VIX is in the store: press Run.")

    def set_thresholds(self, thresholds: ZoneThresholds) -> None:
        """Band the next regime matrix by ``thresholds`` (the VIX Regime dock's); a matrix shown
        with other bands says so."""
        self.thresholds = thresholds
        shown = self.matrix_thresholds
        if shown is not None and shown != thresholds:
            self.panel.say(
                "matrix",
                f"The VIX Regime dock's thresholds are now {_bounds(thresholds)}; the table "
                f"shows bands by {_bounds(shown)}: press Run matrix to use the new ones.",
            )

    # -- inputs -------------------------------------------------------------------------------
    def lab_inputs(self, tab: str, need_vix: bool = False) -> LabInputs | None:
        """What ``tab``'s study runs on, or None after saying in the tab what is missing."""
        if problems := self.strategy.errors():  # what the Strategy dock shows inline
            self.panel.say(tab, f"Strategy: {'; '.join(problems)}", error=True)
            return None
        symbols = self.strategy.symbols()
        if not symbols:
            self.panel.say(tab, "Tick instruments in the Strategy dock first.", error=True)
            return None
        vix = pick_vix_symbol(self.rows)
        if need_vix and vix is None:
            self.panel.say(tab, NO_VIX, error=True)
            return None
        values = self.strategy.values()
        index, origin = pick_index(self.rows, str(values.get("equity_index") or ""))
        used = {*symbols, vix, index}
        demo = any(r["symbol"] in used and r.get("source") == DEMO_SOURCE for r in self.rows)
        return LabInputs(
            tuple(symbols),
            self.strategy.period(),
            self.strategy.preset,
            values,
            vix,
            index,
            origin,
            demo,
        )

    def anatomy_run(self, options: dict[str, Any]) -> AnatomyRun | None:
        """What the spike anatomy runs on (``options``: source, target, max_leverage), or None
        after saying in its tab what is missing. The index is spike speed's (pick_index), else
        the S&P 500 among the Strategy dock's ticked instruments."""
        if problems := self.strategy.errors():
            self.panel.say("anatomy", f"Strategy: {'; '.join(problems)}", error=True)
            return None
        vix = pick_vix_symbol(self.rows)
        if vix is None:
            self.panel.say("anatomy", NO_VIX, error=True)
            return None
        values = self.strategy.values()
        index, origin = pick_index(self.rows, str(values.get("equity_index") or ""))
        if index is None:
            index = pick_equity_index(self.strategy.symbols())
            origin = "the Strategy dock's universe"
        if index is None:
            self.panel.say("anatomy", NO_INDEX, error=True)
            return None
        used = (vix, index)
        demo = any(r["symbol"] in used and r.get("source") == DEMO_SOURCE for r in self.rows)
        return AnatomyRun(
            vix,
            index,
            origin,
            self.strategy.preset,
            values,
            str(options["source"]),
            float(options["target"]),
            float(options["max_leverage"]),
            demo,
        )

    def _start(
        self,
        tab: str,
        name: str,
        factory: Callable[[], Job[dict[str, Any]]],
        show: Callable[[dict[str, Any]], None],
    ) -> None:
        """Run ``factory``'s job for ``tab``: its Run button waits; the result is shown, a
        study the data cannot run is said inline, a cancel or a failure is said in the tab."""
        self.panel.set_running(tab, True)

        def done(out: dict[str, Any]) -> None:
            if "error" in out:
                self.results.pop(tab, None)
                self.panel.show_error(tab, out["error"])
                return
            self.results[tab] = out
            show(out)

        def finished() -> None:
            self.panel.set_running(tab, False)
            outcome = self.workers[tab].outcome
            if outcome == "cancelled":
                self.panel.show_cancelled(tab)
            elif outcome == "error":
                self.panel.say(tab, f"{name} failed: the error dialog has the details.", True)

        self.workers[tab] = self.desk.run_job(name, factory, done, on_finished=finished)

    # -- the studies --------------------------------------------------------------------------
    def run_matrix(self, options: dict[str, Any]) -> None:
        """Regime matrix of the ticked presets (``options``: presets, quintiles)."""
        names = list(options["presets"])
        if not names:
            self.panel.say("matrix", "Tick at least one preset.", error=True)
            return
        inputs = self.lab_inputs("matrix", need_vix=True)
        if inputs is None:
            return
        thresholds, quintiles = self.thresholds, bool(options["quintiles"])

        def show(out: dict[str, Any]) -> None:
            matrix = out["matrix"]
            self.matrix_thresholds = out["thresholds"]
            first = min(f for f, _ in matrix.periods.values())
            last = max(la for _, la in matrix.periods.values())
            self.panel.show_matrix(
                matrix,
                f"{_demo_prefix(inputs)}{len(matrix.presets)} presets on "
                f"{len(inputs.symbols)} instruments, returns {first} .. {last}; bands by the "
                f"previous close of {inputs.vix}, zone thresholds {_bounds(out['thresholds'])}.",
            )
            if out["thresholds"] != self.thresholds:  # edited while the matrix ran
                self.set_thresholds(self.thresholds)

        self._start(
            "matrix",
            f"Regime matrix: {len(names)} presets",
            lambda: matrix_run_job(self.store_path, inputs, names, thresholds, quintiles),
            show,
        )

    def run_spikes(self, options: dict[str, Any]) -> None:
        """Spike speed (``options``: presets, lower, upper, fast_days)."""
        names = list(options["presets"])
        if not names:
            self.panel.say("spikes", "Tick at least one preset.", error=True)
            return
        lower, upper = float(options["lower"]), float(options["upper"])
        if not lower < upper:
            self.panel.say("spikes", f"From ({lower:g}) must be below To ({upper:g}).", error=True)
            return
        inputs = self.lab_inputs("spikes", need_vix=True)
        if inputs is None:
            return
        fast_days = int(options["fast_days"])

        def show(out: dict[str, Any]) -> None:
            first, last = out["vix_range"]
            index = (
                f"equity index {out['index']} ({inputs.index_origin})"
                if out["index"]
                else "no equity index"
            )
            self.panel.show_spikes(
                out,
                f"{_demo_prefix(inputs)}{len(out['episodes'])} episodes of {inputs.vix} "
                f"({first} .. {last}); presets on {len(inputs.symbols)} instruments; {index}.",
            )

        self._start(
            "spikes",
            f"Spike speed: {len(names)} presets",
            lambda: spikes_run_job(self.store_path, inputs, names, lower, upper, fast_days),
            show,
        )

    def run_dispersion(self) -> None:
        """Dispersion of the Strategy dock's preset across its model variants."""
        inputs = self.lab_inputs("dispersion")
        if inputs is None:
            return

        def show(out: dict[str, Any]) -> None:
            self.panel.show_dispersion(
                out["report"],
                f"{_demo_prefix(inputs)}{inputs.preset} variants on {len(inputs.symbols)} "
                "instruments.",
            )

        self._start(
            "dispersion",
            f"Dispersion of {inputs.preset}",
            lambda: dispersion_run_job(self.store_path, inputs),
            show,
        )

    def run_allocation(self, options: dict[str, Any]) -> None:
        """Allocation grid with the Strategy dock's preset as the CTA sleeve (``options``:
        step, a fraction)."""
        inputs = self.lab_inputs("allocation")
        if inputs is None:
            return
        step = float(options["step"])

        def show(out: dict[str, Any]) -> None:
            index = (
                f"equity index {inputs.index} ({inputs.index_origin})"
                if inputs.index
                else "the universe's equity index"
            )
            self.panel.show_allocation(
                out,
                f"{_demo_prefix(inputs)}{inputs.preset} sleeve on {len(inputs.symbols)} "
                f"instruments; {index}.",
            )

        self._start(
            "allocation",
            f"Allocation study of {inputs.preset}",
            lambda: allocation_run_job(self.store_path, inputs, step),
            show,
        )

    def run_anatomy(self, options: dict[str, Any]) -> None:
        """Spike anatomy and the two vol targets (``options``: source, target, max_leverage)."""
        run = self.anatomy_run(options)
        if run is None:
            return

        def show(out: dict[str, Any]) -> None:
            first, last = out["vix_range"]
            found = out["found"]
            curve = [str(found[n]) for n in CURVE_INDICES if found[n]]
            absent = [n for n in ("VX", *CURVE_INDICES) if not found[n]]
            scored = sum(e["score"] is not None for e in out["episodes"])
            self.panel.show_anatomy(
                out,
                f"{_demo_prefix(run)}{len(out['episodes'])} episodes of {run.vix} {first} .. "
                f"{last}, {scored} with a score; index {run.index} ({run.index_origin}); VX "
                f"{found['VX'] or 'absent'}; {', '.join(curve) or 'no other index'}"
                + (f" (absent: {', '.join(absent)})" if absent else "")
                + f"; days a year and EWMA of {run.preset} (Strategy dock).",
            )

        self._start(
            "anatomy",
            f"Spike anatomy of {run.vix}",
            lambda: anatomy_run_job(self.store_path, run),
            show,
        )


def _bounds(thresholds: ZoneThresholds) -> str:
    return "/".join(f"{b:g}" for b in thresholds.bounds)
