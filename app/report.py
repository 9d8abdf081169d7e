"""The headless HTML report of a batch of backtests (``ctadesk-cli report``).

Layout of ``--out DIR``: ``index.html`` (every run side by side, with their equity curves on one
chart), ``summary.json``, and per run a folder ``PRESET_UNIVERSE/`` with ``report.html``, the
PNG charts (equity, drawdown, regime) and ``returns.csv``. Everything is written in a hidden
folder inside DIR first and moved into place at the end, so a failed or interrupted report
leaves the previous one whole. The pages render from the Jinja templates in
resources/report_templates (a base layout, the index and run pages, one include per section)
with HTML autoescaped; their numbers and sentences come from the presenter, engine/labels.py."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from app import __version__
from engine import metrics
from engine.equity_index import no_index_message
from engine.jobs import Job, Progress
from engine.labels import (
    LABELS,
    MIXER_HEADERS,
    ZONE_HEADERS,
    crisis_alpha_text,
    finite_json,
    fmt,
    mixer_rows,
    number,
    pct,
    usd_bn,
    zone_label,
    zone_rows,
)
from engine.presets import presets
from engine.vix import DEFAULT_ZONES, ZoneThresholds
from resources import resource_path

if TYPE_CHECKING:  # engine.batch loads the compiler, jinja2 takes 60 ms: not at CLI import
    import jinja2

    from engine.backtest import BacktestResult
    from engine.batch import BatchOutcome
    from widgets.palette import Theme

OVERLAY_MAX = 10  # curves on the index chart: the best by Sharpe beyond this
TEMPLATES = "report_templates"  # resources/report_templates: base, index and run pages, sections


@dataclass(frozen=True)
class VixInput:
    """The VIX series used for regime statistics, or none; ``label`` says which and where."""

    series: pd.Series | None
    label: str


@dataclass(frozen=True)
class Universe:
    """A set of instruments the runs are made on: its name, the closes, where they came from,
    and the VIX its regime statistics use."""

    name: str
    prices: pd.DataFrame
    source: str
    vix: VixInput


# -- names ---------------------------------------------------------------------------------
def slug(text: str) -> str:
    """A file-system-safe folder name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.") or "run"


