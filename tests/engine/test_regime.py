"""Regime analytics on hand-made VIX paths with known answers, and on the real VIX history."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from engine import regime
from engine.vix import ZONE_NAMES, ZoneThresholds
from tests.conftest import SHARED_DATA, needs_data


def _series(values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.bdate_range("2020-01-01", periods=len(values)), dtype=float)


PATH = _series([10, 12, 16, 16, 22, 22, 26, 31, 31, 14])  # zones 0 0 1 1 2 2 3 4 4 0


def test_zone_stats_by_hand() -> None:
    stats = regime.zone_stats(PATH)
    assert {z: s["days"] for z, s in stats.items()} == {
        "complacency": 3, "normal": 2, "warning": 2, "fear": 1, "panic": 2,
    }  # fmt: skip
    assert stats["complacency"]["share"] == pytest.approx(0.3)
    assert stats["complacency"]["mean_duration"] == pytest.approx(1.5)  # stays of 2 and 1 days
    assert stats["panic"]["mean_duration"] == pytest.approx(2.0) and stats["fear"]["stays"] == 1


def test_transition_counts_by_hand() -> None:
    tm = regime.transition_matrix(PATH)
    counts = {
        (a, b): tm[a][b]["count"] for a in ZONE_NAMES for b in ZONE_NAMES if tm[a][b]["count"]
    }
    assert counts == {
        ("complacency", "complacency"): 1, ("complacency", "normal"): 1, ("normal", "normal"): 1,
        ("normal", "warning"): 1, ("warning", "warning"): 1, ("warning", "fear"): 1,
        ("fear", "panic"): 1, ("panic", "panic"): 1, ("panic", "complacency"): 1,
    }  # fmt: skip
    assert tm["complacency"]["normal"]["prob"] == pytest.approx(0.5)
    five = regime.transition_matrix(
        PATH, step=5
    )  # day t -> t+5: 10->22, 12->26, 16->31, 16->31, 22->14
    assert five["complacency"]["warning"]["count"] == 1 and five["normal"]["panic"]["count"] == 2
    assert five["warning"]["complacency"]["count"] == 1
    with pytest.raises(ValueError, match="step"):
        regime.transition_matrix(PATH, step=10)


def test_custom_thresholds_shift_zones() -> None:
    stats = regime.zone_stats(PATH, ZoneThresholds((11, 20, 30, 40)))
    assert stats["complacency"]["days"] == 1 and stats["fear"]["days"] == 2


def test_trend_weakening_alert_by_hand() -> None:
    """Fires on the first close >= 25 after 3 closes of the episode above 21, once per
    episode (a close at or below 21 ends it), never below 25."""
    vix = _series(
        [20, 22, 26, 27, 24, 23, 25, 28, 24, 22,  # episode 1: fires on 25 (index 6)
         21,  # at 21: not above, ends the episode
         22, 23, 24, 24.5, 24.9, 22,  # episode 2: rises toward 25 but never reaches it
         20.5,
         30, 31, 29, 26, 24, 22]  # episode 3: 3 closes above 21, then 26 fires (index 21)
    )  # fmt: skip
    fired = [a for a in regime.alerts(vix, hold_days=3) if a["kind"] == "trend_weakening"]
    assert [(a["date"], a["vix"]) for a in fired] == [
        (f"{vix.index[6]:%Y-%m-%d}", 25.0),
        (f"{vix.index[21]:%Y-%m-%d}", 26.0),
    ]
    one = [a["date"] for a in regime.alerts(vix, hold_days=1) if a["kind"] == "trend_weakening"]
    assert one == [f"{vix.index[i]:%Y-%m-%d}" for i in (2, 19)]  # 26 after 22; 31 after 30
    with pytest.raises(ValueError, match="hold_days"):
        regime.alerts(vix, hold_days=0)


def test_risk_cut_jump_alert_by_hand() -> None:
    vix = _series([18, 19, 25, 31, 33, 29, 31, 15, 30])
    fired = [a for a in regime.alerts(vix, jump_days=5) if a["kind"] == "risk_cut_jump"]
    assert [a["date"] for a in fired] == [f"{vix.index[i]:%Y-%m-%d}" for i in (3, 6, 8)]
    slow = _series([18, 22, 24, 26, 28, 29, 31])  # 20 -> 30 took 6 days: no jump alert in 5
    assert not [a for a in regime.alerts(slow, jump_days=5) if a["kind"] == "risk_cut_jump"]


def test_spikes_and_intraday() -> None:
    frame = pd.DataFrame(
        {"close": [20.0, 30.0, 24.0, 36.0, 30.0], "high": [21.0, 31.0, 60.0, 40.0, 73.0]},
        index=pd.bdate_range("2024-08-01", periods=5),
    )
    top = regime.spikes(frame, 2)
    assert [s["change_pct"] for s in top] == pytest.approx([50.0, 50.0])
    # day 4: high 73 > 2 x max(36, 30) = 72, a bad print; day 2: 60 = 2 x max(30, 24), kept
    intraday = regime.intraday_spikes(frame, 2)
    assert intraday["flagged"] == 1
    assert [r["date"] for r in intraday["flagged_rows"]] == [f"{frame.index[4]:%Y-%m-%d}"]
    first, second = intraday["spikes"]
    assert (first["prior_close"], first["high"]) == (30.0, 60.0)
    assert first["high_change_pct"] == pytest.approx(100.0)
    assert second["high_change_pct"] == pytest.approx(100 * (40 / 24 - 1))


def test_rule16_history_by_hand() -> None:
    vix = _series([16.0, 32.0, 16.0, 16.0])  # implied sigma 1%, 2%, 1%, 1%
    index = _series([100.0, 101.5, 100.485, 100.485])  # next-day moves +1.5%, -1%, 0%
    out = regime.rule16_history(vix, index)["all"]
    assert out["days"] == 3
    assert out["implied_sigma_pct"] == pytest.approx(4 / 3)  # mean of 1, 2, 1
    assert out["realised_sigma_abs_pct"] == pytest.approx((2.5 / 3) / math.sqrt(2 / math.pi))
    assert out["implied_rms_pct"] == pytest.approx(math.sqrt(6 / 3))  # 1 + 4 + 1
    assert out["realised_rms_pct"] == pytest.approx(math.sqrt(3.25 / 3))  # 2.25 + 1 + 0
    assert out["share_above_1sigma"] == pytest.approx(1 / 3)  # only 1.5% > 1%
    assert out["share_above_2sigma"] == 0.0
    by_zone = regime.rule16_history(vix, index)["by_zone"]
    assert by_zone["normal"]["days"] == 2 and by_zone["panic"]["days"] == 1
    assert by_zone["panic"]["realised_rms_pct"] == pytest.approx(1.0)  # the day after 32
    rolling = regime.rolling_sigmas(vix, index, window=2)
    assert rolling["implied"].tolist() == pytest.approx([math.sqrt(2.5), math.sqrt(2.5)])
    assert rolling["move"].tolist() == pytest.approx([math.sqrt(3.25 / 2), math.sqrt(0.5)])


def test_last_close_steps_back_over_missing_days() -> None:
    vix = pd.Series(
        [20.0, float("nan"), 22.0], index=pd.to_datetime(["2024-07-01", "2024-07-02", "2024-07-03"])
    )
    assert regime.last_close(vix, "2024-07-04") == ("2024-07-03", 22.0)
    assert regime.last_close(vix, "2024-07-02") == ("2024-07-01", 20.0)  # NaN is no close
    assert regime.last_close(vix, "2024-06-28") is None


def test_forward_returns_by_zone() -> None:
    vix = _series([10, 40, 10, 40, 10, 40])
    index = _series([100, 110, 99, 108.9, 98.01, 107.811])  # +10% after calm, -10% after panic
    out = regime.forward_by_zone(vix, index, horizons=(1,))
    assert out["complacency"]["fwd_1d_mean"] == pytest.approx(0.10)
    assert out["panic"]["fwd_1d_mean"] == pytest.approx(-0.10)


def test_term_structure_flags() -> None:
    """Spot 15 under 18 is contango, 25 over 22 backwardation; 20 against 20.1 (a ratio within
    1% of 1) is flat: neither, as the term command's state says."""
    spot = _series([15, 25, 20])
    three = _series([18, 22, 20.1])
    ts = regime.term_structure(spot, three)
    assert ts["contango"].tolist() == [True, False, False]
    assert ts["backwardation"].tolist() == [False, True, False]
    assert ts["basis_spot_minus_3m"].tolist() == pytest.approx([-3.0, 3.0, -0.1])


