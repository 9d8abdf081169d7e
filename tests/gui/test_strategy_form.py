"""The Strategy form: the parameters the preset and rule use up front (from the declarations),
the rest under a collapsed Advanced section that still saves and runs; symbol pickers fed by
the store; date fields with a calendar; tab order top to bottom."""

from __future__ import annotations

import itertools
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QScrollArea, QTableView, QWidget

from engine.presets import parameter_specs, presets, used_parameters
from engine.sweep import SWEEP_AXES
from widgets.strategy_panel import StrategyPanel

ROWS = [
    {"symbol": s, "kind": k, "source": "t", "first": first, "last": "2020-12-31"}
    for s, k, first in (
        ("SP500", "future", "1990-01-02"),
        ("GOLD", "future", "1985-06-03"),
        ("US10", "future", "1990-01-02"),
        ("US10Y", "macro", "1962-01-02"),
        ("VIX", "vix", "1990-01-02"),
    )
]


def _panel(qtbot) -> StrategyPanel:
    panel = StrategyPanel()
    qtbot.addWidget(panel)
    panel.resize(360, 900)
    panel.show()
    panel.set_universe(ROWS)
    return panel


def _up_front(panel: StrategyPanel) -> list[str]:
    form = panel.form.main
    widgets = [form.itemAt(r, form.ItemRole.FieldRole).widget() for r in range(form.rowCount())]
    return [n for w in widgets if w is not None for n, f in panel.fields.items() if f.widget is w]


def test_used_parameters_by_hand() -> None:
    assert used_parameters("tsmom-blend", "tsmom_blend") == (
        "signal",
        "lookbacks",
        "vol_target",
        "cost_bps",
    )
    # risk-offset: its rule's own parameters and the equity index it leans on
    assert used_parameters("risk-offset", "risk_offset") == (
        "signal",
        "vol_target",
        "cost_bps",
        "equity_index",
        "beta",
        "overlay_lookback",
    )
    # mop2012 sets advanced sizing values: they are what the preset is, so they show
    mop = used_parameters("mop2012", "tsmom")
    assert {"lookback", "annualisation", "idm", "vol_span", "max_leverage"} <= set(mop)
    assert "lookbacks" not in mop and "return_mode" not in mop
    # the same preset run with another rule: the preset's lookback is not used by it
    assert "lookback" not in used_parameters("mop2012", "breakout")
    assert "breakout_window" in used_parameters("mop2012", "breakout")


def test_each_rule_sweeps_its_own_declared_parameters() -> None:
    specs = parameter_specs()
    for rule, axes in SWEEP_AXES.items():
        for name in axes:
            assert rule in specs[name].signals, (rule, name)


def test_form_up_front_and_advanced(desk_app, qtbot) -> None:
    panel = _panel(qtbot)
    for name in presets():
        panel.select_preset(name)
        rule = panel.fields["signal"].value()
        assert _up_front(panel) == list(used_parameters(name, rule))
        assert not panel.form.advanced.isVisibleTo(panel)  # collapsed
        for field_name, field in panel.fields.items():
            shown = field.widget.isVisibleTo(panel)
            assert shown == (field_name in used_parameters(name, rule)), (name, field_name)
    panel.select_preset("tsmom-blend")
    assert panel.form.toggle.text() == f"Advanced: {len(parameter_specs()) - 4} more parameters"
    panel.form.toggle.click()
    assert panel.fields["vol_halflife"].widget.isVisibleTo(panel)
    panel.form.toggle.click()
    # another rule in the form: its parameters come up front at once
    signal = panel.fields["signal"].widget
    assert isinstance(signal, QComboBox)
    signal.setCurrentText("breakout")
    assert _up_front(panel) == [
        "signal",
        "forecast_cap",
        "breakout_window",
        "vol_target",
        "cost_bps",
    ]
    assert not panel.fields["lookbacks"].widget.isVisibleTo(panel)


