"""Outgoing letters attached to requests: the request itself, chasers, reviews, complaints.

Creating and editing letters only; rendering is foi.letters.templates, sending is foi.letters.transport.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from foi.directory.bodies import contact_route
from foi.directory.shapes import contact_doubt
from foi.errors import UsageError
from foi.store.models import Letter, Request

SENDABLE_ROUTES = ("email",)


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
        or letter.route in ("whatdotheyknow",)
        or letter.purpose == "ico-complaint"
    ):
        return letter.route, letter.to_addr, letter.unsendable_reason
    req = letter.request
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