def unique_names(names: Iterable[str]) -> list[str]:
    """``names`` with repeats made distinct by a -2, -3... suffix."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}-{seen[name]}")
    return out


# -- templates -----------------------------------------------------------------------------
@cache
def environment() -> jinja2.Environment:
    """The report's Jinja environment: the templates in resources/report_templates, HTML
    autoescaped, and the presenter's formats (engine/labels.py) as filters and globals."""
    import jinja2  # not at import of the CLI

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(resource_path(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        number=number,
        pct=pct,
        usd_bn=usd_bn,
        zone_label=zone_label,
        zone_rows=zone_rows,
        mixer_rows=mixer_rows,
        crisis_alpha_text=crisis_alpha_text,
        heat=_heat_colour,
    )
    env.globals.update(
        fmt=fmt,
        LABELS=LABELS,
        ZONE_HEADERS=ZONE_HEADERS,
        MIXER_HEADERS=MIXER_HEADERS,
        version=__version__,
    )
    return env


def _render(template: str, theme: str, **context: Any) -> str:
    """``template`` rendered with ``context`` in ``theme``'s colours, stamped with the time."""
    return (
        environment()
        .get_template(template)
        .render(context, theme=_colours(theme), generated=time.strftime("%Y-%m-%d %H:%M"))
    )


def _colours(theme: str) -> Theme:
    """The report theme's colours (Qt's colour types load here, not at import of the CLI)."""
    from widgets.palette import THEMES

    return THEMES[theme]


def _heat_colour(value: float, theme: Theme) -> str | None:
    """A table cell's background: the theme's gain or loss colour, more opaque the larger the
    return (full at 8%); None when NaN."""
    if not math.isfinite(value):
        return None
    alpha = round(min(abs(value) / 0.08, 1.0) * 0.55 * 255)
    return f"{theme.positive if value >= 0 else theme.negative}{alpha:02x}"


# -- one run -------------------------------------------------------------------------------
@dataclass
class RunArrays:
    """What the charts of one run draw."""

    seconds: np.ndarray
    equity: np.ndarray
    drawdown: np.ndarray
    leverage: np.ndarray
    benchmark: np.ndarray | None


def run_arrays(outcome: BatchOutcome, prices: pd.DataFrame) -> RunArrays:
    from engine.backtest import benchmark_equity

    result = outcome.result
    assert result is not None
    bench = benchmark_equity(result, prices)
    return RunArrays(
        seconds=result.returns.index.values.astype("datetime64[s]").astype(np.float64),
        equity=result.equity.to_numpy(),
        drawdown=metrics.drawdown(result.returns).to_numpy(),
        leverage=result.gross_exposure.to_numpy(),
        benchmark=None if bench is None else bench.to_numpy(),
    )


def _monthly(returns: pd.Series) -> list[tuple[str, list[float]]]:
    """Per year: the twelve monthly returns and the year's, NaN where there is none."""
    table = metrics.calendar_returns(returns)
    return [
        (str(year), [float(v) for v in row.iloc[:12]] + [float(row["year"])])
        for year, row in table.iterrows()
    ]


def _positions(result: BacktestResult) -> list[tuple[str, float, float, str]]:
    """Per instrument: the last day's position and forecast, and its return mode."""
    last, forecast = result.positions.iloc[-1], result.forecasts.iloc[-1]
    return [
        (symbol, float(last[symbol]), float(forecast[symbol]), result.modes.get(symbol, ""))
        for symbol in result.positions.columns
    ]


def _largest_moves(
    result: BacktestResult, top: int = 12
) -> list[tuple[str, str, float, float | None]]:
    """The ``top`` daily moves of all instruments by size in sigmas: date, instrument, move,
    sigmas (None where no volatility estimate)."""
    moves = [(symbol, m) for symbol, items in result.largest_moves.items() for m in items]
    moves.sort(key=lambda sm: -abs(sm[1]["sigmas"] or 0.0))
    return [(m["date"], symbol, m["move"], m["sigmas"]) for symbol, m in moves[:top]]


def _parameters(preset: str, params: dict) -> list[tuple[str, Any, str]]:
    """Every parameter with where its value came from: the preset, --set, or the default."""
    from engine.presets import resolve

    of_preset = resolve(preset)
    own = presets()[preset].values
    return [
        (
            key,
            ", ".join(map(str, value)) if isinstance(value, tuple) else value,
            "--set" if value != of_preset[key] else "preset" if key in own else "default",
        )
        for key, value in params.items()
    ]


def run_page(
    outcome: BatchOutcome,
    universe: Universe,
    charts: set[str],
    thresholds: ZoneThresholds = DEFAULT_ZONES,
    theme: str = "light",
) -> str:
    """The HTML page of one finished run (charts are files next to it) in ``theme``'s colours;
    its VIX statistics were computed with the zone ``thresholds``."""
    result = outcome.result
    assert result is not None
    extras = result.extras
    correlation = extras.get("regime_correlation")
    crisis = extras.get("crisis_alpha")
    columns = [str(c) for c in result.positions.columns]
    return _render(
        "run.html",
        theme,
        run=outcome.run,
        result=result,
        preset=presets()[outcome.run.preset],
        universe=universe,
        demo="DEMO" in universe.source,
        charts=charts,
        thresholds=thresholds,
        first_day=f"{result.returns.index[0]:%Y-%m-%d}",
        last_day=f"{result.returns.index[-1]:%Y-%m-%d}",
        correlation=correlation if isinstance(correlation, dict) else None,
        no_index=None if result.equity_index else no_index_message(columns),
        crisis=crisis if isinstance(crisis, dict) else None,
        mixer=extras.get("allocation_mixer") or [],
        mixer_legs=str(extras.get("allocation_mixer_legs", "equity + CTA")),
        monthly=_monthly(result.returns),
        positions=_positions(result),
        moves=_largest_moves(result),
        parameters=_parameters(outcome.run.preset, outcome.run.params),
    )


INDEX_COLUMNS = {"sharpe": "Sharpe", "sortino": "Sortino", "cagr": "CAGR", "ann_vol": "Vol",
                 "max_drawdown": "Max DD", "calmar": "Calmar", "turnover": "Turnover"}  # fmt: skip


def index_page(
    rows: list[dict[str, Any]],
    universes: dict[str, Universe],
    command: str,
    overlay_note: str | None,
    theme: str = "light",
) -> str:
    """The page listing every run: headline metrics, links, inputs, failures."""
    return _render(
        "index.html",
        theme,
        rows=rows,
        finished=[r for r in rows if not r["error"]],
        failed=[r for r in rows if r["error"]],
        columns=INDEX_COLUMNS,
        universes=list(universes.values()),
        demo=any("DEMO" in u.source for u in universes.values()),
        command=command,
        overlay_note=overlay_note,
    )


# -- writing -------------------------------------------------------------------------------
def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def _summary_row(outcome: BatchOutcome, folder: str, universe: Universe) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": outcome.run.name,
        "preset": outcome.run.preset,
        "universe": outcome.run.universe,
        "source": universe.source,
        "folder": folder,
        "seconds": outcome.seconds,
        "error": outcome.error,
    }
    result = outcome.result
    if result is not None:
        row.update(
            first=f"{result.returns.index[0]:%Y-%m-%d}",
            last=f"{result.returns.index[-1]:%Y-%m-%d}",
            instruments=list(result.positions.columns),
            metrics=finite_json(result.metrics),
            html=f"{folder}/report.html",
        )
    return row


