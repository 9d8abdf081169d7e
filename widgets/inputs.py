"""Small input helpers shared by the panels."""

from __future__ import annotations

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCalendarWidget, QDoubleSpinBox, QLineEdit, QStyle, QWidget


def number_box(
    minimum: float,
    maximum: float,
    value: float,
    *,
    decimals: int = 2,
    step: float = 0.5,
    suffix: str = "",
    name: str = "",
    parent: QWidget | None = None,
) -> QDoubleSpinBox:
    """A right-aligned, keyboard-friendly number field that emits on every edit."""
    box = QDoubleSpinBox(parent)
    box.setRange(minimum, maximum)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setKeyboardTracking(True)
    box.setAccelerated(True)
    if name:
        box.setObjectName(name)
    return box


class TrimmedDoubleSpinBox(QDoubleSpinBox):
    """A number field that shows 0.1 rather than 0.1000 (the decimals stay the precision)."""

    def textFromValue(self, value: float) -> str:
        text = self.locale().toString(value, "f", self.decimals())
        point = self.locale().decimalPoint()
        return text.rstrip("0").rstrip(point) if point in text else text


def set_quietly(box: QDoubleSpinBox, value: float) -> None:
    """Set a value programmatically without re-emitting valueChanged."""
    if box.value() != value:
        was = box.blockSignals(True)
        box.setValue(value)
        box.blockSignals(was)


class DateEdit(QLineEdit):
    """A date typed as YYYY-MM-DD (empty allowed, checked by its user) with a calendar popup:
    the arrow at the right, F4 or Alt+Down opens it; a picked day becomes the text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("YYYY-MM-DD")
        # the whole placeholder (or a date) beside the calendar arrow, never "YYYY-MM-…"
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("YYYY-MM-DD") + 44)
        self.first = QDate()
        self.last = QDate()
        self.calendar: QCalendarWidget | None = None
        self.popup_action = self.addAction(
            self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowDown),
            QLineEdit.ActionPosition.TrailingPosition,
        )
        self.popup_action.setToolTip("Pick the day on a calendar (F4)")
        self.popup_action.triggered.connect(self.show_calendar)

    def set_range(self, first: str | None, last: str | None) -> None:
        """Days the calendar offers (ISO dates of the stored data; None: open)."""
        self.first = QDate.fromString(first or "", Qt.DateFormat.ISODate)
        self.last = QDate.fromString(last or "", Qt.DateFormat.ISODate)

    def show_calendar(self) -> None:
        """Open the calendar at the typed day (else the last day offered) below the field."""
        if self.calendar is None:
            self.calendar = QCalendarWidget(self)
            self.calendar.setWindowFlags(Qt.WindowType.Popup)
            self.calendar.setGridVisible(True)
            self.calendar.setToolTip("Click a day to use it; Escape closes")
            self.calendar.clicked.connect(self._picked)
            self.calendar.activated.connect(self._picked)
        calendar = self.calendar
        if self.first.isValid():
            calendar.setMinimumDate(self.first)
        if self.last.isValid():
            calendar.setMaximumDate(self.last)
        typed = QDate.fromString(self.text().strip(), Qt.DateFormat.ISODate)
        if not typed.isValid():
            typed = self.last if self.last.isValid() else QDate.currentDate()
        calendar.setSelectedDate(typed)
        calendar.adjustSize()
        calendar.move(self.mapToGlobal(QPoint(0, self.height())))
        calendar.show()
        calendar.setFocus()

    def _picked(self, day: QDate) -> None:
        self.setText(day.toString(Qt.DateFormat.ISODate))
        assert self.calendar is not None
        self.calendar.hide()
        self.setFocus()
        self.editingFinished.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        alt_down = event.key() == Qt.Key.Key_Down and (
            event.modifiers() & Qt.KeyboardModifier.AltModifier
        )
        if event.key() == Qt.Key.Key_F4 or alt_down:
            self.show_calendar()
            return
        super().keyPressEvent(event)
