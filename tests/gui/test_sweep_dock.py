"""Sweep dock: ranges, a sweep through the worker, the heatmap against the engine, click-to-run."""

from __future__ import annotations

import numpy as np
import pytest

from engine.data.store import MarketStore
from engine.grid import parse_values
from engine.jobs import run_job
from engine.presets import resolve
from engine.sweep import grid_sweep_job, sweep_axes


def test_parse_values() -> None:
    assert parse_values("20:100:20") == (20, 40, 60, 80, 100)
    assert parse_values("0.05:0.2:0.05") == (0.05, 0.1, 0.15, 0.2)
    assert parse_values("1, 2,5") == (1, 2, 5)
    for bad in ("", "a,b", "10:5:1", "1:5:0"):
        with pytest.raises(ValueError):
            parse_values(bad)


def _expected(window, grid: dict) -> dict:
    """The engine's sweep of the Strategy dock's preset and values on its universe."""
    strategy = window.panels["dockStrategy"]
    prices = MarketStore(window.data.store_path).read_closes(strategy.symbols())
    base = resolve(strategy.preset, strategy.values())
    return run_job(grid_sweep_job(prices, grid, base))


def test_sweep_heatmap_matches_engine_and_cell_runs_backtest(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    panel = window.panels["dockSweep"]
    # the default preset's own parameters (a TSMOM blend has no single lookback to sweep)
    axes = [panel.x_box.itemText(i) for i in range(panel.x_box.count())]
    assert axes == list(sweep_axes("tsmom_blend")) and "lookback" not in axes
    assert panel.x_box.currentText() == "vol_span" and panel.y_box.currentText() == "vol_floor"
    panel.x_range.setText("20,35,60")
    panel.y_range.setText("0,0.5")
    panel.run_button.click()
    qtbot.waitUntil(
        lambda: window.sweeps.last is not None and panel.run_button.isEnabled(), timeout=60_000
    )
    expected = _expected(window, {"vol_span": (20, 35, 60), "vol_floor": (0.0, 0.5)})
    sharpe = np.array([r["sharpe"] for r in expected["results"]]).reshape(3, 2)
    np.testing.assert_allclose(panel.grid_values, sharpe, rtol=1e-12)
    assert "Best sharpe" in panel.message.text() and "tsmom-blend sweep" in panel.message.text()
    panel.stat_box.setCurrentText("max_dd")
    assert np.all(panel.grid_values <= 0)

    strategy = window.panels["dockStrategy"]
    before = window.strategy.count
    with qtbot.waitSignal(panel.cell_chosen):
        panel.cell_chosen.emit(panel.cell_at(1, 0))
    qtbot.waitUntil(
        lambda: window.strategy.count == before + 1 and strategy.run_button.isEnabled(),
        timeout=60_000,
    )
    assert strategy.fields["vol_span"].value() == 35 and strategy.fields["vol_floor"].value() == 0
    assert strategy.fields["signal"].value() == "tsmom_blend"  # the rule is not changed
    run = window.strategy.last
    cell = expected["results"][2]  # vol_span 35, vol_floor 0
    assert run.metrics["sharpe"] == pytest.approx(cell["sharpe"], rel=1e-9)
    assert run.metrics["ann_vol"] == pytest.approx(cell["ann_vol"], rel=1e-9)
    assert run.series.label.startswith("tsmom-blend vol_span=35, vol_floor=0 #")


def test_axes_follow_the_strategy(make_window, qtbot) -> None:
    window = make_window()
    panel = window.panels["dockSweep"]
    strategy = window.panels["dockStrategy"]
    strategy.select_preset("mop2012")
    assert panel.x_box.itemText(0) == "lookback" and panel.x_box.currentText() == "vol_span"
    panel.x_box.setCurrentText("lookback")
    assert panel.x_range.text() == "20:260:20"  # the declared default range
    strategy.select_preset("ewmac")  # no lookback: X falls back to the rule's first axis
    assert [panel.x_box.itemText(i) for i in range(panel.x_box.count())] == list(
        sweep_axes("ewmac")
    )
    assert panel.x_box.currentText() == "forecast_cap" and panel.x_range.text() == "10,15,20,30"
    assert "ewmac" in panel.strategy_label.text()


def test_same_axis_twice_is_refused(make_window, qtbot) -> None:
    window = make_window()
    panel = window.panels["dockSweep"]
    panel.y_box.setCurrentText(panel.x_box.currentText())
    with qtbot.assertNotEmitted(panel.run_requested):
        panel.run_button.click()
    assert "two different parameters" in panel.message.text()


def _run_on_cluster(make_window, qtbot, xs: str, ys: str, address: str):
    """A demo-data window whose Sweep dock runs ``xs`` x ``ys`` on the Dask ``address``."""
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    panel = window.panels["dockSweep"]
    panel.x_range.setText(xs)
    panel.y_range.setText(ys)
    panel.cluster_box.setChecked(True)
    panel.scheduler_edit.setText(address)
    panel.run_button.click()
    return window, panel


def test_sweep_on_a_local_dask_cluster_matches_in_process(make_window, qtbot) -> None:
    pytest.importorskip("distributed")
    window, panel = _run_on_cluster(make_window, qtbot, "20,35,60", "0,0.5", "local:2")
    assert not panel.cluster_box.isEnabled()  # no switching while it runs
    qtbot.waitUntil(
        lambda: window.sweeps.last is not None and panel.run_button.isEnabled(), timeout=120_000
    )
    assert window.sweeps.last["workers"] == 2 and "2 Dask workers (local:2" in panel.note
    expected = _expected(window, {"vol_span": (20, 35, 60), "vol_floor": (0.0, 0.5)})
    assert window.sweeps.last["results"] == expected["results"]
    # the choice is remembered for the next session
    assert window.settings.value("cluster/scheduler") == "local:2"
    assert window.settings.value("cluster/enabled") == "true"


def test_bad_cluster_address_is_reported(make_window, qtbot) -> None:
    window, panel = _run_on_cluster(make_window, qtbot, "20,35", "0", "remote:2")
    qtbot.waitUntil(lambda: window.errors.dialog is not None, timeout=30_000)
    assert "Dask address 'remote:2'" in window.errors.dialog.text()
    qtbot.waitUntil(panel.run_button.isEnabled, timeout=10_000)
    assert window.sweeps.last is None


def test_out_of_range_values_are_said_in_the_dock(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    panel = window.panels["dockSweep"]
    panel.y_range.setText("0,10")  # vol_floor is a share between 0 and 1
    panel.run_button.click()
    assert "vol_floor: 10.0 is above the maximum 1.0" in panel.message.text()
    assert window.sweeps.worker is None and panel.run_button.isEnabled()


def test_cluster_takes_tsmom_sweeps_only(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    window.panels["dockStrategy"].select_preset("ewmac")
    panel = window.panels["dockSweep"]
    panel.cluster_box.setChecked(True)
    panel.scheduler_edit.setText("local:2")
    panel.run_button.click()
    assert "the cluster runs TSMOM sweeps; ewmac (ewmac) sweeps run here" in panel.message.text()
    assert window.sweeps.worker is None and panel.run_button.isEnabled()


def test_cluster_choice_is_remembered_for_the_next_window(make_window, qtbot) -> None:
    first = make_window(auto_demo=False)
    panel = first.panels["dockSweep"]
    panel.cluster_box.setChecked(True)
    panel.scheduler_edit.setText("tcp://10.0.0.5:8786")
    panel.scheduler_edit.editingFinished.emit()
    second = make_window(auto_demo=False)  # same settings file
    again = second.panels["dockSweep"]
    assert again.cluster_box.isChecked() and again.scheduler_edit.isEnabled()
    assert again.cluster() == "tcp://10.0.0.5:8786"
    again.cluster_box.setChecked(False)
    assert make_window(auto_demo=False).panels["dockSweep"].cluster() is None
