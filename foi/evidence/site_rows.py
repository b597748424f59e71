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
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import case, func, select

from foi.evidence.findings import Children, raw, scope, stream_rows
from foi.store import tables

# States of a letter that went out for good: its text is never edited again (`foi request
# edit` refuses them; a draft, a failed letter or one written for the post may change). A
# change test counts such a letter by its length, its state and times, not its text.
SENT_FOR_GOOD = ("sent", "uncertain")


@dataclass(slots=True)
class LetterRow:
    """A letter as a body page shows it (never its address or delivery details)."""

    purpose: str
    subject: str | None
    text: str | None
    state: str
    sent_at: datetime | None
    attempted_at: datetime | None
    created_at: datetime


def _utc(value: Any) -> Any:
    # A timestamp read as the driver gives it (`raw`; SQLite: text) as foi.store.tables'
    # UTCDateTime returns it: aware, in UTC. Parsed only for the letters a page shows.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


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
    texts: dict[int, str] = field(default_factory=dict)  # letters' texts read afterwards

    def letters_of(self, request: int) -> list[LetterRow]:
        """A request's letters as a page shows them: times parsed, text filled in (from the
        row, or read by `read_texts` when the row left it out)."""
        return [
            LetterRow(x.purpose, x.subject, x.text if x.text is not None else self.texts.get(x.id),
                      x.state, _utc(x.sent_at), _utc(x.attempted_at), _utc(x.created_at))
            for x in self.letters.get(request, [])
        ]  # fmt: skip

    def read_texts(self, session: Any) -> None:
        """Read the texts `body_rows(texts=False)` left out of this body's letters."""
        ids = [x.id for v in self.letters.values() for x in v if x.text is None and x.length]
        for at in range(0, len(ids), 500):
            lt = tables.letters.c
            stmt = select(lt.id, lt.text).where(lt.id.in_(ids[at : at + 500]))
            self.texts.update((i, text) for i, text in session.execute(stmt))

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

        def letter(x: Any) -> tuple[Any, ...]:
            # A letter that went out for good counts by its length (see SENT_FOR_GOOD).
            text = None if x.state in SENT_FOR_GOOD else digest(x.text)
            return (x.id, x.request_id, x.purpose, x.subject, text, x.length, x.state,
                    x.sent_at, x.attempted_at, x.created_at)  # fmt: skip

        return (
            self.region,
            [tuple(e) for e in self.evidence],
            sorted((k, tuple(v)) for k, v in self.requests.items()),
            sorted((k, [letter(x) for x in v]) for k, v in self.letters.items()),
            sorted((k, [tuple(x) for x in v]) for k, v in self.replies.items()),
            sorted((k, [tuple(x) for x in v]) for k, v in self.attachments.items()),
            [tuple(r) for r in self.redactions],
        )


def body_rows(
    session: Any, campaign: int, *, today: date, kind: str | None = None, texts: bool = True
) -> Iterator[tuple[int, BodyRows]]:
    """Each body's page inputs, in body id order as `body_findings` gives the bodies: one
    streamed query per table for the whole campaign, walked body by body. Without `texts`
    the letters that went out for good come without their text (most of the bytes read):
    `BodyRows.read_texts` reads them for a body whose page is rendered."""
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
    text = lt.text if texts else case((lt.state.in_(SENT_FOR_GOOD), None), else_=lt.text)
    letters = per_body(
        select(r.body_id, lt.id, lt.request_id, lt.purpose, lt.subject, text.label("text"),
               func.length(lt.text).label("length"), lt.state, raw(lt.sent_at).label("sent_at"),
               raw(lt.attempted_at).label("attempted_at"), raw(lt.created_at).label("created_at"))
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
