"""Allocation study: a grid of portfolios of stocks, bonds and a CTA sleeve (0-50% CTA, the
rest split as the 60/40 base portfolio) with Sharpe, drawdown and worst month for each, and
the research note's "30% in diversifiers lifts Sharpe by about 25%" tested against it
(docs/methodology.md, "Allocation study"). The mix statistics are metrics.allocation_mixer's;
the legs are engine/mixer.py's."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine import metrics
from engine.backtest import backtest_job
from engine.dispersion import compound_by_month
from engine.equity_index import no_index_message, pick_equity_index
from engine.jobs import Job, Progress
from engine.mixer import EQUITY_WEIGHT, mixer_legs
from engine.prices import check_prices, price_window
from engine.sleeves import MIXER_MAX_SLEEVE_PCT

DEFAULT_STEP = 0.05
CLAIM_SHARE = 0.30
CLAIMED_SHARPE_GAIN = 0.25
CLAIM_TEXT = (
    "Allocating 30% to diversifying alternatives including CTAs is expected to lift portfolio "
    "Sharpe by about 25% (the research note)"
)


def sleeve_grid(step: float = DEFAULT_STEP) -> tuple[float, ...]:
    """CTA shares 0, step, 2 step, ... up to MIXER_MAX_SLEEVE_PCT (50%)."""
    top = MIXER_MAX_SLEEVE_PCT / 100
    if not (0 < step <= top):
        raise ValueError(f"step must be above 0 and at most {top:g}, got {step:g}")
    count = int(np.floor(top / step + 1e-9))
    return tuple(round(k * step, 10) for k in range(count + 1))


def study_legs(
    cta: pd.Series,
    prices: pd.DataFrame,
    modes: dict[str, str],
    equity: str | pd.Series,
    bond_leg: str | pd.Series | None,
) -> tuple[pd.DataFrame, str]:
    """(daily returns of the legs ``cta``, ``equity`` and, when there is one, ``bonds``, over the
    days they all have; the mixer's label). ``equity`` is a column of ``prices`` or an index
    series of its own; then the legs run on the union of its dates and the prices' (each leg's
    holidays are zero-return days, the CTA earns nothing on a day only the index trades).
    ``bond_leg`` as mixer_legs takes it. The days run from the CTA's first return to its last."""
    if isinstance(equity, pd.Series):
        level = pd.Series(equity, dtype=float).dropna().sort_index()
        name = str(equity.name or "equity")
        name = f"{name} (index)" if name in prices.columns else name
        if level.empty or (level <= 0).any():
            raise ValueError(f"{equity.name}: the equity index needs positive prices")
        prices = pd.concat([prices, level.rename(name)], axis=1, sort=True)
        modes = {**modes, name: "percent"}
    else:
        name = equity
        if modes[name] != "percent":
            raise ValueError(
                f"{name} has non-positive prices (back-adjusted): the allocation study needs a "
                "price index for the equity leg (--equity-index FILE)"
            )
    stocks, bonds, label = mixer_legs(prices, modes, name, bond_leg)
    days = prices.index[(prices.index >= cta.index[0]) & (prices.index <= cta.index[-1])]
    parts = {"cta": cta.reindex(days).fillna(0.0), "equity": stocks.reindex(days)}
    if bonds is not None:
        parts["bonds"] = bonds.reindex(days)
    legs = pd.concat(parts, axis=1).dropna()
    if len(legs) < 2:
        raise ValueError("the CTA sleeve, the equity index and the bond leg share no period")
    return legs, label


