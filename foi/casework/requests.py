"""Use cases for requests: create, find, log events, derive status and clocks.

Takes a session, today's date and the current UTC time from the caller; never commits.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from foi.casework.clock_dates import (
    clock_dates,
    clock_events_of,
    retracted_ids_of,
    standing,
)
from foi.casework.listing import unknown_campaign
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


def check_line(value: str | None, limit: int, what: str) -> None:
    """A one-line value within its column (foi.directory.bodies.check_length, imported only
    when a request is written)."""
    from foi.directory.bodies import check_length

    check_length(value, limit, what, one_line=True)


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
            raise unknown_campaign(name, names)
        if not name.strip():
            raise UsageError("a campaign needs a name")
        check_line(name, 200, "the campaign's name")
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
    check_line(name, 200, "the volunteer's name")
    vol = session.scalar(select(Volunteer).where(Volunteer.name == name))
    if vol is None:
        if not create:
            raise NotFoundError(f"no volunteer {name!r}; assign a request to create one")
        similar = _similar_volunteers(session, name)
        if similar:
            # "Priya" beside "Priya Shah" is a typing short-cut, not a second person.
            raise UsageError(
                f"no volunteer {name!r}: did you mean {' or '.join(map(repr, similar))}? "
                "Give the full name (a new volunteer needs a name unlike the others)"
            )
        vol = Volunteer(name=name, email=email, created_at=now)
        session.add(vol)
        session.flush()
    elif email and vol.email != email:
        vol.email = email
    return vol


def _similar_volunteers(session: Session, name: str) -> list[str]:
    """Existing volunteers a new name probably means: a first name, a case or a typo away."""
    names = list(session.scalars(select(Volunteer.name)))
    low = name.casefold()
    found = [
        n
        for n in names
        if n.casefold() == low or n.casefold().startswith(low + " ") or low in n.casefold().split()
    ]
    found += [n for n in difflib.get_close_matches(name, names, n=3, cutoff=0.85) if n not in found]
    return found


# Names and mail domains that stand in for a real one (FOIA s.8(1)(b) needs the real name).
PLACEHOLDER_NAMES = frozenset(
    {
        "your name", "your full name", "name", "full name", "my name", "test", "testing",
        "requester", "the requester", "first last", "firstname lastname", "john doe",
        "jane doe", "joe bloggs", "a n other", "anon", "anonymous", "someone", "xxx", "foo",
    }
)  # fmt: skip
PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net")
PLACEHOLDER_TLDS = (".example", ".invalid", ".test", ".localhost")


def placeholder_name(name: str) -> bool:
    """True for an obvious stand-in such as "Your Name", "<Name>" or "Test"."""
    plain = " ".join(re.sub(r"[^\w]+", " ", name.lower()).split())
    return not plain or plain in PLACEHOLDER_NAMES


def placeholder_email(address: str) -> bool:
    """True for an address at an example or reserved domain (RFC 2606), never a real one."""
    domain = address.rpartition("@")[2].strip().lower().rstrip(">")
    return domain in PLACEHOLDER_DOMAINS or domain.endswith(
        tuple(f".{d}" for d in PLACEHOLDER_DOMAINS) + PLACEHOLDER_TLDS
    )


def check_signatory(name: str, email: str | None = None) -> None:
    """Refuse a requester a body could not answer: no real name, or an example address."""
    if placeholder_name(name):
        raise UsageError(
            f"{name.strip()!r} is a placeholder: a valid request needs your real name "
            "(FOIA s.8(1)(b)); set FOI_REQUESTER_NAME or pass --requester"
        )
    if email and placeholder_email(email):
        raise UsageError(
            f"{email!r} is an example address, not one a body can reply to: set "
            "FOI_REQUESTER_EMAIL to your real address"
        )


def get_requester(
    session: Session, name: str, now: datetime, email: str | None = None, address: str | None = None
) -> Requester:
    """The requester by name, created or updated with the given details."""
    name = name.strip()
    if not name:
        raise UsageError("the requester needs a name")
    check_signatory(name, email)
    check_line(name, 200, "the requester's name")
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


def retracted_ids(req: Request) -> set[int]:
    """The ids of events a later 'retracted' event withdrew from the record."""
    return retracted_ids_of(req.events)


def active_events(req: Request) -> list[Event]:
    """The events that count: neither retracted nor retractions (both stay in the log)."""
    return standing(req.events)


def delivery_failure(req: Request) -> tuple[date, str] | None:
    """When and why the request's delivery failed, while it is undelivered."""
    if req.status != Status.DELIVERY_FAILED.value:
        return None
    failed = [e for e in active_events(req) if e.kind == EventKind.DELIVERY_FAILED]
    if not failed:
        return None
    last = failed[-1]
    data = last.data or {}
    why = str(data.get("reason") or last.note or "bounced")
    return last.on, why


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
        for e in active_events(req)
    ]


