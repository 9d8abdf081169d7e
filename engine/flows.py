"""CTA flow estimates: the model positions of a trend-following universe and the flows
implied over the next day and week under flat, up and down price scenarios.
:func:`estimate_flows` sizes positions with the backtest itself (same vol estimate, weights,
IDM, cap and buffer), in notional for every return mode. :func:`selling_level` scans
tomorrow's price for one instrument with the plain formula position = AUM share x (vol
target / sigma) x blend signal (no IDM or buffer) so that a scan of hundreds of prices stays
fast; docs/methodology.md, "Flows"."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from engine import kernels
from engine.annualisation import TRADING_DAYS
from engine.arrays import kernel_array
from engine.backtest import backtest_job
from engine.calendars import held_closes
from engine.jobs import run_job
from engine.presets import DEFAULT_PRESET, resolve
from engine.prices import check_prices
from engine.volatility import ewma_alpha

SCENARIOS = {"flat": 0.0, "up": 1.0, "down": -1.0}
HORIZONS = {"1d": 1, "1w": 5}
MAX_FALL = -0.99  # a scenario move is capped here: a price cannot fall to zero or below


def _state(p: np.ndarray, lookbacks: tuple[int, ...], alpha: float) -> tuple[float, float]:
    """(blend signal in [-1, 1], daily vol of percent returns) at the end of ``p``."""
    signal = float(np.mean([np.sign(p[-1] - p[-1 - lb]) for lb in lookbacks]))
    variance = kernels.ewm_var_1d(kernel_array(p[1:] / p[:-1] - 1.0), alpha)[-1]
    return signal, math.sqrt(variance)


def _position(aum: float, weight: float, target: float, signal: float, daily_vol: float) -> float:
    if daily_vol <= 0:
        return 0.0
    return aum * weight * target / (daily_vol * math.sqrt(TRADING_DAYS)) * signal


def estimate_flows(
    prices: pd.DataFrame,
    aum: float,
    params: dict | None = None,
    sigmas: float = 2.0,
    vix: pd.Series | None = None,
    macro_series: pd.Series | None = None,
) -> dict[str, object]:
    """Current notional positions and 1-day / 1-week flows per instrument for each scenario,
    sized exactly as the backtest of ``params`` sizes them (default: the tsmom-blend preset).

    A scenario moves every price by ``direction x sigmas x daily vol x sqrt(days)`` over the
    horizon in equal daily steps (multiplicative in percent mode, additive in difference
    mode, a fall capped at MAX_FALL); the backtest runs on the extended history and the flow
    is the notional it trades over those days x ``aum`` (currency; negative = selling)."""
    if not (aum > 0 and math.isfinite(aum)):
        raise ValueError(f"AUM must be a positive number, got {aum}")
    if not (sigmas >= 0 and math.isfinite(sigmas)):
        raise ValueError("sigmas must be a finite number >= 0")
    params = params or resolve(DEFAULT_PRESET)
    frame = check_prices(prices)
    base = run_job(backtest_job(frame, params, vix, macro_series))
    last = frame.index[-1]
    held = held_closes(frame).iloc[-1]
    vol = base.daily_vol.iloc[-1]
    usable = [c for c in frame if np.isfinite(held[c]) and np.isfinite(vol[c]) and vol[c] > 0]
    skipped = {
        str(c): "no price on the last day" if not np.isfinite(held[c]) else "no vol estimate yet"
        for c in frame
        if c not in usable
    }
    if not usable:
        raise ValueError("no instrument has a price and a vol estimate on the last day")
    positions = {c: float(base.notional[c].iloc[-1] * aum) for c in usable}
    scenarios: dict[str, dict[str, dict[str, float]]] = {}
    for name, direction in SCENARIOS.items():
        scenarios[name] = {}
        for label, days in HORIZONS.items():
            dates = pd.bdate_range(last + pd.offsets.BDay(1), periods=days)
            path = {}
            for c in usable:
                total = direction * sigmas * vol[c] * math.sqrt(days)
                steps = np.arange(1, days + 1)
                if base.modes[c] == "percent":
                    step = (1.0 + max(total, MAX_FALL)) ** (1.0 / days)
                    path[c] = held[c] * step**steps
                else:
                    path[c] = held[c] + total * steps / days
            extended = pd.concat([frame, pd.DataFrame(path, index=dates)])
            run = run_job(backtest_job(extended, params, vix, macro_series))
            traded = run.traded_notional.iloc[-days:].sum() * aum
            flows = {c: float(traded[c]) for c in usable}
            flows["total"] = float(sum(flows.values()))
            scenarios[name][label] = flows
    return {
        "aum": aum,
        "preset_params": {k: params[k] for k in ("signal", "vol_target", "vol_span", "idm")},
        "vol_target": params["vol_target"],
        "sigmas": sigmas,
        "lookbacks": list(params["lookbacks"]),
        "date": f"{last:%Y-%m-%d}",
        "positions": positions,
        "gross_exposure": float(sum(abs(v) for v in positions.values())),
        "daily_vol": {c: float(vol[c]) for c in usable},
        "modes": {c: base.modes[c] for c in usable},
        "scenarios": scenarios,
        "skipped": skipped,
    }


def selling_level(
    prices: pd.Series,
    aum_share: float,
    threshold: float,
    vol_target: float | None = None,
    lookbacks: tuple[int, ...] | None = None,
    vol_span: int | None = None,
    max_drop: float = 0.30,
) -> dict[str, object] | None:
    """The highest price tomorrow at which the estimated one-day selling of this instrument
    (its share of AUM ``aum_share``) reaches ``threshold``; None if no drop up to ``max_drop``
    does. Scanned in 0.05% steps (flows change in jumps where a blend component flips).
    Unset vol target, lookbacks and span take the declared defaults."""
    defaults = resolve(DEFAULT_PRESET)
    vol_target = defaults["vol_target"] if vol_target is None else vol_target
    lookbacks = defaults["lookbacks"] if lookbacks is None else lookbacks
    vol_span = defaults["vol_span"] if vol_span is None else vol_span
    p = pd.Series(prices, dtype=float).dropna().to_numpy()
    alpha = ewma_alpha(vol_span)
    signal, vol = _state(p, lookbacks, alpha)
    now = _position(aum_share, 1.0, vol_target, signal, vol)
    for drop in np.arange(0.0005, max_drop + 1e-12, 0.0005):
        price = p[-1] * (1.0 - drop)
        s, v = _state(np.append(p, price), lookbacks, alpha)
        flow = _position(aum_share, 1.0, vol_target, s, v) - now
        if flow <= -threshold:
            return {
                "level": float(price),
                "move_pct": -drop * 100.0,
                "flow": float(flow),
                "last": float(p[-1]),
            }
    return None
