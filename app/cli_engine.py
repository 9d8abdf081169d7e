"""``ctadesk-cli sweep`` and ``bench``: the engine from the command line."""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from engine.cluster import DEFAULT_CHUNK
from engine.reference import REFERENCE_WORKLOAD

DEMO_PRICES = "demo"  # --prices demo: the embedded demo universe, without the store
PRICES_HELP = "wide CSV file, comma-separated store symbols, or demo (the demo universe)"


def load_prices(spec: str):
    """Close prices from a CSV file (any importable format), comma-separated store symbols, or
    ``demo`` (the embedded demo futures and equity index)."""
    import pandas as pd

    path = Path(spec)
    if spec == DEMO_PRICES and not path.exists():
        from engine.data.demo import demo_closes

        return demo_closes()
    if path.exists():
        from engine.data.importers import parse_file

        parsed = parse_file(path, kind="future")  # prices only; no sign restriction here
        return pd.concat({s.symbol: s.frame["close"] for s in parsed.series}, axis=1, sort=True)
    from app.cli_data import open_store

    symbols = [s.strip() for s in spec.split(",") if s.strip()]
    if not symbols:
        raise ValueError(f"--prices: {spec!r} is neither a file nor a list of symbols")
    return open_store().read_closes(symbols)


def progress_printer(enabled: bool):
    """Progress lines on stderr (stdout stays one JSON object or table)."""
    if not enabled:
        return None
    return lambda report: print(f"{report.percent:5.1f}%  {report.text}", file=sys.stderr)


def cmd_sweep(args: argparse.Namespace) -> dict[str, Any]:
    from engine.grid import parse_range
    from engine.jobs import run_job
    from engine.reference import ReferenceSweep
    from engine.sweep import (
        REFERENCE_PRESET,
        reference_params,
        reference_sweep_job,
    )

    spec = ReferenceSweep(
        lookbacks=parse_range(args.lookbacks),
        spans=parse_range(args.vol_spans),
        target=args.vol_target,
        cap=args.cap,
        cost_bps=args.cost_bps,
    )
    prices = load_prices(args.prices)  # each instrument on its own calendar, none dropped
    on_progress = progress_printer(args.progress)
    extra: dict[str, Any] = {}
    address = cluster_address(args)
    period = {"start": args.start, "end": args.end}
    if address:
        from engine.cluster import cluster_client, cluster_sweep_job

        grid = {"lookback": spec.lookbacks, "vol_span": spec.spans}
        with cluster_client(address) as client:
            out = run_job(
                cluster_sweep_job(
                    client, prices, grid, reference_params(spec), args.chunk, **period
                ),
                on_progress,
            )
        extra = {k: out[k] for k in ("workers", "chunks", "chunk", "wall_seconds")}
        extra["cluster"] = address
    else:
        out = run_job(reference_sweep_job(prices, spec, **period), on_progress)
    window = prices.loc[: args.end] if args.end else prices
    return {
        "n_combos": out["n_combos"],
        "compute_seconds": out["compute_seconds"],
        "compile_seconds": out["compile_seconds"],
        **extra,
        "days": len(window),
        "instruments": list(prices.columns),
        "first": f"{window.index[0]:%Y-%m-%d}",
        "last": f"{window.index[-1]:%Y-%m-%d}",
        "start": args.start,
        "end": args.end,
        "vol_target": spec.target,
        "cap": spec.cap,
        "cost_bps": spec.cost_bps,
        "preset": REFERENCE_PRESET,
        "params": json_params(out["params"]),
        "engine": out["engine"],
        "results": out["results"],
    }


