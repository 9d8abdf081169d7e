"""Spike anatomy on the real files: the 2024-08-05 and 2008-10-24 diagnostics against the raw
CSVs, the score of each named episode recomputed by hand from the raw readings, what followed
recomputed from the raw VIX and S&P 500, and a score that no later data can change."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from engine.data.importers import parse_file
from engine.jobs import run_job
from engine.spike_anatomy import (
    FUNDAMENTAL,
    FUNDAMENTAL_AT,
    MIXED,
    TECHNICAL,
    TECHNICAL_AT,
    AnatomyInputs,
    anatomy_job,
    diagnostics_job,
    label_of,
    outcome_of,
    ramp,
    record,
    verdict,
)
from engine.term_structure import long_file_expiries, vx_settles
from tests.conftest import SHARED_DATA, needs_data

TERM = SHARED_DATA / "vix_term_structure"
LONG = TERM / "vx_futures_settle_2007_2026.csv"
VIX_FILE = SHARED_DATA / "vix_daily.csv"
SPX_FILE = SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv"
NAMED = {  # the research note's episodes: the cross date of each (engine/spike_speed.py)
    "2008": "2008-09-15",
    "Aug 2011": "2011-08-04",
    "Aug 2015": "2015-08-24",
    "Feb 2018": "2018-02-05",
    "Mar 2020": "2020-02-27",
    "Aug 2024": "2024-08-05",
    "Apr 2025": "2025-04-03",
}


def _close(path, column: str = "CLOSE") -> pd.Series:
    """A file's closes read with plain pandas (dates MM/DD/YYYY or ISO)."""
    frame = pd.read_csv(path)
    fmt = "%m/%d/%Y" if "/" in str(frame.iloc[0, 0]) else "%Y-%m-%d"
    return pd.Series(
        frame[column].to_numpy(float), index=pd.to_datetime(frame.iloc[:, 0], format=fmt)
    ).sort_index()


RAW = {
    "vix": _close(VIX_FILE, "Close") if VIX_FILE.exists() else None,
    "spx": _close(SPX_FILE, "close") if SPX_FILE.exists() else None,
    "vix9d": _close(TERM / "vix9d_daily.csv") if TERM.exists() else None,
    "vix3m": _close(TERM / "vix3m_daily.csv") if TERM.exists() else None,
    "vvix": _close(TERM / "vvix_daily.csv", "VVIX") if TERM.exists() else None,
}

pytestmark = needs_data


@pytest.fixture(scope="module")
def inputs() -> AnatomyInputs:
    parsed = parse_file(LONG, fmt="long")
    vx = vx_settles({s.symbol: s.frame["close"] for s in parsed.series}, long_file_expiries(LONG))
    return AnatomyInputs(
        RAW["vix"], RAW["spx"], vx, RAW["vix9d"], RAW["vix3m"], RAW["vvix"]
    )  # fmt: skip


@pytest.fixture(scope="module")
def anatomy(inputs: AnatomyInputs):
    return run_job(anatomy_job(inputs))


@pytest.fixture(scope="module")
def raw_basis() -> pd.Series:
    """Spot VIX minus the nearest VX contract expiring after the day, from the raw long file."""
    raw = pd.read_csv(LONG, parse_dates=["trade_date", "expiry"])
    ahead = raw[raw["expiry"] > raw["trade_date"]].sort_values(["trade_date", "expiry"])
    front = ahead.groupby("trade_date").first()
    return (RAW["vix"].reindex(front.index) - front["settle"]).dropna()


def _raw_settle(day: str, contract: str) -> float:
    raw = pd.read_csv(LONG)
    return float(raw[(raw["trade_date"] == day) & (raw["contract"] == contract)]["settle"].iloc[0])


def _pct(series: pd.Series, day: str) -> float:
    """The day's value ranked among every value up to it, ties at their average rank (0-100)."""
    known = series.loc[:day]
    value = known.iloc[-1]
    rank = (known < value).sum() + ((known == value).sum() + 1) / 2
    return 100.0 * rank / len(known)


def _hand_score(day: str, raw_basis: pd.Series) -> float | None:
    """The six components of docs/spike_anatomy.md, "Score", from the raw files."""
    stamp = pd.Timestamp(day)
    vix = RAW["vix"]
    spot = vix[stamp]
    moves = RAW["spx"].pct_change()
    implied = vix.loc[:stamp].iloc[-2] / 16.0
    rv10 = math.sqrt((moves.loc[:stamp].iloc[-10:] ** 2).mean()) * math.sqrt(252) * 100
    readings = {
        "basis": (_pct(raw_basis, day) - 50) / 50 if stamp in raw_basis.index else np.nan,
        "front": (RAW["vix9d"].get(stamp, np.nan) / spot - 1) / 0.2,
        "inversion": (spot / RAW["vix3m"].get(stamp, np.nan) - 1) / 0.2,
        "vvix": (_pct(RAW["vvix"], day) - 50) / 50,
        "move": 1 - abs(moves[stamp] * 100) / implied,
        "lag": 1 - rv10 / spot,
    }
    known = [min(max(v, 0.0), 1.0) for v in readings.values() if not np.isnan(v)]
    return sum(known) / len(known) if len(known) >= 4 else None


