"""Parameter sweeps. The reference sweep (DESIGN.md, "Reference sweep") is the benchmark
contract: per (lookback, EWMA span) combination, TSMOM sign positions sized to a vol target,
capped, equal-weighted across instruments, with costs on traded notional."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

import numpy as np

from engine import kernels
from engine.arrays import kernel_array
from engine.jobs import Job, Progress, run_job


@dataclass(frozen=True)
class ReferenceSweep:
    """Inputs of the reference sweep (cost in basis points of traded notional)."""

    lookbacks: tuple[int, ...]
    spans: tuple[int, ...]
    target: float = 0.10
    cap: float = 4.0
    cost_bps: float = 1.0

    def __post_init__(self) -> None:
        if not self.lookbacks or not self.spans:
            raise ValueError("need at least one lookback and one vol span")
        if any(int(x) != x or x < 1 for x in self.lookbacks):
            raise ValueError(f"lookbacks must be whole numbers >= 1, got {list(self.lookbacks)}")
        if any(x < 1 for x in self.spans):
            raise ValueError(f"vol spans must be >= 1, got {list(self.spans)}")
        if not (self.target > 0 and np.isfinite(self.target)):
            raise ValueError(f"vol target must be > 0, got {self.target}")
        if not (self.cap > 0 and np.isfinite(self.cap)):
            raise ValueError(f"position cap must be > 0, got {self.cap}")
        if not (self.cost_bps >= 0 and np.isfinite(self.cost_bps)):
            raise ValueError(f"cost must be >= 0 bps, got {self.cost_bps}")

    @property
    def n_combos(self) -> int:
        return len(self.lookbacks) * len(self.spans)


MAX_AXIS_VALUES = 10_000  # values of one swept parameter
MAX_COMBOS = 2_000_000  # combinations in one sweep (each keeps a row of statistics)


def _numbers(parts: list[str], whole: bool) -> list[float]:
    values = [int(p) if whole else float(p) for p in parts]  # ValueError for text
    if not all(np.isfinite(values)):
        raise ValueError("not finite")
    return values


def parse_values(text: str, whole: bool = False) -> tuple[float, ...]:
    """``A:B:STEP`` (inclusive of B when on the grid) or ``a,b,c``: finite numbers (whole
    numbers when ``whole``), at most MAX_AXIS_VALUES of them."""
    kind = "whole numbers" if whole else "numbers"
    try:
        if ":" in text:
            a, b, step = _numbers(text.split(":"), whole)  # ValueError unless three
            if step <= 0 or b < a:
                raise ValueError("empty range")
            count = int(np.floor((b - a) / step + 1e-9)) + 1
            values = tuple(
                a + i * step if whole else round(a + i * step, 10)
                for i in range(min(count, MAX_AXIS_VALUES + 1))
            )
        else:
            values = tuple(_numbers([p for p in text.split(",") if p.strip()], whole))
    except (ValueError, OverflowError):
        raise ValueError(f"expected A:B:STEP or a comma list of {kind}, got {text!r}") from None
    if not values or len(values) > MAX_AXIS_VALUES:
        raise ValueError(f"{text!r}: from 1 to {MAX_AXIS_VALUES:,} values per parameter")
    return values


def parse_range(text: str) -> tuple[int, ...]:
    """:func:`parse_values` for whole numbers (lookbacks, spans)."""
    return tuple(int(v) for v in parse_values(text, whole=True))


def check_prices(prices: np.ndarray, allow_nan: bool = False) -> np.ndarray:
    """The reference sweep is defined in percent mode: finite, strictly positive prices
    (NaN for "not trading yet" only when ``allow_nan``)."""
    arr = kernel_array(prices)
    if arr.ndim != 2 or arr.shape[0] < 3 or arr.shape[1] < 1:
        raise ValueError(f"prices must be days x instruments with >= 3 days, got {arr.shape}")
    missing = np.isnan(arr) if allow_nan else np.zeros(arr.shape, dtype=bool)
    bad = ~missing & (~np.isfinite(arr) | (arr <= 0))
    if bad.any():
        day, col = np.argwhere(bad)[0]
        raise ValueError(
            f"the reference sweep needs finite positive prices (percent returns); "
            f"column {col + 1} row {day + 1} holds {float(arr[day, col]):g}"
        )
    return arr


def warm_up() -> float:
    """Compile (or load from cache) the sweep kernel on a tiny input; returns seconds taken."""
    start = time.perf_counter()
    tiny = np.linspace(100.0, 110.0, 24).reshape(12, 2)
    one = np.ones(1)
    kernels.tsmom_grid(tiny, np.array([2], np.int64), np.zeros(1, np.int64), 3 * one, one, one, one)
    return time.perf_counter() - start


def run_grid(
    prices: np.ndarray,
    lookbacks: np.ndarray,
    spans: np.ndarray,
    span_index: np.ndarray,
    targets: np.ndarray,
    caps: np.ndarray,
    costs: np.ndarray,
) -> np.ndarray:
    """One kernel call over the listed combinations (arrays of equal length)."""
    return kernels.tsmom_grid(
        prices,
        kernel_array(lookbacks, np.int64),
        kernel_array(span_index, np.int64),
        kernel_array(spans),
        kernel_array(targets),
        kernel_array(caps),
        kernel_array(costs),
    )


def reference_sweep_job(prices: np.ndarray, spec: ReferenceSweep, chunks: int = 5) -> Job[dict]:
    """Job: the reference sweep (finite positive prices only) as a grid over lookbacks and
    vol spans, in about ``chunks`` steps (progress and cancel between them).

    Returns {"n_combos", "compute_seconds" (kernel time only), "compile_seconds", "results"}.
    """
    arr = check_prices(prices)
    grid = {"lookback": tuple(int(lb) for lb in spec.lookbacks), "vol_span": tuple(spec.spans)}
    base = {"vol_target": spec.target, "max_leverage": spec.cap, "cost_bps": spec.cost_bps}
    chunk = -(-spec.n_combos // max(chunks, 1))  # ceiling division
    return (yield from grid_sweep_job(arr, grid, base, chunk))


def generated_prices(days: int = 9000, instruments: int = 20, seed: int = 42) -> np.ndarray:
    """Seeded lognormal random walks with drifting trends: the reference benchmark workload."""
    rng = np.random.default_rng(seed)
    vols = rng.uniform(0.08, 0.35, instruments) / np.sqrt(252)
    trend = np.repeat(rng.normal(0, 0.3, (days // 250 + 1, instruments)), 250, axis=0)[:days]
    steps = trend * vols / 4 + vols * rng.standard_normal((days, instruments))
    return 100.0 * np.exp(np.cumsum(steps, axis=0))


FAST_KEYS = ("lookback", "vol_span", "vol_target", "max_leverage", "cost_bps")
"""Parameters the fused TSMOM kernel sweeps directly (the reference-sweep semantics)."""


def grid_combinations(grid: dict[str, tuple]) -> list[dict]:
    """Cartesian product of the grid, as a list of parameter dicts (first key varies slowest)."""
    keys = list(grid)
    if not keys or any(len(grid[k]) == 0 for k in keys):
        raise ValueError("a sweep needs at least one value for every swept parameter")
    return [
        dict(zip(keys, combo, strict=True)) for combo in itertools.product(*(grid[k] for k in keys))
    ]


SWEEP_STATS = ("sharpe", "ann_return", "ann_vol", "max_dd", "turnover")
"""Per-combination statistics of the fused kernel, in its column order."""


@dataclass(frozen=True)
class SweepPlan:
    """A validated grid sweep: prices, the combinations and the kernel's argument columns."""

    prices: np.ndarray
    combos: list[dict]
    values: dict[str, np.ndarray]  # one column per FAST_KEYS entry, a value per combination
    spans: np.ndarray  # the distinct vol spans
    span_index: np.ndarray  # per combination: its span's position in ``spans``

    def chunk_args(self, lo: int, hi: int) -> tuple[np.ndarray, ...]:
        """Arguments of :func:`run_grid` after ``prices`` for combinations ``lo:hi``."""
        v = self.values
        return (
            v["lookback"][lo:hi],
            self.spans,
            self.span_index[lo:hi],
            v["vol_target"][lo:hi],
            v["max_leverage"][lo:hi],
            v["cost_bps"][lo:hi] / 1e4,
        )

    def results(self, stats: np.ndarray) -> list[dict]:
        """Each combination with its statistics (``stats``: one row per combination)."""
        return [
            {**combo, **dict(zip(SWEEP_STATS, map(float, row), strict=True))}
            for combo, row in zip(self.combos, stats, strict=True)
        ]


