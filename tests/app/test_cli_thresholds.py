"""`--thresholds` on `backtest` and `report`: the VIX zone thresholds in effect drive the by-zone
rows and the calm/stressed split, checked with plain pandas on the real S&P 500 and VIX."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.app.test_cli_report import parse, table_with
from tests.cli_helpers import cli_fails, cli_ok
from tests.conftest import SHARED_DATA

SPX = SHARED_DATA / "sp500_index_close_1990_2022.csv"
VIX = SHARED_DATA / "vix_daily.csv"
CUSTOM = "12,18,24,35"
ZONES = ("complacency", "normal", "warning", "fear", "panic")


@pytest.fixture(scope="module")
def vix_close() -> pd.Series:
    if not (SPX.is_file() and VIX.is_file()):
        pytest.skip("shared data not present")
    return pd.read_csv(VIX, index_col="Date", parse_dates=True)["Close"]


def previous_vix(dates: pd.DatetimeIndex, vix: pd.Series) -> pd.Series:
    """For each return day, the last VIX close strictly before it (the first day included)."""
    days = pd.DataFrame({"day": dates})
    closes = vix.rename("vix").rename_axis("day").reset_index()
    known = pd.merge_asof(days, closes, on="day", allow_exact_matches=False)
    return pd.Series(known["vix"].to_numpy(), index=dates)


def expected_days(prev: pd.Series, bounds: list[float]) -> dict[str, int]:
    """Days per zone (a threshold belongs to the higher zone) and VIX >= 40, by pd.cut."""
    zones = pd.cut(prev, [-np.inf, *bounds, np.inf], right=False, labels=list(ZONES))
    out = {z: int(n) for z, n in zones.value_counts().reindex(list(ZONES)).items()}
    out["vix_over_40"] = int((prev >= 40).sum())
    return out


def test_backtest_thresholds_change_the_rows(tmp_path: Path, vix_close: pd.Series) -> None:
    csv = tmp_path / "run.csv"
    argv = ["backtest", "--prices", str(SPX), "--preset", "fast", "--vix", str(VIX)]
    default = cli_ok([*argv, "--out", str(csv)])
    custom = cli_ok([*argv, "--thresholds", CUSTOM])
    assert default["thresholds"] == [15, 20, 25, 30] and custom["thresholds"] == [12, 18, 24, 35]
    dates = pd.DatetimeIndex(pd.read_csv(csv, index_col="Date", parse_dates=True).index)
    prev = previous_vix(dates, vix_close)
    for out, bounds in ((default, [15, 20, 25, 30]), (custom, [12, 18, 24, 35])):
        days = {zone: row["days"] for zone, row in out["by_vix_zone"].items()}
        assert days == expected_days(prev, bounds)
    assert custom["by_vix_zone"]["normal"]["days"] != default["by_vix_zone"]["normal"]["days"]
    # the extreme band does not move with the thresholds, and real history has such days
    assert custom["by_vix_zone"]["vix_over_40"] == default["by_vix_zone"]["vix_over_40"]
    assert default["by_vix_zone"]["vix_over_40"]["days"] > 100
    # calm: below the warning threshold; stressed: at or above the panic threshold
    corr = custom["regime_correlation"]
    has_index_return = pd.Series(dates.isin(dates[1:]), index=dates)  # SPX is the only market
    assert corr["days_calm"] == int(((prev < 18) & has_index_return).sum())
    assert corr["days_stressed"] == int(((prev >= 35) & has_index_return).sum())


def test_bad_thresholds_are_refused() -> None:
    argv = ["backtest", "--prices", "demo", "--thresholds"]
    assert "ascending" in cli_fails([*argv, "20,15,25,30"])
    assert "need 4 thresholds" in cli_fails([*argv, "15,20,25"])


def test_report_thresholds_drive_the_regime_page(tmp_path: Path, vix_close: pd.Series) -> None:
    out = tmp_path / "report"
    result = cli_ok(["report", "--preset", "fast", "--prices", str(SPX), "--vix", str(VIX),
                     "--thresholds", CUSTOM, "--out", str(out)])  # fmt: skip
    folder = out / result["runs"][0]["folder"]
    page = parse(folder / "report.html")
    zones = table_with(page, "VIX zone")
    assert list(zones) == [
        "Complacency (< 12)",
        "Normal (12-18)",
        "Warning (18-24)",
        "Fear (24-35)",
        "Panic (>= 35)",
        "VIX >= 40",
    ]
    dates = pd.DatetimeIndex(pd.read_csv(folder / "returns.csv", index_col=0).index)
    expected = expected_days(previous_vix(dates, vix_close), [12, 18, 24, 35])
    shown = [int(row[0].replace(",", "")) for row in zones.values()]
    assert shown == list(expected.values())
    correlation = next(t for t in page.tables if t[0][-1] == "All")
    assert correlation[0] == ["", "Calm (VIX < 18)", "Stressed (VIX >= 35)", "All"]
