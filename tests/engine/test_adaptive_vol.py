"""Adaptive vol targeting: the estimate by hand on a small frame, the deleveraging simulator on a
VX path, the vol-control fund on the real S&P 500 recomputed with plain pandas (NAV sold on
2024-08-05 from the exposure formula, the next 20 days, the whole-period Sharpe and drawdown),
and the backtest's adaptive sizing on the real 2018-2024 futures panel."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from engine.adaptive_vol import index_comparison, panel_comparison_job
from engine.backtest import backtest_job
from engine.data.importers import parse_file
from engine.deleverage import deleverage_path
from engine.jobs import run_job
from engine.presets import resolve
from engine.spike_anatomy import AnatomyInputs, anatomy_job
from engine.term_structure import long_file_expiries, vx_settles
from engine.volatility import adaptive_daily_vol
from tests.conftest import SHARED_DATA, needs_data

TERM = SHARED_DATA / "vix_term_structure"
LONG = TERM / "vx_futures_settle_2007_2026.csv"
PANEL = SHARED_DATA / "recent" / "futures_panel_adjusted_daily_2018_2024.csv"


def _close(path, column: str = "CLOSE") -> pd.Series:
    frame = pd.read_csv(path)
    fmt = "%m/%d/%Y" if "/" in str(frame.iloc[0, 0]) else "%Y-%m-%d"
    return pd.Series(
        frame[column].to_numpy(float), index=pd.to_datetime(frame.iloc[:, 0], format=fmt)
    ).sort_index()


def test_adaptive_estimate_by_hand() -> None:
    days = pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05",
                           "2024-01-08", "2024-01-09"])  # fmt: skip
    implied = pd.Series([0.01, 0.02, 0.03, 0.04, 0.05, 0.06], index=days)
    realised = pd.Series([0.011, 0.012, 0.013, 0.014, 0.015, 0.016], index=days)
    # readings on VIX dates only: none on 01-05 (the 01-04 reading holds), a NaN settle on 01-08
    technical = [False, True, True, True, False]
    front = [30.0, 25.0, 40.0, np.nan, 20.0]
    anatomy = pd.DataFrame(
        {"technical": technical, "front_settle": front}, index=days[[0, 1, 2, 4, 5]]
    )
    vx = adaptive_daily_vol(implied, anatomy, "vx", realised, 256)
    assert vx.tolist() == pytest.approx([0.01, 25 / 100 / 16, 40 / 100 / 16, 40 / 100 / 16,
                                         0.05, 0.06])  # fmt: skip
    ewma = adaptive_daily_vol(implied, anatomy, "ewma", realised, 256)
    assert ewma.tolist() == pytest.approx([0.01, 0.012, 0.013, 0.014, 0.015, 0.06])
    with pytest.raises(ValueError, match="adaptive source"):
        adaptive_daily_vol(implied, anatomy, "vix", realised, 256)


def test_deleverage_along_a_vx_path() -> None:
    spot = deleverage_path([23.39, 38.57])
    vx = deleverage_path([23.39, 32.0986], path="vx")
    assert spot["steps"][1]["vix"] == 38.57  # the current API, unchanged
    assert vx["steps"][1]["vx"] == 32.0986
    assert vx["steps"][1]["nav_sold"] == pytest.approx(0.10 / 0.2339 - 0.10 / 0.320986)
    assert spot["steps"][1]["nav_sold"] == pytest.approx(0.10 / 0.2339 - 0.10 / 0.3857)
    assert deleverage_path([20.0], path="adaptive")["steps"][0]["adaptive"] == 20.0
    with pytest.raises(ValueError, match="unknown vol path"):
        deleverage_path([20.0], path="vvix")


@pytest.fixture(scope="module")
def real():
    if not SHARED_DATA.is_dir():
        pytest.skip("shared data absent")
    parsed = parse_file(LONG, fmt="long")
    vx = vx_settles({s.symbol: s.frame["close"] for s in parsed.series}, long_file_expiries(LONG))
    vix = _close(SHARED_DATA / "vix_daily.csv", "Close")
    spx = _close(SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv", "close")
    inputs = AnatomyInputs(
        vix, spx, vx, _close(TERM / "vix9d_daily.csv"), _close(TERM / "vix3m_daily.csv"),
        _close(TERM / "vvix_daily.csv", "VVIX"),
    )  # fmt: skip
    return inputs, run_job(anatomy_job(inputs))


def _plain_fund(vol: pd.Series, spx: pd.Series) -> pd.DataFrame:
    exposure = np.minimum(2.0, 0.10 / (vol / 100.0))
    return pd.DataFrame(
        {"exposure": exposure, "return": exposure.shift(1) * spx.reindex(vol.index).pct_change()}
    )


def _plain_ewma_points(spx: pd.Series) -> pd.Series:
    """The S&P 500's EWMA vol (span 35, floored at half its mean so far) in VIX points."""
    raw = np.sqrt(spx.pct_change().ewm(span=35, adjust=False).var(bias=True))
    raw = raw.where(raw > 0)
    return np.maximum(raw, 0.5 * raw.expanding().mean()) * math.sqrt(252) * 100


