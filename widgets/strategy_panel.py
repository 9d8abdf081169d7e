"""Strategy dock: preset picker, a parameter form generated from the declarations in
resources/presets/parameters.toml, a universe picker, Run / Cancel, workspace files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.equity_index import pick_bond_leg, pick_equity_index
from engine.presets import DEFAULT_PRESET, ParamSpec, parameter_specs, presets, resolve
from engine.workspace import Workspace, load_workspace, save_workspace
from widgets.palette import ERROR_TEXT

WORKSPACE_FILTER = "CTA Desk workspace (*.ctadesk.json *.json)"

UNIVERSE_SYMBOL_PARAMS: dict[str, tuple[Callable[[list[str]], str | None], str]] = {
    "equity_index": (pick_equity_index, "like the S&P 500"),
    "bond_leg": (pick_bond_leg, "a 10-year bond future"),
}
"""Text parameters that name one of the ticked instruments: editable combos offering them
(empty = the engine's automatic pick)."""


def _text(value: Any) -> str:
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return ",".join(f"{a}/{b}" for a, b in value)
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


class ParamField:
    """One generated input: reads/writes text values and validates with the declaration."""

    def __init__(self, spec: ParamSpec, parent: QWidget) -> None:
        self.spec = spec
        if spec.type == "int":
            box = QSpinBox(parent)
            box.setRange(
                int(spec.min if spec.min is not None else -(10**9)), int(spec.max or 10**9)
            )
            self.widget: QWidget = box
        elif spec.type == "float":
            box = QDoubleSpinBox(parent)
            box.setDecimals(4)
            box.setRange(
                spec.min if spec.min is not None else -1e12,
                spec.max if spec.max is not None else 1e12,
            )
            box.setSingleStep(0.01 if (spec.max or 1) <= 2 else 1.0)
            self.widget = box
        elif spec.type == "choice":
            combo = QComboBox(parent)
            combo.addItems(list(spec.choices))
            self.widget = combo
        elif spec.name in UNIVERSE_SYMBOL_PARAMS:
            combo = QComboBox(parent)
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
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
            return w.currentText()
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
        return None

    def offer_symbols(self, symbols: Sequence[str], automatic: str) -> None:
        """A symbol field offers ``symbols`` (and empty), keeps what is typed, and says what
        empty means (``automatic``)."""
        combo = self.widget
        assert isinstance(combo, QComboBox) and combo.isEditable()
        text = combo.currentText()
        combo.blockSignals(True)
        combo.clear()
        combo.addItems(["", *symbols])
        combo.setEditText(text)
        combo.blockSignals(False)
        combo.lineEdit().setPlaceholderText(automatic)


class StrategyPanel(QWidget):
    """Emits ``run_requested(preset, params, symbols)`` with validated parameter values."""

    run_requested = Signal(str, dict, list)
    cancel_requested = Signal()
    rule_changed = Signal(str, str)  # preset, signal (the trading rule in the form)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("strategyPanel")
        self.preset_box = QComboBox(self)
        self.preset_box.setObjectName("presetBox")
        for name, preset in presets().items():
            self.preset_box.addItem(f"{preset.title} ({name})", name)
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self.description.setObjectName("presetDescription")
        self.start_edit, self.end_edit = QLineEdit(self), QLineEdit(self)
        for edit, name, hint in (
            (self.start_edit, "periodStart", "first day"),
            (self.end_edit, "periodEnd", "last day"),
        ):
            edit.setObjectName(name)
            edit.setPlaceholderText(f"{hint} (YYYY-MM-DD)")
            edit.setToolTip(
                "Metrics cover start..end; the history before the start is warm-up only and "
                "data after the end is never used. Empty: all the data."
            )

        self.fields: dict[str, ParamField] = {}
        params_box = QGroupBox("Parameters", self)
        form = QFormLayout(params_box)
        for name, spec in parameter_specs().items():
            field = ParamField(spec, params_box)
            self.fields[name] = field
            label = QLabel(name.replace("_", " "), params_box)
            label.setToolTip(spec.help)
            form.addRow(label, field.widget)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("paramErrors")
        self.error_label.setStyleSheet(f"color: {ERROR_TEXT};")
        self.error_label.setWordWrap(True)

        universe_box = QGroupBox("Universe", self)
        self.universe = QListWidget(universe_box)
        self.universe.setObjectName("universeList")
        self.universe.setMaximumHeight(160)
        self.universe.itemChanged.connect(self._offer_symbols)
        QVBoxLayout(universe_box).addWidget(self.universe)

        self.run_button = QPushButton("Run backtest", self)
        self.run_button.setObjectName("runButton")
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setEnabled(False)
        self.save_button = QPushButton("Save…", self)
        self.load_button = QPushButton("Load…", self)
        buttons = QHBoxLayout()
        for b in (self.run_button, self.cancel_button, self.save_button, self.load_button):
            buttons.addWidget(b)

        layout = QVBoxLayout(self)
        top = QFormLayout()
        top.addRow("Preset", self.preset_box)
        period = QHBoxLayout()
        period.addWidget(self.start_edit)
        period.addWidget(QLabel("to", self))
        period.addWidget(self.end_edit)
        top.addRow("Period", period)
        layout.addLayout(top)
        layout.addWidget(self.description)
        layout.addLayout(buttons)
        layout.addWidget(self.error_label)
        layout.addWidget(universe_box)
        layout.addWidget(params_box)
        layout.addStretch(1)

        self.preset_box.currentIndexChanged.connect(self._on_preset)
        signal_box = self.fields["signal"].widget
        assert isinstance(signal_box, QComboBox)
        signal_box.currentTextChanged.connect(
            lambda rule: self.rule_changed.emit(self.preset, rule)
        )
        self.run_button.clicked.connect(self._on_run)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.save_button.clicked.connect(self._save_dialog)
        self.load_button.clicked.connect(self._load_dialog)
        self.select_preset(DEFAULT_PRESET)

    # -- preset and values ----------------------------------------------------------------
    def select_preset(self, name: str) -> None:
        index = self.preset_box.findData(name)
        if index < 0:
            raise ValueError(f"unknown preset {name!r}")
        self.preset_box.setCurrentIndex(index)
        self._on_preset()

    @property
    def preset(self) -> str:
        return str(self.preset_box.currentData())

    def _on_preset(self) -> None:
        self.description.setText(presets()[self.preset].description)
        for name, value in resolve(self.preset).items():
            self.fields[name].set_value(value)
        self.error_label.clear()
        self.rule_changed.emit(self.preset, self.fields["signal"].value())

    def values(self) -> dict[str, Any]:
        """Current form values as text/numbers (validated by the engine on use)."""
        return {name: field.value() for name, field in self.fields.items()}

    def set_values(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if name in self.fields:
                self.fields[name].set_value(value)

    def period(self) -> dict[str, str | None]:
        """The metrics window as ISO dates (None = open); raises ValueError on a bad date."""
        out: dict[str, str | None] = {}
        for key, edit in (("start", self.start_edit), ("end", self.end_edit)):
            text = edit.text().strip()
            try:
                out[key] = dt.date.fromisoformat(text).isoformat() if text else None
            except ValueError:
                raise ValueError(f"{key}: {text!r} is not a date YYYY-MM-DD") from None
        if out["start"] and out["end"] and out["start"] >= out["end"]:
            raise ValueError(f"start {out['start']} is not before end {out['end']}")
        return out

    def errors(self) -> list[str]:
        problems = [e for e in (f.error() for f in self.fields.values()) if e]
        try:
            self.period()
        except ValueError as exc:
            problems.append(f"period: {exc}")
        return problems

    # -- universe ---------------------------------------------------------------------------
    def set_universe(self, rows: Sequence[dict[str, Any]]) -> None:
        """Offer the stored series; keep earlier ticks, else tick the futures."""
        ticked = set(self.symbols())
        self.universe.clear()
        for row in rows:
            item = QListWidgetItem(f"{row['symbol']}  ({row['kind']}, {row['source']})")
            item.setData(Qt.ItemDataRole.UserRole, row["symbol"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = row["symbol"] in ticked if ticked else row["kind"] == "future"
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.universe.addItem(item)
        self._offer_symbols()

    def symbols(self) -> list[str]:
        return [
            self.universe.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.universe.count())
            if self.universe.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_symbols(self, symbols: Sequence[str]) -> None:
        wanted = set(symbols)
        for i in range(self.universe.count()):
            item = self.universe.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _offer_symbols(self) -> None:
        """The symbol fields offer the ticked instruments; empty is the automatic pick."""
        symbols = self.symbols()
        for name, (pick, none) in UNIVERSE_SYMBOL_PARAMS.items():
            found = pick(symbols)
            automatic = f"auto: {found}" if found else f"auto: none of the ticked is {none}"
            self.fields[name].offer_symbols(symbols, automatic)

    # -- run ------------------------------------------------------------------------------
    def _on_run(self) -> None:
        problems = self.errors()
        if not self.symbols():
            problems.append("tick at least one instrument in the universe")
        if problems:
            self.error_label.setText("\n".join(problems))
            return
        self.error_label.clear()
        self.run_requested.emit(self.preset, self.values(), self.symbols())

    def set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    # -- workspace files --------------------------------------------------------------------
    def workspace(self) -> Workspace:
        return Workspace(self.preset, self.values(), self.symbols(), self.period())

    def apply_workspace(self, workspace: Workspace) -> None:
        self.select_preset(workspace.preset)
        self.set_values(workspace.params)
        self.set_symbols(workspace.symbols)
        self.start_edit.setText(workspace.period["start"] or "")
        self.end_edit.setText(workspace.period["end"] or "")

    def save_workspace(self, path: Path) -> None:
        save_workspace(Path(path), self.workspace())

    def load_workspace(self, path: Path) -> None:
        """Apply a workspace file; a bad file raises ValueError and changes nothing."""
        self.apply_workspace(load_workspace(Path(path)))

    def _save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save workspace", "workspace.ctadesk.json", WORKSPACE_FILTER
        )
        if path:
            try:
                self.save_workspace(Path(path))
            except OSError as exc:
                self.error_label.setText(f"Could not save {path}: {exc.strerror or exc}")
            except ValueError as exc:  # a period that is not a date
                self.error_label.setText(f"Could not save {path}: period: {exc}")

    def _load_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load workspace", "", WORKSPACE_FILTER)
        if path:
            try:
                self.load_workspace(Path(path))
            except ValueError as exc:
                self.error_label.setText(str(exc))
