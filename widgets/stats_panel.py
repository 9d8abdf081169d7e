"""Statistics dock: metrics, returns by VIX zone, crisis alpha and the CTA-sleeve mixer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSlider,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from engine.labels import LABELS, fmt, zone_label
from engine.metrics import MIXER_MAX_SLEEVE_PCT
from engine.vix import DEFAULT_ZONES, ZoneThresholds
from widgets import charts
from widgets.table_export import fill_table, install_table_menu, table_to_text


def _table(rows: int, headers: Sequence[str], parent: QWidget) -> QTableWidget:
    table = QTableWidget(rows, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    install_table_menu(table)
    return table


class StatsPanel(QWidget):
    """Shows the statistics of the latest run; everything is computed by the engine."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statsPanel")
        self.title = QLabel("No run yet", self)
        self.title.setWordWrap(True)
        self.metrics = _table(0, ("Metric", "Value"), self)
        self.metrics.setObjectName("metricsTable")
        self.zones = _table(0, ("VIX zone", "Days", "Share", "Return", "Vol", "Sharpe"), self)
        self.zones.setObjectName("zoneStatsTable")
        self.crisis = QLabel(self)
        self.crisis.setObjectName("crisisAlpha")
        self.crisis.setWordWrap(True)
        self.sleeve = QSlider(Qt.Orientation.Horizontal, self)
        self.sleeve.setObjectName("sleeveSlider")
        self.sleeve.setRange(0, MIXER_MAX_SLEEVE_PCT)
        self.sleeve.valueChanged.connect(self._show_sleeve)
        self.sleeve_label = QLabel(self)
        self.sleeve_label.setObjectName("sleeveLabel")
        charts.configure()
        self.mixer_plot = pg.PlotWidget(self)
        self.mixer_plot.setObjectName("mixerPlot")
        self.mixer_plot.setMinimumHeight(110)
        self.mixer_plot.setLabel("bottom", "CTA sleeve %")
        self.mixer_plot.setLabel("left", "Sharpe")
        self.mixer_curve = charts.fast_curve(self.mixer_plot.getPlotItem(), charts.RUN_COLORS[0])
        self.mixer_marker = pg.InfiniteLine(angle=90, pen=pg.mkPen("#aaa"))
        self.mixer_plot.addItem(self.mixer_marker)
        self.copy_button = QPushButton("Copy tables", self)
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        self.mixer: list[dict[str, float]] = []
        self.mixer_legs = ""

        sleeve_row = QHBoxLayout()
        sleeve_row.addWidget(QLabel("CTA sleeve", self))
        sleeve_row.addWidget(self.sleeve, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.metrics, 3)
        layout.addWidget(self.zones, 2)
        layout.addWidget(self.crisis)
        layout.addLayout(sleeve_row)
        layout.addWidget(self.sleeve_label)
        layout.addWidget(self.mixer_plot, 1)
        layout.addWidget(self.copy_button)

    def show_stats(
        self,
        title: str,
        metrics: dict[str, float],
        by_zone: dict[str, dict[str, float]] | None,
        extras: dict[str, Any],
        thresholds: ZoneThresholds = DEFAULT_ZONES,
    ) -> None:
        """Show a run's statistics; ``by_zone`` was computed with the zone ``thresholds``."""
        self.title.setText(title)
        fill_table(self.metrics, [(LABELS.get(k, k), fmt(k, v)) for k, v in metrics.items()])
        zones = by_zone or {}
        fill_table(
            self.zones,
            [
                (
                    zone_label(zone, thresholds),
                    f"{s['days']:,}",
                    fmt("hit_rate", s["share"]),
                    fmt("ann_return", s["ann_return"]),
                    fmt("ann_vol", s["ann_vol"]),
                    fmt("sharpe", s["sharpe"]),
                )
                for zone, s in zones.items()
            ],
        )
        crisis = extras.get("crisis_alpha")
        if crisis:
            self.crisis.setText(
                f"Crisis alpha: in the worst {crisis['months']:.0f} index months (index "
                f"{crisis['index_mean_monthly'] * 100:.1f}% a month) the strategy made "
                f"{crisis['strategy_mean_monthly'] * 100:.2f}% a month, positive in "
                f"{crisis['strategy_hit_rate'] * 100:.0f}% of them."
            )
        else:
            self.crisis.setText(
                "Crisis alpha: needs an equity index in percent mode among the prices."
            )
        self.mixer = list(extras.get("allocation_mixer", []))
        self.mixer_legs = str(extras.get("allocation_mixer_legs", "equity + CTA"))
        self.mixer_plot.setTitle(self.mixer_legs if self.mixer else "")
        self.sleeve.setEnabled(bool(self.mixer))
        if self.mixer:
            shares = np.array([r["cta_share"] * 100 for r in self.mixer])
            sharpes = np.array([r["sharpe"] for r in self.mixer])
            self.mixer_curve.setData(*charts.finite(shares, sharpes))
        self._show_sleeve(self.sleeve.value())

    def _show_sleeve(self, percent: int) -> None:
        if not self.mixer:
            self.sleeve_label.setText("Allocation mixer: needs an equity index among the prices.")
            return
        row = min(self.mixer, key=lambda r: abs(r["cta_share"] * 100 - percent))
        self.mixer_marker.setPos(percent)
        base = self.mixer[0]
        self.sleeve_label.setText(
            f"{row['cta_share'] * 100:.0f}% CTA sleeve: Sharpe {row['sharpe']:.2f} "
            f"({row['sharpe'] - base['sharpe']:+.2f}), vol {row['ann_vol'] * 100:.1f}%, "
            f"max drawdown {row['max_drawdown'] * 100:.1f}% ({self.mixer_legs})"
        )

    def copy_to_clipboard(self) -> str:
        """The title and both tables, tab-separated, on the clipboard (and returned)."""
        text = "\n".join(
            [self.title.text(), table_to_text(self.metrics), table_to_text(self.zones)]
        )
        QGuiApplication.clipboard().setText(text)
        return text
