"""Crash safety: atomic writes, damaged files set aside (a copy kept) with defaults used, and
processes killed with SIGKILL mid-write leaving the old or the new file, never half of one."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.settings import recover_settings, settings_problem
from engine.data.store import MarketStore, StoreDamaged, open_or_recover
from engine.files import atomic_write_text, quarantine
from engine.workspace import Workspace, load_workspace, save_workspace
from tests.conftest import REPO_ROOT

KILLS = 12  # SIGKILLs per test in make test (make soak: CTADESK_SOAK_KILLS)


def _kills() -> int:
    return int(os.environ.get("CTADESK_SOAK_KILLS", KILLS))


def test_atomic_write_replaces_or_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "w.json"
    atomic_write_text(target, "old\n")
    with pytest.raises(RuntimeError):
        from engine.files import atomic_writer

        with atomic_writer(target) as handle:
            handle.write("half of the new")
            raise RuntimeError("crash while writing")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["w.json"]  # no temporary left
    atomic_write_text(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not a private temp file's 0600


def test_quarantine_keeps_every_damaged_copy(tmp_path: Path) -> None:
    path = tmp_path / "ctadesk.ini"
    kept = []
    for body in (b"first", b"second"):
        path.write_bytes(body)
        kept.append(quarantine(path))
    assert not path.exists() and len(set(kept)) == 2
    assert [k.read_bytes() for k in kept] == [b"first", b"second"]
    assert all(k.name.startswith("ctadesk.ini.damaged-") for k in kept)


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[: len(data) // 3])
    elif how == "zeros":
        path.write_bytes(bytes(len(data)))
    else:  # random bytes over the middle pages, header intact
        rng = random.Random(5)
        middle = bytes(rng.getrandbits(8) for _ in range(len(data) // 2))
        path.write_bytes(data[:4096] + middle + data[4096 + len(middle) :])


@pytest.mark.parametrize("how", ["truncated", "zeros", "scrambled"])
def test_damaged_store_is_set_aside_and_a_new_one_started(tmp_path: Path, how: str) -> None:
    from engine.data.demo import load_demo_job
    from engine.jobs import run_job

    path = tmp_path / "ctadesk.sqlite"
    store = MarketStore(path)
    run_job(load_demo_job(store))
    with store._connect() as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _damage(path, how)
    damaged = path.read_bytes()
    with pytest.raises(StoreDamaged, match=str(path)):
        MarketStore(path).check()
    fresh, recovery = open_or_recover(path)
    assert recovery is not None and recovery.kept.read_bytes() == damaged
    assert "damaged" in recovery.reason and str(path) in recovery.reason
    assert fresh.is_empty() and fresh.list_series() == []
    assert open_or_recover(path)[1] is None  # the new store is healthy


def test_settings_damage_is_recognised_and_set_aside(tmp_path: Path) -> None:
    from app.paths import app_paths

    paths = app_paths().ensure()
    good = "[window]\nlayout_version=1\ngeometry=@ByteArray(\\0\\x1\\xd9)\n\n[regime]\nt=15,20\n"
    paths.settings_file.write_text(good, encoding="utf-8")
    assert settings_problem(paths.settings_file) is None and recover_settings(paths) is None
    for bad, why in (
        (b"[window]\nstate=1\n" + bytes(300), "NUL bytes"),
        (b"\xff\xfe\xfa garbage", "not text"),
        (b"[window]\n<html>oops</html>\n", "line 2"),
    ):
        paths.settings_file.write_bytes(bad)
        assert why in (settings_problem(paths.settings_file) or "")
        recovery = recover_settings(paths)
        assert recovery is not None and recovery.kept.read_bytes() == bad
        assert not paths.settings_file.exists()


def test_bad_workspace_files_are_refused_with_the_file_named(tmp_path: Path) -> None:
    path = tmp_path / "w.ctadesk.json"
    save_workspace(path, Workspace("fast", {"vol_target": 0.2}, ["ES", "NQ"]))
    assert load_workspace(path) == Workspace("fast", {"vol_target": 0.2}, ["ES", "NQ"])
    cases = {
        "{truncated": "Expecting",
        "[1, 2]": "JSON object",
        '{"preset": "nope"}': "unknown preset",
        '{"preset": "fast", "params": {"vol_target": "lots"}}': "vol_target",
        '{"preset": "fast", "params": {"rm -rf": 1}}': "unknown parameter",
        '{"preset": "fast", "symbols": "ES"}': "list of symbols",
        '{"preset": "fast", "version": 99}': "newer",
        '{"preset": "fast", "params": {"vol_target": {"__class__": "x"}}}': "parameter names",
        '{"preset": "fast", "period": {"start": "2001-02-30"}}': "day is out of range",
        '{"preset": "fast", "period": {"end": 2001}}': "period end must be a date",
    }
    for body, why in cases.items():
        path.write_text(body, encoding="utf-8")
        with pytest.raises(ValueError, match=why) as info:
            load_workspace(path)
        assert str(path) in str(info.value)
    path.write_bytes(b"\x80\x03cos\nsystem\n")  # a pickle is not read as anything
    with pytest.raises(ValueError, match=str(path)):
        load_workspace(path)
    path.write_text(" " * (2 << 20), encoding="utf-8")
    with pytest.raises(ValueError, match="too large"):
        load_workspace(path)


def _kill_repeatedly(code: str, args: list[str], check) -> int:
    """Start ``code`` ``_kills()`` times, SIGKILL it at a random moment once it is writing,
    and call ``check()`` after each kill. Returns how many kills landed mid-loop."""
    rng = random.Random(11)
    landed = 0
    for _ in range(_kills()):
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
        time.sleep(rng.uniform(0.0, 0.15))
        landed += proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        check()
    return landed


def test_workspace_saves_killed_midway_leave_a_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "w.ctadesk.json"
    first = Workspace("fast", {"vol_target": 0.1}, ["A"] * 2000)
    second = Workspace("ewmac", {"vol_target": 0.3}, ["B"] * 3000)
    save_workspace(path, first)
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from engine.workspace import Workspace, save_workspace\n"
        "a = Workspace('fast', {'vol_target': 0.1}, ['A'] * 2000)\n"
        "b = Workspace('ewmac', {'vol_target': 0.3}, ['B'] * 3000)\n"
        "print('writing', flush=True)\n"
        "while True:\n"
        "    save_workspace(Path(sys.argv[1]), a)\n"
        "    save_workspace(Path(sys.argv[1]), b)\n"
    )

    def check() -> None:
        assert load_workspace(path) in (first, second)
        assert len(list(tmp_path.glob("*.ctadesk.json"))) == 1

    assert _kill_repeatedly(code, [str(path)], check) == _kills()


def test_settings_saves_killed_midway_stay_readable(tmp_path: Path) -> None:
    """QSettings writes through a temporary file too: a kill never leaves a damaged file."""
    ini = tmp_path / "ctadesk.ini"
    code = (
        "import sys\nfrom PySide6.QtCore import QSettings\n"
        "s = QSettings(sys.argv[1], QSettings.Format.IniFormat)\n"
        "print('writing', flush=True)\n"
        "i = 0\n"
        "while True:\n"
        "    i += 1\n"
        "    for k in range(50):\n"
        "        s.setValue(f'g{k}/key', 'x' * (i % 400))\n"
        "    s.sync()\n"
    )

    def check() -> None:
        assert settings_problem(ini) is None, ini.read_bytes()[:200]

    assert _kill_repeatedly(code, [str(ini)], check) == _kills()
    assert ini.read_text(encoding="utf-8").count("key=") == 50
