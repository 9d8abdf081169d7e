"""The Spike anatomy page of ``ctadesk-cli report`` on the real VIX, VX settlements, VIX9D,
VIX3M, VVIX and S&P 500 files: the same figures as ``ctadesk-cli anatomy``, the named episodes'
charts and their data, what the page says without the inputs, escaping, and the evidence lines
computed from the numbers."""

from __future__ import annotations

import copy
import html
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtGui import QImage

from app.report import (
    ANATOMY_PAGE,
    NAMED_EPISODES,
    anatomy_evidence,
    binomial_interval,
    chart_name,
)
from tests.app.test_cli_report import parse, table_with
from tests.cli_helpers import cli_ok
from tests.conftest import SHARED_DATA, needs_data

VIX = SHARED_DATA / "vix_daily.csv"
TERM = SHARED_DATA / "vix_term_structure"
VX = TERM / "vx_futures_settle_2007_2026.csv"
CURVE = {"--vix9d": TERM / "vix9d_daily.csv", "--vix3m": TERM / "vix3m_daily.csv",
         "--vvix": TERM / "vvix_daily.csv"}  # fmt: skip
SPX = SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv"
SP500_SHORT = SHARED_DATA / "sp500_index_close_1990_2022.csv"
UNIVERSE = "sp500_index_ohlcv_1927_2026"
LAB = f"regime-lab_{UNIVERSE}"
MARKUP = "<script>x&y"
CURVE_ARGS = ["--vx", str(VX), *[str(a) for option, path in CURVE.items()
                                 for a in (option, path)]]  # fmt: skip


def _raw_vix() -> pd.Series:
    return pd.read_csv(VIX, index_col=0, parse_dates=True)["Close"]


def _raw_spx() -> pd.Series:
    raw = pd.read_csv(SPX, parse_dates=["date"])
    return pd.Series(raw["close"].to_numpy(float), index=raw["date"])


def _front_settle(day: str) -> float:
    """The settle on ``day`` of the nearest VX contract expiring after it, from the long file."""
    raw = pd.read_csv(VX, parse_dates=["trade_date", "expiry"])
    rows = raw[(raw["trade_date"] == day) & (raw["expiry"] > day)]
    return float(rows.sort_values("expiry")["settle"].iloc[0])


@pytest.fixture(scope="module")
def spx_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path, dict]:
    """fast on the S&P 500 with the real curve files, and ``ctadesk-cli anatomy`` on the same
    inputs (the universe as --prices, the report's preset)."""
    if not SPX.is_file():
        pytest.skip("shared data not present")
    out = tmp_path_factory.mktemp("anatomy") / "out"
    result = cli_ok(["report", "--preset", "fast", "--prices", str(SPX), "--vix", str(VIX),
                     *CURVE_ARGS, "--out", str(out)])  # fmt: skip
    command = cli_ok(["anatomy", "--vix", str(VIX), "--index", str(SPX), *CURVE_ARGS,
                      "--prices", str(SPX), "--preset", "fast"])  # fmt: skip
    return result, out, command


@needs_data
def test_the_anatomy_equals_the_anatomy_command(spx_report) -> None:
    result, out, command = spx_report
    anatomy = result["anatomy"][UNIVERSE]
    for key in ("preset", "end", "episodes", "adaptive", "summary"):
        assert anatomy[key] == command[key], key
    assert anatomy["inputs"]["VX"] == str(VX) and anatomy["inputs"]["VIX9D"] == str(
        CURVE["--vix9d"]
    )
    assert anatomy["inputs"]["INDEX"] == "SP500_INDEX_OHLCV_1927_2026 (the universe's equity index)"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["anatomy"] == json.loads(json.dumps(result["anatomy"]))
    assert {"episodes", "adaptive", "summary"} <= set(summary["anatomy"][UNIVERSE])
    lab = result["labs"][UNIVERSE]
    assert lab["anatomy"]["html"] == f"{LAB}/{ANATOMY_PAGE}"
    index = parse(out / "index.html")
    assert f"{LAB}/{ANATOMY_PAGE}" in index.links and f"{LAB}/regime_lab.html" in index.links
    assert ANATOMY_PAGE in parse(out / lab["html"]).links


