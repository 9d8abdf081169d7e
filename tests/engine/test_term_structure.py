"""The VIX term structure: CFE's expiry rule against every expiry in the real VX file, the VX
curve and the index curve on real stress dates, incomplete curves (VX 2026-03 is missing), the
30-day VX and the history, checked by hand and against plain pandas on the raw files."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from engine.data.importers import parse_file
from engine.events import events
from engine.jobs import Progress
from engine.term_structure import (
    FLAT_TOLERANCE,
    PERCENTILE_MIN_DAYS,
    contract_month,
    curve_on,
    history,
    history_job,
    history_summary,
    index_symbol,
    long_file_expiries,
    mark_events,
    named_expiry,
    state,
    vx30,
    vx_curve,
    vx_expiry,
    vx_settles,
    vx_state,
    vx_symbols,
)
from tests.conftest import SHARED_DATA, needs_data

TERM = SHARED_DATA / "vix_term_structure"
LONG = TERM / "vx_futures_settle_2007_2026.csv"
CFE = TERM / "cfe_contracts"


def _raw_long() -> pd.DataFrame:
    """The long VX file read with plain pandas."""
    return pd.read_csv(LONG, parse_dates=["trade_date", "expiry"])


def _close(path, column: str = "CLOSE") -> pd.Series:
    """A CBOE index file's closes read with plain pandas (dates MM/DD/YYYY or ISO)."""
    frame = pd.read_csv(path)
    fmt = "%m/%d/%Y" if "/" in str(frame.iloc[0, 0]) else "%Y-%m-%d"
    return pd.Series(
        frame[column].to_numpy(float), index=pd.to_datetime(frame.iloc[:, 0], format=fmt)
    )


@pytest.fixture(scope="module")
def vx():
    parsed = parse_file(LONG, fmt="long")
    return vx_settles({s.symbol: s.frame["close"] for s in parsed.series}, long_file_expiries(LONG))


@pytest.fixture(scope="module")
def closes() -> dict[str, pd.Series]:
    return {
        "VIX": _close(SHARED_DATA / "vix_daily.csv", "Close"),
        "VIX9D": _close(TERM / "vix9d_daily.csv"),
        "VIX3M": _close(TERM / "vix3m_daily.csv"),
        "VIX6M": _close(TERM / "vix6m_daily.csv"),
        "VVIX": _close(TERM / "vvix_daily.csv", "VVIX"),
    }


@pytest.fixture(scope="module")
def hist(vx, closes) -> pd.DataFrame:
    return history(closes["VIX"], closes["VIX3M"], vx)


def _curve(date: str, vx, closes) -> dict:
    indices = {k: v for k, v in closes.items() if k != "VVIX"}
    return curve_on(date, indices, closes["VVIX"], vx)


# -- the expiry rule -----------------------------------------------------------------------
@needs_data
def test_expiry_rule_matches_every_expiry_in_the_long_file() -> None:
    raw = _raw_long().groupby("contract")["expiry"].first()
    ruled = {c: pd.Timestamp(vx_expiry(*contract_month(c))) for c in raw.index}
    assert len(raw) == 236
    assert ruled == raw.to_dict()
    shifted = sorted(c for c, e in raw.items() if e.day_of_week != 2)  # not a Wednesday
    assert shifted == ["VX 2008-02", "VX 2014-03", "VX 2019-03", "VX 2022-03", "VX 2024-06",
                       "VX 2025-03", "VX 2026-05"]  # fmt: skip


