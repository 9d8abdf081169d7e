"""Importers on hand-made files: formats, every validation error, warnings, re-import."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.data.choice import ImportChoice
from engine.data.csvcheck import DataImportError
from engine.data.importers import ImportConflict, detect_format, import_file, parse_file
from engine.data.store import MarketStore


@pytest.fixture
def store(tmp_path: Path) -> MarketStore:
    return MarketStore(tmp_path / "store.sqlite")


def _csv(tmp_path: Path, text: str, name: str = "input.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


CBOE = (
    "DATE,OPEN,HIGH,LOW,CLOSE\n"
    "01/02/2020,13.46,13.72,12.42,12.47\n01/03/2020,15.01,16.20,13.13,14.02\n"
)
YAHOO = (
    "Date,Open,High,Low,Close,Adj Close,Volume\n"
    "2020-01-02,100,101,99,100.5,98.1,1000\n2020-01-03,100.5,102,100,101.5,99.0,1200\n"
)


def test_cboe_format_with_us_dates(store: MarketStore, tmp_path: Path) -> None:
    path = _csv(tmp_path, CBOE, "VIX_History.csv")
    report = import_file(store, path)
    assert report.format == "cboe"
    assert report.series[0]["symbol"] == "VIX_HISTORY"
    assert report.series[0]["kind"] == "vix"
    bars = store.read("VIX_HISTORY")
    assert bars.index[0].strftime("%Y-%m-%d") == "2020-01-02"
    assert bars["close"].tolist() == [12.47, 14.02]


def test_yahoo_format_keeps_adjusted_close_and_volume(store: MarketStore, tmp_path: Path) -> None:
    report = import_file(store, _csv(tmp_path, YAHOO, "spy.csv"), symbol="SPY")
    assert report.format == "yahoo" and report.series[0]["kind"] == "index"
    bars = store.read("SPY")
    assert bars["adj_close"].tolist() == [98.1, 99.0]
    assert bars["volume"].tolist() == [1000, 1200]
    assert bars["close"].tolist() == [100.5, 101.5]


@pytest.mark.parametrize(
    ("header", "fmt"),
    [
        (["DATE", "OPEN", "HIGH", "LOW", "CLOSE"], "cboe"),
        (["Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"], "yahoo"),
        (["Date", "Close"], "single"),
        (["Date", "Value"], "single"),
        (["Date", "Open", "High", "Low", "Close", "Volume"], "single"),
        (["Date", "ES", "NQ", "ZN"], "wide"),
        (["date", "DGS10"], "single"),
        (["Trade Date", "Futures", "Open", "High", "Low", "Close", "Settle"], "cfe"),
        (["trade_date", "contract", "expiry", "settle", "source"], "long"),
    ],
)
def test_detect_format(header: list[str], fmt: str) -> None:
    assert detect_format(header) == fmt


def test_format_override(store: MarketStore, tmp_path: Path) -> None:
    path = _csv(tmp_path, "Date,Open,Close\n2020-01-02,1,2\n2020-01-03,2,3\n")
    assert parse_file(path).format == "single"
    report = import_file(store, path, fmt="wide")
    assert sorted(s["symbol"] for s in report.series) == ["CLOSE", "OPEN"]


def test_reimport_of_a_newer_copy_reports_added_and_changed(
    store: MarketStore, tmp_path: Path
) -> None:
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    first = _csv(tmp_path / "old", "Date,Close\n2020-01-02,10\n2020-01-03,11\n", "x.csv")
    import_file(store, first, symbol="X")
    newer = "Date,Close\n2020-01-03,11.5\n2020-01-06,12\n2020-01-07,13\n"
    report = import_file(store, _csv(tmp_path / "new", newer, "x.csv"), symbol="X")
    assert (report.series[0]["added"], report.series[0]["changed"]) == (2, 1)
    assert (report.total("added"), report.total("changed")) == (2, 1)
    assert store.read("X")["close"].tolist() == [10, 11.5, 12, 13]


def test_another_file_into_the_same_symbol_is_refused(store: MarketStore, tmp_path: Path) -> None:
    import_file(store, _csv(tmp_path, "Date,Close\n2020-01-02,10\n", "a.csv"), symbol="X")
    before = store.content_hash()
    with pytest.raises(ImportConflict) as err:
        import_file(store, _csv(tmp_path, "Date,Close\n2020-01-02,99\n", "b.csv"), symbol="X")
    assert "X is stored as kind index from file:a.csv" in err.value.problem
    assert "from file:b.csv" in err.value.problem
    assert store.content_hash() == before


def test_rename_and_prefix_errors_write_nothing(store: MarketStore, tmp_path: Path) -> None:
    path = _csv(tmp_path, "Date,A,B\n2020-01-02,1,2\n", "w.csv")
    before = store.content_hash()
    with pytest.raises(DataImportError, match="--rename C: no such series here"):
        import_file(store, path, choice=ImportChoice(rename={"C": "D"}))
    with pytest.raises(DataImportError, match="the new names collide: B"):
        import_file(store, path, choice=ImportChoice(rename={"a": "b"}))
    with pytest.raises(DataImportError, match="bad new name"):
        import_file(store, path, choice=ImportChoice(rename={"A": "???"}))
    assert store.content_hash() == before
    report = import_file(store, path, choice=ImportChoice(prefix="p_", rename={"a": "first"}))
    assert [s["symbol"] for s in report.series] == ["FIRST", "P_B"]


def test_unsorted_input_is_sorted_with_warning(store: MarketStore, tmp_path: Path) -> None:
    path = _csv(tmp_path, "Date,Close\n2020-01-03,2\n2020-01-02,1\n2020-01-06,3\n")
    report = import_file(store, path, symbol="U")
    assert any("not in date order" in w for w in report.warnings)
    assert store.read("U")["close"].tolist() == [1, 2, 3]


def test_gap_warning(store: MarketStore, tmp_path: Path) -> None:
    path = _csv(tmp_path, "Date,Close\n2020-01-02,1\n2020-01-03,1\n2020-03-02,2\n2020-03-03,2\n")
    report = import_file(store, path, symbol="G")
    assert any(
        "gaps over 10 business days (2020-01-03 -> 2020-03-02)" in w for w in report.warnings
    )


def test_wide_panel_allows_late_starts_and_negative_futures(
    store: MarketStore, tmp_path: Path
) -> None:
    path = _csv(tmp_path, "Date,A,B\n2020-01-02,1.5,\n2020-01-03,1.6,-2\n2020-01-06,,-1\n")
    report = import_file(store, path)
    rows = {s["symbol"]: (s["rows"], s["first"]) for s in report.series}
    assert rows == {"A": (2, "2020-01-02"), "B": (2, "2020-01-03")}
    assert any(w.startswith("B: 2 zero or negative") for w in report.warnings)


def _error(tmp_path: Path, text: str | bytes, **kwargs) -> DataImportError:
    path = tmp_path / "bad.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(DataImportError) as info:
        parse_file(path, **kwargs)
    assert str(path) in str(info.value)
    return info.value


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", None, "empty"),
        ("Date,Close\n", None, "no data rows"),
        ("Close,Date\n1,2020-01-02\n", 1, "first column must be the date"),
        ("Date,Close\n2020-01-02,1\nyesterday,2\n", 3, "unparsable date 'yesterday'"),
        ("Date,Close\n2020-01-02,1\n2020-02-30,2\n", 3, "unparsable date '2020-02-30'"),
        ("Date,Close\nnot-a-date,1\n", 2, "unparsable date"),
        ("Date,Close\n2020-01-02,1\n2020-01-03,2\n2020-01-02,3\n", 2, "duplicate date 2020-01-02"),
        ("Date,Close\n2020-01-02,1\n2020-01-03,abc\n", 3, "'abc' is not a number"),
        ("Date,Close\n2020-01-02,1\n2020-01-03,inf\n", 3, "not finite"),
        ("Date,Close\n2020-01-02,1\n2020-01-03,-5\n", 3, "zero or negative prices"),
        ("Date,Close\n2020-01-02,1\n,2\n", 3, "missing date"),
        ("Date,Close\n2020-01-02,1\n2020-01-03,2,7,8\n", 3, "malformed CSV"),
        ("Date,Foo,Bar\n2020-01-02,,\n", 1, "has no values"),
        ("Date,Open,Volume\n2020-01-02,1,3\n", 1, "no Close column"),
        ("Date,Close\n2020-01-02,\n2020-01-03,\n", None, "no prices"),
    ],
)
def test_bad_csv_errors_name_line_and_problem(
    tmp_path: Path, text: str, line: int | None, words: str
) -> None:
    err = _error(tmp_path, text)
    assert words in err.problem
    assert err.line == line


def test_negative_prices_refused_for_vix_suggest_kind(tmp_path: Path) -> None:
    err = _error(tmp_path, "Date,Close\n2020-01-02,15\n2020-01-03,0\n", symbol="VIX")
    assert "--kind" in err.problem and "2020-01-03" in err.problem and err.line == 3


def test_binary_non_utf8_and_huge_files(tmp_path: Path) -> None:
    assert "binary" in _error(tmp_path, b"Date,Close\n2020-01-02,1\n\x00\x01\x02").problem
    err = _error(tmp_path, "Date,Close\n2020-01-02,1\n2020-01-03,caf\xe9\n".encode("latin-1"))
    assert "not UTF-8" in err.problem and err.line == 3
    huge = _error(tmp_path, "Date,Close\n" + "2020-01-02,1\n" * 1000, max_bytes=1000)
    assert "import limit" in huge.problem and "split" in huge.problem


def test_missing_file_and_bad_options(tmp_path: Path) -> None:
    with pytest.raises(DataImportError, match="not found"):
        parse_file(tmp_path / "nope.csv")
    path = _csv(tmp_path, "Date,Close\n2020-01-02,1\n")
    with pytest.raises(DataImportError, match="unknown format"):
        parse_file(path, fmt="excel")
    with pytest.raises(DataImportError, match="unknown kind"):
        parse_file(path, kind="crypto")
    with pytest.raises(DataImportError, match="--symbol applies to single"):
        parse_file(_csv(tmp_path, "Date,A,B\n2020-01-02,1,2\n", "w.csv"), symbol="X")


def test_high_below_low_swapped_when_exact_else_dropped(tmp_path: Path) -> None:
    text = (
        "Date,Open,High,Low,Close\n"
        "2020-01-02,1.5,2,1,1.6\n"  # fine
        "2020-01-03,1.5,1,2,1.6\n"  # swapped: Open and Close inside [1, 2]
        "2020-01-06,5,1,2,1.6\n"  # Open outside either way: High and Low dropped
    )
    parsed = parse_file(_csv(tmp_path, text), symbol="S")
    frame = parsed.series[0].frame
    assert frame["high"].tolist()[:2] == [2, 2] and frame["low"].tolist()[:2] == [1, 1]
    assert frame.loc["2020-01-06", ["high", "low"]].isna().all()
    assert frame["close"].tolist() == [1.6, 1.6, 1.6]
    assert parsed.warnings == [
        "S: High below Low on lines 3 (2020-01-03): High and Low swapped, Close kept",
        "S: High below Low on lines 4 (2020-01-06), not a plain swap (Open or Close outside "
        "either way): High and Low dropped, Close kept",
    ]


def test_long_format_refused_unless_asked(store: MarketStore, tmp_path: Path) -> None:
    text = (
        "trade_date,contract,expiry,settle\n2020-01-02,VX 2020-01,2020-01-22,14.1\n"
        "2020-01-02,VX 2020-02,2020-02-19,15.2\n2020-01-03,VX 2020-01,2020-01-22,14.5\n"
    )
    path = _csv(tmp_path, text, "vx.csv")
    err = _error(tmp_path, text)
    assert "2 contracts (VX 2020-01 .. VX 2020-02)" in err.problem
    assert "ctadesk-cli data import bad.csv --format long" in err.problem
    report = import_file(store, path, fmt="long")
    assert [(s["symbol"], s["kind"], s["rows"]) for s in report.series] == [
        ("VX_2020-01", "future", 2), ("VX_2020-02", "future", 1),
    ]  # fmt: skip
    assert store.read("VX_2020-01")["close"].tolist() == [14.1, 14.5]


def test_cfe_contract_file_settle_is_close_and_placeholders_skipped(
    store: MarketStore, tmp_path: Path
) -> None:
    header = "Trade Date,Futures,Open,High,Low,Close,Settle,Change,Total Volume,EFP,Open Interest\n"
    rows = (
        "11/21/2007,X (Nov 08),0.00,0.00,0.00,0.00,0.00,0.00,0,0,0\n"
        "11/23/2007,X (Nov 08),0.00,0.00,0.00,0.00,25.24,25.24,0,0,0\n"
        "11/26/2007,X (Nov 08),25.5,25.50,25.50,25.50,25.49,0.25,100,0,100\n"
    )
    report = import_file(store, _csv(tmp_path, header + rows, "CFE_X08_VX.csv"))
    assert report.format == "cfe" and report.series[0]["symbol"] == "VX_2008-11"
    bars = store.read("VX_2008-11")
    assert bars["close"].tolist() == [25.24, 25.49]
    assert bars["high"].isna().tolist() == [True, False] and bars["volume"].tolist() == [0, 100]
    assert report.warnings == [
        "VX_2008-11: 1 rows with Settle 0 or blank skipped (listing-day placeholders, lines 2)"
    ]
    two = header + rows + "11/27/2007,Z (Dec 08),25,25,25,25,25,0,1,0,1\n"
    assert "import it with --format long" in _error(tmp_path, two).problem


def test_open_outside_range_is_a_warning(tmp_path: Path) -> None:
    parsed = parse_file(_csv(tmp_path, "Date,Open,High,Low,Close\n2020-01-02,5,2,1,1.5\n"))
    assert any("outside High-Low (lines 2)" in w for w in parsed.warnings)


def test_bom_blank_lines_and_quoted_numbers(store: MarketStore, tmp_path: Path) -> None:
    text = '\ufeffDate,Close\n2020-01-02,"1,234.5"\n\n2020-01-03,1240\n\n'
    report = import_file(store, _csv(tmp_path, text), symbol="Q")
    assert report.series[0]["rows"] == 2
    assert store.read("Q")["close"].tolist() == [1234.5, 1240.0]


def test_two_gigabyte_file_is_refused_by_size_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:  # sparse: takes no disk space
        handle.truncate(2 * 1024**3)
    with pytest.raises(DataImportError, match=r"2\.0 GB, over the 512\.0 MB import limit"):
        parse_file(path)


@pytest.mark.parametrize(
    ("symbol", "kind"),
    [
        ("^VIX", "vix"),
        ("CBOE_VIX", "vix"),
        ("SPX", "index"),
        ("WTI_SPOT", "spot"),
        ("US10Y_YIELD", "macro"),
    ],
)
def test_kind_inferred_from_symbol(tmp_path: Path, symbol: str, kind: str) -> None:
    path = _csv(tmp_path, "Date,Close\n2020-01-02,15\n2020-01-03,16\n")
    assert parse_file(path, symbol=symbol).series[0].kind == kind


def test_fred_column_is_macro(tmp_path: Path) -> None:
    path = _csv(tmp_path, "date,DGS10\n2020-01-02,1.88\n2020-01-03,1.80\n", "rates.csv")
    assert parse_file(path).series[0].kind == "macro"
