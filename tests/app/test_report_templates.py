"""The report's Jinja templates (resources/report_templates): every one is used and renders on
the demo, and user text (file names, run labels, presets, error reasons) is escaped."""

from __future__ import annotations

import re
import shlex
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from jinja2 import meta

from app.report import INDEX_COLUMNS, TEMPLATES, Universe, VixInput, environment, index_page
from engine.presets import presets
from resources import resource_path
from tests.app.test_cli_report import parse, table_with
from tests.cli_helpers import cli_ok

MARKUP = "<script>x&y"  # a file name a browser would run as a script if not escaped


class _Text(HTMLParser):
    """The text of every element by tag (entities decoded), and every element's attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: dict[str, list[str]] = {}
        self.attrs: list[tuple[str, dict]] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.attrs.append((tag, dict(attrs)))
        if tag not in ("meta", "img", "br"):
            self._open.append(tag)
            self.texts.setdefault(tag, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for tag in self._open:
            self.texts[tag][-1] += data


def text_of(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def headings(path: Path) -> list[str]:
    texts = text_of(path.read_text(encoding="utf-8")).texts
    return texts.get("h1", []) + texts.get("h2", [])


def test_every_template_is_used_by_a_page() -> None:
    """The index, run and Regime Lab pages reach every template file (extends, include,
    import)."""
    env = environment()
    reached: set[str] = set()
    todo = ["index.html", "run.html", "regime_lab.html"]
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        source = env.loader.get_source(env, name)[0]
        referenced = list(meta.find_referenced_templates(env.parse(source)))
        assert None not in referenced, f"{name}: a template name computed at render time"
        todo.extend(referenced)
    folder = resource_path(TEMPLATES)
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert reached == on_disk == set(env.list_templates())


def test_every_template_renders_on_the_demo(tmp_path: Path) -> None:
    """Every preset on the demo: each run page has all its sections, the index all of its
    (with the one preset that cannot run on the demo listed as such)."""
    out = tmp_path / "r"
    result = cli_ok(["report", "--preset", "all", "--prices", "demo", "--out", str(out)])
    assert [f["name"] for f in result["failed"]] == ["macro on demo"]
    assert headings(out / "index.html") == [
        "CTA Desk batch report", "Runs", "Equity", "Runs that could not run", "Inputs",
    ]  # fmt: skip
    assert len(result["runs"]) == len(presets())
    for run_ in result["runs"]:
        if run_["error"]:
            continue
        folder = out / run_["folder"]
        last_day = pd.read_csv(folder / "returns.csv", index_col=0).index[-1]
        assert headings(folder / "report.html") == [
            f"{presets()[run_['preset']].title} on demo",
            "Performance",
            "Equity",
            "Drawdown and leverage",
            "VIX regimes",
            "Against the equity index (DEMO_SPX)",
            "Monthly returns (%)",
            f"Positions on {last_day}",
            "Largest daily moves",
            "Parameters",
        ]
        page = parse(folder / "report.html")
        assert set(page.images) == {"equity.png", "drawdown.png", "regime.png"}
        assert page.links == ["../index.html", "returns.csv"]
        assert "Calm (VIX < 20)" in next(t for t in page.tables if t[0][-1] == "All")[0]
        assert list(table_with(page, "CTA sleeve"))  # the mixer table, with rows
        text = text_of((folder / "report.html").read_text(encoding="utf-8")).texts["p"]
        assert any(p.startswith("Crisis alpha: in the worst ") for p in text)
        assert any("DEMO (synthetic) data" in p for p in text)


def test_file_names_and_run_labels_are_escaped(tmp_path: Path) -> None:
    """A prices and a VIX file named with markup: the pages show the names as text (no script
    element, no double escaping) in headings, titles, tables and the command line."""
    days = pd.bdate_range("2015-01-01", periods=900)
    rng = np.random.default_rng(5)
    closes = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, (900, 3)), axis=0))
    prices = tmp_path / f"{MARKUP}.csv"
    pd.DataFrame(closes, index=days, columns=["X1", "Y", "Z"]).rename_axis("Date").to_csv(prices)
    vix = tmp_path / f"{MARKUP} vix.csv"
    vix_close = 20 * np.exp(0.3 * np.cumsum(rng.normal(0, 0.05, 900)))
    pd.DataFrame({"close": vix_close}, index=days).rename_axis("Date").to_csv(vix)
    out = tmp_path / "r"
    argv = ["report", "--preset", "fast", "--prices", str(prices), "--vix", str(vix),
            "--out", str(out)]  # fmt: skip
    result = cli_ok(argv)
    run_page = out / result["runs"][0]["folder"] / "report.html"
    for path in (run_page, out / "index.html"):
        html = path.read_text(encoding="utf-8")
        assert "<script" not in html.lower()
        assert "&lt;script&gt;x&amp;y" in html
    page = text_of(run_page.read_text(encoding="utf-8"))
    assert page.texts["title"] == [f"fast on {MARKUP} - CTA Desk report"]
    assert page.texts["h1"] == [f"Fast CTA on {MARKUP}"]
    assert any(p.endswith(f" - data: file {MARKUP}.csv") for p in page.texts["p"])
    assert any(p.startswith(f"VIX: {vix}; zone thresholds") for p in page.texts["p"])
    index = text_of((out / "index.html").read_text(encoding="utf-8"))
    assert index.texts["code"] == [shlex.join(["ctadesk-cli", *argv, "--json"])]
    inputs = table_with(parse(out / "index.html"), "Universe", "VIX")
    assert inputs == {MARKUP: ["3", f"file {MARKUP}.csv", str(vix)]}
    runs = table_with(parse(out / "index.html"), "Preset", "Sharpe")
    assert runs["fast"][0] == MARKUP


def test_presets_folders_and_reasons_are_escaped() -> None:
    """index_page given rows whose preset, folder and failure reason hold markup and a quote:
    they come back as the same text and the same link, with no element or attribute added."""
    days = pd.bdate_range("2020-01-01", periods=3)
    universe = Universe("u&v", pd.DataFrame({"A": [1.0, 2.0, 3.0]}, index=days), "file u&v.csv",
                        VixInput(None, "left out (--no-vix)"))  # fmt: skip
    folder = 'f" onclick="alert(1)'
    finished = {"preset": "<b>p</b>", "universe": "u&v", "folder": folder, "error": None,
                "first": "2020-01-01", "last": "2020-01-03",
                "metrics": dict.fromkeys(INDEX_COLUMNS, 0.5)}  # fmt: skip
    failed = {"preset": "<i>q</i>", "universe": "u&v", "folder": "q", "error": "bad <tr> & co"}
    html = index_page([finished, failed], {"u&v": universe}, "cmd '<x>'", "<note>")
    assert "<b>" not in html and "<i>" not in html and "<tr> &" not in html
    page = text_of(html)
    links = [attrs for tag, attrs in page.attrs if tag == "a"]
    assert links == [{"href": f"{folder}/report.html"}]
    assert page.texts["a"] == ["<b>p</b>"]
    assert page.texts["code"] == ["cmd '<x>'"]
    assert "<note>" in page.texts["p"]
    cells = page.texts["td"]
    assert "<i>q</i>" in cells and "bad <tr> & co" in cells and "u&v" in cells


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_monthly_cells_are_tinted_by_sign_in_the_theme(tmp_path: Path, theme: str) -> None:
    """Monthly returns: a gain's cell has the theme's positive colour, a loss's its negative."""
    from widgets.palette import THEMES

    out = tmp_path / theme
    cli_ok(["report", "--preset", "fast", "--prices", "demo", "--no-vix", "--theme", theme,
            "--out", str(out)])  # fmt: skip
    html = (out / "fast_demo" / "report.html").read_text(encoding="utf-8")
    cells = re.findall(r'<td style="background:(#[0-9a-f]{6})[0-9a-f]{2}">(-?[0-9.]+)</td>', html)
    assert len(cells) > 30 * 13  # 33 years of months and their years
    colours = THEMES[theme]
    for colour, shown in cells:
        if float(shown) != 0:
            assert colour == (colours.positive if float(shown) > 0 else colours.negative)
