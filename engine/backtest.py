"""The backtest pipeline: prices -> moves and vol -> forecasts -> positions -> P&L -> metrics.

One direction of flow, one module per stage; this module only wires them together."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine import kernels, metrics, signals, sizing
from engine.arrays import kernel_array
from engine.jobs import Job, Progress, run_job
from engine.presets import resolve
from engine.returns import largest_moves, price_moves, return_modes
from engine.volatility import ewma_daily_vol, vix_daily_vol

_INDEX_NAMES = re.compile(r"(^|[^A-Z])(SPX|SP500|SPY|ES|S&P|GSPC)([^A-Z]|$)")


@dataclass
class BacktestResult:
    """Everything a run produced; frames are indexed by date."""

    params: dict
    returns: pd.Series
    gross: pd.Series
    costs: pd.Series
    positions: pd.DataFrame
    forecasts: pd.DataFrame
    modes: dict[str, str]
    idm: float
    equity_index: str
    metrics: dict[str, float]
    largest_moves: dict[str, list[dict]]
    gross_exposure: pd.Series  # sum of |notional| / capital per day
    by_vix_zone: dict[str, dict[str, float]] | None = None
    extras: dict[str, object] = field(default_factory=dict)

    @property
    def equity(self) -> pd.Series:
        return (1.0 + self.returns).cumprod()


def pick_equity_index(columns: list[str], wanted: str = "") -> str:
    """The named column, else one that looks like the S&P 500, else the first."""
    if wanted:
        if wanted not in columns:
            raise ValueError(
                f"equity_index {wanted!r} is not among the prices ({', '.join(columns)})"
            )
        return wanted
    return next((c for c in columns if _INDEX_NAMES.search(c.upper())), columns[0])


def _check_prices(prices: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(prices, pd.DataFrame) or prices.empty:
        raise ValueError("prices must be a non-empty DataFrame (dates x instruments)")
    if not isinstance(prices.index, pd.DatetimeIndex):
        raise ValueError("prices must be indexed by date")
    frame = prices.sort_index().astype(float)
    if frame.index.has_duplicates:
        raise ValueError("prices have duplicate dates")
    if np.isinf(frame.to_numpy()).any():
        raise ValueError("prices contain infinite values")
    empty = [c for c in frame.columns if frame[c].notna().sum() < 3]
    if empty:
        raise ValueError(f"instruments with fewer than 3 prices: {', '.join(map(str, empty))}")
    frame.columns = [str(c) for c in frame.columns]
    return frame


def backtest_job(
    prices: pd.DataFrame,
    params: dict,
    vix: pd.Series | None = None,
    macro_series: pd.Series | None = None,
) -> Job[BacktestResult]:
    """Job: run one backtest with resolved ``params`` (see engine/presets.py)."""
    frame = _check_prices(prices)
    days = int(params["annualisation"])
    yield Progress(5.0, "Returns and volatility")
    modes = return_modes(frame, params["return_mode"])
    moves = price_moves(frame, modes)
    daily_vol = ewma_daily_vol(
        moves, params["vol_span"], params["vol_halflife"], params["vol_floor"]
    )
    price_vol = ewma_daily_vol(
        frame.diff(), params["vol_span"], params["vol_halflife"], params["vol_floor"]
    )
    index_symbol = pick_equity_index(list(frame.columns), params["equity_index"])
    if params["vol_method"] == "vix":
        if vix is None:
            raise ValueError("vol_method=vix needs a VIX series (--vix)")
        implied = vix_daily_vol(vix, frame.index, days)
        if modes[index_symbol] == "difference":
            implied = implied * frame[index_symbol].abs()
        daily_vol[index_symbol] = implied.where(implied > 0)

    yield Progress(30.0, "Forecasts")
    forecast = _forecast(frame, price_vol, params, index_symbol, macro_series)
    available = frame.notna() & daily_vol.notna() & forecast.notna()

    yield Progress(55.0, "Positions")
    weights = sizing.equal_weights(available)
    idm = params["idm"] or sizing.diversification_multiplier(moves, daily_vol)
    percent_cols = [c for c, m in modes.items() if m == "percent"]
    target = sizing.target_positions(
        forecast.where(available),
        daily_vol,
        weights,
        params["vol_target"],
        min(idm, sizing.IDM_CAP),
        days,
        params["max_leverage"],
        percent_cols,
    )
    positions = sizing.buffered(target, params["buffer"])

    yield Progress(75.0, "P&L and costs")
    # notional of one unit of position: 1 in percent mode, |price| in difference mode
    unit = pd.DataFrame(1.0, index=frame.index, columns=frame.columns)
    diff_cols = [c for c in frame.columns if c not in percent_cols]
    unit[diff_cols] = frame[diff_cols].abs().ffill()
    traded = positions.diff().abs() * unit
    gross, costs = kernels.pnl_with_costs(
        kernel_array(positions),
        kernel_array(moves),
        kernel_array(unit * params["cost_bps"] / 1e4),
    )
    gross_s = pd.Series(gross.sum(axis=1), index=frame.index)
    cost_s = pd.Series(costs.sum(axis=1), index=frame.index)
    start = _first_trade(positions, frame)
    returns = (gross_s - cost_s).iloc[start:]

    yield Progress(90.0, "Statistics")
    stats = metrics.performance(returns, traded.sum(axis=1).iloc[start:], cost_s.iloc[start:], days)
    result = BacktestResult(
        params=params,
        returns=returns,
        gross=gross_s.iloc[start:],
        costs=cost_s.iloc[start:],
        positions=positions,
        forecasts=forecast,
        modes=modes,
        idm=float(min(idm, sizing.IDM_CAP)),
        equity_index=index_symbol,
        metrics=stats,
        largest_moves=largest_moves(moves, moves.rolling(60, min_periods=20).std()),
        gross_exposure=(positions.abs() * unit).sum(axis=1).iloc[start:],
    )
    if vix is not None:
        result.by_vix_zone = metrics.by_vix_zone(returns, vix, days=days)
    result.extras = _equity_relative(returns, frame[index_symbol], modes[index_symbol], vix, days)
    yield Progress(100.0, "Backtest done")
    return result


def _forecast(
    frame: pd.DataFrame,
    price_vol: pd.DataFrame,
    p: dict,
    index_symbol: str,
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
        )
    raise ValueError(f"unknown signal {rule!r}")


def _equity_relative(
    returns: pd.Series, index: pd.Series, mode: str, vix: pd.Series | None, days: int
) -> dict[str, object]:
    """Crisis alpha, calm/stressed correlation and the CTA-sleeve mixer against the equity
    index (only when it is a price index, i.e. in percent mode)."""
    if mode != "percent":
        return {}
    out: dict[str, object] = {}
    with contextlib.suppress(ValueError):  # no months in common: leave it out
        out["crisis_alpha"] = metrics.crisis_alpha(returns, index)
    index_returns = index.pct_change().reindex(returns.index)
    out["allocation_mixer"] = metrics.allocation_mixer(returns, index_returns, days=days)
    if vix is not None:
        out["regime_correlation"] = metrics.regime_correlation(returns, index, vix)
    return out


def _first_trade(positions: pd.DataFrame, frame: pd.DataFrame) -> int:
    """Index of the day before the first non-zero position (statistics start there)."""
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
    preset: str = "tsmom-blend",
    overrides: dict | None = None,
    vix: pd.Series | None = None,
    macro_series: pd.Series | None = None,
) -> BacktestResult:
    """Resolve a preset and run it in this thread."""
    return run_job(backtest_job(prices, resolve(preset, overrides), vix, macro_series))
