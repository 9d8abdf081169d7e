"""Spike anatomy (docs/spike_anatomy.md): for every VIX episode of engine/spike_speed.py, the
diagnostics of the spike day and the days after (spot VIX against the front VX month, the VIX9D,
VIX3M and VVIX readings, the index's move against the move the VIX implied), a score of how
technical (quote-driven) the spike looks, and what followed: its out-of-sample record.

Every diagnostic and the score on a date use only closes of that date and before it; the outcome
columns (realised vol after the spike, the VIX's return under 20) are measured afterwards and
never feed the score."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from engine.annualisation import RULE_OF_16_DAYS, TRADING_DAYS
from engine.jobs import Job, Progress
from engine.regime import JUMP_FROM, JUMP_TO
from engine.regime_matrix import progress_within
from engine.spike_speed import Episode, spike_episodes
from engine.term_structure import PERCENTILE_MIN_DAYS, VxSettles, history_job

if TYPE_CHECKING:
    from engine.data.store import MarketStore

TECHNICAL, MIXED, FUNDAMENTAL = "technical", "mixed", "fundamental"
TECHNICAL_AT = 0.6
"""A score at or above this is labelled technical: the technical evidence outweighs the
fundamental by 3 to 2 on average over the components."""
FUNDAMENTAL_AT = 0.4
"""A score at or below this is labelled fundamental (the mirror of TECHNICAL_AT); between the
two, mixed."""
HALF = 0.5
"""The plain split the record is also shown at: technical above it, fundamental below."""
MIN_COMPONENTS = 4
"""Components a score needs (of the six): most of the evidence, so that before VX, VIX3M and
VIX9D exist there is no score at all rather than one from the index alone."""

RAMPS: dict[str, tuple[str, float, float]] = {
    "spot_over_futures": ("basis_pct", 50.0, 100.0),
    "front_end": ("ratio_vix9d_vix", 1.0, 1.2),
    "inversion": ("ratio_vix_vix3m", 1.0, 1.2),
    "vol_of_vol": ("vvix_pct", 50.0, 100.0),
    "small_move": ("realised_vs_implied", 1.0, 0.0),
    "realised_lag": ("realised_to_implied", 1.0, 0.0),
}
"""Score components: the diagnostic each reads and the readings at which its technical evidence
is 0 and 1, linear between and clipped outside (docs/spike_anatomy.md, "Score")."""
BROAD_DAYS = 10
"""Index moves (up to and including the day) of the realised vol the `realised_lag` component
reads."""
REVERT_DAYS = 20
"""VIX closes after the spike within which a close under the episode's lower level (20) counts
as the spike undone."""
CATCH_UP_DAYS = (5, 10, 20)
"""Index moves after the spike over which realised vol is set against the spike-day VIX."""
AFTER_DAYS = 5
"""VIX closes after the spike day listed with their diagnostics."""

COLUMNS = ("vix", "front", "front_settle", "basis", "basis_pct", "vix9d", "ratio_vix9d_vix",
           "vix3m", "ratio_vix_vix3m", "vvix", "vvix_pct", "index_move", "implied_move",
           "realised_vs_implied", "realised_10d", "realised_to_implied")  # fmt: skip
"""The diagnostics of :func:`diagnostics_job`, then one column per RAMPS key, `components`,
`score`, `label` and `technical`."""


@dataclass(frozen=True)
class AnatomyInputs:
    """Closes by date: the spot VIX and the equity index (required), the VX settles and the
    VIX9D, VIX3M and VVIX (each optional: its diagnostic and component are then missing)."""

    vix: pd.Series
    index: pd.Series
    vx: VxSettles | None = None
    vix9d: pd.Series | None = None
    vix3m: pd.Series | None = None
    vvix: pd.Series | None = None

    def until(self, date: str | pd.Timestamp) -> AnatomyInputs:
        """The same inputs with every row after ``date`` dropped (what was known on it)."""
        day = pd.Timestamp(date)

        def cut(series: pd.Series | None) -> pd.Series | None:
            return None if series is None else _closes(series).loc[:day]

        vx = self.vx
        if vx is not None:
            settles = vx.settles.loc[:day].dropna(axis=1, how="all")
            vx = VxSettles(settles, vx.expiries[settles.columns], vx.by_rule)
        return replace(
            self,
            vix=cut(self.vix),
            index=cut(self.index),
            vx=vx,
            vix9d=cut(self.vix9d),
            vix3m=cut(self.vix3m),
            vvix=cut(self.vvix),
        )


def _closes(series: pd.Series) -> pd.Series:
    closes = pd.Series(series, dtype=float).dropna().sort_index()
    closes.index = pd.DatetimeIndex(closes.index).normalize()
    return closes


def _on(series: pd.Series | None, dates: pd.DatetimeIndex) -> pd.Series:
    """The closes of ``dates`` exactly (NaN on a date the series has no close: a ratio never
    pairs closes of different days)."""
    if series is None:
        return pd.Series(np.nan, index=dates)
    return _closes(series).reindex(dates)


def _percentile(series: pd.Series | None) -> pd.Series | None:
    """Each close ranked among every close up to and including its day (0-100, ties at their
    average rank), from the PERCENTILE_MIN_DAYS-th close on: no look-ahead."""
    if series is None:
        return None
    return _closes(series).expanding(min_periods=PERCENTILE_MIN_DAYS).rank(pct=True) * 100.0


def _rms_annual(moves: np.ndarray) -> float:
    """Realised vol in VIX points: the root mean square of daily moves (fractions; zero mean,
    as the VIX squares them), annualised with TRADING_DAYS."""
    return float(np.sqrt(np.mean(moves**2)) * math.sqrt(TRADING_DAYS) * 100.0)


def ramp(values: pd.Series, zero: float, one: float) -> pd.Series:
    """Technical evidence of a reading: 0 at ``zero``, 1 at ``one``, linear between, clipped."""
    return ((values - zero) / (one - zero)).clip(0.0, 1.0)


def label_of(
    score: float | None, technical_at: float = TECHNICAL_AT, fundamental_at: float = FUNDAMENTAL_AT
) -> str | None:
    """technical at or above ``technical_at``, fundamental at or below ``fundamental_at``,
    mixed between; None without a score."""
    if score is None or not math.isfinite(score):
        return None
    if score >= technical_at:
        return TECHNICAL
    return FUNDAMENTAL if score <= fundamental_at else MIXED


def diagnostics_job(inputs: AnatomyInputs) -> Job[pd.DataFrame]:
    """Job: the daily diagnostics and score on the spot VIX's dates (COLUMNS, the RAMPS
    components, `components` (how many are known), `score` (their mean; NaN with fewer than
    MIN_COMPONENTS), `label` and `technical` (label == technical)). Basis and its percentile
    come from engine/term_structure.py's history; VVIX's percentile ranks it among its own
    closes so far; `index_move` is the index's close-to-close move in % on the day,
    `implied_move` the previous VIX close / 16 (%, the rule of 16), `realised_10d` the
    index's realised vol over its last BROAD_DAYS moves (VIX points)."""
    vix = _closes(inputs.vix)
    dates = pd.DatetimeIndex(vix.index)
    out = pd.DataFrame({"vix": vix})
    if inputs.vx is not None or inputs.vix3m is not None:
        hist = yield from progress_within(
            history_job(vix, inputs.vix3m, inputs.vx), 0.0, 80.0, "Term structure"
        )
        hist = hist.reindex(dates)
        out["front"], out["front_settle"] = hist["front"], hist["front_settle"]
        out["basis"], out["basis_pct"] = hist["basis"], hist["basis_percentile"]
    else:
        out["front"] = None
        out[["front_settle", "basis", "basis_pct"]] = np.nan
    yield Progress(85.0, "Index curve and VVIX")
    out["vix9d"] = _on(inputs.vix9d, dates)
    out["ratio_vix9d_vix"] = out["vix9d"] / vix
    out["vix3m"] = _on(inputs.vix3m, dates)
    out["ratio_vix_vix3m"] = vix / out["vix3m"]
    out["vvix"] = _on(inputs.vvix, dates)
    out["vvix_pct"] = _on(_percentile(inputs.vvix), dates)
    level = _closes(inputs.index)
    moves = level.pct_change()
    out["index_move"] = _on(moves * 100.0, dates)
    out["implied_move"] = vix.shift(1) / math.sqrt(RULE_OF_16_DAYS)
    out["realised_vs_implied"] = out["index_move"].abs() / out["implied_move"]
    realised = (moves**2).rolling(BROAD_DAYS).mean() ** 0.5 * math.sqrt(TRADING_DAYS) * 100.0
    out["realised_10d"] = _on(realised, dates)
    out["realised_to_implied"] = out["realised_10d"] / vix
    for name, (column, zero, one) in RAMPS.items():
        out[name] = ramp(out[column], zero, one)
    parts = out[list(RAMPS)]
    out["components"] = parts.notna().sum(axis=1)
    out["score"] = parts.mean(axis=1).where(out["components"] >= MIN_COMPONENTS)
    out["label"] = [label_of(s) for s in out["score"]]
    out["technical"] = out["label"].eq(TECHNICAL)
    yield Progress(100.0, "Spike diagnostics done")
    return out[[*COLUMNS, *RAMPS, "components", "score", "label", "technical"]]


