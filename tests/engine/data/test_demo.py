"""The demo universe: deterministic, labelled, four sectors, VIX consistent with realised vol."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from engine.data.demo import DEMO_SOURCE, INDEX_SYMBOL, VIX_SYMBOL, demo_universe, load_demo_job
from engine.data.store import MarketStore
from engine.jobs import run_job


def test_demo_is_deterministic_and_seeded() -> None:
    a, b = demo_universe(), demo_universe()
    assert a.keys() == b.keys()
    for symbol in a:
        pd.testing.assert_frame_equal(a[symbol][2], b[symbol][2])
    other = demo_universe(seed=1)
    assert not np.allclose(other["DEMO_ES"][2]["close"], a["DEMO_ES"][2]["close"])


def test_demo_shape_sectors_and_calendar() -> None:
    universe = demo_universe()
    futures = {s: v for s, v in universe.items() if v[0] == "future"}
    assert 18 <= len(futures) <= 22
    assert {sector for _k, sector, _f in futures.values()} == {
        "equity",
        "bonds",
        "fx",
        "commodities",
    }
    assert universe[INDEX_SYMBOL][0] == "index" and universe[VIX_SYMBOL][0] == "vix"
    dates = universe[INDEX_SYMBOL][2].index
    assert (dates[-1] - dates[0]).days / 365.25 >= 30
    assert (dates.day_of_week < 5).all()
    for _kind, _sector, frame in universe.values():
        assert (frame["close"] > 0).all() and frame["close"].notna().all()


def test_demo_vix_tracks_realised_vol_with_spikes() -> None:
    universe = demo_universe()
    index = universe[INDEX_SYMBOL][2]["close"]
    vix = universe[VIX_SYMBOL][2]["close"]
    realised = np.log(index).diff().rolling(21).std() * np.sqrt(252) * 100
    both = pd.concat([vix, realised], axis=1).dropna()
    assert np.corrcoef(both.iloc[:, 0], both.iloc[:, 1])[0, 1] > 0.5
    assert vix.max() > 40 and vix.min() < 15  # spikes and calm both present
    assert 12 < vix.median() < 25
    assert (vix > realised.shift(-21)).mean() > 0.5  # implied usually above realised
    drawdown = (index / index.cummax() - 1).min()
    assert drawdown < -0.2  # at least one real bear market


def test_load_demo_job_labels_everything(tmp_path: Path) -> None:
    store = MarketStore(tmp_path / "s.sqlite")
    symbols = run_job(load_demo_job(store))
    infos = store.list_series()
    assert sorted(symbols) == [s.symbol for s in infos]
    assert all(s.source == DEMO_SOURCE for s in infos)
    assert all(s.rows > 7500 for s in infos)
