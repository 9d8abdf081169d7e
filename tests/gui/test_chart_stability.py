"""Repainting charts many times must not crash: PySide6 6.12.0 aborted the process here
("deallocating None" in pyqtgraph's axis painting), hence the pin in pyproject.toml."""

from __future__ import annotations

import numpy as np

from widgets.equity_panel import EquityPanel, EquitySeries


def test_pan_and_repaint_a_long_curve_many_times(desk_app, qtbot) -> None:
    panel = EquityPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 600)
    panel.show()
    n = 200_000
    seconds = 1e9 + 86400.0 * np.arange(n)
    equity = np.exp(np.cumsum(np.random.default_rng(1).normal(0, 0.01, n)))
    peak = np.maximum.accumulate(equity)
    panel.add_run(EquitySeries("long", seconds, equity, equity / peak - 1, np.ones(n)))
    width = seconds[-1] - seconds[0]
    for i in range(120):
        left = seconds[0] + width * 0.8 * i / 120
        panel.equity_plot.setXRange(left, left + width * 0.2, padding=0)
        assert not panel.grab().isNull()
    curve = panel.curves[-1][0]
    shown, _y = curve.getData()
    assert len(curve.xData) == n  # all the data is kept ...
    assert len(shown) < n / 5  # ... and only a downsampled, clipped view is drawn
