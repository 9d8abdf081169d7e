"""What an import does about series already stored from another source (light: no pandas).

The store refuses to change a series of another origin; these are the ways forward the CLI
(``--prefix``, ``--rename``, ``--replace``, ``--skip-existing``) and the Data dock's dialog
offer, passed to :func:`engine.data.importers.import_job` and the fetchers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ImportChoice:
    """The default refuses a colliding import. ``rename`` maps the file's symbols to new
    names; ``prefix`` goes before every other symbol; ``replace`` replaces each stored series
    the import writes, whole; ``skip_existing`` leaves the colliding series alone and
    imports the rest."""

    prefix: str = ""
    rename: Mapping[str, str] = field(default_factory=dict)
    replace: bool = False
    skip_existing: bool = False


def suggested_prefix(kind: str) -> str:
    """The prefix offered for a colliding import: FUT_ for futures, NEW_ otherwise."""
    return "FUT_" if kind == "future" else "NEW_"
