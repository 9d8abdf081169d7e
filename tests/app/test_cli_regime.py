"""`regime --file` on the real VIX (and S&P 500): trend alerts on the way up, intraday spikes
without bad prints, implied vs realised sigma, and the dated rule of 16 on the latest close."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.cli_helpers import cli_ok
from tests.conftest import SHARED_DATA, needs_data

pytestmark = needs_data
VIX_FILE = SHARED_DATA / "vix_daily.csv"


def _vix() -> pd.DataFrame:
    return pd.read_csv(VIX_FILE, index_col=0, parse_dates=True)


def test_trend_alerts_fire_in_2008_and_2020_never_on_the_way_down() -> None:
    out = cli_ok(["regime", "--file", str(VIX_FILE)])
    close = _vix()["Close"]
    trend = [a for a in out["alerts"] if a["kind"] == "trend_weakening"]
    dates = [a["date"] for a in trend]
    assert [d for d in dates if "2008-09-01" <= d <= "2008-10-31"] == ["2008-09-09"]
    assert [d for d in dates if "2020-02-01" <= d <= "2020-03-31"] == ["2020-03-02"]
    for alert in trend:
        day = pd.Timestamp(alert["date"])
        assert alert["vix"] == close[day]
        # the episode: the closes above 21 running up to the alert day
        before = close[:day].iloc[:-1]
        start = before[before <= 21].index.max()
        episode = before[before.index > start]
        assert len(episode) >= 5  # held above 21 for the default 5 closes
        passed_25 = bool((episode >= 25).any())
        assert not (passed_25 and alert["vix"] < 25), alert
        # the first close at or above 25 once the 5 closes have held
        assert alert["vix"] >= 25 and (episode.iloc[5:] < 25).all()
    held_3 = cli_ok(["regime", "--file", str(VIX_FILE), "--trend-days", "3"])
    assert "2020-02-27" in [a["date"] for a in held_3["alerts"] if a["kind"] == "trend_weakening"]


def test_intraday_spikes_flag_the_2005_print() -> None:
    out = cli_ok(["regime", "--file", str(VIX_FILE), "--top", "5"])
    vix = _vix()
    bad = vix.index[vix["High"] > 2 * vix["Close"].shift(1).combine(vix["Close"], max)]
    assert out["intraday_flagged"]["flagged"] == len(bad) == 4
    assert "2005-07-25" in [r["date"] for r in out["intraday_flagged"]["flagged_rows"]]
    assert out["intraday_spikes"][0]["date"] == "2024-08-05"
    assert "2005-07-25" not in [s["date"] for s in out["intraday_spikes"]]
    assert out["spikes"][0]["date"] == "2018-02-05"  # close to close stays the default


@pytest.mark.parametrize(
    ("index_file", "level_date", "warned"),
    [
        ("sp500_index_close_1990_2022.csv", "2022-12-28", True),
        ("recent/sp500_index_ohlcv_1927_2026.csv", "2026-07-23", False),
    ],
)
def test_rule16_pairs_dated_closes(index_file: str, level_date: str, warned: bool) -> None:
    out = cli_ok(["regime", "--file", str(VIX_FILE), "--index", str(SHARED_DATA / index_file)])
    spx = pd.read_csv(SHARED_DATA / index_file, index_col=0, parse_dates=True)
    spx = spx[spx.columns[spx.columns.str.lower() == "close"][0]]
    latest = out["rule16_latest"]
    assert (latest["vix_date"], latest["vix"]) == ("2026-07-23", 18.7)
    assert latest["level_date"] == level_date
    assert latest["level"] == pytest.approx(spx[level_date])
    assert latest["daily_move_pct"] == pytest.approx(18.7 / 16)
    assert latest["range_1sigma"][1] == pytest.approx(spx[level_date] * (1 + 18.7 / 1600))
    assert (latest["warning"] is not None) == warned
    if warned:
        assert "1,303 days" in latest["warning"]
    history = out["rule16_history"]["all"]
    assert history["realised_rms_pct"] < history["implied_rms_pct"]
    assert not {"mean_realised_pct", "mean_implied_pct"} & set(history)
