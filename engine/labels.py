"""The presenter: display names, number formats and the shared sentences and table rows of the
docks and the HTML report, in one place. Non-finite values show as "-", never as "nan" or "inf"."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
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


def pct(value: float | None, digits: int = 1, signed: bool = False) -> str:
    """A fraction as a percentage: 0.1234 -> "12.3%" ("+12.3%" when ``signed``)."""
    return number(None if value is None else value * 100, f"{'+' if signed else ''}.{digits}f", "%")


def usd_bn(value: float | None, digits: int = 1, signed: bool = False) -> str:
    """Dollars in billions: 2.5e9 -> "$2.5bn" ("$+2.5bn" when ``signed``)."""
    spec = f"{'+' if signed else ''},.{digits}f"
    return "-" if value is None or not math.isfinite(value) else f"${value / 1e9:{spec}}bn"


ZONE_HEADERS = ("VIX zone", "Days", "Share", "Return", "Vol", "Sharpe")
"""Columns of a by-VIX-zone table (zone_rows)."""


def zone_rows(
    by_zone: Mapping[str, Mapping[str, float]], thresholds: ZoneThresholds = DEFAULT_ZONES
) -> list[tuple[str, ...]]:
    """The rows of a by-VIX-zone table under ZONE_HEADERS."""
    return [
        (
            zone_label(zone, thresholds),
            f"{s['days']:,.0f}",
            pct(s["share"]),
            fmt("ann_return", s["ann_return"]),
            fmt("ann_vol", s["ann_vol"]),
            fmt("sharpe", s["sharpe"]),
        )
        for zone, s in by_zone.items()
    ]


NO_CRISIS_ALPHA = "Crisis alpha: needs an equity index in percent mode among the prices."


def crisis_alpha_text(crisis: Mapping[str, float] | None) -> str:
    """One sentence on the strategy in the equity index's worst months."""
    if not crisis:
        return NO_CRISIS_ALPHA
    return (
        f"Crisis alpha: in the worst {crisis['months']:.0f} index months (index "
        f"{pct(crisis['index_mean_monthly'])} a month on average) the strategy made "
        f"{pct(crisis['strategy_mean_monthly'], 2)} a month, positive in "
        f"{pct(crisis['strategy_hit_rate'], 0)} of them."
    )


MIXER_HEADERS = ("CTA sleeve", "Sharpe", "Annual return", "Annual vol", "Max drawdown")
"""Columns of the allocation mixer's table (mixer_rows)."""


def mixer_rows(mixer: Sequence[Mapping[str, float]]) -> list[tuple[str, ...]]:
    """The rows of the allocation mixer's table under MIXER_HEADERS."""
    return [
        (
            pct(r["cta_share"], 0),
            fmt("sharpe", r["sharpe"]),
            fmt("ann_return", r["ann_return"]),
            fmt("ann_vol", r["ann_vol"]),
            fmt("max_drawdown", r["max_drawdown"]),
        )
        for r in mixer
    ]


def mixer_text(row: Mapping[str, float], base: Mapping[str, float], legs: str) -> str:
    """One mix of the allocation mixer against the base portfolio (no CTA sleeve)."""
    return (
        f"{pct(row['cta_share'], 0)} CTA sleeve: Sharpe {number(row['sharpe'], '.2f')} "
        f"({number(row['sharpe'] - base['sharpe'], '+.2f')}), vol {pct(row['ann_vol'])}, "
        f"max drawdown {pct(row['max_drawdown'])} ({legs})"
    )
