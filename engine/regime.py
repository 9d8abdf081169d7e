"""VIX regime analytics on a daily VIX history: zones, transitions, durations, forward index
returns by zone, the report's alerts, spikes, the rule of 16 on history, term structure."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from engine.annualisation import RULE_OF_16_DAYS, TRADING_DAYS
from engine.term_structure import FLAT_TOLERANCE
from engine.vix import (
    DEFAULT_HOLD_DAYS,
    DEFAULT_ZONES,
    TREND_BREAK_LEVEL,
    TREND_HOLD_LEVEL,
    ZONE_NAMES,
    ZoneThresholds,
    zone_indices,
)

JUMP_FROM = 20.0
JUMP_TO = 30.0
MEAN_ABS_PER_SIGMA = math.sqrt(2.0 / math.pi)
"""E|x| / sigma of a normal move (0.798): mean |move| / this estimates the daily sigma."""
HIGH_PRINT_RATIO = 2.0
"""An intraday High above this multiple of max(prior close, close) is a bad print: a rise of
over 100% undone the same day, which no genuine session shows (the largest, 2024-08-05:
65.73 = 1.70 x 38.57)."""


def _closes(vix: pd.Series) -> pd.Series:
    series = pd.Series(vix, dtype=float).dropna().sort_index()
    if len(series) < 2:
        raise ValueError("need at least two VIX closes")
    if (series < 0).any():
        raise ValueError("VIX closes cannot be negative")
    return series


def zone_codes(vix: pd.Series, thresholds: ZoneThresholds = DEFAULT_ZONES) -> pd.Series:
    """Zone index (0 = complacency .. 4 = panic) of each close."""
    closes = _closes(vix)
    return pd.Series(zone_indices(closes.to_numpy(), thresholds), index=closes.index)


def _runs(codes: np.ndarray) -> list[tuple[int, int]]:
    """(zone, length) of each stay: consecutive days in the same zone."""
    runs = []
    start = 0
    for i in range(1, len(codes) + 1):
        if i == len(codes) or codes[i] != codes[start]:
            runs.append((int(codes[start]), i - start))
            start = i
    return runs


def zone_stats(
    vix: pd.Series, thresholds: ZoneThresholds = DEFAULT_ZONES
) -> dict[str, dict[str, float]]:
    """Days, share of days and mean duration of a stay (days) per zone."""
    codes = zone_codes(vix, thresholds).to_numpy()
    runs = _runs(codes)
    out = {}
    for i, name in enumerate(ZONE_NAMES):
        days = int((codes == i).sum())
        stays = [length for zone, length in runs if zone == i]
        out[name] = {
            "days": days,
            "share": days / len(codes),
            "mean_duration": float(np.mean(stays)) if stays else 0.0,
            "stays": len(stays),
        }
    return out


def transition_matrix(
    vix: pd.Series, step: int = 1, thresholds: ZoneThresholds = DEFAULT_ZONES
) -> dict[str, dict[str, dict[str, float]]]:
    """From the zone on day t to the zone on day t + step: counts and row probabilities."""
    codes = zone_codes(vix, thresholds).to_numpy()
    if step < 1 or step >= len(codes):
        raise ValueError(f"step must be between 1 and {len(codes) - 1}, got {step}")
    counts = np.zeros((len(ZONE_NAMES), len(ZONE_NAMES)), dtype=np.int64)
    np.add.at(counts, (codes[:-step], codes[step:]), 1)
    out = {}
    for i, src in enumerate(ZONE_NAMES):
        total = counts[i].sum()
        out[src] = {
            dst: {"count": int(counts[i, j]), "prob": float(counts[i, j] / total) if total else 0.0}
            for j, dst in enumerate(ZONE_NAMES)
        }
    return out


def forward_by_zone(
    vix: pd.Series,
    index: pd.Series,
    horizons: tuple[int, ...] = (1, 5, 21),
    thresholds: ZoneThresholds = DEFAULT_ZONES,
) -> dict[str, dict[str, float]]:
    """Mean forward index return over each horizon and the realised vol of the next
    ``max(horizons)`` days (annualised), grouped by the zone of the day's VIX close."""
    closes = _closes(vix)
    level = pd.Series(index, dtype=float).dropna().sort_index()
    level = level.reindex(closes.index.union(level.index)).ffill().reindex(closes.index)
    codes = zone_codes(closes, thresholds)
    daily = level.pct_change()
    longest = max(horizons)
    fwd_vol = daily[::-1].rolling(longest).std()[::-1].shift(-1) * math.sqrt(TRADING_DAYS)
    out = {}
    for i, name in enumerate(ZONE_NAMES):
        mask = codes == i
        row: dict[str, float] = {"days": int(mask.sum())}
        for h in horizons:
            fwd = level.shift(-h) / level - 1.0
            row[f"fwd_{h}d_mean"] = float(fwd[mask].mean()) if mask.any() else float("nan")
        row[f"fwd_{longest}d_realised_vol"] = (
            float(fwd_vol[mask].mean()) if mask.any() else float("nan")
        )
        out[name] = row
    return out


