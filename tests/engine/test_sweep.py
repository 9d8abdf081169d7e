"""The reference sweep against a plain pandas implementation of the DESIGN.md contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.jobs import Cancelled, run_job
from engine.sweep import ReferenceSweep, generated_prices, parse_range, reference_sweep_job


def pandas_contract(
    prices: pd.DataFrame, lookback: int, span: int, target: float, cap: float, cost: float
) -> dict:
    """The contract written out in pandas, line by line."""
    r = prices.pct_change()
    v = r.iloc[1:].ewm(span=span, adjust=False).var(bias=True).reindex(prices.index)
    sign = np.sign(prices - prices.shift(lookback))
    raw = (sign * target / np.sqrt(252 * v)).clip(-cap, cap)
    day = pd.Series(np.arange(len(prices)), index=prices.index)
    ok = (v > 0) & (day >= lookback).to_numpy()[:, None]
    pos = raw.where(ok, 0.0).fillna(0.0)
    prev = pos.shift(1).fillna(0.0)
    trading = r.notna()  # a day's mean runs over the instruments with a return that day
    port = (prev * r - cost * (pos - prev).abs()).where(trading).iloc[1:].mean(axis=1).fillna(0.0)
    turnover = (pos - prev).abs().where(trading).iloc[1:].mean(axis=1).fillna(0.0).mean() * 252
    equity = (1 + port).cumprod()
    peak = np.maximum.accumulate(np.r_[1.0, equity.to_numpy()])[1:]
    return {
        "sharpe": port.mean() / port.std(ddof=1) * np.sqrt(252),
        "ann_return": port.mean() * 252,
        "ann_vol": port.std(ddof=1) * np.sqrt(252),
        "max_dd": min(0.0, (equity.to_numpy() / peak - 1).min()),
        "turnover": turnover,
    }


@pytest.fixture(scope="module")
def small() -> np.ndarray:
    return generated_prices(days=700, instruments=5, seed=3)


def test_reference_sweep_matches_pandas_contract(small: np.ndarray) -> None:
    spec = ReferenceSweep((20, 63, 130), (10, 35), target=0.10, cap=4.0, cost_bps=1.0)
    out = run_job(reference_sweep_job(small, spec, chunks=2))
    assert out["n_combos"] == 6 and len(out["results"]) == 6
    frame = pd.DataFrame(small)
    for row in out["results"]:
        ref = pandas_contract(frame, row["lookback"], row["vol_span"], 0.10, 4.0, 1e-4)
        for key, value in ref.items():
            assert row[key] == pytest.approx(value, abs=1e-10), (row["lookback"], key)


def test_late_starting_instrument_matches_pandas(small: np.ndarray) -> None:
    from engine.sweep import run_grid

    prices = small.copy()
    prices[:200, 1] = np.nan  # starts trading on day 200
    lookbacks, spans, span_index = np.array([30, 90]), np.array([20.0]), np.array([0, 0])
    targets, caps, costs = np.array([0.1, 0.2]), np.array([4.0, 2.0]), np.array([1e-4, 5e-4])
    stats = run_grid(prices, lookbacks, spans, span_index, targets, caps, costs)
    frame = pd.DataFrame(prices)
    cases = [(30, 0.1, 4.0, 1e-4), (90, 0.2, 2.0, 5e-4)]
    keys = ("sharpe", "ann_return", "ann_vol", "max_dd", "turnover")
    for row, (lb, target, cap, cost) in zip(stats, cases, strict=True):
        ref = pandas_contract(frame, lb, 20, target, cap, cost)
        np.testing.assert_allclose(row, [ref[k] for k in keys], atol=1e-10)


def test_tight_cap_and_high_cost_change_results(small: np.ndarray) -> None:
    base = run_job(reference_sweep_job(small, ReferenceSweep((40,), (20,))))["results"][0]
    capped = run_job(reference_sweep_job(small, ReferenceSweep((40,), (20,), cap=0.2)))
    costly = run_job(reference_sweep_job(small, ReferenceSweep((40,), (20,), cost_bps=50)))
    ref = pandas_contract(pd.DataFrame(small), 40, 20, 0.10, 0.2, 1e-4)
    assert capped["results"][0]["ann_vol"] == pytest.approx(ref["ann_vol"], abs=1e-10)
    assert costly["results"][0]["ann_return"] < base["ann_return"]


def test_parse_range_and_validation(small: np.ndarray) -> None:
    assert parse_range("20:260:10") == tuple(range(20, 261, 10))
    assert len(parse_range("20:260:10")) == 25
    assert parse_range("10,20,30") == (10, 20, 30)
    for bad in ("20:10:5", "a:b:c", "1:5:0", "x"):
        with pytest.raises(ValueError):
            parse_range(bad)
    with pytest.raises(ValueError, match="lookbacks"):
        ReferenceSweep((0,), (10,))
    with pytest.raises(ValueError, match="vol target"):
        ReferenceSweep((10,), (10,), target=-1)
    bad = small.copy()
    bad[10, 2] = -1.0
    with pytest.raises(ValueError, match="column 3 row 11 holds -1"):
        run_job(reference_sweep_job(bad, ReferenceSweep((10,), (10,))))
    with pytest.raises(ValueError, match="needs more than"):
        run_job(reference_sweep_job(small[:30], ReferenceSweep((40,), (10,))))


def test_sweep_cancels_between_chunks(small: np.ndarray) -> None:
    import threading

    cancel = threading.Event()
    seen = []

    def progress(p):
        seen.append(p.percent)
        if p.percent > 0:
            cancel.set()

    spec = ReferenceSweep(tuple(range(10, 110, 10)), (10, 20))
    with pytest.raises(Cancelled):
        run_job(reference_sweep_job(small, spec, chunks=5), progress, cancel)
    assert 0 < seen[-1] < 100


def test_grid_sweep_matches_pandas_and_single_runs(small: np.ndarray) -> None:
    from engine.presets import resolve
    from engine.sweep import grid_sweep_job

    base = resolve("mop2012")
    grid = {"lookback": (20, 60), "vol_target": (0.1, 0.3), "cost_bps": (0.0, 5.0)}
    out = run_job(grid_sweep_job(small, grid, base, chunk=3))
    assert out["n_combos"] == 8 and len(out["results"]) == 8
    frame = pd.DataFrame(small)
    for row in out["results"]:
        ref = pandas_contract(
            frame, row["lookback"], base["vol_span"], row["vol_target"], base["max_leverage"],
            row["cost_bps"] / 1e4,
        )  # fmt: skip
        assert row["sharpe"] == pytest.approx(ref["sharpe"], abs=1e-10)
        assert row["turnover"] == pytest.approx(ref["turnover"], abs=1e-10)
    with pytest.raises(ValueError, match="not buffer"):
        run_job(grid_sweep_job(small, {"buffer": (0.1,)}, base))


def test_backtest_grid_over_any_declared_parameter() -> None:
    from engine.backtest import run_backtest
    from engine.presets import resolve
    from engine.sweep import backtest_grid_job

    prices = pd.DataFrame(
        generated_prices(days=600, instruments=3, seed=8),
        index=pd.bdate_range("2001-01-01", periods=600),
        columns=["A", "B", "C"],
    )
    base = resolve("ewmac")
    grid = {"buffer": (0.0, 0.2), "ewmac_pairs": ("8/32", "16/64")}
    out = run_job(backtest_grid_job(prices, grid, base))
    assert out["n_combos"] == 4
    row = next(r for r in out["results"] if r["buffer"] == 0.2 and r["ewmac_pairs"] == ((16, 64),))
    single = run_backtest(prices, "ewmac", {"buffer": 0.2, "ewmac_pairs": "16/64"})
    assert row["sharpe"] == pytest.approx(single.metrics["sharpe"], rel=1e-12)
    with pytest.raises(ValueError, match="unknown parameters"):
        run_job(backtest_grid_job(prices, {"nope": (1,)}, base))
    with pytest.raises(ValueError, match="above the maximum"):
        run_job(backtest_grid_job(prices, {"buffer": (2.0,)}, base))