def test_expiry_rule_by_hand() -> None:
    # plain: third Friday of Sep 2024 is the 20th; 30 days earlier is Wednesday 21 Aug
    assert vx_expiry(2024, 8) == dt.date(2024, 8, 21)
    # December's contract looks at January's third Friday (17 Jan 2025 -> 18 Dec 2024)
    assert vx_expiry(2024, 12) == dt.date(2024, 12, 18)
    # Good Friday 15 Apr 2022 is April's third Friday: Tuesday 15 Mar
    assert vx_expiry(2022, 3) == dt.date(2022, 3, 15)
    # Juneteenth 2024 is the Wednesday itself: Tuesday 18 Jun
    assert vx_expiry(2024, 6) == dt.date(2024, 6, 18)
    # Juneteenth 2027 is a Saturday, observed Friday 18 Jun, June's third Friday: Tuesday 18 May
    assert vx_expiry(2027, 5) == dt.date(2027, 5, 18)
    # before 2022 Juneteenth was no holiday: 19 Jun 2020 was a plain third Friday
    assert vx_expiry(2020, 5) == dt.date(2020, 5, 20)


def test_contract_names() -> None:
    assert contract_month("VX 2024-08") == contract_month("VX_2024-08") == (2024, 8)
    assert contract_month("FUT_VX_2024-08") == (2024, 8)
    assert contract_month("VX_2024-08-21") == (2024, 8)
    assert named_expiry("VX_2024-08-21") == dt.date(2024, 8, 21)
    assert named_expiry("VX_2024-08") is None
    for bad in ("VIX", "VX 2024-13", "VX_2024-8", "VX2024-08"):
        with pytest.raises(ValueError, match="monthly VX contract"):
            contract_month(bad)


# -- states --------------------------------------------------------------------------------
def test_state_tolerance_by_hand() -> None:
    assert state(20.0, 20.0 / (1 + FLAT_TOLERANCE / 2)) == "flat"
    assert state(20.0, 21.0) == "contango"  # ratio 0.952
    assert state(22.0, 21.0) == "backwardation"  # ratio 1.048
    assert state(float("nan"), 21.0) is None


# -- curves on real dates ------------------------------------------------------------------
@needs_data
def test_curve_on_5_august_2024(vx, closes) -> None:
    out = _curve("2024-08-05", vx, closes)
    raw = _raw_long()
    day = raw[raw["trade_date"] == "2024-08-05"].sort_values("expiry")
    assert [f["contract"] for f in out["futures"]] == day["contract"].tolist()
    assert [f["settle"] for f in out["futures"]] == day["settle"].tolist()
    assert [f["days"] for f in out["futures"]] == [
        (e - pd.Timestamp("2024-08-05")).days for e in day["expiry"]
    ]
    assert out["state"] == "backwardation" and out["trading_day"] is True
    assert out["indices"] == {"VIX9D": 42.79, "VIX": 38.57, "VIX3M": 33.71, "VIX6M": 30.28}
    assert out["vvix"] == 173.32  # PROVENANCE.md's table
    assert out["front_month"]["contract"] == "VX 2024-08"
    assert out["front_month"]["settle"] == 32.0986
    assert round(out["basis_front"], 2) == 6.47
    assert out["ratio_vix_vix3m"] == pytest.approx(38.57 / 33.71)
    assert out["vx_state"] == "backwardation"  # 32.0986 > 30.3911
    # 16 and 44 days to expiry: 30 days sits halfway
    assert out["vx30"] == pytest.approx((32.0986 + 30.3911) / 2)
    assert out["incomplete"] is False and out["notes"] == []


@needs_data
def test_curve_contango_in_2017_and_2008_without_vix3m(vx, closes) -> None:
    calm = _curve("2017-11-01", vx, closes)
    assert calm["state"] == "contango" and calm["vx_state"] == "contango"
    crisis = _curve("2008-10-24", vx, closes)
    assert crisis["indices"]["VIX"] == 79.13
    assert crisis["front_month"]["contract"] == "VX 2008-11"
    assert crisis["front_month"]["settle"] == 55.82
    assert crisis["basis_front"] == pytest.approx(79.13 - 55.82)
    assert crisis["state"] is None  # VIX3M starts in 2009
    assert "VIX3M: no close on or before 2008-10-24" in crisis["notes"]
    assert crisis["vx_state"] == "backwardation"  # 55.82 over 43.56