@needs_data
def test_the_episode_table_shows_5_august_2024_and_wrong_calls_as_plainly(spx_report) -> None:
    _, out, command = spx_report
    page_path = out / LAB / ANATOMY_PAGE
    rows = table_with(parse(page_path), "Spike day", "Verdict")
    assert list(rows) == [e["date"] for e in command["episodes"]]
    vix = _raw_vix()
    august = rows["2024-08-05"]
    assert august[:3] == ["Aug 2024", f"{vix['2024-08-05']:.2f}", "+6.47"]
    assert f"{vix['2024-08-05'] - _front_settle('2024-08-05'):+.2f}" == "+6.47"
    assert august[-3:] == ["technical", "technical", "right"]
    assert august[5] == f"{38.57 / 33.71:.3f}"  # VIX / VIX3M, the closes of the day
    march = rows["2020-02-27"]
    assert march[0] == "Mar 2020" and march[-3:] == ["technical", "fundamental", "wrong"]
    text = page_path.read_text(encoding="utf-8")
    verdicts = [e["verdict"] for e in command["episodes"]]
    for verdict in ("right", "wrong"):  # both styled the same way, each in its own colour
        cells = re.findall(rf'<td class="verdict {verdict}">{verdict}</td>', text)
        assert len(cells) == verdicts.count(verdict) > 0
        assert re.search(rf"\.verdict\.{verdict}\{{background:#[0-9a-f]{{8}}\}}", text)
    record = command["summary"]["record"]
    body = html.unescape(text)
    assert f"{record['wrong']} wrong ({', '.join(record['wrong_dates'])})" in body
    assert f"{record['right']} right ({', '.join(record['right_dates'])})" in body
    targets = table_with(parse(page_path), "Spike day", "NAV sold adaptive")
    row = next(a for a in command["adaptive"] if a["date"] == "2024-08-05")
    assert targets["2024-08-05"][4:6] == [f"{row['nav_sold_vix'] * 100:.1f}%",
                                          f"{row['nav_sold_adaptive'] * 100:.1f}%"]  # fmt: skip
    assert targets["2024-08-05"][4] == f"{(0.10 / 0.2339 - 0.10 / 0.3857) * 100:.1f}%"
    period = parse(page_path).tables[-1]
    index = command["summary"]["index"]
    assert period[1][3] == f"{index['vix']['sharpe']:.3f}"
    assert period[2][4] == f"{index['adaptive']['max_drawdown'] * 100:.2f}%"


@needs_data
def test_the_2008_chart_holds_the_real_closes(spx_report) -> None:
    """The points drawn on the 2008 chart (its CSV, read back from the curves): the spot VIX,
    the front VX settle and the S&P 500's 10-day realised vol recomputed from the raw files."""
    result, out, _ = spx_report
    lab = result["labs"][UNIVERSE]["anatomy"]
    assert sorted(lab["charts"]) == sorted(chart_name(n) for n in NAMED_EPISODES)
    images = parse(out / LAB / ANATOMY_PAGE).images
    assert images == [f"{chart_name(n)}.png" for n in NAMED_EPISODES]
    for chart in lab["charts"].values():
        image = QImage(str(out / chart))
        assert image.width() == 1100 and image.height() == 380
    drawn = pd.read_csv(out / lab["data"]["anatomy_2008"], index_col=0, parse_dates=True)
    vix = _raw_vix()
    assert drawn.loc["2008-10-24", "spot VIX"] == 79.13 == vix["2008-10-24"]
    assert drawn.loc["2008-10-24", "front VX settle"] == 55.82 == _front_settle("2008-10-24")
    at = vix.index.get_loc(pd.Timestamp("2008-09-15"))  # the spike day: first close >= 30
    assert vix.iloc[at] >= 30 > vix.iloc[at - 1]
    assert list(drawn.index) == list(vix.index[at - 20 : at + 61])
    pd.testing.assert_series_equal(drawn["spot VIX"], vix.iloc[at - 20 : at + 61],
                                   check_names=False, check_freq=False)  # fmt: skip
    moves = _raw_spx().pct_change().loc[:"2008-10-24"].iloc[-10:]
    realised = math.sqrt((moves**2).mean()) * math.sqrt(252) * 100
    assert drawn.loc["2008-10-24", "index realised vol, 10 days"] == pytest.approx(realised)


