"""The VIX term structure (docs/term_structure.md): CFE's VX expiry rule, the VX futures curve
on a date, the VIX-index curve by tenor and their daily history. Qt-free, pandas and numpy.

Days to expiry are calendar days. A contract is listed on a date when it has a settle that day
and its expiry is on or after it; the front month is the nearest listed contract expiring
after the date (on its expiry day a contract settles at its final settlement value and the
next one is the front month). A curve is incomplete when a monthly contract that should be
listed is not (docs/term_structure.md, "Incomplete curves"); nothing is interpolated across it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from engine.jobs import Job, Progress, run_job
from engine.vix import PAIR_MAX_GAP_DAYS

if TYPE_CHECKING:
    from engine.events import Event

TENOR_DAYS: dict[str, int] = {"VIX9D": 9, "VIX": 30, "VIX3M": 93, "VIX6M": 183}
"""The CBOE volatility indices of the curve and the calendar days each one spans."""
VVIX = "VVIX"
"""The VIX's own volatility index: a separate reading, not a point of the curve."""
FLAT_TOLERANCE = 0.01
"""The curve is flat when short / long is within 1% of 1 (VIX / VIX3M from 0.99 to 1.01)."""
VX30_DAYS = 30
"""Constant maturity of the interpolated VX series (calendar days, the VIX's own horizon)."""
PERCENTILE_MIN_DAYS = 252
"""Basis readings needed before the expanding percentile is reported (a year of trading days)."""
STATES = ("contango", "backwardation", "flat")

_CONTRACT = re.compile(r"VX[ _](\d{4})-(\d{2})(?:-(\d{2}))?$")


# -- CFE's expiry rule ---------------------------------------------------------------------
def _good_friday(year: int) -> dt.date:
    """Easter Sunday (anonymous Gregorian computus) minus two days."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1) - dt.timedelta(days=2)


def _juneteenth(year: int) -> dt.date | None:
    """The day Juneteenth is observed by US exchanges (a holiday from 2022): Saturday's on
    Friday, Sunday's on Monday."""
    if year < 2022:
        return None
    day = dt.date(year, 6, 19)
    shift = {5: -1, 6: 1}.get(day.weekday(), 0)
    return day + dt.timedelta(days=shift)


def expiry_holiday(day: dt.date) -> bool:
    """True on the CBOE holidays that can touch the VX expiry rule: Good Friday and Juneteenth
    (observed, from 2022). No other CBOE holiday falls on a third Friday or on the Wednesday
    30 days before one (days 13-22 of a month, a Wednesday); special closures are not known."""
    return day == _good_friday(day.year) or day == _juneteenth(day.year)


def third_friday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(4 - first.weekday()) % 7 + 14)


def vx_expiry(year: int, month: int) -> dt.date:
    """Final settlement date of the monthly VX contract of ``year``-``month`` by CFE's rule:
    the Wednesday 30 days before the third Friday of the following month; when that Friday or
    that Wednesday is a CBOE holiday, the business day before the Wednesday (30 days before
    the business day before the Friday, as the older rule text puts it: the same day)."""
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    friday = third_friday(nxt.year, nxt.month)
    day = friday - dt.timedelta(days=30)
    if expiry_holiday(friday) or expiry_holiday(day):
        day -= dt.timedelta(days=1)
        while day.weekday() >= 5 or expiry_holiday(day):
            day -= dt.timedelta(days=1)
    return day


def contract_month(name: str) -> tuple[int, int]:
    """(year, month) of a VX contract named like the long file (``VX 2024-08``), a store
    symbol (``VX_2024-08``, also under a prefix: ``FUT_VX_2024-08``) or CBOE's per-contract
    file (``VX_2024-08-21``, named by its expiry, which falls in the contract month)."""
    return _parse_contract(name)[:2]  # type: ignore[return-value]


