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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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
    from engine.regime_matrix import RegimeMatrix
    from engine.spike_anatomy import Anatomy
    from engine.spike_speed import SpikeTable
    from engine.term_structure import VxSettles
    from widgets.palette import Theme

OVERLAY_MAX = 10  # curves on the index chart: the best by Sharpe beyond this
TEMPLATES = "report_templates"  # resources/report_templates: base, index and run pages, sections


@dataclass(frozen=True)
class VixInput:
    """The VIX series used for regime statistics, or none; ``label`` says which and where;
    ``demo``: the demo universe's synthetic VIX."""

    series: pd.Series | None
    label: str
    demo: bool = False


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


def _heat_colour(value: float | None, theme: Theme, full: float = 0.08) -> str | None:
    """A table cell's background: the theme's gain or loss colour, more opaque the larger the
    value (full at ``full``, by default a return of 8%); None when NaN."""
    if value is None or not math.isfinite(value):
        return None
    alpha = round(min(abs(value) / full, 1.0) * 0.55 * 255)
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


def seconds(index: pd.Index) -> np.ndarray:
    """Dates as seconds since the epoch, the x of the date charts."""
    return pd.DatetimeIndex(index).values.astype("datetime64[s]").astype(np.float64)


def run_arrays(outcome: BatchOutcome, prices: pd.DataFrame) -> RunArrays:
    from engine.backtest import benchmark_equity

    result = outcome.result
    assert result is not None
    bench = benchmark_equity(result, prices)
    return RunArrays(
        seconds=seconds(result.returns.index),
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
    labs: Iterable[tuple[str, str, str | None]] = (),
) -> str:
    """The page listing every run: headline metrics, links, the Regime Lab pages (``labs``:
    universe, page and its Spike anatomy page or None), inputs, failures."""
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
        labs=list(labs),
    )


# -- Regime Lab ----------------------------------------------------------------------------
LAB_KEYS = ("regime_matrix", "spikes", "dispersion", "term_structure", "anatomy")
"""The Regime Lab's figures in summary.json: one object per universe under each key."""
LAB_PAGE = "regime_lab.html"
T_DIMMED = 2.0
"""Matrix cells with |t| below this are dimmed: the band's mean daily return is not
distinguishable from zero at about the 5% level (docs/regime_lab.md, "Regime matrix")."""
SHARPE_FULL = 1.5  # a matrix cell's colour is full at this Sharpe ratio
TOP_MONTHS = 10  # the dispersion's largest months listed
DISPERSION_OFF = "not run: add --dispersion (20 variant backtests, a few seconds a universe)"
BASIS_PERCENTILES = ("p5", "p50", "p95")  # of history_summary's, drawn on the basis chart
NO_TERM_INPUTS = (
    "Add VIX3M with --vix3m FILE|SYMBOL (CBOE's VIX3M_History.csv, or `ctadesk-cli data fetch "
    "cboe-vix3m` into the store) and VX futures with --vx FILE|SYMBOL (the long VX settlement "
    "file, or VX_YYYY-MM contracts in the store: `ctadesk-cli data fetch cboe-vx:YYYY-MM`)."
)


@dataclass(frozen=True)
class TermInputs:
    """The VIX curve's series besides the spot VIX: VIX3M closes and VX settles
    (engine.term_structure.VxSettles) for the term structure, and VIX9D and VVIX closes for the
    spike anatomy, each None when not found, with where each came from or why it is missing."""

    vix3m: pd.Series | None
    vx: VxSettles | None
    vix3m_label: str
    vx_label: str
    vix9d: pd.Series | None = None
    vvix: pd.Series | None = None
    vix9d_label: str = "not looked for"
    vvix_label: str = "not looked for"


@dataclass(frozen=True)
class LabOptions:
    """What the Regime Lab pages draw on besides the runs: the VIX curve's inputs (None when
    not looked for: no universe has a real spot VIX), whether to run the dispersion study
    (``dispersion``, with the runs' parameter ``overrides``), the period of the runs, and the
    spike anatomy's equity ``index`` (``index_label`` says where from; None: each universe's
    own equity index)."""

    term: TermInputs | None = None
    dispersion: bool = False
    overrides: dict[str, Any] = field(default_factory=dict)
    start: str | None = None
    end: str | None = None
    index: pd.Series | None = None
    index_label: str = ""


def regime_matrix(
    results: dict[str, BacktestResult],
    vix: pd.Series,
    thresholds: ZoneThresholds,
    failed: dict[str, str] | None = None,
) -> RegimeMatrix:
    """The regime matrix (docs/regime_lab.md, "Regime matrix") of runs already made: each
    run's daily returns split by the VIX zone bands (metrics.returns_by_band) with
    engine/regime_matrix's cell statistics and bootstrap, as ``ctadesk-cli regimes`` computes
    them on its own backtests. Skipped: the ``failed`` runs (preset: reason) and a run whose
    returns share no date with the VIX."""
    from engine.metrics import returns_by_band
    from engine.regime_matrix import DEFAULT_BOOTSTRAP, RegimeMatrix, cell_stats, zone_band_list

    bands = zone_band_list(thresholds)
    bounds = {b.key: (b.lower, b.upper) for b in bands}
    cells: dict[str, dict[str, dict[str, Any]]] = {}
    skipped = dict(failed or {})
    for name, result in results.items():
        days = int(result.params["annualisation"])
        parts, known = returns_by_band(result.returns, vix, bounds)
        if not known:
            skipped[name] = "its returns and the VIX share no dates"
            continue
        cells[name] = {
            key: cell_stats(part, known, days, DEFAULT_BOOTSTRAP) for key, part in parts.items()
        }
    kept = {name: results[name] for name in cells}
    return RegimeMatrix.of_runs(kept, bands, cells, DEFAULT_BOOTSTRAP, skipped)


def matrix_json(matrix: RegimeMatrix, thresholds: ZoneThresholds, vix: str) -> dict[str, Any]:
    """The matrix under the keys of ``ctadesk-cli regimes``."""
    return {**matrix.as_json(thresholds), "vix": vix}


