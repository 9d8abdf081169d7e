"""Wires the Data dock to the store: every store access runs in a worker job.

pandas and the store are imported inside the jobs, on the worker thread, so the window
opens without waiting for them. An import or fetch that would change series stored from
another source comes back as its conflict and opens :class:`ConflictDialog`; the choice
reruns the same engine import with it, cancel writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.paths import app_paths
from engine.data import DEMO_SOURCE
from engine.data.choice import ImportChoice, suggested_prefix
from engine.jobs import Job, Progress
from widgets.conflict_dialog import ConflictDialog

if TYPE_CHECKING:
    from app.desk import Desk
    from engine.data.importers import ImportConflict, ImportReport, LongFormatNotAsked
    from widgets.data_panel import DataPanel

MAX_LISTED = 8
Retry = Callable[[ImportChoice], None]

log = logging.getLogger(__name__)


def _open(path: Path):
    from engine.data.store import MarketStore

    return MarketStore(path)


def _startup_job(path: Path, load_demo: bool) -> Job[tuple[list[dict[str, Any]], Any]]:
    """Open (or, if damaged, set aside and recreate) the store; load the demo if it is empty.
    Returns the series rows and the :class:`engine.data.store.Recovery` if there was one."""
    from engine.data.store import open_or_recover

    yield Progress(0.0, "Opening the data store")
    store, recovery = open_or_recover(path)
    if recovery is not None:
        log.error("%s: moved to %s, starting a new store", recovery.reason, recovery.kept)
    if load_demo and store.is_empty():
        from engine.data.demo import load_demo_job

        log.info("the data store is empty: loading the demo universe (DEMO, synthetic)")
        symbols = yield from load_demo_job(store)
        log.info("demo universe loaded: %d synthetic series", len(symbols))
    return [s.as_dict() for s in store.list_series()], recovery


def _list_job(path: Path) -> Job[list[dict[str, Any]]]:
    yield Progress(0.0, "Reading the data store")
    return [s.as_dict() for s in _open(path).list_series()]


def _import_job(
    path: Path, file: Path, choice: ImportChoice | None, fmt: str | None = None
) -> Job[ImportReport | ImportConflict | LongFormatNotAsked]:
    """The import's report, its conflict with stored series, or the question whether a long
    file should import as one series per contract (nothing written in either case)."""
    from engine.data.importers import ImportConflict, LongFormatNotAsked, import_job

    try:
        return (yield from import_job(_open(path), file, choice=choice, fmt=fmt))
    except (ImportConflict, LongFormatNotAsked) as question:
        return question


def _fetch_job(
    path: Path, source: str, cache: Path, choice: ImportChoice | None
) -> Job[ImportReport | ImportConflict]:
    from engine.data.fetch import fetch_job
    from engine.data.importers import ImportConflict

    try:
        return (yield from fetch_job(_open(path), source, tmp_dir=cache, choice=choice))
    except ImportConflict as conflict:
        return conflict


def conflict_message(conflict: ImportConflict) -> str:
    """The dialog's text: the file, each colliding series with both sources."""
    lines = [
        f"{c.symbol}: stored as {c.stored.describe()}; this file has {c.incoming.describe()}."
        for c in conflict.conflicts[:MAX_LISTED]
    ]
    if len(conflict.conflicts) > MAX_LISTED:
        lines.append(f"... and {len(conflict.conflicts) - MAX_LISTED} more.")
    name = Path(conflict.file).name
    return (
        f"Importing {name} would change {len(conflict.conflicts)} series stored from another "
        "source:\n\n" + "\n".join(lines) + "\n\nNothing has been written. How should it "
        "be imported?"
    )


def _delete_job(path: Path, symbol: str) -> Job[int]:
    yield Progress(0.0, f"Deleting {symbol}")
    return _open(path).delete(symbol)


def _preview_job(path: Path, symbol: str) -> Job[tuple[str, str, np.ndarray, np.ndarray]]:
    yield Progress(0.0, f"Loading {symbol}")
    store = _open(path)
    info = store.info(symbol)
    closes = store.read(symbol, ["close"])["close"]
    seconds = closes.index.values.astype("datetime64[s]").astype(np.float64)
    label = (
        f"{symbol} — {info.kind} — {info.source} — {info.rows:,} bars, {info.first} .. {info.last}"
    )
    return symbol, label, seconds, closes.to_numpy()


