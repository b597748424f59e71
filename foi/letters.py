"""Outgoing letters attached to requests: the request itself, chasers, reviews, complaints.

Creating and editing letters only; rendering is foi.drafting, sending is foi.outbox.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from foi.directory import contact_route
from foi.models import Letter, Request

SENDABLE_ROUTES = ("email",)


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
    letter = Letter(
        purpose=purpose,
        template=template,
        subject=" ".join(subject.split()),
        text=text.replace("\r\n", "\n"),
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
