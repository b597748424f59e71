"""What a body's page shows beyond its findings, read as plain Core rows, a body at a time.

`foi.evidence.findings.body_findings` streams each body's requests with their events,
answers and exemptions; `body_rows` adds, in a few queries per body (never one per
request), the rest its page shows: the requests' titles and the authority's references, the
letters sent (only the columns a page shows, never an address or delivery details), the
matched mail (not our own copies), the attachments and their redacted copies, the body's
region and its evidence in full. No ORM class is loaded. Takes a session; never commits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from foi.store import tables

_CHUNK = 500  # bound the IN list: SQLite and PostgreSQL both cap bind parameters


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
                (k, [(*x[:3], digest(x[3]), *x[4:]) for x in v]) for k, v in self.letters.items()
            ),
            sorted((k, [tuple(x) for x in v]) for k, v in self.replies.items()),
            sorted((k, [tuple(x) for x in v]) for k, v in self.attachments.items()),
            [tuple(r) for r in self.redactions],
        )


def body_rows(session: Any, body_id: int, request_ids: Sequence[int]) -> BodyRows:
    """The page inputs of one body and these of its requests."""
    b, ev = tables.bodies.c, tables.evidence.c
    rq, lt = tables.requests.c, tables.letters.c
    ib, at, rd = tables.inbox.c, tables.attachments.c, tables.redactions.c
    found = BodyRows()
    place = session.execute(select(b.nation, b.region).where(b.id == body_id)).first()
    if place is not None:
        # The nation (england|scotland|wales|northern-ireland) when known, else region.
        found.region = place.nation or place.region
    found.evidence = list(
        session.execute(
            select(ev.id, ev.status, ev.on, ev.period, ev.source, ev.quote, ev.page,
                   ev.local_name)
            .where(ev.body_id == body_id)
            .order_by(ev.id)
        )
    )  # fmt: skip
    ids = list(request_ids)
    att_ids: list[int] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for r in session.execute(select(rq.id, rq.title, rq.authority_ref).where(rq.id.in_(chunk))):
            found.requests[r.id] = r
        # Only what a page shows of a letter: never its address or delivery details.
        for row in session.execute(
            select(lt.request_id, lt.purpose, lt.subject, lt.text, lt.state, lt.sent_at,
                   lt.attempted_at, lt.created_at)
            .where(lt.request_id.in_(chunk))
            .order_by(lt.id)
        ):  # fmt: skip
            found.letters.setdefault(row.request_id, []).append(row)
        for m in session.execute(
            select(ib.request_id, ib.id, ib.kind, ib.subject, ib.sent_at, ib.imported_at,
                   ib.summary)
            .where(ib.request_id.in_(chunk), ib.state == "matched", ib.kind != "own")
            .order_by(ib.id)
        ):  # fmt: skip
            found.replies.setdefault(m.request_id, []).append(m)
        for a in session.execute(
            select(at.request_id, at.id, at.filename, at.sha256, at.publishable)
            .where(at.request_id.in_(chunk))
            .order_by(at.id)
        ):
            found.attachments.setdefault(a.request_id, []).append(a)
            att_ids.append(a.id)
    for start in range(0, len(att_ids), _CHUNK):
        found.redactions += list(
            session.execute(
                select(rd.attachment_id, rd.id, rd.sha256)
                .where(rd.attachment_id.in_(att_ids[start : start + _CHUNK]))
                .order_by(rd.id)
            )
        )
    return found