def test_advanced_values_are_run_and_saved(desk_app, qtbot, tmp_path: Path) -> None:
    panel = _panel(qtbot)
    panel.fields["vol_halflife"].set_value(12.5)  # under Advanced for this preset
    with qtbot.waitSignal(panel.run_requested) as blocker:
        panel.run_button.click()
    assert blocker.args[1]["vol_halflife"] == 12.5
    assert set(blocker.args[1]) == set(parameter_specs())
    panel.save_workspace(tmp_path / "w.ctadesk.json")
    other = _panel(qtbot)
    other.load_workspace(tmp_path / "w.ctadesk.json")
    assert other.values() == panel.values()


def test_symbol_pickers_offer_the_store_and_refuse_free_text(desk_app, qtbot) -> None:
    panel = _panel(qtbot)
    panel.set_symbols(["SP500", "GOLD", "US10"])

    def offered(name: str) -> list[str]:
        combo = panel.fields[name].widget
        assert isinstance(combo, QComboBox) and combo.isEditable()
        return [combo.itemText(i) for i in range(combo.count())]

    stored = ["", "SP500", "GOLD", "US10", "US10Y", "VIX"]
    assert offered("equity_index") == ["", "SP500", "GOLD", "US10"]  # must be traded
    assert offered("macro_symbol") == stored and offered("bond_leg") == stored
    assert panel.fields["macro_symbol"].widget.lineEdit().placeholderText() == "none"
    assert panel.fields["bond_leg"].widget.lineEdit().placeholderText() == "auto: US10"

    bond = panel.fields["bond_leg"].widget
    bond.setCurrentText("US10Y")  # a stored yield series, not ticked: allowed
    with qtbot.waitSignal(panel.run_requested) as blocker:
        panel.run_button.click()
    assert blocker.args[1]["bond_leg"] == "US10Y"

    bond.lineEdit().setText("NOT_STORED")
    bond.lineEdit().editingFinished.emit()  # leaving the field shows the problem inline
    assert panel.error_label.isVisibleTo(panel)
    assert "bond_leg: 'NOT_STORED' is not one of the stored series" in panel.error_label.text()
    with qtbot.assertNotEmitted(panel.run_requested):
        panel.run_button.click()
    panel.fields["equity_index"].widget.setCurrentText("US10Y")  # stored but not ticked
    bond.setCurrentText("")
    with qtbot.assertNotEmitted(panel.run_requested):
        panel.run_button.click()
    assert panel.error_label.text() == "equity_index: 'US10Y' is not one of the ticked instruments"
    panel.fields["equity_index"].widget.setCurrentText("")
    with qtbot.waitSignal(panel.run_requested):
        panel.run_button.click()
    assert not panel.error_label.isVisibleTo(panel)


def test_period_fields_pick_days_on_a_calendar(desk_app, qtbot) -> None:
    panel = _panel(qtbot)
    start = panel.start_edit
    qtbot.keyClick(start, Qt.Key.Key_F4)
    calendar = start.calendar
    assert calendar is not None and calendar.isVisible()
    # the calendar spans the stored data: earliest first day to latest last day
    assert calendar.minimumDate() == QDate(1962, 1, 2)
    assert calendar.maximumDate() == QDate(2020, 12, 31)
    calendar.setSelectedDate(QDate(2005, 3, 4))
    qtbot.keyClick(calendar.findChild(QTableView), Qt.Key.Key_Return)
    assert not calendar.isVisible()
    assert start.text() == "2005-03-04"
    assert panel.period() == {"start": "2005-03-04", "end": None}
    panel.end_edit.setText("2004-12-31")
    panel.end_edit.editingFinished.emit()
    assert "start 2005-03-04 is not before end 2004-12-31" in panel.error_label.text()


def _tab_stops(panel: StrategyPanel) -> list[QWidget]:
    """The focus chain from the preset picker: visible, enabled widgets that take Tab, each
    counted as its input (a spin box or combo, not its inner editor)."""
    stops: list[QWidget] = []
    widget = panel.preset_box
    for _ in range(500):
        owner = widget
        while isinstance(owner.parentWidget(), QAbstractSpinBox | QComboBox):
            owner = owner.parentWidget()
        takes_tab = bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        if takes_tab and widget.isVisibleTo(panel) and widget.isEnabled() and owner not in stops:
            stops.append(owner)
        widget = widget.nextInFocusChain()
        if widget is panel.preset_box:
            break
    return [w for w in stops if panel.isAncestorOf(w)]


