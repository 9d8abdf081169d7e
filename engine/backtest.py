"""The backtest pipeline: prices -> moves and vol -> forecasts -> positions -> P&L -> metrics.

One direction of flow, one module per stage; this module only wires them together."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine import kernels, metrics, signals, sizing
from engine.arrays import kernel_array
from engine.calendars import held_closes, in_range, notional_unit, tradable
from engine.equity_index import no_index_message, pick_equity_index
from engine.jobs import Job, Progress, run_job
from engine.mixer import mixer_legs
from engine.presets import DEFAULT_PRESET, resolve
from engine.prices import check_prices, price_window
from engine.returns import largest_moves, price_moves, return_modes
from engine.vix import DEFAULT_ZONES, ZoneThresholds
from engine.volatility import adaptive_daily_vol, ewma_alpha, ewma_daily_vol, vix_daily_vol


@dataclass
class BacktestResult:
    """Everything a run produced; frames are indexed by date."""

    params: dict
    returns: pd.Series
    gross: pd.Series
    costs: pd.Series
    positions: pd.DataFrame  # units of capital: notional fraction or price units (difference)
    notional: pd.DataFrame  # notional / capital per instrument, every return mode
    unit: pd.DataFrame  # notional of one unit of position: 1 (percent) or |price| (difference)
    daily_vol: pd.DataFrame  # the sizing vol, in each instrument's move units
    forecasts: pd.DataFrame
    modes: dict[str, str]
    idm: float  # the diversification multiplier in effect on the last day
    idm_series: pd.Series
    equity_index: str  # "" when the universe has none
    metrics: dict[str, float]
    largest_moves: dict[str, list[dict]]
    gross_exposure: pd.Series  # sum of |notional| / capital per day
    by_vix_zone: dict[str, dict[str, float]] | None = None
    extras: dict[str, object] = field(default_factory=dict)

    @property
    def equity(self) -> pd.Series:
        return (1.0 + self.returns).cumprod()

    @property
    def traded_notional(self) -> pd.DataFrame:
        """Signed notional traded each day per unit of capital: the change in position at
        that day's price (a held position whose price moves is not a flow)."""
        return self.positions.diff() * self.unit