@dataclass(frozen=True)
class Anatomy:
    """The daily diagnostics, one row per episode (see :func:`episode_row`) and the score's
    record (:func:`record`)."""

    daily: pd.DataFrame
    episodes: list[dict[str, Any]]
    record: dict[str, Any]


def store_inputs(
    store: MarketStore, vix: pd.Series, index: pd.Series
) -> tuple[AnatomyInputs, dict[str, str | None]]:
    """The inputs for ``vix`` and ``index`` from the store (its VX_YYYY-MM contracts and its
    VIX9D, VIX3M and VVIX when present) and what was found of each (None: absent)."""
    from engine.term_structure import index_symbol, vx_settles, vx_symbols

    rows = [info.as_dict() for info in store.list_series()]
    contracts = vx_symbols(rows)
    vx = vx_settles(store.read_closes(contracts).to_dict("series")) if contracts else None
    named = {name: index_symbol(rows, name) for name in ("VIX9D", "VIX3M", "VVIX")}
    closes = {
        name: store.read(symbol, ["close"])["close"] if symbol else None
        for name, symbol in named.items()
    }
    span = f"{len(contracts)} contracts {contracts[0]} .. {contracts[-1]}" if contracts else None
    inputs = AnatomyInputs(vix, index, vx, closes["VIX9D"], closes["VIX3M"], closes["VVIX"])
    return inputs, {"VX": span, **named}


