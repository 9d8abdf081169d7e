"""Rule of 16 panel: the daily move a VIX reading implies and its index point ranges, with
the dates of the VIX close and the index close it pairs; implied vs realised sigma on history."""

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
from engine.labels import pct
from engine.vix import Rule16, check_vix, pairing_warning, rule_of_16
from widgets import charts, palette
from widgets.inputs import number_box, set_quietly
from widgets.regime_panel import DEFAULT_VIX

DEFAULT_LEVEL = 6000.0


class Rule16Panel(QWidget):
    """VIX -> expected daily move (256 and 252 days) and 1/2-sigma ranges for an index level;
    the dates of both when they are closes, and a warning when those are far apart."""

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
        self.vix_box.setToolTip(
            "VIX in annualised % (index points); the implied daily move is VIX / √(days per year)"
        )
        self.level_box.setToolTip(
            "Index level (points) the 1σ and 2σ daily ranges are built around; follows the "
            "latest stored index close"
        )
        self.days_box.setToolTip(
            "Trading days per year in the rule (256 gives the divisor 16; 252 is the usual "
            "trading calendar)"
        )

        form = QFormLayout()
        form.addRow("VIX (annualised %)", self.vix_box)
        form.addRow("Index level", self.level_box)
        form.addRow("Days per year", self.days_box)
        self.vix_date: str | None = None
        self.level_date: str | None = None
        self.dates_label = QLabel(self)
        self.dates_label.setObjectName("rule16Dates")
        self.dates_label.setWordWrap(True)
        self.pair_warning = QLabel(self)
        self.pair_warning.setObjectName("rule16PairWarning")
        palette.set_tone(self.pair_warning, "error")
        self.pair_warning.setWordWrap(True)

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
            bold = value.font()
            bold.setBold(True)
            value.setFont(bold)
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
        self.history_plot.setLabel("left", "daily move", units="%")
        plot_item = self.history_plot.getPlotItem()
        self.implied_curve = charts.fast_curve(
            plot_item, charts.RUN_COLORS[1], name="implied σ (VIX/16), 21-day RMS"
        )
        self.realised_curve = charts.fast_curve(
            plot_item, charts.RUN_COLORS[0], name="realised σ (next-day moves), 21-day RMS"
        )

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.dates_label)
        layout.addWidget(self.pair_warning)
        layout.addWidget(results)
        layout.addWidget(self.history_label)
        layout.addWidget(self.history_plot, 1)

        self.vix_box.valueChanged.connect(self._on_vix_edited)
        self.level_box.valueChanged.connect(self._on_level_edited)
        self.days_box.valueChanged.connect(self._refresh)
        self.result: Rule16 | None = None
        self._refresh()

    def set_vix(self, value: float, date: str | None = None) -> None:
        """Show a reading set from elsewhere, the close of ``date`` when given (no
        vix_changed echo)."""
        set_quietly(self.vix_box, check_vix(value))
        self.vix_date = date
        self._refresh()

    def set_level(self, value: float, date: str | None = None) -> None:
        """Show an index level set from elsewhere, the close of ``date`` when given."""
        set_quietly(self.level_box, value)
        self.level_date = date
        self._refresh()

    def show_history(self, data: dict, vix_symbol: str) -> None:
        """Implied and realised daily sigma (21-day RMS) and the like-for-like summary."""
        self.implied_curve.setData(*charts.finite(data["seconds"], data["implied"]))
        self.realised_curve.setData(*charts.finite(data["seconds"], data["realised"]))
        s = data["summary"]
        self.history_label.setText(
            f"{vix_symbol} vs {data['index']}, {s['days']:,} days. Implied σ (VIX/16) mean "
            f"{s['implied_sigma_pct']:.2f}% vs realised σ (mean |next-day move| / 0.798) "
            f"{s['realised_sigma_abs_pct']:.2f}%; RMS: implied {s['implied_rms_pct']:.2f}% vs "
            f"realised {s['realised_rms_pct']:.2f}%. The next day's move beat the implied "
            f"1σ on {pct(s['share_above_1sigma'])} of days and 2σ on "
            f"{pct(s['share_above_2sigma'])} (a normal distribution: 31.7% and 4.6%)."
        )

    def _on_vix_edited(self, value: float) -> None:
        self.vix_date = None  # typed: no longer a dated close
        self._refresh()
        self.vix_changed.emit(value)

    def _on_level_edited(self) -> None:
        self.level_date = None
        self._refresh()

    def _show_dates(self) -> None:
        vix = "typed" if self.vix_date is None else f"close of {self.vix_date}"
        level = "typed" if self.level_date is None else f"close of {self.level_date}"
        self.dates_label.setText(f"VIX: {vix}; index level: {level}")
        warning = None
        if self.vix_date is not None and self.level_date is not None:
            warning = pairing_warning(self.vix_date, self.level_date)
        self.pair_warning.setText("" if warning is None else f"Warning: {warning}.")
        self.pair_warning.setVisible(warning is not None)

    def _refresh(self) -> None:
        res = rule_of_16(self.vix_box.value(), self.level_box.value(), self.days_box.value())
        self.result = res
        self._show_dates()
        self.daily_title.setText(f"Daily move ({res.days} days, ÷{res.days**0.5:.2f})")
        lo1, hi1 = res.range(1) or (0.0, 0.0)
        lo2, hi2 = res.range(2) or (0.0, 0.0)
        self.outputs["daily_move_pct"].setText(f"±{res.daily_move_pct:.3f}%")
        self.outputs["daily_move_pct_252"].setText(f"±{res.daily_move_pct_252:.3f}%")
        self.outputs["points_1sigma"].setText(f"±{res.points_1sigma:,.1f} pts")
        self.outputs["points_2sigma"].setText(f"±{res.points_2sigma:,.1f} pts")
        self.outputs["range_1sigma"].setText(f"{lo1:,.1f} – {hi1:,.1f}")
        self.outputs["range_2sigma"].setText(f"{lo2:,.1f} – {hi2:,.1f}")
