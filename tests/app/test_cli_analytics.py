"""`regime --file`, `triggers`, `flows`, `deleverage` and `events` through the CLI."""

from __future__ import annotations

import pytest

from tests.cli_helpers import cli_fails as _fails
from tests.cli_helpers import cli_ok as _ok
from tests.conftest import SHARED_DATA

needs_data = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared data absent")


def test_deleverage_contract() -> None:
    out = _ok(["deleverage", "--vix-path", "20,30,40", "--target", "0.10", "--max-leverage", "2"])
    assert [round(s["exposure"], 4) for s in out["steps"]] == [0.5, 0.3333, 0.25]
    assert [round(s["nav_sold"], 4) for s in out["steps"]] == [0.0, 0.1667, 0.0833]
    assert "'abc' is not a positive VIX level" in _fails(["deleverage", "--vix-path", "20,abc"])
    assert "positive" in _fails(["deleverage", "--vix-path", "20,0"])


@needs_data
def test_regime_file_contract() -> None:
    out = _ok(["regime", "--file", str(SHARED_DATA / "vix_daily.csv"), "--top", "5"])
    assert set(out["zones"]) == {"complacency", "normal", "warning", "fear", "panic"}
    assert {"days", "share", "mean_duration"} <= set(out["zones"]["panic"])
    assert sum(z["days"] for z in out["zones"].values()) == 9235
    assert out["transitions"]["panic"]["panic"]["count"] > 0
    assert {"kind", "date"} <= set(out["alerts"][0])
    assert {"date", "prior_close", "close", "high", "change_pct"} <= set(out["spikes"][0])
    assert out["spikes"][0]["date"] == "2018-02-05"
    assert "2024-08-05" in [s["date"] for s in out["spikes"]]


@needs_data
def test_regime_from_store_series_with_index() -> None:
    _ok(["data", "import", str(SHARED_DATA / "vix_daily.csv"), "--symbol", "VIX"])
    _ok(["data", "import", str(SHARED_DATA / "sp500_index_close_1990_2022.csv"), "--symbol", "SPX"])
    out = _ok(["regime", "--series", "VIX", "--index", "SPX"])
    assert out["forward_by_zone"]["panic"]["days"] > 0
    assert 0 < out["rule16_history"]["all"]["share_above_1sigma"] < 0.5


@needs_data
def test_triggers_and_flows_contract() -> None:
    panel = str(SHARED_DATA / "futures_panel_adjusted_daily.csv")
    out = _ok(
        ["triggers", "--prices", panel, "--signals", "ret:252,sma:200,smax:50/200,emax:16/64"]
    )
    row = out["triggers"][0]
    assert {"symbol", "signal", "last", "price", "distance_pct", "distance_sigma"} <= set(row)
    sigmas = [abs(r["distance_sigma"]) for r in out["triggers"]]
    assert sigmas == sorted(sigmas)
    flows = _ok(["flows", "--aum", "3e11", "--prices", panel, "--sigmas", "2"])
    assert set(flows["scenarios"]) == {"flat", "up", "down"}
    assert set(flows["scenarios"]["down"]) == {"1d", "1w"}
    assert set(flows["positions"]) <= set(flows["scenarios"]["down"]["1d"])
    assert flows["modes"]["US10"] == "difference"  # back-adjusted: notional at |price|
    assert flows["positions"]["US10"] != 0 and not flows["skipped"]
    assert "bad signal" in _fails(["triggers", "--prices", panel, "--signals", "nonsense"])


def test_events_list_and_run_on_demo() -> None:
    listed = _ok(["events", "list"])
    assert {"aug-2024", "mar-2020", "feb-2018", "oct-2008"} <= {e["name"] for e in listed["events"]}
    assert "load the demo" in _fails(["events", "run", "mar-2020"])
    _ok(["data", "demo"])
    out = _ok(["events", "run", "aug-2024", "--preset", "fast"])
    assert out["data"]["vix"] == "DEMO_VIX" and out["preset"] == "fast"
    assert out["data_label"] == out["data"]["label"] == "DEMO (synthetic)" and out["demo"]
    assert out["days"][0]["date"] >= "2024-07-15"
    assert "unknown event" in _fails(["events", "run", "nope"])


