"""Triggers & Flows dock: signal flip prices, estimated CTA flows by scenario with a bar
chart, and a vol-control deleveraging simulator with a VIX path editor; as of the latest close
or of a chosen date (typed, or the Event Replay dock's day), with what happened next
(docs/methodology.md, "As-of positioning")."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
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
from widgets.inputs import DateEdit, number_box
from widgets.palette import error_html
from widgets.table_export import install_table_menu

SCENARIO_COLUMNS = [
    ("flat", "1d"),
    ("up", "1d"),
    ("down", "1d"),
    ("flat", "1w"),
    ("up", "1w"),
    ("down", "1w"),
]
TRIGGER_HEADERS = [
    "Symbol",
    "Signal",
    "Last",
    "Flip price",
    "Distance %",
    "Distance σ",
    "Now",
    "Flips if",
    "Next close",
    "First cross",
]
OUTCOME_COLUMNS = (8, 9)
"""The trigger table's "what happened next" columns, shown only as of a past date."""
NEXT_HEADERS = [
    "Symbol",
    "After",
    "Date",
    "Close",
    "Return %",
    "Move σ",
    "Nearest",
    "Blend flip",
    "Reached",
]
DELEV_NEXT_HEADERS = ["After", "Date", "VIX", "Exposure", "NAV sold", "Amount sold $bn"]
DELEV_NEXT_ROWS = (("1d", "1 close"), ("5d", "5 closes"), ("20d", "20 closes"), ("peak", "highest"))
BARS_MIN_WIDTH = 200
"""Narrowest flow bar chart beside the flows table (below it where there is less room)."""
WIDGET_MAX = (1 << 24) - 1
"""Qt's QWIDGETSIZE_MAX: no maximum width."""
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class PositioningRequest:
    """What Refresh asks for: the inputs of the triggers and flows, the as-of date ("" for the
    latest close) and the VIX path that starts at the as-of VIX close."""

    signals: str
    aum: float  # US$
    target: float  # annual vol target of the modelled CTAs
    sigmas: float
    asof: str  # YYYY-MM-DD or ""
    vix_path: str
    delev_target: float
    delev_cap: float


def asof_phrase(asof: dict[str, Any] | None, date: str) -> str:
    """The date the numbers are as of, e.g. "As of 2024-08-02 (Friday's close: 2024-08-03 is
    not a trading day)", from the job's ``asof`` (requested, date, last); None: the latest."""
    if asof is None:
        return f"As of the latest close, {date}"
    used, asked = asof["date"], asof["requested"]
    if used == asked:
        return f"As of {used}"
    if used == asof.get("last"):
        return f"As of {used}, the data's last close (it ends before {asked})"
    weekday = WEEKDAYS[dt.date.fromisoformat(used).weekday()]
    return f"As of {used} ({weekday}'s close: {asked} is not a trading day)"


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


