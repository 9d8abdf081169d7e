"""Event Replay dock: replay through the worker, slider and Play, the gauge follows."""

from __future__ import annotations

import pytest

from engine.data.store import MarketStore
from engine.events import get_event, replay_job
from engine.jobs import run_job


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


def test_replay_outside_the_data_reaches_a_dialog(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    panel = window.panels["dockEventReplay"]
    window.replays.run("rates-2022")  # the demo universe ends in 2025: covered
    qtbot.waitUntil(lambda: window.replays.last is not None, timeout=60_000)
    store = MarketStore(window.data.store_path)
    store.delete("DEMO_VIX")
    window.data.refresh()
    qtbot.waitUntil(lambda: "DEMO_VIX" not in window.data_panel.symbols(), timeout=10_000)
    panel.run_button.click()
    assert "Load a VIX series" in panel.readout.text()
