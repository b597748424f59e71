"""What a body's page shows beyond its findings, read as plain Core rows, a body at a time.

`foi.evidence.findings.body_findings` streams each body's requests with their events,
answers and exemptions; `body_rows` streams, beside it and in the same body order, with
one query per table for the whole campaign (never one per request or per body), the rest
a page shows: the requests' titles and the authority's references, the
letters sent (only the columns a page shows, never an address or delivery details), the
matched mail (not our own copies), the attachments and their redacted copies, the body's
region and its evidence in full. No ORM class is loaded. Takes a session; never commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from foi.evidence.findings import Children, scope, stream_rows
from foi.store import tables


@dataclass
class BodyRows:
    """One body's page inputs beyond its findings, keyed by request id where per request."""

    region: str | None = None
    evidence: list[Any] = field(default_factory=list)  # oldest first
    requests: dict[int, Any] = field(default_factory=dict)  # title, authority_ref
    letters: dict[int, list[Any]] = field(default_factory=dict)
    replies: dict[int, list[Any]] = field(default_factory=dict)
    attachments: dict[int, list[Any]] = field(default_factory=dict)
    redactions: list[Any] = field(default_factory=list)  # of those attachments, for change

    def fingerprint_parts(self) -> tuple[Any, ...]:
        """Everything here, in a stable order, for the page's fingerprint (a letter's text
        by its digest: a campaign's letters are most of the bytes)."""
        texts: dict[str, str] = {}

        def digest(text: str | None) -> str | None:
            if text is None:
                return None
            found = texts.get(text)
            if found is None:
                found = texts[text] = hashlib.blake2b(
                    text.encode("utf-8", "surrogatepass")
                ).hexdigest()
            return found

        return (
            self.region,
            [tuple(e) for e in self.evidence],
            sorted((k, tuple(v)) for k, v in self.requests.items()),
            sorted(
                (k, [(*x[:4], digest(x.text), *x[5:]) for x in v]) for k, v in self.letters.items()
            ),
            sorted((k, [tuple(x) for x in v]) for k, v in self.replies.items()),
            sorted((k, [tuple(x) for x in v]) for k, v in self.attachments.items()),
            [tuple(r) for r in self.redactions],
        )


def body_rows(
    session: Any, campaign: int, *, today: date, kind: str | None = None
) -> Iterator[tuple[int, BodyRows]]:
    """Each body's page inputs, in body id order as `body_findings` gives the bodies: one
    streamed query per table for the whole campaign, walked body by body."""
    joined, where = scope(campaign, today, kind)
    r = tables.requests.c
    b, ev = tables.bodies.c, tables.evidence.c
    lt, ib = tables.letters.c, tables.inbox.c
    at, rd = tables.attachments.c, tables.redactions.c
    ids = select(r.body_id).select_from(joined).where(*where)

    def per_body(stmt: Any) -> Children:
        return Children(stream_rows(session, stmt))

    bodies = stream_rows(
        session, select(b.id, b.nation, b.region).where(b.id.in_(ids)).order_by(b.id)
    )
    evidence = per_body(
        select(ev.body_id, ev.id, ev.status, ev.on, ev.period, ev.source, ev.quote, ev.page,
               ev.local_name)
        .where(ev.body_id.in_(ids))
        .order_by(ev.body_id, ev.id)
    )  # fmt: skip
    requests = per_body(
        select(r.body_id, r.id, r.title, r.authority_ref)
        .select_from(joined)
        .where(*where)
        .order_by(r.body_id, r.id)
    )
    # Only what a page shows of a letter: never its address or delivery details.
    letters = per_body(
        select(r.body_id, lt.request_id, lt.purpose, lt.subject, lt.text, lt.state, lt.sent_at,
               lt.attempted_at, lt.created_at)
        .select_from(joined.join(tables.letters, lt.request_id == r.id))
        .where(*where)
        .order_by(r.body_id, lt.id)
    )  # fmt: skip
    replies = per_body(
        select(r.body_id, ib.request_id, ib.id, ib.kind, ib.subject, ib.sent_at,
               ib.imported_at, ib.summary)
        .select_from(joined.join(tables.inbox, ib.request_id == r.id))
        .where(*where, ib.state == "matched", ib.kind != "own")
        .order_by(r.body_id, ib.id)
    )  # fmt: skip
    attachments = per_body(
        select(r.body_id, at.request_id, at.id, at.filename, at.sha256, at.publishable)
        .select_from(joined.join(tables.attachments, at.request_id == r.id))
        .where(*where)
        .order_by(r.body_id, at.id)
    )
    redactions = per_body(
        select(r.body_id, rd.attachment_id, rd.id, rd.sha256)
        .select_from(
            joined.join(tables.attachments, at.request_id == r.id).join(
                tables.redactions, rd.attachment_id == at.id
            )
        )
        .where(*where)
        .order_by(r.body_id, rd.id)
    )
    for place in bodies:
        found = BodyRows(region=place.nation or place.region)  # the nation when known
        body_id = place.id
        # Each row still starts with its body's id (read by name, not position, below).
        found.evidence = evidence.take(body_id)
        found.requests = {x.id: x for x in requests.take(body_id)}
        for group, rows in (
            (found.letters, letters),
            (found.replies, replies),
            (found.attachments, attachments),
        ):
            for row in rows.take(body_id):
                group.setdefault(row.request_id, []).append(row)
        found.redactions = redactions.take(body_id)
        yield body_id, found
