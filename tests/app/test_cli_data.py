"""`ctadesk-cli data ...` end to end against a store under CTADESK_HOME."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

from app.cli import run
from app.paths import app_paths
from engine.data.store import MarketStore
from tests.cli_helpers import cli_fails as _fails
from tests.cli_helpers import cli_ok as _ok
from tests.conftest import SHARED_DATA, needs_data
from tests.fetch_server import serve

VIX_FILE = SHARED_DATA / "vix_daily.csv"
PANEL = SHARED_DATA / "futures_panel_adjusted_daily.csv"
WAYS_FORWARD = ("--prefix FUT_", "--rename VIX=", "--replace", "--skip-existing")


def _store() -> MarketStore:
    return MarketStore(app_paths().ensure().store)


def _csv_column(path: Path, column: str) -> pd.Series:
    """A column of a real file read with plain pandas, by date, blanks dropped."""
    return pd.read_csv(path, index_col=0, parse_dates=True)[column].dropna()


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"{SHARED_DATA} is absent")
def test_import_every_shared_file_and_list_matches_files() -> None:
    expected: dict[str, tuple[int, str, str]] = {}
    for path in sorted(SHARED_DATA.glob("*.csv")):
        extra = ["--kind", "spot"] if path.name.startswith("wti") else []
        report = _ok(["data", "import", str(path), *extra])
        frame = pd.read_csv(path, index_col=0)
        for series in report["series"]:
            if report["format"] == "wide":
                col = frame[series["symbol"]]
            else:
                col = frame["Close"] if "Close" in frame else frame[frame.columns[0]]
            col = col.dropna()
            expected[series["symbol"]] = (len(col), col.index[0], col.index[-1])
    listed = {
        s["symbol"]: (s["rows"], s["first"], s["last"]) for s in _ok(["data", "list"])["series"]
    }
    assert listed == expected
    assert len(listed) == 8 + 16 + 20 + 5  # singles + futures + stocks + factor ETFs


def test_show_export_reimport_delete(tmp_path: Path) -> None:
    src = tmp_path / "spx.csv"
    src.write_text(
        "Date,Open,High,Low,Close,Adj Close,Volume\n"
        "2020-01-02,100,101,99,100.5,98.1,1000\n2020-01-03,100.5,102,100,101.5,99,1200\n",
        encoding="utf-8",
    )
    _ok(["data", "import", str(src), "--symbol", "SPX"])
    shown = _ok(["data", "show", "SPX", "--tail", "1"])
    assert shown["bars"] == [
        {"date": "2020-01-03", "open": 100.5, "high": 102.0, "low": 100.0, "close": 101.5,
         "adj_close": 99.0, "volume": 1200.0}
    ]  # fmt: skip
    out = tmp_path / "out" / "spx_export.csv"
    assert _ok(["data", "export", "SPX", str(out)])["rows"] == 2
    assert "SPX is stored as kind index from file:spx.csv" in _fails(
        ["data", "import", str(out), "--symbol", "SPX"]
    )  # the export is another file
    again = _ok(["data", "import", str(out), "--symbol", "SPX", "--replace"])
    assert again["series"][0]["unchanged"] == 2 and again["series"][0]["changed"] == 0
    assert again["series"][0]["replaced"] == "file:spx.csv"
    assert _ok(["data", "delete", "SPX"]) == {"deleted": "SPX", "rows": 2}
    assert _ok(["data", "list"]) == {"series": []}


def test_data_errors_exit_2(tmp_path: Path) -> None:
    assert "no series 'NOPE'" in _fails(["data", "show", "NOPE"])
    assert "no series" in _fails(["data", "delete", "NOPE", "--json"])
    assert "not found" in _fails(["data", "import", str(tmp_path / "missing.csv")])
    bad = tmp_path / "bad.csv"
    bad.write_text("Date,Close\n2020-01-02,1\n2020-01-02,2\n", encoding="utf-8")
    err = _fails(["data", "import", str(bad), "--json"])
    assert "bad.csv, line 2" in err and "duplicate date" in err
    assert "invalid choice" in _fails(["data", "import", str(bad), "--kind", "crypto"])


def test_fetch_from_local_server_and_offline_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with serve() as (base, _routes):
        report = _ok(["data", "fetch", "cboe-vix", "--base-url", base])
        assert report["series"][0]["symbol"] == "VIX" and report["format"] == "cboe"
        monkeypatch.setenv("CTADESK_FETCH_BASE_URL", base)  # the env override works too
        assert _ok(["data", "fetch", "stooq:^spx"])["series"][0]["rows"] == 2
    listed = {s["symbol"] for s in _ok(["data", "list"])["series"]}
    assert listed == {"VIX", "^SPX"}
    err = _fails(
        ["data", "fetch", "cboe-vix3m", "--base-url", "http://127.0.0.1:9/", "--retries", "0"]
    )
    assert "offline" in err


def test_demo_command_loads_labelled_universe() -> None:
    loaded = _ok(["data", "demo"])
    assert len(loaded["loaded"]) == 22 and loaded["source"] == "DEMO (synthetic)"
    assert {s["source"] for s in _ok(["data", "list"])["series"]} == {"DEMO (synthetic)"}


@needs_data
def test_vix_then_panel_is_refused_and_vix_is_kept() -> None:
    """The README's order: the panel's VIX column (back-adjusted VIX futures) never lands in
    the spot VIX; the refusal names VIX, both sources and the ways forward."""
    _ok(["data", "import", str(VIX_FILE), "--symbol", "VIX"])
    _ok(["data", "import", str(SHARED_DATA / "sp500_index_close_1990_2022.csv"), "--symbol", "SPX"])
    before = _store().content_hash()
    err = _fails(["data", "import", str(PANEL)])
    assert "VIX is stored as kind vix from file:vix_daily.csv" in err
    assert "kind future from file:futures_panel_adjusted_daily.csv, column VIX" in err
    assert all(way in err for way in WAYS_FORWARD) and "Nothing was written" in err
    store = _store()
    assert store.content_hash() == before  # not even the 15 other columns
    assert [s.symbol for s in store.list_series()] == ["SPX", "VIX"]
    vix = store.read("VIX")["close"]
    assert vix["2008-10-24"] == 79.13 and store.info("VIX").kind == "vix"
    assert vix.tolist() == _csv_column(VIX_FILE, "Close").tolist()


@needs_data
def test_panel_then_vix_is_refused_and_the_futures_are_kept() -> None:
    _ok(["data", "import", str(PANEL)])
    before = _store().content_hash()
    err = _fails(["data", "import", str(VIX_FILE), "--symbol", "VIX"])
    assert "VIX is stored as kind future from file:futures_panel_adjusted_daily.csv" in err
    assert "this import has kind vix from file:vix_daily.csv, column Close" in err
    assert all(way in err for way in ("--prefix NEW_", *WAYS_FORWARD[1:]))
    assert _store().content_hash() == before
    futures = _store().read("VIX")["close"]
    assert futures["2008-10-24"] == 132.77 and _store().info("VIX").kind == "future"
    _ok(["data", "import", str(VIX_FILE), "--symbol", "CBOE_VIX"])  # the way forward here
    assert _store().read("CBOE_VIX")["close"]["2008-10-24"] == 79.13


@needs_data
def test_prefix_imports_the_panel_beside_the_vix() -> None:
    _ok(["data", "import", str(VIX_FILE), "--symbol", "VIX"])
    vix_before = _store().read("VIX")
    report = _ok(["data", "import", str(PANEL), "--prefix", "FUT_"])
    header = pd.read_csv(PANEL, nrows=0).columns[1:]
    assert [s["symbol"] for s in report["series"]] == [f"FUT_{c}" for c in header]
    store = _store()
    assert store.read("VIX").equals(vix_before) and store.info("VIX").kind == "vix"
    assert store.read("FUT_VIX")["close"].tolist() == _csv_column(PANEL, "VIX").tolist()
    assert store.info("FUT_VIX").kind == "future"
    assert any(w.startswith("FUT_US10: 1335 zero or negative") for w in report["warnings"])


@needs_data
@pytest.mark.parametrize(
    "rename", [["--rename", "VIX=VX_ADJ"], ["--rename", "SP500=ES,VIX=VX_ADJ"]]
)
def test_rename_maps_the_colliding_column(rename: list[str]) -> None:
    _ok(["data", "import", str(VIX_FILE), "--symbol", "VIX"])
    vix_before = _store().read("VIX")
    report = _ok(["data", "import", str(PANEL), *rename])
    symbols = {s["symbol"] for s in report["series"]}
    assert "VX_ADJ" in symbols and "VIX" not in symbols and len(symbols) == 16
    assert ("ES" in symbols) == ("SP500=ES" in rename[1])
    store = _store()
    assert store.read("VIX").equals(vix_before)
    assert store.read("VX_ADJ")["close"].tolist() == _csv_column(PANEL, "VIX").tolist()


@needs_data
def test_replace_on_purpose_in_one_transaction(caplog: pytest.LogCaptureFixture) -> None:
    _ok(["data", "import", str(VIX_FILE), "--symbol", "VIX"])
    spot, futures = _csv_column(VIX_FILE, "Close"), _csv_column(PANEL, "VIX")
    common = spot.index.intersection(futures.index)
    with caplog.at_level(logging.INFO, logger="engine.data.store"):
        report = _ok(["data", "import", str(PANEL), "--replace"])
    (vix,) = [s for s in report["series"] if s["symbol"] == "VIX"]
    assert (vix["added"], vix["changed"], vix["removed"]) == (
        len(futures) - len(common), len(common), len(spot) - len(common),
    )  # fmt: skip
    assert vix["changed"] == 2628 and vix["replaced"] == "file:vix_daily.csv"
    store = _store()
    assert store.info("VIX").kind == "future"
    assert store.read("VIX")["close"].tolist() == futures.tolist()  # no spot bar left
    (line,) = [r.getMessage() for r in caplog.records if "replaced series VIX" in r.getMessage()]
    assert "was kind vix from file:vix_daily.csv" in line
    assert "now kind future from file:futures_panel_adjusted_daily.csv" in line


@needs_data
def test_skip_existing_imports_the_other_columns() -> None:
    _ok(["data", "import", str(VIX_FILE), "--symbol", "VIX"])
    report = _ok(["data", "import", str(PANEL), "--skip-existing"])
    assert report["skipped"] == ["VIX"] and len(report["series"]) == 15
    assert _store().read("VIX")["close"]["2008-10-24"] == 79.13


@needs_data
def test_same_source_update_appends_and_corrects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newer copy of the same CBOE file (same name) updates VIX in one command: the rows it
    adds and the one it corrects are counted, in the JSON and in the table."""
    lines = VIX_FILE.read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    old, new = tmp_path / "old" / "vix_daily.csv", tmp_path / "new" / "vix_daily.csv"
    old.write_text("".join(lines[:-5]), encoding="utf-8")
    corrected = lines[1000].split(",")
    corrected[4] = f"{float(corrected[4]) + 1:.2f}\n"
    new.write_text("".join([*lines[:1000], ",".join(corrected), *lines[1001:]]), "utf-8")
    _ok(["data", "import", str(old), "--symbol", "VIX"])
    report = _ok(["data", "import", str(new), "--symbol", "VIX"])
    assert (report["added"], report["changed"]) == (5, 1)
    assert (report["series"][0]["added"], report["series"][0]["changed"]) == (5, 1)
    assert _store().read("VIX")["close"].tolist() == _csv_column(new, "Close").tolist()
    again = _ok(["data", "import", str(new), "--symbol", "VIX"])
    assert (again["added"], again["changed"], again["series"][0]["unchanged"]) == (0, 0, 9235)

    monkeypatch.setenv("CTADESK_HOME", str(tmp_path / "table-home"))  # the same, as a table
    assert run(["data", "import", str(old), "--symbol", "VIX"])[0] == 0
    status, table, _ = run(["data", "import", str(new), "--symbol", "VIX"])
    assert status == 0 and "\nadded    5\nchanged  1\n" in table
    assert "symbol  kind  rows  added  changed  unchanged" in table
    assert "  VIX     vix   9235  5      1        9229" in table


def test_import_help_documents_the_ways_forward(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run(["data", "import", "--help"])
    text = capsys.readouterr().out
    for words in (
        "--prefix FUT_",
        "--rename VIX=VX_ADJ",
        "--replace",
        "--skip-existing",
        "file:NAME",
    ):
        assert words in text
