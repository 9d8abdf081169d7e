"""The SQLite store: round trip, upsert counts, all-or-nothing writes, schema versioning,
no write into a series of another origin unless replacing it on purpose."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from engine.data.store import (
    SCHEMA_VERSION,
    MarketStore,
    Origin,
    SeriesConflict,
    SeriesMeta,
    StoreError,
)
from tests.conftest import SHARED_DATA, needs_data


def _frame(dates: list[str], closes: list[float], **extra: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"close": closes, **extra}, index=pd.DatetimeIndex(dates, name="date"))


@pytest.fixture
def store(tmp_path: Path) -> MarketStore:
    return MarketStore(tmp_path / "store.sqlite")


def test_round_trip_keeps_values_dates_and_nans(store: MarketStore) -> None:
    frame = _frame(
        ["2020-01-02", "2020-01-03", "2020-01-06"],
        [10.5, -3.25, 0.0],
        high=[11.0, np.nan, 1.0],
        volume=[1e6, 2e6, np.nan],
    )
    store.write([(SeriesMeta("CL", "future", "test"), frame)])
    back = store.read("CL")
    assert list(back.index.strftime("%Y-%m-%d")) == ["2020-01-02", "2020-01-03", "2020-01-06"]
    assert back["close"].tolist() == [10.5, -3.25, 0.0]
    assert back["high"].iloc[0] == 11.0 and np.isnan(back["high"].iloc[1])
    assert back["open"].isna().all()
    info = store.info("CL")
    assert (info.rows, info.first, info.last, info.kind) == (
        3,
        "2020-01-02",
        "2020-01-06",
        "future",
    )


def test_reimport_counts_added_changed_unchanged(store: MarketStore) -> None:
    meta = SeriesMeta("SPX", "index", "test")
    store.write([(meta, _frame(["2020-01-02", "2020-01-03"], [100.0, 101.0]))])
    (stats,) = store.write(
        [(meta, _frame(["2020-01-02", "2020-01-03", "2020-01-06"], [100.0, 102.0, 103.0]))]
    )
    assert (stats.added, stats.changed, stats.unchanged) == (1, 1, 1)
    assert store.read("SPX")["close"].tolist() == [100.0, 102.0, 103.0]


def test_failed_write_leaves_store_unchanged(store: MarketStore) -> None:
    store.write([(SeriesMeta("A", "index", "t"), _frame(["2020-01-02"], [1.0]))])
    before = store.content_hash()
    good = (SeriesMeta("B", "index", "t"), _frame(["2020-01-02"], [2.0]))
    bad = (SeriesMeta("C", "nonsense-kind", "t"), _frame(["2020-01-02"], [3.0]))
    with pytest.raises(StoreError):
        store.write([good, bad])
    assert store.content_hash() == before
    assert [s.symbol for s in store.list_series()] == ["A"]


def test_delete_and_unknown_symbol(store: MarketStore) -> None:
    store.write([(SeriesMeta("A", "index", "t"), _frame(["2020-01-02", "2020-01-03"], [1, 2]))])
    assert store.delete("A") == 2
    assert store.is_empty()
    with pytest.raises(StoreError, match="no series 'A'"):
        store.read("A")
    with pytest.raises(StoreError):
        store.delete("A")


def test_schema_version_and_wal(store: MarketStore) -> None:
    assert store.schema_version == SCHEMA_VERSION
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    MarketStore(path)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    with pytest.raises(StoreError, match="newer than this CTA Desk"):
        MarketStore(path)


def test_garbage_database_file_gives_store_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        MarketStore(path)


def test_read_closes_aligns_on_dates(store: MarketStore) -> None:
    store.write(
        [
            (SeriesMeta("A", "future", "t"), _frame(["2020-01-02", "2020-01-03"], [1.0, 2.0])),
            (SeriesMeta("B", "future", "t"), _frame(["2020-01-03", "2020-01-06"], [5.0, 6.0])),
        ]
    )
    closes = store.read_closes(["A", "B"])
    assert closes.shape == (3, 2)
    assert np.isnan(closes.loc["2020-01-02", "B"]) and closes.loc["2020-01-06", "B"] == 6.0


def test_another_origin_is_refused_and_nothing_is_written(store: MarketStore) -> None:
    stored = SeriesMeta("VIX", "vix", "file:vix.csv", notes="column Close")
    store.write([(stored, _frame(["2020-01-02"], [12.0]))])
    before = store.content_hash()
    fresh = (SeriesMeta("NEW", "future", "file:panel.csv"), _frame(["2020-01-02"], [1.0]))
    for meta in (
        SeriesMeta("VIX", "future", "file:vix.csv", notes="column Close"),  # another kind
        SeriesMeta("VIX", "vix", "file:panel.csv", notes="column Close"),  # another source
        SeriesMeta("VIX", "vix", "file:vix.csv", notes="column Open"),  # another column
    ):
        with pytest.raises(SeriesConflict) as err:
            store.write([fresh, (meta, _frame(["2020-01-02", "2020-01-03"], [99.0, 98.0]))])
        (conflict,) = err.value.conflicts
        assert conflict.symbol == "VIX"
        assert conflict.stored == Origin("vix", "file:vix.csv", "column Close")
        assert conflict.incoming == Origin(meta.kind, meta.source, meta.notes)
        assert store.content_hash() == before
    assert store.conflicts([fresh[0]]) == []


def test_replace_swaps_the_series_whole_and_logs_both_origins(
    store: MarketStore, caplog: pytest.LogCaptureFixture
) -> None:
    old = SeriesMeta("VIX", "vix", "file:vix.csv", notes="column Close")
    store.write([(old, _frame(["2020-01-02", "2020-01-03", "2020-01-06"], [12.0, 13.0, 14.0]))])
    new = SeriesMeta("VIX", "future", "file:panel.csv", notes="column VIX")
    with caplog.at_level(logging.INFO, logger="engine.data.store"):
        (stats,) = store.write(
            [(new, _frame(["2020-01-03", "2020-01-06", "2020-01-07"], [13.0, 20.0, 21.0]))],
            replace=True,
        )
    assert (stats.added, stats.changed, stats.unchanged, stats.removed) == (1, 1, 1, 1)
    assert stats.replaced == Origin("vix", "file:vix.csv", "column Close")
    assert store.read("VIX")["close"].tolist() == [13.0, 20.0, 21.0]
    assert store.info("VIX").origin == Origin("future", "file:panel.csv", "column VIX")
    (record,) = [r for r in caplog.records if "replaced series VIX" in r.getMessage()]
    assert record.levelno == logging.INFO
    assert "was kind vix from file:vix.csv, column Close (3 bars)" in record.getMessage()
    assert "now kind future from file:panel.csv, column VIX (3 bars)" in record.getMessage()


def test_a_failed_replace_changes_nothing(store: MarketStore) -> None:
    old = SeriesMeta("VIX", "vix", "file:vix.csv", notes="column Close")
    store.write([(old, _frame(["2020-01-02", "2020-01-03"], [12.0, 13.0]))])
    before = store.content_hash()
    new = (SeriesMeta("VIX", "future", "file:panel.csv"), _frame(["2020-01-03"], [50.0]))
    bad = (SeriesMeta("C", "nonsense-kind", "file:panel.csv"), _frame(["2020-01-02"], [3.0]))
    with pytest.raises(StoreError, match="unknown kind"):
        store.write([new, bad], replace=True)
    assert store.content_hash() == before


@needs_data
def test_read_closes_matches_the_real_panel_file(store: MarketStore) -> None:
    """The bulk read against the file itself (pandas reading the CSV): every close of every
    column on the dates that column has, NaN elsewhere, the union of dates as the index."""
    path = SHARED_DATA / "futures_panel_adjusted_daily.csv"
    raw = pd.read_csv(path, parse_dates=[0], index_col=0)
    columns = list(raw.columns[:5])
    store.write(
        [
            (SeriesMeta(c, "future", "t"), raw[[c]].dropna().set_axis(["close"], axis=1))
            for c in columns
        ]
    )
    closes = store.read_closes(columns)
    expected = raw[columns].dropna(how="all")
    assert closes.index.equals(pd.DatetimeIndex(expected.index.values, name="date"))
    np.testing.assert_array_equal(closes.to_numpy(), expected.to_numpy())
    with pytest.raises(StoreError, match="no series 'NOPE'"):
        store.read_closes([columns[0], "NOPE"])


def test_stamp_moves_with_writes_only(tmp_path: Path) -> None:
    store = MarketStore(tmp_path / "a.sqlite")
    first = store.stamp()
    store.write([(SeriesMeta("A", "future", "t"), _frame(["2020-01-02"], [1.0]))])
    written = store.stamp()
    store.read_closes(["A"])
    store.read("A")
    MarketStore(store.path).list_series()  # another handle reading: no change
    assert store.stamp() == written != first
    with pytest.raises(SeriesConflict):  # a refused write changes nothing
        store.write([(SeriesMeta("A", "vix", "other"), _frame(["2020-01-02"], [2.0]))])
    assert store.stamp() == written
    store.delete("A")
    assert store.stamp() != written
    store.path.unlink()
    assert MarketStore(store.path).stamp()[0] != first[0]  # a store made afresh is another one
