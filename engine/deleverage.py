"""Vol-control deleveraging: exposure = min(max leverage, target vol / vol) along a VIX, VX,
adaptive (docs/spike_anatomy.md) or realised-vol path, and the share of NAV sold at each step
(docs/methodology.md, "Deleverage")."""

from __future__ import annotations

import math
from collections.abc import Sequence

DEFAULT_TARGET = 0.10
"""Annual vol target of the simulated fund (Harvey et al. 2018's 10%)."""
DEFAULT_MAX_LEVERAGE = 2.0
"""Exposure cap of the simulated fund."""
PATHS = ("vix", "vx", "adaptive")
"""What a path in VIX points can be: spot VIX closes, front-month VX settles, or the adaptive
estimate (VIX, or what it leans on when the spike anatomy reads technical)."""


def parse_vix_path(text: str) -> list[float]:
    """A comma-separated VIX path such as ``"20,30,40"``; ValueError quoting a bad item."""
    levels = []
    for item in (x.strip() for x in text.split(",")):
        if not item:
            continue
        try:
            level = float(item)
        except ValueError:
            level = math.nan
        if not (level > 0 and math.isfinite(level)):
            raise ValueError(f"{item!r} is not a positive VIX level")
        levels.append(level)
    return levels


def deleverage_path(
    vols: Sequence[float],
    target: float = DEFAULT_TARGET,
    max_leverage: float = DEFAULT_MAX_LEVERAGE,
    aum: float | None = None,
    in_vix_points: bool = True,
    path: str = "vix",
) -> dict[str, object]:
    """Exposure at each step and the share of NAV sold since the previous step.

    ``vols`` are VIX levels (``in_vix_points``; 30 = 30% annual vol) or annual vols (0.30).
    ``path`` names what the levels in VIX points are (one of PATHS: the spot VIX, front-month
    VX settles or the adaptive estimate of docs/spike_anatomy.md) and keys each step's level.
    Buying back when vol falls shows as a negative sale. With ``aum`` every step also gives
    the amount sold in currency."""
    if path not in PATHS:
        raise ValueError(f"unknown vol path {path!r} (one of {', '.join(PATHS)})")
    if not vols:
        raise ValueError("the vol path is empty")
    if not (target > 0 and math.isfinite(target)):
        raise ValueError(f"target must be a positive number, got {target}")
    if not (max_leverage > 0 and math.isfinite(max_leverage)):
        raise ValueError(f"max leverage must be a positive number, got {max_leverage}")
    steps = []
    previous = None
    cumulative = 0.0
    for raw in vols:
        vol = float(raw) / 100.0 if in_vix_points else float(raw)
        if not (vol > 0 and math.isfinite(vol)):
            raise ValueError(f"vol levels must be positive finite numbers, got {float(raw):g}")
        exposure = min(max_leverage, target / vol)
        sold = 0.0 if previous is None else previous - exposure
        cumulative += sold
        step = {path if in_vix_points else "vol": float(raw), "exposure": exposure,
                "nav_sold": sold, "cumulative_nav_sold": cumulative}  # fmt: skip
        if aum is not None:
            step["amount_sold"] = sold * aum
        steps.append(step)
        previous = exposure
    return {
        "target": target,
        "max_leverage": max_leverage,
        "steps": steps,
        "total_nav_sold": cumulative,
        "total_amount_sold": cumulative * aum if aum is not None else None,
    }