@needs_data
def test_the_evidence_lines_come_from_the_numbers(spx_report) -> None:
    result, out, command = spx_report
    evidence = anatomy_evidence(result["anatomy"][UNIVERSE])
    against = " ".join(evidence["against"])
    for date in command["summary"]["record"]["wrong_dates"]:
        assert date in against
    record = command["summary"]["record"]
    decided = record["right"] + record["wrong"]
    low, high = binomial_interval(record["right"], decided)
    assert f"{record['right']} of {decided} decided calls at the labels (95% interval " \
        f"{low:.2f} to {high:.2f})" in against  # fmt: skip
    index = command["summary"]["index"]
    supports = " ".join(evidence["supports"])
    shown = f"Sharpe {index['vix']['sharpe']:.3f} on the VIX and {index['adaptive']['sharpe']:.3f}"
    assert shown in supports + against
    text = html.unescape((out / LAB / ANATOMY_PAGE).read_text(encoding="utf-8"))
    for line in evidence["supports"] + evidence["against"]:
        assert line in text


@needs_data
def test_other_numbers_give_other_lines(spx_report) -> None:
    """No decided call wrong, the adaptive run's Sharpe a standard error ahead: the lines
    follow."""
    result, _, _ = spx_report
    anatomy = copy.deepcopy(result["anatomy"][UNIVERSE])
    record = anatomy["summary"]["record"]
    for date in record["wrong_dates"]:
        episode = next(e for e in anatomy["episodes"] if e["date"] == date)
        episode["outcome"] = episode["label"]
    record["right_dates"] = sorted(record["right_dates"] + record["wrong_dates"])
    record["right"], record["wrong"], record["wrong_dates"] = len(record["right_dates"]), 0, []
    index = anatomy["summary"]["index"]
    index["adaptive"]["sharpe"] = index["vix"]["sharpe"] + 1.0
    evidence = anatomy_evidence(anatomy)
    assert "That its decided calls are right: none was wrong." in evidence["supports"]
    assert not any("tells a technical spike" in line for line in evidence["against"])
    assert any(line.startswith("That adaptive targeting improves risk-adjusted return (the "
                               "index fund)") for line in evidence["supports"])  # fmt: skip


def test_binomial_interval_against_the_beta_quantiles() -> None:
    """Clopper-Pearson: the low end is the beta(k, n - k + 1) quantile at 2.5%, the high end
    the beta(k + 1, n - k) quantile at 97.5%."""
    beta = pytest.importorskip("scipy.stats").beta
    for k, n in ((4, 6), (6, 11), (0, 5), (5, 5), (13, 40)):
        low, high = binomial_interval(k, n)
        assert low == (0.0 if k == 0 else pytest.approx(beta.ppf(0.025, k, n - k + 1)))
        assert high == (1.0 if k == n else pytest.approx(beta.ppf(0.975, k + 1, n - k)))


