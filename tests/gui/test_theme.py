"""Dark and light themes: every label readable, every chart and the gauge in the theme's
colours after any number of live switches, restored at start, first start follows the system,
and crisp at 200% scaling."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel

from app.theme import KEY_THEME, restore_theme, set_theme, system_theme
from tests.gui.desk_actions import backtest_and_flows
from widgets import palette
from widgets.palette import DARK, LIGHT, THEMES, colour_map
from widgets.vix_gauge import VixGauge

SWITCHES = ("light", "dark", "light", "dark", "light")


def luminance(colour: QColor) -> float:
    """WCAG 2.x relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.red())
        + 0.7152 * channel(colour.green())
        + 0.0722 * channel(colour.blue())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 to 21."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_on_known_pairs() -> None:
    assert contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", [DARK, LIGHT], ids=["dark", "light"])
def test_every_text_colour_of_a_theme_is_readable(theme: palette.Theme) -> None:
    texts = [theme.text, theme.muted, theme.error, theme.link, *dict(theme.zone_text).values()]
    for background in (theme.window, theme.base):
        for text in texts:
            assert contrast(QColor(text), QColor(background)) >= 4.5, (text, background)
    assert contrast(QColor(theme.text), QColor(theme.near)) >= 4.5
    assert contrast(QColor(theme.chart_fg), QColor(theme.chart_bg)) >= 4.5
    for curve in (*theme.series, theme.positive, theme.negative, theme.marker):
        assert contrast(QColor(curve), QColor(theme.chart_bg)) >= 3.0, curve  # graphics: 3:1


def test_switching_maps_each_colour_to_one_colour() -> None:
    there, back = colour_map(DARK, LIGHT), colour_map(LIGHT, DARK)
    assert there["#3d9be9"] == "#1f63b4"  # the first run's curve
    assert all(back[new] == old for old, new in there.items())


_SPAN_COLOUR = re.compile(r"color:\s*(#[0-9a-fA-F]{6})")


def _visible_labels(window) -> list[QLabel]:
    return [
        label
        for label in window.findChildren(QLabel)
        if label.isVisible() and label.text() and label.window() is window
    ]


def _check_labels(window, theme: palette.Theme) -> None:
    labels = _visible_labels(window)
    assert len(labels) > 20
    for label in labels:
        pal = label.palette()
        background = pal.color(label.backgroundRole())
        assert background.name() in (theme.window, theme.base), (label.objectName(), background)
        colours = [pal.color(label.foregroundRole())]
        colours += [QColor(c) for c in _SPAN_COLOUR.findall(label.text())]
        for colour in colours:
            ratio = contrast(colour, background)
            assert ratio >= 4.5, (label.objectName(), label.text()[:40], colour.name(), ratio)


def _check_charts(window, theme: palette.Theme) -> None:
    views = window.findChildren(pg.GraphicsView)
    assert len(views) >= 6
    other = LIGHT if theme is DARK else DARK
    other_only = set(other.drawn_colours().values()) - set(theme.drawn_colours().values())
    for view in views:
        assert view.backgroundBrush().color().name() == theme.chart_bg
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem):
                assert item.pen().color().name() == theme.chart_fg
                assert item.textPen().color().name() == theme.chart_fg
            elif isinstance(item, pg.LegendItem):
                for _, label in item.items:
                    assert theme.chart_fg in label.item.toHtml()
            elif isinstance(item, pg.PlotDataItem):
                assert pg.mkPen(item.opts["pen"]).color().name() not in other_only


def _near(pixel: QColor, target: QColor) -> bool:
    return (
        abs(pixel.red() - target.red())
        + abs(pixel.green() - target.green())
        + abs(pixel.blue() - target.blue())
        < 12
    )


def _gauge_on_screen(window, gauge: VixGauge, theme: palette.Theme) -> dict[str, int]:
    """Pixels of the gauge as it is on screen (what was painted, not a fresh render) near the
    theme's needle and track colours, and near the other theme's track."""
    shot = window.screen().grabWindow(window.winId()).toImage()
    visible = gauge.visibleRegion().boundingRect()  # a scrolled dock shows part of it
    image = shot.copy(QRect(gauge.mapTo(window, visible.topLeft()), visible.size()))
    other = LIGHT if theme is DARK else DARK
    targets = {
        "needle": QColor(theme.needle),
        "track": QColor(theme.gauge_track),
        "other_track": QColor(other.gauge_track),
    }
    counts = dict.fromkeys(targets, 0)
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel = image.pixelColor(x, y)
            for key, target in targets.items():
                counts[key] += _near(pixel, target)
    return counts


def test_switching_themes_back_and_forth_restyles_everything(make_window, qtbot) -> None:
    window = make_window(auto_demo=True)
    window.resize(1600, 1000)
    backtest_and_flows(window, qtbot)
    gauge = window.regime_panel.gauge
    window.docks["dockVixRegime"].show()
    window.docks["dockVixRegime"].raise_()
    window.regime_panel.tabs.setCurrentIndex(0)
    qtbot.waitUntil(gauge.isVisible)
    for name in SWITCHES:
        window.light_action.setChecked(name == "light")
        qtbot.wait(50)
        theme = THEMES[name]
        assert palette.current() is theme
        assert window.palette().color(window.backgroundRole()).name() == theme.window
        _check_labels(window, theme)
        _check_charts(window, theme)
        counts = _gauge_on_screen(window, gauge, theme)
        assert counts["needle"] > 30 and counts["track"] > 100, counts
        assert counts["other_track"] < counts["track"] / 10, counts
        near = window.panels["dockTriggersFlows"].triggers.item(0, 0).background().color()
        assert near.name() == theme.near  # the nearest trigger is within 1 sigma (demo)
    set_theme(window, "dark")


