"""CTA trigger levels: tomorrow's price at which each trend signal flips (docs/methodology.md,
"Trigger levels").

Closed forms, with S_k the sum of the last k-1 closes and E the current EMAs:
  ret:L        P* = P[t+1-L] (the close L-1 days ago)
  sma:n        P* = mean of the last n-1 closes
  smax:n/m     P* = (n S_m - m S_n) / (m - n)            (n < m)
  emax:f/s     P* = [(1-a_s) E_s - (1-a_f) E_f] / (a_f - a_s),  a = 2 / (span + 1)
Every signal rises with tomorrow's price, so a long flips below P* and a short above it.
A TSMOM blend is a step function of tomorrow's price that jumps at each component's P*. We
evaluate it just either side of every jump: its flip price is the jump nearest the last close
where it loses its current sign (to flat or the opposite), its reverse price the nearest where
it takes the opposite sign, and the zero range the prices where it is exactly flat."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from engine import kernels
from engine.arrays import kernel_array
from engine.calendars import held_closes
from engine.presets import parameter_specs
from engine.returns import price_moves
from engine.trigger_specs import SignalSpec
from engine.volatility import ewma_daily_vol


def _ema(values: np.ndarray, span: int) -> float:
    """Today's EMA (pandas ``ewm(span, adjust=False)``) of the closes."""
    return float(kernels.ewm_mean_1d(kernel_array(values), 2.0 / (span + 1.0))[-1])


def _flip(p: np.ndarray, spec: SignalSpec) -> tuple[float, float]:
    """(flip price P*, current signal value) for one closed-form signal; p ends at today."""
    last = p[-1]
    if spec.kind == "ret":
        return float(p[-spec.a]), float(np.sign(last - p[-spec.a - 1]))
    if spec.kind == "sma":
        return float(p[-(spec.a - 1) :].mean()), float(np.sign(last - p[-spec.a :].mean()))
    if spec.kind == "smax":
        n, m = spec.a, spec.b
        s_n, s_m = p[-(n - 1) :].sum() if n > 1 else 0.0, p[-(m - 1) :].sum()
        price = (n * s_m - m * s_n) / (m - n)
        return float(price), float(np.sign(p[-n:].mean() - p[-m:].mean()))
    a_f, a_s = 2.0 / (spec.a + 1.0), 2.0 / (spec.b + 1.0)
    e_f, e_s = _ema(p, spec.a), _ema(p, spec.b)
    return float(((1 - a_s) * e_s - (1 - a_f) * e_f) / (a_f - a_s)), float(np.sign(e_f - e_s))


def blend_flip(p: np.ndarray, lookbacks: tuple[int, ...]) -> dict[str, object]:
    """Flip price of an equal-weight TSMOM blend, solved on its step function."""
    anchors = np.array([p[-lb] for lb in lookbacks])  # tomorrow's component flip prices

    def value(price: float) -> float:
        return float(np.mean(np.sign(price - anchors)))

    last = float(p[-1])
    now = float(np.mean(np.sign(last - np.array([p[-lb - 1] for lb in lookbacks]))))
    here = value(last)
    edges = np.unique(anchors)
    eps = 1e-9 * max(abs(last), 1.0)
    sign_now = np.sign(here if here != 0 else now)
    candidates, reversals = [], []
    for edge in edges:
        for side in (edge - eps, edge + eps):
            if np.sign(value(side)) != sign_now:
                candidates.append(float(edge))
            if np.sign(value(side)) == -sign_now:
                reversals.append(float(edge))
    mids = (edges[:-1] + edges[1:]) / 2.0
    flat = [
        (float(lo), float(hi))
        for lo, hi, m in zip(edges[:-1], edges[1:], mids, strict=True)
        if value(m) == 0.0
    ]
    price = min(candidates, key=lambda e: abs(e - last)) if candidates else float("nan")
    reverse = min(reversals, key=lambda e: abs(e - last)) if reversals else float("nan")
    return {
        "price": price,  # nearest price where the blend loses its sign (to flat or opposite)
        "reverse_price": reverse,  # nearest price where it takes the opposite sign
        "current": now,
        "tomorrow_if_unchanged": here,
        "zero_range": list(flat[0]) if flat else None,  # tomorrow's prices where the blend is 0
    }


def trigger_levels(
    prices: pd.DataFrame, signals: list[SignalSpec], vol_span: int | None = None
) -> list[dict[str, object]]:
    """One row per instrument and signal, sorted by distance in daily-vol units (the EWMA
    vol of each instrument's own price changes; ``vol_span`` defaults to the declared one).
    Lookbacks count days of the union calendar over held closes, as the backtest's signals
    do (docs/methodology.md, "Calendars"), so a trigger flips the backtest's own signal."""
    rows = []
    span = parameter_specs()["vol_span"].default if vol_span is None else vol_span
    own_diffs = price_moves(prices, dict.fromkeys(prices.columns, "difference"))
    vol = ewma_daily_vol(own_diffs, span)  # daily vol of price changes
    held = held_closes(prices)
    for symbol in prices.columns:
        series = held[symbol].dropna()
        p = series.to_numpy(dtype=float)
        sigma = float(vol[symbol].dropna().iloc[-1]) if vol[symbol].notna().any() else float("nan")
        for spec in signals:
            if len(p) < spec.history:
                continue
            last = float(p[-1])
            extra: dict[str, object] = {}
            if spec.kind == "blend":
                solved = blend_flip(p, spec.lookbacks)
                price, current = float(solved["price"]), float(solved["current"])
                extra = {
                    "reverse_price": solved["reverse_price"],
                    "tomorrow_if_unchanged": solved["tomorrow_if_unchanged"],
                    "zero_range": solved["zero_range"],
                }
            else:
                price, current = _flip(p, spec)
            distance = price - last
            rows.append(
                {
                    "symbol": str(symbol),
                    "signal": spec.label,
                    "date": f"{series.index[-1]:%Y-%m-%d}",
                    "last": last,
                    "price": price,
                    "distance_pct": distance / abs(last) * 100.0 if last != 0 else float("nan"),
                    "distance_sigma": distance / sigma if sigma > 0 else float("nan"),
                    "current": current,
                    "flips_if": "below" if current > 0 else "above",
                    "reachable": bool(price > 0) if (p > 0).all() else True,
                    **extra,
                }
            )
    return sorted(
        rows,
        key=lambda r: abs(r["distance_sigma"]) if math.isfinite(r["distance_sigma"]) else math.inf,
    )