def _real_vix() -> pd.DataFrame:
    return pd.read_csv(SHARED_DATA / "vix_daily.csv", index_col=0, parse_dates=True)


@needs_data
def test_real_vix_history_zone_shares_and_spikes() -> None:
    vix = _real_vix()
    close = vix["Close"]
    stats = regime.zone_stats(close)
    independent = pd.cut(
        close, [-np.inf, 15, 20, 25, 30, np.inf], right=False, labels=list(ZONE_NAMES)
    )
    shares = independent.value_counts(normalize=True)
    for zone in ZONE_NAMES:
        assert stats[zone]["share"] == pytest.approx(shares[zone], abs=1e-12)
    jumps = (close / close.shift(1) - 1).nlargest(5)
    top = regime.spikes(vix.rename(columns=str.lower), 5)
    assert [s["date"] for s in top] == [f"{d:%Y-%m-%d}" for d in jumps.index]
    assert top[0]["date"] == "2018-02-05"
    kinds = {a["kind"] for a in regime.alerts(close)}
    assert kinds == {"trend_weakening", "risk_cut_jump"}
    march_2020 = [a for a in regime.alerts(close) if a["date"][:7] in ("2020-02", "2020-03")]
    assert any(a["kind"] == "risk_cut_jump" for a in march_2020)


