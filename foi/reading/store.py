"""The extracted text of stored files, by SHA-256: the read interface, and writing a file's pages.

``page_texts`` and ``extraction_state`` are the stable interface other packages code against
(e.g. the personal-data scan before an attachment is marked publishable). Both accept a
SQLAlchemy ``Connection`` or ``Session``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update

from foi.reading.pages import PageText
from foi.store import tables

__all__ = [
    "PageText",
    "extraction_state",
    "failure_reason",
    "page_texts",
    "save_failure",
    "save_pages",
]

STATES = ("queued", "working", "done", "failed")
METHODS = ("text-layer", "ocr", "plain")


def page_texts(conn: Any, sha256: str) -> list[PageText] | None:
    """The pages of the file, in order; None while it is not extracted (not yet, or failed).

    A file extracted with no text at all (an image OCR could not read) gives an empty list.
    """
    if extraction_state(conn, sha256) != "done":
        return None
    rows = conn.execute(
        select(
            tables.page_texts.c.page,
            tables.page_texts.c.text,
            tables.page_texts.c.method,
            tables.page_texts.c.confidence,
            tables.page_texts.c.part,
        )
        .where(tables.page_texts.c.sha256 == sha256)
        .order_by(tables.page_texts.c.page)
    ).all()
    return [PageText(r.page, r.text, r.method, r.confidence, r.part) for r in rows]


def extraction_state(conn: Any, sha256: str) -> str | None:
    """'queued', 'working', 'done' or 'failed'; None if the file was never queued."""
    return conn.execute(
        select(tables.extractions.c.state).where(tables.extractions.c.sha256 == sha256)
    ).scalar_one_or_none()


def failure_reason(conn: Any, sha256: str) -> str | None:
    """Why the file's extraction failed (None unless it did)."""
    return conn.execute(
        select(tables.extractions.c.reason).where(
            tables.extractions.c.sha256 == sha256, tables.extractions.c.state == "failed"
        )
    ).scalar_one_or_none()


def save_pages(conn: Any, sha256: str, pages: Iterable[PageText], now: datetime) -> int:
    """Store the file's pages (replacing any) and mark it done; returns the page count."""
    conn.execute(delete(tables.page_texts).where(tables.page_texts.c.sha256 == sha256))
    rows = [
        {
            "sha256": sha256,
            "page": p.page,
            "text": p.text,
            "method": p.method,
            "confidence": p.confidence,
            "part": p.part,
        }
        for p in pages
    ]
    if rows:
        conn.execute(insert(tables.page_texts), rows)
    conn.execute(
        update(tables.extractions)
        .where(tables.extractions.c.sha256 == sha256)
        .values(
            state="done",
            reason=None,
            pages=len(rows),
            done_at=now,
            claimed_by=None,
            claimed_at=None,
            heartbeat_at=None,
        )
    )
    return len(rows)


def save_failure(conn: Any, sha256: str, reason: str, now: datetime) -> None:
    """Record that the file could not be read, and why (one line)."""
    conn.execute(
        update(tables.extractions)
        .where(tables.extractions.c.sha256 == sha256)
        .values(
            state="failed",
            reason=" ".join(reason.split())[:500],
            done_at=now,
            claimed_by=None,
            claimed_at=None,
            heartbeat_at=None,
        )
    )
