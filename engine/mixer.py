"""The legs of the CTA-sleeve mixer (metrics.allocation_mixer): the equity index, a 10-year bond
leg (a bond future among the prices, or a 10-year yield turned into a bond return) and a label
that names them."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from engine.annualisation import TRADING_DAYS
from engine.equity_index import pick_bond_leg

EQUITY_WEIGHT = 0.6
"""The equity share of the base portfolio when there is a bond leg (bonds get the rest)."""

DEFAULT_DURATION = 8.0
"""Modified duration (years) of a 10-year bond priced near par, for yield-based bond returns."""


def bond_returns_from_yield(yield_pct: pd.Series, duration: float = DEFAULT_DURATION) -> pd.Series:
    """Daily total return of a constant-maturity bond from its yield in percent:
    r[t] = y[t-1] / 100 / 252 - duration x (y[t] - y[t-1]) / 100, i.e. a day's carry at the
    yield held since the previous reading plus the price effect of the yield change (first
    order in duration; convexity and roll-down ignored). NaN on the first reading."""
    y = pd.Series(yield_pct, dtype=float) / 100.0
    return y.shift(1) / TRADING_DAYS - duration * y.diff()


def leg_returns(price: pd.Series, mode: str) -> pd.Series:
    """Daily returns of one leg, its closes forward-filled inside its own first..last range
    (a holiday is a zero-return day; the move across it counts once). Percent mode:
    P[t] / P[t-1] - 1. Difference mode (back-adjusted futures, whose old prices can be zero or
    negative): dP[t] / |P_last|, the price change over the notional of the latest price, the only
    price back-adjustment leaves true; the leg is held at today's notional throughout."""
    known = price.dropna()
    if known.empty:
        raise ValueError(f"{price.name}: no prices for a mixer leg")
    filled = price.loc[known.index[0] : known.index[-1]].ffill()
    if mode == "percent":
        moves = filled.pct_change()
    elif mode == "difference":
        moves = filled.diff() / abs(known.iloc[-1])
    else:
        raise ValueError(f"unknown return mode {mode!r}")
    return moves.reindex(price.index)


def _yield_leg(yield_pct: pd.Series, dates: pd.DatetimeIndex, duration: float) -> pd.Series:
    """Bond returns on ``dates`` from a yield series on its own dates: the yield is carried
    forward to each date inside its range (a monthly yield steps on the first date of its
    month), so every change counts once."""
    y = pd.Series(yield_pct, dtype=float).dropna().sort_index()
    if y.empty:
        raise ValueError(f"{yield_pct.name}: no yields for the bond leg")
    inside = dates[(dates >= y.index[0]) & (dates <= y.index[-1])]
    on_dates = y.reindex(y.index.union(inside)).ffill().reindex(inside)
    return bond_returns_from_yield(on_dates, duration).reindex(dates)


def mixer_legs(
    prices: pd.DataFrame,
    modes: Mapping[str, str],
    equity_index: str,
    bond_leg: str | pd.Series | None,
    duration: float = DEFAULT_DURATION,
) -> tuple[pd.Series, pd.Series | None, str]:
    """(equity returns, bond returns or None, label) for allocation_mixer, on prices' dates.

    ``bond_leg``: a column of ``prices`` (a 10-year bond future), "" to pick one with
    pick_bond_leg, a yield series in percent (named by its ``name``) turned into bond returns
    with ``duration``, or None for no bond leg. Each price leg uses leg_returns in its return
    mode. The label reads "60% SP500 / 40% US10 + CTA", or "equity + CTA: 100% SP500, no bond
    leg" when there is none."""
    equity = leg_returns(prices[equity_index], modes[equity_index])
    if isinstance(bond_leg, pd.Series):
        bonds = _yield_leg(bond_leg, prices.index, duration)
        bond_name = f"{bond_leg.name or 'yield'} (10y yield, duration {duration:g})"
    else:
        symbol = None if bond_leg is None else pick_bond_leg(list(prices.columns), bond_leg)
        if symbol is None:
            return equity, None, f"equity + CTA: 100% {equity_index}, no bond leg"
        bonds = leg_returns(prices[symbol], modes[symbol])
        bond_name = symbol
    share = round(EQUITY_WEIGHT * 100)
    return equity, bonds, f"{share}% {equity_index} / {100 - share}% {bond_name} + CTA"
