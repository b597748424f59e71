"""Whether a delivery pass has anything to look at, read from the tables (no ORM).

`foi remind run` from cron, or the daemon, finds nothing due on most passes. This answers
that case with a few indexed queries, before anything loads the ORM: nothing is due when
the cached ``next_reminder_on`` of every sent request is still ahead (and was settled for
this due-soon setting on or before today), and every volunteer's own reminder that has come
has been delivered. Whenever it cannot be sure, it says so, and the full pass
(``foi.reminders.store.pending``) decides. Takes a connection or session; never commits.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select, update

from foi.store import tables

if TYPE_CHECKING:
    from foi.store.engine import Db

SETTLED_KEY = "reminders_settled_on"  # the day and due-soon setting of the last full pass


def settled(db: Db) -> tuple[date, int] | None:
    """The day and due-soon setting of the last pass that moved the cached dates on."""
    m = tables.meta.c
    value = db.execute(select(m.value).where(m.key == SETTLED_KEY)).scalar()
    if value is None:
        return None
    day, days = str(value).split()
    return date.fromisoformat(day), int(days)


def nothing_due(db: Db, *, today: date, due_soon_days: int) -> bool:
    """True only when a full pass would deliver nothing and move no request's date.

    When it is true, the pass's own bookkeeping is done here as the full pass would do it
    (the settled day moves on to today).
    """
    last = settled(db)
    if last is not None and (last[0] > today or last[1] != due_soon_days):
        return False  # the cached dates are not lower bounds for this day or setting
    r = tables.requests.c
    waiting = db.execute(
        select(func.count())
        .select_from(tables.requests)
        .where(r.status != "draft", r.next_reminder_on <= today)
    ).scalar()
    if waiting:
        return False
    u, d = tables.user_reminders.c, tables.reminder_deliveries.c
    come = db.execute(select(u.id, u.on, u.request_id).where(u.on <= today)).all()
    if come:
        delivered = set(
            db.execute(
                select(d.request_id, d.period_key).where(
                    d.kind == "user", d.request_id.in_({x.request_id for x in come})
                )
            ).all()
        )
        if any((x.request_id, f"{x.id}:{x.on}") not in delivered for x in come):
            return False
    m = tables.meta
    value = f"{today} {due_soon_days}"
    if last is None:
        db.execute(insert(m).values(key=SETTLED_KEY, value=value))
    elif last[0] < today:
        db.execute(update(m).where(m.c.key == SETTLED_KEY).values(value=value))
    return True
