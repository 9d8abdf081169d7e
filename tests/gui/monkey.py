"""A seeded random user for the desk: clicks, typing (much of it invalid), spin boxes, combo
boxes, universe ticks, table selections, tabs, sliders, menu actions, docks closed and reopened
or floated, Run/Cancel storms. Records every error dialog and the longest gap between UI
heartbeats; anything that would open a blocking file or question dialog is left alone."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDockWidget,
    QLineEdit,
    QListWidget,
    QSlider,
    QTableWidget,
    QTabWidget,
    QToolButton,
    QWidget,
)

from app.mainwindow import MainWindow

# texts typed into line edits: valid-looking, invalid, extreme
TYPED = ("20", "0.1", "-1", "0", "1e309", "nan", "abc", "", " ", "20:260:10", "5:1:1",
         "10,20,30", "1,,2", "ret:252,sma:200", "blend:63/126", "sma:0", "x" * 300,
         "20,30,40", "15,20,25,30", "30,20", "local:2", "tcp://127.0.0.1:1", "ümlaut €",
         "DEMO_ES", "1/2/3", "-5:-1:1", "1000000000")  # fmt: skip
# buttons and actions that open blocking dialogs or quit (text ends with an ellipsis)
BLOCKING = ("Delete", "Quit", "About", "Hide or show")
# what a user-facing error may be; anything else in a dialog is a bug
EXPECTED_ERRORS = ("ValueError:", "StoreError:", "StoreDamaged:", "FetchError:", "ClusterError:")


@dataclass
class MonkeyReport:
    events: int = 0
    dialogs: list[tuple[str, str]] = field(default_factory=list)
    actions: dict[str, int] = field(default_factory=dict)
    max_gap_ms: float = 0.0

    def unexpected(self) -> list[tuple[str, str]]:
        """Dialogs that are not a clear message about the input."""
        return [(t, m) for t, m in self.dialogs if not m.startswith(EXPECTED_ERRORS)]


class Heartbeat:
    """A UI-thread timer: the longest gap between its ticks is the longest UI stall."""

    def __init__(self, interval_ms: int = 20) -> None:
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.max_gap_ms = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.max_gap_ms = max(self.max_gap_ms, (now - self.last) * 1000)
        self.last = now

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()


class Monkey:
    """Drives ``window`` with actions chosen by ``random.Random(seed)``."""

    def __init__(self, window: MainWindow, seed: int) -> None:
        self.window = window
        self.rng = random.Random(seed)
        self.report = MonkeyReport()
        self.excluded: set[QWidget] = {window.panels["dockSweep"].cluster_box}  # no LocalCluster
        window.errors.report.connect(lambda t, m, _d: self.report.dialogs.append((t, m)))
        self.actions: list[tuple[Callable[[], None], int]] = [
            (self.click_button, 20), (self.type_text, 14), (self.spin, 10), (self.combo, 8),
            (self.tick_universe, 6), (self.select_cell, 8), (self.tab, 5), (self.slider, 4),
            (self.menu_action, 5), (self.dock, 4), (self.storm, 3), (self.resize, 2),
            (self.settle, 2),
        ]  # fmt: skip

    # -- helpers -------------------------------------------------------------------------
    def _live(self, kind: type) -> list:
        return [
            w
            for w in self.window.findChildren(kind)
            if w.isVisible() and w.isEnabled() and w not in self.excluded
        ]

    def _pick(self, kind: type):
        found = self._live(kind)
        return self.rng.choice(found) if found else None

    def _blocking(self, text: str) -> bool:
        text = text.replace("&", "").strip()
        return text.endswith(("…", "...")) or text.startswith(BLOCKING)

    # -- actions -------------------------------------------------------------------------
    def click_button(self) -> None:
        buttons = [
            b
            for b in self._live(QAbstractButton)
            if not self._blocking(b.text())
            and not (isinstance(b, QToolButton) and b.menu() is not None)  # a menu waits for a pick
        ]
        if buttons:
            self.rng.choice(buttons).click()

    def type_text(self) -> None:
        edit = self._pick(QLineEdit)
        if edit is not None and not edit.isReadOnly():
            edit.setText(self.rng.choice(TYPED))
            edit.editingFinished.emit()
            edit.returnPressed.emit()

    def spin(self) -> None:
        box = self._pick(QAbstractSpinBox)
        if box is not None:
            box.stepBy(self.rng.choice((-100, -10, -1, 1, 10, 100)))
            box.editingFinished.emit()

    def combo(self) -> None:
        box = self._pick(QComboBox)
        if box is not None and box.count():
            box.setCurrentIndex(self.rng.randrange(box.count()))

    def tick_universe(self) -> None:
        strategy = self.window.panels["dockStrategy"]
        symbols = [strategy.universe.item(i) for i in range(strategy.universe.count())]
        if symbols:
            chosen = self.rng.sample(symbols, k=self.rng.randint(1, min(6, len(symbols))))
            for item in chosen:
                item.setCheckState(
                    item.checkState().__class__(2 - item.checkState().value)  # toggle
                )

    def select_cell(self) -> None:
        views = [v for v in self._live(QTableWidget) if v.rowCount()] + [
            v for v in self._live(QListWidget) if v.count()
        ]
        if views:
            view = self.rng.choice(views)
            if isinstance(view, QTableWidget):
                view.setCurrentCell(self.rng.randrange(view.rowCount()), 0)
            else:
                view.setCurrentRow(self.rng.randrange(view.count()))

    def tab(self) -> None:
        tabs = self._pick(QTabWidget)
        if tabs is not None and tabs.count():
            tabs.setCurrentIndex(self.rng.randrange(tabs.count()))

    def slider(self) -> None:
        slider = self._pick(QSlider)
        if slider is not None:
            slider.setValue(self.rng.randint(slider.minimum(), slider.maximum()))

    def menu_action(self) -> None:
        actions = [
            a
            for menu in self.window.menuBar().actions()
            if menu.menu() is not None
            for a in menu.menu().actions()
            if isinstance(a, QAction) and a.isEnabled() and a.text() and not a.isSeparator()
            and not self._blocking(a.text())
        ]  # fmt: skip
        if actions:
            self.rng.choice(actions).trigger()

    def dock(self) -> None:
        docks = self.window.findChildren(QDockWidget)
        dock = self.rng.choice(docks)
        choice = self.rng.random()
        if choice < 0.4:
            dock.close()
        elif choice < 0.8:
            dock.show()
            dock.raise_()
        else:
            dock.setFloating(not dock.isFloating())
        for other in docks:  # keep most of the desk open so the other actions find widgets
            if other.isHidden() and self.rng.random() < 0.3:
                other.show()

    def storm(self) -> None:
        """Run and Cancel pressed in quick succession on the backtest and the sweep."""
        for name in ("dockStrategy", "dockSweep"):
            panel = self.window.panels[name]
            for _ in range(self.rng.randint(2, 6)):
                panel.run_button.click()
                QApplication.processEvents()
                if self.rng.random() < 0.8:
                    panel.cancel_button.click()

    def resize(self) -> None:
        self.window.resize(self.rng.randint(700, 1700), self.rng.randint(500, 1100))

    def settle(self) -> None:
        """Let running jobs finish (results drawn), as a user pausing would."""
        deadline = time.monotonic() + 30
        while self.window.jobs.running and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.005)

    # -- driving -------------------------------------------------------------------------
    def step(self) -> None:
        functions, weights = zip(*self.actions, strict=True)
        action = self.rng.choices(functions, weights)[0]
        action()
        name = action.__name__
        self.report.actions[name] = self.report.actions.get(name, 0) + 1
        self.report.events += 1
        for _ in range(self.rng.randint(1, 3)):
            QApplication.processEvents()
        dialog = self.window.errors.dialog
        if dialog is not None and dialog.isVisible():
            dialog.close()
