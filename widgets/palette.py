"""The desk's colours: one fact per colour and theme (dark, light), the theme in use, and the
re-tinting of colours already shown (rich text, table cells) when the theme changes.

Widgets read ``current()`` when they draw or build; app/theme.py switches it. The VIX zone
band colours (gauge arc, chart bands, report bars) are the same in both themes."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, fields

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QTableWidget, QWidget

ZONE_COLORS: dict[str, QColor] = {
    "complacency": QColor("#2e9d5b"),
    "normal": QColor("#8cc63f"),
    "warning": QColor("#f2c12e"),
    "fear": QColor("#f07f22"),
    "panic": QColor("#d93a3a"),
}
EXTREME_COLOR = QColor("#8e1b1b")  # the VIX >= 40 band of the by-zone tables and charts


@dataclass(frozen=True)
class Theme:
    """Every colour of one theme, as ``#rrggbb``; text roles contrast >= 4.5 with the window
    and base colours."""

    name: str
    window: str  # panels and docks
    base: str  # inputs, tables, lists
    alt_base: str
    button: str
    text: str
    muted: str  # secondary text: group titles, gauge ticks, dates
    disabled: str
    placeholder: str
    border: str
    dock_title: str
    highlight: str
    highlight_text: str
    link: str
    error: str  # error and warning text
    chart_bg: str
    chart_fg: str  # axes, tick text, titles, legends, the VIX curve
    marker: str  # cursor and reference lines on charts
    benchmark: str
    gauge_track: str
    needle: str
    near: str  # background of a table row that needs attention (a trigger within 1 sigma)
    series: tuple[str, ...]  # curves of runs, in order
    positive: str  # bars above zero
    negative: str  # bars below zero
    alerts: tuple[tuple[str, str], ...]  # (alert kind, colour)
    zone_text: tuple[tuple[str, str], ...]  # (zone, colour of its name as text)

    def zone(self, name: str) -> str:
        """Colour of a VIX zone's name written as text."""
        return dict(self.zone_text)[name]

    def alert(self, kind: str) -> str:
        return dict(self.alerts)[kind]

    def drawn_colours(self) -> dict[str, str]:
        """The colours drawn into charts, rich text and table cells (not the widget palette's,
        which Qt re-applies itself), by role: ``series.0``, ``zone_text.panic``..."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in _NOT_DRAWN:
                continue
            if isinstance(value, str):
                out[f.name] = value
            elif value and isinstance(value[0], tuple):
                out.update({f"{f.name}.{k}": v for k, v in value})
            else:
                out.update({f"{f.name}.{i}": v for i, v in enumerate(value)})
        return out


_NOT_DRAWN = frozenset(
    {"name", "window", "base", "alt_base", "button", "disabled", "placeholder", "border"}
    | {"dock_title", "highlight", "highlight_text", "link", "chart_bg"}
)

DARK = Theme(
    name="dark",
    window="#1e232c",
    base="#161a21",
    alt_base="#1b2028",
    button="#262c37",
    text="#e1e6ed",
    muted="#9aa4b2",
    disabled="#6b7380",
    placeholder="#7d8796",
    border="#323a47",
    dock_title="#262e3a",
    highlight="#3d7bd9",
    highlight_text="#ffffff",
    link="#6fb0f5",
    error="#ff6b6b",
    chart_bg="#161a21",
    chart_fg="#c9d1dc",
    marker="#a7afba",
    benchmark="#8a93a0",
    gauge_track="#2a2f38",
    needle="#e8ecf1",
    near="#5a4a1a",
    series=("#3d9be9", "#f2c12e", "#8cc63f", "#e0564f", "#b07cf2"),
    positive="#5fb36a",
    negative="#e0564f",
    alerts=(("trend_weakening", "#f2c12e"), ("risk_cut_jump", "#e0564f")),
    zone_text=(
        ("complacency", "#3fb871"),
        ("normal", "#8cc63f"),
        ("warning", "#f2c12e"),
        ("fear", "#f59a4f"),
        ("panic", "#ff6b6b"),
    ),
)
LIGHT = Theme(
    name="light",
    window="#f3f4f6",
    base="#ffffff",
    alt_base="#f6f7f9",
    button="#e6e9ee",
    text="#1f2329",
    muted="#555e6b",
    disabled="#8d949e",
    placeholder="#6b7380",
    border="#c6ccd4",
    dock_title="#e1e5ea",
    highlight="#2f6fd0",
    highlight_text="#ffffff",
    link="#1f5fb0",
    error="#b3261e",
    chart_bg="#ffffff",
    chart_fg="#30343b",
    marker="#707985",
    benchmark="#7d8693",
    gauge_track="#dde1e6",
    needle="#262a31",
    near="#fbe7a1",
    series=("#1f63b4", "#8a5f00", "#3d7a12", "#c0392b", "#7b4fc9"),
    positive="#2e8b3e",
    negative="#c0392b",
    alerts=(("trend_weakening", "#8a5f00"), ("risk_cut_jump", "#c0392b")),
    zone_text=(
        ("complacency", "#1e7a44"),
        ("normal", "#3d7a12"),
        ("warning", "#8a5f00"),
        ("fear", "#a84c06"),
        ("panic", "#b3261e"),
    ),
)
THEMES: dict[str, Theme] = {t.name: t for t in (DARK, LIGHT)}
_current = [DARK]


def current() -> Theme:
    """The theme in use."""
    return _current[0]


def set_current(name: str) -> dict[str, str]:
    """Make ``name`` the theme in use; returns the colour map from the previous theme to it
    (``#old`` -> ``#new`` for every role whose colour changes)."""
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}")
    old, new = _current[0], THEMES[name]
    _current[0] = new
    return colour_map(old, new)


