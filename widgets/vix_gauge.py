"""A painted VIX gauge: an arc of coloured zone bands, tick labels and a needle."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.vix import DEFAULT_ZONES, ZoneThresholds, vix_zone
from widgets import palette
from widgets.palette import ZONE_COLORS

START_DEG = 210.0
SPAN_DEG = 240.0


class VixGauge(QWidget):
    """Shows one VIX reading on a 0..scale_max arc (readings above the scale peg the needle),
    with the date of the close it is, when it is one."""

    def __init__(self, parent: QWidget | None = None, scale_max: float = 50.0) -> None:
        super().__init__(parent)
        self.setObjectName("vixGauge")
        self.setMinimumSize(180, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._value: float | None = None
        self._date: str | None = None
        self._scale_max = scale_max
        self._thresholds = DEFAULT_ZONES

    def sizeHint(self) -> QSize:
        return QSize(260, 210)

    @property
    def value(self) -> float | None:
        return self._value

    @property
    def date(self) -> str | None:
        """Date of the close shown (None for a typed reading or none)."""
        return self._date

    @property
    def zone(self) -> str | None:
        return None if self._value is None else vix_zone(self._value, self._thresholds)

    def set_value(self, value: float | None, date: str | None = None) -> None:
        """Show ``value`` (None or NaN: no reading), the close of ``date`` when given."""
        finite = value is not None and math.isfinite(value)
        self._value = float(value) if finite else None
        self._date = date if finite else None
        self.update()

    def set_thresholds(self, thresholds: ZoneThresholds) -> None:
        self._thresholds = thresholds
        self._scale_max = max(self._scale_max, thresholds.bounds[-1] * 1.5)
        self.update()

    def angle_for(self, value: float) -> float:
        """Angle in degrees (Qt convention: 0 at 3 o'clock, counter-clockwise) for a value."""
        clipped = min(max(value, 0.0), self._scale_max)
        return START_DEG - SPAN_DEG * clipped / self._scale_max

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        # vertical extent: labels above the arc (~1.35 r) down to the close's date (~1.08 r)
        radius = max(min(self.height() / 2.55, self.width() / 2.8), 20.0)
        top = (self.height() - 2.43 * radius) / 2.0
        centre = QPointF(self.width() / 2.0, top + 1.35 * radius)
        band = max(radius * 0.16, 6.0)
        arc_rect = QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius)

        self._paint_bands(painter, arc_rect, band)
        self._paint_ticks(painter, centre, radius, band)
        self._paint_needle(painter, centre, radius - band)
        self._paint_readout(painter, centre, radius)
        painter.end()

    def _paint_bands(self, painter: QPainter, rect: QRectF, band: float) -> None:
        track = QColor(palette.current().gauge_track)
        pen = QPen(track, band + 4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
        painter.setPen(pen)
        painter.drawArc(rect, -30 * 16, int(SPAN_DEG * 16))
        for zone in self._thresholds.zones():
            lo = zone.lower if zone.lower is not None else 0.0
            hi = zone.upper if zone.upper is not None else self._scale_max
            start, end = self.angle_for(hi), self.angle_for(lo)
            pen = QPen(ZONE_COLORS[zone.name], band, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            painter.drawArc(rect, int(start * 16), int((end - start) * 16))

    def _paint_ticks(self, painter: QPainter, centre: QPointF, radius: float, band: float) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, radius / 11))
        painter.setFont(font)
        painter.setPen(QPen(QColor(palette.current().muted), 1.2))
        marks = (0.0, *self._thresholds.bounds, self._scale_max)
        for mark in marks:
            rad = math.radians(self.angle_for(mark))
            outer = radius + band / 2 + 2
            inner = radius - band / 2 - 2
            painter.drawLine(
                QPointF(centre.x() + inner * math.cos(rad), centre.y() - inner * math.sin(rad)),
                QPointF(centre.x() + outer * math.cos(rad), centre.y() - outer * math.sin(rad)),
            )
            label_r = radius + band / 2 + font.pointSizeF() * 1.4
            pos = QPointF(
                centre.x() + label_r * math.cos(rad), centre.y() - label_r * math.sin(rad)
            )
            text = f"{mark:g}"
            box = QRectF(pos.x() - 20, pos.y() - 9, 40, 18)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_needle(self, painter: QPainter, centre: QPointF, length: float) -> None:
        if self._value is None:
            return
        rad = math.radians(self.angle_for(self._value))
        tip = QPointF(centre.x() + length * math.cos(rad), centre.y() - length * math.sin(rad))
        half = max(length * 0.05, 3.0)
        normal = (math.sin(rad) * half, math.cos(rad) * half)
        base_a = QPointF(centre.x() + normal[0], centre.y() + normal[1])
        base_b = QPointF(centre.x() - normal[0], centre.y() - normal[1])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(palette.current().needle))
        painter.drawPolygon(QPolygonF([base_a, tip, base_b]))
        painter.drawEllipse(centre, half * 1.6, half * 1.6)

    def _paint_readout(self, painter: QPainter, centre: QPointF, radius: float) -> None:
        big = QFont(self.font())
        big.setPointSizeF(max(10.0, radius / 4.2))
        big.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(8.0, radius / 8.5))
        value_box = QRectF(
            centre.x() - radius, centre.y() + radius * 0.12, 2 * radius, radius * 0.4
        )
        zone_box = QRectF(centre.x() - radius, centre.y() + radius * 0.50, 2 * radius, radius * 0.3)
        date_box = QRectF(centre.x() - radius, centre.y() + radius * 0.78, 2 * radius, radius * 0.3)
        theme = palette.current()
        if self._value is None:
            painter.setPen(QColor(theme.muted))
            painter.setFont(small)
            painter.drawText(value_box, Qt.AlignmentFlag.AlignCenter, "no reading")
            return
        zone = vix_zone(self._value, self._thresholds)
        painter.setPen(QColor(theme.needle))
        painter.setFont(big)
        painter.drawText(value_box, Qt.AlignmentFlag.AlignCenter, f"{self._value:.2f}")
        painter.setFont(small)
        painter.setPen(QColor(theme.zone(zone)))
        label = zone.upper()
        if self._value > self._scale_max:
            label += "  ▲ above scale"
        painter.drawText(zone_box, Qt.AlignmentFlag.AlignCenter, label)
        if self._date is not None:
            painter.setPen(QColor(theme.muted))
            painter.drawText(date_box, Qt.AlignmentFlag.AlignCenter, f"close of {self._date}")
