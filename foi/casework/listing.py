"""`foi request list`: which requests match a filter, read as table columns.

Queries the Core tables of `foi.store.tables` (no ORM objects, so a listing never imports or
configures the mappers: issue 12). Takes a session, today's date and the holiday set from the
caller; never commits.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from foi.errors import NotFoundError, UsageError
from foi.law.calendars import WorkingCalendar, calendar_for
from foi.law.holidays import HolidaySet
from foi.law.regimes import Regime
from foi.law.timeline import OPEN_STATUSES, Status
from foi.store import tables
from foi.store.engine import core, flush

if TYPE_CHECKING:
    from foi.store.engine import Db


@dataclass
class RequestFilter:
    status: str | None = None
    body_id: int | None = None
    campaign: str | None = None
    assignee: str | None = None
    overdue: bool = False
    due_within: int | None = None  # working days


STATUS_CHOICES = (*(s.value for s in Status), "open")

_REQUESTS = tables.requests.c
_BODIES, _CAMPAIGNS, _VOLUNTEERS = tables.bodies, tables.campaigns, tables.volunteers

# What a row of `foi request list` shows: add a column here and its key in
# foi.casework.views.list_row to show more.
LIST_COLUMNS: tuple[Any, ...] = (
    _REQUESTS.reference,
    _REQUESTS.title,
    _BODIES.c.name.label("body"),
    _BODIES.c.kind.label("body_kind"),
    _REQUESTS.regime,
    _REQUESTS.status,
    _REQUESTS.resolution,
    _CAMPAIGNS.c.name.label("campaign"),
    _VOLUNTEERS.c.name.label("assignee"),
    _REQUESTS.sent_on,
    _REQUESTS.due_on,
    _REQUESTS.due_clock,
    _REQUESTS.authority_ref,
)


def unknown_name(what: str, name: str, names: Sequence[str], start: str) -> NotFoundError:
    """The error for a name not found: the closest names, the names there are, or `start`."""
    close = difflib.get_close_matches(name, names, n=3)
    if close:
        hint = f"; did you mean {', '.join(close)}?"
    elif names:
        hint = f"; {what}s: {', '.join(sorted(names)[:10])}"
    else:
        hint = f"; none yet: {start}"
    return NotFoundError(f"no {what} {name!r}{hint}")


def unknown_campaign(name: str, names: Sequence[str]) -> NotFoundError:
    """The error for a campaign name not found."""
    return unknown_name("campaign", name, names, "'foi draft TEMPLATE --campaign NAME' starts one")


def _named_id(session: Db, table: Any, name: str) -> int | None:
    found: int | None = session.execute(
        select(table.c.id).where(table.c.name == name)
    ).scalar_one_or_none()
    return found


def _filtered(session: Db, stmt: Any, flt: RequestFilter, today: date) -> Any:
    """`stmt` (over requests) narrowed by the filter; unknown names fail with hints."""
    r = _REQUESTS
    if flt.status:
        if flt.status not in STATUS_CHOICES:
            raise UsageError(
                f"unknown status {flt.status!r}: choose from {', '.join(STATUS_CHOICES)}"
            )
        if flt.status == "open":
            stmt = stmt.where(r.status.in_([s.value for s in OPEN_STATUSES]))
        else:
            stmt = stmt.where(r.status == flt.status)
    if flt.body_id is not None:
        stmt = stmt.where(r.body_id == flt.body_id)
    if flt.campaign:
        campaign_id = _named_id(session, _CAMPAIGNS, flt.campaign)
        if campaign_id is None:
            names = session.execute(select(_CAMPAIGNS.c.name)).scalars().all()
            raise unknown_campaign(flt.campaign, names)
        stmt = stmt.where(r.campaign_id == campaign_id)
    if flt.assignee:
        volunteer_id = _named_id(session, _VOLUNTEERS, flt.assignee)
        if volunteer_id is None:
            names = session.execute(select(_VOLUNTEERS.c.name)).scalars().all()
            start = "'foi request assign REF NAME' adds one"
            raise unknown_name("volunteer", flt.assignee, names, start)
        stmt = stmt.where(r.assignee_id == volunteer_id)
    if flt.overdue:
        stmt = stmt.where(r.due_on < today)
    if flt.due_within is not None:
        if flt.due_within < 0:
            raise UsageError("--due-within takes a number of working days, 0 or more")
        # The widest calendar span N working days can take is bounded; filter exactly below.
        stmt = stmt.where(r.due_on.is_not(None))
    return stmt


def _list_order(due_on: date | None, reference: str) -> tuple[bool, date, str]:
    """Soonest due first (undated last), then by reference."""
    return (due_on is None, due_on or date.max, reference)


def list_request_rows(
    session: Db, flt: RequestFilter, *, today: date, holidays: HolidaySet
) -> list[tuple[dict[str, Any], int | None]]:
    """Matching requests as (LIST_COLUMNS by name, working days left) pairs, soonest due first."""
    flush(session)  # Core queries do not autoflush; a no-op unless the caller changed rows
    stmt = select(*LIST_COLUMNS).select_from(
        tables.requests.join(_BODIES, _BODIES.c.id == _REQUESTS.body_id)
        .outerjoin(_CAMPAIGNS, _CAMPAIGNS.c.id == _REQUESTS.campaign_id)
        .outerjoin(_VOLUNTEERS, _VOLUNTEERS.c.id == _REQUESTS.assignee_id)
    )
    stmt = _filtered(session, stmt, flt, today)
    # Executed as plain SQL (no ORM row processing); each row becomes a dict by name.
    result = core(session).execute(stmt)
    keys = list(result.keys())
    calendars: dict[str, WorkingCalendar] = {}
    out = []
    for values in result.fetchall():
        row = dict(zip(keys, values, strict=True))
        left = None
        due_on = row["due_on"]
        if due_on is not None:
            regime = row["regime"]
            cal = calendars.get(regime)
            if cal is None:
                cal = calendars[regime] = calendar_for(Regime(regime), holidays)
            left = cal.working_days_between(today, due_on)
            if flt.due_within is not None and (due_on < today or left > flt.due_within):
                continue
        out.append((row, left))
    out.sort(key=lambda pair: _list_order(pair[0]["due_on"], pair[0]["reference"]))
    return out
