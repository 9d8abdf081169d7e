"""Positioning as of a date: the inputs cut at the date (nothing after it is seen) and what the
market did next, for the ``--asof`` option of triggers, flows and deleverage
(docs/methodology.md, "As-of positioning")."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from engine.calendars import held_closes
from engine.deleverage import deleverage_path
from engine.flows import HORIZONS, SCENARIOS
from engine.triggers import blend_flip

NEXT_HORIZONS = (1, 5, 20)
"""Trading days after the as-of close over which ``next`` reports what the market did."""
CROSS_WINDOW = 20
"""Closes after the as-of date searched for the first close at or beyond a level."""


@dataclass(frozen=True)
class AsOf:
    """The date asked for and the close used: the last row of the data on or before it."""

    requested: pd.Timestamp
    date: pd.Timestamp
    data_end: pd.Timestamp

    @property
    def note(self) -> str | None:
        """Why the date used differs from the one asked for (None when they are equal)."""
        if self.date == self.requested:
            return None
        asked, used = f"{self.requested:%Y-%m-%d} ({self.requested:%A})", _day(self.date)
        if self.date == self.data_end:
            return f"the data ends on {used}, before {asked}: as of its last close"
        return (
            f"{asked} is not a trading day in the data: as of the last close on or before it, "
            f"{used}"
        )

    def as_dict(self) -> dict[str, str | None]:
        return {
            "requested": f"{self.requested:%Y-%m-%d}",
            "date": f"{self.date:%Y-%m-%d}",
            "note": self.note,
        }


def _day(stamp: pd.Timestamp) -> str:
    return f"{stamp:%Y-%m-%d} ({stamp:%A})"


def asof_date(index: pd.Index, requested: str | pd.Timestamp) -> AsOf:
    """The last date of ``index`` on or before ``requested``; ValueError when there is none."""
    dates = pd.DatetimeIndex(index).sort_values()
    asked = pd.Timestamp(requested)
    if dates.empty or dates[0] > asked:
        start = "no dates" if dates.empty else f"it starts {dates[0]:%Y-%m-%d}"
        raise ValueError(
            f"--asof {asked:%Y-%m-%d}: the data has no close on or before it ({start})"
        )
    return AsOf(asked, dates[dates.searchsorted(asked, side="right") - 1], dates[-1])


def truncate(prices: pd.DataFrame, asof: AsOf) -> tuple[pd.DataFrame, list[str]]:
    """The rows up to and including the as-of date, without the instruments that have fewer
    than 3 prices by then (they start later); returns (frame, names of those dropped)."""
    frame = prices.sort_index().loc[: asof.date]
    counts = frame.notna().sum()
    later = [str(c) for c in frame.columns if counts[c] < 3]
    if len(later) == frame.shape[1]:
        raise ValueError(f"--asof {asof.requested:%Y-%m-%d}: no instrument has 3 prices by then")
    return frame.drop(columns=later), later


def closes_after(series: pd.Series, date: pd.Timestamp) -> pd.Series:
    """The series' closes dated after ``date`` (what the as-of computation never sees)."""
    closes = pd.Series(series, dtype=float).dropna().sort_index()
    return closes[closes.index > date]


def what_happened_next(
    prices: pd.DataFrame, date: pd.Timestamp, horizons: Sequence[int] = NEXT_HORIZONS
) -> dict[str, dict[str, object]] | None:
    """Per instrument: its last close on or before ``date`` and, h of its own closes later
    (h in ``horizons``), the close, the change and the return ``P_{t+h} / P_t - 1`` (None for a
    non-positive price, e.g. back-adjusted futures); None for a horizon the data does not
    reach. None when no instrument has a close after ``date``."""
    out: dict[str, dict[str, object]] = {}
    for column in prices.columns:
        closes = pd.Series(prices[column], dtype=float).dropna().sort_index()
        before, after = closes.loc[:date], closes_after(closes, date)
        if before.empty or after.empty:
            continue
        base = float(before.iloc[-1])
        row: dict[str, object] = {"date": f"{before.index[-1]:%Y-%m-%d}", "close": base}
        for h in horizons:
            if len(after) < h:
                row[f"{h}d"] = None
                continue
            close = float(after.iloc[h - 1])
            row[f"{h}d"] = {
                "date": f"{after.index[h - 1]:%Y-%m-%d}",
                "close": close,
                "change": close - base,
                "return": close / base - 1.0 if base > 0 and close > 0 else None,
            }
        out[str(column)] = row
    return out or None