def named_expiry(name: str) -> dt.date | None:
    """The expiry in a name like CBOE's ``VX_2024-08-21``, None for a month-only name."""
    year, month, day = _parse_contract(name)
    return None if day is None else dt.date(year, month, day)


def _parse_contract(name: str) -> tuple[int, int, int | None]:
    match = _CONTRACT.search(name.strip().upper())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"{name!r} does not name a monthly VX contract (e.g. VX 2024-08)")
    day = match.group(3)
    return int(match.group(1)), int(match.group(2)), None if day is None else int(day)


def contract_name(year: int, month: int) -> str:
    return f"VX {year:04d}-{month:02d}"


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + month // 12, month % 12 + 1)


# -- VX settlements ------------------------------------------------------------------------
@dataclass(frozen=True)
class VxSettles:
    """Daily settles of monthly VX contracts: ``settles`` (trade date x contract name, NaN on
    days without a settle, columns ascending by expiry), ``expiries`` (contract -> expiry) and
    the contracts whose expiry came from CFE's rule rather than the data (``by_rule``)."""

    settles: pd.DataFrame
    expiries: pd.Series
    by_rule: frozenset[str]

    @cached_property
    def dates(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.settles.index)

    @cached_property
    def spans(self) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
        """contract -> (first, last) trade date with a settle."""
        valid = self.settles.notna()
        index = self.dates
        return {
            name: (index[col.argmax()], index[len(col) - 1 - col[::-1].argmax()])
            for name, col in ((n, valid[n].to_numpy()) for n in self.settles.columns)
        }

    @cached_property
    def _arrays(self) -> tuple[np.ndarray, np.ndarray, list[pd.Timestamp], dict[str, pd.Timestamp]]:
        """Settles as a matrix, expiries as datetime64 and as Timestamps (list, by name)."""
        stamps = [pd.Timestamp(e) for e in self.expiries]
        return (
            self.settles.to_numpy(dtype=float),
            self.expiries.to_numpy(dtype="datetime64[ns]"),
            stamps,
            dict(zip(self.settles.columns, stamps, strict=True)),
        )

    def listed(self, date: pd.Timestamp) -> list[tuple[str, pd.Timestamp, int, float]]:
        """(contract, expiry, days to expiry, settle) of the contracts with a settle on the
        trade date ``date`` expiring on or after it, ascending by expiry."""
        matrix, expiries, stamps, _ = self._arrays
        row = matrix[self.dates.get_loc(date)]
        (at,) = np.nonzero(~np.isnan(row) & (expiries >= date.to_datetime64()))
        names = self.settles.columns
        return [(names[i], stamps[i], (stamps[i] - date).days, float(row[i])) for i in at]

    def expiry(self, year: int, month: int) -> pd.Timestamp:
        """The contract's expiry as held, else by CFE's rule."""
        held = self._arrays[3].get(contract_name(year, month))
        return held if held is not None else pd.Timestamp(vx_expiry(year, month))


def vx_settles(
    series: Mapping[str, pd.Series], expiries: Mapping[str, dt.date] | None = None
) -> VxSettles:
    """The settles of per-contract series keyed by contract name or symbol (``VX 2024-08``,
    ``VX_2024-08``, ``VX_2024-08-21``); each contract's expiry from ``expiries`` (same keys),
    else from its name (:func:`named_expiry`), else by :func:`vx_expiry`. Zero and negative
    settles (listing placeholders) are dropped."""
    columns: dict[str, pd.Series] = {}
    expiry: dict[str, pd.Timestamp] = {}
    by_rule = set()
    for key, values in series.items():
        name = contract_name(*contract_month(key))
        if name in columns:
            raise ValueError(f"VX contract {name} given twice ({key})")
        settle = pd.Series(values, dtype=float)
        settle.index = pd.DatetimeIndex(settle.index).normalize()
        columns[name] = settle.where(settle > 0).dropna()
        given = (expiries or {}).get(key) or named_expiry(key)
        if given is None:
            given = vx_expiry(*contract_month(key))
            by_rule.add(name)
        expiry[name] = pd.Timestamp(given)
    columns = {n: c for n, c in columns.items() if len(c)}
    if not columns:
        raise ValueError("no VX settles given")
    order = sorted(columns, key=lambda n: (expiry[n], n))
    frame = pd.concat({n: columns[n] for n in order}, axis=1, sort=True)
    return VxSettles(frame, pd.Series({n: expiry[n] for n in order}), frozenset(by_rule))


