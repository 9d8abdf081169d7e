"""What the desk shows as text, for checks that no number is shown as NaN or infinity."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QAbstractButton, QLabel, QListWidget, QTableWidget, QWidget

_TAG = re.compile(r"<[^>]+>")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")  # the user's own text echoed in a message
_NOT_A_NUMBER = re.compile(r"(?<![A-Za-z])-?(nan|inf|infinity)(?![A-Za-z])", re.IGNORECASE)


def shown_texts(root: QWidget) -> list[str]:
    """Texts of every label, table cell, list item and button under ``root``."""
    texts = [_TAG.sub(" ", w.text()) for w in root.findChildren(QLabel)]
    texts += [b.text() for b in root.findChildren(QAbstractButton)]
    for table in root.findChildren(QTableWidget):
        for r in range(table.rowCount()):
            for c in range(table.columnCount()):
                item = table.item(r, c)
                if item is not None:
                    texts.append(item.text())
    for lst in root.findChildren(QListWidget):
        texts += [lst.item(i).text() for i in range(lst.count())]
    return texts


def nan_shown(root: QWidget) -> list[str]:
    """The shown texts that carry "nan" or "inf" as a word (should be none)."""
    return [t for t in shown_texts(root) if _NOT_A_NUMBER.search(_QUOTED.sub("", t))]
