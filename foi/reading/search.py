"""`foi search`: one query syntax, the same answers on SQLite and PostgreSQL.

Syntax: words (all must appear, each stemmed: ``intensity`` finds "intensive"), ``"exact
phrases"`` (the words in order, next to each other), ``A OR B``, ``-word`` / ``-"phrase"``
to exclude, and ``prefix*`` (on the stemmed word). A hyphenated word is a phrase.

How: the query becomes an FTS5 ``MATCH`` expression on SQLite and a ``to_tsquery('simple',
…)`` on PostgreSQL over the same pre-stemmed words (``foi.reading.words``), which finds the
candidate rows through the index (on PostgreSQL a phrase asks for its pairs of neighbouring
words, which the index holds beside the words: GIN keeps no positions). Every candidate is then checked here, in Python,
against the query's exact meaning, which is also what finds the offsets for the snippet:
both databases therefore give exactly the same hits, in the same order (see ``search``).

Subject access requests: a hit inside a request whose regime is ``sar`` (its letters, its
replies, their attachments, its notes) is left out unless the search is limited to that one
request (``request=REFERENCE``): SAR material is personal data about the requester and never
belongs in campaign-wide results. A reply still held (not matched to any request) is not
searched at all: it may be anyone's, a subject access reply included; assign it first.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, literal_column, select, text

from foi.errors import UsageError
from foi.reading.words import normalise, stem, words
from foi.store import tables

KINDS = ("attachment", "reply", "letter", "note")
_QUERY_TOKEN = re.compile(r'-?"[^"]*"?|\S+')


@dataclass(frozen=True)
class Atom:
    """One thing to look for: a word, a phrase (several words in order) or a prefix."""

    kind: str  # word | phrase | prefix
    stems: tuple[str, ...]
    source: str

    def fts(self) -> str:
        if self.kind == "prefix":
            return f'"{self.stems[0]}"*'
        return '"' + " ".join(self.stems) + '"'

    def tsquery(self) -> str:
        if self.kind == "prefix":
            return f"'{self.stems[0]}':*"
        if len(self.stems) == 1:
            return f"'{self.stems[0]}'"
        # Its pairs of neighbouring words, which the index holds (foi.reading.words.pairs).
        pairs = itertools.pairwise(self.stems)
        return "(" + " & ".join(f"'{a}0{b}'" for a, b in pairs) + ")"

    def spans(self, doc: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
        """Where the atom occurs in a document's (stem, start, end) words."""
        n = len(self.stems)
        if self.kind == "prefix":
            p = self.stems[0]
            return [(s, e) for st, s, e in doc if st.startswith(p)]
        first = self.stems[0]
        found = []
        for i, (st, s, _e) in enumerate(doc):
            if st == first and all(
                i + k < len(doc) and doc[i + k][0] == self.stems[k] for k in range(1, n)
            ):
                found.append((s, doc[i + n - 1][2]))
        return found


@dataclass(frozen=True)
class Query:
    """All groups must match (a group: one of its atoms); no excluded atom may."""

    groups: tuple[tuple[Atom, ...], ...]
    excluded: tuple[Atom, ...]

    def fts(self) -> str:
        parts = ["(" + " OR ".join(a.fts() for a in g) + ")" for g in self.groups]
        expr = " AND ".join(parts)
        if self.excluded:
            expr += " NOT (" + " OR ".join(a.fts() for a in self.excluded) + ")"
        return expr

    def tsquery(self) -> str:
        parts = ["(" + " | ".join(a.tsquery() for a in g) + ")" for g in self.groups]
        expr = " & ".join(parts)
        if self.excluded:
            expr += " & !(" + " | ".join(a.tsquery() for a in self.excluded) + ")"
        return expr

    def matches(self, doc: list[tuple[str, int, int]]) -> list[tuple[int, int]] | None:
        """The spans that satisfy the query, or None if the document does not."""
        if any(a.spans(doc) for a in self.excluded):
            return None
        spans: list[tuple[int, int]] = []
        for group in self.groups:
            found = [s for a in group for s in a.spans(doc)]
            if not found:
                return None
            spans += found
        return sorted(set(spans))


def _atom(token: str) -> Atom | None:
    prefix = token.endswith("*") and not token.startswith('"')
    body = token.rstrip("*") if prefix else token.strip('"')
    found = [w for w, _s, _e in words(normalise(body))]
    if not found:
        return None
    if prefix:
        if len(found) != 1:
            raise UsageError(f"a prefix is one word followed by *, not {token!r}")
        return Atom("prefix", (found[0],), token)
    stems = tuple(stem(w) for w in found)
    return Atom("phrase" if len(stems) > 1 else "word", stems, token)


