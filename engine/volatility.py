"""Expected volatility: EWMA of moves (span or half-life) with a floor, or VIX-implied."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from engine import kernels
from engine.arrays import kernel_array


def ewma_alpha(span: float, halflife: float = 0.0) -> float:
    """Smoothing factor from a half-life (when > 0) or a span."""
    if halflife > 0:
        return 1.0 - math.exp(math.log(0.5) / halflife)
    if span < 1:
        raise ValueError(f"EWMA span must be >= 1, got {span}")
    return 2.0 / (span + 1.0)


def ewma_daily_vol(
    moves: pd.DataFrame, span: float, halflife: float = 0.0, floor: float = 0.0
) -> pd.DataFrame:
    """Daily vol of each column's moves (EWMA, pandas adjust=False convention), never below
    ``floor`` x its own average so far (no look-ahead). NaN until two moves are known."""
    arr = kernel_array(moves)
    var = kernels.ewm_var_2d(arr, ewma_alpha(span, halflife))
    vol = pd.DataFrame(np.sqrt(var), index=moves.index, columns=moves.columns)
    vol = vol.where(vol > 0)
    if floor > 0:
        vol = np.maximum(vol, floor * vol.expanding().mean())
    return vol


def vix_daily_vol(vix: pd.Series, index: pd.Index, days: int) -> pd.Series:
    """VIX/100 as a daily vol, aligned to ``index`` using only readings known by each date."""
    aligned = pd.Series(vix, dtype=float).sort_index().reindex(index, method="ffill")
    return aligned / 100.0 / math.sqrt(days)
