"""The docks of the main window, declared once: title, object name and factory.

Where each dock sits is declared per perspective in app/perspectives.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

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


@dataclass(frozen=True)
class PanelSpec:
    """One dock: ``object_name`` keys the saved layout, so never rename it lightly."""

    title: str
    object_name: str
    factory: Callable[[], QWidget]


PANELS: tuple[PanelSpec, ...] = (
    PanelSpec("VIX Regime", "dockVixRegime", RegimePanel),
    PanelSpec("Rule of 16", "dockRule16", Rule16Panel),
    PanelSpec("Strategy", "dockStrategy", StrategyPanel),
    PanelSpec("Statistics", "dockStatistics", StatsPanel),
    PanelSpec("Equity", "dockEquity", EquityPanel),
    PanelSpec("Sweep", "dockSweep", SweepPanel),
    PanelSpec("Event Replay", "dockEventReplay", EventPanel),
    PanelSpec("Triggers & Flows", "dockTriggersFlows", PositioningPanel),
    PanelSpec("Data", "dockData", partial(DataPanel, fetch_sources=source_names())),
)

LOG_TITLE = "Log"
LOG_DOCK = "dockLog"
"""The activity log's dock: a bottom dock, hidden until asked for (View menu, status badge)."""
