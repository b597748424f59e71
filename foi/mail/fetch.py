"""Reading replies from an IMAP folder exactly once (`foi inbox fetch` and the daemon's poll).

The record of how far a folder has been read (``ImapFolder``: its UIDVALIDITY and the last
UID imported) is updated in the same transaction as the messages of each batch, under a row
lock (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` locks the whole
database). So:

* a crash or ``kill -9`` mid-fetch loses at most the batch in progress, which the next fetch
  reads again; nothing committed is read twice;
* two readers at once (two daemons on one database, or a daemon and a volunteer) each lock
  the row before a batch and skip the UIDs the other has already committed: each message
  is imported once, by one of them;
* a changed UIDVALIDITY (the server renumbered the folder) starts the folder again from UID
  1; the messages already imported are then recognised by the content dedupe of the import
  (Message-ID, else SHA-256) and counted as duplicates, never stored twice;
* ``move_to`` moves messages only after the transaction that imported them has committed.
  Their UIDs are recorded as "to move" in that transaction, so a crash between the commit
  and the move leaves them to be moved by the next fetch with ``move_to``.

Messages are downloaded batch by batch (at most ``batch_size`` messages and, unless a single
message is larger, ``batch_bytes``), so a large mailbox never sits in memory at once.

Takes an engine (it commits batch by batch, like the reminder pass), never prints and never
reads the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foi.mail.imap import FetchedMessage, ImapMailbox
from foi.mail.inbox import BATCH, Summary, import_batches
from foi.mail.sources import RawMessage
from foi.store.engine import session_scope
from foi.store.models import ImapFolder

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

BATCH_BYTES = 64 * 1024 * 1024  # a batch is held in memory: big attachments make it smaller


@dataclass
class FetchResult:
    """What one fetch did: the import summary of new messages, and the folder's state."""

    summary: Summary
    account: str
    folder: str
    uidvalidity: int
    last_uid: int
    renumbered: bool  # the server changed UIDVALIDITY since the last fetch
    moved: int
    move_to: str | None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape: the import summary's keys, then the folder's."""
        return {
            **self.summary.as_dict(),
            "folder": self.folder,
            "uidvalidity": self.uidvalidity,
            "last_uid": self.last_uid,
            "renumbered": self.renumbered,
            "moved": self.moved,
            "move_to": self.move_to,
        }


def _ensure_row(session: Session, account: str, folder: str) -> None:
    """Create the folder's record if missing (two readers at once: one insert wins)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(
        insert(ImapFolder)
        .values(account=account, folder=folder, last_uid=0)
        .on_conflict_do_nothing(index_elements=["account", "folder"])
    )


def lock_folder(session: Session, account: str, folder: str) -> ImapFolder:
    """The folder's record, locked until the transaction ends (created when missing)."""
    _ensure_row(session, account, folder)
    row = session.scalars(
        select(ImapFolder)
        .where(ImapFolder.account == account, ImapFolder.folder == folder)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return row


def _batched(
    uids: Sequence[int], size: int, sizes: dict[int, int], limit: int
) -> Iterator[list[int]]:
    """UIDs in batches of at most `size` messages and (unless one is larger) `limit` bytes."""
    batch: list[int] = []
    used = 0
    for uid in uids:
        n = sizes.get(uid, 0)
        if batch and (len(batch) >= size or used + n > limit):
            yield batch
            batch, used = [], 0
        batch.append(uid)
        used += n
    if batch:
        yield batch


def fetch_new(
    engine: Engine,
    mailbox: ImapMailbox,
    *,
    folder: str,
    today: date,
    now: datetime,
    own_addresses: Iterable[str],
    max_attachment_bytes: int,
    since: date | None = None,
    move_to: str | None = None,
    batch_size: int = BATCH,
    batch_bytes: int = BATCH_BYTES,
    progress: Callable[[int, int], None] | None = None,
) -> FetchResult:
    """Import the folder's messages not imported before; `progress(done, total)` per batch."""
    account = mailbox.config.account
    if move_to is not None:
        mailbox.check_folder(move_to)
    uidvalidity = mailbox.open(folder)
    with session_scope(engine) as s:
        row = lock_folder(s, account, folder)
        renumbered = row.uidvalidity is not None and row.uidvalidity != uidvalidity
        if row.uidvalidity != uidvalidity:
            # New folder, or the server renumbered it: every UID is new to us; the content
            # dedupe of the import recognises what is already stored.
            row.uidvalidity, row.last_uid, row.to_move = uidvalidity, 0, None
        start = row.last_uid
        leftover = list(row.to_move or [])
    moved = 0
    if move_to is not None and leftover:
        moved += _move(engine, mailbox, account, folder, uidvalidity, leftover, move_to)
    every = mailbox.uids(after=start)
    wanted = mailbox.uids(after=start, since=since) if since is not None else every
    total = len(wanted)
    done = 0
    if progress is not None:
        progress(0, total)

    sizes = mailbox.sizes(wanted)

    def batches() -> Iterator[list[RawMessage]]:
        for uids in _batched(wanted, batch_size, sizes, batch_bytes):
            yield list(mailbox.fetch(uids))

    def claim(session: Session, batch: Sequence[RawMessage]) -> list[RawMessage]:
        nonlocal done
        done += len(batch)
        row = lock_folder(session, account, folder)
        if row.uidvalidity != uidvalidity:
            return []  # another reader saw the folder renumbered meanwhile: it re-reads it
        got = [m for m in batch if isinstance(m, FetchedMessage)]
        fresh = [m for m in got if m.uid > row.last_uid]
        row.last_uid = max([row.last_uid, *(m.uid for m in got)])
        if move_to is not None and fresh:
            row.to_move = sorted({*(row.to_move or []), *(m.uid for m in fresh)})
        return list(fresh)

    def committed(messages: Sequence[RawMessage]) -> None:
        nonlocal moved
        if move_to is not None and messages:
            uids = [m.uid for m in messages if isinstance(m, FetchedMessage)]
            moved += _move(engine, mailbox, account, folder, uidvalidity, uids, move_to)
        if progress is not None:
            progress(min(done, total), total)

    summary = import_batches(
        engine,
        batches(),
        today=today,
        now=now,
        own_addresses=own_addresses,
        max_attachment_bytes=max_attachment_bytes,
        claim=claim,
        committed=committed,
    )
    with session_scope(engine) as s:
        row = lock_folder(s, account, folder)
        # The stored UID is the last message imported, never one a --since filter skipped:
        # older mail below it is passed over, mail above it is read by the next fetch.
        row.last_read_at = now
        last_uid = row.last_uid
    return FetchResult(
        summary=summary,
        account=account,
        folder=folder,
        uidvalidity=uidvalidity,
        last_uid=last_uid,
        renumbered=renumbered,
        moved=moved,
        move_to=move_to,
    )


def _move(
    engine: Engine,
    mailbox: ImapMailbox,
    account: str,
    folder: str,
    uidvalidity: int,
    uids: Sequence[int],
    move_to: str,
) -> int:
    """Move committed messages, then forget them from the folder's "to move" list."""
    mailbox.move(uids, move_to)
    with session_scope(engine) as s:
        row = lock_folder(s, account, folder)
        if row.uidvalidity == uidvalidity:
            gone = set(uids)
            row.to_move = [u for u in (row.to_move or []) if u not in gone] or None
    return len(uids)
