"""Readable numbers on charts: no automatic SI prefix on any axis, a unit on every labelled axis,
and flow bar labels that never overlap."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF, QImage, QPainter

from tests.gui.desk_actions import backtest_and_flows
from widgets import charts
from widgets.positioning_panel import PositioningPanel

NAMES = ("AUD", "BUND", "CL", "ES", "EUR", "FESX", "GBP", "GC", "HG", "JPY", "NG", "NKD", "NQ")
SYMBOLS = [f"DEMO_{name}" for name in (*NAMES, "SI", "SPX", "TY", "US", "ZB", "ZF", "ZN")]


def _axes(root) -> list[pg.AxisItem]:
    return [
        item
        for view in root.findChildren(pg.GraphicsView)
        for item in view.scene().items()
        if isinstance(item, pg.AxisItem)
    ]


def test_a_sharpe_axis_reads_plain_numbers(desk_app, qtbot) -> None:
    """The mixer's case: Sharpe 0.35-0.50 once read "350-500 (x0.001)"."""
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.setLabel("left", "Sharpe", units="ratio")
    plot.plot(np.linspace(0, 100, 21), np.linspace(0.35, 0.50, 21))
    plot.resize(400, 300)
    plot.show()
    qtbot.waitExposed(plot)
    plot.getViewBox().autoRange()
    axis = plot.getAxis("left")
    assert axis.autoSIPrefixScale == 1.0 and axis.labelUnitPrefix == ""
    assert "x0.001" not in axis.labelString() and "Sharpe (ratio)" in axis.labelString()
    lo, hi = axis.range
    ticks = [v for _, values in axis.tickValues(lo, hi, 300) for v in values]
    shown = [float(s) for s in axis.tickStrings(ticks, axis.autoSIPrefixScale, 0.05)]
    assert shown and all(0.3 <= v <= 0.55 for v in shown)


def test_no_si_prefix_and_a_unit_on_every_axis_of_the_desk(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    backtest_and_flows(window, qtbot)
    axes = _axes(window)
    assert len(axes) >= 20
    for axis in axes:
        assert axis.autoSIPrefixScale == 1.0 and axis.labelUnitPrefix == "", axis.labelText
        if axis.label.isVisible():
            assert axis.labelUnits, f"axis {axis.labelText!r} has no unit"
    value_axes = [
        a
        for a in axes
        if a.isVisible()
        and a.scene().views()[0].isVisible()  # not a chart hidden until it has data
        and a.orientation == "left"
        and not isinstance(a, charts.CategoryAxis)
        and a.style["showValues"]
    ]
    assert value_axes and all(a.label.isVisible() for a in value_axes), [
        a.labelText for a in value_axes if not a.label.isVisible()
    ]


def _flows(symbols: list[str]) -> dict:
    values = {s: (i - len(symbols) / 2) * 1.3e9 for i, s in enumerate(symbols)}
    total = {**values, "total": sum(values.values())}
    horizons = {"1d": total, "1w": total}
    return {
        "positions": values,
        "scenarios": {s: horizons for s in ("flat", "up", "down")},
        "skipped": {},
    }


def _name_rects(axis: charts.CategoryAxis) -> list:
    """The rectangles of the names drawn, full font height, from the axis's own draw specs."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    metrics = QFontMetricsF(axis.style["tickFont"] or axis.font())
    rects = []
    for rect, _, text in texts:
        full = metrics.boundingRect(text)
        full.moveCenter(rect.center())
        rects.append((text, full))
    return rects


def test_flow_bar_labels_never_overlap(desk_app, qtbot) -> None:
    panel = PositioningPanel()
    qtbot.addWidget(panel)
    panel.show_flows(_flows(SYMBOLS))
    panel.tabs.setCurrentIndex(1)
    axis = panel.bar_names
    for height in (900, 420, 260):
        panel.resize(900, height)
        panel.show()
        qtbot.waitExposed(panel)
        qtbot.waitUntil(lambda: bool(_name_rects(axis)))  # the axis widens to its names
        qtbot.wait(50)
        rects = _name_rects(axis)
        for i, (a, ra) in enumerate(rects):
            for b, rb in rects[i + 1 :]:
                assert not ra.intersects(rb), (height, a, b)
        names = [t for t, _ in rects]
        assert names == [s for s in SYMBOLS if s in names]  # in order, evenly thinned
        if height == 900:
            assert names == SYMBOLS  # room for all
    label = panel.bars.getAxis("bottom")
    assert label.labelUnits == "$bn" and label.autoSIPrefixScale == 1.0
    bars = panel.flow_bars
    assert bars is not None
    assert list(bars.opts["width"]) == [v / 1e9 for v in _flows(SYMBOLS)["positions"].values()]
