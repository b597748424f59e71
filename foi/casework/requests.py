"""Use cases for requests: create, find, log events, derive status and clocks, list.

Takes a session, today's date and the current UTC time from the caller; never commits.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from foi.directory.bodies import check_length
from foi.errors import ConflictError, NotFoundError, UsageError
from foi.law.deadlines import (
    ClockEvent,
    Clocks,
    Regime,
    WorkingCalendar,
    calendar_for,
    compute_clocks,
)
from foi.law.holidays import HolidaySet
from foi.law.timeline import (
    OPEN_STATUSES,
    OUTCOME_KINDS,
    EventKind,
    FutureDateError,
    State,
    Status,
    TimelineEvent,
    TransitionError,
    check_append,
    fold,
)
from foi.store.models import Body, Campaign, Counter, Event, Request, Requester, Volunteer

REFERENCE_RE = re.compile(r"^FOI-\d{4}-\d{4,}$", re.IGNORECASE)
REGIMES = tuple(r.value for r in Regime)


def allocate_reference(session: Session, year: int) -> str:
    """The next reference for a year, e.g. FOI-2026-0001: unique across concurrent writers."""
    name = f"reference-{year}"
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(insert(Counter).values(name=name, value=0).on_conflict_do_nothing())
    # The UPDATE takes a row lock (PostgreSQL) or the database write lock (SQLite, BEGIN
    # IMMEDIATE), so two processes never read the same value.
    value = session.execute(
        update(Counter)
        .where(Counter.name == name)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    ).scalar_one()
    return f"FOI-{year}-{value:04d}"


def _load() -> Any:
    return (
        selectinload(Request.events),
        selectinload(Request.body).selectinload(Body.contacts),
        selectinload(Request.campaign),
        selectinload(Request.assignee),
        selectinload(Request.letters),
        selectinload(Request.requester),
    )


def find_request(session: Session, reference: str) -> Request:
    """A request by its reference (case-insensitive), or NotFoundError with close matches."""
    ref = reference.strip().upper()
    req = session.scalar(select(Request).options(*_load()).where(Request.reference == ref))
    if req is not None:
        return req
    refs = list(session.scalars(select(Request.reference)))
    close = difflib.get_close_matches(ref, refs, n=3, cutoff=0.8)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see 'foi request list'"
    if not REFERENCE_RE.match(ref):
        hint = "; references look like FOI-2026-0001" + hint
    raise NotFoundError(f"no request {reference!r}{hint}")


def get_campaign(session: Session, name: str, now: datetime, create: bool = True) -> Campaign:
    """A campaign by name, created on first use when allowed."""
    camp = session.scalar(select(Campaign).where(Campaign.name == name))
    if camp is None:
        if not create:
            names = list(session.scalars(select(Campaign.name)))
            close = difflib.get_close_matches(name, names, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise NotFoundError(f"no campaign {name!r}{hint}")
        camp = Campaign(name=name, created_at=now)
        session.add(camp)
        session.flush()
    return camp


def get_volunteer(
    session: Session, name: str, now: datetime, email: str | None = None, create: bool = True
) -> Volunteer:
    """A volunteer by name (created on first use); updates the email when given."""
    name = name.strip()
    if not name:
        raise UsageError("a volunteer needs a name")
    check_length(name, 200, "the volunteer's name")
    vol = session.scalar(select(Volunteer).where(Volunteer.name == name))
    if vol is None:
        if not create:
            raise NotFoundError(f"no volunteer {name!r}; assign a request to create one")
        vol = Volunteer(name=name, email=email, created_at=now)
        session.add(vol)
        session.flush()
    elif email and vol.email != email:
        vol.email = email
    return vol


def get_requester(
    session: Session, name: str, now: datetime, email: str | None = None, address: str | None = None
) -> Requester:
    """The requester by name, created or updated with the given details."""
    name = name.strip()
    if not name:
        raise UsageError("the requester needs a name")
    check_length(name, 200, "the requester's name")
    person = session.scalar(select(Requester).where(Requester.name == name))
    if person is None:
        person = Requester(name=name, email=email, address=address, created_at=now)
        session.add(person)
        session.flush()
    else:
        if email:
            person.email = email
        if address:
            person.address = address
    return person


def timeline_events(req: Request) -> list[TimelineEvent]:
    """The request's events as the state machine sees them."""
    return [
        TimelineEvent(
            kind=EventKind(e.kind),
            on=e.on,
            seq=e.id or 0,
            outcome=e.outcome,
            promised_on=e.promised_on,
        )
        for e in req.events
    ]


def clock_events(req: Request) -> list[ClockEvent]:
    """The request's events as the deadline engine sees them, in order."""
    evs = sorted(req.events, key=lambda e: (e.kind != EventKind.DRAFTED, e.on, e.id or 0))
    return [ClockEvent(kind=e.kind, on=e.on, promised_on=e.promised_on) for e in evs]


