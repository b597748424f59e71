"""UK bank holiday data: the shipped GOV.UK snapshot, computed years, user additions.

Pure: reads only the JSON file shipped inside the package, never the network or the clock.

Sources, merged per (date, region), later ones winning:

1. the ``holidays`` package (subdivisions ENG, WLS, SCT, NIR), weekdays only, any year;
2. the shipped GOV.UK snapshot ``foi/law/data/bank-holidays.json`` (2012-2028);
3. holidays the caller passes in (user additions, imported GOV.UK files).

So inside the snapshot's years GOV.UK's data wins, and the package only adds weekday holidays
the snapshot lacks (a day proclaimed after the snapshot was taken, such as 2026-06-15 in
Scotland); outside them the package supplies everything. Weekend dates are dropped: GOV.UK
lists only the weekday on which a holiday is observed, and a weekend is never a working day.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

ENGLAND_AND_WALES = "england-and-wales"
SCOTLAND = "scotland"
NORTHERN_IRELAND = "northern-ireland"
REGIONS: tuple[str, ...] = (ENGLAND_AND_WALES, SCOTLAND, NORTHERN_IRELAND)
REGION_NAMES: dict[str, str] = {
    ENGLAND_AND_WALES: "England and Wales",
    SCOTLAND: "Scotland",
    NORTHERN_IRELAND: "Northern Ireland",
}
SOURCE_SNAPSHOT = "gov.uk"
SOURCE_PACKAGE = "holidays-package"
SOURCE_USER = "user"

# The years the whole engine is tested for; the package can compute others too.
FIRST_YEAR = 1990
LAST_YEAR = 2100

# GOV.UK divisions -> `holidays` package subdivisions. Wales has the same bank holidays as
# England (Banking and Financial Dealings Act 1971, Sch. 1 para 1), but both are asked for.
_PACKAGE_SUBDIVISIONS: dict[str, tuple[str, ...]] = {
    ENGLAND_AND_WALES: ("ENG", "WLS"),
    SCOTLAND: ("SCT",),
    NORTHERN_IRELAND: ("NIR",),
}
_BLOCK = 10  # package years are computed (and cached) a decade at a time

_Key = tuple[date, str]


@dataclass(frozen=True)
class Holiday:
    """One bank holiday in one region of the UK."""

    date: date
    region: str
    name: str
    source: str

    def __post_init__(self) -> None:
        if self.region not in REGIONS:
            raise ValueError(f"unknown region {self.region!r}: use one of {', '.join(REGIONS)}")


def parse_govuk_json(text: str | bytes, source: str) -> list[Holiday]:
    """Parse a file in GOV.UK's bank-holidays.json format; raise ValueError if malformed."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"{source}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{source}: expected a JSON object keyed by division")
    unknown = sorted(set(data) - set(REGIONS))
    if unknown:
        raise ValueError(
            f"{source}: unknown division {unknown[0]!r}; expected {', '.join(REGIONS)}"
        )
    if not data:
        raise ValueError(f"{source}: no divisions found; expected {', '.join(REGIONS)}")
    found: list[Holiday] = []
    for region, division in data.items():
        events = division.get("events") if isinstance(division, dict) else None
        if not isinstance(events, list):
            raise ValueError(f"{source}: division {region!r} has no list of 'events'")
        for i, event in enumerate(events):
            found.append(_parse_event(event, region, source, f"{region} event {i + 1}"))
    return sorted(found, key=_sort_key)


def _parse_event(event: Any, region: str, source: str, where: str) -> Holiday:
    if not isinstance(event, dict):
        raise ValueError(f"{source}: {where} is not an object")
    title, when, notes = event.get("title"), event.get("date"), event.get("notes", "")
    if not isinstance(title, str) or not title.strip():
        raise ValueError(f"{source}: {where} has no 'title'")
    if not isinstance(when, str):
        raise ValueError(f"{source}: {where} ({title}) has no 'date'")
    try:
        on = date.fromisoformat(when)
    except ValueError:
        raise ValueError(f"{source}: {where} ({title}) has a bad date {when!r}") from None
    name = title.strip()
    # GOV.UK marks the weekday that replaces a weekend holiday; keep that in the name so an
    # explanation says why, say, 28 December is a holiday.
    if isinstance(notes, str) and notes.strip().lower() == "substitute day":
        name = f"{name} (substitute day)"
    return Holiday(on, region, name, source)


