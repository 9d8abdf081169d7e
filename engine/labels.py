"""Display names and number formats of the metrics: one place for the Statistics dock and the
HTML report. Non-finite values show as "-", never as "nan" or "inf"."""

from __future__ import annotations

import math
from typing import Any

from engine.vix import DEFAULT_ZONES, EXTREME_BAND, EXTREME_VIX, ZONE_NAMES, ZoneThresholds

PERCENT_KEYS = {"cagr", "ann_return", "ann_vol", "max_drawdown", "hit_rate", "cost_per_year"}
LABELS = {
    "sharpe": "Sharpe",
    "sortino": "Sortino",
    "cagr": "CAGR",
    "ann_return": "Annual return",
    "ann_vol": "Annual volatility",
    "max_drawdown": "Max drawdown",
    "max_drawdown_days": "Max drawdown length (days)",
    "calmar": "Calmar",
    "skew": "Skew",
    "hit_rate": "Hit rate",
    "turnover": "Turnover (x capital / year)",
    "cost_drag": "Cost drag (Sharpe units)",
    "cost_per_year": "Costs per year",
    "days": "Days",
    "annualisation_days": "Annualisation (days)",
}


def zone_label(key: str, thresholds: ZoneThresholds = DEFAULT_ZONES) -> str:
    """Row name in a by-zone table: the zone and its VIX range under ``thresholds``
    ("Warning (20-25)"), or "VIX >= 40" for the extreme band."""
    if key == EXTREME_BAND:
        return f"VIX >= {EXTREME_VIX:g}"
    zone = thresholds.zones()[ZONE_NAMES.index(key)]
    if zone.lower is None:
        span = f"< {zone.upper:g}"
    elif zone.upper is None:
        span = f">= {zone.lower:g}"
    else:
        span = f"{zone.lower:g}-{zone.upper:g}"
    return f"{key.capitalize()} ({span})"


def fmt(key: str, value: float | None) -> str:
    """``value`` of metric ``key`` as shown to users."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if key in PERCENT_KEYS:
        return f"{value * 100:.2f}%"
    if float(value).is_integer() and abs(value) >= 10:
        return f"{value:,.0f}"
    return f"{value:.3f}"


def finite_json(value: Any) -> Any:
    """``value`` with NaN and infinities as None: JSON has no such numbers, and a table shows
    None as "-" rather than "nan"."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_json(v) for v in value]
    return value


def number(value: float | None, spec: str, suffix: str = "") -> str:
    """``value`` formatted with ``spec`` (e.g. "+.2f") plus ``suffix``; "-" if not finite."""
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:{spec}}{suffix}"
