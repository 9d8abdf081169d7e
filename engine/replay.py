"""Event replays: a stress event (engine/events.py) replayed on whatever data is loaded (real
or demo): VIX and index paths, the preset's P&L, positions and the flows its position changes
imply, day by day."""

from __future__ import annotations

import pandas as pd

from engine.backtest import backtest_job
from engine.data import DEMO_SOURCE
from engine.events import Event
from engine.jobs import Job, Progress
from engine.presets import DEFAULT_PRESET, resolve


def _covers(series: pd.Series | pd.DataFrame, event: Event, what: str) -> None:
    index = series.dropna(how="all").index
    start, end = pd.Timestamp(event.start), pd.Timestamp(event.end)
    if len(index) == 0 or index[0] > start or index[-1] < end:
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
    start, end = pd.Timestamp(event.start), pd.Timestamp(event.end)
    _covers(prices, event, "the prices")
    _covers(vix, event, "the VIX series")
    if index is not None:
        _covers(index, event, "the equity index")
    yield Progress(5.0, f"Replaying {event.title}")
    history = prices.loc[:end]
    counts = history.notna().sum()
    not_yet = [str(c) for c in history.columns if counts[c] < 3]  # start after the event
    history = history.drop(columns=not_yet)
    if history.empty:
        raise ValueError(f"no instrument has prices before {event.end:%Y-%m-%d}")
    result = yield from backtest_job(history, resolve(preset, overrides), vix)
    window = slice(start, end)
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
