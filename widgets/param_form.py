"""The Strategy dock's parameter form, generated from the declarations in engine.presets: the
parameters the preset and rule use up front, the others under a collapsible Advanced section."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.equity_index import pick_bond_leg, pick_equity_index
from engine.presets import ParamSpec, parameter_specs
from widgets.inputs import TrimmedDoubleSpinBox

AUTO_PICKS: dict[str, tuple[Callable[[list[str]], str | None], str]] = {
    "equity_index": (pick_equity_index, "like the S&P 500"),
    "bond_leg": (pick_bond_leg, "a 10-year bond future"),
}
"""Symbol parameters whose empty value is the engine's automatic pick among the ticked
instruments (and what that pick looks for)."""


def _text(value: Any) -> str:
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return ",".join(f"{a}/{b}" for a, b in value)
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


SUFFIXED_UNITS = ("days", "months", "bp")
"""Units short enough to show in the field itself; the others are in its tooltip."""


def _suffix(unit: str) -> str:
    return f" {unit}" if unit in SUFFIXED_UNITS else ""


class ParamField:
    """One generated input: reads/writes text values and validates with the declaration; a
    symbol parameter is an editable combo that accepts only the symbols it offers (or empty)."""

    def __init__(self, spec: ParamSpec, parent: QWidget) -> None:
        self.spec = spec
        self.offered: tuple[str, ...] = ()
        if spec.type == "int":
            box = QSpinBox(parent)
            box.setRange(
                int(spec.min if spec.min is not None else -(10**9)), int(spec.max or 10**9)
            )
            box.setSuffix(_suffix(spec.unit))
            self.widget: QWidget = box
        elif spec.type == "float":
            box = TrimmedDoubleSpinBox(parent)
            box.setDecimals(4)
            box.setRange(
                spec.min if spec.min is not None else -1e12,
                spec.max if spec.max is not None else 1e12,
            )
            box.setSingleStep(0.01 if (spec.max or 1) <= 2 else 1.0)
            box.setSuffix(_suffix(spec.unit))
            self.widget = box
        elif spec.type == "choice":
            combo = QComboBox(parent)
            combo.addItems(list(spec.choices))
            self.widget = combo
        elif spec.symbols:
            combo = QComboBox(parent)
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)
            self.widget = combo
        else:
            self.widget = QLineEdit(parent)
        self.widget.setObjectName(f"param_{spec.name}")
        self.widget.setToolTip(spec.help)

    def value(self) -> Any:
        w = self.widget
        if isinstance(w, QSpinBox | QDoubleSpinBox):
            return w.value()
        if isinstance(w, QComboBox):
            return w.currentText().strip() if w.isEditable() else w.currentText()
        assert isinstance(w, QLineEdit)
        return w.text()

    def set_value(self, value: Any) -> None:
        w = self.widget
        if isinstance(w, QSpinBox):
            w.setValue(int(value))
        elif isinstance(w, QDoubleSpinBox):
            w.setValue(float(value))
        elif isinstance(w, QComboBox):
            w.setCurrentText(str(value))
        else:
            assert isinstance(w, QLineEdit)
            w.setText(_text(value))

    def error(self) -> str | None:
        try:
            self.spec.parse(self.value())
        except ValueError as exc:
            return str(exc)
        text = self.value() if self.spec.symbols else ""
        if text and text not in self.offered:
            where = "ticked instruments" if self.spec.symbols == "ticked" else "stored series"
            return f"{self.spec.name}: {text!r} is not one of the {where}"
        return None

    def offer_symbols(self, symbols: Sequence[str], empty: str) -> None:
        """Offer ``symbols`` (and empty), keep what is typed, and say what empty means."""
        combo = self.widget
        assert isinstance(combo, QComboBox) and combo.isEditable()
        self.offered = tuple(symbols)
        text = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(["", *symbols])
        combo.setEditText(text)
        combo.blockSignals(False)
        combo.lineEdit().setPlaceholderText(empty)


class ParamForm(QGroupBox):
    """Every declared parameter as a ParamField: ``show_used`` puts the named ones in the main
    form and the rest, in declaration order, in the Advanced section (collapsed by default)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Parameters", parent)
        self.setObjectName("paramForm")
        self.main = QFormLayout()
        self.advanced = QWidget(self)
        self.advanced.setObjectName("advancedParams")
        self.advanced_form = QFormLayout(self.advanced)
        self.advanced_form.setContentsMargins(0, 0, 0, 0)
        self.advanced.setVisible(False)
        self.toggle = QToolButton(self)
        self.toggle.setObjectName("advancedToggle")
        self.toggle.setCheckable(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolTip(
            "Show the parameters this preset and rule leave at their defaults or do not use; "
            "their values are still saved in workspaces and passed to runs"
        )
        self.toggle.toggled.connect(self._expand)
        for form in (self.main, self.advanced_form):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout = QVBoxLayout(self)
        layout.addLayout(self.main)
        layout.addWidget(self.toggle)
        layout.addWidget(self.advanced)

        self.fields: dict[str, ParamField] = {}
        self.labels: dict[str, QLabel] = {}
        for name, spec in parameter_specs().items():
            self.fields[name] = ParamField(spec, self)
            label = QLabel(name.replace("_", " "), self)
            label.setToolTip(spec.help)
            label.setBuddy(self.fields[name].widget)
            self.labels[name] = label
        self.used: tuple[str, ...] = ()
        self.show_used(tuple(self.fields))

    def show_used(self, names: Sequence[str]) -> None:
        """The named parameters up front, the others under Advanced (both in declaration order)."""
        if tuple(names) == self.used:
            return
        self.used = tuple(n for n in self.fields if n in names)
        for field in self.fields.values():
            for form in (self.main, self.advanced_form):
                if form.indexOf(field.widget) >= 0:
                    form.takeRow(field.widget)
        for name, field in self.fields.items():
            form = self.main if name in self.used else self.advanced_form
            form.addRow(self.labels[name], field.widget)
            self.labels[name].show()
            field.widget.show()
        count = len(self.fields) - len(self.used)
        self.toggle.setText(f"Advanced: {count} more parameters")
        self.toggle.setVisible(count > 0)

    def _expand(self, on: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.advanced.setVisible(on)

    def tab_chain(self) -> list[QWidget]:
        """The inputs top to bottom: the fields in use, the toggle, the advanced fields."""
        rest = [f.widget for n, f in self.fields.items() if n not in self.used]
        return [*(self.fields[n].widget for n in self.used), self.toggle, *rest]
