"""Online data sources (names, URLs, how to import them); light to import (no pandas until a
VX contract is resolved)."""

from __future__ import annotations

import os
import re
import urllib.parse
from dataclasses import dataclass

BASE_URL_ENV = "CTADESK_FETCH_BASE_URL"
"""When set, replaces every source's base URL (mirrors, proxies, tests)."""
CBOE_BASE = "https://cdn.cboe.com/api/global/us_indices/daily_prices/"
CBOE_FUTURES_BASE = "https://cdn.cboe.com/data/us/futures/market_statistics/historical_data/"
STOOQ_BASE = "https://stooq.com/q/d/l/"


class FetchError(Exception):
    """A download failed: offline, timed out, refused or not a usable file."""


@dataclass(frozen=True)
class Source:
    """Where one series comes from and how to import it."""

    name: str
    base_url: str
    path: str
    symbol: str
    kind: str
    fmt: str | None
    description: str

    def url(self, base_url: str | None = None) -> str:
        base = base_url or os.environ.get(BASE_URL_ENV) or self.base_url
        return urllib.parse.urljoin(base if base.endswith("/") else base + "/", self.path)


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source("cboe-vix", CBOE_BASE, "VIX_History.csv", "VIX", "vix", "cboe", "CBOE VIX daily"),
        Source("cboe-vix9d", CBOE_BASE, "VIX9D_History.csv", "VIX9D", "vix", "cboe", "CBOE VIX9D"),
        Source("cboe-vix3m", CBOE_BASE, "VIX3M_History.csv", "VIX3M", "vix", "cboe", "CBOE VIX3M"),
        Source("cboe-vix6m", CBOE_BASE, "VIX6M_History.csv", "VIX6M", "vix", "cboe", "CBOE VIX6M"),
        Source("cboe-vvix", CBOE_BASE, "VVIX_History.csv", "VVIX", "vix", "cboe", "CBOE VVIX"),
    )
}
STOOQ_PRESETS = ("stooq:^spx", "stooq:spy.us")
VX_PREFIX = "cboe-vx:"
"""``cboe-vx:YYYY-MM``: one monthly VX futures contract from CBOE's per-contract files."""


def resolve_source(name: str) -> Source:
    """A named source, ``cboe-vx:YYYY-MM`` for a monthly VX futures contract, or
    ``stooq:TICKER`` for any Stooq daily series (e.g. stooq:^spx)."""
    if name in SOURCES:
        return SOURCES[name]
    if name.startswith(VX_PREFIX):
        return _vx_source(name)
    if name.startswith("stooq:") and len(name) > len("stooq:"):
        ticker = name.split(":", 1)[1].strip().lower()
        query = urllib.parse.urlencode({"s": ticker, "i": "d"})
        return Source(
            name, STOOQ_BASE, f"?{query}", ticker.upper(), "index", None, f"Stooq {ticker}"
        )
    known = ", ".join([*SOURCES, f"{VX_PREFIX}YYYY-MM", "stooq:TICKER"])
    raise FetchError(f"unknown source {name!r} (one of {known})")


def _vx_source(name: str) -> Source:
    """The VX contract of month YYYY-MM: CBOE names its file by the expiry (CFE's rule), the
    store names the series VX_YYYY-MM, as an import of the long file or of CFE's file does."""
    month = name[len(VX_PREFIX) :].strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})", month)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise FetchError(f"{name!r}: expected {VX_PREFIX}YYYY-MM, e.g. {VX_PREFIX}2024-08")
    from engine.term_structure import vx_expiry  # pandas: loaded only for a VX download

    expiry = vx_expiry(int(match.group(1)), int(match.group(2)))
    return Source(
        f"{VX_PREFIX}{month}", CBOE_FUTURES_BASE, f"VX/VX_{expiry:%Y-%m-%d}.csv",
        f"VX_{month}", "future", "cfe", f"CBOE VX {month} futures",
    )  # fmt: skip


def source_names() -> list[str]:
    return [*SOURCES, *STOOQ_PRESETS]
