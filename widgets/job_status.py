"""Status-bar job indicator: text, progress bar and a cancel button for the running job."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget


class JobStatus(QWidget):
    """Shows the progress of one job; hidden while nothing runs."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobStatus")
        self.label = QLabel(self)
        self.label.setObjectName("jobText")
        self.bar = QProgressBar(self)
        self.bar.setObjectName("jobProgress")
        self.bar.setRange(0, 1000)
        self.bar.setFixedWidth(180)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("jobCancel")
        self.cancel_button.clicked.connect(self.cancel_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.setVisible(False)

    def begin(self, name: str) -> None:
        self.label.setText(name)
        self.bar.setValue(0)
        self.bar.setFormat("%p%")
        self.cancel_button.setEnabled(True)
        self.setVisible(True)

    def set_progress(self, percent: float, text: str) -> None:
        self.bar.setValue(round(max(0.0, min(percent, 100.0)) * 10))
        self.bar.setFormat(f"{percent:.0f}%")
        if text:
            self.label.setText(text)

    def cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText(f"{self.label.text()} (cancelling…)")

    def end(self) -> None:
        self.setVisible(False)
