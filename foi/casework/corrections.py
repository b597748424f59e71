"""Correcting the record: retracting an event logged by mistake, withdrawing a discarded draft.

The log stays append-only: a retraction is a 'retracted' event that points at the event it
withdraws, with the reason; both are kept and shown, and the derived state is recomputed as if
the retracted event had never been logged. Takes a session and the date; never commits.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from foi.casework.requests import LogEntry, active_events, log_event, refresh, timeline_events
from foi.errors import ConflictError, NotFoundError, UsageError
from foi.law.holidays import HolidaySet
from foi.law.timeline import EventKind, Status, TransitionError, fold
from foi.store.models import Event, Request


def retract_event(
    req: Request,
    event_id: int,
    reason: str,
    *,
    today: date,
    now: datetime,
    holidays: HolidaySet,
    recorded_by: str | None = None,
) -> Event:
    """Withdraw one event from the record with a reason; the request's state is recomputed."""
    reason = reason.strip()
    if not reason:
        raise UsageError("say why the event is retracted (--reason)")
    target = next((e for e in req.events if e.id == event_id), None)
    if target is None:
        ids = ", ".join(str(e.id) for e in active_events(req)) or "none"
        raise NotFoundError(f"{req.reference} has no event {event_id} (its events: {ids})")
    if target.kind == EventKind.DRAFTED:
        raise ConflictError(
            f"{req.reference}: 'drafted' cannot be retracted; withdraw the request instead"
        )
    if target.kind == EventKind.RETRACTED:
        raise ConflictError(f"{req.reference}: event {event_id} is itself a retraction")
    if target not in active_events(req):
        raise ConflictError(f"{req.reference}: event {event_id} is already retracted")
    remaining = [t for t in timeline_events(req) if t.seq != target.id]
    try:
        fold(remaining)
    except TransitionError as exc:
        raise ConflictError(
            f"{req.reference}: retracting event {event_id} ({target.kind} on {target.on}) "
            f"leaves a log that cannot have happened ({exc}): retract the later events first"
        ) from None
    event = Event(
        kind=EventKind.RETRACTED.value,
        on=today,
        recorded_at=now,
        note=reason,
        data={"retracts": target.id, "kind": target.kind, "on": target.on.isoformat()},
        recorded_by=recorded_by,
    )
    req.events.append(event)
    req.updated_at = now
    if target.kind in (EventKind.SENT, EventKind.RESENT) and target.letter_id is None:
        # The letter 'foi request log … sent' marked as sent by hand did not go after all.
        # (A letter foi itself sent by SMTP stays sent: it is never sent twice.)
        for lt in req.letters:
            if lt.state == "sent" and lt.sent_at == target.recorded_at:
                lt.state, lt.sent_at = "draft", None
    refresh(req, holidays)
    return event


def withdraw_discarded(
    session: Session, req: Request, *, today: date, now: datetime, holidays: HolidaySet
) -> bool:
    """A draft whose letters were all discarded is withdrawn, so it no longer counts as a draft."""
    if req.status != Status.DRAFT.value:
        return False
    if any(lt.state not in ("cancelled",) for lt in req.letters):
        return False
    log_event(
        session,
        req,
        LogEntry(kind="withdrawn", on=today, note="its draft letter was discarded"),
        today=today,
        now=now,
        holidays=holidays,
    )
    return True
