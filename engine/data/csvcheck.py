"""Byte-level checks of an input file before any parsing: size, binary content, UTF-8.

One streaming pass (constant memory) that also computes the file's sha256.
"""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

MAX_IMPORT_BYTES = 512 * 1024 * 1024
"""Files larger than this are refused with a size message instead of exhausting memory."""

_CHUNK = 1 << 20


class DataImportError(ValueError):
    """Bad input: names the file, the line (when known) and the problem, in one line."""

    def __init__(self, file: Path | str, problem: str, line: int | None = None) -> None:
        self.file = str(file)
        self.line = line
        self.problem = problem
        where = f"{self.file}, line {line}" if line is not None else self.file
        super().__init__(f"{where}: {problem}")


def _size_text(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} bytes"


def check_bytes(path: Path, max_bytes: int = MAX_IMPORT_BYTES) -> str:
    """Refuse missing, empty, huge, binary or non-UTF-8 files; return the sha256 hex digest."""
    if not path.exists():
        raise DataImportError(path, "file not found")
    if not path.is_file():
        raise DataImportError(path, "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise DataImportError(path, "the file is empty")
    if size > max_bytes:
        raise DataImportError(
            path,
            f"the file is {_size_text(size)}, over the {_size_text(max_bytes)} import limit; "
            "split it into smaller files",
        )
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    line = 1
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            if b"\x00" in chunk:
                at = line + chunk[: chunk.index(b"\x00")].count(b"\n")
                raise DataImportError(path, "binary content (NUL byte): not a CSV text file", at)
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                at = line + chunk[: exc.start].count(b"\n")
                raise DataImportError(
                    path,
                    f"not UTF-8 text (byte 0x{chunk[exc.start]:02x}); save the file as UTF-8",
                    at,
                ) from None
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise DataImportError(
                path, "not UTF-8 text (truncated character at the end)", line
            ) from None
    return digest.hexdigest()
