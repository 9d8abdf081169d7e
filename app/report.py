"""The headless HTML report of a batch of backtests (``ctadesk-cli report``).

Layout of ``--out DIR``: ``index.html`` (every run side by side, with their equity curves on one
chart), ``summary.json``, and per run a folder ``PRESET_UNIVERSE/`` with ``report.html``, the
PNG charts (equity, drawdown, regime) and ``returns.csv``. Everything is written in a hidden
folder inside DIR first and moved into place at the end, so a failed or interrupted report
leaves the previous one whole."""

from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from app import __version__
from engine import metrics
from engine.equity_index import no_index_message
from engine.jobs import Job, Progress
from engine.labels import LABELS, finite_json, fmt, number, zone_label
from engine.presets import presets
from engine.vix import DEFAULT_ZONES, ZoneThresholds

if TYPE_CHECKING:  # engine.batch loads the compiler: not at import of the CLI
    from engine.batch import BatchOutcome
    from widgets.palette import Theme

OVERLAY_MAX = 10  # curves on the index chart: the best by Sharpe beyond this
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

CSS = Template("""
body{font:14px/1.45 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
 color:$text;background:$base;margin:0 auto;max-width:1140px;padding:18px 20px 40px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid $border;padding-bottom:4px}
.sub{color:$muted;margin:0}.error{color:$error;text-align:left!important;white-space:normal}
.banner{background:$near;border:1px solid $border;padding:6px 10px;margin:10px 0;
 border-radius:4px}
table{border-collapse:collapse;margin:6px 0 10px}
td,th{padding:3px 9px;border-bottom:1px solid $border;text-align:right;white-space:nowrap}
th{background:$window;font-weight:600}td:first-child,th:first-child{text-align:left}
img{max-width:100%;height:auto;display:block}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:0 24px}
.grid table{width:100%}.small{font-size:12px;color:$muted}a{color:$link}
.months td{min-width:44px}
""")  # $names: the report theme's colours (widgets/palette.py Theme)


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


# -- formatting ----------------------------------------------------------------------------
def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


class Cell(str):
    """A table cell given as HTML (``<td ...>...</td>``); any other value is escaped text."""


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(cell if isinstance(cell, Cell) else f"<td>{_e(cell)}</td>" for cell in row)
        + "</tr>"
        for row in rows
    )
    attr = f' class="{cls}"' if cls else ""
    return f"<table{attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pct(value: float | None) -> str:
    return number(None if value is None else value * 100, ".1f", "%")


def _colours(theme: str) -> Theme:
    """The report theme's colours (Qt's colour types load here, not at import of the CLI)."""
    from widgets.palette import THEMES

    return THEMES[theme]


def _heat_cell(value: float, theme: Theme) -> Cell:
    """A table cell tinted by the theme's gain or loss colour, by size; blank when NaN."""
    if not math.isfinite(value):
        return Cell("<td></td>")
    alpha = round(min(abs(value) / 0.08, 1.0) * 0.55 * 255)
    colour = theme.positive if value >= 0 else theme.negative
    return Cell(f'<td style="background:{colour}{alpha:02x}">{value * 100:.1f}</td>')


def _page(title: str, body: str, theme: Theme) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width"><title>{_e(title)}</title>'
        f"<style>{CSS.substitute(asdict(theme))}</style></head><body>{body}"
        f'<p class="small">Generated {time.strftime("%Y-%m-%d %H:%M")} by CTA Desk '
        f"{_e(__version__)} (ctadesk-cli report). Past performance of a backtest is not a "
        "forecast.</p></body></html>\n"
    )


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


def _regime_section(
    outcome: BatchOutcome, vix: VixInput, has_chart: bool, thresholds: ZoneThresholds
) -> str:
    result = outcome.result
    assert result is not None
    if result.by_vix_zone is None:
        return f"<h2>VIX regimes</h2><p>No VIX series: {_e(vix.label)}.</p>"
    bounds = ", ".join(f"{b:g}" for b in thresholds.bounds)
    parts = [f"<h2>VIX regimes</h2><p class=sub>VIX: {_e(vix.label)}; zone thresholds {bounds}</p>"]
    if has_chart:
        parts.append('<img src="regime.png" alt="VIX with zone bands; Sharpe by zone">')
    parts.append(
        _table(
            ("VIX zone", "Days", "Share", "Return", "Vol", "Sharpe"),
            (
                (
                    zone_label(z, thresholds),
                    f"{s['days']:,}",
                    _pct(s["share"]),
                    fmt("ann_return", s["ann_return"]),
                    fmt("ann_vol", s["ann_vol"]),
                    fmt("sharpe", s["sharpe"]),
                )
                for z, s in result.by_vix_zone.items()
            ),
        )
    )
    corr = result.extras.get("regime_correlation")
    if isinstance(corr, dict):
        calm, stressed = thresholds.lower_bound("warning"), thresholds.lower_bound("panic")
        parts.append(
            f"<p>Daily correlation with {_e(result.equity_index)}:</p>"
            + _table(
                ("", f"Calm (VIX < {calm:g})", f"Stressed (VIX >= {stressed:g})", "All"),
                [
                    (
                        "Correlation",
                        *(fmt("skew", corr[f"corr_{k}"]) for k in ("calm", "stressed", "all")),
                    ),
                    (
                        "Days",
                        *(fmt("days", corr[f"days_{k}"]) for k in ("calm", "stressed", "all")),
                    ),
                ],
            )
        )
    return "".join(parts)


