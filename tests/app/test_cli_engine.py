"""`ctadesk-cli sweep` and `bench`: contract keys and numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from app.cli import run
from engine.sweep import generated_prices
from tests.engine.test_sweep import pandas_contract


def _ok(argv: list[str]) -> dict:
    status, out, err = run([*argv, "--json"])
    assert status == 0, err
    return json.loads(out)


@pytest.fixture
def prices_csv(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    data = generated_prices(days=500, instruments=4, seed=9)
    frame = pd.DataFrame(
        data, index=pd.bdate_range("2000-01-03", periods=500), columns=["AA", "BB", "CC", "DD"]
    )
    path = tmp_path / "prices.csv"
    frame.rename_axis("Date").to_csv(path, float_format="%.10f")
    return path, pd.read_csv(path, index_col=0, parse_dates=True)


def test_sweep_contract(prices_csv) -> None:
    path, frame = prices_csv
    out = _ok([
        "sweep", "--prices", str(path), "--lookbacks", "20:60:20", "--vol-spans", "10,30",
        "--vol-target", "0.15", "--cap", "3", "--cost-bps", "2",
    ])  # fmt: skip
    assert out["n_combos"] == 6 and len(out["results"]) == 6
    assert out["compute_seconds"] > 0 and out["days"] == 500
    assert set(out["results"][0]) == {
        "lookback",
        "vol_span",
        "sharpe",
        "ann_return",
        "ann_vol",
        "max_dd",
    }
    row = next(r for r in out["results"] if r["lookback"] == 40 and r["vol_span"] == 30)
    ref = pandas_contract(frame, 40, 30, 0.15, 3.0, 2e-4)
    for key, value in ref.items():
        assert row[key] == pytest.approx(value, abs=1e-9)


def test_sweep_refuses_negative_prices(tmp_path: Path) -> None:
    path = tmp_path / "neg.csv"
    path.write_text(
        "Date,A\n2020-01-02,1\n2020-01-03,-1\n2020-01-06,2\n2020-01-07,3\n", encoding="utf-8"
    )
    status, out, err = run(["sweep", "--prices", str(path), "--lookbacks", "1:2:1", "--json"])
    assert status == 2 and out == "" and "positive prices" in err


def test_bench_small() -> None:
    out = _ok(["bench", "--days", "400", "--instruments", "3", "--repeat", "2"])
    assert out["n_combos"] == 200 and out["compute_seconds_best"] > 0
    assert out["instrument_days"] == 400 * 3 * 200
