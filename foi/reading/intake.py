"""A stored attachment enters reading: queued, and read at once when it is cheap.

``attachment_stored`` is the one call the mail import makes (foi.mail.inbox). Plain text,
CSV and HTML up to ``CHEAP_MAX_BYTES`` are read there and then, in the importing process:
their readers are the standard library's, linear in the input and given a bounded input,
so they cannot hang or blow the memory. Everything else (PDF, images, Office files,
archives, messages, and any large file) waits in the queue for `foi extract` or the
daemon, which read it in a limited child process. Nothing here can fail an import.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from foi.reading import index, queue
from foi.reading.formats import CHEAP, decode_text, html_to_text, sniff, text_pages
from foi.reading.store import PageText, save_pages

CHEAP_MAX_BYTES = 1024 * 1024


def attachment_stored(
    session: Any,
    sha256: str | None,
    filename: str | None,
    content_type: str | None,
    size: int,
    data: bytes | None,
    now: datetime,
) -> None:
    """Queue the file for reading; read it now if it is a small text, CSV or HTML file."""
    if not sha256 or not queue.enqueue(session, sha256, filename, content_type, size, now):
        return
    if data is None or size > CHEAP_MAX_BYTES:
        return
    kind = sniff(data[:2048], filename, content_type)
    if kind not in CHEAP:
        return
    text = decode_text(data)
    texts = [html_to_text(text)] if kind == "html" else text_pages(text)
    pages = [PageText(n, t, "plain", None) for n, t in enumerate(texts, 1)]
    save_pages(session, sha256, pages, now)
    index.add_pages(session, sha256, pages)