def _sort_key(h: Holiday) -> tuple[date, int, str, str]:
    return (h.date, REGIONS.index(h.region), h.name, h.source)


@cache
def _snapshot() -> tuple[Holiday, ...]:
    """The GOV.UK snapshot shipped with foi (read once per process)."""
    text = resources.files("foi.law").joinpath("data", "bank-holidays.json").read_bytes()
    return tuple(parse_govuk_json(text, SOURCE_SNAPSHOT))


# The `holidays` package's weekday holidays for FIRST_YEAR-LAST_YEAR, computed once by
# scripts/build_holiday_table.py and shipped, because importing the package (~250 country
# modules) costs ~90 ms on every command that counts working days. The table is used only
# while the installed package is the version it was built with (tests/law/test_holidays.py
# checks it equals the package's own answer); otherwise, or for a year outside it, the
# package itself is asked.
TABLE_FILE = "holidays-package-table.json"


@cache
def _table() -> dict[str, Any]:
    """The shipped table of the package's holidays (read once per process)."""
    text = resources.files("foi.law").joinpath("data", TABLE_FILE).read_bytes()
    data: dict[str, Any] = json.loads(text)
    return data


def table_block(table: dict[str, Any], block: int) -> tuple[Holiday, ...] | None:
    """The table's holidays for years [block, block + _BLOCK), or None if it lacks a year."""
    if block < table["first_year"] or block + _BLOCK - 1 > table["last_year"]:
        return None
    names = table["names"]
    found = []
    lo, hi = f"{block:04d}", f"{block + _BLOCK:04d}"
    for region, entries in table["regions"].items():
        for iso, name in entries:
            if lo <= iso < hi:
                found.append(Holiday(date.fromisoformat(iso), region, names[name], SOURCE_PACKAGE))
    return tuple(sorted(found, key=_sort_key))


@cache
def _package_block(block: int) -> tuple[Holiday, ...]:
    """Weekday holidays from the `holidays` package for years [block, block + _BLOCK)."""
    table = _table()
    if table["package_version"] == _package_version():
        found = table_block(table, block)
        if found is not None:
            return found
    return compute_package_block(block)


def compute_package_block(block: int) -> tuple[Holiday, ...]:
    """Weekday holidays for years [block, block + _BLOCK), computed by the `holidays` package."""
    import holidays  # lazy: importing it costs ~90 ms

    years = range(block, block + _BLOCK)
    found: dict[_Key, Holiday] = {}
    for region, subdivisions in _PACKAGE_SUBDIVISIONS.items():
        for subdivision in subdivisions:
            computed = holidays.country_holidays("GB", subdiv=subdivision, years=years)
            for on, name in computed.items():
                # The package lists a weekend holiday's own date as well as its weekday
                # substitute; only weekdays can stop a working day.
                if on.weekday() < 5:
                    found.setdefault((on, region), Holiday(on, region, name, SOURCE_PACKAGE))
    return tuple(sorted(found.values(), key=_sort_key))


@cache
def _package_version() -> str:
    """The installed `holidays` package's version, read without importing it."""
    # Its dist-info folder names the version: a directory listing costs well under a
    # millisecond, importlib.metadata ~80 ms, importing the package ~90 ms.
    spec = importlib.util.find_spec("holidays")
    if spec is not None and spec.origin:
        site = Path(spec.origin).parent.parent
        try:
            names = os.listdir(site)
        except OSError:
            names = []
        for name in names:
            if name.startswith("holidays-") and name.endswith(".dist-info"):
                return name[len("holidays-") : -len(".dist-info")]
    from importlib.metadata import version  # another kind of install

    return version("holidays")


def _block_of(year: int) -> int:
    return year - (year % _BLOCK)