def first_cross(
    after: pd.Series, level: float, below: bool, window: int = CROSS_WINDOW
) -> dict[str, object]:
    """Whether the next close was at or beyond ``level`` (at or below it when ``below``, at or
    above it otherwise) and the first of the next ``window`` closes that was (None: none)."""
    closes = after.iloc[:window]
    if closes.empty or not math.isfinite(level):
        return {"next_day": None, "first_date": None, "first_day": None}
    hit = (closes <= level) if below else (closes >= level)
    where = np.flatnonzero(hit.to_numpy())
    return {
        "next_day": bool(hit.iloc[0]),
        "first_date": f"{closes.index[where[0]]:%Y-%m-%d}" if len(where) else None,
        "first_day": int(where[0]) + 1 if len(where) else None,
    }


def trigger_outcomes(
    rows: list[dict[str, Any]], prices: pd.DataFrame, date: pd.Timestamp
) -> list[dict[str, object]]:
    """For each trigger row (engine/triggers.py): did the instrument's closes after ``date``
    reach the flip price P* in the flip direction (next day, and first within CROSS_WINDOW)."""
    out = []
    for row in rows:
        after = closes_after(prices[row["symbol"]], date)
        price = float(row["price"])
        crossed = first_cross(after, price, row["flips_if"] == "below")
        out.append({k: row[k] for k in ("symbol", "signal", "price", "flips_if")} | crossed)
    return out


def flow_outcomes(
    flows: Mapping[str, Any],
    before: pd.DataFrame,
    prices: pd.DataFrame,
    date: pd.Timestamp,
) -> dict[str, dict[str, object]]:
    """For each instrument of an estimate_flows result (``flows``, computed on ``before``, the
    prices cut at ``date``): the actual move over each flow horizon in the model's daily sigmas
    (``move / (sigma x sqrt(days))`` in the instrument's move units), the scenario nearest to
    it, and whether its closes crossed the blend's flip price (where the model's signal, and
    so its flow, turns)."""
    sigmas, vols, modes = float(flows["sigmas"]), flows["daily_vol"], flows["modes"]
    lookbacks = tuple(flows["lookbacks"])
    held = held_closes(before)
    out: dict[str, dict[str, object]] = {}
    for symbol, vol in vols.items():
        after = closes_after(prices[symbol], date)
        p = held[symbol].dropna().to_numpy()
        base = float(p[-1])
        moves: dict[str, object] = {}
        for label, days in HORIZONS.items():
            if len(after) < days:
                moves[label] = None
                continue
            close = float(after.iloc[days - 1])
            move = close / base - 1.0 if modes[symbol] == "percent" else close - base
            in_sigmas = move / (vol * math.sqrt(days))
            nearest = min(SCENARIOS, key=lambda s: abs(in_sigmas - SCENARIOS[s] * sigmas))
            moves[label] = {"move_sigmas": in_sigmas, "nearest_scenario": nearest}
        row: dict[str, object] = {"moves": moves}
        if len(p) > max(lookbacks):
            flip = float(blend_flip(p, lookbacks)["price"])
            row["blend_flip"] = {"price": flip, "below": flip < base} | first_cross(
                after, flip, flip < base
            )
        out[symbol] = row
    return out


def deleverage_next(
    vix: pd.Series,
    date: pd.Timestamp,
    target: float,
    max_leverage: float,
    aum: float | None = None,
    horizons: Sequence[int] = NEXT_HORIZONS,
) -> dict[str, object] | None:
    """The vol-control fund along the VIX closes that followed ``date``: exposure and the
    share of NAV sold since the as-of close at each horizon and at the highest close of the
    next ``max(horizons)`` closes. None when the VIX has no close after ``date``."""
    closes = pd.Series(vix, dtype=float).dropna().sort_index()
    after = closes_after(closes, date).iloc[: max(horizons)]
    if after.empty:
        return None
    start = float(closes.loc[:date].iloc[-1])
    steps = deleverage_path([start, *after.to_list()], target, max_leverage, aum)["steps"]

    def at(k: int) -> dict[str, object]:
        step = steps[k]
        row = {
            "date": f"{after.index[k - 1]:%Y-%m-%d}",
            "vix": step["vix"],
            "exposure": step["exposure"],
            "nav_sold": step["cumulative_nav_sold"],  # since the as-of close
        }
        if aum is not None:
            row["amount_sold"] = step["cumulative_nav_sold"] * aum
        return row

    peak = int(np.argmax(after.to_numpy())) + 1
    return {
        **{f"{h}d": at(h) if h <= len(after) else None for h in horizons},
        "peak": at(peak),
    }
