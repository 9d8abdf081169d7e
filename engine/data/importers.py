"""CSV importers: format detection, parsing and validation into store-ready frames.

Formats: ``cboe`` (DATE,OPEN,HIGH,LOW,CLOSE with MM/DD/YYYY dates), ``yahoo``
(Date,Open,High,Low,Close,Adj Close,Volume), ``single`` (Date + Close, OHLC[V] or one value
column), ``wide`` (Date + one close column per symbol; blanks allowed), ``cfe`` (CBOE's
per-contract futures files: Trade Date,Futures,...,Settle) and ``long`` (one row per contract
and day: date, contract, settle; imported only when asked for, one series per contract).
Errors name the file, line and problem and nothing is written; oddities that real data has
(a row with High and Low swapped, holidays, bad prints) become warnings.
"""

from __future__ import annotations

import csv
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from engine.data.choice import ImportChoice, suggested_prefix
from engine.data.csvcheck import MAX_IMPORT_BYTES, DataImportError, check_bytes
from engine.data.store import (
    KINDS,
    Conflict,
    MarketStore,
    SeriesConflict,
    SeriesMeta,
    WriteStats,
)
from engine.jobs import Job, Progress, run_job

FORMATS: tuple[str, ...] = ("cboe", "yahoo", "single", "wide", "cfe", "long")
POSITIVE_KINDS = frozenset({"vix", "index"})
"""Kinds whose prices must be > 0; the others (futures, spot, macro) may be zero or negative."""
GAP_BUSINESS_DAYS = 10
MAX_LISTED = 8

_DATE_NAMES = {"date", "datetime", "timestamp", "time", "day", "tradedate"}
_CONTRACT_NAMES = {"contract", "ticker", "instrument"}  # a long file's contract column
_CFE_MONTHS = dict(zip("FGHJKMNQUVXZ", range(1, 13), strict=True))
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
    """What an import did, per series, plus every warning and the series it skipped."""

    path: Path
    format: str
    series: list[dict[str, object]]
    warnings: list[str]
    origin: str | None = None  # where the file came from when it was downloaded (a URL)
    skipped: list[str] = field(default_factory=list)  # left alone (--skip-existing)

    @property
    def name(self) -> str:
        """Short name for messages: the file name, or the URL it was fetched from."""
        return self.origin or self.path.name

    def total(self, key: str) -> int:
        """Bars ``added``, ``changed`` or ``removed`` over every series."""
        return sum(int(s[key]) for s in self.series)  # type: ignore[call-overload]

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.origin or str(self.path),
            "format": self.format,
            "added": self.total("added"),
            "changed": self.total("changed"),
            "skipped": self.skipped,
            "series": self.series,
            "warnings": self.warnings,
        }


class LongFormatNotAsked(DataImportError):
    """A long file (one row per contract and day) given without ``fmt="long"``: it imports as
    one series per contract only when asked (the Data dock asks the user)."""

    def __init__(self, file: Path | str, problem: str, contracts: int) -> None:
        self.contracts = contracts
        super().__init__(file, problem, 1)


class ImportConflict(DataImportError):
    """The file would change series stored from another source; nothing was written.
    ``total`` is how many series the import holds (the colliding ones among them)."""

    def __init__(self, file: Path | str, conflicts: Sequence[Conflict], total: int) -> None:
        self.conflicts = list(conflicts)
        self.total = total
        super().__init__(file, conflict_text(self.conflicts))


