"""Reminders against the database: snapshots of requests, user reminders, delivery claims.

The rules are foi.reminders.due (pure). This module turns requests into snapshots, and
claims deliveries with INSERT … ON CONFLICT DO NOTHING on (request, kind, period): a
reminder claimed by one process (the daemon, `foi remind run`, or two at once on
PostgreSQL) is never returned to another. Never commits, never prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from foi.casework.requests import (
    calendar,
    clocks,
    delivery_failure,
    find_request,
    get_volunteer,
)
from foi.errors import UsageError
from foi.law.holidays import HolidaySet
from foi.law.timeline import Status
from foi.reminders.due import (
    Reminder,
    RequestSnapshot,
    UserReminderSnapshot,
    due_reminders,
    upcoming,
)
from foi.store.models import Campaign, ReminderDelivery, Request, UserReminder, Volunteer

LONDON = ZoneInfo("Europe/London")


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


def snapshots(
    session: Session,
    holidays: HolidaySet,
    *,
    default_assignee: str | None = None,
    assignee: str | None = None,
) -> list[RequestSnapshot]:
    """Every sent request as the reminder rules see it."""
    stmt = (
        select(Request)
        .where(Request.status != Status.DRAFT.value)
        .options(
            selectinload(Request.events),
            selectinload(Request.body),
            selectinload(Request.assignee),
            selectinload(Request.campaign).selectinload(Campaign.default_assignee),
        )
    )
    out = []
    fallback = _default(session, default_assignee)
    for req in session.scalars(stmt):
        name, email = _recipient(req, fallback)
        if assignee and name != assignee:
            continue
        chased = [e.on for e in req.events if e.kind == "chased"]
        ico = [e.on for e in req.events if e.kind == "ico-complaint"]
        failed = delivery_failure(req)
        out.append(
            RequestSnapshot(
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
            )
        )
    return out


def user_snapshots(
    session: Session, *, default_assignee: str | None = None, assignee: str | None = None
) -> list[UserReminderSnapshot]:
    """The volunteers' own dated reminders."""
    out = []
    fallback = _default(session, default_assignee)
    stmt = select(UserReminder).options(selectinload(UserReminder.request))
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
    """Reminders that have fired and have not been delivered yet."""
    snaps = snapshots(session, holidays, default_assignee=default_assignee, assignee=assignee)
    users = user_snapshots(session, default_assignee=default_assignee, assignee=assignee)
    by_key = {f"{u.id}:{u.on.isoformat()}": u for u in users}
    due = due_reminders(snaps, users, today, due_soon_days=due_soon_days)
    delivered = set(
        session.execute(
            select(Request.reference, ReminderDelivery.kind, ReminderDelivery.period_key).join(
                Request, Request.id == ReminderDelivery.request_id
            )
        )
    )
    return [
        r
        for r in due
        if (r.reference, r.kind, r.period_key) not in delivered
        and _not_before_its_time(r, by_key, today, now)
    ]


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