def plan_sweep(prices: np.ndarray, grid: dict[str, tuple], base: dict) -> SweepPlan:
    """Validate a TSMOM sweep over any grid of FAST_KEYS (others fixed at ``base``, which may
    omit swept keys) and lay out the kernel's argument columns."""
    unknown = [k for k in grid if k not in FAST_KEYS]
    if unknown:
        raise ValueError(
            f"the fast sweep varies {', '.join(FAST_KEYS)}; not {', '.join(unknown)} "
            "(run backtests for other parameters)"
        )
    arr = check_prices(prices, allow_nan=True)
    n = int(np.prod([len(v) for v in grid.values()]))
    if n > MAX_COMBOS:
        raise ValueError(f"{n:,} combinations is more than one sweep holds ({MAX_COMBOS:,})")
    combos = grid_combinations(grid)
    values = {k: np.array([c[k] if k in c else base[k] for c in combos]) for k in FAST_KEYS}
    if values["lookback"].max() >= arr.shape[0]:
        raise ValueError(
            f"longest lookback {values['lookback'].max()} needs more than {arr.shape[0]} days"
        )
    spans, span_index = np.unique(values["vol_span"].astype(np.float64), return_inverse=True)
    return SweepPlan(arr, combos, values, spans, span_index)


def grid_sweep_job(
    prices: np.ndarray,
    grid: dict[str, tuple],
    base: dict,
    chunk: int = 2000,
) -> Job[dict]:
    """Job: TSMOM sweep over any grid of FAST_KEYS (others fixed at ``base``), in chunks of
    ``chunk`` combinations with progress and cancel between them. Returns per-combination
    statistics only, so memory does not grow with days x combinations."""
    plan = plan_sweep(prices, grid, base)
    n = len(plan.combos)
    yield Progress(0.0, "Compiling the sweep kernel (first run only)")
    compile_s = warm_up()
    stats = np.empty((n, len(SWEEP_STATS)))
    compute_s = 0.0
    for lo in range(0, n, chunk):
        hi = min(lo + chunk, n)
        start = time.perf_counter()
        stats[lo:hi] = run_grid(plan.prices, *plan.chunk_args(lo, hi))
        compute_s += time.perf_counter() - start
        yield Progress(100.0 * hi / n, f"Sweep: {hi:,} of {n:,} combinations")
    return {
        "n_combos": n,
        "compute_seconds": compute_s,
        "compile_seconds": compile_s,
        "results": plan.results(stats),
    }


