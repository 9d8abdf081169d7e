"""Event replays: stress windows defined in resources/events/events.toml, replayed on whatever
data is loaded (real or demo): VIX and index paths, the preset's P&L, positions and the
flows its position changes imply."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

import pandas as pd

from engine.backtest import backtest_job
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


def _covers(series: pd.Series | pd.DataFrame, event: Event, what: str) -> None:
    index = series.dropna(how="all").index
    if len(index) == 0 or index[0] > event.start or index[-1] < event.end:
        span = f"{index[0]:%Y-%m-%d} .. {index[-1]:%Y-%m-%d}" if len(index) else "no data"
        raise ValueError(
            f"{what} ({span}) does not cover {event.name} "
            f"({event.start:%Y-%m-%d} .. {event.end:%Y-%m-%d}); import data for that period"
        )


def replay_job(
    event: Event,
    prices: pd.DataFrame,
    vix: pd.Series,
    index: pd.Series | None = None,
    preset: str = DEFAULT_PRESET,
    aum: float = 1e9,
    overrides: dict | None = None,
) -> Job[dict]:
    """Job: run ``preset`` (with ``overrides``, e.g. the Strategy dock's values) on the
    history up to the event's end and report the event window day by day:
    gross exposure and positions as notional / capital, flows as traded notional x ``aum``
    (in every return mode, so back-adjusted futures count at their price)."""
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
    vix_path = pd.Series(vix, dtype=float).sort_index().loc[window]
    days = []
    for day in returns.index:
        row = {
            "date": f"{day:%Y-%m-%d}",
            "vix": float(vix_path.get(day, float("nan"))),
            "strategy_return": float(returns[day]),
            "strategy_cumulative": float((1 + returns.loc[:day]).prod() - 1),
            "gross_exposure": float(positions.loc[day].abs().sum()),
            "flow_total": float(flows.loc[day].sum()),
        }
        if index is not None:
            level = pd.Series(index, dtype=float).sort_index()
            row["index"] = float(level.asof(day))
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
        "preset": preset,
        "aum": aum,
        "summary": summary,
        "days": days,
        "positions_start": {k: float(v) for k, v in positions.iloc[0].items()},
        "positions_end": {k: float(v) for k, v in positions.iloc[-1].items()},
        "flows_by_instrument": {k: float(v) for k, v in flows.sum().items()},
        "not_trading_yet": not_yet,
    }
