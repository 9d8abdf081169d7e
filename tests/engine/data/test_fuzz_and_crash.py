"""Hostile input: hundreds of malformed CSVs, and a process killed in the middle of an import."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.data.csvcheck import DataImportError
from engine.data.importers import import_file
from engine.data.store import MarketStore

REPO = Path(__file__).resolve().parents[3]

_cells = st.one_of(
    st.sampled_from(
        ["2020-01-02", "01/03/2020", "2020-13-01", "", "abc", "1e309", "-1", "0", "nan", '"', "1,2"]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=8),
    st.dates().map(str),
)
_headers = st.lists(
    st.sampled_from(
        ["Date", "DATE", "Close", "Open", "High", "Low", "Volume", "Adj Close", "X", ""]
    ),
    min_size=1,
    max_size=6,
)


@st.composite
def malformed_csv(draw: st.DrawFn) -> bytes:
    header = draw(_headers)
    rows = draw(st.lists(st.lists(_cells, min_size=0, max_size=7), max_size=12))
    sep = draw(st.sampled_from([",", ";", "\t"]))
    text = "\n".join([sep.join(header), *(sep.join(r) for r in rows)])
    data = text.encode("utf-8", errors="surrogatepass")
    if draw(st.booleans()):
        junk = draw(st.binary(max_size=16))
        at = draw(st.integers(0, len(data)))
        data = data[:at] + junk + data[at:]
    return data


@settings(  # no deadline or generation-speed check: a loaded CI machine is slow by chance
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=malformed_csv())
def test_malformed_csv_never_crashes_or_corrupts(tmp_path: Path, payload: bytes) -> None:
    store = MarketStore(tmp_path / "fuzz.sqlite")
    if store.is_empty():
        seed = tmp_path / "seed.csv"
        seed.write_text("Date,Close\n2020-01-02,1\n2020-01-03,2\n", encoding="utf-8")
        import_file(store, seed, symbol="SEED")
    before = store.content_hash()
    path = tmp_path / "fuzz.csv"
    path.write_bytes(payload)
    try:
        import_file(store, path, symbol="FUZZ")
    except DataImportError as exc:
        assert str(exc).startswith(str(path))
        assert "\n" not in str(exc)
        assert store.content_hash() == before
    else:  # accepted input must be stored exactly as a fresh read says
        assert store.read("FUZZ")["close"].notna().all()
        store.delete("FUZZ")
        assert store.content_hash() == before


def _big_panel(path: Path, days: int, columns: int) -> None:
    dates = pd.bdate_range("1900-01-01", periods=days)
    rng = np.random.default_rng(1)
    data = 100 + rng.standard_normal((days, columns)).cumsum(axis=0)
    frame = pd.DataFrame(data, index=dates, columns=[f"F{i}" for i in range(columns)])
    frame.index.name = "Date"
    frame.to_csv(path, float_format="%.4f")


def test_killed_import_leaves_store_unchanged(tmp_path: Path) -> None:
    store_path = tmp_path / "store.sqlite"
    store = MarketStore(store_path)
    seed = tmp_path / "seed.csv"
    seed.write_text("Date,Close\n2020-01-02,1\n2020-01-03,2\n", encoding="utf-8")
    import_file(store, seed, symbol="SEED")
    before = store.content_hash()
    big = tmp_path / "big.csv"
    _big_panel(big, 40_000, 40)  # 1.6M bars: several seconds of writing
    code = (
        "import sys; from engine.data.store import MarketStore;"
        "from engine.data.importers import import_file;"
        "print('started', flush=True);"
        "import_file(MarketStore(sys.argv[1]), sys.argv[2])"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(store_path), str(big)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "started"
    wal = store_path.with_name(store_path.name + "-wal")
    deadline = time.monotonic() + 60
    start_size = wal.stat().st_size if wal.exists() else 0
    while time.monotonic() < deadline and proc.poll() is None:  # kill once writing is under way
        if wal.exists() and wal.stat().st_size > start_size + 2_000_000:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    reopened = MarketStore(store_path)
    assert reopened.content_hash() == before
    assert [s.symbol for s in reopened.list_series()] == ["SEED"]