def clock_events(req: Request) -> list[ClockEvent]:
    """The request's events as the deadline engine sees them, in order (receipt dates as
    corrected: foi.casework.clock_dates.clock_events_of)."""
    return clock_events_of(req.events)


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


def next_reminder_on(
    status: str,
    resolution: str | None,
    c: Clocks,
    cal: WorkingCalendar,
    events: Iterable[tuple[str, date]],
    *,
    after: date | None = None,
    due_soon_days: int | None = None,
    delivery_failed_on: date | None = None,
    ico_decision: tuple[date, str | None] | None = None,
) -> date | None:
    """The cached `next_reminder_on`: no reminder about the request can fire before it.

    `events` are the request's (kind, on) pairs. From `refresh` (no `after`): the earliest
    day any of its reminders fires, delivered or not, for any due-soon setting. A delivery
    pass that has looked at the request moves it on to the first day after `after` on which
    something new can fire (foi.reminders.store). None: nothing can ever fire.
    """
    from foi.reminders.due import RequestSnapshot, next_fires_on

    if status == Status.DRAFT.value:
        return None  # reminders are about sent requests only
    chased = [on for kind, on in events if kind == EventKind.CHASED.value]
    ico = [on for kind, on in events if kind == EventKind.ICO_COMPLAINT.value]
    snap = RequestSnapshot(
        reference="",
        title="",
        body_name="",
        regime=c.regime.value,
        status=status,
        clocks=c,
        calendar=cal,
        assignee=None,
        assignee_email=None,
        last_chased_on=max(chased) if chased else None,
        resolution=resolution,
        ico_complaint_on=min(ico) if ico else None,
        delivery_failed_on=delivery_failed_on,
        ico_decision_on=ico_decision[0] if ico_decision else None,
        ico_decision_outcome=ico_decision[1] if ico_decision else None,
    )
    return next_fires_on(snap, after, due_soon_days=due_soon_days)


def authority_ref_of(events: Iterable[Event]) -> str | None:
    """The body's reference as the events that stand set it (issue 21: a retraction undoes it).

    A reference read from the body's mail (an event with an inbox message) sets it when none is
    set yet; one given by a volunteer (`--authority-ref`, `--clear-authority-ref`) sets or
    clears it whatever it was.
    """
    ref: str | None = None
    for e in sorted(events, key=lambda e: e.id or 0):
        data = e.data or {}
        if "authority_ref" not in data:
            continue
        value = data["authority_ref"]
        if e.inbox_id is None or data.get("authority_ref_by_hand"):
            ref = str(value) if value else None
        elif ref is None and value:
            ref = str(value)
    return ref


def refresh(req: Request, holidays: HolidaySet) -> tuple[date | None, date | None]:
    """Recompute the cached status, resolution, dates and authority reference; returns
    (old due, new due)."""
    state = fold(timeline_events(req))
    cal = calendar(req, holidays)
    c = compute_clocks(Regime(req.regime), clock_events(req), cal)
    before = req.due_on
    due, clock = current_due(state, c)
    failed = [
        e.on
        for e in active_events(req)
        if state.status is Status.DELIVERY_FAILED and e.kind == EventKind.DELIVERY_FAILED
    ]
    values = {
        "status": state.status.value,
        "resolution": state.resolution,
        "sent_on": state.sent_on,
        "due_on": due,
        "due_clock": clock,
        "very_overdue_on": c.very_overdue if clock == "response" else None,
        "next_reminder_on": next_reminder_on(
            state.status.value,
            state.resolution,
            c,
            cal,
            [(e.kind, e.on) for e in active_events(req)],  # a retracted chaser never went
            delivery_failed_on=failed[-1] if failed else None,
            ico_decision=next(
                (
                    (e.on, e.outcome)
                    for e in reversed(active_events(req))
                    if e.kind == "ico-decision"
                ),
                None,
            ),
        ),
        "authority_ref": authority_ref_of(active_events(req)),
        **clock_dates(c),
    }
    for name, value in values.items():
        if getattr(req, name) != value:  # untouched rows are not flushed again
            setattr(req, name, value)
    logged, assignee_id = assignee_of(req)
    if logged and req.assignee_id != assignee_id:
        # A retracted assignment gives the request back (assignment is an event too).
        from sqlalchemy.orm import object_session

        session = object_session(req)
        req.assignee = session.get(Volunteer, assignee_id) if session and assignee_id else None
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


