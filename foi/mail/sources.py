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
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MailSourceError", "RawMessage", "count_messages", "detect_kind", "iter_messages"]

# "From sender Wed Mar 12 14:58:26 2008" and variants: a time and a four-digit year must follow.
_ENVELOPE_RE = re.compile(
    rb"^From \S+ +\S.*(?:\b\d{1,2}:\d{2}\b.*\b\d{4}\b|\b\d{4}\b.*\b\d{1,2}:\d{2}\b)"
)


class MailSourceError(ValueError):
    """A path given for import cannot be read as mail."""


@dataclass(frozen=True)
class RawMessage:
    """One stored message and where it came from."""

    source: str
    raw: bytes


def _describe(path: Path, exc: OSError) -> MailSourceError:
    """Turn an OSError into a one-line MailSourceError."""
    if isinstance(exc, FileNotFoundError):
        return MailSourceError(f"{path}: no such file or folder")
    if isinstance(exc, PermissionError):
        return MailSourceError(f"{path}: permission denied")
    if isinstance(exc, IsADirectoryError):
        return MailSourceError(f"{path}: is a folder, not a file")
    return MailSourceError(f"{path}: cannot be read ({exc.strerror or exc})")


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


def _iter_mbox(path: Path) -> Iterator[RawMessage]:
    """Yield each message of an mbox file, in file order, without its envelope line."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise _describe(path, exc) from exc
    with handle:
        number = 0
        lines: list[bytes] | None = None
        try:
            for line in handle:
                starts = line.startswith(b"From ") and (
                    lines is None or _ENVELOPE_RE.match(line) is not None
                )
                if starts:
                    if lines is not None:
                        number += 1
                        yield RawMessage(f"{path}#{number}", _strip_separator(lines))
                    lines = []
                elif lines is not None:
                    lines.append(line)
        except OSError as exc:
            raise _describe(path, exc) from exc
        if lines is not None:
            number += 1
            yield RawMessage(f"{path}#{number}", _strip_separator(lines))


def _maildir_files(path: Path) -> list[Path]:
    """Return the message files of a Maildir's cur/ and new/, sorted by file name."""
    files: list[Path] = []
    for sub in ("cur", "new"):
        files.extend(_folder_files(path / sub))
    return sorted(files, key=lambda f: (f.name, f.parent.name))


def _iter_one(path: Path) -> Iterator[RawMessage]:
    """Yield the messages of one path of any supported kind."""
    kind = detect_kind(path)
    if kind == "eml":
        yield RawMessage(str(path), _read_file(path))
    elif kind == "mbox":
        yield from _iter_mbox(path)
    elif kind == "maildir":
        for file in _maildir_files(path):
            yield RawMessage(str(file), _read_file(file))
    else:
        for file in _folder_files(path):
            if _first_line(file).startswith(b"From "):
                yield from _iter_mbox(file)
            else:
                yield RawMessage(str(file), _read_file(file))


def iter_messages(paths: Sequence[Path]) -> Iterator[RawMessage]:
    """Yield every stored message of the given paths, in a stable order."""
    for path in paths:
        yield from _iter_one(Path(path))


def _count_mbox(path: Path) -> int:
    """Count the messages of an mbox file without keeping them."""
    return sum(1 for _ in _iter_mbox(path))


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
