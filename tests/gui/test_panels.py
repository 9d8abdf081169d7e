"""Rule of 16 and VIX Regime panels against hand-computed values."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from widgets.palette import ZONE_COLORS
from widgets.regime_panel import RegimePanel
from widgets.rule16_panel import Rule16Panel
from widgets.vix_gauge import VixGauge


def _text(panel: Rule16Panel, key: str) -> str:
    return panel.outputs[key].text()


def test_rule16_panel_values(desk_app, qtbot) -> None:
    panel = Rule16Panel()
    qtbot.addWidget(panel)
    panel.vix_box.setValue(32.0)
    panel.level_box.setValue(5000.0)
    # 32 / 16 = 2%; 32 / sqrt(252) = 2.0158%; 1 sigma = 100 pts, 2 sigma = 200 pts
    assert _text(panel, "daily_move_pct") == "±2.000%"
    assert _text(panel, "daily_move_pct_252") == "±2.016%"
    assert _text(panel, "points_1sigma") == "±100.0 pts"
    assert _text(panel, "points_2sigma") == "±200.0 pts"
    assert _text(panel, "range_1sigma") == "4,900.0 – 5,100.0"
    assert _text(panel, "range_2sigma") == "4,800.0 – 5,200.0"


def test_rule16_panel_typing_and_days(desk_app, qtbot) -> None:
    panel = Rule16Panel()
    qtbot.addWidget(panel)
    panel.level_box.setValue(4000.0)
    panel.vix_box.selectAll()
    qtbot.keyClicks(panel.vix_box.lineEdit(), "48")
    assert panel.vix_box.value() == 48.0
    assert _text(panel, "daily_move_pct") == "±3.000%"
    assert _text(panel, "points_1sigma") == "±120.0 pts"
    panel.days_box.setValue(144)  # sqrt(144) = 12
    assert _text(panel, "daily_move_pct") == "±4.000%"
    assert _text(panel, "daily_move_pct_252") == "±3.024%"  # unchanged: always 252
    assert "144 days" in panel.daily_title.text()


def test_regime_panel_zone_and_gauge(desk_app, qtbot) -> None:
    panel = RegimePanel()
    qtbot.addWidget(panel)
    assert panel.vix == pytest.approx(20.6)
    assert panel.gauge.zone == "warning"
    assert "Warning" in panel.zone_label.text()
    for value, zone in [(14.99, "complacency"), (15.0, "normal"), (25.0, "fear"), (30.0, "panic")]:
        panel.vix_box.setValue(value)
        assert panel.gauge.zone == zone
        assert zone.capitalize() in panel.zone_label.text()
    panel.vix_box.setValue(32.0)
    assert "±2.00%" in panel.move_label.text()


def test_readings_carry_their_close_dates(desk_app, qtbot) -> None:
    """A reading from data shows its date (panel, gauge); typing one drops it. The Rule of 16
    warns when the VIX and index closes are more than 5 calendar days apart."""
    panel = RegimePanel()
    qtbot.addWidget(panel)
    assert panel.date is None and "not data" in panel.date_label.text()
    panel.set_vix(18.7, "2026-07-23")
    assert (panel.gauge.value, panel.gauge.date) == (18.7, "2026-07-23")
    assert panel.date_label.text() == "VIX close of 2026-07-23"
    panel.vix_box.setValue(30.0)
    assert panel.date is None and panel.gauge.date is None
    assert panel.date_label.text() == "typed reading"

    rule16 = Rule16Panel()
    qtbot.addWidget(rule16)
    rule16.set_vix(16.0, "2024-07-05")
    rule16.set_level(5000.0, "2024-07-01")  # Friday and the Monday before: 4 days
    assert rule16.dates_label.text() == "VIX: close of 2024-07-05; index level: close of 2024-07-01"
    assert rule16.pair_warning.text() == "" and _text(rule16, "points_1sigma") == "±50.0 pts"
    rule16.set_level(5000.0, "2024-06-28")  # 7 days
    assert rule16.pair_warning.text().startswith("Warning: the index level (2024-06-28) is 7 days")
    rule16.vix_box.setValue(17.0)  # typed
    assert rule16.dates_label.text() == "VIX: typed; index level: close of 2024-06-28"
    assert rule16.pair_warning.text() == ""


def test_gauge_shows_no_reading_for_nan(desk_app, qtbot) -> None:
    gauge = VixGauge()
    qtbot.addWidget(gauge)
    gauge.resize(300, 240)
    gauge.set_value(20.0)
    undated = gauge.grab().toImage()
    gauge.set_value(20.0, "2024-07-03")
    assert gauge.grab().toImage() != undated  # the close's date is painted
    gauge.set_value(float("nan"), "2024-07-04")
    assert gauge.value is None and gauge.date is None and gauge.zone is None


def test_regime_thresholds_edit_and_reject(desk_app, qtbot) -> None:
    panel = RegimePanel()
    qtbot.addWidget(panel)
    panel.vix_box.setValue(13.0)
    assert panel.gauge.zone == "complacency"
    with qtbot.waitSignal(panel.thresholds_changed):
        panel.threshold_boxes[0].setValue(12.0)
    assert panel.gauge.zone == "normal"
    assert panel.table.item(0, 1).text() == "< 12"
    panel.threshold_boxes[1].setValue(40.0)  # above the next threshold: refused
    assert "ascending" in panel.error_label.text()
    assert panel.thresholds.bounds == (12.0, 20.0, 25.0, 30.0)
    panel.threshold_boxes[1].setValue(18.0)
    assert panel.error_label.text() == ""
    assert panel.thresholds.bounds == (12.0, 18.0, 25.0, 30.0)


def test_panels_share_the_vix_reading(window) -> None:
    window.regime_panel.vix_box.setValue(32.0)
    assert window.rule16_panel.vix_box.value() == 32.0
    assert _text(window.rule16_panel, "daily_move_pct") == "±2.000%"
    window.rule16_panel.vix_box.setValue(16.0)
    assert window.regime_panel.vix == 16.0
    assert window.regime_panel.gauge.zone == "normal"


def _count_near(image, colour: QColor, tol: int = 30) -> int:
    hits = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - colour.red()) < tol
                and abs(c.green() - colour.green()) < tol
                and abs(c.blue() - colour.blue()) < tol
            ):
                hits += 1
    return hits


def test_gauge_paints_every_zone_band_and_needle_moves(desk_app, qtbot) -> None:
    gauge = VixGauge()
    qtbot.addWidget(gauge)
    gauge.resize(300, 240)
    gauge.set_value(10.0)
    image = gauge.grab().toImage()
    for name, colour in ZONE_COLORS.items():
        assert _count_near(image, colour) > 20, name
    assert gauge.angle_for(0) == 210.0
    assert gauge.angle_for(50) == -30.0
    assert gauge.angle_for(25) == 90.0  # straight up at mid-scale
    assert gauge.angle_for(80) == gauge.angle_for(50)  # pegged above scale
    low = gauge.grab().toImage()
    gauge.set_value(45.0)
    high = gauge.grab().toImage()
    assert low != high


def test_gauge_without_reading(desk_app, qtbot) -> None:
    gauge = VixGauge()
    qtbot.addWidget(gauge)
    gauge.set_value(None)
    assert gauge.zone is None
    assert not gauge.grab().isNull()


def test_rule16_panel_keyboard_only(desk_app, qtbot) -> None:
    panel = Rule16Panel()
    qtbot.addWidget(panel)
    panel.show()
    panel.level_box.setFocus()
    panel.level_box.selectAll()
    qtbot.keyClicks(panel.level_box.lineEdit(), "1600")
    qtbot.keyClick(panel.level_box.lineEdit(), Qt.Key.Key_Return)
    panel.vix_box.setValue(16.0)
    assert _text(panel, "points_1sigma") == "±16.0 pts"


def _series(label: str, scale: float, days: int = 300):
    import numpy as np

    from widgets.equity_panel import EquitySeries

    seconds = 86_400.0 * (19_000 + np.arange(days))
    equity = scale * np.exp(np.linspace(0.0, 0.5, days))
    drawdown = equity / np.maximum.accumulate(equity) - 1.0
    return EquitySeries(label, seconds, equity, drawdown, np.full(days, 1.5), benchmark=equity / 2)


def test_equity_panel_reuses_curves_and_fits_ranges(desk_app, qtbot) -> None:
    import numpy as np

    from widgets.equity_panel import MAX_RUNS, EquityPanel

    panel = EquityPanel()
    qtbot.addWidget(panel)
    panel.add_run(_series("first <1>", 1.0))
    first_items = panel.curves[0]
    panel.add_run(_series("second", 4.0, days=200))
    assert panel.curves[0] is first_items  # the same items, new data: no rebuild per run
    assert "first &lt;1&gt;" in panel.key.text() and "second" in panel.key.text()
    (x_low, x_high), (y_low, y_high) = panel.equity_plot.vb.viewRange()
    # x covers the longer run; y both runs and the newest run's benchmark: 1 .. 4 e^0.5
    top = 4.0 * np.exp(0.5)
    assert x_low <= 86_400.0 * 19_000 and x_high >= 86_400.0 * 19_299
    assert 1.0 - 0.1 * top < y_low <= 1.0 and top <= y_high < 1.1 * top
    panel.log_box.setChecked(True)
    _x, (log_low, log_high) = panel.equity_plot.vb.viewRange()
    assert -0.1 < log_low <= 0.0 and np.log10(top) <= log_high < np.log10(top) + 0.1
    for i in range(MAX_RUNS + 2):
        panel.add_run(_series(f"run {i}", 1.0 + i))
    assert len(panel.curves) == MAX_RUNS and len(panel._pool) == MAX_RUNS
    panel.clear()
    assert panel.curves == [] and panel.key.text() == ""
    assert not any(curve.isVisible() for triple in panel._pool for curve in triple)
