"""Colours shared by the panels (one place for the VIX zone colours)."""

import html

from PySide6.QtGui import QColor

ZONE_COLORS: dict[str, QColor] = {
    "complacency": QColor("#2e9d5b"),
    "normal": QColor("#8cc63f"),
    "warning": QColor("#f2c12e"),
    "fear": QColor("#f07f22"),
    "panic": QColor("#d93a3a"),
}
EXTREME_COLOR = QColor("#8e1b1b")  # the VIX >= 40 band of the by-zone tables and charts

TEXT_MUTED = QColor("#9aa4b2")
GAUGE_TRACK = QColor("#2a2f38")
NEEDLE = QColor("#e8ecf1")
ERROR_TEXT = "#ff6b6b"


def error_html(text: object) -> str:
    """``text`` as a red message for a rich-text label, escaped (it may echo user input)."""
    return f"<span style='color:{ERROR_TEXT}'>{html.escape(str(text))}</span>"
