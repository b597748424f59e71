"""Holidays the user added, stored in the database, merged with the shipped data.

When the holiday set changes, the due dates of open requests are recomputed and the
requests whose dates moved are returned, so the command can list them; closed requests'
clock dates (what findings count from, foi.casework.clock_dates) are recomputed too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

from foi.errors import UsageError
from foi.law.holidays import Holiday, HolidaySet, load_default
from foi.store import tables
from foi.store.engine import flush

if TYPE_CHECKING:
    from foi.store.engine import Db

REGIONS = ("england-and-wales", "scotland", "northern-ireland")
REGION_ALIASES = {
    "england": "england-and-wales",
    "wales": "england-and-wales",
    "eng": "england-and-wales",
    "wls": "england-and-wales",
    "scot": "scotland",
    "sct": "scotland",
    "ni": "northern-ireland",
    "nir": "northern-ireland",
}
FINGERPRINT_KEY = "holiday_fingerprint"


def check_region(region: str) -> str:
    """Normalise a region name (england-and-wales, scotland, northern-ireland)."""
    value = REGION_ALIASES.get(region.strip().lower(), region.strip().lower())
    if value not in REGIONS:
        raise UsageError(f"unknown region {region!r}: choose from {', '.join(REGIONS)}")
    return value


def holiday_set(session: Db) -> HolidaySet:
    """The effective holiday set: shipped data plus the user's additions."""
    # Core, not ORM entities: a read-only command then never imports or configures the mappers.
    flush(session)  # Core queries do not autoflush; a no-op unless the caller changed rows
    t = tables.holidays.c
    extra = [
        Holiday(date=h.on, region=h.region, name=h.name, source=h.source)
        for h in session.execute(select(t.on, t.region, t.name, t.source).order_by(t.on))
    ]
    return load_default(extra)


def add_holidays(session: Db, holidays: Iterable[Holiday], now: datetime) -> tuple[int, int]:
    """Store holidays not already known (shipped or stored); returns (added, already known)."""
    current = holiday_set(session)
    added = known = 0
    for h in holidays:
        region = check_region(h.region)
        if any(x.region == region for x in current.on(h.date)):
            known += 1
            continue
        session.execute(
            insert(tables.holidays).values(
                on=h.date, region=region, name=h.name, source=h.source, added_at=now
            )
        )
        current = holiday_set(session)
        added += 1
    return added, known


def record_fingerprint(session: Db, hs: HolidaySet) -> bool:
    """Store the holiday set's fingerprint; True when it differs from the one stored."""
    fp = hs.fingerprint()
    stored = _stored_fingerprint(session)
    if stored == fp:
        return False  # the common case, read with one query
    meta = tables.meta
    if stored is None:
        session.execute(insert(meta).values(key=FINGERPRINT_KEY, value=fp))
    else:
        session.execute(update(meta).where(meta.c.key == FINGERPRINT_KEY).values(value=fp))
    return True


def _stored_fingerprint(session: Db) -> str | None:
    t = tables.meta.c
    value: str | None = session.execute(select(t.value).where(t.key == FINGERPRINT_KEY)).scalar()
    return value


def sync(session: Db) -> list[tuple[str, date | None, date | None]]:
    """If the holiday set changed since last seen, recompute open requests; return moves."""
    hs = holiday_set(session)
    first_time = _stored_fingerprint(session) is None
    if not record_fingerprint(session, hs) or first_time:
        # First sight: every cached date was computed by foi with the holidays it had, so
        # there is nothing to correct yet; from now on a change is noticed and applied.
        return []
    from sqlalchemy.orm import Session  # lazy: only when something moved

    from foi.casework.clock_dates import recompute
    from foi.casework.requests import recompute_open

    if isinstance(session, Session):
        moved = recompute_open(session, hs)
        session.flush()
    else:
        # A read command's Core connection: an ORM session joins its transaction for the move.
        orm = Session(bind=session)
        moved = recompute_open(orm, hs)
        orm.flush()
    recompute(session, hs)  # closed requests' clock dates, which findings count from
    return moved