def long_file_expiries(path: Path | str) -> dict[str, dt.date]:
    """contract -> expiry from a long file's ``expiry`` column (empty when it has none); each
    contract must carry one expiry."""
    from engine.data.importers import read_table, sanitize_symbol

    table = read_table(Path(path))
    names = {re.sub(r"[\s_]", "", str(c)).lower(): str(c) for c in table.columns}
    if "expiry" not in names or "contract" not in names:
        return {}
    pairs = table[[names["contract"], names["expiry"]]].drop_duplicates()
    pairs = pairs[pairs[names["expiry"]].str.strip() != ""]
    twice = pairs[names["contract"]][pairs[names["contract"]].duplicated()]
    if len(twice):
        raise ValueError(f"{Path(path).name}: contract {twice.iloc[0]} has two expiries")
    days = pd.to_datetime(pairs[names["expiry"]].str.strip(), format="%Y-%m-%d", errors="coerce")
    if days.isna().any():
        bad = pairs[names["expiry"]][days.isna()].iloc[0]
        raise ValueError(f"{Path(path).name}: expiry {bad!r} is not a YYYY-MM-DD date")
    return {
        sanitize_symbol(c): d.date() for c, d in zip(pairs[names["contract"]], days, strict=True)
    }


# -- the VX curve on a date ----------------------------------------------------------------
@dataclass(frozen=True)
class VxCurve:
    """The VX curve on ``date``: listed contracts (expiry >= date) ascending by expiry, each
    (contract, expiry, calendar days to expiry, settle); the expected contracts missing that
    day; the front month (None when a missing contract would be nearer)."""

    date: pd.Timestamp
    contracts: list[tuple[str, pd.Timestamp, int, float]]
    missing: list[tuple[str, pd.Timestamp]]
    front: tuple[str, pd.Timestamp, int, float] | None

    @property
    def incomplete(self) -> bool:
        return bool(self.missing)

    def after_date(self) -> list[tuple[str, pd.Timestamp, int, float]]:
        """The listed contracts expiring after the date (the expiring one left out)."""
        return [c for c in self.contracts if c[2] > 0]

    def gap_between(self, lo: pd.Timestamp, hi: pd.Timestamp) -> bool:
        """True when a missing contract expires between ``lo`` and ``hi`` (inclusive)."""
        return any(lo <= expiry <= hi for _, expiry in self.missing)

    def as_records(self) -> list[dict[str, Any]]:
        return [_record(c) for c in self.contracts]


def _record(contract: tuple[str, pd.Timestamp, int, float]) -> dict[str, Any]:
    name, expiry, days, settle = contract
    return {"contract": name, "expiry": f"{expiry:%Y-%m-%d}", "days": days, "settle": settle}


def vx_curve(vx: VxSettles, date: pd.Timestamp) -> VxCurve:
    """The curve on the trade date ``date`` (one of ``vx.dates``)."""
    listed = vx.listed(date)
    missing = _missing(vx, date, listed)
    ahead = [c for c in listed if c[2] > 0]
    front = ahead[0] if ahead else None
    if front is not None and any(date < e < front[1] for _, e in missing):
        front = None  # the real front month is absent: the next one is no stand-in
    return VxCurve(date, listed, missing, front)


