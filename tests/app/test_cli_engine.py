"""`ctadesk-cli sweep` and `bench`: contract keys and numbers."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.cli import run
from engine.sweep import generated_prices
from tests.cli_helpers import cli_ok as _ok
from tests.conftest import SHARED_DATA, needs_data
from tests.engine.test_sweep import pandas_contract


@pytest.fixture
def prices_csv(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    data = generated_prices(days=500, instruments=4, seed=9)
    frame = pd.DataFrame(
        data, index=pd.bdate_range("2000-01-03", periods=500), columns=["AA", "BB", "CC", "DD"]
    )
    path = tmp_path / "prices.csv"
    frame.rename_axis("Date").to_csv(path, float_format="%.10f")
    return path, pd.read_csv(path, index_col=0, parse_dates=True)


def test_sweep_contract(prices_csv) -> None:
    path, frame = prices_csv
    out = _ok([
        "sweep", "--prices", str(path), "--lookbacks", "20:60:20", "--vol-spans", "10,30",
        "--vol-target", "0.15", "--cap", "3", "--cost-bps", "2",
    ])  # fmt: skip
    assert out["n_combos"] == 6 and len(out["results"]) == 6
    assert out["compute_seconds"] > 0 and out["days"] == 500
    assert {"lookback", "vol_span", "sharpe", "ann_return", "ann_vol", "max_dd"} <= set(
        out["results"][0]
    )
    row = next(r for r in out["results"] if r["lookback"] == 40 and r["vol_span"] == 30)
    ref = pandas_contract(frame, 40, 30, 0.15, 3.0, 2e-4)
    for key, value in ref.items():
        assert row[key] == pytest.approx(value, abs=1e-9)


def test_sweep_keeps_back_adjusted_prices_in_difference_mode(tmp_path: Path) -> None:
    """A column with a negative price is swept on price changes, like the backtest does."""
    path = tmp_path / "neg.csv"
    rows = [f"{day:%Y-%m-%d},{a:.3f},{b:.3f}" for day, a, b in _walks(25)]
    path.write_text("Date,A,B\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = _ok(["sweep", "--prices", str(path), "--lookbacks", "3,5", "--vol-spans", "4", "--json"])
    assert out["instruments"] == ["A", "B"] and out["preset"] == "mop2012"
    assert out["params"]["return_mode"] == "auto" and out["params"]["idm"] == 1.0
    assert all(math.isfinite(r["sharpe"]) for r in out["results"])
    status, text, err = run(["sweep", "--prices", str(path), "--lookbacks", "1:2:1", "--json"])
    assert status == 2 and text == "" and "lookback: 1 is below the minimum 2" in err


def _walks(n: int) -> list[tuple[pd.Timestamp, float, float]]:
    rng = np.random.default_rng(5)
    a = 100 + np.cumsum(rng.normal(0, 1, n))
    b = -1 + np.cumsum(rng.normal(0, 0.5, n))  # back-adjusted: crosses zero
    return list(zip(pd.bdate_range("2020-01-02", periods=n), a, b, strict=True))


def test_bench_small() -> None:
    out = _ok(["bench", "--days", "400", "--instruments", "3", "--repeat", "2"])
    assert out["n_combos"] == 200 and out["compute_seconds_best"] > 0
    assert out["instrument_days"] == 400 * 3 * 200


def test_backtest_contract_and_out_csv(prices_csv, tmp_path: Path) -> None:
    path, frame = prices_csv
    vix = tmp_path / "vix.csv"
    pd.DataFrame({"Close": 15.0 + 20.0 * (pd.Series(range(500)) % 2)}).set_index(
        frame.index
    ).rename_axis("Date").to_csv(vix)
    out_csv = tmp_path / "run" / "bt.csv"
    out = _ok([
        "backtest", "--prices", str(path), "--preset", "hop-century", "--set", "cost_bps=3",
        "--set", "buffer=0", "--vix", str(vix), "--equity-index", "AA", "--out", str(out_csv),
    ])  # fmt: skip
    assert out["preset"] == "hop-century" and out["params"]["cost_bps"] == 3.0
    assert set(out["metrics"]) == {
        "sharpe", "sortino", "cagr", "ann_return", "ann_vol", "max_drawdown", "calmar",
        "skew", "hit_rate", "turnover", "cost_drag",
    }  # fmt: skip
    assert out["metrics"]["max_drawdown"] <= 0
    assert set(out["by_vix_zone"]["normal"]) == {"days", "share", "ann_return", "ann_vol", "sharpe"}
    assert out["by_vix_zone"]["normal"]["share"] + out["by_vix_zone"]["panic"][
        "share"
    ] == pytest.approx(1.0)
    assert set(out["positions"]) == {"AA", "BB", "CC", "DD"}
    assert out["equity_index"] == "AA"
    assert [row["cta_share"] for row in out["allocation_mixer"]] == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    assert out["crisis_alpha"]["months"] >= 1
    assert {"corr_calm", "corr_stressed"} <= set(out["regime_correlation"])
    written = pd.read_csv(out_csv, index_col="Date")
    assert list(written.columns) == ["return", "equity", "pos_AA", "pos_BB", "pos_CC", "pos_DD"]
    assert written["equity"].iloc[-1] == pytest.approx((1 + written["return"]).prod(), rel=1e-9)
    assert written["pos_AA"].iloc[-1] == pytest.approx(out["positions"]["AA"])


def test_backtest_store_symbols_and_errors(prices_csv) -> None:
    path, _ = prices_csv
    _ok(["data", "import", str(path)])
    out = _ok(["backtest", "--prices", "AA,BB", "--preset", "ewmac"])
    assert set(out["positions"]) == {"AA", "BB"}
    for argv, words in [
        (["backtest", "--prices", str(path), "--preset", "macro"], "indicator series"),
        (["backtest", "--prices", str(path), "--set", "idm=9"], "above the maximum"),
        (["backtest", "--prices", str(path), "--set", "oops"], "key=value"),
        (["backtest", "--prices", "NOPE"], "no series 'NOPE'"),
        (["backtest", "--prices", str(path), "--preset", "bogus"], "invalid choice"),
    ]:
        status, stdout, err = run([*argv, "--json"])
        assert status == 2 and stdout == "" and words in err, err


def test_prices_demo_is_the_embedded_universe_without_the_store(ctadesk_home: Path) -> None:
    from engine.data.demo import INDEX_SYMBOL, INSTRUMENTS

    out = _ok(["backtest", "--prices", "demo", "--preset", "fast"])
    assert set(out["positions"]) == {INDEX_SYMBOL, *(i.symbol for i in INSTRUMENTS)}
    assert out["last"] == "2025-12-31"
    assert not (ctadesk_home / "data").exists() or not any((ctadesk_home / "data").iterdir())


@needs_data
def test_backtest_period_covers_exactly_the_window(tmp_path: Path) -> None:
    """`--start 2000-01-01 --end 2017-12-21` on the real panel: the metrics cover exactly the
    panel's dates in that window, and the Sharpe recomputed from the --out CSV agrees."""
    panel = SHARED_DATA / "futures_panel_adjusted_daily.csv"
    out_csv = tmp_path / "run.csv"
    period = ["--start", "2000-01-01", "--end", "2017-12-21"]
    out = _ok(["backtest", "--prices", str(panel), *period, "--out", str(out_csv), "--json"])
    dates = pd.read_csv(panel, index_col=0, parse_dates=True).loc["2000-01-01":"2017-12-21"].index
    assert (out["first"], out["last"]) == ("2000-01-03", "2017-12-21")
    assert out["more_metrics"]["days"] == len(dates)
    returns = pd.read_csv(out_csv, index_col=0, parse_dates=True)["return"].dropna()
    assert returns.index[0] == dates[0] and len(returns) == len(dates)
    sharpe = returns.mean() / returns.std(ddof=1) * math.sqrt(252)
    assert out["metrics"]["sharpe"] == pytest.approx(sharpe, rel=1e-9)
    status, _text, err = run(["backtest", "--prices", str(panel), "--start", "2000-13-01"])
    assert status == 2 and "expected a date YYYY-MM-DD" in err


