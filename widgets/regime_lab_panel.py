"""Regime Lab: the research note's claims tested on the user's data (being built)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class RegimeLabPanel(QWidget):
    """Regime matrix, spike speed, dispersion and allocation study."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Regime Lab", self))
