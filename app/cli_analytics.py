"""``ctadesk-cli regime --series/--file``, ``triggers``, ``flows``, ``deleverage``, ``events``."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli_engine import load_prices


def _load_vix_frame(args: argparse.Namespace):
    """The VIX history with whatever OHLC columns it has (file or store symbol)."""
    if args.file:
        from pathlib import Path

        from engine.data.importers import parse_file

        parsed = parse_file(Path(args.file), kind="vix")
        if len(parsed.series) != 1:
            raise ValueError(f"{args.file}: expected one VIX series, found {len(parsed.series)}")
        return parsed.series[0].frame
    from app.cli_data import open_store

    return open_store().read(args.series)


def regime_history(args: argparse.Namespace) -> dict[str, Any]:
    from engine import regime

    frame = _load_vix_frame(args)
    closes = frame["close"]
    th = args.thresholds
    out: dict[str, Any] = {
        "first": f"{closes.index[0]:%Y-%m-%d}",
        "last": f"{closes.index[-1]:%Y-%m-%d}",
        "days": len(closes),
        "thresholds": list(th.bounds),
        "zones": regime.zone_stats(closes, th),
        "transitions": regime.transition_matrix(closes, 1, th),
        "transitions_5d": regime.transition_matrix(closes, 5, th),
        "alerts": regime.alerts(closes, args.trend_days, args.jump_days),
        "spikes": regime.spikes(frame, args.top),
    }
    if frame["high"].notna().any():
        out["intraday_spikes"] = regime.intraday_spikes(frame, args.top)
    if args.index:
        index = load_prices(args.index)
        if index.shape[1] != 1:
            raise ValueError(f"--index: expected one series, got {index.shape[1]}")
        level = index.iloc[:, 0]
        out["forward_by_zone"] = regime.forward_by_zone(closes, level, thresholds=th)
        out["rule16_history"] = regime.rule16_history(closes, level, th)
    return out


def _numbers(text: str, what: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise ValueError(f"{what}: expected comma-separated numbers, got {text!r}") from None


def cmd_deleverage(args: argparse.Namespace) -> dict[str, Any]:
    from engine.deleverage import deleverage_path

    return deleverage_path(
        _numbers(args.vix_path, "--vix-path"), args.target, args.max_leverage, args.aum
    )


def add_analytics_commands(sub: Any, add: Any) -> None:
    p = add(
        sub, "deleverage", cmd_deleverage, "Vol-control exposure and NAV sold along a VIX path."
    )
    p.add_argument("--vix-path", required=True, help="VIX levels, e.g. 20,30,40")
    p.add_argument("--target", type=float, default=0.10, help="annual vol target (0.10)")
    p.add_argument("--max-leverage", type=float, default=2.0, help="exposure cap (2)")
    p.add_argument("--aum", type=float, help="assets under management, for amounts sold")
    _add_more(sub, add)


def cmd_triggers(args: argparse.Namespace) -> dict[str, Any]:
    from engine.triggers import parse_signals, trigger_levels

    rows = trigger_levels(load_prices(args.prices), parse_signals(args.signals), args.vol_span)
    return {"signals": args.signals, "triggers": rows[: args.top] if args.top else rows}


def cmd_flows(args: argparse.Namespace) -> dict[str, Any]:
    from engine.flows import estimate_flows, selling_level

    prices = load_prices(args.prices)
    lookbacks = tuple(int(x) for x in _numbers(args.lookbacks, "--lookbacks"))
    out = estimate_flows(prices, args.aum, args.vol_target, args.sigmas, lookbacks, args.vol_span)
    if args.threshold is not None:
        symbol = args.index or next(iter(out["positions"]))
        if symbol not in out["positions"]:
            raise ValueError(f"--index {symbol!r} is not among the instruments with flows")
        share = args.aum / len(out["positions"])
        level = selling_level(prices[symbol], share, args.threshold, args.vol_target, lookbacks)
        out["selling_threshold"] = {
            "symbol": symbol,
            "threshold": args.threshold,
            **(level or {"level": None}),
        }
    return out


def _add_more(sub: Any, add: Any) -> None:
    from engine.triggers import DEFAULT_SIGNALS

    p = add(sub, "triggers", cmd_triggers, "Tomorrow's signal flip prices per instrument.")
    p.add_argument("--prices", required=True, help="CSV file or comma-separated store symbols")
    p.add_argument("--signals", default=DEFAULT_SIGNALS, help=f"default {DEFAULT_SIGNALS}")
    p.add_argument("--vol-span", type=int, default=35, help="EWMA span of the daily vol (35)")
    p.add_argument("--top", type=int, default=0, help="only the N nearest triggers")

    p = add(sub, "flows", cmd_flows, "Estimated CTA flows for flat, up and down scenarios.")
    p.add_argument("--aum", type=float, required=True, help="CTA universe AUM in currency")
    p.add_argument("--prices", required=True, help="CSV file or comma-separated store symbols")
    p.add_argument("--vol-target", type=float, default=0.10)
    p.add_argument("--sigmas", type=float, default=2.0, help="scenario size in daily sigmas (2)")
    p.add_argument("--lookbacks", default="63,126,189,252", help="TSMOM blend lookbacks")
    p.add_argument("--vol-span", type=int, default=35)
    p.add_argument(
        "--threshold", type=float, help="report the level where 1-day selling reaches this"
    )
    p.add_argument("--index", help="instrument for --threshold (default: the first)")
