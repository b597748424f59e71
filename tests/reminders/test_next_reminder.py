"""The cached next_reminder_on: a delivery pass that looks only at requests whose day has
come finds exactly what looking at every request finds, day after day, on both databases."""

from __future__ import annotations

import importlib.util
import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from foi.casework.requests import LogEntry, NewRequest, create_request, log_event, refresh
from foi.casework.user_holidays import holiday_set
from foi.reminders.due import due_reminders
from foi.reminders.quiet import nothing_due
from foi.reminders.store import add_user_reminder, claim, pending, snapshots, user_snapshots
from foi.store.engine import make_engine, resolve_url, session_scope
from foi.store.models import Body, ReminderDelivery, Request
from tests.conftest import REPO

START = date(2026, 1, 5)

# (kind, days after the previous event, outcome, promised days after)
STORIES: list[list[tuple[str, int, str | None, int | None]]] = [
    [("sent", 1, None, None)],
    [("sent", 3, None, None), ("chased", 35, None, None)],
    [("sent", 2, None, None), ("clarification-requested", 4, None, None)],
    [("sent", 2, None, None), ("fee-notice", 5, None, None)],
    [("sent", 1, None, None), ("extension", 15, None, 40)],
    [("sent", 1, None, None), ("response", 10, "refused", None)],
    [("sent", 1, None, None), ("response", 12, "partially-successful", None),
     ("internal-review-requested", 6, None, None)],
    [("sent", 4, None, None), ("response", 8, "successful", None)],
    [("sent", 1, None, None), ("ico-complaint", 50, None, None)],
    [("sent", 2, None, None), ("response-received", 15, None, None)],
    [],  # a draft
]  # fmt: skip


def _now(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9)


def _reference(s, hs, today: date, due_soon_days: int):  # type: ignore[no-untyped-def]
    """What the pass must return: every sent request looked at, minus what was delivered."""
    delivered = set(
        s.execute(
            select(Request.reference, ReminderDelivery.kind, ReminderDelivery.period_key).join(
                Request, Request.id == ReminderDelivery.request_id
            )
        )
    )
    due = due_reminders(snapshots(s, hs), user_snapshots(s), today, due_soon_days=due_soon_days)
    return [r for r in due if (r.reference, r.kind, r.period_key) not in delivered]


def _key(reminders):  # type: ignore[no-untyped-def]
    return [(r.reference, r.kind, r.period_key, r.fires_on, r.message) for r in reminders]


def _make_requests(engine) -> list[str]:  # type: ignore[no-untyped-def]
    refs = []
    with session_scope(engine) as s:
        hs = holiday_set(s)
        body = s.scalars(select(Body).where(Body.foi_subject.is_(True)).order_by(Body.id)).first()
        assert body is not None
        for i, story in enumerate(STORIES * 2):
            day = START + timedelta(days=i)
            req = create_request(
                s,
                NewRequest(body=body, title=f"request {i}"),
                today=day,
                now=_now(day),
                holidays=hs,
            )
            for kind, gap, outcome, promised in story:
                day += timedelta(days=gap)
                log_event(
                    s, req,
                    LogEntry(kind=kind, on=day, outcome=outcome,
                             promised_on=day + timedelta(days=promised) if promised else None),
                    today=day, now=_now(day), holidays=hs,
                )  # fmt: skip
            refs.append(req.reference)
    return refs


def test_a_pass_over_due_requests_equals_a_pass_over_all(foi, db_url: str) -> None:
    assert foi("init", db=db_url).exit_code == 0
    engine = make_engine(resolve_url(db_url))
    try:
        refs = _make_requests(engine)
        rng = random.Random(5)
        day, days, looked, quiet_days = START, 0, 0, 0
        while day < date(2026, 6, 30):
            due_soon = 5 if date(2026, 3, 2) <= day < date(2026, 3, 9) else 3
            with session_scope(engine) as s:
                hs = holiday_set(s)
                if day == date(2026, 2, 16):  # a reply comes in for one request
                    req = s.scalar(select(Request).where(Request.reference == refs[0]))
                    log_event(
                        s, req, LogEntry(kind="response", on=day, outcome="not-held"),
                        today=day, now=_now(day), holidays=hs,
                    )  # fmt: skip
                if day == date(2026, 2, 2):
                    add_user_reminder(
                        s, refs[3], on=date(2026, 2, 9), note="ring them", at=None,
                        assignee=None, today=day, now=_now(day),
                    )  # fmt: skip
                want = _reference(s, hs, day, due_soon)
                # Issue 24: the ORM-free answer for a quiet day never hides a due reminder.
                quiet = nothing_due(s, today=day, due_soon_days=due_soon)
                got = pending(s, hs, today=day, now=_now(day), due_soon_days=due_soon)
                assert _key(got) == _key(want), day
                assert not (quiet and got), day
                quiet_days += quiet
                if got and rng.random() < 0.7:  # some days nothing is delivered
                    claim(s, got, channel="print", now=_now(day))
                looked += len(got)
            if day == date(2026, 4, 1):  # someone runs a pass as of an earlier day
                with session_scope(engine) as s:
                    hs = holiday_set(s)
                    back = date(2026, 3, 20)
                    want = _reference(s, hs, back, 3)
                    assert _key(pending(s, hs, today=back, now=_now(back))) == _key(want)
            day += timedelta(days=1)
            days += 1
        assert looked > 20  # the ladders, windows and the user reminder all fired
        assert 10 < quiet_days < days  # quiet days were answered from the tables, busy ones not
        last = date(2026, 6, 30)
        for _ in range(2):  # deliver everything due, then a pass that moves every date on
            with session_scope(engine) as s:
                hs = holiday_set(s)
                claim(
                    s, pending(s, hs, today=last, now=_now(last)), channel="print", now=_now(last)
                )
        with session_scope(engine) as s:  # settled: no request is looked at until its day
            cached = [v for _, v in s.execute(select(Request.reference, Request.next_reminder_on))]
            assert all(v is None or v > last for v in cached)
    finally:
        engine.dispose()


def test_refresh_and_the_migration_backfill_agree(foi, db_url: str) -> None:
    assert foi("init", db=db_url).exit_code == 0
    engine = make_engine(resolve_url(db_url))
    try:
        _make_requests(engine)
        with session_scope(engine) as s:
            kept = {i: v for i, v in s.execute(select(Request.id, Request.next_reminder_on))}
            assert sum(1 for v in kept.values() if v is not None) >= 14
            s.execute(update(Request).values(next_reminder_on=None))
        path = REPO / "foi" / "store" / "migrations" / "versions" / "0006_next_reminder_on.py"
        spec = importlib.util.spec_from_file_location("rev0006", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with engine.begin() as conn:
            module._backfill(conn)
        with session_scope(engine) as s:
            filled = {i: v for i, v in s.execute(select(Request.id, Request.next_reminder_on))}
            assert filled == kept
            hs = holiday_set(s)
            for req in s.scalars(select(Request)):
                before = req.next_reminder_on
                refresh(req, hs)
                assert req.next_reminder_on == before
    finally:
        engine.dispose()
