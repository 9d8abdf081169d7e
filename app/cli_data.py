"""``ctadesk-cli data ...``: import, list, show, export and delete stored series."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from app.csv_out import write_dated_csv
from app.paths import app_paths
from engine.data.choice import ImportChoice
from engine.data.importers import FORMATS, import_file
from engine.data.store import KINDS, MarketStore


def open_store() -> MarketStore:
    """The user's store (CTADESK_HOME aware)."""
    return MarketStore(app_paths().ensure().store)


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _renames(items: list[str] | None) -> dict[str, str]:
    """``--rename OLD=NEW`` values (repeatable, comma-separated) as a mapping."""
    out: dict[str, str] = {}
    for item in ",".join(items or []).split(","):
        if not item.strip():
            continue
        old, sep, new = item.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise ValueError(f"--rename {item.strip()!r}: expected OLD=NEW, e.g. VIX=VX_ADJ")
        out[old.strip()] = new.strip()
    return out


def _choice(args: argparse.Namespace) -> ImportChoice:
    return ImportChoice(
        prefix=args.prefix or "",
        rename=_renames(args.rename),
        replace=args.replace,
        skip_existing=args.skip_existing,
    )


def cmd_import(args: argparse.Namespace) -> dict[str, Any]:
    report = import_file(
        open_store(),
        args.file,
        symbol=args.symbol,
        fmt=args.format,
        kind=args.kind,
        choice=_choice(args),
    )
    return report.as_dict()


def cmd_fetch(args: argparse.Namespace) -> dict[str, Any]:
    from engine.data.fetch import fetch_job
    from engine.jobs import run_job

    report = run_job(
        fetch_job(
            open_store(),
            args.source,
            base_url=args.base_url,
            timeout=args.timeout,
            retries=args.retries,
            tmp_dir=app_paths().ensure().cache,
            choice=_choice(args),
        )
    )
    return report.as_dict()


def cmd_demo(_args: argparse.Namespace) -> dict[str, Any]:
    from engine.data import DEMO_SOURCE
    from engine.data.demo import load_demo_job
    from engine.jobs import run_job

    symbols = run_job(load_demo_job(open_store()))
    return {"loaded": symbols, "source": DEMO_SOURCE}


def cmd_list(_args: argparse.Namespace) -> dict[str, Any]:
    return {
        "series": [
            {
                "symbol": s.symbol,
                "kind": s.kind,
                "rows": s.rows,
                "first": s.first,
                "last": s.last,
                "source": s.source,
                "notes": s.notes,
                "imported_at": s.imported_at,
            }
            for s in open_store().list_series()
        ]
    }


def cmd_show(args: argparse.Namespace) -> dict[str, Any]:
    store = open_store()
    info = store.info(args.symbol)
    frame = store.read(args.symbol).tail(args.tail)
    columns = [c for c in frame.columns if frame[c].notna().any()]
    bars = [
        {"date": f"{day:%Y-%m-%d}", **{c: _number(row[c]) for c in columns}}
        for day, row in frame.iterrows()
    ]
    return {**info.as_dict(), "bars": bars}


_EXPORT_HEADERS = {
    "open": "Open",
    "high": "High",
    "low": "Low",
    "close": "Close",
    "adj_close": "Adj Close",
    "volume": "Volume",
}


def cmd_export(args: argparse.Namespace) -> dict[str, Any]:
    frame = open_store().read(args.symbol)
    frame = frame[[c for c in frame.columns if frame[c].notna().any()]]
    rows = write_dated_csv(frame.rename(columns=_EXPORT_HEADERS), Path(args.file), "%.10g")
    return {"symbol": args.symbol, "file": str(args.file), "rows": rows}


def cmd_delete(args: argparse.Namespace) -> dict[str, Any]:
    return {"deleted": args.symbol, "rows": open_store().delete(args.symbol)}


IMPORT_EPILOG = """\
A series is its symbol plus its source, kind and column: the source of an imported file is
file:NAME (its base name), of a download the source's name (cboe-vix, stooq:^spx); the column
and detected format are kept in its notes. Importing a newer copy of the same file (same name,
format, column and kind) only adds and corrects bars and reports how many were added and
changed. An import that would change a series stored from another source, kind or column is
refused, naming the series and both sources, and writes nothing. The ways forward:

  --prefix FUT_          import the file's series under a prefix (VIX -> FUT_VIX)
  --rename VIX=VX_ADJ    new names for some series (repeatable or comma-separated)
  --replace              replace each stored series the file writes, whole (logged)
  --skip-existing        import only the series not stored from another source

A long-format file (date, contract, settle: one row per contract and day) is imported
only with --format long, as one series per contract (kind future)."""


def _add_choice_options(p: argparse.ArgumentParser) -> None:
    """Options that resolve a collision with series stored from another source."""
    p.add_argument("--prefix", help="import every series under this prefix, e.g. FUT_")
    p.add_argument(
        "--rename",
        action="append",
        metavar="OLD=NEW",
        help="import series OLD as NEW (repeatable or comma-separated)",
    )
    either = p.add_mutually_exclusive_group()
    either.add_argument(
        "--replace", action="store_true", help="replace the stored series of these symbols"
    )
    either.add_argument(
        "--skip-existing",
        action="store_true",
        help="leave series stored from another source alone and import the rest",
    )


def add_data_commands(sub: Any, add: Any) -> None:
    """Register ``data`` and its subcommands on the top-level subparsers ``sub``."""
    data = sub.add_parser("data", help="The local market-data store.")
    inner = data.add_subparsers(
        dest="data_command", metavar="DATA_COMMAND", parser_class=type(data)
    )
    inner.required = True

    p = add(inner, "import", cmd_import, "Import a CSV file (CBOE, Yahoo, single series, wide).")
    p.epilog = IMPORT_EPILOG
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("file", type=Path)
    p.add_argument("--symbol", help="symbol for a single series (default: from the file name)")
    p.add_argument("--format", choices=FORMATS, help="override format auto-detection")
    p.add_argument("--kind", choices=KINDS, help="override the inferred series kind")
    _add_choice_options(p)

    p = add(
        inner,
        "fetch",
        cmd_fetch,
        "Download a series (cboe-vix, cboe-vix9d, cboe-vix3m, cboe-vix6m, cboe-vvix, "
        "cboe-vx:YYYY-MM, stooq:TICKER).",
    )
    p.add_argument("source", help="source name, e.g. cboe-vix, cboe-vx:2024-08 or stooq:^spx")
    p.add_argument("--base-url", help="use this server instead of the source's own (mirror)")
    p.add_argument("--timeout", type=float, help="seconds per attempt (default 15)")
    p.add_argument("--retries", type=int, help="retries after a failure (default 3)")
    _add_choice_options(p)

    add(inner, "demo", cmd_demo, "Load the embedded demo universe (DEMO, synthetic).")

    add(inner, "list", cmd_list, "List stored series with rows and date ranges.")

    p = add(inner, "show", cmd_show, "Show the last bars of a series.")
    p.add_argument("symbol")
    p.add_argument("--tail", type=int, default=10, help="how many bars (default 10)")

    p = add(inner, "export", cmd_export, "Write a series to a CSV file.")
    p.add_argument("symbol")
    p.add_argument("file", type=Path)

    p = add(inner, "delete", cmd_delete, "Delete a series and its bars.")
    p.add_argument("symbol")
