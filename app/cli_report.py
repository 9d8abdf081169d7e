"""``ctadesk-cli report``: backtest presets on universes (in this process or on Dask) and write
the HTML report (app/report.py)."""

from __future__ import annotations

import argparse
import shlex
import time
from pathlib import Path
from typing import Any

from app.cli_engine import (
    DEMO_PRICES,
    PRICES_HELP,
    add_cluster_options,
    add_equity_index_option,
    add_period_options,
    add_progress_option,
    add_thresholds_option,
    cluster_address,
    load_prices,
    progress_printer,
    run_overrides,
    series_from,
)
from app.report import LabOptions, TermInputs, Universe, VixInput, unique_names

ALL_PRESETS = "all"


def preset_names(values: list[str]) -> list[str]:
    """``--preset`` values (repeatable, comma-separated, or ``all``) as known preset names."""
    from engine.presets import presets

    known = presets()
    names: list[str] = []
    for value in values:
        for name in (n.strip() for n in value.split(",")):
            if name == ALL_PRESETS:
                names.extend(known)
            elif name in known:
                names.append(name)
            elif name:
                raise ValueError(f"unknown preset {name!r} (one of {', '.join(known)}, or all)")
    if not names:
        raise ValueError("--preset: name at least one preset")
    return list(dict.fromkeys(names))


def _universe_name(spec: str) -> str:
    path = Path(spec)
    if path.exists():
        return path.stem
    if spec == DEMO_PRICES:
        return "demo"
    symbols = [s.strip() for s in spec.split(",") if s.strip()]
    return "+".join(symbols) if len(symbols) <= 3 else f"{symbols[0]}+{len(symbols) - 1}"


def _source(spec: str) -> str:
    from engine.data import DEMO_SOURCE

    path = Path(spec)
    if path.exists():
        return f"file {path.name}"
    if spec == DEMO_PRICES:
        return DEMO_SOURCE
    from app.cli_data import open_store

    store = open_store()
    sources = sorted({store.info(s.strip()).source for s in spec.split(",") if s.strip()})
    return "store: " + ", ".join(sources)


def load_universes(args: argparse.Namespace) -> dict[str, Universe]:
    """One universe per ``--prices``, by a unique short name, with its VIX: ``--vix``; else the
    demo VIX for the demo universe; else the store's VIX series; else none (``--no-vix``: none).
    A VIX from a file or the store is read once, and only if a universe needs it."""
    names = unique_names(_universe_name(spec) for spec in args.prices)
    shared: list[VixInput] = []

    def vix_for(spec: str) -> VixInput:
        if args.no_vix:
            return VixInput(None, "left out (--no-vix)")
        if not args.vix and spec == DEMO_PRICES and not Path(spec).exists():
            return _demo_vix()
        if not shared:
            shared.append(_given_or_stored_vix(args.vix))
        return shared[0]

    return {
        name: Universe(name, load_prices(spec), _source(spec), vix_for(spec))
        for name, spec in zip(names, args.prices, strict=True)
    }


def _demo_vix() -> VixInput:
    from engine.data import DEMO_SOURCE
    from engine.data.demo import VIX_SYMBOL, demo_closes

    return VixInput(demo_closes(("vix",))[VIX_SYMBOL], f"{VIX_SYMBOL}, {DEMO_SOURCE}", demo=True)


def _given_or_stored_vix(spec: str | None) -> VixInput:
    """``--vix SPEC`` (file or store symbol), else the store's VIX series, else none."""
    if spec:
        return VixInput(series_from(spec, "--vix"), spec)
    from app.cli_data import open_store
    from engine.data.symbols import pick_vix_symbol

    store = open_store()
    symbol = pick_vix_symbol([s.as_dict() for s in store.list_series()])
    if symbol is None:
        return VixInput(None, "none given (--vix) and none in the store")
    return VixInput(store.read(symbol, ["close"])["close"], f"{symbol} (store)")


CURVE_INDICES = {"VIX3M": "vix3m", "VIX9D": "vix9d", "VVIX": "vvix"}
"""The VIX curve's indices the report reads (by name: its option), from the store when the
option is not given."""


