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


PREVIEW_LINES = 40


def show_reading(s: Any, req: Any, now: Any) -> dict[int, tuple[str, str | None]]:
    """For `foi respond --interactive`: the replies' text, each file's text (the first lines)
    and the passages proposed as evidence; returns the proposals by number (quote, page)."""
    from sqlalchemy import select

    from foi.reading import index, suggest, vocabulary
    from foi.store import tables

    inbox = tables.inbox
    replies = s.execute(
        select(inbox.c.id, inbox.c.subject, inbox.c.summary)
        .where(inbox.c.request_id == req.id)
        .order_by(inbox.c.id)
    ).all()
    for r in replies:
        summary = r.summary if isinstance(r.summary, dict) else {}
        out(f"== reply {r.id}: {r.subject or ''}")
        out((summary.get("text") or "").strip())
        atts = s.execute(
            select(tables.attachments.c.filename, tables.attachments.c.sha256)
            .where(tables.attachments.c.inbox_id == r.id)
            .order_by(tables.attachments.c.id)
        ).all()
        for a in atts:
            text = file_text(s, a.sha256)
            shown, left = [], PREVIEW_LINES
            for page in text["pages"]:
                lines = page["text"].splitlines()[:left]
                if not lines:
                    break
                shown.append({**page, "text": "\n".join(lines)})
                left -= len(lines)
            print_text(a.filename, {**text, "pages": shown})
            if shown != text["pages"]:
                out(f"   … all of it: foi request files {req.reference} --text")
    index.refresh(s)
    suggest.find(s, vocabulary.load([]), now, campaign_id=req.campaign_id)
    proposals = suggest.proposals(s, request_id=req.id)
    picks: dict[int, tuple[str, str | None]] = {}
    if proposals:
        out("\nPassages naming the campaign's terms:")
    for n, p in enumerate(proposals, 1):
        page = f", page {p.page}" if p.page else ""
        out(f"  {n}. {p.name}{page} ({p.terms}): “{p.quote}”")
        picks[n] = (p.quote, str(p.page) if p.page else None)
    return picks
