"""Stress events: the windows defined in resources/events/events.toml, which of them the stored
series cover, and which series a replay runs on (real before synthetic). Light: no pandas or
engine at import (the window lists events before any of that loads); the replay itself is
engine/replay.py."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache

from engine.data import DEMO_SOURCE
from engine.data.symbols import is_contract, is_spot_vix
from engine.equity_index import pick_equity_index
from resources import resource_path


@dataclass(frozen=True)
class Event:
    name: str
    title: str
    start: dt.date
    end: dt.date
    peak: dt.date
    description: str

    def as_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "title": self.title,
            "start": f"{self.start:%Y-%m-%d}",
            "end": f"{self.end:%Y-%m-%d}",
            "peak": f"{self.peak:%Y-%m-%d}",
            "description": self.description,
        }


@cache
def events() -> dict[str, Event]:
    """All defined events, by name."""
    raw = tomllib.loads(resource_path("events", "events.toml").read_text(encoding="utf-8"))
    out = {}
    for item in raw["event"]:
        out[item["name"]] = Event(
            item["name"],
            item["title"],
            dt.date.fromisoformat(str(item["start"])),
            dt.date.fromisoformat(str(item["end"])),
            dt.date.fromisoformat(str(item["peak"])),
            item["description"],
        )
    return out


def get_event(name: str) -> Event:
    if name not in events():
        raise ValueError(f"unknown event {name!r} (one of {', '.join(events())})")
    return events()[name]


@dataclass(frozen=True)
class ReplayData:
    """The store series a replay runs on, and whether any of them is synthetic."""

    prices: tuple[str, ...]
    vix: str
    index: str | None
    demo: bool
    note: str = ""

    @property
    def label(self) -> str:
        """What the replay's numbers come from, for the dock, the chart and the JSON."""
        return DEMO_SOURCE if self.demo else "real data"


def _spans(row: dict, event: Event) -> bool:
    """True when a listed series (symbol, first, last) covers the event's whole window."""
    first, last = row.get("first"), row.get("last")
    return (
        bool(first and last)
        and first <= f"{event.start:%Y-%m-%d}"
        and (last >= f"{event.end:%Y-%m-%d}")
    )


def _is_demo(row: dict) -> bool:
    return row.get("source") == DEMO_SOURCE


def coverage(event: Event, rows: list[dict]) -> str | None:
    """None when the listed store series can replay ``event`` (a VIX series covering its
    window), else the reason it cannot, naming what the store holds."""
    vixes = [r for r in rows if is_spot_vix(r)]
    if any(_spans(r, event) for r in vixes):
        return None
    held = "; ".join(f"{r['symbol']} {r['first']} .. {r['last']}" for r in vixes)
    return (
        f"no VIX series covers {event.title} ({event.start:%Y-%m-%d} .. {event.end:%Y-%m-%d}); "
        + (f"VIX series in the store: {held}" if held else "import one, or load the demo")
    )


def pick_replay_data(
    event: Event,
    rows: list[dict],
    symbols: list[str] | None = None,
    index: str = "",
    fallback: bool = False,
) -> ReplayData:
    """The series to replay ``event`` on, real before synthetic: a VIX covering the window,
    an equity index named ``index`` or one named like the S&P 500 (covering the window), and
    the universe ``symbols`` (the Strategy dock's) or, when none are given, the real futures
    covering the window (else the real index series covering it, else the demo futures).
    ``fallback``: when none of ``symbols`` covers the window, take that default instead and
    say so in ``note``. ValueError with the reason when the store cannot cover the event."""
    reason = coverage(event, rows)
    if reason:
        raise ValueError(reason)
    vixes = sorted(
        (r for r in rows if is_spot_vix(r) and _spans(r, event)),
        key=lambda r: (_is_demo(r), r["symbol"] != "VIX"),
    )
    vix = vixes[0]
    indices = [r for r in rows if r["kind"] == "index" and _spans(r, event)]
    real_indices = [r["symbol"] for r in indices if not _is_demo(r)]
    index_symbol = (
        index
        or pick_equity_index(real_indices)
        or pick_equity_index([r["symbol"] for r in indices])
    )
    by_symbol = {r["symbol"]: r for r in rows}
    note = ""
    given = [by_symbol[s] for s in symbols or [] if s in by_symbol]
    if symbols and fallback and not any(_spans(r, event) for r in given):
        last = max((r["last"] for r in given if r.get("last")), default="never")
        symbols = _covering_universe(event, rows)
        note = (
            f"none of the Strategy dock's instruments has prices over the whole window (the "
            f"latest end {last}): replayed on {', '.join(symbols)}"
        )
    symbols = symbols or _covering_universe(event, rows)
    used = [by_symbol[s] for s in [*symbols, vix["symbol"], index_symbol or ""] if s in by_symbol]
    return ReplayData(tuple(symbols), vix["symbol"], index_symbol, any(map(_is_demo, used)), note)


def _covering_universe(event: Event, rows: list[dict]) -> list[str]:
    """The real futures covering the event's window, else the real index series covering it,
    else the demo futures; ValueError naming where the stored prices end when none does."""
    covering = [r for r in rows if _spans(r, event) and not is_contract(r)]
    choices = (
        [r for r in covering if r["kind"] == "future" and not _is_demo(r)],
        [r for r in covering if r["kind"] == "index" and not _is_demo(r)],
        [r for r in covering if r["kind"] == "future"],
    )
    picked = next((group for group in choices if group), [])
    if not picked:
        held = [r for r in rows if r["kind"] in ("future", "index") and not is_contract(r)]
        last = max((r["last"] for r in held if r.get("last")), default=None)
        raise ValueError(
            f"no futures or index series cover {event.title} "
            f"({event.start:%Y-%m-%d} .. {event.end:%Y-%m-%d})"
            + (f"; the latest stored prices end {last}" if last else "")
            + "; import prices for that period"
        )
    return [r["symbol"] for r in picked]
