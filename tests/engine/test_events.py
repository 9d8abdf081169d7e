"""Event definitions and replays on real and demo data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from engine.data.demo import demo_universe
from engine.events import events, get_event
from engine.jobs import run_job
from engine.replay import replay_job
from tests.conftest import SHARED_DATA


def test_required_events_are_defined() -> None:
    names = set(events())
    assert {"aug-2024", "mar-2020", "feb-2018", "oct-2008"} <= names
    aug = get_event("aug-2024")
    assert aug.start <= aug.peak == dt.date(2024, 8, 5) <= aug.end
    with pytest.raises(ValueError, match="unknown event"):
        get_event("tulips-1637")


def test_replay_on_demo_data_every_event() -> None:
    universe = demo_universe()
    prices = pd.concat(
        {s: f["close"] for s, (k, _, f) in universe.items() if k == "future"}, axis=1
    )
    vix = universe["DEMO_VIX"][2]["close"]
    index = universe["DEMO_SPX"][2]["close"]
    for name in ("aug-2024", "mar-2020", "feb-2018", "oct-2008"):
        out = run_job(replay_job(get_event(name), prices, vix, index, aum=1e9))
        event = get_event(name)
        window = slice(pd.Timestamp(event.start), pd.Timestamp(event.end))
        window_days = len(prices.loc[window])
        assert len(out["days"]) == window_days
        first, last = out["days"][0], out["days"][-1]
        assert first["date"] >= out["event"]["start"] and last["date"] <= out["event"]["end"]
        cumulative = 1.0
        for day in out["days"]:
            cumulative *= 1 + day["strategy_return"]
        assert out["summary"]["strategy_return"] == pytest.approx(cumulative - 1)
        assert out["summary"]["vix_max"] == pytest.approx(vix.loc[window].max())


def test_replay_refuses_uncovered_windows() -> None:
    idx = pd.bdate_range("2015-01-01", periods=300)
    prices = pd.DataFrame({"A": range(1, 301)}, index=idx, dtype=float)
    with pytest.raises(ValueError, match="does not cover aug-2024"):
        run_job(replay_job(get_event("aug-2024"), prices, prices["A"]))


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared data absent")
def test_oct_2008_on_real_futures() -> None:
    panel = pd.read_csv(
        SHARED_DATA / "futures_panel_adjusted_daily.csv", index_col=0, parse_dates=True
    )
    vix = pd.read_csv(SHARED_DATA / "vix_daily.csv", index_col=0, parse_dates=True)["Close"]
    spx = pd.read_csv(
        SHARED_DATA / "sp500_index_close_1990_2022.csv", index_col=0, parse_dates=True
    )["Close"]
    out = run_job(replay_job(get_event("oct-2008"), panel, vix, spx))
    assert out["summary"]["index_return"] < -0.2
    assert out["summary"]["strategy_return"] > 0  # crisis alpha in the 2008 deleveraging
    assert out["summary"]["vix_max"] == 80.86  # highest close in the window (20 Nov 2008)
    assert set(out["not_trading_yet"]) == {"EUROSTX", "BUND"}


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared data absent")
def test_oct_2008_flows_are_notional() -> None:
    """US10 is back-adjusted (difference mode): its flow is the change in contracts held at
    the day's price x AUM, about $100m per $1bn in October 2008, not the $1m that raw
    price-unit positions gave. Checked against a hand computation from the backtest."""
    from engine.backtest import run_backtest

    panel = pd.read_csv(
        SHARED_DATA / "futures_panel_adjusted_daily.csv", index_col=0, parse_dates=True
    )
    vix = pd.read_csv(SHARED_DATA / "vix_daily.csv", index_col=0, parse_dates=True)["Close"]
    out = run_job(replay_job(get_event("oct-2008"), panel, vix, aum=1e9))
    history = panel.loc[:"2008-12-31"].drop(columns=["EUROSTX", "BUND"])
    result = run_backtest(history, "tsmom-blend", vix=vix)
    price = history["US10"].ffill()
    oct_days = history.loc["2008-09-01":"2008-12-31"].index
    by_hand = sum((result.positions["US10"].diff() * price).loc[day] * 1e9 for day in oct_days)
    assert out["flows_by_instrument"]["US10"] == pytest.approx(by_hand, rel=1e-9)
    october = result.positions["US10"].diff().loc["2008-10"] * price.loc["2008-10"] * 1e9
    assert 30e6 < october.abs().sum() < 1e9  # tens to hundreds of millions, not ~$1m
    assert result.modes["US10"] == "difference"
    gross = out["days"][0]["gross_exposure"]
    day0 = oct_days[0]
    assert gross == pytest.approx(
        (result.positions.loc[day0].abs() * result.unit.loc[day0].fillna(0)).sum(), rel=1e-12
    )


def test_replay_universe_skips_single_contracts() -> None:
    """The VX contracts of a long import span an event's window but are not a universe: the
    replay takes the continuous futures (here the index, as there are none)."""
    from engine.events import get_event, pick_replay_data

    rows = [
        {"symbol": "VIX", "kind": "vix", "source": "file:vix.csv",
         "first": "1990-01-02", "last": "2026-07-23"},
        {"symbol": "SPX", "kind": "index", "source": "file:spx.csv",
         "first": "1927-12-30", "last": "2026-08-21"},
        *({"symbol": f"VX_2024-{m:02d}", "kind": "future", "source": "file:vx.csv",
           "first": "2023-11-20", "last": f"2024-{m:02d}-20"} for m in (9, 10, 11)),
    ]  # fmt: skip
    assert pick_replay_data(get_event("aug-2024"), rows).prices == ("SPX",)
