"""Every input of the Strategy, Sweep, Event Replay and Data docks has a tooltip saying what
it means (the parameter declarations also give each number its unit)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QScrollBar,
    QSlider,
    QTabBar,
    QWidget,
)

from engine.presets import parameter_specs, presets
from widgets.data_panel import DataPanel
from widgets.event_panel import EventPanel
from widgets.regime_lab_panel import RegimeLabPanel
from widgets.strategy_panel import StrategyPanel
from widgets.sweep_panel import SweepPanel
from widgets.term_panel import TermStructurePanel

INPUTS = (QLineEdit, QAbstractSpinBox, QComboBox, QCheckBox, QSlider, QAbstractButton)
PARTS = (QComboBox, QAbstractSpinBox, QLineEdit, QCalendarWidget, QTabBar, QScrollBar)
"""Widgets whose own child inputs (an editor, action or scroll buttons) are parts of them."""
UNIT_WORDS = ("trading days", "months", "basis points", "fraction", "(x)", "forecast units")


def inputs_of(root: QWidget) -> list[QWidget]:
    """The inputs under ``root`` a user works with, hidden ones included: not the parts of a
    combo, spin box, line edit or tab bar, nor Qt's own helpers (named qt_...)."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or widget.objectName().startswith("qt_"):
            continue
        parent = widget.parentWidget()
        while parent is not None and parent is not root and not isinstance(parent, PARTS):
            parent = parent.parentWidget()
        if parent is root:
            found.append(widget)
    return found


def _name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QAbstractButton | QLineEdit) else ""
    return f"{type(widget).__name__} {widget.objectName()!r} {text!r}"


def test_every_input_of_the_owned_docks_has_a_tooltip(desk_app, qtbot) -> None:
    panels = {
        StrategyPanel: len(parameter_specs()) + 8,  # preset, 4 buttons, 2 dates, Advanced
        SweepPanel: 9,  # X, Y, their ranges, colour, run, cancel, cluster, scheduler
        EventPanel: 4,  # event, replay, play, slider
        DataPanel: 3,  # import, fetch, delete
        TermStructurePanel: 4,  # day, previous day, next day, latest
        RegimeLabPanel: 2 * len(presets()) + 15,  # each tab's inputs, presets twice, 5 Runs
    }
    for kind, count in panels.items():
        panel = kind()
        qtbot.addWidget(panel)
        inputs = inputs_of(panel)
        assert len(inputs) == count, (kind.__name__, [_name(w) for w in inputs])
        assert [_name(w) for w in inputs if not w.toolTip().strip()] == [], kind.__name__


def test_strategy_tooltips_are_the_declared_help_with_units(desk_app, qtbot) -> None:
    panel = StrategyPanel()
    qtbot.addWidget(panel)
    for name, spec in parameter_specs().items():
        assert panel.fields[name].widget.toolTip() == spec.help
        assert panel.form.labels[name].toolTip() == spec.help
        if spec.type in ("int", "float", "int_list", "pairs") and name != "macro_sign":
            assert any(word in spec.help.lower() for word in UNIT_WORDS), name
    # the preset picker explains the chosen preset
    panel.select_preset("mop2012")
    assert "Moskowitz, Ooi and Pedersen" in panel.preset_box.toolTip()
