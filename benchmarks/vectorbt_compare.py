"""The reference sweep workload in vectorbt 1.2.0 (Portfolio.from_orders) against the
project's sweep, in the same process. Needs the `bench` extra: pip install -e '.[bench]'.

vectorbt gets the same target positions (computed with numpy, outside its timing) as
target-percent orders per instrument, each combination a cash-sharing group, with fees on
traded value; its timing covers from_orders and the Sharpe ratio of every group."""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pandas as pd

from engine.jobs import run_job
from engine.reference import REFERENCE_WORKLOAD
from engine.sweep import generated_prices, reference_sweep_job


def target_positions(
    prices: np.ndarray, lookback: int, span: int, target: float, cap: float
) -> np.ndarray:
    r = np.vstack([np.full((1, prices.shape[1]), np.nan), prices[1:] / prices[:-1] - 1])
    var = pd.DataFrame(r[1:]).ewm(span=span, adjust=False).var(bias=True).to_numpy()
    var = np.vstack([np.full((1, prices.shape[1]), np.nan), var])
    sign = np.zeros_like(prices)
    sign[lookback:] = np.sign(prices[lookback:] - prices[:-lookback])
    with np.errstate(divide="ignore", invalid="ignore"):
        pos = np.clip(sign * target / np.sqrt(252 * var), -cap, cap)
    pos[~(var > 0)] = 0.0
    pos[:lookback] = 0.0
    return pos


def main(days: int = 9000, instruments: int = 20) -> None:
    import vectorbt as vbt

    prices = generated_prices(days, instruments)
    spec = REFERENCE_WORKLOAD
    out = run_job(reference_sweep_job(prices, spec))  # warm
    ours = min(run_job(reference_sweep_job(prices, spec))["compute_seconds"] for _ in range(3))

    combos = [(lb, sp) for lb in spec.lookbacks for sp in spec.spans]
    sizes = np.hstack(
        [target_positions(prices, lb, sp, 0.10, 4.0) / instruments for lb, sp in combos]
    )
    close = np.tile(prices, (1, len(combos)))
    groups = np.repeat(np.arange(len(combos)), instruments)
    index = pd.bdate_range("1990-01-01", periods=days)
    close_df = pd.DataFrame(close, index=index)
    size_df = pd.DataFrame(sizes, index=index)
    start = time.perf_counter()
    pf = vbt.Portfolio.from_orders(
        close_df, size=size_df, size_type="targetpercent", fees=1e-4, group_by=groups,
        cash_sharing=True, init_cash=1.0, freq="1D",
    )  # fmt: skip
    sharpe = pf.sharpe_ratio()
    theirs = time.perf_counter() - start
    print(
        json.dumps(
            {
                "workload": f"{instruments} instruments x {days} days x {len(combos)} combinations",
                "project_sweep_s": round(ours, 4),
                "vectorbt_from_orders_s": round(theirs, 2),
                "vectorbt_over_project": round(theirs / ours, 1),
                "vectorbt_version": vbt.__version__,
                "groups": len(sharpe),
                "project_combos": out["n_combos"],
            }
        )
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
