"""Evidence bytes (raw mail and attachments) kept in the database, content-addressed by SHA-256.

This is the one place that knows where evidence bytes live. Everything else stores and
reads them through this interface, each call taking the caller's SQLAlchemy session:

- ``put_bytes(session, data) -> sha``: store bytes (once); returns their SHA-256.
- ``put_stream(session, fileobj, max_bytes=None, *, name="stream") -> (sha, size)``: store
  a binary stream, read 1 MiB at a time (never whole in memory); ``BlobError`` past
  ``max_bytes`` (``name`` is for its message).
- ``put_file(session, path, max_bytes=None) -> (sha, size)``: the same for a regular file.
- ``exists(session, sha) -> bool``.
- ``open_blob(session, sha) -> BinaryIO``: a readable stream, fetched chunk by chunk and
  verified against the hash: a read that reaches the end of a corrupt blob raises ``BlobError``.
- ``read_blob(session, sha) -> bytes``: the whole blob, verified.
- ``export_blob(session, sha, dest_dir, filename, now=None) -> Path``: write a blob out as
  ``dest_dir/<safe name>`` (``safe_filename``; "name (2).pdf" if taken, never overwriting),
  atomically and mode 600; a corrupt blob leaves no file. With ``now`` (``time.time()``
  from the CLI), stale temporary files of a killed export in ``dest_dir`` are removed.
- ``check(session) -> list[str]``: every problem, one line each (a blob whose bytes do not
  match its hash or size, missing chunks, a reference to a missing blob, a blob nothing refers
  to); empty when all is well. ``REFERENCES`` lists the columns that refer to blobs: a
  module that adds one appends it. ``unreferenced(session)`` and
  ``remove_if_unreferenced(session, sha)`` find and delete blobs nothing refers to (the
  latter under a row lock that a reuse by ``put_stream`` respects); ``missing_references``
  lists rows whose blob is not stored.
- ``legacy_files(root)``, ``wanted_from_folder(session, root)``, ``adopt_file(session, sha,
  path)``, ``legacy_note(...)``: moving a 0.1.0 file store in (``foi db upgrade``).

Storage: two tables, ``blobs`` (one row per distinct content: sha256, size) and
``blob_chunks`` (the bytes in pieces of ``CHUNK_SIZE`` = 1 MiB; ``LargeBinary``, i.e. BLOB on
SQLite and bytea on PostgreSQL). Chosen over PostgreSQL large objects because chunk rows are
ordinary rows: the same code and tests on SQLite and PostgreSQL; copied whole by ``pg_dump``
and by SQLite's online backup (``foi db backup``) with nothing else to carry; written in the
same transaction as the rows that refer to them and removed with them (large objects need
``lo_unlink``/``vacuumlo`` and do not exist on SQLite). 1 MiB pieces keep each statement's
parameter and each fetched row small, so a 200 MB attachment is never whole in memory, and
stay far below bytea's 1 GB and SQLite's 1 GB value limits.

Transactions: every write goes into the caller's session and commits with the rows that refer
to it, so a kill or a full disk leaves neither a blob without its row nor a row without its
blob. A stream, whose hash is known only at its end, is written under a ``pending-…`` key and
renamed when done (or dropped when the same content is already stored).

Never commits, never prints, never reads the clock.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import stat
import tempfile
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from foi.errors import FoiError
from foi.files import FileWriteError, ensure_dir, fsync_dir, remove_stale_temp_files
from foi.store.models import Attachment, Blob, BlobChunk, InboxMessage, Redaction

CHUNK_SIZE = 1024 * 1024
MAX_FILENAME_CHARS = 150
# Most filesystems allow 255 bytes per name; leave room for " (999)" and multi-byte letters.
MAX_FILENAME_BYTES = 240
PENDING = "pending-"
# Exports are written as ".<name>.<random>.tmp", like foi.files: remove_stale_temp_files
# clears ones a killed run left behind.
TEMP_SUFFIX = ".tmp"
# The columns that refer to a blob by its sha256. A module that adds one appends it here,
# so that `check` counts its references and never reports its blobs as unreferenced.
REFERENCES: list[tuple[str, object]] = [
    ("inbox message", InboxMessage.sha256),
    ("attachment", Attachment.sha256),
    ("redacted copy", Redaction.sha256),
]
LEGACY_NOTE = "README-MOVED-INTO-DATABASE.txt"

_SHA_RE = re.compile(r"[0-9a-f]{64}")
_BLOBS = Blob.__table__
_CHUNKS = BlobChunk.__table__
# Characters Windows forbids in names, besides separators and control characters.
_FORBIDDEN = re.compile(r'[<>:"|?*]')
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)

#: Test hook: called with the piece about to be written; a test makes it raise to simulate
#: a full disk or a crash mid-write. None in normal use.
fault_hook: Callable[[bytes], None] | None = None


class BlobError(FoiError):
    """A blob that is missing, corrupt, too large or cannot be written."""


class BlobInputError(BlobError):
    """A file or folder a person named that cannot be stored or written to (exit code 2)."""

    exit_code = 2


def sha256_bytes(data: bytes) -> str:
    """The SHA-256 of some bytes, as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


