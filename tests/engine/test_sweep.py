"""Sweeps: the reference sweep against a plain pandas statement of its rules (DESIGN.md,
"Reference sweep", with statistics from the first position and equal weights over the
instruments that can trade), and every sweep cell against the backtest of its parameters
on the real futures panel (one strategy definition)."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from engine.backtest import backtest_job
from engine.grid import parse_range
from engine.jobs import Cancelled, run_job
from engine.presets import presets, resolve
from engine.reference import ReferenceSweep
from engine.sweep import (
    generated_prices,
    grid_sweep_job,
    reference_params,
    reference_sweep_job,
    sweep_axes,
    uses_fused_kernel,
)
from tests.conftest import SHARED_DATA

PANEL = SHARED_DATA / "futures_panel_adjusted_daily.csv"
YIELD = SHARED_DATA / "us10y_yield_monthly.csv"
STATS = {
    "sharpe": "sharpe",
    "ann_return": "ann_return",
    "ann_vol": "ann_vol",
    "max_dd": "max_drawdown",
    "turnover": "turnover",
}


def pandas_contract(
    prices: pd.DataFrame, lookback: int, span: int, target: float, cap: float, cost: float
) -> dict:
    """The reference rules written out in pandas, line by line: each instrument's returns and
    EWMA variance on its own closes, sign of the L-day change, 252-day annualisation, the cap
    on each instrument's position, equal weights over the instruments with a position rule
    that day, costs on traded notional, statistics from the first position on."""
    r = prices.pct_change()
    v = pd.DataFrame(
        {c: r[c].dropna().ewm(span=span, adjust=False).var(bias=True) for c in prices},
        index=prices.index,
    )
    sign = np.sign(prices - prices.shift(lookback))
    ok = (v > 0) & sign.notna()
    raw = (sign * target / np.sqrt(252 * v)).clip(-cap, cap).where(ok)
    pos = raw.div(ok.sum(axis=1), axis=0).fillna(0.0)
    prev = pos.shift(1).fillna(0.0)
    port = (prev * r.fillna(0.0)).sum(axis=1) - cost * (pos - prev).abs().sum(axis=1)
    first = int(np.flatnonzero((pos != 0).any(axis=1).to_numpy())[0])
    port = port.iloc[first:]
    equity = (1 + port).cumprod()
    peak = np.maximum.accumulate(np.r_[1.0, equity.to_numpy()])[1:]
    return {
        "sharpe": port.mean() / port.std(ddof=1) * np.sqrt(252),
        "ann_return": port.mean() * 252,
        "ann_vol": port.std(ddof=1) * np.sqrt(252),
        "max_dd": min(0.0, (equity.to_numpy() / peak - 1).min()),
        "turnover": (pos - prev).abs().sum(axis=1).iloc[first:].mean() * 252,
    }


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    arr = generated_prices(days=700, instruments=5, seed=3)
    return pd.DataFrame(arr, index=pd.bdate_range("2001-01-01", periods=700))


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    if not PANEL.is_file():
        pytest.skip("shared data absent")
    return pd.read_csv(PANEL, index_col=0, parse_dates=True)


def test_reference_sweep_matches_pandas_contract(small: pd.DataFrame) -> None:
    spec = ReferenceSweep((20, 63, 130), (10, 35), target=0.10, cap=4.0, cost_bps=1.0)
    out = run_job(reference_sweep_job(small, spec, chunks=2))
    assert out["n_combos"] == 6 and len(out["results"]) == 6
    assert out["engine"] == "fused TSMOM kernel"
    for row in out["results"]:
        ref = pandas_contract(small, row["lookback"], row["vol_span"], 0.10, 4.0, 1e-4)
        for key, value in ref.items():
            assert row[key] == pytest.approx(value, abs=1e-10), (row["lookback"], key)


def test_late_starting_instrument_matches_pandas(small: pd.DataFrame) -> None:
    prices = small.copy()
    prices.iloc[:200, 1] = np.nan  # starts trading on day 200
    for lookback, target, cap, cost_bps in ((30, 0.1, 4.0, 1.0), (90, 0.2, 2.0, 5.0)):
        base = reference_params(ReferenceSweep((lookback,), (20,), target, cap, cost_bps))
        out = run_job(grid_sweep_job(prices, {"lookback": (lookback,), "vol_span": (20,)}, base))
        ref = pandas_contract(prices, lookback, 20, target, cap, cost_bps / 1e4)
        row = out["results"][0]
        for key, value in ref.items():
            assert row[key] == pytest.approx(value, abs=1e-10), (lookback, key)


def test_tight_cap_and_high_cost_change_results(small: pd.DataFrame) -> None:
    base = run_job(reference_sweep_job(small, ReferenceSweep((40,), (20,))))["results"][0]
    capped = run_job(reference_sweep_job(small, ReferenceSweep((40,), (20,), cap=0.2)))
    costly = run_job(reference_sweep_job(small, ReferenceSweep((40,), (20,), cost_bps=50)))
    ref = pandas_contract(small, 40, 20, 0.10, 0.2, 1e-4)
    assert capped["results"][0]["ann_vol"] == pytest.approx(ref["ann_vol"], abs=1e-10)
    assert capped["results"][0]["ann_vol"] < base["ann_vol"]
    assert costly["results"][0]["ann_return"] < base["ann_return"]


def test_parse_range_and_validation(small: pd.DataFrame) -> None:
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
    with pytest.raises(ValueError, match="needs more than"):
        run_job(reference_sweep_job(small.iloc[:30], ReferenceSweep((40,), (10,))))
    with pytest.raises(ValueError, match="numeric parameters; not signal"):
        run_job(grid_sweep_job(small, {"signal": ("ewmac",)}, resolve("ewmac")))
    with pytest.raises(ValueError, match="above the maximum"):
        run_job(grid_sweep_job(small, {"buffer": (2.0,)}, resolve("ewmac")))


def test_sweep_cancels_between_chunks(small: pd.DataFrame) -> None:
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


def _assert_cells_equal_backtests(
    prices: pd.DataFrame, preset: str, grid: dict, macro: pd.Series | None = None, **period
) -> dict:
    base = resolve(preset, {"macro_symbol": "US10Y"} if preset == "macro" else None)
    out = run_job(grid_sweep_job(prices, grid, base, macro_series=macro, **period))
    for row in out["results"]:
        cell = {k: row[k] for k in grid}
        run = run_job(backtest_job(prices, {**base, **cell}, macro_series=macro, **period))
        for key, name in STATS.items():
            assert row[key] == pytest.approx(run.metrics[name], rel=1e-9, abs=1e-12), (
                preset,
                cell,
                key,
            )
    return out


@pytest.mark.parametrize(
    "preset, grid",
    [
        ("tsmom-blend", {"vol_span": (20, 60), "buffer": (0.0, 0.2)}),  # IDM estimated
        ("tsmom-blend", {"vol_floor": (0.0, 0.5), "max_leverage": (0.0, 1.0)}),
        ("mop2012", {"lookback": (63, 252), "cost_bps": (0.0, 5.0)}),
        ("hop-century", {"portfolio_vol_target": (0.1, 0.2), "vol_span": (60, 121)}),
        ("tsmom-blend", {"idm": (0.0, 1.5), "annualisation": (252, 261)}),
    ],
)
def test_fused_sweep_cells_equal_their_backtests_on_the_real_panel(
    panel: pd.DataFrame, preset: str, grid: dict
) -> None:
    out = _assert_cells_equal_backtests(panel, preset, grid)
    assert out["engine"] == "fused TSMOM kernel"
    distinct = {(round(r["sharpe"], 9), round(r["ann_vol"], 9)) for r in out["results"]}
    assert len(distinct) == len(out["results"])  # every swept value changes the run


def test_every_preset_sweeps_its_own_parameters_like_its_backtests(panel: pd.DataFrame) -> None:
    """Each preset the Sweep dock offers, two of its own axes, on the real panel since 2005
    (the pipeline presets run a backtest per cell; the TSMOM ones the fused kernel)."""
    recent = panel.loc["2003":]
    monthly = pd.read_csv(YIELD, index_col=0, parse_dates=True).iloc[:, 0]
    for preset in presets():
        params = resolve(preset, {"macro_symbol": "US10Y"} if preset == "macro" else None)
        x, y = sweep_axes(params["signal"])[:2]
        specs = {"lookback": (126, 252), "forecast_cap": (10.0, 20.0), "beta": (0.25, 0.5)}
        specs |= {"breakout_window": (40, 80), "macro_window": (24, 36), "vol_span": (20, 35)}
        specs |= {"vol_floor": (0.0, 0.5), "overlay_lookback": (10, 20), "macro_lag": (1, 2)}
        grid = {x: specs[x], y: specs[y]}
        out = _assert_cells_equal_backtests(
            recent, preset, grid, monthly if preset == "macro" else None, start="2005-01-03"
        )
        assert out["engine"] == (
            "fused TSMOM kernel" if uses_fused_kernel(params, grid) else "backtest pipeline"
        )


def test_sweep_json_params_reproduce_a_cell_with_backtest(panel: pd.DataFrame) -> None:
    """`params` plus a cell's values, given back to the backtest, give the cell's numbers."""
    from app.cli_engine import json_params
    from engine.presets import parse_assignments

    spec = ReferenceSweep((126, 252), (35, 121))
    out = run_job(reference_sweep_job(panel, spec, start="2000-01-03"))
    sets = [f"{k}={v}" for k, v in json_params(out["params"]).items()]
    for row in out["results"]:
        cell = [f"lookback={row['lookback']}", f"vol_span={row['vol_span']}"]
        params = resolve("mop2012", parse_assignments(sets + cell))
        run = run_job(backtest_job(panel, params, start="2000-01-03"))
        assert row["sharpe"] == pytest.approx(run.metrics["sharpe"], rel=1e-9)
        assert row["max_dd"] == pytest.approx(run.metrics["max_drawdown"], rel=1e-9)
