"""The search index (``search_docs``): what `foi search` looks in, kept up to date.

A file's pages are added when its text is stored (``add_pages``). Replies, letters and notes
are added by ``refresh`` in id order from a high-water mark kept in ``meta``
(``search.<kind>``), so a refresh costs one small query per kind when nothing is new. Each
row holds the text (NFKC-normalised: snippet offsets index into it) and its stemmed words
(``foi.reading.words``), which SQLite's FTS5 table and PostgreSQL's GIN index cover.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, func, literal_column, select, update

from foi.reading.store import PageText
from foi.reading.words import normalise, pairs, stems
from foi.store import tables

D = tables.search_docs
META = tables.meta
BATCH = 2_000


def _tsv() -> Any:
    """PostgreSQL's tsv column: the stems and their pairs (foi.reading.words.pairs)."""
    return func.to_tsvector(literal_column("'simple'::regconfig"), bindparam("tsv_source"))


def _insert_ignoring_duplicates(conn: Any, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    bind = conn.get_bind() if hasattr(conn, "get_bind") else conn
    if bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert

        rows = [{**r, "tsv_source": f"{r['stems']} {pairs(r['stems'])}"} for r in rows]
        stmt = insert(D).values(tsv=_tsv())
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]

        stmt = insert(D)
    conn.execute(stmt.on_conflict_do_nothing(index_elements=["key"]), rows)


def doc(key: str, kind: str, text: str, **refs: Any) -> dict[str, Any]:
    """One index row."""
    body = normalise(text)
    return {
        "key": key,
        "kind": kind,
        "ref_id": refs.get("ref_id"),
        "sha256": refs.get("sha256"),
        "page": refs.get("page"),
        "text": body,
        "stems": stems(body),
    }


# A page of more words than this is indexed in parts (PostgreSQL keeps word positions only
# up to 16,383, and a phrase must be found the same on both databases).
MAX_WORDS = 10_000


def parts(text: str) -> list[str]:
    """The text in parts of at most MAX_WORDS words, cut between words."""
    from foi.reading.words import WORD

    body = normalise(text)
    cuts = [m.start() for n, m in enumerate(WORD.finditer(body)) if n and n % MAX_WORDS == 0]
    bounds = [0, *cuts, len(body)]
    return [body[a:b] for a, b in itertools.pairwise(bounds)]


def add_pages(conn: Any, sha256: str, pages: Iterable[PageText]) -> int:
    """Index a file's pages (once: a page already indexed is left as it is)."""
    rows = [
        doc(
            f"page:{sha256}:{p.page}" + (f":{n}" if n else ""),
            "attachment",
            part,
            sha256=sha256,
            page=p.page,
        )
        for p in pages
        if p.text.strip()
        for n, part in enumerate(parts(p.text))
    ]
    for start in range(0, len(rows), BATCH):
        _insert_ignoring_duplicates(conn, rows[start : start + BATCH])
    return len(rows)


def _mark(conn: Any, kind: str) -> int:
    value = conn.execute(select(META.c.value).where(META.c.key == f"search.{kind}")).scalar()
    return int(value) if value else 0


def _set_mark(conn: Any, kind: str, value: int) -> None:
    key = f"search.{kind}"
    done = conn.execute(update(META).where(META.c.key == key).values(value=str(value)))
    if not done.rowcount:
        bind = conn.get_bind() if hasattr(conn, "get_bind") else conn
        if bind.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
        conn.execute(insert(META).values(key=key, value=str(value)).on_conflict_do_nothing())


def _replies(conn: Any, after: int, limit: int) -> tuple[list[dict[str, Any]], int | None]:
    inbox = tables.inbox
    rows = conn.execute(
        select(inbox.c.id, inbox.c.subject, inbox.c.summary, inbox.c.kind)
        .where(inbox.c.id > after)
        .order_by(inbox.c.id)
        .limit(limit)
    ).all()
    out = []
    for r in rows:
        if r.kind in ("own", "unparseable"):
            continue
        summary = r.summary if isinstance(r.summary, dict) else {}
        body = f"{r.subject or ''}\n\n{summary.get('text') or ''}".strip()
        if body:
            out.append(doc(f"reply:{r.id}", "reply", body, ref_id=r.id))
    return out, (rows[-1].id if rows else None)


def _letters(conn: Any, after: int, limit: int) -> tuple[list[dict[str, Any]], int | None]:
    L = tables.letters
    rows = conn.execute(
        select(L.c.id, L.c.subject, L.c.text).where(L.c.id > after).order_by(L.c.id).limit(limit)
    ).all()
    out = [doc(f"letter:{r.id}", "letter", f"{r.subject}\n\n{r.text}", ref_id=r.id) for r in rows]
    return out, (rows[-1].id if rows else None)


def _notes(conn: Any, after: int, limit: int) -> tuple[list[dict[str, Any]], int | None]:
    E = tables.events
    rows = conn.execute(
        select(E.c.id, E.c.note).where(E.c.id > after).order_by(E.c.id).limit(limit)
    ).all()
    out = [doc(f"note:{r.id}", "note", r.note, ref_id=r.id) for r in rows if (r.note or "").strip()]
    return out, (rows[-1].id if rows else None)


def replace_letter(conn: Any, letter_id: int, subject: str, text: str) -> None:
    """An edited letter's new text in place of its old (a letter not yet indexed is left to
    ``refresh``, which reads the letter as it is then)."""
    key = f"letter:{letter_id}"
    conn.execute(D.delete().where(D.c.key == key))
    if letter_id <= _mark(conn, "letter"):
        _insert_ignoring_duplicates(
            conn, [doc(key, "letter", f"{subject}\n\n{text}", ref_id=letter_id)]
        )


SOURCES = {"reply": _replies, "letter": _letters, "note": _notes}


def refresh(conn: Any) -> int:
    """Index the replies, letters and notes added since the last refresh; returns how many."""
    added = 0
    for kind, source in SOURCES.items():
        mark = _mark(conn, kind)
        while True:
            rows, last = source(conn, mark, BATCH)
            if last is None:
                break
            _insert_ignoring_duplicates(conn, rows)
            added += len(rows)
            mark = last
            _set_mark(conn, kind, mark)
    return added


def size(conn: Any) -> int:
    """Rows in the index."""
    return int(conn.execute(select(func.count()).select_from(D)).scalar_one())
