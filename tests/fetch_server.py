"""A local HTTP server on 127.0.0.1 standing in for CBOE and Stooq in fetcher tests."""

from __future__ import annotations

import csv
import io
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from tests.conftest import SHARED_DATA


def cboe_fixture() -> bytes:
    """The real VIX history rewritten in CBOE's own download format (MM/DD/YYYY)."""
    out = io.StringIO()
    out.write("DATE,OPEN,HIGH,LOW,CLOSE\n")
    if SHARED_DATA.is_dir():
        with (SHARED_DATA / "vix_daily.csv").open(encoding="utf-8") as handle:
            for row in list(csv.reader(handle))[1:]:
                y, m, d = row[0].split("-")
                out.write(f"{m}/{d}/{y},{','.join(row[1:])}\n")
    else:  # the shared folder is absent: two real rows from it
        out.write("03/13/2020,77.01,80.00,56.56,57.83\n03/16/2020,57.83,83.56,57.83,82.69\n")
    return out.getvalue().encode()


STOOQ_CSV = (
    b"Date,Open,High,Low,Close,Volume\n"
    b"2024-08-02,5376.63,5383.89,5302.03,5346.56,1\n2024-08-05,5151.14,5250.89,5119.26,5186.33,1\n"
)


class Routes:
    def __init__(self, files: Mapping[str, bytes] | None = None) -> None:
        self.hits: Counter[str] = Counter()
        self.release = threading.Event()
        self.cboe = cboe_fixture()
        self.files = dict(files or {})

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlparse(handler.path)
        key = url.path + ("?" + url.query if url.query else "")
        self.hits[key] += 1
        ticker = parse_qs(url.query).get("s", [""])[0]
        if url.path in self.files:  # a test's own files, served as CSV
            self._send(handler, 200, self.files[url.path], "text/csv")
        elif url.path.endswith("VIX_History.csv"):
            self._send(handler, 200, self.cboe)
        elif url.path.endswith("VIX9D_History.csv"):  # garbage
            self._send(handler, 200, bytes(range(256)) * 50)
        elif url.path.endswith("VIX3M_History.csv"):  # hangs until the test ends
            self.release.wait(30)
        elif ticker == "^spx":
            self._send(handler, 200, STOOQ_CSV)
        elif ticker == "flaky":
            if self.hits[key] == 1:
                self._send(handler, 503, b"busy")
            else:
                self._send(handler, 200, STOOQ_CSV)
        elif ticker == "nodata":
            self._send(handler, 200, b"No data")
        elif ticker == "page":  # a login or error page instead of the file
            self._send(handler, 200, b"<html><body>Sign in</body></html>", "text/html")
        elif ticker == "csvtype":
            self._send(handler, 200, STOOQ_CSV, "text/csv; charset=utf-8")
        elif ticker == "huge":  # announces 10 GB
            handler.send_response(200)
            handler.send_header("Content-Length", str(10 << 30))
            handler.end_headers()
            handler.wfile.write(STOOQ_CSV)
        else:
            self._send(handler, 404, b"not found")

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler, code: int, body: bytes, content_type: str = ""
    ) -> None:
        handler.send_response(code)
        handler.send_header("Content-Length", str(len(body)))
        if content_type:
            handler.send_header("Content-Type", content_type)
        handler.end_headers()
        handler.wfile.write(body)


@contextmanager
def serve(files: Mapping[str, bytes] | None = None) -> Iterator[tuple[str, Routes]]:
    """Run the stand-in server; yields (base URL, routes with hit counts). ``files`` (URL
    path -> body) are served before the built-in routes."""
    routes = Routes(files)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            routes.handle(self)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", routes
    finally:
        routes.release.set()
        httpd.shutdown()
        httpd.server_close()
