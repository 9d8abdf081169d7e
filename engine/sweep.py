"""Parameter sweeps: the backtest of one strategy for every combination of a parameter grid.

One strategy definition: a sweep cell's statistics are those of the backtest of its
parameters. TSMOM rules run in a fused numba kernel (kernels.trend_grid) that implements
the pipeline's semantics on the same prepared inputs; other rules run the pipeline itself.
The reference sweep (docs/methodology.md, "Sweeps") is a grid over lookbacks and vol spans
of the ``mop2012`` rule with the reference's settings as parameter values."""

from __future__ import annotations

import itertools
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from engine import kernels
from engine.annualisation import TRADING_DAYS
from engine.arrays import kernel_array
from engine.calendars import held_closes, in_range, notional_unit, tradable
from engine.jobs import Job, Progress, run_job
from engine.presets import parameter_specs, resolve
from engine.prices import check_prices, price_window
from engine.reference import ReferenceSweep
from engine.returns import price_moves, return_modes
from engine.sizing import IDM_CAP, diversification_multiplier
from engine.volatility import ewma_alpha, ewma_daily_vol

MAX_COMBOS = 2_000_000  # combinations in one sweep (each keeps a row of statistics)


def as_frame(prices: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    """A dates x instruments frame; a bare array gets business days from 2000-01-03 and
    columns named 1..k (so messages can say "column 3 row 11")."""
    if isinstance(prices, pd.DataFrame):
        return prices
    arr = np.asarray(prices, dtype=float)
    if arr.ndim != 2 or arr.shape[0] < 3 or arr.shape[1] < 1:
        raise ValueError(f"prices must be days x instruments with >= 3 days, got {arr.shape}")
    columns = [str(j + 1) for j in range(arr.shape[1])]
    return pd.DataFrame(arr, index=pd.bdate_range("2000-01-03", periods=len(arr)), columns=columns)


def warm_up() -> float:
    """Compile (or load from cache) the sweep kernel on a tiny input; returns seconds taken."""
    start = time.perf_counter()
    frame = as_frame(np.linspace(100.0, 110.0, 24).reshape(12, 2))
    run_job(grid_sweep_job(frame, {"lookback": (2,)}, resolve("mop2012"), timed=False))
    return time.perf_counter() - start


def generated_prices(days: int = 9000, instruments: int = 20, seed: int = 42) -> np.ndarray:
    """Seeded lognormal random walks with drifting trends: the reference benchmark workload."""
    rng = np.random.default_rng(seed)
    vols = rng.uniform(0.08, 0.35, instruments) / np.sqrt(TRADING_DAYS)
    trend = np.repeat(rng.normal(0, 0.3, (days // 250 + 1, instruments)), 250, axis=0)[:days]
    steps = trend * vols / 4 + vols * rng.standard_normal((days, instruments))
    return 100.0 * np.exp(np.cumsum(steps, axis=0))


log = logging.getLogger(__name__)

REFERENCE_PRESET = "mop2012"
"""The preset whose rule the reference sweep runs (TSMOM sign, no floor, buffer or IDM)."""


def reference_params(spec: ReferenceSweep) -> dict[str, Any]:
    """The reference sweep (docs/methodology.md, "Sweeps") as backtest parameters: TSMOM
    sign, EWMA vol without a floor, no buffer, IDM 1, the leverage cap on each sleeve, costs,
    252-day annualisation and percent returns (auto: difference only where a price is <= 0)."""
    return resolve(
        REFERENCE_PRESET,
        {
            "vol_target": spec.target,
            "max_leverage": spec.cap,
            "cost_bps": spec.cost_bps,
            "annualisation": TRADING_DAYS,
            "return_mode": "auto",
        },
    )


def reference_sweep_job(
    prices: pd.DataFrame | np.ndarray,
    spec: ReferenceSweep,
    chunks: int = 5,
    start: str | None = None,
    end: str | None = None,
) -> Job[dict]:
    """Job: the reference sweep as a grid over lookbacks x vol spans of the backtest pipeline
    (:func:`reference_params`), in about ``chunks`` steps with progress and cancel."""
    grid = {"lookback": tuple(int(lb) for lb in spec.lookbacks), "vol_span": tuple(spec.spans)}
    chunk = -(-spec.n_combos // max(chunks, 1))  # ceiling division
    return (
        yield from grid_sweep_job(prices, grid, reference_params(spec), chunk, start=start, end=end)
    )


def grid_combinations(grid: dict[str, tuple]) -> list[dict]:
    """Cartesian product of the grid, as a list of parameter dicts (first key varies slowest)."""
    keys = list(grid)
    if not keys or any(len(grid[k]) == 0 for k in keys):
        raise ValueError("a sweep needs at least one value for every swept parameter")
    return [
        dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(grid[k] for k in keys))
    ]


SWEEP_STATS = ("sharpe", "ann_return", "ann_vol", "max_dd", "turnover")
"""Per-combination statistics, in the fused kernel's column order."""

FUSED_SIGNALS = ("tsmom", "tsmom_blend")
FUSED_KEYS = (
    "lookback",
    "vol_span",
    "vol_halflife",
    "vol_floor",
    "vol_target",
    "max_leverage",
    "idm",
    "buffer",
    "cost_bps",
    "portfolio_vol_target",
    "annualisation",
)
"""Parameters the fused TSMOM kernel varies per combination (every other one is shared)."""

SWEEP_AXES: dict[str, tuple[str, ...]] = {
    "tsmom": ("lookback",),
    "tsmom_blend": (),
    "ewmac": ("forecast_cap",),
    "breakout": ("breakout_window", "forecast_cap"),
    "risk_offset": ("beta", "overlay_lookback"),
    "macro": ("macro_window", "macro_lag", "macro_weight"),
}
"""Each rule's own sweepable parameters; every rule also sweeps COMMON_AXES."""
COMMON_AXES = ("vol_span", "vol_floor", "vol_target", "max_leverage", "buffer", "cost_bps")


def sweep_axes(signal: str) -> tuple[str, ...]:
    """The parameters a sweep of a strategy with this rule can vary (Sweep dock axes)."""
    return SWEEP_AXES[signal] + COMMON_AXES


def uses_fused_kernel(base: dict, grid: dict) -> bool:
    """True when the fused kernel computes every combination (a TSMOM rule, EWMA vol, only
    FUSED_KEYS swept); otherwise each combination runs through the backtest pipeline."""
    return (
        base["signal"] in FUSED_SIGNALS
        and base["vol_method"] == "ewma"
        and all(k in FUSED_KEYS for k in grid)
    )


@dataclass(frozen=True)
class SweepPlan:
    """A validated grid sweep: the combinations (full parameter sets) and, for the fused
    kernel, its shared arrays and per-combination argument columns."""

    prices: pd.DataFrame
    combos: list[dict]
    params: list[dict]
    first: int
    fused: bool
    shared: tuple[np.ndarray, ...] = ()
    columns: dict[str, np.ndarray] = field(default_factory=dict)

    def chunk_args(self, lo: int, hi: int) -> tuple[np.ndarray, ...]:
        """Per-combination arguments of :func:`run_grid` for combinations ``lo:hi``."""
        return tuple(self.columns[name][lo:hi] for name in KERNEL_COLUMNS)

    def results(self, stats: np.ndarray) -> list[dict]:
        """Each combination with its statistics (``stats``: one row per combination)."""
        return [
            {**combo, **dict(zip(SWEEP_STATS, map(float, row), strict=True))}
            for combo, row in zip(self.combos, stats, strict=True)
        ]


KERNEL_COLUMNS = (
    "lookbacks",
    "n_lookbacks",
    "vol_group",
    "idm_group",
    "vol_target",
    "max_leverage",
    "cost_bps",
    "buffer",
    "portfolio_vol_target",
    "portfolio_alpha",
    "annualisation",
)


def parse_grid(grid: dict[str, tuple]) -> dict[str, tuple]:
    """The grid's values checked and converted by their declarations (whole numbers for int
    parameters); ValueError naming the parameter and the value."""
    specs = parameter_specs()
    unknown = [k for k in grid if k not in specs or specs[k].type not in ("int", "float")]
    if unknown:
        raise ValueError(f"a sweep varies numeric parameters; not {', '.join(unknown)}")
    return {k: tuple(specs[k].parse(v) for v in values) for k, values in grid.items()}


def plan_sweep(
    prices: pd.DataFrame | np.ndarray,
    grid: dict[str, tuple],
    base: dict,
    start: str | None = None,
    end: str | None = None,
) -> SweepPlan:
    """Validate a sweep of ``grid`` around the full parameter set ``base`` and, when the fused
    kernel applies, lay out its inputs exactly as the backtest pipeline computes them."""
    grid = parse_grid(grid)
    n = int(np.prod([len(v) for v in grid.values()]))
    if n > MAX_COMBOS:
        raise ValueError(f"{n:,} combinations is more than one sweep holds ({MAX_COMBOS:,})")
    combos = grid_combinations(grid)
    params = [{**base, **combo} for combo in combos]
    frame, first = price_window(check_prices(as_frame(prices)), start, end)
    longest = max(_lookbacks(p)[-1] for p in params) if base["signal"] in FUSED_SIGNALS else 0
    if longest >= len(frame):
        raise ValueError(f"longest lookback {longest} needs more than {len(frame)} days")
    if not uses_fused_kernel(base, grid):
        return SweepPlan(frame, combos, params, first, fused=False)
    modes = return_modes(frame, base["return_mode"])
    moves = price_moves(frame, modes)
    ranged = in_range(frame)
    held = held_closes(frame)
    unit = notional_unit(frame, modes)
    vol_keys = [(p["vol_span"], p["vol_halflife"], p["vol_floor"]) for p in params]
    vol_index = {key: i for i, key in enumerate(dict.fromkeys(vol_keys))}
    vols = np.stack([kernel_array(ewma_daily_vol(moves, *key).where(ranged)) for key in vol_index])
    idm_keys = [
        (vol_index[v], p["idm"], _lookbacks(p)[-1]) for v, p in zip(vol_keys, params, strict=True)
    ]
    idm_index = {key: i for i, key in enumerate(dict.fromkeys(idm_keys))}
    idms = np.stack(
        [_idm_series(moves, vols[g], held, fixed, longest_lb) for g, fixed, longest_lb in idm_index]
    )
    width = max(len(_lookbacks(p)) for p in params)
    lookbacks = np.zeros((n, width), np.int64)
    for c, p in enumerate(params):
        lookbacks[c, : len(_lookbacks(p))] = _lookbacks(p)
    columns = {
        "lookbacks": lookbacks,
        "n_lookbacks": np.array([len(_lookbacks(p)) for p in params], np.int64),
        "vol_group": np.array([vol_index[key] for key in vol_keys], np.int64),
        "idm_group": np.array([idm_index[key] for key in idm_keys], np.int64),
        "portfolio_alpha": np.array([ewma_alpha(p["vol_span"], p["vol_halflife"]) for p in params]),
    }
    for name in (
        "vol_target",
        "max_leverage",
        "cost_bps",
        "buffer",
        "portfolio_vol_target",
        "annualisation",
    ):
        columns[name] = np.array([float(p[name]) for p in params])
    shared = (
        kernel_array(held),
        kernel_array(moves),
        kernel_array(unit),
        kernel_array(tradable(frame), np.bool_),
        vols,
        idms,
    )
    return SweepPlan(frame, combos, params, first, True, shared, columns)


def _lookbacks(p: dict) -> tuple[int, ...]:
    """The rule's lookbacks in the order the blend adds them (one for plain TSMOM)."""
    return (
        (int(p["lookback"]),) if p["signal"] == "tsmom" else tuple(int(x) for x in p["lookbacks"])
    )


def _idm_series(
    moves: pd.DataFrame, vol: np.ndarray, held: pd.DataFrame, fixed: float, longest: int
) -> np.ndarray:
    """The IDM per day as the pipeline has it: ``fixed`` when > 0, else estimated over the
    instruments whose TSMOM forecast and vol are known that day."""
    if fixed > 0:
        return np.full(len(moves), min(fixed, IDM_CAP))
    daily_vol = pd.DataFrame(vol, index=moves.index, columns=moves.columns)
    available = (daily_vol > 0) & held.notna() & held.shift(longest).notna()
    normalised = moves / daily_vol.shift(1).where(moves.notna())
    return kernel_array(diversification_multiplier(normalised, available))


def run_grid(*args: np.ndarray) -> np.ndarray:
    """One fused kernel call: the plan's shared arrays, its first row, then chunk_args."""
    held, moves, unit, can_trade, vols, idms, first, *columns = args
    return kernels.trend_grid(held, moves, unit, can_trade, vols, idms, int(first), *columns)


def grid_sweep_job(
    prices: pd.DataFrame | np.ndarray,
    grid: dict[str, tuple],
    base: dict,
    chunk: int = 2000,
    start: str | None = None,
    end: str | None = None,
    timed: bool = True,
    vix: pd.Series | None = None,
    macro_series: pd.Series | None = None,
) -> Job[dict]:
    """Job: the backtest of ``base`` (a full parameter set) for every combination of ``grid``,
    in chunks with progress and cancel between them. TSMOM rules run in the fused kernel,
    other rules through the pipeline one combination at a time; either way a cell's
    statistics are those of the backtest of its parameters (``vix`` and ``macro_series`` as
    the backtest takes them). Only statistics are kept, so memory does not grow with days x
    combinations.

    Returns {"n_combos", "compute_seconds", "compile_seconds", "engine", "params" (every
    parameter not swept), "results"}."""
    begin = time.perf_counter()
    plan = plan_sweep(prices, grid, base, start, end)
    n = len(plan.combos)
    compile_s = 0.0
    if plan.fused and timed:
        yield Progress(0.0, "Compiling the sweep kernel (first run only)")
        compile_s = warm_up()
        begin += compile_s
    stats = np.empty((n, len(SWEEP_STATS)))
    step = chunk if plan.fused else 1
    failures: list[str] = []
    for lo in range(0, n, step):
        hi = min(lo + step, n)
        if plan.fused:
            stats[lo:hi] = run_grid(*plan.shared, plan.first, *plan.chunk_args(lo, hi))
        else:
            stats[lo] = _pipeline_stats(plan, lo, vix, macro_series, failures)
        yield Progress(100.0 * hi / n, f"Sweep: {hi:,} of {n:,} combinations")
    if len(failures) == n:
        raise ValueError(failures[0])
    return {
        "n_combos": n,
        "compute_seconds": time.perf_counter() - begin,
        "compile_seconds": compile_s,
        "engine": "fused TSMOM kernel" if plan.fused else "backtest pipeline",
        "params": {k: v for k, v in base.items() if k not in grid},
        "results": plan.results(stats),
    }


def _pipeline_stats(
    plan: SweepPlan,
    c: int,
    vix: pd.Series | None,
    macro_series: pd.Series | None,
    failures: list[str],
) -> list[float]:
    """One combination through the backtest pipeline; NaN statistics (the reason appended
    to ``failures``) where it cannot run, e.g. a lookback longer than the history."""
    from engine.backtest import backtest_job

    start = f"{plan.prices.index[plan.first]:%Y-%m-%d}"
    try:
        result = run_job(backtest_job(plan.prices, plan.params[c], vix, macro_series, start=start))
    except ValueError as exc:
        failures.append(str(exc))
        log.info("sweep combination %s: %s", plan.combos[c], exc)
        return [float("nan")] * len(SWEEP_STATS)
    m = result.metrics
    return [m["sharpe"], m["ann_return"], m["ann_vol"], m["max_drawdown"], m["turnover"]]
