"""Optional online fetchers: CBOE VIX/VIX9D/VIX3M/VIX6M/VVIX daily history, CBOE VX contract
files and Stooq daily bars.

Never called at start-up. Downloads stream to a temporary file (size-capped, cancellable
between chunks) with timeouts and retries with exponential backoff, then go through the
same validated import as a local CSV. Offline is normal: the error says so plainly.
"""

from __future__ import annotations

import socket
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from engine.data.choice import ImportChoice
from engine.data.csvcheck import MAX_IMPORT_BYTES, DataImportError
from engine.data.importers import ImportConflict, ImportReport, import_job
from engine.data.sources import FetchError, resolve_source
from engine.data.store import MarketStore
from engine.jobs import Job, Progress

USER_AGENT = "CTADesk/0.1 (+daily data fetch)"
TIMEOUT_S = 15.0
RETRIES = 3
BACKOFF_S = 1.0  # waits 1, 2, 4 s between attempts


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500 or exc.code == 429
    return isinstance(exc, urllib.error.URLError | TimeoutError | socket.timeout | ConnectionError)


def _describe(url: str, exc: BaseException) -> str:
    host = urllib.parse.urlparse(url).netloc or url
    if isinstance(exc, urllib.error.HTTPError):
        return f"{host} answered HTTP {exc.code} {exc.reason} for {url}"
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, TimeoutError | socket.timeout) or isinstance(exc, TimeoutError):
        return f"{host} did not answer in time (timed out); check the connection or try later"
    return f"cannot reach {host} ({reason}); you may be offline - local CSV import still works"


def download_job(
    url: str,
    target: Path,
    *,
    timeout: float | None = None,
    retries: int | None = None,
    backoff: float | None = None,
    max_bytes: int = MAX_IMPORT_BYTES,
) -> Job[int]:
    """Job: stream ``url`` into ``target``; returns the byte count. Raises FetchError.

    Unset options take the module defaults TIMEOUT_S, RETRIES and BACKOFF_S."""
    if urllib.parse.urlparse(url).scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http and https downloads are allowed")
    timeout = TIMEOUT_S if timeout is None else timeout
    retries = RETRIES if retries is None else retries
    backoff = BACKOFF_S if backoff is None else backoff
    last: BaseException | None = None
    for attempt in range(retries + 1):
        if attempt:
            delay = backoff * 2 ** (attempt - 1)
            yield Progress(0.0, f"Retrying in {delay:.1f} s ({_describe(url, last)})")
            time.sleep(delay)
        try:
            return (yield from _stream(url, target, timeout, max_bytes))
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            last = exc
            if not _retryable(exc):
                break
    raise FetchError(_describe(url, last)) from last


# what a CSV download may be labelled as; web pages, JSON, images are refused unread
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "application/x-csv",
             "text/comma-separated-values", "application/octet-stream",
             "application/vnd.ms-excel", "binary/octet-stream")  # fmt: skip


def _check_headers(url: str, headers: Any, max_bytes: int) -> int:
    """The announced length (0 if none) after checking type and size before any body byte."""
    if headers.get("Content-Type") and headers.get_content_type() not in CSV_TYPES:
        raise FetchError(
            f"{url}: the server sent {headers.get_content_type()}, not a CSV file "
            "(a web page or an error message?)"
        )
    total = int(headers.get("Content-Length") or 0)
    if total > max_bytes:
        raise FetchError(f"{url}: the file ({total:,} bytes) is over the {max_bytes:,} byte limit")
    return total


def _stream(url: str, target: Path, timeout: float, max_bytes: int) -> Job[int]:
    # the scheme was checked in download_job: http(s) only, never file: or custom handlers
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    opened = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310
    with opened as response, target.open("wb") as out:
        total = _check_headers(url, response.headers, max_bytes)
        done = 0
        while chunk := response.read(1 << 16):
            done += len(chunk)
            if done > max_bytes:
                raise FetchError(f"{url}: download is over the {max_bytes:,} byte limit")
            out.write(chunk)
            pct = 90.0 * done / total if total else 0.0
            yield Progress(pct, f"Downloading {urllib.parse.urlparse(url).netloc}: {done:,} bytes")
    if done == 0:
        raise FetchError(f"{url}: the server sent an empty file")
    return done


def fetch_job(
    store: MarketStore,
    name: str,
    *,
    base_url: str | None = None,
    timeout: float | None = None,
    retries: int | None = None,
    backoff: float | None = None,
    tmp_dir: Path | None = None,
    choice: ImportChoice | None = None,
) -> Job[ImportReport]:
    """Job: download one source and import it (validated, one transaction).

    The series' source is the source's description and name, e.g. ``CBOE VIX daily
    (cboe-vix)``, whatever server answered, so a later fetch updates it; the URL is kept
    as its file name. ``choice`` as for :func:`engine.data.importers.import_job`."""
    source = resolve_source(name)
    url = source.url(base_url)
    with tempfile.TemporaryDirectory(dir=tmp_dir, prefix="ctadesk-fetch-") as tmp:
        path = Path(tmp) / f"{source.symbol.replace('^', '')}.csv"
        yield from download_job(url, path, timeout=timeout, retries=retries, backoff=backoff)
        try:
            report = yield from import_job(
                store,
                path,
                symbol=source.symbol,
                fmt=source.fmt,
                kind=source.kind,
                source=f"{source.description} ({source.name})",
                origin=url,
                choice=choice,
            )
        except ImportConflict:
            raise
        except DataImportError as exc:
            raise FetchError(f"{url} did not return usable data: {exc.problem}") from exc
    return report