def calendar(req: Request, holidays: HolidaySet) -> WorkingCalendar:
    """The working-day calendar for the request's regime."""
    return calendar_for(Regime(req.regime), holidays)


def clocks(req: Request, holidays: HolidaySet) -> Clocks:
    """Every clock of the request, from its events."""
    return compute_clocks(Regime(req.regime), clock_events(req), calendar(req, holidays))


def current_due(state: State, c: Clocks) -> tuple[date | None, str | None]:
    """The due date of the clock running now, and which clock it is."""
    if (
        state.status in (Status.AWAITING_RESPONSE, Status.NEEDS_CLASSIFICATION)
        and state.stage == "request"
        and c.responded_on is None  # a reply after the response does not restart the clock
    ):
        return c.effective_due, "response"
    if (
        state.stage == "internal-review"
        and state.status in (Status.IN_INTERNAL_REVIEW, Status.NEEDS_CLASSIFICATION)
        and c.review_responded_on is None
    ):
        return c.review_due, "internal-review"
    return None, None


def refresh(req: Request, holidays: HolidaySet) -> tuple[date | None, date | None]:
    """Recompute the cached status, resolution and due date; returns (old due, new due)."""
    state = fold(timeline_events(req))
    c = clocks(req, holidays)
    before = req.due_on
    due, clock = current_due(state, c)
    values = {
        "status": state.status.value,
        "resolution": state.resolution,
        "sent_on": state.sent_on,
        "due_on": due,
        "due_clock": clock,
        "very_overdue_on": c.very_overdue if clock == "response" else None,
    }
    for name, value in values.items():
        if getattr(req, name) != value:  # untouched rows are not flushed again
            setattr(req, name, value)
    return before, req.due_on


def check_regime(regime: str) -> str:
    """Validate a regime name."""
    if regime not in REGIMES:
        raise UsageError(f"unknown regime {regime!r}: choose from {', '.join(REGIMES)}")
    return regime


@dataclass
class NewRequest:
    body: Body
    title: str
    regime: str | None = None
    campaign: str | None = None
    assignee: str | None = None
    requester: Requester | None = None
    template: str | None = None
    template_vars: dict[str, Any] | None = None
    wdtk_url: str | None = None


def default_regime(body: Body) -> str:
    """The regime a request to this body runs under by default."""
    if not body.foi_subject or body.regime == "none":
        return Regime.NONE.value
    return body.regime or Regime.FOIA.value


def create_request(
    session: Session, new: NewRequest, *, today: date, now: datetime, holidays: HolidaySet
) -> Request:
    """Create a request (status draft) with its 'drafted' event."""
    # A title is one line: line breaks (a pasted subject) become spaces, never stored raw.
    title = " ".join(new.title.split())
    if not title:
        raise UsageError("a request needs a title")
    check_length(title, 300, "the title")
    regime = check_regime(new.regime) if new.regime else default_regime(new.body)
    req = Request(
        reference=allocate_reference(session, today.year),
        title=title,
        body=new.body,
        regime=regime,
        template=new.template,
        template_vars=new.template_vars,
        requester=new.requester,
        wdtk_url=new.wdtk_url,
        created_at=now,
        updated_at=now,
        status=Status.DRAFT.value,
    )
    if new.campaign:
        req.campaign = get_campaign(session, new.campaign, now)
    if new.assignee:
        req.assignee = get_volunteer(session, new.assignee, now)
    elif req.campaign is not None and req.campaign.default_assignee is not None:
        req.assignee = req.campaign.default_assignee
    session.add(req)
    req.events.append(Event(kind=EventKind.DRAFTED.value, on=today, recorded_at=now))
    session.flush()
    refresh(req, holidays)
    return req


@dataclass
class LogEntry:
    kind: str
    on: date
    note: str | None = None
    outcome: str | None = None
    promised_on: date | None = None
    data: dict[str, Any] | None = None
    letter_id: int | None = None
    inbox_id: int | None = None
    recorded_by: str | None = None


