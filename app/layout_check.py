"""Does the window show its content? Counts visible horizontal scrollbars and texts that do not
fit (labels, buttons, tab and header sections), measured from the live widgets. The self-test
and the GUI tests both use ``measure``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QCheckBox,
    QDockWidget,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollBar,
    QStyle,
    QStyleOptionButton,
    QTabBar,
    QToolButton,
    QWidget,
)

SHOWN_CLIPPED = 8
"""How many clipped texts the report describes (it counts them all)."""


@dataclass
class LayoutReport:
    hscrollbars: list[str] = field(default_factory=list)
    clipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The self-test's ``layout`` object."""
        return {
            "hscrollbars_visible": len(self.hscrollbars),
            "clipped_texts": len(self.clipped),
            "clipped": self.clipped[:SHOWN_CLIPPED],
            "hscrollbars": self.hscrollbars[:SHOWN_CLIPPED],
        }


def _where(widget: QWidget) -> str:
    """The dock (or window) holding ``widget``, for the report."""
    parent = _dock_of(widget)
    place = parent.windowTitle().replace("&&", "&") if parent is not None else "window"
    name = widget.objectName() or type(widget).__name__
    return f"{place}: {name}"


def _plain(text: str) -> str:
    """A button's text as drawn: "&&" is "&", a single "&" marks the mnemonic."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _label_problem(label: QLabel) -> str | None:
    if not label.text() or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    need = label.minimumSizeHint()
    if need.width() > label.width():
        return f"needs {need.width()} px wide, has {label.width()}"
    if label.wordWrap():
        height = label.heightForWidth(label.width())
        if height > label.height():
            return f"needs {height} px high at its width, has {label.height()}"
    elif need.height() > label.height():
        return f"needs {need.height()} px high, has {label.height()}"
    return None


def _button_problem(button: QAbstractButton) -> str | None:
    text = _plain(button.text())
    if not text:
        return None
    if isinstance(button, QCheckBox):
        element = QStyle.SubElement.SE_CheckBoxContents
    elif isinstance(button, QRadioButton):
        element = QStyle.SubElement.SE_RadioButtonContents
    elif isinstance(button, QPushButton):
        element = QStyle.SubElement.SE_PushButtonContents
    else:
        need, have = button.sizeHint().width(), button.width()
        return f"needs {need} px, has {have}" if need > have else None
    option = QStyleOptionButton()
    button.initStyleOption(option)
    have = button.style().subElementRect(element, option, button).width()
    need = button.fontMetrics().horizontalAdvance(text)
    if not button.icon().isNull() and isinstance(button, QPushButton):
        need += button.iconSize().width() + 4
    return f"needs {need} px, has {have}" if need > have else None


def _header_problems(header: QHeaderView) -> list[str]:
    model = header.model()
    if model is None:
        return []
    problems = []
    room = header.viewport().width() if header.orientation() == Qt.Orientation.Horizontal else 0
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        text = model.headerData(section, header.orientation(), Qt.ItemDataRole.DisplayRole)
        if text in (None, ""):
            continue
        need = header.sectionSizeFromContents(section)
        size = header.sectionSize(section)
        needed = need.width() if header.orientation() == Qt.Orientation.Horizontal else 0
        end = header.sectionViewportPosition(section) + size
        if needed > size:
            problems.append(f"section {text!r} needs {needed} px, has {size}")
        elif room and end > room and not _has_visible_hscroll(header):
            problems.append(f"section {text!r} ends at {end} px, past the view's {room}")
    return problems


def _has_visible_hscroll(header: QHeaderView) -> bool:
    view = header.parentWidget()
    scroll = getattr(view, "horizontalScrollBar", None)
    return bool(scroll and scroll().isVisible())


def _tab_problems(bar: QTabBar) -> list[str]:
    problems = []
    for index in range(bar.count()):
        if not bar.isTabVisible(index):
            continue
        text = _plain(bar.tabText(index))
        have = bar.tabRect(index).width()
        need = bar.tabSizeHint(index).width()
        if text and need > have and text not in bar.tabToolTip(index):
            problems.append(f"tab {text!r} needs {need} px, has {have}")
    arrows = [b for b in bar.findChildren(QToolButton) if b.isVisible()]
    if arrows:
        problems.append(f"tabs scroll: {bar.count()} tabs do not fit in {bar.width()} px")
    return problems


def _dock_of(widget: QWidget) -> QDockWidget | None:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QDockWidget):
        parent = parent.parentWidget()
    return parent


def measure(window: QWidget) -> LayoutReport:
    """What of ``window`` is hidden behind a horizontal scrollbar or clipped, right now: the
    widgets on show (a dock tabbed behind another is "visible" to Qt, but covered)."""
    covered = {
        id(dock) for dock in window.findChildren(QDockWidget) if dock.visibleRegion().isEmpty()
    }

    def _visible(widgets: list[Any]) -> list[Any]:
        return [
            w
            for w in widgets
            if w.isVisible() and not w.rect().isEmpty() and id(_dock_of(w)) not in covered
        ]

    report = LayoutReport()
    for bar in _visible(window.findChildren(QScrollBar)):
        if bar.orientation() == Qt.Orientation.Horizontal:
            area = bar.parentWidget()
            while area is not None and not isinstance(area, QAbstractScrollArea):
                area = area.parentWidget()
            report.hscrollbars.append(_where(area or bar))
    for label in _visible(window.findChildren(QLabel)):
        problem = _label_problem(label)
        if problem:
            report.clipped.append(f"{_where(label)} {_plain(label.text())[:40]!r} {problem}")
    for button in _visible(window.findChildren(QAbstractButton)):
        problem = _button_problem(button)
        if problem:
            report.clipped.append(f"{_where(button)} {_plain(button.text())!r} {problem}")
    for header in _visible(window.findChildren(QHeaderView)):
        report.clipped.extend(f"{_where(header)} {p}" for p in _header_problems(header))
    for bar in _visible(window.findChildren(QTabBar)):
        report.clipped.extend(f"{_where(bar)} {p}" for p in _tab_problems(bar))
    return report
