"""Writing CSV files safely: a date-indexed frame, written beside the target and renamed, so a
failure or a kill never leaves a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any


def write_dated_csv(frame: Any, target: Path, float_format: str = "%.12g") -> int:
    """Write a DataFrame indexed by date with a ``Date`` column of ISO dates; returns rows."""
    out = frame.copy()
    out.index = out.index.strftime("%Y-%m-%d")
    out.index.name = "Date"
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            out.to_csv(handle, lineterminator="\n", float_format=float_format)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(out)
