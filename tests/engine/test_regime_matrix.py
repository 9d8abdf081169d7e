"""Regime matrix: the previous-close band rule by hand, the bootstrap's properties, and every
cell of the real futures panel's matrix recomputed with plain pandas."""

from __future__ import annotations

import math
import threading

import numpy as np
import pandas as pd
import pytest

from engine.backtest import backtest_job
from engine.jobs import Cancelled, run_job
from engine.metrics import by_vix_zone, previous_vix, returns_by_band, zone_bands
from engine.presets import presets, resolve
from engine.regime_matrix import (
    Bootstrap,
    cell_stats,
    preset_names,
    regime_matrix_job,
    sharpe_interval,
    stationary_indices,
)
from engine.vix import ZONE_NAMES
from tests.conftest import SHARED_DATA, needs_data

PANEL = SHARED_DATA / "futures_panel_adjusted_daily.csv"
VIX_CSV = SHARED_DATA / "vix_daily.csv"
REAL_PRESETS = ("tsmom-blend", "fast", "risk-offset")
BANDS = [*ZONE_NAMES, "vix_over_40"]


def toy() -> tuple[pd.Series, pd.Series]:
    """Six return days and a VIX on another calendar: the prices skip Thu 2024-01-11 (the VIX
    has it) and keep Mon 2024-01-15 (the VIX does not)."""
    days = pd.to_datetime(
        ["2024-01-08", "2024-01-09", "2024-01-10", "2024-01-12", "2024-01-15", "2024-01-16"]
    )
    returns = pd.Series([0.01, -0.02, 0.03, 0.015, 0.005, -0.01], index=days)
    vix_days = pd.to_datetime(
        ["2024-01-05", "2024-01-08", "2024-01-09", "2024-01-10", "2024-01-11", "2024-01-12",
         "2024-01-16"]
    )  # fmt: skip
    vix = pd.Series([14.0, 16.0, 22.0, 31.0, 45.0, 19.0, 26.0], index=vix_days)
    return returns, vix


def test_band_of_the_previous_close_by_hand() -> None:
    returns, vix = toy()
    # last VIX close strictly before each return day, by hand:
    # 01-08 <- Fri 01-05 14; 01-09 <- 16; 01-10 <- 22; 01-12 <- Thu 01-11 45 (a day the prices
    # lack); 01-15 <- Fri 01-12 19; 01-16 <- still 01-12 19 (no VIX on 01-15)
    assert previous_vix(vix, returns.index).tolist() == [14.0, 16.0, 22.0, 45.0, 19.0, 19.0]
    parts, known = returns_by_band(returns, vix, zone_bands())
    assert known == 6
    assert {k: p.tolist() for k, p in parts.items()} == {
        "complacency": [0.01],
        "normal": [-0.02, 0.005, -0.01],
        "warning": [0.03],
        "fear": [],
        "panic": [0.015],
        "vix_over_40": [0.015],
    }
    normal = cell_stats(parts["normal"], known, 252, Bootstrap(resamples=50))
    mean = (-0.02 + 0.005 - 0.01) / 3
    sd = math.sqrt(((-0.02 - mean) ** 2 + (0.005 - mean) ** 2 + (-0.01 - mean) ** 2) / 2)
    assert normal["days"] == 3 and normal["share"] == pytest.approx(0.5)
    assert normal["ann_return"] == pytest.approx(mean * 252)
    assert normal["ann_vol"] == pytest.approx(sd * math.sqrt(252))
    assert normal["sharpe"] == pytest.approx(mean / sd * math.sqrt(252))
    assert normal["t_stat"] == pytest.approx(mean / (sd / math.sqrt(3)))
    assert normal["hit_rate"] == pytest.approx(1 / 3)
    one = cell_stats(parts["panic"], known, 252, Bootstrap(resamples=50))
    assert one["days"] == 1 and one["ann_return"] == pytest.approx(0.015 * 252)
    undefined = [one["ann_vol"], one["sharpe"], one["t_stat"], *one["sharpe_ci"]]
    assert all(math.isnan(v) for v in undefined)
    # the by-zone table of a backtest is the same split
    zones = by_vix_zone(returns, vix)
    assert [zones[b]["days"] for b in BANDS] == [1, 3, 1, 0, 1, 1]


