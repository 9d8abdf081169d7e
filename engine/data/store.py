"""The local market-data store: one SQLite database (WAL) with series metadata and daily bars.

Every write is one transaction: an import that fails (or a process killed half-way) leaves
the store exactly as it was. Reads return pandas DataFrames indexed by date.

A series never changes origin silently: its origin is its kind, source and notes (for an
import: ``file:NAME``, and ``column C (F format)``). A write whose origin differs from the
stored series' is refused with :class:`SeriesConflict` unless it replaces the series on purpose.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from engine.files import Recovery, quarantine

log = logging.getLogger(__name__)

KINDS: tuple[str, ...] = ("vix", "index", "future", "spot", "macro")
BAR_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close", "adj_close", "volume")
_EPOCH = np.datetime64("1970-01-01", "D")

_MIGRATIONS: tuple[str, ...] = (
    # version 1
    f"""
    CREATE TABLE series (
        symbol      TEXT PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN {KINDS!r}),
        source      TEXT NOT NULL,
        currency    TEXT,
        notes       TEXT,
        imported_at TEXT NOT NULL,
        file_sha256 TEXT,
        file_name   TEXT
    );
    CREATE TABLE bars (
        symbol    TEXT NOT NULL REFERENCES series(symbol) ON DELETE CASCADE,
        day       INTEGER NOT NULL,
        open      REAL,
        high      REAL,
        low       REAL,
        close     REAL NOT NULL,
        adj_close REAL,
        volume    REAL,
        PRIMARY KEY (symbol, day)
    ) WITHOUT ROWID;
    """,
    # version 2: the store's revision, for caches of what was read (MarketStore.stamp)
    """
    CREATE TABLE revision (store_id TEXT NOT NULL, n INTEGER NOT NULL);
    INSERT INTO revision VALUES (lower(hex(randomblob(16))), 0);
    """,
)
SCHEMA_VERSION = len(_MIGRATIONS)
_BUMP_REVISION = "UPDATE revision SET n = n + 1"


class StoreError(Exception):
    """The store cannot be opened or a request cannot be served (unknown symbol, ...)."""


class StoreDamaged(StoreError):
    """The store file is not a readable SQLite database (truncated, overwritten, corrupted)."""


@dataclass(frozen=True)
class Origin:
    """Where a series comes from: two writes are of the same series only if these are equal."""

    kind: str
    source: str
    notes: str | None = None

    def describe(self, notes: bool = True) -> str:
        text = f"kind {self.kind} from {self.source}"
        return f"{text}, {self.notes}" if notes and self.notes else text


@dataclass(frozen=True)
class Conflict:
    """A write that would change ``symbol``, stored from ``stored``, with data from ``incoming``."""

    symbol: str
    stored: Origin
    incoming: Origin


class SeriesConflict(StoreError):
    """A write would change existing series of a different origin; nothing was written."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = list(conflicts)
        names = ", ".join(c.symbol for c in self.conflicts)
        super().__init__(f"series of a different source already in the store: {names}")


_DAMAGE = ("not a database", "malformed", "file is encrypted", "disk image")


def _store_error(path: Path, exc: sqlite3.Error) -> StoreError:
    damaged = isinstance(exc, sqlite3.DatabaseError) and any(m in str(exc) for m in _DAMAGE)
    if damaged:
        return StoreDamaged(f"data store {path} is damaged ({exc})")
    return StoreError(f"data store {path}: {exc}")


@dataclass(frozen=True)
class SeriesMeta:
    """Metadata of one series as written by an import."""

    symbol: str
    kind: str
    source: str
    currency: str | None = None
    notes: str | None = None
    file_sha256: str | None = None
    file_name: str | None = None


@dataclass(frozen=True)
class SeriesInfo:
    """A stored series with its row count and date range."""

    symbol: str
    kind: str
    source: str
    currency: str | None
    notes: str | None
    imported_at: str
    file_sha256: str | None
    file_name: str | None
    rows: int
    first: str | None
    last: str | None

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)

    @property
    def origin(self) -> Origin:
        return Origin(self.kind, self.source, self.notes)


