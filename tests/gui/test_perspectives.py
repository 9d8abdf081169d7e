"""Perspectives under View: each shows the docks it declares, remembers the user's changes per
perspective and screen size across windows, and resets to its declaration."""

from __future__ import annotations

import pytest

from app.panels import LOG_DOCK
from app.perspectives import PERSPECTIVES, perspective, size_bucket


def _shown(window) -> set[str]:
    return {name for name, dock in window.docks.items() if not dock.isHidden()}


def _in_front(window) -> set[str]:
    return {name for name, dock in window.docks.items() if not dock.visibleRegion().isEmpty()}


def _open(make_window, qtbot, width: int, height: int):
    window = make_window(show=False)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_size_buckets() -> None:
    assert [size_bucket(w) for w in (1280, 1366, 1599, 1600, 1920, 2560, 3840)] == [
        "compact",
        "compact",
        "compact",
        "hd",
        "hd",
        "qhd",
        "uhd",
    ]
    assert perspective("no such thing").key == "research"  # an odd setting: the default


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)])
def test_switching_shows_the_declared_docks(make_window, qtbot, width: int, height: int) -> None:
    window = _open(make_window, qtbot, width, height)
    for action in window.perspective_actions.actions():
        action.trigger()
        declared = perspective(action.data()).arrangement(size_bucket(width))
        qtbot.waitUntil(lambda d=declared: _in_front(window) == d.in_front())
        assert action.isChecked() and window.perspective.key == action.data()
        assert _shown(window) == declared.shown()
        assert LOG_DOCK not in _shown(window)  # the Log stays collapsed in every perspective


def test_a_change_persists_per_perspective_and_reset_restores(make_window, qtbot) -> None:
    first = _open(make_window, qtbot, 1920, 1080)
    first.switch_perspective("regime")
    first.docks["dockRule16"].hide()  # the user's change to Regime monitor
    first.switch_perspective("research")
    assert not first.docks["dockRule16"].isHidden()  # Research keeps its own arrangement
    first.switch_perspective("regime")
    assert first.docks["dockRule16"].isHidden()
    first.close()

    second = _open(make_window, qtbot, 1920, 1080)
    assert second.perspective.key == "regime" and second.layout_restored
    assert second.docks["dockRule16"].isHidden()
    second.reset_layout_action.trigger()
    assert _shown(second) == perspective("regime").wide.shown()
    second.close()

    third = _open(make_window, qtbot, 1920, 1080)  # the reset is remembered too
    assert not third.docks["dockRule16"].isHidden()


def test_layouts_are_kept_per_screen_size(make_window, qtbot) -> None:
    wide = _open(make_window, qtbot, 1920, 1080)
    assert wide.layout_bucket == "hd"
    wide.docks["dockData"].hide()
    wide.close()

    laptop = _open(make_window, qtbot, 1366, 768)
    assert laptop.layout_bucket == "compact" and not laptop.layout_restored
    assert _shown(laptop) == PERSPECTIVES[0].compact.shown()  # the laptop's own default
    laptop.docks["dockStatistics"].hide()
    laptop.close()

    again = _open(make_window, qtbot, 1920, 1080)
    assert again.layout_restored and again.docks["dockData"].isHidden()
    assert not again.docks["dockStatistics"].isHidden()


def test_resizing_into_another_size_class_brings_its_layout(make_window, qtbot) -> None:
    window = _open(make_window, qtbot, 1366, 768)
    assert window.layout_bucket == "compact"
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: window.layout_bucket == "hd")
    assert _shown(window) == PERSPECTIVES[0].wide.shown()
