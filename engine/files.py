"""Files that survive crashes: writes go to a temporary file beside the target, are flushed to
disk and renamed over it (a reader, or the next start after a kill, sees the old file or the
new one, never half of one); a damaged file is moved aside under a dated name so the app can
start from defaults without losing it."""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO


@contextmanager
def atomic_writer(target: Path) -> Iterator[IO[str]]:
    """Open a temporary text file (UTF-8, line ends as written) beside ``target``; on a clean
    exit it is fsynced and renamed over ``target``, on an error it is removed and ``target`` is
    untouched."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        # "x": a new file with the umask's permissions (mkstemp would make it private)
        with open(tmp, "x", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_dir(target.parent)


def atomic_write_text(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_writer(target) as handle:
        handle.write(text)


@dataclass(frozen=True)
class Recovery:
    """A damaged file moved aside: where it is kept and what was wrong with it."""

    kept: Path
    reason: str


def quarantine(path: Path) -> Path:
    """Move a damaged file aside as ``NAME.damaged-YYYYmmdd-HHMMSS`` (a counter is added if that
    exists) and return the new path; the caller then starts from defaults."""
    path = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    keep = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while keep.exists():
        n += 1
        keep = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    os.replace(path, keep)
    return keep


def _sync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where directories cannot be opened)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
