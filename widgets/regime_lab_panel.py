"""Regime Lab dock: the research note's claims tested on the user's data, one tab per study:
the regime matrix (presets x VIX bands), spike speed (fast vs slow VIX rises), return dispersion
across model variants, the stocks / bonds / CTA allocation grid and the spike anatomy (each
VIX spike read as technical or fundamental, and a vol target that leans on it). Each tab has
its own Run; the controller (app/regime_lab_actions.py) runs the studies in workers and calls
``show_*``."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.adaptive_vol import NEXT_DAYS
from engine.allocation import CLAIM_SHARE, DEFAULT_STEP
from engine.deleverage import DEFAULT_MAX_LEVERAGE, DEFAULT_TARGET
from engine.dispersion import CLAIMED_DISPERSION
from engine.labels import LABELS, number, pct
from engine.presets import DEFAULT_PRESET, parameter_specs, presets
from engine.regime import JUMP_FROM, JUMP_TO
from engine.spike_anatomy import FUNDAMENTAL_AT, HALF, TECHNICAL, TECHNICAL_AT
from engine.spike_speed import DEFAULT_FAST_DAYS, HORIZONS
from widgets import charts, palette
from widgets.inputs import number_box
from widgets.palette import error_html
from widgets.table_export import fill_table, install_table_menu
from widgets.table_fit import fit_table

if TYPE_CHECKING:
    from engine.regime_matrix import RegimeMatrix

TABS = ("matrix", "spikes", "dispersion", "allocation", "anatomy")
TAB_TITLES = ("Regime matrix", "Spike speed", "Dispersion", "Allocation", "Spike anatomy")
SPIKE_CLAIM = "trend followers protect in slow crises, not in fast ones"
"""The research note's reading of crisis alpha: it depends on the speed of the VIX spike."""
NOISE_T = 2.0
"""Cells whose mean daily return has |t| below this are shown dimmed: not distinguishable from
zero at about the 5% level (docs/regime_lab.md, "Regime matrix")."""
TINT_MIN, TINT_MAX = 0.10, 0.50
"""Alpha of a cell's tint, for the smallest and the largest |value| of the table: normal text
keeps a contrast of at least 5:1 on the strongest tint in both themes."""
NOISE_TINT = 0.4
"""A noise cell's tint is this fraction of a clear one's (at most 0.2 alpha), so its muted
text stays readable (contrast above 4.5:1)."""
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
VALUE_ROLE = Qt.ItemDataRole.UserRole
EPISODE_BEFORE, EPISODE_AFTER = 20, 60
"""VIX closes the episode chart shows before and after the spike day."""
SOURCES = {"vx": "front VX", "ewma": "index EWMA"}
"""The adaptive estimate's sources (adaptive_source) as the chooser names them."""
AXIS_FONT = "8pt"
"""Axis titles of the episode chart: its three plots are short."""
KEY_ROOM = 0.4
"""Share of an episode plot's height kept free above its curves for the legend."""
EVIDENCE_WIDTH = 320
"""Pixels of the column beside the episode chart with the whole-period comparison and what
the numbers support (it scrolls down when longer)."""
ANATOMY_COLUMNS = (
    ("Spike\nday", "The spike day: the first VIX close at or above 30 after one below 20 "
     "(double-click: show that day in the Term Structure dock and the gauge)"),
    ("VIX\n(pts)", "Spot VIX close on the spike day, index points"),
    ("Basis\n(pts)", "Spot VIX minus the front-month VX settle at the close, VIX points"),
    ("Basis\n%ile", "The basis ranked among every basis up to that day, percentile 0-100"),
    ("VIX9D/\nVIX", "VIX9D close / VIX close on the spike day (ratio; above 1: the very "
     "front of the curve is bid)"),
    ("VIX/\nVIX3M", "VIX close / VIX3M close on the spike day (ratio; above 1: the curve is "
     "inverted)"),
    ("VVIX\n(pts)", "VVIX close on the spike day, index points (tooltip: its percentile)"),
    ("Move\n(σ)", "The index's move that day over the move the VIX implied the day before "
     "(previous VIX / 16), in implied sigmas"),
    ("Days\n≥ 30", "VIX closes at or above 30 from the spike day until the first one below, "
     "trading days"),
    ("Score\n(0-1)", f"Technical-vs-fundamental score on the spike day (1: technical), from "
     f"data of that day and before; technical >= {TECHNICAL_AT:g}, fundamental <= "
     f"{FUNDAMENTAL_AT:g}"),
    ("Label", "What the score said on the day: technical, mixed or fundamental"),
    ("Outcome", "What followed: technical when the VIX closed under 20 within 20 days and "
     "realised vol never reached the spike-day VIX, fundamental when it did and the VIX "
     "stayed up, mixed otherwise"),
    ("Verdict", "right: label and outcome agree; wrong: one technical, the other "
     "fundamental; open: either is mixed"),
    ("Sold\nVIX", "Share of NAV the vol-control fund sold on the spike day with the spot VIX "
     "as its vol estimate, % (negative: bought)"),
    ("Sold\nadapt.", "Share of NAV sold on the spike day with the adaptive estimate, % "
     "(negative: bought)"),
    (f"{NEXT_DAYS} d\nVIX", f"The fund's return over the {NEXT_DAYS} index days after "
     "the spike day with the spot VIX, %"),
    (f"{NEXT_DAYS} d\nadapt.", f"The fund's return over the {NEXT_DAYS} index days "
     "after the spike day with the adaptive estimate, %"),
)  # fmt: skip
"""The episode table's headers and their tooltips (with units)."""
VERDICT_COLUMN = 12


@dataclass(frozen=True)
class MatrixMetric:
    """One statistic the matrix can show: its key in RegimeMatrix, the chooser's text (with
    its unit), how cells are tinted (``signed``: by sign, ``rate``: above or below 50%,
    ``size``: by size) and whether |t| < 2 dims the cell (a statistic of the mean return)."""

    key: str
    title: str
    tint: str
    tested: bool
    text: Callable[[float | None], str]


MATRIX_METRICS = (
    MatrixMetric("sharpe", "Sharpe (annualised ratio)", "signed", True, lambda v: number(v, ".2f")),
    MatrixMetric(
        "ann_return", f"{LABELS['ann_return']} (%)", "signed", True, lambda v: pct(v, 1, True)
    ),
    MatrixMetric("ann_vol", f"{LABELS['ann_vol']} (%)", "size", False, lambda v: pct(v, 1)),
    MatrixMetric(
        "t_stat", "t-statistic of the mean daily return", "signed", True, lambda v: number(v, ".2f")
    ),
    MatrixMetric("share", "Share of days (%)", "size", False, lambda v: pct(v, 1)),
    MatrixMetric("hit_rate", f"{LABELS['hit_rate']} (% of days)", "rate", True, pct),
    MatrixMetric(
        "days", f"{LABELS['days']} (trading days)", "size", False, lambda v: number(v, ",.0f")
    ),
)


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def band_header(label: str) -> str:
    """A band's label on two lines: "Fear (25-30)" becomes "Fear" over "25-30", "VIX >= 40"
    becomes "VIX" over ">= 40"."""
    name, sep, rest = label.partition(" (")
    if sep:
        return f"{name}\n{rest.rstrip(')')}"
    name, _, rest = label.partition(" ")
    return f"{name}\n{rest}"


