"""Term Structure dock: on a chosen day, the VIX indices by tenor (VIX9D, VIX, VIX3M, VIX6M)
and the VX futures settles by days to expiry on one chart, VVIX, the state and the basis to the
front month; below, the history of VIX/VIX3M, the basis and the 30-day VX with the stress
events (docs/term_structure.md). The controller (app/term_actions.py) computes, this draws."""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.events import events
from engine.labels import number
from engine.term_structure import TENOR_DAYS
from widgets import charts, palette
from widgets.inputs import DateEdit
from widgets.palette import error_html
from widgets.table_export import fill_table, install_table_menu

STATE_ZONES = {"backwardation": "panic", "contango": "complacency"}
"""The VIX zone whose text colour a state is written in (flat: the muted text colour)."""
BAND_TOP = 10.0
"""Top of the backwardation bands on the ratio chart (the ratio stays below 2): full height."""
TABLE_HEADERS = ["Point", "Days", "Value (VIX pts)", "Expiry", "As of"]
SAID_ELSEWHERE = ("not given", "not a trading day", "front month is missing")
"""Engine notes the panel shows otherwise: missing series with how to get them, the dates of
closes from an earlier day beside their values, a missing front month in the readout."""


def seconds(day: str) -> float:
    """POSIX seconds of an ISO date (the date axes' unit)."""
    return float(np.datetime64(day, "s").astype(np.float64))


def state_html(state: str | None) -> str:
    """A curve state in its colour (backwardation red, contango green, flat muted)."""
    if state is None:
        return "state unknown"
    theme = palette.current()
    colour = theme.zone(STATE_ZONES[state]) if state in STATE_ZONES else theme.muted
    return f"<b style='color:{colour}'>{state}</b>"


def _dated(curve: dict[str, Any], name: str) -> str:
    """ " (close of DATE)" when ``name``'s value is an earlier day's close."""
    used = curve["dates_used"].get(name)
    return f" (close of {used})" if used and used != curve["date"] else ""


def _index(curve: dict[str, Any], name: str) -> str:
    value = curve["vvix"] if name == "VVIX" else curve["indices"][name]
    return f"{name} {number(value, '.2f')}{_dated(curve, name)}"


def readout_html(curve: dict[str, Any]) -> str:
    """The day in two lines: the state of VIX vs VIX3M, the front VX and the basis with its
    percentile as known then; the VX front two, the 30-day VX, VVIX and the other tenors."""
    ratio = curve["ratio_vix_vix3m"]
    if curve["state"] is not None:
        head = (f"{state_html(curve['state'])}, {_index(curve, 'VIX')} vs "
                f"{_index(curve, 'VIX3M')} (ratio {ratio:.2f})")  # fmt: skip
    else:
        head = f"{_index(curve, 'VIX')}, state unknown (needs VIX and VIX3M)"
    parts = [f"<b>{curve['date']}</b>: {head}"]
    front, vx_date = curve["front_month"], curve.get("vx_date")
    settle_of = f" (settle of {vx_date})" if vx_date and vx_date != curve["date"] else ""
    if front is not None:
        text = f"front {front['contract']} {front['settle']:.2f}{settle_of}"
        basis, rank = curve["basis_front"], curve.get("basis_percentile")
        if basis is not None:
            known = "percentile not yet known: under a year of readings before"
            if rank is not None:
                known = f"{rank:.1f}th percentile as known then"
            text += f", basis {basis:+.2f} ({known})"
        parts.append(text)
    elif curve["futures"]:
        parts.append(f"no front VX on {vx_date} (a missing contract), so no basis")
    second = []
    if curve["futures"]:
        second.append(f"VX front two {state_html(curve['vx_state'])}")
        second.append(f"30-day VX {number(curve['vx30'], '.2f')}{settle_of}")
    second += [_index(curve, name) for name in ("VVIX", "VIX9D", "VIX6M")]
    return ", ".join(parts) + "<br>" + "; ".join(second)


def curve_title(curve: dict[str, Any]) -> str:
    """The chart's title: the day, spot VIX vs VIX3M's state and the VX front two's, coloured."""
    ratio = number(curve["ratio_vix_vix3m"], ".2f")
    title = f"<b>{curve['date']}</b>: VIX vs VIX3M {state_html(curve['state'])} (ratio {ratio})"
    if curve["futures"]:
        title += f"; VX front two {state_html(curve['vx_state'])}"
    return title


