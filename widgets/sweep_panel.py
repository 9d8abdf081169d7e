"""Sweep dock: two parameters and their ranges, run in a worker, a heatmap of the chosen
statistic; clicking a cell asks for that backtest."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.grid import parse_values
from engine.presets import parameter_specs
from widgets import charts
from widgets.palette import error_html

STATS = ("sharpe", "ann_return", "ann_vol", "max_dd", "turnover")


class SweepPanel(QWidget):
    """Emits ``run_requested(grid)``; shows results with ``show_results``."""

    run_requested = Signal(object)  # {x: values, y: values}; object keeps the order (a dict
    # crosses as a QVariantMap, which sorts the keys and so swaps the axes)
    cancel_requested = Signal()
    cell_chosen = Signal(object)  # {x: value, y: value}
    cluster_changed = Signal(bool, str)  # run on the cluster?, the scheduler address as typed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sweepPanel")
        self.x_box, self.y_box = QComboBox(self), QComboBox(self)
        self.x_range, self.y_range = QLineEdit(self), QLineEdit(self)
        self.ranges: dict[str, str] = {}
        self.x_box.currentTextChanged.connect(
            lambda name: self.x_range.setText(self.ranges.get(name, ""))
        )
        self.y_box.currentTextChanged.connect(
            lambda name: self.y_range.setText(self.ranges.get(name, ""))
        )
        self.strategy_label = QLabel(self)
        self.stat_box = QComboBox(self)
        self.stat_box.addItems(STATS)
        for box, axis in ((self.x_box, "X (columns)"), (self.y_box, "Y (rows)")):
            box.setToolTip(f"Parameter varied along {axis}; the Strategy dock's rule decides which")
        for edit, axis in ((self.x_range, "X"), (self.y_range, "Y")):
            edit.setToolTip(
                f"Values of the {axis} parameter, in its own unit (see its tooltip in the "
                "Strategy dock): A:B:STEP (B included) or a,b,c"
            )
        self.stat_box.setToolTip(
            "Statistic that colours the heatmap: sharpe (annualised), ann_return and ann_vol "
            "(fractions per year, 0.10 = 10%), max_dd (worst fall from a peak, a negative "
            "fraction: -0.2 = -20%), turnover (notional traded per year, a multiple of capital)"
        )
        self.stat_box.currentTextChanged.connect(lambda _s: self._draw())
        self.run_button = QPushButton("Run sweep", self)
        self.cancel_button = QPushButton("Cancel", self)
        self.run_button.setToolTip(
            "Backtest every X x Y combination on the Strategy dock's universe and period"
        )
        self.cancel_button.setToolTip("Stop the running sweep")
        self.cancel_button.setEnabled(False)
        self.cluster_box = QCheckBox("Run on cluster", self)
        self.cluster_box.setToolTip("Run the sweep on Dask (the optional cluster extra)")
        self.scheduler_edit = QLineEdit(self)
        self.scheduler_edit.setPlaceholderText("local:2 or tcp://host:8786")
        self.scheduler_edit.setToolTip(
            "local:N starts N worker processes here; tcp://HOST:PORT uses a running scheduler"
        )
        self.scheduler_edit.setEnabled(False)
        self.cluster_box.toggled.connect(self.scheduler_edit.setEnabled)
        self.cluster_box.toggled.connect(lambda on: self.cluster_changed.emit(on, self.scheduler()))
        self.scheduler_edit.editingFinished.connect(
            lambda: self.cluster_changed.emit(self.cluster_box.isChecked(), self.scheduler())
        )
        self.message = QLabel("The sweep uses the Strategy dock's universe and parameters.", self)
        self.message.setWordWrap(True)
        # two lines always fit, however short the dock: the note names the run and the best cell
        self.message.setMinimumHeight(2 * self.message.fontMetrics().lineSpacing() + 4)

        form = QFormLayout()
        row_x, row_y = QHBoxLayout(), QHBoxLayout()
        row_x.addWidget(self.x_box)
        row_x.addWidget(self.x_range, 1)
        row_y.addWidget(self.y_box)
        row_y.addWidget(self.y_range, 1)
        form.addRow("Strategy", self.strategy_label)
        form.addRow("X", row_x)
        form.addRow("Y", row_y)
        form.addRow("Colour", self.stat_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cluster_box)
        buttons.addWidget(self.scheduler_edit, 1)

        charts.configure()
        self.plot = pg.PlotWidget(self)
        self.plot.setObjectName("sweepHeatmap")
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=pg.colormap.get("viridis"), interactive=False)
        self.colorbar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        self.image.mouseClickEvent = self._on_click  # type: ignore[method-assign]

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.plot, 1)

        self.run_button.clicked.connect(self._on_run)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.results: list[dict[str, Any]] = []
        self.xs: tuple[float, ...] = ()
        self.ys: tuple[float, ...] = ()
        self.grid_values: np.ndarray | None = None
        self.note = ""

    def set_axes(self, strategy: str, axes: tuple[str, ...], ranges: dict[str, str]) -> None:
        """The parameters the chosen strategy can sweep and their default ranges; the current
        X and Y stay when the new strategy has them too."""
        keep = (self.x_box.currentText(), self.y_box.currentText())
        self.ranges = dict(ranges)
        self.strategy_label.setText(strategy)
        for box, edit, previous, fallback in (
            (self.x_box, self.x_range, keep[0], 0),
            (self.y_box, self.y_range, keep[1], 1),
        ):
            box.blockSignals(True)
            box.clear()
            box.addItems(list(axes))
            box.setCurrentIndex(axes.index(previous) if previous in axes else fallback)
            box.blockSignals(False)
            if previous not in axes:
                edit.setText(self.ranges.get(box.currentText(), ""))
        if not self.results:  # before a sweep the axes name what will be swept
            self._label_axes(self.x_box.currentText(), self.y_box.currentText())

    def _label_axes(self, x: str, y: str) -> None:
        """Axis titles: each swept parameter with its declared unit."""
        specs = parameter_specs()
        for side, name in (("bottom", x), ("left", y)):
            unit = specs[name].unit if name in specs else ""
            self.plot.setLabel(side, name, units=unit or None)

    def grid(self) -> dict[str, tuple[float, ...]]:
        x, y = self.x_box.currentText(), self.y_box.currentText()
        if x == y:
            raise ValueError("choose two different parameters")
        return {x: parse_values(self.x_range.text()), y: parse_values(self.y_range.text())}

    def request_run(self) -> None:
        """What the Run button does (nothing while it is disabled: a job is running)."""
        self.run_button.click()

    def _on_run(self) -> None:
        try:
            grid = self.grid()
        except ValueError as exc:
            self.message.setText(error_html(exc))
            return
        self.run_requested.emit(grid)

    def set_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.cluster_box.setEnabled(not running)
        self.scheduler_edit.setEnabled(not running and self.cluster_box.isChecked())

    def set_cluster(self, on: bool, scheduler: str) -> None:
        """Restore the cluster choice (without emitting cluster_changed)."""
        for widget in (self.cluster_box, self.scheduler_edit):
            widget.blockSignals(True)
        self.scheduler_edit.setText(scheduler)
        self.cluster_box.setChecked(on)
        self.scheduler_edit.setEnabled(on)
        for widget in (self.cluster_box, self.scheduler_edit):
            widget.blockSignals(False)

    def say(self, text: str, error: bool = False) -> None:
        """The dock's message line (an error in the error colour)."""
        self.message.setText(error_html(text) if error else text)

    def scheduler(self) -> str:
        """The Dask scheduler address as typed (empty: a local cluster)."""
        return self.scheduler_edit.text().strip()

    def cluster(self) -> str | None:
        """The Dask address to run on ("local:N" or "tcp://HOST:PORT"), None for in-process."""
        if not self.cluster_box.isChecked():
            return None
        return self.scheduler() or "local"

    def show_results(
        self, grid: dict[str, tuple[float, ...]], results: list[dict[str, Any]], note: str
    ) -> None:
        """Results in grid order (first parameter slowest), one dict per combination."""
        (self.x_name, self.xs), (self.y_name, self.ys) = list(grid.items())
        self.results = results
        self.note = note
        self._draw()

    def _draw(self) -> None:
        if not self.results:
            return
        stat = self.stat_box.currentText()
        values = np.array([r[stat] for r in self.results], dtype=float).reshape(
            len(self.xs), len(self.ys)
        )
        self.grid_values = values
        finite = values[np.isfinite(values)]
        self.image.setImage(values, autoLevels=False)
        if finite.size:
            self.colorbar.setLevels((float(finite.min()), float(finite.max())))
        self._label_axes(self.x_name, self.y_name)
        for axis, labels in (("bottom", self.xs), ("left", self.ys)):
            step = max(1, len(labels) // 12)  # at most about a dozen labels
            ticks = [(i + 0.5, f"{v:g}") for i, v in enumerate(labels) if i % step == 0]
            self.plot.getAxis(axis).setTicks([ticks])
        best = np.unravel_index(np.nanargmax(values), values.shape) if finite.size else None
        if best is not None:
            self.best = {self.x_name: self.xs[best[0]], self.y_name: self.ys[best[1]]}
            self.message.setText(
                f"{self.note}. Best {stat} {values[best]:.3f} at "
                f"{self.x_name}={self.xs[best[0]]:g}, {self.y_name}={self.ys[best[1]]:g}. "
                "Click a cell to run its backtest."
            )

    def cell_at(self, i: int, j: int) -> dict[str, float]:
        return {self.x_name: self.xs[i], self.y_name: self.ys[j]}

    def _on_click(self, event: Any) -> None:
        pos = event.pos()
        i, j = int(pos.x()), int(pos.y())
        if 0 <= i < len(self.xs) and 0 <= j < len(self.ys):
            self.cell_chosen.emit(self.cell_at(i, j))