def alerts(
    vix: pd.Series, hold_days: int = DEFAULT_HOLD_DAYS, jump_days: int = 5
) -> list[dict[str, object]]:
    """The research note's alerts, each with the date it fired:

    - ``trend_weakening``: within an episode (a stretch of closes above 21, ended by a close at
      or below 21), the first close at or above 25 after at least ``hold_days`` closes of the
      episode: fires on the way up, once per episode.
    - ``risk_cut_jump``: the VIX closes at or above 30 while it closed at or below 20 within
      the previous ``jump_days`` days (once per run of such closes).
    """
    if hold_days < 1 or jump_days < 1:
        raise ValueError("hold_days and jump_days must be >= 1")
    closes = _closes(vix)
    values = closes.to_numpy()
    dates = closes.index
    out: list[dict[str, object]] = []
    held = 0  # closes of the current episode before today
    trend_fired = False
    jump_active = False
    for t, v in enumerate(values):
        if v > TREND_HOLD_LEVEL:
            if held >= hold_days and v >= TREND_BREAK_LEVEL and not trend_fired:
                out.append(
                    {"kind": "trend_weakening", "date": f"{dates[t]:%Y-%m-%d}", "vix": float(v)}
                )
                trend_fired = True
            held += 1
        else:
            held, trend_fired = 0, False
        window = values[max(0, t - jump_days) : t]
        jump = v >= JUMP_TO and len(window) > 0 and window.min() <= JUMP_FROM
        if jump and not jump_active:
            out.append({"kind": "risk_cut_jump", "date": f"{dates[t]:%Y-%m-%d}", "vix": float(v)})
        jump_active = jump
    return out


def spikes(ohlc: pd.DataFrame, top: int = 10) -> list[dict[str, object]]:
    """Largest one-day VIX rises, close to close (the default ranking); with a High column
    also prior close to intraday high (``high_change_pct``). ``ohlc`` has a ``close`` column."""
    frame = ohlc.rename(columns=str.lower).sort_index()
    close = frame["close"].astype(float)
    prior = close.shift(1)
    change = close / prior - 1.0
    order = change.dropna().nlargest(top).index
    has_high = "high" in frame and frame["high"].notna().any()
    rows = []
    for day in order:
        row: dict[str, object] = {
            "date": f"{day:%Y-%m-%d}",
            "prior_close": float(prior[day]),
            "close": float(close[day]),
            "high": float(frame["high"][day]) if has_high else None,
            "change_pct": float(change[day] * 100.0),
        }
        if has_high:
            row["high_change_pct"] = float((frame["high"][day] / prior[day] - 1.0) * 100.0)
        rows.append(row)
    return rows


def bad_highs(ohlc: pd.DataFrame) -> pd.Index:
    """Dates whose High is more than HIGH_PRINT_RATIO x max(prior close, close)."""
    frame = ohlc.rename(columns=str.lower).sort_index()
    close = frame["close"].astype(float)
    bound = np.maximum(close.shift(1), close) * HIGH_PRINT_RATIO
    return frame.index[(frame["high"].astype(float) > bound).to_numpy()]


def intraday_spikes(ohlc: pd.DataFrame, top: int = 10) -> dict[str, object]:
    """Largest rises from the prior close to the intraday high (e.g. 2024-08-05: 23.39 ->
    65.73), skipping the bad prints of ``bad_highs``: ``{"spikes": [...], "flagged": n,
    "flagged_rows": [...], "rule": ...}``."""
    frame = ohlc.rename(columns=str.lower).sort_index()
    prior = frame["close"].shift(1)
    change = frame["high"] / prior - 1.0
    flagged = bad_highs(frame)

    def row(day: pd.Timestamp) -> dict[str, object]:
        return {
            "date": f"{day:%Y-%m-%d}",
            "prior_close": float(prior[day]),
            "high": float(frame["high"][day]),
            "close": float(frame["close"][day]),
            "high_change_pct": float(change[day] * 100.0),
        }

    return {
        "spikes": [row(day) for day in change.drop(flagged).dropna().nlargest(top).index],
        "flagged": len(flagged),
        "flagged_rows": [row(day) for day in flagged],
        "rule": f"High > {HIGH_PRINT_RATIO:g} x max(prior close, close)",
    }