def conflict_text(conflicts: Sequence[Conflict]) -> str:
    """One line naming the series, both sources and the ways forward (CLI options)."""
    groups: dict[tuple[object, object], list[Conflict]] = {}
    for c in conflicts:
        groups.setdefault((c.stored, c.incoming), []).append(c)
    parts = []
    for group in groups.values():
        one = len(group) == 1
        names = ", ".join(c.symbol for c in group[:MAX_LISTED])
        names += f" and {len(group) - MAX_LISTED} more" if len(group) > MAX_LISTED else ""
        stored, incoming = group[0].stored, group[0].incoming
        parts.append(
            f"{names} {'is' if one else 'are'} stored as {stored.describe(one)}; "
            f"this import has {incoming.describe(one)}"
        )
    first = conflicts[0]
    prefix = suggested_prefix(first.incoming.kind)
    return (
        f"would change {len(conflicts)} series stored from another source: "
        f"{'; '.join(parts)}. Nothing was written. Choose one: --prefix {prefix} (import "
        f"under a prefix: {prefix}{first.symbol}), --rename {first.symbol}="
        f"{prefix}{first.symbol} (new names, repeatable), --replace (replace the stored "
        "series whole) or --skip-existing (import only the series not stored yet)"
    )


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
    names = {_norm(h) for h in raw[1:]}
    cols = {_ALIASES.get(n, n) for n in names}
    if {"futures", "settle"} <= names:
        return "cfe"
    if names & _CONTRACT_NAMES:
        return "long"
    if "adj_close" in cols:
        return "yahoo"
    if raw == ["DATE", "OPEN", "HIGH", "LOW", "CLOSE"]:
        return "cboe"
    if cols <= _OHLCV or len(raw) == 2:  # OHLC[V] names, or Date + one value column
        return "single"
    return "wide"


def _infer_kind(fmt: str, symbol: str, column: str = "") -> str:
    """Panels and contract files hold futures (a VIX column there is VIX futures); a single
    series whose symbol contains VIX, or a CBOE file, is vix; SPOT in the symbol means spot,
    YIELD (or a FRED DGSn column) macro; anything else is an index."""
    if fmt in ("wide", "cfe", "long"):
        return "future"
    if fmt == "cboe" or "VIX" in symbol:  # VIX, ^VIX, CBOE_VIX, VIX3M_DAILY, ...
        return "vix"
    if "SPOT" in symbol:
        return "spot"
    if "YIELD" in symbol or re.fullmatch(r"DGS\d+", column.strip().upper()):
        return "macro"
    return "index"


def _fix_high_low(
    frame: pd.DataFrame, symbol: str, rows: pd.Index, in_range: tuple[str, ...]
) -> list[str]:
    """Rows with High below Low, in place: swapped when that puts ``in_range`` (Open and
    Close) inside the range, else High and Low dropped (NaN); the close is kept either way."""
    if not {"high", "low"} <= set(frame.columns):
        return []
    high, low = frame["high"].to_numpy(), frame["low"].to_numpy()
    inverted = high < low
    if not inverted.any():
        return []
    inside = np.ones(len(frame), dtype=bool)
    for col in in_range:
        if col in frame:
            v = frame[col].to_numpy()
            inside &= np.isnan(v) | ((v >= high) & (v <= low))  # within the swapped range
    swap, drop = inverted & inside, inverted & ~inside
    warnings = []
    if swap.any():
        frame.loc[swap, ["high", "low"]] = frame.loc[swap, ["low", "high"]].to_numpy()
        warnings.append(
            f"{symbol}: High below Low on lines {_lines(rows[swap])} "
            f"({_dates_text(frame.index[swap])}): High and Low swapped, Close kept"
        )
    if drop.any():
        frame.loc[drop, ["high", "low"]] = np.nan
        warnings.append(
            f"{symbol}: High below Low on lines {_lines(rows[drop])} "
            f"({_dates_text(frame.index[drop])}), not a plain swap (Open or Close outside "
            "either way): High and Low dropped, Close kept"
        )
    return warnings