class DataController(QObject):
    """Runs the first-start demo load, imports, deletes and previews for the Data dock."""

    series_changed = Signal(list)  # rows of the series table (dicts as in `data list`)
    ready = Signal()  # the store has been read once (demo loaded first if it was empty)

    def __init__(self, desk: Desk, panel: DataPanel, store_path: Path | None = None):
        super().__init__(desk)
        self.desk = desk
        self.panel = panel
        self.store_path = store_path or app_paths().store
        self.rows: list[dict[str, Any]] = []
        self.is_ready = False
        self.conflict_dialog: ConflictDialog | None = None
        self.long_dialog: QMessageBox | None = None
        self._conflicts: list[tuple[ImportConflict, Retry]] = []  # waiting for the dialog
        panel.import_requested.connect(self.import_file)
        panel.delete_requested.connect(self.delete)
        panel.fetch_requested.connect(self.fetch)
        panel.preview_requested.connect(self.preview)
        self.series_changed.connect(panel.set_series)

    @property
    def is_demo(self) -> bool:
        return bool(self.rows) and all(r["source"] == DEMO_SOURCE for r in self.rows)

    def start(self, load_demo: bool = True) -> None:
        """Read the store in a worker; load the demo universe first if it is empty."""
        self.desk.run_job(
            "Opening the data store",
            lambda: _startup_job(self.store_path, load_demo),
            self._first_rows,
            quiet=True,
        )

    def _first_rows(self, result: tuple[list[dict[str, Any]], Any]) -> None:
        rows, recovery = result
        if recovery is not None:
            self.desk.errors.show_recovery(
                "Data store damaged",
                recovery,
                "and a new store was started (with the demo universe). Re-import your data, "
                "or restore the file from a backup.",
            )
        self._set_rows(rows)
        self.is_ready = True
        self.ready.emit()

    def _set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.series_changed.emit(rows)

    def refresh(self) -> None:
        self.desk.run_job(
            "Reading the data store", lambda: _list_job(self.store_path), self._set_rows, quiet=True
        )

    def import_file(
        self, file: Path, choice: ImportChoice | None = None, fmt: str | None = None
    ) -> None:
        """Import ``file`` in a worker; a collision asks how (see ConflictDialog), a long file
        whether to import one series per contract."""
        self.desk.run_job(
            f"Import {Path(file).name}",
            lambda: _import_job(self.store_path, Path(file), choice, fmt),
            lambda result: self._outcome(
                result, lambda again: self.import_file(file, again, fmt), file, choice
            ),
            quiet=True,  # _imported reports the outcome itself
        )

    def _outcome(
        self,
        result: ImportReport | ImportConflict | LongFormatNotAsked,
        retry: Retry,
        file: Path | None = None,
        choice: ImportChoice | None = None,
    ) -> None:
        from engine.data.importers import ImportConflict, LongFormatNotAsked  # loaded already

        if isinstance(result, LongFormatNotAsked) and file is not None:
            self._ask_long_format(result, file, choice)
        elif isinstance(result, ImportConflict):
            self._conflicts.append((result, retry))
            self._ask_next()
        else:
            self._imported(result)

    def _ask_long_format(
        self, question: LongFormatNotAsked, file: Path, choice: ImportChoice | None
    ) -> None:
        """Ask whether a long file imports as one series per contract (window-modal, never
        blocks the event loop); Cancel writes nothing."""
        parent = self.parent()
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Import one series per contract?",
            f"{Path(file).name} holds {question.contracts} contracts in long format (one row "
            "per contract and day). Import them as one series per contract?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            parent if isinstance(parent, QWidget) else None,
        )
        box.setInformativeText(
            "Each is one contract's settlements: not back-adjusted and not a continuous series. "
            "The Term Structure dock reads them; backtests and replays do not take them unless "
            "you tick them."
        )
        box.setDetailedText(question.problem)
        box.finished.connect(lambda code: self._long_answered(box, file, choice, code))
        self.long_dialog = box
        box.open()

    def _long_answered(
        self, box: QMessageBox, file: Path, choice: ImportChoice | None, code: int
    ) -> None:
        self.long_dialog = None
        box.deleteLater()
        if code == QMessageBox.StandardButton.Yes:
            self.import_file(file, choice, "long")
        else:
            self.desk.show_status(f"Import of {Path(file).name} cancelled: nothing written", 10_000)

    def _ask_next(self) -> None:
        """Open the dialog for the first waiting conflict (one dialog at a time)."""
        if self.conflict_dialog is not None or not self._conflicts:
            return
        conflict, retry = self._conflicts.pop(0)
        log.warning("%s", conflict)
        parent = self.parent()  # the window, for a window-modal dialog
        dialog = ConflictDialog(
            parent if isinstance(parent, QWidget) else None,
            conflict_message(conflict),
            [c.symbol for c in conflict.conflicts],
            suggested_prefix(conflict.conflicts[0].incoming.kind),
            can_skip=conflict.total > len(conflict.conflicts),
        )
        dialog.finished.connect(lambda code: self._answered(dialog, conflict, retry, code))
        self.conflict_dialog = dialog
        dialog.open()  # window-modal, never blocks the event loop

    def _answered(
        self, dialog: ConflictDialog, conflict: ImportConflict, retry: Retry, code: int
    ) -> None:
        self.conflict_dialog = None
        dialog.deleteLater()
        if code == ConflictDialog.DialogCode.Accepted:
            retry(dialog.choice())
        else:
            text = f"Import of {Path(conflict.file).name} cancelled: nothing was written"
            log.info(text)
            self.desk.show_status(text, 10_000)
        self._ask_next()

    def _imported(self, report: ImportReport) -> None:
        for warning in report.warnings:
            log.warning("%s: %s", report.name, warning)
        skipped = f", {len(report.skipped)} stored series left alone" if report.skipped else ""
        text = (
            f"Imported {len(report.series)} series from {report.name} "
            f"({report.total('added'):,} bars added, {report.total('changed'):,} changed, "
            f"{len(report.warnings)} warnings{skipped})"
        )
        log.info(text)
        self.desk.show_status(text, 10_000)
        self.refresh()

    def fetch(self, source: str, choice: ImportChoice | None = None) -> None:
        """Download ``source`` (see engine/data/sources.py) and import it, in a worker."""
        cache = app_paths().ensure().cache
        self.desk.run_job(
            f"Fetch {source}",
            lambda: _fetch_job(self.store_path, source, cache, choice),
            lambda result: self._outcome(result, lambda again: self.fetch(source, again)),
            quiet=True,
        )

    def delete(self, symbol: str) -> None:
        def done(count: int) -> None:
            log.info("deleted %s (%d bars)", symbol, count)
            self.refresh()

        self.desk.run_job(f"Delete {symbol}", lambda: _delete_job(self.store_path, symbol), done)

    def preview(self, symbol: str) -> None:
        self.desk.run_job(
            f"Preview {symbol}",
            lambda: _preview_job(self.store_path, symbol),
            lambda result: self.panel.show_preview(*result),
            quiet=True,
        )