def next_day_moves(vix: pd.Series, index: pd.Series) -> pd.DataFrame:
    """Per VIX close ``vix``: the implied daily sigma ``VIX_t / 16`` and the index's next-day
    move ``(P_{t+1} / P_t - 1) x 100`` (``implied``, ``move``, both in %), on the dates where
    both exist."""
    closes = _closes(vix)
    level = pd.Series(index, dtype=float).dropna().sort_index()
    move = (level.pct_change() * 100.0).shift(-1)
    both = pd.concat({"vix": closes, "move": move}, axis=1, sort=True).dropna()
    if both.empty:
        raise ValueError("the VIX and the index share no dates")
    both.insert(1, "implied", both["vix"] / math.sqrt(RULE_OF_16_DAYS))
    return both


def rolling_sigmas(vix: pd.Series, index: pd.Series, window: int = 21) -> pd.DataFrame:
    """Implied and realised daily sigma (%) over rolling windows of ``window`` paired days
    (see next_day_moves): RMS of VIX_t / 16 (``implied``) and of the next-day moves (``move``)."""
    both = next_day_moves(vix, index)[["implied", "move"]]
    return (both**2).rolling(window).mean().dropna().pow(0.5)


def rule16_history(
    vix: pd.Series, index: pd.Series, thresholds: ZoneThresholds = DEFAULT_ZONES
) -> dict[str, object]:
    """The implied daily sigma (VIX/16, %) at each close against the index move of the next
    day, like for like: mean implied sigma with mean |move| / sqrt(2/pi), RMS implied sigma
    with the RMS of the moves (the realised sigma); share of days beyond 1 and 2 implied
    sigmas. Overall and by zone of the VIX close."""
    both = next_day_moves(vix, index)
    implied, move = both["implied"], both["move"]
    codes = zone_indices(both["vix"].to_numpy(), thresholds)

    def summary(mask: np.ndarray) -> dict[str, float]:
        imp, real = implied[mask], move[mask].abs()
        if imp.empty:
            keys = ("implied_sigma_pct", "realised_sigma_abs_pct", "implied_rms_pct",
                    "realised_rms_pct", "share_above_1sigma", "share_above_2sigma")  # fmt: skip
            return {"days": 0, **dict.fromkeys(keys, float("nan"))}
        return {
            "days": len(imp),
            "implied_sigma_pct": float(imp.mean()),
            "realised_sigma_abs_pct": float(real.mean() / MEAN_ABS_PER_SIGMA),
            "implied_rms_pct": float(np.sqrt((imp**2).mean())),
            "realised_rms_pct": float(np.sqrt((real**2).mean())),
            "share_above_1sigma": float((real > imp).mean()),
            "share_above_2sigma": float((real > 2 * imp).mean()),
        }

    all_days = np.ones(len(both), dtype=bool)
    return {
        "all": summary(all_days),
        "by_zone": {name: summary(codes == i) for i, name in enumerate(ZONE_NAMES)},
    }


def last_close(closes: pd.Series, day: str | pd.Timestamp) -> tuple[str, float] | None:
    """(date, value) of the last non-NaN close on or before ``day``; None when there is none."""
    series = pd.Series(closes, dtype=float).dropna().sort_index()
    at = int(series.index.searchsorted(pd.Timestamp(day), side="right")) - 1
    return None if at < 0 else (f"{series.index[at]:%Y-%m-%d}", float(series.iloc[at]))


def term_structure(
    spot: pd.Series, three_month: pd.Series | None = None, nine_day: pd.Series | None = None
) -> pd.DataFrame:
    """Ratios and flags from VIX with VIX3M (and VIX9D): contango and backwardation by
    engine.term_structure.state (spot/3-month below or above 1 by more than its flat band)."""
    parts = {"vix": pd.Series(spot, dtype=float)}
    if three_month is not None:
        parts["vix3m"] = pd.Series(three_month, dtype=float)
    if nine_day is not None:
        parts["vix9d"] = pd.Series(nine_day, dtype=float)
    frame = pd.concat(parts, axis=1, sort=True).dropna()
    if "vix3m" in frame:
        frame["ratio_vix_vix3m"] = frame["vix"] / frame["vix3m"]
        frame["basis_spot_minus_3m"] = frame["vix"] - frame["vix3m"]
        ratio = frame["ratio_vix_vix3m"]
        frame["contango"] = ratio < 1.0 - FLAT_TOLERANCE
        frame["backwardation"] = ratio > 1.0 + FLAT_TOLERANCE
    if "vix9d" in frame:
        frame["ratio_vix9d_vix"] = frame["vix9d"] / frame["vix"]
    return frame
