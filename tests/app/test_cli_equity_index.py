"""``--equity-index`` and the plain "no equity index" statement on the command line, on the
real stocks file (no index among 20 stocks) and the real futures panel."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app.cli_analytics import _store_rows
from engine.events import get_event, pick_replay_data
from tests.cli_helpers import cli_fails, cli_ok
from tests.conftest import SHARED_DATA

STOCKS = SHARED_DATA / "us_stocks20_adjclose_1990_2022.csv"
PANEL = SHARED_DATA / "futures_panel_adjusted_daily.csv"
pytestmark = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared data absent")


def test_stocks_file_has_no_equity_index_and_says_so() -> None:
    out = cli_ok(["backtest", "--prices", str(STOCKS), "--preset", "fast"])
    assert out["equity_index"] is None
    assert out["equity_index_note"].startswith("no equity index: none of AAPL, AMD, BAC")
    assert "--equity-index" in out["equity_index_note"]
    assert "allocation_mixer" not in out and "crisis_alpha" not in out  # no silent AAPL


def test_equity_index_option_names_the_benchmark() -> None:
    out = cli_ok(
        ["backtest", "--prices", str(STOCKS), "--preset", "fast", "--equity-index", "AAPL"]
    )
    assert out["equity_index"] == "AAPL" and out["params"]["equity_index"] == "AAPL"
    assert "equity_index_note" not in out
    # the 0% CTA row is AAPL alone over the run's days, by plain pandas
    aapl = pd.read_csv(STOCKS, index_col="Date", parse_dates=True)["AAPL"]
    r = aapl.pct_change().loc[out["first"] : out["last"]].dropna()
    row = out["allocation_mixer"][0]
    assert row["cta_share"] == 0.0
    assert row["sharpe"] == pytest.approx(r.mean() / r.std(ddof=1) * math.sqrt(252), rel=1e-9)
    err = cli_fails(["backtest", "--prices", str(STOCKS), "--equity-index", "SPY", "--json"])
    assert "equity_index 'SPY' is not among the prices" in err


def test_real_futures_panel_picks_sp500() -> None:
    out = cli_ok(["backtest", "--prices", str(PANEL), "--preset", "fast"])
    assert out["equity_index"] == "SP500" and "equity_index_note" not in out


def test_report_says_which_index_or_none(tmp_path: Path) -> None:
    none = cli_ok(["report", "--preset", "fast", "--prices", str(STOCKS), "--no-vix",
                   "--out", str(tmp_path / "a")])  # fmt: skip
    page = (tmp_path / "a" / none["runs"][0]["folder"] / "report.html").read_text("utf-8")
    assert "no equity index: none of AAPL, AMD, BAC" in page
    chosen = cli_ok(["report", "--preset", "fast", "--prices", str(STOCKS), "--no-vix",
                     "--equity-index", "MSFT", "--out", str(tmp_path / "b")])  # fmt: skip
    page = (tmp_path / "b" / chosen["runs"][0]["folder"] / "report.html").read_text("utf-8")
    assert "Against the equity index (MSFT)" in page
    assert "Portfolio equity + CTA" in page  # 20 stocks: no bond leg


def test_flows_threshold_needs_an_index() -> None:
    err = cli_fails(["flows", "--aum", "1e9", "--prices", str(STOCKS), "--threshold", "1e8"])
    assert "--threshold needs an equity index, but none of AAPL" in err


def test_event_replay_defaults_to_the_sp500_like_index(tmp_path: Path) -> None:
    future = tmp_path / "fut.csv"
    days = pd.bdate_range("2008-01-01", "2009-06-30")  # covers the Oct 2008 window
    pd.DataFrame({"Date": days, "FUT": np.linspace(1.0, 2.0, len(days))}).to_csv(
        future, index=False
    )
    cli_ok(["data", "import", str(future), "--kind", "future"])
    cli_ok(["data", "import", str(SHARED_DATA / "vix_daily.csv"), "--symbol", "VIX"])
    nasdaq = SHARED_DATA / "nasdaq_index_ohlcv_1999_2018.csv"
    cli_ok(["data", "import", str(nasdaq), "--symbol", "NASDAQ", "--kind", "index"])
    oct_2008 = get_event("oct-2008")
    assert pick_replay_data(oct_2008, _store_rows()).index is None  # Nasdaq is not the S&P 500
    sp500 = SHARED_DATA / "sp500_index_close_1990_2022.csv"
    cli_ok(["data", "import", str(sp500), "--symbol", "SP500", "--kind", "index"])
    picked = pick_replay_data(oct_2008, _store_rows())
    assert (picked.prices, picked.vix, picked.index) == (("FUT",), "VIX", "SP500")
    assert picked.label == "real data"  # not the first index, NASDAQ
