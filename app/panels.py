"""The docks of the main window, declared once: title, object name, area and factory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from engine.data.sources import source_names
from widgets.data_panel import DataPanel
from widgets.equity_panel import EquityPanel
from widgets.event_panel import EventPanel
from widgets.positioning_panel import PositioningPanel
from widgets.regime_panel import RegimePanel
from widgets.rule16_panel import Rule16Panel
from widgets.stats_panel import StatsPanel
from widgets.strategy_panel import StrategyPanel
from widgets.sweep_panel import SweepPanel

Area = Qt.DockWidgetArea


@dataclass(frozen=True)
class PanelSpec:
    """One dock: ``object_name`` keys the saved layout, so never rename it lightly."""

    title: str
    object_name: str
    area: Area
    factory: Callable[[], QWidget]
    tab_with: str | None = None  # object_name of the dock this one is tabbed behind by default


PANELS: tuple[PanelSpec, ...] = (
    PanelSpec("VIX Regime", "dockVixRegime", Area.LeftDockWidgetArea, RegimePanel),
    PanelSpec("Rule of 16", "dockRule16", Area.LeftDockWidgetArea, Rule16Panel),
    PanelSpec("Strategy", "dockStrategy", Area.RightDockWidgetArea, StrategyPanel),
    PanelSpec("Statistics", "dockStatistics", Area.RightDockWidgetArea, StatsPanel),
    PanelSpec("Equity", "dockEquity", Area.TopDockWidgetArea, EquityPanel),
    PanelSpec("Sweep", "dockSweep", Area.TopDockWidgetArea, SweepPanel, tab_with="dockEquity"),
    PanelSpec(
        "Event Replay", "dockEventReplay", Area.TopDockWidgetArea, EventPanel, tab_with="dockEquity"
    ),
    PanelSpec("Triggers & Flows", "dockTriggersFlows", Area.BottomDockWidgetArea, PositioningPanel),
    PanelSpec(
        "Data",
        "dockData",
        Area.BottomDockWidgetArea,
        partial(DataPanel, fetch_sources=source_names()),
        tab_with="dockTriggersFlows",
    ),
)