@needs_data
def test_without_the_inputs_the_page_says_what_is_missing(tmp_path: Path) -> None:
    """No VX futures (none given, an empty store): the Regime Lab page says so and how to add
    them, and no Spike anatomy page is written. A universe without an equity index is told to
    give one with --index."""
    result = cli_ok(
        [
            "report",
            "--preset",
            "fast",
            "--prices",
            str(SP500_SHORT),
            "--vix",
            str(VIX),
            "--vix3m",
            str(CURVE["--vix3m"]),
            "--out",
            str(tmp_path / "a"),
        ]
    )
    (name,) = result["labs"]
    anatomy = result["anatomy"][name]
    assert set(anatomy) == {"inputs", "missing"}
    assert anatomy["missing"].startswith("No VX futures (none given (--vx) and no VX_YYYY-MM")
    assert anatomy["inputs"]["VIX9D"] == "none given (--vix9d) and none in the store"
    assert "anatomy" not in result["labs"][name]
    folder = tmp_path / "a" / Path(result["labs"][name]["html"]).parent
    assert not (folder / ANATOMY_PAGE).exists() and not list(folder.glob("anatomy_*"))
    text = html.unescape((folder / "regime_lab.html").read_text(encoding="utf-8"))
    assert "<h2>Spike anatomy</h2>" in text
    for option in ("--vx FILES|SYMBOLS", "--index FILE|SYMBOL", "--vix9d", "--vvix"):
        assert option in text
    days = pd.bdate_range("2019-01-01", periods=300)
    prices = tmp_path / "panel.csv"
    closes = 100 + np.cumsum(np.random.default_rng(3).normal(0, 1, (300, 2)), axis=0)
    pd.DataFrame(closes, index=days, columns=["GOLD", "CORN"]).rename_axis("Date").to_csv(prices)
    no_index = cli_ok(["report", "--preset", "fast", "--prices", str(prices), "--vix", str(VIX),
                       "--vx", str(VX), "--out", str(tmp_path / "b")])  # fmt: skip
    missing = no_index["anatomy"]["panel"]["missing"]
    assert missing.startswith("No index for the spike anatomy (no equity index: none of GOLD, CORN")
    assert "--index FILE|SYMBOL" in missing


def test_the_demo_vix_gets_no_anatomy(tmp_path: Path) -> None:
    result = cli_ok(["report", "--preset", "fast", "--prices", "demo", "--out", str(tmp_path)])
    assert "synthetic (DEMO)" in result["anatomy"]["demo"]["missing"]
    assert result["anatomy"]["demo"]["inputs"]["VX"] == "not looked for"


@needs_data
def test_names_from_files_are_escaped_on_the_anatomy_page(tmp_path: Path) -> None:
    """A universe and an index file named with markup; the index given with --index (the
    universe holds none): the page shows the names as text."""
    days = pd.bdate_range("2015-01-01", "2018-06-29")
    rng = np.random.default_rng(5)
    prices = tmp_path / f"{MARKUP}.csv"
    closes = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, (len(days), 2)), axis=0))
    pd.DataFrame(closes, index=days, columns=["X1", "Y"]).rename_axis("Date").to_csv(prices)
    spx = _raw_spx().loc["2014-01-01":"2018-06-29"]
    index = tmp_path / f"{MARKUP} index.csv"
    spx.rename("close").rename_axis("Date").to_frame().to_csv(index)
    out = tmp_path / "r"
    result = cli_ok(["report", "--preset", "fast", "--prices", str(prices), "--vix", str(VIX),
                     "--vx", str(VX), "--vix3m", str(CURVE["--vix3m"]), "--index", str(index),
                     "--out", str(out)])  # fmt: skip
    anatomy = result["anatomy"][MARKUP]
    assert anatomy["inputs"]["INDEX"] == str(index)
    assert [n for n, d in anatomy["named"].items() if d] == list(NAMED_EPISODES)  # VIX to 2026
    assert sorted(result["labs"][MARKUP]["anatomy"]["charts"]) == ["anatomy_aug-2015",
                                                                   "anatomy_feb-2018"]  # fmt: skip
    assert "no index realised vol on the spike day 2020-02-27" in anatomy["not_charted"]["Mar 2020"]
    page = (out / result["labs"][MARKUP]["anatomy"]["html"]).read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert f"<h1>Spike anatomy: {html.escape(MARKUP, quote=False)}</h1>" in page
    assert f"index: {html.escape(str(index))}" in page
