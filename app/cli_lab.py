"""``ctadesk-cli regimes`` and ``spikes``: the Regime Lab (docs/regime_lab.md)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli_engine import (
    PRICES_HELP,
    add_period_options,
    add_progress_option,
    add_thresholds_option,
    load_prices,
    progress_printer,
    series_from,
)

VIX_HELP = "spot VIX closes: CSV file or store symbol (default: the store's spot VIX)"


def load_vix(spec: str | None) -> tuple[Any, str]:
    """The spot VIX closes and their name, from ``spec`` (CSV file or store symbol) or, when
    None, the store's spot VIX (engine/data/symbols.pick_vix_symbol). A series named like
    another tenor or VVIX (VIX3M, VIX9D, ...) is refused: it is not the 30-day spot VIX."""
    from engine.data.symbols import is_spot_vix, pick_vix_symbol

    if spec is None:
        from app.cli_data import open_store

        spec = pick_vix_symbol([s.as_dict() for s in open_store().list_series()])
        if spec is None:
            raise ValueError(
                "--vix: none given and the store holds no spot VIX series; import one "
                "(data import FILE --kind vix) or name a CSV file"
            )
    vix = series_from(spec, "--vix")
    name = str(vix.name)
    if not is_spot_vix({"symbol": name, "kind": "vix"}):
        raise ValueError(
            f"--vix: {spec} ({name}) is another VIX tenor or the VVIX, not the 30-day spot VIX"
        )
    return vix, name


def cmd_regimes(args: argparse.Namespace) -> dict[str, Any]:
    from engine.jobs import run_job
    from engine.regime_matrix import Bootstrap, regime_matrix_job

    prices = load_prices(args.prices)
    vix, vix_name = load_vix(args.vix)
    boot = Bootstrap(resamples=args.resamples, block=args.block, seed=args.seed)
    matrix = run_job(
        regime_matrix_job(
            prices, vix, args.presets, args.thresholds, args.quintiles, args.start, args.end, boot
        ),
        progress_printer(args.progress),
    )
    firsts = [first for first, _ in matrix.periods.values()]
    lasts = [last for _, last in matrix.periods.values()]
    return {
        **matrix.as_json(args.thresholds),
        "period": {"start": args.start, "end": args.end, "first": min(firsts), "last": max(lasts)},
        "vix_symbol": vix_name,
        "vix_range": [f"{vix.index[0]:%Y-%m-%d}", f"{vix.index[-1]:%Y-%m-%d}"],
    }


def regimes_view(result: dict[str, Any]) -> dict[str, Any]:
    """The matrix for people: one small table per statistic, a row per preset."""
    from engine.labels import fmt

    view: dict[str, Any] = {
        "vix": result["vix_symbol"],
        "first": result["period"]["first"],
        "last": result["period"]["last"],
        "bands": [f"{key}: {label}" for key, label in result["band_labels"].items()],
    }
    for stat in ("sharpe", "t_stat", "ann_return", "ann_vol", "days"):
        view[stat] = [
            {"preset": p, **{b: fmt(stat, result[stat][p][b]) for b in result["bands"]}}
            for p in result["presets"]
        ]
    view["sharpe_95%"] = [
        {"preset": p, **{b: _interval(result["sharpe_ci"][p][b]) for b in result["bands"]}}
        for p in result["presets"]
    ]
    if result["skipped"]:
        view["skipped"] = [f"{p}: {why}" for p, why in result["skipped"].items()]
    return view


def _interval(pair: list[float | None]) -> str:
    from engine.labels import number

    return f"{number(pair[0], '.2f')}..{number(pair[1], '.2f')}"


def cmd_spikes(args: argparse.Namespace) -> dict[str, Any]:
    from engine.jobs import run_job
    from engine.spike_speed import spike_speed_job

    prices = load_prices(args.prices)
    vix, vix_name = load_vix(args.vix)
    if args.index in prices.columns:
        index = prices[args.index].dropna().rename(args.index)
    else:
        index = series_from(args.index, "--index") if args.index else None
    table = run_job(
        spike_speed_job(
            vix,
            prices,
            args.presets,
            index,
            args.lower,
            args.upper,
            args.fast_days,
            args.start,
            args.end,
        ),
        progress_printer(args.progress),
    )
    return {
        **table.as_json(args.lower, args.upper, args.fast_days),
        "vix_symbol": vix_name,
    }


def spikes_view(result: dict[str, Any]) -> dict[str, Any]:
    """The episodes for people (each preset's return over the rise) and the fast/slow means."""
    from engine.labels import pct

    view: dict[str, Any] = {
        "vix": result["vix_symbol"],
        "index": result["index"],
        "rule": f"from < {result['from']:g} to >= {result['to']:g}; "
        f"fast: at most {result['fast_days']} trading days",
    }
    view["episodes"] = [
        {
            "start": e["start"],
            "cross": e["cross_date"],
            "peak_date": e["peak_date"],
            "peak": f"{e['peak']:.2f}",
            "days": e["days_to_cross"],
            "speed": e["speed"],
            "index": pct(e["index_return"], signed=True),
            **{p: pct(w["rise"], signed=True) for p, w in e["returns"].items()},
        }
        for e in result["episodes"]
    ]
    view["summary"] = [
        {
            "speed": speed,
            "preset": p,
            "rise": pct(w["rise"], signed=True),
            "next_20": pct(w["next_20"], signed=True),
            "next_60": pct(w["next_60"], signed=True),
            "episodes": w["counts"]["rise"],
        }
        for speed, group in result["summary"].items()
        for p, w in group["returns"].items()
    ]
    return view


def add_lab_commands(sub: Any, add: Any) -> None:
    from engine.regime import JUMP_FROM, JUMP_TO
    from engine.regime_matrix import ALL_PRESETS, DEFAULT_BOOTSTRAP
    from engine.spike_speed import DEFAULT_FAST_DAYS

    presets_help = f"{ALL_PRESETS} (default) or comma-separated preset names"
    p = add(
        sub,
        "regimes",
        cmd_regimes,
        "Each preset's return, vol, Sharpe, t-statistic and Sharpe interval by VIX band.",
    )
    p.add_argument("--prices", required=True, help=PRICES_HELP)
    p.add_argument("--vix", help=VIX_HELP)
    p.add_argument("--presets", default=ALL_PRESETS, help=presets_help)
    add_period_options(p)
    add_thresholds_option(p, "the bands")
    p.add_argument("--quintiles", action="store_true", help="add bands q1..q5: the VIX quintiles")
    p.add_argument(
        "--resamples",
        type=int,
        default=DEFAULT_BOOTSTRAP.resamples,
        help=f"bootstrap resamples of the Sharpe interval ({DEFAULT_BOOTSTRAP.resamples})",
    )
    p.add_argument(
        "--block",
        type=float,
        default=DEFAULT_BOOTSTRAP.block,
        help=f"mean bootstrap block in trading days ({DEFAULT_BOOTSTRAP.block:g})",
    )
    p.add_argument("--seed", type=int, default=DEFAULT_BOOTSTRAP.seed, help="bootstrap seed (0)")
    add_progress_option(p)
    p.set_defaults(table_view=regimes_view)

    p = add(
        sub,
        "spikes",
        cmd_spikes,
        "VIX spike episodes, fast or slow, with the index's and each preset's returns.",
    )
    p.add_argument("--vix", help=VIX_HELP)
    p.add_argument("--prices", required=True, help=PRICES_HELP)
    p.add_argument("--presets", default=ALL_PRESETS, help=presets_help)
    p.add_argument(
        "--index",
        help="equity index: CSV file, store symbol or a column of the prices "
        "(default: the prices' column named like the S&P 500)",
    )
    p.add_argument(
        "--from",
        dest="lower",
        type=float,
        default=JUMP_FROM,
        help=f"an episode starts from a close below this ({JUMP_FROM:g})",
    )
    p.add_argument(
        "--to",
        dest="upper",
        type=float,
        default=JUMP_TO,
        help=f"... and crosses at the first close at or above this ({JUMP_TO:g})",
    )
    p.add_argument(
        "--fast-days",
        type=int,
        default=DEFAULT_FAST_DAYS,
        help=f"a rise of at most this many trading days is fast ({DEFAULT_FAST_DAYS})",
    )
    add_period_options(p)
    add_progress_option(p)
    p.set_defaults(table_view=spikes_view)