def _hand_outcome(day: str) -> str:
    """technical: back under 20 within 20 VIX closes and realised vol over the next 5, 10 and
    20 S&P 500 moves all below the day's VIX; fundamental: the reverse; else mixed."""
    stamp = pd.Timestamp(day)
    vix = RAW["vix"]
    after = vix[vix.index > stamp].iloc[:20]
    reverted = bool((after < 20).any())
    moves = RAW["spx"].pct_change()
    following = moves[moves.index > stamp]
    realised = [math.sqrt((following.iloc[:n] ** 2).mean()) * math.sqrt(252) * 100
                for n in (5, 10, 20)]  # fmt: skip
    caught = max(realised) >= vix[stamp]
    if reverted and not caught:
        return TECHNICAL
    return FUNDAMENTAL if caught and not reverted else MIXED


def test_5_august_2024_diagnostics(anatomy, raw_basis: pd.Series) -> None:
    row = anatomy.daily.loc["2024-08-05"]
    assert row["vix"] == 38.57 and row["front"] == "VX 2024-08"
    assert row["front_settle"] == _raw_settle("2024-08-05", "VX 2024-08") == 32.0986
    assert round(row["basis"], 2) == 6.47
    assert row["vix9d"] == 42.79 and row["vix3m"] == 33.71 and row["vvix"] == 173.32
    assert row["ratio_vix9d_vix"] == pytest.approx(42.79 / 38.57)
    assert row["ratio_vix_vix3m"] == pytest.approx(38.57 / 33.71)
    assert row["basis_pct"] == pytest.approx(_pct(raw_basis, "2024-08-05"))
    spx = RAW["spx"]
    move = abs(spx["2024-08-05"] / spx["2024-08-02"] - 1) * 100  # 5186.33 after 5346.56
    assert row["realised_vs_implied"] == pytest.approx(move / (23.39 / 16))
    episode = next(e for e in anatomy.episodes if e["date"] == "2024-08-05")
    assert episode["basis"] == row["basis"] and episode["start"] == "2024-08-01"
    assert episode["days_above_30"] == 1  # 38.57, then 27.71


def test_24_october_2008_diagnostics(anatomy, raw_basis: pd.Series) -> None:
    row = anatomy.daily.loc["2008-10-24"]
    assert row["vix"] == 79.13 and row["front"] == "VX 2008-11"
    assert row["front_settle"] == _raw_settle("2008-10-24", "VX 2008-11") == 55.82
    assert row["basis"] == pytest.approx(79.13 - 55.82)
    assert row["basis_pct"] == _pct(raw_basis, "2008-10-24") == 100.0  # the widest so far
    assert np.isnan(row["ratio_vix9d_vix"]) and np.isnan(row["ratio_vix_vix3m"])  # not yet
    assert row["vvix"] == RAW["vvix"]["2008-10-24"]
    assert row["components"] == 4
    assert row["score"] == pytest.approx(_hand_score("2008-10-24", raw_basis))
    # a day after the spike of the 2008 episode, which crossed 30 on 2008-09-15
    episode = next(e for e in anatomy.episodes if e["date"] == "2008-09-15")
    assert episode["days_above_30"] > 25  # above 30 through October 2008
    assert (RAW["vix"].loc["2008-09-15":"2008-10-24"] >= 20).all()


@pytest.mark.parametrize("name", NAMED)
def test_named_episodes_by_hand(anatomy, raw_basis: pd.Series, name: str) -> None:
    day = NAMED[name]
    episode = next(e for e in anatomy.episodes if e["date"] == day)
    score = _hand_score(day, raw_basis)
    assert episode["score"] == pytest.approx(score)
    assert episode["label"] == label_of(score)
    assert episode["outcome"] == _hand_outcome(day)
    assert episode["verdict"] == verdict(episode["label"], episode["outcome"])
    vix = RAW["vix"]
    after = vix[vix.index >= day].to_numpy()
    assert episode["days_above_30"] == int(np.argmax(after < 30))


def test_the_record_names_right_and_wrong(anatomy) -> None:
    labels = anatomy.record["labels"]
    episodes = anatomy.episodes
    by_verdict = {v: [e["date"] for e in episodes if e["verdict"] == v] for v in
                  ("right", "wrong", "open")}  # fmt: skip
    assert labels["right_dates"] == by_verdict["right"]
    assert labels["wrong_dates"] == by_verdict["wrong"]
    assert labels["open_dates"] == by_verdict["open"]
    assert labels["right"] + labels["wrong"] + labels["open"] + labels["unscored"] == len(episodes)
    assert labels["hit_rate"] == labels["right"] / (labels["right"] + labels["wrong"])
    # a wrong call is one of the two certain labels against the other
    for e in episodes:
        if e["verdict"] == "wrong":
            assert {e["label"], e["outcome"]} == {TECHNICAL, FUNDAMENTAL}, e["date"]
    # at the plain 0.5 split every scored episode is technical or fundamental
    half = anatomy.record["half"]
    for e in episodes:
        if e["score"] is not None and e["outcome"] not in (None, MIXED):
            said = TECHNICAL if e["score"] >= 0.5 else FUNDAMENTAL
            listed = "right" if said == e["outcome"] else "wrong"
            assert e["date"] in half[f"{listed}_dates"]


