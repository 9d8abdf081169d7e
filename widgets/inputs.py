"""Small input helpers shared by the panels."""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QWidget


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


def set_quietly(box: QDoubleSpinBox, value: float) -> None:
    """Set a value programmatically without re-emitting valueChanged."""
    if box.value() != value:
        was = box.blockSignals(True)
        box.setValue(value)
        box.blockSignals(was)
