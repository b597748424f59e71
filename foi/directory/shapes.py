"""What a body's rows say, and its --json shape: open or closed, best email, SIM status.

These rules read attributes only, so they serve the ORM's `foi.store.models.Body` (for the
commands that change bodies) and the records `foi.directory.listing` reads with Core (for
`foi body list`) alike: a body has the columns of the `bodies` table, `successor` (with a
`name`) or None, and `aliases`, `tags`, `contacts` and `evidence` as lists of rows with the
columns of their tables. Imports no database code; never prints.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Protocol


class Dated(Protocol):
    """A body's lifetime: open from `opened_on` (if known) until `closed_on` (if any)."""

    opened_on: date | None
    closed_on: date | None


class ContactLike(Protocol):
    """What foi_email ranks: a row of the `contacts` table."""

    id: int | None
    purpose: str
    channel: str
    address: str
    confidence: str
    confirmed_on: date | None
    seen_on: date | None
    failing_since: date | None
    source: str | None


class EvidenceLike(Protocol):
    """What sim_status orders: a row of the `evidence` table."""

    id: int | None
    on: date | None
    recorded_at: datetime


def body_status(body: Dated, today: date) -> str:
    """'open', 'closed' (with a close date on or before today) or 'not-yet-open'."""
    if body.closed_on is not None and body.closed_on <= today:
        return "closed"
    if body.opened_on is not None and body.opened_on > today:
        return "not-yet-open"
    return "open"


def last_seen(contact: Any) -> date | None:
    """The latest date an address is known to have been in use: confirmed or seen."""
    dates = [d for d in (contact.confirmed_on, getattr(contact, "seen_on", None)) if d]
    return max(dates) if dates else None


STALE_AFTER_DAYS = 365  # an address not confirmed or seen for a year may have moved


def contact_doubt(contact: Any, today: date) -> str | None:
    """Why an address in use may be wrong, naming its source and date; None if fresh.

    Unconfirmed (a third-party source, or one the source itself calls stale), not dated at
    all, or last confirmed or seen more than a year ago.
    """
    last = last_seen(contact)
    source = contact.source or "no source recorded"
    when = f"seen {last.isoformat()}" if last else "date not recorded"
    if contact.confidence != "confirmed":
        return f"{contact.address} is unconfirmed ({when}; source: {source})"
    if last is None:
        return f"{contact.address}: when it was confirmed is not recorded (source: {source})"
    if (today - last).days > STALE_AFTER_DAYS:
        return f"{contact.address} was last confirmed or seen on {last} (source: {source})"
    return None


def foi_email(body: Any, purpose: str = "foi") -> Any:
    """The best email contact for a purpose: not failing, confirmed first, newest date.

    `body.contacts` holds `ContactLike` rows; the one returned is one of them (or None).
    """
    emails = [c for c in body.contacts if c.channel == "email" and c.purpose == purpose]
    if not emails:
        return None
    rank = {"confirmed": 0, "unconfirmed": 1}
    emails.sort(
        key=lambda c: (
            c.failing_since is not None,
            rank.get(c.confidence, 2),
            -(last_seen(c) or date.min).toordinal(),
            -(c.id or 10**9),  # on a tie, the address added last is the correction
        )
    )
    return emails[0]


def route_contact(body: Any, purpose: str = "foi") -> tuple[str, Any, str | None]:
    """How a letter reaches the body: (route, the contact row or None, address).

    Email first (the best one for the purpose, else its FOI one), then a web form, then a
    postal contact, then the body's own postal address; ("none", None, None) otherwise.
    """
    email = foi_email(body, purpose) or (foi_email(body, "foi") if purpose != "foi" else None)
    if email is not None:
        return "email", email, email.address
    for channel in ("web-form", "post"):
        found = [c for c in body.contacts if c.channel == channel]
        if found:
            best = max(found, key=lambda c: (c.confidence == "confirmed", last_seen(c) or date.min))
            return channel, best, best.address
    if body.postal_address:
        return "post", None, body.postal_address
    return "none", None, None


def sim_status(body: Any) -> Any:
    """The body's SIM status is its newest evidence (by date, then by when it was recorded).

    `body.evidence` holds `EvidenceLike` rows; the one returned is one of them (or None).
    """
    if not body.evidence:
        return None
    return max(body.evidence, key=lambda e: (e.on or date.min, e.recorded_at, e.id or 0))


def normalised(text: str) -> str:
    """A name folded for matching: lower case, runs of anything else one space."""
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def as_dict(body: Any, today: date) -> dict[str, Any]:
    """The stable JSON shape of a body (`foi body list --json`, `foi body show --json`)."""
    email = foi_email(body)
    sim = sim_status(body)
    return {
        "name": body.name,
        "key": body.key,
        "kind": body.kind,
        "ods_code": body.ods_code,
        "police_id": body.police_id,
        "wdtk_url_name": body.wdtk_url_name,
        "region": body.region,
        "nation": body.nation,
        "status": body_status(body, today),
        "opened_on": body.opened_on.isoformat() if body.opened_on else None,
        "closed_on": body.closed_on.isoformat() if body.closed_on else None,
        "successor": body.successor.name if body.successor else None,
        "foi_subject": body.foi_subject,
        "regime": body.regime,
        "email": email.address if email else None,
        "email_confidence": email.confidence if email else None,
        "aliases": [a.alias for a in body.aliases],
        "tags": [t.tag for t in body.tags],
        "home_page": body.home_page,
        "phone": body.phone,
        "postal_address": body.postal_address,
        "contacts": [
            {
                "purpose": c.purpose,
                "channel": c.channel,
                "address": c.address,
                "source": c.source,
                "confirmed_on": c.confirmed_on.isoformat() if c.confirmed_on else None,
                "seen_on": c.seen_on.isoformat() if c.seen_on else None,
                "confidence": c.confidence,
                "quote": c.quote,
                "doubt": contact_doubt(c, today),
                "failing_since": c.failing_since.isoformat() if c.failing_since else None,
            }
            for c in body.contacts
        ],
        "sim_status": sim.status if sim else None,
        "evidence": [
            {
                "id": e.id,
                "status": e.status,
                "on": e.on.isoformat() if e.on else None,
                "period": e.period,
                "source": e.source,
                "note": e.note,
                "quote": e.quote,
                "page": e.page,
                "local_name": e.local_name,
                "confidence": e.confidence,
            }
            for e in sorted(
                body.evidence, key=lambda e: (e.on or date.min, e.recorded_at), reverse=True
            )
        ],
        "source": body.source,
        "notes": body.notes,
    }
