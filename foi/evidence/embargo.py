"""Holding requests and bodies back from publication (an embargo, as MuckRock has).

A request is held while it, or the body it went to, is marked held and the hold has not run
out: `held_until` is the first day it may be published again; without one it is held until
released. Held requests are left out of the findings at the source (foi.evidence.findings), so
no page, export or statistic shows them; the site says only how many there are. Takes a
session and `today`; never commits.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select

from foi.errors import UsageError
from foi.store import tables

if TYPE_CHECKING:
    from foi.store.engine import Db


def _holding(table: Any, today: date) -> Any:
    return and_(
        table.c.held.is_(True),
        or_(table.c.held_until.is_(None), table.c.held_until > today),
    )


def held_clause(today: date) -> Any:
    """A condition on `requests` (joined to `bodies`): true for a request held back today."""
    return or_(_holding(tables.requests, today), _holding(tables.bodies, today))


def count_held(session: Db, campaign_id: int, today: date, *, kind: str | None = None) -> int:
    """How many of the campaign's sent, non-SAR requests are held back today."""
    r, b = tables.requests, tables.bodies
    stmt = (
        select(func.count())
        .select_from(r.join(b, r.c.body_id == b.c.id))
        .where(
            r.c.campaign_id == campaign_id,
            r.c.regime != "sar",
            r.c.sent_on.is_not(None),
            held_clause(today),
        )
    )
    if kind:
        stmt = stmt.where(b.c.kind == kind)
    return int(session.scalar(stmt) or 0)


def hold(target: Any, until: date | None, today: date) -> None:
    """Hold a request or body back from publication, until `until` (or until released)."""
    if until is not None and until <= today:
        raise UsageError(
            f"--hold-until {until.isoformat()} is not after today: give a later date, "
            "or leave it out to hold until released"
        )
    target.held, target.held_until = True, until


def release(target: Any) -> None:
    """Let a held request or body be published again."""
    target.held, target.held_until = False, None


def hold_state(target: Any, today: date) -> str:
    """'held until DATE', 'held until released', or "not held" (none, or one that ran out)."""
    if not target.held or (target.held_until is not None and target.held_until <= today):
        return "not held"
    if target.held_until is None:
        return "held until released"
    return f"held until {target.held_until.isoformat()}"