def tint(value: float | None, scale: float, kind: str, noise: bool) -> QColor | None:
    """A cell's background in the theme's colours: positive / negative by the value's sign
    (``rate``: above / below 50%), ``size`` in the first series colour; stronger for larger
    |value| relative to ``scale``, weaker for noise cells."""
    if not _finite(value) or not scale > 0:
        return None
    theme = palette.current()
    centred = value - 0.5 if kind == "rate" else value
    if kind == "size":
        colour = QColor(theme.series[0])
    else:
        colour = QColor(theme.positive if centred >= 0 else theme.negative)
    alpha = TINT_MIN + (TINT_MAX - TINT_MIN) * min(abs(centred) / scale, 1.0)
    colour.setAlphaF(alpha * (NOISE_TINT if noise else 1.0))
    return colour


def _table(headers: Sequence[str], name: str, parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    install_table_menu(table)
    fit_table(table)
    return table


def _header_tips(table: QTableWidget, tips: Sequence[str]) -> None:
    for column, tip in enumerate(tips):
        item = table.horizontalHeaderItem(column)
        if item is not None:
            item.setToolTip(tip)


def _align_right(table: QTableWidget, columns: Sequence[int]) -> None:
    for row in range(table.rowCount()):
        for column in columns:
            item = table.item(row, column)
            if item is not None:
                item.setTextAlignment(RIGHT)


def _fit_height(table: QTableWidget) -> None:
    """At most as tall as its header and rows (the space below goes to what follows)."""
    scroll = table.horizontalScrollBar()
    extra = scroll.sizeHint().height() if scroll.isVisible() else 0
    table.setMaximumHeight(
        table.horizontalHeader().sizeHint().height()
        + table.verticalHeader().length()
        + 2 * table.frameWidth()
        + extra
    )


def _message() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    palette.set_tone(label, "muted")
    return label


def _month_seconds(months: Sequence[str]) -> np.ndarray:
    """Mid-month (the 15th) of "YYYY-MM" months, in seconds since 1970 (the date axis)."""
    days = np.array([f"{m}-15" for m in months], dtype="datetime64[D]")
    return days.astype("datetime64[s]").astype(np.float64)


class PresetChecks(QWidget):
    """A checkbox per preset, in rows of four; all ticked at first."""

    changed = Signal()

    def __init__(self, name: str, use: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for i, (preset, spec) in enumerate(sorted(presets().items())):
            box = QCheckBox(preset, self)
            box.setObjectName(f"{name}_{preset}")
            box.setChecked(True)
            box.setToolTip(f"{use} {preset} with its own parameters: {spec.description}")
            box.toggled.connect(self.changed)
            grid.addWidget(box, i // 4, i % 4)
            self.boxes[preset] = box

    def names(self) -> list[str]:
        """The ticked presets, by name."""
        return [name for name, box in self.boxes.items() if box.isChecked()]

    def set_names(self, names: Sequence[str]) -> None:
        """Tick exactly ``names``."""
        for name, box in self.boxes.items():
            box.setChecked(name in names)


class RegimeLabPanel(QWidget):
    """Emits a request per tab (its Run button); ``day_picked(cross date)`` when an episode of
    the spike or the anatomy table is double-clicked. The controller answers with ``show_*``,
    ``say`` and ``set_running``."""

    matrix_requested = Signal(object)  # {"presets": [...], "quintiles": bool}
    spikes_requested = Signal(object)  # {"presets", "lower", "upper", "fast_days"}
    dispersion_requested = Signal()
    allocation_requested = Signal(object)  # {"step": fraction}
    anatomy_requested = Signal(object)  # {"source", "target": fraction, "max_leverage"}
    day_picked = Signal(str)  # ISO date: an episode's cross date

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("regimeLabPanel")
        charts.configure()
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("regimeLabTabs")
        self.messages: dict[str, QLabel] = {}
        self.run_buttons: dict[str, QPushButton] = {}
        self.matrix: RegimeMatrix | None = None
        self.spike_rows: list[dict[str, Any]] = []
        self.spike_result: dict[str, Any] | None = None
        self.anatomy: dict[str, Any] | None = None
        self.anatomy_rows: list[dict[str, Any]] = []
        self.shown: dict[str, bool] = dict.fromkeys(TABS, False)
        builds = (
            self._matrix_tab,
            self._spikes_tab,
            self._dispersion_tab,
            self._allocation_tab,
            self._anatomy_tab,
        )
        for build, title in zip(builds, TAB_TITLES, strict=True):
            self.tabs.addTab(build(), title)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    # -- building ---------------------------------------------------------------------------
    def _run_row(self, tab: str, text: str, tip: str, *inputs: QWidget) -> QHBoxLayout:
        button = QPushButton(text)
        button.setObjectName(f"{tab}Run")
        button.setToolTip(tip)
        self.run_buttons[tab] = button
        row = QHBoxLayout()
        for widget in inputs:
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(button)
        return row

    def _page(self, tab: str, intro: str) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget(self)
        page.setObjectName(f"{tab}Page")
        layout = QVBoxLayout(page)
        self.messages[tab] = message = _message()
        message.setObjectName(f"{tab}Message")
        message.setText(html.escape(intro))
        return page, layout

    def _matrix_tab(self) -> QWidget:
        page, layout = self._page(
            "matrix",
            "Each ticked preset, with its own parameters, on the Strategy dock's universe and "
            "period; its daily returns split by the VIX band of the previous close (the VIX "
            "Regime dock's thresholds).",
        )
        self.metric_box = QComboBox(page)
        self.metric_box.setObjectName("matrixMetric")
        for metric in MATRIX_METRICS:
            self.metric_box.addItem(metric.title, metric.key)
        self.metric_box.setToolTip(
            "Statistic shown in the cells: Sharpe and returns annualised with each preset's "
            "days a year; t-statistic of the mean daily return (|t| < 2: noise); share of the "
            "preset's days with a VIX; hit rate: days with a gain over days that moved"
        )
        self.quintiles_box = QCheckBox("VIX quintiles", page)
        self.quintiles_box.setObjectName("matrixQuintiles")
        self.quintiles_box.setToolTip(
            "Add five bands Q1..Q5 cut at the 20/40/60/80% quantiles of the VIX (index points) "
            "over the period: each holds about a fifth of the days"
        )
        self.matrix_presets = PresetChecks("matrixPresets", "Split the returns of", page)
        run_row = self._run_row(
            "matrix",
            "Run matrix",
            "Backtest the ticked presets and split their returns by VIX band (progress and "
            "Cancel in the status bar)",
            QLabel("Show", page),
            self.metric_box,
            self.quintiles_box,
        )
        self.matrix_table = _table(["Preset"], "matrixTable", page)
        self.matrix_legend = _muted(
            f"Cells tinted by value (green above zero, red below). Grey italics: |t| < "
            f"{NOISE_T:g}, the band's mean return is not distinguishable from zero; bold: "
            f"|t| >= {NOISE_T:g}. Hover a cell for its Sharpe interval and days."
        )
        self.matrix_legend.setObjectName("matrixLegend")
        self.matrix_note = _muted()
        self.matrix_note.setObjectName("matrixNote")
        layout.addLayout(run_row)
        layout.addWidget(self.matrix_presets)
        layout.addWidget(self.messages["matrix"])
        layout.addWidget(self.matrix_table)
        layout.addWidget(self.matrix_legend)
        layout.addWidget(self.matrix_note)
        layout.addStretch(1)
        self.metric_box.currentIndexChanged.connect(lambda _i: self._draw_matrix())
        self.run_buttons["matrix"].clicked.connect(
            lambda: self.matrix_requested.emit(
                {
                    "presets": self.matrix_presets.names(),
                    "quintiles": self.quintiles_box.isChecked(),
                }
            )
        )
        return page

    def _spikes_tab(self) -> QWidget:
        page, layout = self._page(
            "spikes",
            "VIX rises from below one level to at or above another, fast or slow by the trading "
            "days the rise took, with the equity index's and each ticked preset's returns.",
        )
        self.lower_box = number_box(1.0, 150.0, JUMP_FROM, decimals=1, step=1.0, parent=page)
        self.lower_box.setObjectName("spikeFrom")
        self.lower_box.setToolTip(
            "An episode starts from a VIX close below this level (index points, annualised % "
            "vol); the research note's jump starts at 20"
        )
        self.upper_box = number_box(1.0, 200.0, JUMP_TO, decimals=1, step=1.0, parent=page)
        self.upper_box.setObjectName("spikeTo")
        self.upper_box.setToolTip(
            "... and crosses on the first close at or above this level (index points); the "
            "research note's jump ends at 30"
        )
        self.fast_box = QSpinBox(page)
        self.fast_box.setObjectName("spikeFastDays")
        self.fast_box.setRange(1, 250)
        self.fast_box.setValue(DEFAULT_FAST_DAYS)
        self.fast_box.setSuffix(" days")
        self.fast_box.setToolTip(
            "A rise that crosses within this many trading days of its start is fast, a longer "
            "one slow (5: one trading week, the note's 'short window')"
        )
        self.spike_presets = PresetChecks("spikePresets", "Returns over each episode of", page)
        run_row = self._run_row(
            "spikes",
            "Run spikes",
            "Find the VIX episodes and backtest the ticked presets over them (progress and "
            "Cancel in the status bar)",
            QLabel("From VIX <", page),
            self.lower_box,
            QLabel("to >=", page),
            self.upper_box,
            QLabel("fast if <=", page),
            self.fast_box,
        )
        self.shown_preset = QComboBox(page)
        self.shown_preset.setObjectName("spikeShownPreset")
        self.shown_preset.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.shown_preset.addItems(sorted(presets()))
        self.shown_preset.setCurrentText(DEFAULT_PRESET)
        self.shown_preset.setToolTip(
            "Preset whose returns fill the last three columns: over the rise (start to cross) "
            "and over the 20 and 60 VIX closes after the cross"
        )
        self.shown_preset.currentIndexChanged.connect(lambda _i: self._draw_spikes())
        headers = [
            "Start",
            "Cross",
            "Peak\ndate",
            "Peak\n(VIX)",
            "Days to\ncross",
            "Speed",
            "Index\nrise",
            "Preset\nrise",
            *(f"Next\n{h} days" for h in HORIZONS),
        ]
        self.spike_table = _table(headers, "spikeTable", page)
        _header_tips(
            self.spike_table,
            [
                "Last VIX close below the From level before the cross",
                "First VIX close at or above the To level (double-click: show that day)",
                "Day of the highest close from the cross until the VIX is back below From",
                "Highest VIX close of the episode, index points",
                "Trading days (VIX closes) from the start to the cross",
                "fast: crossed within the fast days; slow: took longer",
                "Equity index change from the start close to the cross close, %",
                "The shown preset's compounded return over the rise (start to cross), %",
                *(
                    f"The shown preset's compounded return over the {h} VIX closes after the "
                    "cross, %"
                    for h in HORIZONS
                ),
            ],
        )
        self.spike_table.cellDoubleClicked.connect(self._episode_picked)
        self.spike_summary = _message()
        self.spike_summary.setObjectName("spikeSummary")
        shown_row = QHBoxLayout()
        shown_row.addWidget(QLabel("Preset returns shown", page))
        shown_row.addWidget(self.shown_preset)
        shown_row.addStretch(1)
        layout.addLayout(run_row)
        layout.addWidget(self.spike_presets)
        layout.addWidget(self.messages["spikes"])
        layout.addLayout(shown_row)
        layout.addWidget(self.spike_table, 1)
        layout.addWidget(self.spike_summary)
        self.run_buttons["spikes"].clicked.connect(
            lambda: self.spikes_requested.emit(
                {
                    "presets": self.spike_presets.names(),
                    "lower": self.lower_box.value(),
                    "upper": self.upper_box.value(),
                    "fast_days": self.fast_box.value(),
                }
            )
        )
        return page

    def _dispersion_tab(self) -> QWidget:
        page, layout = self._page(
            "dispersion",
            "Twenty model variants of the Strategy dock's preset (TSMOM 1-12 months, six EWMAC "
            "speeds, a fast and a slow blend) on its universe and period: the month-by-month "
            "standard deviation of their returns.",
        )
        run_row = self._run_row(
            "dispersion",
            "Run dispersion",
            "Backtest the twenty variants and measure their monthly dispersion (progress and "
            "Cancel in the status bar)",
        )
        self.dispersion_plot = pg.PlotWidget(page, axisItems={"bottom": pg.DateAxisItem()})
        self.dispersion_plot.setObjectName("dispersionPlot")
        self.dispersion_plot.setMinimumHeight(150)
        self.dispersion_plot.setLabel("left", "Monthly dispersion", units="%")
        self.dispersion_plot.addLegend(offset=(10, 5))
        theme = palette.current()
        self.dispersion_curve = charts.fast_curve(
            self.dispersion_plot.getPlotItem(), theme.series[0], name="Std across variants"
        )
        self.dispersion_mean = self.dispersion_plot.plot(
            pen=pg.mkPen(theme.series[1], width=2, style=Qt.PenStyle.DashLine),
            name="Long-run mean",
        )
        self.dispersion_claim = self.dispersion_plot.plot(
            pen=pg.mkPen(theme.marker, width=2, style=Qt.PenStyle.DotLine),
            name=f"Note's {CLAIMED_DISPERSION:.0%} (CFM)",
        )
        self.dispersion_text = _message()
        self.dispersion_text.setObjectName("dispersionText")
        self.dispersion_note = _muted()
        self.dispersion_note.setObjectName("dispersionNote")
        self.top_months = _table(
            ["Month", "Dispersion", "Variants'\nmean", "Best", "Worst", "Days"], "topMonths", page
        )
        _header_tips(
            self.top_months,
            [
                "Calendar month",
                "Standard deviation of the variants' returns that month, %",
                "Mean of the variants' returns that month, %",
                "Variant with the highest return that month, and its return",
                "Variant with the lowest return that month, and its return",
                "Trading days of the month in the data",
            ],
        )
        layout.addLayout(run_row)
        layout.addWidget(self.messages["dispersion"])
        layout.addWidget(self.dispersion_text)
        layout.addWidget(self.dispersion_plot, 3)
        layout.addWidget(QLabel("Months of largest dispersion", page))
        layout.addWidget(self.top_months, 2)
        layout.addWidget(self.dispersion_note)
        self.run_buttons["dispersion"].clicked.connect(self.dispersion_requested)
        return page

    def _allocation_tab(self) -> QWidget:
        page, layout = self._page(
            "allocation",
            "Portfolios of stocks, bonds and the Strategy dock's preset as a CTA sleeve "
            "(0-50% CTA, the rest 60/40): Sharpe, drawdown and worst month of each.",
        )
        self.step_box = number_box(
            1.0, 50.0, DEFAULT_STEP * 100, decimals=0, step=1.0, suffix=" %", parent=page
        )
        self.step_box.setObjectName("allocationStep")
        self.step_box.setToolTip(
            "Step between the CTA shares of the grid, in percent of the portfolio (0% up to 50%)"
        )
        run_row = self._run_row(
            "allocation",
            "Run allocation",
            "Backtest the CTA sleeve and mix it with stocks and bonds at each share (progress "
            "and Cancel in the status bar)",
            QLabel("CTA share step", page),
            self.step_box,
        )
        self.allocation_text = _message()
        self.allocation_text.setObjectName("allocationText")
        headers = [
            "CTA\nshare",
            "Stocks",
            "Bonds",
            "Sharpe",
            "Annual\nreturn",
            "Annual\nvol",
            "Max\ndrawdown",
            "Worst\nmonth",
            "Worst\nmonth of",
        ]
        self.allocation_table = _table(headers, "allocationTable", page)
        _header_tips(
            self.allocation_table,
            [
                "Share of the portfolio in the CTA sleeve, %",
                "Share in the equity index, %",
                "Share in the bond leg, %",
                "Annualised Sharpe ratio of the daily rebalanced mix",
                "Annualised mean return, %",
                "Annualised volatility, %",
                "Worst fall from a peak, %",
                "Lowest calendar-month return, %",
                "The month of that return",
            ],
        )
        self.allocation_plot = pg.PlotWidget(page)
        self.allocation_plot.setObjectName("allocationPlot")
        self.allocation_plot.setMinimumHeight(140)
        self.allocation_plot.setLabel("bottom", "CTA share", units="%")
        self.allocation_plot.setLabel("left", "Sharpe", units="ratio")
        self.allocation_plot.addLegend(offset=(10, 5))
        theme = palette.current()
        self.allocation_curve = self.allocation_plot.plot(
            pen=pg.mkPen(theme.series[0], width=2), name="Sharpe of the mix"
        )
        self.allocation_claim = self.allocation_plot.plot(
            pen=pg.mkPen(theme.series[1], width=2, style=Qt.PenStyle.DashLine),
            name="Note's claim at 30%: Sharpe +25%",
        )
        self.allocation_marker = pg.InfiniteLine(
            pos=CLAIM_SHARE * 100, angle=90, pen=pg.mkPen(theme.marker)
        )
        self.allocation_plot.addItem(self.allocation_marker)
        self.allocation_note = _muted()
        self.allocation_note.setObjectName("allocationNote")
        layout.addLayout(run_row)
        layout.addWidget(self.messages["allocation"])
        layout.addWidget(self.allocation_text)
        layout.addWidget(self.allocation_table, 3)
        layout.addWidget(self.allocation_plot, 2)
        layout.addWidget(self.allocation_note)
        self.run_buttons["allocation"].clicked.connect(
            lambda: self.allocation_requested.emit({"step": self.step_box.value() / 100.0})
        )
        return page

    def _anatomy_tab(self) -> QWidget:
        page, layout = self._page(
            "anatomy",
            "Each VIX spike (a close at or above 30 after one below 20) with the store's VX "
            "futures, VIX9D, VIX3M, VVIX and equity index: its diagnostics and score on the day, "
            "what followed, and a vol-control fund on the index sized by the spot VIX or by the "
            "adaptive estimate. Select an episode to chart it.",
        )
        layout.setContentsMargins(4, 4, 4, 4)  # the episode table's 17 columns need the width
        source = parameter_specs()["adaptive_source"]
        self.source_box = QComboBox(page)
        self.source_box.setObjectName("anatomySource")
        for key in source.choices:
            self.source_box.addItem(SOURCES[key], key)
        self.source_box.setCurrentIndex(self.source_box.findData(source.default))
        self.source_box.setToolTip(
            "What the adaptive vol estimate uses instead of the spot VIX on a day the score "
            "labels technical: front VX, the front-month VX futures settle (VIX points); index "
            "EWMA, the index's own EWMA vol of returns (annualised %, the Strategy dock's "
            "preset's vol_span)"
        )
        self.target_box = number_box(
            1.0, 50.0, DEFAULT_TARGET * 100, decimals=1, step=1.0, suffix=" %", parent=page
        )
        self.target_box.setObjectName("anatomyTarget")
        self.target_box.setToolTip(
            "Annual vol target of the fund holding the equity index, in % (exposure = target "
            "/ expected vol, set at each close)"
        )
        self.leverage_box = number_box(
            0.25, 10.0, DEFAULT_MAX_LEVERAGE, decimals=2, step=0.25, suffix=" x", parent=page
        )
        self.leverage_box.setObjectName("anatomyMaxLeverage")
        self.leverage_box.setToolTip(
            "Exposure cap of the fund, in times its NAV (2 x: at most twice the NAV in the index)"
        )
        run_row = self._run_row(
            "anatomy",
            "Run anatomy",
            "Score every VIX spike and run the vol-control fund with both vol estimates "
            "(progress and Cancel in the status bar)",
            QLabel("Lean on", page),
            self.source_box,
            QLabel("Vol target", page),
            self.target_box,
            QLabel("Max leverage", page),
            self.leverage_box,
        )
        self.anatomy_text = _message()
        self.anatomy_text.setObjectName("anatomyText")
        self.anatomy_table = _table([h for h, _ in ANATOMY_COLUMNS], "anatomyTable", page)
        _header_tips(self.anatomy_table, [tip for _, tip in ANATOMY_COLUMNS])
        rows = self.anatomy_table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.anatomy_table.fontMetrics().height() + 6)
        self.anatomy_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.anatomy_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.anatomy_table.itemSelectionChanged.connect(self._draw_episode)
        self.anatomy_table.cellDoubleClicked.connect(self._anatomy_picked)
        lower = QWidget(page)
        chart = QVBoxLayout()
        self.episode_title = _muted()
        self.episode_title.setObjectName("anatomyEpisodeTitle")
        chart.addWidget(self.episode_title)
        chart.addWidget(self._episode_view(lower), 1)
        self.anatomy_evidence = _message()
        self.anatomy_evidence.setObjectName("anatomyEvidence")
        self.anatomy_evidence.setAlignment(Qt.AlignmentFlag.AlignTop)
        evidence = QScrollArea(lower)
        evidence.setObjectName("anatomyEvidenceScroll")
        evidence.setWidgetResizable(True)
        evidence.setFrameShape(QFrame.Shape.NoFrame)
        evidence.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        evidence.setWidget(self.anatomy_evidence)
        evidence.setFixedWidth(EVIDENCE_WIDTH)
        row = QHBoxLayout(lower)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(chart, 1)
        row.addWidget(evidence)
        split = QSplitter(Qt.Orientation.Vertical, page)
        split.setObjectName("anatomySplit")
        split.setChildrenCollapsible(False)
        split.addWidget(self.anatomy_table)
        split.addWidget(lower)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 2)
        # its minimum is its wish: the page asks for no more than the dock has
        split.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        layout.addLayout(run_row)
        layout.addWidget(self.messages["anatomy"])
        layout.addWidget(self.anatomy_text)
        layout.addWidget(split, 1)
        self.run_buttons["anatomy"].clicked.connect(
            lambda: self.anatomy_requested.emit(
                {
                    "source": self.source_box.currentData(),
                    "target": self.target_box.value() / 100.0,
                    "max_leverage": self.leverage_box.value(),
                }
            )
        )
        return page

    def _episode_view(self, parent: QWidget) -> pg.GraphicsLayoutWidget:
        """The episode chart: VIX, front VX and realised vol; the score with its thresholds;
        the fund's exposure under both estimates; one date axis, the spike day marked."""
        view = pg.GraphicsLayoutWidget(parent)
        view.setObjectName("anatomyChart")
        view.setMinimumHeight(200)
        view.setToolTip(
            f"The selected episode, {EPISODE_BEFORE} VIX closes before the spike day (dashed) to "
            f"{EPISODE_AFTER} after: spot VIX, front-month VX settle and the index's realised vol "
            "over 10 days (VIX points); the score (0-1) with its thresholds; the fund's exposure "
            "(times NAV, min(cap, target / vol)) sized by the spot VIX and by the adaptive estimate"
        )
        self.level_plot = view.addPlot(row=0, col=0)
        self.score_plot = view.addPlot(row=1, col=0)
        self.exposure_plot = view.addPlot(row=2, col=0, axisItems={"bottom": pg.DateAxisItem()})
        plots = (self.level_plot, self.score_plot, self.exposure_plot)
        for plot, (name, unit) in zip(
            plots, (("Level", "VIX pts"), ("Score", "0-1"), ("Exposure", "x")), strict=True
        ):
            plot.setLabel("left", name, units=unit, **{"font-size": AXIS_FONT})
        for row, (plot, stretch) in enumerate(zip(plots, (3, 2, 2), strict=True)):
            plot.getAxis("left").setWidth(64)
            plot.showGrid(y=True, alpha=0.15)
            view.ci.layout.setRowStretchFactor(row, stretch)
        for plot in plots[:2]:
            plot.setXLink(self.exposure_plot)
            plot.hideAxis("bottom")
        self.score_plot.enableAutoRange(axis="y", enable=False)
        self.score_plot.setYRange(0.0, 1.0, padding=0.05)
        marks = (0.0, FUNDAMENTAL_AT, TECHNICAL_AT, 1.0)  # the thresholds read off the axis
        self.score_plot.getAxis("left").setTicks([[(v, f"{v:g}") for v in marks]])
        theme = palette.current()
        self.episode_vix = charts.fast_curve(self.level_plot, theme.chart_fg, 2)
        self.episode_vx = charts.fast_curve(self.level_plot, theme.series[1], 2)
        self.episode_realised = charts.fast_curve(self.level_plot, theme.series[2], 2)
        self.episode_score = charts.fast_curve(self.score_plot, theme.series[0], 2)
        self.episode_exposure = {
            "vix": charts.fast_curve(self.exposure_plot, theme.chart_fg, 2),
            "adaptive": charts.fast_curve(self.exposure_plot, theme.series[4], 2),
        }
        _key(
            self.level_plot,
            (self.episode_vix, "Spot VIX"),
            (self.episode_vx, "Front VX settle"),
            (self.episode_realised, "Realised vol, 10 days"),
        )
        _key(
            self.exposure_plot,
            (self.episode_exposure["vix"], "Sized by spot VIX"),
            (self.episode_exposure["adaptive"], "Sized by the adaptive estimate"),
        )
        for level, text, anchor in (
            (TECHNICAL_AT, f"technical ≥ {TECHNICAL_AT:g}", (1, 1)),
            (FUNDAMENTAL_AT, f"fundamental ≤ {FUNDAMENTAL_AT:g}", (1, 0)),
        ):
            line = pg.InfiniteLine(
                pos=level,
                angle=0,
                pen=pg.mkPen(theme.marker, style=Qt.PenStyle.DotLine),
                label=text,
                labelOpts={"position": 0.99, "color": theme.marker, "anchors": [anchor, anchor]},
            )
            self.score_plot.addItem(line, ignoreBounds=True)
        self.spike_lines = [
            pg.InfiniteLine(angle=90, pen=pg.mkPen(theme.marker, style=Qt.PenStyle.DashLine))
            for _ in plots
        ]
        for plot, line in zip(plots, self.spike_lines, strict=True):
            line.hide()
            plot.addItem(line, ignoreBounds=True)
        return view

    # -- state --------------------------------------------------------------------------------
    def request_run(self, tab: str) -> None:
        """What ``tab``'s Run button does (nothing while it is disabled: its study runs)."""
        self.run_buttons[tab].click()

    def set_running(self, tab: str, running: bool) -> None:
        """``tab``'s study started (its Run button waits) or ended."""
        self.run_buttons[tab].setEnabled(not running)
        if running:
            self.say(tab, "Running… progress and Cancel are in the status bar.")

    def say(self, tab: str, text: str, error: bool = False) -> None:
        """``tab``'s message line (an error in the error colour, with what to do)."""
        self.messages[tab].setText(error_html(text) if error else html.escape(text))

    def show_error(self, tab: str, text: str) -> None:
        """A study that cannot run on this data: the reason inline, no result of another run."""
        self._clear(tab)
        self.say(tab, text, error=True)

    def show_cancelled(self, tab: str) -> None:
        earlier = " The results below are from the previous run." if self.shown[tab] else ""
        self.say(tab, f"Cancelled.{earlier} Press Run to start again.")

    def _clear(self, tab: str) -> None:
        self.shown[tab] = False
        if tab == "matrix":
            self.matrix = None
            self.matrix_table.setRowCount(0)
            self.matrix_note.clear()
        elif tab == "spikes":
            self.spike_result, self.spike_rows = None, []
            self.spike_table.setRowCount(0)
            self.spike_summary.clear()
        elif tab == "dispersion":
            for curve in (self.dispersion_curve, self.dispersion_mean, self.dispersion_claim):
                curve.setData([], [])
            self.top_months.setRowCount(0)
            self.dispersion_text.clear()
            self.dispersion_note.clear()
        elif tab == "allocation":
            self.allocation_curve.setData([], [])
            self.allocation_claim.setData([], [])
            self.allocation_table.setRowCount(0)
            self.allocation_text.clear()
            self.allocation_note.clear()
        else:
            self.anatomy, self.anatomy_rows = None, []
            self.anatomy_table.setRowCount(0)
            self.anatomy_text.clear()
            self.anatomy_evidence.clear()
            self._draw_episode()

    # -- regime matrix ------------------------------------------------------------------------
    @property
    def metric(self) -> MatrixMetric:
        return MATRIX_METRICS[self.metric_box.currentIndex()]

    def show_matrix(self, matrix: RegimeMatrix, note: str) -> None:
        """A regime matrix (engine/regime_matrix.RegimeMatrix) and what it ran on."""
        self.matrix = matrix
        self.shown["matrix"] = True
        self.say("matrix", note)
        skipped = "; ".join(f"{name}: {why}" for name, why in matrix.skipped.items())
        boot = matrix.bootstrap
        self.matrix_note.setText(
            f"Sharpe interval: stationary bootstrap, {boot.resamples:,} resamples, mean block "
            f"{boot.block:g} trading days, {boot.level:.0%}."
            + (f" Skipped: {skipped}" if skipped else "")
        )
        self._draw_matrix()

    def matrix_value(self, preset: str, band: str) -> float | None:
        """The number behind a cell of the shown statistic (None: not shown or undefined)."""
        if self.matrix is None:
            return None
        row = self.matrix.presets.index(preset)
        column = 1 + [b.key for b in self.matrix.bands].index(band)
        item = self.matrix_table.item(row, column)
        return None if item is None else item.data(VALUE_ROLE)

    def _draw_matrix(self) -> None:
        matrix, metric = self.matrix, self.metric
        if matrix is None:
            return
        table = self.matrix_table
        bands = matrix.bands
        table.setColumnCount(1 + len(bands))
        table.setHorizontalHeaderLabels(["Preset", *(band_header(b.label) for b in bands)])
        _header_tips(table, ["Preset", *(f"VIX band {b.label} (previous close)" for b in bands)])
        values = matrix.table(metric.key)
        fill_table(
            table,
            [[p, *(metric.text(values[p][b.key]) for b in bands)] for p in matrix.presets],
        )
        finite = [v for row in values.values() for v in row.values() if _finite(v)]
        scale = max((abs(v - 0.5 if metric.tint == "rate" else v) for v in finite), default=0.0)
        theme = palette.current()
        for r, preset in enumerate(matrix.presets):
            days = matrix.annualisation[preset]
            for c, band in enumerate(bands, start=1):
                cell = matrix.cells[preset][band.key]
                value = values[preset][band.key]
                noise = metric.tested and not abs(_or_nan(cell["t_stat"])) >= NOISE_T
                item = table.item(r, c)
                item.setTextAlignment(RIGHT)
                item.setData(VALUE_ROLE, float(value) if _finite(value) else None)
                colour = tint(value, scale, metric.tint, noise)
                if colour is not None:
                    item.setBackground(QBrush(colour))
                font = item.font()
                if metric.tested and _finite(value):
                    font.setItalic(noise)
                    font.setBold(not noise)
                    if noise:
                        item.setForeground(QBrush(QColor(theme.muted)))
                item.setFont(font)
                item.setToolTip(_cell_tip(preset, band.label, cell, days, matrix.bootstrap.level))
        _fit_height(table)

    # -- spike speed --------------------------------------------------------------------------
    def show_spikes(self, result: dict[str, Any], note: str) -> None:
        """A spike-speed run: ``result`` holds ``episodes``, ``summary``, ``presets``,
        ``index``, ``index_note``, ``skipped``, ``lower``, ``upper`` and ``fast_days``."""
        self.spike_result = result
        self.spike_rows = result["episodes"]
        self.shown["spikes"] = True
        self.say("spikes", note)
        keep = self.shown_preset.currentText()
        self.shown_preset.blockSignals(True)
        self.shown_preset.clear()
        self.shown_preset.addItems(result["presets"])
        if keep in result["presets"]:
            self.shown_preset.setCurrentText(keep)
        self.shown_preset.blockSignals(False)
        self.spike_summary.setText(_spike_summary(result))
        self._draw_spikes()

    def _draw_spikes(self) -> None:
        result = self.spike_result
        if result is None:
            return
        preset = self.shown_preset.currentText()
        windows = ("rise", *(f"next_{h}" for h in HORIZONS))
        rows = []
        for e in self.spike_rows:
            returns = e["returns"].get(preset, {})
            rows.append(
                [
                    e["start"],
                    e["cross_date"],
                    e["peak_date"],
                    number(e["peak"], ".2f"),
                    f"{e['days_to_cross']}",
                    e["speed"],
                    pct(e["index_return"], 1, True),
                    *(pct(returns.get(w), 1, True) for w in windows),
                ]
            )
        fill_table(self.spike_table, rows)
        _align_right(self.spike_table, range(3, self.spike_table.columnCount()))
        index = result["index"] or "no index"
        for r, e in enumerate(self.spike_rows):
            self.spike_table.item(r, 0).setToolTip(
                f"VIX {e['start_vix']:.2f} on {e['start']}; crossed at {e['cross_vix']:.2f} on "
                f"{e['cross_date']}; back below {result['lower']:g} on {e['end'] or 'not yet'}"
            )
            self.spike_table.item(r, 6).setToolTip(
                f"{index}: {pct(e['index_return'], 1, True)} from {e['start']} to "
                f"{e['cross_date']}, {pct(e['index_to_peak'], 1, True)} to the peak "
                f"({e['peak_date']}); after the cross "
                + ", ".join(f"{pct(e[f'index_next_{h}'], 1, True)} over {h} days" for h in HORIZONS)
            )

    def _episode_picked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self.spike_rows):
            self.day_picked.emit(self.spike_rows[row]["cross_date"])

    # -- dispersion ---------------------------------------------------------------------------
    def show_dispersion(self, report: dict[str, Any], note: str) -> None:
        """A dispersion report (engine/dispersion.DispersionResult.report)."""
        self.shown["dispersion"] = True
        self.say("dispersion", note)
        months = [row["month"] for row in report["monthly"]]
        x = _month_seconds(months)
        y = np.array([row["dispersion"] * 100 for row in report["monthly"]], dtype=float)
        self.dispersion_curve.setData(*charts.finite(x, y))
        ends = np.array([x[0], x[-1]]) if len(x) else np.empty(0)
        self.dispersion_mean.setData(ends, np.full(len(ends), report["mean"] * 100))
        self.dispersion_claim.setData(ends, np.full(len(ends), CLAIMED_DISPERSION * 100))
        claim = report["claim"]
        self.dispersion_text.setText(
            f"Measured: mean monthly dispersion <b>{pct(report['mean'], 2)}</b> (median "
            f"{pct(report['median'], 2)}) over {report['months']:,} months "
            f"{report['first_month']} .. {report['last_month']}; TSMOM variants among "
            f"themselves {pct(report['by_family']['tsmom'], 2)}, EWMAC "
            f"{pct(report['by_family']['ewmac'], 2)}. The note: "
            f"{html.escape(claim['text'])}. Measured minus claimed: "
            f"{number(claim['difference'] * 100, '+.2f')} points."
        )
        self.dispersion_note.setText(claim["note"])
        fill_table(
            self.top_months,
            [
                (
                    row["month"],
                    pct(row["dispersion"], 2),
                    pct(row["mean"], 2, True),
                    f"{row['best']} {pct(row['best_return'], 1, True)}",
                    f"{row['worst']} {pct(row['worst_return'], 1, True)}",
                    f"{row['days']}",
                )
                for row in report["top_months"]
            ],
        )
        _align_right(self.top_months, (1, 2, 5))

    # -- allocation ---------------------------------------------------------------------------
    def show_allocation(self, out: dict[str, Any], note: str) -> None:
        """An allocation study (engine/allocation.allocation_job's result) with
        ``claimed_sharpe`` (the base Sharpe x 1.25, None when it is not positive)."""
        self.shown["allocation"] = True
        self.say("allocation", note)
        mixes = out["mixes"]
        fill_table(
            self.allocation_table,
            [
                (
                    pct(m["cta_share"], 0),
                    pct(m["stocks"], 0),
                    pct(m["bonds"], 0),
                    number(m["sharpe"], ".2f"),
                    pct(m["ann_return"], 1),
                    pct(m["ann_vol"], 1),
                    pct(m["max_drawdown"], 1),
                    pct(m["worst_month"], 1),
                    m["worst_month_date"],
                )
                for m in mixes
            ],
        )
        _align_right(self.allocation_table, range(8))
        x = np.array([m["cta_share"] * 100 for m in mixes], dtype=float)
        y = np.array([_or_nan(m["sharpe"]) for m in mixes], dtype=float)
        self.allocation_curve.setData(*charts.finite(x, y))
        claimed = out.get("claimed_sharpe")
        if claimed is None:
            self.allocation_claim.setData([], [])
        else:
            base = out["claim"]["sharpe_at_0"]
            self.allocation_claim.setData([0.0, CLAIM_SHARE * 100], [base, claimed])
        self.allocation_text.setText(_allocation_sentence(out))
        self.allocation_note.setText(
            f"Legs: {out['legs']}, {out['first']} .. {out['last']} ({out['days']:,} days). "
            f"{out['claim']['note'][0].upper()}{out['claim']['note'][1:]}."
        )

    # -- spike anatomy ------------------------------------------------------------------------
    def show_anatomy(self, result: dict[str, Any], note: str) -> None:
        """A spike-anatomy run: ``result`` holds ``episodes`` (engine/spike_anatomy.py's rows),
        ``adaptive`` (engine/adaptive_vol.index_comparison's rows by date), ``record`` and
        ``half`` (the score's record at its labels and at 0.5), ``fund`` (the comparison's
        summary), ``t_stat`` (of the adaptive fund's daily return minus the VIX fund's) and
        ``series`` (name -> (seconds, values): vix, front, realised, score, exposure_vix,
        exposure_adaptive). The episode selected before stays selected, else the last."""
        keep = self.selected_episode()
        self.anatomy = result
        self.anatomy_rows = result["episodes"]
        self.shown["anatomy"] = True
        self.say("anatomy", note)
        self.anatomy_text.setText(_record_text(result["record"], result["half"]))
        self.anatomy_evidence.setText(_evidence_text(result))
        table = self.anatomy_table
        table.blockSignals(True)  # one drawing, at the end
        table.clearSelection()
        fill_table(
            table,
            [_anatomy_cells(e, result["adaptive"].get(e["date"], {})) for e in self.anatomy_rows],
        )
        _align_right(table, (*range(1, 10), *range(13, len(ANATOMY_COLUMNS))))
        theme = palette.current()
        for r, e in enumerate(self.anatomy_rows):
            for c, tip in enumerate(_anatomy_tips(e, result["adaptive"].get(e["date"], {}))):
                if tip:
                    table.item(r, c).setToolTip(tip)
            _style_verdict(table.item(r, VERDICT_COLUMN), e["verdict"], theme)
        if not self.select_episode(keep or "") and self.anatomy_rows:
            self.select_episode(self.anatomy_rows[-1]["date"])
        table.blockSignals(False)
        self._draw_episode()

    def selected_episode(self) -> str | None:
        """The spike day of the selected episode; None when none is."""
        rows = self.anatomy_table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.anatomy_rows):
            return None
        return self.anatomy_rows[rows[0].row()]["date"]

    def select_episode(self, date: str) -> bool:
        """Select (and chart) the episode of spike day ``date``; False when there is none."""
        dates = [e["date"] for e in self.anatomy_rows]
        if date not in dates:
            return False
        row = dates.index(date)
        self.anatomy_table.selectRow(row)
        self.anatomy_table.scrollToItem(self.anatomy_table.item(row, 0))
        return True

    def _anatomy_picked(self, row: int, _column: int) -> None:
        if 0 <= row < len(self.anatomy_rows):
            self.day_picked.emit(self.anatomy_rows[row]["date"])

    def _draw_episode(self) -> None:
        """The selected episode's chart (EPISODE_BEFORE VIX closes before the spike day to
        EPISODE_AFTER after it); empty without one."""
        curves = {
            "vix": self.episode_vix,
            "front": self.episode_vx,
            "realised": self.episode_realised,
            "score": self.episode_score,
            **{f"exposure_{t}": c for t, c in self.episode_exposure.items()},
        }
        date = self.selected_episode()
        if self.anatomy is None or date is None:
            for curve in curves.values():
                curve.setData([], [])
            for line in self.spike_lines:
                line.hide()
            self.episode_title.setText("Select an episode to chart it." if self.anatomy else "")
            return
        series = self.anatomy["series"]
        days = series["vix"][0]
        spike = float(np.datetime64(date, "s").astype(np.float64))
        at = int(np.searchsorted(days, spike))
        first = days[max(0, at - EPISODE_BEFORE)]
        last = days[min(len(days) - 1, at + EPISODE_AFTER)]
        for name, curve in curves.items():
            x, y = series[name]
            keep = (x >= first) & (x <= last)
            curve.setData(*charts.finite(x[keep], y[keep]))
        for line in self.spike_lines:
            line.setPos(spike)
            line.show()
        self.exposure_plot.setXRange(first, last, padding=0.01)
        _room_for_key(self.level_plot, (self.episode_vix, self.episode_vx, self.episode_realised))
        _room_for_key(self.exposure_plot, tuple(self.episode_exposure.values()))
        row = self.anatomy_rows[[e["date"] for e in self.anatomy_rows].index(date)]
        self.episode_title.setText(_episode_title(row))