@needs_data
def test_bond_leg_from_a_yield_file(tmp_path: Path) -> None:
    """The S&P 500 alone has no bond future: `--set bond_leg=<the daily 10-year yield>` makes
    the mixer 60/40 with a yield-based bond leg; the 30% row equals a plain pandas mix with
    r = y[t-1]/100/252 - 8 x (y[t] - y[t-1])/100 on the index's dates."""
    spx = SHARED_DATA / "sp500_index_close_1990_2022.csv"
    dgs10 = SHARED_DATA / "recent" / "us10y_yield_daily_2003_2026.csv"
    out_csv = tmp_path / "run.csv"
    args = ["backtest", "--prices", str(spx), "--set", f"bond_leg={dgs10}"]
    out = _ok([*args, "--out", str(out_csv), "--json"])
    assert (
        "40% " in out["allocation_mixer_legs"]
        and "10y yield, duration 8" in out["allocation_mixer_legs"]
    )
    level = pd.read_csv(spx, index_col=0, parse_dates=True).iloc[:, 0]
    y = pd.read_csv(dgs10, index_col=0, parse_dates=True).iloc[:, 0].dropna()
    inside = level.index[(level.index >= y.index[0]) & (level.index <= y.index[-1])]
    y_on = y.reindex(y.index.union(inside)).ffill().reindex(inside) / 100
    bonds = (y_on.shift(1) / 252 - 8 * y_on.diff()).reindex(level.index)
    cta = pd.read_csv(out_csv, index_col=0, parse_dates=True)["return"]
    parts = [cta, level.pct_change(), bonds]
    both = pd.concat(parts, axis=1, keys=["cta", "eq", "bd"], sort=True).dropna()
    mix = 0.7 * (0.6 * both["eq"] + 0.4 * both["bd"]) + 0.3 * both["cta"]
    row = next(r for r in out["allocation_mixer"] if r["cta_share"] == 0.3)
    assert row["sharpe"] == pytest.approx(mix.mean() / mix.std(ddof=1) * math.sqrt(252), rel=1e-9)
