"""The counts behind `foi status`: COUNT queries on indexed columns, no rows loaded.

Takes a session, today's date and the holiday set from the caller; never commits.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from foi.law.calendars import calendar_for
from foi.law.holidays import HolidaySet
from foi.law.regimes import Regime
from foi.store import tables
from foi.store.engine import flush

if TYPE_CHECKING:
    from foi.store.engine import Db


@dataclass
class StatusCounts:
    """What `foi status` reports; as_dict() is its --json shape, in this order."""

    overdue: int
    very_overdue: int
    due_soon: int
    needs_classification: int
    held_messages: int
    drafts: int
    delivery_failed: int
    mailbox_read_at: datetime | None  # when `foi inbox fetch` last read the mailbox (UTC)
    # Letters waiting on requests already sent (chasers, reviews, clarifications), and every
    # unsent letter that goes by post or web form: drafts a volunteer still has to send.
    follow_ups_waiting: int = 0
    by_hand_waiting: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape."""
        data = asdict(self)
        data["mailbox_read_at"] = self.mailbox_read_at.isoformat() if self.mailbox_read_at else None
        return data


# Core tables, not ORM entities: counting never imports or configures the mappers.
_REQUESTS = tables.requests.c
_INBOX = tables.inbox.c
_LETTERS = tables.letters.c
_UNSENT = ("draft", "failed", "written")


def _count(session: Db, *where: Any, table: Any = tables.requests) -> int:
    return int(session.scalar(select(func.count()).select_from(table).where(*where)) or 0)


def due_soon_count(session: Db, *, today: date, holidays: HolidaySet, days: int) -> int:
    """Requests due from today to `days` working days ahead, each on its regime's calendar."""
    # N working days never span more than 2N + 30 calendar days (weekends, and at most a
    # few holidays in a row), so the few (regime, due date) groups inside that window are
    # checked exactly, each on its own calendar (built only for the regimes found).
    horizon = today + timedelta(days=2 * days + 30)
    groups = session.execute(
        select(_REQUESTS.regime, _REQUESTS.due_on, func.count())
        .where(_REQUESTS.due_on >= today, _REQUESTS.due_on <= horizon)
        .group_by(_REQUESTS.regime, _REQUESTS.due_on)
    )
    return sum(
        n
        for regime, due_on, n in groups
        if calendar_for(Regime(regime), holidays).working_days_between(today, due_on) <= days
    )


def status_counts(
    session: Db, *, today: date, holidays: HolidaySet, due_soon_days: int
) -> StatusCounts:
    """Overdue, very overdue, due soon, to classify, held messages, drafts, bounced requests."""
    flush(session)  # Core queries do not autoflush; a no-op unless the caller changed rows
    return StatusCounts(
        overdue=_count(session, _REQUESTS.due_on < today),
        very_overdue=_count(session, _REQUESTS.due_on < today, _REQUESTS.very_overdue_on < today),
        due_soon=due_soon_count(session, today=today, holidays=holidays, days=due_soon_days),
        needs_classification=_count(session, _REQUESTS.status == "needs-classification"),
        held_messages=_count(session, _INBOX.state == "held", table=tables.inbox),
        drafts=_count(session, _REQUESTS.status == "draft"),
        delivery_failed=_count(session, _REQUESTS.status == "delivery-failed"),
        mailbox_read_at=session.scalar(select(func.max(tables.imap_folders.c.last_read_at))),
        follow_ups_waiting=_count(
            session,
            _LETTERS.state.in_(_UNSENT),
            _LETTERS.purpose.not_in(("request", "sar")),
            table=tables.letters,
        ),
        by_hand_waiting=_count(
            session,
            _LETTERS.state.in_(_UNSENT),
            _LETTERS.route.in_(("post", "web-form")),
            table=tables.letters,
        ),
    )
