"""Event Replay dock: pick a stress event, replay it day by day with a slider or Play; the
VIX gauge and the rule-of-16 panel follow the replayed date."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from engine.events import events
from engine.labels import pct, usd_bn
from widgets import charts, palette
from widgets.palette import error_html

PLAY_MS = 150


class EventPanel(QWidget):
    """Emits ``run_requested(event name)``; ``day_changed(row)`` as the slider moves."""

    run_requested = Signal(str)
    day_changed = Signal(dict)  # one row of the replay's "days"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("eventPanel")
        self.event_box = QComboBox(self)
        for name, event in events().items():
            self.event_box.addItem(event.title, name)
        self.event_box.setToolTip(
            "Stress event to replay; greyed events are not covered by the loaded data "
            "(hover one for the reason)"
        )
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self.run_button = QPushButton("Replay", self)
        self.run_button.setToolTip(
            "Run the Strategy dock's preset and universe through the event, day by day"
        )
        self.play_button = QPushButton("Play", self)
        self.play_button.setToolTip(
            f"Step through the replay, one trading day every {PLAY_MS} ms; press again to pause"
        )
        self.play_button.setCheckable(True)
        self.play_button.setEnabled(False)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setToolTip(
            "Replayed trading day: the VIX gauge, the rule of 16 and the readout follow it"
        )
        self.slider.setEnabled(False)
        self.readout = QLabel(
            "Pick an event and press Replay (uses the Strategy dock's preset and universe).", self
        )
        self.readout.setObjectName("replayReadout")
        self.readout.setWordWrap(True)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)

        charts.configure()
        self.view = pg.GraphicsLayoutWidget(self)
        self.vix_plot = self.view.addPlot(row=0, col=0)
        self.vix_plot.setLabel("left", "VIX close", units="% ann.")
        self.vix_plot.hideAxis("bottom")
        self.pnl_plot = self.view.addPlot(row=1, col=0, axisItems={"bottom": pg.DateAxisItem()})
        self.pnl_plot.setLabel("left", "strategy P&L", units="%")
        self.pnl_plot.setXLink(self.vix_plot)
        self.vix_curve = charts.fast_curve(self.vix_plot, charts.RUN_COLORS[3])
        self.pnl_curve = charts.fast_curve(self.pnl_plot, charts.RUN_COLORS[0])
        self.lines = [
            pg.InfiniteLine(angle=90, pen=pg.mkPen(palette.current().marker)) for _ in range(2)
        ]
        self.vix_plot.addItem(self.lines[0], ignoreBounds=True)
        self.pnl_plot.addItem(self.lines[1], ignoreBounds=True)

        row = QHBoxLayout()
        row.addWidget(self.event_box, 1)
        row.addWidget(self.run_button)
        row.addWidget(self.play_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.description)
        layout.addWidget(self.slider)
        layout.addWidget(self.readout)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.summary)

        self.timer = QTimer(self)
        self.timer.setInterval(PLAY_MS)
        self.timer.timeout.connect(self._step)
        self.event_box.currentIndexChanged.connect(self._describe)
        self.run_button.clicked.connect(lambda: self.run_requested.emit(self.event_name))
        self.play_button.toggled.connect(self._play)
        self.slider.valueChanged.connect(self._on_slider)
        self.days: list[dict[str, Any]] = []
        self.seconds = np.empty(0)
        self.coverage: dict[str, str | None] = {}
        self._describe()

    @property
    def event_name(self) -> str:
        return str(self.event_box.currentData())

    def _describe(self) -> None:
        event = events()[self.event_name]
        reason = self.coverage.get(self.event_name)
        self.description.setText(
            f"{event.start:%d %b %Y} - {event.end:%d %b %Y}: {event.description}"
            + (f"<br>{error_html(reason)}" if reason else "")
        )

    def set_coverage(self, reasons: dict[str, str | None]) -> None:
        """Grey out the events the loaded data cannot replay; the reason is the tooltip."""
        model = self.event_box.model()
        for i in range(self.event_box.count()):
            reason = reasons.get(str(self.event_box.itemData(i)))
            item = model.item(i)  # type: ignore[attr-defined]
            item.setEnabled(reason is None)
            item.setToolTip(reason or "")
        self.coverage = reasons
        self._describe()

    def show_running(self, name: str) -> None:
        """A replay of ``name`` started: nothing of the previous one stays on screen."""
        self._clear()
        self.readout.setText(f"Replaying {html.escape(events()[name].title)}...")

    def show_error(self, message: str) -> None:
        """A replay that could not run: the reason, and no chart of another event."""
        self._clear()
        self.readout.setText(error_html(message))

    def _clear(self) -> None:
        self.play_button.setChecked(False)
        self.days = []
        self.seconds = np.empty(0)
        self.vix_curve.setData([], [])
        self.pnl_curve.setData([], [])
        self.vix_plot.setTitle("")
        self.summary.clear()
        self.slider.setEnabled(False)
        self.play_button.setEnabled(False)

    def show_replay(self, out: dict[str, Any]) -> None:
        self.days = out["days"]
        self.seconds = np.array(
            [np.datetime64(d["date"]).astype("datetime64[s]").astype(np.float64) for d in self.days]
        )
        vix = np.array([d["vix"] for d in self.days], dtype=float)
        pnl = np.array([d["strategy_cumulative"] * 100 for d in self.days], dtype=float)
        self.vix_curve.setData(*charts.finite(self.seconds, vix))
        self.pnl_curve.setData(*charts.finite(self.seconds, pnl))
        s = out["summary"]
        index_text = (
            f", equity index {pct(s['index_return'], signed=True)}" if "index_return" in s else ""
        )
        label = out.get("data_label") or "user data"
        self.vix_plot.setTitle(f"{html.escape(out['event']['title'])} - {html.escape(label)}")
        self.summary.setText(
            f"<b>{html.escape(label)}</b>. {out['preset']}: strategy "
            f"{pct(s['strategy_return'], 2, signed=True)} over the window"
            f"{index_text}; "
            f"VIX {s['vix_start']:.2f} -> max {s['vix_max']:.2f} on {s['vix_max_date']}; "
            f"net flow {usd_bn(s['net_flow'], 2, signed=True)} per {usd_bn(out['aum'], 0)}."
            + (f"<br><i>{html.escape(out['data_note'])}</i>" if out.get("data_note") else "")
        )
        self.slider.setRange(0, len(self.days) - 1)
        self.slider.setEnabled(True)
        self.play_button.setEnabled(True)
        peak = out["event"]["peak"]
        start = next((i for i, d in enumerate(self.days) if d["date"] >= peak), 0)
        self.slider.setValue(start)
        self._on_slider(start)

    def request_run(self) -> None:
        """What the Run button does (nothing while it is disabled: a job is running)."""
        self.run_button.click()

    def step_day(self, days: int) -> None:
        """Move the replay ``days`` trading days on (back when negative), within the window."""
        self.slider.setValue(self.slider.value() + days)

    def _on_slider(self, i: int) -> None:
        if not self.days:
            return
        day = self.days[i]
        for line in self.lines:
            line.setPos(self.seconds[i])
        index_text = f"  index {day['index']:,.2f}{_dated(day, 'index')}" if "index" in day else ""
        self.readout.setText(
            f"<b>{day['date']}</b>  VIX {day['vix']:.2f}{_dated(day, 'vix')}{index_text}  strategy "
            f"{pct(day['strategy_cumulative'], 2, signed=True)} so far  gross exposure "
            f"{day['gross_exposure']:.2f}  flow {usd_bn(day['flow_total'], 2, signed=True)}"
        )
        self.day_changed.emit(day)

    def _play(self, on: bool) -> None:
        if on:
            if self.slider.value() >= self.slider.maximum():
                self.slider.setValue(0)
            self.timer.start()
            self.play_button.setText("Pause")
        else:
            self.timer.stop()
            self.play_button.setText("Play")

    def _step(self) -> None:
        if self.slider.value() >= self.slider.maximum():
            self.play_button.setChecked(False)
            return
        self.slider.setValue(self.slider.value() + 1)


def _dated(day: dict[str, Any], key: str) -> str:
    """ " (close of DATE)" when the shown close is from an earlier day (a holiday)."""
    when = day.get(f"{key}_date")
    return f" (close of {when})" if when and when != day["date"] else ""
