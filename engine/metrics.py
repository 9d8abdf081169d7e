"""Performance metrics of a daily return series (docs/methodology.md, "Metrics").

Plain numpy/pandas: these run once per backtest. Sweeps use kernels.return_stats instead.
Conventions: returns are simple daily returns on capital; annualisation uses ``days``
(252 unless told otherwise); max drawdown is a negative fraction of the compounded equity.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from engine.annualisation import TRADING_DAYS
from engine.mixer import EQUITY_WEIGHT
from engine.sleeves import MIXER_TABLE
from engine.vix import (
    DEFAULT_ZONES,
    EXTREME_BAND,
    EXTREME_VIX,
    PAIR_MAX_GAP_DAYS,
    ZoneThresholds,
)


def _clean(returns: pd.Series) -> pd.Series:
    return pd.Series(returns, dtype=float).dropna()


def drawdown(returns: pd.Series) -> pd.Series:
    """Drawdown of the compounded equity (starting at 1) after each day."""
    equity = (1.0 + _clean(returns)).cumprod()
    peak = np.maximum.accumulate(np.r_[1.0, equity.to_numpy()])[1:]
    return equity / peak - 1.0


def max_drawdown_duration(returns: pd.Series) -> int:
    """Longest run of days spent below a previous equity peak."""
    under = (drawdown(returns) < 0).to_numpy()
    if not under.any():
        return 0
    days = np.arange(len(under))
    last_at_peak = np.maximum.accumulate(np.where(under, -1, days))  # -1 before any peak day
    return int((days - last_at_peak)[under].max())


def performance(
    returns: pd.Series,
    traded: pd.Series | None = None,
    costs: pd.Series | None = None,
    days: int = TRADING_DAYS,
) -> dict[str, float]:
    """The standard metrics. ``traded`` (notional traded each day, as a share of capital)
    adds turnover per year; ``costs`` (daily cost as a return) adds cost drag."""
    r = _clean(returns)
    n = len(r)
    if n < 2:
        raise ValueError("need at least two daily returns for statistics")
    mean, std = float(r.mean()), float(r.std(ddof=1))
    ann_vol = std * math.sqrt(days)
    ann_return = mean * days
    downside = float(np.sqrt(np.mean(np.minimum(r.to_numpy(), 0.0) ** 2)))
    equity_end = float((1.0 + r).prod())
    years = n / days
    cagr = equity_end ** (1.0 / years) - 1.0 if equity_end > 0 else -1.0
    max_dd = float(min(0.0, drawdown(r).min()))
    out = {
        "cagr": cagr,
        "ann_return": ann_return,
        "ann_vol": ann_vol,
        "sharpe": ann_return / ann_vol if ann_vol > 0 else float("nan"),
        "sortino": ann_return / (downside * math.sqrt(days)) if downside > 0 else float("nan"),
        "max_drawdown": max_dd,
        "max_drawdown_days": float(max_drawdown_duration(r)),
        "calmar": cagr / -max_dd if max_dd < 0 else float("nan"),
        "skew": float(r.skew()),
        "hit_rate": float((r > 0).sum() / max((r != 0).sum(), 1)),
        "days": float(n),
        "annualisation_days": float(days),
    }
    if traded is not None:
        out["turnover"] = float(_clean(traded).mean() * days)
    if costs is not None:
        cost_ann = float(_clean(costs).mean() * days)
        out["cost_drag"] = cost_ann / ann_vol if ann_vol > 0 else float("nan")  # Sharpe units
        out["cost_per_year"] = cost_ann
    return out


VixBands = Mapping[str, tuple[float, float]]
"""VIX bands by key: (lower, upper), a band holding lower <= VIX < upper (-inf/inf: open)."""


def previous_vix(vix: pd.Series, index: pd.Index) -> pd.Series:
    """For each date t of ``index``, the last VIX close strictly before t: the level known while
    the day's position was held, whatever the two calendars. NaN before the VIX starts, and
    more than PAIR_MAX_GAP_DAYS calendar days after it ends (never a stale level)."""
    closes = pd.Series(vix, dtype=float).dropna().sort_index()
    dates = pd.DatetimeIndex(index)
    out = np.full(len(dates), np.nan)
    if closes.empty:
        return pd.Series(out, index=index)
    before = closes.index.searchsorted(dates, side="left") - 1
    gap = (dates - closes.index[-1]).days.to_numpy()
    known = (before >= 0) & ((before < len(closes) - 1) | (gap <= PAIR_MAX_GAP_DAYS))
    out[known] = closes.to_numpy()[before[known]]
    return pd.Series(out, index=index)


def zone_bands(thresholds: ZoneThresholds = DEFAULT_ZONES) -> dict[str, tuple[float, float]]:
    """The five zones of ``thresholds`` (a level on a threshold is in the higher zone), then
    the extreme band EXTREME_BAND (VIX >= EXTREME_VIX, inside the last zone)."""
    out = {
        z.name: (
            -math.inf if z.lower is None else z.lower,
            math.inf if z.upper is None else z.upper,
        )
        for z in thresholds.zones()
    }
    out[EXTREME_BAND] = (EXTREME_VIX, math.inf)
    return out


def returns_by_band(
    returns: pd.Series, vix: pd.Series, bands: VixBands
) -> tuple[dict[str, pd.Series], int]:
    """Each band's daily returns, a day going to the band of the VIX at the previous close
    (previous_vix), and the number of days with a VIX; days without one are left out."""
    r = _clean(returns)
    level = previous_vix(vix, r.index).to_numpy()
    parts = {key: r[(level >= lo) & (level < hi)] for key, (lo, hi) in bands.items()}
    return parts, int(np.isfinite(level).sum())


def band_stats(part: pd.Series, known: int, days: int) -> dict[str, float]:
    """Days, share of the ``known`` days, annualised return and vol, and Sharpe of one band's
    daily returns (NaN where too few days)."""
    count = len(part)
    vol = float(part.std(ddof=1) * math.sqrt(days)) if count > 1 else float("nan")
    ret = float(part.mean() * days) if count else float("nan")
    return {
        "days": count,
        "share": count / known if known else float("nan"),
        "ann_return": ret,
        "ann_vol": vol,
        "sharpe": ret / vol if count > 1 and vol > 0 else float("nan"),
    }


def by_vix_zone(
    returns: pd.Series,
    vix: pd.Series,
    thresholds: ZoneThresholds = DEFAULT_ZONES,
    days: int = TRADING_DAYS,
) -> dict[str, dict[str, float]]:
    """Return, vol, Sharpe and share of days per VIX zone of ``thresholds``, then the same for
    the extreme band (key EXTREME_BAND: VIX >= EXTREME_VIX, inside the last zone). The VIX is
    taken at the previous close (previous_vix); days without a VIX are left out."""
    parts, known = returns_by_band(returns, vix, zone_bands(thresholds))
    return {key: band_stats(part, known, days) for key, part in parts.items()}


def crisis_alpha(
    returns: pd.Series, equity_index: pd.Series, worst: float = 0.10
) -> dict[str, float]:
    """Strategy return in the worst ``worst`` share of equity-index months, vs the index."""
    r = _clean(returns)
    idx = pd.Series(equity_index, dtype=float).dropna()
    idx_m = idx.resample("ME").last().pct_change().dropna()
    strat_m = (1.0 + r).resample("ME").prod() - 1.0
    both = pd.concat([strat_m, idx_m], axis=1, keys=["strategy", "index"], sort=True).dropna()
    if both.empty:
        raise ValueError("the strategy and the equity index share no months")
    cut = both["index"].quantile(worst)
    bad = both[both["index"] <= cut]
    return {
        "months": float(len(bad)),
        "strategy_mean_monthly": float(bad["strategy"].mean()),
        "index_mean_monthly": float(bad["index"].mean()),
        "strategy_hit_rate": float((bad["strategy"] > 0).mean()),
        "threshold_index_monthly": float(cut),
    }


def regime_correlation(
    returns: pd.Series,
    equity_index: pd.Series,
    vix: pd.Series,
    thresholds: ZoneThresholds = DEFAULT_ZONES,
) -> dict[str, float]:
    """Correlation of daily strategy and index returns on calm days (previous VIX close below
    the warning threshold, 20 by default), stressed days (at or above the panic threshold, 30
    by default) and all days with a VIX."""
    r = _clean(returns)
    level = pd.Series(equity_index, dtype=float)
    held = level.ffill().where(level.bfill().notna())  # its holidays: no return, none lost
    idx_r = held.pct_change().reindex(r.index)
    v = previous_vix(vix, r.index)
    calm, stressed = v < thresholds.lower_bound("warning"), v >= thresholds.lower_bound("panic")
    out = {}
    for name, mask in (("calm", calm), ("stressed", stressed), ("all", v.notna())):
        pair = pd.concat([r[mask], idx_r[mask]], axis=1, sort=True).dropna()
        out[f"corr_{name}"] = float(pair.corr().iloc[0, 1]) if len(pair) > 2 else float("nan")
        out[f"days_{name}"] = float(len(pair))
    return out


def allocation_mixer(
    cta: pd.Series,
    equity: pd.Series,
    bonds: pd.Series | None = None,
    sleeves: tuple[float, ...] = MIXER_TABLE,
    days: int = TRADING_DAYS,
) -> list[dict[str, float]]:
    """Sharpe, vol and max drawdown of a 60/40 (EQUITY_WEIGHT; equity-only without ``bonds``)
    portfolio with an X% CTA sleeve, rebalanced daily, for each X in ``sleeves``, over the days
    every leg has a return (engine/mixer.py builds and names the legs)."""
    parts = {"cta": _clean(cta), "equity": pd.Series(equity, dtype=float)}
    if bonds is not None:
        parts["bonds"] = pd.Series(bonds, dtype=float)
    frame = pd.concat(parts, axis=1, sort=True).dropna()
    if bonds is None:
        base = frame["equity"]
    else:
        base = EQUITY_WEIGHT * frame["equity"] + (1.0 - EQUITY_WEIGHT) * frame["bonds"]
    if len(frame) < 2:
        raise ValueError("need at least two daily returns for statistics")
    shares = np.asarray(sleeves, dtype=float)
    # every sleeve at once (days x sleeves), the same formulas as performance()
    mix = np.outer(base.to_numpy(), 1.0 - shares) + np.outer(frame["cta"].to_numpy(), shares)
    ann_return = mix.mean(axis=0) * days
    ann_vol = mix.std(axis=0, ddof=1) * math.sqrt(days)
    equity = np.cumprod(1.0 + mix, axis=0)
    peak = np.maximum.accumulate(np.vstack([np.ones(len(shares)), equity]), axis=0)[1:]
    max_dd = np.minimum(0.0, (equity / peak - 1.0).min(axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        sharpe = np.where(ann_vol > 0, ann_return / ann_vol, np.nan)
    return [
        {
            "cta_share": float(x),
            "sharpe": float(sharpe[i]),
            "ann_vol": float(ann_vol[i]),
            "max_drawdown": float(max_dd[i]),
            "ann_return": float(ann_return[i]),
        }
        for i, x in enumerate(sleeves)
    ]


def calendar_returns(returns: pd.Series) -> pd.DataFrame:
    """Compounded returns by calendar month: one row per year, columns 1..12 and "year"
    (the whole year's compounded return); months without days are NaN."""
    r = _clean(returns)
    growth = 1.0 + r
    monthly = growth.groupby([r.index.year, r.index.month]).prod() - 1.0
    table = monthly.unstack().reindex(columns=range(1, 13))
    table["year"] = growth.groupby(r.index.year).prod() - 1.0
    table.index.name = "year"
    return table
