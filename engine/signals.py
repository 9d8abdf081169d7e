"""Trading rules as forecasts: +10 is an average long, capped at +-forecast_cap.

Every rule sees only data up to each close (no look-ahead), and gives NaN (flat) until it
has enough history."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine import kernels
from engine.arrays import kernel_array

FORECAST_SCALARS: dict[tuple[int, int], float] = {
    (2, 8): 10.6,
    (4, 16): 7.5,
    (8, 32): 5.3,
    (16, 64): 3.75,
    (32, 128): 2.65,
    (64, 256): 1.87,
}
"""Carver's standard EWMAC forecast scalars by (fast, slow) span."""


def tsmom(prices: pd.DataFrame, lookback: int) -> pd.DataFrame:
    """10 x sign of the price change over ``lookback`` days (MOP 2012)."""
    change = prices - prices.shift(lookback)
    return 10.0 * np.sign(change)


def tsmom_blend(prices: pd.DataFrame, lookbacks: tuple[int, ...]) -> pd.DataFrame:
    """Equal-weight average of TSMOM signs over several lookbacks (NaN until the longest)."""
    parts = [tsmom(prices, lb) for lb in lookbacks]
    total = sum(parts[1:], parts[0])
    return total / len(parts)


def ewmac(
    prices: pd.DataFrame,
    price_vol: pd.DataFrame,
    pairs: tuple[tuple[int, int], ...],
    scalar: str = "table",
    cap: float = 20.0,
) -> pd.DataFrame:
    """EWMA crossover: (EWMA_fast - EWMA_slow) / daily price vol x scalar, capped; the pairs'
    forecasts are averaged. ``scalar`` is "table" (Carver) or "estimate" (mean |f| = 10)."""
    arr = kernel_array(prices)
    combined = []
    for fast, slow in pairs:
        raw_fast = kernels.ewm_mean_2d(arr, 2.0 / (fast + 1.0))
        raw_slow = kernels.ewm_mean_2d(arr, 2.0 / (slow + 1.0))
        raw = (
            pd.DataFrame(raw_fast - raw_slow, index=prices.index, columns=prices.columns)
            / price_vol
        )
        raw = raw.where(_history(prices, slow))
        if scalar == "table":
            if (fast, slow) not in FORECAST_SCALARS:
                known = ", ".join(f"{f}/{s}" for f, s in FORECAST_SCALARS)
                raise ValueError(
                    f"no standard forecast scalar for {fast}/{slow} (table has {known}); "
                    "use forecast_scalar=estimate"
                )
            k = FORECAST_SCALARS[(fast, slow)]
        else:
            mean_abs = float(np.nanmean(np.abs(raw.to_numpy())))
            if not np.isfinite(mean_abs) or mean_abs == 0:
                raise ValueError(f"cannot estimate a forecast scalar for {fast}/{slow}: no data")
            k = 10.0 / mean_abs
        combined.append((raw * k).clip(-cap, cap))
    total = sum(combined[1:], combined[0])
    return (total / len(combined)).clip(-cap, cap)


def breakout(prices: pd.DataFrame, window: int, cap: float = 20.0) -> pd.DataFrame:
    """Donchian breakout: 40 x (P - channel mid) / channel width in [-20, 20], smoothed with an
    EWMA of span window/4 (Carver)."""
    arr = kernel_array(prices)
    hi, lo = kernels.rolling_extremes(arr, window)
    width = hi - lo
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.where(width > 0, 40.0 * (arr - (hi + lo) / 2.0) / width, 0.0)
    raw[~np.isfinite(hi)] = np.nan
    smooth = kernels.ewm_mean_2d(raw, 2.0 / (max(window / 4.0, 1.0) + 1.0))
    smooth[~np.isfinite(raw)] = np.nan
    return pd.DataFrame(smooth, index=prices.index, columns=prices.columns).clip(-cap, cap)


def risk_offset(prices: pd.DataFrame, equity_index: str, beta: float, overlay: int) -> pd.DataFrame:
    """A constant long beta (10 x beta) on the equity index plus a short-term trend overlay:
    the index gets 10 x beta + (1 - beta) x trend, the other instruments the trend alone."""
    trend = tsmom(prices, overlay)
    if equity_index not in prices.columns:
        return trend
    out = trend.copy()
    weight = min(max(1.0 - beta, 0.0), 1.0)
    out[equity_index] = (10.0 * beta + weight * trend[equity_index]).where(
        trend[equity_index].notna()
    )
    return out


def macro(
    prices: pd.DataFrame,
    indicator: pd.Series,
    trend: pd.DataFrame,
    window: int,
    lag: int,
    weight: float,
    sign: float,
    cap: float = 20.0,
) -> pd.DataFrame:
    """An indicator z-scored over ``window`` months, used ``lag`` months later, turned into a
    forecast (10 x z, capped) and blended with the trend forecast.

    Each month's value is its last reading (``resample("MS").last()``), z-scored against the
    ``window`` months up to and including it. The z-score of month m is first used on the first
    trading day of month m + ``lag``: ``lag=1`` (the default) uses it from the month after the
    reading, when it is known; ``lag=0`` uses it inside its own month (look-ahead unless the
    indicator's values are dated when they are published)."""
    monthly = pd.Series(indicator, dtype=float).dropna().resample("MS").last().dropna()
    if len(monthly) < window:
        raise ValueError(
            f"the macro indicator has {len(monthly)} months; the z-score needs {window}"
        )
    z = (monthly - monthly.rolling(window).mean()) / monthly.rolling(window).std(ddof=1)
    z.index = z.index + pd.offsets.MonthBegin(lag)  # month m's value from month m + lag on
    daily = z.reindex(prices.index, method="ffill")
    macro_forecast = (10.0 * sign * daily).clip(-cap, cap)
    blended = trend.mul(1.0 - weight).add(
        pd.DataFrame({c: macro_forecast * weight for c in prices.columns}), fill_value=np.nan
    )
    return blended.where(trend.notna() & daily.notna().to_numpy()[:, None]).clip(-cap, cap)


def _history(prices: pd.DataFrame, days: int) -> pd.DataFrame:
    """True once a column has ``days`` prices."""
    return prices.notna().cumsum() >= days