def _matrix_rows(matrix: RegimeMatrix, theme: Theme) -> list[tuple[str, list[dict[str, Any]]]]:
    """Per preset, one cell per band: Sharpe, t-statistic, days, the 95% interval, dimmed when
    |t| < T_DIMMED, and its background."""
    rows = []
    for preset in matrix.presets:
        cells = []
        for band in matrix.bands:
            c = matrix.cells[preset][band.key]
            t, (low, high) = c["t_stat"], c["sharpe_ci"]
            cells.append(
                {
                    "sharpe": fmt("sharpe", c["sharpe"]),
                    "t": number(t, ".2f"),
                    "days": number(c["days"], ",.0f"),
                    "interval": f"{number(low, '.2f')} to {number(high, '.2f')}",
                    "dim": not abs(t) >= T_DIMMED,
                    "colour": _heat_colour(c["sharpe"], theme, SHARPE_FULL),
                }
            )
        rows.append((preset, cells))
    return rows


def _spike_index(
    universe: Universe, results: dict[str, BacktestResult]
) -> tuple[pd.Series | None, str | None]:
    """The runs' equity index closes when it is a price index (percent mode), else None and
    why."""
    symbol = next((r.equity_index for r in results.values() if r.equity_index), None)
    if symbol is None:
        return None, no_index_message([str(c) for c in universe.prices.columns])
    if any(r.modes.get(symbol) != "percent" for r in results.values()):
        return None, f"{symbol} has zero or negative prices (back-adjusted): no index returns"
    return universe.prices[symbol].dropna().rename(symbol), None


def spike_table(
    results: dict[str, BacktestResult],
    vix: pd.Series,
    index: pd.Series | None,
    index_note: str | None,
    start: str | None = None,
    end: str | None = None,
    failed: dict[str, str] | None = None,
) -> SpikeTable:
    """The spike-speed table (docs/regime_lab.md, "Spike speed") of runs already made: the
    episodes of ``vix`` (those starting on or after ``start``; closes after ``end`` unseen)
    with the ``index``'s and each run's returns over the rise and the horizons after the
    cross, as ``ctadesk-cli spikes`` computes them on its own backtests; ``failed``: the runs
    that could not run (preset: reason)."""
    from engine.spike_speed import SpikeTable, spike_episodes, spike_rows

    closes = pd.Series(vix, dtype=float).dropna().sort_index()
    if end is not None:
        closes = closes.loc[: pd.Timestamp(end)]
        index = None if index is None else index.loc[: pd.Timestamp(end)]
    episodes = spike_episodes(closes)
    if start is not None:
        episodes = [e for e in episodes if e.start >= pd.Timestamp(start)]
    rows = spike_rows(episodes, {name: r.returns for name, r in results.items()}, index)
    return SpikeTable(
        episodes=rows,
        presets=list(results),
        skipped=dict(failed or {}),
        index=None if index is None else str(index.name),
        index_note=index_note,
    )


def spikes_json(table: SpikeTable) -> dict[str, Any]:
    """The table under the keys of ``ctadesk-cli spikes`` (the default rule)."""
    from engine.regime import JUMP_FROM, JUMP_TO
    from engine.spike_speed import DEFAULT_FAST_DAYS

    return table.as_json(JUMP_FROM, JUMP_TO, DEFAULT_FAST_DAYS)


def _spike_view(spikes: dict[str, Any]) -> dict[str, Any]:
    """The spike tables for people: the fast/slow means of the index and each preset, one
    sentence per preset comparing them, and the episodes (the index's return over the rise,
    each preset's over the rise and the longest horizon)."""
    horizons, presets_ = spikes["horizons"], spikes["presets"]
    windows = ("rise", *(f"next_{h}" for h in horizons))
    far = windows[-1]
    index = spikes["index"] or "Index"
    summary = []
    for speed, group in spikes["summary"].items():
        known = sum(e["index_return"] is not None for e in spikes["episodes"]
                    if e["speed"] == speed)  # fmt: skip
        means = [group["index_return"], *(group[f"index_{w}"] for w in windows[1:])]
        summary.append((speed, index, known, *(pct(v, signed=True) for v in means)))
        for preset, of in group["returns"].items():
            summary.append((speed, preset, of["counts"]["rise"],
                            *(pct(of[w], signed=True) for w in windows)))  # fmt: skip
    fast, slow = spikes["summary"]["fast"]["returns"], spikes["summary"]["slow"]["returns"]
    measured = [
        f"{p}: {pct(fast[p]['rise'], signed=True)} over fast rises ({fast[p]['counts']['rise']}"
        f" with returns), {pct(slow[p]['rise'], signed=True)} over slow ones "
        f"({slow[p]['counts']['rise']}); the {horizons[-1]} days after: "
        f"{pct(fast[p][far], signed=True)} and {pct(slow[p][far], signed=True)}"
        for p in presets_
    ]
    episodes = [
        (
            e["start"], e["cross_date"], e["peak_date"], number(e["peak"], ".2f"),
            e["days_to_cross"], e["speed"], pct(e["index_return"], signed=True),
            *(pct(e["returns"][p][w], signed=True) for p in presets_ for w in ("rise", far)),
        )
        for e in spikes["episodes"]
    ]  # fmt: skip
    return {
        "summary_headers": ["Speed", "Series", "Episodes", "Rise",
                            *(f"Next {h} days" for h in horizons)],
        "summary": summary,
        "measured": measured,
        "headers": ["Start", "Cross", "Peak date", "Peak VIX", "Days", "Speed", f"{index} rise",
                    *(f"{p} {w}" for p in presets_ for w in ("rise", f"next {horizons[-1]}"))],
        "episodes": episodes,
    }  # fmt: skip


def _event_marks(index: pd.DatetimeIndex) -> list[tuple[str, float, float, float]]:
    """The stress events (engine/events.py) whose peak falls within ``index``'s span, as
    report_charts.EventMark."""
    from engine.events import events

    first, last = index[0], index[-1]
    out = []
    for event in events().values():
        peak = pd.Timestamp(event.peak)
        if first <= peak <= last:
            days = seconds(pd.DatetimeIndex([event.start, event.end, event.peak]))
            out.append((event.name, *map(float, days)))
    return out


