"""``ctadesk-cli anatomy`` on the real files: given on the command line, and with VIX9D, VIX3M,
VVIX and the VX futures imported into a store as a user would."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.cli_helpers import cli_fails, cli_ok
from tests.conftest import SHARED_DATA, needs_data

TERM = SHARED_DATA / "vix_term_structure"
VIX = SHARED_DATA / "vix_daily.csv"
SPX = SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv"
PANEL = SHARED_DATA / "recent" / "futures_panel_adjusted_daily_2018_2024.csv"
LONG = TERM / "vx_futures_settle_2007_2026.csv"
CURVE = {
    "--vix9d": TERM / "vix9d_daily.csv",
    "--vix3m": TERM / "vix3m_daily.csv",
    "--vvix": TERM / "vvix_daily.csv",
}
BASE = ["anatomy", "--vix", str(VIX), "--index", str(SPX)]
FILE_ARGS = [*BASE, "--vx", str(LONG), *[str(a) for o, p in CURVE.items() for a in (o, p)]]
EPISODE_KEYS = ["date", "basis", "basis_pct", "ratio_vix9d_vix", "ratio_vix_vix3m", "vvix",
                "realised_vs_implied", "days_above_30", "score", "label", "outcome"]  # fmt: skip
ADAPTIVE_KEYS = ["date", "nav_sold_vix", "nav_sold_adaptive", "next_20_vix", "next_20_adaptive"]

pytestmark = needs_data


@pytest.fixture(scope="module")
def files_run() -> dict:
    return cli_ok([*FILE_ARGS, "--prices", str(PANEL)])


def _spx() -> pd.Series:
    raw = pd.read_csv(SPX, parse_dates=["date"])
    return pd.Series(raw["close"].to_numpy(float), index=raw["date"])


def test_anatomy_from_files(files_run: dict) -> None:
    out = files_run
    assert {"episodes", "adaptive", "summary"} <= set(out)
    august = next(e for e in out["episodes"] if e["date"] == "2024-08-05")
    assert list(august)[: len(EPISODE_KEYS)] == EPISODE_KEYS
    assert round(august["basis"], 2) == 6.47 and august["front_settle"] == 32.0986
    assert august["ratio_vix9d_vix"] == pytest.approx(42.79 / 38.57)
    assert august["ratio_vix_vix3m"] == pytest.approx(38.57 / 33.71)
    assert august["vvix"] == 173.32 and 95 < august["basis_pct"] <= 100
    spx = _spx()
    move = abs(spx["2024-08-05"] / spx["2024-08-02"] - 1) * 100
    assert august["realised_vs_implied"] == pytest.approx(move / (23.39 / 16))
    assert august["days_above_30"] == 1
    assert august["label"] == august["outcome"] == "technical"
    row = next(a for a in out["adaptive"] if a["date"] == "2024-08-05")
    assert list(row)[: len(ADAPTIVE_KEYS)] == ADAPTIVE_KEYS
    assert row["nav_sold_vix"] == pytest.approx(0.10 / 0.2339 - 0.10 / 0.3857)
    assert row["nav_sold_adaptive"] == pytest.approx(0.10 / 0.2339 - 0.10 / 0.320986)
    assert row["panel"] is None  # the 2018-2024 panel ends 2024-03-28
    # the record is the episodes' verdicts
    verdicts = [e["verdict"] for e in out["episodes"]]
    right, wrong = verdicts.count("right"), verdicts.count("wrong")
    summary = out["summary"]
    assert summary["hit_rate"] == right / (right + wrong)
    assert summary["record"]["wrong_dates"] == [
        e["date"] for e in out["episodes"] if e["verdict"] == "wrong"
    ]
    for target in ("vix", "adaptive"):
        assert summary["index"][target]["max_drawdown"] < 0
        assert math.isfinite(summary["index"][target]["sharpe"])
    # scored from the 252nd VX trade date on, when the basis first has its percentile
    trade_dates = sorted(pd.read_csv(LONG)["trade_date"].unique())
    assert summary["index"]["first"] == trade_dates[251]
    panel = summary["panel"]
    assert panel["equity_index"] == "SP500_MICRO" and panel["last"] == "2024-03-28"
    march = next(a for a in out["adaptive"] if a["date"] == "2020-02-27")
    assert set(march["panel"]) >= {f"{k}_{t}" for k in ("nav_sold", "next_20")
                                   for t in ("vix", "adaptive")}  # fmt: skip


def test_anatomy_with_the_curve_from_a_store(files_run: dict) -> None:
    for path in CURVE.values():
        cli_ok(["data", "import", str(path)])
    cli_ok(["data", "import", str(LONG), "--format", "long"])
    out = cli_ok(BASE)
    assert out["inputs"]["VIX3M"] == "VIX3M_DAILY" and out["inputs"]["VVIX"] == "VVIX_DAILY"
    assert out["inputs"]["VX"] == "store: 236 VX contracts (VX 2007-04 .. VX 2026-12)"
    # the store keeps no expiry column: CFE's rule gives the same dates, so the same anatomy
    assert out["episodes"] == files_run["episodes"]
    assert out["summary"]["index"] == files_run["summary"]["index"]


def test_nothing_after_end_is_seen(files_run: dict) -> None:
    out = cli_ok([*FILE_ARGS, "--end", "2024-08-05", "--source", "ewma"])
    last = out["episodes"][-1]
    full = next(e for e in files_run["episodes"] if e["date"] == "2024-08-05")
    assert last["date"] == "2024-08-05" and last["score"] == pytest.approx(full["score"])
    assert last["outcome"] is None and out["summary"]["index"]["last"] == "2024-08-05"
    assert out["summary"]["index"]["source"] == "ewma"
    assert out["adaptive"][-1]["next_20_vix"] is None


def test_without_any_curve_it_says_so() -> None:
    err = cli_fails(BASE)
    assert "no day has a spike score" in err
    assert "--source" in cli_fails([*FILE_ARGS, "--source", "vvix"])


def test_backtest_with_adaptive_vol_uses_the_stores_curve() -> None:
    """`backtest --set vol_method=adaptive` reads the VX curve and VIX9D/VIX3M/VVIX from the
    store: its returns equal the VIX-implied run's until the first day the score (as known
    then) says technical, and differ from it on."""
    from app.paths import app_paths
    from engine.data.store import MarketStore
    from engine.jobs import run_job
    from engine.spike_anatomy import store_diagnostics_job

    cli_ok(["data", "import", str(VIX), "--symbol", "VIX"])
    cli_ok(["data", "import", str(SPX), "--symbol", "SPX"])
    for path in CURVE.values():
        cli_ok(["data", "import", str(path)])
    cli_ok(["data", "import", str(LONG), "--format", "long"])
    args = ["backtest", "--prices", "SPX", "--vix", "VIX", "--start", "2008-03-25", "--out"]
    runs = {}
    for method in ("vix", "adaptive"):
        target = app_paths().ensure().data / f"{method}.csv"
        cli_ok([*args, str(target), "--set", f"vol_method={method}"])
        runs[method] = pd.read_csv(target, comment="#", index_col=0, parse_dates=True)
    store = MarketStore(app_paths().store)
    vix = store.read("VIX", ["close"])["close"]
    anatomy = run_job(store_diagnostics_job(store, vix, store.read("SPX", ["close"])["close"]))
    first = anatomy.index[anatomy["technical"].fillna(False).astype(bool)][0]
    ret = {m: r["return"] for m, r in runs.items()}
    before = ret["vix"].index < first  # a trade on that day's close is costed that day
    pd.testing.assert_series_equal(ret["vix"][before], ret["adaptive"][before])
    assert not ret["vix"][~before].equals(ret["adaptive"][~before])
