"""Equity dock: equity (log option), drawdown and gross leverage in linked views, with a
crosshair readout; up to five runs compared."""

from __future__ import annotations

import html
import time
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from widgets import charts

MAX_RUNS = 5
BENCH_COLOR = "#8a93a0"


@dataclass
class EquitySeries:
    """What the panel draws for one run (computed off the UI thread)."""

    label: str
    seconds: np.ndarray  # POSIX seconds of each day
    equity: np.ndarray
    drawdown: np.ndarray
    leverage: np.ndarray
    benchmark: np.ndarray | None = None  # the equity index, 1 at the start
    benchmark_label: str = ""
    stressed: np.ndarray | None = None  # per day: previous VIX close >= the fear threshold


class EquityPanel(QWidget):
    """Draws runs as they arrive; the newest is the one the crosshair reads."""

    updated = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("equityPanel")
        self.runs: list[EquitySeries] = []
        self.curves: list[tuple] = []
        self.readout = QLabel("Run a backtest from the Strategy dock", self)
        self.readout.setObjectName("equityReadout")
        self.log_box = QCheckBox("Log scale", self)
        self.log_box.toggled.connect(self._set_log)
        self.clear_button = QPushButton("Clear runs", self)
        self.clear_button.clicked.connect(self.clear)
        top = QHBoxLayout()
        top.addWidget(self.readout, 1)
        top.addWidget(self.log_box)
        top.addWidget(self.clear_button)
        self.key = QLabel("", self)  # which colour is which run: cheaper than a plot legend
        self.key.setObjectName("equityKey")
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(top)
        self.layout_.addWidget(self.key)
        self.last_draw_ms = 0.0
        self._build_view()  # at start-up: building plots later would stall the UI thread

    def _build_view(self) -> None:
        charts.configure()
        self.view = pg.GraphicsLayoutWidget(self)
        self.view.setObjectName("equityView")
        self.equity_plot = self.view.addPlot(row=0, col=0)
        self.equity_plot.setLabel("left", "equity")
        self.dd_plot = self.view.addPlot(row=1, col=0)
        self.dd_plot.setLabel("left", "DD %")
        self.lev_plot = self.view.addPlot(row=2, col=0, axisItems={"bottom": pg.DateAxisItem()})
        self.lev_plot.setLabel("left", "gross lev.")
        for plot in (self.dd_plot, self.lev_plot):
            plot.setXLink(self.equity_plot)
        for plot in (self.equity_plot, self.dd_plot):  # one date axis, at the bottom
            plot.hideAxis("bottom")
        self.view.ci.layout.setRowStretchFactor(0, 3)
        for plot in (self.equity_plot, self.dd_plot, self.lev_plot):
            plot.getAxis("left").enableAutoSIPrefix(False)
            plot.getAxis("left").setWidth(55)
        self.lines = [
            pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#888", width=1))
            for _ in range(3)
        ]
        for plot, line in zip(
            (self.equity_plot, self.dd_plot, self.lev_plot), self.lines, strict=True
        ):
            plot.addItem(line, ignoreBounds=True)
        self._pool: list[tuple[pg.PlotDataItem, ...]] = []  # curve triples, reused across runs
        self.bench_curve = charts.fast_curve(self.equity_plot, BENCH_COLOR)
        self.bench_curve.setPen(pg.mkPen(BENCH_COLOR, width=1, style=Qt.PenStyle.DashLine))
        self.bench_curve.hide()
        self.stress_strip = pg.ImageItem()
        self.stress_strip.setZValue(-10)
        self.stress_strip.hide()
        self.equity_plot.addItem(self.stress_strip, ignoreBounds=True)
        self.view.scene().sigMouseMoved.connect(self._on_mouse)
        self.layout_.addWidget(self.view, 1)

    def add_run(self, series: EquitySeries) -> None:
        """Draw a run (UI thread); the oldest is dropped beyond MAX_RUNS."""
        start = time.perf_counter()
        self.runs.append(series)
        if len(self.runs) > MAX_RUNS:
            self.runs.pop(0)
        self._redraw()
        self.last_draw_ms = (time.perf_counter() - start) * 1000.0
        self._show_readout(len(series.seconds) - 1)
        self.updated.emit()

    def set_stress(self, series: EquitySeries, stressed: np.ndarray | None) -> None:
        """New VIX-stress days for ``series`` (other zone thresholds); redrawn if it is shown."""
        series.stressed = stressed
        if self.runs and self.runs[-1] is series:
            self._draw_context(series)

    def _redraw(self) -> None:
        """Update the curves in place: items are made once and reused, so a new run costs a
        few setData calls rather than rebuilding plots and legend on the UI thread."""
        while len(self._pool) < len(self.runs):
            self._pool.append(
                tuple(
                    charts.fast_curve(plot, charts.RUN_COLORS[0])
                    for plot in (self.equity_plot, self.dd_plot, self.lev_plot)
                )
            )
        self.curves = self._pool[: len(self.runs)]
        key = []
        for i, (run, (eq, dd, lev)) in enumerate(zip(self.runs, self.curves, strict=False)):
            # wide pens take the raster engine's slow path; colour marks the newest
            color = charts.RUN_COLORS[(len(self.runs) - 1 - i) % len(charts.RUN_COLORS)]
            pen = pg.mkPen(color)
            values_by_curve = ((eq, run.equity), (dd, run.drawdown * 100.0), (lev, run.leverage))
            for curve, values in values_by_curve:
                curve.setPen(pen)
                curve.setData(*charts.finite(run.seconds, values))
                curve.show()
            key.append(f'<span style="color:{color}">&#9632;</span>&nbsp;{html.escape(run.label)}')
        for triple in self._pool[len(self.runs) :]:
            for curve in triple:
                curve.hide()
                curve.setData([], [])
        newest = self.runs[-1] if self.runs else None
        self._draw_context(newest)
        if newest is not None and newest.benchmark is not None:
            label = html.escape(newest.benchmark_label)
            key.append(f'<span style="color:{BENCH_COLOR}">- -</span>&nbsp;{label}')
        self.key.setText("&nbsp;&nbsp;".join(key))
        self._fit_range()

    def _fit_range(self) -> None:
        """Set the view ranges from the data once, instead of pyqtgraph's auto-range pass
        (which repaints a second time after the first paint)."""
        if not self.runs:
            self.equity_plot.enableAutoRange()
            return
        seconds = np.concatenate([run.seconds for run in self.runs])
        equity = [run.equity for run in self.runs]
        equity += [run.benchmark for run in self.runs[-1:] if run.benchmark is not None]
        columns = (
            (self.equity_plot, np.concatenate(equity)),
            (self.dd_plot, np.concatenate([run.drawdown * 100.0 for run in self.runs])),
            (self.lev_plot, np.concatenate([run.leverage for run in self.runs])),
        )
        x_range = _span(seconds)
        for plot, values in columns:
            log_y = plot is self.equity_plot and self.log_box.isChecked()
            y_range = _span(np.log10(values[values > 0]) if log_y else values)
            plot.vb.setRange(xRange=x_range, yRange=y_range, padding=0.02)

    def _draw_context(self, run: EquitySeries | None) -> None:
        """Benchmark curve and VIX-stress shading of the newest run."""
        if run is not None and run.benchmark is not None:
            self.bench_curve.setData(*charts.finite(run.seconds, run.benchmark))
            self.bench_curve.show()
        else:
            self.bench_curve.hide()
            self.bench_curve.setData([], [])
        if run is None or run.stressed is None or not run.stressed.any() or len(run.seconds) < 2:
            self.stress_strip.hide()
            return
        # one image strip (a column per day) instead of hundreds of region items: cheap to paint
        rgba = np.zeros((len(run.stressed), 1, 4), dtype=np.ubyte)
        rgba[run.stressed] = (217, 58, 58, 40)
        self.stress_strip.setImage(rgba, levels=(0, 255))
        values = run.equity if run.benchmark is None else np.r_[run.equity, run.benchmark]
        low, high = float(np.nanmin(values)), float(np.nanmax(values))
        width = run.seconds[-1] - run.seconds[0]
        self.stress_strip.setRect(QRectF(run.seconds[0], low, width, max(high - low, 1e-9)))
        self.stress_strip.show()

    def _set_log(self, on: bool) -> None:
        self.equity_plot.setLogMode(y=on)
        self._fit_range()

    def clear(self) -> None:
        self.runs.clear()
        self._redraw()
        self.readout.setText("No runs")

    def _on_mouse(self, pos) -> None:
        if not self.runs or not self.equity_plot.sceneBoundingRect().contains(pos):
            return
        x = self.equity_plot.vb.mapSceneToView(pos).x()
        run = self.runs[-1]
        i = int(np.clip(np.searchsorted(run.seconds, x), 0, len(run.seconds) - 1))
        self._show_readout(i)

    def show_date(self, seconds: float) -> bool:
        """Move the crosshair to a date (e.g. the replayed day); False outside the newest run."""
        if not self.runs:
            return False
        run = self.runs[-1]
        if not run.seconds[0] <= seconds <= run.seconds[-1]:
            return False
        self._show_readout(int(np.searchsorted(run.seconds, seconds)))
        return True

    def _show_readout(self, i: int) -> None:
        run = self.runs[-1]
        for line in self.lines:
            line.setPos(run.seconds[i])
        day = np.datetime64(int(run.seconds[i]), "s").astype("datetime64[D]")
        self.readout.setText(
            f"<b>{run.label}</b>  {day}  equity {run.equity[i]:.3f}  "
            f"drawdown {run.drawdown[i] * 100:.1f}%  gross leverage {run.leverage[i]:.2f}"
        )


def _span(values: np.ndarray) -> tuple[float, float]:
    """(low, high) of the finite values; a flat or empty series gets a unit-wide range."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    return (low - 0.5, high + 0.5) if high <= low else (low, high)
