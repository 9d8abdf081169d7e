"""pyqtgraph helpers shared by the chart panels (imported only when a chart is first built)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from engine.vix import ZoneThresholds
from widgets.palette import ZONE_COLORS

THEMES = {"dark": ("#161a21", "#c9d1dc"), "light": ("#ffffff", "#30343b")}
RUN_COLORS = ("#3d9be9", "#f2c12e", "#8cc63f", "#d93a3a", "#b07cf2")
_current = {"theme": "dark"}


def configure() -> None:
    """Explicit colours for the current theme; anti-aliasing off keeps long curves fast."""
    background, foreground = THEMES[_current["theme"]]
    pg.setConfigOptions(background=background, foreground=foreground, antialias=False)


def apply_theme(root: QWidget, theme: str) -> None:
    """Switch every chart under ``root`` (and those built later) to ``theme``."""
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}")
    _current["theme"] = theme
    configure()
    background, foreground = THEMES[theme]
    for view in root.findChildren(pg.GraphicsView):
        view.setBackground(background)
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem):
                item.setPen(foreground)
                item.setTextPen(foreground)


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


def zone_bands(thresholds: ZoneThresholds, top: float) -> list[pg.LinearRegionItem]:
    """Horizontal bands in the VIX zone colours, behind the curves (the top zone ends at
    ``top``)."""
    bands = []
    for zone in thresholds.zones():
        lo = zone.lower or 0.0
        color = ZONE_COLORS[zone.name]
        band = pg.LinearRegionItem(
            values=(lo, zone.upper or max(top, lo + 1.0)), orientation="horizontal",
            movable=False, brush=pg.mkBrush(color.red(), color.green(), color.blue(), 40),
            pen=pg.mkPen(None),
        )  # fmt: skip
        band.setZValue(-10)
        bands.append(band)
    return bands
