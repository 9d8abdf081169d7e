"""Steps several GUI tests take on a demo window before they look at it."""

from __future__ import annotations


def backtest_and_flows(window, qtbot) -> None:
    """Wait for the data, run the Strategy dock's backtest, then refresh triggers and flows."""
    qtbot.waitUntil(lambda: window.data.is_ready and not window.jobs.running, timeout=30_000)
    window.panels["dockStrategy"].run_button.click()
    qtbot.waitUntil(
        lambda: window.strategy.last is not None and not window.jobs.running, timeout=60_000
    )
    window.panels["dockTriggersFlows"].refresh_button.click()
    qtbot.waitUntil(lambda: window.positioning.last is not None and not window.jobs.running)
