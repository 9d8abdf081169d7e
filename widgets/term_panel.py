"""Term Structure: the VIX curve and VX futures on a date, and their history (being built)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class TermStructurePanel(QWidget):
    """The curve on a date and the history of VIX/VIX3M and the VX basis."""

    day_picked = Signal(str)  # ISO date the user chose

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Term Structure", self))
