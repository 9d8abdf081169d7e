"""Triggers & Flows dock against the engine's and the CLI's numbers, as of the latest close
and as of a date (typed, or the Event Replay dock's day)."""

from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd
import pytest

from app.layout_check import measure
from app.positioning_actions import FOLLOW_MS
from app.theme import set_theme
from engine.asof import flow_outcomes
from engine.data.importers import import_file
from engine.data.store import MarketStore
from engine.deleverage import deleverage_path
from engine.flows import estimate_flows
from engine.labels import pct
from engine.presets import resolve
from engine.trigger_specs import parse_signals
from engine.triggers import trigger_levels
from tests.cli_helpers import cli_ok
from tests.conftest import SHARED_DATA, needs_data
from tests.gui.test_tooltips import inputs_of
from widgets import palette
from widgets.positioning_panel import OUTCOME_COLUMNS, PositioningPanel


def test_refresh_shows_engine_triggers_and_flows(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    panel = window.panels["dockTriggersFlows"]
    panel.signals_edit.setText("ret:252,sma:200")
    panel.aum_box.setValue(100.0)
    panel.refresh_button.click()
    qtbot.waitUntil(
        lambda: window.positioning.last is not None and not window.jobs.running, timeout=60_000
    )
    symbols = window.panels["dockStrategy"].symbols()
    prices = MarketStore(window.data.store_path).read_closes(symbols)
    expected = trigger_levels(prices, parse_signals("ret:252,sma:200"))
    assert panel.triggers.rowCount() == len(expected) == 2 * len(symbols)
    nearest = expected[0]
    assert panel.triggers.item(0, 0).text() == nearest["symbol"]
    assert panel.triggers.item(0, 3).text() == f"{nearest['price']:,.4g}"
    strategy = window.panels["dockStrategy"]  # flows are sized as the Strategy dock backtests
    params = resolve(strategy.preset, {**strategy.values(), "vol_target": 0.10})
    flows = estimate_flows(prices, 100e9, params, 2.0)
    total = flows["scenarios"]["down"]["1w"]["total"]
    rows = {panel.flows.item(r, 0).text(): r for r in range(panel.flows.rowCount())}
    assert panel.flows.item(rows["total"], 7).text() == f"{total / 1e9:+,.1f}"


def test_deleverage_simulator(make_window, qtbot) -> None:
    window = make_window()
    panel = window.panels["dockTriggersFlows"]
    panel.vix_path.setText("20,30,40")
    panel.delev_target.setValue(0.10)
    panel.delev_cap.setValue(2.0)
    panel.delev_button.click()
    expected = deleverage_path([20, 30, 40], 0.10, 2.0)
    assert panel.delev_table.rowCount() == 3
    assert panel.delev_table.item(1, 1).text() == f"{expected['steps'][1]['exposure']:.4f}"
    assert panel.delev_table.item(2, 3).text() == "25.00%"
    assert "25.0% of NAV" in panel.delev_summary.text()
    panel.vix_path.setText("20,abc")
    panel.delev_button.click()
    assert "VIX path" in panel.delev_summary.text()


@pytest.mark.parametrize("bad", ["nonsense", "smax:200/50", "<b>x"])
def test_bad_signal_text_is_shown_in_the_dock(make_window, qtbot, bad: str) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    panel = window.panels["dockTriggersFlows"]
    panel.signals_edit.setText(bad)
    panel.refresh_button.click()
    assert not window.jobs.running and window.errors.dialog is None  # no job, no dialog
    assert "bad signal" in panel.status.text()
    assert "<b>x" not in panel.status.text()  # the user's text is escaped, not markup


# -- as of a date ---------------------------------------------------------------------------
SPX_FILE = SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv"
VIX_FILE = SHARED_DATA / "vix_daily.csv"


def _real_window(make_window, qtbot, size: tuple[int, int] | None = None):
    """A window (of ``size``) on the real S&P 500 (as SPX) and VIX, imported as users do; SPX
    ticked."""
    window = make_window(show=False, auto_demo=False)
    if size:
        window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    store = MarketStore(window.data.store_path)
    import_file(store, VIX_FILE, symbol="VIX")
    import_file(store, SPX_FILE, symbol="SPX", kind="index")
    window.data.refresh()
    qtbot.waitUntil(lambda: "SPX" in window.data_panel.symbols(), timeout=10_000)
    qtbot.waitUntil(lambda: not window.jobs.running, timeout=30_000)
    window.panels["dockStrategy"].set_symbols(["SPX"])
    return window


def _refresh_as_of(window, qtbot, day: str) -> dict:
    panel = window.panels["dockTriggersFlows"]
    window.positioning.last = None
    panel.asof_edit.setText(day)
    panel.refresh_button.click()
    qtbot.waitUntil(
        lambda: window.positioning.last is not None and not window.jobs.running, timeout=60_000
    )
    return window.positioning.last


def _asked(window) -> str | None:
    """The as-of date asked for by the result on show."""
    last = window.positioning.last
    return last["asof"]["requested"] if last and "asof" in last else None


def _cells(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


@needs_data
def test_as_of_a_date_shows_the_cli_numbers_and_what_happened_next(make_window, qtbot) -> None:
    """As of 2024-08-02 the dock shows the CLI's trigger levels for the same data and date,
    the real next-day S&P 500 return (-3.0%, from the raw file), the flow scenario nearest to
    the real moves and the real VIX path's deleveraging beside the typed one."""
    window = _real_window(make_window, qtbot)
    panel = window.panels["dockTriggersFlows"]
    _refresh_as_of(window, qtbot, "2024-08-02")
    cli = cli_ok(["triggers", "--prices", "SPX", "--asof", "2024-08-02"])
    shown = {row[1]: row for row in _cells(panel.triggers)}
    assert len(shown) == len(cli["triggers"]) == 5
    for row, outcome in zip(cli["triggers"], cli["next"]["triggers"], strict=True):
        cells = shown[row["signal"]]
        assert cells[2] == f"{row['last']:,.4g}" and cells[3] == f"{row['price']:,.4g}"
        assert cells[4] == f"{row['distance_pct']:+.2f}%"
        assert cells[8] == f"2024-08-05: {'crossed' if outcome['next_day'] else 'no'}"
        first = outcome["first_date"]
        assert (cells[9] == "none in 20") if first is None else cells[9].startswith(first)
    assert shown["sma:200"][3] == "5,011"  # docs/methodology.md: the 200-day SMA at 5010.84
    assert not any(panel.triggers.isColumnHidden(c) for c in OUTCOME_COLUMNS)
    assert panel.status.text().startswith("As of 2024-08-02: 5 triggers")

    raw = pd.read_csv(SPX_FILE, index_col=0, parse_dates=True)["close"]
    next_day = raw["2024-08-05"] / raw["2024-08-02"] - 1
    assert round(next_day * 100, 1) == -3.0
    assert panel.tabs.isTabVisible(panel.next_tab)
    rows = {(r[0], r[1]): r for r in _cells(panel.next_table)}
    one, five = rows[("SPX", "1 close")], rows[("SPX", "5 closes")]
    assert one[2] == "2024-08-05" and one[4] == pct(next_day, 2, signed=True) == "-3.00%"
    assert one[4] == pct(cli["next"]["instruments"]["SPX"]["1d"]["return"], 2, signed=True)
    assert rows[("SPX", "20 closes")][2] == "2024-08-30"

    strategy = window.panels["dockStrategy"]  # flows sized as the Strategy dock backtests
    full = MarketStore(window.data.store_path).read_closes(["SPX"])
    cut = full.loc[:"2024-08-02"]
    params = resolve(strategy.preset, {**strategy.values(), "vol_target": 0.10})
    flows = estimate_flows(cut, panel.aum(), params, 2.0)
    moves = flow_outcomes(flows, cut, full, pd.Timestamp("2024-08-02"))["SPX"]["moves"]
    assert one[5] == f"{moves['1d']['move_sigmas']:+.2f}" and one[6] == "down"
    assert five[6] == moves["1w"]["nearest_scenario"]

    delev = cli_ok(
        ["deleverage", "--vix", "VIX", "--asof", "2024-08-02", "--vix-path", "20,25,30,35,40"]
    )
    vix = pd.read_csv(VIX_FILE, index_col=0, parse_dates=True)["Close"]
    assert panel.delev_table.item(0, 0).text() == f"{vix['2024-08-02']:g}" == "23.39"
    assert [panel.delev_table.item(r, 3).text() for r in range(6)] == [
        pct(s["cumulative_nav_sold"], 2) for s in delev["steps"]
    ]
    after = {r[0]: r for r in _cells(panel.delev_next)}
    assert after["1 close"][1] == "2024-08-05" and after["1 close"][2] == f"{vix['2024-08-05']:.2f}"
    assert after["1 close"][4] == pct(delev["next"]["1d"]["nav_sold"], 2) == "16.83%"
    assert after["20 closes"][4] == pct(delev["next"]["20d"]["nav_sold"], 2)
    assert not panel.delev_next_box.isHidden()
    assert window.errors.count == 0


@needs_data
def test_a_weekend_date_names_the_friday_used(make_window, qtbot) -> None:
    window = _real_window(make_window, qtbot)
    panel = window.panels["dockTriggersFlows"]
    out = _refresh_as_of(window, qtbot, "2024-08-03")
    friday = "As of 2024-08-02 (Friday's close: 2024-08-03 is not a trading day)"
    assert panel.status.text().startswith(friday)
    assert out["asof"]["date"] == "2024-08-02" and out["date"] == "2024-08-02"
    cli = cli_ok(["triggers", "--prices", "SPX", "--asof", "2024-08-02"])
    assert sorted(r[3] for r in _cells(panel.triggers)) == sorted(
        f"{r['price']:,.4g}" for r in cli["triggers"]
    )
    assert friday in panel.delev_summary.text()  # the VIX path starts at Friday's close too
    panel.latest_button.click()  # back to the latest close: no "next" anywhere
    qtbot.waitUntil(lambda: "latest close" in panel.status.text(), timeout=60_000)
    last = pd.read_csv(SPX_FILE, index_col=0).index[-1]
    assert panel.status.text().startswith(f"As of the latest close, {last}")
    assert all(panel.triggers.isColumnHidden(c) for c in OUTCOME_COLUMNS)
    assert not panel.tabs.isTabVisible(panel.next_tab)
    assert panel.delev_next_box.isHidden() and "As of" not in panel.delev_summary.text()


@needs_data
def test_the_as_of_date_follows_the_replay_day(make_window, qtbot) -> None:
    """Ticked, the replay's day sets the as-of date at once and a burst of slider moves gives
    one refresh, for the last day; unticked, the dock stays where it is."""
    window = _real_window(make_window, qtbot)
    panel = window.panels["dockTriggersFlows"]
    replay = window.panels["dockEventReplay"]
    window.replays.run("aug-2024")
    qtbot.waitUntil(
        lambda: window.replays.last is not None and not window.jobs.running, timeout=60_000
    )
    started: list[str] = []
    window.jobs.job_started.connect(lambda worker: started.append(worker.name))
    days = [d["date"] for d in replay.days]
    panel.follow_box.setChecked(True)  # the replay's current day at once
    current = days[replay.slider.value()]
    assert panel.asof() == current
    qtbot.waitUntil(lambda: _asked(window) == current and not window.jobs.running, timeout=60_000)
    started.clear()
    for i in range(6):  # faster than the dock refreshes
        replay.slider.setValue(i)
        assert panel.asof() == days[i]
    qtbot.waitUntil(lambda: _asked(window) == days[5] and not window.jobs.running, timeout=60_000)
    assert started.count("Triggers and flows") == 1
    assert panel.status.text().startswith(f"As of {window.positioning.last['asof']['date']}")
    panel.follow_box.setChecked(False)
    replay.slider.setValue(8)
    qtbot.wait(2 * FOLLOW_MS)
    assert panel.asof() == days[5] and started.count("Triggers and flows") == 1
    assert not window.jobs.running and _asked(window) == days[5]


def test_dates_the_data_cannot_serve_are_said_in_the_dock(make_window, qtbot) -> None:
    """A date before the data and a text that is not a date: the reason inline (in the error
    colour of the theme in force), nothing of an earlier date left, no dialog."""
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    panel = window.panels["dockTriggersFlows"]
    panel.refresh_button.click()
    qtbot.waitUntil(
        lambda: window.positioning.last is not None and not window.jobs.running, timeout=60_000
    )
    assert panel.triggers.rowCount() > 0
    first = (
        MarketStore(window.data.store_path)
        .read_closes(window.panels["dockStrategy"].symbols())
        .index[0]
    )
    panel.asof_edit.setText("1950-01-03")
    panel.refresh_button.click()
    qtbot.waitUntil(lambda: window.positioning.last is None and not window.jobs.running)
    text = panel.status.text()
    assert "1950-01-03" in text and f"{first:%Y-%m-%d}" in text and "press Latest" in text
    assert palette.current().error in text
    assert panel.triggers.rowCount() == 0 and panel.flows.rowCount() == 0
    shown = palette.current().name
    set_theme(window, "light" if shown == "dark" else "dark")
    assert palette.current().error in panel.status.text()
    set_theme(window, shown)
    panel.asof_edit.setText("2024-02-30")
    panel.refresh_button.click()
    assert not window.jobs.running
    assert html.escape("'2024-02-30' is not a date") in panel.status.text()
    assert window.errors.count == 0


def test_only_the_latest_request_runs_after_the_running_one(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    started: list[str] = []
    window.jobs.job_started.connect(lambda worker: started.append(worker.name))
    panel = window.panels["dockTriggersFlows"]
    for day in ("2020-03-16", "2020-03-17", "2020-03-18"):  # faster than a job runs
        panel.asof_edit.setText(day)
        panel.refresh_button.click()
    qtbot.waitUntil(
        lambda: _asked(window) == "2020-03-18" and not window.jobs.running, timeout=60_000
    )
    assert started.count("Triggers and flows") == 2  # the first, then the last
    assert panel.status.text().startswith("As of 2020-03-18:")


def test_every_input_has_a_tooltip(desk_app, qtbot) -> None:
    panel = PositioningPanel()
    qtbot.addWidget(panel)
    inputs = inputs_of(panel)
    assert len(inputs) == 12  # 4 flow inputs, Refresh, as of, Latest, Follow, 4 of the VIX path
    assert [w.objectName() or w.text() for w in inputs if not w.toolTip().strip()] == []
    assert "YYYY-MM-DD" in panel.asof_edit.toolTip() and "replay" in panel.follow_box.toolTip()


@needs_data
@pytest.mark.parametrize("theme", ["dark", "light"])
def test_as_of_results_fit_at_1920(make_window, qtbot, tmp_path: Path, theme: str) -> None:
    """As of 2024-08-02 on real data, every tab of the dock at 1920x1080 in the Research and
    Positioning perspectives: no horizontal scrollbar, no clipped text."""
    window = _real_window(make_window, qtbot, (1920, 1080))
    set_theme(window, theme)
    panel = window.panels["dockTriggersFlows"]
    _refresh_as_of(window, qtbot, "2024-08-02")
    out = Path(os.environ.get("CTADESK_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    for key in ("research", "positioning"):
        window.switch_perspective(key)
        window.docks["dockTriggersFlows"].raise_()
        for tab in range(panel.tabs.count()):
            panel.tabs.setCurrentIndex(tab)
            qtbot.wait(50)
            report = measure(window)
            problems = [p for p in report.hscrollbars + report.clipped if "Triggers" in p]
            assert problems == [], (key, panel.tabs.tabText(tab))
        assert window.grab().save(str(out / f"asof-{key}-1920x1080-{theme}.png"))
    set_theme(window, "dark")
    assert window.errors.count == 0
