"""Sweep dock: ranges, a sweep through the worker, the heatmap against the engine, click-to-run."""

from __future__ import annotations

import numpy as np
import pytest

from engine.data.store import MarketStore
from engine.jobs import run_job
from engine.presets import resolve
from engine.sweep import grid_sweep_job, parse_values


def test_parse_values() -> None:
    assert parse_values("20:100:20") == (20, 40, 60, 80, 100)
    assert parse_values("0.05:0.2:0.05") == (0.05, 0.1, 0.15, 0.2)
    assert parse_values("1, 2,5") == (1, 2, 5)
    for bad in ("", "a,b", "10:5:1", "1:5:0"):
        with pytest.raises(ValueError):
            parse_values(bad)


def test_sweep_heatmap_matches_engine_and_cell_runs_backtest(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    panel = window.panels["dockSweep"]
    panel.x_range.setText("40:120:40")
    panel.y_range.setText("20,60")
    panel.run_button.click()
    qtbot.waitUntil(
        lambda: window.sweeps.last is not None and panel.run_button.isEnabled(), timeout=60_000
    )
    strategy = window.panels["dockStrategy"]
    prices = MarketStore(window.data.store_path).read_closes(strategy.symbols()).to_numpy()
    expected = run_job(
        grid_sweep_job(
            prices, {"lookback": (40, 80, 120), "vol_span": (20, 60)}, resolve("tsmom-blend")
        )
    )
    sharpe = np.array([r["sharpe"] for r in expected["results"]]).reshape(3, 2)
    np.testing.assert_allclose(panel.grid_values, sharpe, rtol=1e-12)
    assert "Best sharpe" in panel.message.text()
    panel.stat_box.setCurrentText("max_dd")
    assert np.all(panel.grid_values <= 0)

    before = window.strategy.count
    with qtbot.waitSignal(panel.cell_chosen):
        panel.cell_chosen.emit(panel.cell_at(1, 0))
    qtbot.waitUntil(
        lambda: window.strategy.count == before + 1 and strategy.run_button.isEnabled(),
        timeout=60_000,
    )
    assert strategy.fields["lookback"].value() == 80 and strategy.fields["vol_span"].value() == 20
    assert strategy.fields["signal"].value() == "tsmom"


def test_same_axis_twice_is_refused(make_window, qtbot) -> None:
    window = make_window()
    panel = window.panels["dockSweep"]
    panel.y_box.setCurrentText("lookback")
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
    window, panel = _run_on_cluster(make_window, qtbot, "40:120:40", "20,60", "local:2")
    assert not panel.cluster_box.isEnabled()  # no switching while it runs
    qtbot.waitUntil(
        lambda: window.sweeps.last is not None and panel.run_button.isEnabled(), timeout=120_000
    )
    assert window.sweeps.last["workers"] == 2 and "2 Dask workers (local:2" in panel.note
    strategy = window.panels["dockStrategy"]
    prices = MarketStore(window.data.store_path).read_closes(strategy.symbols()).to_numpy()
    grid = {"lookback": (40, 80, 120), "vol_span": (20, 60)}
    expected = run_job(grid_sweep_job(prices, grid, resolve("tsmom-blend")))
    assert window.sweeps.last["results"] == expected["results"]
    # the choice is remembered for the next session
    assert window.settings.value("cluster/scheduler") == "local:2"
    assert window.settings.value("cluster/enabled") == "true"


def test_bad_cluster_address_is_reported(make_window, qtbot) -> None:
    window, panel = _run_on_cluster(make_window, qtbot, "40,80", "20", "remote:2")
    qtbot.waitUntil(lambda: window.errors.dialog is not None, timeout=30_000)
    assert "Dask address 'remote:2'" in window.errors.dialog.text()
    qtbot.waitUntil(panel.run_button.isEnabled, timeout=10_000)
    assert window.sweeps.last is None
