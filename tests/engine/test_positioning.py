"""Trigger levels (checked by recomputing tomorrow's signal either side of P*), flows and the
deleveraging arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from engine.backtest import run_backtest
from engine.deleverage import deleverage_path
from engine.flows import estimate_flows, selling_level
from engine.presets import resolve
from engine.trigger_specs import parse_signals
from engine.triggers import blend_flip, trigger_levels


def _prices(n: int = 400, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = 100 * np.exp(np.cumsum(rng.normal(0.0003, 0.012, (n, 2)), axis=0))
    return pd.DataFrame(data, index=pd.bdate_range("2015-01-01", periods=n), columns=["X", "Y"])


def _tomorrow_signal(p: np.ndarray, kind: str, a: int, b: int, price: float) -> float:
    """The signal computed from scratch with ``price`` appended as tomorrow's close."""
    q = np.append(p, price)
    s = pd.Series(q)
    if kind == "ret":
        return float(np.sign(q[-1] - q[-1 - a]))
    if kind == "sma":
        return float(np.sign(q[-1] - q[-a:].mean()))
    if kind == "smax":
        return float(np.sign(q[-a:].mean() - q[-b:].mean()))
    fast = s.ewm(span=a, adjust=False).mean().iloc[-1]
    slow = s.ewm(span=b, adjust=False).mean().iloc[-1]
    return float(np.sign(fast - slow))


@pytest.mark.parametrize("spec", ["ret:60", "sma:50", "smax:20/100", "emax:16/64"])
def test_flip_price_really_flips_the_signal(spec: str) -> None:
    prices = _prices()
    row = next(r for r in trigger_levels(prices, parse_signals(spec)) if r["symbol"] == "X")
    kind, _, arg = spec.partition(":")
    a, b = (int(x) for x in ([*arg.split("/"), "0"])[:2])
    p = prices["X"].to_numpy()
    eps = 1e-7 * row["price"]
    below = _tomorrow_signal(p, kind, a, b, row["price"] - eps)
    above = _tomorrow_signal(p, kind, a, b, row["price"] + eps)
    assert below == -1.0 and above == 1.0  # every signal rises with tomorrow's price
    assert row["distance_pct"] == pytest.approx((row["price"] / p[-1] - 1) * 100)


def test_closed_forms_by_hand() -> None:
    p = pd.DataFrame(
        {"Z": [10.0, 11.0, 12.0, 13.0, 14.0]}, index=pd.bdate_range("2020-01-01", periods=5)
    )
    rows = {r["signal"]: r for r in trigger_levels(p, parse_signals("ret:3,sma:3,smax:2/4"))}
    assert rows["ret:3"]["price"] == 12.0  # the close 2 days ago
    assert rows["sma:3"]["price"] == 13.5  # mean of the last 2 closes
    # n=2, m=4: S_2 = 14, S_4 = 12 + 13 + 14 = 39 -> (2*39 - 4*14) / 2 = 11
    assert rows["smax:2/4"]["price"] == 11.0
    assert rows["ret:3"]["current"] == 1.0 and rows["ret:3"]["flips_if"] == "below"


def test_blend_flip_on_the_step_function() -> None:
    p = np.array([5.0, 1.0, 2.0, 3.0, 4.0, 10.0])  # anchors for lookbacks 1..4: 10, 4, 3, 2
    out = blend_flip(p, (1, 2, 3, 4))
    assert out["current"] == 1.0 and out["tomorrow_if_unchanged"] == 0.75  # 10 vs anchor 10 is 0
    assert out["price"] == 4.0  # just below 4 the blend is flat (two up, two down)
    assert out["reverse_price"] == 3.0  # below 3 it is short
    assert out["zero_range"] == [3.0, 4.0]


def test_signals_parsing() -> None:
    assert [s.label for s in parse_signals("ret:252,emax:16/64,blend:63/126")] == [
        "ret:252", "emax:16/64", "blend:63/126",
    ]  # fmt: skip
    for bad in ("ret:x", "smax:200/50", "foo:1", "", "sma:1"):
        with pytest.raises(ValueError):
            parse_signals(bad)


def test_deleverage_contract_numbers() -> None:
    out = deleverage_path([20, 30, 40], target=0.10, max_leverage=2.0)
    exposures = [s["exposure"] for s in out["steps"]]
    sold = [s["nav_sold"] for s in out["steps"]]
    assert exposures == pytest.approx([0.5, 1 / 3, 0.25])
    assert sold == pytest.approx([0.0, 1 / 6, 1 / 12])
    assert deleverage_path([5], max_leverage=1.5)["steps"][0]["exposure"] == 1.5  # capped
    report = deleverage_path([25, 30, 35, 40], target=0.10, aum=1e9)  # the report's ~15% of NAV
    assert report["total_nav_sold"] == pytest.approx(0.15)
    assert report["total_amount_sold"] == pytest.approx(1.5e8)
    with pytest.raises(ValueError):
        deleverage_path([20, -1])
    with pytest.raises(ValueError):
        deleverage_path([])


