"""The main window: docks built from app/panels.py, menus, status-bar job progress."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QMainWindow,
    QScrollArea,
    QWidget,
)

from app import __version__
from app.data_actions import DataController
from app.errors import ErrorReporter
from app.event_actions import EventController
from app.menus import build_menus
from app.panels import PANELS, PanelSpec
from app.positioning_actions import PositioningController
from app.regime_actions import RegimeController
from app.settings import (
    LAYOUT_VERSION,
    open_settings,
    recover_settings,
    restore_geometry,
    restore_state,
    save_layout,
)
from app.strategy_actions import StrategyController
from app.sweep_actions import SweepController
from app.theme import restore_theme
from app.workers import JobManager, Worker
from engine.jobs import Job
from widgets.activity_log import ActivityLog
from widgets.data_panel import DataPanel
from widgets.equity_panel import EquityPanel
from widgets.event_panel import EventPanel
from widgets.job_status import JobStatus
from widgets.positioning_panel import PositioningPanel
from widgets.regime_panel import RegimePanel
from widgets.rule16_panel import Rule16Panel
from widgets.stats_panel import StatsPanel
from widgets.strategy_panel import StrategyPanel
from widgets.sweep_panel import SweepPanel

log = logging.getLogger(__name__)
T = TypeVar("T", bound=QWidget)

DEFAULT_SIZE = (1500, 950)


class MainWindow(QMainWindow):
    """CTA Desk's main window. ``settings=None`` opens the user's settings file."""

    def __init__(
        self,
        settings: QSettings | None = None,
        restore: bool = True,
        auto_demo: bool = True,
        store_path: Path | None = None,
    ) -> None:
        """Build the window; the saved layout (if ``restore``) is applied on first show, then
        the data store is read (and the demo universe loaded into an empty one if
        ``auto_demo``)."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"CTA Desk {__version__}")
        self.settings_recovery = recover_settings() if settings is None else None
        self.settings = settings if settings is not None else open_settings()
        self.save_on_close = True
        self.errors = ErrorReporter(self)
        self.jobs = JobManager(self)
        self.activity = ActivityLog(self)
        self.setCentralWidget(self.activity)
        self.setDockNestingEnabled(True)
        for corner, area in (  # side columns run full height; top/bottom docks sit between them
            (Qt.Corner.TopLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea),
            (Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea),
            (Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea),
            (Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea),
        ):
            self.setCorner(corner, area)

        self.docks: dict[str, QDockWidget] = {}
        self.panels: dict[str, QWidget] = {}
        self._build_docks()
        self._connect_panels()
        self._auto_demo = auto_demo
        self.data = DataController(self, self.data_panel, store_path)
        self.data.series_changed.connect(self._on_series_changed)
        self.strategy = StrategyController(
            self,
            self._panel("dockStrategy", StrategyPanel),
            self._panel("dockEquity", EquityPanel),
            self._panel("dockStatistics", StatsPanel),
            self.data.store_path,
        )
        self.data.series_changed.connect(self.strategy.set_rows)
        self.positioning = PositioningController(
            self,
            self._panel("dockTriggersFlows", PositioningPanel),
            self._panel("dockStrategy", StrategyPanel),
            self.data.store_path,
        )
        self.replays = EventController(
            self,
            self._panel("dockEventReplay", EventPanel),
            self._panel("dockStrategy", StrategyPanel),
            self.regime_panel,
            self.rule16_panel,
            self._panel("dockEquity", EquityPanel),
            self.data.store_path,
        )
        self.data.series_changed.connect(self.replays.set_rows)
        self.regimes = RegimeController(
            self, self.regime_panel, self.rule16_panel, self.settings, self.data.store_path
        )
        self.data.series_changed.connect(self.regimes.set_rows)
        self.strategy.set_thresholds(self.regimes.thresholds)  # restored from the settings
        self.regimes.thresholds_changed.connect(self.strategy.set_thresholds)
        self.sweeps = SweepController(
            self,
            self._panel("dockSweep", SweepPanel),
            self._panel("dockStrategy", StrategyPanel),
            self.strategy,
            self.settings,
        )
        self.setAcceptDrops(True)
        self.job_status = JobStatus(self)
        self.statusBar().addPermanentWidget(self.job_status)
        self._current_job: Worker | None = None
        self.jobs.job_started.connect(self._on_job_started)
        self.jobs.job_finished.connect(self._on_job_finished)
        self.job_status.cancel_requested.connect(self.cancel_current_job)
        build_menus(self)
        restore_theme(self)

        self.resize(*DEFAULT_SIZE)
        self._restore = restore
        self.default_state: QByteArray | None = None
        self.layout_restored = False
        if restore:
            restore_geometry(self, self.settings)
        self.statusBar().showMessage("Ready", 3000)

    # -- construction -------------------------------------------------------------------
    def _build_docks(self) -> None:
        for spec in PANELS:
            dock = self._make_dock(spec)
            if spec.tab_with is None:
                self.addDockWidget(spec.area, dock)
            else:
                self.tabifyDockWidget(self.docks[spec.tab_with], dock)
        for spec in PANELS:  # the first dock of each tab group is the one in front
            if spec.tab_with is None:
                self.docks[spec.object_name].raise_()

    def _make_dock(self, spec: PanelSpec) -> QDockWidget:
        dock = QDockWidget(spec.title.replace("&", "&&"), self)  # "&" is not a mnemonic
        dock.setObjectName(spec.object_name)
        dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        panel = spec.factory()
        scroller = QScrollArea(dock)  # small screens scroll a panel rather than grow the window
        scroller.setObjectName(f"{spec.object_name}Scroll")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(panel)
        dock.setWidget(scroller)
        self.docks[spec.object_name] = dock
        self.panels[spec.object_name] = panel
        return dock

    def _apply_default_sizes(self) -> None:
        docks = self.docks
        self.resizeDocks(
            [docks["dockVixRegime"], docks["dockStrategy"]], [350, 360], Qt.Orientation.Horizontal
        )
        self.resizeDocks(
            [docks["dockVixRegime"], docks["dockRule16"], docks["dockStrategy"]],
            [540, 360, 520],
            Qt.Orientation.Vertical,
        )
        self.resizeDocks(
            [docks["dockEquity"], docks["dockTriggersFlows"]], [470, 200], Qt.Orientation.Vertical
        )

    def _connect_panels(self) -> None:
        regime = self.regime_panel
        rule16 = self.rule16_panel
        regime.vix_changed.connect(rule16.set_vix)
        rule16.vix_changed.connect(regime.set_vix)

    # -- panels ---------------------------------------------------------------------------
    @property
    def regime_panel(self) -> RegimePanel:
        return self._panel("dockVixRegime", RegimePanel)

    @property
    def rule16_panel(self) -> Rule16Panel:
        return self._panel("dockRule16", Rule16Panel)

    def _panel(self, name: str, kind: type[T]) -> T:
        panel = self.panels[name]
        assert isinstance(panel, kind)
        return panel

    @property
    def data_panel(self) -> DataPanel:
        return self._panel("dockData", DataPanel)

    def _on_series_changed(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            text = "no data: import a CSV (drag it onto the window) or fetch one"
        elif self.data.is_demo:
            text = f"dataset <b>DEMO (synthetic)</b>, {len(rows)} series"
        else:
            text = f"{len(rows)} series in the store"
        self.activity.banner.setText(f"<b>CTA Desk</b> — {text}")

    # -- drag and drop ----------------------------------------------------------------------
    @staticmethod
    def _dropped_files(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        return [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_files(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = self._dropped_files(event)
        for path in files:
            self.data.import_file(path)
        if files:
            event.acceptProposedAction()

    def dock_titles(self) -> list[str]:
        return [spec.title for spec in PANELS]

    # -- layout ---------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        """On first show: size the default layout, keep it for Reset, then restore the saved one."""
        super().showEvent(event)
        if self.default_state is not None:
            return
        self._apply_default_sizes()
        self.default_state = self.saveState(LAYOUT_VERSION)
        if self._restore:
            self.layout_restored = restore_state(self, self.settings)
            if not self.layout_restored:
                self.reset_layout()
        log.info("main window ready (layout %s)", "restored" if self.layout_restored else "default")
        if self.settings_recovery is not None:
            self.errors.show_recovery(
                "Settings file damaged",
                self.settings_recovery,
                "and the default settings are used.",
            )
        QTimer.singleShot(0, lambda: self.data.start(load_demo=self._auto_demo))
        QTimer.singleShot(0, self._warm_engine)

    def _warm_engine(self) -> None:
        """Compile or cache-load the numba kernels in a worker, with progress."""
        from engine.warmup import warm_kernels_job

        def done(timings: dict[str, float]) -> None:
            self.engine_ready = True
            log.info("engine ready in %.2f s", sum(timings.values()))

        self.engine_ready = False
        self.run_job("Preparing the engine", warm_kernels_job, done, quiet=True)

    def reset_layout(self) -> None:
        """Back to the default dock arrangement, every dock visible."""
        if self.default_state is None:
            return
        self.restoreState(self.default_state, LAYOUT_VERSION)
        for dock in self.docks.values():
            dock.setFloating(False)
            dock.show()
        log.info("layout reset to default")

    def save_layout(self) -> None:
        save_layout(self, self.settings)

    # -- jobs -----------------------------------------------------------------------------
    def run_job(
        self,
        name: str,
        job_factory: Callable[[], Job[Any]],
        on_result: Callable[[Any], Any] | None = None,
        on_progress: Callable[[float, str], Any] | None = None,
        quiet: bool = False,
        on_finished: Callable[[], Any] | None = None,
    ) -> Worker:
        """Run a job in a worker with status-bar progress; errors open a dialog. A ``quiet``
        job leaves no "done" message behind; ``on_finished`` runs after any outcome."""
        return self.jobs.start(
            name,
            job_factory,
            on_result=on_result,
            on_error=lambda exc, tb: self.errors.show_exception(f"{name} failed", exc, tb),
            on_progress=on_progress,
            quiet=quiet,
            on_finished=on_finished,
        )

    def _on_job_started(self, worker: Worker) -> None:
        worker.progress.connect(lambda pct, text: self._on_progress(worker, pct, text))
        self._show_job(worker)

    def _show_job(self, worker: Worker) -> None:
        self._current_job = worker
        self.job_status.begin(worker.name)
        if worker.last_progress is not None:
            self.job_status.set_progress(*worker.last_progress)
        if worker.is_cancel_requested:
            self.job_status.cancelling()

    def _on_progress(self, worker: Worker, percent: float, text: str) -> None:
        if worker is self._current_job:
            self.job_status.set_progress(percent, text)

    def _on_job_finished(self, worker: Worker) -> None:
        if worker.outcome == "cancelled":
            self.statusBar().showMessage(f"{worker.name}: cancelled", 5000)
        elif worker.outcome == "result" and not worker.quiet:
            self.statusBar().showMessage(f"{worker.name}: done", 5000)
        running = self.jobs.running
        if running:
            self._show_job(running[-1])
        else:
            self._current_job = None
            self.job_status.end()

    def cancel_current_job(self) -> None:
        if self._current_job is not None:
            self._current_job.cancel()
            self.job_status.cancelling()

    # -- lifecycle ------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self.save_on_close and self.default_state is not None:
            self.save_layout()
        if not self.jobs.shutdown(timeout_ms=3000):
            log.warning("some jobs were still running at exit")
        self.activity.detach()
        super().closeEvent(event)
