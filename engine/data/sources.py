"""Online data sources (names, URLs, how to import them); light to import (no pandas)."""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass

BASE_URL_ENV = "CTADESK_FETCH_BASE_URL"
"""When set, replaces every source's base URL (mirrors, proxies, tests)."""
CBOE_BASE = "https://cdn.cboe.com/api/global/us_indices/daily_prices/"
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
    )
}
STOOQ_PRESETS = ("stooq:^spx", "stooq:spy.us")


def resolve_source(name: str) -> Source:
    """A named source, or ``stooq:TICKER`` for any Stooq daily series (e.g. stooq:^spx)."""
    if name in SOURCES:
        return SOURCES[name]
    if name.startswith("stooq:") and len(name) > len("stooq:"):
        ticker = name.split(":", 1)[1].strip().lower()
        query = urllib.parse.urlencode({"s": ticker, "i": "d"})
        return Source(
            name, STOOQ_BASE, f"?{query}", ticker.upper(), "index", None, f"Stooq {ticker}"
        )
    known = ", ".join([*SOURCES, "stooq:TICKER"])
    raise FetchError(f"unknown source {name!r} (one of {known})")


def source_names() -> list[str]:
    return [*SOURCES, *STOOQ_PRESETS]
