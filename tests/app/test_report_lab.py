"""The Regime Lab page of ``ctadesk-cli report`` (regime matrix, spike speed, dispersion, VIX
term structure) on the real futures panel, VIX, VIX3M and VX files, and what it says when a
series is missing."""

from __future__ import annotations

import html
import json
import math
import re
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtGui import QImage

from app.cli import run
from app.report import (
    DISPERSION_OFF,
    LAB_KEYS,
    T_DIMMED,
    LabOptions,
    Universe,
    VixInput,
    report_job,
)
from engine.jobs import Cancelled, Progress, run_job
from engine.labels import fmt, number
from engine.regime_matrix import MATRIX_STATS
from tests.app.test_cli_report import colour_share, parse, table_with
from tests.cli_helpers import cli_ok
from tests.conftest import SHARED_DATA, needs_data

PANEL = SHARED_DATA / "futures_panel_adjusted_daily.csv"
VIX = SHARED_DATA / "vix_daily.csv"
TERM = SHARED_DATA / "vix_term_structure"
VIX3M = TERM / "vix3m_daily.csv"
VX = TERM / "vx_futures_settle_2007_2026.csv"
SP500 = SHARED_DATA / "sp500_index_close_1990_2022.csv"
PRESETS = "tsmom-blend,fast"
PANEL_LAB = "regime-lab_futures_panel_adjusted_daily"
MARKUP = "<script>x&y"


def _raw_vix() -> pd.Series:
    return pd.read_csv(VIX, index_col=0, parse_dates=True)["Close"]


def _raw_vix3m() -> pd.Series:
    three = pd.read_csv(VIX3M, index_col=0)["CLOSE"]
    three.index = pd.to_datetime(three.index, format="%m/%d/%Y")
    return three


def _matrix_cells(page: Path) -> dict[str, list[dict[str, str]]]:
    """The regime matrix table of a Regime Lab page: per preset, per band (in order), the
    cell's Sharpe, t, days, whether dimmed and its interval tooltip."""
    text = page.read_text(encoding="utf-8")
    body = re.search(r'<table class="matrix">(.*?)</table>', text, re.S).group(1)
    cell = re.compile(
        r'<td( class="dim")?(?: style="[^"]*")? title="Sharpe 95% interval ([^"]*)">'
        r'([^<]*)<span class="small"> \(t ([^)]*)\)<br>([^<]*) days</span></td>'
    )
    out = {}
    for row in re.findall(r"<tr><td>([^<]*)</td>(.*?)</tr>", body, re.S):
        out[html.unescape(row[0])] = [
            {"dim": bool(d), "interval": i, "sharpe": s, "t": t, "days": n}
            for d, i, s, t, n in cell.findall(row[1])
        ]
    return out