def store_diagnostics_job(
    store: MarketStore, vix: pd.Series, index: pd.Series
) -> Job[pd.DataFrame]:
    """Job: :func:`diagnostics_job` on :func:`store_inputs`: what vol_method=adaptive leans on
    in a backtest (the command line's and the Strategy dock's)."""
    yield Progress(0.0, "Spike anatomy: reading the VIX curve")
    inputs, _found = store_inputs(store, vix, index)
    return (yield from diagnostics_job(inputs))


def backtest_anatomy_job(
    params: dict, prices: pd.DataFrame, vix: pd.Series | None, store: MarketStore
) -> Job[pd.DataFrame | None]:
    """Job: the daily diagnostics a backtest of ``params`` needs (:func:`store_diagnostics_job`
    on its equity index); None unless vol_method is adaptive and there are a VIX and an index
    (without them the backtest itself says what is missing)."""
    from engine.equity_index import pick_equity_index

    symbol = pick_equity_index([str(c) for c in prices.columns], params["equity_index"])
    if params["vol_method"] != "adaptive" or vix is None or symbol is None:
        return None
    return (yield from store_diagnostics_job(store, vix, prices[symbol]))


def _num(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _day(value: pd.Timestamp) -> str:
    return f"{value:%Y-%m-%d}"


def realised_after(index: pd.Series, date: pd.Timestamp, days: int) -> float | None:
    """Realised vol (VIX points) of the index's first ``days`` moves after its close on or
    before ``date``; None when the data holds fewer."""
    level = _closes(index)
    at = int(level.index.searchsorted(date, side="right")) - 1
    if at < 0 or at + days >= len(level):
        return None
    window = level.iloc[at : at + days + 1].to_numpy()
    return _rms_annual(window[1:] / window[:-1] - 1.0)


def _closes_from(vix: pd.Series, date: pd.Timestamp) -> np.ndarray:
    return vix.loc[date:].to_numpy()


def days_above(vix: pd.Series, date: pd.Timestamp, level: float) -> int:
    """Closes at or above ``level`` from ``date`` on, until the first close below it (all of
    them when the data ends first)."""
    values = _closes_from(vix, date)
    below = np.flatnonzero(values < level)
    return int(below[0]) if len(below) else len(values)


def days_to_close_under(vix: pd.Series, date: pd.Timestamp, level: float) -> int | None:
    """VIX closes after ``date`` up to the first one below ``level``; None when none is."""
    below = np.flatnonzero(_closes_from(vix, date)[1:] < level)
    return int(below[0]) + 1 if len(below) else None


def outcome_of(
    vix_on_day: float, reverted: bool | None, realised: dict[int, float | None]
) -> tuple[bool | None, str | None]:
    """(caught_up, outcome) of a spike: caught up when the realised vol over any CATCH_UP_DAYS
    window reached the spike-day VIX; technical when the VIX closed under the lower level
    within REVERT_DAYS and realised vol never caught up, fundamental when it caught up and the
    VIX stayed up, mixed otherwise; None while the data does not cover the windows."""
    if reverted is None or any(v is None for v in realised.values()):
        return None, None
    caught_up = any(v >= vix_on_day for v in realised.values() if v is not None)
    if reverted and not caught_up:
        return caught_up, TECHNICAL
    if caught_up and not reverted:
        return caught_up, FUNDAMENTAL
    return caught_up, MIXED


def verdict(label: str | None, outcome: str | None) -> str | None:
    """right when label and outcome are both technical or both fundamental, wrong when one is
    technical and the other fundamental, open when either is mixed; None when either is
    unknown."""
    if label is None or outcome is None:
        return None
    if MIXED in (label, outcome):
        return "open"
    return "right" if label == outcome else "wrong"


def episode_row(
    episode: Episode, daily: pd.DataFrame, vix: pd.Series, index: pd.Series
) -> dict[str, Any]:
    """One episode: the spike day (the cross date) with its diagnostics, components, score and
    label; what followed (realised vol after it, closes at or above JUMP_TO (30), closes until
    one under JUMP_FROM (20), the outcome and the verdict); and the AFTER_DAYS closes after
    it."""
    day = episode.cross_date
    row = daily.loc[day]
    score = _num(row["score"])
    realised = {n: realised_after(index, day, n) for n in CATCH_UP_DAYS}
    under = days_to_close_under(vix, day, JUMP_FROM)
    covered = int(vix.index.searchsorted(day, side="right")) + REVERT_DAYS <= len(vix)
    if under is not None and under <= REVERT_DAYS:
        reverted: bool | None = True
    else:
        reverted = False if covered else None
    caught_up, outcome = outcome_of(float(row["vix"]), reverted, realised)
    label = label_of(score)
    at = int(daily.index.get_loc(day))
    return {
        "date": _day(day),
        "start": _day(episode.start),
        "days_to_cross": episode.days_to_cross,
        "speed": episode.speed,
        "vix": float(row["vix"]),
        "front": row["front"] if isinstance(row["front"], str) else None,
        "front_settle": _num(row["front_settle"]),
        "basis": _num(row["basis"]),
        "basis_pct": _num(row["basis_pct"]),
        "vix9d": _num(row["vix9d"]),
        "ratio_vix9d_vix": _num(row["ratio_vix9d_vix"]),
        "vix3m": _num(row["vix3m"]),
        "ratio_vix_vix3m": _num(row["ratio_vix_vix3m"]),
        "vvix": _num(row["vvix"]),
        "vvix_pct": _num(row["vvix_pct"]),
        "index_move": _num(row["index_move"]),
        "implied_move": _num(row["implied_move"]),
        "realised_vs_implied": _num(row["realised_vs_implied"]),
        "realised_to_implied": _num(row["realised_to_implied"]),
        "components": {name: _num(row[name]) for name in RAMPS},
        "score": score,
        "label": label,
        "realised_next": {str(n): v for n, v in realised.items()},
        "caught_up": caught_up,
        "days_to_under": under,
        "days_above_30": days_above(vix, day, JUMP_TO),
        "outcome": outcome,
        "verdict": verdict(label, outcome),
        "after": [
            {
                "date": _day(d),
                "vix": float(r["vix"]),
                "front_settle": _num(r["front_settle"]),
                "basis": _num(r["basis"]),
                "score": _num(r["score"]),
                "label": r["label"],
            }
            for d, r in daily.iloc[at + 1 : at + 1 + AFTER_DAYS].iterrows()
        ],
    }


def record(rows: list[dict[str, Any]], split: float | None = None) -> dict[str, Any]:
    """The score's record over the episodes: right, wrong and open verdicts (with the dates),
    episodes without a score or an outcome, and the hit rate right / (right + wrong). With
    ``split``, the labels are re-read at that one cut (technical at or above it, fundamental
    below, no mixed band)."""

    def label(row: dict[str, Any]) -> str | None:
        if split is None:
            return row["label"]
        return label_of(row["score"], split, math.nextafter(split, -math.inf))

    verdicts = [(r["date"], verdict(label(r), r["outcome"])) for r in rows]
    dates = {v: [d for d, w in verdicts if w == v] for v in ("right", "wrong", "open")}
    right, wrong = len(dates["right"]), len(dates["wrong"])
    return {
        "technical_at": split if split is not None else TECHNICAL_AT,
        "fundamental_at": split if split is not None else FUNDAMENTAL_AT,
        **{k: len(v) for k, v in dates.items()},
        "unscored": sum(w is None for _, w in verdicts),
        "hit_rate": right / (right + wrong) if right + wrong else None,
        **{f"{k}_dates": v for k, v in dates.items()},
    }


def anatomy_job(inputs: AnatomyInputs, end: str | None = None) -> Job[Anatomy]:
    """Job: the daily diagnostics (data after ``end`` unseen), every episode of the VIX from
    below 20 to 30 (engine/spike_speed.py, JUMP_FROM and JUMP_TO) with its row, and the
    score's record at its labels and at the HALF split."""
    if end is not None:
        inputs = inputs.until(end)
    daily = yield from progress_within(diagnostics_job(inputs), 0.0, 90.0, "Diagnostics")
    vix, index = _closes(inputs.vix), _closes(inputs.index)
    rows = [episode_row(e, daily, vix, index) for e in spike_episodes(vix, JUMP_FROM, JUMP_TO)]
    yield Progress(100.0, f"{len(rows)} episodes")
    return Anatomy(daily, rows, {"labels": record(rows), "half": record(rows, HALF)})