def test_regime_term_structure(tmp_path) -> None:
    dates = ["2020-01-02", "2020-01-03", "2020-01-06"]
    (tmp_path / "vix.csv").write_text(
        "Date,Close\n"
        + "\n".join(f"{d},{v}" for d, v in zip(dates, [15, 25, 30], strict=True))
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "vix3m.csv").write_text(
        "Date,Close\n"
        + "\n".join(f"{d},{v}" for d, v in zip(dates, [18, 22, 24], strict=True))
        + "\n",
        encoding="utf-8",
    )
    out = _ok(
        ["regime", "--file", str(tmp_path / "vix.csv"), "--vix3m", str(tmp_path / "vix3m.csv")]
    )
    ts = out["term_structure"]
    assert ts["share_contango"] == pytest.approx(1 / 3) and ts[
        "share_backwardation"
    ] == pytest.approx(2 / 3)
    assert ts["last_basis_spot_minus_3m"] == 6.0 and ts["last_backwardation"] is True


@needs_data
@pytest.mark.parametrize(
    ("event", "day"),
    [("aug-2024", "2024-08-05"), ("mar-2020", "2020-03-16"), ("feb-2018", "2018-02-05")],
)
def test_events_run_on_the_real_vix_and_sp500(event: str, day: str) -> None:
    """A store holding the demo universe and the real VIX and S&P 500 (recent/): the replay
    prefers the real series, reports their closes (e.g. 2024-08-05: VIX 38.57, S&P 500
    5186.33) and carries no DEMO label."""
    import pandas as pd

    _ok(["data", "demo"])
    vix_file = SHARED_DATA / "vix_daily.csv"
    spx_file = SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv"
    _ok(["data", "import", str(vix_file), "--symbol", "VIX"])
    _ok(["data", "import", str(spx_file), "--symbol", "SPX", "--kind", "index"])
    out = _ok(["events", "run", event, "--preset", "tsmom-blend"])
    assert out["data_label"] == "real data" and not out["demo"]
    assert (out["data"]["vix"], out["data"]["index"], out["data"]["prices"]) == (
        "VIX",
        "SPX",
        "SPX",
    )
    row = next(d for d in out["days"] if d["date"] == day)
    vix = pd.read_csv(vix_file, index_col=0, parse_dates=True)["Close"]
    spx = pd.read_csv(spx_file, index_col=0, parse_dates=True)["close"]
    assert row["vix"] == vix[day] and row["vix_date"] == day
    assert row["index"] == pytest.approx(spx[day], rel=1e-12) and row["index_date"] == day
    if event == "aug-2024":
        assert (row["vix"], round(row["index"], 2)) == (38.57, 5186.33)


@needs_data
def test_replay_universe_is_what_covers_the_event_and_never_a_3m_vix() -> None:
    """README order: the real VIX, the recent S&P 500, then the futures panel (1975-2017) under
    FUT_. Aug 2024 replays on the S&P 500 (the panel ends in 2017), Oct 2008 on the panel; a
    store with only VIX3M has no spot VIX to replay with."""
    _ok(["data", "import", str(SHARED_DATA / "vix_term_structure" / "vix3m_daily.csv"),
         "--symbol", "VIX3M"])  # fmt: skip
    err = _fails(["events", "run", "aug-2024", "--json"])
    assert "no VIX series covers" in err and "import one" in err
    _ok(["data", "import", str(SHARED_DATA / "vix_daily.csv"), "--symbol", "VIX"])
    spx = SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv"
    _ok(["data", "import", str(spx), "--symbol", "SPX", "--kind", "index"])
    panel = SHARED_DATA / "futures_panel_adjusted_daily.csv"
    _ok(["data", "import", str(panel), "--prefix", "FUT_"])
    aug = _ok(["events", "run", "aug-2024", "--preset", "tsmom-blend"])
    assert (aug["data"]["vix"], aug["data"]["prices"], aug["data_label"]) == (
        "VIX", "SPX", "real data",
    )  # fmt: skip
    oct_2008 = _ok(["events", "run", "oct-2008", "--preset", "tsmom-blend"])
    assert oct_2008["data"]["vix"] == "VIX"
    assert "FUT_SP500" in oct_2008["data"]["prices"].split(",")
    assert "SPX" not in oct_2008["data"]["prices"].split(",")
