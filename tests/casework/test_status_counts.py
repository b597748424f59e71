"""`foi status` counts with COUNT queries what the old row-by-row count found, every day."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from foi.casework.requests import working_days_left
from foi.casework.status import status_counts
from foi.casework.user_holidays import holiday_set
from foi.store.engine import make_engine, resolve_url, session_scope
from foi.store.models import Request
from tests.reminders.test_next_reminder import _make_requests


def _by_rows(s, today: date, hs, days: int) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    running = list(s.scalars(select(Request).where(Request.due_on.is_not(None))))
    overdue = [r for r in running if r.due_on < today]
    very = [r for r in overdue if r.very_overdue_on and r.very_overdue_on < today]
    soon = [
        r for r in running if r.due_on >= today and (working_days_left(r, today, hs) or 0) <= days
    ]
    return len(overdue), len(very), len(soon)


def test_counts_equal_the_row_by_row_count(foi, db_url: str) -> None:
    assert foi("init", db=db_url).exit_code == 0
    engine = make_engine(resolve_url(db_url))
    try:
        _make_requests(engine)
        with session_scope(engine) as s:
            hs = holiday_set(s)
            day = date(2025, 12, 20)
            seen = set()
            while day < date(2026, 5, 1):
                for days in (0, 3, 10, 40):
                    c = status_counts(s, today=day, holidays=hs, due_soon_days=days)
                    want = _by_rows(s, day, hs, days)
                    assert (c.overdue, c.very_overdue, c.due_soon) == want, (day, days)
                    seen.add(want)
                day += timedelta(days=3)
            assert len(seen) > 10  # the counts really varied
    finally:
        engine.dispose()
