"""A second run on the same universe reuses the closes read for the first, and never after the
store changed: an updated copy of a file re-imported between runs is what the next run sees."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from app.strategy_actions import backtest_run_job
from engine.data.importers import import_file
from engine.data.store import MarketStore
from engine.jobs import run_job


def _write(path: Path, days: pd.DatetimeIndex, closes: np.ndarray) -> None:
    pd.DataFrame({"Date": days, "Close": closes}).to_csv(path, index=False)


def test_rerun_after_an_update_sees_the_new_closes(tmp_path: Path) -> None:
    store = MarketStore(tmp_path / "store.sqlite")
    days = pd.bdate_range("2010-01-01", periods=900)
    rng = np.random.default_rng(3)
    closes = 100 * np.exp(np.cumsum(rng.normal(0.0003, 0.01, len(days))))
    files = {name: tmp_path / "feeds" / f"{name}.csv" for name in ("AAA", "BBB")}
    files["AAA"].parent.mkdir()
    for name, path in files.items():
        _write(path, days, closes if name == "AAA" else closes[::-1].copy())
        import_file(store, path, symbol=name, kind="future")
    args = (store.path, "tsmom-blend", {}, ["AAA", "BBB"], None, "t")
    first = run_job(backtest_run_job(*args))
    again = run_job(backtest_run_job(*args))  # unchanged store: the same closes, same run
    np.testing.assert_array_equal(first.series.equity, again.series.equity)
    changed = closes.copy()
    changed[-200:] *= 1.5  # a newer copy of the same file corrects the last 200 closes
    _write(files["AAA"], days, changed)
    report = import_file(store, files["AAA"], symbol="AAA", kind="future")
    assert report.series[0]["changed"] == 200
    after = run_job(backtest_run_job(*args))
    direct = store.read_closes(["AAA", "BBB"])
    assert direct["AAA"].iloc[-1] == changed[-1]
    assert not np.array_equal(after.series.equity, first.series.equity)  # not a stale read
    np.testing.assert_allclose(
        after.result.returns, run_job(backtest_run_job(*args)).result.returns, rtol=0, atol=0
    )