def backtest_job(
    prices: pd.DataFrame,
    params: dict,
    vix: pd.Series | None = None,
    macro_series: pd.Series | None = None,
    thresholds: ZoneThresholds | None = None,
    start: str | None = None,
    end: str | None = None,
    bond_yield: pd.Series | None = None,
    anatomy: pd.DataFrame | None = None,
) -> Job[BacktestResult]:
    """Job: run one backtest with resolved ``params`` (see engine/presets.py); metrics cover
    ``start``..``end`` (ISO dates; the history before ``start`` is warm-up only).
    ``bond_yield``: the series ``bond_leg`` names when it is not among the prices (a 10-year
    yield in percent, read by the caller from a file or the store) for the mixer's bond leg.
    ``anatomy``: the daily spike diagnostics (engine/spike_anatomy.py) vol_method=adaptive
    reads."""
    frame, first = price_window(check_prices(prices), start, end)
    days = int(params["annualisation"])
    yield Progress(5.0, "Returns and volatility")
    modes = return_modes(frame, params["return_mode"])
    own_moves = price_moves(frame, modes)
    vol_args = (params["vol_span"], params["vol_halflife"], params["vol_floor"])
    ranged = in_range(frame)
    daily_vol = ewma_daily_vol(own_moves, *vol_args).where(ranged)
    own_diffs = price_moves(frame, dict.fromkeys(frame.columns, "difference"))
    price_vol = ewma_daily_vol(own_diffs, *vol_args).where(ranged)
    unit = notional_unit(frame, modes)
    index_symbol = pick_equity_index(list(frame.columns), params["equity_index"])
    method = params["vol_method"]
    if method in ("vix", "adaptive"):
        if vix is None:
            raise ValueError(f"vol_method={method} needs a VIX series (--vix)")
        if index_symbol is None:
            raise ValueError(no_index_message(list(frame.columns), f"vol_method={method}"))
        implied = vix_daily_vol(vix, frame.index, days)
        if method == "adaptive":
            if anatomy is None:
                raise ValueError(
                    "vol_method=adaptive needs the daily spike anatomy (the VIX with its VX "
                    "futures, VIX9D, VIX3M and VVIX from the store): `backtest` and the "
                    "Strategy dock read it; sweeps, replays and reports use ewma or vix"
                )
            own = daily_vol[index_symbol] / unit[index_symbol]  # a fraction in either mode
            implied = adaptive_daily_vol(implied, anatomy, params["adaptive_source"], own, days)
        if modes[index_symbol] == "difference":
            implied = implied * unit[index_symbol]
        daily_vol[index_symbol] = implied.where((implied > 0) & in_range(frame)[index_symbol])

    yield Progress(30.0, "Forecasts")
    # signals read the held closes: a lookback of L days spans the same dates for every
    # instrument, whichever holidays its exchange keeps (docs/methodology.md, "Calendars")
    held = held_closes(frame)
    forecast = _forecast(held, price_vol, params, index_symbol, macro_series).where(in_range(frame))
    available = in_range(frame) & (daily_vol > 0) & forecast.notna()

    yield Progress(55.0, "Positions")
    weights = sizing.equal_weights(available)
    if params["idm"] > 0:
        idm = pd.Series(min(params["idm"], sizing.IDM_CAP), index=frame.index)
    else:
        normalised = own_moves / daily_vol.shift(1).where(own_moves.notna())
        idm = sizing.diversification_multiplier(normalised, available)
    sleeve = sizing.sleeve_positions(
        forecast.where(available),
        daily_vol,
        params["vol_target"],
        days,
        params["max_leverage"],
        unit,
    )
    target = sleeve.mul(weights).mul(idm.fillna(0.0), axis=0)
    if params["portfolio_vol_target"] > 0:
        alpha = ewma_alpha(params["vol_span"], params["vol_halflife"])
        scale = sizing.portfolio_scale(
            target, own_moves, params["portfolio_vol_target"], alpha, days
        )
        target = target.mul(scale.fillna(0.0), axis=0)
    positions = sizing.buffered(target, params["buffer"], tradable(frame))

    yield Progress(75.0, "P&L and costs")
    notional = positions * unit.fillna(0.0)
    traded = positions.diff().abs() * unit  # notional traded: |change| at the day's price
    gross, costs = kernels.pnl_with_costs(
        kernel_array(positions),
        kernel_array(own_moves),
        kernel_array(unit * params["cost_bps"] / 1e4),
    )
    gross_s = pd.Series(gross.sum(axis=1), index=frame.index)
    cost_s = pd.Series(costs.sum(axis=1), index=frame.index)
    begin = max(_first_trade(positions, frame), first)
    returns = (gross_s - cost_s).iloc[begin:]

    yield Progress(90.0, "Statistics")
    stats = metrics.performance(returns, traded.sum(axis=1).iloc[begin:], cost_s.iloc[begin:], days)
    result = BacktestResult(
        params=params,
        returns=returns,
        gross=gross_s.iloc[begin:],
        costs=cost_s.iloc[begin:],
        positions=positions,
        notional=notional,
        unit=unit,
        daily_vol=daily_vol,
        forecasts=forecast,
        modes=modes,
        idm=float(idm.dropna().iloc[-1]) if idm.notna().any() else 1.0,
        idm_series=idm,
        equity_index=index_symbol or "",
        metrics=stats,
        largest_moves=largest_moves(own_moves, own_moves.rolling(60, min_periods=20).std()),
        gross_exposure=notional.abs().sum(axis=1).iloc[begin:],
    )
    zones = thresholds or DEFAULT_ZONES
    if vix is not None:
        result.by_vix_zone = metrics.by_vix_zone(returns, vix, zones, days=days)
    if index_symbol is None:
        result.extras = {"equity_index_note": no_index_message(list(frame.columns))}
    else:
        bond = bond_yield if bond_yield is not None else params["bond_leg"]
        result.extras = _equity_relative(
            returns, frame, modes, index_symbol, bond, days, vix, zones
        )
    yield Progress(100.0, "Backtest done")
    return result