def _text(text: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if tip:
        item.setToolTip(tip)
    return item


def _closes(n: int) -> str:
    return f"{n} close" if n == 1 else f"{n} closes"


class PositioningPanel(QWidget):
    """Emits requests; the app runs the engine and calls the ``show_*`` methods."""

    refresh_requested = Signal(object)  # PositioningRequest
    deleverage_requested = Signal(str, float, float, str)  # VIX path, target, max lev., as of
    follow_changed = Signal(bool)  # "Follow the replay day" ticked or not

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
        self.asof_edit = DateEdit(self)
        self.asof_edit.setObjectName("asofEdit")
        self.asof_edit.setPlaceholderText("latest")
        self.latest_button = QPushButton("Latest", self)
        self.follow_box = QCheckBox("Follow the replay day", self)
        self.follow_box.setObjectName("followReplay")
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
                "inputs, and the VIX path, as of the date below",
            ),
            (
                self.asof_edit,
                "As-of date, YYYY-MM-DD (F4: calendar): triggers, flows and the VIX path use the "
                "data up to that day's close only (a weekend or holiday uses the last close "
                "before it) and what happened next is shown beside them; empty: the latest close",
            ),
            (self.latest_button, "Back to the latest close (clears the as-of date) and refresh"),
            (
                self.follow_box,
                "While ticked, the Event Replay dock's day sets the as-of date and the dock "
                "refreshes as the replay moves",
            ),
        ):
            widget.setToolTip(tip)
        self.status = QLabel("Triggers and flows use the Strategy dock's universe.", self)
        self.status.setObjectName("positioningStatus")
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
        asof_row = QHBoxLayout()
        asof_row.addWidget(self.asof_edit)
        asof_row.addWidget(self.latest_button)
        asof_row.addWidget(self.follow_box)
        asof_row.addStretch(1)
        top.addRow("As of", asof_row)

        self.triggers = _table(TRIGGER_HEADERS, self)
        self.triggers.setObjectName("triggerTable")
        for column in OUTCOME_COLUMNS:
            self.triggers.setColumnHidden(column, True)
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

        self.flows_page = QWidget(self)
        self.flows_layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self.flows_page)
        self.flows_layout.addWidget(self.flows, 3)
        self.flows_layout.addWidget(self.bars, 2)

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
                "VIX path to step through, comma separated, in index points (e.g. 20,30,40); "
                "as of a date it starts at that day's VIX close and goes on with these steps",
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
        self.delev_summary.setObjectName("deleverageSummary")
        self.delev_summary.setWordWrap(True)
        self.delev_next = _table(DELEV_NEXT_HEADERS, self)
        self.delev_next.setObjectName("deleverageNextTable")
        self.delev_next.setSortingEnabled(False)
        self.delev_next_note = QLabel(self)
        self.delev_next_note.setWordWrap(True)
        self.delev_page = QWidget(self)
        delev_layout = QVBoxLayout(self.delev_page)
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
        # the path typed beside the real VIX path that followed (below it where narrow)
        self.delev_tables = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.delev_tables.addWidget(self.delev_table, 1)
        self.delev_next_box = QWidget(self)
        next_box = QVBoxLayout(self.delev_next_box)
        next_box.setContentsMargins(0, 0, 0, 0)
        next_box.addWidget(self.delev_next_note)
        next_box.addWidget(self.delev_next, 1)
        self.delev_tables.addWidget(self.delev_next_box, 1)
        self.delev_next_box.hide()
        delev_layout.addLayout(self.delev_tables, 1)
        delev_layout.addWidget(self.delev_summary)

        self.next_table = _table(NEXT_HEADERS, self)
        self.next_table.setObjectName("nextTable")
        self.next_table.setSortingEnabled(False)  # instrument by instrument, 1, 5, 20 closes
        self.next_note = QLabel(self)
        self.next_note.setWordWrap(True)
        next_page = QWidget(self)
        next_layout = QVBoxLayout(next_page)
        next_layout.addWidget(self.next_note)
        next_layout.addWidget(self.next_table, 1)

        self.tabs = QTabWidget(self)
        self.tabs.setMinimumHeight(260)  # the dock scrolls rather than squash the tables
        self.tabs.addTab(self.triggers, "Trigger levels")
        self.tabs.addTab(self.flows_page, "Flows")
        self.tabs.addTab(self.delev_page, "Deleveraging")
        self.next_tab = self.tabs.addTab(next_page, "What happened next")
        self.tabs.setTabVisible(self.next_tab, False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)

        self.flow_bars: pg.BarGraphItem | None = None
        self._asked = ""  # the as-of text of the latest request (an edit that changes it refreshes)
        self.refresh_button.clicked.connect(self.refresh)
        self.delev_button.clicked.connect(self._deleverage)
        self.asof_edit.editingFinished.connect(self._asof_edited)
        self.latest_button.clicked.connect(self.show_latest)
        self.follow_box.toggled.connect(self.follow_changed)
        for i in range(self.tabs.count()):  # the page on show has the width of them all
            self.tabs.widget(i).installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.tabs.currentWidget():
            self._arrange(watched.width())
        return False

    def _arrange(self, width: int) -> None:
        """Side by side where the columns fit at their header widths in pages ``width`` px
        wide, else one below the other: the flows table and its bars, the VIX path typed and
        the real one."""
        room = _room_beside(self.flows_layout, width, _columns_width(self.flows))
        _set_side_by_side(self.flows_layout, room >= BARS_MIN_WIDTH)
        self.bars.setMaximumWidth(room if room >= BARS_MIN_WIDTH else WIDGET_MAX)
        need = _columns_width(self.delev_table) + _columns_width(self.delev_next)
        _set_side_by_side(self.delev_tables, _room_beside(self.delev_tables, width, need) >= 0)

    # -- requests -----------------------------------------------------------------------
    def refresh(self) -> None:
        """What Refresh does: ask for triggers and flows as of the date in the field."""
        asof = self._asof()
        if asof is None:
            return
        self._asked = asof
        self.refresh_requested.emit(
            PositioningRequest(
                self.signals_edit.text(),
                self.aum(),
                self.target_box.value(),
                self.sigmas_box.value(),
                asof,
                self.vix_path.text(),
                self.delev_target.value(),
                self.delev_cap.value(),
            )
        )

    def _deleverage(self) -> None:
        asof = self._asof()
        if asof is not None:
            self.deleverage_requested.emit(
                self.vix_path.text(), self.delev_target.value(), self.delev_cap.value(), asof
            )

    def _asof(self) -> str | None:
        """The as-of field as an ISO date, "" for the latest close; None (said) when it is
        not a date."""
        text = self.asof_edit.text().strip()
        if text and not QDate.fromString(text, Qt.DateFormat.ISODate).isValid():
            self.say(f"As of: {text!r} is not a date; type YYYY-MM-DD or press Latest", True)
            return None
        return text

    def _asof_edited(self) -> None:
        if self.asof_edit.text().strip() != self._asked:
            self.refresh()

    def show_latest(self) -> None:
        """Clear the as-of date and refresh as of the latest close."""
        self.asof_edit.clear()
        self.refresh()

    def set_asof(self, day: str) -> None:
        """Put ``day`` (ISO date) in the as-of field; the next refresh uses it."""
        self.asof_edit.setText(day)

    def asof(self) -> str:
        """The as-of field as typed ("" for the latest close)."""
        return self.asof_edit.text().strip()

    def follows_replay(self) -> bool:
        return self.follow_box.isChecked()

    def set_date_range(self, first: str, last: str) -> None:
        """Days the as-of calendar offers (those of the universe's data)."""
        self.asof_edit.set_range(first, last)

    def aum(self) -> float:
        """The AUM field in dollars."""
        return self.aum_box.value() * 1e9

    # -- results ------------------------------------------------------------------------
    def say(self, text: str, error: bool = False) -> None:
        """The dock's status line (an error in the error colour)."""
        self.status.setText(error_html(text) if error else text)

    def say_deleverage_error(self, text: str) -> None:
        self.delev_summary.setText(error_html(text))

    def show_error(self, text: str) -> None:
        """A refresh that could not run on this data: the reason, and no earlier numbers."""
        self.triggers.setRowCount(0)
        self.flows.setRowCount(0)
        self._show_bars([], np.empty(0))
        self.show_next(None)
        self.say(text, error=True)

    def show_summary(
        self,
        asof: dict[str, Any] | None,
        date: str,
        count: int,
        near: int,
        skipped: dict[str, str],
    ) -> None:
        """The status line: the date the numbers are as of, the triggers near, what is left
        out."""
        text = f"{asof_phrase(asof, date)}: {count} triggers, {near} within 1 sigma (highlighted)."
        if asof and asof.get("not_yet"):
            text += f" Not started by then: {', '.join(asof['not_yet'])}."
        if skipped:
            text += " Flows leave out " + "; ".join(f"{k}: {v}" for k, v in skipped.items())
        self.say(text)

    def show_triggers(
        self, rows: list[dict[str, Any]], outcomes: list[dict[str, Any]] | None = None
    ) -> None:
        """The trigger levels; with ``outcomes`` (one per row, each with the date of the next
        close as ``next_date``) also whether and when the closes after the as-of date crossed."""
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
            if outcomes is not None:
                cells += _outcome_cells(outcomes[r])
            for c, item in enumerate(cells):
                if near:
                    item.setBackground(QBrush(QColor(palette.current().near)))
                self.triggers.setItem(r, c, item)
        for column in OUTCOME_COLUMNS:
            self.triggers.setColumnHidden(column, outcomes is None)
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
        self.bars.setYRange(-0.6, max(len(symbols), 1) - 0.4, padding=0)

    def show_next(self, rows: list[dict[str, Any]] | None, asof_date: str = "") -> None:
        """What the market did after the as-of close, one row per instrument and horizon
        (symbol, after, date, close, return, move_sigmas, nearest, flip, reached); None hides
        the tab (as of the latest close, or the data ends at the date)."""
        self.tabs.setTabVisible(self.next_tab, rows is not None)
        if rows is None:
            self.next_table.setRowCount(0)
            return
        self.next_note.setText(
            f"The closes after {asof_date}: return since the as-of close; the move over the "
            "flow horizons (1 and 5 closes) in the model's daily σ (× √closes) and the flow "
            "scenario nearest to it; whether the closes so far reached the flip price of the "
            "flow model's blend, and when first."
        )
        self.next_table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            move = row["move_sigmas"]
            reached = row["reached"]
            cells = [
                QTableWidgetItem(row["symbol"]),
                NumberItem(row["after"], _closes(row["after"])),
                QTableWidgetItem(row["date"]),
                NumberItem(row["close"], number(row["close"], "#,.6g")),
                NumberItem(_num(row["return"]), pct(row["return"], 2, signed=True)),
                NumberItem(_num(move), number(move, "+.2f")),
                QTableWidgetItem(row["nearest"] or "-"),
                NumberItem(_num(row["flip"]), number(row["flip"], "#,.6g")),
                QTableWidgetItem("-" if reached is None else reached or "no"),
            ]
            for c, item in enumerate(cells):
                self.next_table.setItem(r, c, item)

    def show_deleverage(self, out: dict[str, Any], aum: float) -> None:
        """The VIX path's exposures and sales; as of a date (``out["asof"]``) the path starts
        at that day's VIX close and the real closes that followed are shown beside it."""
        steps = out["steps"]
        self.delev_table.setRowCount(len(steps))
        for r, step in enumerate(steps):
            cells = [
                NumberItem(step["vix"], f"{step['vix']:g}"),
                NumberItem(step["exposure"], f"{step['exposure']:.4f}"),
                NumberItem(step["nav_sold"], pct(step["nav_sold"], 2)),
                NumberItem(step["cumulative_nav_sold"], pct(step["cumulative_nav_sold"], 2)),
                NumberItem(step["nav_sold"], f"{step['nav_sold'] * aum / 1e9:,.1f}"),
            ]
            for c, item in enumerate(cells):
                self.delev_table.setItem(r, c, item)
        text = (
            f"Vol-control funds at a {out['target'] * 100:g}% target sell "
            f"{pct(out['total_nav_sold'])} of NAV along this path "
            f"({usd_bn(out['total_nav_sold'] * aum)} of {usd_bn(aum, 0)})."
        )
        asof = out.get("asof")
        if asof is not None:
            text = (
                f"{asof_phrase(asof, asof['date'])}: the {asof['symbol']} closed "
                f"{asof['vix']:.2f}; the path starts there. {text}"
            )
        self.delev_summary.setText(text)
        self._show_deleverage_next(asof, out.get("next"), aum)

    def _show_deleverage_next(
        self, asof: dict[str, Any] | None, after: dict[str, Any] | None, aum: float
    ) -> None:
        self.delev_next_box.setVisible(asof is not None)
        if asof is None:
            return
        if after is None:
            self.delev_next_note.setText(f"The {asof['symbol']} has no close after {asof['date']}.")
            self.delev_next.setRowCount(0)
            return
        self.delev_next_note.setText(
            f"Then the real {asof['symbol']} closes: NAV sold since the {asof['date']} close "
            f"(VIX {asof['vix']:.2f})."
        )
        rows = [(label, after[key]) for key, label in DELEV_NEXT_ROWS if after.get(key)]
        self.delev_next.setRowCount(len(rows))
        for r, (label, step) in enumerate(rows):
            cells = [
                QTableWidgetItem(label),
                QTableWidgetItem(step["date"]),
                NumberItem(step["vix"], f"{step['vix']:.2f}"),
                NumberItem(step["exposure"], f"{step['exposure']:.4f}"),
                NumberItem(step["nav_sold"], pct(step["nav_sold"], 2)),
                NumberItem(step["nav_sold"], f"{step['nav_sold'] * aum / 1e9:+,.1f}"),
            ]
            for c, item in enumerate(cells):
                self.delev_next.setItem(r, c, item)


