"""Reminders against the database: snapshots of requests, user reminders, delivery claims.

The rules are foi.reminders.due (pure). This module turns requests into snapshots, and
claims deliveries with INSERT … ON CONFLICT DO NOTHING on (request, kind, period): a
reminder claimed by one process (the daemon, `foi remind run`, or two at once on
PostgreSQL) is never returned to another. Never commits, never prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from foi.casework.requests import (
    active_events,
    calendar,
    clocks,
    delivery_failure,
    find_request,
    get_volunteer,
    next_reminder_on,
)
from foi.errors import UsageError
from foi.law.holidays import HolidaySet
from foi.law.timeline import Status
from foi.reminders.due import (
    Reminder,
    RequestSnapshot,
    UserReminderSnapshot,
    due_reminders,
    due_user_reminders,
    most_urgent_first,
    upcoming,
)
from foi.reminders.quiet import SETTLED_KEY
from foi.store.models import Campaign, Meta, ReminderDelivery, Request, UserReminder, Volunteer

LONDON = ZoneInfo("Europe/London")
# The day of the last delivery pass that moved the cached next_reminder_on dates on, and the
# due-soon setting it used: "2026-11-27 3" (foi.reminders.quiet reads it without the ORM).
_CHUNK = 1000  # requests loaded at a time, so memory stays flat at any size


def _default(session: Session, default: str | None) -> tuple[str | None, str | None]:
    """The fallback recipient: an email address, or a volunteer's name (with their email)."""
    if not default:
        return None, None
    if "@" in default:
        return default, default
    vol = session.scalar(select(Volunteer).where(Volunteer.name == default))
    return default, vol.email if vol is not None else None


def _recipient(
    req: Request, default: tuple[str | None, str | None]
) -> tuple[str | None, str | None]:
    """Who is reminded about a request: its volunteer, the campaign's, or the default."""
    vol = req.assignee
    if vol is None and req.campaign is not None:
        vol = req.campaign.default_assignee
    if vol is not None:
        return vol.name, vol.email
    return default


def _snapshot_options() -> tuple[Any, ...]:
    return (
        selectinload(Request.events),
        selectinload(Request.body),
        selectinload(Request.assignee),
        selectinload(Request.campaign).selectinload(Campaign.default_assignee),
    )


def _snapshot(
    req: Request, holidays: HolidaySet, fallback: tuple[str | None, str | None]
) -> RequestSnapshot:
    name, email = _recipient(req, fallback)
    chased = [e.on for e in active_events(req) if e.kind == "chased"]
    ico = [e.on for e in active_events(req) if e.kind == "ico-complaint"]
    failed = delivery_failure(req)
    decided = [e for e in active_events(req) if e.kind == "ico-decision"]
    return RequestSnapshot(
        reference=req.reference,
        title=req.title,
        body_name=req.body.name,
        regime=req.regime,
        status=req.status,
        clocks=clocks(req, holidays),
        calendar=calendar(req, holidays),
        assignee=name,
        assignee_email=email,
        last_chased_on=max(chased) if chased else None,
        resolution=req.resolution,
        ico_complaint_on=min(ico) if ico else None,
        delivery_failed_on=failed[0] if failed else None,
        delivery_failure=failed[1] if failed else None,
        ico_decision_on=decided[-1].on if decided else None,
        ico_decision_outcome=decided[-1].outcome if decided else None,
    )


def snapshots(
    session: Session,
    holidays: HolidaySet,
    *,
    default_assignee: str | None = None,
    assignee: str | None = None,
) -> list[RequestSnapshot]:
    """Every sent request as the reminder rules see it."""
    stmt = select(Request).where(Request.status != Status.DRAFT.value).options(*_snapshot_options())
    out = []
    fallback = _default(session, default_assignee)
    for req in session.scalars(stmt):
        snap = _snapshot(req, holidays, fallback)
        if assignee and snap.assignee != assignee:
            continue
        out.append(snap)
    return out