def _key(plot: pg.PlotItem, *entries: tuple[pg.PlotDataItem, str]) -> None:
    """A one-row legend over ``plot``'s top right corner: it takes no room from the plot."""
    key = pg.LegendItem(offset=(-6, 4), brush=pg.mkBrush(128, 128, 128, 60))
    key.setColumnCount(len(entries))
    key.setLabelTextSize("8pt")
    key.setParentItem(plot.vb)
    for curve, name in entries:
        key.addItem(curve, name)


def _room_for_key(plot: pg.PlotItem, curves: Sequence[pg.PlotDataItem]) -> None:
    """``plot``'s y range over ``curves`` with KEY_ROOM of it free on top, for the legend."""
    values = [c.getOriginalDataset()[1] for c in curves]
    shown = np.concatenate([v for v in values if v is not None and len(v)] or [np.empty(0)])
    if not len(shown):
        return
    low, high = float(shown.min()), float(shown.max())
    span = (high - low) or 1.0
    plot.setYRange(low, high + span * KEY_ROOM / (1.0 - KEY_ROOM), padding=0.05)


def _anatomy_cells(e: dict[str, Any], fund: dict[str, Any]) -> list[str]:
    """An episode's row of the anatomy table (``fund``: its vol-control fund row, {} when the
    fund did not run on that day)."""
    return [
        e["date"],
        number(e["vix"], ".2f"),
        number(e["basis"], ".2f"),
        number(e["basis_pct"], ".1f"),
        number(e["ratio_vix9d_vix"], ".3f"),
        number(e["ratio_vix_vix3m"], ".3f"),
        number(e["vvix"], ".1f"),
        number(e["realised_vs_implied"], ".2f"),
        f"{e['days_above_30']}",
        number(e["score"], ".3f"),
        e["label"] or "-",
        e["outcome"] or "-",
        e["verdict"] or "-",
        pct(fund.get("nav_sold_vix"), 1),
        pct(fund.get("nav_sold_adaptive"), 1),
        pct(fund.get("next_20_vix"), 1, True),
        pct(fund.get("next_20_adaptive"), 1, True),
    ]


