"""``ctadesk-cli regime --series/--file``, ``triggers``, ``flows``, ``deleverage``, ``events``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli_engine import DEMO_PRICES, iso_date, load_prices, series_from


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
        "transitions_5d": regime.transition_matrix(closes, 5, th) if len(closes) > 5 else None,
        "alerts": regime.alerts(closes, args.trend_days, args.jump_days),
        "spikes": regime.spikes(frame, args.top),
    }
    if "high" in frame and frame["high"].notna().any():
        intraday = regime.intraday_spikes(frame, args.top)
        out["intraday_spikes"] = intraday["spikes"]
        out["intraday_flagged"] = {k: intraday[k] for k in ("flagged", "rule", "flagged_rows")}
    if args.vix3m or args.vix9d:
        three = load_prices(args.vix3m).iloc[:, 0] if args.vix3m else None
        nine = load_prices(args.vix9d).iloc[:, 0] if args.vix9d else None
        ts = regime.term_structure(closes, three, nine)
        if ts.empty:
            raise ValueError("the VIX and the term-structure series share no dates")
        summary: dict[str, Any] = {"days": len(ts), "last_date": f"{ts.index[-1]:%Y-%m-%d}"}
        for column in ts.columns:
            last = ts[column].iloc[-1]
            summary[f"last_{column}"] = bool(last) if ts[column].dtype == bool else float(last)
        if "contango" in ts:
            summary["share_contango"] = float(ts["contango"].mean())
            summary["share_backwardation"] = float(ts["backwardation"].mean())
        out["term_structure"] = summary
    if args.index:
        index = load_prices(args.index)
        if index.shape[1] != 1:
            raise ValueError(f"--index: expected one series, got {index.shape[1]}")
        level = index.iloc[:, 0]
        out["forward_by_zone"] = regime.forward_by_zone(closes, level, thresholds=th)
        out["rule16_history"] = regime.rule16_history(closes, level, th)
    out["rule16_latest"] = _rule16_latest(closes, level if args.index else None)
    return out


def _rule16_latest(closes: Any, level: Any) -> dict[str, Any]:
    """The rule of 16 on the latest VIX close and the index close on or before its date,
    both dated, with a warning when they are far apart."""
    from engine.regime import last_close
    from engine.vix import pairing_warning, rule_of_16

    vix_date, vix = last_close(closes, closes.index.max())
    paired = None if level is None else last_close(level, vix_date)
    res = rule_of_16(vix, None if paired is None else paired[1])
    if paired is not None:
        warning = pairing_warning(vix_date, paired[0])
    elif level is not None:
        warning = f"the index has no close on or before the VIX close ({vix_date})"
    else:
        warning = None
    return {
        "vix": vix,
        "vix_date": vix_date,
        "level": res.level,
        "level_date": None if paired is None else paired[0],
        "warning": warning,
        "daily_move_pct": res.daily_move_pct,
        "range_1sigma": res.range(1),
        "range_2sigma": res.range(2),
    }


def cmd_deleverage(args: argparse.Namespace) -> dict[str, Any]:
    """With ``--asof DATE --vix V`` the path starts at the VIX close on DATE (the last on or
    before it) and goes on with ``--vix-path`` if given; ``next`` follows the real closes."""
    from engine.asof import asof_date, deleverage_next
    from engine.deleverage import deleverage_path, parse_vix_path

    if args.vix_path is None and not args.asof:
        raise ValueError("--vix-path is required (or --asof DATE with --vix)")
    if bool(args.asof) != bool(args.vix):
        raise ValueError("--asof and --vix go together: the VIX history gives the as-of level")
    try:
        path = parse_vix_path(args.vix_path) if args.vix_path is not None else []
    except ValueError as exc:
        raise ValueError(f"--vix-path: {exc}") from None
    if not args.asof:
        return deleverage_path(path, args.target, args.max_leverage, args.aum)
    vix = series_from(args.vix, "--vix")
    asof = asof_date(vix.index, args.asof)
    level = float(vix.loc[: asof.date].iloc[-1])
    out = deleverage_path([level, *path], args.target, args.max_leverage, args.aum)
    out["asof"] = {**asof.as_dict(), "vix": level}
    out["next"] = deleverage_next(vix, asof.date, args.target, args.max_leverage, args.aum)
    return out


def add_analytics_commands(sub: Any, add: Any) -> None:
    p = add(
        sub, "deleverage", cmd_deleverage, "Vol-control exposure and NAV sold along a VIX path."
    )
    p.add_argument(
        "--vix-path", help="VIX levels, e.g. 20,30,40 (with --asof: the steps after its level)"
    )
    p.add_argument("--target", type=float, default=0.10, help="annual vol target (0.10)")
    p.add_argument("--max-leverage", type=float, default=2.0, help="exposure cap (2)")
    p.add_argument("--aum", type=float, help="assets under management, for amounts sold")
    p.add_argument("--vix", help="VIX history (CSV file or store symbol) for --asof")
    _add_asof_option(p, "start the path at the VIX close on DATE")
    _add_more(sub, add)
    add_event_commands(sub, add)


def _add_asof_option(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument(
        "--asof",
        type=iso_date,
        metavar="DATE",
        help=f"as of DATE: only the data up to its close (the last on or before it); {what}, "
        "and report what the market did next",
    )


def _asof_prices(args: argparse.Namespace) -> tuple[Any, Any, Any, dict[str, Any]]:
    """(prices used, all prices, AsOf or None, the ``asof`` output fields) for --asof."""
    from engine.asof import asof_date, truncate

    prices = load_prices(args.prices)
    if not args.asof:
        return prices, prices, None, {}
    asof = asof_date(prices.index, args.asof)
    cut, later = truncate(prices, asof)
    fields: dict[str, Any] = {"asof": asof.as_dict()}
    if later:
        fields["asof"]["not_yet"] = later  # instruments that start after the date
    return cut, prices, asof, fields


def cmd_triggers(args: argparse.Namespace) -> dict[str, Any]:
    from engine.asof import NEXT_HORIZONS, trigger_outcomes, what_happened_next
    from engine.trigger_specs import parse_signals
    from engine.triggers import trigger_levels

    prices, full, asof, fields = _asof_prices(args)
    rows = trigger_levels(prices, parse_signals(args.signals), args.vol_span)
    rows = rows[: args.top] if args.top else rows
    out = {"signals": args.signals, "triggers": rows, **fields}
    if asof is not None:
        moves = what_happened_next(full, asof.date)  # None: the data ends at the date
        out["next"] = None
        if moves is not None:
            out["next"] = {
                "horizons": list(NEXT_HORIZONS),
                "instruments": moves,
                "triggers": trigger_outcomes(rows, full, asof.date),
            }
    return out


def cmd_flows(args: argparse.Namespace) -> dict[str, Any]:
    from engine.flows import estimate_flows, selling_level
    from engine.presets import parse_assignments, resolve

    prices, full, asof, fields = _asof_prices(args)
    overrides: dict[str, Any] = parse_assignments(args.set or [])
    for key, value in (
        ("vol_target", args.vol_target),
        ("lookbacks", args.lookbacks),
        ("vol_span", args.vol_span),
    ):
        if value is not None:
            overrides[key] = value
    if args.index and args.index in prices.columns:
        overrides.setdefault("equity_index", args.index)
    params = resolve(args.preset, overrides)
    out = estimate_flows(prices, args.aum, params, args.sigmas)
    lookbacks = params["lookbacks"]
    if args.threshold is not None:
        from engine.equity_index import no_index_message, pick_equity_index

        columns = list(out["positions"])
        symbol = pick_equity_index(columns, args.index or "")
        if symbol is None:
            raise ValueError(no_index_message(columns, "--threshold"))
        share = args.aum / len(out["positions"])
        level = selling_level(
            prices[symbol],
            share,
            args.threshold,
            params["vol_target"],
            lookbacks,
            params["vol_span"],
        )
        out["selling_threshold"] = {
            "symbol": symbol,
            "threshold": args.threshold,
            **(level or {"level": None}),
        }
    if asof is not None:
        out.update(fields)
        out["next"] = _flows_next(out, prices, full, asof.date)
    return out


def _flows_next(out: dict[str, Any], prices: Any, full: Any, date: Any) -> dict[str, Any] | None:
    """What followed the as-of close: each instrument's moves, how they compare with the flow
    scenarios, and whether the closes crossed the blend flip and the selling threshold."""
    from engine.asof import (
        NEXT_HORIZONS,
        closes_after,
        first_cross,
        flow_outcomes,
        what_happened_next,
    )

    moves = what_happened_next(full, date)
    if moves is None:
        return None
    result: dict[str, Any] = {
        "horizons": list(NEXT_HORIZONS),
        "instruments": moves,
        "flows": flow_outcomes(out, prices, full, date),
    }
    threshold = out.get("selling_threshold")
    if threshold and threshold["level"] is not None:
        after = closes_after(full[threshold["symbol"]], date)
        result["selling_threshold"] = first_cross(after, threshold["level"], below=True)
    return result


def _add_more(sub: Any, add: Any) -> None:
    from engine.presets import DEFAULT_PRESET, presets
    from engine.trigger_specs import DEFAULT_SIGNALS

    p = add(sub, "triggers", cmd_triggers, "Tomorrow's signal flip prices per instrument.")
    p.add_argument("--prices", required=True, help="CSV file or comma-separated store symbols")
    p.add_argument("--signals", default=DEFAULT_SIGNALS, help=f"default {DEFAULT_SIGNALS}")
    p.add_argument("--vol-span", type=int, help="EWMA span of the daily vol (vol_span)")
    p.add_argument("--top", type=int, default=0, help="only the N nearest triggers")
    _add_asof_option(p, "the flip prices of the next day")

    p = add(sub, "flows", cmd_flows, "Estimated CTA flows for flat, up and down scenarios.")
    p.add_argument("--aum", type=float, required=True, help="CTA universe AUM in currency")
    p.add_argument("--prices", required=True, help="CSV file or comma-separated store symbols")
    p.add_argument(
        "--preset", default=DEFAULT_PRESET, choices=sorted(presets()), help="sizing as backtested"
    )
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a parameter")
    p.add_argument("--vol-target", type=float, help="the preset's vol_target unless given")
    p.add_argument("--sigmas", type=float, default=2.0, help="scenario size in daily sigmas (2)")
    p.add_argument("--lookbacks", help="the preset's TSMOM blend lookbacks unless given")
    p.add_argument("--vol-span", type=int, help="the preset's vol_span unless given")
    p.add_argument(
        "--threshold", type=float, help="report the level where 1-day selling reaches this"
    )
    p.add_argument(
        "--equity-index",
        "--index",
        dest="index",
        metavar="SYMBOL",
        help="instrument for --threshold (default: the one named like the S&P 500)",
    )
    _add_asof_option(p, "positions and flows as the model saw them then")


def cmd_events_list(_args: argparse.Namespace) -> dict[str, Any]:
    from engine.events import events

    return {"events": [e.as_dict() for e in events().values()]}


def _store_rows() -> list[dict]:
    from app.cli_data import open_store

    return [s.as_dict() for s in open_store().list_series()]


def _label(specs: list[str | None], rows: list[dict]) -> str:
    """DEMO (synthetic) when any spec is the demo universe or a demo series of the store."""
    from engine.data import DEMO_SOURCE

    demo = {r["symbol"] for r in rows if r["source"] == DEMO_SOURCE}
    names = {n.strip() for spec in specs if spec for n in spec.split(",")}
    return DEMO_SOURCE if names & (demo | {DEMO_PRICES}) else "real data"


def cmd_events_run(args: argparse.Namespace) -> dict[str, Any]:
    from engine.events import get_event, pick_replay_data
    from engine.jobs import run_job
    from engine.presets import parse_assignments
    from engine.replay import replay_job

    event = get_event(args.name)
    prices_spec, vix_spec, index_spec = (args.prices, args.vix, args.index)
    rows = _store_rows() if not (prices_spec and vix_spec and index_spec) else []
    if not (prices_spec and vix_spec):  # the store's series, real before synthetic
        symbols = prices_spec.split(",") if prices_spec and not Path(prices_spec).exists() else []
        picked = pick_replay_data(event, rows, symbols, "" if index_spec is None else index_spec)
        prices_spec = prices_spec or ",".join(picked.prices)
        vix_spec = vix_spec or picked.vix
        index_spec = index_spec or picked.index
    label = _label([prices_spec, vix_spec, index_spec], rows)
    prices = load_prices(prices_spec)
    vix = load_prices(vix_spec).iloc[:, 0]
    index = load_prices(index_spec).iloc[:, 0] if index_spec else None
    overrides = parse_assignments(args.set or [])
    out = run_job(replay_job(event, prices, vix, index, args.preset, args.aum, overrides, label))
    out["data"] = {"prices": prices_spec, "vix": vix_spec, "index": index_spec, "label": label}
    if index_spec is None:
        out["data"]["index_note"] = (
            "no equity index: none given (--equity-index) and none of the store's index "
            "series covering the event looks like the S&P 500"
        )
    return out


def add_event_commands(sub: Any, add: Any) -> None:
    from engine.presets import DEFAULT_PRESET, presets

    events = sub.add_parser("events", help="Stress-event replays.")
    inner = events.add_subparsers(
        dest="events_command", metavar="EVENTS_COMMAND", parser_class=type(events)
    )
    inner.required = True
    add(inner, "list", cmd_events_list, "The defined stress events.")
    p = add(inner, "run", cmd_events_run, "Replay one event on the loaded data.")
    p.add_argument("name", help="event name (see events list)")
    p.add_argument("--prices", help="CSV file or symbols (default: the store's futures)")
    p.add_argument("--vix", help="VIX CSV file or symbol (default: the store's VIX)")
    p.add_argument(
        "--equity-index",
        "--index",
        dest="index",
        help="equity index CSV file or symbol (default: the store's index series named like "
        "the S&P 500)",
    )
    p.add_argument("--preset", default=DEFAULT_PRESET, choices=sorted(presets()))
    p.add_argument("--aum", type=float, default=1e9, help="AUM for flow amounts (1e9)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a parameter")
