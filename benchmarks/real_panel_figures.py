"""Headline figures of every preset on the real futures panel: Sharpe, vol, turnover and the
2008 return, on the raw panel and on the panel forward-filled inside each instrument's range.

Usage: python benchmarks/real_panel_figures.py [PANEL_CSV] [--json]
(the panel defaults to the shared data folder next to the repository)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from engine.backtest import run_backtest
from engine.presets import presets

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/futures_panel_adjusted_daily.csv"


def ffill_in_range(prices: pd.DataFrame) -> pd.DataFrame:
    """Each column forward-filled between its own first and last price."""
    return prices.ffill().where(prices.bfill().notna())


def figures(prices: pd.DataFrame, preset: str) -> dict[str, float]:
    r = run_backtest(prices, preset)
    y2008 = float((1 + r.returns.loc["2008"]).prod() - 1)
    m = r.metrics
    return {
        "sharpe": round(m["sharpe"], 3),
        "ann_vol": round(m["ann_vol"], 4),
        "turnover": round(m["turnover"], 2),
        "y2008": round(y2008, 4),
    }


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = Path(args[0]) if args else DEFAULT
    raw = pd.read_csv(path, index_col=0, parse_dates=True)
    filled = ffill_in_range(raw)
    out = {}
    for name in presets():
        if name == "macro":
            continue  # needs an indicator series
        out[name] = {"raw": figures(raw, name), "ffilled": figures(filled, name)}
    if "--json" in sys.argv:
        print(json.dumps(out, indent=1))
        return
    print(f"{'preset':<12} {'panel':<8} {'sharpe':>7} {'vol':>7} {'turnover':>9} {'2008':>8}")
    for name, rows in out.items():
        for panel, f in rows.items():
            print(
                f"{name:<12} {panel:<8} {f['sharpe']:7.3f} {f['ann_vol']:7.2%} "
                f"{f['turnover']:9.2f} {f['y2008']:8.2%}"
            )


if __name__ == "__main__":
    main()
