"""``ctadesk-cli term`` on the real files: given on the command line, and imported into a store
as a user would (``data import``, the VX file with ``--format long``)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.cli_helpers import cli_fails, cli_ok
from tests.conftest import SHARED_DATA, needs_data

TERM = SHARED_DATA / "vix_term_structure"
LONG = TERM / "vx_futures_settle_2007_2026.csv"
FILES = {
    "--vix": SHARED_DATA / "vix_daily.csv",
    "--vix9d": TERM / "vix9d_daily.csv",
    "--vix3m": TERM / "vix3m_daily.csv",
    "--vix6m": TERM / "vix6m_daily.csv",
    "--vvix": TERM / "vvix_daily.csv",
    "--vx": LONG,
}
FILE_ARGS = [str(a) for option, path in FILES.items() for a in (option, path)]

pytestmark = needs_data


def _raw_settle(day: str, contract: str) -> float:
    raw = pd.read_csv(LONG)
    row = raw[(raw["trade_date"] == day) & (raw["contract"] == contract)]
    return float(row["settle"].iloc[0])


def _check_5_august_2024(out: dict) -> None:
    assert out["date"] == "2024-08-05" and out["state"] == "backwardation"
    assert out["indices"]["VIX"] == 38.57 and out["indices"]["VIX3M"] == 33.71
    assert out["front_month"]["contract"] == "VX 2024-08"
    assert out["front_month"]["settle"] == _raw_settle("2024-08-05", "VX 2024-08") == 32.0986
    assert out["front_month"]["expiry"] == "2024-08-21"
    assert round(out["basis_front"], 2) == 6.47
    assert out["ratio_vix_vix3m"] == pytest.approx(38.57 / 33.71)
    assert [f["contract"] for f in out["futures"]][:2] == ["VX 2024-08", "VX 2024-09"]
    assert 95 < out["basis_percentile"] <= 100


def test_term_from_files() -> None:
    out = cli_ok(["term", "--date", "2024-08-05", *FILE_ARGS])
    _check_5_august_2024(out)
    assert out["expiry_by_rule"] == []  # the long file's own expiry column
    assert out["inputs"]["VX"] == str(LONG)
    calm = cli_ok(["term", "--date", "2017-11-01", *FILE_ARGS])
    assert calm["state"] == "contango"
    crisis = cli_ok(["term", "--date", "2008-10-24", *FILE_ARGS])
    assert crisis["indices"]["VIX"] == 79.13
    assert crisis["front_month"]["contract"] == "VX 2008-11"
    assert crisis["front_month"]["settle"] == 55.82
    assert crisis["basis_percentile"] == 100.0


def test_incomplete_curve_from_files() -> None:
    out = cli_ok(["term", "--date", "2026-03-02", *FILE_ARGS])
    assert out["incomplete"] is True
    assert out["missing_contracts"] == [{"contract": "VX 2026-03", "expiry": "2026-03-18"}]
    assert out["vx30"] is None and out["basis_front"] is None
    assert "VX 2026-03" not in [f["contract"] for f in out["futures"]]


def test_term_from_a_store_imported_like_a_user() -> None:
    for option, path in FILES.items():
        extra = ["--format", "long"] if option == "--vx" else []
        cli_ok(["data", "import", str(path), *extra])
    out = cli_ok(["term", "--date", "2024-08-05"])
    _check_5_august_2024(out)
    assert out["inputs"]["VIX"] == "VIX_DAILY" and out["inputs"]["VIX3M"] == "VIX3M_DAILY"
    assert out["inputs"]["VX"] == "store: 236 VX contracts (VX 2007-04 .. VX 2026-12)"
    # the store keeps no expiry column: CFE's rule gives the same dates as the file
    assert "VX 2024-08" in out["expiry_by_rule"]
    files = cli_ok(["term", "--date", "2024-08-05", *FILE_ARGS])
    assert out["futures"] == files["futures"] and out["indices"] == files["indices"]
    assert out["vvix"] == files["vvix"] == 173.32
    gap = cli_ok(["term", "--date", "2026-02-20"])
    assert gap["incomplete"] is True and gap["vx30"] is None and gap["front_month"] is None
    some = cli_ok(["term", "--date", "2024-08-05", "--vx", "VX_2024-0*"])  # a pattern
    assert [f["contract"] for f in some["futures"]] == ["VX 2024-08", "VX 2024-09"]
    history = cli_ok(["term", "--date", "2024-08-05", "--history", "--start", "2020-01-01"])
    assert history["history"]["first"] == "2020-01-02"
    assert history["basis_percentile"] == out["basis_percentile"]  # --start only cuts the stats


def test_history_shares_against_plain_pandas() -> None:
    out = cli_ok(["term", "--date", "2026-04-17", "--history", *FILE_ARGS])
    vix = pd.read_csv(FILES["--vix"], index_col=0, parse_dates=True)["Close"]
    three = pd.read_csv(FILES["--vix3m"], index_col=0)["CLOSE"]
    three.index = pd.to_datetime(three.index, format="%m/%d/%Y")
    ratio = (vix / three).dropna().loc[:"2026-04-17"]
    summary = out["history"]["vix_vix3m"]
    assert summary["days"] == len(ratio)
    assert summary["share_backwardation"] == pytest.approx((ratio > 1.01).mean())
    assert summary["share_contango"] == pytest.approx((ratio < 0.99).mean())
    events = {e["event"]: e for e in out["history"]["events"]}
    assert events["oct-2008"]["backwardation_days"] is None  # no VIX3M in 2008
    assert events["oct-2008"]["max_basis_date"] == "2008-10-24"
    assert events["aug-2024"]["max_basis"] == pytest.approx(38.57 - 32.0986)


def test_cfe_contract_files_and_weekends() -> None:
    cfe = TERM / "cfe_contracts"
    vx = f"{cfe / 'CFE_V08_VX.csv'},{cfe / 'CFE_X08_VX.csv'}"
    out = cli_ok(["term", "--date", "2008-10-24", "--vix", str(FILES["--vix"]), "--vx", vx])
    assert [f["contract"] for f in out["futures"]] == ["VX 2008-11"]  # October's expired
    assert out["futures"][0]["settle"] == 55.82 and out["futures"][0]["expiry"] == "2008-11-19"
    assert out["expiry_by_rule"] == ["VX 2008-11"]
    saturday = cli_ok(["term", "--date", "2008-10-25", "--vix", str(FILES["--vix"]), "--vx", vx])
    assert saturday["trading_day"] is False
    assert saturday["dates_used"]["VIX"] == "2008-10-24" and saturday["vx_date"] == "2008-10-24"
    assert saturday["futures"][0]["days"] == 26  # 24 Oct -> 19 Nov: from the curve's date


def test_term_errors() -> None:
    assert "no spot VIX" in cli_fails(["term", "--date", "2024-08-05"])  # an empty store
    assert "no store series matches" in cli_fails(
        ["term", "--vix", str(FILES["--vix"]), "--vx", "NOPE_*"]
    )
    assert "needs VIX3M or VX" in cli_fails(["term", "--vix", str(FILES["--vix"]), "--history"])
    assert "expected a date" in cli_fails(["term", "--date", "5 Aug"])