def term_history(
    vix: pd.Series, term: TermInputs, start: str | None = None, end: str | None = None
) -> pd.DataFrame:
    """The term structure's daily history (engine.term_structure.history_job) from spot VIX
    closes up to ``end`` (no look-ahead in the basis percentile), shown from ``start``."""
    from engine.term_structure import history

    spot = pd.Series(vix, dtype=float).dropna().sort_index()
    if end is not None:
        spot = spot.loc[: pd.Timestamp(end)]
    hist = history(spot, term.vix3m, term.vx)
    return hist.loc[pd.Timestamp(start) :] if start is not None else hist


def term_events(hist: pd.DataFrame) -> list[dict[str, Any]]:
    """Per stress event the history covers: its days, the days in backwardation by each
    reading, and the readings of its peak day (the last history day on or before it)."""
    from engine.events import events
    from engine.term_structure import mark_events

    marks = mark_events(hist.index, events().values())
    rows = []
    for event in events().values():
        window = hist[marks == event.name]
        if window.empty:
            continue
        at = window.index[window.index <= pd.Timestamp(event.peak)]
        day = at[-1] if len(at) else window.index[0]
        peak = hist.loc[day]
        rows.append(
            {
                "event": event.name,
                "title": event.title,
                "start": f"{event.start:%Y-%m-%d}",
                "end": f"{event.end:%Y-%m-%d}",
                "days": len(window),
                "backwardation_days": int(window["backwardation"].sum()),
                "known_days": int(window["backwardation"].notna().sum()),
                "vx_backwardation_days": int(window["vx_backwardation"].sum()),
                "vx_known_days": int(window["vx_backwardation"].notna().sum()),
                "peak": {
                    "date": f"{day:%Y-%m-%d}",
                    **{k: peak[k] for k in ("vix", "vix3m", "ratio_vix_vix3m", "state", "front",
                                            "front_settle", "basis", "basis_percentile",
                                            "vx_state")},
                },
            }
        )  # fmt: skip
    return [finite_json(_plain(row)) for row in rows]


def _plain(value: Any) -> Any:
    """numpy scalars and pandas' missing values as Python ones (None for missing)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _term_view(term: dict[str, Any]) -> dict[str, Any]:
    """The term-structure tables for people: the states by reading, the basis, the events."""
    summary = term["summary"]
    states = [
        (name, number(part["days"], ",.0f"), part.get("first", "-"), part.get("last", "-"),
         *(pct(part.get(f"share_{s}"), 1) for s in ("backwardation", "flat", "contango")))
        for name, part in (("Spot VIX vs VIX3M", summary["vix_vix3m"]),
                           ("VX front two", summary["vx_front_two"]))
        if part["days"]
    ]  # fmt: skip
    events = [
        (
            e["title"], f"{e['start']} to {e['end']}",
            f"{e['backwardation_days']} of {e['known_days']}" if e["known_days"] else "-",
            f"{e['vx_backwardation_days']} of {e['vx_known_days']}" if e["vx_known_days"] else "-",
            e["peak"]["date"], number(e["peak"]["vix"], ".2f"), number(e["peak"]["vix3m"], ".2f"),
            number(e["peak"]["ratio_vix_vix3m"], ".3f"), e["peak"]["state"] or "-",
            e["peak"]["front"] or "-", number(e["peak"]["basis"], "+.2f"),
            number(e["peak"]["basis_percentile"], ".1f"),
        )
        for e in term["events"]
    ]  # fmt: skip
    inverted = [
        f"{e['peak']['date']} ({e['title']}: VIX {number(e['peak']['vix'], '.2f')} over VIX3M "
        f"{number(e['peak']['vix3m'], '.2f')}, ratio {number(e['peak']['ratio_vix_vix3m'], '.3f')})"
        for e in term["events"]
        if e["peak"]["state"] == "backwardation"
    ]
    return {"states": states, "events": events, "inverted": inverted}


def lab_job(
    target: Path,
    universe: Universe,
    results: dict[str, BacktestResult],
    skipped: dict[str, str],
    options: LabOptions,
    thresholds: ZoneThresholds,
    theme: str,
    history_of: dict[int, pd.DataFrame | str],
    anatomy_of: dict[tuple[int, int], Anatomy | str],
) -> Job[dict[str, Any]]:
    """Job: the Regime Lab page of one universe (``target``/regime_lab.html and its charts)
    from its finished runs ``results`` and, when its inputs are there, its Spike anatomy page
    (``target``/spike_anatomy.html and its charts); returns its figures by LAB_KEYS, the charts
    drawn and the anatomy page's charts (``anatomy``: None without the page).
    ``history_of`` keeps each VIX's term-structure history (or why there is none) by id, and
    ``anatomy_of`` each VIX and index pair's anatomy, for the next universe on the same."""
    from engine.regime_matrix import progress_within

    colours = _colours(theme)
    vix = universe.vix.series
    figures: dict[str, Any] = {}
    context: dict[str, Any] = {"charts": set()}
    no_vix = f"No VIX series: {universe.vix.label}."
    yield Progress(0.0, f"{universe.name}: regime matrix")
    if vix is None:
        figures["regime_matrix"] = figures["spikes"] = {"missing": no_vix}
        context.update(matrix=None, spikes=None)
    else:
        matrix = regime_matrix(results, vix, thresholds, skipped)
        figures["regime_matrix"] = matrix_json(matrix, thresholds, universe.vix.label)
        context.update(matrix=_matrix_rows(matrix, colours), bands=matrix.bands)
        yield Progress(30.0, f"{universe.name}: spike speed")
        index, note = _spike_index(universe, results)
        table = spike_table(results, vix, index, note, options.start, options.end, skipped)
        figures["spikes"] = spikes_json(table)
        context.update(spikes=figures["spikes"], spike_view=_spike_view(figures["spikes"]))
    part = _dispersion_part(target, universe, options, colours)
    dispersion = yield from progress_within(part, 35.0, 65.0, f"{universe.name}: dispersion")
    figures["dispersion"] = dispersion
    if "missing" in dispersion:
        context.update(dispersion=None, dispersion_missing=dispersion["missing"])
    else:
        context.update(dispersion=dispersion, dispersion_missing=None)
        context["charts"].add("dispersion")
    yield Progress(65.0, f"{universe.name}: term structure")
    term = _term_figures(target, universe, options, history_of, colours)
    context["charts"] |= set(term.pop("charts_drawn"))
    figures["term_structure"] = term
    context["term"] = term
    context["term_view"] = _term_view(term) if "summary" in term else None
    part = _anatomy_part(target, universe, results, options, anatomy_of, colours)
    anatomy = yield from progress_within(part, 70.0, 97.0, f"{universe.name}: spike anatomy")
    anatomy_charts = anatomy.pop("charts_drawn", [])
    figures["anatomy"] = anatomy = finite_json(anatomy)
    view = None if "missing" in anatomy else anatomy_view(anatomy)
    context.update(anatomy=anatomy, anatomy_view=view)
    figures = finite_json(figures)
    common = {"universe": universe, "presets": list(results), "skipped": skipped,
              "demo": "DEMO" in universe.source, "thresholds": thresholds}  # fmt: skip
    _write_text(target / LAB_PAGE, _render(LAB_PAGE, theme, page="lab", **common, **context))
    if view is not None:  # the same template's other page
        _write_text(
            target / ANATOMY_PAGE,
            _render(LAB_PAGE, theme, page="anatomy", **common, anatomy=anatomy, view=view),
        )
    yield Progress(100.0, f"{universe.name}: Regime Lab page")
    return {
        "figures": figures,
        "charts": sorted(context["charts"]),
        "anatomy": None if view is None else sorted(anatomy_charts),
    }


