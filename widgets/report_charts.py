"""Charts of the HTML report (``ctadesk-cli report``): drawn with pyqtgraph off screen in the
report's theme (light unless asked), and saved as PNG by pyqtgraph's ImageExporter."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QCoreApplication, QEvent, QRectF, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from engine.vix import EXTREME_BAND, ZoneThresholds
from widgets import charts
from widgets.palette import EXTREME_COLOR, LIGHT, ZONE_COLORS, Theme

WIDTH = 1100  # pixels of every chart; heights per chart below
STRATEGY = LIGHT.series[0]  # the default (light) report's strategy and drawdown colours
DRAWDOWN = LIGHT.negative


def ensure_app() -> QApplication:
    """The running QApplication, or a new one on the off-screen platform (no display needed)."""
    app = QApplication.instance()
    if app is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication(["ctadesk-report"])
    return app  # type: ignore[return-value]


@contextmanager
def _figure(path: Path, height: int, theme: Theme) -> Iterator[pg.GraphicsLayoutWidget]:
    """A layout to draw on in ``theme``; on exit it is laid out at WIDTH x ``height`` and saved
    to ``path``."""
    ensure_app()
    saved = {k: pg.getConfigOption(k) for k in ("background", "foreground", "antialias")}
    pg.setConfigOptions(background=theme.chart_bg, foreground=theme.chart_fg, antialias=True)
    view = pg.GraphicsLayoutWidget()
    try:
        yield view
        view.ci.setGeometry(QRectF(0, 0, WIDTH, height))
        exporter = ImageExporter(view.ci)
        exporter.parameters()["width"] = WIDTH
        exporter.export(str(path))
        if not path.is_file():
            raise OSError(f"could not write the chart {path}")
    finally:
        pg.setConfigOptions(**saved)
        view.close()
        view.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _date_plot(view: pg.GraphicsLayoutWidget, row: int, label: str, unit: str) -> pg.PlotItem:
    plot = view.addPlot(row=row, col=0, axisItems={"bottom": pg.DateAxisItem()})
    plot.setLabel("left", label, units=unit)
    plot.showGrid(x=True, y=True, alpha=0.15)
    plot.getAxis("left").setWidth(60)
    return plot


def _curve(plot: pg.PlotItem, x: np.ndarray, y: np.ndarray, color: str, **kw) -> pg.PlotDataItem:
    curve = plot.plot(*charts.finite(np.asarray(x, float), np.asarray(y, float)), **kw)
    curve.setPen(pg.mkPen(color, width=1.5))
    curve.setDownsampling(auto=True, method="peak")
    return curve


def _positive(values: np.ndarray) -> bool:
    """Whether a log scale can show every point."""
    finite = np.asarray(values, float)
    finite = finite[np.isfinite(finite)]
    return bool(finite.size) and bool(finite.min() > 0)


def equity_chart(
    path: Path,
    seconds: np.ndarray,
    equity: np.ndarray,
    benchmark: np.ndarray | None = None,
    benchmark_label: str = "",
    theme: Theme = LIGHT,
) -> None:
    """Strategy equity (1 at the start; log scale while it stays positive) and the benchmark."""
    with _figure(path, 380, theme) as view:
        log = _positive(equity) and (benchmark is None or _positive(benchmark))
        plot = _date_plot(view, 0, "equity, log scale" if log else "equity", "× start")
        plot.addLegend(offset=(10, 10))
        plot.setLogMode(y=log)
        if benchmark is not None:
            _curve(plot, seconds, benchmark, theme.benchmark, name=benchmark_label)
        _curve(plot, seconds, equity, theme.series[0], name="strategy")


def drawdown_chart(
    path: Path,
    seconds: np.ndarray,
    drawdown: np.ndarray,
    leverage: np.ndarray,
    theme: Theme = LIGHT,
) -> None:
    """Drawdown in percent (filled) above the gross leverage, on one time axis."""
    with _figure(path, 420, theme) as view:
        dd = _date_plot(view, 0, "drawdown", "%")
        x, y = charts.finite(np.asarray(seconds, float), np.asarray(drawdown, float) * 100)
        fill = QColor(theme.negative)
        fill.setAlpha(90)
        dd.plot(x, y, pen=pg.mkPen(theme.negative, width=1), fillLevel=0, brush=fill)
        lev = _date_plot(view, 1, "gross leverage", "× NAV")
        lev.setXLink(dd)
        _curve(lev, seconds, leverage, theme.series[2])
        view.ci.layout.setRowStretchFactor(0, 3)
        view.ci.layout.setRowStretchFactor(1, 2)


def regime_chart(
    path: Path,
    seconds: np.ndarray,
    vix: np.ndarray,
    thresholds: ZoneThresholds,
    zone_sharpes: Sequence[tuple[str, str, float]],
    theme: Theme = LIGHT,
) -> None:
    """The VIX over the zone bands, and the strategy's Sharpe ratio in each zone as bars:
    ``zone_sharpes`` holds (key, label, Sharpe) per by-zone row (the zones in order, calm to
    panic, then the extreme band)."""
    sharpe_by_zone = [sharpe for _, _, sharpe in zone_sharpes]
    colors = [
        EXTREME_COLOR if key == EXTREME_BAND else ZONE_COLORS[key] for key, _, _ in zone_sharpes
    ]
    with _figure(path, 480, theme) as view:
        top = _date_plot(view, 0, "VIX close", "% ann.")
        x, y = charts.finite(np.asarray(seconds, float), np.asarray(vix, float))
        ceiling = max(float(y.max()) if y.size else 0.0, thresholds.bounds[-1] + 5.0)
        for band in charts.zone_bands(thresholds, ceiling):
            top.addItem(band)
        _curve(top, x, y, theme.chart_fg)
        top.setYRange(0, ceiling, padding=0.02)
        bars = view.addPlot(row=1, col=0)
        bars.setLabel("left", "Sharpe", units="ratio")
        bars.getAxis("left").setWidth(60)
        bars.setTitle("Strategy Sharpe ratio by VIX zone (VIX at the previous close)", size="9pt")
        heights = [v if np.isfinite(v) else 0.0 for v in sharpe_by_zone]
        bars.addItem(
            pg.BarGraphItem(
                x=np.arange(len(heights)), height=heights, width=0.6,
                brushes=colors, pen=pg.mkPen(None),
            )
        )  # fmt: skip
        bars.addLine(y=0, pen=pg.mkPen(theme.chart_fg, width=1))
        for i, value in enumerate(sharpe_by_zone):
            text = f"{value:.2f}" if np.isfinite(value) else "no days"
            anchor = (0.5, 1.0 if heights[i] >= 0 else 0)
            label = pg.TextItem(text, color=theme.chart_fg, anchor=anchor)
            label.setPos(i, heights[i])
            bars.addItem(label)
        bars.getAxis("bottom").setTicks([list(enumerate(label for _, label, _ in zone_sharpes))])
        low, high = min(0.0, *heights), max(0.0, *heights)
        pad = 0.25 * max(high - low, 0.5)
        bars.setYRange(low - pad, high + pad, padding=0)
        bars.setXRange(-0.6, len(heights) - 0.4, padding=0)
        view.ci.layout.setRowStretchFactor(0, 3)
        view.ci.layout.setRowStretchFactor(1, 2)


def overlay_chart(
    path: Path, curves: Sequence[tuple[str, np.ndarray, np.ndarray]], theme: Theme = LIGHT
) -> None:
    """Equity of several runs on one log chart, with a legend: (label, seconds, equity)."""
    with _figure(path, 420, theme) as view:
        log = all(_positive(equity) for _, _, equity in curves)
        plot = _date_plot(view, 0, "equity, log scale" if log else "equity", "× start")
        plot.addLegend(offset=(10, 10))
        plot.setLogMode(y=log)
        for i, (label, seconds, equity) in enumerate(curves):
            colour = theme.series[i % len(theme.series)]
            _curve(plot, seconds, equity, colour, name=label)


# -- Regime Lab ----------------------------------------------------------------------------
DAY_SECONDS = 86_400.0
EventMark = tuple[str, float, float, float]
"""A stress event on a date axis: (name, window start, window end, peak day), in seconds."""


def _mark_events(plot: pg.PlotItem, events: Sequence[EventMark], theme: Theme) -> None:
    """Each event's window as a faint band and its peak day as a dashed line, named on a top
    axis (clear of the curves and the legend)."""
    shade = QColor(theme.marker)
    shade.setAlpha(28)
    for _, start, end, peak in events:
        band = pg.LinearRegionItem(
            values=(start, end), movable=False, pen=pg.mkPen(None), brush=pg.mkBrush(shade)
        )
        band.setZValue(-20)
        plot.addItem(band)
        line = pg.InfiniteLine(peak, angle=90, movable=False)
        line.setPen(pg.mkPen(theme.marker, width=1, style=Qt.DashLine))
        plot.addItem(line)
    plot.showAxis("top")
    top = plot.getAxis("top")
    top.setTicks([[(peak, name) for name, _, _, peak in events], []])
    top.setHeight(22)


def _shade_days(
    plot: pg.PlotItem, seconds: np.ndarray, flags: np.ndarray, top: float, colour: str
) -> pg.BarGraphItem:
    """A bar from 0 to ``top`` on each day flagged, at least a pixel wide at WIDTH."""
    x = np.asarray(seconds, float)[np.asarray(flags, bool)]
    span = float(seconds[-1] - seconds[0]) if len(seconds) > 1 else DAY_SECONDS
    fill = QColor(colour)
    fill.setAlpha(45)
    bars = pg.BarGraphItem(
        x=x, height=np.full(x.size, top), width=max(DAY_SECONDS, 1.5 * span / WIDTH),
        brush=fill, pen=pg.mkPen(None),
    )  # fmt: skip
    bars.setZValue(-15)
    plot.addItem(bars)
    return bars


def dispersion_chart(
    path: Path,
    seconds: np.ndarray,
    dispersion: np.ndarray,
    mean: float,
    claimed: float,
    theme: Theme = LIGHT,
) -> None:
    """Monthly dispersion across model variants (percent, one point a month at the month's
    start) with its long-run mean and the claimed level as horizontal lines."""
    with _figure(path, 360, theme) as view:
        plot = _date_plot(view, 0, "monthly standard deviation", "%")
        plot.addLegend(offset=(-10, 10))
        _curve(plot, seconds, np.asarray(dispersion, float) * 100, theme.series[0],
               name="variants' monthly dispersion")  # fmt: skip
        for value, colour, style, name in (
            (mean, theme.series[2], Qt.SolidLine, f"mean {mean * 100:.2f}%"),
            (claimed, theme.negative, Qt.DashLine, f"claimed {claimed * 100:g}%"),
        ):
            pen = pg.mkPen(colour, width=2, style=style)
            plot.plot([seconds[0], seconds[-1]], [value * 100] * 2, pen=pen, name=name)
        plot.setYRange(0, max(float(np.nanmax(dispersion)), claimed) * 100 * 1.05, padding=0)


def term_ratio_chart(
    path: Path,
    seconds: np.ndarray,
    vix: np.ndarray,
    vix3m: np.ndarray,
    backwardation: np.ndarray,
    events: Sequence[EventMark] = (),
    theme: Theme = LIGHT,
) -> None:
    """Spot VIX and VIX3M closes, the days in backwardation (spot above VIX3M) shaded, the
    stress events marked."""
    with _figure(path, 400, theme) as view:
        plot = _date_plot(view, 0, "close", "index points")
        legend = plot.addLegend(offset=(10, 10))
        top = float(np.nanmax(np.fmax(vix, vix3m))) * 1.08
        shaded = _shade_days(plot, seconds, backwardation, top, theme.negative)
        _curve(plot, seconds, vix3m, theme.series[0], name="VIX3M")
        _curve(plot, seconds, vix, theme.chart_fg, name="VIX (spot)")
        legend.addItem(shaded, "backwardation (spot above VIX3M)")
        _mark_events(plot, events, theme)
        plot.setYRange(0, top, padding=0)
        plot.setXRange(seconds[0], seconds[-1], padding=0.01)


def term_basis_chart(
    path: Path,
    seconds: np.ndarray,
    basis: np.ndarray,
    percentiles: Sequence[tuple[str, float]],
    events: Sequence[EventMark] = (),
    theme: Theme = LIGHT,
) -> None:
    """The basis (spot VIX minus the front VX settle) with its percentiles over the history as
    dashed lines named in the legend, and the stress events marked."""
    with _figure(path, 400, theme) as view:
        plot = _date_plot(view, 0, "spot VIX - front VX", "points")
        plot.addLegend(offset=(-10, 10))
        plot.addLine(y=0, pen=pg.mkPen(theme.chart_fg, width=1))
        _curve(plot, seconds, basis, theme.series[0], name="basis")
        for i, (name, value) in enumerate(percentiles):
            colour = theme.series[1 + i % (len(theme.series) - 1)]
            pen = pg.mkPen(colour, width=1.5, style=Qt.DashLine)
            plot.plot([seconds[0], seconds[-1]], [value] * 2, pen=pen, name=f"{name} {value:+.2f}")
        _mark_events(plot, events, theme)
        plot.setXRange(seconds[0], seconds[-1], padding=0.01)


def anatomy_chart(
    path: Path,
    seconds: np.ndarray,
    curves: Sequence[tuple[str, np.ndarray]],
    spike_day: float,
    level: float,
    title: str,
    theme: Theme = LIGHT,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """One spike episode in VIX points: ``curves`` (name, values on ``seconds``; the first in
    the chart's foreground colour, the rest in the series colours), the spike day as a dashed
    line named on a top axis and ``level`` dotted. Returns each curve's points as drawn (name:
    seconds, values; the non-finite ones left out)."""
    with _figure(path, 380, theme) as view:
        plot = _date_plot(view, 0, "VIX points", "")
        plot.setTitle(title, size="10pt")
        backdrop = QColor(theme.chart_bg)
        backdrop.setAlpha(210)
        plot.addLegend(offset=(10, 10), brush=pg.mkBrush(backdrop))  # the calm before the spike
        drawn = {}
        for i, (name, values) in enumerate(curves):
            colour = theme.chart_fg if i == 0 else theme.series[(i - 1) % len(theme.series)]
            item = _curve(plot, seconds, values, colour, name=name)
            drawn[name] = (np.array(item.xData, float), np.array(item.yData, float))
        pen = pg.mkPen(theme.negative, width=1.5, style=Qt.DotLine)
        plot.plot([seconds[0], seconds[-1]], [level] * 2, pen=pen, name=f"VIX {level:g}")
        line = pg.InfiniteLine(spike_day, angle=90, movable=False)
        line.setPen(pg.mkPen(theme.marker, width=1.5, style=Qt.DashLine))
        plot.addItem(line)
        plot.showAxis("top")
        top = plot.getAxis("top")
        top.setTicks([[(spike_day, "spike day")], []])
        top.setHeight(22)
        tops = [float(np.nanmax(y)) for _, y in drawn.values() if y.size]
        plot.setYRange(0, max([level, *tops]) * 1.08, padding=0)
        plot.setXRange(seconds[0], seconds[-1], padding=0.01)
    return drawn
