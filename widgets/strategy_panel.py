"""Strategy dock: preset picker, Run / Cancel, workspace files, the period, a parameter form
generated from the declarations in resources/presets/parameters.toml (the parameters in use up
front, the rest under Advanced) and a universe picker."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.data.symbols import is_contract
from engine.presets import DEFAULT_PRESET, presets, resolve, used_parameters
from engine.workspace import Workspace, load_workspace, save_workspace
from widgets import palette
from widgets.inputs import DateEdit
from widgets.param_form import AUTO_PICKS, ParamField, ParamForm

WORKSPACE_FILTER = "CTA Desk workspace (*.ctadesk.json *.json)"
PERIOD_TIP = (
    "{0} day of the metrics window (YYYY-MM-DD; F4 opens a calendar). The history before the "
    "start is warm-up only and data after the end is never used. Empty: {1}."
)


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
        self.preset_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.preset_box.setMinimumContentsLength(16)
        for name, preset in presets().items():
            self.preset_box.addItem(f"{preset.title} ({name})", name)
            self.preset_box.setItemData(
                self.preset_box.count() - 1, preset.description, Qt.ItemDataRole.ToolTipRole
            )
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self.description.setObjectName("presetDescription")

        self.run_button = QPushButton("Run backtest", self)
        self.run_button.setObjectName("runButton")
        self.run_button.setToolTip(
            "Backtest the preset with these parameters on the ticked instruments"
        )
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setToolTip("Stop the running backtest (nothing is kept from it)")
        self.cancel_button.setEnabled(False)
        # compact buttons (the File menu has them too): the row fits a narrow dock
        self.save_button = QToolButton(self)
        self.save_button.setText("Save…")
        self.save_button.setToolTip(
            "Save the preset, parameters, period and ticked instruments as a workspace file"
        )
        self.load_button = QToolButton(self)
        self.load_button.setText("Load…")
        self.load_button.setToolTip("Load a workspace file saved with Save…")
        buttons = QHBoxLayout()
        for b in (self.run_button, self.cancel_button, self.save_button, self.load_button):
            buttons.addWidget(b)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("paramErrors")
        palette.set_tone(self.error_label, "error")
        self.error_label.setWordWrap(True)
        self.error_label.setVisible(False)

        self.form = ParamForm(self)
        self.fields: dict[str, ParamField] = self.form.fields
        self.start_edit, self.end_edit = DateEdit(self.form), DateEdit(self.form)
        period = QHBoxLayout()
        for edit, name, tip in (
            (self.start_edit, "periodStart", PERIOD_TIP.format("First", "from the first day")),
            (self.end_edit, "periodEnd", PERIOD_TIP.format("Last", "to the last day")),
        ):
            edit.setObjectName(name)
            edit.setToolTip(tip)
            edit.editingFinished.connect(self._show_form_errors)
            period.addWidget(edit, 1)
        period.insertWidget(1, QLabel("to", self.form))
        self.form.main.insertRow(0, "Period", period)

        universe_box = QGroupBox("Universe", self)
        self.universe = QListWidget(universe_box)
        self.universe.setObjectName("universeList")
        self.universe.setToolTip("Tick the instruments the strategy trades")
        self.universe.setMaximumHeight(160)
        self.universe.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.universe.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.universe.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.universe.itemChanged.connect(self._offer_symbols)
        QVBoxLayout(universe_box).addWidget(self.universe)
        self.store_symbols: list[str] = []

        layout = QVBoxLayout(self)
        preset_row = QHBoxLayout()
        preset_label = QLabel("&Preset", self)
        preset_label.setBuddy(self.preset_box)
        preset_row.addWidget(preset_label)
        preset_row.addWidget(self.preset_box, 1)
        layout.addLayout(preset_row)
        layout.addLayout(buttons)
        layout.addWidget(self.error_label)
        layout.addWidget(self.form)
        layout.addWidget(universe_box)
        layout.addWidget(self.description)
        layout.addStretch(1)

        self.preset_box.currentIndexChanged.connect(self._on_preset)
        signal_box = self.fields["signal"].widget
        assert isinstance(signal_box, QComboBox)
        signal_box.currentTextChanged.connect(self._on_rule)
        for field in self.fields.values():
            if isinstance(field.widget, QComboBox) and field.widget.isEditable():
                field.widget.lineEdit().editingFinished.connect(self._show_form_errors)
        self.run_button.clicked.connect(self._on_run)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.save_button.clicked.connect(self.save_workspace_dialog)
        self.load_button.clicked.connect(self.load_workspace_dialog)
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
        description = presets()[self.preset].description
        self.description.setText(description)
        self.preset_box.setToolTip(
            f"Strategy preset: a CTA family's parameter values. {description}"
        )
        for name, value in resolve(self.preset).items():
            self.fields[name].set_value(value)
        self._set_errors([])
        self._on_rule(self.fields["signal"].value())

    def _on_rule(self, rule: str) -> None:
        """The form shows what the preset and ``rule`` use; the Sweep dock hears of it."""
        self.form.show_used(used_parameters(self.preset, rule))
        chain = [
            self.preset_box,
            self.run_button,
            self.cancel_button,
            self.save_button,
            self.load_button,
            self.start_edit,
            self.end_edit,
            *self.form.tab_chain(),
            self.universe,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.rule_changed.emit(self.preset, rule)

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
        """What stops a run: invalid fields (symbols not offered included) and the period."""
        problems = [e for e in (f.error() for f in self.fields.values()) if e]
        try:
            self.period()
        except ValueError as exc:
            problems.append(f"period: {exc}")
        return problems

    # -- universe ---------------------------------------------------------------------------
    def _set_errors(self, problems: Sequence[str]) -> None:
        self.error_label.setText("\n".join(problems))
        self.error_label.setVisible(bool(problems))

    def _show_form_errors(self) -> None:
        self._set_errors(self.errors())

    def set_universe(self, rows: Sequence[dict[str, Any]]) -> None:
        """Offer the stored series (rows of ``data list``); keep earlier ticks, else tick the
        continuous futures (not single contracts such as VX_2024-08). The symbol fields and
        the period's calendars follow the rows."""
        ticked = set(self.symbols())
        self.universe.clear()
        self.store_symbols = [str(row["symbol"]) for row in rows]
        firsts = [str(row["first"]) for row in rows if row.get("first")]
        lasts = [str(row["last"]) for row in rows if row.get("last")]
        for edit in (self.start_edit, self.end_edit):
            edit.set_range(min(firsts, default=None), max(lasts, default=None))
        for row in rows:
            text = f"{row['symbol']}  ({row['kind']}, {row['source']})"
            item = QListWidgetItem(text)
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.UserRole, row["symbol"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            default = row["kind"] == "future" and not is_contract(row)
            on = row["symbol"] in ticked if ticked else default
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
        """Each symbol field offers the ticked instruments or the stored series, as declared;
        empty is the automatic pick where there is one, else none."""
        ticked = self.symbols()
        for name, field in self.fields.items():
            if not field.spec.symbols:
                continue
            empty = "none"
            if name in AUTO_PICKS:
                pick, like = AUTO_PICKS[name]
                found = pick(ticked)
                empty = f"auto: {found}" if found else f"auto: none of the ticked is {like}"
            offered = ticked if field.spec.symbols == "ticked" else self.store_symbols
            field.offer_symbols(offered, empty)

    # -- run ------------------------------------------------------------------------------
    def request_run(self) -> None:
        """What the Run button does (nothing while it is disabled: a job is running)."""
        self.run_button.click()

    def _on_run(self) -> None:
        problems = self.errors()
        if not self.symbols():
            problems.append("tick at least one instrument in the universe")
        self._set_errors(problems)
        if problems:
            return
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

    def save_workspace_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save workspace", "workspace.ctadesk.json", WORKSPACE_FILTER
        )
        if path:
            try:
                self.save_workspace(Path(path))
            except OSError as exc:
                self._set_errors([f"Could not save {path}: {exc.strerror or exc}"])
            except ValueError as exc:  # a period that is not a date
                self._set_errors([f"Could not save {path}: period: {exc}"])

    def load_workspace_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Load workspace", "", WORKSPACE_FILTER)
        if path:
            try:
                self.load_workspace(Path(path))
            except ValueError as exc:
                self._set_errors([str(exc)])
