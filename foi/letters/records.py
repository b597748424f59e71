"""Outgoing letters attached to requests: the request itself, chasers, reviews, complaints.

Creating and editing letters only; rendering is foi.letters.templates, sending is foi.letters.transport.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from foi.directory.bodies import contact_route
from foi.directory.shapes import contact_doubt
from foi.errors import UsageError
from foi.store.models import InboxMessage, Letter, Request

SENDABLE_ROUTES = ("email",)
# Letters that answer the body on a request it has written to us about: they go to the
# address it last wrote from (as WhatDoTheyKnow does), not the directory's.
FOLLOW_UPS = ("chaser", "internal-review", "clarification-reply")
_NO_REPLY = ("noreply", "no-reply", "donotreply", "do-not-reply", "mailer-daemon", "postmaster")


def last_wrote_from(req: Request) -> InboxMessage | None:
    """The body's latest real reply on this request whose sender can be answered, if any."""
    session = object_session(req)
    if session is None or req.id is None:
        return None
    failing = {c.address.lower() for c in req.body.contacts if c.failing_since is not None}
    replies = session.scalars(
        select(InboxMessage)
        .where(
            InboxMessage.request_id == req.id,
            InboxMessage.state == "matched",
            InboxMessage.kind == "reply",
            InboxMessage.from_addr.is_not(None),
        )
        .order_by(InboxMessage.sent_at.desc(), InboxMessage.id.desc())
    )
    for msg in replies:
        address = (msg.from_addr or "").strip()
        local = address.partition("@")[0].lower()
        if "@" in address and address.lower() not in failing and not local.startswith(_NO_REPLY):
            return msg
    return None


def follow_up_route(req: Request, purpose: str) -> tuple[str, str, str] | None:
    """(route, address, why) for a follow-up to where the body last wrote from, if it has."""
    if purpose not in FOLLOW_UPS:
        return None
    msg = last_wrote_from(req)
    if msg is None:
        return None
    when = msg.sent_at.date().isoformat() if msg.sent_at else "?"
    return (
        "email",
        msg.from_addr or "",
        (
            f"the address {req.body.name} last wrote from on this request "
            f"(inbox message {msg.id}, {when})"
        ),
    )


def route_reason(letter: Letter) -> str:
    """Why a letter goes where it goes, for the preview."""
    route, address, _reason = current_route(letter)
    if letter.addressed_by_hand:
        return "the address a volunteer named for this letter"
    found = follow_up_route(letter.request, letter.purpose)
    if found is not None and found[1] == address:
        return found[2]
    if route == "email" and letter.purpose not in ("ico-complaint",):
        if letter.purpose in FOLLOW_UPS:
            return "the directory's address (the body has not written from another on this request)"
        return "the directory's address"
    return route


def check_letter_text(text: str) -> str:
    """A letter's text with line ends made LF; refused if it holds a NUL or control character.

    PostgreSQL cannot store a NUL and a mail client would show the others as garbage, so
    both databases refuse them the same way, before anything is stored.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = next((ch for ch in text if ord(ch) < 32 and ch not in "\t\n\f"), None)
    if bad is not None:
        what = "a NUL character" if bad == "\x00" else f"a control character (U+{ord(bad):04X})"
        raise UsageError(f"the letter's text contains {what}: remove it and try again")
    return text


def attach_letter(
    session: Session,
    req: Request,
    *,
    subject: str,
    text: str,
    now: datetime,
    purpose: str = "request",
    template: str | None = None,
) -> Letter:
    """Add a draft letter to a request, addressed by the body's best route."""
    purpose_contact = "sar" if req.regime == "sar" else "foi"
    route, address, reason = contact_route(req.body, purpose_contact)
    reply = follow_up_route(req, purpose)
    if reply is not None:
        route, address, reason = reply[0], reply[1], None
    state = "draft"
    unsendable = None
    if req.wdtk_url and purpose == "request":
        route, address, state = "whatdotheyknow", req.wdtk_url, "unsendable"
        unsendable = "made through WhatDoTheyKnow"
    elif route == "none":
        state, unsendable = "unsendable", reason
    elif route != "email":
        unsendable = reason  # still a draft: it goes to the outbox as text to paste or post
    if purpose == "request" and req.regime == "sar":
        purpose = "sar"  # one person's data: never archived, always its own letter
    letter = Letter(
        addressed_by_hand=False,
        purpose=purpose,
        template=template,
        subject=" ".join(subject.split()),
        text=check_letter_text(text),
        route=route,
        to_addr=address,
        state=state,
        unsendable_reason=unsendable,
        created_at=now,
        attempts=0,
    )
    req.letters.append(letter)
    session.flush()
    return letter


