"""``PageText``: one page of a file's text (pure; the child process reading files imports only
this, not the database layer)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageText:
    """One page of a file's text: 1-based page, how it was obtained, OCR confidence (0-100)."""

    page: int
    text: str
    method: str  # 'text-layer' | 'ocr' | 'plain'
    confidence: float | None = None
    part: str | None = None  # the member of an archive or attached message it came from