def _valid(sha: str) -> str:
    """The sha itself, or BlobError if it is not 64 lowercase hex digits."""
    if not isinstance(sha, str) or not _SHA_RE.fullmatch(sha):
        raise BlobError(f"'{sha}' is not a SHA-256 (64 lowercase hex digits)")
    return sha


def _describe(exc: OSError) -> str:
    """An OSError as a short phrase: 'Permission denied', 'No space left on device'."""
    return exc.strerror or exc.__class__.__name__


# -- writing -------------------------------------------------------------------------------


# Statements run on the session's connection (its transaction) as Core: evidence rows are
# never ORM objects, so the ORM's per-statement work and autoflush are not needed.
_FIND = select(_BLOBS.c.id, _BLOBS.c.size).where(_BLOBS.c.sha256 == bindparam("sha"))
_FIND_KEPT = _FIND.with_for_update(key_share=True)  # FOR KEY SHARE on PostgreSQL
_CHUNK_INSERT = insert(_CHUNKS)


def _find(session: Session, sha: str) -> tuple[int, int] | None:
    """(id, size) of a stored blob, or None."""
    row = session.connection().execute(_FIND, {"sha": sha}).first()
    return (row[0], row[1]) if row else None


def _new_blob(session: Session, key: str, size: int) -> int | None:
    """Insert a blob row; None when that sha is stored already (by us or, meanwhile, another)."""
    conn = session.connection()
    # On PostgreSQL it waits for a concurrent transaction inserting the same sha, then skips it.
    stmt = _NEW_SQLITE if conn.dialect.name == "sqlite" else _NEW_PG
    row = conn.execute(stmt, {"sha": key, "size": size}).first()
    return int(row[0]) if row else None


_NEW_SQLITE, _NEW_PG = (
    dialect_insert(_BLOBS)
    .values(sha256=bindparam("sha"), size=bindparam("size"))
    .on_conflict_do_nothing(index_elements=["sha256"])
    .returning(_BLOBS.c.id)
    for dialect_insert in (sqlite_insert, pg_insert)
)


def _write_chunk(session: Session, blob_id: int, seq: int, piece: bytes) -> None:
    """Insert one piece of a blob."""
    if fault_hook is not None:
        fault_hook(piece)
    session.connection().execute(_CHUNK_INSERT, {"blob_id": blob_id, "seq": seq, "data": piece})


def put_bytes(session: Session, data: bytes, *, sha: str | None = None) -> str:
    """Store bytes once (in the caller's transaction) and return their SHA-256.

    `sha`: their SHA-256 when the caller has just computed it (not computed again)."""
    view = memoryview(data).cast("B")
    if sha is None:
        sha = hashlib.sha256(view).hexdigest()
    blob_id = _new_blob(session, sha, len(view))
    if blob_id is None:
        return sha
    for seq, start in enumerate(range(0, len(view), CHUNK_SIZE)):
        _write_chunk(session, blob_id, seq, bytes(view[start : start + CHUNK_SIZE]))
    return sha


