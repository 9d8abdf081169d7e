"""CTA flow estimates (DOMAIN.md section 4): model positions of a trend-following universe and
the flows implied over the next day and week under flat, up and down price scenarios.

position_i = AUM x w_i x (vol target / sigma_i) x signal_i, with signal_i the equal-weight
TSMOM blend in [-1, 1], sigma_i the annualised EWMA vol of percent returns and w_i equal
weights. A scenario moves every price by ``direction x sigmas x daily vol x sqrt(days)`` over
the horizon in equal daily steps; signals and vols are recomputed on the extended history,
and the flow is the change in position (currency; negative = selling)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from engine import kernels
from engine.annualisation import TRADING_DAYS
from engine.arrays import kernel_array
from engine.volatility import ewma_alpha

SCENARIOS = {"flat": 0.0, "up": 1.0, "down": -1.0}
HORIZONS = {"1d": 1, "1w": 5}
MAX_FALL = -0.99  # a scenario move is capped here: a price cannot fall to zero or below


def _state(p: np.ndarray, lookbacks: tuple[int, ...], alpha: float) -> tuple[float, float]:
    """(blend signal in [-1, 1], daily vol of percent returns) at the end of ``p``."""
    signal = float(np.mean([np.sign(p[-1] - p[-1 - lb]) for lb in lookbacks]))
    variance = kernels.ewm_var_1d(kernel_array(p[1:] / p[:-1] - 1.0), alpha)[-1]
    return signal, math.sqrt(variance)


def _position(aum: float, weight: float, target: float, signal: float, daily_vol: float) -> float:
    if daily_vol <= 0:
        return 0.0
    return aum * weight * target / (daily_vol * math.sqrt(TRADING_DAYS)) * signal


def estimate_flows(
    prices: pd.DataFrame,
    aum: float,
    vol_target: float = 0.10,
    sigmas: float = 2.0,
    lookbacks: tuple[int, ...] = (63, 126, 189, 252),
    vol_span: int = 35,
) -> dict[str, object]:
    """Current positions and 1-day / 1-week flows per instrument for each scenario."""
    if not (aum > 0 and math.isfinite(aum)):
        raise ValueError(f"AUM must be a positive number, got {aum}")
    if not (vol_target > 0 and math.isfinite(vol_target)) or not (
        sigmas >= 0 and math.isfinite(sigmas)
    ):
        raise ValueError("vol target must be > 0 and sigmas >= 0")
    alpha = ewma_alpha(vol_span)
    usable, skipped = {}, {}
    for symbol in prices.columns:
        p = prices[symbol].dropna().to_numpy(dtype=float)
        if len(p) < max(lookbacks) + 2:
            skipped[str(symbol)] = f"needs {max(lookbacks) + 2} closes, has {len(p)}"
        elif (p <= 0).any():
            skipped[str(symbol)] = "zero or negative prices (back-adjusted): no notional for flows"
        else:
            usable[str(symbol)] = p
    if not usable:
        raise ValueError("no instrument has enough positive price history for flow estimates")
    weight = 1.0 / len(usable)
    positions, vols = {}, {}
    for symbol, p in usable.items():
        signal, vol = _state(p, lookbacks, alpha)
        positions[symbol] = _position(aum, weight, vol_target, signal, vol)
        vols[symbol] = vol
    scenarios: dict[str, dict[str, dict[str, float]]] = {}
    for name, direction in SCENARIOS.items():
        scenarios[name] = {}
        for label, days in HORIZONS.items():
            flows = {}
            for symbol, p in usable.items():
                total = direction * sigmas * vols[symbol] * math.sqrt(days)
                step = (1.0 + max(total, MAX_FALL)) ** (1.0 / days)
                path = p[-1] * step ** np.arange(1, days + 1)
                signal, vol = _state(np.concatenate([p, path]), lookbacks, alpha)
                flows[symbol] = _position(aum, weight, vol_target, signal, vol) - positions[symbol]
            flows["total"] = float(sum(flows.values()))
            scenarios[name][label] = flows
    return {
        "aum": aum,
        "vol_target": vol_target,
        "sigmas": sigmas,
        "lookbacks": list(lookbacks),
        "positions": positions,
        "gross_exposure": float(sum(abs(v) for v in positions.values())),
        "daily_vol": vols,
        "scenarios": scenarios,
        "skipped": skipped,
    }


def selling_level(
    prices: pd.Series,
    aum_share: float,
    threshold: float,
    vol_target: float = 0.10,
    lookbacks: tuple[int, ...] = (63, 126, 189, 252),
    vol_span: int = 35,
    max_drop: float = 0.30,
) -> dict[str, object] | None:
    """The highest price tomorrow at which the estimated one-day selling of this instrument
    (its share of AUM ``aum_share``) reaches ``threshold``; None if no drop up to ``max_drop``
    does. Scanned in 0.05% steps (flows change in jumps where a blend component flips)."""
    p = pd.Series(prices, dtype=float).dropna().to_numpy()
    alpha = ewma_alpha(vol_span)
    signal, vol = _state(p, lookbacks, alpha)
    now = _position(aum_share, 1.0, vol_target, signal, vol)
    for drop in np.arange(0.0005, max_drop + 1e-12, 0.0005):
        price = p[-1] * (1.0 - drop)
        s, v = _state(np.append(p, price), lookbacks, alpha)
        flow = _position(aum_share, 1.0, vol_target, s, v) - now
        if flow <= -threshold:
            return {
                "level": float(price),
                "move_pct": -drop * 100.0,
                "flow": float(flow),
                "last": float(p[-1]),
            }
    return None