def user_snapshots(
    session: Session,
    *,
    default_assignee: str | None = None,
    assignee: str | None = None,
    until: date | None = None,
) -> list[UserReminderSnapshot]:
    """The volunteers' own dated reminders (those on or before `until`, when given)."""
    out = []
    fallback = _default(session, default_assignee)
    stmt = select(UserReminder).options(selectinload(UserReminder.request))
    if until is not None:
        stmt = stmt.where(UserReminder.on <= until)
    for u in session.scalars(stmt):
        req = u.request
        vol = session.get(Volunteer, u.assignee_id) if u.assignee_id else None
        name, email = (vol.name, vol.email) if vol else _recipient(req, fallback)
        if assignee and name != assignee:
            continue
        out.append(
            UserReminderSnapshot(
                id=u.id,
                reference=req.reference,
                on=u.on,
                at=u.at,
                note=u.note,
                assignee=name,
                assignee_email=email,
            )
        )
    return out


def _not_before_its_time(
    r: Reminder, users: dict[str, UserReminderSnapshot], today: date, now: datetime
) -> bool:
    """A user reminder with a time waits for that time (Europe/London) on its day."""
    if r.kind != "user":
        return True
    u = users.get(r.period_key)
    if u is None or not u.at or u.on < today:
        return True
    hh, mm = (int(x) for x in u.at.split(":"))
    return now.astimezone(LONDON).time() >= time(hh, mm)


def _settled(session: Session) -> tuple[date, int] | None:
    """The day and due-soon setting of the last pass that moved the cached dates on."""
    row = session.get(Meta, SETTLED_KEY)
    if row is None:
        return None
    day, days = row.value.split()
    return date.fromisoformat(day), int(days)


def pending(
    session: Session,
    holidays: HolidaySet,
    *,
    today: date,
    now: datetime,
    due_soon_days: int = 3,
    default_assignee: str | None = None,
    assignee: str | None = None,
) -> list[Reminder]:
    """Reminders that have fired and have not been delivered yet.

    Only requests whose cached ``next_reminder_on`` has come are looked at (an indexed
    query), a chunk at a time; each one looked at without a reminder left to deliver has its
    date moved on to the next day one can fire. Every sent request is looked at instead when
    `today` is before the last pass's day or the due-soon setting changed since (the cached
    dates are lower bounds only from that day on, for that setting).
    """
    settled = _settled(session)
    moves = assignee is None  # with a filter, not every request due is looked at
    fast = settled is None or (settled[0] <= today and settled[1] == due_soon_days)
    if settled is not None and settled[0] > today:
        moves = False
    stmt = select(Request.id).where(Request.status != Status.DRAFT.value)
    if fast:
        stmt = stmt.where(Request.next_reminder_on <= today)
    ids = list(session.scalars(stmt.order_by(Request.id)))
    users = user_snapshots(
        session, default_assignee=default_assignee, assignee=assignee, until=today
    )
    by_key = {f"{u.id}:{u.on.isoformat()}": u for u in users}
    user_refs = {u.reference for u in users}
    fallback = _default(session, default_assignee)
    out: list[Reminder] = []
    named: list[RequestSnapshot] = []  # for the user reminders' wording
    updates: list[dict[str, Any]] = []
    chunks = [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]
    if user_refs:
        chunks.append(
            list(
                session.scalars(
                    select(Request.id).where(
                        Request.reference.in_(user_refs), Request.status != Status.DRAFT.value
                    )
                )
            )
        )
    seen: set[int] = set()
    for chunk in chunks:
        delivered = set(
            session.execute(
                select(
                    ReminderDelivery.request_id, ReminderDelivery.kind, ReminderDelivery.period_key
                ).where(ReminderDelivery.request_id.in_(chunk))
            )
        )
        reqs = session.scalars(
            select(Request).where(Request.id.in_(chunk)).options(*_snapshot_options())
        )
        for req in reqs:
            snap = _snapshot(req, holidays, fallback)
            if assignee and snap.assignee != assignee:
                continue
            if snap.reference in user_refs:
                named.append(snap)
            if req.id in seen:
                continue
            seen.add(req.id)
            left = [
                r
                for r in due_reminders([snap], [], today, due_soon_days=due_soon_days)
                if (req.id, r.kind, r.period_key) not in delivered
            ]
            out.extend(left)
            if moves and not left:
                after = next_reminder_on(
                    req.status,
                    req.resolution,
                    snap.clocks,
                    snap.calendar,
                    [(e.kind, e.on) for e in active_events(req)],
                    after=today,
                    due_soon_days=due_soon_days,
                    delivery_failed_on=snap.delivery_failed_on,
                    ico_decision=(snap.ico_decision_on, snap.ico_decision_outcome)
                    if snap.ico_decision_on
                    else None,
                )
                if after != req.next_reminder_on:
                    updates.append({"id": req.id, "next_reminder_on": after})
    if users:
        delivered_users = set(
            session.execute(
                select(Request.reference, ReminderDelivery.kind, ReminderDelivery.period_key)
                .join(Request, Request.id == ReminderDelivery.request_id)
                .where(Request.reference.in_(user_refs), ReminderDelivery.kind == "user")
            )
        )
        out.extend(
            r
            for r in due_user_reminders(users, named, today)
            if (r.reference, r.kind, r.period_key) not in delivered_users
            and _not_before_its_time(r, by_key, today, now)
        )
    if moves:
        if updates:
            session.execute(update(Request), updates)
        row = session.get(Meta, SETTLED_KEY)
        value = f"{max(today, settled[0]) if settled else today} {due_soon_days}"
        if row is None:
            session.add(Meta(key=SETTLED_KEY, value=value))
        else:
            row.value = value
    return most_urgent_first(out)