def _missing(
    vx: VxSettles, date: pd.Timestamp, listed: list[tuple[str, pd.Timestamp, int, float]]
) -> list[tuple[str, pd.Timestamp]]:
    """Monthly contracts expiring from ``date`` to the last listed expiry without a settle that
    day that the data never holds or holds on dates around this one (a contract not listed
    yet, as CFE's 2007-2008 back months were not, is not missing)."""
    if not listed:
        return []
    last = listed[-1][1]
    have = {c[0] for c in listed}
    out = []
    year, month = date.year, date.month  # a contract expires in its own month
    while True:
        name = contract_name(year, month)
        expiry = vx.expiry(year, month)
        if expiry > last:
            return out
        if expiry >= date and name not in have:
            first, end = vx.spans.get(name, (date, date))
            if first <= date <= end:
                out.append((name, expiry))
        year, month = _next_month(year, month)


def vx30(curve: VxCurve) -> float:
    """The 30-day constant-maturity VX: linear in calendar days to expiry between the two
    nearest contracts expiring after the date that bracket 30 days (the one at 30 days when
    there is one); NaN when no contract expires within 30 days, none after, or a missing
    contract expires between the brackets or before the nearer one."""
    ahead = curve.after_date()
    below = [c for c in ahead if c[2] <= VX30_DAYS]
    above = [c for c in ahead if c[2] >= VX30_DAYS]
    if not below or not above:
        return float("nan")
    lo, hi = below[-1], above[0]
    if curve.gap_between(curve.date + pd.Timedelta(days=1), hi[1]):
        return float("nan")
    if hi[2] == lo[2]:
        return lo[3]
    weight = (hi[2] - VX30_DAYS) / (hi[2] - lo[2])
    return weight * lo[3] + (1.0 - weight) * hi[3]


def state(short: float, long: float) -> str | None:
    """From the ratio short / long: contango below 1 - FLAT_TOLERANCE, backwardation above
    1 + FLAT_TOLERANCE, else flat; None when either is NaN."""
    if np.isnan(short) or np.isnan(long):
        return None
    ratio = short / long
    if abs(ratio - 1.0) <= FLAT_TOLERANCE:
        return "flat"
    return "contango" if ratio < 1.0 else "backwardation"


def vx_state(curve: VxCurve) -> str | None:
    """:func:`state` of the front two contracts expiring after the date; None when either is
    absent or a missing contract expires before the second."""
    ahead = curve.after_date()
    if curve.front is None or len(ahead) < 2:
        return None
    if curve.gap_between(curve.date + pd.Timedelta(days=1), ahead[1][1]):
        return None
    return state(ahead[0][3], ahead[1][3])


# -- the index curve on a date -------------------------------------------------------------
@dataclass(frozen=True)
class Reading:
    """One series' close used for a date: the last close on or before it (``value`` NaN and
    ``used`` None when there is none within PAIR_MAX_GAP_DAYS calendar days)."""

    value: float
    used: pd.Timestamp | None
    latest: pd.Timestamp | None  # the last close on or before the date, however old


def reading(closes: pd.Series | None, date: pd.Timestamp) -> Reading:
    if closes is None:
        return Reading(float("nan"), None, None)
    series = pd.Series(closes, dtype=float).dropna().sort_index()
    at = int(series.index.searchsorted(date, side="right")) - 1
    if at < 0:
        return Reading(float("nan"), None, None)
    day = pd.Timestamp(series.index[at])
    if (date - day).days > PAIR_MAX_GAP_DAYS:
        return Reading(float("nan"), None, day)
    return Reading(float(series.iloc[at]), day, day)


