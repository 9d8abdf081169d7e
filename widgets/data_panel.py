"""Data dock: the stored series, import / fetch / delete buttons and a preview chart.

A view only: it emits requests (import, fetch, delete, preview) and the main window runs
them in workers against the store, then calls back ``set_series`` / ``show_preview``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QResizeEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from widgets import charts

COLUMNS = ("Symbol", "Kind", "Rows", "First", "Last", "Source")
CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"


SIDE_BY_SIDE_WIDTH = 720
"""Narrower than this (px), the preview goes under the table."""


class DataPanel(QWidget):
    """Series table + actions + preview. Rows are dicts with the keys of ``data list``."""

    import_requested = Signal(object)  # Path
    fetch_requested = Signal(str)  # source name
    delete_requested = Signal(str)  # symbol
    preview_requested = Signal(str)  # symbol

    def __init__(self, parent: QWidget | None = None, fetch_sources: Sequence[str] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("dataPanel")
        self.fetch_sources = list(fetch_sources)
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.table = QTableView(self)
        self.table.setObjectName("seriesTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch
        )
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        self.import_button = QPushButton("Import CSV…", self)
        self.fetch_button = QPushButton("Fetch online…", self)
        self.fetch_button.setEnabled(bool(self.fetch_sources))
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.setEnabled(False)
        self.import_button.setToolTip(
            "Import a CSV file into the store: CBOE VIX, Yahoo-style OHLC or a wide panel "
            "(Date + one column per instrument); you can also drop files on the window"
        )
        self.fetch_button.setToolTip(
            "Download a daily series from an online source (CBOE VIX indices, Stooq index or ETF)"
            if self.fetch_sources
            else "No online source is available in this installation"
        )
        self.delete_button.setToolTip("Delete the selected series and all its bars from the store")
        self.import_button.clicked.connect(self.choose_file)
        self.fetch_button.clicked.connect(self.choose_source)
        self.delete_button.clicked.connect(self._confirm_delete)
        self.summary = QLabel(self)
        self.summary.setObjectName("dataSummary")
        self.summary.setWordWrap(True)

        buttons = QHBoxLayout()
        for button in (self.import_button, self.fetch_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.preview_host = QWidget(self)
        self.preview_layout = QVBoxLayout(self.preview_host)
        self.preview_layout.setContentsMargins(0, 0, 0, 0)
        self.preview_title = QLabel("Select a series to preview it", self.preview_host)
        self.preview_layout.addWidget(self.preview_title)
        charts.configure()
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem()})
        self.plot.setObjectName("previewPlot")
        self.plot.showGrid(x=False, y=False)
        self.curve = charts.fast_curve(self.plot.getPlotItem(), charts.RUN_COLORS[0])
        self.preview_layout.addWidget(self.plot, 1)
        self.plot.setVisible(False)  # shown with the first preview (an empty date axis misleads)

        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.addWidget(self.table)
        self.split.addWidget(self.preview_host)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.split, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Table beside the preview when wide, above it when narrow (a side column)."""
        super().resizeEvent(event)
        wide = event.size().width() >= SIDE_BY_SIDE_WIDTH
        self.split.setOrientation(Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical)

    # -- table ----------------------------------------------------------------------------
    def set_series(self, rows: Sequence[dict[str, object]]) -> None:
        """Replace the table contents, keeping the selected symbol if it is still there."""
        keep = self.selected_symbol()
        self.model.removeRows(0, self.model.rowCount())
        for row in rows:
            values = (
                row["symbol"],
                row["kind"],
                row["rows"],
                row["first"],
                row["last"],
                row["source"],
            )
            items = []
            for value in values:
                item = QStandardItem(
                    "" if value is None else f"{value:,}" if isinstance(value, int) else str(value)
                )
                item.setData(value if value is not None else "", Qt.ItemDataRole.UserRole)
                items.append(item)
            self.model.appendRow(items)
        demo = sum(1 for r in rows if str(r["source"]).startswith("DEMO"))
        text = f"{len(rows)} series"
        self.summary.setText(text + (f" ({demo} DEMO (synthetic))" if demo else ""))
        self.table.resizeColumnsToContents()
        if keep:
            self.select(keep)

    def symbols(self) -> list[str]:
        return [self.model.item(r, 0).text() for r in range(self.model.rowCount())]

    def select(self, symbol: str) -> bool:
        for row in range(self.proxy.rowCount()):
            if self.proxy.index(row, 0).data() == symbol:
                self.table.selectRow(row)
                return True
        return False

    def selected_symbol(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data() if rows else None

    def _on_selection(self) -> None:
        symbol = self.selected_symbol()
        self.delete_button.setEnabled(symbol is not None)
        if symbol:
            self.preview_requested.emit(symbol)

    # -- actions --------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import a CSV file", "", CSV_FILTER)
        if path:
            self.import_requested.emit(Path(path))

    def choose_source(self) -> None:
        """Ask for a source: a listed one, or typed (cboe-vx:YYYY-MM for a VX contract,
        stooq:TICKER for a Stooq series)."""
        source, ok = QInputDialog.getItem(
            self,
            "Fetch online",
            "Source (or type cboe-vx:YYYY-MM for a VX futures contract, stooq:TICKER):",
            self.fetch_sources,
            0,
            True,
        )
        if ok and source.strip():
            self.fetch_requested.emit(source.strip())

    def _confirm_delete(self) -> None:
        symbol = self.selected_symbol()
        if symbol is None:
            return
        answer = QMessageBox.question(
            self, "Delete series", f"Delete {symbol} and all its bars from the store?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_requested.emit(symbol)

    # -- preview --------------------------------------------------------------------------
    def show_preview(
        self, symbol: str, label: str, seconds: np.ndarray, closes: np.ndarray
    ) -> None:
        """Plot closes against POSIX seconds (UI thread only)."""
        self.preview_title.setText(label)
        self.curve.setData(*charts.finite(seconds, closes))
        self.plot.setVisible(True)
        self.plot.enableAutoRange()
        self.preview_symbol = symbol
