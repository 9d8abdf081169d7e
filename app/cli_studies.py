"""``ctadesk-cli dispersion`` and ``allocation``: studies that run many backtests or mixes."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli_engine import (
    PRICES_HELP,
    add_period_options,
    add_progress_option,
    load_prices,
    progress_printer,
    series_from,
)


def cmd_dispersion(args: argparse.Namespace) -> dict[str, Any]:
    from engine.dispersion import dispersion_job
    from engine.jobs import run_job
    from engine.presets import parse_assignments

    if args.top < 1:
        raise ValueError("--top must be at least 1")
    prices = load_prices(args.prices)
    job = dispersion_job(
        prices, args.preset, parse_assignments(args.set or []), start=args.start, end=args.end
    )
    result = run_job(job, progress_printer(args.progress))
    return {**result.report(args.top), "start": args.start, "end": args.end}


def dispersion_table(result: dict[str, Any]) -> dict[str, Any]:
    """For people: the summary, the top months and the variants (not every month)."""
    claim = result["claim"]
    return {
        "preset": result["preset"],
        "months": f"{result['first_month']} .. {result['last_month']} ({result['months']})",
        "mean": result["mean"],
        "median": result["median"],
        "claimed": claim["value"],
        "difference": claim["difference"],
        "note": claim["note"],
        "top_months": result["top_months"],
        "variants": [
            {k: v[k] for k in ("name", "first", "sharpe", "ann_vol", "mean_monthly")}
            for v in result["variants"]
        ],
    }


def _equity_leg(spec: str | None, prices: Any) -> Any:
    """None (the one named like the S&P 500 among the prices), a column of the prices, or an
    index series of its own (a CSV file or a store symbol not among the prices)."""
    if spec is None or spec in prices.columns:
        return spec
    return series_from(spec, "--equity-index")


def cmd_allocation(args: argparse.Namespace) -> dict[str, Any]:
    from engine.allocation import allocation_job
    from engine.jobs import run_job
    from engine.presets import parse_assignments, resolve

    overrides = parse_assignments(args.set or [])
    if args.bond_yield:
        overrides["bond_leg"] = args.bond_yield
    params = resolve(args.preset, overrides)
    prices = load_prices(args.prices)
    equity = _equity_leg(args.equity_index, prices)
    bond = params["bond_leg"]  # a bond future among the prices, or a yield file or symbol
    bond_yield = series_from(bond, "--bond-yield") if bond not in ("", *prices) else None
    job = allocation_job(prices, params, equity, bond_yield, args.step, args.start, args.end)
    out = run_job(job, progress_printer(args.progress))
    return {"preset": args.preset, "start": args.start, "end": args.end, **out}


def add_study_commands(sub: Any, add: Any) -> None:
    from engine.allocation import DEFAULT_STEP
    from engine.presets import DEFAULT_PRESET, presets

    p = add(
        sub,
        "dispersion",
        cmd_dispersion,
        "Month-by-month return dispersion across TSMOM lookbacks and EWMAC speeds.",
    )
    p.add_argument("--prices", required=True, help=PRICES_HELP)
    p.add_argument(
        "--preset", default=DEFAULT_PRESET, choices=sorted(presets()), help="the shared settings"
    )
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a parameter")
    p.add_argument("--top", type=int, default=10, help="how many peak months to list (10)")
    add_period_options(p)
    add_progress_option(p)
    p.set_defaults(table_view=dispersion_table)

    p = add(
        sub,
        "allocation",
        cmd_allocation,
        "Stocks / bonds / CTA-sleeve grid: Sharpe, drawdown, worst month; the 30%% claim.",
    )
    p.add_argument("--prices", required=True, help=f"the CTA sleeve's universe: {PRICES_HELP}")
    p.add_argument("--preset", default=DEFAULT_PRESET, choices=sorted(presets()))
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a parameter")
    p.add_argument(
        "--equity-index",
        metavar="SYMBOL|FILE",
        help="the stock leg: a symbol among the prices, or an index CSV file or store symbol "
        "(default: the one among the prices named like the S&P 500)",
    )
    p.add_argument(
        "--bond-yield",
        metavar="FILE|SYMBOL",
        help="10-year yield in percent (CSV file or store symbol) turned into bond returns, or a "
        "bond future among the prices (default: the bond_leg parameter, e.g. US10 if present)",
    )
    p.add_argument(
        "--step", type=float, default=DEFAULT_STEP, help=f"CTA share step ({DEFAULT_STEP:g})"
    )
    add_period_options(p)
    add_progress_option(p)
