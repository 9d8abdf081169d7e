"""Importers on hand-made files: formats, every validation error, warnings, re-import."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.data.csvcheck import DataImportError
from engine.data.importers import detect_format, import_file, parse_file
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
    ],
)
def test_detect_format(header: list[str], fmt: str) -> None:
    assert detect_format(header) == fmt


def test_format_override(store: MarketStore, tmp_path: Path) -> None:
    path = _csv(tmp_path, "Date,Open,Close\n2020-01-02,1,2\n2020-01-03,2,3\n")
    assert parse_file(path).format == "single"
    report = import_file(store, path, fmt="wide")
    assert sorted(s["symbol"] for s in report.series) == ["CLOSE", "OPEN"]


def test_reimport_reports_added_and_changed(store: MarketStore, tmp_path: Path) -> None:
    first = _csv(tmp_path, "Date,Close\n2020-01-02,10\n2020-01-03,11\n", "a.csv")
    import_file(store, first, symbol="X")
    second = _csv(tmp_path, "Date,Close\n2020-01-03,11.5\n2020-01-06,12\n2020-01-07,13\n", "b.csv")
    report = import_file(store, second, symbol="X")
    assert (report.series[0]["added"], report.series[0]["changed"]) == (2, 1)
    assert store.read("X")["close"].tolist() == [10, 11.5, 12, 13]


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
        ("Date,Open,High,Low,Close\n2020-01-02,1,1,2,1.5\n", 2, "High below Low"),
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
    ("symbol", "kind"), [("^VIX", "vix"), ("CBOE_VIX", "vix"), ("SPX", "index")]
)
def test_kind_inferred_from_symbol(tmp_path: Path, symbol: str, kind: str) -> None:
    path = _csv(tmp_path, "Date,Close\n2020-01-02,15\n2020-01-03,16\n")
    assert parse_file(path, symbol=symbol).series[0].kind == kind
