"""Regime matrix: every preset's daily returns split by the VIX band of the previous close, with
the statistics that say which differences are noise (docs/regime_lab.md, "Regime matrix").

Bands are the VIX zones in effect plus the extreme band (metrics.zone_bands) and, optionally, the
VIX's own quintiles over the period. The split itself is metrics.returns_by_band, the same one
the by-zone table of every backtest uses."""

from __future__ import annotations

import math
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

import numpy as np
import pandas as pd

from engine.backtest import BacktestResult, backtest_job
from engine.jobs import Job, Progress
from engine.labels import zone_label
from engine.metrics import band_stats, previous_vix, returns_by_band, zone_bands
from engine.presets import presets, resolve
from engine.vix import DEFAULT_ZONES, ZoneThresholds

ALL_PRESETS = "all"
QUINTILES = 5


@dataclass(frozen=True)
class Bootstrap:
    """Stationary bootstrap of a band's Sharpe (Politis & Romano 1994): blocks of consecutive
    days in date order, of geometric length with mean ``block`` days, wrapping around;
    ``resamples`` draws from a generator seeded with ``seed``; a percentile interval."""

    resamples: int = 1000
    block: float = 10.0
    seed: int = 0
    level: float = 0.95

    def __post_init__(self) -> None:
        if self.resamples < 10:
            raise ValueError(f"bootstrap resamples must be at least 10, got {self.resamples}")
        if not self.block >= 1:
            raise ValueError(f"the mean bootstrap block must be at least 1 day, got {self.block}")
        if not 0 < self.level < 1:
            raise ValueError(f"the interval level must be between 0 and 1, got {self.level}")


DEFAULT_BOOTSTRAP = Bootstrap()


@dataclass(frozen=True)
class Band:
    """One VIX band: key, label for people, and bounds (lower <= VIX < upper)."""

    key: str
    label: str
    lower: float
    upper: float


def preset_names(spec: str | Sequence[str] | None) -> list[str]:
    """``all`` (or None): every preset, by name; else the named ones (comma-separated text or
    a list), each checked."""
    if spec is None or spec == ALL_PRESETS:
        return sorted(presets())
    names = [n.strip() for n in spec.split(",")] if isinstance(spec, str) else list(spec)
    names = [n for n in names if n]
    unknown = [n for n in names if n not in presets()]
    if unknown or not names:
        raise ValueError(
            f"unknown preset {', '.join(unknown) or repr(spec)} "
            f"(one of {', '.join(sorted(presets()))}, or {ALL_PRESETS})"
        )
    return list(dict.fromkeys(names))


@dataclass(frozen=True)
class PresetRuns:
    """The backtests of several presets on one universe; presets that cannot run on it (the
    macro preset without an indicator, risk-offset without an equity index) with the reason."""

    results: dict[str, BacktestResult]
    skipped: dict[str, str]


def progress_within(
    job: Job[Any], low: float, high: float, label: str
) -> Generator[Progress, None, Any]:
    """Run ``job`` inside a larger one: its progress mapped onto ``low``..``high`` (closed
    with it on cancel)."""
    try:
        while True:
            try:
                report = next(job)
            except StopIteration as stop:
                return stop.value
            yield Progress(low + (high - low) * report.percent / 100.0, f"{label}: {report.text}")
    finally:
        job.close()


