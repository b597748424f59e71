"""The clock dates kept on each request, and the clock events they are worked out from.

What findings (``foi report``, ``foi publish``) read of a request's clocks: the date of
receipt (day 0 of the response clock), the response's effective due date (an extension's
promise included), and the days it was responded to and withdrawn. They are pure
derivations from the request's events (foi.law.deadlines.compute_clocks), stored in
`CLOCK_DATES` columns of its row: by foi.casework.requests.refresh with status and due_on,
by migration 0016 for requests made before it, and again when the holiday set changes
(`recompute`, from foi.casework.user_holidays.sync). Findings then count working days
between stored dates instead of replaying every request's events.

The event helpers take anything with an event's columns (`id`, `kind`, `on`, `promised_on`,
`data`): ORM events, Core rows or foi.evidence.findings.EventRow, so the casework, the
findings and the migration derive the clocks alike. No ORM here: read commands import it.
Takes a session or connection; never commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from foi.law.deadlines import ClockEvent, Clocks, Regime, calendar_for, compute_clocks
from foi.law.holidays import HolidaySet
from foi.law.timeline import OPEN_STATUSES, EventKind

if TYPE_CHECKING:
    from foi.store.engine import Db

E = TypeVar("E")

# The request's columns `clock_dates` fills, in this order.
CLOCK_DATES = ("received_on", "response_due_on", "responded_on", "withdrawn_on")

_BATCH = 2000


def retracted_ids_of(events: Iterable[Any]) -> set[int]:
    """The ids of events a later 'retracted' event withdrew from the record."""
    return {
        int(e.data["retracts"])
        for e in events
        if e.kind == EventKind.RETRACTED and e.data and e.data.get("retracts") is not None
    }


def standing(events: Sequence[E]) -> list[E]:
    """The events that count: neither retracted nor retractions (both stay in the log)."""
    gone = retracted_ids_of(events)
    return [e for e in events if e.kind != EventKind.RETRACTED and e.id not in gone]  # type: ignore[attr-defined]


def received_on(event: Any) -> date:
    """When the body received what this event records: a posted letter arrives later."""
    data = event.data or {}
    value = data.get("received_on")
    if value and event.kind in (EventKind.SENT, EventKind.RESENT):
        return date.fromisoformat(str(value))
    on: date = event.on
    return on


def clock_events_of(events: Sequence[Any]) -> list[ClockEvent]:
    """A request's events (in id order) as the deadline engine sees them, in order.

    The clock runs from the body's receipt (FOIA s.10(1)): a posted letter's 'sent' event
    counts from its received date, not our posting date.
    """
    kept = standing(events)
    # A receipt date corrected later ('note --received-on', issue 21) stands in for the one
    # the sent event recorded; retracting the correction brings the old one back.
    corrected = {
        int(e.data["corrects_receipt_of"]): date.fromisoformat(str(e.data["received_on"]))
        for e in kept
        if e.kind == EventKind.NOTE and e.data and e.data.get("corrects_receipt_of")
    }

    def got(e: Any) -> date:
        return corrected.get(e.id or 0) or received_on(e)

    ordered = sorted(kept, key=lambda e: (e.kind != EventKind.DRAFTED, got(e), e.id or 0))
    return [ClockEvent(kind=e.kind, on=got(e), promised_on=e.promised_on) for e in ordered]


def clocks_of(regime: str, events: Sequence[Any], holidays: HolidaySet) -> Clocks:
    """Every clock of a request under its regime, from its events (in id order)."""
    reg = Regime(regime)
    return compute_clocks(reg, clock_events_of(events), calendar_for(reg, holidays))


def clock_dates(c: Clocks) -> dict[str, date | None]:
    """The `CLOCK_DATES` columns of a request whose clocks are `c`."""
    return {
        "received_on": c.received,
        "response_due_on": c.effective_due,
        "responded_on": c.responded_on,
        "withdrawn_on": c.withdrawn_on,
    }


def recompute(session: Db, holidays: HolidaySet) -> int:
    """Work out again the clock dates of the requests `refresh` does not see when the holiday
    set changes (closed ones: foi.casework.requests.recompute_open refreshes the open ones);
    returns how many rows changed. Only the response's due date depends on the holidays, and
    only once the request was received."""
    from sqlalchemy import bindparam, select

    from foi.store import tables

    r, e = tables.requests.c, tables.events.c
    ids = list(
        session.execute(
            select(r.id)
            .where(r.status.not_in([s.value for s in OPEN_STATUSES]), r.received_on.is_not(None))
            .order_by(r.id)
        ).scalars()
    )
    changed = 0
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        events: dict[int, list[Any]] = {}
        for row in session.execute(
            select(e.request_id, e.id, e.kind, e.on, e.promised_on, e.data)
            .where(e.request_id.in_(chunk))
            .order_by(e.request_id, e.id)
        ):
            events.setdefault(row.request_id, []).append(row)
        values = []
        for row in session.execute(
            select(r.id, r.regime, *(r[name] for name in CLOCK_DATES)).where(r.id.in_(chunk))
        ):
            made = clock_dates(clocks_of(row.regime, events.get(row.id, []), holidays))
            if tuple(made.values()) != tuple(row[2:]):
                values.append({"rid": row.id, **{f"new_{k}": v for k, v in made.items()}})
        if values:
            session.execute(
                tables.requests.update()
                .where(r.id == bindparam("rid"))
                .values({name: bindparam(f"new_{name}") for name in CLOCK_DATES}),
                values,
            )
            changed += len(values)
    return changed
