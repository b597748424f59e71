"""Responses as evidence: answers per question, exemptions cited, attachments."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foi.models import Answer, Attachment, ExemptionCited, Request


def response_details(session: Session, req: Request) -> dict[str, Any]:
    """Answers, exemptions and attachments of a request, for `request show`."""
    answers = session.scalars(
        select(Answer).where(Answer.request_id == req.id).order_by(Answer.question, Answer.id)
    ).all()
    exemptions = session.scalars(
        select(ExemptionCited)
        .where(ExemptionCited.request_id == req.id)
        .order_by(ExemptionCited.id)
    ).all()
    attachments = session.scalars(
        select(Attachment).where(Attachment.request_id == req.id).order_by(Attachment.id)
    ).all()
    per_q: dict[int, list[str]] = {}
    for ex in exemptions:
        if ex.question is not None:
            per_q.setdefault(ex.question, []).append(ex.section)
    return {
        "answers": [
            {
                "question": a.question,
                "text": a.text,
                "status": a.status,
                "event_id": a.event_id,
                "exemptions": per_q.get(a.question, []),
            }
            for a in answers
        ],
        "exemptions": sorted({ex.section for ex in exemptions}),
        "exemptions_detail": [
            {"section": ex.section, "question": ex.question, "event_id": ex.event_id}
            for ex in exemptions
        ],
        "attachments": [
            {
                "id": a.id,
                "filename": a.filename,
                "original_filename": a.original_filename,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "event_id": a.event_id,
                "inbox_id": a.inbox_id,
            }
            for a in attachments
        ],
    }
