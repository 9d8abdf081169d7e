"""Which column of a universe is the equity index (risk-offset beta, VIX-implied vol, the
benchmark, crisis alpha): one picker for every feature."""

from __future__ import annotations

import re

INDEX_PATTERN = re.compile(r"(^|[^A-Z])(SPX|SP500|SPY|ES|S&P|GSPC)([^A-Z]|$)")
"""Symbols read as the S&P 500 (or a future or ETF on it) when the user names none."""


def pick_equity_index(columns: list[str], wanted: str = "") -> str | None:
    """The named column (an error if absent), else one that looks like the S&P 500, else
    None: never a silent first column."""
    if wanted:
        if wanted not in columns:
            raise ValueError(
                f"equity_index {wanted!r} is not among the prices ({', '.join(columns)})"
            )
        return wanted
    return next((c for c in columns if INDEX_PATTERN.search(c.upper())), None)


def no_index_message(columns: list[str], needed_by: str = "") -> str:
    """The plain statement that a universe has no equity index (and what needed one)."""
    who = f"{needed_by} needs an equity index, but " if needed_by else "no equity index: "
    shown = ", ".join(columns[:8]) + (", ..." if len(columns) > 8 else "")
    return (
        f"{who}none of {shown} looks like the S&P 500 (SPX, SP500, SPY, ES); "
        "name one with equity_index (--equity-index)"
    )


BOND_NAMES = ("US10", "UST10", "TY", "ZN", "TN", "BUND", "FGBL", "GILT", "OAT", "BTP", "JGB", "CGB")
"""Symbols of 10-year government bond futures, most preferred first (US Treasuries for a US
60/40); a yield series such as US10Y or DGS10 is not a price and does not match."""

BOND_PATTERN = re.compile(rf"(^|[^A-Z0-9])({'|'.join(BOND_NAMES)})([^A-Z0-9]|$)")


def pick_bond_leg(columns: list[str], wanted: str = "") -> str | None:
    """The named column (an error if absent), else the 10-year bond future earliest in
    BOND_NAMES, else None."""
    if wanted:
        if wanted not in columns:
            raise ValueError(f"bond leg {wanted!r} is not among the prices ({', '.join(columns)})")
        return wanted
    found = [
        (BOND_NAMES.index(m.group(2)), c) for c in columns if (m := BOND_PATTERN.search(c.upper()))
    ]
    return min(found)[1] if found else None