def load_term_inputs(args: argparse.Namespace, universes: dict[str, Universe]) -> TermInputs | None:
    """VIX3M and VX settles for the Regime Lab's term structure and, with VIX9D and VVIX, its
    spike anatomy: ``--vix3m``, ``--vx``, ``--vix9d`` and ``--vvix`` (as ``ctadesk-cli
    anatomy`` takes them), else the store's (the indices by name, the VX_YYYY-MM contracts);
    None when no universe has a real spot VIX (none, or only the demo's). The store is opened
    only when an option is not given as files."""
    from app.cli_term import load_vx
    from engine.term_structure import index_symbol

    if not any(u.vix.series is not None and not u.vix.demo for u in universes.values()):
        return None
    files = [i.strip() for i in (args.vx or "").split(",") if i.strip()]
    given = all(getattr(args, o) for o in CURVE_INDICES.values()) and bool(files)
    rows = [] if given and all(Path(i).is_file() for i in files) else _store_rows()
    closes: dict[str, tuple[Any, str]] = {}
    for name, option in CURVE_INDICES.items():
        spec = getattr(args, option)
        symbol = None if spec else index_symbol(rows, name)
        if spec or symbol:
            label = spec or f"{symbol} (store)"
            closes[name] = series_from(spec or symbol, f"--{option}"), label
        else:
            closes[name] = None, f"none given (--{option}) and none in the store"
    (vix3m, vix3m_label), (vix9d, vix9d_label), (vvix, vvix_label) = closes.values()
    vx = load_vx(args.vx, rows)
    if args.vx is not None:
        vx_label = args.vx
    elif vx is None:
        vx_label = "none given (--vx) and no VX_YYYY-MM contracts in the store"
    else:
        names = list(vx.settles.columns)
        vx_label = f"store: {len(names)} VX contracts ({names[0]} .. {names[-1]})"
    return TermInputs(vix3m, vx, vix3m_label, vx_label, vix9d, vvix, vix9d_label, vvix_label)


def _store_rows() -> list[dict[str, Any]]:
    from app.cli_data import open_store

    return [s.as_dict() for s in open_store().list_series()]


def cmd_report(args: argparse.Namespace) -> dict[str, Any]:
    from app.report import LAB_KEYS, report_job
    from engine.batch import BatchInputs, BatchRun, batch_job
    from engine.jobs import run_job
    from engine.presets import resolve

    start = time.perf_counter()
    names = preset_names(args.preset)
    overrides = run_overrides(args)
    params = {name: resolve(name, overrides) for name in names}
    universes = load_universes(args)
    macro_symbols = {p["macro_symbol"] for p in params.values()} - {""}
    inputs = BatchInputs(
        prices={name: u.prices for name, u in universes.items()},
        vix={n: u.vix.series for n, u in universes.items() if u.vix.series is not None},
        macro={s: series_from(s, "macro_symbol") for s in sorted(macro_symbols)},
        period={"start": args.start, "end": args.end},
        thresholds=args.thresholds,
    )
    runs = [BatchRun(p, u, params[p]) for u in universes for p in names]
    on_progress = progress_printer(args.progress)
    extra: dict[str, Any] = {}
    compute_start = time.perf_counter()
    address = cluster_address(args)
    if address:
        from engine.cluster import cluster_batch_job, cluster_client

        with cluster_client(address) as client:
            extra["workers"] = len(client.scheduler_info()["workers"])
            outcomes = run_job(cluster_batch_job(client, runs, inputs), on_progress)
        extra["cluster"] = address
    else:
        outcomes = run_job(batch_job(runs, inputs), on_progress)
    compute_s = time.perf_counter() - compute_start
    failed = [o for o in outcomes if o.result is None]
    if len(failed) == len(outcomes):
        raise ValueError(f"no run finished; {failed[0].run.name}: {failed[0].error}")
    render_start = time.perf_counter()
    command = shlex.join(["ctadesk-cli", *args.argv])
    lab = LabOptions(
        term=load_term_inputs(args, universes),
        dispersion=args.dispersion,
        overrides=overrides,
        start=args.start,
        end=args.end,
        index=series_from(args.index, "--index") if args.index else None,
        index_label=args.index or "",
    )
    summary = run_job(
        report_job(Path(args.out), outcomes, universes, command, args.thresholds, args.theme, lab),
        on_progress,
    )
    return {
        "out": str(args.out),
        "index": summary["index"],
        "runs": summary["runs"],
        "labs": summary["labs"],
        **{key: summary[key] for key in LAB_KEYS},
        "failed": [{"name": o.run.name, "error": o.error} for o in failed],
        "vix": {n: u.vix.label for n, u in universes.items()},
        "compute_seconds": compute_s,
        "backtest_seconds": sum(o.seconds for o in outcomes),
        "render_seconds": time.perf_counter() - render_start,
        "wall_seconds": time.perf_counter() - start,
        **extra,
    }