def episode_alerts(close: pd.Series, hold: int) -> list[tuple[str, float]]:
    """The trend alert rule applied independently: per stretch of closes above 21, the first
    close >= 25 that has at least ``hold`` closes of the stretch before it."""
    above = close > 21
    episode = (~above).cumsum()[above]
    out = []
    for _key, closes in close[above].groupby(episode):
        before = pd.Series(range(len(closes)), index=closes.index)
        hits = closes[(before >= hold) & (closes >= 25)]
        if len(hits):
            out.append((f"{hits.index[0]:%Y-%m-%d}", float(hits.iloc[0])))
    return out


@needs_data
def test_real_vix_trend_alerts_fire_on_the_way_up() -> None:
    """Sep 2008 and Feb-Mar 2020: the VIX held above 21 for 5 closes, then closed above 25."""
    close = _real_vix()["Close"]
    fired = [(a["date"], a["vix"]) for a in regime.alerts(close) if a["kind"] == "trend_weakening"]
    assert fired == episode_alerts(close, 5)
    # Lehman: above 21 from 2008-09-02 (21.99), five closes, then 25.47 on 2008-09-09
    assert ("2008-09-09", 25.47) in fired
    assert close["2008-09-02":"2008-09-08"].gt(21).all() and close["2008-08-29"] <= 21
    # Covid: above 21 from 2020-02-24 (25.03), five closes, then 33.42 on 2020-03-02
    assert ("2020-03-02", 33.42) in fired
    assert close["2020-02-24":"2020-02-28"].gt(21).all() and close["2020-02-21"] <= 21
    assert all(v >= 25 for _d, v in fired)  # never on the way back down below 25
    three = [a["date"] for a in regime.alerts(close, hold_days=3) if a["kind"] == "trend_weakening"]
    assert three == [d for d, _v in episode_alerts(close, 3)] and "2020-02-27" in three


@needs_data
def test_real_intraday_spikes_skip_bad_high_prints() -> None:
    vix = _real_vix()
    prior = vix["Close"].shift(1)
    bad = vix.index[vix["High"] > 2 * np.maximum(prior, vix["Close"])]
    assert "2005-07-25" in bad  # High 36.56 on a 10.52 -> 11.10 day
    intraday = regime.intraday_spikes(vix.rename(columns=str.lower), 5)
    assert intraday["flagged"] == len(bad) == 4
    assert [r["date"] for r in intraday["flagged_rows"]] == [f"{d:%Y-%m-%d}" for d in bad]
    expected = (vix["High"] / prior - 1).drop(bad).nlargest(5)
    assert [s["date"] for s in intraday["spikes"]] == [f"{d:%Y-%m-%d}" for d in expected.index]
    first = intraday["spikes"][0]
    assert first["date"] == "2024-08-05" and (first["prior_close"], first["high"]) == (23.39, 65.73)
    assert "2005-07-25" not in [s["date"] for s in intraday["spikes"]]


@needs_data
def test_real_rule16_history_compares_sigma_with_sigma() -> None:
    vix = _real_vix()["Close"]
    spx = pd.read_csv(
        SHARED_DATA / "sp500_index_close_1990_2022.csv", index_col=0, parse_dates=True
    )
    spx = spx["Close"]
    move = (spx / spx.shift(1) - 1).shift(-1) * 100  # next-day move on the index's calendar
    both = pd.DataFrame({"implied": vix / 16, "move": move}).dropna()
    out = regime.rule16_history(vix, spx)["all"]
    assert out["days"] == len(both)
    assert out["implied_sigma_pct"] == pytest.approx(both["implied"].mean())
    assert out["realised_sigma_abs_pct"] == pytest.approx(both["move"].abs().mean() / 0.7978845608)
    assert out["implied_rms_pct"] == pytest.approx(np.sqrt((both["implied"] ** 2).mean()))
    assert out["realised_rms_pct"] == pytest.approx(np.sqrt((both["move"] ** 2).mean()))
    assert out["share_above_1sigma"] == pytest.approx((both["move"].abs() > both["implied"]).mean())
    # the VIX overstates the next day's sigma (variance premium) either way of measuring
    assert out["realised_sigma_abs_pct"] < out["implied_sigma_pct"]
    assert out["realised_rms_pct"] < out["implied_rms_pct"]
