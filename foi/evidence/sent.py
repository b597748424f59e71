"""What a request's published record shows of its correspondence: which letters went out and
when, and what a reply says. Shared by the correspondence bundle (foi.evidence.bundle) and
the published site, on ORM objects and Core rows alike; imports nothing of the ORM. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

# Letter states that mean the letter left us (or was handed to WhatDoTheyKnow or the post).
SENT_STATES = ("sent", "written", "uncertain")


def letters_sent(req: Any, letters: Iterable[Any] | None = None) -> list[Any]:
    """The request's letters that went out, oldest first (a recorded request's own letter too).

    `letters` are the request's letters when the caller read them itself (as rows).
    """
    found = []
    for lt in req.letters if letters is None else letters:
        if lt.state in SENT_STATES or (
            lt.purpose in ("request", "sar") and req.sent_on is not None and lt.state != "failed"
        ):
            found.append(lt)
    return found


def letter_date(req: Any, lt: Any) -> date:
    """When a letter went out: its sending time, or the request's sent date for the request."""
    if lt.sent_at is not None:
        return lt.sent_at.date()
    if lt.purpose in ("request", "sar") and req.sent_on is not None:
        return req.sent_on
    return (lt.attempted_at or lt.created_at).date()


def reply_text(msg: Any) -> str:
    """The text of a reply as parsed on import."""
    return str((msg.summary or {}).get("text") or "")