def _dispersion_part(
    target: Path, universe: Universe, options: LabOptions, colours: Theme
) -> Job[dict[str, Any]]:
    """Job: the dispersion of model variants on the universe (engine/dispersion.py, with the
    runs' overrides and period) and its chart ``dispersion.png``; or ``missing``: why not."""
    if not options.dispersion:
        return {"missing": DISPERSION_OFF}
    from engine.dispersion import CLAIMED_DISPERSION, dispersion_job
    from engine.presets import DEFAULT_PRESET
    from engine.regime_matrix import progress_within
    from widgets import report_charts

    job = dispersion_job(
        universe.prices, DEFAULT_PRESET, options.overrides, options.start, options.end
    )
    try:
        result = yield from progress_within(job, 0.0, 100.0, "variants")
    except ValueError as exc:
        return {"missing": f"could not run: {exc}"}
    report_charts.dispersion_chart(
        target / "dispersion.png", seconds(result.dispersion.index.to_timestamp()),
        result.dispersion.to_numpy(), result.mean, CLAIMED_DISPERSION, colours,
    )  # fmt: skip
    return {**result.report(TOP_MONTHS), "start": options.start, "end": options.end}


def _term_figures(
    target: Path,
    universe: Universe,
    options: LabOptions,
    history_of: dict[int, pd.DataFrame | str],
    colours: Theme,
) -> dict[str, Any]:
    """The term-structure part of a universe's page: its inputs, the history's summary and
    events and the charts drawn (``charts_drawn``), or ``missing``: what is missing and how
    to add it."""
    from widgets import report_charts

    term = options.term
    inputs = {
        "VIX": universe.vix.label,
        "VIX3M": "not looked for" if term is None else term.vix3m_label,
        "VX": "not looked for" if term is None else term.vx_label,
    }
    out: dict[str, Any] = {"inputs": inputs, "charts_drawn": []}
    vix = universe.vix
    if vix.series is None or vix.demo:
        what = "is synthetic (DEMO)" if vix.demo else f"is missing ({vix.label})"
        missing = f"The term structure needs the real spot VIX; this one {what}. Give it with "
        return {**out, "missing": f"{missing}--vix FILE|SYMBOL. {NO_TERM_INPUTS}"}
    assert term is not None
    if term.vix3m is None and term.vx is None:
        missing = "No VIX3M and no VX futures: the term structure needs one of them besides "
        return {**out, "missing": f"{missing}the spot VIX. {NO_TERM_INPUTS}"}
    key = id(vix.series)
    if key not in history_of:
        try:
            history_of[key] = term_history(vix.series, term, options.start, options.end)
        except ValueError as exc:
            history_of[key] = f"No term-structure history: {exc}."
    hist = history_of[key]
    if isinstance(hist, str):
        return {**out, "missing": hist}
    if hist.empty:
        return {**out, "missing": "No VIX3M close or VX settle in the period (--start/--end)."}
    from engine.term_structure import history_summary

    summary = history_summary(hist)
    out.update(summary=summary, events=term_events(hist))
    x = seconds(hist.index)
    both = hist["vix3m"].notna().to_numpy()
    if both.any():
        report_charts.term_ratio_chart(
            target / "term_vix3m.png", x[both], hist["vix"].to_numpy()[both],
            hist["vix3m"].to_numpy()[both], hist["backwardation"].to_numpy()[both] == 1.0,
            _event_marks(hist.index[both]), colours,
        )  # fmt: skip
        out["charts_drawn"].append("term_vix3m")
    known = hist["basis"].notna().to_numpy()
    if known.any():
        levels = summary["basis"]["percentiles"]
        report_charts.term_basis_chart(
            target / "term_basis.png", x[known], hist["basis"].to_numpy()[known],
            [(p, levels[p]) for p in BASIS_PERCENTILES], _event_marks(hist.index[known]), colours,
        )  # fmt: skip
        out["charts_drawn"].append("term_basis")
    if term.vix3m is None:
        out["missing"] = "No VIX3M: the spot VIX / VIX3M chart is left out (--vix3m FILE|SYMBOL)."
    if term.vx is None:
        out["missing"] = "No VX futures: the basis chart is left out (--vx FILES|SYMBOLS)."
    return out


# -- Spike anatomy -------------------------------------------------------------------------
ANATOMY_PAGE = "spike_anatomy.html"
"""A universe's Spike anatomy page, beside its Regime Lab page and rendered from the same
template (regime_lab.html with page "anatomy"): the episode table, the two vol targets, seven
charts and the evidence would double the lab page."""
NAMED_EPISODES = {
    "2008": ("2008-09-01", "2008-12-31"),
    "Aug 2011": ("2011-07-15", "2011-09-30"),
    "Aug 2015": ("2015-08-01", "2015-09-30"),
    "Feb 2018": ("2018-01-22", "2018-03-09"),
    "Mar 2020": ("2020-02-14", "2020-04-30"),
    "Aug 2024": ("2024-07-15", "2024-08-30"),
    "Apr 2025": ("2025-03-15", "2025-05-30"),
}
"""The spikes the research note and docs/spike_anatomy.md name, by the window their spike day
(the first VIX close at or above 30) falls in: the first episode in the window takes the name
and gets a chart."""
CHART_BEFORE, CHART_AFTER = 20, 60
"""VIX closes before and after the spike day that an episode's chart spans."""
CHART_CURVES = {"vix": "spot VIX", "front_settle": "front VX settle",
                "realised_10d": "index realised vol, 10 days"}  # fmt: skip