def _check_prices(
    path: Path,
    frame: pd.DataFrame,
    kind: str,
    symbol: str,
    rows: pd.Index,
    in_range: tuple[str, ...] = ("open", "close"),
) -> list[str]:
    """Errors for impossible bars, warnings for oddities (``in_range`` outside High-Low);
    ``rows`` maps to file lines."""
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
        outside = np.zeros(len(frame), dtype=bool)
        for col in in_range:
            if col in frame:
                outside |= ((frame[col] > frame["high"]) | (frame[col] < frame["low"])).to_numpy()
        if outside.any():
            fields = " or ".join(c.title() for c in in_range)
            warnings.append(
                f"{symbol}: {int(outside.sum())} rows with {fields} outside High-Low "
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
    path: Path,
    symbol: str,
    kind: str,
    frame: pd.DataFrame,
    rows: pd.Index,
    column: str,
    in_range: tuple[str, ...] = ("open", "close"),
) -> ParsedSeries:
    """Validate one series (rows = original data-row numbers; ``in_range``: the fields that
    must lie within High-Low) and sort it by date."""
    dup = frame.index.duplicated(keep=False)
    if dup.any():
        lines = rows[dup]
        raise DataImportError(
            path,
            f"{symbol}: duplicate date {frame.index[dup][0]:%Y-%m-%d} (lines {_lines(lines)})",
            int(lines[0]) + 2,
        )
    warnings = _fix_high_low(frame, symbol, rows, in_range)
    warnings += _check_prices(path, frame, kind, symbol, rows, in_range)
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
    asked = fmt
    fmt = fmt or detect_format(header)
    if symbol and fmt in ("wide", "long"):
        raise DataImportError(
            path,
            f"--symbol applies to single series; a {fmt} file's symbols are its "
            f"{'columns' if fmt == 'wide' else 'contracts'} (use --prefix or --rename)",
        )
    dates = _parse_dates(path, table.iloc[:, 0])
    if fmt == "wide":
        series = _parse_wide(path, table, dates, kind)
    elif fmt == "long":
        series = _parse_long(path, table, dates, kind, asked == "long")
    elif fmt == "cfe":
        series = [_parse_cfe(path, table, dates, symbol, kind)]
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
    kind = kind or _infer_kind(fmt, sym, header[-1] if len(header) == 2 else "")
    frame = pd.DataFrame(
        {target: _numeric(path, table[name], name).to_numpy() for name, target in mapping.items()},
        index=dates,
    )
    if "close" not in frame:
        frame["close"] = frame["adj_close"]
    column = sources.get("close", sources.get("adj_close", ""))
    missing = frame["close"].isna().to_numpy()
    if missing.all():
        raise DataImportError(path, f"{sym}: no prices in column {column}")
    why = f"without {column}"
    return _finish_skipping(path, sym, kind, frame, table.index, column, missing, why)


def _finish_skipping(
    path: Path,
    symbol: str,
    kind: str,
    frame: pd.DataFrame,
    rows: pd.Index,
    column: str,
    skip: np.ndarray,
    why: str,
    in_range: tuple[str, ...] = ("open", "close"),
    detail: str = "",
) -> ParsedSeries:
    """:func:`_finish` on the rows not in ``skip``; a first warning counts the skipped rows:
    "N rows <why> skipped (<detail>lines ...)"."""
    if not skip.any():
        return _finish(path, symbol, kind, frame, rows, column, in_range)
    note = f"{symbol}: {int(skip.sum())} rows {why} skipped ({detail}lines {_lines(rows[skip])})"
    parsed = _finish(path, symbol, kind, frame[~skip], rows[~skip], column, in_range)
    parsed.warnings.insert(0, note)
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


def _parse_cfe(
    path: Path, table: pd.DataFrame, dates: pd.DatetimeIndex, symbol: str | None, kind: str | None
) -> ParsedSeries:
    """CBOE's per-contract futures file: the Settle is the close; zeros are listing-day
    placeholders (O/H/L blank, a row whose Settle is 0 skipped)."""
    columns = {_norm(str(c)): str(c) for c in table.columns[1:]}
    missing = [n for n in ("futures", "open", "high", "low", "settle") if n not in columns]
    if missing:
        raise DataImportError(path, f"not a CFE futures file: no {', '.join(missing)} column", 1)
    labels = sorted(set(table[columns["futures"]].str.strip()))
    if len(labels) > 1:
        raise DataImportError(
            path, f"{len(labels)} contracts in one file ({', '.join(labels[:3])}, ...): "
            "import it with --format long (one series per contract)", 1
        )  # fmt: skip
    sym = sanitize_symbol(symbol or _cfe_symbol(path))
    fields = {"open": "open", "high": "high", "low": "low", "close": "settle"}
    fields |= {"volume": "totalvolume"} if "totalvolume" in columns else {}
    frame = pd.DataFrame(
        {f: _numeric(path, table[columns[c]], columns[c]).to_numpy() for f, c in fields.items()},
        index=dates,
    )
    frame[["open", "high", "low"]] = frame[["open", "high", "low"]].where(lambda v: v != 0)
    placeholder = ~(frame["close"] > 0).to_numpy()
    if placeholder.all():
        raise DataImportError(path, f"{sym}: no settlement prices (every Settle is 0 or blank)")
    # the settle is no trade: thin days settle outside the traded range, so only Open is checked
    return _finish_skipping(
        path, sym, kind or "future", frame, table.index, columns["settle"], placeholder,
        "with Settle 0 or blank", ("open",), "listing-day placeholders, ",
    )  # fmt: skip