def put_stream(
    session: Session, fileobj: BinaryIO, max_bytes: int | None = None, *, name: str = "stream"
) -> tuple[str, int]:
    """Store a binary stream read in 1 MiB pieces; returns (sha, size). BlobError if too big."""
    key = PENDING + uuid.uuid4().hex
    blob_id = _new_blob(session, key, 0)
    if blob_id is None:  # a random key cannot collide
        raise BlobError("cannot start storing a file: try again")
    digest = hashlib.sha256()
    size = seq = 0
    while True:
        piece = _read_piece(fileobj, name)
        if not piece:
            break
        size += len(piece)
        if max_bytes is not None and size > max_bytes:
            raise BlobError(f"{name} is larger than the limit of {max_bytes} bytes")
        digest.update(piece)
        _write_chunk(session, blob_id, seq, piece)
        seq += 1
    sha = digest.hexdigest()
    # Reusing a stored blob locks its row against removal until this transaction ends.
    kept = session.connection().execute(_FIND_KEPT, {"sha": sha}).first()
    if kept is None and _rename(session, blob_id, sha, size):
        return sha, size
    # The same content is already stored: drop this copy.
    session.connection().execute(delete(_CHUNKS).where(_CHUNKS.c.blob_id == blob_id))
    session.connection().execute(delete(_BLOBS).where(_BLOBS.c.id == blob_id))
    return sha, size


def _rename(session: Session, blob_id: int, sha: str, size: int) -> bool:
    """Give a pending blob its sha; False when another transaction committed it meanwhile."""
    stmt = update(_BLOBS).where(_BLOBS.c.id == blob_id).values(sha256=sha, size=size)
    if session.connection().dialect.name == "sqlite":
        session.connection().execute(stmt)  # writers are serialised: no one else can add it
        return True
    try:
        with session.begin_nested():
            session.connection().execute(stmt)
    except IntegrityError:
        return False
    return True


def _read_piece(fileobj: BinaryIO, name: str) -> bytes:
    """Up to CHUNK_SIZE bytes (fewer only at the end), as an OSError-free BlobError."""
    try:
        piece = fileobj.read(CHUNK_SIZE)
        if not piece or len(piece) == CHUNK_SIZE:
            return bytes(piece or b"")
        parts = [piece]  # a pipe or socket may return less: fill the piece
        have = len(piece)
        while have < CHUNK_SIZE:
            more = fileobj.read(CHUNK_SIZE - have)
            if not more:
                break
            parts.append(more)
            have += len(more)
    except OSError as exc:
        raise BlobError(f"cannot read {name}: {_describe(exc)}") from exc
    return b"".join(parts)


