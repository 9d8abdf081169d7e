"""Arrays handed to the numba kernels: float64, C-contiguous and writable.

pandas 3 returns read-only views from ``to_numpy()`` (copy-on-write); a read-only array is a
different numba type, so it would trigger a fresh compile of every kernel it meets."""

from __future__ import annotations

import numpy as np


def kernel_array(values: object, dtype: type = np.float64) -> np.ndarray:
    """``values`` as a C-contiguous, writable array of ``dtype`` (copied only if needed)."""
    return np.require(np.asarray(values, dtype=dtype), dtype=dtype, requirements=["C", "W"])