def _reading(value: float | None, name: str, spec: str = ".2f") -> str:
    return f"{name} {number(value, spec)}" if _finite(value) else f"no {name} close that day"


def _anatomy_tips(e: dict[str, Any], fund: dict[str, Any]) -> list[str]:
    """What each cell of an episode's row is made of (the same order as its cells)."""
    vix = f"VIX {e['vix']:.2f}"
    basis = (
        f"{vix} - {e['front']} settle {e['front_settle']:.4f} = {e['basis']:.2f} VIX points"
        if _finite(e["basis"])
        else "No front-month VX settle that day"
    )
    move = (
        f"Index {number(e['index_move'], '+.2f')}% vs {number(e['implied_move'], '.2f')}% "
        "implied (previous VIX / 16)"
    )
    parts = ", ".join(f"{k} {number(v, '.2f')}" for k, v in e["components"].items())
    realised = "/".join(number(v, ".0f") for v in e["realised_next"].values())
    under = e["days_to_under"]
    outcome = (
        f"Realised vol over the next {'/'.join(e['realised_next'])} days {realised} vs "
        f"{vix}; first close under {JUMP_FROM:g} "
        + (f"{under} closes later" if under is not None else "not yet")
    )
    sold = {
        t: f"Exposure {number(fund.get(f'exposure_{t}'), '.2f')} x at a vol of "
        f"{number(fund.get(f'vol_{t}'), '.2f')} VIX points"
        if fund
        else "The fund starts at the first scored day"
        for t in ("vix", "adaptive")
    }
    return [
        f"From {e['start']} (VIX below {JUMP_FROM:g}), {e['speed']}: crossed "
        f"{e['days_to_cross']} VIX closes later",
        "",
        basis,
        "",
        f"{_reading(e['vix9d'], 'VIX9D')} / {vix}",
        f"{vix} / {_reading(e['vix3m'], 'VIX3M')}",
        f"VVIX {number(e['vvix'], '.2f')}, percentile {number(e['vvix_pct'], '.1f')} among "
        "its closes so far",
        move,
        "",
        f"Components (technical evidence 0-1): {parts}",
        "",
        outcome,
        f"Label {e['label'] or '-'} vs outcome {e['outcome'] or '-'}",
        sold["vix"],
        sold["adaptive"],
        "",
        "",
    ]


