"""Right-click Copy / Export CSV… for any QTableWidget (charts export through pyqtgraph's own
right-click Export…, which writes PNG, SVG and CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QTableWidget, QTableWidgetItem


def table_rows(table: QTableWidget) -> list[list[str]]:
    """Header and cells as shown (sorted as on screen); a visible row header (the row's
    name) comes first in each row."""
    named = not table.verticalHeader().isHidden()
    header = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    rows = [[""] * named + header]
    for r in range(table.rowCount()):
        name = table.verticalHeaderItem(r)
        rows.append(
            [name.text() if name else str(r + 1)] * named
            + [
                table.item(r, c).text() if table.item(r, c) else ""
                for c in range(table.columnCount())
            ]
        )
    return rows


def table_to_csv(table: QTableWidget, path: Path) -> int:
    """Write the table as CSV; returns the number of data rows."""
    rows = table_rows(table)
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return len(rows) - 1


def table_to_text(table: QTableWidget) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\n").writerows(table_rows(table))
    return buffer.getvalue()


def fill_table(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    """Replace the table's cells with ``rows`` of text."""
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.setItem(r, c, QTableWidgetItem(text))


def install_table_menu(table: QTableWidget) -> None:
    """Add Copy and Export CSV… to the table's right-click menu."""
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    copy = QAction("Copy table", table)
    copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(table_to_text(table)))
    export = QAction("Export CSV…", table)

    def choose() -> None:
        path, _ = QFileDialog.getSaveFileName(
            table, "Export table", "table.csv", "CSV files (*.csv)"
        )
        if path:
            table_to_csv(table, Path(path))

    export.triggered.connect(choose)
    table.addAction(copy)
    table.addAction(export)