PIPELINE_METRICS = ("sharpe", "ann_return", "ann_vol", "max_drawdown", "turnover", "cost_drag")


def backtest_grid_job(prices, grid: dict[str, tuple], base: dict) -> Job[dict]:
    """Job: any declared parameters swept through the full backtest pipeline, one
    combination at a time (slower than the fused TSMOM kernel; same memory profile: only
    the statistics of each combination are kept). ``prices`` is a dates x symbols frame."""
    from engine.backtest import backtest_job
    from engine.presets import parameter_specs

    specs = parameter_specs()
    unknown = [k for k in grid if k not in specs]
    if unknown:
        raise ValueError(f"unknown parameters in the sweep grid: {', '.join(unknown)}")
    grid = {k: tuple(specs[k].parse(v) for v in values) for k, values in grid.items()}
    combos = grid_combinations(grid)
    results = []
    start = time.perf_counter()
    for i, combo in enumerate(combos, start=1):
        result = run_job(backtest_job(prices, {**base, **combo}))
        results.append({**combo, **{k: float(result.metrics[k]) for k in PIPELINE_METRICS}})
        yield Progress(100.0 * i / len(combos), f"Sweep: {i:,} of {len(combos):,} backtests")
    return {
        "n_combos": len(combos),
        "compute_seconds": time.perf_counter() - start,
        "compile_seconds": 0.0,
        "results": results,
    }
