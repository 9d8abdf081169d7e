"""VIX history for the VIX Regime dock: closes over shaded zone bands with alert markers,
the alerts list (with the trend alert's hold setting) and the zone statistics table; and the
largest VIX spikes, close to close and intraday (bad High prints skipped and counted)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from engine.labels import pct
from engine.vix import DEFAULT_HOLD_DAYS, TREND_BREAK_LEVEL, TREND_HOLD_LEVEL, ZoneThresholds
from widgets import charts, palette
from widgets.table_export import fill_table, install_table_menu


class RegimeHistory(QWidget):
    """Shows a VIX series; ``date_picked`` when an alert is chosen in the list,
    ``hold_days_changed`` when the trend alert's hold setting is edited."""

    date_picked = Signal(str, float)  # date, VIX close that day
    hold_days_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("regimeHistory")
        self.title = QLabel("No VIX series loaded", self)
        self.title.setWordWrap(True)
        charts.configure()
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.plot.setObjectName("vixHistoryPlot")
        self.plot.setMinimumHeight(160)
        self.plot.setLabel("left", "VIX close", units="% ann.")
        self.curve = charts.fast_curve(self.plot.getPlotItem(), palette.current().chart_fg)
        self.markers = pg.ScatterPlotItem(size=7, pen=None)
        self.plot.addItem(self.markers)
        self.bands: list[pg.LinearRegionItem] = []
        self.hold_days = QSpinBox(self)
        self.hold_days.setObjectName("trendHoldDays")
        self.hold_days.setRange(1, 250)
        self.hold_days.setValue(DEFAULT_HOLD_DAYS)
        self.hold_days.setSuffix(f" closes > {TREND_HOLD_LEVEL:g}")
        self.hold_days.setToolTip(
            f"Trend weakening fires on the first close at or above {TREND_BREAK_LEVEL:g} after "
            f"this many closes above {TREND_HOLD_LEVEL:g}, once per stretch above "
            f"{TREND_HOLD_LEVEL:g}."
        )
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
        alerts_row = QHBoxLayout()
        alerts_row.addWidget(QLabel("Alerts (click to show that day); trend after", self))
        alerts_row.addWidget(self.hold_days, 1)
        layout.addLayout(alerts_row)
        layout.addWidget(self.alerts)
        layout.addWidget(self.stats)
        self.alert_rows: list[dict[str, Any]] = []
        self.alerts.currentRowChanged.connect(self._on_alert)
        self.hold_days.valueChanged.connect(self.hold_days_changed)

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
        theme = palette.current()
        spots = [
            {"pos": (a["seconds"], a["vix"]), "brush": pg.mkBrush(theme.alert(a["kind"]))}
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
                    pct(s["share"]),
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


class SpikesView(QWidget):
    """The largest one-day VIX rises: close to close, and prior close to intraday high with
    the bad High prints skipped and counted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("vixSpikes")
        self.close_table = self._table("closeSpikes", ["Date", "Prior close", "Close", "Rise"])
        self.intraday_table = self._table(
            "intradaySpikes", ["Date", "Prior close", "High", "Close", "Rise to high"]
        )
        self.flagged = QLabel(self)
        self.flagged.setObjectName("flaggedHighs")
        self.flagged.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Largest rises, close to close", self))
        layout.addWidget(self.close_table, 1)
        layout.addWidget(QLabel("Largest rises, prior close to intraday high", self))
        layout.addWidget(self.intraday_table, 1)
        layout.addWidget(self.flagged)

    def _table(self, name: str, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers), self)
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        install_table_menu(table)
        return table

    def show_spikes(self, spikes: list[dict[str, Any]], intraday: dict[str, Any] | None) -> None:
        """``spikes`` from regime.spikes, ``intraday`` from regime.intraday_spikes (None: the
        series has no High)."""
        fill_table(
            self.close_table,
            [
                (
                    s["date"],
                    f"{s['prior_close']:.2f}",
                    f"{s['close']:.2f}",
                    f"{s['change_pct']:+.1f}%",
                )
                for s in spikes
            ],
        )
        if intraday is None:
            fill_table(self.intraday_table, [])
            self.flagged.setText("No intraday highs in this series.")
            return
        fill_table(
            self.intraday_table,
            [
                (
                    s["date"],
                    f"{s['prior_close']:.2f}",
                    f"{s['high']:.2f}",
                    f"{s['close']:.2f}",
                    f"{s['high_change_pct']:+.1f}%",
                )
                for s in intraday["spikes"]
            ],
        )
        dates = ", ".join(r["date"] for r in intraday["flagged_rows"])
        self.flagged.setText(
            f"{intraday['flagged']} High prints flagged and skipped ({intraday['rule']})"
            + (f": {dates}" if dates else "")
        )
