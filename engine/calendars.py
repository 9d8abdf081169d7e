"""Per-instrument calendars (docs/methodology.md, "Calendars").

Exchanges close on different days, so a multi-market panel has empty cells inside each
instrument's history. Every stage that looks back in time (moves, vol, signals) runs on the
instrument's own dated closes; its results are then held on the union calendar inside the
instrument's first..last range. A position is carried through a holiday and the move across
the gap counts once, on the instrument's next close."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd


def in_range(prices: pd.DataFrame) -> pd.DataFrame:
    """True from each column's first to its last price (inclusive)."""
    return prices.ffill().notna() & prices.bfill().notna()


def on_own_calendar(
    prices: pd.DataFrame, stage: Callable[[pd.DataFrame], pd.DataFrame], hold: bool = True
) -> pd.DataFrame:
    """``stage`` run on each column's own closes (a one-column frame without empty rows),
    placed back on the union calendar: held over the days the column did not trade when
    ``hold``, else NaN there; NaN outside the column's range."""
    parts = {}
    for column in prices.columns:
        out = stage(prices[[column]].dropna())[column]
        parts[column] = out.reindex(prices.index, method="ffill" if hold else None)
    return pd.DataFrame(parts, index=prices.index).where(in_range(prices))


def tradable(prices: pd.DataFrame) -> pd.DataFrame:
    """True on the days an instrument can trade: it has a close, or its range is over (a
    position is closed after the last price); False on its holidays."""
    return prices.notna() | ~in_range(prices)


def held_closes(prices: pd.DataFrame) -> pd.DataFrame:
    """Closes forward-filled inside each column's range (the notional of a held position)."""
    return prices.ffill().where(in_range(prices))


def notional_unit(frame: pd.DataFrame, modes: dict[str, str]) -> pd.DataFrame:
    """Notional of one unit of position per unit of capital: 1 in percent mode, the held
    |price| in difference mode; NaN outside each instrument's range."""
    unit = held_closes(frame).abs()
    for column, mode in modes.items():
        if mode == "percent":
            unit[column] = unit[column].where(unit[column].isna(), 1.0)
    return unit
