"""VIX analytics: zones of a reading and the rule of 16.

The zone thresholds live here and nowhere else (docs/methodology.md, "VIX zones").
A value equal to a threshold belongs to the higher zone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

import numpy as np

from engine.annualisation import RULE_OF_16_DAYS, TRADING_DAYS
from engine.jobs import Job, Progress


@dataclass(frozen=True)
class Zone:
    """One VIX zone: its name, what a reading there means and its bounds."""

    name: str
    reading: str
    lower: float | None
    upper: float | None


ZONE_NAMES: tuple[str, ...] = ("complacency", "normal", "warning", "fear", "panic")
ZONE_READINGS: dict[str, str] = {
    "complacency": "extreme low volatility",
    "normal": "ordinary fluctuation",
    "warning": "caution rising",
    "fear": "significant fear signal",
    "panic": "high panic; may trigger CTA trend reversal",
}
DEFAULT_THRESHOLDS: tuple[float, float, float, float] = (15.0, 20.0, 25.0, 30.0)
EXTREME_VIX = 40.0
"""VIX level of the extreme-volatility band, above every zone (fast models excel there;
docs/methodology.md, "VIX zones"). By-zone tables add a row for days whose previous VIX close
was at or above it."""
EXTREME_BAND = f"vix_over_{EXTREME_VIX:g}"
"""Key of that row in the by-zone tables."""


@dataclass(frozen=True)
class ZoneThresholds:
    """Four ascending VIX levels separating the five zones (editable by users)."""

    bounds: tuple[float, ...] = DEFAULT_THRESHOLDS

    def __post_init__(self) -> None:
        bounds = tuple(float(b) for b in self.bounds)
        if len(bounds) != len(ZONE_NAMES) - 1:
            raise ValueError(
                f"need {len(ZONE_NAMES) - 1} thresholds, got {len(bounds)}: {list(bounds)}"
            )
        if not all(math.isfinite(b) and b > 0 for b in bounds):
            raise ValueError("thresholds must be positive finite numbers")
        if any(a >= b for a, b in pairwise(bounds)):
            raise ValueError(f"thresholds must be strictly ascending, got {list(bounds)}")
        object.__setattr__(self, "bounds", bounds)

    @classmethod
    def parse(cls, text: str) -> ZoneThresholds:
        """Parse a comma-separated list such as ``"15,20,25,30"``."""
        try:
            values = tuple(float(part) for part in text.split(","))
        except ValueError:
            raise ValueError(
                f"thresholds must be numbers separated by commas, got {text!r}"
            ) from None
        return cls(values)

    def lower_bound(self, zone: str) -> float:
        """The VIX level where ``zone`` starts (warning: the second threshold, 20 by default)."""
        index = ZONE_NAMES.index(zone)
        if index == 0:
            raise ValueError(f"the {zone} zone has no lower bound")
        return self.bounds[index - 1]

    def zones(self) -> list[Zone]:
        """All five zones with their bounds (None for an open end)."""
        lowers: list[float | None] = [None, *self.bounds]
        uppers: list[float | None] = [*self.bounds, None]
        return [
            Zone(name, ZONE_READINGS[name], lo, hi)
            for name, lo, hi in zip(ZONE_NAMES, lowers, uppers, strict=True)
        ]


DEFAULT_ZONES = ZoneThresholds()


def check_vix(vix: float) -> float:
    """Return ``vix`` as a float, or raise ValueError if it is not a usable VIX reading."""
    try:
        value = float(vix)
    except (TypeError, ValueError):
        raise ValueError(f"VIX must be a number, got {vix!r}") from None
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"VIX must be a finite number >= 0, got {vix!r}")
    return value


def zone_index(vix: float, thresholds: ZoneThresholds = DEFAULT_ZONES) -> int:
    """Index into ZONE_NAMES of the zone holding ``vix`` (thresholds go to the higher zone)."""
    value = check_vix(vix)
    return int(np.searchsorted(np.asarray(thresholds.bounds), value, side="right"))


def vix_zone(vix: float, thresholds: ZoneThresholds = DEFAULT_ZONES) -> str:
    """Name of the zone holding ``vix``: complacency, normal, warning, fear or panic."""
    return ZONE_NAMES[zone_index(vix, thresholds)]


def zone_indices(values: np.ndarray, thresholds: ZoneThresholds = DEFAULT_ZONES) -> np.ndarray:
    """Zone index per element of ``values`` (int8); -1 where the value is NaN."""
    arr = np.asarray(values, dtype=np.float64)
    out = np.searchsorted(np.asarray(thresholds.bounds), arr, side="right").astype(np.int8)
    out[np.isnan(arr)] = -1
    return out


TREND_HOLD_LEVEL = 21.0
"""The research note's "VIX holds above 21" (its own level, not a zone threshold)."""
TREND_BREAK_LEVEL = 25.0
"""The research note's "... and breaks toward 25": the close that fires the trend alert."""
DEFAULT_HOLD_DAYS = 5
"""Closes above TREND_HOLD_LEVEL before a close at or above TREND_BREAK_LEVEL fires."""