def _style_verdict(item: Any, verdict: str | None, theme: palette.Theme) -> None:
    """right and wrong equally loud (bold on a full tint, green and red); open muted."""
    font = item.font()
    if verdict in ("right", "wrong"):
        colour = QColor(theme.positive if verdict == "right" else theme.negative)
        colour.setAlphaF(TINT_MAX)
        item.setBackground(QBrush(colour))
        font.setBold(True)
    elif verdict == "open":
        item.setForeground(QBrush(QColor(theme.muted)))
    item.setFont(font)


def _dates(dates: Sequence[str]) -> str:
    return ", ".join(dates) if dates else "none"


def _record_text(record: dict[str, Any], half: dict[str, Any]) -> str:
    """The score's record: right, wrong and open, the wrong ones named."""
    decided = record["right"] + record["wrong"]
    return (
        f"<b>Record</b>: <b>{record['right']} right, {record['wrong']} wrong</b>, "
        f"{record['open']} open; wrong: {_dates(record['wrong_dates'])}; right: "
        f"{_dates(record['right_dates'])}. Hit rate {record['right']}/{decided}; at the "
        f"{HALF:g} split {half['right']} right, {half['wrong']} wrong. "
        f"{record['unscored']} episodes have no score or no outcome yet."
    )


def _evidence_text(result: dict[str, Any]) -> str:
    """The whole-period comparison of the two vol targets and what the numbers do and do not
    support."""
    record, fund = result["record"], result["fund"]
    decided = record["right"] + record["wrong"]
    scored = decided + record["open"]
    vix, lean = fund["vix"], fund["adaptive"]
    lines = [
        f"<b>Whole period</b> {fund['first']} .. {fund['last']}, the fund at "
        f"{pct(fund['target'], 0)} vol, cap {fund['max_leverage']:g} x. Sized by the VIX: "
        f"Sharpe {number(vix['sharpe'], '.3f')}, max drawdown {pct(vix['max_drawdown'], 1)}. "
        f"Adaptive ({SOURCES[fund['source']]}): Sharpe {number(lean['sharpe'], '.3f')}, max "
        f"drawdown {pct(lean['max_drawdown'], 1)}. The estimates differ on "
        f"{fund['lean_days']:,} of {fund['days']:,} days."
    ]
    supports, against = [], []
    if record["right"]:
        supports.append(f"{record['right']} of {decided} decided calls right")
    calls = [  # the right technical calls the fund ran on: NAV sold by the VIX, adaptive
        (e["date"], f["nav_sold_vix"], f["nav_sold_adaptive"])
        for e in result["episodes"]
        if e["verdict"] == "right" and e["label"] == TECHNICAL
        for f in [result["adaptive"].get(e["date"])]
        if f
    ]
    for less, where in ((True, supports), (False, against)):
        sold = [f"{d} {pct(v, 1)} → {pct(a, 1)}" for d, v, a in calls if (a < v) == less]
        if sold:
            where.append(
                f"{'less' if less else 'no less'} NAV sold on the right technical calls: "
                + ", ".join(sold)
            )
    if record["wrong"] or record["open"]:
        against.append(
            f"a reliable call: {record['wrong']} of {decided} decided calls wrong, "
            f"{record['open']} of {scored} scored episodes open"
        )
    t = result["t_stat"]
    edge = f"the adaptive fund's daily return minus the VIX fund's has t = {number(t, '.2f')}"
    if _finite(t) and abs(t) >= NOISE_T:
        supports.append(f"a return difference: {edge}")
    else:
        against.append(f"a return edge: {edge} (|t| &lt; {NOISE_T:g})")
    if supports:
        lines.append(f"<b>Supports</b>: {'; '.join(supports)}.")
    if against:
        lines.append(f"<b>Does not support</b>: {'; '.join(against)}.")
    return "<br><br>".join(lines)