def parse(query: str) -> Query:
    """The query's meaning; UsageError if it asks for nothing."""
    groups: list[list[Atom]] = []
    excluded: list[Atom] = []
    join_next = False
    for token in _QUERY_TOKEN.findall(query):
        if token == "OR":
            join_next = bool(groups)
            continue
        negative = token.startswith("-") and len(token) > 1
        atom = _atom(token[1:] if negative else token)
        if atom is None:
            continue
        if negative:
            excluded.append(atom)
        elif join_next:
            groups[-1].append(atom)
        else:
            groups.append([atom])
        join_next = False
    if not groups:
        raise UsageError(
            f"nothing to search for in {query!r}: give at least one word that is not "
            "excluded (e.g. foi search '\"High Intensity\" -police')"
        )
    return Query(tuple(tuple(g) for g in groups), tuple(excluded))


# --------------------------------------------------------------------------------------------
# Answering


@dataclass(frozen=True)
class Filters:
    campaign_id: int | None = None
    body_id: int | None = None
    kinds: tuple[str, ...] = KINDS
    since: date | None = None
    until: date | None = None
    request_id: int | None = None  # also the one way to see a SAR's material


@dataclass
class Hit:
    kind: str
    reference: str
    body: str
    name: str  # attachment filename, message or letter subject, event kind
    page: int | None
    text: str
    spans: list[tuple[int, int]]
    doc_id: int
    carrier_id: int  # attachments.id, inbox.id, letters.id or events.id
    part: str | None = None
    when: datetime | None = None
    request_id: int | None = None
    body_id: int | None = None

    def order(self) -> tuple[int, int, int]:
        """Attachments, then replies, letters and notes; each newest first, pages in order."""
        return (KINDS.index(self.kind), -self.carrier_id, self.page or 0)

    def snippet(self, width: int = 90) -> tuple[str, list[tuple[int, int]], int]:
        """(excerpt, match spans within it, excerpt's offset in the page text)."""
        first_start, first_end = self.spans[0]
        start = max(0, first_start - width)
        end = min(len(self.text), first_end + width)
        while start > 0 and not self.text[start - 1].isspace() and first_start - start < width + 20:
            start -= 1
        while (
            end < len(self.text) and not self.text[end].isspace() and end - first_end < width + 20
        ):
            end += 1
        inside = [(s - start, e - start) for s, e in self.spans if s >= start and e <= end]
        return self.text[start:end], inside, start


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


# Above this many candidates, SQLite walks the carriers newest first and stops at the limit
# instead of sorting every candidate (see _match_clause).
MANY_CANDIDATES = 2_000


def _estimate(conn: Any, tsquery: str) -> int:
    """PostgreSQL's own estimate of the pages matching (from its statistics: no scan)."""
    plan = conn.execute(
        text(
            "EXPLAIN (FORMAT JSON) SELECT id FROM search_docs "
            "WHERE tsv @@ to_tsquery('simple'::regconfig, :q)"
        ),
        {"q": tsquery},
    ).scalar_one()
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _match_clause(conn: Any, query: Query) -> Any:
    D = tables.search_docs
    bind = conn.get_bind() if hasattr(conn, "get_bind") else conn
    if bind.dialect.name == "postgresql":
        # Few candidates come from the GIN index, first and once (a materialised CTE): left
        # to itself the planner may instead compute to_tsvector row by row down the join.
        hit = D.c.tsv.op("@@")(
            func.to_tsquery(literal_column("'simple'::regconfig"), query.tsquery())
        )
        # With many candidates, the planner's own choice (newest carriers first, each page
        # tested, stopping at the limit) is the fast one.
        if _estimate(conn, query.tsquery()) > MANY_CANDIDATES:
            return hit
        matched = select(D.c.id.label("id")).where(hit).cte("matched").prefix_with("MATERIALIZED")
        return D.c.id.in_(select(matched.c.id))
    fts = query.fts()
    found = text("SELECT rowid FROM search_fts WHERE search_fts MATCH :fts").bindparams(fts=fts)
    count = conn.execute(
        text("SELECT count(*) FROM search_fts WHERE search_fts MATCH :fts"), {"fts": fts}
    ).scalar_one()
    # A unary + keeps SQLite from driving the join from the (many) candidates: it then
    # reads the carriers in order and checks each page against the candidate list.
    column = literal_column("+search_docs.id") if count > MANY_CANDIDATES else D.c.id
    return column.in_(found.columns(literal_column("rowid")))