PAIR_MAX_GAP_DAYS = 5
"""Calendar days allowed between a VIX close and the index close the rule of 16 pairs with it
(a long weekend spans 4); a wider gap is warned about."""


def pairing_warning(vix_date: str, level_date: str) -> str | None:
    """The warning for a VIX close and an index close (ISO dates) more than PAIR_MAX_GAP_DAYS
    calendar days apart, else None."""
    gap = abs((date.fromisoformat(level_date) - date.fromisoformat(vix_date)).days)
    if gap <= PAIR_MAX_GAP_DAYS:
        return None
    return (
        f"the index level ({level_date}) is {gap:,} days from the VIX close ({vix_date}), "
        f"more than {PAIR_MAX_GAP_DAYS}: the ranges pair readings of different days"
    )


@dataclass(frozen=True)
class Rule16:
    """Expected daily move implied by a VIX reading and the index point ranges it gives."""

    vix: float
    days: int
    daily_move_pct: float
    daily_move_pct_252: float
    level: float | None
    points_1sigma: float | None
    points_2sigma: float | None

    def range(self, sigmas: int) -> tuple[float, float] | None:
        """Index range (low, high) of +/- ``sigmas`` daily standard deviations around the level."""
        if self.level is None or self.points_1sigma is None:
            return None
        points = sigmas * self.points_1sigma
        return (self.level - points, self.level + points)


def daily_move_pct(vix: float, days: int = RULE_OF_16_DAYS) -> float:
    """Expected one-day move in percent: annualised vol / sqrt(days) (VIX 16 -> 1%)."""
    value = check_vix(vix)
    if isinstance(days, bool) or int(days) != days or days <= 0:
        raise ValueError(f"days must be a positive whole number, got {days!r}")
    return value / math.sqrt(days)


def rule_of_16(vix: float, level: float | None = None, days: int = RULE_OF_16_DAYS) -> Rule16:
    """Rule of 16 for one VIX reading; point ranges when an index ``level`` is given."""
    move = daily_move_pct(vix, days)
    if level is not None:
        level = float(level)
        if not math.isfinite(level) or level <= 0:
            raise ValueError(f"index level must be a positive number, got {level!r}")
    points = None if level is None else level * move / 100.0
    return Rule16(
        vix=float(vix),
        days=int(days),
        daily_move_pct=move,
        daily_move_pct_252=daily_move_pct(vix, TRADING_DAYS),
        level=level,
        points_1sigma=points,
        points_2sigma=None if points is None else 2.0 * points,
    )


def zone_census(
    values: np.ndarray, thresholds: ZoneThresholds = DEFAULT_ZONES, chunk: int = 250_000
) -> Job[dict[str, int]]:
    """Job counting the readings in each zone, chunk by chunk (NaNs are skipped)."""
    arr = np.asarray(values, dtype=np.float64)
    counts = np.zeros(len(ZONE_NAMES), dtype=np.int64)
    total = max(len(arr), 1)
    for start in range(0, len(arr), chunk):
        codes = zone_indices(arr[start : start + chunk], thresholds)
        counts += np.bincount(codes[codes >= 0], minlength=len(ZONE_NAMES))
        done = min(start + chunk, len(arr))
        yield Progress(100.0 * done / total, f"VIX zones: {done:,} of {len(arr):,} readings")
    return dict(zip(ZONE_NAMES, (int(c) for c in counts), strict=True))
