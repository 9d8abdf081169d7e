"""``ctadesk-cli``: the headless command line (README.md, "Command line").

Every subcommand takes ``--json`` and then prints exactly one JSON object on stdout.
Errors exit with status 2 and one ``error: ...`` line on stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from app import __version__
from app.cli_analytics import add_analytics_commands
from app.cli_anatomy import add_anatomy_commands
from app.cli_data import add_data_commands
from app.cli_engine import add_engine_commands, add_thresholds_option
from app.cli_lab import add_lab_commands
from app.cli_report import add_report_command
from app.cli_studies import add_study_commands
from app.cli_term import add_term_commands
from app.logs import setup_logging
from app.paths import app_paths, configure_numba_cache
from engine.annualisation import RULE_OF_16_DAYS
from engine.cluster import ClusterError
from engine.data.sources import FetchError
from engine.data.store import StoreError
from engine.labels import finite_json
from engine.vix import (
    DEFAULT_HOLD_DAYS,
    TREND_BREAK_LEVEL,
    TREND_HOLD_LEVEL,
    ZONE_NAMES,
    ZoneThresholds,
    rule_of_16,
    zone_index,
)

log = logging.getLogger("ctadesk.cli")

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


class CliError(Exception):
    """A user-facing error: printed as one ``error:`` line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one ``error:`` line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{self.prog}: {message}")


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


# -- subcommands ---------------------------------------------------------------------------
def cmd_rule16(args: argparse.Namespace) -> dict[str, Any]:
    res = rule_of_16(args.vix, args.level, args.days)
    return {
        "vix": res.vix,
        "days": res.days,
        "daily_move_pct": res.daily_move_pct,
        "daily_move_pct_252": res.daily_move_pct_252,
        "level": res.level,
        "points_1sigma": res.points_1sigma,
        "points_2sigma": res.points_2sigma,
        "range_1sigma": res.range(1),
        "range_2sigma": res.range(2),
    }


def cmd_regime(args: argparse.Namespace) -> dict[str, Any]:
    if args.vix is None:
        from app.cli_analytics import regime_history

        return regime_history(args)
    thresholds: ZoneThresholds = args.thresholds
    index = zone_index(args.vix, thresholds)
    zones = thresholds.zones()
    return {
        "vix": float(args.vix),
        "zone": ZONE_NAMES[index],
        "zone_index": index,
        "reading": zones[index].reading,
        "thresholds": list(thresholds.bounds),
        "zone_bounds": [
            {"name": z.name, "lower": z.lower, "upper": z.upper, "reading": z.reading}
            for z in zones
        ],
        "daily_move_pct": rule_of_16(args.vix).daily_move_pct,
    }


def cmd_paths(_args: argparse.Namespace) -> dict[str, Any]:
    return app_paths().as_dict()


# -- output --------------------------------------------------------------------------------
def _format_value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.1f}"
    if isinstance(value, list | tuple) and all(isinstance(v, int | float) for v in value):
        return (
            " .. ".join(_format_value(v) for v in value)
            if len(value) == 2
            else ", ".join(_format_value(v) for v in value)
        )
    return str(value)


def render_table(result: dict[str, Any]) -> str:
    """A readable two-column table; lists of objects become sub-tables, lists of text lines."""
    scalars = {
        k: v
        for k, v in result.items()
        if not _is_records(v) and not _is_lines(v) and not isinstance(v, dict)
    }
    width = max((len(k) for k in scalars), default=0)
    lines = [f"{key:<{width}}  {_format_value(value)}" for key, value in scalars.items()]
    for key, value in result.items():
        if isinstance(value, dict):  # an object: its own indented table, nested ones inline
            lines.append(f"\n{key}:")
            lines.extend(f"  {line}" for line in render_table(value).splitlines() if line)
        elif _is_lines(value):
            lines.append(f"\n{key}:")
            lines.extend(f"  {item}" for item in value)
        elif _is_records(value):
            lines.append(f"\n{key}:")
            columns = list(value[0])
            rows = [[_format_value(r.get(c)) for c in columns] for r in value]
            widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(columns)]
            for row in [columns, *rows]:
                cells = "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True))
                lines.append(f"  {cells}".rstrip())
    return "\n".join(lines)


