"""The reference sweep's inputs (the benchmark contract; docs/methodology.md, "Sweeps"). Light on
purpose: the command line reads its defaults here without loading numba."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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


REFERENCE_WORKLOAD = ReferenceSweep(tuple(range(20, 261, 10)), (10, 20, 30, 40, 60, 80, 100, 120))
"""The reference sweep's grid (25 lookbacks x 8 spans = 200 combinations), target 0.10,
cap 4, 1 bp: the benchmark contract and the command line's defaults."""
