"""``ctadesk-cli term``: the VIX term structure on a date (docs/term_structure.md)."""

from __future__ import annotations

import argparse
import csv
import fnmatch
from pathlib import Path
from typing import Any

from app.cli_engine import iso_date, series_from

INDEX_OPTIONS = {"VIX": "vix", "VIX9D": "vix9d", "VIX3M": "vix3m", "VIX6M": "vix6m",
                 "VVIX": "vvix"}  # fmt: skip
"""Each index of the curve and the option that gives it."""


def _store_rows() -> list[dict[str, Any]]:
    from app.cli_data import open_store

    return [s.as_dict() for s in open_store().list_series()]


def _index_specs(args: argparse.Namespace, rows: list[dict[str, Any]]) -> dict[str, str | None]:
    """Each index's CSV file or store symbol: as given, else the store's series of that name
    (the spot VIX as the regime commands pick it), else None."""
    from engine.data.symbols import pick_vix_symbol
    from engine.term_structure import index_symbol

    specs: dict[str, str | None] = {}
    for name, option in INDEX_OPTIONS.items():
        given = getattr(args, option)
        if given or not rows:
            specs[name] = given
        else:
            specs[name] = pick_vix_symbol(rows) if name == "VIX" else index_symbol(rows, name)
    return specs


