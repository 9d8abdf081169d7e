"""Import benchmark: a generated wide panel (default 1,000,000 rows x 10 instruments).

Reports file rows/s and bars/s for the whole import (parse, validate, one SQLite
transaction) and read-back speed, against pandas' plain read_csv of the same file measured
in the same run (the ratio is the figure to compare across machines).
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from engine.data.importers import import_file
from engine.data.store import MarketStore


def make_panel(path: Path, rows: int, columns: int, seed: int = 1) -> None:
    dates = pd.bdate_range("1800-01-01", periods=rows, unit="s")
    rng = np.random.default_rng(seed)
    data = 100 + rng.standard_normal((rows, columns)).cumsum(axis=0) * 0.1
    frame = pd.DataFrame(
        data, index=dates.strftime("%Y-%m-%d"), columns=[f"F{i:02d}" for i in range(columns)]
    )
    frame.index.name = "Date"
    frame.to_csv(path, float_format="%.4f")


def main(rows: int = 1_000_000, columns: int = 10) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "panel.csv"
        make_panel(path, rows, columns)
        file_mb = round(path.stat().st_size / 1e6, 1)
        t0 = time.perf_counter()
        pd.read_csv(path, index_col=0)
        baseline_s = time.perf_counter() - t0

        store = MarketStore(Path(tmp) / "bench.sqlite")
        t0 = time.perf_counter()
        report = import_file(store, path)
        import_s = time.perf_counter() - t0
        bars = sum(int(s["rows"]) for s in report.series)

        t0 = time.perf_counter()
        closes = store.read_closes([s["symbol"] for s in report.series])
        read_s = time.perf_counter() - t0
        assert closes.shape == (rows, columns)
    print(
        json.dumps(
            {
                "rows": rows,
                "columns": columns,
                "bars": bars,
                "file_mb": file_mb,
                "import_s": round(import_s, 2),
                "import_rows_per_s": round(rows / import_s),
                "import_bars_per_s": round(bars / import_s),
                "read_back_s": round(read_s, 2),
                "read_back_bars_per_s": round(bars / read_s),
                "pandas_read_csv_s": round(baseline_s, 2),
                "import_over_read_csv": round(import_s / baseline_s, 1),
            }
        )
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