def json_params(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters as ``--set`` accepts them back (lists and pairs as text)."""

    def text(value: Any) -> Any:
        if not isinstance(value, tuple):
            return value
        return ",".join("/".join(map(str, v)) if isinstance(v, tuple) else str(v) for v in value)

    return {key: text(value) for key, value in params.items()}


def cmd_bench(args: argparse.Namespace) -> dict[str, Any]:
    from engine.jobs import run_job
    from engine.sweep import generated_prices, reference_sweep_job

    prices = generated_prices(args.days, args.instruments)
    spec = REFERENCE_WORKLOAD
    runs = []
    compile_s = None
    for _ in range(args.repeat):
        out = run_job(reference_sweep_job(prices, spec))
        compile_s = out["compile_seconds"] if compile_s is None else compile_s
        runs.append(out["compute_seconds"])
    best = min(runs)
    return {
        "workload": f"{args.instruments} instruments x {args.days} days, "
        f"{spec.n_combos} combinations",
        "n_combos": spec.n_combos,
        "instrument_days": args.instruments * args.days * spec.n_combos,
        "compile_or_cache_load_seconds": compile_s,
        "compute_seconds_best": best,
        "compute_seconds_median": float(np.median(runs)),
        "instrument_days_per_second": args.instruments * args.days * spec.n_combos / best,
        "repeat": args.repeat,
        "cpu_count": __import__("os").cpu_count(),
        "python": platform.python_version(),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def add_cluster_options(p: argparse.ArgumentParser) -> None:
    """``--dask local[:N]`` or ``--scheduler tcp://HOST:PORT`` (one of them, or neither)."""
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--dask", metavar="local[:N]", help="run on a local Dask cluster of N worker processes"
    )
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run on a Dask cluster")


def cluster_address(args: argparse.Namespace) -> str | None:
    """The Dask address given with ``--dask`` or ``--scheduler``, None to run in process."""
    return args.dask or args.scheduler


def add_equity_index_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--equity-index",
        metavar="SYMBOL",
        help="the equity index among the prices (default: the one named like the S&P 500, "
        "e.g. SPX, SP500, ES; none otherwise)",
    )


def run_overrides(args: argparse.Namespace) -> dict[str, str]:
    """``--set key=value`` pairs, plus ``--equity-index`` as the equity_index parameter."""
    from engine.presets import parse_assignments

    overrides = parse_assignments(args.set or [])
    if args.equity_index:
        overrides["equity_index"] = args.equity_index
    return overrides


def equity_index_fields(symbol: str | None, columns: list[str]) -> dict[str, str | None]:
    """``equity_index`` (null when the prices have none) and, then, a note saying so."""
    from engine.equity_index import no_index_message

    if symbol:
        return {"equity_index": symbol}
    return {"equity_index": None, "equity_index_note": no_index_message(columns)}


def add_progress_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--progress", action="store_true", help="print progress on stderr")


def add_period_options(p: argparse.ArgumentParser) -> None:
    """``--start/--end``: the metrics window (earlier history is warm-up; later rows unseen)."""
    p.add_argument("--start", type=iso_date, help="first day of the metrics (YYYY-MM-DD)")
    p.add_argument("--end", type=iso_date, help="last day of data used (YYYY-MM-DD)")


def add_thresholds_option(p: argparse.ArgumentParser, what: str) -> None:
    """``--thresholds t1,t2,t3,t4``: the VIX zone thresholds in effect (default 15,20,25,30)."""
    from engine.vix import DEFAULT_ZONES

    p.add_argument(
        "--thresholds",
        type=zone_thresholds,
        default=DEFAULT_ZONES,
        metavar="T1,T2,T3,T4",
        help=f"four ascending VIX zone thresholds for {what} (default 15,20,25,30)",
    )