def put_file(session: Session, path: Path, max_bytes: int | None = None) -> tuple[str, int]:
    """Store a regular file by streaming it; returns (sha, size). BlobError if too big."""
    source = Path(path)
    try:
        info = source.stat()
    except OSError as exc:
        raise BlobInputError(f"cannot read {source}: {_describe(exc)}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise BlobInputError(f"cannot store {source}: it is not a regular file")
    if max_bytes is not None and info.st_size > max_bytes:
        raise BlobInputError(f"{source} is larger than the limit of {max_bytes} bytes")
    try:
        fh = source.open("rb")
    except OSError as exc:
        raise BlobInputError(f"cannot read {source}: {_describe(exc)}") from exc
    with fh:
        return put_stream(session, fh, max_bytes, name=str(source))


# -- reading -------------------------------------------------------------------------------


def exists(session: Session, sha: str) -> bool:
    """Whether a blob is stored (its content is not checked; see `check`)."""
    return _find(session, _valid(sha)) is not None


def _missing(sha: str) -> BlobError:
    return BlobError(
        f"stored file {sha} is not in the database: run 'foi db check', and import the "
        "message again or restore a backup"
    )


def _corrupt(sha: str) -> BlobError:
    return BlobError(
        f"stored file {sha} is corrupt (its content no longer matches its hash): restore "
        "the database from a backup or import the message again"
    )


class BlobReader(io.RawIOBase):
    """A blob read piece by piece from the database and checked against its hash at the end."""

    def __init__(self, session: Session, sha: str, blob_id: int, size: int) -> None:
        super().__init__()
        self._session, self.sha, self._id, self.size = session, sha, blob_id, size
        self._seq = 0
        self._buf = b""
        self._pos = 0
        self._done = False
        self._digest = hashlib.sha256()
        self._seen = 0

    def readable(self) -> bool:
        return True

    def _next_piece(self) -> bytes:
        """The next stored piece, or b'' at the end (after verifying the whole blob)."""
        if self._done:
            return b""
        piece = self._session.scalar(
            select(BlobChunk.data).where(BlobChunk.blob_id == self._id, BlobChunk.seq == self._seq)
        )
        if piece is None:
            self._done = True
            if self._seen != self.size or self._digest.hexdigest() != self.sha:
                raise _corrupt(self.sha)
            return b""
        piece = bytes(piece)
        self._seq += 1
        self._seen += len(piece)
        self._digest.update(piece)
        return piece

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(b).cast("B")
        while self._pos >= len(self._buf):
            self._buf, self._pos = self._next_piece(), 0
            if not self._buf:
                return 0
        n = min(len(view), len(self._buf) - self._pos)
        view[:n] = self._buf[self._pos : self._pos + n]
        self._pos += n
        return n

    def readall(self) -> bytes:
        parts = [self._buf[self._pos :]]
        self._buf, self._pos = b"", 0
        while piece := self._next_piece():
            parts.append(piece)
        return b"".join(parts)


def open_blob(session: Session, sha: str) -> BinaryIO:
    """A readable binary stream of a blob; reading a corrupt blob to its end raises BlobError."""
    found = _find(session, _valid(sha))
    if found is None:
        raise _missing(sha)
    return io.BufferedReader(BlobReader(session, sha, *found), CHUNK_SIZE)  # type: ignore[return-value]


def read_blob(session: Session, sha: str) -> bytes:
    """A blob's bytes, verified against its hash."""
    with open_blob(session, sha) as fh:
        return fh.read()


def export_blob(
    session: Session, sha: str, dest_dir: Path, filename: str, *, now: float | None = None
) -> Path:
    """Write a blob out as `dest_dir/<safe filename>` (never overwriting), atomically, mode 600.

    Given `now` (a POSIX timestamp from the caller), temporary files that a killed export
    left in `dest_dir` over an hour ago are removed first.
    """
    dest_dir = Path(dest_dir)
    name = safe_filename(filename)
    reader = open_blob(session, sha)
    try:
        ensure_dir(dest_dir)
    except FileWriteError as exc:
        raise BlobInputError(exc.message) from None
    if now is not None:
        remove_stale_temp_files(dest_dir, now)
    try:
        fd, tmp = tempfile.mkstemp(dir=dest_dir, prefix=f".{name[:40]}.", suffix=TEMP_SUFFIX)
    except OSError as exc:
        raise BlobInputError(f"cannot write to {dest_dir}: {_describe(exc)}") from exc
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out, reader:
            while piece := reader.read(CHUNK_SIZE):
                out.write(piece)
            out.flush()
            os.fsync(out.fileno())
        final = _claim_name(Path(tmp), dest_dir, name)
    except OSError as exc:
        _discard(tmp)
        raise BlobError(f"cannot export to {dest_dir}: {_describe(exc)}") from exc
    except BaseException:
        _discard(tmp)
        raise
    fsync_dir(dest_dir)
    return final


def _discard(path: str | Path) -> None:
    """Remove a temporary file if it is still there."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _claim_name(tmp: Path, dest_dir: Path, name: str) -> Path:
    """Give a finished temporary file the first free name: 'report.pdf', 'report (2).pdf'…"""
    stem, ext = _split_ext(name)
    n = 1
    while True:
        candidate = dest_dir / (name if n == 1 else f"{stem} ({n}){ext}")
        try:
            # A hard link fails if the name is taken, so a file that appears meanwhile is
            # never overwritten; then the temporary name is dropped.
            os.link(tmp, candidate)
        except FileExistsError:
            n += 1
            continue
        except OSError:
            # No hard links here (some network or FAT filesystems): check, then rename.
            if candidate.exists():
                n += 1
                continue
            os.replace(tmp, candidate)
            return candidate
        _discard(tmp)
        return candidate


# -- checking ------------------------------------------------------------------------------


def _verify(session: Session, blob_id: int, sha: str, size: int) -> str | None:
    """What is wrong with one stored blob, or None (its pieces read one at a time)."""
    seqs = list(
        session.scalars(
            select(BlobChunk.seq).where(BlobChunk.blob_id == blob_id).order_by(BlobChunk.seq)
        )
    )
    if seqs != list(range(len(seqs))):
        gap = next(n for n, seq in enumerate([*seqs, -1]) if seq != n)
        return f"blob {sha} is missing piece {gap}"
    digest = hashlib.sha256()
    seen = 0
    for seq in seqs:
        piece = session.scalar(
            select(BlobChunk.data).where(BlobChunk.blob_id == blob_id, BlobChunk.seq == seq)
        )
        digest.update(piece or b"")
        seen += len(piece or b"")
    if seen != size:
        return f"blob {sha} holds {seen} bytes where {size} were stored"
    if digest.hexdigest() != sha:
        return f"blob {sha} is corrupt: its bytes no longer match its hash"
    return None


def check(session: Session) -> list[str]:
    """Every problem with stored evidence, one line each; an empty list when all is well."""
    problems: list[str] = []
    referenced: set[str] = set()
    for _, column in REFERENCES:
        referenced.update(session.scalars(select(column).distinct()))  # type: ignore[call-overload]
    stored: set[str] = set()
    for blob_id, sha, size in session.execute(
        select(Blob.id, Blob.sha256, Blob.size).order_by(Blob.sha256)
    ):
        stored.add(sha)
        if sha.startswith(PENDING):
            problems.append(f"blob {sha} was never finished (a write that did not complete)")
            continue
        wrong = _verify(session, blob_id, sha, size)
        if wrong:
            problems.append(wrong)
        if sha not in referenced:
            problems.append(f"blob {sha} ({size} bytes) is referred to by nothing")
    return problems + missing_references(session)


def missing_references(session: Session) -> list[str]:
    """Rows that refer to a blob that is not stored, one line each."""
    problems = []
    for what, column in REFERENCES:
        table = column.class_  # type: ignore[attr-defined]
        for row_id, sha in session.execute(
            select(table.id, column).where(column.not_in(select(Blob.sha256))).order_by(table.id)  # type: ignore[attr-defined]
        ):
            problems.append(f"{what} {row_id} refers to blob {sha}, which is not stored")
    return problems


def unreferenced(session: Session) -> list[str]:
    """Shas of stored blobs that nothing refers to."""
    return [sha for sha, _ in unreferenced_sizes(session)]


def unreferenced_sizes(session: Session) -> list[tuple[str, int]]:
    """(sha, size) of stored, finished blobs that nothing refers to, by sha."""
    stmt = select(Blob.sha256, Blob.size).where(Blob.sha256.not_like(f"{PENDING}%"))
    for _, column in REFERENCES:
        stmt = stmt.where(Blob.sha256.not_in(select(column)))  # type: ignore[call-overload]
    return [(sha, size) for sha, size in session.execute(stmt.order_by(Blob.sha256))]


def remove_if_unreferenced(session: Session, sha: str) -> bool:
    """Delete a blob if nothing refers to it; False if something does (or it is not stored).

    The blob's row is locked first and its references counted after, so an import that
    reuses the same bytes meanwhile (it locks the row too: `put_stream`) either commits its
    reference first, and the blob stays, or finds it gone and stores the bytes anew.
    """
    row = session.connection().execute(_FIND.with_for_update(), {"sha": _valid(sha)}).first()
    if row is None:
        return False
    for _, column in REFERENCES:
        if session.execute(select(column).where(column == sha).limit(1)).first() is not None:
            return False
    session.execute(delete(_CHUNKS).where(_CHUNKS.c.blob_id == row[0]))
    session.execute(delete(_BLOBS).where(_BLOBS.c.id == row[0]))
    return True


# -- the 0.1.0 file store --------------------------------------------------------------------


def legacy_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(sha, path) of every blob in a 0.1.0 store: `<root>/<sha[:2]>/<sha>`, sorted."""
    root = Path(root)
    if not root.is_dir():
        return
    for folder in sorted(root.iterdir()):
        if not (len(folder.name) == 2 and folder.is_dir()):
            continue
        for entry in sorted(folder.iterdir()):
            name = entry.name
            if _SHA_RE.fullmatch(name) and name[:2] == folder.name and entry.is_file():
                yield name, entry


def unheld_references(session: Session) -> set[str]:
    """The hashes the database refers to (messages, attachments) but does not hold."""
    missing: set[str] = set()
    for _, column in REFERENCES:
        missing.update(
            session.scalars(
                select(column).distinct().where(column.not_in(select(Blob.sha256)))  # type: ignore[call-overload]
            )
        )
    missing.discard(None)  # type: ignore[arg-type]
    return missing


def wanted_from_folder(session: Session, root: Path) -> list[tuple[str, Path]]:
    """The files of a 0.1.0 store that the database refers to but does not hold yet."""
    missing = unheld_references(session)
    return [(sha, path) for sha, path in legacy_files(root) if sha in missing]


def adopt_file(session: Session, sha: str, path: Path) -> str | None:
    """Copy one 0.1.0 file into the database, its hash verified first; a problem, or None."""
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as fh:
            while piece := fh.read(CHUNK_SIZE):
                digest.update(piece)
    except OSError as exc:
        return f"cannot read {path}: {_describe(exc)}; not moved"
    if digest.hexdigest() != sha:
        return f"{path} is corrupt (its content no longer matches its name); not moved"
    try:
        got, _ = put_file(session, path)
    except BlobError as exc:
        return str(exc)
    if got != sha:  # it changed between the check and the copy
        raise BlobError(f"{path} changed while it was being moved: run 'foi db upgrade' again")
    return None


def legacy_note(root: Path, moved: int, left: int) -> str:
    """The README left in a 0.1.0 store once its files are in the database."""
    return (
        "foi keeps attachments and raw mail in its database since version 0.2.\n\n"
        f"'foi db upgrade' copied the {moved} files of this folder that the database refers\n"
        "to into the database, each one checked against its SHA-256. "
        + (
            f"{left} files that the database\ndoes not refer to (left over from interrupted "
            "imports) were not copied.\n\n"
            if left
            else "\n\n"
        )
        + "Once 'foi db check' reports no problems and you have a backup of the database\n"
        "('foi db backup FILE', or pg_dump on PostgreSQL), you may delete this folder:\n\n"
        f"    rm -r '{root}'\n"
    )


# -- names -----------------------------------------------------------------------------------


def _split_ext(name: str) -> tuple[str, str]:
    """'report.final.pdf' -> ('report.final', '.pdf'); no extension -> (name, '')."""
    stem, dot, ext = name.rpartition(".")
    if dot and stem and 0 < len(ext) <= 16 and not ext.isspace():
        return stem, "." + ext
    return name, ""


def _truncate(stem: str, ext: str) -> str:
    """Shorten the stem so stem+ext fits both the character and the byte limit."""
    stem = stem[: max(MAX_FILENAME_CHARS - len(ext), 1)]
    while stem and len((stem + ext).encode("utf-8")) > MAX_FILENAME_BYTES:
        stem = stem[:-1]
    return stem.rstrip(". ") + ext


def safe_filename(name: str | None, fallback: str = "attachment") -> str:
    """A sender-supplied name reduced to a safe basename ('../../etc/passwd' -> 'passwd')."""
    if fallback != "attachment":
        fallback = safe_filename(fallback)
    if not name:
        return fallback
    text = unicodedata.normalize("NFC", str(name))
    # Control, format (e.g. the right-to-left override used to disguise 'exe.pdf'),
    # surrogate and unassigned characters go; letters of every script stay.
    text = "".join(
        ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    parts = [p for p in text.replace("\\", "/").split("/") if p.strip()]
    if not parts:
        return fallback
    text = parts[-1]
    text = _FORBIDDEN.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = text.lstrip(". ").rstrip(". ")
    if not text or set(text) <= {"_", ".", " "}:
        return fallback
    if text.split(".")[0].strip().lower() in _WINDOWS_RESERVED:
        text = "_" + text
    stem, ext = _split_ext(text)
    if len(text) > MAX_FILENAME_CHARS or len(text.encode("utf-8")) > MAX_FILENAME_BYTES:
        text = _truncate(stem, ext)
    return text or fallback
