"""Triggers & Flows dock: signal flip prices, estimated CTA flows by scenario with a bar
chart, and a vol-control deleveraging simulator with a VIX path editor."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.labels import number, pct, usd_bn
from engine.trigger_specs import DEFAULT_SIGNALS
from widgets import charts, palette
from widgets.inputs import number_box
from widgets.palette import error_html
from widgets.table_export import fill_table, install_table_menu

SCENARIO_COLUMNS = [
    ("flat", "1d"),
    ("up", "1d"),
    ("down", "1d"),
    ("flat", "1w"),
    ("up", "1w"),
    ("down", "1w"),
]


class NumberItem(QTableWidgetItem):
    """A table cell that sorts by its number, not its text."""

    def __init__(self, value: float, text: str) -> None:
        super().__init__(text)
        self.value = value
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        if isinstance(other, NumberItem):
            return self.value < other.value
        return super().__lt__(other)


def _table(headers: list[str], parent: QWidget) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.setSortingEnabled(True)
    install_table_menu(table)
    return table


class PositioningPanel(QWidget):
    """Emits requests; the app runs the engine and calls the ``show_*`` methods."""

    refresh_requested = Signal(str, float, float, float)  # signals, AUM, vol target, sigmas
    deleverage_requested = Signal(str, float, float)  # VIX path, target, max leverage

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("positioningPanel")
        self.signals_edit = QLineEdit(DEFAULT_SIGNALS, self)
        self.aum_box = number_box(
            0.1, 100_000.0, 300.0, step=10.0, suffix=" bn", name="aumBox", parent=self
        )
        self.target_box = number_box(
            0.01, 1.0, 0.10, decimals=3, step=0.01, name="flowTarget", parent=self
        )
        self.sigmas_box = number_box(
            0.0, 10.0, 2.0, decimals=1, step=0.5, name="sigmasBox", parent=self
        )
        self.refresh_button = QPushButton("Refresh", self)
        for widget, tip in (
            (
                self.signals_edit,
                "Signals whose flip prices are computed, comma separated: ret:L (sign of the "
                "L-day return), sma:n (price vs n-day average), smax:n/m and emax:f/s (moving-"
                "average crossovers, in days), blend:a/b/c (TSMOM blend lookbacks, in days)",
            ),
            (self.aum_box, "Assets of the modelled CTA industry, in US$ billions (bn)"),
            (self.target_box, "Annual vol target of the modelled CTAs, as a fraction (0.10 = 10%)"),
            (
                self.sigmas_box,
                "Size of the up and down scenarios, in standard deviations of each instrument's "
                "daily move (× √days over the horizon)",
            ),
            (
                self.refresh_button,
                "Recompute trigger levels and flows on the Strategy dock's universe with these "
                "inputs",
            ),
        ):
            widget.setToolTip(tip)
        self.status = QLabel("Triggers and flows use the Strategy dock's universe.", self)
        self.status.setWordWrap(True)

        top = QFormLayout()
        top.addRow("Signals", self.signals_edit)
        grid = QGridLayout()  # two rows: fits a side column as well as the centre
        boxes = (
            ("AUM", self.aum_box),
            ("vol target", self.target_box),
            ("scenario σ", self.sigmas_box),
        )
        for i, (label, box) in enumerate(boxes):
            grid.addWidget(QLabel(label, self), i // 2, (i % 2) * 2)
            grid.addWidget(box, i // 2, (i % 2) * 2 + 1)
        grid.addWidget(self.refresh_button, 1, 2, 1, 2)
        top.addRow(grid)

        self.triggers = _table(
            [
                "Symbol",
                "Signal",
                "Last",
                "Flip price",
                "Distance %",
                "Distance σ",
                "Now",
                "Flips if",
            ],
            self,
        )
        self.triggers.setObjectName("triggerTable")
        self.flows = _table(
            ["Symbol", "Position $bn"] + [f"{s} {h}" for s, h in SCENARIO_COLUMNS], self
        )
        self.flows.setObjectName("flowTable")
        charts.configure()
        self.bar_names = charts.CategoryAxis("left")
        self.bars = pg.PlotWidget(self, axisItems={"left": self.bar_names})
        self.bars.setObjectName("flowBars")
        self.bars.setLabel("bottom", "1-week flow, down scenario", units="$bn")
        self.bars.getPlotItem().invertY(True)  # the first symbol on top, as in the table
        self.bars.addLine(x=0, pen=pg.mkPen(palette.current().marker))

        flows_page = QWidget(self)
        flows_layout = QHBoxLayout(flows_page)
        flows_layout.addWidget(self.flows, 3)
        flows_layout.addWidget(self.bars, 2)

        self.vix_path = QLineEdit("20,25,30,35,40", self)
        self.vix_path.setObjectName("vixPathEdit")
        self.delev_target = number_box(
            0.01, 1.0, 0.10, decimals=3, step=0.01, name="delevTarget", parent=self
        )
        self.delev_cap = number_box(
            0.1, 10.0, 2.0, decimals=2, step=0.25, name="delevCap", parent=self
        )
        self.delev_button = QPushButton("Simulate", self)
        for widget, tip in (
            (
                self.vix_path,
                "VIX path to step through, comma separated, in index points (e.g. 20,30,40)",
            ),
            (
                self.delev_target,
                "Annual vol target of the vol-control fund, as a fraction (0.10 = 10%)",
            ),
            (self.delev_cap, "Maximum leverage of the vol-control fund, a multiple (x) of NAV"),
            (
                self.delev_button,
                "Compute exposure and the share of NAV sold at each step of the VIX path",
            ),
        ):
            widget.setToolTip(tip)
        self.delev_table = _table(
            ["VIX", "Exposure", "NAV sold", "Cumulative sold", "Amount sold $bn"], self
        )
        self.delev_table.setObjectName("deleverageTable")
        self.delev_table.setSortingEnabled(False)
        self.delev_summary = QLabel(self)
        delev_page = QWidget(self)
        delev_layout = QVBoxLayout(delev_page)
        delev_form = QHBoxLayout()
        for label, widget in (
            ("VIX path", self.vix_path),
            ("target", self.delev_target),
            ("max leverage", self.delev_cap),
        ):
            delev_form.addWidget(QLabel(label, self))
            delev_form.addWidget(widget)
        delev_form.addWidget(self.delev_button)
        delev_layout.addLayout(delev_form)
        delev_layout.addWidget(self.delev_table)
        delev_layout.addWidget(self.delev_summary)

        self.tabs = QTabWidget(self)
        self.tabs.setMinimumHeight(260)  # the dock scrolls rather than squash the tables
        self.tabs.addTab(self.triggers, "Trigger levels")
        self.tabs.addTab(flows_page, "Flows")
        self.tabs.addTab(delev_page, "Deleveraging")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)

        self.flow_bars: pg.BarGraphItem | None = None
        self.refresh_button.clicked.connect(self.refresh)
        self.delev_button.clicked.connect(self._deleverage)

    def refresh(self) -> None:
        self.refresh_requested.emit(
            self.signals_edit.text(),
            self.aum_box.value() * 1e9,
            self.target_box.value(),
            self.sigmas_box.value(),
        )

    def _deleverage(self) -> None:
        self.deleverage_requested.emit(
            self.vix_path.text(), self.delev_target.value(), self.delev_cap.value()
        )

    def say(self, text: str, error: bool = False) -> None:
        """The dock's status line (an error in the error colour)."""
        self.status.setText(error_html(text) if error else text)

    def say_deleverage_error(self, text: str) -> None:
        self.delev_summary.setText(error_html(text))

    def aum(self) -> float:
        """The AUM field in dollars."""
        return self.aum_box.value() * 1e9

    def show_triggers(self, rows: list[dict[str, Any]]) -> None:
        self.triggers.setSortingEnabled(False)
        self.triggers.setRowCount(len(rows))
        for r, row in enumerate(rows):
            near = math.isfinite(row["distance_sigma"]) and abs(row["distance_sigma"]) <= 1.0
            cells = [
                QTableWidgetItem(row["symbol"]),
                QTableWidgetItem(row["signal"]),
                NumberItem(row["last"], number(row["last"], ",.4g")),
                NumberItem(row["price"], number(row["price"], ",.4g")),
                NumberItem(row["distance_pct"], number(row["distance_pct"], "+.2f", "%")),
                NumberItem(abs(row["distance_sigma"]), number(row["distance_sigma"], "+.2f")),
                NumberItem(row["current"], number(row["current"], "+.2f")),
                QTableWidgetItem(row["flips_if"]),
            ]
            for c, item in enumerate(cells):
                if near:
                    item.setBackground(QBrush(QColor(palette.current().near)))
                self.triggers.setItem(r, c, item)
        self.triggers.setSortingEnabled(True)
        self.triggers.sortItems(5)

    def show_flows(self, flows: dict[str, Any]) -> None:
        symbols = list(flows["positions"])
        self.flows.setSortingEnabled(False)
        self.flows.setRowCount(len(symbols) + 1)
        for r, symbol in enumerate([*symbols, "total"]):
            pos = flows["positions"].get(symbol, sum(flows["positions"].values()))
            self.flows.setItem(r, 0, QTableWidgetItem(symbol))
            self.flows.setItem(r, 1, NumberItem(pos, number(pos / 1e9, ",.1f")))
            for c, (scenario, horizon) in enumerate(SCENARIO_COLUMNS, start=2):
                value = flows["scenarios"][scenario][horizon][symbol]
                self.flows.setItem(r, c, NumberItem(value, number(value / 1e9, "+,.1f")))
        self.flows.setSortingEnabled(True)
        down = np.array([flows["scenarios"]["down"]["1w"][s] / 1e9 for s in symbols])
        self._show_bars(symbols, down)
        skipped = flows.get("skipped", {})
        if skipped:
            self.status.setText(
                "Flows leave out " + "; ".join(f"{k}: {v}" for k, v in skipped.items())
            )

    def _show_bars(self, symbols: list[str], flows_bn: np.ndarray) -> None:
        """Horizontal bars, one per symbol (named on the left axis, thinned so none overlap)."""
        theme = palette.current()
        if self.flow_bars is not None:
            self.bars.removeItem(self.flow_bars)
        brushes = [theme.negative if v < 0 else theme.positive for v in flows_bn]
        self.flow_bars = pg.BarGraphItem(
            x0=0, y=np.arange(len(symbols)), width=flows_bn, height=0.7, brushes=brushes,
            pen=pg.mkPen(None),
        )  # fmt: skip
        self.bars.addItem(self.flow_bars)
        self.bar_names.set_names(symbols)
        self.bars.setYRange(-0.6, len(symbols) - 0.4, padding=0)

    def show_deleverage(self, out: dict[str, Any], aum: float) -> None:
        steps = out["steps"]
        fill_table(
            self.delev_table,
            [
                [
                    f"{step['vix']:g}",
                    f"{step['exposure']:.4f}",
                    pct(step["nav_sold"], 2),
                    pct(step["cumulative_nav_sold"], 2),
                    f"{step['nav_sold'] * aum / 1e9:,.1f}",
                ]
                for step in steps
            ],
        )
        self.delev_summary.setText(
            f"Vol-control funds at a {out['target'] * 100:g}% target sell "
            f"{pct(out['total_nav_sold'])} of NAV along this path "
            f"({usd_bn(out['total_nav_sold'] * aum)} of {usd_bn(aum, 0)})."
        )
