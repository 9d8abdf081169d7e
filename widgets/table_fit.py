"""Tables that fit: columns sized to their content within the view's width (the widest give
way first, never below their header), and the full text of every cell in its tooltip."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QHeaderView, QTableView, QToolTip

_MODEL_SIGNALS = (
    "modelReset",
    "layoutChanged",
    "rowsInserted",
    "rowsRemoved",
    "columnsInserted",
    "columnsRemoved",
    "dataChanged",
    "headerDataChanged",
)


def fit_widths(wanted: list[int], floors: list[int], room: int) -> list[int]:
    """Column widths within ``room``: ``wanted`` when they fit (what is left over shared in
    proportion); else the widest columns are cut to one cap, none below its floor."""
    if not wanted:
        return []
    total = sum(wanted)
    if total <= room:
        widths = [w + (room - total) * w // total for w in wanted]
        widths[-1] += room - sum(widths)
        return widths
    if sum(floors) >= room:
        return list(floors)
    low, high = 0, max(wanted)  # the largest cap whose widths fit in the room
    while low < high:
        cap = (low + high + 1) // 2
        if sum(max(f, min(w, cap)) for w, f in zip(wanted, floors, strict=True)) <= room:
            low = cap
        else:
            high = cap - 1
    widths = [max(f, min(w, low)) for w, f in zip(wanted, floors, strict=True)]
    cut = max(range(len(widths)), key=lambda i: wanted[i] - widths[i])
    widths[cut] += room - sum(widths)  # the cap's rounding, to the column cut the most
    return widths


class TableFitter(QObject):
    """Keeps ``view``'s columns fitted whenever its model or its width changes."""

    def __init__(self, view: QTableView) -> None:
        super().__init__(view)
        self.setObjectName("tableFitter")
        self.view = view
        self._model: QAbstractItemModel | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fit)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.viewport().installEventFilter(self)
        self._watch()
        self.fit()

    def _watch(self) -> None:
        """Follow the view's current model (a panel may replace it)."""
        model = self.view.model()
        if model is self._model:
            return
        if self._model is not None:
            for name in _MODEL_SIGNALS:
                getattr(self._model, name).disconnect(self._timer.start)
        self._model = model
        if model is not None:
            for name in _MODEL_SIGNALS:
                getattr(model, name).connect(self._timer.start)

    def fit(self) -> None:
        """Size the visible columns to their content within the viewport's width."""
        self._watch()
        view, header = self.view, self.view.horizontalHeader()
        columns = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        floors = [header.sectionSizeHint(c) for c in columns]
        wanted = [max(view.sizeHintForColumn(c), f) for c, f in zip(columns, floors, strict=True)]
        for column, width in zip(
            columns, fit_widths(wanted, floors, view.viewport().width()), strict=True
        ):
            header.resizeSection(column, width)

    def tooltip(self, row: int, column: int) -> str:
        """The cell's own tooltip, else its full text."""
        index = self.view.model().index(row, column)
        own = index.data(Qt.ItemDataRole.ToolTipRole)
        text = own if own else index.data(Qt.ItemDataRole.DisplayRole)
        return "" if text is None else str(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._timer.start()
        elif event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.view.indexAt(event.pos())
            text = self.tooltip(index.row(), index.column()) if index.isValid() else ""
            if text:
                rect = self.view.visualRect(index)
                QToolTip.showText(event.globalPos(), text, self.view.viewport(), rect)
            else:
                QToolTip.hideText()
            return True
        return False


def fit_table(view: QTableView) -> TableFitter:
    """Fit ``view``'s columns now and whenever its model or width changes; cell tooltips."""
    existing = view.findChild(TableFitter, "tableFitter", Qt.FindChildOption.FindDirectChildrenOnly)
    return existing if existing is not None else TableFitter(view)
