"""Parameter grids as typed: ``A:B:STEP`` or ``a,b,c`` (the sweep axes in the Sweep dock, the
CLI and the parameter declarations). No numpy or pandas: the window parses them."""

from __future__ import annotations

import math

MAX_AXIS_VALUES = 10_000  # values of one swept parameter


def _numbers(parts: list[str], whole: bool) -> list[float]:
    values = [int(p) if whole else float(p) for p in parts]  # ValueError for text
    if not all(math.isfinite(v) for v in values):
        raise ValueError("not finite")
    return values


def parse_values(text: str, whole: bool = False) -> tuple[float, ...]:
    """``A:B:STEP`` (inclusive of B when on the grid) or ``a,b,c``: finite numbers (whole
    numbers when ``whole``), at most MAX_AXIS_VALUES of them."""
    kind = "whole numbers" if whole else "numbers"
    try:
        if ":" in text:
            a, b, step = _numbers(text.split(":"), whole)  # ValueError unless three
            if step <= 0 or b < a:
                raise ValueError("empty range")
            count = math.floor((b - a) / step + 1e-9) + 1
            values = tuple(
                a + i * step if whole else round(a + i * step, 10)
                for i in range(min(count, MAX_AXIS_VALUES + 1))
            )
        else:
            values = tuple(_numbers([p for p in text.split(",") if p.strip()], whole))
    except (ValueError, OverflowError):
        raise ValueError(f"expected A:B:STEP or a comma list of {kind}, got {text!r}") from None
    if not values or len(values) > MAX_AXIS_VALUES:
        raise ValueError(f"{text!r}: from 1 to {MAX_AXIS_VALUES:,} values per parameter")
    return values


def parse_range(text: str) -> tuple[int, ...]:
    """:func:`parse_values` for whole numbers (lookbacks, spans)."""
    return tuple(int(v) for v in parse_values(text, whole=True))