def _equity_index_section(outcome: BatchOutcome) -> str:
    result = outcome.result
    assert result is not None
    if not result.equity_index:
        columns = [str(c) for c in result.positions.columns]
        return f"<h2>Against the equity index</h2><p>{_e(no_index_message(columns))}.</p>"
    crisis = result.extras.get("crisis_alpha")
    mixer = result.extras.get("allocation_mixer")
    if not isinstance(crisis, dict) and not mixer:
        return ""
    parts = [f"<h2>Against the equity index ({_e(result.equity_index)})</h2>"]
    if isinstance(crisis, dict):
        parts.append(
            f"<p>Crisis alpha: in the worst {crisis['months']:.0f} index months (index "
            f"{crisis['index_mean_monthly'] * 100:.1f}% a month on average) the strategy made "
            f"{crisis['strategy_mean_monthly'] * 100:.2f}% a month, positive in "
            f"{crisis['strategy_hit_rate'] * 100:.0f}% of them.</p>"
        )
    if isinstance(mixer, list) and mixer:
        legs = result.extras.get("allocation_mixer_legs", "equity + CTA")
        parts.append(
            f"<p>Portfolio {_e(str(legs))}: the base with a CTA sleeve of this strategy "
            "(rebalanced daily):</p>"
        )
        parts.append(
            _table(
                ("CTA sleeve", "Sharpe", "Annual return", "Annual vol", "Max drawdown"),
                (
                    (
                        f"{r['cta_share'] * 100:.0f}%",
                        fmt("sharpe", r["sharpe"]),
                        fmt("ann_return", r["ann_return"]),
                        fmt("ann_vol", r["ann_vol"]),
                        fmt("max_drawdown", r["max_drawdown"]),
                    )
                    for r in mixer
                ),
            )
        )
    return "".join(parts)


def _monthly_section(returns: pd.Series, theme: Theme) -> str:
    table = metrics.calendar_returns(returns)
    rows = (
        (
            str(year),
            *(_heat_cell(float(v), theme) for v in row.iloc[:12]),
            _heat_cell(float(row["year"]), theme),
        )
        for year, row in table.iterrows()
    )
    return "<h2>Monthly returns (%)</h2>" + _table(("Year", *MONTHS, "Year"), rows, "months")


def _positions_section(outcome: BatchOutcome) -> str:
    result = outcome.result
    assert result is not None
    last = result.positions.iloc[-1]
    forecast = result.forecasts.iloc[-1]
    rows = (
        (
            symbol,
            number(float(last[symbol]), ",.3f"),
            number(float(forecast[symbol]), ",.2f"),
            result.modes.get(symbol, ""),
        )
        for symbol in result.positions.columns
    )
    day = f"{result.positions.index[-1]:%Y-%m-%d}"
    note = (
        "<p class=small>Position: notional as a multiple of capital in percent mode, "
        "contracts of one price unit in difference mode.</p>"
    )
    return (
        f"<h2>Positions on {day}</h2>"
        + _table(("Instrument", "Position", "Forecast", "Return mode"), rows)
        + note
    )


def _moves_section(outcome: BatchOutcome, top: int = 12) -> str:
    result = outcome.result
    assert result is not None
    moves = [(symbol, m) for symbol, items in result.largest_moves.items() for m in items]
    moves.sort(key=lambda sm: -abs(sm[1]["sigmas"] or 0.0))
    rows = (
        (
            m["date"],
            symbol,
            f"{m['move']:.6g}",
            "-" if m["sigmas"] is None else f"{m['sigmas']:.1f}",
        )
        for symbol, m in moves[:top]
    )
    return (
        "<h2>Largest daily moves</h2><p class=small>In the instrument's own units and in "
        "multiples of the previous day's volatility estimate: check outliers for bad ticks.</p>"
        + _table(("Date", "Instrument", "Move", "Sigmas"), rows)
    )