def _cfe_symbol(path: Path) -> str:
    """PRODUCT_YYYY-MM from CFE's file name CFE_<month code><yy>_<product> (CFE_X08_VX.csv:
    VX_2008-11, as the long format names that contract), else the file name."""
    match = re.fullmatch(r"CFE_([FGHJKMNQUVXZ])(\d{2})_([A-Z0-9]+)", path.stem.upper())
    if match is None:
        return path.stem
    code, year, product = match.groups()
    return f"{product}_{2000 + int(year)}-{_CFE_MONTHS[code]:02d}"


def _parse_long(
    path: Path, table: pd.DataFrame, dates: pd.DatetimeIndex, kind: str | None, asked: bool
) -> list[ParsedSeries]:
    """One series per contract of a long file (date, contract, settle); refused unless the
    format was asked for, since it holds many contracts that are not continuous series."""
    header = [str(c) for c in table.columns]
    contract = next(h for h in header[1:] if _norm(h) in _CONTRACT_NAMES)
    value = next((h for h in header[1:] if _ALIASES.get(_norm(h)) == "close"), None)
    if value is None:
        raise DataImportError(
            path, f"long format: no settle or close column (columns: {', '.join(header[1:])})", 1
        )
    names = table[contract].str.strip()
    if (names == "").any():
        raise DataImportError(path, f"missing {contract}", int(names.index[names == ""][0]) + 2)
    groups = names.groupby(names, sort=True).indices
    if not asked:
        first, last = next(iter(groups)), list(groups)[-1]
        raise LongFormatNotAsked(
            path,
            f"long format: one row per contract and day ({header[0]}, {contract}, {value}), "
            f"{len(groups)} contracts ({first} .. {last}). CTA Desk imports it only when asked, "
            f"as one series per contract: ctadesk-cli data import {path.name} --format long "
            f"(series {sanitize_symbol(first)} .. {sanitize_symbol(last)}, kind future: "
            "settlements, not back-adjusted, not a continuous series)",
            len(groups),
        )
    symbols = [sanitize_symbol(n) for n in groups]
    dupes = sorted({s for s in symbols if symbols.count(s) > 1})
    if dupes:
        raise DataImportError(path, f"contracts that name the same symbol: {', '.join(dupes)}")
    values = _numeric(path, table[value], value)
    out = []
    for (name, positions), sym in zip(groups.items(), symbols, strict=True):
        rows = table.index[positions]
        frame = pd.DataFrame({"close": values.to_numpy()[positions]}, index=dates[positions])
        present = frame["close"].notna().to_numpy()
        if not present.any():
            raise DataImportError(path, f"{name}: no {value} values", int(rows[0]) + 2)
        out.append(
            _finish(
                path, sym, kind or "future", frame[present], rows[present], f"{value} of {name}"
            )
        )
    return out


