"""Writing one new ORM object's row at once, without a unit of work.

``insert_stored(session, obj)`` inserts a new (transient) object's row as a Core INSERT on
the session's connection, in its transaction, takes the id from the INSERT itself, and
makes the object a persistent, unchanged object of the session, as a flush would have left
it. For the hot paths of a mail import, where a flush for each new row cost more than the
rest of the work. What the ORM would have written is written: the attributes set, scalar
column defaults for those left unset, and nothing (the database's default) for the rest.
Relationships are the caller's (``set_committed_value``). Never commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

_INSERTS: dict[str, Any] = {}


def insert_stored(session: Session, obj: Any) -> None:
    """Insert `obj`'s row now (Core) and make it a persistent, clean object with its id."""
    state = inspect(obj)
    table = state.mapper.local_table
    (pk,) = table.primary_key.columns
    row: dict[str, Any] = {}
    unset: list[str] = []
    for col in table.columns:
        if col is pk:
            continue
        if col.key in state.dict:
            row[col.key] = state.dict[col.key]
        elif col.default is not None and col.default.is_scalar:
            row[col.key] = col.default.arg
            setattr(obj, col.key, col.default.arg)
        elif col.default is None and col.server_default is None:
            unset.append(col.key)  # NULL, as the ORM leaves it
    stmt = _INSERTS.get(table.name)
    if stmt is None:
        stmt = _INSERTS[table.name] = insert(table).returning(pk)
    setattr(obj, pk.key, session.connection().execute(stmt, row).scalar_one())
    make_transient_to_detached(obj)
    for key in unset:
        set_committed_value(obj, key, None)
    session.add(obj)