def zone_thresholds(text: str):
    """Four ascending VIX zone thresholds such as 15,20,25,30 (argparse type)."""
    from engine.vix import ZoneThresholds

    try:
        return ZoneThresholds.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def iso_date(text: str) -> str:
    """A YYYY-MM-DD date (argparse type)."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def add_engine_commands(sub: Any, add: Any) -> None:
    from engine.presets import DEFAULT_PRESET, presets

    p = add(sub, "backtest", cmd_backtest, "Backtest a preset on prices from a file or the store.")
    p.add_argument("--prices", required=True, help=PRICES_HELP)
    p.add_argument("--preset", default=DEFAULT_PRESET, choices=sorted(presets()))
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a parameter")
    p.add_argument("--vix", help="VIX series (CSV file or store symbol) for by-zone metrics")
    add_equity_index_option(p)
    add_period_options(p)
    add_thresholds_option(p, "the by-zone metrics and the calm/stressed correlation")
    p.add_argument("--out", type=Path, help="write Date, return, equity, pos_<symbol> CSV here")

    p = add(sub, "sweep", cmd_sweep, "The reference TSMOM sweep over lookbacks x vol spans.")
    p.add_argument("--prices", required=True, help=PRICES_HELP)
    ref = REFERENCE_WORKLOAD
    lookbacks = f"{ref.lookbacks[0]}:{ref.lookbacks[-1]}:{ref.lookbacks[1] - ref.lookbacks[0]}"
    p.add_argument("--lookbacks", default=lookbacks, help=f"A:B:STEP or a,b,c ({lookbacks})")
    spans = ",".join(map(str, ref.spans))
    p.add_argument("--vol-spans", default=spans, help=f"a,b,c or A:B:STEP ({spans})")
    p.add_argument("--vol-target", type=float, default=ref.target, help=f"({ref.target})")
    p.add_argument("--cap", type=float, default=ref.cap, help=f"sleeve leverage cap ({ref.cap:g})")
    p.add_argument("--cost-bps", type=float, default=ref.cost_bps, help="bps of traded notional")
    add_period_options(p)
    add_cluster_options(p)
    p.add_argument(
        "--chunk", type=int, default=DEFAULT_CHUNK, help="combinations per Dask task (250)"
    )
    add_progress_option(p)

    p = add(sub, "bench", cmd_bench, "Time the reference sweep workload on generated prices.")
    p.add_argument("--days", type=int, default=9000)
    p.add_argument("--instruments", type=int, default=20)
    p.add_argument("--repeat", type=int, default=5)


def series_from(spec: str, what: str):
    """One close series from a CSV file or a store symbol (for --vix and macro_symbol)."""
    prices = load_prices(spec)
    if prices.shape[1] != 1:
        raise ValueError(f"{what}: expected one series, {spec!r} holds {prices.shape[1]}")
    return prices.iloc[:, 0].dropna()


def cmd_backtest(args: argparse.Namespace) -> dict[str, Any]:
    from engine.backtest import backtest_job
    from engine.jobs import run_job
    from engine.presets import resolve

    params = resolve(args.preset, run_overrides(args))
    prices = load_prices(args.prices)
    vix = series_from(args.vix, "--vix") if args.vix else None
    macro = series_from(params["macro_symbol"], "macro_symbol") if params["macro_symbol"] else None
    bond = params["bond_leg"]  # a bond future among the prices, or a yield file or store symbol
    bond_yield = series_from(bond, "bond_leg").rename(bond) if bond not in ("", *prices) else None
    period = {"start": args.start, "end": args.end}
    anatomy = None
    if params["vol_method"] == "adaptive":  # the store's VIX curve: docs/spike_anatomy.md
        from app.cli_data import open_store
        from engine.spike_anatomy import backtest_anatomy_job

        anatomy = run_job(backtest_anatomy_job(params, prices, vix, open_store()))
    result = run_job(
        backtest_job(
            prices,
            params,
            vix,
            macro,
            args.thresholds,
            bond_yield=bond_yield,
            anatomy=anatomy,
            **period,
        )
    )
    if args.out:
        write_result_csv(result, Path(args.out))
    keys = ("sharpe", "sortino", "cagr", "ann_return", "ann_vol", "max_drawdown", "calmar",
            "skew", "hit_rate", "turnover", "cost_drag")  # fmt: skip
    out: dict[str, Any] = {
        "preset": args.preset,
        "params": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()},
        "metrics": {k: result.metrics[k] for k in keys},
        "more_metrics": {k: v for k, v in result.metrics.items() if k not in keys},
        "positions": {s: float(v) for s, v in result.positions.iloc[-1].items()},
        "return_modes": result.modes,
        "idm": result.idm,
        **equity_index_fields(result.equity_index, [str(c) for c in prices.columns]),
        "first": f"{result.returns.index[0]:%Y-%m-%d}",
        "last": f"{result.returns.index[-1]:%Y-%m-%d}",
        "largest_moves": result.largest_moves,
    }
    if result.by_vix_zone is not None:
        out["thresholds"] = list(args.thresholds.bounds)
        out["by_vix_zone"] = result.by_vix_zone
    out.update(result.extras)  # crisis_alpha, allocation_mixer(_legs), regime_correlation
    if args.out:
        out["out"] = str(args.out)
    return out


def write_result_csv(result: Any, target: Path) -> None:
    """Date, return, equity, pos_<symbol>... (see app/csv_out.py)."""
    import pandas as pd

    from app.csv_out import write_dated_csv

    frame = pd.DataFrame({"return": result.returns, "equity": result.equity})
    positions = result.positions.reindex(frame.index).add_prefix("pos_")
    write_dated_csv(pd.concat([frame, positions], axis=1, sort=True), target)
