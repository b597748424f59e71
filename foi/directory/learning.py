"""Learning from mail: which addresses a body writes from, and which of ours bounced.

A reply's sender becomes a contact of the body seen on that day (added with confidence
'seen' when new, so it never silently outranks an address the directory holds); a bounce
marks the failed address failing since that day. Both are kept, dated, in the contact's
history (`contact_events`), which `foi body show` prints. Takes a session and dates from the
caller; never commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from foi.store.models import Body, Contact, ContactEvent
from foi.store.rows import insert_stored

# A sender we learned from mail: below 'confirmed' and 'unconfirmed' in foi_email's ranking,
# so the directory's own address stays the one new requests go to.
SEEN = "seen"


_INSERT_EVENT = insert(ContactEvent.__table__)


def _event(
    session: Session,
    contact: Contact,
    kind: str,
    on: date,
    now: datetime,
    *,
    inbox_id: int | None = None,
    request_id: int | None = None,
    note: str | None = None,
) -> None:
    """Append to the contact's history: its row written at once (Core; nothing in this
    transaction reads it back as an object)."""
    if contact.id is None:
        session.flush()
    session.connection().execute(
        _INSERT_EVENT,
        {
            "contact_id": contact.id,
            "on": on,
            "kind": kind,
            "inbox_id": inbox_id,
            "request_id": request_id,
            "note": (note or None) and note[:500],
            "recorded_at": now,
        },
    )


def learn_sender(
    session: Session,
    body: Body,
    address: str,
    on: date,
    now: datetime,
    *,
    inbox_id: int | None = None,
    request_id: int | None = None,
    purpose: str = "foi",
    fresh: bool = False,
) -> Contact:
    """Record that the body wrote from `address` on `on` (adding it as a seen contact if new).

    `fresh`: the message `inbox_id` is new in this transaction, so no event names it yet.

    A failing address the body writes from again is working: its failure is cleared, and
    the history says so.
    """
    address = address.strip()
    wanted = address.lower()
    contact = next(
        (
            c
            for c in body.contacts
            if c.channel == "email" and c.address.lower() == wanted and c.purpose == purpose
        ),
        None,
    )
    note = None
    if contact is None:
        contact = Contact(
            purpose=purpose,
            channel="email",
            address=address,
            source=f"the body wrote from it on {on.isoformat()}",
            confidence=SEEN,
            created_at=now,
        )
        if body.id is not None:
            # Its row written at once (Core), with no flush of the session for its id.
            contact.body_id = body.id
            insert_stored(session, contact)
            set_committed_value(contact, "body", body)
            set_committed_value(body, "contacts", [*body.contacts, contact])
        else:
            body.contacts.append(contact)
        note = "new address learned from a reply"
    elif contact.failing_since is not None and contact.failing_since <= on:
        note = f"was failing since {contact.failing_since.isoformat()}: it works again"
        contact.failing_since, contact.failure = None, None
    elif inbox_id is not None and not fresh and _already(session, contact, "seen", inbox_id):
        return contact  # the same message classified again: nothing new learned
    _event(session, contact, "seen", on, now, inbox_id=inbox_id, request_id=request_id, note=note)
    return contact


def _already(session: Session, contact: Contact, kind: str, inbox_id: int) -> bool:
    if contact.id is None:
        return False
    return (
        session.scalar(
            select(ContactEvent.id)
            .where(
                ContactEvent.contact_id == contact.id,
                ContactEvent.kind == kind,
                ContactEvent.inbox_id == inbox_id,
            )
            .limit(1)
        )
        is not None
    )


def mark_failing(
    session: Session,
    body: Body,
    addresses: Iterable[str],
    on: date,
    now: datetime,
    reason: str,
    *,
    inbox_id: int | None = None,
    request_id: int | None = None,
) -> list[Contact]:
    """Mark the body's email contacts at these addresses failing since `on`, with the reason."""
    wanted = {a.strip().lower() for a in addresses if a}
    marked = []
    for contact in body.contacts:
        if contact.channel == "email" and contact.address.lower() in wanted:
            if inbox_id is not None and _already(session, contact, "failing", inbox_id):
                continue
            contact.failing_since = contact.failing_since or on
            contact.failure = reason[:500]
            _event(
                session,
                contact,
                "failing",
                on,
                now,
                inbox_id=inbox_id,
                request_id=request_id,
                note=reason,
            )
            marked.append(contact)
    return marked


def history(session: Session, body: Body) -> dict[int, list[ContactEvent]]:
    """Each of the body's contacts' history, oldest first, by contact id."""
    ids = [c.id for c in body.contacts if c.id is not None]
    found: dict[int, list[ContactEvent]] = {}
    if not ids:
        return found
    for ev in session.scalars(
        select(ContactEvent)
        .where(ContactEvent.contact_id.in_(ids))
        .order_by(ContactEvent.on, ContactEvent.id)
    ):
        found.setdefault(ev.contact_id, []).append(ev)
    return found