def curve_on(
    date: pd.Timestamp | str,
    indices: Mapping[str, pd.Series | None],
    vvix: pd.Series | None = None,
    vx: VxSettles | None = None,
) -> dict[str, Any]:
    """The curve on ``date``: the closes of the TENOR_DAYS indices given in ``indices`` (VIX
    required), VVIX, the VX curve of the last VX trade date on or before ``date``, the state
    (spot VIX vs VIX3M), the VX front two's state, basis_front (the spot VIX close of the VX
    date minus the front month's settle), ratio_vix_vix3m and the 30-day VX. Every value is
    the close on ``date`` or, when that is no trading day of its series, the last close before
    it (``dates_used``); ``notes`` say where a date differs or a value is missing."""
    day = pd.Timestamp(date).normalize()
    unknown = set(indices) - set(TENOR_DAYS)
    if unknown:
        raise ValueError(f"unknown indices {sorted(unknown)} (one of {', '.join(TENOR_DAYS)})")
    readings = {name: reading(indices.get(name), day) for name in TENOR_DAYS}
    readings[VVIX] = reading(vvix, day)
    spot = readings["VIX"]
    if spot.latest is None:
        raise ValueError(f"no spot VIX close on or before {day:%Y-%m-%d}")
    notes = _reading_notes(day, readings, {n: indices.get(n) for n in TENOR_DAYS} | {VVIX: vvix})
    three = readings["VIX3M"].value
    out: dict[str, Any] = {
        "date": f"{day:%Y-%m-%d}",
        "trading_day": spot.used == day,
        "indices": {n: _num(readings[n].value) for n in TENOR_DAYS},
        "tenor_days": dict(TENOR_DAYS),
        "vvix": _num(readings[VVIX].value),
        "state": state(spot.value, three),
        "ratio_vix_vix3m": _num(spot.value / three),
        "dates_used": {
            n: None if r.used is None else f"{r.used:%Y-%m-%d}" for n, r in readings.items()
        },
    }
    if out["state"] is None:
        notes.append("state: needs both the spot VIX and VIX3M")
    out.update(_vx_part(vx, day, indices["VIX"], notes))
    out["notes"] = notes
    return out


def _reading_notes(
    day: pd.Timestamp, readings: dict[str, Reading], given: Mapping[str, pd.Series | None]
) -> list[str]:
    notes = []
    for name, r in readings.items():
        if given.get(name) is None:
            notes.append(f"{name}: not given")
        elif r.latest is None:
            notes.append(f"{name}: no close on or before {day:%Y-%m-%d}")
        elif r.used is None:
            notes.append(
                f"{name}: last close {r.latest:%Y-%m-%d}, more than {PAIR_MAX_GAP_DAYS} days "
                "before: not used"
            )
        elif r.used != day:
            notes.append(f"{name}: no close on {day:%Y-%m-%d} (not a trading day of the "
                         f"series); the close of {r.used:%Y-%m-%d} is used")  # fmt: skip
    return notes


def _vx_part(
    vx: VxSettles | None, day: pd.Timestamp, spot: pd.Series | None, notes: list[str]
) -> dict[str, Any]:
    """The VX curve of the last VX trade date on or before ``day`` and basis_front: the spot
    VIX close of that same date minus the front month's settle."""
    empty: dict[str, Any] = {
        "futures": [], "front_month": None, "basis_front": None, "vx_state": None,
        "vx30": None, "incomplete": None, "missing_contracts": [],
    }  # fmt: skip
    if vx is None:
        notes.append("VX: no futures given")
        return empty
    at = int(vx.dates.searchsorted(day, side="right")) - 1
    if at < 0 or (day - vx.dates[at]).days > PAIR_MAX_GAP_DAYS:
        notes.append(f"VX: no settles on or within {PAIR_MAX_GAP_DAYS} days before "
                     f"{day:%Y-%m-%d}")  # fmt: skip
        return empty
    used = vx.dates[at]
    curve = vx_curve(vx, used)
    if used != day:
        notes.append(f"VX: no settles on {day:%Y-%m-%d}; the curve of {used:%Y-%m-%d} is used, "
                     "days to expiry counted from it")  # fmt: skip
    front = curve.front
    if curve.missing:
        names = ", ".join(n for n, _ in curve.missing)
        notes.append(f"VX: curve incomplete, {names} missing (nothing interpolated across)")
    if front is None and curve.after_date():
        notes.append("VX: the front month is missing, so no basis_front")
    paired = reading(spot, used)
    basis = paired.value - front[3] if front is not None and paired.used == used else float("nan")
    if front is not None and paired.used != used:
        notes.append(f"VX: no spot VIX close on {used:%Y-%m-%d}, so no basis_front")
    return {
        "vx_date": f"{used:%Y-%m-%d}",
        "futures": curve.as_records(),
        "front_month": None if front is None else _record(front),
        "basis_front": _num(basis),
        "vx_state": vx_state(curve),
        "vx30": _num(vx30(curve)),
        "incomplete": curve.incomplete,
        "missing_contracts": [{"contract": n, "expiry": f"{e:%Y-%m-%d}"} for n, e in curve.missing],
        "expiry_by_rule": sorted(c for c, *_ in curve.contracts if c in vx.by_rule),
    }


