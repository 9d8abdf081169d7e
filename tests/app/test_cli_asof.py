"""``--asof DATE`` on ``triggers``, ``flows`` and ``deleverage``, on the real S&P 500 and VIX:
as of a date equals the same command on the file cut at that date, plus what came next."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.cli_helpers import cli_fails, cli_ok
from tests.conftest import SHARED_DATA, needs_data

SPX = SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv"
VIX = SHARED_DATA / "vix_daily.csv"
SYMBOL = "SP500_INDEX_OHLCV_1927_2026"


def _cut_copy(source: Path, last: str, folder: Path) -> Path:
    """The file's header and rows dated up to ``last``, under the same name in ``folder``."""
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [lines[0], *(line for line in lines[1:] if line[:10] <= last)]
    target = folder / source.name
    target.write_text("".join(kept), encoding="utf-8")
    return target


def _raw_closes() -> pd.Series:
    return pd.read_csv(SPX, index_col=0, parse_dates=True)["close"]


@needs_data
def test_triggers_asof_equal_the_file_cut_at_the_date(tmp_path: Path) -> None:
    cut = _cut_copy(SPX, "2024-08-02", tmp_path)
    on_cut = cli_ok(["triggers", "--prices", str(cut)])
    asof = cli_ok(["triggers", "--prices", str(SPX), "--asof", "2024-08-02"])
    assert asof["triggers"] == on_cut["triggers"]
    assert asof["asof"] == {"requested": "2024-08-02", "date": "2024-08-02", "note": None}
    assert {r["date"] for r in asof["triggers"]} == {"2024-08-02"}
    closes = _raw_closes()
    friday, monday = closes["2024-08-02"], closes["2024-08-05"]
    nxt = asof["next"]["instruments"][SYMBOL]
    assert nxt["close"] == friday
    assert nxt["1d"]["date"] == "2024-08-05" and nxt["1d"]["close"] == monday
    assert nxt["1d"]["return"] == pytest.approx(monday / friday - 1)  # about -3.0%
    after = closes.loc["2024-08-05":]
    assert nxt["20d"]["close"] == after.iloc[19]
    for row, outcome in zip(asof["triggers"], asof["next"]["triggers"], strict=True):
        below = row["flips_if"] == "below"
        assert outcome["next_day"] == (monday <= row["price"] if below else monday >= row["price"])
    assert "next" not in on_cut and "asof" not in on_cut  # no --asof: no as-of fields
    ended = cli_ok(["triggers", "--prices", str(cut), "--asof", "2024-08-02"])
    assert ended["next"] is None  # nothing after the date in that file


@needs_data
def test_asof_on_a_saturday_uses_the_friday_close_and_says_so() -> None:
    friday = cli_ok(["triggers", "--prices", str(SPX), "--asof", "2024-08-02"])
    saturday = cli_ok(["triggers", "--prices", str(SPX), "--asof", "2024-08-03"])
    assert saturday["asof"]["date"] == "2024-08-02"
    assert saturday["asof"]["requested"] == "2024-08-03"
    assert (
        "Saturday" in saturday["asof"]["note"] and "2024-08-02 (Friday)" in saturday["asof"]["note"]
    )
    assert saturday["triggers"] == friday["triggers"]
    assert "no close on or before" in cli_fails(
        ["triggers", "--prices", str(SPX), "--asof", "1900-01-02"]
    )
    assert "expected a date" in cli_fails(["triggers", "--prices", str(SPX), "--asof", "soon"])


@needs_data
def test_flows_asof_equal_the_cut_file_and_show_the_move_in_sigmas(tmp_path: Path) -> None:
    cut = _cut_copy(SPX, "2026-02-27", tmp_path)
    args = ["--aum", "3e11", "--threshold", "5e9"]
    on_cut = cli_ok(["flows", "--prices", str(cut), *args])
    asof = cli_ok(["flows", "--prices", str(SPX), *args, "--asof", "2026-02-27"])
    for key in ("positions", "scenarios", "daily_vol", "selling_threshold", "date"):
        assert asof[key] == on_cut[key]
    closes = _raw_closes()
    base = closes["2026-02-27"]
    after = closes.loc["2026-02-28":]
    vol = asof["daily_vol"][SYMBOL]
    moves = asof["next"]["flows"][SYMBOL]["moves"]
    assert moves["1d"]["move_sigmas"] == pytest.approx((after.iloc[0] / base - 1) / vol)
    week = (after.iloc[4] / base - 1) / (vol * 5**0.5)
    assert moves["1w"]["move_sigmas"] == pytest.approx(week)
    scenario = min(("flat", 0.0), ("up", 2.0), ("down", -2.0), key=lambda s: abs(week - s[1]))
    assert moves["1w"]["nearest_scenario"] == scenario[0]
    level = asof["selling_threshold"]["level"]
    crossed = after.iloc[:20] <= level
    first = asof["next"]["selling_threshold"]["first_date"]
    assert first == (f"{crossed.idxmax():%Y-%m-%d}" if crossed.any() else None)


@needs_data
def test_deleverage_asof_starts_at_the_vix_close_of_the_date() -> None:
    out = cli_ok(["deleverage", "--asof", "2024-08-04", "--vix", str(VIX), "--vix-path", "30,40"])
    # VIX closes: 23.39 on Friday 2024-08-02, 38.57 on Monday 2024-08-05 (provenance notes)
    assert out["asof"]["date"] == "2024-08-02" and out["asof"]["vix"] == 23.39
    assert "Sunday" in out["asof"]["note"]
    assert [s["vix"] for s in out["steps"]] == [23.39, 30.0, 40.0]
    assert out["total_nav_sold"] == pytest.approx(0.10 / 0.2339 - 0.10 / 0.40)
    assert out["next"]["1d"]["vix"] == 38.57
    assert out["next"]["1d"]["nav_sold"] == pytest.approx(0.10 / 0.2339 - 0.10 / 0.3857)
    alone = cli_ok(["deleverage", "--asof", "2024-08-02", "--vix", str(VIX)])
    assert [s["vix"] for s in alone["steps"]] == [23.39] and alone["total_nav_sold"] == 0.0
    assert "--vix-path is required" in cli_fails(["deleverage"])
    assert "go together" in cli_fails(["deleverage", "--asof", "2024-08-02"])
    assert "go together" in cli_fails(["deleverage", "--vix-path", "20", "--vix", str(VIX)])
