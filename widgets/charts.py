"""pyqtgraph helpers shared by the chart panels (imported only when a chart is first built):
the theme's colours, plain-unit axes, fast curves, category axes and zone bands.

Importing this module turns pyqtgraph's automatic SI prefix off for every axis made after it:
a Sharpe axis reads 0.35-0.50, never "350-500 (x0.001)". Axes state their unit in the label
(``plot.setLabel("left", "Sharpe", units="ratio")`` reads "Sharpe (ratio)")."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, overload

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPen
from PySide6.QtWidgets import QWidget

from engine.vix import ZoneThresholds
from widgets import palette
from widgets.palette import ZONE_COLORS, recolour

_axis_init = pg.AxisItem.__init__


def _plain_axis_init(self: pg.AxisItem, *args: Any, **kwargs: Any) -> None:
    _axis_init(self, *args, **kwargs)
    plain_units(self)


def plain_units(axis: pg.AxisItem) -> None:
    """No automatic SI prefix on ``axis``: tick values and the label's unit as they are."""
    axis.autoSIPrefix = False
    axis.autoSIPrefixScale = 1.0
    axis.labelUnitPrefix = ""
    axis.picture = None
    axis._updateLabel()


pg.AxisItem.__init__ = _plain_axis_init


class _RunColours(Sequence[str]):
    """The current theme's curve colours for runs, in order (indexing reads the theme)."""

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return palette.current().series[index]

    def __len__(self) -> int:
        return len(palette.current().series)


RUN_COLORS: Sequence[str] = _RunColours()


def configure() -> None:
    """Explicit colours for the current theme; anti-aliasing off keeps long curves fast."""
    theme = palette.current()
    pg.setConfigOptions(background=theme.chart_bg, foreground=theme.chart_fg, antialias=False)


def apply_theme(root: QWidget, mapping: dict[str, str]) -> None:
    """Switch every chart under ``root`` (and those built later) to the current theme:
    backgrounds, axes, tick text, grids, titles and legends; curves, lines, bars, markers and
    texts drawn in a theme colour move by ``mapping`` (palette.set_current's)."""
    configure()
    theme = palette.current()
    for view in root.findChildren(pg.GraphicsView):
        view.setBackground(theme.chart_bg)
        for item in view.scene().items():
            _retheme(item, theme, mapping)


def _moved_pen(pen: QPen | None, mapping: dict[str, str]) -> QPen | None:
    if pen is None:
        return None
    moved = recolour(pen.color(), mapping)
    if moved == pen.color():
        return None
    pen = QPen(pen)
    pen.setColor(moved)
    return pen


def _moved_brush(brush: Any, mapping: dict[str, str]) -> QBrush:
    brush = pg.mkBrush(brush)
    return QBrush(recolour(brush.color(), mapping)) if brush.style() else brush


def _retheme(item: Any, theme: palette.Theme, mapping: dict[str, str]) -> None:
    if isinstance(item, pg.AxisItem):
        item.setPen(theme.chart_fg)
        item.setTextPen(theme.chart_fg)
    elif isinstance(item, pg.PlotItem):
        title = item.titleLabel
        title.setAttr("color", theme.chart_fg)
        title.setText(title.text)
    elif isinstance(item, pg.LegendItem):
        item.setLabelTextColor(theme.chart_fg)
        for _, label in item.items:
            label.setText(label.text)
    elif isinstance(item, pg.PlotDataItem):
        pen = _moved_pen(pg.mkPen(item.opts["pen"]), mapping)
        if pen is not None:
            item.setPen(pen)
    elif isinstance(item, pg.InfiniteLine):
        pen = _moved_pen(item.pen, mapping)
        if pen is not None:
            item.setPen(pen)
    elif isinstance(item, pg.TextItem):
        item.setColor(recolour(item.color, mapping))
    elif isinstance(item, pg.BarGraphItem):
        brushes = item.opts.get("brushes")
        if brushes is not None:
            item.setOpts(brushes=[_moved_brush(b, mapping) for b in brushes])
    elif _free_scatter(item):
        item.setBrush([_moved_brush(b, mapping) for b in item.data["brush"]])


def _free_scatter(item: Any) -> bool:
    """A scatter of its own with points (a curve's symbols follow the curve)."""
    return (
        isinstance(item, pg.ScatterPlotItem)
        and len(item.data) > 0
        and not isinstance(item.parentItem(), pg.PlotDataItem)
    )


def fast_curve(
    plot: pg.PlotItem, color: str, width: float = 1.0, name: str | None = None
) -> pg.PlotDataItem:
    """A curve set up for millions of points: peak downsampling and clip-to-view."""
    curve = plot.plot(pen=pg.mkPen(color, width=width), name=name)
    curve.setDownsampling(auto=True, method="peak")
    curve.setClipToView(True)
    curve.setSkipFiniteCheck(True)
    return curve


def finite(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop non-finite points so the fast path (no finite check) is safe."""
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


class CategoryAxis(pg.AxisItem):
    """An axis naming categories at 0, 1, 2...: it shows every k-th name, k the smallest step
    at which no two names overlap at the axis's current length."""

    GAP = 4.0  # pixels kept free between two names

    def __init__(self, orientation: str, **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self.names: list[str] = []

    def set_names(self, names: Sequence[str]) -> None:
        self.names = list(names)
        self.picture = None
        self.update()

    def stride(self, length_px: float, lo: float, hi: float) -> int:
        """Every how many categories a name fits on ``length_px`` pixels showing ``lo..hi``."""
        if not self.names or hi <= lo or length_px <= 0:
            return 1
        metrics = QFontMetricsF(self.style["tickFont"] or self.font())
        if self.orientation in ("left", "right"):
            need = metrics.height() + self.GAP
        else:
            need = max(metrics.horizontalAdvance(n) for n in self.names) + self.GAP
        pitch = length_px / (hi - lo)
        return max(1, math.ceil(need / pitch))

    def tickValues(self, lo: float, hi: float, size: float) -> list:
        lo, hi = min(lo, hi), max(lo, hi)  # an inverted view gives them high to low
        step = self.stride(size, lo, hi)
        first = max(0, math.ceil(lo))
        last = min(len(self.names) - 1, math.floor(hi))
        return [(float(step), [float(i) for i in range(first, last + 1) if i % step == 0])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [self.names[round(v)] for v in values]


def zone_bands(thresholds: ZoneThresholds, top: float) -> list[pg.LinearRegionItem]:
    """Horizontal bands in the VIX zone colours, behind the curves (the top zone ends at
    ``top``)."""
    bands = []
    for zone in thresholds.zones():
        lo = zone.lower or 0.0
        color = QColor(ZONE_COLORS[zone.name])
        band = pg.LinearRegionItem(
            values=(lo, zone.upper or max(top, lo + 1.0)), orientation="horizontal",
            movable=False, brush=pg.mkBrush(color.red(), color.green(), color.blue(), 40),
            pen=pg.mkPen(None),
        )  # fmt: skip
        band.setZValue(-10)
        bands.append(band)
    return bands