def colour_map(old: Theme, new: Theme) -> dict[str, str]:
    """``#old`` -> ``#new`` by role; a colour shared by two roles must move to one colour."""
    mapping: dict[str, str] = {}
    after = new.drawn_colours()
    for role, colour in old.drawn_colours().items():
        key, target = colour.lower(), after[role].lower()
        if mapping.setdefault(key, target) != target:
            raise ValueError(f"{old.name} colour {colour} has two {new.name} counterparts")
    return {k: v for k, v in mapping.items() if k != v}


def recolour(colour: QColor, mapping: dict[str, str]) -> QColor:
    """``colour`` moved to the new theme (alpha kept), itself when no role has it."""
    target = mapping.get(colour.name())
    if target is None:
        return colour
    moved = QColor(target)
    moved.setAlpha(colour.alpha())
    return moved


_HEX = re.compile(r"#[0-9a-fA-F]{6}\b")


def retint(root: QWidget, mapping: dict[str, str]) -> None:
    """Move the colours already shown under ``root`` to the new theme: rich-text labels and
    table cells (foreground and background)."""
    if not mapping:
        return
    for label in root.findChildren(QLabel):
        text = label.text()
        if "#" in text:
            moved = _HEX.sub(lambda m: mapping.get(m.group(0).lower(), m.group(0)), text)
            if moved != text:
                label.setText(moved)
    for table in root.findChildren(QTableWidget):
        for r in range(table.rowCount()):
            for c in range(table.columnCount()):
                item = table.item(r, c)
                if item is None:
                    continue
                for get, put in (
                    (item.foreground, item.setForeground),
                    (item.background, item.setBackground),
                ):
                    brush = get()
                    if brush.style() != Qt.BrushStyle.NoBrush:  # NoBrush: the palette's
                        moved = recolour(brush.color(), mapping)
                        if moved != brush.color():
                            put(QBrush(moved))


def set_tone(label: QLabel, tone: str | None) -> None:
    """Colour ``label``'s text by the style sheet's tone (``error``, ``muted``; None: plain),
    so it follows theme switches."""
    label.setProperty("tone", tone or "")
    label.style().unpolish(label)
    label.style().polish(label)


def error_html(text: object) -> str:
    """``text`` as a red message for a rich-text label, escaped (it may echo user input)."""
    return f"<span style='color:{current().error}'>{html.escape(str(text))}</span>"