def _episode_title(e: dict[str, Any]) -> str:
    return (
        f"{e['date']}: score {number(e['score'], '.3f')} ({e['label'] or 'no score'}), "
        f"outcome {e['outcome'] or '-'}: {e['verdict'] or 'no verdict'}. Dashed: the spike "
        f"day; {EPISODE_BEFORE} VIX closes before it to {EPISODE_AFTER} after."
    )


def _or_nan(value: float | None) -> float:
    return float(value) if _finite(value) else float("nan")


def _cell_tip(preset: str, band: str, cell: dict[str, Any], days: int, level: float) -> str:
    """A matrix cell's tooltip: every statistic of the preset in the band."""
    low, high = cell["sharpe_ci"]
    t = cell["t_stat"]
    verdict = "not distinguishable from zero" if not abs(_or_nan(t)) >= NOISE_T else "clear of zero"
    return (
        f"{preset}, VIX {band}\n"
        f"Sharpe {number(cell['sharpe'], '.2f')} ({level:.0%} bootstrap interval "
        f"{number(low, '.2f')} to {number(high, '.2f')}), annualised over {days} days\n"
        f"{number(cell['days'], ',.0f')} days ({pct(cell['share'])} of the days with a VIX)\n"
        f"t = {number(t, '.2f')}: the mean daily return is {verdict}\n"
        f"Annual return {pct(cell['ann_return'], 1, True)}, vol {pct(cell['ann_vol'], 1)}, "
        f"hit rate {pct(cell['hit_rate'])}"
    )


