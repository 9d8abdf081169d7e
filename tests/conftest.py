"""Shared fixtures: every test gets its own CTADESK_HOME; Qt runs off screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
needs_data = pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="shared data absent")
"""Marks tests that read the real market files beside the repository."""


@pytest.fixture(autouse=True)
def ctadesk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point CTADESK_HOME at a fresh folder so no test touches real user files."""
    home = tmp_path / "ctadesk-home"
    monkeypatch.setenv("CTADESK_HOME", str(home))
    return home
