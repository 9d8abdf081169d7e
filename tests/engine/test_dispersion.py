"""Dispersion across model variants: a hand example, the variant list, and the real futures
panel with every month recomputed from the variants' own backtests in plain pandas."""

from __future__ import annotations

import math
import threading

import pandas as pd
import pytest

from app.cli_engine import load_prices
from engine.backtest import backtest_job
from engine.dispersion import (
    CLAIMED_DISPERSION,
    dispersion_job,
    model_variants,
    monthly_dispersion,
    monthly_returns,
)
from engine.jobs import Cancelled, run_job
from engine.presets import resolve
from tests.conftest import SHARED_DATA, needs_data

PANEL = SHARED_DATA / "futures_panel_adjusted_daily.csv"


def _sample_std(values: list[float]) -> float:
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))


def test_three_variants_two_months_by_hand() -> None:
    dates = pd.to_datetime(
        ["2023-01-30", "2023-01-31", "2023-02-01", "2023-02-02", "2023-03-01", "2023-03-02"]
    )
    nan = float("nan")
    daily = pd.DataFrame(
        {
            "A": [0.03, 0.0, 0.01, 0.01, -0.02, 0.0],
            "B": [-0.05, 0.02, -0.01, 0.0, 0.01, 0.02],
            "C": [nan, 0.04, 0.0, 0.0, 0.005, 0.005],  # starts on the 2nd row of January
        },
        index=dates,
    )
    monthly = monthly_returns(daily)
    # January is not whole for C, so the common window is February and March
    assert [str(m) for m in monthly.index] == ["2023-02", "2023-03"]
    feb = [1.01 * 1.01 - 1, 0.99 * 1.0 - 1, 0.0]
    mar = [0.98 * 1.0 - 1, 1.01 * 1.02 - 1, 1.005 * 1.005 - 1]
    assert monthly.loc["2023-02"].tolist() == pytest.approx(feb, abs=1e-15)
    assert monthly.loc["2023-03"].tolist() == pytest.approx(mar, abs=1e-15)
    spread = monthly_dispersion(monthly)
    assert spread.tolist() == pytest.approx([_sample_std(feb), _sample_std(mar)], abs=1e-15)
    # Feb: 2.01%, -1%, 0%: mean 0.3367%, sample std 1.533%
    assert spread.iloc[0] == pytest.approx(0.015330, abs=1e-6)
    # a variant starting on the first row of its month keeps that month
    january = monthly_returns(daily.drop(columns="C"))
    assert str(january.index[0]) == "2023-01"
    assert january.iloc[0]["A"] == pytest.approx(0.03)
    with pytest.raises(ValueError, match="at least two"):
        monthly_dispersion(monthly[["A"]])


def test_variants_are_the_tsmom_months_carver_pairs_and_two_speeds() -> None:
    variants = model_variants()
    tsmom = [v.overrides["lookback"] for v in variants if v.family == "tsmom"]
    assert tsmom == [21 * m for m in range(1, 13)]  # 1..12 months of 21 trading days
    pairs = [v.overrides["ewmac_pairs"] for v in variants if v.family == "ewmac"]
    assert pairs == ["2/8", "4/16", "8/32", "16/64", "32/128", "64/256"]
    speeds = {v.name: v.overrides["ewmac_pairs"] for v in variants if v.family == "speed"}
    assert speeds == {"fast": "2/8,4/16,8/32", "slow": "16/64,32/128,64/256"}
    assert len({v.name for v in variants}) == len(variants) == 20


@needs_data
def test_real_panel_dispersion_recomputed_in_plain_pandas() -> None:
    prices = load_prices(str(PANEL))
    reports = []
    result = run_job(dispersion_job(prices), reports.append)
    assert [r.percent for r in reports] == sorted(r.percent for r in reports)
    assert reports[-1].percent == 100.0
    # each variant's own backtest, compounded to calendar months with a plain groupby
    monthly, firsts = {}, []
    for variant in model_variants():
        params = resolve("tsmom-blend", variant.overrides)
        returns = run_job(backtest_job(prices, params)).returns
        firsts.append(returns.index[0])
        growth = (1 + returns).groupby([returns.index.year, returns.index.month]).prod()
        monthly[variant.name] = growth - 1
    table = pd.DataFrame(monthly)
    # the last variant to start (EWMAC 64/256) starts mid-January 1976: from February on
    assert f"{max(firsts):%Y-%m-%d}" == "1976-01-08"
    table = table.loc[(1976, 2) :]
    expected = table.std(axis=1, ddof=1)
    got = result.dispersion
    assert len(got) == len(expected) == 503  # 1976-02 .. 2017-12
    assert [str(m) for m in got.index[[0, -1]]] == ["1976-02", "2017-12"]
    assert got.to_numpy() == pytest.approx(expected.to_numpy(), rel=1e-10, abs=1e-15)
    report = result.report(top=5)
    assert report["mean"] == pytest.approx(expected.mean(), rel=1e-10)
    assert 0.005 < report["mean"] < 0.05  # a monthly standard deviation of returns
    top = sorted(report["monthly"], key=lambda r: -r["dispersion"])[:5]
    assert report["top_months"] == top
    assert report["claim"]["value"] == CLAIMED_DISPERSION == 0.02
    assert report["claim"]["difference"] == pytest.approx(report["mean"] - 0.02)
    assert "universe" in report["claim"]["note"]
    row = report["monthly"][0]
    month = table.loc[(1976, 2)]
    assert row["best"] == month.idxmax() and row["worst"] == month.idxmin()
    assert row["mean"] == pytest.approx(month.mean(), rel=1e-10)


@needs_data
def test_dispersion_job_cancels_between_variants() -> None:
    prices = load_prices(str(PANEL)).loc["2000":"2005"].dropna(axis=1, thresh=3)
    cancel = threading.Event()
    seen = []

    def stop_after_two(report) -> None:
        seen.append(report.text)
        if len(seen) == 2:
            cancel.set()

    with pytest.raises(Cancelled):
        run_job(dispersion_job(prices), stop_after_two, cancel)
    assert seen == ["Variant 1 of 20: tsmom 1m", "Variant 2 of 20: tsmom 2m"]
