"""Evidence found in the text: passages naming the campaign's terms, proposed per body.

``find`` searches the replies and their attachments (never our own letters or notes, never a
subject access request: see ``foi.reading.search``) for every term of the vocabulary, as
phrases, and records one proposal per page of each carrying file or reply, with the terms it
names, a quote around the first, its page and its source (the request's reference). Nothing
is asserted: a volunteer ``accept``s a proposal into the body's evidence with a status and a
local name (``foi.directory.bodies.add_evidence``), or ``reject``s it. Running ``find``
again adds only what is new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from foi.errors import ConflictError, NotFoundError
from foi.reading.search import Filters, Hit, parse, search
from foi.reading.vocabulary import Term
from foi.store import tables

S = tables.evidence_suggestions
MAX_HITS_PER_TERM = 10_000


@dataclass(frozen=True)
class Proposal:
    id: int
    body_id: int | None
    body: str
    reference: str
    kind: str  # attachment | reply
    name: str
    page: int | None
    terms: str
    quote: str
    state: str
    evidence_id: int | None


def _quote(hit: Hit) -> str:
    snippet, _spans, _offset = hit.snippet(width=160)
    return " ".join(snippet.split())


def find(session: Any, terms: list[Term], now: datetime, campaign_id: int | None = None) -> int:
    """Record a proposal for every page that names a term; returns how many are new."""
    found: dict[str, tuple[Hit, list[str]]] = {}
    flt = Filters(campaign_id=campaign_id, kinds=("attachment", "reply"))
    for term in terms:
        query = parse('"' + term.term.replace('"', " ") + '"')
        for hit in search(session, query, flt, limit=MAX_HITS_PER_TERM):
            key = f"{hit.kind}:{hit.carrier_id}:{hit.doc_id}"
            if key in found:
                found[key][1].append(term.term)
            else:
                found[key] = (hit, [term.term])
    if not found:
        return 0
    known = {
        row.key: row
        for row in session.execute(
            select(S.c.key, S.c.id, S.c.state, S.c.term).where(S.c.key.in_(list(found)))
        )
    }
    A = tables.attachments
    inbox_of = dict(
        session.execute(
            select(A.c.id, A.c.inbox_id).where(
                A.c.id.in_([h.carrier_id for h, _t in found.values() if h.kind == "attachment"])
            )
        ).all()
    )
    new = 0
    for key, (hit, names) in found.items():
        joined = "; ".join(dict.fromkeys(names))[:200]
        if key in known:
            row = known[key]
            if row.state == "proposed" and row.term != joined:
                session.execute(update(S).where(S.c.id == row.id).values(term=joined))
            continue
        session.execute(
            insert(S).values(
                key=key,
                body_id=hit.body_id,
                request_id=hit.request_id,
                attachment_id=hit.carrier_id if hit.kind == "attachment" else None,
                inbox_id=inbox_of.get(hit.carrier_id)
                if hit.kind == "attachment"
                else hit.carrier_id,
                page=hit.page,
                term=joined,
                quote=_quote(hit),
                source=hit.reference,
                state="proposed",
                found_at=now,
            )
        )
        new += 1
    return new


def proposals(
    session: Any,
    *,
    campaign_id: int | None = None,
    request_id: int | None = None,
    states: tuple[str, ...] = ("proposed",),
) -> list[Proposal]:
    """The proposals in these states, by body then page."""
    A, M, R, B = tables.attachments, tables.inbox, tables.requests, tables.bodies
    q = (
        select(
            S.c.id,
            S.c.body_id,
            B.c.name.label("body"),
            S.c.source,
            S.c.attachment_id,
            A.c.filename,
            M.c.subject,
            S.c.page,
            S.c.term,
            S.c.quote,
            S.c.state,
            S.c.evidence_id,
        )
        .join(R, R.c.id == S.c.request_id)
        .join(B, B.c.id == S.c.body_id)
        .outerjoin(A, A.c.id == S.c.attachment_id)
        .outerjoin(M, M.c.id == S.c.inbox_id)
        .where(S.c.state.in_(states), R.c.regime != "sar")
        .order_by(B.c.name, S.c.source, S.c.attachment_id, S.c.page, S.c.id)
    )
    if campaign_id is not None:
        q = q.where(R.c.campaign_id == campaign_id)
    if request_id is not None:
        q = q.where(R.c.id == request_id)
    return [
        Proposal(
            r.id,
            r.body_id,
            r.body,
            r.source,
            "attachment" if r.attachment_id else "reply",
            r.filename if r.attachment_id else (r.subject or "the reply"),
            r.page,
            r.term,
            r.quote,
            r.state,
            r.evidence_id,
        )
        for r in session.execute(q)
    ]


def _get(session: Any, suggestion_id: int) -> Any:
    row = session.execute(select(S).where(S.c.id == suggestion_id)).first()
    if row is None:
        raise NotFoundError(
            f"no suggestion {suggestion_id}: 'foi evidence suggest' lists them with their ids"
        )
    if row.state != "proposed":
        raise ConflictError(f"suggestion {suggestion_id} was {row.state} already")
    return row


def accept(
    session: Any,
    suggestion_id: int,
    *,
    status: str,
    now: datetime,
    local_name: str | None = None,
    quote: str | None = None,
    by: str | None = None,
) -> int:
    """Turn a proposal into body evidence (source: the request; page; quote); its id."""
    from foi.directory.bodies import add_evidence
    from foi.store.models import Body

    row = _get(session, suggestion_id)
    body = session.get(Body, row.body_id)
    where = ""
    if row.attachment_id is not None:
        name = session.execute(
            select(tables.attachments.c.filename).where(
                tables.attachments.c.id == row.attachment_id
            )
        ).scalar_one()
        where = f" in {name}"
    ev = add_evidence(
        session,
        body,
        status=status,
        source=row.source,
        now=now,
        quote=quote or row.quote,
        page=str(row.page) if row.page is not None else None,
        local_name=local_name,
        note=f"found by foi evidence suggest{where} ({row.term})"[:500],
    )
    session.execute(
        update(S)
        .where(S.c.id == suggestion_id)
        .values(state="accepted", evidence_id=ev.id, decided_at=now, decided_by=by)
    )
    return int(ev.id)


def reject(session: Any, suggestion_id: int, now: datetime, by: str | None = None) -> None:
    """Set a proposal aside: it is not proposed again."""
    _get(session, suggestion_id)
    session.execute(
        update(S)
        .where(S.c.id == suggestion_id)
        .values(state="rejected", decided_at=now, decided_by=by)
    )