PLAIN = {"idm": 1.0, "buffer": 0.0, "vol_floor": 0.0, "max_leverage": 0.0, "cost_bps": 0.0}


def test_flows_by_hand_and_scenarios() -> None:
    """One instrument, no IDM, buffer, floor or cap: the position is AUM x target / annual
    vol x blend signal (DOMAIN.md section 4), computed here by hand."""
    idx = pd.bdate_range("2019-01-01", periods=300)
    rng = np.random.default_rng(1)
    up = 100 * np.exp(np.cumsum(0.002 + rng.normal(0, 0.01, 300)))
    prices = pd.DataFrame({"UP": up}, index=idx)
    params = resolve("tsmom-blend", {**PLAIN, "lookbacks": "20,60"})
    out = estimate_flows(prices, aum=1e9, params=params)
    r = pd.Series(up).pct_change().dropna()
    vol = math.sqrt(r.ewm(span=35, adjust=False).var(bias=True).iloc[-1])
    signal = np.mean([np.sign(up[-1] - up[-1 - lb]) for lb in (20, 60)])
    assert out["positions"]["UP"] == pytest.approx(
        1e9 * 0.10 / (vol * math.sqrt(252)) * signal, rel=1e-10
    )
    down = out["scenarios"]["down"]["1w"]["UP"]
    upflow = out["scenarios"]["up"]["1w"]["UP"]
    assert down < 0 < out["positions"]["UP"]  # a falling week makes a long trend follower sell
    assert upflow > down
    assert set(out["scenarios"]) == {"flat", "up", "down"} and set(out["scenarios"]["flat"]) == {
        "1d",
        "1w",
    }
    level = selling_level(
        prices["UP"], 1e9, threshold=0.05 * out["positions"]["UP"], lookbacks=(20, 60)
    )
    assert (
        level is not None
        and level["level"] < up[-1]
        and level["flow"] <= -0.05 * out["positions"]["UP"]
    )


def test_flows_are_the_backtests_notional_positions() -> None:
    """Default sizing (IDM, floor, buffer, cap) and a back-adjusted series with negative
    prices: positions are the backtest's notional x AUM, flows its traded notional."""
    prices = _prices()
    prices["NEG"] = np.linspace(-5, 5, len(prices)) + np.sin(np.arange(len(prices)) / 7)
    params = resolve("tsmom-blend", {"lookbacks": "20,50"})
    out = estimate_flows(prices, aum=1e8, params=params)
    run = run_backtest(prices, "tsmom-blend", {"lookbacks": "20,50"})
    assert set(out["positions"]) == {"X", "Y", "NEG"} and out["modes"]["NEG"] == "difference"
    for symbol, value in out["positions"].items():
        expected = run.positions[symbol].iloc[-1] * abs(prices[symbol].iloc[-1]) * 1e8
        if symbol != "NEG":
            expected = run.positions[symbol].iloc[-1] * 1e8
        assert value == pytest.approx(expected, rel=1e-12)
    flat = out["scenarios"]["flat"]["1d"]
    assert flat["total"] == pytest.approx(sum(v for k, v in flat.items() if k != "total"))
    with pytest.raises(ValueError, match="AUM"):
        estimate_flows(prices, aum=-1)


def test_blend_rows_in_trigger_levels() -> None:
    prices = _prices()
    rows = trigger_levels(prices, parse_signals("blend:20/60/120"))
    assert len(rows) == 2
    for row in rows:
        assert {"reverse_price", "zero_range", "tomorrow_if_unchanged"} <= set(row)
        p = prices[row["symbol"]].to_numpy()
        anchors = [p[-lb] for lb in (20, 60, 120)]
        assert row["price"] in anchors  # the blend only jumps at its components' flip prices


def test_flow_scenarios_never_take_a_price_to_zero() -> None:
    """50 sigmas down would be below -100%: the move is capped at -99% and stays finite."""
    days = pd.bdate_range("2010-01-01", periods=400)
    closes = 100 * np.exp(np.cumsum(np.random.default_rng(2).normal(0, 0.03, 400)))
    out = estimate_flows(pd.DataFrame({"X": closes}, index=days), 1e9, sigmas=50.0)
    assert out["scenarios"]["down"]["1w"]["X"] != 0.0
    for horizons in out["scenarios"].values():
        for flows in horizons.values():
            assert all(math.isfinite(v) for v in flows.values()), flows
