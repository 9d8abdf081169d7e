"""Online fetchers against a local HTTP server on 127.0.0.1: good data, retries, a server that
hangs, one that returns garbage, 404s and no server at all."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.data.choice import ImportChoice
from engine.data.fetch import fetch_job
from engine.data.importers import ImportConflict, import_file
from engine.data.sources import FetchError, resolve_source, source_names
from engine.data.store import MarketStore
from engine.jobs import Cancelled, run_job
from tests.conftest import SHARED_DATA
from tests.fetch_server import Routes, serve


@pytest.fixture
def server() -> Iterator[tuple[str, Routes]]:
    with serve() as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> MarketStore:
    return MarketStore(tmp_path / "store.sqlite")


def _fetch(store: MarketStore, name: str, base: str, **kw):
    return run_job(fetch_job(store, name, base_url=base, backoff=0.05, **kw))


def test_cboe_vix_download_imports_real_history(store, server) -> None:
    base, routes = server
    report = _fetch(store, "cboe-vix", base)
    assert report.format == "cboe"
    assert report.as_dict()["file"] == base + "VIX_History.csv"
    info = store.info("VIX")
    assert info.kind == "vix" and "CBOE VIX daily" in info.source
    vix = store.read("VIX")["close"]
    assert vix["2020-03-16"] == 82.69
    if SHARED_DATA.is_dir():
        assert (info.rows, info.first, info.last) == (9235, "1990-01-02", "2026-07-23")
    again = _fetch(store, "cboe-vix", base)  # a re-fetch changes nothing
    assert again.series[0]["added"] == 0 and again.series[0]["changed"] == 0
    assert routes.hits["/VIX_History.csv"] == 2


def test_stooq_ticker(store, server) -> None:
    base, _ = server
    report = _fetch(store, "stooq:^spx", base)
    assert report.series[0]["symbol"] == "^SPX"
    assert store.read("^SPX")["close"].tolist() == [5346.56, 5186.33]


def test_retry_with_backoff_after_503(store, server) -> None:
    base, routes = server
    _fetch(store, "stooq:flaky", base, retries=2)
    assert routes.hits["/?s=flaky&i=d"] == 2
    assert len(store.read("FLAKY")) == 2


def test_404_fails_at_once_without_retry(store, server) -> None:
    base, routes = server
    before = store.content_hash()
    with pytest.raises(FetchError, match="HTTP 404"):
        _fetch(store, "stooq:missing", base, retries=3)
    assert routes.hits["/?s=missing&i=d"] == 1
    assert store.content_hash() == before


def test_hanging_server_times_out_with_clear_message(store, server) -> None:
    base, routes = server
    started = time.monotonic()
    with pytest.raises(FetchError, match="did not answer in time"):
        _fetch(store, "cboe-vix3m", base, timeout=0.3, retries=1)
    assert time.monotonic() - started < 10
    assert routes.hits["/VIX3M_History.csv"] == 2  # first try plus one retry
    assert store.is_empty()


@pytest.mark.parametrize(("source", "words"), [("cboe-vix9d", "binary"), ("stooq:nodata", "")])
def test_garbage_is_refused_and_store_untouched(store, server, source: str, words: str) -> None:
    base, _ = server
    before = store.content_hash()
    with pytest.raises(FetchError, match="did not return usable data") as err:
        _fetch(store, source, base)
    assert words in str(err.value)
    assert store.content_hash() == before


def test_content_type_and_announced_size_are_checked_before_reading(store, server) -> None:
    base, routes = server
    before = store.content_hash()
    with pytest.raises(FetchError, match="sent text/html, not a CSV file"):
        _fetch(store, "stooq:page", base)
    with pytest.raises(FetchError, match=r"10,737,418,240 bytes\) is over the"):
        _fetch(store, "stooq:huge", base)
    assert store.content_hash() == before
    assert routes.hits["/?s=page&i=d"] + routes.hits["/?s=huge&i=d"] == 2  # no retry
    with pytest.raises(FetchError, match="only http and https"):
        _fetch(store, "cboe-vix", "file:///etc/")
    _fetch(store, "stooq:csvtype", base)  # a CSV labelled as one is fine
    assert store.read("CSVTYPE")["close"].tolist() == [5346.56, 5186.33]


def test_no_server_reads_as_offline(store) -> None:
    with pytest.raises(FetchError, match="you may be offline"):
        _fetch(store, "cboe-vix", "http://127.0.0.1:9/", retries=1)


def test_download_can_be_cancelled(store, server) -> None:
    base, _ = server
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        run_job(fetch_job(store, "cboe-vix", base_url=base), cancel=cancel)
    assert store.is_empty()


def test_sources_resolve() -> None:
    assert "cboe-vix" in source_names()
    assert resolve_source("stooq:SPY.US").url("http://h/") == "http://h/?s=spy.us&i=d"
    with pytest.raises(FetchError, match="unknown source"):
        resolve_source("bloomberg")


def test_fetch_into_a_series_of_another_source_is_refused(store, server, tmp_path) -> None:
    base, _ = server
    local = tmp_path / "VIX_History.csv"
    local.write_text("Date,Close\n2020-03-13,57.83\n2020-03-16,82.69\n", encoding="utf-8")
    import_file(store, local, symbol="VIX")
    before = store.content_hash()
    with pytest.raises(ImportConflict) as err:
        _fetch(store, "cboe-vix", base)
    assert err.value.file == base + "VIX_History.csv"
    assert "VIX is stored as kind vix from file:VIX_History.csv" in err.value.problem
    assert "from CBOE VIX daily (cboe-vix)" in err.value.problem
    assert store.content_hash() == before
    report = _fetch(store, "cboe-vix", base, choice=ImportChoice(replace=True))
    assert report.series[0]["replaced"] == "file:VIX_History.csv"
    assert store.info("VIX").source == "CBOE VIX daily (cboe-vix)"
