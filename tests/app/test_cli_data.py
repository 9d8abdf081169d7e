"""`ctadesk-cli data ...` end to end against a store under CTADESK_HOME."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.cli_helpers import cli_fails as _fails
from tests.cli_helpers import cli_ok as _ok
from tests.conftest import SHARED_DATA
from tests.fetch_server import serve


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
    again = _ok(["data", "import", str(out), "--symbol", "SPX"])
    assert again["series"][0]["unchanged"] == 2 and again["series"][0]["changed"] == 0
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
