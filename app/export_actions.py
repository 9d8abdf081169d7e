"""File > Export: a run's daily returns, equity and positions to CSV, and the chart in front to
PNG or SVG. Heavy modules (pandas, pyqtgraph) load on first use."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDockWidget, QFileDialog, QMenu, QWidget

from engine.files import atomic_writer

if TYPE_CHECKING:
    import pandas as pd
    import pyqtgraph as pg

    from app.mainwindow import MainWindow
    from app.strategy_actions import RunOutput

AskPath = Callable[[QWidget, str, str, str], str]
"""(parent, caption, suggested file name, filter) -> the chosen path, "" when cancelled."""

RUN_CSV_TEXT = "Run's daily returns, equity and positions (CSV)…"
EARLIER_RUNS_TEXT = "Earlier run (CSV)"
PNG_TEXT = "Chart as PNG…"
SVG_TEXT = "Chart as SVG…"


def run_frame(out: RunOutput) -> pd.DataFrame:
    """The run's days: ``return`` (net, a fraction of capital), ``equity`` (the product of
    1 + return) and ``pos_<symbol>`` (the engine's positions at each day's close)."""
    import pandas as pd

    result = out.result
    frame = pd.DataFrame({"return": result.returns, "equity": result.equity})
    positions = result.positions.reindex(frame.index).add_prefix("pos_")
    return pd.concat([frame, positions], axis=1)


def run_header(out: RunOutput) -> list[str]:
    """Comment lines naming the run, its period, instruments and resolved parameters."""
    result = out.result
    index = result.returns.index
    modes = ", ".join(f"{symbol}: {mode}" for symbol, mode in result.modes.items())
    return [
        f"run: {out.series.label}",
        f"period: {index[0]:%Y-%m-%d} .. {index[-1]:%Y-%m-%d} ({len(index)} days)",
        f"parameters: {json.dumps(result.params, sort_keys=True, default=str)}",
        "columns: return = net daily return (fraction of capital); equity = product of "
        "(1 + return), 1 before the first day; pos_<symbol> = position at the close, in units "
        "of capital (notional fraction in percent mode, price units in difference mode)",
        f"return modes: {modes}",
    ]


def write_run_csv(out: RunOutput, path: Path) -> int:
    """Write ``#`` header lines (:func:`run_header`) then Date (ISO), return, equity and
    pos_<symbol> columns; returns the number of days written. Read it back with
    ``pandas.read_csv(path, comment="#", index_col="Date", parse_dates=True)``."""
    frame = run_frame(out)
    frame.index = frame.index.strftime("%Y-%m-%d")
    frame.index.name = "Date"
    with atomic_writer(Path(path)) as handle:
        handle.writelines(f"# {line}\n" for line in run_header(out))
        frame.to_csv(handle, lineterminator="\n", float_format="%.17g")
    return len(frame)


def export_chart(view: pg.GraphicsView, path: Path) -> Path:
    """Write everything drawn in ``view`` (all its plots and the key) as PNG or SVG, by the
    file's suffix. A PNG (pyqtgraph's ImageExporter) has the chart's size on screen in device
    pixels. An SVG is the scene drawn by Qt's SVG generator: pyqtgraph 0.14's SVGExporter
    fails on the closed paths Qt 6 writes (pyqtgraph issue #3495)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        from pyqtgraph.exporters import ImageExporter

        exporter = ImageExporter(view.scene())
        ratio = view.devicePixelRatioF()
        exporter.parameters()["width"] = round(view.width() * ratio)
        exporter.parameters()["height"] = round(view.height() * ratio)
        exporter.export(str(path))
    elif suffix == ".svg":
        _write_svg(view, path)
    else:
        raise ValueError(f"export a chart as .png or .svg, not {path.name!r}")
    return path


def _write_svg(view: pg.GraphicsView, path: Path) -> None:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    source = view.mapToScene(view.viewport().rect()).boundingRect()
    size = view.viewport().size()
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(size)
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setTitle(view.window().windowTitle())
    painter = QPainter(generator)
    try:
        view.scene().render(painter, QRectF(0, 0, size.width(), size.height()), source)
    finally:
        painter.end()
    if not path.is_file():
        raise OSError(f"could not write {path}")


def chart_views(panel: QWidget) -> list[pg.GraphicsView]:
    """The charts shown in ``panel``, largest first."""
    import pyqtgraph as pg

    views = [v for v in panel.findChildren(pg.GraphicsView) if v.isVisible()]
    return sorted(views, key=lambda v: v.width() * v.height(), reverse=True)


def front_chart(window: MainWindow) -> tuple[str, pg.GraphicsView]:
    """(dock title, chart) to export: the chart of the dock holding the keyboard focus, else
    the largest chart on screen (the dock in front of the centre), else the Equity chart."""

    focus = window.focusWidget()
    candidates: list[tuple[QWidget, pg.GraphicsView]] = []
    for panel in window.panels.values():
        for view in chart_views(panel):
            candidates.append((panel, view))
    focused = [c for c in candidates if focus is not None and c[0].isAncestorOf(focus)]
    largest = sorted(candidates, key=lambda c: c[1].width() * c[1].height(), reverse=True)
    if focused or largest:
        panel, view = (focused or largest)[0]
    else:
        panel = window.panels["dockEquity"]
        view = panel.view
    return _dock_title(panel), view


def _dock_title(panel: QWidget) -> str:
    parent = panel.parentWidget()
    while parent is not None and not isinstance(parent, QDockWidget):
        parent = parent.parentWidget()
    return parent.windowTitle().replace("&&", "&") if parent is not None else "Chart"


def _file_stem(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "export"


def ask_save_path(parent: QWidget, caption: str, suggested: str, file_filter: str) -> str:
    """The file dialog of the Export actions."""
    return QFileDialog.getSaveFileName(parent, caption, suggested, file_filter)[0]


def export_run(
    window: MainWindow, out: RunOutput | None = None, ask_path: AskPath = ask_save_path
) -> Path | None:
    """Ask where, then write run ``out`` (the Equity dock's newest when None) as CSV; None
    when there is no run or the dialog was cancelled."""
    outputs = window.strategy.outputs
    if out is None and not outputs:
        window.show_status("No run to export: run a backtest first", 5000)
        return None
    out = out or outputs[-1]
    label = out.series.label
    chosen = ask_path(window, f"Export {label}", f"{_file_stem(label)}.csv", "CSV files (*.csv)")
    if not chosen:
        return None
    path = Path(chosen)
    try:
        days = write_run_csv(out, path)
    except OSError as exc:
        window.errors.show_exception(f"Could not write {path.name}", exc)
        return None
    window.show_status(f"{label}: {days} days written to {path}", 5000)
    return path


def export_front_chart(
    window: MainWindow, suffix: str, ask_path: AskPath = ask_save_path
) -> Path | None:
    """Ask where, then write the chart in front (:func:`front_chart`) as ``suffix`` (".png"
    or ".svg"); None when the dialog was cancelled."""
    title, view = front_chart(window)
    kind = suffix.lstrip(".").upper()
    chosen = ask_path(
        window,
        f"Export the {title} chart as {kind}",
        f"{_file_stem(title)}{suffix}",
        f"{kind} images (*{suffix})",
    )
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    try:
        export_chart(view, path)
    except OSError as exc:
        window.errors.show_exception(f"Could not write {path.name}", exc)
        return None
    window.show_status(f"{title} chart written to {path}", 5000)
    return path


def add_export_actions(window: MainWindow, menu: QMenu, ask_path: AskPath = ask_save_path) -> None:
    """Add an Export submenu to ``menu`` (File): the newest run as CSV (the earlier ones in a
    submenu), the chart in front as PNG or SVG. ``ask_path`` picks the file (a dialog; tests
    pass a path instead)."""
    export = menu.addMenu("&Export")
    export.setObjectName("exportMenu")
    entries: list[tuple[str, Callable[[], Any]]] = [
        (RUN_CSV_TEXT, lambda: export_run(window, None, ask_path)),
        (PNG_TEXT, lambda: export_front_chart(window, ".png", ask_path)),
        (SVG_TEXT, lambda: export_front_chart(window, ".svg", ask_path)),
    ]
    for text, slot in entries:
        action = export.addAction(text)
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
    run_action, *chart_actions = export.actions()
    earlier = QMenu(EARLIER_RUNS_TEXT, export)
    export.insertMenu(chart_actions[0], earlier)

    def describe() -> None:  # which runs and which chart, as the menu opens
        outputs = window.strategy.outputs
        run_action.setEnabled(bool(outputs))
        run_action.setStatusTip(f"Export {outputs[-1].series.label}" if outputs else "No run yet")
        earlier.clear()
        for out in reversed(outputs[:-1]):  # newest first
            action = earlier.addAction(f"{out.series.label}…")
            action.triggered.connect(
                lambda _checked=False, out=out: export_run(window, out, ask_path)
            )
        earlier.setEnabled(len(outputs) > 1)
        title = front_chart(window)[0]
        for action in chart_actions:
            action.setStatusTip(f"Export the {title} chart")

    export.aboutToShow.connect(describe)