"""The daily anatomy columns an episode's chart draws (VIX points), with their names."""
MARGINAL = 0.01
"""A decided label whose score is closer than this to its cut-off is named as marginal."""
INTERVAL_LEVEL = 0.95  # of the hit rate's exact binomial interval
NO_ANATOMY_INPUTS = (
    "Give VX futures with --vx FILES|SYMBOLS (the long VX settlement file, or VX_YYYY-MM "
    "contracts in the store: `ctadesk-cli data fetch cboe-vx:YYYY-MM`), the S&P 500 with "
    "--index FILE|SYMBOL when the universe holds no price index, and for the full score VIX9D, "
    "VIX3M and VVIX with --vix9d, --vix3m and --vvix FILE|SYMBOL (CBOE's files, or `ctadesk-cli "
    "data fetch cboe-vix9d`, `cboe-vix3m` and `cboe-vvix` into the store)."
)


def named_episodes(episodes: list[dict[str, Any]]) -> dict[str, str | None]:
    """Per NAMED_EPISODES name, the spike day of the first episode in its window (None: no
    episode there)."""
    return {
        name: next((e["date"] for e in episodes if first <= e["date"] <= last), None)
        for name, (first, last) in NAMED_EPISODES.items()
    }


def binomial_interval(
    successes: int, trials: int, level: float = INTERVAL_LEVEL
) -> tuple[float, float]:
    """The exact (Clopper-Pearson) interval of a success rate: the rates under which
    ``successes`` or more (the low end), or ``successes`` or fewer (the high end), have
    probability (1 - level) / 2."""
    tail = (1.0 - level) / 2.0

    def cdf(k: int, p: float) -> float:  # P(X <= k), X binomial with ``trials`` and p
        return sum(math.comb(trials, i) * p**i * (1 - p) ** (trials - i) for i in range(k + 1))

    def root(rising: Callable[[float], float]) -> float:  # where it crosses 0 on (0, 1)
        low, high = 0.0, 1.0
        for _ in range(60):
            mid = (low + high) / 2
            low, high = (mid, high) if rising(mid) < 0 else (low, mid)
        return (low + high) / 2

    lower = 0.0 if successes == 0 else root(lambda p: 1 - cdf(successes - 1, p) - tail)
    upper = 1.0 if successes == trials else root(lambda p: tail - cdf(successes, p))
    return lower, upper


def _anatomy_part(
    target: Path,
    universe: Universe,
    results: dict[str, BacktestResult],
    options: LabOptions,
    anatomy_of: dict[tuple[int, int], Anatomy | str],
    colours: Theme,
) -> Job[dict[str, Any]]:
    """Job: the spike anatomy of the universe (docs/spike_anatomy.md) under the keys of
    ``ctadesk-cli anatomy --prices UNIVERSE --preset FIRST`` (the runs' first preset with their
    overrides, data after --end unseen), the NAMED_EPISODES' spike days (``named``) and charts
    ``anatomy_NAME.png`` with their data ``anatomy_NAME.csv`` (``charts_drawn``; ``not_charted``:
    why not); or ``missing``: what is missing and how to add it. Always ``inputs``."""
    from app.cli_anatomy import anatomy_json
    from engine.adaptive_vol import index_comparison, panel_comparison_job
    from engine.presets import resolve
    from engine.regime_matrix import progress_within
    from engine.spike_anatomy import AnatomyInputs, anatomy_job

    term, vix = options.term, universe.vix
    if options.index is not None:
        index, index_label = options.index, options.index_label
    else:
        index, note = _spike_index(universe, results)
        index_label = note or f"{getattr(index, 'name', '')} (the universe's equity index)"
    inputs = {
        "VIX": vix.label,
        "VX": "not looked for" if term is None else term.vx_label,
        "INDEX": index_label,
        **{name: "not looked for" if term is None else getattr(term, f"{name.lower()}_label")
           for name in ("VIX9D", "VIX3M", "VVIX")},
    }  # fmt: skip
    out: dict[str, Any] = {"inputs": inputs}
    if vix.series is None or vix.demo:
        what = "is synthetic (DEMO)" if vix.demo else f"is missing ({vix.label})"
        missing = f"The spike anatomy needs the real spot VIX; this one {what}. Give it with "
        return {**out, "missing": f"{missing}--vix FILE|SYMBOL. {NO_ANATOMY_INPUTS}"}
    assert term is not None
    if term.vx is None:
        return {**out, "missing": f"No VX futures ({term.vx_label}). {NO_ANATOMY_INPUTS}"}
    if index is None:
        return {**out, "missing": f"No index for the spike anatomy ({index_label}). "
                                  f"{NO_ANATOMY_INPUTS}"}  # fmt: skip
    key = (id(vix.series), id(index))
    if key not in anatomy_of:
        given = AnatomyInputs(vix.series, index, term.vx, term.vix9d, term.vix3m, term.vvix)
        try:
            job = anatomy_job(given, options.end)
            anatomy_of[key] = yield from progress_within(job, 0.0, 70.0, "diagnostics")
        except ValueError as exc:
            anatomy_of[key] = f"No spike anatomy: {exc}."
    anatomy = anatomy_of[key]
    if isinstance(anatomy, str):
        return {**out, "missing": anatomy}
    preset = next(iter(results))
    params = resolve(preset, options.overrides)
    try:
        fund = index_comparison(anatomy, index, params)
    except ValueError as exc:
        return {**out, "missing": f"No comparison of the vol targets: {exc}. {NO_ANATOMY_INPUTS}"}
    prices = universe.prices if options.end is None else universe.prices.loc[: options.end]
    panel, panel_missing = None, None
    try:
        job = panel_comparison_job(anatomy, prices, vix.series, params)
        panel = yield from progress_within(job, 70.0, 90.0, f"{preset} with both vol targets")
    except ValueError as exc:
        panel_missing = f"no backtests of {preset} with the two vol targets: {exc}"
    yield Progress(90.0, "named episodes' charts")
    named = named_episodes(anatomy.episodes)
    drawn, not_charted = _anatomy_charts(target, anatomy, named, colours)
    return {
        **out,
        **anatomy_json(anatomy, fund, panel, preset, options.end),
        **({"panel_missing": panel_missing} if panel_missing else {}),
        "named": named,
        "not_charted": not_charted,
        "charts_drawn": drawn,
    }


