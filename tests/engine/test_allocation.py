"""Allocation study: the grid, a hand example, and the real S&P 500 + the real daily 10-year
yield + a CTA sleeve on the real 2018-2024 futures panel, every mix recomputed in plain pandas."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from engine.allocation import (
    CLAIMED_SHARPE_GAIN,
    allocation_job,
    allocation_study,
    sleeve_grid,
    study_legs,
)
from engine.backtest import backtest_job
from engine.jobs import run_job
from engine.presets import resolve
from tests.conftest import SHARED_DATA, needs_data

RECENT = SHARED_DATA / "recent"


def test_sleeve_grid() -> None:
    assert sleeve_grid(0.05) == tuple(k / 100 for k in range(0, 51, 5))
    assert sleeve_grid(0.1) == (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
    assert sleeve_grid(0.2) == (0.0, 0.2, 0.4)  # never past 50%
    for bad in (0.0, -0.1, 0.6):
        with pytest.raises(ValueError, match="step"):
            sleeve_grid(bad)


def test_study_by_hand() -> None:
    dates = pd.to_datetime(["2024-01-30", "2024-01-31", "2024-02-01", "2024-02-02"])
    legs = pd.DataFrame(
        {
            "cta": [0.01, 0.02, -0.01, 0.0],
            "equity": [-0.02, 0.01, 0.03, -0.01],
            "bonds": [0.005, 0.0, -0.005, 0.01],
        },
        index=dates,
    )
    out = allocation_study(legs, step=0.25, days=252)
    assert [m["cta_share"] for m in out["mixes"]] == [0.0, 0.25, 0.5]
    half = out["mixes"][2]
    assert (half["stocks"], half["bonds"]) == pytest.approx((0.3, 0.2))
    # 50% CTA: 0.5 cta + 0.3 equity + 0.2 bonds per day
    mix = [0.005 - 0.006 + 0.001, 0.01 + 0.003, -0.005 + 0.009 - 0.001, -0.003 + 0.002]
    assert mix == pytest.approx([0.0, 0.013, 0.003, -0.001])
    january, february = 1.0 * 1.013 - 1, 1.003 * 0.999 - 1
    assert half["worst_month"] == pytest.approx(min(january, february))
    assert half["worst_month_date"] == "2024-02"  # +0.1997% against January's +1.3%
    assert half["sharpe"] == pytest.approx(np.mean(mix) / np.std(mix, ddof=1) * math.sqrt(252))
    base = out["mixes"][0]  # 60/40: -0.01, 0.006, 0.016, -0.002
    assert base["max_drawdown"] == pytest.approx(-0.01)
    claim = out["claim"]
    assert claim["claimed"] == CLAIMED_SHARPE_GAIN == 0.25
    assert claim["sharpe_gain_at_30"] == pytest.approx(claim["sharpe_at_30"] / base["sharpe"] - 1)


@needs_data
def test_real_sp500_yield_and_cta_sleeve_recomputed() -> None:
    from app.cli_engine import load_prices

    panel = load_prices(str(RECENT / "futures_panel_adjusted_daily_2018_2024.csv"))
    raw_spx = pd.read_csv(RECENT / "sp500_index_ohlcv_1927_2026.csv", index_col=0)
    spx = raw_spx["close"].rename("SPX")
    spx.index = pd.to_datetime(spx.index)
    raw_yield = pd.read_csv(RECENT / "us10y_yield_daily_2003_2026.csv", index_col=0)
    dgs10 = raw_yield["DGS10"].rename("DGS10")
    dgs10.index = pd.to_datetime(dgs10.index)
    params = resolve("tsmom-blend")
    out = run_job(allocation_job(panel, params, spx, dgs10))

    # independent legs on the union calendar of the panel and the index, each carried over
    # its own holidays: the sleeve's daily returns (0 where only the index trades), the
    # index's returns and the bond return from the yield (a day's carry minus 8 x its change)
    cta = run_job(backtest_job(panel, params)).returns
    calendar = panel.index.union(spx.index)
    equity = spx.reindex(calendar).ffill().pct_change()
    y = dgs10.reindex(dgs10.index.union(calendar)).ffill().reindex(calendar)
    bonds = y.shift(1) / 100 / 252 - 8.0 * y.diff() / 100
    days = calendar[(calendar >= cta.index[0]) & (calendar <= cta.index[-1])]
    equity, bonds = equity.reindex(days), bonds.reindex(days)
    frame = pd.concat({"cta": cta.reindex(days).fillna(0.0), "eq": equity, "bd": bonds}, axis=1)
    frame = frame.dropna()
    assert (out["first"], out["last"], out["days"]) == (
        f"{frame.index[0]:%Y-%m-%d}",
        f"{frame.index[-1]:%Y-%m-%d}",
        len(frame),
    )
    assert out["last"] == "2024-03-28"  # the panel's last day
    assert len(out["mixes"]) == 11
    sharpe = {}
    for row in out["mixes"]:
        x = row["cta_share"]
        r = (1 - x) * (0.6 * frame["eq"] + 0.4 * frame["bd"]) + x * frame["cta"]
        sharpe[x] = r.mean() / r.std() * math.sqrt(252)
        equity_curve = (1 + r).cumprod()
        drawdown = (equity_curve / equity_curve.cummax().clip(lower=1.0) - 1).min()
        months = (1 + r).groupby([r.index.year, r.index.month]).prod() - 1
        assert row["sharpe"] == pytest.approx(sharpe[x], rel=1e-9)
        assert row["max_drawdown"] == pytest.approx(drawdown, rel=1e-9)
        assert row["worst_month"] == pytest.approx(months.min(), rel=1e-9)
        year, month = months.idxmin()
        assert row["worst_month_date"] == f"{year}-{month:02d}"
        assert (row["stocks"], row["bonds"]) == pytest.approx((0.6 * (1 - x), 0.4 * (1 - x)))
    gain = out["claim"]["sharpe_gain_at_30"]
    assert gain == pytest.approx(sharpe[0.3] / sharpe[0.0] - 1, rel=1e-9)
    assert out["claim"]["claimed"] == 0.25
    assert "DGS10" in out["legs"] and "SPX" in out["legs"]


def test_equity_leg_must_be_a_price_index() -> None:
    dates = pd.bdate_range("2024-01-02", periods=4)
    prices = pd.DataFrame({"ES": [-1.0, 1.0, 2.0, 3.0]}, index=dates)
    cta = pd.Series(0.001, index=dates)
    with pytest.raises(ValueError, match="price index"):
        study_legs(cta, prices, {"ES": "difference"}, "ES", None)
    with pytest.raises(ValueError, match="positive"):
        study_legs(cta, prices, {"ES": "difference"}, prices["ES"].rename("X"), None)


@needs_data
def test_no_equity_index_is_said_plainly() -> None:
    from app.cli_engine import load_prices

    panel = load_prices(str(RECENT / "futures_panel_adjusted_daily_2018_2024.csv"))
    no_index = panel.drop(columns=["SP500_MICRO"])
    with pytest.raises(ValueError, match="allocation study needs an equity index"):
        run_job(allocation_job(no_index, resolve("tsmom-blend")))
