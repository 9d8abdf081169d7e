"""Regime Lab dock -> regime matrix, spike speed, dispersion and allocation jobs (being built)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from app.desk import Desk
    from widgets.regime_lab_panel import RegimeLabPanel
    from widgets.strategy_panel import StrategyPanel


class RegimeLabController(QObject):
    """Runs the Regime Lab's studies on the Strategy dock's universe and the store's VIX."""

    def __init__(
        self, desk: Desk, panel: RegimeLabPanel, strategy: StrategyPanel, store_path: Path
    ) -> None:
        super().__init__(desk)
        self.desk = desk
        self.panel = panel
        self.strategy = strategy
        self.store_path = store_path
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
