"""Workspace files: the Strategy dock's preset, parameter values, universe and period as JSON
(never pickle; nothing in a file is evaluated). Reading validates everything before anything is
applied, so a bad file changes nothing."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.files import atomic_write_text
from engine.presets import resolve

WORKSPACE_FORMAT = "ctadesk-workspace"
WORKSPACE_VERSION = 1
MAX_WORKSPACE_BYTES = 1 << 20  # a workspace is a few kB; refuse anything near this
PERIOD_KEYS = ("start", "end")


@dataclass(frozen=True)
class Workspace:
    """A validated workspace: a known preset, parameters the engine accepts, symbols."""

    preset: str
    params: dict[str, Any]
    symbols: list[str]
    period: dict[str, str | None] = field(default_factory=lambda: dict.fromkeys(PERIOD_KEYS))


def save_workspace(path: Path, workspace: Workspace) -> None:
    """Write ``workspace`` to ``path`` atomically (old file or new, never half of one)."""
    body = {
        "format": WORKSPACE_FORMAT,
        "version": WORKSPACE_VERSION,
        "preset": workspace.preset,
        "params": workspace.params,
        "symbols": workspace.symbols,
        "period": workspace.period,
    }
    atomic_write_text(Path(path), json.dumps(body, indent=2) + "\n")


def load_workspace(path: Path) -> Workspace:
    """Read and validate a workspace file; ValueError naming the file and the problem."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_WORKSPACE_BYTES:
            raise ValueError(f"{size:,} bytes is too large for a workspace")
        data = json.loads(path.read_text(encoding="utf-8"))
        return parse_workspace(data)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"{path}: not a usable CTA Desk workspace ({exc})") from exc


def parse_workspace(data: Any) -> Workspace:
    """A :class:`Workspace` from decoded JSON; ValueError for anything unexpected."""
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    version = data.get("version", WORKSPACE_VERSION)
    if not isinstance(version, int) or version > WORKSPACE_VERSION:
        raise ValueError(f"workspace version {version!r} is newer than this CTA Desk reads")
    preset, params, symbols = data.get("preset"), data.get("params", {}), data.get("symbols", [])
    if not isinstance(preset, str):
        raise ValueError("'preset' must be a preset name")
    if not isinstance(params, dict) or not all(
        isinstance(v, str | int | float | bool | list) for v in params.values()
    ):
        raise ValueError("'params' must map parameter names to values")
    if not isinstance(symbols, list) or not all(isinstance(s, str) for s in symbols):
        raise ValueError("'symbols' must be a list of symbols")
    resolve(preset, params)  # unknown preset or parameter, or a bad value: ValueError
    return Workspace(preset, dict(params), list(symbols), _period(data.get("period", {})))


def _period(raw: Any) -> dict[str, str | None]:
    """The metrics window: ISO dates or null for start and end."""
    if not isinstance(raw, dict):
        raise ValueError("'period' must map start and end to dates")
    out: dict[str, str | None] = {}
    for key in PERIOD_KEYS:
        value = raw.get(key)
        if value is not None:
            if not isinstance(value, str):
                raise ValueError(f"period {key} must be a date YYYY-MM-DD or null")
            value = dt.date.fromisoformat(value).isoformat()  # ValueError if not a date
        out[key] = value
    return out