@dataclass(frozen=True)
class WriteStats:
    """What writing one series did: new dates, dates whose values changed, dates unchanged;
    for a replaced series also the dates it no longer has and the origin it had."""

    symbol: str
    added: int
    changed: int
    unchanged: int
    removed: int = 0
    replaced: Origin | None = None


def to_days(index: pd.DatetimeIndex) -> np.ndarray:
    """Dates to integer days since 1970-01-01 (the stored form)."""
    return (index.values.astype("datetime64[D]") - _EPOCH).astype(np.int64)


def from_days(days: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(_EPOCH + np.asarray(days, dtype="timedelta64[D]"), name="date")


class MarketStore:
    """The SQLite store at ``path`` (created and migrated on first use)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            self._migrate(conn)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the data store {self.path}: {exc}") from exc
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            yield conn
        except sqlite3.DatabaseError as exc:
            raise _store_error(self.path, exc) from exc
        finally:
            conn.close()

    def check(self) -> None:
        """SQLite's quick integrity check of every page; :class:`StoreDamaged` if it fails."""
        with self._connect() as conn:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
        if problems != ["ok"]:
            raise StoreDamaged(f"data store {self.path} is damaged ({'; '.join(problems)})")

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"data store {self.path} has schema version {version}, newer than this "
                f"CTA Desk understands ({SCHEMA_VERSION}); upgrade CTA Desk"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _MIGRATIONS[target - 1].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        with self._connect() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    # -- writes ----------------------------------------------------------------------------
    def write(
        self, items: Sequence[tuple[SeriesMeta, pd.DataFrame]], *, replace: bool = False
    ) -> list[WriteStats]:
        """Upsert several series in one transaction; all are written or none is.

        Each frame is indexed by date with any of BAR_COLUMNS (close required). A series
        already stored from another origin raises :class:`SeriesConflict` (nothing written)
        unless ``replace``: then every existing series written here is replaced whole.
        """
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        stats: list[WriteStats] = []
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                stored = self._origins(conn, [meta.symbol for meta, _ in items])
                conflicts = _conflicts(stored, [meta for meta, _ in items])
                if conflicts and not replace:
                    raise SeriesConflict(conflicts)
                for meta, frame in items:
                    old = stored.get(meta.symbol) if replace else None
                    stats.append(self._write_one(conn, meta, frame, stamp, old))
                conn.execute(_BUMP_REVISION)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        for (meta, _), st in zip(items, stats, strict=True):
            if st.replaced is not None:  # logged once committed
                log.info(
                    "replaced series %s: was %s (%d bars), now %s (%d bars)",
                    st.symbol,
                    st.replaced.describe(),
                    st.changed + st.unchanged + st.removed,
                    _origin(meta).describe(),
                    st.added + st.changed + st.unchanged,
                )
        return stats

    def conflicts(self, metas: Sequence[SeriesMeta]) -> list[Conflict]:
        """The series among ``metas`` already stored from another origin (read only)."""
        with self._connect() as conn:
            return _conflicts(self._origins(conn, [m.symbol for m in metas]), metas)

    @staticmethod
    def _origins(conn: sqlite3.Connection, symbols: Sequence[str]) -> dict[str, Origin]:
        wanted = set(symbols)
        rows = conn.execute("SELECT symbol, kind, source, notes FROM series").fetchall()
        return {row[0]: Origin(*row[1:]) for row in rows if row[0] in wanted}

    def _write_one(
        self,
        conn: sqlite3.Connection,
        meta: SeriesMeta,
        frame: pd.DataFrame,
        stamp: str,
        replacing: Origin | None = None,
    ) -> WriteStats:
        if meta.kind not in KINDS:
            raise StoreError(f"unknown kind {meta.kind!r} (one of {', '.join(KINDS)})")
        conn.execute(
            """INSERT INTO series(symbol, kind, source, currency, notes, imported_at,
                                  file_sha256, file_name)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(symbol) DO UPDATE SET kind=excluded.kind, source=excluded.source,
                   currency=excluded.currency, notes=excluded.notes,
                   imported_at=excluded.imported_at, file_sha256=excluded.file_sha256,
                   file_name=excluded.file_name""",
            (
                meta.symbol,
                meta.kind,
                meta.source,
                meta.currency,
                meta.notes,
                stamp,
                meta.file_sha256,
                meta.file_name,
            ),
        )
        new = frame.reindex(columns=list(BAR_COLUMNS)).astype(np.float64)
        new.index = pd.Index(to_days(pd.DatetimeIndex(frame.index)), name="day")
        old = self._read_days(conn, meta.symbol)
        common = new.index.intersection(old.index)
        added_mask = ~new.index.isin(old.index)
        a, b = new.loc[common].to_numpy(), old.loc[common].to_numpy()
        differs = ~((a == b) | (np.isnan(a) & np.isnan(b))).all(axis=1)
        removed = 0
        if replacing is not None:  # counted against the old bars, then written afresh
            removed = int((~old.index.isin(new.index)).sum())
            conn.execute("DELETE FROM bars WHERE symbol=?", (meta.symbol,))
            added_mask = np.ones(len(new), dtype=bool)
        columns = [c for c in BAR_COLUMNS if new[c].notna().any() or c == "close"]
        names = ", ".join(columns)
        marks = ", ".join("?" * (len(columns) + 2))
        conn.executemany(  # new dates: plain inserts (NaN binds as NULL in SQLite)
            f"INSERT INTO bars(symbol, day, {names}) VALUES ({marks})",
            _rows(meta.symbol, new[added_mask], columns),
        )
        if replacing is None:
            updates = ", ".join(f"{c}=excluded.{c}" for c in BAR_COLUMNS)
            conn.executemany(
                f"""INSERT INTO bars(symbol, day, {", ".join(BAR_COLUMNS)})
                    VALUES ({", ".join("?" * (len(BAR_COLUMNS) + 2))})
                    ON CONFLICT(symbol, day) DO UPDATE SET {updates}""",
                _rows(meta.symbol, new.loc[common[differs]], list(BAR_COLUMNS)),
            )
        added = len(new) - len(common)
        return WriteStats(
            meta.symbol, added, int(differs.sum()), int((~differs).sum()), removed, replacing
        )

    def delete(self, symbol: str) -> int:
        """Remove a series and its bars; returns the number of bars removed."""
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if not conn.execute("SELECT 1 FROM series WHERE symbol=?", (symbol,)).fetchone():
                    raise StoreError(f"no series {symbol!r} in the store")
                n = conn.execute("DELETE FROM bars WHERE symbol=?", (symbol,)).rowcount
                conn.execute("DELETE FROM series WHERE symbol=?", (symbol,))
                conn.execute(_BUMP_REVISION)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return n

    # -- reads -----------------------------------------------------------------------------
    @staticmethod
    def _read_days(
        conn: sqlite3.Connection, symbol: str, columns: Sequence[str] = BAR_COLUMNS
    ) -> pd.DataFrame:
        unknown = set(columns) - set(BAR_COLUMNS)
        if unknown:
            raise StoreError(f"unknown bar columns {sorted(unknown)} (one of {BAR_COLUMNS})")
        cursor = conn.execute(
            f"SELECT day, {', '.join(columns)} FROM bars WHERE symbol=? ORDER BY day", (symbol,)
        )
        rows = np.fromiter(cursor, dtype=[("day", np.int64), *((c, np.float64) for c in columns)])
        return pd.DataFrame(
            {c: rows[c] for c in columns}, index=pd.Index(rows["day"], name="day"), dtype=np.float64
        )

    def read(self, symbol: str, columns: Sequence[str] = BAR_COLUMNS) -> pd.DataFrame:
        """Bars of ``symbol`` indexed by date (float columns; NaN where absent)."""
        with self._connect() as conn:
            if not conn.execute("SELECT 1 FROM series WHERE symbol=?", (symbol,)).fetchone():
                raise StoreError(f"no series {symbol!r} in the store")
            frame = self._read_days(conn, symbol, columns)
        frame.index = from_days(frame.index.to_numpy())
        return frame

    def stamp(self) -> tuple[str, int]:
        """Changes with every committed write, by this process or another: the store's random
        id (a store deleted and made afresh is another store) and its count of writes. A cache
        key for what was read; unlike the file's size and time, reads never change it."""
        with self._connect() as conn:
            store_id, n = conn.execute("SELECT store_id, n FROM revision").fetchone()
        return str(store_id), int(n)

    def read_closes(self, symbols: Sequence[str]) -> pd.DataFrame:
        """Close prices of several series, outer-joined on date (NaN where a series has none)."""
        parts = {}
        with self._connect() as conn:
            for symbol in symbols:
                if not conn.execute("SELECT 1 FROM series WHERE symbol=?", (symbol,)).fetchone():
                    raise StoreError(f"no series {symbol!r} in the store")
                days = self._read_days(conn, symbol, ["close"])
                parts[symbol] = (days.index.to_numpy(), days["close"].to_numpy())
        days_each = [d for d, _ in parts.values()]
        union = np.unique(np.concatenate(days_each)) if parts else np.empty(0, np.int64)
        data = np.full((len(union), len(parts)), np.nan)
        for j, (days, closes) in enumerate(parts.values()):
            data[np.searchsorted(union, days), j] = closes
        return pd.DataFrame(data, index=from_days(union), columns=list(parts))

    def info(self, symbol: str) -> SeriesInfo:
        """One series with its row count and date range (reads only that series' bars)."""
        matches = self._series_infos("WHERE s.symbol = ?", (symbol,))
        if not matches:
            raise StoreError(f"no series {symbol!r} in the store")
        return matches[0]

    def list_series(self) -> list[SeriesInfo]:
        """Every series with its row count and first/last date (ISO), by symbol."""
        return self._series_infos()

    def _series_infos(self, where: str = "", params: tuple = ()) -> list[SeriesInfo]:
        with self._connect() as conn:
            rows = conn.execute(
                f"""SELECT s.symbol, s.kind, s.source, s.currency, s.notes, s.imported_at,
                           s.file_sha256, s.file_name, COUNT(b.day), MIN(b.day), MAX(b.day)
                    FROM series s LEFT JOIN bars b ON b.symbol = s.symbol {where}
                    GROUP BY s.symbol ORDER BY s.symbol""",
                params,
            ).fetchall()
        return [
            SeriesInfo(*row[:8], rows=row[8], first=_iso(row[9]), last=_iso(row[10]))
            for row in rows
        ]

    def is_empty(self) -> bool:
        with self._connect() as conn:
            return conn.execute("SELECT COUNT(*) FROM series").fetchone()[0] == 0

    def content_hash(self) -> str:
        """sha256 over every series and bar, in a fixed order (for integrity checks)."""
        digest = hashlib.sha256()
        with self._connect() as conn:
            for row in conn.execute("SELECT * FROM series ORDER BY symbol"):
                digest.update(repr(row).encode())
            for row in conn.execute("SELECT * FROM bars ORDER BY symbol, day"):
                digest.update(repr(row).encode())
        return digest.hexdigest()


def _origin(meta: SeriesMeta) -> Origin:
    return Origin(meta.kind, meta.source, meta.notes)


def _conflicts(stored: dict[str, Origin], metas: Sequence[SeriesMeta]) -> list[Conflict]:
    return [
        Conflict(m.symbol, stored[m.symbol], _origin(m))
        for m in metas
        if m.symbol in stored and stored[m.symbol] != _origin(m)
    ]


def _rows(symbol: str, frame: pd.DataFrame, columns: list[str]) -> Iterator[tuple]:
    """(symbol, day, *values) tuples, built column-wise for speed."""
    values = [frame[c].to_numpy().tolist() for c in columns]
    return zip(itertools.repeat(symbol), frame.index.tolist(), *values, strict=False)


def open_or_recover(path: Path) -> tuple[MarketStore, Recovery | None]:
    """Open and check the store; if it is damaged, move it (with its WAL and shared-memory
    files) aside under a dated name and start an empty one in its place."""
    try:
        store = MarketStore(path)
        store.check()
        return store, None
    except StoreDamaged as exc:
        kept = quarantine(Path(path))
        for suffix in ("-wal", "-shm"):
            side = Path(f"{path}{suffix}")
            if side.exists():
                os.replace(side, f"{kept}{suffix}")
        return MarketStore(path), Recovery(kept, str(exc))


def _iso(day: int | None) -> str | None:
    return None if day is None else str(_EPOCH + np.timedelta64(int(day), "D"))