def _params_section(preset: str, params: dict) -> str:
    """Every parameter with where its value came from: the preset, --set, or the default."""
    from engine.presets import resolve

    of_preset = resolve(preset)
    own = presets()[preset].values
    rows = (
        (
            key,
            ", ".join(map(str, value)) if isinstance(value, tuple) else value,
            "--set" if value != of_preset[key] else "preset" if key in own else "default",
        )
        for key, value in params.items()
    )
    return "<h2>Parameters</h2>" + _table(("Parameter", "Value", "From"), rows)


def _metric_tables(values: dict[str, float]) -> str:
    keys = list(values)
    half = (len(keys) + 1) // 2
    columns = (keys[:half], keys[half:])
    return (
        '<div class="grid">'
        + "".join(
            _table(("Metric", "Value"), ((LABELS.get(k, k), fmt(k, values[k])) for k in col))
            for col in columns
        )
        + "</div>"
    )


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
    colours = _colours(theme)
    preset = presets()[outcome.run.preset]
    first, last = result.returns.index[0], result.returns.index[-1]
    demo = "DEMO" in universe.source
    header = (
        f'<p class=small><a href="../index.html">All runs</a></p>'
        f"<h1>{_e(preset.title)} on {_e(universe.name)}</h1>"
        f"<p class=sub>Preset {_e(preset.name)} ({_e(preset.family)}) - "
        f"{len(result.positions.columns)} instruments - {first:%Y-%m-%d} to {last:%Y-%m-%d} - "
        f"IDM {result.idm:.2f} - data: {_e(universe.source)}</p>"
        f"<p>{_e(preset.description)}</p>"
        + (
            '<p class="banner">DEMO (synthetic) data: illustrative, not market history.</p>'
            if demo
            else ""
        )
    )
    body = [
        header,
        "<h2>Performance</h2>",
        _metric_tables(result.metrics),
        "<h2>Equity</h2>",
        '<img src="equity.png" alt="Equity curve">' if "equity" in charts else "",
        "<h2>Drawdown and leverage</h2>",
        '<img src="drawdown.png" alt="Drawdown and gross leverage">'
        if "drawdown" in charts
        else "",
        _regime_section(outcome, universe.vix, "regime" in charts, thresholds),
        _equity_index_section(outcome),
        _monthly_section(result.returns, colours),
        _positions_section(outcome),
        _moves_section(outcome),
        _params_section(outcome.run.preset, outcome.run.params),
        '<p class=small>Daily returns, equity and positions: <a href="returns.csv">'
        "returns.csv</a>.</p>",
    ]
    return _page(f"{outcome.run.name} - CTA Desk report", "".join(body), colours)


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
    ok = [r for r in rows if not r["error"]]
    failed = [r for r in rows if r["error"]]
    table = _table(
        ("Preset", "Universe", "From", "To", *INDEX_COLUMNS.values()),
        (
            (
                Cell(f'<td><a href="{_e(r["folder"])}/report.html">{_e(r["preset"])}</a></td>'),
                r["universe"],
                r["first"],
                r["last"],
                *(fmt(k, r["metrics"][k]) for k in INDEX_COLUMNS),
            )
            for r in ok
        ),
    )
    inputs = _table(
        ("Universe", "Instruments", "Data", "VIX"),
        ((u.name, len(u.prices.columns), u.source, u.vix.label) for u in universes.values()),
    )
    demo = any("DEMO" in u.source for u in universes.values())
    body = [
        "<h1>CTA Desk batch report</h1>",
        f"<p class=sub>{len(ok)} of {len(rows)} runs finished"
        + (f", {len(failed)} could not run" if failed else "")
        + "</p>",
        '<p class="banner">Includes DEMO (synthetic) data: illustrative, not market history.</p>'
        if demo
        else "",
        "<h2>Runs</h2>",
        table if ok else "<p>No run finished.</p>",
    ]
    if overlay_note is not None:
        body += [
            f"<h2>Equity</h2><p class=sub>{_e(overlay_note)}</p>",
            '<img src="equity_all.png" alt="Equity of every run">',
        ]
    if failed:
        body.append("<h2>Runs that could not run</h2>")
        body.append(
            _table(
                ("Preset", "Universe", "Reason"),
                (
                    (r["preset"], r["universe"], Cell(f'<td class="error">{_e(r["error"])}</td>'))
                    for r in failed
                ),
            )
        )
    body += ["<h2>Inputs</h2>", inputs]
    if command:
        body.append(f"<p class=small>Command: <code>{_e(command)}</code></p>")
    return _page("CTA Desk batch report", "".join(body), _colours(theme))


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
                        (z, f"{zone_label(z, thresholds)}: {_pct(s['share'])}", s["sharpe"])
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
