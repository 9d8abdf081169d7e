"""``data fetch`` of the term-structure series (VIX9D, VIX3M, VIX6M, VVIX and VX contracts)
from a local HTTP server on 127.0.0.1 serving CBOE's own files: the real index histories byte
for byte, CFE's archive file for VX November 2008, and VX August/September 2024 written in
CBOE's current per-contract format from the real settles."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pandas as pd
import pytest

from engine.data.choice import ImportChoice
from engine.data.fetch import fetch_job
from engine.data.importers import ImportConflict, import_file
from engine.data.sources import CBOE_FUTURES_BASE, FetchError, resolve_source, source_names
from engine.data.store import MarketStore
from engine.jobs import run_job
from tests.cli_helpers import cli_ok
from tests.conftest import SHARED_DATA, needs_data
from tests.fetch_server import cboe_fixture, serve

TERM = SHARED_DATA / "vix_term_structure"
LONG = TERM / "vx_futures_settle_2007_2026.csv"
CFE_HEADER = "Trade Date,Futures,Open,High,Low,Close,Settle,Change,Total Volume,EFP,Open Interest"

pytestmark = needs_data


def _current_format(contract: str) -> bytes:
    """A contract's real settles in CBOE's current per-contract file format (ISO dates, the
    expiry in the Futures column; no trades given: Open to Close 0, as on listing days)."""
    raw = pd.read_csv(LONG)
    rows = raw[raw["contract"] == contract]
    lines = [CFE_HEADER] + [
        f"{r.trade_date},{r.expiry},0.0,0.0,0.0,0.0,{r.settle},0.0,0,0,0" for r in rows.itertuples()
    ]
    return ("\n".join(lines) + "\n").encode()


def _files() -> dict[str, bytes]:
    """URL path -> body, as CBOE lays them out."""
    files = {"/VIX_History.csv": cboe_fixture()}
    for name in ("VIX9D", "VIX3M", "VIX6M", "VVIX"):
        files[f"/{name}_History.csv"] = (TERM / f"{name.lower()}_daily.csv").read_bytes()
    files["/VX/VX_2008-11-19.csv"] = (TERM / "cfe_contracts" / "CFE_X08_VX.csv").read_bytes()
    files["/VX/VX_2024-08-21.csv"] = _current_format("VX 2024-08")
    files["/VX/VX_2024-09-18.csv"] = _current_format("VX 2024-09")
    return files


@pytest.fixture
def base() -> Iterator[str]:
    with serve(_files()) as (url, _routes):
        yield url


@pytest.fixture
def store(tmp_path) -> MarketStore:
    return MarketStore(tmp_path / "store.sqlite")


def _fetch(store: MarketStore, name: str, base: str, **kw):
    return run_job(fetch_job(store, name, base_url=base, retries=0, **kw))


def test_vx_source_names_resolve_to_cboe_files() -> None:
    aug = resolve_source("cboe-vx:2024-08")
    assert aug.url(CBOE_FUTURES_BASE) == CBOE_FUTURES_BASE + "VX/VX_2024-08-21.csv"
    assert (aug.symbol, aug.kind, aug.fmt) == ("VX_2024-08", "future", "cfe")
    assert resolve_source("cboe-vx:2022-03").path == "VX/VX_2022-03-15.csv"  # Good Friday
    for bad in ("cboe-vx:2024-13", "cboe-vx:24-08", "cboe-vx:"):
        with pytest.raises(FetchError, match="expected cboe-vx:YYYY-MM"):
            resolve_source(bad)
    assert {"cboe-vix6m", "cboe-vvix"} <= set(source_names())
    with pytest.raises(FetchError, match="cboe-vx:YYYY-MM"):
        resolve_source("cboe-vx9")


def test_sources_stay_light_to_import() -> None:
    code = "import sys, engine.data.sources; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_index_histories(store, base) -> None:
    expected = {"VIX9D": 42.79, "VIX3M": 33.71, "VIX6M": 30.28, "VVIX": 173.32}  # 2024-08-05
    for symbol, close in expected.items():
        report = _fetch(store, f"cboe-{symbol.lower()}", base)
        info = store.info(symbol)
        assert info.kind == "vix" and f"(cboe-{symbol.lower()})" in info.source
        assert store.read(symbol)["close"]["2024-08-05"] == close
        lines = (TERM / f"{symbol.lower()}_daily.csv").read_text().splitlines()
        assert info.rows == len(lines) - 1
        if symbol == "VIX6M":  # its 07/05/2019 row has High and Low swapped
            assert any("2019-07-05" in w and "swapped" in w for w in report.warnings)


def test_vx_contract_files_in_both_cboe_formats(store, base) -> None:
    old = _fetch(store, "cboe-vx:2008-11", base)
    assert old.format == "cfe" and old.as_dict()["file"] == base + "VX/VX_2008-11-19.csv"
    settles = pd.read_csv(TERM / "cfe_contracts" / "CFE_X08_VX.csv")["Settle"]
    assert store.info("VX_2008-11").rows == (settles > 0).sum()  # listing zeros skipped
    assert store.read("VX_2008-11")["close"]["2008-10-24"] == 55.82
    new = _fetch(store, "cboe-vx:2024-08", base)
    assert new.format == "cfe"
    assert store.read("VX_2024-08")["close"]["2024-08-05"] == 32.0986
    assert store.info("VX_2024-08").source == "CBOE VX 2024-08 futures (cboe-vx:2024-08)"
    with pytest.raises(FetchError, match="HTTP 404"):
        _fetch(store, "cboe-vx:2024-10", base)


def test_fetched_contract_keeps_the_stores_symbol_identity(store, base) -> None:
    import_file(store, LONG, fmt="long")
    before = store.content_hash()
    with pytest.raises(ImportConflict) as err:
        _fetch(store, "cboe-vx:2024-08", base)
    text = str(err.value)
    assert "VX_2024-08" in text and "file:vx_futures_settle_2007_2026.csv" in text
    assert "cboe-vx:2024-08" in text and store.content_hash() == before
    _fetch(store, "cboe-vx:2024-08", base, choice=ImportChoice(prefix="CBOE_"))
    fetched = store.read("CBOE_VX_2024-08")["close"]
    assert fetched.equals(store.read("VX_2024-08")["close"])


def test_fetch_then_term_from_the_store(base) -> None:
    for name in ("cboe-vix", "cboe-vix3m", "cboe-vvix", "cboe-vx:2024-08", "cboe-vx:2024-09"):
        cli_ok(["data", "fetch", name, "--base-url", base, "--retries", "0"])
    out = cli_ok(["term", "--date", "2024-08-05"])
    assert out["inputs"]["VIX"] == "VIX" and out["inputs"]["VIX3M"] == "VIX3M"
    assert out["state"] == "backwardation" and out["vvix"] == 173.32
    assert [f["contract"] for f in out["futures"]] == ["VX 2024-08", "VX 2024-09"]
    assert round(out["basis_front"], 2) == 6.47 and out["incomplete"] is False
    assert out["vx30"] == pytest.approx((32.0986 + 30.3911) / 2)
