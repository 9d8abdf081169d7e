"""User paths (appdirs or CTADESK_HOME), the numba cache for frozen builds, the log file."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import appdirs
import pytest

from app.logs import setup_logging
from app.paths import APP_AUTHOR, APP_NAME, app_paths, configure_numba_cache


def test_ctadesk_home_replaces_every_dir(ctadesk_home: Path) -> None:
    paths = app_paths()
    assert paths.data == ctadesk_home / "data"
    assert paths.logs == ctadesk_home / "logs"
    assert paths.cache == ctadesk_home / "cache"
    assert paths.config == ctadesk_home / "config"
    assert paths.store.parent == paths.data
    paths.ensure()
    assert all(p.is_dir() for p in (paths.data, paths.logs, paths.cache, paths.config))


def test_appdirs_locations_without_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CTADESK_HOME")
    paths = app_paths()
    assert str(paths.data) == appdirs.user_data_dir(APP_NAME, APP_AUTHOR)
    assert str(paths.logs) == appdirs.user_log_dir(APP_NAME, APP_AUTHOR)
    assert str(paths.cache) == appdirs.user_cache_dir(APP_NAME, APP_AUTHOR)


def test_numba_cache_dir_set_only_when_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NUMBA_CACHE_DIR", "placeholder")  # registers the restore at teardown
    monkeypatch.delenv("NUMBA_CACHE_DIR")
    configure_numba_cache()
    assert "NUMBA_CACHE_DIR" not in os.environ
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    configure_numba_cache()
    assert os.environ["NUMBA_CACHE_DIR"] == str(app_paths().numba_cache)
    assert app_paths().numba_cache.is_dir()


def test_user_numba_cache_dir_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "mine"))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    configure_numba_cache()
    assert os.environ["NUMBA_CACHE_DIR"] == str(tmp_path / "mine")


def test_log_file_written_and_rotating(ctadesk_home: Path) -> None:
    handler = setup_logging()
    assert setup_logging() is handler  # idempotent for the same file
    logging.getLogger("engine.test").warning("hello from the test %d", 7)
    handler.flush()
    text = (ctadesk_home / "logs" / "ctadesk.log").read_text(encoding="utf-8")
    assert "WARNING" in text and "engine.test: hello from the test 7" in text
    assert handler.maxBytes > 0 and handler.backupCount >= 1
