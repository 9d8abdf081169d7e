"""Term Structure dock: the store's spot VIX, VIX9D, VIX3M, VIX6M, VVIX and VX contracts are
read and their history computed in a worker, once per change of those series; the curve on the
chosen day is then computed from the loaded data on the GUI thread (about 1 ms on the real
files, well under the 5 ms a GUI-thread step may take), with its basis percentile as known
then (docs/term_structure.md)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from engine.jobs import Job, Progress

if TYPE_CHECKING:
    from app.desk import Desk
    from widgets.term_panel import TermStructurePanel

log = logging.getLogger(__name__)
OTHER_INDICES = ("VIX9D", "VIX3M", "VIX6M", "VVIX")
"""The CBOE indices besides the spot VIX, found in the store by engine.term_structure's
index_symbol."""
HOW_TO_GET = {
    "VIX": "import vix_daily.csv (ctadesk-cli data import vix_daily.csv --symbol VIX, or "
    "File > Import…) or File > Fetch online… cboe-vix",
    "VIX9D": "ctadesk-cli data import vix_term_structure/vix9d_daily.csv --symbol VIX9D (or "
    "File > Import…), or File > Fetch online… cboe-vix9d",
    "VIX3M": "ctadesk-cli data import vix_term_structure/vix3m_daily.csv --symbol VIX3M (or "
    "File > Import…), or File > Fetch online… cboe-vix3m",
    "VIX6M": "ctadesk-cli data import vix_term_structure/vix6m_daily.csv --symbol VIX6M (or "
    "File > Import…), or File > Fetch online… cboe-vix6m",
    "VVIX": "ctadesk-cli data import vix_term_structure/vvix_daily.csv --symbol VVIX (or "
    "File > Import…), or File > Fetch online… cboe-vvix",
    "VX": "File > Import… vix_term_structure/vx_futures_settle_2007_2026.csv (it asks to "
    "import one series per contract, VX_YYYY-MM; ctadesk-cli data import ... --format long), "
    "or File > Fetch online… cboe-vx:YYYY-MM for one contract",
}
"""How to put each missing series into the store."""
WHAT_IS_LOST = {
    "VIX9D": "the 9-day point of the curve",
    "VIX3M": "the curve's state, the VIX/VIX3M ratio and its history",
    "VIX6M": "the 183-day point of the curve",
    "VVIX": "the VIX's own volatility",
    "VX": "the futures curve, the basis to the front month and the 30-day VX",
}


@dataclass(frozen=True)
class TermInputs:
    """The store's series of the dock: the spot VIX, the other indices (name, symbol or
    None) and the VX contracts; ``stamp`` changes when any of them is re-imported."""

    vix: str | None
    indices: tuple[tuple[str, str | None], ...]
    vx: tuple[str, ...]
    stamp: tuple[tuple[Any, ...], ...]

    def missing(self) -> list[str]:
        """The names (VIX, VIX9D, ..., VX) of the series the store lacks."""
        out = [] if self.vix else ["VIX"]
        out += [name for name, symbol in self.indices if symbol is None]
        return out + ([] if self.vx else ["VX"])


def term_inputs(rows: Sequence[dict[str, Any]]) -> TermInputs:
    """Which stored series (listed rows) the dock reads, as ``ctadesk-cli term`` finds them."""
    from engine.data.symbols import pick_vix_symbol
    from engine.term_structure import index_symbol, vx_symbols

    vix = pick_vix_symbol(rows)
    indices = tuple((name, index_symbol(rows, name)) for name in OTHER_INDICES)
    vx = tuple(vx_symbols(rows))
    used = {vix, *(s for _n, s in indices), *vx}
    stamp = tuple(
        (r["symbol"], r["rows"], r["first"], r["last"], r["imported_at"])
        for r in rows
        if r["symbol"] in used
    )
    return TermInputs(vix, indices, vx, stamp)


def missing_help(inputs: TermInputs) -> list[str]:
    """One line per missing series: what the dock cannot show without it, how to get it."""
    lines = []
    for name in inputs.missing():
        if name == "VIX":
            continue  # nothing at all is shown: said as the dock's error
        series = "VX futures (VX_YYYY-MM)" if name == "VX" else name
        lines.append(f"No {series} in the store, so no {WHAT_IS_LOST[name]}: {HOW_TO_GET[name]}.")
    return lines


def term_job(store_path: Path, inputs: TermInputs) -> Job[dict[str, Any]]:
    """Job: the closes of the spot VIX and the other indices, the VX settles, the daily
    history and the arrays the History tab draws (``history`` None with ``reason`` when the
    store has neither VIX3M nor VX contracts; only ``error`` when the spot VIX has no close)."""
    import numpy as np

    from engine.data.store import MarketStore
    from engine.term_structure import curve_on, history_job, history_summary, vx_settles

    assert inputs.vix is not None
    yield Progress(0.0, "Reading the term structure series")
    store = MarketStore(store_path)

    def closes(symbol: str | None) -> Any:
        return None if symbol is None else store.read(symbol, ["close"])["close"].dropna()

    vix = closes(inputs.vix)
    if vix.empty:  # said in the dock, as a store without a VIX is
        return {"inputs": inputs, "error": f"{inputs.vix} has no closes: {HOW_TO_GET['VIX']}."}
    others = {name: closes(symbol) for name, symbol in inputs.indices}
    vx = None
    if inputs.vx:
        yield Progress(5.0, f"Reading {len(inputs.vx)} VX contracts")
        vx = vx_settles(store.read_closes(list(inputs.vx)).to_dict("series"))
    indices = {"VIX": vix, **{n: others[n] for n in ("VIX9D", "VIX3M", "VIX6M")}}
    out: dict[str, Any] = {
        "inputs": inputs,
        "indices": indices,
        "vvix": others["VVIX"],
        "vx": vx,
        "days": [f"{d:%Y-%m-%d}" for d in vix.index],
        "frame": None,
        "history": None,
        "reason": "",
    }
    curve_on(vix.index[-1], indices, others["VVIX"], vx)  # fills the VX tables' caches here
    if others["VIX3M"] is None and vx is None:
        out["reason"] = (
            "The history needs VIX3M or VX futures besides the spot VIX: "
            f"{HOW_TO_GET['VIX3M']}; {HOW_TO_GET['VX']}."
        )
        return out
    try:
        frame = yield from history_job(vix, others["VIX3M"], vx)
    except ValueError as exc:  # the spot VIX ends before VIX3M and VX begin
        out["reason"] = f"No history: {exc}"
        return out
    out["frame"] = frame
    stamps = frame.index.values.astype("datetime64[s]").astype(np.float64)
    out["history"] = {
        "seconds": stamps,
        **backwardation_runs(stamps, frame["backwardation"].eq(1.0).to_numpy()),
        "ratio": frame["ratio_vix_vix3m"].to_numpy(dtype=float),
        "basis": frame["basis"].to_numpy(dtype=float),
        "vx30": frame["vx30"].to_numpy(dtype=float),
        **history_text(history_summary(frame)),
    }
    return out


def backwardation_runs(stamps: Any, flags: Any) -> dict[str, Any]:
    """The runs of consecutive backwardation days as (from, to) seconds: from the first day's
    close to the next close after the last day (one day on for the last close)."""
    import numpy as np

    before = np.r_[False, flags[:-1]]
    after = np.r_[flags[1:], False]
    first = np.flatnonzero(flags & ~before)
    last = np.flatnonzero(flags & ~after)
    ends = np.append(stamps[1:], stamps[-1] + 86_400.0) if len(stamps) else stamps
    return {"backwardation_from": stamps[first], "backwardation_to": ends[last]}


def history_text(summary: dict[str, Any]) -> dict[str, Any]:
    """The basis percentiles the History tab draws as lines, and its title."""
    from engine.labels import pct

    parts = []
    states = summary["vix_vix3m"]
    if states["days"]:
        parts.append(
            f"Spot VIX vs VIX3M in backwardation (ratio above 1.01, shaded) on "
            f"{pct(states['share_backwardation'])} of {states['days']:,} days "
            f"({states['first']} .. {states['last']})"
        )
    basis = summary["basis"]
    percentiles = basis.get("percentiles", {})
    if basis["days"]:
        parts.append(
            f"basis (spot − front VX) 5th / 95th percentiles {percentiles['p5']:+.2f} / "
            f"{percentiles['p95']:+.2f} VIX pts over {basis['days']:,} days (dashed lines)"
        )
    if summary["vx30_days"]:
        parts.append(f"30-day VX on {summary['vx30_days']:,} days")
    text = "; ".join(parts) + (
        ". Dotted lines: stress events (hover for the name). Click a day to show its curve."
    )
    return {"percentiles": {k: percentiles.get(k) for k in ("p5", "p95")}, "text": text}


class TermController(QObject):
    """Shows the curve on the chosen day and the history of the store's term-structure series."""

    def __init__(self, desk: Desk, panel: TermStructurePanel, store_path: Path) -> None:
        super().__init__(desk)
        self.desk = desk
        self.panel = panel
        self.store_path = store_path
        self.inputs: TermInputs | None = None
        self.data: dict[str, Any] | None = None
        self.answered: TermInputs | None = None  # the inputs of the last load that returned
        self.day: str | None = None  # None: the spot VIX's latest close
        panel.day_picked.connect(self.show_day)

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        """The store's series changed: reload when the dock's own series did."""
        inputs = term_inputs(rows)
        if inputs == self.inputs:
            return
        self.inputs = inputs
        self.panel.show_missing(missing_help(inputs))
        if inputs.vix is None:
            self.data = None
            self.panel.show_history(None, f"No spot VIX: {HOW_TO_GET['VIX']}.")
            self.panel.show_error(f"No spot VIX in the store: {HOW_TO_GET['VIX']}.")
            return
        self.desk.run_job(
            "Term structure history",
            lambda: term_job(self.store_path, inputs),
            self._loaded,
            quiet=True,
            on_finished=lambda: self._finished(inputs),
        )

    def _finished(self, inputs: TermInputs) -> None:
        """A cancelled or failed load is said in the dock; the next store refresh retries."""
        if inputs == self.inputs and self.answered != inputs:
            self.inputs = None
            self.panel.show_history(
                None, "The term structure was not loaded (cancelled or failed): it loads again "
                "at the store's next refresh (an import, a fetch or a delete)."
            )  # fmt: skip

    def _loaded(self, out: dict[str, Any]) -> None:
        if out["inputs"] != self.inputs:
            return  # the store changed again while this ran: the newer job follows
        self.answered = out["inputs"]
        if "error" in out:
            self.data = None
            self.panel.show_history(None, out["error"])
            self.panel.show_error(out["error"])
            return
        self.data = out
        self.panel.set_days(out["days"])
        self.panel.show_history(out["history"], out["reason"])
        self.show_day(self.day)

    def show_day(self, day: str | None) -> None:
        """Show the curve on ``day`` (ISO date; None: the latest close)."""
        self.day = day or None
        if self.data is None:
            if day:
                self.panel.set_day(day)
            return
        shown = self.day or self.data["days"][-1]
        self.panel.set_day(shown)
        try:
            curve = self.curve(shown)
        except ValueError as exc:  # a day before the first spot VIX close
            self.panel.show_error(str(exc))
            return
        self.panel.show_curve(curve)

    def curve(self, day: str) -> dict[str, Any]:
        """engine.term_structure.curve_on on the loaded data, with the basis percentile of the
        VX date as known then (from the history)."""
        import pandas as pd

        from engine.term_structure import curve_on

        data = self.data
        assert data is not None
        out = curve_on(day, data["indices"], data["vvix"], data["vx"])
        out["basis_percentile"] = None
        frame = data["frame"]
        if out["basis_front"] is not None and frame is not None:
            vx_day = pd.Timestamp(out["vx_date"])
            if vx_day in frame.index:
                value = frame.at[vx_day, "basis_percentile"]
                out["basis_percentile"] = None if pd.isna(value) else float(value)
        return out
