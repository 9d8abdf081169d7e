"""Degenerate series through every dock: a clear message or a finite result, never a crash,
and never NaN or infinity shown as a number."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from app.paths import app_paths
from engine.data.store import MarketStore, SeriesMeta
from tests.gui.desk_texts import nan_shown

DAYS = pd.bdate_range("2015-01-02", periods=900)
WALK = 100 * np.exp(np.cumsum(np.random.default_rng(4).normal(0, 0.01, (900, 2)), axis=0))


def _series(symbol: str, kind: str, closes) -> tuple[SeriesMeta, pd.DataFrame]:
    close = pd.Series(closes, index=DAYS[: len(closes)], dtype=float)
    return SeriesMeta(symbol=symbol, kind=kind, source="test"), pd.DataFrame({"close": close})


VIXES = {"flat": np.full(900, 20.0), "zero": np.zeros(900), "one day": np.array([18.0])}


@pytest.fixture(params=list(VIXES))
def degenerate_desk(request, make_window, qtbot):
    MarketStore(app_paths().ensure().store).write(
        [
            _series("FLAT", "future", np.full(900, 100.0)),
            _series("FLAT2", "future", np.full(900, 7.5)),
            _series("NEG", "future", WALK[:, 0] - 150),  # back-adjusted, below zero
            _series("TINY", "future", WALK[:, 1] * 1e-9),
            _series("SHORT", "future", WALK[:5, 0]),
            _series("SPX", "index", WALK[:, 0]),
            _series("VIX", "vix", VIXES[request.param]),  # a VIX that never moves, or worse
        ]
    )
    window = make_window(auto_demo=False)
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    return window


def _settle(window, qtbot) -> None:
    qtbot.waitUntil(lambda: not window.jobs.running, timeout=60_000)
    qtbot.wait(50)


def _dialog(window) -> str:
    dialog = window.errors.dialog
    text = "" if dialog is None else f"{dialog.text()} {dialog.informativeText()}"
    if dialog is not None:
        dialog.close()
    return text


def test_every_dock_on_degenerate_series(degenerate_desk, qtbot) -> None:
    window = degenerate_desk
    strategy = window.panels["dockStrategy"]
    expected = {  # universe -> words the error dialog must hold ("" = must run)
        ("FLAT", "FLAT2"): "zero volatility",
        ("SHORT",): "not enough history for its lookbacks (5 days)",
        ("NEG",): "",
        ("TINY", "SPX"): "",
        ("NEG", "TINY", "SPX", "FLAT"): "",
    }
    for symbols, reason in expected.items():
        strategy.set_symbols(list(symbols))
        runs = len(window.panels["dockEquity"].runs)
        strategy.run_button.click()
        _settle(window, qtbot)
        message = _dialog(window)
        if reason:
            assert reason in message, (symbols, message)
        else:
            assert message == "" and len(window.panels["dockEquity"].runs) == runs + 1, message
        assert nan_shown(window) == [], symbols

    strategy.set_symbols(["FLAT", "TINY"])
    positioning = window.panels["dockTriggersFlows"]
    positioning.refresh_button.click()
    _settle(window, qtbot)
    assert _dialog(window) == "" and positioning.triggers.rowCount() > 0
    assert nan_shown(window) == []

    sweep = window.panels["dockSweep"]
    strategy.set_symbols(["FLAT", "FLAT2"])
    sweep.run_button.click()
    _settle(window, qtbot)
    _dialog(window)
    assert nan_shown(window) == []

    data = window.panels["dockData"]
    for row in range(data.table.model().rowCount()):  # preview every series, degenerate too
        data.table.selectRow(row)
        _settle(window, qtbot)
        assert _dialog(window) == "" and nan_shown(window) == [], row

    events = window.panels["dockEventReplay"]
    events.run_button.click()  # the data (2015-2018) does not cover the first event
    _settle(window, qtbot)
    assert _dialog(window) == "" and nan_shown(window) == []  # said in the dock, no dialog
    assert "no VIX series covers" in events.readout.text()
