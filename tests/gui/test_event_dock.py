"""Event Replay dock: replay through the worker, slider and Play, the gauge follows."""

from __future__ import annotations

import html

import pandas as pd
import pytest

from engine.data.choice import ImportChoice
from engine.data.importers import import_file
from engine.data.store import MarketStore
from engine.events import get_event
from engine.jobs import run_job
from engine.replay import replay_job
from tests.conftest import SHARED_DATA, needs_data


def test_replay_slider_and_followers(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    panel = window.panels["dockEventReplay"]
    panel.event_box.setCurrentIndex(panel.event_box.findData("feb-2018"))
    panel.run_button.click()
    qtbot.waitUntil(
        lambda: window.replays.last is not None and not window.jobs.running, timeout=60_000
    )
    store = MarketStore(window.data.store_path)
    symbols = window.panels["dockStrategy"].symbols()
    expected = run_job(
        replay_job(
            get_event("feb-2018"), store.read_closes(symbols), store.read("DEMO_VIX")["close"],
            store.read("DEMO_SPX")["close"],
        )
    )  # fmt: skip
    assert [d["date"] for d in panel.days] == [d["date"] for d in expected["days"]]
    assert panel.days[panel.slider.value()]["date"] >= "2018-02-05"  # opens at the peak day
    panel.slider.setValue(3)
    day = expected["days"][3]
    assert window.regime_panel.vix == pytest.approx(round(day["vix"], 2))
    assert window.rule16_panel.level_box.value() == pytest.approx(round(day["index"], 2))
    assert day["date"] in panel.readout.text()
    window.panels["dockStrategy"].run_button.click()  # a run in the Equity dock follows too
    qtbot.waitUntil(lambda: window.strategy.last is not None, timeout=60_000)
    panel.slider.setValue(5)
    assert expected["days"][5]["date"] in window.panels["dockEquity"].readout.text()
    panel.slider.setValue(0)
    panel.play_button.setChecked(True)
    qtbot.waitUntil(lambda: panel.slider.value() >= 2, timeout=5000)
    panel.play_button.setChecked(False)
    assert panel.play_button.text() == "Play"


def test_replay_outside_the_data_is_said_in_the_dock(make_window, qtbot) -> None:
    """Demo data is labelled; an event the store's VIX cannot cover is greyed with the reason
    and, when asked for, said inline (no dialog) with nothing of the previous replay left."""
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    panel = window.panels["dockEventReplay"]
    dialogs: list[str] = []
    window.errors.report.connect(lambda _t, m, _d: dialogs.append(m))
    window.replays.run("rates-2022")  # the demo universe ends in 2025: covered
    qtbot.waitUntil(lambda: window.replays.last is not None, timeout=60_000)
    assert window.replays.last["data_label"] == "DEMO (synthetic)"
    assert "DEMO (synthetic)" in panel.summary.text()
    assert "DEMO (synthetic)" in panel.vix_plot.titleLabel.text
    oct_2008 = panel.event_box.findData("oct-2008")  # the demo starts in 1993: covered
    assert panel.event_box.model().item(oct_2008).isEnabled()
    store = MarketStore(window.data.store_path)
    store.delete("DEMO_VIX")
    window.data.refresh()
    qtbot.waitUntil(lambda: "DEMO_VIX" not in window.data_panel.symbols(), timeout=10_000)
    item = panel.event_box.model().item(oct_2008)
    assert not item.isEnabled() and "no VIX series covers October 2008" in item.toolTip()
    window.replays.run("oct-2008")
    assert "no VIX series covers October 2008" in panel.readout.text()
    shown = panel.vix_curve.getData()[0]
    assert panel.days == [] and (shown is None or len(shown) == 0)
    assert panel.summary.text() == "" and not dialogs


@needs_data
def test_a_holiday_shows_the_last_close_with_its_date(make_window, qtbot) -> None:
    """The demo universe trades on Good Friday 2020 (10 April), the real VIX does not: the
    replay prefers the real VIX and shows its 9 April close, dated, in the readout and gauge;
    the demo futures keep the DEMO label."""
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    import_file(MarketStore(window.data.store_path), SHARED_DATA / "vix_daily.csv", symbol="VIX")
    window.data.refresh()
    qtbot.waitUntil(lambda: "VIX" in window.data_panel.symbols(), timeout=10_000)
    window.replays.run("mar-2020")
    qtbot.waitUntil(lambda: window.replays.last is not None, timeout=60_000)
    out = window.replays.last
    assert out["data"]["vix"] == "VIX" and out["data_label"] == "DEMO (synthetic)"
    panel = window.panels["dockEventReplay"]
    dates = [d["date"] for d in panel.days]
    panel.slider.setValue(dates.index("2020-04-10"))
    vix = pd.read_csv(SHARED_DATA / "vix_daily.csv", index_col=0, parse_dates=True)["Close"]
    assert f"VIX {vix['2020-04-09']:.2f} (close of 2020-04-09)" in panel.readout.text()
    assert window.regime_panel.vix == pytest.approx(vix["2020-04-09"])
    assert "nan" not in panel.readout.text().lower()


@needs_data
def test_universe_that_ends_before_the_event_replays_on_what_covers_it(make_window, qtbot) -> None:
    """README order: the real VIX, the recent S&P 500 and the futures panel (1975-2017). The
    Strategy dock ticks the panel, which cannot cover Aug 2024: the replay runs on the S&P 500,
    reports the real 2024-08-05 closes, and says which instruments it used and why."""
    window = make_window(auto_demo=False)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    store = MarketStore(window.data.store_path)
    import_file(store, SHARED_DATA / "vix_daily.csv", symbol="VIX")
    spx = SHARED_DATA / "recent" / "sp500_index_ohlcv_1927_2026.csv"
    import_file(store, spx, symbol="SPX", kind="index")
    panel_file = SHARED_DATA / "futures_panel_adjusted_daily.csv"
    import_file(store, panel_file, choice=ImportChoice(prefix="FUT_"))
    window.data.refresh()
    qtbot.waitUntil(lambda: "FUT_GOLD" in window.data_panel.symbols(), timeout=10_000)
    strategy = window.panels["dockStrategy"]
    strategy.set_symbols([s for s in strategy.symbols() if s.startswith("FUT_")] or ["FUT_GOLD"])
    window.replays.run("aug-2024")
    qtbot.waitUntil(lambda: window.replays.last is not None, timeout=60_000)
    out = window.replays.last
    assert out["data_label"] == "real data"
    panel = window.panels["dockEventReplay"]
    assert "replayed on SPX" in panel.summary.text() and "2017-12-21" in panel.summary.text()
    day = next(d for d in panel.days if d["date"] == "2024-08-05")
    assert (day["vix"], round(day["index"], 2)) == (38.57, 5186.33)


def test_replay_sweep_and_flows_refuse_what_the_strategy_form_refuses(make_window, qtbot) -> None:
    """A symbol typed into the Strategy form that is not a ticked instrument stops a run with
    an inline message; replay, sweep and flows say the same in their docks, no dialog."""
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    dialogs: list[str] = []
    window.errors.report.connect(lambda _t, m, _d: dialogs.append(m))
    window.panels["dockStrategy"].fields["equity_index"].widget.setCurrentText("0")
    expected = html.escape("equity_index: '0' is not one of the ticked instruments")
    window.replays.run("feb-2018")
    assert expected in window.panels["dockEventReplay"].readout.text()
    sweep = window.panels["dockSweep"]
    sweep.run_button.click()
    assert expected in sweep.message.text()
    flows = window.panels["dockTriggersFlows"]
    flows.refresh_button.click()
    assert expected in flows.status.text()
    qtbot.wait(100)
    assert not window.jobs.running and not dialogs
