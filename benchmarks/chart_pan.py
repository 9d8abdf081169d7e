"""Frame time while panning a 1,000,000-point curve, drawn the way the app draws curves
(peak downsampling + clip-to-view), against a 10,000-point curve and against the same
million points drawn naively, all in the same run. Off screen; prints one JSON object."""

from __future__ import annotations

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

from widgets import charts


def pan_fps(points: int, fast: bool, frames: int) -> float:
    app = QApplication.instance()
    rng = np.random.default_rng(3)
    x = np.arange(points, dtype=float)
    y = np.cumsum(rng.standard_normal(points))
    widget = pg.PlotWidget()
    widget.resize(1400, 600)
    if fast:
        curve = charts.fast_curve(widget.getPlotItem(), charts.RUN_COLORS[0])
    else:
        curve = widget.plot(pen=pg.mkPen(charts.RUN_COLORS[0]))
    curve.setData(x, y)
    widget.show()
    window = points // 5  # a fifth of the series in view, as when zoomed in on a chart
    widget.setXRange(0, window, padding=0)
    app.processEvents()
    widget.grab()
    start = time.perf_counter()
    for i in range(frames):
        left = (points - window) * i / frames
        widget.setXRange(left, left + window, padding=0)
        widget.grab()  # a real repaint of the view into a pixmap
    elapsed = time.perf_counter() - start
    widget.close()
    return frames / elapsed


def main(frames: int = 60) -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    charts.configure()
    small = pan_fps(10_000, fast=True, frames=frames)
    million = pan_fps(1_000_000, fast=True, frames=frames)
    naive = pan_fps(1_000_000, fast=False, frames=max(5, frames // 6))
    print(
        json.dumps(
            {
                "frames": frames,
                "fps_1m_points_downsampled": round(million, 1),
                "frame_ms_1m_points": round(1000 / million, 1),
                "fps_10k_points": round(small, 1),
                "fps_1m_points_naive": round(naive, 1),
                "million_over_10k_frame_time": round(small / million, 2),
                "naive_over_downsampled_frame_time": round(million / naive, 1),
            }
        )
    )
    app.quit()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
