"""The extraction queue, kept in the ``extractions`` table: enqueue, claim, keep alive, finish.

A claim is one ``UPDATE ... RETURNING`` of the oldest claimable row: on PostgreSQL its
sub-select takes the row ``FOR UPDATE SKIP LOCKED``, so any number of workers on any number
of machines each get a different file; on SQLite the database's single writer does the
same. A row is claimable while ``queued``, or while ``working`` under a lease that has run
out (its worker stopped sending heartbeats: it was killed, or its machine went away) or
under a worker on this machine whose process no longer exists. A worker finishes a file only
while it still holds the claim, so a file is stored exactly once.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update

from foi.store import tables

X = tables.extractions
LEASE_SECONDS = 120
# A file whose worker died this many times is failed, not retried forever.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Job:
    """A claimed file."""

    sha256: str
    filename: str | None
    content_type: str | None
    size: int | None
    attempts: int


def worker_id(tag: str = "") -> str:
    """host:pid[:tag] — who holds a claim (the pid lets this host spot a dead worker)."""
    return f"{socket.gethostname()[:120]}:{os.getpid()}" + (f":{tag}" if tag else "")


def enqueue(
    conn: Any,
    sha256: str,
    filename: str | None,
    content_type: str | None,
    size: int | None,
    now: datetime,
) -> bool:
    """Queue a file unless it is known already; True if it was new."""
    if conn.execute(select(X.c.state).where(X.c.sha256 == sha256)).first() is not None:
        return False
    values = {
        "sha256": sha256,
        "state": "queued",
        "attempts": 0,
        "filename": (filename or "")[:300] or None,
        "content_type": (content_type or "")[:200] or None,
        "size": size,
        "queued_at": now,
    }
    dialect = _dialect(conn)
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        result = conn.execute(pg_insert(X).values(values).on_conflict_do_nothing())
        return bool(result.rowcount)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        result = conn.execute(sqlite_insert(X).values(values).on_conflict_do_nothing())
        return bool(result.rowcount)
    conn.execute(insert(X).values(values))
    return True


def enqueue_unread(conn: Any, now: datetime) -> int:
    """Queue every stored attachment that was never queued (e.g. imported before 0.3)."""
    A = tables.attachments
    rows = conn.execute(
        select(A.c.sha256, func.min(A.c.filename), func.min(A.c.content_type), func.max(A.c.size))
        .where(~select(X.c.sha256).where(X.c.sha256 == A.c.sha256).exists())
        .group_by(A.c.sha256)
    ).all()
    return sum(enqueue(conn, *row, now) for row in rows)


def _dialect(conn: Any) -> str:
    bind = conn.get_bind() if hasattr(conn, "get_bind") else conn
    return bind.dialect.name


def _dead_here(claimed_by: str | None) -> bool:
    """True if the claim names a process on this machine that no longer exists."""
    if not claimed_by:
        return False
    host, _, rest = claimed_by.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:120] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _claimable(now: datetime, lease: int) -> Any:
    stale = now - timedelta(seconds=lease)
    return or_(X.c.state == "queued", and_(X.c.state == "working", X.c.heartbeat_at < stale))


def release_dead(conn: Any) -> int:
    """Put back in the queue the files held by workers on this machine that have died."""
    rows = conn.execute(select(X.c.sha256, X.c.claimed_by).where(X.c.state == "working")).all()
    dead = [r.sha256 for r in rows if _dead_here(r.claimed_by)]
    if dead:
        conn.execute(
            update(X)
            .where(X.c.sha256.in_(dead), X.c.state == "working")
            .values(state="queued", claimed_by=None, claimed_at=None, heartbeat_at=None)
        )
    return len(dead)


def claim(conn: Any, me: str, now: datetime, lease: int = LEASE_SECONDS) -> Job | None:
    """Take the oldest claimable file for worker `me`; None when there is none."""
    pick = select(X.c.sha256).where(_claimable(now, lease))
    pick = pick.order_by(X.c.queued_at, X.c.sha256).limit(1)
    if _dialect(conn) == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    row = conn.execute(
        update(X)
        .where(X.c.sha256 == pick.scalar_subquery())
        .values(
            state="working",
            claimed_by=me,
            claimed_at=now,
            heartbeat_at=now,
            attempts=X.c.attempts + 1,
        )
        .returning(X.c.sha256, X.c.filename, X.c.content_type, X.c.size, X.c.attempts)
    ).first()
    if row is None:
        return None
    return Job(row.sha256, row.filename, row.content_type, row.size, row.attempts)


def heartbeat(conn: Any, sha256: str, me: str, now: datetime) -> bool:
    """Renew the lease; False if the claim was lost (another worker took the file)."""
    result = conn.execute(
        update(X)
        .where(X.c.sha256 == sha256, X.c.claimed_by == me, X.c.state == "working")
        .values(heartbeat_at=now)
    )
    return bool(result.rowcount)


def still_mine(conn: Any, sha256: str, me: str) -> bool:
    """Lock the row and say whether `me` still holds it (call before storing the result)."""
    query = select(X.c.claimed_by, X.c.state).where(X.c.sha256 == sha256)
    if _dialect(conn) == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return row is not None and row.state == "working" and row.claimed_by == me


def retry_failed(conn: Any, sha256s: list[str] | None = None) -> int:
    """Put failed files back in the queue (all, or the ones named); returns how many."""
    query = update(X).where(X.c.state == "failed")
    if sha256s is not None:
        query = query.where(X.c.sha256.in_(sha256s))
    result = conn.execute(query.values(state="queued", reason=None, attempts=0, done_at=None))
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class Failure:
    sha256: str
    filename: str | None
    reason: str | None
    attempts: int
    references: list[str]


def failures(conn: Any) -> list[Failure]:
    """Every failed file, with its reason and the requests that carry it."""
    A, R = tables.attachments, tables.requests
    rows = conn.execute(
        select(X.c.sha256, X.c.filename, X.c.reason, X.c.attempts)
        .where(X.c.state == "failed")
        .order_by(X.c.done_at, X.c.sha256)
    ).all()
    refs: dict[str, set[str]] = {}
    if rows:
        for sha, ref in conn.execute(
            select(A.c.sha256, R.c.reference)
            .join(R, R.c.id == A.c.request_id)
            .where(A.c.sha256.in_([r.sha256 for r in rows]), R.c.regime != "sar")
        ):
            refs.setdefault(sha, set()).add(ref)
    return [
        Failure(r.sha256, r.filename, r.reason, r.attempts, sorted(refs.get(r.sha256, ())))
        for r in rows
    ]


def counts(conn: Any) -> dict[str, int]:
    """How many files are in each state."""
    found = dict(conn.execute(select(X.c.state, func.count()).group_by(X.c.state)).all())
    return {state: int(found.get(state, 0)) for state in ("queued", "working", "done", "failed")}


def pending(conn: Any, now: datetime, lease: int = LEASE_SECONDS) -> int:
    """Files a worker could claim now."""
    return int(conn.execute(select(func.count()).where(_claimable(now, lease))).scalar_one())
