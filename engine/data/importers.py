"""CSV importers: format detection, parsing and validation into store-ready frames.

Formats: ``cboe`` (DATE,OPEN,HIGH,LOW,CLOSE with MM/DD/YYYY dates), ``yahoo``
(Date,Open,High,Low,Close,Adj Close,Volume), ``single`` (Date + Close, OHLC[V] or one value
column) and ``wide`` (Date + one close column per symbol; blanks allowed). Errors name the
file, line and problem and nothing is written; oddities that real data has become warnings.
"""

from __future__ import annotations

import csv
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from engine.data.csvcheck import MAX_IMPORT_BYTES, DataImportError, check_bytes
from engine.data.store import KINDS, MarketStore, SeriesMeta, WriteStats
from engine.jobs import Job, Progress, run_job

FORMATS: tuple[str, ...] = ("cboe", "yahoo", "single", "wide")
POSITIVE_KINDS = frozenset({"vix", "index"})
"""Kinds whose prices must be > 0; the others (futures, spot, macro) may be zero or negative."""
GAP_BUSINESS_DAYS = 10
MAX_LISTED = 8

_DATE_NAMES = {"date", "datetime", "timestamp", "time", "day"}
_ALIASES = {
    "open": "open",
    "high": "high",
    "low": "low",
    "close": "close",
    "price": "close",
    "last": "close",
    "settle": "close",
    "adjclose": "adj_close",
    "adjustedclose": "adj_close",
    "volume": "volume",
    "vol": "volume",
}
_OHLCV = {"open", "high", "low", "close", "volume"}
_DATE_PATTERNS: tuple[tuple[str, str, str], ...] = (
    (r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d", "YYYY-MM-DD"),
    (r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", "ISO8601", "YYYY-MM-DD HH:MM[:SS]"),
    (r"\d{1,2}/\d{1,2}/\d{4}", "%m/%d/%Y", "MM/DD/YYYY"),
    (r"\d{4}/\d{1,2}/\d{1,2}", "%Y/%m/%d", "YYYY/MM/DD"),
    (r"\d{8}", "%Y%m%d", "YYYYMMDD"),
)


@dataclass
class ParsedSeries:
    """One series read from a file, ready for the store."""

    symbol: str
    kind: str
    frame: pd.DataFrame
    column: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class ParsedFile:
    path: Path
    format: str
    sha256: str
    series: list[ParsedSeries]
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import did, per series, plus every warning."""

    path: Path
    format: str
    series: list[dict[str, object]]
    warnings: list[str]
    origin: str | None = None  # where the file came from when it was downloaded (a URL)

    @property
    def name(self) -> str:
        """Short name for messages: the file name, or the URL it was fetched from."""
        return self.origin or self.path.name

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.origin or str(self.path),
            "format": self.format,
            "series": self.series,
            "warnings": self.warnings,
        }


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-.]", "", name.strip().lower())


def sanitize_symbol(text: str) -> str:
    """Upper-case symbol from a file stem or column name (letters, digits, _ . ^ -)."""
    symbol = re.sub(r"[^A-Z0-9_.^\-]+", "_", text.strip().upper()).strip("_")
    if not symbol:
        raise ValueError(f"cannot make a symbol from {text!r}")
    return symbol


def _lines(rows: np.ndarray | pd.Index | Sequence[int]) -> str:
    """File line numbers of data rows (row 0 is line 2, after the header), shortened."""
    nums = [int(r) + 2 for r in rows]
    text = ", ".join(str(n) for n in nums[:MAX_LISTED])
    return text + (f" and {len(nums) - MAX_LISTED} more" if len(nums) > MAX_LISTED else "")


def _dates_text(index: pd.DatetimeIndex) -> str:
    days = [d.strftime("%Y-%m-%d") for d in index[:MAX_LISTED]]
    extra = len(index) - MAX_LISTED
    return ", ".join(days) + (f" and {extra} more" if extra > 0 else "")


def _first_long_row(path: Path, fields: int) -> int | None:
    """Line number of the first row with more fields than the header (streamed)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if len(row) > fields:
                return number
    return None


def read_table(path: Path) -> pd.DataFrame:
    """The CSV as strings (no NA guessing), one row per line after the header."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                skip_blank_lines=False,
                encoding="utf-8-sig",
                engine="c",
                skipinitialspace=True,
                index_col=False,
            )
    except pd.errors.EmptyDataError:
        raise DataImportError(path, "the file is empty (no header row)") from None
    except pd.errors.ParserWarning:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
        line = _first_long_row(path, len(header))
        raise DataImportError(path, "malformed CSV: more fields than the header", line) from None
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        problem = re.sub(r"^Error tokenizing data\. C error: ", "", str(exc)).strip()
        raise DataImportError(path, f"malformed CSV: {problem}", line) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise DataImportError(path, f"unreadable CSV: {exc}") from None
    if len(table.columns) < 2:
        raise DataImportError(path, "need a date column and at least one price column", 1)
    blank = (table == "").all(axis=1)
    table = table[~blank]
    if table.empty:
        raise DataImportError(path, "the file has a header but no data rows")
    return table


def _parse_dates(path: Path, raw: pd.Series) -> pd.DatetimeIndex:
    missing = raw.str.strip() == ""
    if missing.any():
        raise DataImportError(path, "missing date", int(raw.index[missing][0]) + 2)
    first = raw.iloc[0].strip()
    match = next((p for p in _DATE_PATTERNS if re.fullmatch(p[0], first)), None)
    if match is None:
        raise DataImportError(
            path, f"unparsable date {first!r} (expected e.g. YYYY-MM-DD)", int(raw.index[0]) + 2
        )
    _pattern, fmt, label = match
    if fmt == "%m/%d/%Y" and (raw.str.split("/").str[0].astype(int, errors="ignore") > 12).any():
        fmt, label = "%d/%m/%Y", "DD/MM/YYYY"
    parsed = pd.to_datetime(raw.str.strip(), format=fmt, errors="coerce")
    bad = parsed.isna()
    if bad.any():
        row = int(raw.index[bad][0])
        raise DataImportError(path, f"unparsable date {raw[row]!r} (expected {label})", row + 2)
    dates = pd.DatetimeIndex(parsed).normalize()
    if fmt == "ISO8601" and not dates.is_unique:
        raise DataImportError(path, "intraday timestamps: CTA Desk stores one bar per day")
    return dates


def _numeric(path: Path, raw: pd.Series, column: str) -> pd.Series:
    """Numbers from text; blanks are NaN; anything else unparsable is an error."""
    values = pd.to_numeric(raw, errors="coerce")
    unparsed = values.isna() & (raw != "")
    if unparsed.any():  # slow path only for cells like " 1,234.5 "
        text = raw[unparsed].str.strip().str.replace(",", "", regex=False)
        values[unparsed] = pd.to_numeric(text, errors="coerce")
        bad = values.isna() & unparsed & (text.reindex(raw.index, fill_value="x") != "")
        if bad.any():
            row = int(raw.index[bad][0])
            raise DataImportError(path, f"column {column}: {raw[row]!r} is not a number", row + 2)
    values = values.astype(np.float64)
    inf = np.isinf(values.to_numpy())
    if inf.any():
        row = int(raw.index[inf][0])
        raise DataImportError(path, f"column {column}: {raw[row]!r} is not finite", row + 2)
    return values


def detect_format(header: Sequence[str]) -> str:
    """Guess the format from the header row (first column is the date)."""
    raw = [h.strip() for h in header]
    cols = {_ALIASES.get(_norm(h), _norm(h)) for h in raw[1:]}
    if "adj_close" in cols:
        return "yahoo"
    if raw == ["DATE", "OPEN", "HIGH", "LOW", "CLOSE"]:
        return "cboe"
    if cols <= _OHLCV or len(raw) == 2:  # OHLC[V] names, or Date + one value column
        return "single"
    return "wide"


def _infer_kind(fmt: str, symbol: str) -> str:
    """Wide panels hold futures (a VIX column there is VIX futures); a single series whose
    symbol contains VIX, or a CBOE file, is vix; anything else an index."""
    if fmt == "wide":
        return "future"
    return "vix" if fmt == "cboe" or "VIX" in symbol else "index"  # VIX, ^VIX, CBOE_VIX, ...


def _check_prices(
    path: Path, frame: pd.DataFrame, kind: str, symbol: str, rows: pd.Index
) -> list[str]:
    """Errors for impossible bars, warnings for oddities; ``rows`` maps to file lines."""
    warnings: list[str] = []
    prices = frame[[c for c in ("open", "high", "low", "close", "adj_close") if c in frame]]
    nonpos = (prices <= 0).any(axis=1).to_numpy()
    if nonpos.any():
        dates = frame.index[nonpos]
        if kind in POSITIVE_KINDS:
            raise DataImportError(
                path,
                f"{symbol}: zero or negative prices on lines {_lines(rows[nonpos])} "
                f"({_dates_text(dates)}); not allowed for kind {kind!r}. Back-adjusted futures "
                "and some spot prices can be negative: import with --kind future or --kind spot",
                int(rows[nonpos][0]) + 2,
            )
        warnings.append(f"{symbol}: {len(dates)} zero or negative prices ({_dates_text(dates)})")
    if {"high", "low"} <= set(frame.columns):
        inverted = (frame["high"] < frame["low"]).to_numpy()
        if inverted.any():
            raise DataImportError(path, f"{symbol}: High below Low", int(rows[inverted][0]) + 2)
        outside = np.zeros(len(frame), dtype=bool)
        for col in ("open", "close"):
            if col in frame:
                outside |= ((frame[col] > frame["high"]) | (frame[col] < frame["low"])).to_numpy()
        if outside.any():
            warnings.append(
                f"{symbol}: {int(outside.sum())} rows with Open or Close outside High-Low "
                f"(lines {_lines(rows[outside])})"
            )
    return warnings


def _gap_warnings(symbol: str, dates: pd.DatetimeIndex) -> list[str]:
    if len(dates) < 3:
        return []
    bdays = np.busday_count(
        dates[:-1].values.astype("datetime64[D]"), dates[1:].values.astype("datetime64[D]")
    )
    limit = max(GAP_BUSINESS_DAYS, 3 * float(np.median(bdays)))  # monthly data has long steps
    big = np.flatnonzero(bdays > limit)
    if not len(big):
        return []
    spans = [f"{dates[i]:%Y-%m-%d} -> {dates[i + 1]:%Y-%m-%d}" for i in big[:MAX_LISTED]]
    more = f" and {len(big) - MAX_LISTED} more" if len(big) > MAX_LISTED else ""
    return [f"{symbol}: {len(big)} gaps over {limit:.0f} business days ({'; '.join(spans)}{more})"]


def _finish(
    path: Path, symbol: str, kind: str, frame: pd.DataFrame, rows: pd.Index, column: str
) -> ParsedSeries:
    """Validate one series (rows = original data-row numbers) and sort it by date."""
    dup = frame.index.duplicated(keep=False)
    if dup.any():
        lines = rows[dup]
        raise DataImportError(
            path,
            f"{symbol}: duplicate date {frame.index[dup][0]:%Y-%m-%d} (lines {_lines(lines)})",
            int(lines[0]) + 2,
        )
    warnings = _check_prices(path, frame, kind, symbol, rows)
    if not frame.index.is_monotonic_increasing:
        warnings.append(f"{symbol}: rows were not in date order; sorted on import")
        frame = frame.sort_index()
    warnings += _gap_warnings(symbol, pd.DatetimeIndex(frame.index))
    frame.index.name = "date"
    return ParsedSeries(symbol, kind, frame, column, warnings)


def parse_file(
    path: Path | str,
    *,
    symbol: str | None = None,
    fmt: str | None = None,
    kind: str | None = None,
    max_bytes: int = MAX_IMPORT_BYTES,
) -> ParsedFile:
    """Read and validate ``path``; raise DataImportError (file, line, problem) on bad input."""
    path = Path(path)
    if fmt is not None and fmt not in FORMATS:
        raise DataImportError(path, f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if kind is not None and kind not in KINDS:
        raise DataImportError(path, f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    sha = check_bytes(path, max_bytes)
    table = read_table(path)
    header = [str(c) for c in table.columns]
    if _norm(header[0]) not in _DATE_NAMES:
        raise DataImportError(
            path, f"the first column must be the date (Date, DATE, ...), found {header[0]!r}", 1
        )
    fmt = fmt or detect_format(header)
    dates = _parse_dates(path, table.iloc[:, 0])
    if fmt == "wide":
        if symbol:
            raise DataImportError(
                path, "--symbol applies to single series; a wide panel's symbols are its columns"
            )
        series = _parse_wide(path, table, dates, kind)
    else:
        series = [_parse_single(path, table, dates, fmt, symbol, kind)]
    warnings = [w for s in series for w in s.warnings]
    return ParsedFile(path, fmt, sha, series, warnings)


def _parse_single(
    path: Path,
    table: pd.DataFrame,
    dates: pd.DatetimeIndex,
    fmt: str,
    symbol: str | None,
    kind: str | None,
) -> ParsedSeries:
    header = [str(c) for c in table.columns]
    mapping: dict[str, str] = {}  # file column -> bar field
    for name in header[1:]:
        target = _ALIASES.get(_norm(name))
        if target and target not in mapping.values():
            mapping[name] = target
    if len(header) == 2 and not mapping:
        mapping[header[1]] = "close"  # Date + one value column (Value, SP500, ...)
    sources = {target: name for name, target in mapping.items()}
    if "close" not in sources and "adj_close" not in sources:
        raise DataImportError(
            path, f"no Close column for format {fmt!r} (columns: {', '.join(header[1:])})", 1
        )
    sym = sanitize_symbol(symbol or path.stem)
    kind = kind or _infer_kind(fmt, sym)
    frame = pd.DataFrame(
        {target: _numeric(path, table[name], name).to_numpy() for name, target in mapping.items()},
        index=dates,
    )
    if "close" not in frame:
        frame["close"] = frame["adj_close"]
    column = sources.get("close", sources.get("adj_close", ""))
    rows = table.index
    missing = frame["close"].isna().to_numpy()
    if missing.all():
        raise DataImportError(path, f"{sym}: no prices in column {column}")
    skipped = []
    if missing.any():
        skipped.append(
            f"{sym}: {int(missing.sum())} rows without {column} skipped "
            f"(lines {_lines(rows[missing])})"
        )
        frame, rows = frame[~missing], rows[~missing]
    parsed = _finish(path, sym, kind, frame, rows, column)
    parsed.warnings[:0] = skipped
    return parsed


def _parse_wide(
    path: Path, table: pd.DataFrame, dates: pd.DatetimeIndex, kind: str | None
) -> list[ParsedSeries]:
    header = [str(c) for c in table.columns]
    symbols = [sanitize_symbol(h) for h in header[1:]]
    dupes = sorted({s for s in symbols if symbols.count(s) > 1})
    if dupes:
        raise DataImportError(path, f"duplicate column names: {', '.join(dupes)}", 1)
    out = []
    for name, sym in zip(header[1:], symbols, strict=True):
        values = _numeric(path, table[name], name)
        present = values.notna().to_numpy()
        if not present.any():
            raise DataImportError(path, f"column {name} has no values", 1)
        frame = pd.DataFrame({"close": values.to_numpy()[present]}, index=dates[present])
        out.append(
            _finish(path, sym, kind or _infer_kind("wide", sym), frame, table.index[present], name)
        )
    return out


def import_job(
    store: MarketStore,
    path: Path | str,
    *,
    symbol: str | None = None,
    fmt: str | None = None,
    kind: str | None = None,
    source: str | None = None,
    max_bytes: int = MAX_IMPORT_BYTES,
) -> Job[ImportReport]:
    """Job: parse and validate the whole file, then write every series in one transaction."""
    path = Path(path)
    yield Progress(2.0, f"Reading {path.name}")
    parsed = parse_file(path, symbol=symbol, fmt=fmt, kind=kind, max_bytes=max_bytes)
    yield Progress(50.0, f"Writing {len(parsed.series)} series from {path.name}")
    items = [
        (
            SeriesMeta(
                symbol=s.symbol,
                kind=s.kind,
                source=source or f"file:{path.name}",
                notes=f"column {s.column} ({parsed.format} format)",
                file_sha256=parsed.sha256,
                file_name=path.name,
            ),
            s.frame,
        )
        for s in parsed.series
    ]
    stats = {st.symbol: st for st in store.write(items)}
    yield Progress(100.0, f"Imported {path.name}")
    return ImportReport(
        path=path,
        format=parsed.format,
        series=[_series_report(s, stats[s.symbol]) for s in parsed.series],
        warnings=parsed.warnings,
    )


def _series_report(s: ParsedSeries, st: WriteStats) -> dict[str, object]:
    return {
        "symbol": s.symbol,
        "kind": s.kind,
        "rows": len(s.frame),
        "added": st.added,
        "changed": st.changed,
        "unchanged": st.unchanged,
        "first": f"{s.frame.index[0]:%Y-%m-%d}",
        "last": f"{s.frame.index[-1]:%Y-%m-%d}",
    }


def import_file(store: MarketStore, path: Path | str, **options: object) -> ImportReport:
    """Import ``path`` into ``store`` in this thread (see import_job for the options)."""
    return run_job(import_job(store, path, **options))  # type: ignore[arg-type]