def test_no_stale_vix_after_the_series_ends() -> None:
    vix = pd.Series([20.0, 35.0], index=pd.to_datetime(["2024-03-01", "2024-03-04"]))
    days = pd.to_datetime(["2024-03-01", "2024-03-05", "2024-03-09", "2024-03-11"])
    # nothing before 03-01; 03-05 and 03-09 (5 days after the last close) get 35; 03-11 none
    level = previous_vix(vix, days)
    assert np.isnan(level.iloc[0]) and np.isnan(level.iloc[3])
    assert level.iloc[1:3].tolist() == [35.0, 35.0]


def test_stationary_indices_continue_blocks_or_restart() -> None:
    rng = np.random.default_rng(1)
    idx = stationary_indices(500, 200, 10.0, rng)
    assert idx.shape == (200, 500) and idx.min() >= 0 and idx.max() < 500
    continued = (idx[:, 1:] - idx[:, :-1]) % 500 == 1
    # a new block starts with probability 1/10 (and may land on the next day by chance)
    assert continued.mean() == pytest.approx(0.9 + 0.1 / 500, abs=0.01)


def test_sharpe_interval_of_rotations_is_the_sharpe_itself() -> None:
    r = np.random.default_rng(3).normal(0.0005, 0.01, 300)
    sharpe = r.mean() / r.std(ddof=1) * math.sqrt(252)
    # one block of unbounded mean length: each resample is the series rotated, same Sharpe
    low, high = sharpe_interval(r, 252, Bootstrap(resamples=50, block=1e12))
    assert low == pytest.approx(sharpe) and high == pytest.approx(sharpe)


def test_sharpe_interval_matches_the_iid_formula() -> None:
    n, mu, sigma = 2500, 0.0004, 0.01
    r = np.random.default_rng(7).normal(mu, sigma, n)
    daily = r.mean() / r.std(ddof=1)
    # Lo (2002): the standard error of a daily Sharpe from iid returns is sqrt((1 + SR^2/2)/n)
    width = 2 * 1.959964 * math.sqrt((1 + daily**2 / 2) / n) * math.sqrt(252)
    low, high = sharpe_interval(r, 252, Bootstrap(resamples=2000, block=1.0, seed=5))
    assert high - low == pytest.approx(width, rel=0.1)
    assert low < daily * math.sqrt(252) < high
    assert sharpe_interval(r, 252, Bootstrap(resamples=200, seed=5)) == sharpe_interval(
        r, 252, Bootstrap(resamples=200, seed=5)
    )
    assert sharpe_interval(r, 252, Bootstrap(resamples=200, seed=5)) != sharpe_interval(
        r, 252, Bootstrap(resamples=200, seed=6)
    )


def test_bootstrap_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="at least 10"):
        Bootstrap(resamples=5)
    with pytest.raises(ValueError, match="at least 1 day"):
        Bootstrap(block=0.5)


def test_preset_names() -> None:
    assert preset_names("all") == sorted(presets()) == preset_names(None)
    assert preset_names("fast, tsmom-blend,fast") == ["fast", "tsmom-blend"]
    with pytest.raises(ValueError, match="unknown preset nope"):
        preset_names("fast,nope")


def small_universe() -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(11)
    days = pd.bdate_range("2015-01-01", periods=400)
    steps = rng.normal(0.0003, 0.01, (400, 3))
    prices = pd.DataFrame(100 * np.exp(np.cumsum(steps, axis=0)), index=days,
                          columns=["SPX", "GOLD", "US10"])  # fmt: skip
    vix = pd.Series(np.clip(18 + np.cumsum(rng.normal(0, 1.0, 400)), 9, 60), index=days)
    return prices, vix


def test_job_reports_each_preset_and_skips_what_cannot_run() -> None:
    prices, vix = small_universe()
    reports = []
    matrix = run_job(
        regime_matrix_job(prices, vix, ["fast", "macro", "risk-offset"]), reports.append
    )
    assert matrix.presets == ["fast", "risk-offset"]
    assert "indicator series" in matrix.skipped["macro"]
    percents = [r.percent for r in reports]
    assert percents == sorted(percents) and percents[-1] == 100.0
    assert [r.text for r in reports if "done (" in r.text] == [
        "Backtests: fast done (1 of 3)",
        "Backtests: macro done (2 of 3)",
        "Backtests: risk-offset done (3 of 3)",
    ]
    with pytest.raises(ValueError, match="no preset could run"):
        run_job(regime_matrix_job(prices, vix, ["macro"]))


