"""Degenerate data through the engine and the command line: a clear message or a finite
result, never a crash, and never NaN or infinity printed as a number."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.backtest import backtest_job
from engine.jobs import run_job
from engine.presets import presets, resolve
from engine.sweep import grid_sweep_job
from tests.cli_helpers import cli_fails

DAYS = pd.bdate_range("2000-01-03", periods=800)
WALK = 100 * np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.01, (800, 3)), axis=0))
PRESETS = [p for p in presets() if p != "macro"]  # macro needs an indicator series
BASE = resolve("mop2012", {"vol_target": 0.1, "max_leverage": 4.0, "cost_bps": 1.0})


def frame(values, columns=("A", "B", "C"), days=DAYS) -> pd.DataFrame:
    return pd.DataFrame(values, index=days[: len(values)], columns=list(columns))


def _run(prices: pd.DataFrame, preset: str):
    """The preset on ``prices``; risk-offset names its equity index (none is guessed)."""
    index = {"equity_index": str(prices.columns[0])} if preset == "risk-offset" else {}
    return run_job(backtest_job(prices, resolve(preset, index), pd.Series(20.0, index=DAYS)))


def test_no_equity_index_is_said_plainly() -> None:
    with pytest.raises(ValueError, match="risk-offset rule needs an equity index, but none of A"):
        run_job(backtest_job(frame(WALK), resolve("risk-offset")))
    result = run_job(backtest_job(frame(WALK), resolve("tsmom-blend")))
    assert result.equity_index == "" and "none of A, B, C" in result.extras["equity_index_note"]


@pytest.mark.parametrize("preset", PRESETS)
def test_refused_with_a_clear_reason(preset: str) -> None:
    cases = {
        "zero volatility": frame(np.full((800, 3), 100.0)),
        "fewer than 3 prices: A": frame([[100.0]], ["A"]),
        "fewer than 3 prices: B": frame(np.c_[WALK[:, 0], np.full(800, np.nan), WALK[:, 2]]),
    }
    for reason, prices in cases.items():
        with pytest.raises(ValueError, match=reason):
            _run(prices, preset)


@pytest.mark.parametrize("preset", PRESETS)
def test_lookback_longer_than_the_history(preset: str) -> None:
    prices = frame(WALK[:40])
    try:
        result = _run(prices, preset)
    except ValueError as exc:
        assert "not enough history for its lookbacks (40 days)" in str(exc)
        return
    assert np.isfinite(result.positions.to_numpy()).all()  # a signal that needs < 40 days


@pytest.mark.parametrize("preset", PRESETS)
def test_price_scale_does_not_matter_in_percent_mode(preset: str) -> None:
    base = _run(frame(WALK), preset)
    for scale in (1e12, 1e-9):
        scaled = _run(frame(WALK * scale), preset)
        for key, value in base.metrics.items():
            assert scaled.metrics[key] == pytest.approx(value, rel=1e-9, abs=1e-12), key


@pytest.mark.parametrize("preset", PRESETS)
def test_single_instrument_and_negative_prices_give_finite_results(preset: str) -> None:
    crossing = np.c_[WALK[:, 0] - 100, WALK[:, 1:]]  # one series crosses zero
    for prices in (frame(WALK[:, :1], ["A"]), frame(WALK - 150), frame(crossing)):
        result = _run(prices, preset)
        assert np.isfinite(result.positions.fillna(0).to_numpy()).all()
        shown = {k: v for k, v in result.metrics.items() if k in ("sharpe", "cagr", "ann_vol")}
        assert all(math.isfinite(v) for v in shown.values()), shown
    negative = _run(frame(WALK - 150), preset)
    assert set(negative.modes.values()) == {"difference"}  # back-adjusted: price changes


def test_sweep_on_degenerate_prices() -> None:
    grid = {"lookback": (20, 60), "vol_span": (10,)}
    flat = run_job(grid_sweep_job(np.full((800, 3), 100.0), grid, BASE))
    assert all(math.isnan(r["sharpe"]) for r in flat["results"])  # never a position: undefined
    assert all(math.isnan(r["ann_vol"]) for r in flat["results"])
    scaled = run_job(grid_sweep_job(WALK * 1e12, grid, BASE))["results"]
    plain = run_job(grid_sweep_job(WALK, grid, BASE))["results"]
    for a, b in zip(scaled, plain, strict=True):
        assert a == pytest.approx(b, rel=1e-9)
    negative = run_job(grid_sweep_job(frame(WALK - 150), grid, BASE))["results"]
    single = run_job(backtest_job(frame(WALK - 150), {**BASE, "lookback": 60, "vol_span": 10}))
    assert negative[1]["sharpe"] == pytest.approx(single.metrics["sharpe"], rel=1e-9)
    with pytest.raises(ValueError, match="longest lookback 60 needs more than 40 days"):
        run_job(grid_sweep_job(WALK[:40], grid, BASE))


def test_cli_json_never_carries_nan(tmp_path: Path) -> None:
    """Constant prices: trigger distances in vol units are undefined; JSON says null."""
    from app.cli import run

    path = tmp_path / "flat.csv"
    frame(np.full((400, 2), 50.0), ["A", "B"]).rename_axis("Date").to_csv(path)

    def strict(text: str):
        return json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))

    status, out, err = run(["triggers", "--prices", str(path), "--json"])
    assert status == 0, err
    rows = strict(out)["triggers"]
    assert rows and all(r["distance_sigma"] is None for r in rows)
    status, out, err = run(["triggers", "--prices", str(path)])
    assert status == 0 and not any(w in out.lower().split() for w in ("nan", "inf", "-inf"))
    assert "zero volatility" in cli_fails(["backtest", "--prices", str(path)])