def current_route(letter: Letter, resend: bool = False) -> tuple[str, str | None, str | None]:
    """Where a letter not yet sent (or to be resent) would go now: the directory may have
    been corrected."""
    if (
        (letter.state not in ("draft", "failed", "written", "unsendable") and not resend)
        or letter.addressed_by_hand
        or letter.route in ("whatdotheyknow",)
        or letter.purpose in ("ico-complaint", "tribunal-appeal", "court-of-session-appeal")
    ):
        return letter.route, letter.to_addr, letter.unsendable_reason
    req = letter.request
    reply = follow_up_route(req, letter.purpose)
    if reply is not None:
        return reply[0], reply[1], None
    route, address, reason = contact_route(req.body, "sar" if req.regime == "sar" else "foi")
    return route, address, reason


def address_doubt(letter: Letter, today: date, resend: bool = False) -> str | None:
    """Why the address a letter would go to now may be wrong (unconfirmed, undated or more
    than a year old), naming its source and date; None when it is fresh or not in doubt."""
    route, address, _reason = current_route(letter, resend=resend)
    if route not in ("email", "web-form", "post") or not address:
        return None
    for c in letter.request.body.contacts:
        if c.channel == route and c.address.lower() == address.lower():
            return contact_doubt(c, today)
    return None


def readdress(letter: Letter) -> bool:
    """Point a bounced letter at the body's current address; False if it has no better one."""
    route, address, reason = current_route(letter, resend=True)
    failing = {
        c.address.lower()
        for c in letter.request.body.contacts
        if c.channel == "email" and c.failing_since is not None
    }
    if route != "email" or not address or address.lower() in failing:
        return False
    letter.route, letter.to_addr, letter.unsendable_reason = route, address, reason
    return True


def address_by_hand(letter: Letter, address: str) -> None:
    """Send this letter to an address the volunteer names, whatever the directory says."""
    from foi.directory.bodies import check_email

    letter.route, letter.to_addr = "email", check_email(address)
    letter.unsendable_reason, letter.addressed_by_hand = None, True
    if letter.state == "unsendable":
        letter.state = "draft"


EDITABLE = ("draft", "failed", "written", "unsendable")


def save_edit(letter: Letter, before: tuple[str, str], subject: str, text: str) -> None:
    """Put a volunteer's edit of an unsent letter in place, if the letter is as they found it.

    A letter written to the outbox goes back to draft (the outbox copy is stale), and the
    search index drops the old text for the new (``foi.reading.index.replace_letter``).
    """
    from foi.errors import ConflictError

    if (letter.subject, letter.text) != before or letter.state not in EDITABLE:
        ref = letter.request.reference
        raise ConflictError(
            f"{ref}'s letter changed while you edited it: nothing saved; "
            "run 'foi request edit' again"
        )
    letter.subject, letter.text = subject, text
    if letter.state == "written":
        letter.state = "draft"
    session = object_session(letter)
    assert session is not None
    from foi.reading import index

    session.flush()
    index.replace_letter(session, letter.id, subject, text)


def follow_directory(letter: Letter) -> bool:
    """Readdress an unsent letter to the body's current best address; True if it changed."""
    route, address, reason = current_route(letter)
    if (route, address) == (letter.route, letter.to_addr):
        return False
    letter.route, letter.to_addr = route, address
    letter.unsendable_reason = reason
    if route == "none":
        letter.state = "unsendable"
    elif letter.state == "unsendable":
        letter.state = "draft"
    return True
