"""The docks of the main window, declared once: title, object name and factory.

Where each dock sits is declared per perspective in app/perspectives.py.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtWidgets import QWidget

from engine.data.sources import source_names


@dataclass(frozen=True)
class PanelSpec:
    """One dock: ``object_name`` keys the saved layout, so never rename it lightly. The panel
    class is named (``module:Class``) and imported when the dock is built, so importing the
    window loads no chart library."""

    title: str
    object_name: str
    panel: str
    options: dict[str, Any] = field(default_factory=dict)

    def make(self) -> QWidget:
        """The panel, built with its options."""
        module, _, name = self.panel.partition(":")
        return getattr(importlib.import_module(module), name)(**self.options)


PANELS: tuple[PanelSpec, ...] = (
    PanelSpec("VIX Regime", "dockVixRegime", "widgets.regime_panel:RegimePanel"),
    PanelSpec("Rule of 16", "dockRule16", "widgets.rule16_panel:Rule16Panel"),
    PanelSpec("Strategy", "dockStrategy", "widgets.strategy_panel:StrategyPanel"),
    PanelSpec("Statistics", "dockStatistics", "widgets.stats_panel:StatsPanel"),
    PanelSpec("Equity", "dockEquity", "widgets.equity_panel:EquityPanel"),
    PanelSpec("Sweep", "dockSweep", "widgets.sweep_panel:SweepPanel"),
    PanelSpec("Event Replay", "dockEventReplay", "widgets.event_panel:EventPanel"),
    PanelSpec("Regime Lab", "dockRegimeLab", "widgets.regime_lab_panel:RegimeLabPanel"),
    PanelSpec("Term Structure", "dockTermStructure", "widgets.term_panel:TermStructurePanel"),
    PanelSpec(
        "Triggers & Flows", "dockTriggersFlows", "widgets.positioning_panel:PositioningPanel"
    ),
    PanelSpec(
        "Data", "dockData", "widgets.data_panel:DataPanel", {"fetch_sources": source_names()}
    ),
)

LOG_TITLE = "Log"
LOG_DOCK = "dockLog"
"""The activity log's dock: a bottom dock, hidden until asked for (View menu, status badge)."""