@pytest.fixture(scope="module")
def panel_lab(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    """Two presets on the real futures panel with the real VIX, VIX3M and VX settlements, and
    the dispersion study."""
    if not PANEL.is_file():
        pytest.skip("shared data not present")
    out = tmp_path_factory.mktemp("lab") / "out"
    result = cli_ok(["report", "--preset", PRESETS, "--prices", str(PANEL), "--vix", str(VIX),
                     "--vix3m", str(VIX3M), "--vx", str(VX), "--dispersion",
                     "--out", str(out)])  # fmt: skip
    return result, out


@needs_data
def test_the_index_links_the_lab_and_summary_json_holds_its_figures(panel_lab) -> None:
    result, out = panel_lab
    lab = result["labs"]["futures_panel_adjusted_daily"]
    assert lab["html"] == f"{PANEL_LAB}/regime_lab.html"
    assert f"{PANEL_LAB}/regime_lab.html" in parse(out / "index.html").links
    page = parse(out / lab["html"])
    assert page.links[0] == "../index.html"
    assert set(page.images) == {"dispersion.png", "term_vix3m.png", "term_basis.png"}
    assert sorted(lab["charts"]) == ["dispersion", "term_basis", "term_vix3m"]
    for chart in lab["charts"].values():
        image = QImage(str(out / chart))
        assert image.width() == 1100 and image.height() >= 360
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for key in LAB_KEYS:
        assert list(summary[key]) == ["futures_panel_adjusted_daily"]
        assert summary[key] == json.loads(json.dumps(result[key]))
    assert summary["labs"] == result["labs"]


@needs_data
def test_matrix_equals_the_regimes_command_and_the_page_shows_it(panel_lab) -> None:
    result, out = panel_lab
    regimes = cli_ok(["regimes", "--presets", PRESETS, "--prices", str(PANEL),
                      "--vix", str(VIX)])  # fmt: skip
    matrix = result["regime_matrix"]["futures_panel_adjusted_daily"]
    for key in ("presets", "bands", "band_labels", "annualisation", "skipped", *MATRIX_STATS,
                "sharpe_ci"):  # fmt: skip
        assert matrix[key] == regimes[key], key
    assert matrix["periods"] == regimes["periods"]
    cells = _matrix_cells(out / PANEL_LAB / "regime_lab.html")
    assert list(cells) == regimes["presets"]
    page = parse(out / PANEL_LAB / "regime_lab.html")
    header = next(t[0] for t in page.tables if t[0][0] == "Preset" and "VIX >= 40" in t[0])
    assert header[1:] == [regimes["band_labels"][b] for b in regimes["bands"]]
    for preset, row in cells.items():
        assert len(row) == len(regimes["bands"])
        for band, shown in zip(regimes["bands"], row, strict=True):
            t = regimes["t_stat"][preset][band]
            low, high = regimes["sharpe_ci"][preset][band]
            assert shown["sharpe"] == fmt("sharpe", regimes["sharpe"][preset][band])
            assert shown["t"] == number(t, ".2f")
            assert shown["days"] == f"{regimes['days'][preset][band]:,}"
            assert shown["interval"] == f"{number(low, '.2f')} to {number(high, '.2f')}"
            assert shown["dim"] == (abs(t) < T_DIMMED)
    assert not cells["tsmom-blend"][0]["dim"] and cells["tsmom-blend"][-1]["dim"]


@needs_data
def test_a_matrix_cell_recomputed_with_plain_pandas(panel_lab) -> None:
    """tsmom-blend's complacency cell (VIX < 15 at the previous close) from the returns the
    report wrote and the raw VIX file: Sharpe (252 days) and t of the mean."""
    result, out = panel_lab
    run_ = next(r for r in result["runs"] if r["preset"] == "tsmom-blend")
    daily = pd.read_csv(out / run_["folder"] / "returns.csv", index_col=0, parse_dates=True)
    r = daily["return"].dropna()
    vix = _raw_vix().rename("vix").rename_axis("day").reset_index()
    days = pd.DataFrame({"day": r.index})
    # the VIX's last close strictly before each return day (none before 1990: no band)
    previous = pd.merge_asof(days, vix, on="day", allow_exact_matches=False)["vix"].to_numpy()
    calm = r[previous < 15]
    sharpe = calm.mean() * 252 / (calm.std() * math.sqrt(252))
    t = calm.mean() / (calm.std() / math.sqrt(len(calm)))
    cell = _matrix_cells(out / PANEL_LAB / "regime_lab.html")["tsmom-blend"][0]
    assert cell["sharpe"] == fmt("sharpe", sharpe)
    assert cell["t"] == f"{t:.2f}" and cell["days"] == f"{len(calm):,}"


@needs_data
def test_spike_table_lists_2008_and_feb_2018_as_the_spikes_command(panel_lab) -> None:
    result, out = panel_lab
    spikes = result["spikes"]["futures_panel_adjusted_daily"]
    command = cli_ok(["spikes", "--presets", PRESETS, "--prices", str(PANEL),
                      "--vix", str(VIX)])  # fmt: skip
    for key in ("episodes", "summary", "presets", "from", "to", "fast_days", "horizons", "index"):
        assert spikes[key] == command[key], key
    page = parse(out / PANEL_LAB / "regime_lab.html")
    episodes = table_with(page, "Start", "Peak VIX")
    vix = _raw_vix()
    assert episodes["2008-08-28"][2:5] == [f"{vix.loc['2008'].max():.2f}", "11", "slow"]
    assert episodes["2008-08-28"][1] == "2008-11-20" and vix["2008-11-20"] == 80.86
    assert episodes["2018-02-02"][:5] == ["2018-02-05", "2018-02-05", "37.32", "1", "fast"]
    assert vix["2018-02-05"] == 37.32
    assert episodes["2018-02-02"][-4:] == ["-"] * 4  # the panel ends 2017-12-21
    lehman = next(e for e in command["episodes"] if e["start"] == "2008-08-28")
    assert episodes["2008-08-28"][-4] == f"{lehman['returns']['tsmom-blend']['rise'] * 100:+.1f}%"
    summary = page.tables[[t[0][:3] for t in page.tables].index(["Speed", "Series", "Episodes"])]
    rows = {(row[0], row[1]): row[2:] for row in summary[1:]}
    fast = spikes["summary"]["fast"]["returns"]["tsmom-blend"]
    means = [f"{fast[w] * 100:+.1f}%" for w in ("rise", "next_20", "next_60")]
    assert rows[("fast", "tsmom-blend")] == [str(fast["counts"]["rise"]), *means]
    assert ("slow", "SP500") in rows
    text = (out / PANEL_LAB / "regime_lab.html").read_text(encoding="utf-8")
    assert "depends on the speed of the vol spike, not just its size" in text


@needs_data
def test_dispersion_chart_and_top_months_with_the_claim(panel_lab) -> None:
    from widgets.palette import LIGHT

    result, out = panel_lab
    disp = result["dispersion"]["futures_panel_adjusted_daily"]
    monthly = [m["dispersion"] for m in disp["monthly"]]
    assert disp["mean"] == pytest.approx(np.mean(monthly))
    assert disp["last_month"] == "2017-12"  # the panel ends 2017-12-21
    first, last = pd.Period(disp["first_month"]), pd.Period(disp["last_month"])
    assert disp["months"] == (last - first).n + 1
    top = sorted(disp["monthly"], key=lambda m: -m["dispersion"])[:10]
    page = parse(out / PANEL_LAB / "regime_lab.html")
    shown = table_with(page, "Month", "Dispersion")
    assert list(shown) == [m["month"] for m in top]
    assert [row[0] for row in shown.values()] == [f"{m['dispersion'] * 100:.2f}%" for m in top]
    text = (out / PANEL_LAB / "regime_lab.html").read_text(encoding="utf-8")
    assert "about 2% monthly standard deviation" in text
    assert f"mean {disp['mean'] * 100:.2f}% a month" in text
    chart = out / PANEL_LAB / "dispersion.png"
    assert colour_share(chart, LIGHT.series[0]) > 0.002  # the monthly dispersion
    assert colour_share(chart, LIGHT.negative, 40) > 0.002  # the claimed 2% line


@needs_data
def test_term_structure_charts_and_the_5_august_2024_backwardation(panel_lab) -> None:
    from widgets.palette import LIGHT

    result, out = panel_lab
    term = result["term_structure"]["futures_panel_adjusted_daily"]
    assert "missing" not in term
    ratio = (_raw_vix() / _raw_vix3m()).dropna()
    states = term["summary"]["vix_vix3m"]
    assert states["days"] == len(ratio)
    assert states["share_backwardation"] == pytest.approx((ratio > 1.01).mean())
    events = {e["event"]: e for e in term["events"]}
    aug = events["aug-2024"]["peak"]
    assert aug["date"] == "2024-08-05" and aug["state"] == "backwardation"
    assert (aug["vix"], aug["vix3m"], aug["front"]) == (38.57, 33.71, "VX 2024-08")
    assert aug["basis"] == pytest.approx(38.57 - 32.0986)
    page_path = out / PANEL_LAB / "regime_lab.html"
    rows = table_with(parse(page_path), "Event", "Peak day")
    row = rows["5 August 2024: yen carry unwind"]
    assert row[3:8] == ["2024-08-05", "38.57", "33.71", f"{38.57 / 33.71:.3f}", "backwardation"]
    assert row[9] == "+6.47"
    text = html.unescape(page_path.read_text(encoding="utf-8"))
    assert re.search(r"In backwardation on the peak day: [^<]*2024-08-05 \(5 August 2024", text)
    vix3m_chart = out / PANEL_LAB / "term_vix3m.png"
    assert colour_share(vix3m_chart, LIGHT.series[0]) > 0.002  # the VIX3M curve
    assert colour_share(vix3m_chart, "#ecc3bf", 12) > 0.002  # backwardation days shaded
    assert colour_share(out / PANEL_LAB / "term_basis.png", LIGHT.series[0]) > 0.002


def _small_report(out: Path, *extra: str) -> dict:
    return cli_ok(["report", "--preset", "fast", "--prices", str(SP500), "--vix", str(VIX),
                   "--out", str(out), *extra])  # fmt: skip


@needs_data
def test_without_vix3m_or_vx_the_page_says_what_is_missing(tmp_path: Path) -> None:
    result = _small_report(tmp_path / "none")
    (name,) = result["labs"]
    term = result["term_structure"][name]
    assert "No VIX3M and no VX futures" in term["missing"] and "summary" not in term
    assert result["labs"][name]["charts"] == {}
    assert result["dispersion"][name] == {"missing": DISPERSION_OFF}
    page = tmp_path / "none" / result["labs"][name]["html"]
    text = html.unescape(page.read_text(encoding="utf-8"))
    assert "--vix3m FILE|SYMBOL" in text and "--vx FILE|SYMBOL" in text
    assert "Dispersion not run: add --dispersion" in text
    assert parse(page).images == []
    half = _small_report(tmp_path / "half", "--vix3m", str(VIX3M))
    folder = Path(result["labs"][name]["html"]).parent.as_posix()
    assert half["labs"][name]["charts"] == {"term_vix3m": f"{folder}/term_vix3m.png"}
    text = (tmp_path / "half" / half["labs"][name]["html"]).read_text(encoding="utf-8")
    assert "No VX futures: the basis chart is left out" in text


@needs_data
def test_term_series_come_from_the_store_when_not_given(tmp_path: Path) -> None:
    """VIX, VIX3M and two VX contracts imported as a user would: the report finds them."""
    cfe = TERM / "cfe_contracts"
    for path in (VIX, VIX3M, cfe / "CFE_V08_VX.csv", cfe / "CFE_X08_VX.csv"):
        cli_ok(["data", "import", str(path)])
    result = cli_ok(["report", "--preset", "fast", "--prices", str(SP500), "--out",
                     str(tmp_path / "r")])  # fmt: skip
    (name,) = result["labs"]
    term = result["term_structure"][name]
    assert term["inputs"]["VIX3M"] == "VIX3M_DAILY (store)"
    assert term["inputs"]["VX"] == "store: 2 VX contracts (VX 2008-10 .. VX 2008-11)"
    assert sorted(result["labs"][name]["charts"]) == ["term_basis", "term_vix3m"]
    events = {e["event"]: e for e in term["events"]}
    assert events["oct-2008"]["peak"]["front"] == "VX 2008-11"
    assert events["oct-2008"]["peak"]["basis"] == pytest.approx(79.13 - 55.82)


@needs_data
def test_names_from_files_are_escaped(tmp_path: Path) -> None:
    days = pd.bdate_range("2015-01-01", periods=900)
    rng = np.random.default_rng(11)
    prices = tmp_path / f"{MARKUP}.csv"
    closes = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, (900, 3)), axis=0))
    pd.DataFrame(closes, index=days, columns=["X1", "Y", "Z"]).rename_axis("Date").to_csv(prices)
    level = 18 * np.exp(0.3 * np.cumsum(rng.normal(0, 0.05, 900)))
    for name, values in ((f"{MARKUP} vix", level), (f"{MARKUP} vix3m", level * 1.05)):
        frame = pd.DataFrame({"close": values}, index=days).rename_axis("Date")
        frame.to_csv(tmp_path / f"{name}.csv")
    out = tmp_path / "r"
    vix, vix3m = tmp_path / f"{MARKUP} vix.csv", tmp_path / f"{MARKUP} vix3m.csv"
    result = cli_ok(["report", "--preset", "fast", "--prices", str(prices), "--vix", str(vix),
                     "--vix3m", str(vix3m), "--out", str(out)])  # fmt: skip
    (name,) = result["labs"]
    assert name == MARKUP
    page = (out / result["labs"][name]["html"]).read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert f"<h1>Regime Lab: {html.escape(MARKUP, quote=False)}</h1>" in page
    assert f"VIX3M: {html.escape(str(vix3m))}" in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f">{html.escape(MARKUP, quote=False)}</a>" in index and "<script" not in index.lower()