def _garbled_after(inputs: AnatomyInputs, day: pd.Timestamp) -> AnatomyInputs:
    """Every reading after ``day`` changed (tripled or halved), those up to it kept."""

    def garble(series: pd.Series, factor: float) -> pd.Series:
        return series.where(series.index <= day, series * factor)

    settles = inputs.vx.settles
    vx = vx_settles(
        {c: garble(settles[c].dropna(), 3.0) for c in settles.columns},
        inputs.vx.expiries.to_dict(),
    )
    return AnatomyInputs(
        garble(inputs.vix, 3.0), garble(inputs.index, 0.5), vx, garble(inputs.vix9d, 0.5),
        garble(inputs.vix3m, 0.5), garble(inputs.vvix, 3.0),
    )  # fmt: skip


@pytest.mark.parametrize("day", ["2008-10-24", "2018-02-05", "2020-02-27", "2024-08-05"])
def test_the_score_uses_no_data_after_its_date(inputs, anatomy, day: str) -> None:
    stamp = pd.Timestamp(day)
    truncated = run_job(diagnostics_job(inputs.until(day)))
    assert truncated.index[-1] == stamp
    full = anatomy.daily.loc[:day]
    pd.testing.assert_series_equal(truncated["score"], full["score"], rtol=1e-12)
    assert truncated["label"].tolist() == full["label"].tolist()
    garbled = run_job(diagnostics_job(_garbled_after(inputs, stamp)))
    pd.testing.assert_series_equal(garbled["score"].loc[:day], full["score"], rtol=1e-12)
    assert not garbled["vix"].loc[stamp:].iloc[1:].equals(anatomy.daily["vix"].loc[stamp:].iloc[1:])


def test_what_followed_is_unknown_on_the_day(inputs, anatomy) -> None:
    seen = run_job(anatomy_job(inputs, end="2024-08-05"))
    then = seen.episodes[-1]
    now = next(e for e in anatomy.episodes if e["date"] == "2024-08-05")
    assert then["date"] == "2024-08-05" and then["score"] == pytest.approx(now["score"])
    assert then["label"] == now["label"] == TECHNICAL
    assert then["outcome"] is None and then["verdict"] is None and then["after"] == []
    assert now["outcome"] == TECHNICAL and len(now["after"]) == 5


def test_without_the_curve_there_is_no_score(inputs, anatomy) -> None:
    bare = run_job(anatomy_job(AnatomyInputs(inputs.vix, inputs.index)))
    assert bare.daily["score"].isna().all() and bare.daily["components"].max() == 2
    assert all(e["score"] is None and e["label"] is None for e in bare.episodes)
    assert bare.record["labels"]["hit_rate"] is None
    # what followed needs no curve: the same outcomes
    assert [e["outcome"] for e in bare.episodes] == [e["outcome"] for e in anatomy.episodes]


def test_rules() -> None:
    assert label_of(TECHNICAL_AT) == TECHNICAL and label_of(FUNDAMENTAL_AT) == FUNDAMENTAL
    assert label_of(0.5) == MIXED and label_of(float("nan")) is None and label_of(None) is None
    assert verdict(TECHNICAL, TECHNICAL) == "right" and verdict(FUNDAMENTAL, TECHNICAL) == "wrong"
    assert verdict(MIXED, MIXED) == "open" and verdict(TECHNICAL, None) is None
    realised = {5: 20.0, 10: 25.0, 20: 31.0}
    assert outcome_of(30.0, True, realised) == (True, MIXED)
    assert outcome_of(30.0, False, realised) == (True, FUNDAMENTAL)
    assert outcome_of(40.0, True, realised) == (False, TECHNICAL)
    assert outcome_of(40.0, None, realised) == (None, None)
    assert outcome_of(40.0, True, {**realised, 20: None}) == (None, None)
    values = pd.Series([0.9, 1.0, 1.1, 1.3])
    assert ramp(values, 1.0, 1.2).tolist() == pytest.approx([0.0, 0.0, 0.5, 1.0])
    assert ramp(values, 1.0, 0.0).tolist() == pytest.approx([0.1, 0.0, 0.0, 0.0])
    rows = [{"date": "a", "score": 0.7, "label": TECHNICAL, "outcome": FUNDAMENTAL},
            {"date": "b", "score": 0.45, "label": MIXED, "outcome": FUNDAMENTAL}]  # fmt: skip
    assert record(rows)["wrong_dates"] == ["a"] and record(rows)["open_dates"] == ["b"]
    assert record(rows, 0.5)["wrong_dates"] == ["a"] and record(rows, 0.5)["right_dates"] == ["b"]