def test_tab_order_follows_the_form(desk_app, qtbot) -> None:
    panel = _panel(qtbot)
    for preset in ("tsmom-blend", "macro"):
        panel.select_preset(preset)
        panel.form.toggle.setChecked(preset == "macro")
        stops = _tab_stops(panel)
        names = [w.objectName() for w in stops]
        fields = [f"param_{n}" for n in used_parameters(preset, panel.fields["signal"].value())]
        assert names[:4] == ["presetBox", "runButton", "", ""]  # Save…, Load… (Cancel is off)
        assert names[4:6] == ["periodStart", "periodEnd"]
        assert names[6 : 6 + len(fields)] == fields
        assert names[6 + len(fields)] == "advancedToggle"
        assert names[-1] == "universeList"
        # top to bottom on screen, left to right within a row
        boxes = [w.rect().translated(w.mapTo(panel, w.rect().topLeft())) for w in stops]
        for (before, after), pair in zip(
            itertools.pairwise(boxes), itertools.pairwise(names), strict=True
        ):
            same_row = abs(before.center().y() - after.center().y()) < 8
            assert after.top() >= before.bottom() - 2 or (
                same_row and after.left() > before.left()
            ), pair


def test_small_screen_shows_picker_run_and_used_parameters(make_window, qtbot) -> None:
    """At 1366x768 the default layout's Strategy dock shows the preset picker, Run and the
    parameters in use without scrolling, and needs no horizontal scrollbar."""
    window = make_window()
    window.resize(1366, 768)
    qtbot.wait(50)
    panel = window.panels["dockStrategy"]
    assert window.docks["dockStrategy"].isVisible()
    scroller = panel.parentWidget()
    while scroller is not None and not isinstance(scroller, QScrollArea):
        scroller = scroller.parentWidget()
    viewport = scroller.viewport() if scroller else window.docks["dockStrategy"].widget()
    wanted = [panel.preset_box, panel.run_button, panel.start_edit, panel.end_edit]
    wanted += [panel.fields[n].widget for n in used_parameters(panel.preset, "tsmom_blend")]
    for widget in wanted:
        box = widget.rect().translated(widget.mapTo(viewport, widget.rect().topLeft()))
        assert viewport.rect().contains(box), widget.objectName()
    assert scroller is None or not scroller.horizontalScrollBar().isVisible()


def test_numbers_read_plainly_with_short_units(desk_app, qtbot) -> None:
    panel = StrategyPanel()
    qtbot.addWidget(panel)
    panel.select_preset("mop2012")
    shown = {
        name: field.widget.text()
        for name, field in panel.fields.items()
        if isinstance(field.widget, QAbstractSpinBox)
    }
    assert shown["vol_target"] == "0.4"  # not 0.4000
    assert shown["cost_bps"].endswith(" bp") and shown["vol_span"] == "121 days"
    panel.fields["vol_target"].set_value(0.0125)
    assert panel.fields["vol_target"].widget.text() == "0.0125"
    panel.fields["idm"].set_value(2.0)
    assert panel.fields["idm"].widget.text() == "2"


def test_single_contracts_are_listed_but_not_ticked(qtbot) -> None:
    """A store holding the VX curve (one series per contract month, as the long file imports)
    offers them, but the default universe is the continuous futures only."""
    panel = StrategyPanel()
    qtbot.addWidget(panel)
    contracts = [
        {"symbol": s, "kind": "future", "source": "file:vx.csv", "first": "2024-01-02"}
        for s in ("VX_2024-08", "VX_2024-09", "FUT_VX_2024-10")
    ]
    panel.set_universe([*ROWS, *contracts])
    assert panel.universe.count() == len(ROWS) + 3
    assert panel.symbols() == ["SP500", "GOLD", "US10"]