@needs_data
def test_expiry_day_lists_the_expiring_contract_but_rolls_the_front(vx, closes) -> None:
    out = _curve("2024-08-21", vx, closes)
    assert out["futures"][0]["contract"] == "VX 2024-08" and out["futures"][0]["days"] == 0
    assert out["front_month"]["contract"] == "VX 2024-09"
    assert out["basis_front"] == pytest.approx(16.27 - out["front_month"]["settle"])


@needs_data
def test_weekend_uses_the_last_closes_with_their_dates(vx, closes) -> None:
    out = _curve("2024-08-03", vx, closes)  # a Saturday
    assert out["trading_day"] is False
    assert set(out["dates_used"].values()) == {"2024-08-02"}
    assert out["vx_date"] == "2024-08-02" and out["indices"]["VIX"] == 23.39
    assert out["futures"][0]["days"] == 19  # 2 -> 21 August
    assert any("the close of 2024-08-02 is used" in n for n in out["notes"])


@needs_data
def test_holiday_with_a_spot_row_pairs_the_basis_on_the_vx_date(vx, closes) -> None:
    out = _curve("2022-05-30", vx, closes)  # Memorial Day: vix_daily.csv has a row, VX none
    assert out["trading_day"] is True and out["indices"]["VIX"] == 26.54
    assert out["dates_used"]["VIX3M"] == "2022-05-27" and out["vx_date"] == "2022-05-27"
    raw = _raw_long()
    front = raw[(raw["trade_date"] == "2022-05-27") & (raw["expiry"] > "2022-05-27")]
    front = front.sort_values("expiry").iloc[0]
    assert out["front_month"]["contract"] == front["contract"] == "VX 2022-06"
    assert out["basis_front"] == pytest.approx(25.72 - front["settle"])  # 27 May's close


@needs_data
def test_stale_series_are_not_used(vx, closes) -> None:
    out = _curve("2026-07-01", vx, closes)  # VIX6M ends 2026-04-24, the VX file 2026-04-17
    assert out["indices"]["VIX6M"] is None and out["dates_used"]["VIX6M"] is None
    assert out["futures"] == [] and out["basis_front"] is None
    assert any(n.startswith("VIX6M: last close 2026-04-24") for n in out["notes"])


@needs_data
def test_missing_march_2026_contract(vx, closes) -> None:
    out = _curve("2026-03-02", vx, closes)  # the real front month VX 2026-03 is absent
    assert out["incomplete"] is True
    assert out["missing_contracts"] == [{"contract": "VX 2026-03", "expiry": "2026-03-18"}]
    assert out["front_month"] is None and out["basis_front"] is None
    assert out["vx30"] is None and out["vx_state"] is None
    assert out["futures"][0]["contract"] == "VX 2026-04"  # listed, never relabelled
    early = _curve("2026-02-10", vx, closes)  # front VX 2026-02 held; 30 days needs VX 2026-03
    assert early["front_month"]["contract"] == "VX 2026-02"
    assert early["incomplete"] is True and early["vx30"] is None and early["vx_state"] is None
    expiry = _curve("2026-03-18", vx, closes)  # its expiry day: VX 2026-04 is the front month
    assert expiry["front_month"]["contract"] == "VX 2026-04" and expiry["vx30"] is not None


def test_missing_contract_not_yet_listed_is_not_missing() -> None:
    days = pd.bdate_range("2024-08-01", periods=3)
    aug = pd.Series([15.0, 15.5, 16.0], index=days)
    oct_ = pd.Series([17.0, 17.5, 18.0], index=days)
    sep = pd.Series([16.2], index=days[2:])  # listed on the third day only
    vx = vx_settles({"VX 2024-08": aug, "VX 2024-09": sep, "VX 2024-10": oct_})
    first = vx_curve(vx, days[0])
    assert first.missing == [] and first.front[0] == "VX 2024-08"
    gapped = vx_settles({"VX 2024-08": aug, "VX 2024-10": oct_})  # never held: missing
    curve = vx_curve(gapped, days[0])
    assert [n for n, _ in curve.missing] == ["VX 2024-09"]
    assert curve.front[0] == "VX 2024-08"  # the missing one expires after the front
    assert vx_state(curve) is None  # front two would skip VX 2024-09
    # 1 Aug: Aug at 20 days, Oct at 76; a 30-day point would cross the missing September
    assert np.isnan(vx30(curve))
    assert vx.by_rule == {"VX 2024-08", "VX 2024-09", "VX 2024-10"}


