"""Position sizing (docs/methodology.md, "Sizing"): each instrument's sleeve sized to the vol
target and capped, equal weights over the instruments that can trade, a diversification
multiplier estimated without look-ahead (<= 2.5), an optional portfolio vol target, and the
buffer. Positions are in units of capital: a notional fraction in percent mode, price units
per unit of capital in difference mode (P&L = position x dP); ``unit`` (1 or |price|) turns
either into notional."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from engine import kernels
from engine.arrays import kernel_array

IDM_CAP = 2.5
IDM_MIN_PERIODS = 60
"""Common days a pair of instruments needs before its correlation counts in the IDM."""


def equal_weights(available: pd.DataFrame) -> pd.DataFrame:
    """1 / (instruments available that day) for each available instrument, else 0."""
    count = available.sum(axis=1).replace(0, np.nan)
    return available.div(count, axis=0).fillna(0.0)


def diversification_multiplier(normalised: pd.DataFrame, available: pd.DataFrame) -> pd.Series:
    """IDM per day from the vol-normalised moves up to that day, over the instruments
    available then (kernels.expanding_idm); appending later rows never changes it."""
    idm = kernels.expanding_idm(
        kernel_array(normalised),
        kernel_array(available, np.bool_),
        IDM_MIN_PERIODS,
        IDM_CAP,
    )
    return pd.Series(idm, index=normalised.index)


def sleeve_positions(
    forecast: pd.DataFrame,
    daily_vol: pd.DataFrame,
    vol_target: float,
    days: int,
    max_leverage: float,
    unit: pd.DataFrame,
) -> pd.DataFrame:
    """(forecast / 10) x annual target / annual vol: each instrument's position per unit of
    its own capital, its notional (x ``unit``) capped at +-max_leverage (0 = no cap).
    NaN forecast or vol -> flat."""
    sleeve = (forecast / 10.0) * vol_target / (daily_vol * math.sqrt(days))
    sleeve = sleeve.replace([np.inf, -np.inf], np.nan)
    if max_leverage > 0:
        limit = max_leverage / unit
        sleeve = sleeve.clip(-limit, limit)
    return sleeve.fillna(0.0)


def portfolio_scale(
    unscaled: pd.DataFrame,
    moves: pd.DataFrame,
    target: float,
    alpha: float,
    days: int,
    min_days: int = kernels.PORTFOLIO_MIN_DAYS,
) -> pd.Series:
    """Scale that brings the portfolio to ``target`` ex-ante annual vol: target over the EWMA
    vol (smoothing ``alpha``) of the unscaled portfolio's daily returns up to each close;
    NaN (flat) until it has ``min_days`` returns."""
    returns = (unscaled.shift(1) * moves).sum(axis=1, min_count=1)
    held = unscaled.shift(1).abs().sum(axis=1) > 0
    returns = returns.where(held)
    var = kernels.ewm_var_1d(kernel_array(returns), alpha)
    vol = pd.Series(np.sqrt(var) * math.sqrt(days), index=unscaled.index)
    enough = returns.notna().cumsum() >= min_days
    return (target / vol.where((vol > 0) & enough)).replace([np.inf, -np.inf], np.nan)


def buffered(target: pd.DataFrame, buffer: float, tradable: pd.DataFrame) -> pd.DataFrame:
    """Hold positions until they are more than ``buffer`` x |target| from the target, and
    through the days an instrument's market is shut (``tradable`` False)."""
    positions = kernels.buffered_positions(
        kernel_array(target), buffer, kernel_array(tradable, np.bool_)
    )
    return pd.DataFrame(positions, index=target.index, columns=target.columns)
