"""Event replays: stress windows defined in resources/events/events.toml, replayed on whatever
data is loaded (real or demo): VIX and index paths, the preset's P&L, positions and the
flows its position changes imply."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

import pandas as pd

from engine.backtest import backtest_job
from engine.data import DEMO_SOURCE
from engine.data.store import is_spot_vix
from engine.equity_index import pick_equity_index
from engine.jobs import Job, Progress
from engine.presets import DEFAULT_PRESET, resolve
from resources import resource_path


@dataclass(frozen=True)
class Event:
    name: str
    title: str
    start: pd.Timestamp
    end: pd.Timestamp
    peak: pd.Timestamp
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
            pd.Timestamp(item["start"]),
            pd.Timestamp(item["end"]),
            pd.Timestamp(item["peak"]),
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
    covering = [r for r in rows if _spans(r, event)]
    choices = (
        [r for r in covering if r["kind"] == "future" and not _is_demo(r)],
        [r for r in covering if r["kind"] == "index" and not _is_demo(r)],
        [r for r in covering if r["kind"] == "future"],
    )
    picked = next((group for group in choices if group), [])
    if not picked:
        held = [r for r in rows if r["kind"] in ("future", "index")]
        last = max((r["last"] for r in held if r.get("last")), default=None)
        raise ValueError(
            f"no futures or index series cover {event.title} "
            f"({event.start:%Y-%m-%d} .. {event.end:%Y-%m-%d})"
            + (f"; the latest stored prices end {last}" if last else "")
            + "; import prices for that period"
        )
    return [r["symbol"] for r in picked]


def _covers(series: pd.Series | pd.DataFrame, event: Event, what: str) -> None:
    index = series.dropna(how="all").index
    if len(index) == 0 or index[0] > event.start or index[-1] < event.end:
        span = f"{index[0]:%Y-%m-%d} .. {index[-1]:%Y-%m-%d}" if len(index) else "no data"
        raise ValueError(
            f"{what} ({span}) does not cover {event.name} "
            f"({event.start:%Y-%m-%d} .. {event.end:%Y-%m-%d}); import data for that period"
        )


def _last_close(closes: pd.Series, day: pd.Timestamp, key: str) -> dict[str, object]:
    """``{key: last close on or before day, key_date: its date}`` (NaN and None if none)."""
    at = int(closes.index.searchsorted(day, side="right")) - 1
    if at < 0:
        return {key: float("nan"), f"{key}_date": None}
    return {key: float(closes.iloc[at]), f"{key}_date": f"{closes.index[at]:%Y-%m-%d}"}


def replay_job(
    event: Event,
    prices: pd.DataFrame,
    vix: pd.Series,
    index: pd.Series | None = None,
    preset: str = DEFAULT_PRESET,
    aum: float = 1e9,
    overrides: dict | None = None,
    data_label: str = "",
) -> Job[dict]:
    """Job: run ``preset`` (with ``overrides``, e.g. the Strategy dock's values) on the
    history up to the event's end and report the event window day by day:
    gross exposure and positions as notional / capital, flows as traded notional x ``aum``
    (in every return mode, so back-adjusted futures count at their price). Each day carries
    the last VIX and index closes on or before it, with their dates (a holiday shows the
    previous close, dated). ``data_label`` (e.g. DEMO (synthetic)) is passed through."""
    _covers(prices, event, "the prices")
    _covers(vix, event, "the VIX series")
    if index is not None:
        _covers(index, event, "the equity index")
    yield Progress(5.0, f"Replaying {event.title}")
    history = prices.loc[: event.end]
    counts = history.notna().sum()
    not_yet = [str(c) for c in history.columns if counts[c] < 3]  # start after the event
    history = history.drop(columns=not_yet)
    if history.empty:
        raise ValueError(f"no instrument has prices before {event.end:%Y-%m-%d}")
    result = yield from backtest_job(history, resolve(preset, overrides), vix)
    window = slice(event.start, event.end)
    returns = result.returns.loc[window]
    positions = result.notional.loc[window]  # notional / capital in every return mode
    flows = result.traded_notional.loc[window] * aum
    vix_closes = pd.Series(vix, dtype=float).dropna().sort_index()
    vix_path = vix_closes.loc[window]
    levels = None if index is None else pd.Series(index, dtype=float).dropna().sort_index()
    days = []
    for day in returns.index:
        row = {
            "date": f"{day:%Y-%m-%d}",
            **_last_close(vix_closes, day, "vix"),
            "strategy_return": float(returns[day]),
            "strategy_cumulative": float((1 + returns.loc[:day]).prod() - 1),
            "gross_exposure": float(positions.loc[day].abs().sum()),
            "flow_total": float(flows.loc[day].sum()),
        }
        if levels is not None:
            row.update(_last_close(levels, day, "index"))
        days.append(row)
    summary = {
        "strategy_return": float((1 + returns).prod() - 1),
        "vix_start": float(vix_path.iloc[0]),
        "vix_max": float(vix_path.max()),
        "vix_max_date": f"{vix_path.idxmax():%Y-%m-%d}",
        "worst_strategy_day": float(returns.min()),
        "net_flow": float(flows.sum().sum()),
    }
    if index is not None:
        level = pd.Series(index, dtype=float).sort_index().loc[window]
        summary["index_return"] = float(level.iloc[-1] / level.iloc[0] - 1)
    yield Progress(100.0, "Replay done")
    return {
        "event": event.as_dict(),
        "data_label": data_label,
        "demo": data_label == DEMO_SOURCE,
        "preset": preset,
        "aum": aum,
        "summary": summary,
        "days": days,
        "positions_start": {k: float(v) for k, v in positions.iloc[0].items()},
        "positions_end": {k: float(v) for k, v in positions.iloc[-1].items()},
        "flows_by_instrument": {k: float(v) for k, v in flows.sum().items()},
        "not_trading_yet": not_yet,
    }