def report_job(
    out_dir: Path,
    outcomes: list[BatchOutcome],
    universes: dict[str, Universe],
    command: str = "",
    thresholds: ZoneThresholds = DEFAULT_ZONES,
    theme: str = "light",
) -> Job[dict[str, Any]]:
    """Job: render charts and pages for ``outcomes`` into ``out_dir`` in the ``theme``
    (``light`` or ``dark``); returns the summary (also written as summary.json). The runs'
    VIX statistics were computed with the zone ``thresholds``. Progress per run; cancel
    leaves ``out_dir`` as it was."""
    from app.cli_engine import write_result_csv
    from widgets import report_charts

    colours = _colours(theme)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".report-", dir=out_dir))
    try:
        folders = unique_names(slug(f"{o.run.preset}_{o.run.universe}") for o in outcomes)
        rows = []
        curves = []
        for i, (outcome, folder) in enumerate(zip(outcomes, folders, strict=True)):
            yield Progress(
                100.0 * i / len(outcomes), f"Report {i + 1} of {len(outcomes)}: {outcome.run.name}"
            )
            universe = universes[outcome.run.universe]
            rows.append(_summary_row(outcome, folder, universe))
            if outcome.result is None:
                continue
            target = staging / folder
            target.mkdir()
            arrays = run_arrays(outcome, universe.prices)
            report_charts.equity_chart(
                target / "equity.png",
                arrays.seconds,
                arrays.equity,
                arrays.benchmark,
                f"{outcome.result.equity_index} (benchmark)",
                colours,
            )
            report_charts.drawdown_chart(
                target / "drawdown.png", arrays.seconds, arrays.drawdown, arrays.leverage, colours
            )
            charts = {"equity", "drawdown"}
            vix = universe.vix.series
            if vix is not None and outcome.result.by_vix_zone is not None:
                dates = outcome.result.returns.index
                window = vix.loc[dates[0] : dates[-1]].dropna()
                report_charts.regime_chart(
                    target / "regime.png",
                    window.index.values.astype("datetime64[s]").astype(np.float64),
                    window.to_numpy(),
                    thresholds,
                    [
                        (z, f"{zone_label(z, thresholds)}: {pct(s['share'])}", s["sharpe"])
                        for z, s in outcome.result.by_vix_zone.items()
                    ],
                    colours,
                )
                charts.add("regime")
            rows[-1]["charts"] = {c: f"{folder}/{c}.png" for c in sorted(charts)}
            write_result_csv(outcome.result, target / "returns.csv")
            _write_text(
                target / "report.html", run_page(outcome, universe, charts, thresholds, theme)
            )
            curves.append(
                (outcome.run.name, arrays.seconds, arrays.equity, outcome.result.metrics["sharpe"])
            )
        yield Progress(99.0, "Index page")
        overlay_note = None
        if curves:
            overlay_note = ""
            if len(curves) > OVERLAY_MAX:
                curves.sort(key=lambda c: -c[3] if math.isfinite(c[3]) else math.inf)
                overlay_note = f"The {OVERLAY_MAX} runs with the highest Sharpe ratio."
                curves = curves[:OVERLAY_MAX]
            report_charts.overlay_chart(
                staging / "equity_all.png", [(name, x, y) for name, x, y, _ in curves], colours
            )
        _write_text(
            staging / "index.html", index_page(rows, universes, command, overlay_note, theme)
        )
        summary = {"index": str(out_dir / "index.html"), "runs": rows}
        _write_text(staging / "summary.json", json.dumps(summary, indent=1, allow_nan=False))
        _move_into_place(staging, out_dir)
        return summary
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_into_place(staging: Path, out_dir: Path) -> None:
    """Replace the report's entries in ``out_dir`` by the staged ones, index last; entries
    replaced are moved into the staging folder (deleted with it)."""
    old = staging / ".replaced"
    old.mkdir()
    entries = sorted(
        (p for p in staging.iterdir() if p != old), key=lambda p: p.name == "index.html"
    )
    for entry in entries:
        target = out_dir / entry.name
        if target.is_dir() and not target.is_symlink():
            os.replace(target, old / entry.name)
        os.replace(entry, target)