def test_table_output_names_the_lab_pages(tmp_path: Path) -> None:
    status, text, err = run(["report", "--preset", "fast", "--prices", "demo", "--out",
                             str(tmp_path / "r")])  # fmt: skip
    assert status == 0, err
    assert str(tmp_path / "r" / "regime-lab_demo" / "regime_lab.html") in text
    assert "episodes" not in text  # the figures stay in --json


def test_demo_vix_gets_no_term_structure_and_cancel_keeps_the_folder(tmp_path: Path) -> None:
    """On the demo universe the page says the synthetic VIX has no term structure; a cancel
    inside the Regime Lab step leaves the output folder as it was, and progress only rises."""
    from engine.batch import BatchInputs, BatchRun, batch_job
    from engine.data import DEMO_SOURCE
    from engine.data.demo import VIX_SYMBOL, demo_closes
    from engine.presets import resolve

    prices = demo_closes()
    vix = demo_closes(("vix",))[VIX_SYMBOL]
    universes = {"demo": Universe("demo", prices, DEMO_SOURCE, VixInput(vix, "demo VIX", True))}
    outcomes = run_job(batch_job([BatchRun("fast", "demo", resolve("fast"))],
                                 BatchInputs({"demo": prices}, {"demo": vix})))  # fmt: skip
    out = tmp_path / "r"
    out.mkdir()
    (out / "keep.txt").write_text("before", encoding="utf-8")
    cancel = threading.Event()
    seen: list[Progress] = []

    def stop_in_the_lab(report: Progress) -> None:
        seen.append(report)
        if report.text.startswith("Regime Lab"):
            cancel.set()

    with pytest.raises(Cancelled):
        run_job(report_job(out, outcomes, universes, lab=LabOptions()), stop_in_the_lab, cancel)
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    seen.clear()
    summary = run_job(report_job(out, outcomes, universes, lab=LabOptions()), seen.append)
    percents = [p.percent for p in seen]
    assert percents == sorted(percents) and percents[-1] <= 100
    assert any(p.text == "Regime Lab: demo: regime matrix" for p in seen)
    assert "synthetic (DEMO)" in summary["term_structure"]["demo"]["missing"]
    assert summary["regime_matrix"]["demo"]["presets"] == ["fast"]
