"""Read raw messages from .eml files, mbox files, Maildir folders and folders of .eml files.

Read-only and pure apart from reading: nothing is parsed here beyond finding where each message
starts and ends (``foi.mail.parse`` does the rest).

Choices worth knowing:

* mbox: a message starts at a line beginning ``From `` that looks like an envelope line (an
  address-ish word, then a time and a year) — the first line of the file always counts.  Checking
  the shape, rather than splitting at every ``From `` as ``mailbox.mbox`` does, keeps an unescaped
  "From 1 April 2024 we ..." in a body from cutting a message in two.  The bytes returned are the
  message exactly as stored, without the ``From `` line and without the blank separator line that
  precedes the next envelope.  ``>From `` quoting is left as stored: un-escaping is only right for
  mboxrd, and mboxo files cannot be told apart from it.  The file is opened read-only (the
  standard ``mailbox.mbox`` opens ``rb+``, and an import must never need write access).
* Maildir: a folder with ``cur/`` and ``new/`` (``tmp/`` is optional and never read, since it
  holds deliveries in progress).  Files from ``cur/`` and ``new/`` are read in file-name order
  (names start with the delivery time) and hidden files are skipped.  The files are read
  directly, so the source label can name the real file.
* A folder that is not a Maildir is read as a folder of mail files: every visible regular file in
  it, in name order, each one an .eml or an mbox by its first line.
* Message numbers in mbox source labels start at 1: ``replies.mbox#1``.
* A message larger than ``spool_bytes`` is not read into memory: a mail file is handed over
  open, and an mbox message is copied to an unnamed temporary file (gone when closed, or
  when a killed run's process ends). It is closed once the consumer asks for the next one.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

__all__ = ["MailSourceError", "RawMessage", "count_messages", "detect_kind", "iter_messages"]

# "From sender Wed Mar 12 14:58:26 2008" and variants: a time and a four-digit year must follow.
_ENVELOPE_RE = re.compile(
    rb"^From \S+ +\S.*(?:\b\d{1,2}:\d{2}\b.*\b\d{4}\b|\b\d{4}\b.*\b\d{1,2}:\d{2}\b)"
)


class MailSourceError(ValueError):
    """A path given for import cannot be read as mail."""


@dataclass(frozen=True)
class RawMessage:
    """One stored message and where it came from.

    A large message comes as `spool`, a binary file positioned at its start, and `raw` is
    empty; read it before asking for the next message (it is closed then).
    """

    source: str
    raw: bytes
    spool: BinaryIO | None = None


def _describe(path: Path, exc: OSError) -> MailSourceError:
    """Turn an OSError into a one-line MailSourceError."""
    if isinstance(exc, FileNotFoundError):
        return MailSourceError(f"{path}: no such file or folder")
    if isinstance(exc, PermissionError):
        return MailSourceError(f"{path}: permission denied")
    if isinstance(exc, IsADirectoryError):
        return MailSourceError(f"{path}: is a folder, not a file")
    return MailSourceError(f"{path}: cannot be read ({exc.strerror or exc})")


def _label(path: Path) -> str:
    """A path as text that can be stored: a name that is not UTF-8 decoded with replacement."""
    return os.fsencode(path).decode("utf-8", errors="replace")


def _is_maildir(path: Path) -> bool:
    """True for a folder holding Maildir's cur/ and new/ subfolders."""
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _folder_files(path: Path) -> list[Path]:
    """Return the visible regular files of a folder, sorted by name."""
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError as exc:
        raise _describe(path, exc) from exc
    files = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_file():
                files.append(Path(entry.path))
        except OSError:
            continue
    return files


def _first_line(path: Path) -> bytes:
    """Return the first line of a file (at most 1 KiB of it)."""
    try:
        with path.open("rb") as handle:
            return handle.readline(1024)
    except OSError as exc:
        raise _describe(path, exc) from exc


def detect_kind(path: Path) -> str:
    """Say what a path holds: 'eml', 'mbox', 'maildir' or 'folder' (a folder of mail files)."""
    path = Path(path)
    try:
        is_dir = path.is_dir()
        exists = is_dir or path.exists()
    except OSError as exc:
        raise _describe(path, exc) from exc
    if not exists:
        raise MailSourceError(f"{path}: no such file or folder")
    if is_dir:
        if _is_maildir(path):
            return "maildir"
        if not os.access(path, os.R_OK | os.X_OK):
            raise MailSourceError(f"{path}: permission denied")
        if _folder_files(path):
            return "folder"
        raise MailSourceError(f"{path}: not a Maildir (no cur/ and new/) and holds no mail files")
    if not path.is_file():
        raise MailSourceError(f"{path}: not a regular file")
    return "mbox" if _first_line(path).startswith(b"From ") else "eml"


def _read_file(path: Path) -> bytes:
    """Read a whole file, turning OS errors into MailSourceError."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _describe(path, exc) from exc


def _strip_separator(lines: list[bytes]) -> bytes:
    """Join a message's lines, dropping the one blank line that separates it from the next."""
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines = lines[:-1]
    return b"".join(lines)


