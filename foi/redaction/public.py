"""Which copy of a publishable attachment may leave foi: its newest redacted copy, never the
original. Used by the evidence site and by bundles marked public.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy.orm import Session

from foi.evidence import blobs
from foi.store.models import Attachment


@dataclass(frozen=True)
class PublicCopy:
    """A publishable attachment's redacted copy: a PDF, its bytes and its text by page."""

    attachment: Attachment
    filename: str  # the original's name with ".pdf" (a DOCX is published as a PDF)
    sha256: str
    data: bytes
    pages: list[str]


def public_name(filename: str) -> str:
    """'reply.docx' -> 'reply-redacted.pdf'."""
    stem = filename.rpartition(".")[0] if "." in filename else filename
    return blobs.safe_filename(f"{stem or 'attachment'}-redacted.pdf")


def public_copies(
    session: Session, atts: Sequence[Attachment]
) -> tuple[list[PublicCopy], list[Attachment]]:
    """(copies to publish, publishable attachments held back for want of a redacted copy).

    Attachments not marked publishable are in neither list.
    """
    from foi.redaction.review import latest_redaction

    copies: list[PublicCopy] = []
    unredacted: list[Attachment] = []
    for att in atts:
        if not att.publishable:
            continue
        red = latest_redaction(session, att)
        if red is None:
            unredacted.append(att)
            continue
        data = blobs.read_blob(session, red.sha256)
        copies.append(PublicCopy(att, public_name(att.filename), red.sha256, data, list(red.pages)))
    return copies, unredacted


def text_page(copy: PublicCopy, redactor: Callable[[str | None], str | None]) -> str:
    """A small HTML page holding a published copy's text, page by page, for site search."""
    title = html.escape(copy.filename)
    parts = [
        "<!doctype html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}: text</title></head><body><main>",
        f"<h1>{title}</h1>",
        f'<p><a href="{html.escape(quote(copy.filename))}">The redacted PDF</a>. Its text, '
        "read by OCR from the redacted pages:</p>",
    ]
    for n, text in enumerate(copy.pages, start=1):
        parts.append(f"<h2>Page {n}</h2>")
        parts.append(f"<pre>{html.escape(redactor(text) or '')}</pre>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
