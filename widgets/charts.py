"""pyqtgraph helpers shared by the chart panels (imported only when a chart is first built)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

BACKGROUND = "#161a21"
FOREGROUND = "#c9d1dc"
RUN_COLORS = ("#3d9be9", "#f2c12e", "#8cc63f", "#d93a3a", "#b07cf2")


def configure() -> None:
    """Explicit colours for the dark theme; anti-aliasing off keeps long curves fast."""
    pg.setConfigOptions(background=BACKGROUND, foreground=FOREGROUND, antialias=False)


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