def _kind_select(kind: str, match: Any, flt: Filters) -> Any:
    D, R, B = tables.search_docs, tables.requests, tables.bodies
    if kind == "attachment":
        A = tables.attachments
        carrier, name, when = A.c.id, A.c.filename, A.c.created_at
        q = select(D.c.id, D.c.page, D.c.sha256, carrier.label("carrier"), name.label("name"))
        q = q.join(A, A.c.sha256 == D.c.sha256).join(R, R.c.id == A.c.request_id)
    elif kind == "reply":
        M = tables.inbox
        carrier, when = M.c.id, func.coalesce(M.c.sent_at, M.c.imported_at)
        q = select(
            D.c.id,
            D.c.page,
            D.c.text,
            D.c.sha256,
            carrier.label("carrier"),
            M.c.subject.label("name"),
        )
        q = q.join(M, M.c.id == D.c.ref_id).join(R, R.c.id == M.c.request_id)
    elif kind == "letter":
        L = tables.letters
        carrier, when = L.c.id, func.coalesce(L.c.sent_at, L.c.created_at)
        q = select(
            D.c.id,
            D.c.page,
            D.c.text,
            D.c.sha256,
            carrier.label("carrier"),
            L.c.subject.label("name"),
        )
        q = q.join(L, L.c.id == D.c.ref_id).join(R, R.c.id == L.c.request_id)
    else:
        E = tables.events
        carrier, when = E.c.id, E.c.on
        q = select(D.c.id, D.c.page, D.c.sha256, carrier.label("carrier"), E.c.kind.label("name"))
        q = q.join(E, E.c.id == D.c.ref_id).join(R, R.c.id == E.c.request_id)
    q = q.add_columns(
        R.c.reference,
        R.c.id.label("request_id"),
        R.c.body_id,
        B.c.name.label("body"),
        when.label("when"),
    )
    q = q.join(B, B.c.id == R.c.body_id)
    conds = [D.c.kind == kind, match]
    if flt.request_id is not None:
        conds.append(R.c.id == flt.request_id)
    else:
        conds.append(R.c.regime != "sar")
    if flt.campaign_id is not None:
        conds.append(R.c.campaign_id == flt.campaign_id)
    if flt.body_id is not None:
        conds.append(R.c.body_id == flt.body_id)
    if kind == "note":
        if flt.since is not None:
            conds.append(when >= flt.since)
        if flt.until is not None:
            conds.append(when <= flt.until)
    else:
        if flt.since is not None:
            conds.append(when >= _day_start(flt.since))
        if flt.until is not None:
            conds.append(when < _day_start(flt.until + timedelta(days=1)))
    # Newest carrier first (ids grow with time), its pages in order: an order the databases
    # can follow down an index and stop at the limit, whatever the number of candidates.
    return q.where(and_(*conds)).order_by(carrier.desc(), D.c.page)


def _verified(conn: Any, kind: str, stmt: Any, query: Query, batch: int) -> Iterator[Hit]:
    """The hits of one kind, in order: candidates a batch at a time, their text fetched
    (only theirs: the sort carries no text) and checked against the query."""
    D = tables.search_docs
    offset = 0
    cache: dict[int, list[tuple[int, int]] | None] = {}
    texts_kept: dict[int, str] = {}
    while True:
        rows = conn.execute(stmt.limit(batch).offset(offset)).all()
        wanted = {r.id for r in rows} - set(cache)
        texts = (
            dict(conn.execute(select(D.c.id, D.c.text).where(D.c.id.in_(wanted))).all())
            if wanted
            else {}
        )
        for r in rows:
            if r.id not in cache:
                doc = [(stem(w), s, e) for w, s, e in words(texts[r.id])]
                cache[r.id] = query.matches(doc)
                if cache[r.id]:
                    texts_kept[r.id] = texts[r.id]
            spans = cache[r.id]
            if spans:
                when = r.when
                if not isinstance(when, datetime):
                    when = datetime.combine(when, time(0), tzinfo=UTC)
                yield Hit(
                    kind,
                    r.reference,
                    r.body,
                    r.name or "",
                    r.page,
                    texts_kept[r.id],
                    spans,
                    r.id,
                    r.carrier,
                    when=when,
                    request_id=r.request_id,
                    body_id=r.body_id,
                )
        if len(rows) < batch:
            return
        offset += batch
        batch *= 2


def search(conn: Any, query: Query, flt: Filters, limit: int = 50) -> list[Hit]:
    """The first `limit` hits: attachments (newest first, pages in order), then replies,
    letters and notes (newest first)."""
    match = _match_clause(conn, query)
    D = tables.search_docs
    present = [  # a kind with nothing indexed is not asked for (one index probe each)
        kind
        for kind in flt.kinds
        if conn.execute(select(D.c.id).where(D.c.kind == kind).limit(1)).first() is not None
    ]
    streams = [
        _verified(conn, kind, _kind_select(kind, match, flt), query, max(limit, 20))
        for kind in present
    ]
    merged = heapq.merge(*streams, key=Hit.order)
    hits = []
    for hit in merged:
        hits.append(hit)
        if len(hits) >= limit:
            break
    _add_parts(conn, hits)
    return hits


def _add_parts(conn: Any, hits: list[Hit]) -> None:
    """Name the archive member a page came from, where it did."""
    P, D = tables.page_texts, tables.search_docs
    pages = [h for h in hits if h.kind == "attachment"]
    if not pages:
        return
    rows = conn.execute(
        select(D.c.id, P.c.part)
        .join(P, and_(P.c.sha256 == D.c.sha256, P.c.page == D.c.page))
        .where(D.c.id.in_({h.doc_id for h in pages}), P.c.part.is_not(None))
    ).all()
    parts = dict(rows)
    for h in pages:
        h.part = parts.get(h.doc_id)
