"""`ctadesk-cli report`: the HTML report of a batch of backtests, on real data."""

from __future__ import annotations

import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtGui import QColor, QImage

from app.cli import run
from app.cli_report import preset_names
from engine.labels import fmt, zone_label
from engine.vix import EXTREME_BAND
from tests.cli_helpers import cli_fails, cli_ok
from tests.conftest import SHARED_DATA

PANEL = SHARED_DATA / "futures_panel_adjusted_daily.csv"
VIX = SHARED_DATA / "vix_daily.csv"
CHARTS = ("equity", "drawdown", "regime")


class _Tables(HTMLParser):
    """Every <table> of a page as lists of cell texts, and every <img> src and <a> href."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.images: list[str] = []
        self.links: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs_d = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "img":
            self.images.append(attrs_d["src"])
        elif tag == "a":
            self.links.append(attrs_d["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse(path: Path) -> _Tables:
    parser = _Tables()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def table_with(page: _Tables, header: str, also: str = "") -> dict[str, list[str]]:
    """The table whose first header cell is ``header`` (and with a header ``also``), as first
    cell -> rest of the row."""
    table = next(
        t for t in page.tables if t and t[0] and t[0][0] == header and (also or header) in t[0]
    )
    return {row[0]: row[1:] for row in table[1:]}


def colour_share(path: Path, colour: str, tolerance: int = 30) -> float:
    """Share of the image's pixels within ``tolerance`` of ``colour`` (per channel)."""
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    raw = np.frombuffer(image.constBits(), np.uint8, count=height * image.bytesPerLine())
    pixels = raw.reshape(height, image.bytesPerLine())[:, : width * 4].reshape(height, width, 4)
    target = QColor(colour)
    bgr = np.array([target.blue(), target.green(), target.red()])
    close = np.all(np.abs(pixels[..., :3].astype(int) - bgr) <= tolerance, axis=-1)
    return float(close.mean())


@pytest.fixture(scope="module")
def panel_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    """Two presets on the real futures panel, with the real VIX."""
    if not PANEL.is_file():
        pytest.skip("shared data not present")
    out = tmp_path_factory.mktemp("report") / "out"
    result = cli_ok(["report", "--preset", "tsmom-blend,ewmac", "--prices", str(PANEL),
                     "--vix", str(VIX), "--out", str(out)])  # fmt: skip
    return result, out


def test_report_writes_pages_and_charts(panel_report) -> None:
    result, out = panel_report
    assert result["index"] == str(out / "index.html") and result["failed"] == []
    assert [r["preset"] for r in result["runs"]] == ["tsmom-blend", "ewmac"]
    for run_ in result["runs"]:
        folder = out / run_["folder"]
        page = parse(folder / "report.html")
        assert set(page.images) == {f"{c}.png" for c in CHARTS}
        for chart in CHARTS:
            image = QImage(str(folder / f"{chart}.png"))
            assert image.width() == 1100 and image.height() > 300
        assert (folder / "returns.csv").is_file()
    index = parse(out / "index.html")
    assert {f"{r['folder']}/report.html" for r in result["runs"]} <= set(index.links)
    assert "equity_all.png" in index.images
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["runs"] == json.loads(
        json.dumps(result["runs"])
    )
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging left


def test_charts_show_the_data(panel_report) -> None:
    """The curves and the VIX zone bands are really drawn, not an empty frame."""
    from widgets.palette import EXTREME_COLOR, ZONE_COLORS
    from widgets.report_charts import DRAWDOWN, STRATEGY

    _, out = panel_report
    folder = out / "tsmom-blend_futures_panel_adjusted_daily"
    assert colour_share(folder / "equity.png", STRATEGY) > 0.002
    assert colour_share(folder / "drawdown.png", DRAWDOWN) > 0.002
    zones = table_with(parse(folder / "report.html"), "VIX zone")
    colours = {zone_label(z): c.name() for z, c in ZONE_COLORS.items()}
    colours[zone_label(EXTREME_BAND)] = EXTREME_COLOR.name()
    tall = [z for z, row in zones.items() if abs(float(row[-1])) > 0.2]
    assert tall
    for zone in tall:  # a bar in the zone's colour for each zone with a visible Sharpe
        assert colour_share(folder / "regime.png", colours[zone], 8) > 0.001
    assert colour_share(folder / "regime.png", "#30343b", 20) > 0.002  # the VIX curve


def test_page_numbers_match_the_returns_file(panel_report) -> None:
    """Sharpe, max drawdown and a monthly return recomputed with plain pandas from the daily
    returns the report wrote equal what its page shows."""
    result, out = panel_report
    run_ = result["runs"][0]
    daily = pd.read_csv(out / run_["folder"] / "returns.csv", index_col=0, parse_dates=True)
    r = daily["return"].dropna()
    sharpe = r.mean() * 252 / (r.std() * math.sqrt(252))
    equity = (1 + r).cumprod()
    max_dd = (equity / np.maximum(equity.cummax(), 1.0) - 1).min()
    page = parse(out / run_["folder"] / "report.html")
    metrics: dict[str, list[str]] = {}
    for table in page.tables:  # the metrics are split over two tables
        if table[0][0] == "Metric":
            metrics.update({row[0]: row[1:] for row in table[1:]})
    assert metrics["Sharpe"] == [fmt("sharpe", sharpe)]
    assert metrics["Max drawdown"] == [fmt("max_drawdown", max_dd)]
    assert run_["metrics"]["sharpe"] == pytest.approx(sharpe, rel=1e-9)
    months = table_with(page, "Year")
    october_2008 = (1 + r.loc["2008-10"]).prod() - 1
    assert months["2008"][9] == f"{october_2008 * 100:.1f}"
    zones = table_with(page, "VIX zone")
    assert list(zones) == [
        "Complacency (< 15)",
        "Normal (15-20)",
        "Warning (20-25)",
        "Fear (25-30)",
        "Panic (>= 30)",
        "VIX >= 40",
    ]
    html_text = (out / run_["folder"] / "report.html").read_text(encoding="utf-8")
    assert not re.search(r">\s*-?(nan|inf)\s*<", html_text, re.IGNORECASE)


