"""Equity dock: equity, drawdown and gross leverage in linked views, with a crosshair readout;
up to five runs compared. Equity is on a log scale once a run spans more than LOG_YEARS (until
the user chooses), and can be rescaled so every run has the same annualised volatility."""

from __future__ import annotations

import html
import time
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from engine.annualisation import TRADING_DAYS
from engine.labels import pct
from widgets import charts, palette

MAX_RUNS = 5
LOG_YEARS = 5.0  # a run longer than this opens on a log equity scale
DEFAULT_VOL_TARGET = 0.10  # "Scale to vol target" when the first run has no target
KEY_LABEL_CHARS = 28  # longer run names are cut in the chart's key (full name in the readout)
KEY_COLUMN_PX = 240  # plot width per column of the key
_YEAR_SECONDS = 365.25 * 86_400.0


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
    vol_target: float | None = None  # the run's annualised vol target (a fraction)
    annualisation: float = TRADING_DAYS  # days per year of the run's statistics

    def years(self) -> float:
        """Calendar years from the first to the last day."""
        return (
            float(self.seconds[-1] - self.seconds[0]) / _YEAR_SECONDS if self.seconds.size else 0.0
        )


@dataclass
class Shown:
    """The curves drawn for a run: as run, or rescaled to a common vol."""

    equity: np.ndarray
    drawdown: np.ndarray
    leverage: np.ndarray
    benchmark: np.ndarray | None


def scale_to_vol(equity: np.ndarray, target: float, days: float) -> tuple[np.ndarray, float]:
    """``equity`` (1 before the first day) rebuilt from its daily returns times k, where k makes
    their annualised volatility ``target``; returns the new equity and k (1 when flat)."""
    returns = equity / np.r_[1.0, equity[:-1]] - 1.0
    vol = float(np.nanstd(returns)) * np.sqrt(days) if returns.size > 1 else 0.0
    k = target / vol if vol > 0 and np.isfinite(vol) else 1.0
    return np.cumprod(1.0 + k * np.nan_to_num(returns)), k


def drawdown_of(equity: np.ndarray) -> np.ndarray:
    """Fraction below the running peak (the peak starts at 1)."""
    return equity / np.maximum.accumulate(np.r_[1.0, equity])[1:] - 1.0


class RunKey(pg.LegendItem):
    """Which colour is which run, drawn over the top-left of the equity plot: it never takes
    room from the chart, and chart exports (PNG, SVG) carry it. Drag it aside if it hides a
    curve; click an entry to hide or show that curve."""

    def __init__(self) -> None:
        super().__init__(offset=(6, 4), brush=pg.mkBrush(128, 128, 128, 60))
        self.setLabelTextSize("8pt")

    def fit_columns(self, width: float) -> None:
        """As many columns as fit a third of ``width`` (the plot's), at most three."""
        columns = int(min(3, max(1, width / KEY_COLUMN_PX)))
        if columns != self.columnCount:
            self.setColumnCount(columns)

    def text(self) -> str:
        """The labels shown, separated by two spaces (rich text, as drawn)."""
        return "&nbsp;&nbsp;".join(label.text for _sample, label in self.items)