def _is_lines(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def _is_records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


# -- parser --------------------------------------------------------------------------------
Handler = Callable[[argparse.Namespace], dict[str, Any]]


def add(sub: Any, name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
    """A subcommand with the common ``--json`` flag."""
    p = sub.add_parser(name, help=help_text, description=help_text)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=handler)
    return p


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ctadesk-cli", description="CTA Desk headless command line.")
    parser.add_argument("--version", action="version", version=f"ctadesk-cli {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = add(sub, "rule16", cmd_rule16, "Expected daily move implied by a VIX reading (rule of 16).")
    p.add_argument("--vix", type=_finite, required=True, help="VIX level, e.g. 20.6")
    p.add_argument("--level", type=_finite, help="index level for the point ranges")
    p.add_argument("--days", type=int, default=RULE_OF_16_DAYS, help="days per year (default 256)")

    p = add(sub, "regime", cmd_regime, "VIX zone of a reading, or regime analytics of a history.")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--vix", type=_finite, help="one VIX level")
    source.add_argument("--series", help="a VIX series in the store (symbol)")
    source.add_argument("--file", help="a VIX history CSV file")
    p.add_argument("--index", help="equity index (CSV file or store symbol) for forward returns")
    p.add_argument(
        "--trend-days",
        type=int,
        default=DEFAULT_HOLD_DAYS,
        help=f"closes above {TREND_HOLD_LEVEL:g} before a close at or above "
        f"{TREND_BREAK_LEVEL:g} fires 'trend weakening' (default {DEFAULT_HOLD_DAYS})",
    )
    p.add_argument(
        "--jump-days", type=int, default=5, help="window of the 20 -> 30 'risk-cut jump'"
    )
    p.add_argument(
        "--top",
        type=int,
        default=10,
        help="how many spikes to list, close to close and (bad High prints skipped) intraday",
    )
    p.add_argument("--vix3m", help="VIX3M (CSV file or store symbol) for the term structure")
    p.add_argument("--vix9d", help="VIX9D (CSV file or store symbol) for the term structure")
    add_thresholds_option(p, "the zones")

    add(sub, "paths", cmd_paths, "Where CTA Desk keeps data, logs, cache and settings.")
    add_data_commands(sub, add)
    add_engine_commands(sub, add)
    add_analytics_commands(sub, add)
    add_lab_commands(sub, add)
    add_term_commands(sub, add)
    add_study_commands(sub, add)
    add_anatomy_commands(sub, add)
    add_report_command(sub, add)
    return parser


def run(argv: list[str] | None = None) -> tuple[int, str, str]:
    """Parse and run; return (exit status, stdout text, stderr text). Never raises."""
    try:
        args = build_parser().parse_args(argv)
        args.argv = list(sys.argv[1:] if argv is None else argv)  # for reports that cite it
        result = args.handler(args)
    except CliError as exc:
        return EXIT_ERROR, "", f"error: {exc}"
    except (ValueError, OSError, StoreError, FetchError, ClusterError) as exc:
        return EXIT_ERROR, "", f"error: {exc}"
    except KeyboardInterrupt:  # jobs were closed on the way out: Dask tasks cancelled
        return EXIT_INTERRUPTED, "", "error: interrupted"
    except Exception as exc:
        log.exception("internal error in ctadesk-cli %s", argv)
        return EXIT_ERROR, "", f"error: internal error ({type(exc).__name__}: {exc}); see the log"
    result = finite_json(result)
    if args.json:
        return 0, json.dumps(result, allow_nan=False), ""
    view = getattr(args, "table_view", None)  # a command's compact form for people
    return 0, render_table(view(result) if view else result), ""


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    paths = app_paths()
    configure_numba_cache(paths)
    try:
        setup_logging(paths, level=logging.INFO)
    except OSError as exc:  # an unwritable log dir must not stop a headless run
        print(f"warning: no log file ({exc})", file=sys.stderr)
    status, out, err = run(argv)
    try:
        if out:
            print(out, flush=True)
    except BrokenPipeError:  # `ctadesk-cli ... | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if err:
        print(err, file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
