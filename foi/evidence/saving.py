"""Saving stored attachments out to a folder, under their real names.

Reads bytes only through `foi.evidence.blobs` (the one interface to evidence, wherever it is
stored). Takes the session and the rows from the caller; never commits, never prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.orm import Session

from foi.evidence import blobs
from foi.store.models import Attachment


def save_attachments(
    session: Session, attachments: Iterable[Attachment], dest: Path, *, now: float | None = None
) -> list[Path]:
    """Write each stored attachment to `dest` under its own (made safe) name; returns the paths.

    Each file is checked against its hash and written atomically (mode 600); a second file
    with the same name gets a numbered name rather than replacing the first. Attachments
    recorded without their bytes (over the size limit) are skipped. `now` (a POSIX time from
    the caller) lets a run clear temporary files a killed one left in `dest`.
    """
    written = []
    for att in attachments:
        if not att.sha256 or not blobs.exists(session, att.sha256):
            continue
        name = att.original_filename or att.filename
        written.append(blobs.export_blob(session, att.sha256, dest, name, now=now))
    return written