def test_same_numbers_as_the_backtest_command(panel_report) -> None:
    result, _ = panel_report
    single = cli_ok(["backtest", "--preset", "ewmac", "--prices", str(PANEL), "--vix", str(VIX)])
    report_run = result["runs"][1]
    for key, value in single["metrics"].items():
        assert report_run["metrics"][key] == pytest.approx(value, rel=1e-12), key


def test_failed_runs_are_listed_and_the_rest_written(tmp_path: Path) -> None:
    out = tmp_path / "r"
    result = cli_ok(["report", "--preset", "macro", "--preset", "fast", "--prices", "demo",
                     "--out", str(out)])  # fmt: skip
    assert [f["name"] for f in result["failed"]] == ["macro on demo"]
    assert "indicator series" in result["failed"][0]["error"]
    assert not (out / "macro_demo").exists() and (out / "fast_demo" / "report.html").is_file()
    failed = table_with(parse(out / "index.html"), "Preset", "Reason")
    assert "indicator series" in failed["macro"][-1]
    page = (out / "fast_demo" / "report.html").read_text(encoding="utf-8")
    assert "DEMO (synthetic)" in page  # demo data is labelled as such


def test_nothing_written_when_every_run_fails(tmp_path: Path) -> None:
    out = tmp_path / "r"
    err = cli_fails(["report", "--preset", "macro", "--prices", "demo", "--out", str(out)])
    assert "no run finished" in err and "indicator series" in err
    assert not out.exists() or not any(out.iterdir())


def test_an_error_while_writing_keeps_the_previous_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "r"
    cli_ok(["report", "--preset", "fast", "--prices", "demo", "--out", str(out)])
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    from widgets import report_charts

    def disk_full(*_args, **_kwargs) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(report_charts, "regime_chart", disk_full)
    err = cli_fails(["report", "--preset", "fast", "--prices", "demo", "--out", str(out)])
    assert "No space left" in err
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before


def test_names_are_escaped_and_folders_safe(tmp_path: Path) -> None:
    source = tmp_path / "<td>a <b>&c.csv"
    days = pd.bdate_range("2015-01-01", periods=900)
    rng = np.random.default_rng(3)
    prices = pd.DataFrame(
        100 * np.exp(np.cumsum(rng.normal(0, 0.01, (900, 3)), axis=0)),
        index=days,
        columns=["X1", "Y", "Z"],
    )
    prices.rename_axis("Date").to_csv(source)
    out = tmp_path / "r"
    result = cli_ok(["report", "--preset", "fast", "--prices", str(source), "--no-vix",
                     "--out", str(out)])  # fmt: skip
    folder = result["runs"][0]["folder"]
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", folder)
    page = (out / folder / "report.html").read_text(encoding="utf-8")
    assert "&lt;td&gt;a &lt;b&gt;&amp;c" in page and "<b>&c" not in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "&lt;td&gt;a &lt;b&gt;&amp;c" in index and "<td>a <b>" not in index
    assert "No VIX series" in page


def test_preset_names() -> None:
    from engine.presets import presets

    assert preset_names(["all"]) == list(presets())
    assert preset_names(["fast,ewmac", "fast"]) == ["fast", "ewmac"]
    with pytest.raises(ValueError, match="unknown preset 'nope'"):
        preset_names(["fast,nope"])


def test_table_output_is_compact(tmp_path: Path) -> None:
    status, out, err = run(["report", "--preset", "fast", "--prices", "demo", "--out",
                            str(tmp_path / "r")])  # fmt: skip
    assert status == 0, err
    assert "fast on demo" in out and str(tmp_path / "r" / "fast_demo" / "report.html") in out
    assert "instruments" not in out  # the long lists stay in --json


def test_theme_option_colours_the_pages_and_charts(tmp_path: Path) -> None:
    """--theme dark: the page's body and the equity chart's background are the dark theme's
    window colours (light by default, for printing)."""
    from widgets.palette import DARK, LIGHT

    for theme, colours in (("dark", DARK), ("light", LIGHT)):
        out = tmp_path / theme
        cli_ok(["report", "--preset", "fast", "--prices", "demo", "--no-vix", "--theme", theme,
                "--out", str(out)])  # fmt: skip
        page = (out / "fast_demo" / "report.html").read_text(encoding="utf-8")
        assert f"background:{colours.base}" in page
        image = QImage(str(out / "fast_demo" / "equity.png"))
        corner = QColor(image.pixel(2, 2)).lightness()
        assert (corner < 100) if theme == "dark" else (corner > 155)