def chart_name(name: str) -> str:
    """A named episode's chart file stem: anatomy_2008, anatomy_aug-2024."""
    return f"anatomy_{slug(name.lower())}"


def _anatomy_charts(
    target: Path, anatomy: Anatomy, named: dict[str, str | None], colours: Theme
) -> tuple[list[str], dict[str, str]]:
    """Per named episode the data cover (a VX settle and the index's realised vol on the spike
    day), its chart (report_charts.anatomy_chart: CHART_CURVES from CHART_BEFORE closes before
    the spike day to CHART_AFTER after) and the points drawn as CSV; returns the charts drawn
    and, for the others, why not."""
    from engine.regime import JUMP_TO
    from widgets import report_charts

    daily = anatomy.daily
    drawn, not_charted = [], {}
    for name, date in named.items():
        if date is None:
            not_charted[name] = "no VIX episode in its window in the data"
            continue
        day = daily.loc[pd.Timestamp(date)]
        gaps = [what for column, what in (("front_settle", "VX settle"),
                                          ("realised_10d", "index realised vol"))
                if not math.isfinite(day[column])]  # fmt: skip
        if gaps:
            not_charted[name] = f"no {' and no '.join(gaps)} on the spike day {date}"
            continue
        at = int(daily.index.get_loc(pd.Timestamp(date)))
        window = daily.iloc[max(at - CHART_BEFORE, 0) : at + CHART_AFTER + 1]
        x = seconds(window.index)
        points = report_charts.anatomy_chart(
            target / f"{chart_name(name)}.png", x,
            [(label, window[column].to_numpy(float)) for column, label in CHART_CURVES.items()],
            float(seconds(pd.DatetimeIndex([date]))[0]), JUMP_TO,
            f"{name}: spike day {date}", colours,
        )  # fmt: skip
        frame = pd.DataFrame(
            {label: pd.Series(y, index=pd.to_datetime(px, unit="s"))
             for label, (px, y) in points.items()}
        ).rename_axis("date")  # fmt: skip
        frame.to_csv(target / f"{chart_name(name)}.csv", date_format="%Y-%m-%d")
        drawn.append(chart_name(name))
    return drawn, not_charted


EPISODE_HEADERS = ("Spike day", "Episode", "VIX", "Basis", "Basis pct", "VIX9D/VIX",
                   "VIX/VIX3M", "VVIX", "Move / implied", "Days >= {to:g}", "Score", "Label",
                   "Outcome", "Verdict")  # fmt: skip
"""The episode table's columns ({to}: the episodes' upper VIX level)."""
TARGET_HEADERS = ("Spike day", "Episode", "Label", "Vol VIX", "Vol adaptive", "NAV sold VIX",
                  "NAV sold adaptive", "Next VIX", "Next adaptive", "Saved")  # fmt: skip
PANEL_HEADERS = ("Spike day", "Episode", "Label", "NAV sold VIX", "NAV sold adaptive",
                 "Next VIX", "Next adaptive", "Saved")  # fmt: skip
PERIOD_HEADERS = ("Fund", "Period", "Vol target", "Sharpe", "Max drawdown", "Annual return",
                  "Annual vol")  # fmt: skip
ADAPTIVE_SOURCES = {"vx": "the front-month VX settle", "ewma": "the index's own EWMA vol"}
"""What the adaptive estimate leans on, by adaptive_source."""


def anatomy_view(anatomy: dict[str, Any]) -> dict[str, Any]:
    """The spike anatomy for people: the episode table (the verdict's class beside each row),
    the two vol targets per episode and over the whole period, the record, the named episodes'
    charts, and what the evidence supports and does not (anatomy_evidence); ``rules``: the
    engine's levels and windows the page's text names."""
    from engine.adaptive_vol import NEXT_DAYS
    from engine.regime import JUMP_FROM, JUMP_TO
    from engine.spike_anatomy import BROAD_DAYS, CATCH_UP_DAYS, REVERT_DAYS

    episodes, summary = anatomy["episodes"], anatomy["summary"]
    names = {date: name for name, date in anatomy["named"].items() if date}
    rows = [
        (
            (e["date"], names.get(e["date"], ""), number(e["vix"], ".2f"),
             number(e["basis"], "+.2f"), number(e["basis_pct"], ".1f"),
             number(e["ratio_vix9d_vix"], ".3f"), number(e["ratio_vix_vix3m"], ".3f"),
             number(e["vvix"], ".2f"), number(e["realised_vs_implied"], ".2f"),
             e["days_above_30"], number(e["score"], ".3f"), e["label"] or "-",
             e["outcome"] or "-"),
            e["verdict"],
        )
        for e in episodes
    ]  # fmt: skip
    label_of = {e["date"]: e["label"] for e in episodes}
    targets = [
        (a["date"], names.get(a["date"], ""), a["label"] or "-", number(a["vol_vix"], ".2f"),
         number(a["vol_adaptive"], ".2f"), pct(a["nav_sold_vix"]), pct(a["nav_sold_adaptive"]),
         pct(a["next_20_vix"], signed=True), pct(a["next_20_adaptive"], signed=True),
         pct(a["saved"], 2, signed=True))
        for a in anatomy["adaptive"]
    ]  # fmt: skip
    panel_rows = [
        (p["date"], names.get(p["date"], ""), label_of.get(p["date"]) or "-",
         pct(p["nav_sold_vix"]), pct(p["nav_sold_adaptive"]), pct(p["next_20_vix"], signed=True),
         pct(p["next_20_adaptive"], signed=True), pct(p["saved"], 2, signed=True))
        for p in (a.get("panel") for a in anatomy["adaptive"])
        if p is not None
    ]  # fmt: skip
    index = summary["index"]
    funds = [(f"Index fund ({pct(index['target'], 0)} target, cap {index['max_leverage']:g})",
              index)]  # fmt: skip
    if summary["panel"] is not None:
        funds.append((f"{anatomy['preset']} backtest on the universe", summary["panel"]))
    period = [
        (name, f"{part['first']} to {part['last']}", target, fmt("sharpe", part[target]["sharpe"]),
         fmt("max_drawdown", part[target]["max_drawdown"]),
         fmt("ann_return", part[target]["ann_return"]), fmt("ann_vol", part[target]["ann_vol"]))
        for name, part in funds
        for target in ("vix", "adaptive")
    ]  # fmt: skip
    charts = [(name, date, chart_name(name)) for name, date in anatomy["named"].items()
              if name not in anatomy["not_charted"]]  # fmt: skip
    return {
        "headers": {
            "episodes": [h.format(to=JUMP_TO) for h in EPISODE_HEADERS],
            "targets": TARGET_HEADERS,
            "panel": PANEL_HEADERS,
            "period": PERIOD_HEADERS,
        },
        "rules": {
            "from": JUMP_FROM,
            "to": JUMP_TO,
            "revert": REVERT_DAYS,
            "catch_up": CATCH_UP_DAYS,
            "broad": BROAD_DAYS,
            "next": NEXT_DAYS,
            "before": CHART_BEFORE,
            "after": CHART_AFTER,
        },
        "source": ADAPTIVE_SOURCES.get(summary["index"]["source"], summary["index"]["source"]),
        "episodes": rows,
        "targets": targets,
        "panel": panel_rows,
        "period": period,
        "records": [_record_line(summary[k]) for k in ("record", "record_half")],
        "named": _named_line(anatomy),
        "charts": charts,
        "evidence": anatomy_evidence(anatomy),
    }


