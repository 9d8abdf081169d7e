"""Placeholder shown in a dock whose panel is not built yet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class PlaceholderPanel(QWidget):
    """Says plainly that the panel is not available yet and what it will hold."""

    def __init__(self, title: str, description: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placeholderPanel")
        label = QLabel(
            f"<h3>{title}</h3><p><i>Not available yet.</i></p><p>{description}</p>", self
        )
        label.setObjectName("placeholderText")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        label.setStyleSheet("color: #9aa4b2;")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addStretch(1)