def _apply_names(
    path: Path, series: list[ParsedSeries], choice: ImportChoice
) -> list[ParsedSeries]:
    """The series under the names ``choice`` gives them (checked: known, valid, distinct),
    their warnings naming them so."""
    if not choice.prefix and not choice.rename:
        return series
    try:
        rename = {sanitize_symbol(k): sanitize_symbol(v) for k, v in choice.rename.items()}
        names = {s.symbol: rename.get(s.symbol) or sanitize_symbol(choice.prefix + s.symbol)
                 for s in series}  # fmt: skip
    except ValueError as exc:
        raise DataImportError(path, f"bad new name: {exc}") from None
    unknown = sorted(set(rename) - set(names))
    if unknown:
        raise DataImportError(
            path, f"--rename {', '.join(unknown)}: no such series here ({_names(list(names))})"
        )
    new = list(names.values())
    dupes = sorted({x for x in new if new.count(x) > 1})
    if dupes:
        raise DataImportError(path, f"the new names collide: {', '.join(dupes)}")
    return [_renamed(s, names[s.symbol]) for s in series]


def _renamed(series: ParsedSeries, symbol: str) -> ParsedSeries:
    head = re.compile(f"^{re.escape(series.symbol)}:")
    warnings = [head.sub(f"{symbol}:", w) for w in series.warnings]
    return replace(series, symbol=symbol, warnings=warnings)


def _names(symbols: list[str]) -> str:
    """``the file has A, B, C`` shortened to MAX_LISTED names."""
    more = f" and {len(symbols) - MAX_LISTED} more" if len(symbols) > MAX_LISTED else ""
    return f"the file has {', '.join(symbols[:MAX_LISTED])}{more}"


def import_job(
    store: MarketStore,
    path: Path | str,
    *,
    symbol: str | None = None,
    fmt: str | None = None,
    kind: str | None = None,
    source: str | None = None,
    origin: str | None = None,
    choice: ImportChoice | None = None,
    max_bytes: int = MAX_IMPORT_BYTES,
) -> Job[ImportReport]:
    """Job: parse and validate the whole file, then write every series in one transaction.

    A series' source is ``source`` (default ``file:<file name>``); ``origin`` is where the
    file came from (a URL) for messages. Series stored from another source, kind or column
    raise :class:`ImportConflict` and nothing is written, unless ``choice`` says otherwise."""
    path = Path(path)
    choice = choice or ImportChoice()
    where = origin or path
    yield Progress(2.0, f"Reading {path.name}")
    parsed = parse_file(path, symbol=symbol, fmt=fmt, kind=kind, max_bytes=max_bytes)
    series = _apply_names(path, parsed.series, choice)
    items = [
        (
            SeriesMeta(
                symbol=s.symbol,
                kind=s.kind,
                source=source or f"file:{path.name}",
                notes=f"column {s.column} ({parsed.format} format)",
                file_sha256=parsed.sha256,
                file_name=origin or path.name,
            ),
            s.frame,
        )
        for s in series
    ]
    skipped: list[str] = []
    if choice.skip_existing:
        skipped = [c.symbol for c in store.conflicts([meta for meta, _ in items])]
        items = [(meta, frame) for meta, frame in items if meta.symbol not in skipped]
        series = [s for s in series if s.symbol not in skipped]
    yield Progress(50.0, f"Writing {len(items)} series from {path.name}")
    try:
        stats = {st.symbol: st for st in store.write(items, replace=choice.replace)}
    except SeriesConflict as exc:
        raise ImportConflict(where, exc.conflicts, len(items)) from None
    yield Progress(100.0, f"Imported {path.name}")
    return ImportReport(
        path=path,
        format=parsed.format,
        series=[_series_report(s, stats[s.symbol]) for s in series],
        warnings=[w for s in series for w in s.warnings],
        origin=origin,
        skipped=skipped,
    )


def _series_report(s: ParsedSeries, st: WriteStats) -> dict[str, object]:
    return {
        "symbol": s.symbol,
        "kind": s.kind,
        "rows": len(s.frame),
        "added": st.added,
        "changed": st.changed,
        "unchanged": st.unchanged,
        "removed": st.removed,
        "replaced": None if st.replaced is None else st.replaced.source,
        "first": f"{s.frame.index[0]:%Y-%m-%d}",
        "last": f"{s.frame.index[-1]:%Y-%m-%d}",
    }


def import_file(store: MarketStore, path: Path | str, **options: object) -> ImportReport:
    """Import ``path`` into ``store`` in this thread (see import_job for the options)."""
    return run_job(import_job(store, path, **options))  # type: ignore[arg-type]