def _spike_summary(result: dict[str, Any]) -> str:
    """The fast-vs-slow means in words beside the note's claim."""
    summary = result["summary"]
    slow, fast = summary["slow"], summary["fast"]
    lines = [
        f"<b>The note</b>: {SPIKE_CLAIM} (crisis alpha depends on the speed of the spike). "
        f"<b>Measured</b>: {slow['episodes']} slow and {fast['episodes']} fast rises from "
        f"&lt; {result['lower']:g} to &gt;= {result['upper']:g} (fast: within "
        f"{result['fast_days']} trading days)."
    ]
    for preset in result["presets"]:
        s, f = slow["returns"][preset], fast["returns"][preset]
        lines.append(
            f"{html.escape(preset)}: {pct(s['rise'], 1, True)} over slow rises "
            f"({s['counts']['rise']} episodes) vs {pct(f['rise'], 1, True)} over fast ones "
            f"({f['counts']['rise']}); next 60 days {pct(s['next_60'], 1, True)} vs "
            f"{pct(f['next_60'], 1, True)}."
        )
    if result["index"]:
        lines.append(
            f"Equity index {html.escape(result['index'])}: "
            f"{pct(slow['index_return'], 1, True)} over slow rises vs "
            f"{pct(fast['index_return'], 1, True)} over fast ones (mean per episode)."
        )
    elif result.get("index_note"):
        lines.append(error_html(f"No index returns: {result['index_note']}"))
    if result["skipped"]:
        skipped = "; ".join(f"{p}: {why}" for p, why in result["skipped"].items())
        lines.append(f"Skipped: {html.escape(skipped)}")
    return "<br>".join(lines)


def _allocation_sentence(out: dict[str, Any]) -> str:
    """The measured Sharpe gain at 30% beside the note's claimed 25%."""
    claim = out["claim"]
    head = (
        f"Sharpe {number(claim['sharpe_at_0'], '.2f')} with no CTA -> "
        f"{number(claim['sharpe_at_30'], '.2f')} with {pct(claim['share'], 0)} CTA"
    )
    gain = claim["sharpe_gain_at_30"]
    if gain is None:
        measured = ": no gain can be stated, the base portfolio's Sharpe is not positive"
    else:
        measured = (
            f": a gain of <b>{pct(gain, 1, True)}</b> vs the note's "
            f"{pct(claim['claimed'], 0, True)} ({number(claim['difference'] * 100, '+.1f')} "
            "points)"
        )
    best = out["best_sharpe"]
    return (
        f"{head}{measured}. Best Sharpe {number(best['sharpe'], '.2f')} at "
        f"{pct(best['cta_share'], 0)} CTA. The note: {html.escape(claim['text'])}."
    )