def log_event(
    session: Session,
    req: Request,
    entry: LogEntry,
    *,
    today: date,
    now: datetime,
    holidays: HolidaySet,
) -> Event:
    """Append an event after checking it fits the request's life; refresh derived state."""
    try:
        kind = EventKind(entry.kind)
    except ValueError:
        kinds = [k.value for k in EventKind if k is not EventKind.DRAFTED]
        close = difflib.get_close_matches(entry.kind, kinds, n=2)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise UsageError(
            f"unknown event {entry.kind!r}: {hint}choose from {', '.join(kinds)}"
        ) from None
    if kind is EventKind.DRAFTED:
        raise UsageError("'drafted' is recorded by foi when a request is created")
    choices = OUTCOME_KINDS.get(kind)
    if choices is not None and entry.outcome not in {c.value for c in choices}:
        raise UsageError(f"{kind} needs --outcome: one of {', '.join(c.value for c in choices)}")
    new = TimelineEvent(
        kind=kind, on=entry.on, seq=10**12, outcome=entry.outcome, promised_on=entry.promised_on
    )
    try:
        check_append(timeline_events(req), new, today)
    except FutureDateError as exc:  # a date typed wrong is bad input (exit 2), not a conflict
        raise UsageError(f"{req.reference}: {exc}") from None
    except TransitionError as exc:
        raise ConflictError(f"{req.reference}: {exc}") from None
    event = Event(
        kind=kind.value,
        on=entry.on,
        recorded_at=now,
        outcome=entry.outcome,
        promised_on=entry.promised_on,
        note=entry.note,
        data=entry.data,
        letter_id=entry.letter_id,
        inbox_id=entry.inbox_id,
        recorded_by=entry.recorded_by,
    )
    req.events.append(event)
    if entry.data and entry.data.get("authority_ref") and not req.authority_ref:
        req.authority_ref = str(entry.data["authority_ref"])
        check_length(req.authority_ref, 120, "the authority's reference")
    req.updated_at = now
    session.flush()
    refresh(req, holidays)
    return event


@dataclass
class RequestFilter:
    status: str | None = None
    body: Body | None = None
    campaign: str | None = None
    assignee: str | None = None
    overdue: bool = False
    due_within: int | None = None  # working days


STATUS_CHOICES = (*(s.value for s in Status), "open")


def list_requests(
    session: Session, flt: RequestFilter, *, today: date, holidays: HolidaySet
) -> list[Request]:
    """Requests matching a filter, soonest due first, then by reference."""
    stmt = select(Request).options(
        selectinload(Request.body), selectinload(Request.campaign), selectinload(Request.assignee)
    )
    if flt.status:
        if flt.status not in STATUS_CHOICES:
            raise UsageError(
                f"unknown status {flt.status!r}: choose from {', '.join(STATUS_CHOICES)}"
            )
        if flt.status == "open":
            stmt = stmt.where(Request.status.in_([s.value for s in OPEN_STATUSES]))
        else:
            stmt = stmt.where(Request.status == flt.status)
    if flt.body is not None:
        stmt = stmt.where(Request.body_id == flt.body.id)
    if flt.campaign:
        camp = session.scalar(select(Campaign).where(Campaign.name == flt.campaign))
        if camp is None:
            get_campaign(session, flt.campaign, datetime.min, create=False)  # raises with hints
        stmt = stmt.where(Request.campaign_id == camp.id)  # type: ignore[union-attr]
    if flt.assignee:
        vol = session.scalar(select(Volunteer).where(Volunteer.name == flt.assignee))
        if vol is None:
            raise NotFoundError(f"no volunteer {flt.assignee!r}")
        stmt = stmt.where(Request.assignee_id == vol.id)
    if flt.overdue:
        stmt = stmt.where(Request.due_on < today)
    if flt.due_within is not None:
        if flt.due_within < 0:
            raise UsageError("--due-within takes a number of working days, 0 or more")
        # The widest calendar span N working days can take is bounded; filter exactly below.
        stmt = stmt.where(Request.due_on.is_not(None))
    reqs = list(session.scalars(stmt))
    if flt.due_within is not None:
        keep = []
        for r in reqs:
            cal = calendar(r, holidays)
            assert r.due_on is not None
            if r.due_on >= today and cal.working_days_between(today, r.due_on) <= flt.due_within:
                keep.append(r)
        reqs = keep
    reqs.sort(key=lambda r: (r.due_on is None, r.due_on or date.max, r.reference))
    return reqs


def working_days_left(req: Request, today: date, holidays: HolidaySet) -> int | None:
    """Working days until the current clock's due date; negative when late."""
    if req.due_on is None:
        return None
    return calendar(req, holidays).working_days_between(today, req.due_on)


def assign(
    session: Session, req: Request, volunteer: str, *, now: datetime, email: str | None = None
) -> Volunteer:
    """Assign a request to a volunteer (created on first use)."""
    vol = get_volunteer(session, volunteer, now, email=email)
    req.assignee = vol
    req.updated_at = now
    return vol


def recompute_open(
    session: Session, holidays: HolidaySet
) -> list[tuple[str, date | None, date | None]]:
    """Recompute every open request's dates; return those whose due date moved."""
    moved = []
    reqs = session.scalars(
        select(Request)
        .options(selectinload(Request.events))
        .where(Request.status.in_([s.value for s in OPEN_STATUSES]))
    )
    for req in reqs:
        before, after = refresh(req, holidays)
        if before != after:
            moved.append((req.reference, before, after))
    return moved


def requests_for_body(session: Session, body: Body) -> Sequence[Request]:
    """Every request to a body, oldest first."""
    return session.scalars(
        select(Request).where(Request.body_id == body.id).order_by(Request.id)
    ).all()
