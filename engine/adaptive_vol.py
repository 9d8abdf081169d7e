"""VIX-implied against adaptive vol targeting (docs/spike_anatomy.md, "Adaptive vol targeting"):
a vol-control fund on the equity index along each vol estimate (the deleveraging simulator of
engine/deleverage.py), and a preset's backtest on a futures panel with vol_method vix or
adaptive. Per spike episode, the share of NAV sold on the spike day and the return over the next
NEXT_DAYS days under each; over the whole period, Sharpe and max drawdown."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from engine.backtest import BacktestResult, backtest_job
from engine.deleverage import DEFAULT_MAX_LEVERAGE, DEFAULT_TARGET, deleverage_path
from engine.equity_index import pick_equity_index
from engine.jobs import Job, Progress
from engine.metrics import performance
from engine.regime_matrix import progress_within
from engine.spike_anatomy import Anatomy
from engine.volatility import adaptive_daily_vol, ewma_daily_vol, vix_daily_vol

NEXT_DAYS = 20
"""Trading days after the spike day over which the return given up or saved is measured."""
TARGETS = ("vix", "adaptive")
"""The two vol estimates compared (vol_method values)."""
SUMMARY_KEYS = ("sharpe", "max_drawdown", "ann_return", "ann_vol", "cagr")


def _closes(series: pd.Series) -> pd.Series:
    closes = pd.Series(series, dtype=float).dropna().sort_index()
    closes.index = pd.DatetimeIndex(closes.index).normalize()
    return closes


def scored_from(anatomy: Anatomy) -> pd.Timestamp:
    """The first date with a score: where the comparison starts (before it both estimates are
    the spot VIX)."""
    scored = anatomy.daily["score"].dropna()
    if scored.empty:
        raise ValueError("no day has a spike score: give VX futures, VIX3M, VIX9D or VVIX")
    return pd.Timestamp(scored.index[0])


def vol_paths(anatomy: Anatomy, index: pd.Series, params: dict[str, Any]) -> pd.DataFrame:
    """The two estimates in VIX points on the index's dates from the first score to the last
    VIX close: ``vix`` (the last VIX close on or before each date) and ``adaptive`` (volatility
    .adaptive_daily_vol with params' adaptive_source; its ewma is the index's own EWMA vol with
    vol_span, vol_halflife and vol_floor)."""
    days = int(params["annualisation"])
    level = _closes(index)
    daily = anatomy.daily
    dates = level.index[(level.index >= scored_from(anatomy)) & (level.index <= daily.index[-1])]
    if len(dates) < 2:
        raise ValueError("the index has no closes over the days with a spike score")
    moves = level.pct_change().to_frame("index")
    vol_args = (params["vol_span"], params["vol_halflife"], params["vol_floor"])
    own = ewma_daily_vol(moves, *vol_args)["index"].reindex(dates)
    implied = vix_daily_vol(daily["vix"], dates, days)
    lean = adaptive_daily_vol(implied, daily, params["adaptive_source"], own, days)
    scale = 100.0 * math.sqrt(days)
    return pd.DataFrame({"vix": implied * scale, "adaptive": lean * scale})


def vol_control_fund(
    level: pd.Series, vol: pd.Series, target: float, max_leverage: float, path: str
) -> pd.DataFrame:
    """A fund holding the index at exposure min(max_leverage, target / (vol / 100)), set at
    each close (engine/deleverage.py along ``vol``, VIX points, named ``path``): columns
    ``vol``, ``exposure``, ``nav_sold`` (exposure of the previous date minus today's) and
    ``return`` (the previous close's exposure times the index's move; NaN on the first date)."""
    steps = deleverage_path(vol.tolist(), target, max_leverage, path=path)["steps"]
    out = pd.DataFrame(
        {
            "vol": vol,
            "exposure": [s["exposure"] for s in steps],
            "nav_sold": [s["nav_sold"] for s in steps],
        },
        index=vol.index,
    )
    out["return"] = out["exposure"].shift(1) * _closes(level).reindex(vol.index).pct_change()
    return out


def next_return(returns: pd.Series, date: pd.Timestamp, days: int = NEXT_DAYS) -> float | None:
    """Compounded ``returns`` of the ``days`` dates after ``date``; None when fewer follow."""
    after = returns[returns.index > date].iloc[:days]
    if len(after) < days or after.isna().any():
        return None
    return float((1.0 + after).prod() - 1.0)


def _num(value: float) -> float | None:
    return None if pd.isna(value) else float(value)


def _summary(returns: pd.Series, days: int) -> dict[str, float]:
    stats = performance(returns.dropna(), days=days)
    return {k: stats[k] for k in SUMMARY_KEYS}


def index_comparison(
    anatomy: Anatomy,
    index: pd.Series,
    params: dict[str, Any],
    target: float = DEFAULT_TARGET,
    max_leverage: float = DEFAULT_MAX_LEVERAGE,
) -> dict[str, Any]:
    """The vol-control fund on ``index`` under each estimate of :func:`vol_paths`: per episode
    of ``anatomy`` whose spike day the index traded, each estimate, the NAV sold that day and
    the fund's return over the next NEXT_DAYS (``saved``: adaptive minus vix); the
    whole-period statistics of both funds and the days the adaptive estimate leaned."""
    paths = vol_paths(anatomy, index, params)
    days = int(params["annualisation"])
    funds = {t: vol_control_fund(index, paths[t], target, max_leverage, t) for t in TARGETS}
    rows = []
    for episode in anatomy.episodes:
        day = pd.Timestamp(episode["date"])
        if day not in paths.index:
            continue
        row: dict[str, Any] = {"date": episode["date"], "label": episode["label"]}
        for t in TARGETS:
            fund = funds[t]
            row[f"vol_{t}"] = float(fund.at[day, "vol"])
            row[f"exposure_{t}"] = float(fund.at[day, "exposure"])
            row[f"nav_sold_{t}"] = float(fund.at[day, "nav_sold"])
            row[f"next_20_{t}"] = next_return(fund["return"], day)
        both = row["next_20_vix"] is not None and row["next_20_adaptive"] is not None
        row["saved"] = row["next_20_adaptive"] - row["next_20_vix"] if both else None
        rows.append(row)
    return {
        "episodes": rows,
        "summary": {
            "first": f"{paths.index[0]:%Y-%m-%d}",
            "last": f"{paths.index[-1]:%Y-%m-%d}",
            "days": len(paths),
            "lean_days": int((paths["adaptive"] != paths["vix"]).sum()),
            "target": target,
            "max_leverage": max_leverage,
            "source": params["adaptive_source"],
            **{t: _summary(funds[t]["return"], days) for t in TARGETS},
        },
    }


def panel_comparison_job(
    anatomy: Anatomy, prices: pd.DataFrame, vix: pd.Series, params: dict[str, Any]
) -> Job[dict[str, Any]]:
    """Job: the backtest of ``params`` on ``prices`` with vol_method vix and adaptive (the
    metrics from the first score on): per episode inside the run, the equity index's notional
    sold on the spike day (per unit of capital) and the portfolio's return over the next
    NEXT_DAYS; the whole-period statistics of both runs."""
    symbol = pick_equity_index([str(c) for c in prices.columns], params["equity_index"])
    if symbol is None:
        raise ValueError("the futures panel has no equity index to size by the VIX")
    start = f"{scored_from(anatomy):%Y-%m-%d}"
    runs: dict[str, BacktestResult] = {}
    for i, target in enumerate(TARGETS):
        run = backtest_job(
            prices, {**params, "vol_method": target}, vix, start=start, anatomy=anatomy.daily
        )
        span = (100.0 * i / len(TARGETS), 100.0 * (i + 1) / len(TARGETS))
        runs[target] = yield from progress_within(run, *span, f"vol_method={target}")
    returns = {t: r.returns for t, r in runs.items()}
    rows = []
    for episode in anatomy.episodes:
        day = pd.Timestamp(episode["date"])
        if not returns["vix"].index[0] < day <= returns["vix"].index[-1]:
            continue
        row: dict[str, Any] = {"date": episode["date"], "label": episode["label"]}
        for t, result in runs.items():
            traded = result.traded_notional[symbol]
            row[f"nav_sold_{t}"] = _num(0.0 - traded.get(day, float("nan")))
            row[f"next_20_{t}"] = next_return(returns[t], day)
        both = row["next_20_vix"] is not None and row["next_20_adaptive"] is not None
        row["saved"] = row["next_20_adaptive"] - row["next_20_vix"] if both else None
        rows.append(row)
    first, last = returns["vix"].index[[0, -1]]
    yield Progress(100.0, "Panel comparison done")
    days = int(params["annualisation"])
    return {
        "episodes": rows,
        "summary": {
            "equity_index": symbol,
            "first": f"{first:%Y-%m-%d}",
            "last": f"{last:%Y-%m-%d}",
            **{t: _summary(returns[t], days) for t in TARGETS},
        },
    }
