"""Printing an attachment's extracted text (`foi inbox show --text`, `foi request files --text`)."""

from __future__ import annotations

from typing import Any

from foi.cli._common import out


def file_text(s: Any, sha256: str) -> dict[str, Any]:
    """The file's reading state, pages and failure, as --json shows them."""
    from foi.reading.store import extraction_state, failure_reason, page_texts

    pages = page_texts(s, sha256)
    return {
        "state": extraction_state(s, sha256),
        "reason": failure_reason(s, sha256),
        "pages": [
            {
                "page": p.page,
                "method": p.method,
                "confidence": p.confidence,
                "part": p.part,
                "text": p.text,
            }
            for p in pages or []
        ],
    }


def print_text(filename: str, text: dict[str, Any]) -> None:
    """One file's text, page by page, with how each page was read."""
    state = text["state"]
    if state != "done":
        why = {
            None: "not read yet (run 'foi extract')",
            "queued": "not read yet (run 'foi extract')",
            "working": "being read now",
            "failed": f"could not be read: {text['reason']} ('foi extract --retry' tries again)",
        }[state]
        out(f"== {filename}: {why}")
        return
    if not text["pages"]:
        out(f"== {filename}: no text found")
        return
    for p in text["pages"]:
        how = p["method"] + (f", confidence {p['confidence']:.0f}%" if p["confidence"] else "")
        part = f" ({p['part']})" if p["part"] else ""
        out(f"== {filename}{part}, page {p['page']} [{how}]")
        out(p["text"])
