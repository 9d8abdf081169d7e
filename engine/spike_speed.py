"""Spike speed: VIX episodes from below one level to above another, classed fast or slow by how
many trading days the rise took, with the equity index's and each preset's returns over the rise
and after it (docs/regime_lab.md, "Spike speed"). The research note: crisis alpha depends on the
speed of the vol spike, not just its size."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from engine.equity_index import pick_equity_index
from engine.jobs import Job, Progress
from engine.regime import JUMP_FROM, JUMP_TO
from engine.regime_matrix import preset_names, preset_runs_job, progress_within
from engine.returns import return_modes

DEFAULT_FAST_DAYS = 5
"""A rise of at most this many trading days is fast: one trading week, the window of the
research note's "jump from 20 to 30 in a short window" (regime.alerts, --jump-days 5). On the
real VIX it puts Feb 2018 (1 day), Aug 2015 and Aug 2024 (2), Mar 2020 (4) and Apr 2025 (5) on
the fast side and Aug 2011 (8) and Sep 2008 (11) on the slow side."""
HORIZONS = (20, 60)
"""Trading days after the cross over which the returns that follow are measured."""
SPEEDS = ("fast", "slow")


@dataclass(frozen=True)
class Episode:
    """One rise of the VIX from below ``lower`` to ``upper`` or above, on the VIX's own dates.

    start: the last close below ``lower`` before the cross; cross_date: the first close at or
    above ``upper``; peak: the highest close from the cross until the episode ends (end: the
    first close back below ``lower``; None while the data ends first); horizon_ends: the VIX
    date h closes after the cross, for each h of HORIZONS (None past the data)."""

    start: pd.Timestamp
    cross_date: pd.Timestamp
    peak_date: pd.Timestamp
    end: pd.Timestamp | None
    start_vix: float
    cross_vix: float
    peak: float
    days_to_cross: int
    days_to_peak: int
    speed: str
    horizon_ends: dict[int, pd.Timestamp | None]


def _day(value: pd.Timestamp | None) -> str | None:
    return None if value is None else f"{value:%Y-%m-%d}"


def spike_episodes(
    vix: pd.Series,
    lower: float = JUMP_FROM,
    upper: float = JUMP_TO,
    fast_days: int = DEFAULT_FAST_DAYS,
) -> list[Episode]:
    """Every episode of ``vix`` (closes): from a close below ``lower`` to one at or above
    ``upper``; an episode ends at the first close below ``lower`` after it, and the next can
    only start from there (from that close or a later one)."""
    if not 0 < lower < upper:
        raise ValueError(f"need 0 < from < to, got from {lower:g} and to {upper:g}")
    if fast_days < 1:
        raise ValueError(f"fast days must be at least 1, got {fast_days}")
    closes = pd.Series(vix, dtype=float).dropna().sort_index()
    values, dates = closes.to_numpy(), closes.index
    below = np.flatnonzero(values < lower)
    out: list[Episode] = []
    t = int(below[0]) if len(below) else len(values)
    while t < len(values):
        above = np.flatnonzero(values[t:] >= upper)
        if not len(above):
            break
        cross = t + int(above[0])
        start = t + int(np.flatnonzero(values[t:cross] < lower)[-1])
        back = np.flatnonzero(values[cross:] < lower)
        end = cross + int(back[0]) if len(back) else None
        peak = cross + int(np.argmax(values[cross:end]))
        out.append(
            Episode(
                start=dates[start],
                cross_date=dates[cross],
                peak_date=dates[peak],
                end=None if end is None else dates[end],
                start_vix=float(values[start]),
                cross_vix=float(values[cross]),
                peak=float(values[peak]),
                days_to_cross=cross - start,
                days_to_peak=peak - start,
                speed=SPEEDS[0] if cross - start <= fast_days else SPEEDS[1],
                horizon_ends={
                    h: dates[cross + h] if cross + h < len(values) else None for h in HORIZONS
                },
            )
        )
        if end is None:
            break
        t = end
    return out


def compounded(returns: pd.Series, after: pd.Timestamp, until: pd.Timestamp | None) -> float | None:
    """Compounded daily returns dated after ``after`` up to ``until`` (the close of ``after``
    to the close of ``until``); None when the returns do not cover that span."""
    r = pd.Series(returns, dtype=float).dropna()
    if until is None or r.empty or r.index[0] > after or r.index[-1] < until:
        return None
    window = r[(r.index > after) & (r.index <= until)]
    return float((1.0 + window).prod() - 1.0)


def level_return(level: pd.Series, start: pd.Timestamp, until: pd.Timestamp | None) -> float | None:
    """Change of an index from its close on or before ``start`` to its close on or before
    ``until``; None when it has no close by ``start`` or its data ends before ``until``."""
    closes = pd.Series(level, dtype=float).dropna().sort_index()
    if until is None or closes.empty or closes.index[0] > start or closes.index[-1] < until:
        return None
    at = closes.index.searchsorted([start, until], side="right") - 1
    return float(closes.iloc[at[1]] / closes.iloc[at[0]] - 1.0)


def _mean(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(np.mean(known)) if known else None


@dataclass(frozen=True)
class SpikeTable:
    """Episodes with their returns, the fast/slow summary and what the run used."""

    episodes: list[dict[str, Any]]
    presets: list[str]
    skipped: dict[str, str]
    index: str | None
    index_note: str | None

    def as_json(self, lower: float, upper: float, fast_days: int) -> dict[str, Any]:
        """The keys of ``ctadesk-cli spikes`` (the report's too), with the rule in effect."""
        out: dict[str, Any] = {
            "episodes": self.episodes,
            "summary": self.summary(),
            "presets": self.presets,
            "from": lower,
            "to": upper,
            "fast_days": fast_days,
            "horizons": list(HORIZONS),
            "index": self.index,
            "skipped": self.skipped,
        }
        if self.index_note:
            out["index_note"] = self.index_note
        return out

    def summary(self) -> dict[str, dict[str, Any]]:
        """Per speed: the number of episodes, the index's mean returns and, per preset, the
        mean of rise, next_20 and next_60 over the episodes that have them (``counts``: how
        many do)."""
        windows = ("rise", *(f"next_{h}" for h in HORIZONS))
        index_keys = ("index_return", "index_to_peak", *(f"index_next_{h}" for h in HORIZONS))
        out = {}
        for speed in SPEEDS:
            group = [e for e in self.episodes if e["speed"] == speed]
            out[speed] = {
                "episodes": len(group),
                **{k: _mean([e[k] for e in group]) for k in index_keys},
                "returns": {
                    p: {
                        **{w: _mean([e["returns"][p][w] for e in group]) for w in windows},
                        "counts": {
                            w: sum(e["returns"][p][w] is not None for e in group) for w in windows
                        },
                    }
                    for p in self.presets
                },
            }
        return out


def _index_level(
    prices: pd.DataFrame, index: pd.Series | None
) -> tuple[pd.Series | None, str | None]:
    """The given index, else the universe's equity index when it is a price index (percent
    mode), else None and why."""
    if index is not None:
        return index, None
    columns = [str(c) for c in prices.columns]
    symbol = pick_equity_index(columns)
    if symbol is None:
        return None, "no equity index: none given (--index) and none among the prices"
    if return_modes(prices[[symbol]])[symbol] != "percent":
        return None, f"{symbol} has zero or negative prices (back-adjusted): no index returns"
    return prices[symbol].rename(symbol), None


def spike_rows(
    episodes: Sequence[Episode], returns: Mapping[str, pd.Series], level: pd.Series | None
) -> list[dict[str, Any]]:
    """One row per episode: its dates and VIX levels, the index ``level``'s return over the
    rise, to the peak and over the horizons after the cross (None without an index), and each
    of ``returns``' (preset: daily returns) compounded over the rise and the horizons."""
    rows = []
    for e in episodes:
        ends = e.horizon_ends
        row: dict[str, Any] = {
            "start": _day(e.start),
            "cross_date": _day(e.cross_date),
            "peak_date": _day(e.peak_date),
            "end": _day(e.end),
            "start_vix": e.start_vix,
            "cross_vix": e.cross_vix,
            "peak": e.peak,
            "days_to_cross": e.days_to_cross,
            "days_to_peak": e.days_to_peak,
            "speed": e.speed,
        }
        spans = {"index_return": (e.start, e.cross_date), "index_to_peak": (e.start, e.peak_date)}
        spans.update({f"index_next_{h}": (e.cross_date, ends[h]) for h in HORIZONS})
        for key, (a, b) in spans.items():
            row[key] = None if level is None else level_return(level, a, b)
        row["returns"] = {
            name: {
                "rise": compounded(daily, e.start, e.cross_date),
                **{f"next_{h}": compounded(daily, e.cross_date, ends[h]) for h in HORIZONS},
            }
            for name, daily in returns.items()
        }
        rows.append(row)
    return rows


def spike_speed_job(
    vix: pd.Series,
    prices: pd.DataFrame,
    names: str | Sequence[str] | None = None,
    index: pd.Series | None = None,
    lower: float = JUMP_FROM,
    upper: float = JUMP_TO,
    fast_days: int = DEFAULT_FAST_DAYS,
    start: str | None = None,
    end: str | None = None,
) -> Job[SpikeTable]:
    """Job: the episodes of ``vix`` (those starting on or after ``start``; data after ``end``
    unseen) with the equity index's return over the rise (start -> cross_date), to the peak
    and over the HORIZONS after the cross, and each preset's (default: all) compounded return
    over the rise and the HORIZONS, from its backtest on ``prices``. ``index``: the equity index
    closes; default the universe's equity index."""
    closes = pd.Series(vix, dtype=float).dropna().sort_index()
    if end is not None:
        closes = closes.loc[: pd.Timestamp(end)]
    episodes = spike_episodes(closes, lower, upper, fast_days)
    if start is not None:
        episodes = [e for e in episodes if e.start >= pd.Timestamp(start)]
    yield Progress(2.0, f"{len(episodes)} VIX episodes from {lower:g} to {upper:g}")
    runs = yield from progress_within(
        preset_runs_job(prices, preset_names(names), closes, None, start, end), 2.0, 95.0, "Presets"
    )
    level, note = _index_level(prices, index)
    if level is not None and end is not None:
        level = level.loc[: pd.Timestamp(end)]
    rows = spike_rows(episodes, {n: r.returns for n, r in runs.results.items()}, level)
    yield Progress(100.0, "Spike table done")
    return SpikeTable(
        episodes=rows,
        presets=list(runs.results),
        skipped=runs.skipped,
        index=None if level is None else str(level.name),
        index_note=note,
    )
