"""Expected volatility: EWMA of moves (span or half-life) with a floor, VIX-implied, or adaptive
(VIX-implied except on days the spike anatomy reads as technical)."""

from __future__ import annotations

import math

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
    """Daily vol of each column's own moves (kernels.ewm_vol_1d: EWMA variance in the pandas
    adjust=False, bias=True convention; NaN marks a day the instrument did not trade and the
    estimate is held over it), never below ``floor`` x its own average so far (no
    look-ahead). NaN until two moves are known."""
    vol = kernels.ewm_vol_2d(kernel_array(moves), ewma_alpha(span, halflife), float(floor))
    return pd.DataFrame(vol, index=moves.index, columns=moves.columns)


def vix_daily_vol(vix: pd.Series, index: pd.Index, days: int) -> pd.Series:
    """VIX/100 as a daily vol, aligned to ``index`` using only readings known by each date."""
    aligned = pd.Series(vix, dtype=float).sort_index().reindex(index, method="ffill")
    return aligned / 100.0 / math.sqrt(days)


def adaptive_daily_vol(
    implied: pd.Series, anatomy: pd.DataFrame, source: str, realised: pd.Series, days: int
) -> pd.Series:
    """The adaptive estimate (docs/spike_anatomy.md, "Adaptive vol targeting"): ``implied``
    (a daily vol, VIX-implied) on each of its dates, except where the spike-anatomy reading of
    the last VIX date on or before it (engine/spike_anatomy.py: columns ``technical``,
    ``front_settle``) is technical: there the front-month VX settle / 100 as a daily vol
    (``source`` vx) or ``realised`` (the index's own EWMA daily vol on the same dates; ewma),
    when that is positive (else ``implied`` still)."""
    rows = anatomy.reindex(implied.index, method="ffill")
    if source == "vx":
        lean = rows["front_settle"].astype(float) / 100.0 / math.sqrt(days)
    elif source == "ewma":
        lean = pd.Series(realised, dtype=float).reindex(implied.index)
    else:
        raise ValueError(f"unknown adaptive source {source!r} (vx or ewma)")
    use = rows["technical"].eq(True) & (lean > 0)
    return implied.where(~use, lean)