def test_vx30_by_hand_and_without_a_near_bracket() -> None:
    days = pd.DatetimeIndex(["2024-08-01", "2024-08-22"])
    vx = vx_settles({
        "VX 2024-08": pd.Series([15.0], index=days[:1]),
        "VX 2024-09": pd.Series([16.0, 16.4], index=days),
        "VX 2024-10": pd.Series([18.0, 18.8], index=days),
    })  # fmt: skip
    # 1 Aug: Aug 20 days (15), Sep 48 days (16): 15 + (30 - 20) / 28 * 1
    assert vx30(vx_curve(vx, days[0])) == pytest.approx(15.0 + 10 / 28)
    # 22 Aug: Sep 27 days, Oct 55 days: 16.4 + 3 / 28 * 2.4
    assert vx30(vx_curve(vx, days[1])) == pytest.approx(16.4 + 3 / 28 * 2.4)
    late = vx_settles({"VX 2024-09": pd.Series([16.0], index=days[:1])})
    assert np.isnan(vx30(vx_curve(late, days[0])))  # nothing within 30 days


@needs_data
def test_cfe_files_give_the_long_files_settles() -> None:
    parsed = [parse_file(CFE / f"CFE_{m}08_VX.csv").series[0] for m in ("V", "X")]
    vx = vx_settles({s.symbol: s.frame["close"] for s in parsed})
    assert list(vx.settles.columns) == ["VX 2008-10", "VX 2008-11"]
    assert vx.expiries.dt.strftime("%Y-%m-%d").tolist() == ["2008-10-22", "2008-11-19"]
    assert vx.settles.loc["2008-10-24", "VX 2008-11"] == 55.82
    raw = _raw_long()
    for name in vx.settles.columns:
        mine = vx.settles[name].dropna()
        theirs = raw[raw["contract"] == name].set_index("trade_date")["settle"]
        common = mine.index.intersection(theirs.index)
        assert len(common) > 100
        assert (mine[common] == theirs[common]).all()
    for name, month in (("VX 2008-10", "V"), ("VX 2008-11", "X")):  # listing-day zeros dropped
        settles = pd.read_csv(CFE / f"CFE_{month}08_VX.csv")["Settle"]
        assert vx.settles[name].count() == (settles > 0).sum()


# -- history -------------------------------------------------------------------------------
def _front_basis(spot: pd.Series) -> pd.Series:
    """Spot minus the nearest contract expiring after each date, with plain pandas; dates
    whose real front month (VX 2026-03) is absent dropped."""
    raw = _raw_long()
    ahead = raw[raw["expiry"] > raw["trade_date"]].sort_values(["trade_date", "expiry"])
    front = ahead.groupby("trade_date").first()
    absent = (front.index >= "2026-02-18") & (front.index < "2026-03-18")
    front = front[~absent]
    common = front.index.intersection(spot.index)
    return spot[common] - front.loc[common, "settle"]


@needs_data
def test_history_basis_and_states_against_plain_pandas(hist, closes) -> None:
    expected = _front_basis(closes["VIX"])
    mine = hist["basis"].dropna()
    assert mine.index.equals(expected.index)
    np.testing.assert_allclose(mine.to_numpy(), expected.to_numpy())
    both = pd.concat([closes["VIX"], closes["VIX3M"]], axis=1, join="inner")
    ratio = both.iloc[:, 0] / both.iloc[:, 1]
    flags = hist["backwardation"].dropna()
    assert flags.index.equals(ratio.index)
    assert flags.sum() == (ratio > 1 + FLAT_TOLERANCE).sum()
    assert hist.index[0] == pd.Timestamp("2007-03-26")  # the first VX settle
    # PROVENANCE.md: VIX3M closes above spot on 3910 days and below on 324
    assert (hist["ratio_vix_vix3m"] < 1).sum() == 3910
    assert (hist["ratio_vix_vix3m"] > 1).sum() == 324