def _record_line(record: dict[str, Any]) -> str:
    """One record (engine.spike_anatomy.record) as a sentence: the cut, the right and wrong
    calls with their dates, the open ones, the hit rate."""
    cut = (f"technical at or above {record['technical_at']:g}, fundamental at or below "
           f"{record['fundamental_at']:g}" if record["technical_at"] != record["fundamental_at"]
           else f"split at {record['technical_at']:g}, no mixed band")  # fmt: skip
    parts = [
        f"{record[v]} {v}" + (f" ({', '.join(record[f'{v}_dates'])})" if record[v] else "")
        for v in ("right", "wrong")
    ]
    rate = record["hit_rate"]
    hit = "no decided call" if rate is None else f"hit rate {record['right']} of " \
        f"{record['right'] + record['wrong']} ({pct(rate, 0)})"  # fmt: skip
    return (f"Labels {cut}: {parts[0]}, {parts[1]}, {record['open']} open (label or outcome "
            f"mixed), {record['unscored']} without a verdict; {hit}.")  # fmt: skip


def _named_line(anatomy: dict[str, Any]) -> str:
    """The named episodes by verdict, and those the data do not hold."""
    by_date = {e["date"]: e for e in anatomy["episodes"]}
    groups: dict[str, list[str]] = {}
    for name, date in anatomy["named"].items():
        verdict = "not in the data" if date is None else by_date[date]["verdict"] or "no verdict"
        groups.setdefault(verdict, []).append(name if date is None else f"{name} ({date})")
    order = ("right", "wrong", "open", "no verdict", "not in the data")
    return "; ".join(f"{v}: {', '.join(groups[v])}" for v in order if v in groups) + "."


