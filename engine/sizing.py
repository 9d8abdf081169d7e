"""Position sizing: vol target, instrument weights, diversification multiplier (<= 2.5),
leverage cap and buffer. Positions are in units of capital (notional fraction in percent
mode; price-units per unit of capital in difference mode, so P&L = position x dP)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from engine import kernels
from engine.arrays import kernel_array

IDM_CAP = 2.5


def equal_weights(available: pd.DataFrame) -> pd.DataFrame:
    """1 / (instruments trading that day) for each available instrument, else 0."""
    count = available.sum(axis=1).replace(0, np.nan)
    return available.div(count, axis=0).fillna(0.0)


def diversification_multiplier(moves: pd.DataFrame, daily_vol: pd.DataFrame) -> float:
    """1 / sqrt(w' C w) for equal weights and the correlation C of vol-normalised moves
    (negative correlations floored at 0), between 1 and IDM_CAP."""
    normalised = moves / daily_vol.shift(1)
    corr = normalised.corr(min_periods=60).fillna(0.0).clip(lower=0.0).to_numpy(copy=True)
    np.fill_diagonal(corr, 1.0)
    n = corr.shape[0]
    w = np.full(n, 1.0 / n)
    return float(min(max(1.0 / math.sqrt(float(w @ corr @ w)), 1.0), IDM_CAP))


def target_positions(
    forecast: pd.DataFrame,
    daily_vol: pd.DataFrame,
    weights: pd.DataFrame,
    vol_target: float,
    idm: float,
    days: int,
    max_leverage: float,
    percent_columns: list[str],
) -> pd.DataFrame:
    """(forecast / 10) x annual target / annual vol x weight x IDM, the percent-mode columns
    capped at +-max_leverage. NaN forecast or vol -> flat."""
    ann_vol = daily_vol * math.sqrt(days)
    raw = (forecast / 10.0) * vol_target / ann_vol * weights * idm
    raw[percent_columns] = raw[percent_columns].clip(-max_leverage, max_leverage)
    return raw.replace([np.inf, -np.inf], np.nan).fillna(0.0)


def buffered(target: pd.DataFrame, buffer: float) -> pd.DataFrame:
    """Hold positions until they are more than ``buffer`` x |target| from the target."""
    arr = kernel_array(target)
    return pd.DataFrame(
        kernels.buffered_positions(arr, buffer), index=target.index, columns=target.columns
    )