WDTK_REQUEST_RE = re.compile(
    r"^https://(?:www\.)?whatdotheyknow\.com/(?:[a-z]{2}/)?request/[A-Za-z0-9_\-]+/?(?:[#?].*)?$"
)


def check_wdtk_url(url: str) -> str:
    """A WhatDoTheyKnow request's URL, or UsageError with the shape it should have."""
    text = url.strip()
    if not WDTK_REQUEST_RE.match(text):
        raise UsageError(
            f"--wdtk-url {url!r} is not a WhatDoTheyKnow request: give its address, e.g. "
            "https://www.whatdotheyknow.com/request/sim_use"
        )
    check_line(text, 500, "the WhatDoTheyKnow URL")
    return text


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
    check_line(title, 300, "the title")
    regime = check_regime(new.regime) if new.regime else default_regime(new.body)
    req = Request(
        reference=allocate_reference(session, today.year),
        title=title,
        body=new.body,
        regime=regime,
        template=new.template,
        template_vars=new.template_vars,
        requester=new.requester,
        wdtk_url=check_wdtk_url(new.wdtk_url) if new.wdtk_url else None,
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
    received_on: date | None = None  # sent/resent: when the body got it (post takes days)
    postal_delay_days: int | None = None  # default for a posted letter with no received_on
    authority_ref: str | None = None  # the body's own reference, set or corrected verbatim
    clear_authority_ref: bool = False  # the reference was wrong: the request has none


def by_post(req: Request) -> bool:
    """The request's own letter goes (or went) by post."""
    return any(lt.purpose in ("request", "sar") and lt.route == "post" for lt in req.letters)


def _receipt(req: Request, entry: LogEntry, kind: EventKind, holidays: HolidaySet) -> date | None:
    """When the body received a sent or resent request, if later than the day it went."""
    if kind is EventKind.NOTE and entry.received_on is not None:
        sent = _last_sent(req)
        if entry.received_on < sent.on:
            raise UsageError(f"--received-on {entry.received_on} is before it was sent ({sent.on})")
        return entry.received_on
    if kind not in (EventKind.SENT, EventKind.RESENT):
        if entry.received_on is not None:
            raise UsageError(
                "--received-on is for 'sent' and 'resent' (when the body got it), or for a "
                "'note' correcting the receipt of a letter already logged"
            )
        return None
    if entry.received_on is not None:
        if entry.received_on < entry.on:
            raise UsageError(
                f"--received-on {entry.received_on} is before it was sent ({entry.on})"
            )
        return entry.received_on if entry.received_on != entry.on else None
    if entry.postal_delay_days and by_post(req):
        # FOIA s.10(1) counts from receipt: a posted letter arrives some working days later.
        return calendar(req, holidays).add_working_days(entry.on, entry.postal_delay_days)
    return None


def _last_sent(req: Request) -> Event:
    """The standing 'sent' or 'resent' event a receipt correction applies to."""
    sent = [e for e in active_events(req) if e.kind in (EventKind.SENT, EventKind.RESENT)]
    if not sent:
        raise UsageError(f"{req.reference} has not been sent: there is no receipt to correct")
    return sent[-1]


def set_authority_ref(req: Request, value: str) -> None:
    """Set or correct the body's own reference, kept exactly as the body wrote it."""
    text = value.strip()
    if not text:
        raise UsageError("--authority-ref is empty")
    if REFERENCE_RE.match(text):
        raise UsageError(
            f"{text!r} looks like one of our references, not the body's own: give the "
            "reference the body quoted (e.g. AWP-FOI-2026-555)"
        )
    check_line(text, 120, "the authority's reference")
    req.authority_ref = text


def log_event(
    session: Session,
    req: Request,
    entry: LogEntry,
    *,
    today: date,
    now: datetime,
    holidays: HolidaySet,
    lean: bool = False,
) -> Event:
    """Append an event after checking it fits the request's life; refresh derived state.

    `lean` (a request already stored, as a mail import has): the event's row is written at
    once as a Core insert, which gives its id, and the rest of the session is not flushed
    (its changes, this request's own included, go with the caller's next flush or commit).
    The same row, the same derived state, without a unit of work for each event.
    """
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
    if kind is EventKind.RETRACTED:
        raise UsageError("a retraction has its own command: foi request retract REF EVENT_ID")
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
    receipt = _receipt(req, entry, kind, holidays)
    data = dict(entry.data or {})
    if receipt is not None:
        data["received_on"] = receipt.isoformat()
        if kind is EventKind.NOTE:
            data["corrects_receipt_of"] = _last_sent(req).id
    if entry.authority_ref is not None and entry.clear_authority_ref:
        raise UsageError("give --authority-ref or --clear-authority-ref, not both")
    if entry.authority_ref is not None:
        set_authority_ref(req, entry.authority_ref)
        data["authority_ref"] = req.authority_ref
        data["authority_ref_by_hand"] = True
    elif entry.clear_authority_ref:
        data["authority_ref"] = None
        data["authority_ref_by_hand"] = True
    event = Event(
        kind=kind.value,
        on=entry.on,
        recorded_at=now,
        outcome=entry.outcome,
        promised_on=entry.promised_on,
        note=entry.note,
        data=data or None,
        letter_id=entry.letter_id,
        inbox_id=entry.inbox_id,
        recorded_by=entry.recorded_by,
    )
    if entry.data and entry.data.get("authority_ref"):
        check_line(str(entry.data["authority_ref"]), 120, "the authority's reference")
    if lean and req.id is not None:
        _write_event(session, req, event)
    else:
        req.events.append(event)
    req.updated_at = now
    if not lean:
        session.flush()
    refresh(req, holidays)
    return event


def _write_event(session: Session, req: Request, event: Event) -> None:
    """Insert an event's row (Core) and add it to the request's loaded events as stored."""
    from sqlalchemy.orm.attributes import set_committed_value

    from foi.store.rows import insert_stored

    events = list(req.events)  # loaded now, if not already
    event.request_id = req.id
    insert_stored(session, event)
    set_committed_value(event, "request", req)
    set_committed_value(req, "events", [*events, event])


def working_days_left(req: Request, today: date, holidays: HolidaySet) -> int | None:
    """Working days until the current clock's due date; negative when late."""
    if req.due_on is None:
        return None
    return calendar(req, holidays).working_days_between(today, req.due_on)


def assign(
    session: Session,
    req: Request,
    volunteer: str,
    *,
    now: datetime,
    email: str | None = None,
    today: date | None = None,
    holidays: HolidaySet | None = None,
) -> Volunteer:
    """Assign a request to a volunteer (created on first use).

    Given `today` and `holidays`, the assignment is an event ('note' with the volunteer), so
    retracting it gives the request back to whoever had it before (issue 21).
    """
    vol = get_volunteer(session, volunteer, now, email=email)
    if today is not None and holidays is not None and req.assignee_id != vol.id:
        entry = LogEntry(
            kind="note",
            on=today,
            note=f"assigned to {vol.name}",
            data={"assigned_to": vol.id, "assigned_from": req.assignee_id},
        )
        log_event(session, req, entry, today=today, now=now, holidays=holidays)
    req.assignee = vol
    req.updated_at = now
    return vol


def assignee_of(req: Request) -> tuple[bool, int | None]:
    """(whether assignments were logged as events, the volunteer id the standing ones give)."""
    logged = sorted(
        (e for e in req.events if e.data and "assigned_to" in e.data), key=lambda e: e.id or 0
    )
    if not logged:
        return False, None
    gone = retracted_ids(req)
    value = logged[0].data.get("assigned_from")
    for e in logged:
        if e.id not in gone:
            value = e.data["assigned_to"]
    return True, value


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
