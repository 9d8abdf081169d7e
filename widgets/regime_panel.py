"""VIX Regime panel: a gauge for one reading (dated when it is a close), its zone, the VIX
history and spikes, and editable zone thresholds."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.vix import (
    DEFAULT_THRESHOLDS,
    ZONE_NAMES,
    ZONE_READINGS,
    ZoneThresholds,
    check_vix,
    rule_of_16,
    vix_zone,
)
from widgets import palette
from widgets.inputs import number_box, set_quietly
from widgets.regime_history import RegimeHistory, SpikesView
from widgets.vix_gauge import VixGauge

DEFAULT_VIX = 20.60  # the research report's "now" reading


class RegimePanel(QWidget):
    """Type a VIX reading (or receive one from data) and see its zone."""

    vix_changed = Signal(float)
    thresholds_changed = Signal(object)  # ZoneThresholds

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thresholds = ZoneThresholds()
        self.vix_box = number_box(0.0, 200.0, DEFAULT_VIX, name="regimeVix", parent=self)
        self.vix_box.setToolTip(
            "VIX reading to classify, in index points (annualised % vol); follows the latest "
            "stored VIX close until edited"
        )
        self.date: str | None = None
        self.gauge = VixGauge(self)
        self.date_label = QLabel("the research note's reading, not data", self)
        self.date_label.setObjectName("regimeDate")
        self.zone_label = QLabel(self)
        self.zone_label.setObjectName("regimeZone")
        self.zone_label.setWordWrap(True)
        self.move_label = QLabel(self)
        self.move_label.setObjectName("regimeMove")
        self.error_label = QLabel(self)
        self.error_label.setObjectName("thresholdError")
        palette.set_tone(self.error_label, "error")
        self.error_label.setWordWrap(True)
        self.table = self._build_table()
        self.threshold_boxes = [
            number_box(0.5, 199.0, b, decimals=1, step=1.0, name=f"threshold{i}", parent=self)
            for i, b in enumerate(DEFAULT_THRESHOLDS)
        ]

        form = QFormLayout()
        form.addRow("VIX reading", self.vix_box)
        form.addRow("", self.date_label)
        thresholds_box = QGroupBox("Zone thresholds", self)
        thresholds_box.setToolTip(
            "Four ascending VIX levels between the five zones; "
            "a value equal to a threshold belongs to the higher zone."
        )
        row = QHBoxLayout(thresholds_box)
        zones = [n.capitalize() for n in ZONE_NAMES]
        for i, box in enumerate(self.threshold_boxes):
            box.setToolTip(
                f"VIX level (index points) between the {zones[i]} and {zones[i + 1]} zones; a "
                "reading equal to it belongs to the higher zone"
            )
            row.addWidget(box)
            box.valueChanged.connect(self._on_thresholds_edited)

        gauge_page = QWidget(self)
        gauge_layout = QVBoxLayout(gauge_page)
        gauge_layout.setContentsMargins(0, 0, 0, 0)
        gauge_layout.addWidget(self.gauge, 1)
        gauge_layout.addWidget(self.zone_label)
        gauge_layout.addWidget(self.move_label)
        gauge_layout.addWidget(self.table)
        self.history = RegimeHistory(self)
        self.spikes = SpikesView(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(gauge_page, "Gauge")
        self.tabs.addTab(self.history, "History")
        self.tabs.addTab(self.spikes, "Spikes")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(thresholds_box)
        layout.addWidget(self.error_label)

        self.vix_box.valueChanged.connect(self._on_vix_edited)
        self._refresh()

    def hold_days(self) -> int:
        """Closes above 21 before a close at or above 25 fires the trend alert (History tab)."""
        return self.history.hold_days.value()

    def set_hold_days(self, days: int) -> None:
        """Set the History tab's hold days without re-emitting its change signal."""
        box = self.history.hold_days
        box.blockSignals(True)
        box.setValue(days)
        box.blockSignals(False)

    def show_regime(self, out: dict[str, Any]) -> None:
        """A regime job's result in the History and Spikes tabs."""
        self.history.show_history(out, self.thresholds)
        self.spikes.show_spikes(out["spikes"], out["intraday_spikes"])

    def _build_table(self) -> QTableWidget:
        table = QTableWidget(5, 3, self)
        table.setObjectName("zoneTable")
        table.setHorizontalHeaderLabels(["Zone", "VIX range", "Reading"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows = table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 6)
        height = table.horizontalHeader().sizeHint().height() + 5 * rows.defaultSectionSize()
        table.setFixedHeight(height + 2 * table.frameWidth())
        return table

    @property
    def vix(self) -> float:
        return self.vix_box.value()

    def set_vix(self, value: float, date: str | None = None) -> None:
        """Show a reading set from elsewhere, the close of ``date`` when given (no
        vix_changed echo)."""
        set_quietly(self.vix_box, check_vix(value))
        self._set_date(date)

    def set_thresholds(self, bounds: tuple[float, ...]) -> None:
        """Apply saved thresholds (through the boxes, so validation and signals run)."""
        for box, value in zip(self.threshold_boxes, bounds, strict=True):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self._on_thresholds_edited()

    def _on_vix_edited(self, value: float) -> None:
        self._set_date(None)
        self.vix_changed.emit(value)

    def _set_date(self, date: str | None) -> None:
        self.date = date
        self.date_label.setText("typed reading" if date is None else f"VIX close of {date}")
        self._refresh()

    def _on_thresholds_edited(self) -> None:
        try:
            thresholds = ZoneThresholds(tuple(box.value() for box in self.threshold_boxes))
        except ValueError as exc:
            self.error_label.setText(f"Thresholds not applied: {exc}")
            return
        self.error_label.clear()
        self.thresholds = thresholds
        self.gauge.set_thresholds(thresholds)
        self._refresh()
        self.thresholds_changed.emit(thresholds)

    def _refresh(self) -> None:
        vix = self.vix
        zone = vix_zone(vix, self.thresholds)
        self.gauge.set_value(vix, self.date)
        color = palette.current().zone(zone)
        self.zone_label.setText(
            f"<b style='color:{color}'>{zone.capitalize()}</b> — {ZONE_READINGS[zone]}"
        )
        move = rule_of_16(vix)
        self.move_label.setText(f"Implied daily move (rule of 16): ±{move.daily_move_pct:.2f}%")
        for row, spec in enumerate(self.thresholds.zones()):
            lo = "" if spec.lower is None else f"{spec.lower:g}"
            hi = "" if spec.upper is None else f"{spec.upper:g}"
            text = f"< {hi}" if not lo else (f"≥ {lo}" if not hi else f"{lo} – {hi}")
            cells = (spec.name.capitalize(), text, spec.reading)
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if spec.name == zone:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                    item.setForeground(QBrush(QColor(color)))
                if col == 0:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
