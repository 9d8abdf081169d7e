"""Regime analytics on hand-made VIX paths with known answers, and on the real VIX history."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine import regime
from engine.vix import ZONE_NAMES, ZoneThresholds
from tests.conftest import SHARED_DATA


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
    vix = _series([20, 22, 22.5, 23, 22.8, 23.5, 24, 26, 20, 22, 23, 24, 24.5])
    fired = [a for a in regime.alerts(vix, trend_days=3) if a["kind"] == "trend_weakening"]
    assert [a["date"] for a in fired] == [f"{vix.index[5]:%Y-%m-%d}", f"{vix.index[12]:%Y-%m-%d}"]


def test_risk_cut_jump_alert_by_hand() -> None:
    vix = _series([18, 19, 25, 31, 33, 29, 31, 15, 30])
    fired = [a for a in regime.alerts(vix, jump_days=5) if a["kind"] == "risk_cut_jump"]
    assert [a["date"] for a in fired] == [f"{vix.index[i]:%Y-%m-%d}" for i in (3, 6, 8)]
    slow = _series([18, 22, 24, 26, 28, 29, 31])  # 20 -> 30 took 6 days: no jump alert in 5
    assert not [a for a in regime.alerts(slow, jump_days=5) if a["kind"] == "risk_cut_jump"]


def test_spikes_and_intraday() -> None:
    frame = pd.DataFrame(
        {"close": [20.0, 30.0, 24.0, 36.0], "high": [21.0, 31.0, 60.0, 40.0]},
        index=pd.bdate_range("2024-08-01", periods=4),
    )
    top = regime.spikes(frame, 2)
    assert [s["change_pct"] for s in top] == pytest.approx([50.0, 50.0])
    intraday = regime.intraday_spikes(frame, 1)[0]
    assert (
        intraday["high_change_pct"] == pytest.approx(100.0) and intraday["prior_close"] == 30.0
    )  # 60 vs 30


def test_rule16_history_by_hand() -> None:
    vix = _series([16.0, 32.0, 16.0, 16.0])  # implied 1%, 2%, 1%, 1%
    index = _series([100.0, 101.5, 100.485, 100.485])  # next-day moves 1.5%, 1%, 0%
    out = regime.rule16_history(vix, index)
    assert out["all"]["days"] == 3
    assert out["all"]["share_above_1sigma"] == pytest.approx(1 / 3)  # only 1.5% > 1%
    assert out["all"]["share_above_2sigma"] == 0.0
    assert out["by_zone"]["normal"]["days"] == 2 and out["by_zone"]["panic"]["days"] == 1


def test_forward_returns_by_zone() -> None:
    vix = _series([10, 40, 10, 40, 10, 40])
    index = _series([100, 110, 99, 108.9, 98.01, 107.811])  # +10% after calm, -10% after panic
    out = regime.forward_by_zone(vix, index, horizons=(1,))
    assert out["complacency"]["fwd_1d_mean"] == pytest.approx(0.10)
    assert out["panic"]["fwd_1d_mean"] == pytest.approx(-0.10)


def test_term_structure_flags() -> None:
    spot = _series([15, 25])
    three = _series([18, 22])
    ts = regime.term_structure(spot, three)
    assert ts["contango"].tolist() == [True, False] and ts["backwardation"].tolist() == [
        False,
        True,
    ]
    assert ts["basis_spot_minus_3m"].tolist() == [-3.0, 3.0]


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared data absent")
def test_real_vix_history_zone_shares_and_spikes() -> None:
    vix = pd.read_csv(SHARED_DATA / "vix_daily.csv", index_col=0, parse_dates=True)
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
    aug5 = next(
        s
        for s in regime.intraday_spikes(vix.rename(columns=str.lower), 3)
        if s["date"] == "2024-08-05"
    )
    assert (aug5["prior_close"], aug5["high"]) == (23.39, 65.73)
    kinds = {a["kind"] for a in regime.alerts(close)}
    assert kinds == {"trend_weakening", "risk_cut_jump"}
    march_2020 = [
        a
        for a in regime.alerts(close)
        if a["date"].startswith("2020-02") or a["date"].startswith("2020-03")
    ]
    assert any(a["kind"] == "risk_cut_jump" for a in march_2020)
