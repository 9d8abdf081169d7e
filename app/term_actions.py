"""Term Structure dock -> curve and history jobs on the store's VIX indices and VX (being built)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from app.desk import Desk
    from widgets.term_panel import TermStructurePanel


class TermController(QObject):
    """Shows the curve on the chosen day and the history of the store's term-structure series."""

    def __init__(self, desk: Desk, panel: TermStructurePanel, store_path: Path) -> None:
        super().__init__(desk)
        self.desk = desk
        self.panel = panel
        self.store_path = store_path
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def show_day(self, day: str) -> None:
        """Show the curve on ``day`` (ISO date)."""