class EquityPanel(QWidget):
    """Draws runs as they arrive; the newest is the one the crosshair reads."""

    updated = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("equityPanel")
        self.runs: list[EquitySeries] = []
        self.curves: list[tuple] = []
        self.shown: list[Shown] = []
        self.readout = QLabel("Run a backtest from the Strategy dock", self)
        self.readout.setObjectName("equityReadout")
        self.readout.setWordWrap(True)  # a long readout wraps; it never widens the dock
        self.readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.readout.setFixedHeight(3 * self.readout.fontMetrics().lineSpacing() + 4)
        self.log_box = QCheckBox("Log scale", self)
        self.log_box.setObjectName("equityLogScale")
        self.log_box.setToolTip(
            f"Equity on a log scale (equal heights are equal % moves). On by default once a "
            f"run spans more than {LOG_YEARS:g} years, until you choose."
        )
        self.log_box.toggled.connect(self._set_log)
        self.log_box.clicked.connect(self._log_chosen)
        self.log_user_choice: bool | None = None  # the user's click sticks over the default
        self.scale_box = QCheckBox("Scale to vol target", self)
        self.scale_box.setObjectName("equityScaleVol")
        self.scale_box.setToolTip(
            "Rescale every run's daily returns so its annualised volatility is the first run's "
            f"vol target ({DEFAULT_VOL_TARGET:.0%} when it has none): runs at different "
            "leverage become comparable. Drawdown and leverage are scaled with it."
        )
        self.scale_box.toggled.connect(self._rescale)
        self.clear_button = QPushButton("Clear runs", self)
        self.clear_button.setObjectName("equityClearRuns")
        self.clear_button.setToolTip("Remove every run from the chart and the comparison")
        self.clear_button.clicked.connect(self.clear)
        options = QVBoxLayout()  # stacked: the row stays narrow enough for a small dock
        options.setSpacing(0)
        options.addWidget(self.log_box)
        options.addWidget(self.scale_box)
        top = QHBoxLayout()
        top.addWidget(self.readout, 1)
        top.addLayout(options)
        top.addWidget(self.clear_button)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(top)
        self.last_draw_ms = 0.0
        self._build_view()  # at start-up: building plots later would stall the UI thread

    def _build_view(self) -> None:
        charts.configure()
        self.view = pg.GraphicsLayoutWidget(self)
        self.view.setObjectName("equityView")
        self.equity_plot = self.view.addPlot(row=0, col=0)
        self.equity_plot.setLabel("left", "equity", units="× start")
        self.dd_plot = self.view.addPlot(row=1, col=0)
        self.dd_plot.setLabel("left", "DD", units="%")  # short: the panel is short
        self.lev_plot = self.view.addPlot(row=2, col=0, axisItems={"bottom": pg.DateAxisItem()})
        self.lev_plot.setLabel("left", "gross lev.", units="×")
        for plot in (self.dd_plot, self.lev_plot):
            plot.setXLink(self.equity_plot)
        for plot in (self.equity_plot, self.dd_plot):  # one date axis, at the bottom
            plot.hideAxis("bottom")
        self.view.ci.layout.setRowStretchFactor(0, 3)
        for plot in (self.equity_plot, self.dd_plot, self.lev_plot):
            plot.getAxis("left").enableAutoSIPrefix(False)
            plot.getAxis("left").setWidth(55)
        marker = palette.current().marker
        self.lines = [
            pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(marker, width=1))
            for _ in range(3)
        ]
        for plot, line in zip(
            (self.equity_plot, self.dd_plot, self.lev_plot), self.lines, strict=True
        ):
            plot.addItem(line, ignoreBounds=True)
        self._pool: list[tuple[pg.PlotDataItem, ...]] = []  # curve triples, reused across runs
        bench = palette.current().benchmark
        self.bench_curve = charts.fast_curve(self.equity_plot, bench)
        self.bench_curve.setPen(pg.mkPen(bench, width=1, style=Qt.PenStyle.DashLine))
        self.bench_curve.hide()
        self.key = RunKey()
        self.key.setParentItem(self.equity_plot.vb)
        self.equity_plot.vb.sigResized.connect(lambda vb: self.key.fit_columns(vb.width()))
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
        if self.log_user_choice is None:  # the default follows the runs until the user picks
            on = any(run.years() > LOG_YEARS for run in self.runs)
            with QSignalBlocker(self.log_box):  # one redraw below, with the new runs
                self.log_box.setChecked(on)
            self.equity_plot.setLogMode(y=on)
        self._redraw()
        self.last_draw_ms = (time.perf_counter() - start) * 1000.0
        self._show_readout(len(series.seconds) - 1)
        self.updated.emit()

    def set_stress(self, series: EquitySeries, stressed: np.ndarray | None) -> None:
        """New VIX-stress days for ``series`` (other zone thresholds); redrawn if it is shown."""
        series.stressed = stressed
        if self.runs and self.runs[-1] is series:
            self._draw_context()

    def vol_target(self) -> float:
        """The annualised vol every run is rescaled to: the first run's target, else 10%."""
        first = self.runs[0].vol_target if self.runs else None
        return first if first is not None and first > 0 else DEFAULT_VOL_TARGET

    def _shown(self, run: EquitySeries) -> Shown:
        if not self.scale_box.isChecked():
            return Shown(run.equity, run.drawdown, run.leverage, run.benchmark)
        target = self.vol_target()
        equity, k = scale_to_vol(run.equity, target, run.annualisation)
        bench = None
        if run.benchmark is not None:
            bench = scale_to_vol(run.benchmark, target, run.annualisation)[0]
        return Shown(equity, drawdown_of(equity), run.leverage * k, bench)

    def _redraw(self) -> None:
        """Update the curves in place: items are made once and reused, so a new run costs a
        few setData calls rather than rebuilding plots on the UI thread."""
        while len(self._pool) < len(self.runs):
            self._pool.append(
                tuple(
                    charts.fast_curve(plot, charts.RUN_COLORS[0])
                    for plot in (self.equity_plot, self.dd_plot, self.lev_plot)
                )
            )
        self.curves = self._pool[: len(self.runs)]
        self.shown = [self._shown(run) for run in self.runs]
        self.key.clear()
        for i, (run, shown, (eq, dd, lev)) in enumerate(
            zip(self.runs, self.shown, self.curves, strict=False)
        ):
            # wide pens take the raster engine's slow path; colour marks the newest
            pen = pg.mkPen(charts.RUN_COLORS[(len(self.runs) - 1 - i) % len(charts.RUN_COLORS)])
            values_by_curve = (
                (eq, shown.equity),
                (dd, shown.drawdown * 100.0),
                (lev, shown.leverage),
            )
            for curve, values in values_by_curve:
                curve.setPen(pen)
                curve.setData(*charts.finite(run.seconds, values))
                curve.show()
            self.key.addItem(eq, html.escape(_cut(run.label)))
        for triple in self._pool[len(self.runs) :]:
            for curve in triple:
                curve.hide()
                curve.setData([], [])
        self._draw_context()
        if self.bench_curve.isVisible():
            self.key.addItem(self.bench_curve, html.escape(_cut(self.runs[-1].benchmark_label)))
        self.key.setVisible(bool(self.runs))
        scaled = self.scale_box.isChecked() and self.runs
        label = f"equity at {self.vol_target():.0%} vol" if scaled else "equity"
        self.equity_plot.setLabel("left", label, units="× start")
        self._fit_range()

    def _fit_range(self) -> None:
        """Set the view ranges from the data once, instead of pyqtgraph's auto-range pass
        (which repaints a second time after the first paint)."""
        if not self.runs:
            self.equity_plot.enableAutoRange()
            return
        seconds = np.concatenate([run.seconds for run in self.runs])
        equity = [shown.equity for shown in self.shown]
        equity += [s.benchmark for s in self.shown[-1:] if s.benchmark is not None]
        columns = (
            (self.equity_plot, np.concatenate(equity)),
            (self.dd_plot, np.concatenate([s.drawdown * 100.0 for s in self.shown])),
            (self.lev_plot, np.concatenate([s.leverage for s in self.shown])),
        )
        x_range = _span(seconds)
        for plot, values in columns:
            log_y = plot is self.equity_plot and self.log_box.isChecked()
            y_range = _span(np.log10(values[values > 0]) if log_y else values)
            plot.vb.setRange(xRange=x_range, yRange=y_range, padding=0.02)

    def _draw_context(self) -> None:
        """Benchmark curve and VIX-stress shading of the newest run."""
        run = self.runs[-1] if self.runs else None
        shown = self.shown[-1] if self.shown else None
        if run is not None and shown is not None and shown.benchmark is not None:
            self.bench_curve.setData(*charts.finite(run.seconds, shown.benchmark))
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
        values = np.concatenate([v for v in (shown.equity, shown.benchmark) if v is not None])
        if self.log_box.isChecked():  # the strip lives in view coordinates: log10 of equity
            values = np.log10(values[values > 0])
        low, high = _span(values)
        width = run.seconds[-1] - run.seconds[0]
        self.stress_strip.setRect(QRectF(run.seconds[0], low, width, high - low))
        self.stress_strip.show()

    def _rescale(self, _on: bool) -> None:
        self._redraw()
        if self.runs:
            self._show_readout(len(self.runs[-1].seconds) - 1)

    def _log_chosen(self, on: bool) -> None:
        self.log_user_choice = on

    def _set_log(self, on: bool) -> None:
        self.equity_plot.setLogMode(y=on)
        self._draw_context()
        self._fit_range()

    def clear(self) -> None:
        """Remove every run (the log-scale default applies again to the next ones)."""
        self.runs.clear()
        self._redraw()
        self.readout.setText("No runs")
        self.updated.emit()

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
        run, shown = self.runs[-1], self.shown[-1]
        for line in self.lines:
            line.setPos(run.seconds[i])
        day = np.datetime64(int(run.seconds[i]), "s").astype("datetime64[D]")
        scaled = f" (at {self.vol_target():.0%} vol)" if self.scale_box.isChecked() else ""
        self.readout.setText(
            f"<b>{html.escape(run.label)}</b>  {day}  equity {shown.equity[i]:.3f}{scaled}  "
            f"drawdown {pct(shown.drawdown[i])}  gross lev. {shown.leverage[i]:.2f}"
        )


def _cut(label: str) -> str:
    return label if len(label) <= KEY_LABEL_CHARS else label[: KEY_LABEL_CHARS - 1] + "…"


def _span(values: np.ndarray) -> tuple[float, float]:
    """(low, high) of the finite values; a flat or empty series gets a unit-wide range."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    low, high = float(finite.min()), float(finite.max())
    return (low - 0.5, high + 0.5) if high <= low else (low, high)
