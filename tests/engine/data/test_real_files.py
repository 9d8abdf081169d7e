"""Acceptance: every CSV in ../shared/data imports, with counts, ranges and values from its
PROVENANCE.md."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from engine.data.csvcheck import DataImportError
from engine.data.importers import import_file, parse_file
from engine.data.store import MarketStore
from engine.data.symbols import pick_vix_symbol
from tests.conftest import SHARED_DATA

pytestmark = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"real data folder {SHARED_DATA} is absent"
)

# file -> (format, {symbol: (rows, first, last)}) from PROVENANCE.md
SINGLE = {
    "vix_daily.csv": ("single", "VIX_DAILY", 9235, "1990-01-02", "2026-07-23"),
    "sp500_index_close_1990_2022.csv": (
        "single",
        "SP500_INDEX_CLOSE_1990_2022",
        8313,
        "1990-01-02",
        "2022-12-28",
    ),
    "sp500_index_ohlcv_1999_2018.csv": (
        "yahoo",
        "SP500_INDEX_OHLCV_1999_2018",
        5031,
        "1999-01-04",
        "2018-12-31",
    ),
    "nasdaq_index_ohlcv_1999_2018.csv": (
        "yahoo",
        "NASDAQ_INDEX_OHLCV_1999_2018",
        5031,
        "1999-01-04",
        "2018-12-31",
    ),
    "brent_crude_spot_daily.csv": (
        "single",
        "BRENT_CRUDE_SPOT_DAILY",
        9958,
        "1987-05-20",
        "2026-08-18",
    ),
    # one empty Close (2018-01-05) in the source: 7437 rows, 7436 prices
    "henry_hub_natgas_spot_daily.csv": (
        "single",
        "HENRY_HUB_NATGAS_SPOT_DAILY",
        7436,
        "1997-01-07",
        "2026-08-18",
    ),
    "us10y_yield_monthly.csv": ("single", "US10Y_YIELD_MONTHLY", 879, "1953-04-01", "2026-06-01"),
}
FUTURES_CELLS = {
    "SP500": (5147, "1997-09-10"), "NASDAQ": (4696, "1999-06-23"), "EUROSTX": (1199, "2013-03-19"),
    "US10": (8964, "1982-05-04"), "US5": (7328, "1988-06-13"), "BUND": (1155, "2013-04-15"),
    "GOLD": (10744, "1975-01-02"), "CRUDE_W": (7521, "1987-11-25"), "GAS_US": (6903, "1990-04-04"),
    "COPPER": (6153, "1993-05-05"), "CORN": (9124, "1981-09-25"), "SOYBEAN": (4520, "2000-01-04"),
    "EUR": (4777, "1999-01-05"), "JPY": (10404, "1976-08-03"), "GBP": (10776, "1975-02-14"),
    "VIX": (2648, "2007-06-21"),
}  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> MarketStore:
    return MarketStore(tmp_path / "store.sqlite")


@pytest.mark.parametrize("name", sorted(SINGLE))
def test_single_series_files(store: MarketStore, name: str) -> None:
    fmt, symbol, rows, first, last = SINGLE[name]
    report = import_file(store, SHARED_DATA / name)
    assert report.format == fmt
    info = store.info(symbol)
    assert (info.rows, info.first, info.last) == (rows, first, last)
    assert report.series[0]["added"] == rows


def test_vix_known_values_and_warnings(store: MarketStore) -> None:
    report = import_file(store, SHARED_DATA / "vix_daily.csv", symbol="VIX")
    assert store.info("VIX").kind == "vix"
    assert store.info("VIX").file_sha256 == (
        "450e2d9f00d506f5f2fba9990057fa86e937dccbac65346466a83c5e5ff7b4f5"
    )
    vix = store.read("VIX")
    assert vix.loc["2020-03-16", "close"] == 82.69
    assert vix["close"].max() == 82.69
    assert tuple(vix.loc["2024-08-05", ["open", "high", "low", "close"]]) == (
        23.39, 65.73, 23.39, 38.57,
    )  # fmt: skip
    assert vix.loc["2008-10-24", "high"] == 89.53
    assert any("47 rows with Open or Close outside High-Low" in w for w in report.warnings)


def test_sp500_values(store: MarketStore) -> None:
    import_file(store, SHARED_DATA / "sp500_index_close_1990_2022.csv", symbol="SPX")
    spx = store.read("SPX")["close"]
    assert spx["2008-10-10"] == 899.22 and spx["2020-03-23"] == 2237.40
    import_file(store, SHARED_DATA / "sp500_index_ohlcv_1999_2018.csv", symbol="SPX_OHLCV")
    ohlcv = store.read("SPX_OHLCV")
    assert ohlcv["adj_close"].notna().all() and ohlcv["volume"].notna().all()


def test_wti_negative_price_refused_as_index_accepted_as_spot(store: MarketStore) -> None:
    path = SHARED_DATA / "wti_crude_spot_daily.csv"
    before = store.content_hash()
    with pytest.raises(DataImportError) as err:
        import_file(store, path, symbol="WTI")
    assert "2020-04-20" in str(err.value) and "--kind" in str(err.value)
    assert err.value.line == 8645
    assert store.content_hash() == before
    report = import_file(store, path, symbol="WTI", kind="spot")
    assert any("2020-04-20" in w for w in report.warnings)
    wti = store.read("WTI")["close"]
    assert len(wti) == 10226
    assert wti["2020-04-20"] == -36.98 and wti["2008-07-03"] == 145.31


def test_futures_panel_cells_per_instrument(store: MarketStore) -> None:
    report = import_file(store, SHARED_DATA / "futures_panel_adjusted_daily.csv")
    assert report.format == "wide"
    infos = {s.symbol: s for s in store.list_series()}
    for symbol, (cells, first) in FUTURES_CELLS.items():
        assert (infos[symbol].rows, infos[symbol].first, infos[symbol].last) == (
            cells, first, "2017-12-21",
        ), symbol  # fmt: skip
        assert infos[symbol].kind == "future"
    us10 = store.read("US10")["close"]
    assert (us10 < 0).sum() == 1335 and us10.min() == pytest.approx(-43.29, abs=0.01)
    assert (store.read("SOYBEAN")["close"] < 0).sum() == 1412
    assert any(w.startswith("BUND: 2 gaps") for w in report.warnings)


def test_wide_equity_panels(store: MarketStore) -> None:
    import_file(store, SHARED_DATA / "us_stocks20_adjclose_1990_2022.csv", kind="index")
    import_file(store, SHARED_DATA / "factor_etfs_adjclose_2014_2022.csv", kind="index")
    infos = {s.symbol: s for s in store.list_series()}
    assert len(infos) == 25
    assert infos["AAPL"].rows == 8313 and infos["MTUM"].rows == 2264
    assert store.read("AAPL")["close"].iloc[0] == pytest.approx(0.264, abs=5e-4)


def test_us10y_monthly_has_no_gap_warnings_and_known_values(store: MarketStore) -> None:
    report = import_file(
        store, SHARED_DATA / "us10y_yield_monthly.csv", symbol="US10Y", kind="macro"
    )
    assert not any("gaps" in w for w in report.warnings)
    y = store.read("US10Y")["close"]
    assert y["2022-12-01"] == 3.62 and y["2021-12-01"] == 1.47


def test_every_file_imports_and_matches_pandas(store: MarketStore) -> None:
    for path in sorted(SHARED_DATA.glob("*.csv")):
        kind = "spot" if path.name.startswith("wti") else None
        parsed = parse_file(path, kind=kind)
        reference = pd.read_csv(path, index_col=0, parse_dates=True)
        for series in parsed.series:
            col = reference[series.column].dropna()
            assert series.frame["close"].tolist() == col.tolist(), (path.name, series.symbol)


# Every file under ../shared/data, subfolders included: what a plain import gives (symbol ->
# (kind, the CSV column of its closes); WIDE: every column, kind future) or why it is refused.
WIDE = "every column"
EVERY_FILE: dict[str, dict[str, tuple[str, str]] | str] = {
    "PROVENANCE.md": "refused: malformed CSV",  # the notes on the data, not a CSV of prices
    "brent_crude_spot_daily.csv": {"BRENT_CRUDE_SPOT_DAILY": ("spot", "Close")},
    "factor_etfs_adjclose_2014_2022.csv": WIDE,  # ETFs: import with --kind index
    "futures_panel_adjusted_daily.csv": WIDE,
    "henry_hub_natgas_spot_daily.csv": {"HENRY_HUB_NATGAS_SPOT_DAILY": ("spot", "Close")},
    "nasdaq_index_ohlcv_1999_2018.csv": {"NASDAQ_INDEX_OHLCV_1999_2018": ("index", "Close")},
    "recent/futures_panel_adjusted_daily_2018_2024.csv": WIDE,
    "recent/nasdaq_composite_ohlcv_1971_2026.csv": {
        "NASDAQ_COMPOSITE_OHLCV_1971_2026": ("index", "close")
    },
    "recent/sp500_index_ohlcv_1927_2026.csv": {"SP500_INDEX_OHLCV_1927_2026": ("index", "close")},
    "recent/us10y_yield_daily_2003_2026.csv": {"US10Y_YIELD_DAILY_2003_2026": ("macro", "DGS10")},
    "sp500_index_close_1990_2022.csv": {"SP500_INDEX_CLOSE_1990_2022": ("index", "Close")},
    "sp500_index_ohlcv_1999_2018.csv": {"SP500_INDEX_OHLCV_1999_2018": ("index", "Close")},
    "us10y_yield_monthly.csv": {"US10Y_YIELD_MONTHLY": ("macro", "Value")},
    "us_stocks20_adjclose_1990_2022.csv": WIDE,  # stocks: import with --kind index
    "vix_daily.csv": {"VIX_DAILY": ("vix", "Close")},
    "vix_term_structure/cfe_contracts/CFE_V08_VX.csv": {"VX_2008-10": ("future", "Settle")},
    "vix_term_structure/cfe_contracts/CFE_X08_VX.csv": {"VX_2008-11": ("future", "Settle")},
    "vix_term_structure/vix3m_daily.csv": {"VIX3M_DAILY": ("vix", "CLOSE")},
    "vix_term_structure/vix6m_daily.csv": {"VIX6M_DAILY": ("vix", "CLOSE")},
    "vix_term_structure/vix9d_daily.csv": {"VIX9D_DAILY": ("vix", "CLOSE")},
    "vix_term_structure/vvix_daily.csv": {"VVIX_DAILY": ("vix", "VVIX")},
    # 236 contracts in one long file: imported only with --format long (see below)
    "vix_term_structure/vx_futures_settle_2007_2026.csv": "refused: --format long",
    "wti_crude_spot_daily.csv": {"WTI_CRUDE_SPOT_DAILY": ("spot", "Close")},
}
SHARED_FILES = (
    sorted(str(p.relative_to(SHARED_DATA)) for p in SHARED_DATA.rglob("*") if p.is_file())
    if SHARED_DATA.is_dir()
    else []
)


def _closes(path: Path, column: str) -> pd.Series:
    """A column of the CSV read with plain pandas, by date, blanks (and zero settles) out."""
    raw = pd.read_csv(path)
    values = pd.Series(raw[column].to_numpy(), index=pd.to_datetime(raw.iloc[:, 0]))
    values = values.dropna()
    return values[values != 0] if column == "Settle" else values


def test_every_shared_file_has_an_expectation() -> None:
    assert sorted(EVERY_FILE) == SHARED_FILES


@pytest.mark.parametrize("name", SHARED_FILES)
def test_every_shared_file_imports_or_is_refused_with_reason(store: MarketStore, name: str) -> None:
    path = SHARED_DATA / name
    expected = EVERY_FILE[name]
    if isinstance(expected, str) and expected.startswith("refused: "):
        before = store.content_hash()
        with pytest.raises(DataImportError) as err:
            import_file(store, path)
        assert expected.removeprefix("refused: ") in err.value.problem
        assert store.content_hash() == before
        return
    if expected == WIDE:
        header = pd.read_csv(path, nrows=0).columns[1:]
        expected = {c.upper(): ("future", c) for c in header}
    report = import_file(store, path)
    assert {s["symbol"]: s["kind"] for s in report.series} == {
        symbol: kind for symbol, (kind, _) in expected.items()
    }
    for symbol, (_, column) in expected.items():
        stored = store.read(symbol)["close"]
        reference = _closes(path, column)
        assert stored.index.equals(pd.DatetimeIndex(reference.index)), symbol
        assert stored.tolist() == reference.tolist(), symbol


def test_vix6m_swapped_row_is_a_warning_and_swapped(store: MarketStore) -> None:
    path = SHARED_DATA / "vix_term_structure" / "vix6m_daily.csv"
    report = import_file(store, path, symbol="VIX6M")
    assert report.warnings == [
        "VIX6M: High below Low on lines 2898 (2019-07-05): High and Low swapped, Close kept"
    ]
    raw = pd.read_csv(path).iloc[2896]  # line 2898 of the file
    assert raw["DATE"] == "07/05/2019" and raw["HIGH"] < raw["LOW"]
    bar = store.read("VIX6M").loc["2019-07-05"]
    assert (bar["high"], bar["low"], bar["close"]) == (raw["LOW"], raw["HIGH"], raw["CLOSE"])


def test_vx_long_file_imports_per_contract_when_asked(store: MarketStore) -> None:
    path = SHARED_DATA / "vix_term_structure" / "vx_futures_settle_2007_2026.csv"
    report = import_file(store, path, fmt="long")
    raw = pd.read_csv(path, parse_dates=["trade_date"])
    contracts = sorted(raw["contract"].unique())
    assert [s["symbol"] for s in report.series] == [c.replace(" ", "_") for c in contracts]
    assert {s["kind"] for s in report.series} == {"future"}
    nov08 = raw[raw["contract"] == "VX 2008-11"].set_index("trade_date")["settle"]
    assert store.read("VX_2008-11")["close"].tolist() == nov08.tolist()
    assert store.read("VX_2008-11")["close"]["2008-10-24"] == 55.82  # PROVENANCE.md
    assert sum(int(s["rows"]) for s in report.series) == len(raw)
    # the same contract from CFE's own file is another source: refused, nothing written
    before = store.content_hash()
    with pytest.raises(DataImportError, match="VX_2008-11 is stored as kind future from file:vx"):
        import_file(store, SHARED_DATA / "vix_term_structure/cfe_contracts/CFE_X08_VX.csv")
    assert store.content_hash() == before


def test_spot_vix_is_never_a_term_structure_series(store: MarketStore) -> None:
    """With only VIX3M, VIX9D, VIX6M and VVIX stored, no series stands in for the 30-day spot VIX
    (CBOE: each is a different tenor or the VIX's own vol); a spot VIX under any name is found."""
    folder = SHARED_DATA / "vix_term_structure"
    for name in ("vix3m_daily.csv", "vix9d_daily.csv", "vix6m_daily.csv", "vvix_daily.csv"):
        import_file(store, folder / name, symbol=name.split("_")[0].upper())
    rows = [s.as_dict() for s in store.list_series()]
    assert {r["kind"] for r in rows} == {"vix"}
    assert pick_vix_symbol(rows) is None
    import_file(store, SHARED_DATA / "vix_daily.csv", symbol="CBOE_VIX")
    assert pick_vix_symbol([s.as_dict() for s in store.list_series()]) == "CBOE_VIX"
