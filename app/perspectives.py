"""Perspectives: named arrangements of the docks (which are shown, where, how big), each with a
compact variant for laptop screens, keyed in the settings by perspective and screen-size bucket.

Charts own the centre: the centre tab group sits in the top dock area between the left and right
columns (the window has no central widget), the bottom groups share the middle below it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QScrollArea, QStyle, QTabWidget

Area = Qt.DockWidgetArea
Group = tuple[str, ...]
"""Docks tabbed together, by object name; the first is in front."""

COMPACT_BELOW = 1600
"""Windows narrower than this (1366x768, 1440x900 laptops) get the compact arrangement."""
BUCKETS = ((COMPACT_BELOW, "compact"), (2200, "hd"), (3000, "qhd"))
LARGEST_BUCKET = "uhd"
MIN_CENTRE_WIDTH = 360
TAB_ROW_MARGIN = 24  # a panel's layout margins around a tab widget
DOCK_TAB_PADDING = 32  # a dock tab's padding around its title


@dataclass(frozen=True)
class Arrangement:
    """Tab groups per column: ``left``/``right`` stack top to bottom with the given height shares,
    ``centre`` is the chart tab group, ``bottom`` groups sit side by side under it."""

    centre: Group
    left: tuple[Group, ...] = ()
    right: tuple[Group, ...] = ()
    bottom: tuple[Group, ...] = ()
    left_shares: tuple[float, ...] = ()
    right_shares: tuple[float, ...] = ()
    centre_share: float = 0.62

    def groups(self) -> tuple[Group, ...]:
        return (*self.left, self.centre, *self.bottom, *self.right)

    def shown(self) -> set[str]:
        """Object names of the docks this arrangement shows (in front or as a tab)."""
        return {name for group in self.groups() for name in group}

    def in_front(self) -> set[str]:
        return {group[0] for group in self.groups()}


@dataclass(frozen=True)
class Perspective:
    key: str
    title: str
    wide: Arrangement
    compact: Arrangement

    def arrangement(self, bucket: str) -> Arrangement:
        return self.compact if bucket == "compact" else self.wide


CHARTS: Group = (
    "dockEquity",
    "dockSweep",
    "dockEventReplay",
    "dockRegimeLab",
    "dockTermStructure",
)

PERSPECTIVES: tuple[Perspective, ...] = (
    Perspective(
        "research",
        "&Research",
        wide=Arrangement(
            centre=CHARTS,
            left=(("dockVixRegime",), ("dockRule16",)),
            left_shares=(0.55, 0.45),
            right=(("dockStrategy",), ("dockStatistics",)),
            right_shares=(0.5, 0.5),
            bottom=(("dockTriggersFlows", "dockData"),),
        ),
        compact=Arrangement(  # the lab's docks: Regime monitor, or the View menu
            centre=(*CHARTS[:3], "dockTriggersFlows", "dockData"),
            left=(("dockStrategy",),),
            right=(("dockStatistics", "dockVixRegime", "dockRule16"),),
        ),
    ),
    Perspective(
        "regime",
        "Regime &monitor",
        wide=Arrangement(
            centre=("dockRegimeLab", "dockTermStructure", "dockEventReplay", "dockEquity"),
            left=(("dockVixRegime",),),
            right=(("dockRule16",), ("dockStatistics",)),
            right_shares=(0.55, 0.45),
            bottom=(("dockTriggersFlows",),),
        ),
        compact=Arrangement(
            centre=(
                "dockRegimeLab",
                "dockTermStructure",
                "dockEventReplay",
                "dockEquity",
                "dockTriggersFlows",
            ),
            left=(("dockVixRegime", "dockRule16"),),
        ),
    ),
    Perspective(
        "event",
        "&Event study",
        wide=Arrangement(
            centre=("dockEventReplay", "dockTermStructure"),
            left=(("dockStrategy",),),
            right=(("dockVixRegime",), ("dockRule16",)),
            right_shares=(0.55, 0.45),
            bottom=(("dockEquity", "dockStatistics"),),
            centre_share=0.58,
        ),
        compact=Arrangement(
            centre=("dockEventReplay", "dockTermStructure", "dockEquity"),
            left=(("dockStrategy", "dockStatistics"),),
            right=(("dockVixRegime", "dockRule16"),),
        ),
    ),
    Perspective(
        "positioning",
        "&Positioning",
        wide=Arrangement(
            centre=("dockTriggersFlows",),
            left=(("dockStrategy",),),
            right=(("dockVixRegime",), ("dockRule16",)),
            right_shares=(0.55, 0.45),
            bottom=(("dockData", "dockEquity"),),
            centre_share=0.66,
        ),
        compact=Arrangement(
            centre=("dockTriggersFlows", "dockEquity", "dockData"),
            left=(("dockStrategy", "dockVixRegime", "dockRule16"),),
        ),
    ),
)
DEFAULT_PERSPECTIVE = PERSPECTIVES[0].key


def perspective(key: object) -> Perspective:
    """The perspective named ``key``; the default one for anything else (an old or odd setting)."""
    for candidate in PERSPECTIVES:
        if candidate.key == key:
            return candidate
    return PERSPECTIVES[0]


def size_bucket(width: int) -> str:
    """The screen-size class of a window ``width`` logical pixels wide (4K at 200% is "hd")."""
    for limit, name in BUCKETS:
        if width < limit:
            return name
    return LARGEST_BUCKET


def dock_content_width(dock: QDockWidget) -> int:
    """The narrowest width at which the dock shows its panel with no horizontal scrollbar, with
    room left for a vertical one."""
    host = dock.widget()
    if not isinstance(host, QScrollArea) or host.widget() is None:
        return host.minimumSizeHint().width()
    panel = host.widget()
    need = max(panel.minimumSizeHint().width(), panel.minimumWidth())
    for tabs in panel.findChildren(QTabWidget):  # every tab title on show, no scroll arrows
        need = max(need, tabs.tabBar().sizeHint().width() + TAB_ROW_MARGIN)
    frame = dock.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetFrameWidth, None, dock)
    return need + host.verticalScrollBar().sizeHint().width() + 2 * (frame + host.frameWidth())


def _tab_row_width(docks: list[QDockWidget]) -> int:
    """Room for the titles of tabbed docks, side by side."""
    if len(docks) < 2:
        return 0
    metrics = docks[0].fontMetrics()
    return sum(metrics.horizontalAdvance(d.windowTitle()) + DOCK_TAB_PADDING for d in docks)


def _column_width(docks: dict[str, QDockWidget], groups: tuple[Group, ...]) -> int:
    widths = [dock_content_width(docks[name]) for group in groups for name in group]
    widths += [_tab_row_width([docks[name] for name in group]) for group in groups]
    return max(widths)


def _shares(count: int, shares: tuple[float, ...]) -> list[float]:
    return list(shares) if len(shares) == count else [1.0 / count] * count


def arrange(window: QMainWindow, docks: dict[str, QDockWidget], arrangement: Arrangement) -> None:
    """Put every dock where ``arrangement`` says, size the columns to their content, hide the
    rest (the Log is tabbed, hidden, behind the first bottom group, or alone at the bottom)."""
    animated = window.isAnimated()
    window.setAnimated(False)  # an animated move would still be under way when sizes are set
    for dock in docks.values():
        dock.setFloating(False)
        window.removeDockWidget(dock)
    fronts: list[QDockWidget] = []

    def place(area: Area, groups: tuple[Group, ...], split: Qt.Orientation) -> list[QDockWidget]:
        heads = []
        for group in groups:
            head = docks[group[0]]
            window.addDockWidget(area, head, split)
            head.show()
            for name in group[1:]:
                window.tabifyDockWidget(head, docks[name])
                docks[name].show()
            heads.append(head)
        fronts.extend(heads)
        return heads

    vertical, horizontal = Qt.Orientation.Vertical, Qt.Orientation.Horizontal
    left = place(Area.LeftDockWidgetArea, arrangement.left, vertical)
    right = place(Area.RightDockWidgetArea, arrangement.right, vertical)
    (centre,) = place(Area.TopDockWidgetArea, (arrangement.centre,), horizontal)
    bottom = place(Area.BottomDockWidgetArea, arrangement.bottom, horizontal)
    shown = arrangement.shown()
    for name, dock in docks.items():  # the rest wait, hidden, at the bottom (View menu shows them)
        if name in shown:
            continue
        if bottom:
            window.tabifyDockWidget(bottom[0], dock)
        else:
            window.addDockWidget(Area.BottomDockWidgetArea, dock, horizontal)
        dock.hide()
    for dock in fronts:
        dock.raise_()

    columns = [
        (heads[0], groups)
        for heads, groups in ((left, arrangement.left), (right, arrangement.right))
        if heads
    ]
    if columns:  # on a window too small for them, the columns give way, the centre stays
        widths = [_column_width(docks, groups) for _head, groups in columns]
        room = max(window.width() - MIN_CENTRE_WIDTH, 0)
        if sum(widths) > room:
            widths = [width * room // sum(widths) for width in widths]
        window.resizeDocks([head for head, _groups in columns], widths, horizontal)
    height = window.height()
    for heads, shares in ((left, arrangement.left_shares), (right, arrangement.right_shares)):
        if len(heads) > 1:
            sizes = [round(height * share) for share in _shares(len(heads), shares)]
            window.resizeDocks(heads, sizes, vertical)
    if bottom:
        share = arrangement.centre_share
        window.resizeDocks(
            [centre, bottom[0]], [round(height * share), round(height * (1 - share))], vertical
        )
    window.setAnimated(animated)
