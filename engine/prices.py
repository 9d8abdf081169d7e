"""Checks and the metrics window of a price panel (dates x instruments)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def check_prices(prices: pd.DataFrame) -> pd.DataFrame:
    """Closes as a float frame sorted by date with text column names; clear errors for
    what no strategy can use (not a frame, no dates, duplicates, inf, < 3 prices)."""
    if not isinstance(prices, pd.DataFrame) or prices.empty:
        raise ValueError("prices must be a non-empty DataFrame (dates x instruments)")
    if not isinstance(prices.index, pd.DatetimeIndex):
        raise ValueError("prices must be indexed by date")
    frame = prices.sort_index().astype(float)
    if frame.index.has_duplicates:
        raise ValueError("prices have duplicate dates")
    if np.isinf(frame.to_numpy()).any():
        raise ValueError("prices contain infinite values")
    empty = [c for c in frame.columns if frame[c].notna().sum() < 3]
    if empty:
        raise ValueError(f"instruments with fewer than 3 prices: {', '.join(map(str, empty))}")
    frame.columns = [str(c) for c in frame.columns]
    return frame


def price_window(
    frame: pd.DataFrame, start: str | None, end: str | None
) -> tuple[pd.DataFrame, int]:
    """Prices up to ``end`` (later rows are never seen; instruments that start after it sit
    out) and the row where metrics start."""
    if end is not None:
        frame = frame.loc[: pd.Timestamp(end)]
        frame = frame.loc[:, frame.notna().sum() >= 3]  # instruments that start after the end
    first = 0 if start is None else int(frame.index.searchsorted(pd.Timestamp(start)))
    if len(frame) < 3 or first >= len(frame) - 1:
        raise ValueError(f"no prices in the period {start or 'first'} to {end or 'last'}")
    return frame, first
