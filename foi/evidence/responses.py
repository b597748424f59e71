"""Responses as evidence: answers per question, exemptions cited, attachments."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from foi.casework.requests import LogEntry, log_event
from foi.directory.bodies import add_evidence
from foi.errors import ConflictError, UsageError
from foi.evidence import blobs
from foi.evidence.blobs import safe_filename
from foi.law.holidays import HolidaySet
from foi.law.timeline import Outcome, Status
from foi.store.models import Answer, Attachment, Event, ExemptionCited, Request


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
                "publishable": a.publishable,
            }
            for a in attachments
        ],
    }


# ---------------------------------------------------------------------------------------------
# Logging a response by hand

ANSWER_STATUSES = ("answered", "partial", "refused", "not-held")


@dataclass
class ResponseInput:
    """What a volunteer read in a response."""

    on: date
    outcome: str
    exemptions: list[str] = field(default_factory=list)  # "s12", "3:s43(2)"
    answers: dict[int, str] = field(default_factory=dict)
    answer_status: dict[int, str] = field(default_factory=dict)
    local_name: str | None = None
    sim_status: str | None = None  # evidence from this response: adopted, denied, …
    quote: str | None = None
    page: str | None = None
    files: list[Path] = field(default_factory=list)
    publishable: bool = False  # the files may be published by `foi publish`
    note: str | None = None
    recorded_by: str | None = None


def response_kind(req: Request) -> str:
    """Whether a response now answers the request or its internal review."""
    stage_review = req.status == Status.IN_INTERNAL_REVIEW.value or (
        req.status == Status.NEEDS_CLASSIFICATION.value
        and any(e.kind == "internal-review-requested" for e in req.events)
    )
    if req.status == Status.WITH_ICO.value:
        raise ConflictError(
            f"{req.reference} is with the ICO: log its decision with "
            f"'foi request log {req.reference} ico-decision --outcome …'"
        )
    return "internal-review-response" if stage_review else "response"


def record_response(
    session: Session,
    req: Request,
    inp: ResponseInput,
    *,
    question_numbers: set[int] | None,
    today: date,
    now: datetime,
    holidays: HolidaySet,
    max_file_bytes: int | None = None,
) -> Event:
    """Log a classified response: outcome, exemptions, answers, files, and SIM evidence."""
    from foi.law.exemptions import parse_exemption_arg

    if inp.outcome not in {o.value for o in Outcome}:
        raise UsageError(
            f"unknown outcome {inp.outcome!r}: choose from {', '.join(o.value for o in Outcome)}"
        )
    cited: list[tuple[int | None, str]] = []
    for text in inp.exemptions:
        question, exemption = parse_exemption_arg(text, req.regime)
        cited.append((question, exemption.code))
    for q in [*inp.answers, *inp.answer_status, *(q for q, _ in cited if q is not None)]:
        if q < 1 or (question_numbers and q not in question_numbers):
            known = ", ".join(str(n) for n in sorted(question_numbers or [])) or "1 and up"
            raise UsageError(
                f"question {q} is not in {req.reference}'s letter (questions: {known})"
            )
    for q, status in inp.answer_status.items():
        if status not in ANSWER_STATUSES:
            raise UsageError(
                f"answer status {status!r} for question {q}: choose from "
                f"{', '.join(ANSWER_STATUSES)}"
            )
    sar = req.regime == "sar"
    if sar and inp.publishable:
        raise UsageError(
            f"{req.reference} is a subject access request: its files are the data subject's "
            "and are never published (leave out --publishable)"
        )
    kind = response_kind(req)
    data: dict[str, Any] = {"exemptions": sorted({code for _, code in cited})}
    if inp.local_name:
        data["local_name"] = inp.local_name
    if sar:
        # A SAR answers with one person's own records. What they show stays with that request
        # (this event) and never becomes a claim about the body: body evidence is what the
        # findings, the site and every export are made of.
        private = {"sim_status": inp.sim_status, "quote": inp.quote, "page": inp.page}
        data.update({k: v for k, v in private.items() if v})
    event = log_event(
        session,
        req,
        LogEntry(
            kind=kind,
            on=inp.on,
            outcome=inp.outcome,
            note=inp.note,
            data=data,
            recorded_by=inp.recorded_by,
        ),
        today=today,
        now=now,
        holidays=holidays,
    )
    for q, code in cited:
        session.add(ExemptionCited(request_id=req.id, event_id=event.id, question=q, section=code))
    for q in sorted(set(inp.answers) | set(inp.answer_status)):
        session.add(
            Answer(
                request_id=req.id,
                event_id=event.id,
                question=q,
                text=inp.answers.get(q),
                status=inp.answer_status.get(q),
            )
        )
    for path in inp.files:
        if not path.is_file():
            raise UsageError(f"{path} is not a readable file")
        sha, size = blobs.put_file(session, path, max_bytes=max_file_bytes)
        session.add(
            Attachment(
                sha256=sha,
                size=size,
                filename=safe_filename(path.name),
                original_filename=path.name,
                content_type=None,
                request_id=req.id,
                event_id=event.id,
                created_at=now,
                publishable=inp.publishable,
            )
        )
    if inp.sim_status and not sar:
        add_evidence(
            session,
            req.body,
            status=inp.sim_status,
            source=req.reference,
            now=now,
            on=inp.on,
            note=inp.note,
            quote=inp.quote,
            page=inp.page,
            local_name=inp.local_name,
            confidence="response",
            event_id=event.id,
        )
    session.flush()
    return event


def answers_table(
    session: Session, question: int, campaign_id: int | None, template: str | None
) -> list[dict[str, Any]]:
    """Question N across every request: the table a campaign publishes (never a SAR)."""
    stmt = select(Request).where(Request.regime != "sar").order_by(Request.reference)
    if campaign_id is not None:
        stmt = stmt.where(Request.campaign_id == campaign_id)
    if template is not None:
        stmt = stmt.where(Request.template == template)
    reqs = list(session.scalars(stmt.options(selectinload(Request.body))))
    ids = stmt.with_only_columns(Request.id).order_by(None)  # a subquery: no bind limits
    # Two queries for the whole table: the newest answer and the exemptions per request.
    latest_answer: dict[int, Answer] = {}
    for a in session.scalars(
        select(Answer)
        .where(Answer.request_id.in_(ids), Answer.question == question)
        .order_by(Answer.id)
    ):
        latest_answer[a.request_id] = a
    cited: dict[int, set[str]] = {}
    for rid, section in session.execute(
        select(ExemptionCited.request_id, ExemptionCited.section).where(
            ExemptionCited.request_id.in_(ids),
            (ExemptionCited.question == question) | ExemptionCited.question.is_(None),
        )
    ):
        cited.setdefault(rid, set()).add(section)
    rows = []
    for req in reqs:
        ex = cited.get(req.id, set())
        latest = latest_answer.get(req.id)
        rows.append(
            {
                "reference": req.reference,
                "body": req.body.name,
                "status": req.status,
                "resolution": req.resolution,
                "answer": latest.text if latest else None,
                "answer_status": latest.status if latest else None,
                "exemptions": sorted(set(ex)),
            }
        )
    return rows