@needs_data
@pytest.mark.parametrize("source", ["vx", "ewma"])
def test_index_fund_by_hand(real, source: str) -> None:
    inputs, anatomy = real
    out = index_comparison(
        anatomy, inputs.index, resolve("tsmom-blend", {"adaptive_source": source})
    )
    daily = anatomy.daily
    assert daily.at[pd.Timestamp("2024-08-02"), "label"] != "technical"
    assert daily.at[pd.Timestamp("2024-08-05"), "label"] == "technical"
    row = next(r for r in out["episodes"] if r["date"] == "2024-08-05")
    # the exposure formula: 10% / VIX on 2 August (23.39), then 10% / the day's vol
    assert row["nav_sold_vix"] == pytest.approx(0.10 / 0.2339 - 0.10 / 0.3857)  # 16.8% of NAV
    ewma = _plain_ewma_points(inputs.index)
    lean = 32.0986 if source == "vx" else ewma["2024-08-05"]
    assert row["vol_adaptive"] == pytest.approx(lean)
    assert row["nav_sold_adaptive"] == pytest.approx(0.10 / 0.2339 - 0.10 / (lean / 100))
    # the whole period and the 20 days after, with plain pandas
    summary = out["summary"]
    dates = inputs.index.loc[summary["first"] : summary["last"]].index
    vix = inputs.vix.reindex(dates, method="ffill")
    rows = daily.reindex(dates, method="ffill")
    leaned = rows["front_settle"] if source == "vx" else ewma.reindex(dates)
    adaptive = vix.where(~(rows["technical"].eq(True) & (leaned > 0)), leaned)
    assert summary["lean_days"] == int((adaptive != vix).sum()) > 50
    for target, vol in (("vix", vix), ("adaptive", adaptive)):
        fund = _plain_fund(vol, inputs.index)
        after = fund["return"].loc["2024-08-06":].iloc[:20]
        assert row[f"next_20_{target}"] == pytest.approx((1 + after).prod() - 1)
        returns = fund["return"].dropna()
        sharpe = returns.mean() / returns.std() * math.sqrt(252)
        equity = (1 + returns).cumprod()
        drawdown = (equity / np.maximum(equity.cummax(), 1.0) - 1).min()
        assert summary[target]["sharpe"] == pytest.approx(sharpe)
        assert summary[target]["max_drawdown"] == pytest.approx(drawdown)
    assert row["saved"] == pytest.approx(row["next_20_adaptive"] - row["next_20_vix"])


def _panel() -> pd.DataFrame:
    parsed = parse_file(PANEL, kind="future")
    return pd.concat({s.symbol: s.frame["close"] for s in parsed.series}, axis=1, sort=True)


@needs_data
def test_adaptive_backtest_on_the_real_panel(real) -> None:
    inputs, anatomy = real
    prices = _panel()
    runs = {
        method: run_job(
            backtest_job(prices, resolve("tsmom-blend", {"vol_method": method}), inputs.vix,
                         anatomy=anatomy.daily)
        )
        for method in ("vix", "adaptive")
    }  # fmt: skip
    index = "SP500_MICRO"
    vol = {m: r.daily_vol[index] / r.unit[index] * math.sqrt(252) * 100 for m, r in runs.items()}
    # 2020-03-16, read as technical: VX 2020-03 (72.625) instead of the spot close 82.69
    day = pd.Timestamp("2020-03-16")
    assert anatomy.daily.at[day, "technical"]
    assert vol["vix"][day] == pytest.approx(82.69)
    assert vol["adaptive"][day] == pytest.approx(72.625)
    technical = anatomy.daily["technical"].reindex(prices.index, method="ffill").eq(True)
    same = ~technical & vol["vix"].notna()
    assert np.array_equal(vol["vix"][same], vol["adaptive"][same])
    others = [c for c in prices.columns if c != index]
    pd.testing.assert_frame_equal(runs["vix"].daily_vol[others], runs["adaptive"].daily_vol[others])
    # no day technical: the adaptive run is the VIX run, bit for bit
    calm = anatomy.daily.assign(technical=False)
    plain = run_job(
        backtest_job(prices, resolve("tsmom-blend", {"vol_method": "adaptive"}), inputs.vix,
                     anatomy=calm)
    )  # fmt: skip
    assert plain.returns.equals(runs["vix"].returns)
    with pytest.raises(ValueError, match="spike anatomy"):
        run_job(
            backtest_job(prices, resolve("tsmom-blend", {"vol_method": "adaptive"}), inputs.vix)
        )
    # the comparison job reports the same two runs from the first score on
    out = run_job(panel_comparison_job(anatomy, prices, inputs.vix, resolve("tsmom-blend")))
    row = next(r for r in out["episodes"] if r["date"] == "2020-02-27")
    for method, result in runs.items():
        traded = (result.positions[index].diff() * result.unit[index])["2020-02-27"]
        assert row[f"nav_sold_{method}"] == pytest.approx(-traded)
    assert out["summary"]["equity_index"] == index