class HolidaySet:
    """An immutable set of UK bank holidays from the merged sources; years load lazily."""

    def __init__(
        self,
        snapshot: Iterable[Holiday] = (),
        extra: Iterable[Holiday] = (),
        *,
        use_package: bool = True,
    ) -> None:
        self._snapshot: tuple[Holiday, ...] = tuple(sorted(set(snapshot), key=_sort_key))
        self._extra: tuple[Holiday, ...] = tuple(sorted(set(extra), key=_sort_key))
        self._use_package = use_package
        self._fixed: dict[int, dict[_Key, Holiday]] = {}
        for h in self._snapshot:  # the snapshot first, so the caller's additions win
            self._fixed.setdefault(h.date.year, {})[(h.date, h.region)] = h
        for h in self._extra:
            self._fixed.setdefault(h.date.year, {})[(h.date, h.region)] = h
        self._years: dict[int, dict[date, tuple[Holiday, ...]]] = {}
        self._regions_cache: dict[tuple[frozenset[str], int, int], frozenset[date]] = {}
        self._fingerprint: str | None = None
        self._lock = threading.Lock()

    @property
    def extra(self) -> tuple[Holiday, ...]:
        """The holidays the caller added (sorted)."""
        return self._extra

    def snapshot_years(self) -> tuple[int, int] | None:
        """First and last year covered by the shipped snapshot, if any."""
        if not self._snapshot:
            return None
        return self._snapshot[0].date.year, self._snapshot[-1].date.year

    def _year(self, year: int) -> dict[date, tuple[Holiday, ...]]:
        """Effective holidays of one year, by date (computed once, then cached)."""
        found = self._years.get(year)
        if found is not None:
            return found
        merged: dict[_Key, Holiday] = {}
        if self._use_package:
            for h in _package_block(_block_of(year)):
                if h.date.year == year:
                    merged[(h.date, h.region)] = h
        merged.update(self._fixed.get(year, {}))
        by_date: dict[date, list[Holiday]] = {}
        for h in sorted(merged.values(), key=_sort_key):
            by_date.setdefault(h.date, []).append(h)
        found = {d: tuple(hs) for d, hs in by_date.items()}
        with self._lock:
            self._years[year] = found
        return found

    def on(self, d: date) -> list[Holiday]:
        """Every region's holidays on one date (at most one per region)."""
        return list(self._year(d.year).get(d, ()))

    def in_regions(
        self, regions: Iterable[str], first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR
    ) -> frozenset[date]:
        """Dates that are a holiday in any of `regions` in the given years (cached)."""
        wanted = frozenset(regions)
        unknown = wanted - set(REGIONS)
        if unknown:
            raise ValueError(f"unknown region {sorted(unknown)[0]!r}")
        key = (wanted, first_year, last_year)
        cached = self._regions_cache.get(key)
        if cached is not None:
            return cached
        dates = frozenset(
            d
            for year in range(first_year, last_year + 1)
            for d, hs in self._year(year).items()
            if any(h.region in wanted for h in hs)
        )
        with self._lock:
            self._regions_cache[key] = dates
        return dates

    def fingerprint(self) -> str:
        """A stable hash of the effective set, so callers can notice that it changed."""
        # The package's computed years are a pure function of its version, so hashing the
        # version stands for them without computing 1990-2100.
        if self._fingerprint is None:
            digest = hashlib.sha256()
            package = _package_version() if self._use_package else "none"
            digest.update(f"holidays-package {package}\n".encode())
            for label, entries in (("snapshot", self._snapshot), ("extra", self._extra)):
                for h in entries:
                    digest.update(f"{label}\t{h.date}\t{h.region}\t{h.name}\t{h.source}\n".encode())
            self._fingerprint = digest.hexdigest()[:16]
        return self._fingerprint

    def list(self, year: int | None = None, region: str | None = None) -> list[Holiday]:
        """Holidays sorted by date then region, optionally one year and one region."""
        if region is not None and region not in REGIONS:
            raise ValueError(f"unknown region {region!r}: use one of {', '.join(REGIONS)}")
        if year is not None:
            years: Iterable[int] = (year,)
        else:
            fixed = set(self._fixed)
            years = sorted(fixed | set(range(FIRST_YEAR, LAST_YEAR + 1)))
        return [
            h
            for y in years
            for hs in self._year(y).values()
            for h in hs
            if region is None or h.region == region
        ]


def load_default(extra: Iterable[Holiday] = ()) -> HolidaySet:
    """The shipped snapshot plus the `holidays` package plus the caller's additions."""
    return HolidaySet(_snapshot(), extra)
