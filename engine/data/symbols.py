"""Which stored series is what, from the store's listing alone (no pandas: the window's
controllers use it before the engine loads)."""

from __future__ import annotations

import re
from collections.abc import Sequence

_NOT_SPOT_VIX = re.compile(r"\d+[DMY](?![A-Z])|VVIX")
"""Names of VIX-family series that are not the 30-day spot VIX: another tenor (VIX9D, VIX3M,
VIX6M, VIX1Y) or the VIX's own volatility (VVIX)."""


_CONTRACT_MONTH = re.compile(r"(?:^|_)\d{4}-\d{2}$")
"""A symbol ending in a contract month (VX_2024-08, FUT_VX_2024-08), as the long-format and
per-contract futures imports name one expiring contract."""


def is_contract(row: dict) -> bool:
    """True for a listed future that is one expiring contract (a month of the VX curve), not a
    continuous series: a backtest or replay universe never takes it by default."""
    return row["kind"] == "future" and bool(_CONTRACT_MONTH.search(str(row["symbol"])))


def is_spot_vix(row: dict) -> bool:
    """True for a listed series (symbol, kind) that can be the 30-day spot VIX."""
    return row["kind"] == "vix" and not _NOT_SPOT_VIX.search(row["symbol"].upper())


def pick_vix_symbol(rows: Sequence[dict]) -> str | None:
    """The spot VIX series among ``rows`` (dicts with symbol and kind, as listed): VIX first,
    then the demo's, then the first of kind vix whose name is not another tenor or VVIX;
    None when the store holds only those (a 3-month VIX is never read as the spot VIX)."""
    spot = [r["symbol"] for r in rows if is_spot_vix(r)]
    for preferred in ("VIX", "DEMO_VIX"):
        if preferred in spot:
            return preferred
    return spot[0] if spot else None
