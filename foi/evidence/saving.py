"""Saving stored attachments out to a folder, under their real names.

The one place that reads a stored file's bytes for a person (`_export_one`), so the storage
behind it can change (e.g. blobs kept in the database) without touching the commands.
Takes the store and the rows from the caller; never commits, never prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from foi.store.models import Attachment


def _export_one(store: Any, sha: str, dest: Path, filename: str) -> Path:
    """Copy one stored file out, checked against its hash, never overwriting (mode 600)."""
    return Path(store.export(sha, dest, filename))


def save_attachments(store: Any, attachments: Iterable[Attachment], dest: Path) -> list[Path]:
    """Write each attachment to `dest` under its own (made safe) name; returns the paths.

    A second file with the same name gets a numbered name rather than replacing the first.
    """
    written = []
    for att in attachments:
        written.append(_export_one(store, att.sha256, dest, att.original_filename or att.filename))
    return written
