"""log_event(lean=True), as a mail import logs: the same rows and derived state as a flush."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from foi.casework.requests import LogEntry, NewRequest, create_request, log_event
from foi.casework.user_holidays import holiday_set
from foi.errors import ConflictError
from foi.store.engine import make_engine, resolve_url, session_scope
from foi.store.models import Body, Event, Request

START = date(2026, 1, 5)
# Same-day events too: their order is by id, which the lean path takes from its INSERT.
STORY = [
    ("sent", 0, None),
    ("acknowledged", 2, None),
    ("delivery-failed", 0, None),
    ("resent", 1, None),
    ("response-received", 20, None),
    ("fee-paid", 0, None),  # no fee was asked: refused by the state machine either way
    ("response", 0, "refused"),
    ("note", 0, None),
]
DERIVED = (
    "status",
    "resolution",
    "sent_on",
    "due_on",
    "due_clock",
    "very_overdue_on",
    "next_reminder_on",
    "authority_ref",
    "updated_at",
)


def _now(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9)


def _tell(engine, lean: bool) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """Create a request and log the story in one transaction; its reference and outcomes."""
    outcomes = []
    with session_scope(engine) as s:
        hs = holiday_set(s)
        body = s.scalars(select(Body).where(Body.foi_subject.is_(True)).order_by(Body.id)).first()
        assert body is not None
        req = create_request(
            s, NewRequest(body=body, title="t"), today=START, now=_now(START), holidays=hs
        )
        s.flush()
        day = START
        for kind, gap, outcome in STORY:
            day += timedelta(days=gap)
            entry = LogEntry(
                kind=kind,
                on=day,
                outcome=outcome,
                note=f"{kind} on {day}",
                data={"k": kind} if kind != "note" else None,  # no data: NULL either way
            )
            try:
                ev = log_event(s, req, entry, today=day, now=_now(day), holidays=hs, lean=lean)
            except ConflictError:
                outcomes.append("conflict")
                continue
            assert ev.id is not None  # the id is known at once, on both paths
            assert ev in req.events
            outcomes.append(f"{ev.kind} {req.status}")
        return req.reference, outcomes


def test_lean_logging_writes_what_a_flush_writes(foi, db_url: str) -> None:
    assert foi("init", db=db_url).exit_code == 0
    engine = make_engine(resolve_url(db_url))
    try:
        flushed, seen_flushed = _tell(engine, lean=False)
        lean, seen_lean = _tell(engine, lean=True)
        assert seen_lean == seen_flushed
        assert "conflict" in seen_lean and seen_lean[-1].startswith("note closed")
        with session_scope(engine) as s:
            a, b = (
                s.scalar(select(Request).where(Request.reference == r)) for r in (flushed, lean)
            )
            assert a is not None and b is not None
            assert [getattr(b, f) for f in DERIVED] == [getattr(a, f) for f in DERIVED]
            cols = [c for c in Event.__table__.c if c.key not in ("id", "request_id")]

            def rows(r: Request) -> list[tuple[object, ...]]:
                found = s.execute(
                    select(*cols).where(Event.request_id == r.id).order_by(Event.id)
                ).all()
                return [tuple(row) for row in found]

            assert rows(b) == rows(a)
            assert len(rows(b)) == 1 + len(STORY) - 1  # drafted, and each but the conflict
    finally:
        engine.dispose()