def test_job_cancels_between_presets() -> None:
    prices, vix = small_universe()
    cancel = threading.Event()
    seen = []

    def on_progress(report) -> None:
        seen.append(report.text)
        if "done (1 of" in report.text:
            cancel.set()

    with pytest.raises(Cancelled):
        run_job(regime_matrix_job(prices, vix, ["fast", "risk-offset"]), on_progress, cancel)
    assert not any(text.startswith("Backtests: risk-offset") for text in seen)


@pytest.fixture(scope="module")
def real() -> tuple[pd.DataFrame, pd.Series]:
    if not (PANEL.is_file() and VIX_CSV.is_file()):
        pytest.skip("shared data absent")
    raw = pd.read_csv(PANEL, index_col="Date", parse_dates=True)
    vix = pd.read_csv(VIX_CSV, index_col="Date", parse_dates=True)["Close"]
    return raw, vix


def shifted_vix(vix: pd.Series, days: pd.DatetimeIndex) -> pd.Series:
    """The previous close's VIX by shifting: carried onto the union of both calendars, moved
    one row later, read on ``days``."""
    union = vix.index.union(days)
    return vix.reindex(union).ffill().shift(1).reindex(days)


@needs_data
def test_real_panel_matrix_recomputed_with_pandas(real) -> None:
    raw, vix = real
    matrix = run_job(
        regime_matrix_job(raw, vix, list(REAL_PRESETS), quintiles=True,
                          bootstrap=Bootstrap(resamples=200))
    )  # fmt: skip
    assert matrix.presets == list(REAL_PRESETS)
    assert [b.key for b in matrix.bands] == [*BANDS, "q1", "q2", "q3", "q4", "q5"]
    assert matrix.bands[0].label == "Complacency (< 15)" and matrix.bands[5].label == "VIX >= 40"
    days = pd.DatetimeIndex([])
    for name in REAL_PRESETS:
        r = run_job(backtest_job(raw, resolve(name), vix)).returns
        days = days.union(r.index)
        level = shifted_vix(vix, r.index)
        zone = pd.cut(level, [-np.inf, 15, 20, 25, 30, np.inf], right=False, labels=ZONE_NAMES)
        groups = {z: r[zone == z] for z in ZONE_NAMES}
        groups["vix_over_40"] = r[level >= 40]
        known = int(level.notna().sum())
        for band, part in groups.items():
            cell = matrix.cells[name][band]
            n, mean, sd = len(part), part.mean(), part.std(ddof=1)
            assert cell["days"] == n, (name, band)
            assert cell["share"] == pytest.approx(n / known)
            assert cell["ann_return"] == pytest.approx(mean * 252)
            assert cell["ann_vol"] == pytest.approx(sd * math.sqrt(252))
            assert cell["sharpe"] == pytest.approx(mean / sd * math.sqrt(252))
            assert cell["t_stat"] == pytest.approx(mean / (sd / math.sqrt(n)))
            assert cell["hit_rate"] == pytest.approx((part > 0).sum() / (part != 0).sum())
            low, high = cell["sharpe_ci"]
            assert low < cell["sharpe"] < high
        assert known == sum(matrix.cells[name][z]["days"] for z in ZONE_NAMES)
        # quintiles: each about a fifth of the days
        shares = [matrix.cells[name][f"q{i}"]["share"] for i in range(1, 6)]
        assert sum(shares) == pytest.approx(1.0)
        assert all(0.19 < s < 0.21 for s in shares), shares
    # the quintile cuts are those of the previous-close VIX over the presets' days
    cuts = np.quantile(shifted_vix(vix, days).dropna(), [0.2, 0.4, 0.6, 0.8])
    np.testing.assert_allclose([b.lower for b in matrix.bands[7:]], cuts)
    # on this data tsmom-blend's complacency Sharpe is significant (t > 2), while the
    # VIX >= 40 days are too few to tell (its interval spans zero)
    assert matrix.cells["tsmom-blend"]["complacency"]["t_stat"] > 2
    low, high = matrix.cells["tsmom-blend"]["vix_over_40"]["sharpe_ci"]
    assert low < 0 < high
