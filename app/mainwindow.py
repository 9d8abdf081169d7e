"""The main window: docks built from app/panels.py and arranged by perspective (charts in the
centre, the Log a hidden bottom dock), menus, status-bar job progress and warning badge."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QPaintEvent,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QTableView,
    QWidget,
)

from app import __version__
from app.bootstrap import PRELOAD_STEPS
from app.data_actions import DataController
from app.errors import ErrorReporter
from app.event_actions import EventController
from app.menus import build_menus
from app.panels import LOG_DOCK, LOG_TITLE, PANELS, PanelSpec
from app.perspectives import Perspective, arrange, perspective, size_bucket
from app.positioning_actions import PositioningController
from app.regime_actions import RegimeController
from app.regime_lab_actions import RegimeLabController
from app.settings import (
    KEY_PERSPECTIVE,
    forget_state,
    open_settings,
    recover_settings,
    restore_geometry,
    restore_state,
    save_layout,
    state_key,
)
from app.strategy_actions import StrategyController
from app.sweep_actions import SweepController
from app.term_actions import TermController
from app.theme import apply_saved_theme, restore_theme
from app.welcome_actions import show_welcome, wants_welcome
from app.workers import JobManager, Worker
from engine.jobs import Job
from widgets.activity_log import ActivityLog, LogBadge
from widgets.job_status import JobStatus
from widgets.table_fit import fit_table
from widgets.welcome import WelcomeDialog

if TYPE_CHECKING:
    from widgets.data_panel import DataPanel
    from widgets.regime_panel import RegimePanel
    from widgets.rule16_panel import Rule16Panel

log = logging.getLogger(__name__)

DEFAULT_SIZE = (1500, 950)
BUILD_FALLBACK_MS = 250
BUCKET_SETTLE_MS = 250  # a resize into another size class re-arranges once the resizing stops


def _centre_anchor(parent: QWidget) -> QWidget:
    """An empty, zero-height central widget: the chart docks above it own the centre, and it
    takes up the slack in width so the side columns keep their size when content changes."""
    anchor = QWidget(parent)
    anchor.setObjectName("centreAnchor")
    anchor.setMaximumHeight(0)
    return anchor


class MainWindow(QMainWindow):
    """CTA Desk's main window. ``settings=None`` opens the user's settings file."""

    def __init__(
        self,
        settings: QSettings | None = None,
        restore: bool = True,
        auto_demo: bool = True,
        store_path: Path | None = None,
        welcome: bool = False,
        defer: bool = False,
    ) -> None:
        """Build the window; the saved layout (if ``restore``) is applied on first show, then
        the data store is read (and the demo universe loaded into an empty one if
        ``auto_demo``), and the welcome opens if ``welcome`` and the user still wants it. With
        ``defer`` (the app) the window shows its docks empty at once and builds the panels, the
        engine imports and the controllers just after its first paint."""
        super().__init__()
        self.setObjectName("mainWindow")
        self._welcome = welcome
        self.welcome: WelcomeDialog | None = None  # the open welcome, if any
        self.setWindowTitle(f"CTA Desk {__version__}")
        self.settings_recovery = recover_settings() if settings is None else None
        self.settings = settings if settings is not None else open_settings()
        self.save_on_close = True
        self.errors = ErrorReporter(self)
        self.jobs = JobManager(self)
        self.activity = ActivityLog(self)
        self.setDockNestingEnabled(True)
        self.setCentralWidget(_centre_anchor(self))
        for corner, area in (  # side columns run full height; top/bottom docks sit between them
            (Qt.Corner.TopLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea),
            (Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea),
            (Qt.Corner.TopRightCorner, Qt.DockWidgetArea.RightDockWidgetArea),
            (Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea),
        ):
            self.setCorner(corner, area)

        self.docks: dict[str, QDockWidget] = {}
        self.panels: dict[str, QWidget] = {}
        self._auto_demo = auto_demo
        self._store_path = store_path
        self._build_docks()
        self.setAcceptDrops(True)
        self.dataset_label = QLabel(self)
        self.dataset_label.setObjectName("datasetLabel")
        self.statusBar().addPermanentWidget(self.dataset_label)
        self.log_badge = LogBadge(self)
        self.log_badge.clicked.connect(self.show_log)
        self.activity.counts_changed.connect(self.log_badge.set_counts)
        self.statusBar().addPermanentWidget(self.log_badge)
        self.job_status = JobStatus(self)
        self.statusBar().addPermanentWidget(self.job_status)
        self._current_job: Worker | None = None
        self.jobs.job_started.connect(self._on_job_started)
        self.jobs.job_finished.connect(self._on_job_finished)
        self.job_status.cancel_requested.connect(self.cancel_current_job)
        self.perspective: Perspective = perspective(self.settings.value(KEY_PERSPECTIVE))
        self.layout_bucket: str | None = None  # the size class the current layout was made for
        self._bucket_timer = QTimer(self)
        self._bucket_timer.setSingleShot(True)
        self._bucket_timer.setInterval(BUCKET_SETTLE_MS)
        self._bucket_timer.timeout.connect(self._follow_size)
        apply_saved_theme(self.settings)
        self.built = False
        self._build_pending = False
        self._closed = False
        self.painted_at: float | None = None  # perf_counter() of the first paint (self-test)

        self.resize(*self._default_size())
        self._restore = restore
        self._shown = False
        self.layout_restored = False
        if restore:
            restore_geometry(self, self.settings)
        if defer:
            self.statusBar().showMessage("Opening the desk…")
        else:
            self._build()

    def _build_steps(self) -> list[Callable[[], None]]:
        """The engine's imports, each panel into its dock, then the controllers and menus."""
        return [
            *PRELOAD_STEPS,
            *(partial(self._fill_dock, spec) for spec in PANELS),
            self._finish_build,
        ]

    def _build(self) -> None:
        """Everything that needs the chart library and the engine, at once."""
        for step in self._build_steps():
            step()

    def _build_stepwise(self, steps: list[Callable[[], None]] | None = None) -> None:
        """The same one step per turn of the event loop: the window repaints, moves and
        resizes in between (the app, after its first paint)."""
        if self._closed:  # closed before its panels existed: nothing more to build or start
            return
        steps = self._build_steps() if steps is None else steps
        steps.pop(0)()
        if steps:
            QTimer.singleShot(0, partial(self._build_stepwise, steps))

    def _finish_build(self) -> None:
        for panel in self.panels.values():  # columns fit their content, cells show tooltips
            for table in panel.findChildren(QTableView):
                fit_table(table)
        self._connect_panels()
        self.data = DataController(self, self.data_panel, self._store_path)
        self.data.series_changed.connect(self._on_series_changed)
        self.strategy = StrategyController(
            self,
            self.panels["dockStrategy"],
            self.panels["dockEquity"],
            self.panels["dockStatistics"],
            self.data.store_path,
        )
        self.data.series_changed.connect(self.strategy.set_rows)
        self.positioning = PositioningController(
            self,
            self.panels["dockTriggersFlows"],
            self.panels["dockStrategy"],
            self.data.store_path,
        )
        self.panels["dockEventReplay"].day_changed.connect(self.positioning.follow_replay_day)
        self.replays = EventController(
            self,
            self.panels["dockEventReplay"],
            self.panels["dockStrategy"],
            self.regime_panel,
            self.rule16_panel,
            self.panels["dockEquity"],
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
            self.panels["dockSweep"],
            self.panels["dockStrategy"],
            self.strategy,
            self.settings,
        )
        self.lab = RegimeLabController(
            self, self.panels["dockRegimeLab"], self.panels["dockStrategy"], self.data.store_path
        )
        self.data.series_changed.connect(self.lab.set_rows)
        self.lab.set_thresholds(self.regimes.thresholds)  # restored from the settings
        self.regimes.thresholds_changed.connect(self.lab.set_thresholds)
        self.term = TermController(self, self.panels["dockTermStructure"], self.data.store_path)
        self.data.series_changed.connect(self.term.set_rows)
        replay = self.panels["dockEventReplay"]
        replay.day_changed.connect(lambda day: self.term.show_day(day["date"]))
        self.regime_panel.history.date_picked.connect(lambda day, _vix: self.term.show_day(day))
        self.panels["dockTermStructure"].day_picked.connect(self.regimes.show_day)
        lab_day = self.panels["dockRegimeLab"].day_picked  # an episode's cross date
        lab_day.connect(self.term.show_day)
        lab_day.connect(self.regimes.show_day)
        build_menus(self)
        restore_theme(self)
        self.built = True
        self.statusBar().showMessage("Ready", 3000)
        if self._shown:
            self._first_layout()

    # -- construction -------------------------------------------------------------------
    def _build_docks(self) -> None:
        for spec in PANELS:
            dock = self._dock(spec.title, spec.object_name)
            placeholder = QLabel("Loading…", dock)  # the panel replaces it (_build)
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            dock.setWidget(placeholder)
            self.docks[spec.object_name] = dock
        log_dock = self._dock(LOG_TITLE, LOG_DOCK)
        log_dock.setWidget(self.activity)
        self.docks[LOG_DOCK] = log_dock
        first, *others = self.docks.values()  # one tab group until the perspective places them
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, first)
        for dock in others:
            self.tabifyDockWidget(first, dock)

    def _dock(self, title: str, object_name: str) -> QDockWidget:
        dock = QDockWidget(title.replace("&", "&&"), self)  # "&" is not a mnemonic
        dock.setObjectName(object_name)
        dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        return dock

    def _fill_dock(self, spec: PanelSpec) -> None:
        dock = self.docks[spec.object_name]
        placeholder = dock.widget()
        panel = spec.make()
        scroller = QScrollArea(dock)  # small screens scroll a panel rather than grow the window
        scroller.setObjectName(f"{spec.object_name}Scroll")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(panel)
        dock.setWidget(scroller)
        placeholder.deleteLater()
        self.panels[spec.object_name] = panel

    def _connect_panels(self) -> None:
        regime = self.regime_panel
        rule16 = self.rule16_panel
        regime.vix_changed.connect(rule16.set_vix)
        rule16.vix_changed.connect(regime.set_vix)

    # -- panels ---------------------------------------------------------------------------
    @property
    def regime_panel(self) -> RegimePanel:
        return self.panels["dockVixRegime"]

    @property
    def rule16_panel(self) -> Rule16Panel:
        return self.panels["dockRule16"]

    @property
    def data_panel(self) -> DataPanel:
        return self.panels["dockData"]

    def _on_series_changed(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            text = "no data: import a CSV (drag it onto the window) or fetch one"
        elif self.data.is_demo:
            text = f"dataset <b>DEMO (synthetic)</b>, {len(rows)} series"
        else:
            text = f"{len(rows)} series in the store"
        self.activity.banner.setText(f"<b>CTA Desk</b> — {text}")
        self.dataset_label.setText(text.split(":")[0] if not rows else text)

    def show_log(self) -> None:
        """Open the Log dock in front; its warnings and errors count as seen."""
        dock = self.docks[LOG_DOCK]
        dock.show()
        dock.raise_()
        self.activity.mark_seen()

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
    def _default_size(self) -> tuple[int, int]:
        """DEFAULT_SIZE, or the screen's free area when that is smaller (a 1366x768 laptop);
        the offscreen platform's small virtual screen is no monitor and keeps DEFAULT_SIZE."""
        screen = QGuiApplication.primaryScreen()
        if screen is None or QGuiApplication.platformName() == "offscreen":
            return DEFAULT_SIZE
        free = screen.availableGeometry()
        return min(DEFAULT_SIZE[0], free.width()), min(DEFAULT_SIZE[1], free.height())

    def _state_key(self) -> str:
        return state_key(self.perspective.key, self.layout_bucket or size_bucket(self.width()))

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.painted_at is None:
            self.painted_at = time.perf_counter()
            self._build_soon()

    def _build_soon(self) -> None:
        """Build once the empty window is on screen (after its first paint, or at the latest
        BUILD_FALLBACK_MS after it was shown, for a window that is never painted)."""
        if not self.built and not self._build_pending:
            self._build_pending = True
            QTimer.singleShot(0, self._build_stepwise)

    def showEvent(self, event: QShowEvent) -> None:
        """On first show (once the window has its size): restore the perspective's saved
        layout for this size or lay out its default, then open the store."""
        super().showEvent(event)
        if self._shown:
            return
        self._shown = True
        if self.built:
            self._first_layout()
        else:  # the empty docks where they will be; built after their first paint
            self.apply_default_layout()
            QTimer.singleShot(BUILD_FALLBACK_MS, self._build_soon)

    def _first_layout(self) -> None:
        self.layout_restored = self._load_layout()
        log.info("main window ready (layout %s)", "restored" if self.layout_restored else "default")
        if self.settings_recovery is not None:
            self.errors.show_recovery(
                "Settings file damaged",
                self.settings_recovery,
                "and the default settings are used.",
            )
        QTimer.singleShot(0, lambda: self.data.start(load_demo=self._auto_demo))
        QTimer.singleShot(0, self._warm_engine)
        if self._welcome and wants_welcome(self):
            QTimer.singleShot(0, lambda: show_welcome(self))

    def _load_layout(self) -> bool:
        """The saved arrangement of this perspective at this size, else its default; True if
        a saved one was restored."""
        self.layout_bucket = size_bucket(self.width())
        restored = self._restore and restore_state(self, self.settings, self._state_key())
        if not restored:
            self.apply_default_layout()
        self._check_perspective_action()
        return restored

    def apply_default_layout(self) -> None:
        """Arrange the docks as the current perspective declares for this window's size."""
        self.layout_bucket = size_bucket(self.width())
        arrange(self, self.docks, self.perspective.arrangement(self.layout_bucket))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.layout_bucket is not None and size_bucket(self.width()) != self.layout_bucket:
            self._bucket_timer.start()

    def _follow_size(self) -> None:
        """The window now belongs to another size class (moved to another screen, maximised):
        keep the arrangement made for the old one, bring up the one for the new one (once
        the panels exist: their first layout is made for the size the window has then)."""
        if not self.built or self.layout_bucket is None:
            return
        if size_bucket(self.width()) == self.layout_bucket:
            return
        if self._restore:
            self.save_layout()
        self._load_layout()

    def switch_perspective(self, key: str) -> None:
        """Keep the current arrangement, then show perspective ``key`` as last left (or its
        default)."""
        if key == self.perspective.key:
            self._check_perspective_action()
            return
        if self._restore:
            self.save_layout()
        self.perspective = perspective(key)
        self.settings.setValue(KEY_PERSPECTIVE, self.perspective.key)
        self._load_layout()
        log.info("perspective %s", self.perspective.title.replace("&", ""))

    def _check_perspective_action(self) -> None:
        for action in self.perspective_actions.actions():
            action.setChecked(action.data() == self.perspective.key)

    def _warm_engine(self) -> None:
        """Compile or cache-load the numba kernels in a worker, with progress."""
        from engine.warmup import warm_kernels_job

        def done(timings: dict[str, float]) -> None:
            self.engine_ready = True
            log.info("engine ready in %.2f s", sum(timings.values()))

        self.engine_ready = False
        self.run_job("Preparing the engine", warm_kernels_job, done, quiet=True)

    def reset_layout(self) -> None:
        """Reset perspective: forget its saved arrangement at this size, lay out the default."""
        if self.layout_bucket is None:
            return
        forget_state(self.settings, self._state_key())
        self.apply_default_layout()
        log.info("perspective %s reset", self.perspective.title.replace("&", ""))

    def save_layout(self) -> None:
        save_layout(self, self.settings, self._state_key())

    # -- the Desk interface the controllers use (app/desk.py) ------------------------------
    def show_status(self, text: str, timeout_ms: int = 10_000) -> None:
        """Show ``text`` in the status bar for ``timeout_ms``."""
        self.statusBar().showMessage(text, timeout_ms)

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
        if self.save_on_close and self.built and self.layout_bucket is not None:
            self.save_layout()  # not the placeholders' arrangement of a window closed early
        if not self.jobs.shutdown(timeout_ms=3000):
            log.warning("some jobs were still running at exit")
        self.activity.detach()
        self._closed = True
        super().closeEvent(event)
