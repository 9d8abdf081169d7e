"""Rule of 16 panel: the daily move a VIX reading implies and its index point ranges."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.annualisation import RULE_OF_16_DAYS
from engine.vix import Rule16, rule_of_16
from widgets import charts
from widgets.inputs import number_box, set_quietly
from widgets.regime_panel import DEFAULT_VIX

DEFAULT_LEVEL = 6000.0


class Rule16Panel(QWidget):
    """VIX -> expected daily move (256 and 252 days) and 1/2-sigma ranges for an index level."""

    vix_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vix_box = number_box(0.0, 200.0, DEFAULT_VIX, name="rule16Vix", parent=self)
        self.level_box = number_box(
            0.01, 1_000_000.0, DEFAULT_LEVEL, step=10.0, name="rule16Level", parent=self
        )
        self.days_box = QSpinBox(self)
        self.days_box.setObjectName("rule16Days")
        self.days_box.setRange(1, 366)
        self.days_box.setValue(RULE_OF_16_DAYS)

        form = QFormLayout()
        form.addRow("VIX (annualised %)", self.vix_box)
        form.addRow("Index level", self.level_box)
        form.addRow("Days per year", self.days_box)

        self.outputs: dict[str, QLabel] = {}
        results = QGroupBox("Implied moves", self)
        grid = QGridLayout(results)
        rows = [
            ("daily_move_pct", "Daily move"),
            ("daily_move_pct_252", "Daily move (252 days)"),
            ("points_1sigma", "1σ day"),
            ("range_1sigma", "1σ range"),
            ("points_2sigma", "2σ day"),
            ("range_2sigma", "2σ range"),
        ]
        for row, (key, title) in enumerate(rows):
            value = QLabel(self)
            value.setObjectName(key)
            value.setStyleSheet("font-weight: 600;")
            grid.addWidget(QLabel(title, self), row, 0)
            grid.addWidget(value, row, 1)
            self.outputs[key] = value
        self.daily_title = grid.itemAtPosition(0, 0).widget()

        charts.configure()
        self.history_label = QLabel("Implied vs realised: needs a VIX and an index series.", self)
        self.history_label.setWordWrap(True)
        self.history_plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.history_plot.setObjectName("rule16History")
        self.history_plot.setMinimumHeight(140)
        self.history_plot.addLegend(offset=(5, 5))
        self.history_plot.setLabel("left", "daily move %")
        plot_item = self.history_plot.getPlotItem()
        self.implied_curve = charts.fast_curve(
            plot_item, charts.RUN_COLORS[1], name="implied (VIX/16)"
        )
        self.realised_curve = charts.fast_curve(
            plot_item, charts.RUN_COLORS[0], name="realised next day"
        )

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(results)
        layout.addWidget(self.history_label)
        layout.addWidget(self.history_plot, 1)

        self.vix_box.valueChanged.connect(self._on_vix_edited)
        self.level_box.valueChanged.connect(self._refresh)
        self.days_box.valueChanged.connect(self._refresh)
        self.result: Rule16 | None = None
        self._refresh()

    def set_vix(self, value: float) -> None:
        """Show a reading set from elsewhere (no vix_changed echo)."""
        set_quietly(self.vix_box, value)
        self._refresh()

    def show_history(self, data: dict, vix_symbol: str) -> None:
        """21-day means of the implied daily move and the next day's realised move."""
        self.implied_curve.setData(*charts.finite(data["seconds"], data["implied"]))
        self.realised_curve.setData(*charts.finite(data["seconds"], data["realised"]))
        s = data["summary"]
        self.history_label.setText(
            f"{vix_symbol} vs {data['index']}: the next day's move beat the implied 1 sigma on "
            f"{s['share_above_1sigma'] * 100:.1f}% of {s['days']:,} days and 2 sigma on "
            f"{s['share_above_2sigma'] * 100:.1f}% (a normal distribution: 31.7% and 4.6%)."
        )

    def set_level(self, value: float) -> None:
        self.level_box.setValue(value)

    def _on_vix_edited(self, value: float) -> None:
        self._refresh()
        self.vix_changed.emit(value)

    def _refresh(self) -> None:
        res = rule_of_16(self.vix_box.value(), self.level_box.value(), self.days_box.value())
        self.result = res
        self.daily_title.setText(f"Daily move ({res.days} days, ÷{res.days**0.5:.2f})")
        lo1, hi1 = res.range(1) or (0.0, 0.0)
        lo2, hi2 = res.range(2) or (0.0, 0.0)
        self.outputs["daily_move_pct"].setText(f"±{res.daily_move_pct:.3f}%")
        self.outputs["daily_move_pct_252"].setText(f"±{res.daily_move_pct_252:.3f}%")
        self.outputs["points_1sigma"].setText(f"±{res.points_1sigma:,.1f} pts")
        self.outputs["points_2sigma"].setText(f"±{res.points_2sigma:,.1f} pts")
        self.outputs["range_1sigma"].setText(f"{lo1:,.1f} – {hi1:,.1f}")
        self.outputs["range_2sigma"].setText(f"{lo2:,.1f} – {hi2:,.1f}")
