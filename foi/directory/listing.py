"""`foi body list`: the bodies matching a filter, read with Core queries on `foi.store.tables`.

No ORM objects, so a listing never imports or configures the mappers (issue 12). Each body
comes back as a `BodyRecord`, which has the attributes `foi.directory.shapes` reads, so its
status, best email, SIM status and JSON shape are worked out by the same rules as for a body
loaded through the ORM. `foi.directory.bodies.list_bodies` loads the ORM bodies for the
commands that change them from the same selection. Takes a session and today's date; never
commits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foi.directory.kinds import NATIONS, kind_choices, kinds_named
from foi.directory.shapes import body_status, contact_doubt, foi_email, normalised, route_contact
from foi.errors import UsageError
from foi.store import tables


@dataclass
class BodyFilter:
    kind: str | None = None
    tag: str | None = None
    missing_email: bool = False
    include_closed: bool = True
    search: str | None = None
    nation: str | None = None
    stale: bool = False  # open FOI bodies whose address in use is unconfirmed or old


@dataclass
class BodyRecord:
    """A body as read for a listing: its `bodies` row's columns and its related rows.

    `row` is the body's row; `aliases`, `tags`, `contacts` and `evidence` are rows of those
    tables (ordered as the ORM relationships order them); `successor` the successor's row.
    """

    row: Any
    successor: Any = None
    aliases: list[Any] = field(default_factory=list)
    tags: list[Any] = field(default_factory=list)
    contacts: list[Any] = field(default_factory=list)
    evidence: list[Any] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        # The body's own columns (name, kind, opened_on, ...), as on foi.store.models.Body.
        row = self.__dict__.get("row")
        if row is None:  # not set up yet (copy, pickle): no columns to offer
            raise AttributeError(name)
        return getattr(row, name)


def _related(session: Session, table: Any, body_ids: Any, order: Any) -> dict[int, list[Any]]:
    """Rows of `table` for the bodies selected by the `body_ids` subquery, by body id."""
    found: dict[int, list[Any]] = defaultdict(list)
    stmt = select(table).where(table.c.body_id.in_(body_ids)).order_by(table.c.body_id, order)
    for r in session.execute(stmt):
        found[r.body_id].append(r)
    return found


def list_body_records(session: Session, flt: BodyFilter, today: date) -> list[BodyRecord]:
    """Bodies matching a filter, by name."""
    if flt.kind is not None and not kinds_named(flt.kind):
        raise UsageError(f"unknown kind {flt.kind!r}: choose from {kind_choices()}")
    if flt.nation is not None and flt.nation not in NATIONS:
        raise UsageError(f"unknown nation {flt.nation!r}: choose from {', '.join(NATIONS)}")
    session.flush()  # Core queries do not autoflush; a no-op unless the caller changed rows
    b, t = tables.bodies, tables.body_tags
    where = []
    if flt.kind:
        where.append(b.c.kind.in_(kinds_named(flt.kind)))
    if flt.nation:
        where.append(b.c.nation == flt.nation)
    if flt.tag:
        where.append(b.c.id.in_(select(t.c.body_id).where(t.c.tag == flt.tag)))
    rows = session.execute(select(b).where(*where).order_by(b.c.name)).all()
    ids = select(b.c.id).where(*where)  # the same selection, as a subquery
    aliases = _related(session, tables.body_aliases, ids, tables.body_aliases.c.alias)
    tags = _related(session, t, ids, t.c.tag)
    contacts = _related(session, tables.contacts, ids, tables.contacts.c.id)
    evidence = _related(session, tables.evidence, ids, tables.evidence.c.id)
    successor_ids = {r.successor_id for r in rows if r.successor_id is not None}
    successors = (
        {s.id: s for s in session.execute(select(b).where(b.c.id.in_(successor_ids)))}
        if successor_ids
        else {}
    )
    records = [
        BodyRecord(
            row=r,
            successor=successors.get(r.successor_id),
            aliases=aliases.get(r.id, []),
            tags=tags.get(r.id, []),
            contacts=contacts.get(r.id, []),
            evidence=evidence.get(r.id, []),
        )
        for r in rows
    ]
    if flt.search:
        key = normalised(flt.search)
        records = [
            rec
            for rec in records
            if key in normalised(rec.name) or any(key in normalised(a.alias) for a in rec.aliases)
        ]
    if flt.missing_email:
        records = [
            rec
            for rec in records
            if foi_email(rec) is None and body_status(rec, today) == "open" and rec.foi_subject
        ]
    if flt.stale:
        records = [rec for rec in records if stale_contact(rec, today) is not None]
    if not flt.include_closed:
        records = [rec for rec in records if body_status(rec, today) != "closed"]
    return records


def stale_contact(body: Any, today: date) -> Any:
    """The contact an open FOI body's letters would use, if it is unconfirmed or old."""
    if body_status(body, today) != "open" or not body.foi_subject:
        return None
    _route, contact, _address = route_contact(body)
    if contact is None or contact_doubt(contact, today) is None:
        return None
    return contact