def _vx_file(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Settle series by contract symbol and expiries from one file: a long file (date,
    contract, expiry, settle; its expiry column used), CBOE's per-contract file, or any
    importable file of VX_YYYY-MM columns."""
    from engine.data.importers import detect_format, parse_file
    from engine.term_structure import long_file_expiries

    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    long = bool(header) and detect_format(header) == "long"
    parsed = parse_file(path, fmt="long" if long else None, kind="future")
    series = {s.symbol: s.frame["close"] for s in parsed.series}
    return series, long_file_expiries(path) if long else {}


def _has_pattern(spec: str) -> bool:
    return any(c in spec for c in "*?[")


def load_vx(spec: str | None, rows: list[dict[str, Any]]):
    """The VX settles (engine.term_structure.VxSettles) from ``--vx``: comma-separated CSV
    files, store symbols and symbol patterns (``FUT_VX_*``); without it the store's VX_YYYY-MM
    series; None when there are none."""
    from engine.term_structure import vx_settles, vx_symbols

    series: dict[str, Any] = {}
    expiries: dict[str, Any] = {}
    symbols: list[str] = []
    items = [i.strip() for i in (spec or "").split(",") if i.strip()]
    if spec is not None and not items:
        raise ValueError("--vx: give CSV files or store symbols")
    for item in items:
        if Path(item).is_file():
            more, dates = _vx_file(Path(item))
            series |= more
            expiries |= dates
        elif _has_pattern(item):
            matched = sorted(fnmatch.filter([str(r["symbol"]) for r in rows], item))
            if not matched:
                raise ValueError(f"--vx: no store series matches {item!r}")
            symbols += matched
        else:
            symbols.append(item)
    if spec is None:
        symbols = vx_symbols(rows)
    if symbols:
        from app.cli_data import open_store

        series |= open_store().read_closes(symbols).to_dict("series")
    return vx_settles(series, expiries) if series else None


def cmd_term(args: argparse.Namespace) -> dict[str, Any]:
    import pandas as pd

    from engine.term_structure import curve_on, history

    given = all(getattr(args, o) for o in INDEX_OPTIONS.values()) and args.vx is not None
    rows = [] if given and not _has_pattern(args.vx) else _store_rows()
    specs = _index_specs(args, rows)
    if specs["VIX"] is None:
        raise ValueError("no spot VIX: give --vix FILE|SYMBOL or import one into the store")
    closes = {n: series_from(s, f"--{INDEX_OPTIONS[n]}") if s else None for n, s in specs.items()}
    vx = load_vx(args.vx, rows)
    day = pd.Timestamp(args.date) if args.date else closes["VIX"].index.max()
    out = curve_on(day, {n: c for n, c in closes.items() if n != "VVIX"}, closes["VVIX"], vx)
    out["basis_percentile"] = None
    out["inputs"] = {**specs, "VX": _vx_input(args.vx, vx)}
    if vx is not None or closes["VIX3M"] is not None:
        hist = history(closes["VIX"], closes["VIX3M"], vx).loc[:day]
        vx_day = pd.Timestamp(out.get("vx_date", day))
        if out["basis_front"] is not None and vx_day in hist.index:
            value = hist.loc[vx_day, "basis_percentile"]
            out["basis_percentile"] = None if pd.isna(value) else float(value)
        if args.history:
            out["history"] = _history(hist.loc[pd.Timestamp(args.start) :] if args.start else hist)
    elif args.history:
        raise ValueError("--history needs VIX3M or VX futures besides the spot VIX")
    return out


def _vx_input(spec: str | None, vx: Any) -> str | None:
    if spec is not None:
        return spec
    if vx is None:
        return None
    names = list(vx.settles.columns)
    return f"store: {len(names)} VX contracts ({names[0]} .. {names[-1]})"


def _history(hist: Any) -> dict[str, Any]:
    """The history's summary and, per stress event (engine/events.py) it covers, the days in
    backwardation (spot vs VIX3M, VX front two) and the largest ratio and basis."""
    from engine.events import events
    from engine.term_structure import history_summary, mark_events

    if hist.empty:
        raise ValueError("--history: no history in the period asked for")
    summary = history_summary(hist)
    marks = mark_events(hist.index, events().values())
    rows = []
    for event in events().values():
        window = hist[marks == event.name]
        if window.empty:
            continue
        basis = window["basis"].dropna()
        rows.append(
            {
                "event": event.name,
                "days": len(window),
                "backwardation_days": _count(window["backwardation"]),
                "vx_backwardation_days": _count(window["vx_backwardation"]),
                "max_ratio_vix_vix3m": _max(window["ratio_vix_vix3m"]),
                "max_basis": None if basis.empty else float(basis.max()),
                "max_basis_date": None if basis.empty else f"{basis.idxmax():%Y-%m-%d}",
            }
        )
    summary["events"] = rows
    return summary


def _count(flags: Any) -> int | None:
    """Days flagged 1.0 among the days the flag is known (None when it never is)."""
    known = flags.dropna()
    return None if known.empty else int(known.sum())


def _max(values: Any) -> float | None:
    known = values.dropna()
    return None if known.empty else float(known.max())


def table_view(result: dict[str, Any]) -> dict[str, Any]:
    """The curve for people: scalars first, then the indices by tenor, the VX curve, the
    history and the notes as tables and lines."""
    used = result["dates_used"]
    compact: dict[str, Any] = {
        k: result[k]
        for k in ("date", "trading_day", "state", "ratio_vix_vix3m", "vx_date", "vx_state",
                  "basis_front", "basis_percentile", "vx30", "incomplete", "vvix")
        if k in result
    }  # fmt: skip
    compact["indices"] = [
        {"index": n, "days": result["tenor_days"][n], "close": v, "date": used[n]}
        for n, v in result["indices"].items()
    ]
    compact["futures"] = result["futures"]
    if result.get("missing_contracts"):
        compact["missing_contracts"] = result["missing_contracts"]
    if "history" in result:
        h = result["history"]
        compact["history"] = [
            {"series": name, **{k: v for k, v in part.items() if not isinstance(v, dict)}}
            for name, part in (("VIX/VIX3M", h["vix_vix3m"]), ("VX front two", h["vx_front_two"]))
        ]
        compact["basis_percentiles"] = [h["basis"].get("percentiles", {})]
        compact["events"] = h["events"]
    if result["notes"]:
        compact["notes"] = result["notes"]
    return compact


def add_term_commands(sub: Any, add: Any) -> None:
    p = add(
        sub,
        "term",
        cmd_term,
        "The VIX term structure on a date: VIX9D/VIX/VIX3M/VIX6M, VVIX, the VX futures curve.",
    )
    p.add_argument("--date", type=iso_date, help="YYYY-MM-DD (default: the spot VIX's last close)")
    for name, option in INDEX_OPTIONS.items():
        p.add_argument(
            f"--{option}", help=f"{name}: CSV file or store symbol (default: the store's {name})"
        )
    p.add_argument(
        "--vx",
        help="VX futures: comma-separated CSV files (the long file, CBOE's per-contract files) "
        "and store symbols or patterns like FUT_VX_* (default: the store's VX_YYYY-MM series)",
    )
    p.add_argument(
        "--history",
        action="store_true",
        help="add the history up to --date: shares of days in backwardation, basis "
        "percentiles, stress events",
    )
    p.add_argument("--start", type=iso_date, help="first day of --history (YYYY-MM-DD)")
    p.set_defaults(table_view=table_view)