def table_view(result: dict[str, Any]) -> dict[str, Any]:
    """The report's outcome for people: one line per run, the Regime Lab pages, the page to
    open first."""
    from app.report import LAB_KEYS
    from engine.labels import fmt

    compact = {k: v for k, v in result.items() if k not in ("runs", "failed", "labs", *LAB_KEYS)}
    compact["runs"] = [
        {
            "run": r["name"],
            "sharpe": fmt("sharpe", r["metrics"]["sharpe"]),
            "cagr": fmt("cagr", r["metrics"]["cagr"]),
            "max_drawdown": fmt("max_drawdown", r["metrics"]["max_drawdown"]),
            "page": str(Path(result["out"]) / r["html"]),
        }
        for r in result["runs"]
        if not r["error"]
    ]
    compact["regime_lab"] = [
        {
            "universe": name,
            "page": str(Path(result["out"]) / lab["html"]),
            "spike_anatomy": str(Path(result["out"]) / lab["anatomy"]["html"])
            if "anatomy" in lab
            else "-",
        }
        for name, lab in result["labs"].items()
    ]
    if result["failed"]:
        compact["failed"] = result["failed"]
    return compact


def add_report_command(sub: Any, add: Any) -> None:
    p = add(
        sub,
        "report",
        cmd_report,
        "Backtest presets on universes and write an HTML report with charts.",
    )
    p.add_argument(
        "--preset",
        action="append",
        required=True,
        help="preset name; repeat or separate by commas for several, or all",
    )
    p.add_argument(
        "--prices", action="append", required=True, help=f"{PRICES_HELP}; repeat for several"
    )
    p.add_argument("--out", type=Path, required=True, help="folder for index.html and the runs")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a parameter")
    p.add_argument(
        "--theme",
        choices=("light", "dark"),
        default="light",
        help="colours of the pages and charts (default light, for printing)",
    )
    add_period_options(p)
    add_equity_index_option(p)
    add_thresholds_option(p, "the regime pages")
    vix = p.add_mutually_exclusive_group()
    vix.add_argument("--vix", help="VIX series (CSV file or store symbol) for the regime pages")
    vix.add_argument("--no-vix", action="store_true", help="no VIX regime statistics")
    p.add_argument(
        "--vix3m",
        metavar="FILE|SYMBOL",
        help="VIX3M closes for the Regime Lab's term structure (default: the store's VIX3M)",
    )
    p.add_argument(
        "--vx",
        metavar="FILES|SYMBOLS",
        help="VX futures for the term structure's basis: comma-separated CSV files (the long "
        "settlement file, CBOE's per-contract files), store symbols or patterns like FUT_VX_* "
        "(default: the store's VX_YYYY-MM series)",
    )
    for name in ("VIX9D", "VVIX"):
        p.add_argument(
            f"--{CURVE_INDICES[name]}",
            metavar="FILE|SYMBOL",
            help=f"{name} closes for the Regime Lab's spike anatomy (default: the store's {name})",
        )
    p.add_argument(
        "--index",
        metavar="FILE|SYMBOL",
        help="the S&P 500 for the spike anatomy (default: each universe's equity index when it "
        "is a price index)",
    )
    p.add_argument(
        "--dispersion",
        action="store_true",
        help="add the dispersion of 20 model variants to the Regime Lab pages (20 backtests "
        "a universe: about 3 s on the 16-instrument futures panel)",
    )
    add_cluster_options(p)
    add_progress_option(p)
    p.set_defaults(table_view=table_view)
