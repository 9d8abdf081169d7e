"""What the desk shows as text, for checks that no number is shown as NaN or infinity."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLabel, QWidget

MAX_ROWS = 5000  # rows read per view
_TAG = re.compile(r"<[^>]+>")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")  # the user's own text echoed in a message
_NOT_A_NUMBER = re.compile(r"(?<![A-Za-z])-?(nan|inf|infinity)(?![A-Za-z])", re.IGNORECASE)


def shown_texts(root: QWidget) -> list[str]:
    """Texts of every label, button, and table or list cell under ``root``."""
    texts = [_TAG.sub(" ", w.text()) for w in root.findChildren(QLabel)]
    texts += [b.text() for b in root.findChildren(QAbstractButton)]
    for view in root.findChildren(QAbstractItemView):  # tables and lists, widget or model
        model = view.model()
        if model is None:
            continue
        root_index = QModelIndex()
        try:
            columns = model.columnCount(root_index)
        except TypeError:  # list models keep columnCount private: one column
            columns = 1
        for r in range(min(model.rowCount(root_index), MAX_ROWS)):
            for c in range(columns):
                value = model.data(model.index(r, c), Qt.ItemDataRole.DisplayRole)
                if value is not None:
                    texts.append(str(value))
    return texts


def nan_shown(root: QWidget) -> list[str]:
    """The shown texts that carry "nan" or "inf" as a word (should be none)."""
    return [t for t in shown_texts(root) if _NOT_A_NUMBER.search(_QUOTED.sub("", html.unescape(t)))]
