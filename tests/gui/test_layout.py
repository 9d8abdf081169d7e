"""Main window docks, layout save/restore round trip and fallback on corrupted settings."""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QDockWidget

from app.panels import PANELS
from app.paths import app_paths
from app.settings import KEY_GEOMETRY, KEY_STATE, KEY_VERSION, LAYOUT_VERSION, open_settings

NINE_DOCKS = [
    "VIX Regime",
    "Rule of 16",
    "Strategy",
    "Equity",
    "Statistics",
    "Triggers & Flows",
    "Sweep",
    "Event Replay",
    "Data",
]
Area = Qt.DockWidgetArea


def _areas(window) -> dict[str, Area]:
    return {name: window.dockWidgetArea(dock) for name, dock in window.docks.items()}


def test_nine_docks_with_unique_object_names(window) -> None:
    assert sorted(window.dock_titles()) == sorted(NINE_DOCKS)
    names = [dock.objectName() for dock in window.findChildren(QDockWidget)]
    assert len(names) == len(set(names)) == 9
    # titles show "&" literally (escaped), not as a keyboard mnemonic
    assert window.docks["dockTriggersFlows"].windowTitle() == "Triggers && Flows"


def test_every_dock_holds_a_real_panel(window) -> None:
    kinds = {type(window.panels[spec.object_name]).__name__ for spec in PANELS}
    assert len(kinds) == 9  # one panel class per dock, no placeholders left


def test_view_menu_toggles_every_dock_and_resets(window, qtbot) -> None:
    texts = [a.text() for a in window.view_menu.actions() if not a.isSeparator()]
    assert len(texts) == 11 and texts[-1] == "&Reset layout" and "&Light theme" in texts
    data_dock = window.docks["dockData"]
    data_dock.toggleViewAction().trigger()
    assert data_dock.isHidden()
    data_dock.toggleViewAction().trigger()
    assert not data_dock.isHidden()


def test_reset_layout_restores_default_arrangement(window) -> None:
    default = _areas(window)
    window.docks["dockRule16"].hide()
    window.addDockWidget(Area.RightDockWidgetArea, window.docks["dockVixRegime"])
    assert window.dockWidgetArea(window.docks["dockVixRegime"]) == Area.RightDockWidgetArea
    window.reset_layout_action.trigger()
    assert _areas(window) == default
    assert not any(dock.isHidden() for dock in window.docks.values())


def test_layout_round_trip(make_window, qtbot) -> None:
    first = make_window()
    assert not first.layout_restored  # nothing saved yet
    first.resize(760, 640)  # fits the 800x800 offscreen screen
    first.addDockWidget(Area.LeftDockWidgetArea, first.docks["dockStrategy"])
    first.docks["dockData"].hide()
    first.docks["dockSweep"].raise_()
    moved = _areas(first)
    first.close()  # saves on close

    second = make_window()
    assert second.layout_restored
    assert (second.width(), second.height()) == (760, 640)
    assert _areas(second) == moved
    assert second.dockWidgetArea(second.docks["dockStrategy"]) == Area.LeftDockWidgetArea
    assert second.docks["dockData"].isHidden()
    assert not second.docks["dockEquity"].isHidden()


def _write_raw(values: dict) -> None:
    settings = open_settings()
    for key, value in values.items():
        settings.setValue(key, value)
    settings.sync()


def test_corrupted_state_falls_back_to_default(make_window, caplog) -> None:
    reference = make_window(show=True)
    default = _areas(reference)
    reference.save_on_close = False
    reference.close()
    _write_raw(
        {
            KEY_GEOMETRY: QByteArray(b"\x00\x01garbage"),
            KEY_STATE: QByteArray(b"not a dock state at all"),
            KEY_VERSION: LAYOUT_VERSION,
        }
    )
    with caplog.at_level(logging.WARNING):
        window = make_window()
    assert not window.layout_restored
    assert _areas(window) == default
    assert not any(dock.isHidden() for dock in window.docks.values())
    assert "corrupted" in caplog.text


def test_incompatible_version_and_wrong_type_fall_back(make_window, caplog) -> None:
    first = make_window()
    first.docks["dockData"].hide()
    first.close()
    _write_raw({KEY_VERSION: LAYOUT_VERSION + 1})
    with caplog.at_level(logging.WARNING):
        window = make_window()
    assert not window.layout_restored
    assert not window.docks["dockData"].isHidden()
    assert "version" in caplog.text

    _write_raw({KEY_STATE: "just text", KEY_GEOMETRY: 42, KEY_VERSION: LAYOUT_VERSION})
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        window = make_window()
    assert not window.layout_restored
    assert "not binary layout data" in caplog.text


def test_garbage_settings_file_opens_with_default_layout(make_window) -> None:
    path = app_paths().ensure().settings_file
    path.write_bytes(bytes(range(256)) * 40)
    window = make_window()
    assert not window.layout_restored
    assert not any(dock.isHidden() for dock in window.docks.values())
    window.close()  # and saving over it works
    assert QSettings(str(path), QSettings.Format.IniFormat).value(KEY_VERSION) is not None