def _num(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


# -- history -------------------------------------------------------------------------------
HISTORY_COLUMNS = ("vix", "vix3m", "ratio_vix_vix3m", "state", "backwardation", "front",
                   "front_settle", "basis", "basis_percentile", "vx_state", "vx_backwardation",
                   "vx30", "incomplete")  # fmt: skip


def history_job(
    vix: pd.Series, vix3m: pd.Series | None = None, vx: VxSettles | None = None
) -> Job[pd.DataFrame]:
    """Job: the daily history on the spot VIX's dates from the first VIX3M close or VX settle
    (HISTORY_COLUMNS): vix, vix3m, ratio_vix_vix3m, state and backwardation (spot vs VIX3M, on
    days both close; backwardation 1.0/0.0, NaN when unknown), front (contract), front_settle,
    basis (spot minus the front month), basis_percentile (0-100: the day's basis ranked among
    every basis up to and including that day, from the PERCENTILE_MIN_DAYS-th on: no
    look-ahead), vx_state and vx_backwardation (the VX front two), vx30 and incomplete (the VX
    curve). VX columns are NaN on days without VX settles."""
    spot = pd.Series(vix, dtype=float).dropna().sort_index()
    three = None if vix3m is None else pd.Series(vix3m, dtype=float).dropna()
    starts = [] if three is None or three.empty else [three.index[0]]
    starts += [] if vx is None else [vx.dates[0]]
    if not starts:
        raise ValueError("the history needs VIX3M or VX futures besides the spot VIX")
    out = pd.DataFrame({"vix": spot.loc[min(starts) :]})
    if out.empty:
        raise ValueError(f"no spot VIX close from {min(starts):%Y-%m-%d} on")
    out["vix3m"] = np.nan if three is None else three.reindex(out.index)
    out["ratio_vix_vix3m"] = out["vix"] / out["vix3m"]
    out["state"] = [state(s, t) for s, t in zip(out["vix"], out["vix3m"], strict=True)]
    out["backwardation"] = _flag(out["state"])
    rows: dict[pd.Timestamp, tuple] = {}
    days = vx.dates.intersection(out.index) if vx is not None else pd.DatetimeIndex([])
    for i, day in enumerate(days):
        if i % 500 == 0:
            yield Progress(90.0 * i / len(days), f"VX curve {day:%Y-%m-%d}")
        curve = vx_curve(vx, day)  # type: ignore[arg-type]
        front = curve.front
        rows[day] = (
            None if front is None else front[0],
            np.nan if front is None else front[3],
            vx_state(curve),
            vx30(curve),
            curve.incomplete,
        )
    vx_cols = pd.DataFrame.from_dict(
        rows, orient="index", columns=["front", "front_settle", "vx_state", "vx30", "incomplete"]
    ).reindex(out.index)
    out["front"] = vx_cols["front"]
    out["front_settle"] = vx_cols["front_settle"].astype(float)
    out["basis"] = out["vix"] - out["front_settle"]
    basis = out["basis"].dropna()
    ranks = basis.expanding(min_periods=PERCENTILE_MIN_DAYS).rank(pct=True) * 100.0
    out["basis_percentile"] = ranks.reindex(out.index)
    out["vx_state"] = vx_cols["vx_state"]
    out["vx_backwardation"] = _flag(out["vx_state"])
    out["vx30"] = vx_cols["vx30"].astype(float)
    out["incomplete"] = vx_cols["incomplete"]
    yield Progress(100.0, "VX history done")
    return out[list(HISTORY_COLUMNS)]


def history(
    vix: pd.Series, vix3m: pd.Series | None = None, vx: VxSettles | None = None
) -> pd.DataFrame:
    """:func:`history_job` run in this thread."""
    return run_job(history_job(vix, vix3m, vx))


def _flag(states: pd.Series) -> pd.Series:
    """1.0 for backwardation, 0.0 for contango or flat, NaN where the state is unknown."""
    return states.map({"backwardation": 1.0, "contango": 0.0, "flat": 0.0}).astype(float)


def history_summary(hist: pd.DataFrame, quantiles: Iterable[float] = (5, 25, 50, 75, 95)) -> dict:
    """Shares of days per state (spot vs VIX3M, VX front two), with the days and dates they
    cover, and percentiles of the basis over the history."""

    def states(column: str) -> dict[str, Any]:
        known = hist[column].dropna()
        if known.empty:
            return {"days": 0}
        shares = {f"share_{s}": float((known == s).mean()) for s in STATES}
        span = {"first": f"{known.index[0]:%Y-%m-%d}", "last": f"{known.index[-1]:%Y-%m-%d}"}
        return {"days": len(known), **span, **shares}

    basis = hist["basis"].dropna()
    summary: dict[str, Any] = {
        "first": f"{hist.index[0]:%Y-%m-%d}",
        "last": f"{hist.index[-1]:%Y-%m-%d}",
        "days": len(hist),
        "vix_vix3m": states("state"),
        "vx_front_two": states("vx_state"),
        "basis": {"days": len(basis)},
        "incomplete_days": int(hist["incomplete"].eq(True).sum()),
        "vx30_days": int(hist["vx30"].notna().sum()),
    }
    if len(basis):
        summary["basis"] |= {
            "mean": float(basis.mean()),
            "share_spot_above_front": float((basis > 0).mean()),
            "percentiles": {f"p{q:g}": float(np.percentile(basis, q)) for q in quantiles},
            "max": {"date": f"{basis.idxmax():%Y-%m-%d}", "basis": float(basis.max())},
        }
    return summary


def mark_events(dates: pd.DatetimeIndex, events: Iterable[Event]) -> pd.Series:
    """The name of the event (engine/events.py) whose window holds each date, "" for none (the
    first event listed wins where windows overlap)."""
    names = pd.Series("", index=dates, dtype=object)
    for event in events:
        inside = (dates >= pd.Timestamp(event.start)) & (dates <= pd.Timestamp(event.end))
        names[inside & (names == "")] = event.name
    return names


# -- which stored series is which ----------------------------------------------------------
_VX_SYMBOL = re.compile(r"VX_\d{4}-\d{2}")


def index_symbol(rows: Sequence[Mapping[str, Any]], name: str) -> str | None:
    """The stored series (listed rows with symbol and kind) of index ``name`` (VIX9D, VIX3M,
    VIX6M, VVIX): of kind vix, the symbol ``name`` itself, else the first (by symbol) that has
    ``name`` as a word of it (VIX3M_DAILY as a file import names it, CBOE_VIX3M, ^VIX3M)."""
    symbols = sorted(str(r["symbol"]) for r in rows if r["kind"] == "vix")
    if name in symbols:
        return name
    words = [s for s in symbols if name in re.split(r"[^A-Z0-9]+", s.upper())]
    return words[0] if words else None


def vx_symbols(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """The stored VX contracts (kind future, named VX_YYYY-MM as a long or CFE import names
    them)."""
    return sorted(
        str(r["symbol"])
        for r in rows
        if r["kind"] == "future" and _VX_SYMBOL.fullmatch(str(r["symbol"]))
    )