def allocation_study(
    legs: pd.DataFrame, step: float = DEFAULT_STEP, days: int = 252
) -> dict[str, object]:
    """Each mix of the grid (``cta_share``, ``stocks``, ``bonds``, Sharpe, return, vol, max
    drawdown, worst calendar month) and the note's claim: Sharpe at CLAIM_SHARE over Sharpe at
    0, minus 1, beside CLAIMED_SHARPE_GAIN."""
    shares = sleeve_grid(step)
    bonds = legs.get("bonds")
    mixes = metrics.allocation_mixer(legs["cta"], legs["equity"], bonds, shares, days)
    stock_weight = 1.0 if bonds is None else EQUITY_WEIGHT  # the base portfolio's split
    base = stock_weight * legs["equity"] + (0.0 if bonds is None else (1.0 - stock_weight) * bonds)
    rows = []
    for mix in mixes:
        x = mix["cta_share"]
        monthly = compound_by_month((1.0 - x) * base + x * legs["cta"])
        rows.append(
            {
                "cta_share": x,
                "stocks": (1.0 - x) * stock_weight,
                "bonds": (1.0 - x) * (1.0 - stock_weight),
                **{k: mix[k] for k in ("sharpe", "ann_return", "ann_vol", "max_drawdown")},
                "worst_month": float(monthly.min()),
                "worst_month_date": f"{monthly.idxmin()}",
            }
        )
    at_0, at_claim = metrics.allocation_mixer(
        legs["cta"], legs["equity"], bonds, (0.0, CLAIM_SHARE), days
    )
    s0, s30 = at_0["sharpe"], at_claim["sharpe"]
    claim: dict[str, object] = {
        "text": CLAIM_TEXT,
        "claimed": CLAIMED_SHARPE_GAIN,
        "share": CLAIM_SHARE,
        "sharpe_at_0": s0,
        "sharpe_at_30": s30,
        "sharpe_gain_at_30": s30 / s0 - 1.0 if s0 > 0 else None,
        "difference": (s30 / s0 - 1.0 - CLAIMED_SHARPE_GAIN) if s0 > 0 else None,
        "note": (
            "the note's 30% goes to diversifying alternatives in general; here it is this one "
            "CTA sleeve, rebalanced daily at no cost, over the period shown"
        ),
    }
    if not s0 > 0:
        claim["note"] = "the base portfolio's Sharpe is not positive: a ratio means nothing"
    corr = legs.corr()
    return {
        "first": f"{legs.index[0]:%Y-%m-%d}",
        "last": f"{legs.index[-1]:%Y-%m-%d}",
        "days": len(legs),
        "mixes": rows,
        "best_sharpe": max(rows, key=lambda r: np.nan_to_num(r["sharpe"], nan=-np.inf)),
        "correlations": {
            f"{a}_{b}": float(corr.loc[a, b])
            for i, a in enumerate(legs.columns)
            for b in legs.columns[i + 1 :]
        },
        "claim": claim,
    }


def allocation_job(
    prices: pd.DataFrame,
    params: dict,
    equity: str | pd.Series | None = None,
    bond_yield: pd.Series | None = None,
    step: float = DEFAULT_STEP,
    start: str | None = None,
    end: str | None = None,
) -> Job[dict[str, object]]:
    """Job: backtest the CTA sleeve (``params`` on ``prices``, metrics window ``start``..``end``),
    then the allocation study against ``equity`` (a column of the prices, an index series of its
    own, or None for the one named like the S&P 500) and the bond leg (``bond_yield``, a 10-year
    yield in percent, else the ``bond_leg`` parameter: a bond future among the prices)."""
    sleeve_grid(step)  # a bad step fails before the backtest
    frame, _ = price_window(check_prices(prices), None, end)
    if equity is None:
        equity = pick_equity_index(list(frame.columns), params["equity_index"])
        if equity is None:
            raise ValueError(no_index_message(list(frame.columns), "the allocation study"))
    elif isinstance(equity, str):
        pick_equity_index(list(frame.columns), equity)  # an error when it is not a column
    result = yield from backtest_job(frame, params, start=start, end=end, bond_yield=bond_yield)
    yield Progress(95.0, "Allocation grid")
    bond = bond_yield if bond_yield is not None else params["bond_leg"]
    legs, label = study_legs(result.returns, frame, result.modes, equity, bond)
    out = allocation_study(legs, step, int(params["annualisation"]))
    out["legs"] = label
    out["cta"] = {k: result.metrics[k] for k in ("sharpe", "ann_return", "ann_vol", "max_drawdown")}
    yield Progress(100.0, "Allocation study done")
    return out
