"""The dialog shown when an import or fetch would change series stored from another source.

It offers the same ways forward as ``ctadesk-cli data import``: import under a prefix, rename
the colliding series, replace them, or (when the file holds others) import only the rest.
Opened with ``open()`` (window-modal, never blocking the event loop); ``choice()`` gives the
answer after ``accepted``, and tests pick an answer with ``choose`` before ``accept``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from engine.data.choice import ImportChoice


class ConflictDialog(QDialog):
    """Ways forward for an import colliding with ``symbols``; cancel writes nothing."""

    def __init__(
        self,
        parent: QWidget | None,
        message: str,
        symbols: Sequence[str],
        prefix: str,
        can_skip: bool,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setWindowTitle("CTA Desk - Series already in the store")
        text = QLabel(message, self)
        text.setWordWrap(True)
        text.setObjectName("conflictText")
        self.message = message

        self.options = {
            "prefix": QRadioButton("Import under a prefix:", self),
            "rename": QRadioButton("Import the colliding series under new names:", self),
            "replace": QRadioButton("Replace the stored series (their bars are deleted)", self),
            "skip": QRadioButton("Import only the other series; leave the stored ones", self),
        }
        group = QButtonGroup(self)
        for button in self.options.values():
            group.addButton(button)
        self.options["skip"].setVisible(can_skip)
        self.options["prefix"].setChecked(True)

        self.prefix_edit = QLineEdit(prefix, self)
        self.prefix_edit.setObjectName("prefixEdit")
        prefix_row = QHBoxLayout()
        prefix_row.addWidget(self.options["prefix"])
        prefix_row.addWidget(self.prefix_edit, 1)
        self.rename_edits = {s: QLineEdit(f"{prefix}{s}", self) for s in symbols}
        names = QFormLayout()
        names.setContentsMargins(24, 0, 0, 0)
        for symbol, edit in self.rename_edits.items():
            edit.setObjectName(f"rename_{symbol}")
            names.addRow(f"{symbol} as", edit)
        for edit in (self.prefix_edit, *self.rename_edits.values()):
            edit.textChanged.connect(self._update)
        for button in self.options.values():
            button.toggled.connect(self._update)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.addWidget(text)
        body_layout.addLayout(prefix_row)
        body_layout.addWidget(self.options["rename"])
        body_layout.addLayout(names)
        body_layout.addWidget(self.options["replace"])
        body_layout.addWidget(self.options["skip"])
        body_layout.addStretch(1)
        # a panel colliding on many series lists them all: they scroll, the buttons stay in view
        self.scroll = QScrollArea(self)
        self.scroll.setObjectName("conflictScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.buttons)
        self._fit_screen(body)
        self._update()

    def _fit_screen(self, body: QWidget) -> None:
        """Open as tall as the content, at most 80% of the screen's height (then it scrolls)."""
        screen = self.screen().availableGeometry()
        wanted = body.sizeHint()
        height = wanted.height() + self.buttons.sizeHint().height() + 40
        self.resize(
            min(max(wanted.width() + 40, 520), int(screen.width() * 0.8)),
            min(height, int(screen.height() * 0.8)),
        )

    def chosen(self) -> str:
        return next(name for name, button in self.options.items() if button.isChecked())

    def choose(self, option: str) -> None:
        """Select prefix, rename, replace or skip (as a click on its radio button would)."""
        self.options[option].setChecked(True)

    def choice(self) -> ImportChoice:
        """The selected way forward, for the engine's import."""
        option = self.chosen()
        if option == "prefix":
            return ImportChoice(prefix=self.prefix_edit.text().strip())
        if option == "rename":
            return ImportChoice(rename={s: e.text().strip() for s, e in self.rename_edits.items()})
        return ImportChoice(replace=option == "replace", skip_existing=option == "skip")

    def _update(self) -> None:
        option = self.chosen()
        self.prefix_edit.setEnabled(option == "prefix")
        for edit in self.rename_edits.values():
            edit.setEnabled(option == "rename")
        complete = {
            "prefix": bool(self.prefix_edit.text().strip()),
            "rename": all(e.text().strip() for e in self.rename_edits.values()),
        }.get(option, True)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(complete)