def incomplete_note(curve: dict[str, Any]) -> str:
    """What a curve with missing contracts lacks; empty for a complete one."""
    missing = curve.get("missing_contracts") or []
    if not missing:
        return ""
    names = ", ".join(f"{m['contract']} (expiry {m['expiry']})" for m in missing)
    return (f"VX curve incomplete on {curve['vx_date']}: {names} missing from the data; the "
            "curve is not drawn across it")  # fmt: skip


def days_to(expiry: str, start: str) -> int:
    """Calendar days from ``start`` to ``expiry`` (ISO dates)."""
    return int((np.datetime64(expiry, "D") - np.datetime64(start, "D")).astype(int))


def table_rows(curve: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """Point, days, value, expiry, date of the value: the indices by tenor, the VX contracts and
    the missing ones by expiry, VVIX last."""
    used, vx_date = curve["dates_used"], curve.get("vx_date") or curve["date"]
    rows = [
        (name, str(days), number(curve["indices"][name], ".2f"), "", used[name] or "-")
        for name, days in curve["tenor_days"].items()
    ]
    futures = [
        (f["contract"], str(f["days"]), f"{f['settle']:.4f}", f["expiry"], vx_date)
        for f in curve["futures"]
    ]
    futures += [
        (m["contract"], str(days_to(m["expiry"], vx_date)), "missing", m["expiry"], vx_date)
        for m in curve.get("missing_contracts") or []
    ]
    rows += sorted(futures, key=lambda row: row[3])
    rows.append(("VVIX", "-", number(curve["vvix"], ".2f"), "", used["VVIX"] or "-"))
    return rows


def connections(days: Sequence[float], breaks: Sequence[bool]) -> np.ndarray:
    """The connect array of a curve of ``len(days)`` points: point i joins point i + 1 unless
    ``breaks[i]`` (a missing point lies between them)."""
    out = np.zeros(len(days), dtype=np.int32)
    out[:-1] = [0 if b else 1 for b in breaks]
    return out


class TermStructurePanel(QWidget):
    """The curve on a date and the history of VIX/VIX3M and the VX basis. ``day_picked`` when
    the user chooses a day (the date field, its calendar, the day buttons, a click on the
    history); the controller answers with :meth:`show_curve`."""

    day_picked = Signal(str)  # ISO date the user chose

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("termPanel")
        self.days = np.empty(0, dtype="datetime64[D]")  # the spot VIX's trading days
        self.day: str | None = None  # the day shown
        self._theme = ""  # the theme the charts are drawn in
        self._build_inputs()
        self.readout = self._label("termReadout", "Waiting for the store's VIX series…")
        self.missing = self._label("termMissing")
        self.notes = self._label("termNotes")
        palette.set_tone(self.notes, "muted")
        charts.configure()
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("termTabs")
        self.tabs.addTab(self._build_curve_page(), "Curve")
        self.tabs.addTab(self._build_history_page(), "History")
        layout = QVBoxLayout(self)
        layout.addLayout(self.input_row)
        layout.addWidget(self.date_error)
        layout.addWidget(self.readout)
        layout.addWidget(self.missing)
        layout.addWidget(self.notes)
        layout.addWidget(self.tabs, 1)
        for first, second in itertools.pairwise(
            (self.date_edit, self.prev_button, self.next_button, self.latest_button, self.tabs)
        ):
            QWidget.setTabOrder(first, second)
        self._restyle()

    # -- construction ---------------------------------------------------------------------
    def _label(self, name: str, text: str = "") -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setVisible(bool(text))
        return label

    def _build_inputs(self) -> None:
        self.date_edit = DateEdit(self)
        self.date_edit.setObjectName("termDate")
        self.date_edit.setPlaceholderText("latest")
        self.date_edit.setToolTip(
            "Day of the curve (YYYY-MM-DD, or pick it on the calendar: F4). A day the indices "
            "or VX did not trade shows each one's last close before it, dated. Empty: the "
            "spot VIX's latest close"
        )
        self.prev_button = QToolButton(self)
        self.prev_button.setText("◀ Day")
        self.next_button = QToolButton(self)
        self.next_button.setText("Day ▶")
        self.latest_button = QToolButton(self)
        self.latest_button.setText("Latest")
        for button, name, tip in (
            (self.prev_button, "termPrevDay", "Show the spot VIX's previous trading day"),
            (self.next_button, "termNextDay", "Show the spot VIX's next trading day"),
            (self.latest_button, "termLatest", "Show the spot VIX's latest close"),
        ):
            button.setObjectName(name)
            button.setToolTip(tip)
        self.date_edit.editingFinished.connect(self._typed)
        self.prev_button.clicked.connect(lambda: self.step_day(-1))
        self.next_button.clicked.connect(lambda: self.step_day(1))
        self.latest_button.clicked.connect(self._latest)
        self.date_error = self._label("termDateError")
        self.input_row = QHBoxLayout()
        day_label = QLabel("&Day", self)
        day_label.setBuddy(self.date_edit)
        self.input_row.addWidget(day_label)
        self.input_row.addWidget(self.date_edit)
        for button in (self.prev_button, self.next_button, self.latest_button):
            self.input_row.addWidget(button)
        self.input_row.addStretch(1)

    def _build_curve_page(self) -> QWidget:
        page = QWidget(self)
        self.curve_title = QLabel("No curve yet", page)
        self.curve_title.setObjectName("termCurveTitle")
        self.curve_title.setWordWrap(True)
        self.curve_plot = pg.PlotWidget(page)
        self.curve_plot.setObjectName("termCurvePlot")
        self.curve_plot.setMinimumSize(220, 180)
        item = self.curve_plot.getPlotItem()
        item.setLabel("bottom", "tenor / days to expiry", units="calendar days")
        item.setLabel("left", "level", units="VIX pts")
        item.showGrid(x=True, y=True, alpha=0.15)
        self.index_curve = item.plot()
        self.vx_curve = item.plot()
        self.key = pg.LegendItem(offset=(6, 4), brush=pg.mkBrush(128, 128, 128, 60))
        self.key.setLabelTextSize("8pt")
        self.key.setParentItem(item.vb)  # over the plot: it takes no room from it
        self.key.addItem(self.index_curve, "VIX indices (9, 30, 93, 183 days)")
        self.key.addItem(self.vx_curve, "VX futures settles")
        self.missing_lines: list[pg.InfiniteLine] = []
        self.table = QTableWidget(0, len(TABLE_HEADERS), page)
        self.table.setObjectName("termTable")
        self.table.setHorizontalHeaderLabels(TABLE_HEADERS)
        rows = self.table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        self.table.setToolTip("The curve's points: right-click to copy or export them")
        install_table_menu(self.table)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.curve_plot, 1)
        row.addWidget(self.table)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.curve_title)
        layout.addLayout(row, 1)
        return page

    def _build_history_page(self) -> QWidget:
        page = QWidget(self)
        self.history_title = QLabel("No history yet", page)
        self.history_title.setObjectName("termHistoryTitle")
        self.history_title.setWordWrap(True)
        self.history_view = pg.GraphicsLayoutWidget(page)
        self.history_view.setObjectName("termHistoryView")
        self.history_view.setMinimumHeight(240)
        view = self.history_view
        self.ratio_plot = view.addPlot(row=0, col=0)
        self.ratio_plot.setLabel("left", "VIX / VIX3M", units="ratio")
        self.basis_plot = view.addPlot(row=1, col=0)
        self.basis_plot.setLabel("left", "spot − front VX", units="VIX pts")
        self.vx30_plot = view.addPlot(row=2, col=0, axisItems={"bottom": pg.DateAxisItem()})
        self.vx30_plot.setLabel("left", "30-day VX", units="VIX pts")
        self.history_plots = (self.ratio_plot, self.basis_plot, self.vx30_plot)
        for plot in self.history_plots:
            plot.getAxis("left").setWidth(60)
            plot.showGrid(y=True, alpha=0.15)
        for plot in self.history_plots[:2]:
            plot.setXLink(self.vx30_plot)
            plot.hideAxis("bottom")
        self.backwardation = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[])
        self.backwardation.setZValue(-10)  # behind the curve, over the plot's full height
        self.ratio_plot.addItem(self.backwardation, ignoreBounds=True)
        self.ratio_curve = charts.fast_curve(self.ratio_plot, palette.current().series[0])
        self.basis_curve = charts.fast_curve(self.basis_plot, palette.current().series[1])
        self.vx30_curve = charts.fast_curve(self.vx30_plot, palette.current().series[2])
        self.parity_line = pg.InfiniteLine(pos=1.0, angle=0)
        self.ratio_plot.addItem(self.parity_line, ignoreBounds=True)
        self.percentile_lines = {  # the 95th's name above its line, the 5th's below
            q: pg.InfiniteLine(angle=0, label="", labelOpts={"position": 0.01, "anchors": [a, a]})
            for q, a in (("p5", (0, 0)), ("p95", (0, 1)))
        }
        for line in self.percentile_lines.values():
            line.hide()
            self.basis_plot.addItem(line, ignoreBounds=True)
        self.day_lines = [pg.InfiniteLine(angle=90) for _ in self.history_plots]
        self.event_lines: list[pg.InfiniteLine] = []
        for plot, line in zip(self.history_plots, self.day_lines, strict=True):
            line.hide()
            plot.addItem(line, ignoreBounds=True)
            for event in events().values():
                marker = pg.InfiniteLine(pos=seconds(f"{event.peak:%Y-%m-%d}"), angle=90)
                marker.setToolTip(
                    f"{event.title}: peak {event.peak:%Y-%m-%d}, window "
                    f"{event.start:%Y-%m-%d} .. {event.end:%Y-%m-%d}"
                )
                plot.addItem(marker, ignoreBounds=True)
                self.event_lines.append(marker)
        view.scene().sigMouseClicked.connect(self._history_clicked)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.history_title)
        layout.addWidget(self.history_view, 1)
        return page

    # -- theme ----------------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._restyle()

    def _restyle(self) -> None:
        """Every pen and brush of the charts in the current theme (symbols and fills too,
        which charts.apply_theme does not move)."""
        theme = palette.current()
        if theme.name == self._theme:
            return
        self._theme = theme.name
        for curve, colour, symbol in (
            (self.index_curve, theme.series[0], "o"),
            (self.vx_curve, theme.series[1], "s"),
        ):
            curve.setPen(pg.mkPen(colour, width=2))
            curve.setSymbol(symbol)
            curve.setSymbolSize(8)
            curve.setSymbolBrush(pg.mkBrush(colour))
            curve.setSymbolPen(pg.mkPen(colour))
        for curve, colour in (
            (self.ratio_curve, theme.series[0]),
            (self.basis_curve, theme.series[1]),
            (self.vx30_curve, theme.series[2]),
        ):
            curve.setPen(pg.mkPen(colour))
        fill = pg.mkColor(theme.zone("panic"))
        fill.setAlpha(70)
        edge = pg.mkPen(fill)  # a cosmetic pen: a one-day band stays a pixel wide when zoomed out
        self.backwardation.setOpts(brush=pg.mkBrush(fill), pen=edge)
        dashed = pg.mkPen(theme.benchmark, style=Qt.PenStyle.DashLine)
        self.parity_line.setPen(dashed)
        for line in self.percentile_lines.values():
            line.setPen(dashed)
            line.label.setColor(theme.chart_fg)
            line.label.fill = self._backdrop()
        for line in self.day_lines:
            line.setPen(pg.mkPen(theme.marker, width=2))
        for line in self.event_lines:
            line.setPen(pg.mkPen(theme.series[4], style=Qt.PenStyle.DotLine))
        for line in self.missing_lines:
            self._style_missing(line)

    def _style_missing(self, line: pg.InfiniteLine) -> None:
        theme = palette.current()
        line.setPen(pg.mkPen(theme.error, style=Qt.PenStyle.DashLine))
        line.label.setColor(theme.error)
        line.label.fill = self._backdrop()

    @staticmethod
    def _backdrop() -> QBrush:
        """A label's fill: the chart's background, nearly opaque, so it reads over curves."""
        colour = pg.mkColor(palette.current().chart_bg)
        colour.setAlpha(210)
        return pg.mkBrush(colour)

    # -- days -----------------------------------------------------------------------------
    def set_days(self, days: Sequence[str]) -> None:
        """The spot VIX's trading days (ISO, ascending): the day buttons step through them and
        the calendar offers their span."""
        self.days = np.asarray(days, dtype="datetime64[D]")
        if len(days):
            self.date_edit.set_range(days[0], days[-1])

    def latest_day(self) -> str | None:
        return str(self.days[-1]) if len(self.days) else None

    def step_day(self, step: int) -> None:
        """Pick the trading day ``step`` days before (negative) or after the day shown."""
        if not len(self.days):
            return
        shown = np.datetime64(self.day or self.days[-1], "D")
        if step < 0:
            at = int(np.searchsorted(self.days, shown, side="left")) + step
        else:
            at = int(np.searchsorted(self.days, shown, side="right")) + step - 1
        self._pick(str(self.days[int(np.clip(at, 0, len(self.days) - 1))]))

    def _latest(self) -> None:
        latest = self.latest_day()
        if latest is not None:
            self._pick(latest)

    def _typed(self) -> None:
        text = self.date_edit.text().strip()
        if not text:
            self.date_error.hide()
            if self.day != self.latest_day():
                self._latest()
            return
        try:
            day = str(np.datetime64(text, "D"))
        except ValueError:
            day = ""
        if len(text) != 10 or day != text:
            self.date_error.setText(error_html(f"{text!r} is not a date: type YYYY-MM-DD"))
            self.date_error.show()
            return
        self.date_error.hide()
        if day != self.day:
            self._pick(day)

    def _pick(self, day: str) -> None:
        self.set_day(day)
        self.day_picked.emit(day)

    def set_day(self, day: str) -> None:
        """Show ``day`` in the date field and as the history's day line (no day_picked)."""
        self.day = day
        self.date_edit.setText(day)
        self.date_error.hide()
        x = seconds(day)
        for line in self.day_lines:
            line.setPos(x)
            line.show()

    def _history_clicked(self, event: Any) -> None:
        """A left click on a history chart picks the trading day nearest to it."""
        if event.button() != Qt.MouseButton.LeftButton or not len(self.days):
            return
        for plot in self.history_plots:
            if plot.vb.sceneBoundingRect().contains(event.scenePos()):
                x = plot.vb.mapSceneToView(event.scenePos()).x()
                stamps = self.days.astype("datetime64[s]").astype(np.float64)
                at = int(np.clip(np.searchsorted(stamps, x), 1, len(stamps) - 1))
                at -= int(x - stamps[at - 1] < stamps[at] - x)
                self._pick(str(self.days[at]))
                return

    # -- the curve ------------------------------------------------------------------------
    def show_curve(self, curve: dict[str, Any]) -> None:
        """A curve of engine.term_structure.curve_on with its ``basis_percentile``."""
        self.readout.setText(readout_html(curve))
        self.readout.show()
        self.curve_title.setText(curve_title(curve))
        notes = [n for n in curve["notes"] if not any(s in n for s in SAID_ELSEWHERE)]
        incomplete = incomplete_note(curve)
        lines = [html.escape(n) for n in notes if not n.startswith("VX: curve incomplete")]
        lines = ([error_html(incomplete)] if incomplete else []) + lines
        self.notes.setText("<br>".join(lines))
        self.notes.setVisible(bool(lines))
        self._draw_indices(curve)
        self._draw_futures(curve)
        fill_table(self.table, table_rows(curve))
        for r in range(self.table.rowCount()):
            for c in (1, 2):
                self.table.item(r, c).setTextAlignment(
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
        self._fit_table_width()
        backwardation = curve["state"] == "backwardation"
        self.key.setOffset((-6, 4) if backwardation else (6, 4))  # the emptier top corner
        self.curve_plot.getPlotItem().enableAutoRange()

    def _fit_table_width(self) -> None:
        """The table as wide as its columns' text (never cut): the chart takes the rest."""
        table, header = self.table, self.table.horizontalHeader()
        columns = sum(
            max(table.sizeHintForColumn(c), header.sectionSizeHint(c))
            for c in range(table.columnCount())
        )
        scrollbar = table.verticalScrollBar().sizeHint().width()
        table.setFixedWidth(columns + 2 * table.frameWidth() + scrollbar)

    def _draw_indices(self, curve: dict[str, Any]) -> None:
        """The indices by tenor, a line only between neighbouring tenors that both closed."""
        points = [
            (i, float(days), curve["indices"][name])
            for i, (name, days) in enumerate(TENOR_DAYS.items())
            if curve["indices"][name] is not None
        ]
        days = [d for _i, d, _v in points]
        gaps = [b[0] - a[0] > 1 for a, b in itertools.pairwise(points)]
        self.index_curve.setData(days, [v for *_, v in points], connect=connections(days, gaps))

    def _draw_futures(self, curve: dict[str, Any]) -> None:
        """The VX settles by days to expiry, broken where a missing contract expires between
        two listed ones; a dashed line names each missing contract at its days to expiry."""
        futures = curve["futures"]
        expiries = [f["expiry"] for f in futures]
        missing = curve.get("missing_contracts") or []
        gaps = [
            any(lo < m["expiry"] < hi for m in missing) for lo, hi in itertools.pairwise(expiries)
        ]
        days = [float(f["days"]) for f in futures]
        settles = [f["settle"] for f in futures]
        self.vx_curve.setData(days, settles, connect=connections(days, gaps))
        plot = self.curve_plot.getPlotItem()
        for line in self.missing_lines:
            plot.removeItem(line)
        self.missing_lines = []
        start = curve.get("vx_date") or curve["date"]
        for m in missing:
            line = pg.InfiniteLine(
                pos=float(days_to(m["expiry"], start)), angle=90, label=f"{m['contract']} missing",
                labelOpts={"position": 0.04, "anchors": [(0, 1), (0, 1)]},
            )  # fmt: skip
            line.setToolTip(f"{m['contract']} (expiry {m['expiry']}) is not in the data")
            self._style_missing(line)
            plot.addItem(line)
            self.missing_lines.append(line)

    def show_missing(self, lines: Sequence[str]) -> None:
        """Which series the store lacks and how to import or fetch them (empty: none)."""
        self.missing.setText("<br>".join(error_html(line) for line in lines))
        self.missing.setVisible(bool(lines))

    def show_error(self, message: str) -> None:
        """Nothing can be shown (no spot VIX, a day before its first close): the reason."""
        self.readout.setText(error_html(message))
        self.readout.show()
        self.notes.hide()
        self.curve_title.setText("No curve")
        self.index_curve.setData([], [])
        self.vx_curve.setData([], [])
        for line in self.missing_lines:
            self.curve_plot.getPlotItem().removeItem(line)
        self.missing_lines = []
        fill_table(self.table, [])

    # -- the history ----------------------------------------------------------------------
    def show_history(self, history: dict[str, Any] | None, reason: str = "") -> None:
        """The history arrays (seconds, ratio, basis, vx30, the runs of backwardation days as
        backwardation_from/_to, percentiles p5/p95, text) or, when None, why there is none."""
        if history is None:
            for curve in (self.ratio_curve, self.basis_curve, self.vx30_curve):
                curve.setData([], [])
            self.backwardation.setOpts(x0=[], x1=[], y0=[], y1=[])
            for line in self.percentile_lines.values():
                line.hide()
            self.history_title.setText(error_html(reason) if reason else "No history")
            return
        x = np.asarray(history["seconds"], dtype=float)
        ratio = np.asarray(history["ratio"], dtype=float)
        self.ratio_curve.setData(*charts.finite(x, ratio))
        x0, x1 = (
            np.asarray(history[k], dtype=float) for k in ("backwardation_from", "backwardation_to")
        )
        bands = np.full(len(x0), BAND_TOP)
        self.backwardation.setOpts(x0=x0, x1=x1, y0=np.zeros(len(x0)), y1=bands)
        self.basis_curve.setData(*charts.finite(x, np.asarray(history["basis"], dtype=float)))
        self.vx30_curve.setData(*charts.finite(x, np.asarray(history["vx30"], dtype=float)))
        for key, line in self.percentile_lines.items():
            value = history["percentiles"].get(key)
            line.setVisible(value is not None)
            if value is not None:
                line.setPos(value)
                line.label.setText(f"{key[1:]}th percentile {value:+.2f}")
        self.history_title.setText(history["text"])
        if len(x):
            self.vx30_plot.setXRange(x[0], x[-1], padding=0.01)