def anatomy_evidence(anatomy: dict[str, Any]) -> dict[str, list[str]]:
    """What the numbers support (``supports``) and do not (``against``), each sentence built
    from them: the right and wrong calls (with what each vol target sold on a technical call),
    the hit rate's exact interval at both cuts, the episodes with no decided call, labels within
    MARGINAL of their cut-off, and the whole-period comparisons against the standard error of
    one Sharpe ratio over the period (Lo 2002, iid returns: sqrt((1 + SR^2 / 2) / years))."""
    from engine.spike_anatomy import FUNDAMENTAL_AT, TECHNICAL, TECHNICAL_AT

    summary = anatomy["summary"]
    episodes = {e["date"]: e for e in anatomy["episodes"]}
    names = {date: f" ({name})" for name, date in anatomy["named"].items() if date}
    sold = {a["date"]: a for a in anatomy["adaptive"]}
    record, half = summary["record"], summary["record_half"]
    supports: list[str] = []
    against: list[str] = []

    def call(date: str) -> str:
        e = episodes[date]
        text = (f"{date}{names.get(date, '')} scored {e['score']:.3f}, was called {e['label']} "
                f"and turned out {e['outcome']}")  # fmt: skip
        a = sold.get(date)
        if a is not None and e["label"] == TECHNICAL:
            text += (f" (the index fund sold {pct(a['nav_sold_vix'])} of NAV on the VIX, "
                     f"{pct(a['nav_sold_adaptive'])} leaning)")  # fmt: skip
        return text

    if record["right_dates"]:
        supports.append("That the score can call a spike's nature: "
                        f"{'; '.join(map(call, record['right_dates']))}.")  # fmt: skip
    if record["wrong_dates"]:
        against.append("That the score tells a technical spike from a fundamental one: "
                       f"{'; '.join(map(call, record['wrong_dates']))}.")  # fmt: skip
    elif record["right_dates"]:
        supports.append("That its decided calls are right: none was wrong.")
    if record["right"] + record["wrong"]:
        rates = []
        for r, cut in ((record, "at the labels"), (half, f"at the {half['technical_at']:g} split")):
            n = r["right"] + r["wrong"]
            low, high = binomial_interval(r["right"], n) if n else (math.nan, math.nan)
            rates.append(f"{r['right']} of {n} decided calls {cut} ({INTERVAL_LEVEL:.0%} "
                         f"interval {number(low, '.2f')} to {number(high, '.2f')})")  # fmt: skip
        low = binomial_interval(record["right"], record["right"] + record["wrong"])[0]
        if low > 0.5:
            supports.append(f"That its hit rate beats a coin's: {', '.join(rates)}.")
        else:
            against.append(f"That its hit rate beats a coin's: {', '.join(rates)}.")
    scored = sum(e["score"] is not None for e in episodes.values())
    if record["open"] or record["unscored"]:
        against.append(
            f"That it decides every spike: {record['open']} of the {scored} scored episodes "
            f"are open (label or outcome mixed) and {record['unscored']} of all "
            f"{len(episodes)} have no verdict (no score, or what followed is not in the data)."
        )
    for date in record["right_dates"] + record["wrong_dates"]:
        score = episodes[date]["score"]
        cut = TECHNICAL_AT if episodes[date]["label"] == TECHNICAL else FUNDAMENTAL_AT
        if abs(score - cut) < MARGINAL:
            against.append(
                f"That the label of {date}{names.get(date, '')} is firm: its score "
                f"{score:.4f} is within {MARGINAL:g} of the {cut:g} cut-off; a small change to "
                "a ramp anchor would change the label and the record."
            )
    index = summary["index"]
    parts = [("the index fund", index)]
    if summary["panel"] is not None:
        parts.append((f"{anatomy['preset']} on the universe", summary["panel"]))
    for name, part in parts:
        vix, lean = part["vix"], part["adaptive"]
        if None in (vix["sharpe"], lean["sharpe"], vix["max_drawdown"], lean["max_drawdown"]):
            continue
        years = (pd.Timestamp(part["last"]) - pd.Timestamp(part["first"])).days / 365.25
        error = math.sqrt((1 + vix["sharpe"] ** 2 / 2) / years)
        difference = lean["sharpe"] - vix["sharpe"]
        text = (f"{name}, {part['first']} to {part['last']}: Sharpe {vix['sharpe']:.3f} on the "
                f"VIX and {lean['sharpe']:.3f} adaptive, max drawdown "
                f"{pct(vix['max_drawdown'])} and {pct(lean['max_drawdown'])}")  # fmt: skip
        free = lean["sharpe"] >= vix["sharpe"] and lean["max_drawdown"] >= vix["max_drawdown"]
        (supports if free else against).append(f"That leaning costs nothing: {text}.")
        leaned = (f"; the estimate leaned on {index['lean_days']:,} of {index['days']:,} days"
                  if part is index else "")  # fmt: skip
        size = (f"the Sharpe ratios differ by {difference:+.3f}, against a standard error of "
                f"{error:.2f} for one Sharpe ratio over {years:.1f} years{leaned}")  # fmt: skip
        if abs(difference) < error:
            against.append(f"That adaptive targeting changes risk-adjusted return ({name}): "
                           f"{size}.")  # fmt: skip
        elif difference > 0:
            supports.append(f"That adaptive targeting improves risk-adjusted return ({name}): "
                            f"{size}.")  # fmt: skip
        else:
            against.append(f"That adaptive targeting keeps risk-adjusted return ({name}): "
                           f"{size}.")  # fmt: skip
    return {"supports": supports, "against": against}


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
    lab: LabOptions | None = None,
) -> Job[dict[str, Any]]:
    """Job: render charts and pages for ``outcomes`` into ``out_dir`` in the ``theme``
    (``light`` or ``dark``) and, with ``lab``, a Regime Lab page per universe with finished
    runs; returns the summary (also written as summary.json): the runs, and with ``lab`` the
    pages (``labs``) and their figures under LAB_KEYS. The runs' VIX statistics were computed
    with the zone ``thresholds``. Progress per run and per Regime Lab step; cancel leaves
    ``out_dir`` as it was."""
    from app.cli_engine import write_result_csv
    from engine.regime_matrix import progress_within
    from widgets import report_charts

    colours = _colours(theme)
    lab_universes = (
        [] if lab is None else [u for u in universes if any(o.result and o.run.universe == u
                                                            for o in outcomes)]
    )  # fmt: skip
    runs_share = 100.0 if not lab_universes else 60.0
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".report-", dir=out_dir))
    try:
        folders = unique_names(
            [slug(f"{o.run.preset}_{o.run.universe}") for o in outcomes]
            + [slug(f"regime-lab_{u}") for u in lab_universes]
        )
        run_folders, lab_folders = folders[: len(outcomes)], folders[len(outcomes) :]
        rows = []
        curves = []
        for i, (outcome, folder) in enumerate(zip(outcomes, run_folders, strict=True)):
            yield Progress(
                runs_share * i / len(outcomes),
                f"Report {i + 1} of {len(outcomes)}: {outcome.run.name}",
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
                    seconds(window.index),
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
        summary: dict[str, Any] = {"index": str(out_dir / "index.html"), "runs": rows}
        if lab is not None:
            summary["labs"] = {}
            summary.update({key: {} for key in LAB_KEYS})
        history_of: dict[int, pd.DataFrame | str] = {}
        anatomy_of: dict[tuple[int, int], Anatomy | str] = {}
        step = (99.0 - runs_share) / max(len(lab_universes), 1)
        for i, (name, folder) in enumerate(zip(lab_universes, lab_folders, strict=True)):
            assert lab is not None
            (staging / folder).mkdir()
            finished = [o for o in outcomes if o.result is not None and o.run.universe == name]
            results = {o.run.preset: o.result for o in finished}
            skipped = {o.run.preset: o.error for o in outcomes
                       if o.result is None and o.run.universe == name}  # fmt: skip
            low = runs_share + i * step
            page = yield from progress_within(
                lab_job(staging / folder, universes[name], results, skipped, lab, thresholds,
                        theme, history_of, anatomy_of),
                low, low + step, "Regime Lab",
            )  # fmt: skip
            summary["labs"][name] = {
                "html": f"{folder}/{LAB_PAGE}",
                "charts": {c: f"{folder}/{c}.png" for c in page["charts"]},
            }
            if page["anatomy"] is not None:
                summary["labs"][name]["anatomy"] = {
                    "html": f"{folder}/{ANATOMY_PAGE}",
                    "charts": {c: f"{folder}/{c}.png" for c in page["anatomy"]},
                    "data": {c: f"{folder}/{c}.csv" for c in page["anatomy"]},
                }
            for key in LAB_KEYS:
                summary[key][name] = page["figures"][key]
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
        labs = [(name, page["html"], page.get("anatomy", {}).get("html"))
                for name, page in summary.get("labs", {}).items()]  # fmt: skip
        _write_text(
            staging / "index.html",
            index_page(rows, universes, command, overlay_note, theme, labs),
        )
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