def preset_runs_job(
    prices: pd.DataFrame,
    names: Sequence[str],
    vix: pd.Series | None = None,
    thresholds: ZoneThresholds | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Job[PresetRuns]:
    """Job: backtest each preset with its own parameters (progress per preset; a cancel stops
    between two reports). An error if none of them can run."""
    results: dict[str, BacktestResult] = {}
    skipped: dict[str, str] = {}
    step = 100.0 / max(len(names), 1)
    for i, name in enumerate(names):
        job = backtest_job(prices, resolve(name), vix, None, thresholds, start, end)
        try:
            results[name] = yield from progress_within(job, i * step, (i + 1) * step, name)
        except ValueError as exc:
            skipped[name] = str(exc)
        yield Progress((i + 1) * step, f"{name} done ({i + 1} of {len(names)})")
    if not results:
        reasons = "; ".join(f"{n}: {why}" for n, why in skipped.items())
        raise ValueError(f"no preset could run on these prices ({reasons})")
    return PresetRuns(results, skipped)


def zone_band_list(thresholds: ZoneThresholds = DEFAULT_ZONES) -> list[Band]:
    """The zones of ``thresholds`` and the extreme band, labelled as in every by-zone table."""
    return [
        Band(key, zone_label(key, thresholds), lo, hi)
        for key, (lo, hi) in zone_bands(thresholds).items()
    ]


def quintile_bands(levels: pd.Series) -> list[Band]:
    """Five bands q1..q5 cut at the 20/40/60/80% quantiles of ``levels`` (the previous-close
    VIX of the period's days), labelled with the VIX range each covers there."""
    values = pd.Series(levels, dtype=float).dropna().to_numpy()
    if len(values) < QUINTILES:
        raise ValueError("too few days with a VIX for quintiles")
    cuts = np.quantile(values, np.arange(1, QUINTILES) / QUINTILES)
    if np.any(np.diff(cuts) <= 0):
        raise ValueError(f"the VIX's quintiles over the period are not distinct: {cuts.tolist()}")
    lowers = [-math.inf, *cuts]
    uppers = [*cuts, math.inf]
    shown = [values.min(), *cuts, values.max()]
    return [
        Band(f"q{i + 1}", f"Q{i + 1} ({shown[i]:.2f}-{shown[i + 1]:.2f})", lowers[i], uppers[i])
        for i in range(QUINTILES)
    ]


def t_stat(returns: pd.Series | np.ndarray) -> float:
    """t-statistic of the mean daily return: mean / (std(ddof=1) / sqrt(n))."""
    r = np.asarray(returns, dtype=float)
    if len(r) < 2:
        return float("nan")
    sd = float(r.std(ddof=1))
    return float(r.mean() / (sd / math.sqrt(len(r)))) if sd > 0 else float("nan")


def hit_rate(returns: pd.Series | np.ndarray) -> float:
    """Share of the days with a return that made money: #(r > 0) / #(r != 0), as the run's
    metrics count it (docs/methodology.md, "Metrics")."""
    r = np.asarray(returns, dtype=float)
    moved = int((r != 0).sum())
    return float((r > 0).sum() / moved) if moved else float("nan")


def stationary_indices(n: int, count: int, block: float, rng: np.random.Generator) -> np.ndarray:
    """``count`` x ``n`` resampling indices of the stationary bootstrap: each position starts a
    new block with probability 1 / ``block`` (always the first), at a uniform random day, and
    otherwise takes the day after the previous one (day 0 after the last)."""
    starts = rng.integers(0, n, size=(count, n))
    fresh = rng.random((count, n)) < 1.0 / block
    fresh[:, 0] = True
    pos = np.arange(n)
    opened = np.maximum.accumulate(np.where(fresh, pos, 0), axis=1)
    return (np.take_along_axis(starts, opened, axis=1) + pos - opened) % n


def sharpe_interval(
    returns: pd.Series | np.ndarray, days: int, bootstrap: Bootstrap = DEFAULT_BOOTSTRAP
) -> tuple[float, float]:
    """Bootstrap interval of the annualised Sharpe (mean / std(ddof=1) x sqrt(days)) of
    ``returns`` in date order; NaNs when there are fewer than two days."""
    r = np.asarray(returns, dtype=float)
    if len(r) < 2:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(bootstrap.seed)
    batch = max(1, 2_000_000 // len(r))  # bounded memory: about 16 MB of indices at a time
    sharpes = []
    for done in range(0, bootstrap.resamples, batch):
        count = min(batch, bootstrap.resamples - done)
        sample = r[stationary_indices(len(r), count, bootstrap.block, rng)]
        sd = sample.std(axis=1, ddof=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            sharpes.append(np.where(sd > 0, sample.mean(axis=1) / sd, np.nan) * math.sqrt(days))
    tail = (1.0 - bootstrap.level) / 2.0 * 100.0
    every = np.concatenate(sharpes)
    if not np.isfinite(every).any():
        return (float("nan"), float("nan"))
    low, high = np.nanpercentile(every, [tail, 100.0 - tail])
    return (float(low), float(high))


def cell_stats(part: pd.Series, known: int, days: int, bootstrap: Bootstrap) -> dict[str, Any]:
    """One preset x band cell: metrics.band_stats plus hit rate, t-statistic and the Sharpe
    interval."""
    return {
        **band_stats(part, known, days),
        "hit_rate": hit_rate(part),
        "t_stat": t_stat(part),
        "sharpe_ci": sharpe_interval(part, days, bootstrap),
    }


MATRIX_STATS = ("sharpe", "ann_return", "ann_vol", "days", "t_stat", "share", "hit_rate")
"""The statistics of a cell given as matrices [preset][band] (sharpe_ci apart: a pair)."""


@dataclass(frozen=True)
class RegimeMatrix:
    """Statistics per preset and VIX band: ``cells[preset][band key][stat]``."""

    presets: list[str]
    bands: list[Band]
    cells: dict[str, dict[str, dict[str, Any]]]
    annualisation: dict[str, int]
    periods: dict[str, tuple[str, str]]  # first and last return day of each preset
    bootstrap: Bootstrap
    skipped: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of_runs(
        cls,
        results: Mapping[str, BacktestResult],
        bands: list[Band],
        cells: dict[str, dict[str, dict[str, Any]]],
        bootstrap: Bootstrap,
        skipped: Mapping[str, str],
    ) -> RegimeMatrix:
        """The matrix of ``cells`` for the runs ``results`` (each run's days per year and its
        first and last return day)."""
        return cls(
            presets=list(results),
            bands=bands,
            cells=cells,
            annualisation={n: int(r.params["annualisation"]) for n, r in results.items()},
            periods={
                n: (f"{r.returns.index[0]:%Y-%m-%d}", f"{r.returns.index[-1]:%Y-%m-%d}")
                for n, r in results.items()
            },
            bootstrap=bootstrap,
            skipped=dict(skipped),
        )

    def as_json(self, thresholds: ZoneThresholds) -> dict[str, Any]:
        """The keys ``ctadesk-cli regimes`` and the report share: every statistic as a matrix
        [preset][band], the bands and their labels, each run's period and days per year, the
        zone thresholds, the bootstrap and the presets skipped."""
        boot = self.bootstrap
        return {
            "presets": self.presets,
            "bands": [b.key for b in self.bands],
            "band_labels": {b.key: b.label for b in self.bands},
            **{stat: self.table(stat) for stat in MATRIX_STATS},
            "sharpe_ci": {
                p: {k: list(ci) for k, ci in row.items()}
                for p, row in self.table("sharpe_ci").items()
            },
            "periods": {p: {"first": f, "last": la} for p, (f, la) in self.periods.items()},
            "annualisation": self.annualisation,
            "thresholds": list(thresholds.bounds),
            "bootstrap": {
                "method": "stationary",
                "resamples": boot.resamples,
                "mean_block_days": boot.block,
                "seed": boot.seed,
                "level": boot.level,
            },
            "skipped": self.skipped,
        }

    def table(self, stat: str) -> dict[str, dict[str, Any]]:
        """One statistic as ``{preset: {band key: value}}``."""
        return {p: {b.key: self.cells[p][b.key][stat] for b in self.bands} for p in self.presets}


def regime_matrix_job(
    prices: pd.DataFrame,
    vix: pd.Series,
    names: str | Sequence[str] | None = None,
    thresholds: ZoneThresholds = DEFAULT_ZONES,
    quintiles: bool = False,
    start: str | None = None,
    end: str | None = None,
    bootstrap: Bootstrap = DEFAULT_BOOTSTRAP,
) -> Job[RegimeMatrix]:
    """Job: backtest each preset of ``names`` (default: all) on ``prices`` over
    ``start``..``end`` and split its daily returns by the VIX band of the previous close:
    the zones of ``thresholds``, the extreme band and, with ``quintiles``, q1..q5."""
    chosen = preset_names(names)
    runs = yield from progress_within(
        preset_runs_job(prices, chosen, vix, thresholds, start, end), 0.0, 80.0, "Backtests"
    )
    results = runs.results
    bands = zone_band_list(thresholds)
    if quintiles:
        every_day = reduce(pd.Index.union, (r.returns.index for r in results.values()))
        bands += quintile_bands(previous_vix(vix, every_day))
    bounds = {b.key: (b.lower, b.upper) for b in bands}
    cells: dict[str, dict[str, dict[str, Any]]] = {}
    for i, (name, result) in enumerate(results.items()):
        yield Progress(80.0 + 20.0 * i / len(results), f"{name}: statistics by VIX band")
        days = int(result.params["annualisation"])
        parts, known = returns_by_band(result.returns, vix, bounds)
        if not known:
            raise ValueError(
                f"the VIX and {name}'s returns share no dates "
                f"({result.returns.index[0]:%Y-%m-%d} .. {result.returns.index[-1]:%Y-%m-%d})"
            )
        cells[name] = {key: cell_stats(part, known, days, bootstrap) for key, part in parts.items()}
    yield Progress(100.0, "Regime matrix done")
    return RegimeMatrix.of_runs(results, bands, cells, bootstrap, runs.skipped)
