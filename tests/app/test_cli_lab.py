"""`regimes` and `spikes` end to end: the JSON contract on the real files, the store's VIX by
default, the table for people, and the one-line errors."""

from __future__ import annotations

import pandas as pd
import pytest

from app.cli import run
from tests.cli_helpers import cli_fails, cli_ok
from tests.conftest import SHARED_DATA, needs_data

PANEL = str(SHARED_DATA / "futures_panel_adjusted_daily.csv")
VIX = str(SHARED_DATA / "vix_daily.csv")
VIX3M = str(SHARED_DATA / "vix_term_structure" / "vix3m_daily.csv")
SPX = str(SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv")
ZONES = ["complacency", "normal", "warning", "fear", "panic", "vix_over_40"]
MATRICES = ("sharpe", "ann_return", "ann_vol", "days", "t_stat", "share", "hit_rate", "sharpe_ci")


@needs_data
def test_regimes_contract_on_the_real_panel() -> None:
    argv = ["regimes", "--prices", PANEL, "--vix", VIX, "--presets", "tsmom-blend,fast"]
    out = cli_ok([*argv, "--resamples", "100", "--start", "2000-01-03", "--end", "2015-12-31"])
    assert out["presets"] == ["tsmom-blend", "fast"] and out["bands"] == ZONES
    assert out["band_labels"]["warning"] == "Warning (20-25)"
    assert out["band_labels"]["vix_over_40"] == "VIX >= 40"
    for key in MATRICES:
        assert set(out[key]) == {"tsmom-blend", "fast"} and set(out[key]["fast"]) == set(ZONES)
    assert out["vix_symbol"] == "VIX_DAILY" and out["thresholds"] == [15, 20, 25, 30]
    assert out["period"] == {"start": "2000-01-03", "end": "2015-12-31",
                             "first": "2000-01-03", "last": "2015-12-31"}  # fmt: skip
    assert out["bootstrap"]["method"] == "stationary" and out["bootstrap"]["resamples"] == 100
    # every panel row of the period is a return day; its band is the VIX's previous close
    vix = pd.read_csv(VIX, index_col="Date", parse_dates=True)["Close"]
    rows = pd.read_csv(PANEL, index_col="Date", parse_dates=True).loc["2000-01-03":"2015-12-31"]
    union = vix.index.union(rows.index)
    prev = vix.reindex(union).ffill().shift(1).reindex(rows.index)
    for preset in out["presets"]:
        assert out["days"][preset]["panic"] == int((prev >= 30).sum())
        assert out["days"][preset]["vix_over_40"] == int((prev >= 40).sum())
    low, high = out["sharpe_ci"]["fast"]["normal"]
    assert low < out["sharpe"]["fast"]["normal"] < high
    custom = cli_ok([*argv, "--resamples", "20", "--thresholds", "12,18,24,35", "--quintiles"])
    assert custom["bands"] == [*ZONES, "q1", "q2", "q3", "q4", "q5"]
    assert custom["band_labels"]["panic"] == "Panic (>= 35)"
    assert custom["band_labels"]["q1"].startswith("Q1 (")
    assert sum(custom["days"]["fast"][f"q{i}"] for i in range(1, 6)) == sum(
        custom["days"]["fast"][z] for z in ZONES[:5]
    )


@needs_data
def test_spikes_contract_with_the_sp500() -> None:
    argv = ["spikes", "--vix", VIX, "--prices", PANEL, "--presets", "fast", "--index", SPX]
    out = cli_ok(argv)
    assert out["presets"] == ["fast"] and out["index"] == "SP500_INDEX_OHLCV_1927_2026"
    assert (out["from"], out["to"], out["fast_days"], out["horizons"]) == (20, 30, 5, [20, 60])
    e = next(e for e in out["episodes"] if e["peak_date"] == "2020-03-16")
    keys = {"start", "cross_date", "peak_date", "peak", "days_to_cross", "speed", "index_return"}
    assert keys <= set(e) and set(e["returns"]["fast"]) == {"rise", "next_20", "next_60"}
    assert (e["start"], e["cross_date"], e["peak"], e["speed"]) == (
        "2020-02-21", "2020-02-27", 82.69, "fast"
    )  # fmt: skip
    spx = pd.read_csv(SPX, index_col="date", parse_dates=True)["close"]
    assert e["index_return"] == pytest.approx(spx["2020-02-27"] / spx["2020-02-21"] - 1)
    assert set(out["summary"]) == {"fast", "slow"}
    assert set(out["summary"]["slow"]["returns"]["fast"]) == {
        "rise",
        "next_20",
        "next_60",
        "counts",
    }
    # a one-day rise only counts as fast with --fast-days 1; other levels give other episodes
    strict = cli_ok([*argv, "--fast-days", "1"])
    speeds = {e["peak_date"]: e["speed"] for e in strict["episodes"]}
    assert speeds["2018-02-05"] == "fast" and speeds["2020-03-16"] == "slow"
    wide = cli_ok([*argv, "--from", "15", "--to", "40"])
    assert all(e["peak"] >= 40 and e["start_vix"] < 15 for e in wide["episodes"])
    assert "2018-02-05" not in {e["peak_date"] for e in wide["episodes"]}


@needs_data
def test_vix_from_the_store_and_the_table() -> None:
    assert "no spot VIX" in cli_fails(["regimes", "--prices", "demo"])
    cli_ok(["data", "import", VIX3M, "--symbol", "VIX3M", "--kind", "vix"])
    assert "no spot VIX" in cli_fails(["regimes", "--prices", "demo"])  # never VIX3M
    cli_ok(["data", "import", VIX, "--symbol", "VIX", "--kind", "vix"])
    argv = ["regimes", "--prices", "demo", "--presets", "fast", "--resamples", "20"]
    assert cli_ok(argv)["vix_symbol"] == "VIX"
    status, text, err = run(argv)
    assert status == 0 and not err
    assert "sharpe:" in text and "t_stat:" in text and "Warning (20-25)" in text
    assert text.splitlines()[0].split() == ["vix", "VIX"]
    status, text, _ = run(["spikes", "--prices", "demo", "--presets", "fast"])
    assert status == 0 and "episodes:" in text and "summary:" in text and "2008-09-15" in text


@needs_data
def test_errors_are_one_line() -> None:
    assert "not the 30-day spot VIX" in cli_fails(["regimes", "--prices", PANEL, "--vix", VIX3M])
    assert "unknown preset nope" in cli_fails(
        ["regimes", "--prices", PANEL, "--vix", VIX, "--presets", "nope"]
    )
    assert "no preset could run" in cli_fails(
        ["spikes", "--prices", PANEL, "--vix", VIX, "--presets", "macro"]
    )
    assert "from < to" in cli_fails(
        ["spikes", "--prices", PANEL, "--vix", VIX, "--presets", "fast", "--from", "30"]
    )
    assert "ascending" in cli_fails(
        ["regimes", "--prices", PANEL, "--vix", VIX, "--thresholds", "20,15,25,30"]
    )
