"""VIX zones and the rule of 16 against hand-computed values and plain references."""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.jobs import run_job
from engine.labels import zone_label
from engine.vix import (
    DEFAULT_ZONES,
    PAIR_MAX_GAP_DAYS,
    ZONE_NAMES,
    ZoneThresholds,
    daily_move_pct,
    pairing_warning,
    rule_of_16,
    vix_zone,
    zone_census,
    zone_index,
    zone_indices,
)


@pytest.mark.parametrize(("vix", "expected"), [(16, 1.0), (32, 2.0), (48, 3.0), (0, 0.0), (8, 0.5)])
def test_rule_of_16_daily_move(vix: float, expected: float) -> None:
    assert daily_move_pct(vix) == expected


def test_rule_of_16_with_252_days() -> None:
    # sqrt(252) = 15.874507866..., so VIX 32 -> 2.015811...%
    res = rule_of_16(32)
    assert res.daily_move_pct == 2.0
    assert res.daily_move_pct_252 == pytest.approx(2.0158105, abs=1e-6)
    assert daily_move_pct(32, 252) == pytest.approx(32 / 15.874507866387544)


def test_rule_of_16_point_ranges() -> None:
    res = rule_of_16(32, level=5000)
    assert res.points_1sigma == pytest.approx(100.0)
    assert res.points_2sigma == pytest.approx(200.0)
    assert res.range(1) == pytest.approx((4900.0, 5100.0))
    assert res.range(2) == pytest.approx((4800.0, 5200.0))
    assert rule_of_16(20.6, level=6707).points_1sigma == pytest.approx(6707 * 20.6 / 16 / 100)


def test_rule_of_16_without_level_has_no_points() -> None:
    res = rule_of_16(20)
    assert res.points_1sigma is None and res.points_2sigma is None and res.range(1) is None


def test_rule_of_16_custom_days() -> None:
    assert rule_of_16(20, days=400).daily_move_pct == pytest.approx(1.0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"vix": -1},
        {"vix": float("nan")},
        {"vix": float("inf")},
        {"vix": "abc"},
        {"vix": 20, "days": 0},
        {"vix": 20, "days": -5},
        {"vix": 20, "days": 2.5},
        {"vix": 20, "level": 0},
        {"vix": 20, "level": -100},
        {"vix": 20, "level": float("nan")},
    ],
)
def test_rule_of_16_rejects_bad_input(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        rule_of_16(**kwargs)


@pytest.mark.parametrize(
    ("vix", "zone"),
    [
        (0.0, "complacency"),
        (9.14, "complacency"),
        (14.99, "complacency"),
        (15.0, "normal"),
        (19.999, "normal"),
        (20.0, "warning"),
        (20.6, "warning"),
        (24.99, "warning"),
        (25.0, "fear"),
        (29.99, "fear"),
        (30.0, "panic"),
        (82.69, "panic"),
    ],
)
def test_zone_boundaries_belong_to_higher_zone(vix: float, zone: str) -> None:
    assert vix_zone(vix) == zone


def test_custom_thresholds() -> None:
    th = ZoneThresholds((12, 18, 24, 35))
    assert vix_zone(13, th) == "normal"
    assert vix_zone(30, th) == "fear"
    assert vix_zone(35, th) == "panic"
    assert ZoneThresholds.parse("12, 18,24,35") == th
    assert [th.lower_bound(z) for z in ZONE_NAMES[1:]] == [12, 18, 24, 35]
    with pytest.raises(ValueError, match="no lower bound"):
        th.lower_bound("complacency")


def test_zone_labels_show_the_thresholds_in_effect() -> None:
    th = ZoneThresholds((12, 18, 24, 35.5))
    labels = [zone_label(z, th) for z in (*ZONE_NAMES, "vix_over_40")]
    assert labels == ["Complacency (< 12)", "Normal (12-18)", "Warning (18-24)",
                      "Fear (24-35.5)", "Panic (>= 35.5)", "VIX >= 40"]  # fmt: skip


@pytest.mark.parametrize(
    "bounds", [(15, 20, 25), (15, 20, 25, 30, 35), (20, 15, 25, 30), (15, 15, 25, 30), (0, 5, 6, 7)]
)
def test_thresholds_validation(bounds: tuple) -> None:
    with pytest.raises(ValueError):
        ZoneThresholds(bounds)


def test_thresholds_parse_rejects_text() -> None:
    with pytest.raises(ValueError, match="numbers"):
        ZoneThresholds.parse("15,20,x,30")


def test_zones_listing_is_contiguous() -> None:
    zones = DEFAULT_ZONES.zones()
    assert [z.name for z in zones] == list(ZONE_NAMES)
    assert zones[0].lower is None and zones[-1].upper is None
    assert [z.upper for z in zones[:-1]] == [z.lower for z in zones[1:]] == [15, 20, 25, 30]


def _reference_zone(value: float, bounds: tuple[float, ...]) -> int:
    return sum(1 for b in bounds if value >= b)


def test_zone_indices_match_plain_reference() -> None:
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.uniform(0, 90, 5000), [15, 20, 25, 30, 0, np.nan]])
    codes = zone_indices(values)
    expected = [-1 if math.isnan(v) else _reference_zone(v, DEFAULT_ZONES.bounds) for v in values]
    assert codes.tolist() == expected


@settings(deadline=None)  # a loaded CI machine can pause any call past hypothesis' 200 ms
@given(st.floats(min_value=0, max_value=500, allow_nan=False))
def test_zone_index_counts_thresholds_at_or_below(value: float) -> None:
    assert zone_index(value) == _reference_zone(value, DEFAULT_ZONES.bounds)


def test_zone_census_matches_pandas_cut() -> None:
    rng = np.random.default_rng(11)
    values = 18 * np.exp(0.4 * rng.standard_normal(123_457))
    values[::1000] = np.nan
    reports = []
    counts = run_job(zone_census(values, chunk=10_000), reports.append)
    cut = pd.cut(
        pd.Series(values), [0, 15, 20, 25, 30, np.inf], right=False, labels=list(ZONE_NAMES)
    )
    assert counts == cut.value_counts().reindex(list(ZONE_NAMES)).to_dict()
    assert len(reports) == 13
    assert reports[-1].percent == 100.0
    assert all(a.percent < b.percent for a, b in pairwise(reports))


def test_pairing_warning_after_five_calendar_days() -> None:
    assert PAIR_MAX_GAP_DAYS == 5
    assert pairing_warning("2024-07-03", "2024-07-03") is None
    assert pairing_warning("2024-07-05", "2024-07-01") is None  # a long weekend: 4 days
    assert pairing_warning("2024-07-10", "2024-07-05") is None  # 5 days
    assert "6 days" in (pairing_warning("2024-07-11", "2024-07-05") or "")
    # 2022-12-28 -> 2025-12-28: 365 + 366 + 365 days; -> 2026-07-23: 207 more
    warning = pairing_warning("2026-07-23", "2022-12-28")
    assert warning is not None and "1,303 days" in warning
    assert "2022-12-28" in warning and "2026-07-23" in warning
