"""Statistics dock: the latest run's metrics, the metrics of every run side by side, returns
by VIX zone, crisis alpha and the CTA-sleeve mixer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.labels import (
    LABELS,
    PERCENT_KEYS,
    ZONE_HEADERS,
    crisis_alpha_text,
    fmt,
    mixer_text,
    number,
    zone_rows,
)
from engine.sleeves import MIXER_MAX_SLEEVE_PCT
from engine.vix import DEFAULT_ZONES, ZoneThresholds
from widgets import charts, palette
from widgets.table_export import fill_table, install_table_menu, table_to_text


@dataclass(frozen=True)
class RunMetrics:
    """One column of the comparison: a run's label, first and last day (ISO) and metrics."""

    label: str
    start: str
    end: str
    metrics: dict[str, float]


def metric_row_label(key: str) -> str:
    """The metric's label with its unit: "CAGR (%)", "Max drawdown length (days)"."""
    label = LABELS.get(key, key)
    return f"{label} (%)" if key in PERCENT_KEYS else label


def comparison_value(key: str, value: float | None) -> str:
    """``value`` in the unit of :func:`metric_row_label` (percentages without the sign)."""
    if key in PERCENT_KEYS:
        return number(None if value is None else value * 100.0, ".2f")
    return fmt(key, value)


def _table(rows: int, headers: Sequence[str], parent: QWidget) -> QTableWidget:
    table = QTableWidget(rows, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    install_table_menu(table)
    return table


class StatsPanel(QWidget):
    """Shows the statistics of the latest run and the metrics of every run side by side (tabs);
    everything is computed by the engine."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statsPanel")
        self.title = QLabel("No run yet", self)
        self.title.setWordWrap(True)
        self.metrics = _table(0, ("Metric", "Value"), self)
        self.metrics.setObjectName("metricsTable")
        self.zones = _table(0, ZONE_HEADERS, self)
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
        self.sleeve_label.setWordWrap(True)  # long leg names never widen the dock
        charts.configure()
        self.mixer_plot = pg.PlotWidget(self)
        self.mixer_plot.setObjectName("mixerPlot")
        self.mixer_plot.setMinimumHeight(110)
        self.mixer_plot.setLabel("bottom", "CTA sleeve", units="%")
        self.mixer_plot.setLabel("left", "Sharpe", units="ratio")
        self.mixer_curve = charts.fast_curve(self.mixer_plot.getPlotItem(), charts.RUN_COLORS[0])
        self.mixer_marker = pg.InfiniteLine(angle=90, pen=pg.mkPen(palette.current().marker))
        self.mixer_plot.addItem(self.mixer_marker)
        self.copy_button = QPushButton("Copy tables", self)
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        self.mixer: list[dict[str, float]] = []
        self.mixer_legs = ""

        self.compare = _table(0, (), self)
        self.compare.setObjectName("compareTable")
        self.compare.setWordWrap(False)
        self.compare.verticalHeader().setVisible(True)  # the metrics stay in view as runs scroll
        self.compare.setToolTip("The metrics of every run in the Equity dock, side by side")

        sleeve_row = QHBoxLayout()
        sleeve_row.addWidget(QLabel("CTA sleeve", self))
        sleeve_row.addWidget(self.sleeve, 1)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("statsTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.metrics, "Latest run")
        self.tabs.addTab(self.compare, "Compare runs")
        self.tabs.addTab(_page(self, self.zones, self.crisis, grow=self.zones), "VIX zones")
        self.tabs.addTab(
            _page(self, sleeve_row, self.sleeve_label, self.mixer_plot, grow=self.mixer_plot),
            "Mixer",
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 1)
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
        fill_table(self.zones, zone_rows(by_zone or {}, thresholds))
        crisis = extras.get("crisis_alpha")
        self.crisis.setText(crisis_alpha_text(crisis if isinstance(crisis, dict) else None))
        self.mixer = list(extras.get("allocation_mixer", []))
        self.mixer_legs = str(extras.get("allocation_mixer_legs", "equity + CTA"))
        self.mixer_plot.setTitle(self.mixer_legs if self.mixer else "")
        self.sleeve.setEnabled(bool(self.mixer))
        if self.mixer:
            shares = np.array([r["cta_share"] * 100 for r in self.mixer])
            sharpes = np.array([r["sharpe"] for r in self.mixer])
            self.mixer_curve.setData(*charts.finite(shares, sharpes))
        self._show_sleeve(self.sleeve.value())

    def show_comparison(self, runs: Sequence[RunMetrics]) -> None:
        """The metrics of ``runs`` side by side: a row per metric (its unit in its name), a
        column per run (oldest first); no runs leaves the table empty."""
        keys = list(dict.fromkeys(k for run in runs for k in run.metrics))
        self.compare.clear()
        self.compare.setColumnCount(len(runs))
        self.compare.setHorizontalHeaderLabels([run.label for run in runs])
        for c, run in enumerate(runs):
            self.compare.horizontalHeaderItem(c).setToolTip(
                f"{run.label}: {run.start} .. {run.end}"
            )
        dates = [[run.start for run in runs], [run.end for run in runs]] if runs else []
        values = [[comparison_value(key, run.metrics.get(key)) for run in runs] for key in keys]
        fill_table(self.compare, dates + values)
        labels = ["First day", "Last day"] if runs else []
        self.compare.setVerticalHeaderLabels(labels + [metric_row_label(key) for key in keys])
        for r in range(len(dates), self.compare.rowCount()):  # numbers line up right
            for c in range(self.compare.columnCount()):
                self.compare.item(r, c).setTextAlignment(
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                )
        self.tabs.setTabText(1, f"Compare runs ({len(runs)})" if runs else "Compare runs")

    def _show_sleeve(self, percent: int) -> None:
        if not self.mixer:
            self.sleeve_label.setText("Allocation mixer: needs an equity index among the prices.")
            return
        row = min(self.mixer, key=lambda r: abs(r["cta_share"] * 100 - percent))
        self.mixer_marker.setPos(percent)
        self.sleeve_label.setText(mixer_text(row, self.mixer[0], self.mixer_legs))

    def copy_to_clipboard(self) -> str:
        """The title and the tables (latest run, VIX zones, comparison), tab-separated, on the
        clipboard (and returned)."""
        tables = (self.metrics, self.zones, self.compare)
        text = "\n".join([self.title.text(), *(table_to_text(t) for t in tables)])
        QGuiApplication.clipboard().setText(text)
        return text


def _page(parent: QWidget, *parts: QWidget | QHBoxLayout, grow: QWidget) -> QWidget:
    """A tab page stacking ``parts``; ``grow`` (one of them) takes the spare height."""
    page = QWidget(parent)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 4, 0, 0)
    for part in parts:
        if isinstance(part, QHBoxLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part, 1 if part is grow else 0)
    return page