def test_saved_theme_opens_in_a_new_window_and_first_start_follows_the_system(
    make_window, qtbot
) -> None:
    first = make_window()
    assert first.settings.value(KEY_THEME) is None
    expected = system_theme()
    assert palette.current().name == expected and first.light_action.isChecked() == (
        expected == "light"
    )
    assert first.settings.value(KEY_THEME) is None  # following the system is not a choice
    try:
        set_theme(first, "light")
        first.close()
        set_theme(first, "dark", remember=False)  # the process moves on; the file says light
        second = make_window()
        assert second.light_action.isChecked() and palette.current() is LIGHT
        assert second.palette().color(second.backgroundRole()).name() == LIGHT.window
        _check_charts(second, LIGHT)
        second.settings.setValue(KEY_THEME, "dark")
        restore_theme(second)
        assert palette.current() is DARK and not second.light_action.isChecked()
        _check_charts(second, DARK)
    finally:
        set_theme(first, "dark")


def test_system_theme_maps_unknown_to_dark(desk_app) -> None:
    scheme = desk_app.styleHints().colorScheme()
    assert system_theme() == ("light" if scheme == Qt.ColorScheme.Light else "dark")


_CRISP_SCRIPT = """
import json, sys
from app.bootstrap import create_application
app = create_application()
from app.mainwindow import MainWindow
from app.settings import open_settings
from widgets.vix_gauge import VixGauge
window = MainWindow(settings=open_settings(), auto_demo=False)
window.resize(1366, 768)
window.show()
for _ in range(20):
    app.processEvents()
shot = window.grab()
shot.save(sys.argv[1] + "/window.png")
gauge = VixGauge()
gauge.resize(300, 240)
gauge.set_value(33.3, "2020-03-16")
image = gauge.grab()
image.save(sys.argv[1] + "/gauge.png")
print(json.dumps({"window_dpr": shot.devicePixelRatio(), "window": [shot.width(), shot.height()],
                  "gauge_dpr": image.devicePixelRatio(), "gauge": [image.width(), image.height()]}))
window.save_on_close = False
window.close()
"""


def _sharp_steps(image: QImage) -> int:
    """Neighbouring pixels (along rows) that differ by more than 160 in one channel: edges
    drawn at the image's resolution have many; an upscaled image spreads them over 2 px."""
    count = 0
    for y in range(image.height()):
        prev = image.pixelColor(0, y)
        for x in range(1, image.width()):
            pixel = image.pixelColor(x, y)
            if (
                max(
                    abs(pixel.red() - prev.red()),
                    abs(pixel.green() - prev.green()),
                    abs(pixel.blue() - prev.blue()),
                )
                > 160
            ):
                count += 1
            prev = pixel
    return count


def test_crisp_at_200_percent_scaling(desk_app, qtbot, tmp_path: Path, ctadesk_home) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2"}
    proc = subprocess.run(
        [sys.executable, "-c", _CRISP_SCRIPT, str(tmp_path)],
        capture_output=True,
        check=False,
        text=True,
        timeout=180,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    sizes = json.loads(proc.stdout.strip().splitlines()[-1])
    assert sizes["window_dpr"] == 2.0 and sizes["gauge_dpr"] == 2.0
    assert sizes["window"] == [2 * 1366, 2 * 768] and sizes["gauge"] == [600, 480]
    native = QImage(str(tmp_path / "gauge.png"))
    assert (native.width(), native.height()) == (600, 480)
    gauge = VixGauge()  # the same gauge at 100%, smoothly upscaled to 200%
    qtbot.addWidget(gauge)
    gauge.resize(300, 240)
    gauge.set_value(33.3, "2020-03-16")
    upscaled = (
        gauge.grab()
        .toImage()
        .scaled(
            600,
            480,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    )
    assert _sharp_steps(native) > 1.5 * _sharp_steps(upscaled)
    window = QImage(str(tmp_path / "window.png"))
    assert (window.width(), window.height()) == (2 * 1366, 2 * 768)


@pytest.mark.parametrize("name", ["dark", "light"])
def test_an_unticked_list_item_shows_its_box(desk_app, qtbot, name: str) -> None:
    """The Strategy dock's universe list: an unticked instrument shows an empty box drawn in
    the theme's muted colour (Fusion drew it in the dark theme's base colour: invisible)."""
    from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyle, QStyleOptionViewItem

    from app.bootstrap import apply_theme

    apply_theme(desk_app, name)
    try:
        view = QListWidget()
        qtbot.addWidget(view)
        item = QListWidgetItem("FUT_GOLD")
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        view.addItem(item)
        view.resize(200, 60)
        view.show()
        qtbot.waitExposed(view)
        option = QStyleOptionViewItem()
        option.initFrom(view.viewport())
        option.rect = view.visualItemRect(item)
        option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        box = view.style().subElementRect(
            QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view.viewport()
        )
        image = view.viewport().grab(box.adjusted(-1, -1, 1, 1)).toImage()
        muted = QColor(THEMES[name].muted)
        edge = [
            image.pixelColor(x, y)
            for y in range(image.height())
            for x in range(image.width())
            if _near(image.pixelColor(x, y), muted)
        ]
        assert len(edge) >= 8, (name, box)
    finally:
        apply_theme(desk_app, "dark")