def _forecast(
    frame: pd.DataFrame,
    price_vol: pd.DataFrame,
    p: dict,
    index_symbol: str | None,
    macro_series: pd.Series | None,
) -> pd.DataFrame:
    rule = p["signal"]
    if rule == "tsmom":
        return signals.tsmom(frame, p["lookback"])
    if rule == "tsmom_blend":
        return signals.tsmom_blend(frame, p["lookbacks"])
    if rule == "ewmac":
        return signals.ewmac(
            frame, price_vol, p["ewmac_pairs"], p["forecast_scalar"], p["forecast_cap"]
        )
    if rule == "breakout":
        return signals.breakout(frame, p["breakout_window"], p["forecast_cap"])
    if rule == "risk_offset":
        if index_symbol is None:
            raise ValueError(no_index_message(list(frame.columns), "the risk-offset rule"))
        return signals.risk_offset(frame, index_symbol, p["beta"], p["overlay_lookback"])
    if rule == "macro":
        if macro_series is None:
            raise ValueError(
                "the systematic macro preset needs an indicator series: import one (e.g. a 10y "
                "yield) and set macro_symbol; it does not fall back to trend alone"
            )
        trend = signals.tsmom_blend(frame, p["lookbacks"])
        return signals.macro(
            frame,
            macro_series,
            trend,
            p["macro_window"],
            p["macro_lag"],
            p["macro_weight"],
            p["macro_sign"],
            p["forecast_cap"],
        )
    raise ValueError(f"unknown signal {rule!r}")


def _equity_relative(
    returns: pd.Series,
    frame: pd.DataFrame,
    modes: dict[str, str],
    index_symbol: str,
    bond_leg: str | pd.Series,
    days: int,
    vix: pd.Series | None,
    thresholds: ZoneThresholds,
) -> dict[str, object]:
    """Crisis alpha, calm/stressed correlation and the CTA-sleeve mixer (60/40 with the
    universe's bond leg, see engine/mixer.py) against the equity index (only when it is a
    price index, i.e. in percent mode)."""
    if modes[index_symbol] != "percent":
        return {}
    index = frame[index_symbol]
    out: dict[str, object] = {}
    with contextlib.suppress(ValueError):  # no months in common: leave it out
        out["crisis_alpha"] = metrics.crisis_alpha(returns, index)
    stocks, bonds, legs = mixer_legs(frame, modes, index_symbol, bond_leg)
    out["allocation_mixer"] = metrics.allocation_mixer(returns, stocks, bonds, days=days)
    out["allocation_mixer_legs"] = legs
    if vix is not None:
        out["regime_correlation"] = metrics.regime_correlation(returns, index, vix, thresholds)
    return out


def _first_trade(positions: pd.DataFrame, frame: pd.DataFrame) -> int:
    """Index of the first day with a non-zero position (statistics start there: its return
    is the cost of opening it)."""
    active = np.flatnonzero((positions.abs().sum(axis=1) > 0).to_numpy())
    if not len(active):
        still = [str(c) for c in frame.columns if frame[c].nunique() <= 1]
        reason = (
            f"prices that never move (zero volatility): {', '.join(still)}"
            if len(still) == frame.shape[1]
            else f"not enough history for its lookbacks ({len(frame)} days)"
        )
        raise ValueError(f"the strategy never takes a position: {reason}")
    return max(int(active[0]), 0)


def benchmark_equity(result: BacktestResult, prices: pd.DataFrame) -> pd.Series | None:
    """The equity index over the run's dates, 1 at its first price; None unless it is a
    price index (percent mode)."""
    if result.modes.get(result.equity_index) != "percent":
        return None
    level = prices[result.equity_index].reindex(result.returns.index).ffill()
    return level / level.dropna().iloc[0]


def run_backtest(
    prices: pd.DataFrame,
    preset: str = DEFAULT_PRESET,
    overrides: dict | None = None,
    vix: pd.Series | None = None,
    macro_series: pd.Series | None = None,
) -> BacktestResult:
    """Resolve a preset and run it in this thread."""
    return run_job(backtest_job(prices, resolve(preset, overrides), vix, macro_series))
