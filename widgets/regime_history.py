"""VIX history for the VIX Regime dock: closes over shaded zone bands with alert markers,
the alerts list and the zone statistics table."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QListWidget,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from engine.vix import ZoneThresholds
from widgets import charts
from widgets.table_export import fill_table, install_table_menu

ALERT_COLORS = {"trend_weakening": "#f2c12e", "risk_cut_jump": "#d93a3a"}


class RegimeHistory(QWidget):
    """Shows a VIX series; ``date_picked`` when an alert is chosen in the list."""

    date_picked = Signal(str, float)  # date, VIX close that day

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("regimeHistory")
        self.title = QLabel("No VIX series loaded", self)
        charts.configure()
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.plot.setObjectName("vixHistoryPlot")
        self.plot.setMinimumHeight(160)
        self.plot.getAxis("left").enableAutoSIPrefix(False)
        self.curve = charts.fast_curve(self.plot.getPlotItem(), "#e1e6ed")
        self.markers = pg.ScatterPlotItem(size=7, pen=None)
        self.plot.addItem(self.markers)
        self.bands: list[pg.LinearRegionItem] = []
        self.alerts = QListWidget(self)
        self.alerts.setObjectName("alertList")
        self.alerts.setMaximumHeight(110)
        self.stats = QTableWidget(0, 4, self)
        self.stats.setObjectName("zoneStats")
        self.stats.setHorizontalHeaderLabels(["Zone", "Days", "Share", "Mean stay (days)"])
        self.stats.verticalHeader().setVisible(False)
        self.stats.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.stats.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.stats.setMaximumHeight(170)
        install_table_menu(self.stats)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.plot, 1)
        layout.addWidget(QLabel("Alerts (click to show that day)", self))
        layout.addWidget(self.alerts)
        layout.addWidget(self.stats)
        self.alert_rows: list[dict[str, Any]] = []
        self.alerts.currentRowChanged.connect(self._on_alert)

    def set_bands(self, thresholds: ZoneThresholds, top: float) -> None:
        for band in self.bands:
            self.plot.removeItem(band)
        self.bands = charts.zone_bands(thresholds, top)
        for band in self.bands:
            self.plot.addItem(band)

    def show_history(self, out: dict[str, Any], thresholds: ZoneThresholds) -> None:
        seconds = np.asarray(out["seconds"], dtype=float)
        closes = np.asarray(out["closes"], dtype=float)
        self.curve.setData(*charts.finite(seconds, closes))
        self.set_bands(thresholds, float(np.nanmax(closes)) if closes.size else 50.0)
        self.alert_rows = out["alerts"]
        spots = [
            {"pos": (a["seconds"], a["vix"]), "brush": pg.mkBrush(ALERT_COLORS[a["kind"]])}
            for a in self.alert_rows
        ]
        self.markers.setData(spots)
        self.alerts.clear()
        for a in reversed(self.alert_rows):  # newest first
            self.alerts.addItem(f"{a['date']}  {a['kind'].replace('_', ' ')}  VIX {a['vix']:.2f}")
        fill_table(
            self.stats,
            [
                (
                    zone.capitalize(),
                    f"{s['days']:,}",
                    f"{s['share'] * 100:.1f}%",
                    f"{s['mean_duration']:.1f}",
                )
                for zone, s in out["zones"].items()
            ],
        )
        self.title.setText(
            f"<b>{out['symbol']}</b> ({out['source']}): {len(closes):,} closes "
            f"{out['first']} .. {out['last']}, {len(self.alert_rows)} alerts"
        )

    def _on_alert(self, row: int) -> None:
        if 0 <= row < len(self.alert_rows):
            alert = self.alert_rows[len(self.alert_rows) - 1 - row]
            self.date_picked.emit(alert["date"], float(alert["vix"]))
