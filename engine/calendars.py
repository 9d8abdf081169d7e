"""Per-instrument calendars (docs/methodology.md, "Calendars").

Exchanges close on different days, so a multi-market panel has empty cells inside each
instrument's history. Moves and vol run on each instrument's own closes (returns.price_moves,
volatility.ewma_daily_vol), signals on the closes held inside its first..last range; a position
is carried through a holiday (no trade while its market is shut) and the move across the gap
counts once, on the instrument's next close."""

from __future__ import annotations

import pandas as pd


def in_range(prices: pd.DataFrame) -> pd.DataFrame:
    """True from each column's first to its last price (inclusive)."""
    return prices.ffill().notna() & prices.bfill().notna()


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