class _Message:
    """The lines of one mbox message, moved to a temporary file once they grow too big."""

    def __init__(self, spool_bytes: int | None) -> None:
        self.lines: list[bytes] = []
        self.size = 0
        self.limit = spool_bytes
        self.file: BinaryIO | None = None
        self._held = b""  # the last blank line: it may be the separator, dropped at the end

    def add(self, line: bytes) -> None:
        if self.file is not None:
            self.file.write(self._held)
            self._held = line if line in (b"\n", b"\r\n") else b""
            if not self._held:
                self.file.write(line)
            return
        self.lines.append(line)
        self.size += len(line)
        if self.limit is not None and self.size > self.limit:
            self.file = tempfile.TemporaryFile()  # noqa: SIM115  (closed by the reader)
            last = self.lines.pop()
            self.file.writelines(self.lines)
            self.lines = []
            self.add(last)

    def message(self, source: str) -> RawMessage:
        if self.file is None:
            return RawMessage(source, _strip_separator(self.lines))
        self.file.flush()
        self.file.seek(0)
        return RawMessage(source, b"", spool=self.file)


def _iter_mbox(path: Path, spool_bytes: int | None = None) -> Iterator[RawMessage]:
    """Yield each message of an mbox file, in file order, without its envelope line."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise _describe(path, exc) from exc
    with handle:
        number = 0
        current: _Message | None = None
        try:
            for line in handle:
                starts = line.startswith(b"From ") and (
                    current is None or _ENVELOPE_RE.match(line) is not None
                )
                if starts:
                    if current is not None:
                        number += 1
                        yield from _handed_over(current.message(f"{_label(path)}#{number}"))
                    current = _Message(spool_bytes)
                elif current is not None:
                    if current.file is None and (
                        spool_bytes is None or current.size + len(line) <= spool_bytes
                    ):
                        # add()'s own path for a line that keeps the message in memory,
                        # inlined: it runs for every line of the mailbox.
                        current.lines.append(line)
                        current.size += len(line)
                    else:
                        current.add(line)
        except OSError as exc:
            raise _describe(path, exc) from exc
        if current is not None:
            number += 1
            yield from _handed_over(current.message(f"{_label(path)}#{number}"))


def _handed_over(message: RawMessage) -> Iterator[RawMessage]:
    """Yield a message, closing its spool file once the consumer moves on."""
    try:
        yield message
    finally:
        if message.spool is not None:
            message.spool.close()


def _read_mail_file(path: Path, spool_bytes: int | None) -> Iterator[RawMessage]:
    """One mail file: read whole, or handed over open when it is larger than spool_bytes."""
    try:
        big = spool_bytes is not None and path.stat().st_size > spool_bytes
        if big:
            handle = path.open("rb")
    except OSError as exc:
        raise _describe(path, exc) from exc
    if not big:
        yield RawMessage(_label(path), _read_file(path))
        return
    with contextlib.closing(handle):
        try:
            head = handle.read(_HEAD_BYTES)
            handle.seek(0)
        except OSError as exc:
            raise _describe(path, exc) from exc
        if not _looks_like_mail(head):
            # Checked before a big file is read: a disk image or a sparse file is not mail.
            raise MailSourceError(
                f"{_label(path)}: not mail (a large file that does not start with mail "
                "headers): leave it out of the import"
            )
        yield RawMessage(_label(path), b"", spool=handle)  # type: ignore[arg-type]


_HEAD_BYTES = 64 * 1024
_HEADER_LINE = re.compile(rb"[\x21-\x39\x3b-\x7e]+[ \t]*:")


def _looks_like_mail(head: bytes) -> bool:
    """Whether the start of a file is a mail header (or an mbox envelope), with no NUL bytes."""
    return b"\x00" not in head and (
        head.startswith(b"From ") or _HEADER_LINE.match(head.lstrip(b"\r\n")) is not None
    )


def _maildir_files(path: Path) -> list[Path]:
    """Return the message files of a Maildir's cur/ and new/, sorted by file name."""
    files: list[Path] = []
    for sub in ("cur", "new"):
        files.extend(_folder_files(path / sub))
    return sorted(files, key=lambda f: (f.name, f.parent.name))


def _iter_one(path: Path, spool_bytes: int | None = None) -> Iterator[RawMessage]:
    """Yield the messages of one path of any supported kind."""
    kind = detect_kind(path)
    if kind == "eml":
        yield from _read_mail_file(path, spool_bytes)
    elif kind == "mbox":
        yield from _iter_mbox(path, spool_bytes)
    elif kind == "maildir":
        for file in _maildir_files(path):
            yield from _read_mail_file(file, spool_bytes)
    else:
        for file in _folder_files(path):
            if _first_line(file).startswith(b"From "):
                yield from _iter_mbox(file, spool_bytes)
            else:
                yield from _read_mail_file(file, spool_bytes)


def iter_messages(paths: Sequence[Path], spool_bytes: int | None = None) -> Iterator[RawMessage]:
    """Yield every stored message of the given paths, in a stable order.

    A message over `spool_bytes` comes as an open file (`RawMessage.spool`), not in memory.
    """
    for path in paths:
        yield from _iter_one(Path(path), spool_bytes)


def _count_mbox(path: Path) -> int:
    """Count the messages of an mbox file without keeping them."""
    try:
        with path.open("rb") as handle:
            count = 0
            for line in handle:
                if line.startswith(b"From ") and (count == 0 or _ENVELOPE_RE.match(line)):
                    count += 1
            return count
    except OSError as exc:
        raise _describe(path, exc) from exc


def count_messages(paths: Sequence[Path]) -> int:
    """Count the messages iter_messages would yield (for a progress bar)."""
    total = 0
    for path in paths:
        path = Path(path)
        kind = detect_kind(path)
        if kind == "eml":
            total += 1
        elif kind == "mbox":
            total += _count_mbox(path)
        elif kind == "maildir":
            total += len(_maildir_files(path))
        else:
            for file in _folder_files(path):
                is_mbox = _first_line(file).startswith(b"From ")
                total += _count_mbox(file) if is_mbox else 1
    return total