def coming(
    session: Session,
    holidays: HolidaySet,
    *,
    today: date,
    horizon: int = 20,
    due_soon_days: int = 3,
    default_assignee: str | None = None,
    assignee: str | None = None,
) -> list[Reminder]:
    """Reminders that will fire within `horizon` working days."""
    snaps = snapshots(session, holidays, default_assignee=default_assignee, assignee=assignee)
    users = user_snapshots(session, default_assignee=default_assignee, assignee=assignee)
    return upcoming(snaps, users, today, horizon, due_soon_days=due_soon_days)


def claim(
    session: Session, reminders: Sequence[Reminder], *, channel: str, now: datetime
) -> list[Reminder]:
    """Record deliveries; return only the reminders this call claimed (never another's)."""
    if not reminders:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    refs = {r.reference for r in reminders}
    ids = dict(
        session.execute(
            select(Request.reference, Request.id).where(Request.reference.in_(refs))
        ).all()
    )
    won = []
    for r in reminders:
        stmt = (
            insert(ReminderDelivery)
            .values(
                request_id=ids[r.reference],
                kind=r.kind,
                period_key=r.period_key,
                fires_on=r.fires_on,
                recipient=r.assignee_email or r.assignee,
                channel=channel,
                delivered_at=now,
            )
            .on_conflict_do_nothing(index_elements=["request_id", "kind", "period_key"])
            .returning(ReminderDelivery.id)
        )
        if session.execute(stmt).scalar() is not None:
            won.append(r)
    return won


def add_user_reminder(
    session: Session,
    reference: str,
    *,
    on: date,
    note: str,
    at: str | None,
    assignee: str | None,
    today: date,
    now: datetime,
) -> UserReminder:
    """A volunteer's own dated reminder on a request."""
    req = find_request(session, reference)
    if on < today:
        raise UsageError(f"{on} is in the past: a reminder needs a date from today on")
    if at is not None:
        try:
            hh, mm = (int(x) for x in at.split(":"))
            time(hh, mm)
        except ValueError:
            raise UsageError(f"--at {at!r}: use HH:MM (24-hour, UK time)") from None
        at = f"{hh:02d}:{mm:02d}"
    if not note.strip():
        raise UsageError("a reminder needs a note saying what to do")
    vol = get_volunteer(session, assignee, now) if assignee else None
    u = UserReminder(
        request_id=req.id,
        on=on,
        at=at,
        note=note.strip(),
        assignee_id=vol.id if vol else None,
        created_at=now,
    )
    session.add(u)
    session.flush()
    return u
