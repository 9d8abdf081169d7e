"""Writing CSV files safely: a date-indexed frame, written beside the target and renamed, so a
failure or a kill never leaves a half-written file behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.files import atomic_writer


def write_dated_csv(frame: Any, target: Path, float_format: str = "%.12g") -> int:
    """Write a DataFrame indexed by date with a ``Date`` column of ISO dates; returns rows."""
    out = frame.copy()
    out.index = out.index.strftime("%Y-%m-%d")
    out.index.name = "Date"
    with atomic_writer(Path(target)) as handle:
        out.to_csv(handle, lineterminator="\n", float_format=float_format)
    return len(out)
