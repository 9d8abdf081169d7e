"""Price moves: percent returns for spot and index series, price differences for
back-adjusted futures whose prices can be zero or negative (docs/methodology.md, "Returns")."""

from __future__ import annotations

import numpy as np
import pandas as pd

MODES = ("auto", "percent", "difference")


def return_modes(prices: pd.DataFrame, mode: str = "auto") -> dict[str, str]:
    """Mode per instrument: ``auto`` picks difference where any price is <= 0."""
    if mode not in MODES:
        raise ValueError(f"return mode must be one of {', '.join(MODES)}, got {mode!r}")
    out = {}
    for symbol in prices.columns:
        nonpositive = bool((prices[symbol].dropna() <= 0).any())
        if mode == "percent" and nonpositive:
            raise ValueError(
                f"{symbol} has zero or negative prices, so percent returns are meaningless; "
                "use return_mode=difference (or auto)"
            )
        out[symbol] = ("difference" if nonpositive else "percent") if mode == "auto" else mode
    return out


def price_moves(prices: pd.DataFrame, modes: dict[str, str]) -> pd.DataFrame:
    """Daily moves per instrument in its mode, each from the instrument's own previous close
    (however many rows back: the move across a holiday counts once, on its next close):
    P/P_prev - 1 or P - P_prev. NaN on days without a close and on the first one."""
    previous = prices.ffill().shift(1)
    moves = {}
    for symbol in prices.columns:
        p, prev = prices[symbol], previous[symbol]
        moves[symbol] = p / prev - 1.0 if modes[symbol] == "percent" else p - prev
    return pd.DataFrame(moves, index=prices.index).where(prices.notna())


def largest_moves(
    moves: pd.DataFrame, daily_vol: pd.DataFrame, top: int = 3
) -> dict[str, list[dict]]:
    """The ``top`` largest absolute daily moves per instrument, in its own units and in
    multiples of the previous day's vol estimate: bad ticks are the user's to see."""
    out: dict[str, list[dict]] = {}
    for symbol in moves.columns:
        m = moves[symbol].dropna()
        if m.empty:
            out[symbol] = []
            continue
        biggest = m.abs().nlargest(top).index
        sigma = daily_vol[symbol].shift(1).reindex(biggest)
        out[symbol] = [
            {
                "date": f"{day:%Y-%m-%d}",
                "move": float(m[day]),
                "sigmas": float(m[day] / sigma[day])
                if np.isfinite(sigma[day]) and sigma[day] > 0
                else None,
            }
            for day in biggest
        ]
    return out
