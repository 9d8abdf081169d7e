"""``ctadesk-cli anatomy``: spike anatomy, the technical-vs-fundamental score and its record, and
VIX-implied against adaptive vol targeting (docs/spike_anatomy.md)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli_engine import (
    PRICES_HELP,
    add_progress_option,
    iso_date,
    load_prices,
    progress_printer,
    series_from,
)
from app.cli_term import load_vx

OPTIONAL_INDICES = {"VIX9D": "vix9d", "VIX3M": "vix3m", "VVIX": "vvix"}
"""The readings taken from the store when their option is not given."""
EPISODE_KEYS = ("date", "basis", "basis_pct", "ratio_vix9d_vix", "ratio_vix_vix3m", "vvix",
                "realised_vs_implied", "days_above_30", "score", "label", "outcome")  # fmt: skip
"""The keys every episode carries first (the engine's row adds the rest)."""
ADAPTIVE_KEYS = ("date", "nav_sold_vix", "nav_sold_adaptive", "next_20_vix", "next_20_adaptive")
TABLE_KEYS = ("date", "vix", "basis", "basis_pct", "ratio_vix9d_vix", "ratio_vix_vix3m", "vvix",
              "realised_vs_implied", "days_above_30", "score", "label", "outcome",
              "verdict")  # fmt: skip
"""The episode columns of the table for people."""


def _store_rows() -> list[dict[str, Any]]:
    from app.cli_data import open_store

    return [s.as_dict() for s in open_store().list_series()]


def _specs(args: argparse.Namespace, rows: list[dict[str, Any]]) -> dict[str, str | None]:
    """VIX9D, VIX3M and VVIX: the option as given, else the store's series of that name."""
    from engine.term_structure import index_symbol

    return {
        name: getattr(args, option) or index_symbol(rows, name)
        for name, option in OPTIONAL_INDICES.items()
    }


def _inputs(args: argparse.Namespace) -> tuple[Any, dict[str, Any]]:
    from engine.spike_anatomy import AnatomyInputs

    given = all(getattr(args, o) for o in OPTIONAL_INDICES.values()) and args.vx is not None
    rows = [] if given else _store_rows()
    specs = _specs(args, rows)
    closes = {
        n: series_from(s, f"--{OPTIONAL_INDICES[n]}") if s else None for n, s in specs.items()
    }
    vx = load_vx(args.vx, rows)
    inputs = AnatomyInputs(
        vix=series_from(args.vix, "--vix"),
        index=series_from(args.index, "--index"),
        vx=vx,
        vix9d=closes["VIX9D"],
        vix3m=closes["VIX3M"],
        vvix=closes["VVIX"],
    )
    vx_text = args.vx if args.vx is not None else _store_vx(vx)
    return inputs, {"VIX": args.vix, "VX": vx_text, "INDEX": args.index, **specs}


def _store_vx(vx: Any) -> str | None:
    if vx is None:
        return None
    names = list(vx.settles.columns)
    return f"store: {len(names)} VX contracts ({names[0]} .. {names[-1]})"


def _first(row: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """``row`` with ``keys`` first, in that order, then the rest."""
    return {k: row[k] for k in keys} | {k: v for k, v in row.items() if k not in keys}


def cmd_anatomy(args: argparse.Namespace) -> dict[str, Any]:
    from engine.adaptive_vol import index_comparison, panel_comparison_job
    from engine.jobs import run_job
    from engine.presets import resolve
    from engine.spike_anatomy import anatomy_job

    params = resolve(args.preset, {"adaptive_source": args.source})
    inputs, used = _inputs(args)
    on_progress = progress_printer(args.progress)
    anatomy = run_job(anatomy_job(inputs, args.end), on_progress)
    fund = index_comparison(anatomy, inputs.index, params, args.target, args.max_leverage)
    panel = None
    if args.prices:
        prices = load_prices(args.prices)
        if args.end:
            prices = prices.loc[: args.end]
        panel = run_job(panel_comparison_job(anatomy, prices, inputs.vix, params), on_progress)
    return {"inputs": used, **anatomy_json(anatomy, fund, panel, args.preset, args.end)}


def anatomy_json(
    anatomy: Any, fund: dict[str, Any], panel: dict[str, Any] | None, preset: str, end: str | None
) -> dict[str, Any]:
    """The command's keys (also the report's): ``episodes``, ``adaptive`` (the index fund's
    two vol targets per episode, with the backtests' as ``panel`` when there are any) and
    ``summary``, from an engine.spike_anatomy.Anatomy and the adaptive_vol comparisons."""
    by_date = {p["date"]: p for p in panel["episodes"]} if panel else {}
    adaptive = []
    for row in fund["episodes"]:
        entry = _first(row, ADAPTIVE_KEYS)
        if panel is not None:
            entry["panel"] = by_date.get(row["date"])
        adaptive.append(entry)
    return {
        "preset": preset,
        "end": end,
        "episodes": [_first(e, EPISODE_KEYS) for e in anatomy.episodes],
        "adaptive": adaptive,
        "summary": {
            "hit_rate": anatomy.record["labels"]["hit_rate"],
            "record": anatomy.record["labels"],
            "record_half": anatomy.record["half"],
            "index": fund["summary"],
            "panel": None if panel is None else panel["summary"],
        },
    }


def table_view(result: dict[str, Any]) -> dict[str, Any]:
    """For people: the episodes with score, label, outcome and verdict; the two vol targets per
    episode; the record and the whole-period comparison."""
    summary = result["summary"]
    record = summary["record"]
    index = summary["index"]
    out: dict[str, Any] = {
        "hit_rate": summary["hit_rate"],
        "right": ", ".join(record["right_dates"]) or "-",
        "wrong": ", ".join(record["wrong_dates"]) or "-",
        "episodes": [{k: e[k] for k in TABLE_KEYS} for e in result["episodes"]],
        "adaptive": [
            {k: a[k] for k in (*ADAPTIVE_KEYS, "saved", "vol_vix", "vol_adaptive")}
            for a in result["adaptive"]
        ],
        "index_fund": [
            {"target": t, "first": index["first"], "last": index["last"], **index[t]}
            for t in ("vix", "adaptive")
        ],
    }
    panel = summary["panel"]
    if panel is not None:
        out["panel"] = [
            {"target": t, "first": panel["first"], "last": panel["last"], **panel[t]}
            for t in ("vix", "adaptive")
        ]
    return out


def add_anatomy_commands(sub: Any, add: Any) -> None:
    from engine.deleverage import DEFAULT_MAX_LEVERAGE, DEFAULT_TARGET
    from engine.presets import DEFAULT_PRESET, parameter_specs, presets

    source = parameter_specs()["adaptive_source"]
    p = add(
        sub,
        "anatomy",
        cmd_anatomy,
        "Spike anatomy: each VIX episode's diagnostics, technical-vs-fundamental score and "
        "record; VIX-implied against adaptive vol targeting.",
    )
    p.add_argument("--vix", required=True, help="spot VIX: CSV file or store symbol")
    p.add_argument(
        "--vx",
        help="VX futures: comma-separated CSV files (the long file, CBOE's per-contract files) "
        "and store symbols or patterns like FUT_VX_* (default: the store's VX_YYYY-MM series)",
    )
    p.add_argument("--index", required=True, help="the S&P 500: CSV file or store symbol")
    for name, option in OPTIONAL_INDICES.items():
        p.add_argument(
            f"--{option}", help=f"{name}: CSV file or store symbol (default: the store's {name})"
        )
    p.add_argument("--prices", help=f"a futures panel for the preset's backtests ({PRICES_HELP})")
    p.add_argument(
        "--preset", default=DEFAULT_PRESET, choices=sorted(presets()), help="for --prices"
    )
    p.add_argument(
        "--source",
        default=source.default,
        choices=source.choices,
        help=f"what the adaptive estimate leans on (adaptive_source; default {source.default})",
    )
    p.add_argument(
        "--target",
        type=float,
        default=DEFAULT_TARGET,
        help=f"the index fund's annual vol target ({DEFAULT_TARGET:g})",
    )
    p.add_argument(
        "--max-leverage",
        type=float,
        default=DEFAULT_MAX_LEVERAGE,
        help=f"the index fund's exposure cap ({DEFAULT_MAX_LEVERAGE:g})",
    )
    p.add_argument("--end", type=iso_date, help="last day of data used (YYYY-MM-DD)")
    add_progress_option(p)
    p.set_defaults(table_view=table_view)