def _columns_width(table: QTableWidget) -> int:
    """The width ``table`` needs to show its visible columns at their header widths."""
    header = table.horizontalHeader()
    columns = sum(
        header.sectionSizeHint(c) for c in range(header.count()) if not header.isSectionHidden(c)
    )
    return columns + 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width()


def _room_beside(layout: QBoxLayout, width: int, need: int) -> int:
    """The width left beside ``need`` px when ``layout``, in a page ``width`` px wide (with the
    margins of a page's layout), lays out left to right."""
    margins = layout.parentWidget().layout().contentsMargins()
    return width - margins.left() - margins.right() - layout.spacing() - need


def _set_side_by_side(layout: QBoxLayout, side: bool) -> None:
    direction = QBoxLayout.Direction.LeftToRight if side else QBoxLayout.Direction.TopToBottom
    if layout.direction() != direction:
        layout.setDirection(direction)


def _num(value: float | None) -> float:
    return math.nan if value is None else value


def _outcome_cells(outcome: dict[str, Any]) -> list[QTableWidgetItem]:
    """The trigger row's Next close and First cross cells."""
    crossed, day = outcome["next_day"], outcome.get("next_date")
    if crossed is None or day is None:
        next_cell = _text("-", "The data has no close after the as-of date")
    else:
        next_cell = _text(
            f"{day}: {'crossed' if crossed else 'no'}",
            f"Whether the close of {day} was at or {outcome['flips_if']} the flip price",
        )
    first = outcome["first_date"]
    if crossed is None:
        first_cell = _text("-")
    elif first is None:
        first_cell = _text("none in 20", "No close of the next 20 reached the flip price")
    else:
        n = outcome["first_day"]
        first_cell = _text(f"{first} ({_closes(n)})", f"First reached {n} closes after")
    return [next_cell, first_cell]