@needs_data
def test_basis_percentile_is_expanding_without_look_ahead(vx, closes, hist) -> None:
    basis = hist["basis"].dropna()
    for day in ("2008-10-24", "2020-03-16", "2024-08-05"):
        known = basis.loc[:day]
        today = known.iloc[-1]
        by_hand = ((known < today).sum() + ((known == today).sum() + 1) / 2) / len(known)
        assert hist.loc[day, "basis_percentile"] == pytest.approx(100 * by_hand)
    cut = history(closes["VIX"].loc[:"2020-03-16"], closes["VIX3M"], vx)
    assert cut.loc["2020-03-16", "basis_percentile"] == hist.loc["2020-03-16", "basis_percentile"]
    assert hist.loc["2008-10-24", "basis_percentile"] == 100.0  # the widest basis in the file
    assert hist["basis_percentile"].notna().sum() == len(basis) - PERCENTILE_MIN_DAYS + 1


@needs_data
def test_history_vx30_and_incomplete_days(hist) -> None:
    incomplete = hist.index[hist["incomplete"].eq(True)]
    assert incomplete[-1] == pd.Timestamp("2026-03-18")
    assert incomplete[0] > pd.Timestamp("2025-06-01")  # VX 2026-03 is the only missing one
    assert hist.loc["2026-02-19":"2026-03-17", "vx30"].isna().all()
    assert hist.loc["2024-08-05", "vx30"] == pytest.approx((32.0986 + 30.3911) / 2)


@needs_data
def test_history_summary_and_job_progress(vx, closes, hist) -> None:
    summary = history_summary(hist)
    known = hist["state"].dropna()
    assert summary["vix_vix3m"]["days"] == len(known)
    assert summary["vix_vix3m"]["share_backwardation"] == pytest.approx(
        (known == "backwardation").mean()
    )
    assert summary["basis"]["max"] == {"date": "2008-10-24", "basis": pytest.approx(23.31)}
    assert summary["basis"]["percentiles"]["p50"] == pytest.approx(hist["basis"].median())
    job = history_job(closes["VIX"], closes["VIX3M"], vx)
    reports = []
    with pytest.raises(StopIteration):
        while True:
            reports.append(next(job))
    assert all(isinstance(r, Progress) for r in reports) and reports[-1].percent == 100.0


def test_history_needs_vix3m_or_vx() -> None:
    spot = pd.Series([20.0, 21.0], index=pd.bdate_range("2024-01-01", periods=2))
    with pytest.raises(ValueError, match="needs VIX3M or VX"):
        history(spot)


def test_mark_events() -> None:
    dates = pd.DatetimeIndex(["2024-07-12", "2024-07-15", "2024-08-05", "2024-08-30", "2024-09-02"])
    marks = mark_events(dates, events().values())
    assert marks.tolist() == ["", "aug-2024", "aug-2024", "aug-2024", ""]


def test_store_symbols() -> None:
    rows = [
        {"symbol": "VIX_DAILY", "kind": "vix"},
        {"symbol": "VIX3M_DAILY", "kind": "vix"},
        {"symbol": "VVIX", "kind": "vix"},
        {"symbol": "VIX3M", "kind": "future"},  # not an index
        {"symbol": "VX_2024-08", "kind": "future"},
        {"symbol": "FUT_VX_2024-09", "kind": "future"},
        {"symbol": "VX_2024-10", "kind": "index"},
    ]
    assert index_symbol(rows, "VIX3M") == "VIX3M_DAILY"
    assert index_symbol(rows, "VVIX") == "VVIX"
    assert index_symbol(rows, "VIX9D") is None
    assert vx_symbols(rows) == ["VX_2024-08"]
