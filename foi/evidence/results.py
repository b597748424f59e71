"""A campaign's findings: one row per body, and the per-request facts statistics are made of.

Subject access requests are never part of findings: they are left out here, at the source,
so no table, statistic, export or published page can include or count them. Requesters,
volunteers and assignees are not part of any row. Takes a session and `today`; never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from foi.casework.requests import clocks
from foi.directory.shapes import sim_status
from foi.evidence.embargo import held_clause
from foi.evidence.sheets import (  # noqa: F401  (the table's shape, re-exported for publish)
    ANSWER_COLUMNS,
    RESULT_COLUMNS,
    answer_rows,
    as_json,
    flat_header,
    flat_row,
    question_numbers,
)
from foi.evidence.stats import RequestFacts, summarise
from foi.law.deadlines import Regime
from foi.law.holidays import HolidaySet
from foi.store.models import Answer, Body, Campaign, ExemptionCited, Request


@dataclass
class RequestView:
    """One campaign request with what findings need from its events and clocks."""

    request: Request
    facts: RequestFacts
    received: date | None
    due: date | None
    responded_on: date | None
    answers: list[Answer]
    exemptions: list[ExemptionCited]


def campaign_requests(
    session: Session,
    campaign: Campaign,
    *,
    today: date,
    holidays: HolidaySet,
    kind: str | None = None,
) -> list[RequestView]:
    """Every sent, non-SAR request of the campaign, oldest first, with its facts."""
    stmt = (
        select(Request)
        .join(Body, Request.body_id == Body.id)
        .where(
            Request.campaign_id == campaign.id,
            Request.regime != Regime.SAR.value,  # never published, never counted
            Request.sent_on.is_not(None),
            ~held_clause(today),  # held back from publication (foi.evidence.embargo)
        )
        .options(
            selectinload(Request.events),
            selectinload(Request.body).selectinload(Body.evidence),
        )
        .order_by(Request.sent_on, Request.id)
    )
    if kind:
        stmt = stmt.where(Body.kind == kind)
    reqs = list(session.scalars(stmt))
    ids = [r.id for r in reqs]
    answers: dict[int, list[Answer]] = {}
    cited: dict[int, list[ExemptionCited]] = {}
    for chunk in _chunks(ids):
        for a in session.scalars(
            select(Answer).where(Answer.request_id.in_(chunk)).order_by(Answer.id)
        ):
            answers.setdefault(a.request_id, []).append(a)
        for x in session.scalars(
            select(ExemptionCited)
            .where(ExemptionCited.request_id.in_(chunk))
            .order_by(ExemptionCited.id)
        ):
            cited.setdefault(x.request_id, []).append(x)
    return [_view(r, answers.get(r.id, []), cited.get(r.id, []), today, holidays) for r in reqs]


def _chunks(ids: Sequence[int], size: int = 500) -> list[Sequence[int]]:
    # Bound the IN list: SQLite and PostgreSQL both cap the number of bind parameters.
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def _view(
    req: Request,
    answers: list[Answer],
    cited: list[ExemptionCited],
    today: date,
    holidays: HolidaySet,
) -> RequestView:
    c = clocks(req, holidays)
    cal = c.calendar
    due = c.effective_due
    responded = c.responded_on
    working_days = late_by = None
    in_time: bool | None = None
    if cal is not None and c.received is not None and responded is not None:
        # Counted as the deadline is: day 0 is the date of receipt (FOIA s.10(1)).
        working_days = cal.working_days_between(c.received, responded)
    if cal is not None and due is not None:
        if responded is not None:
            in_time = responded <= due
            late_by = max(0, cal.working_days_between(due, responded))
        elif c.withdrawn_on is None and today > due:
            in_time = False
            late_by = cal.working_days_between(due, today)
    kinds = [e for e in req.events]
    review_outcome = next(
        (e.outcome for e in reversed(kinds) if e.kind == "internal-review-response"), None
    )
    ico_outcome = next((e.outcome for e in reversed(kinds) if e.kind == "ico-decision"), None)
    facts = RequestFacts(
        reference=req.reference,
        body=req.body.name,
        status=req.status,
        resolution=req.resolution,
        responded=responded is not None,
        working_days=working_days,
        in_time=in_time,
        late_by=late_by,
        exemptions=tuple(sorted({x.section for x in cited})),
        review_requested=any(e.kind == "internal-review-requested" for e in kinds),
        review_outcome=review_outcome,
        ico_complaint=any(e.kind == "ico-complaint" for e in kinds),
        ico_outcome=ico_outcome,
    )
    return RequestView(req, facts, c.received, due, responded, answers, cited)


def latest_answers(view: RequestView) -> dict[int, Answer]:
    """The newest answer to each question of a request."""
    found: dict[int, Answer] = {}
    for a in view.answers:
        found[a.question] = a
    return dict(sorted(found.items()))


def results_rows(views: Sequence[RequestView]) -> list[dict[str, Any]]:
    """One row per body written to: SIM status from evidence, the latest request's fate."""
    by_body: dict[int, list[RequestView]] = {}
    for v in views:
        by_body.setdefault(v.request.body_id, []).append(v)
    rows = []
    for group in by_body.values():
        body = group[0].request.body
        latest = max(group, key=lambda v: (v.request.sent_on or date.min, v.request.id))
        newest = sim_status(body)
        local_names = sorted(
            {e.local_name for e in body.evidence if e.local_name}
            | {
                str((ev.data or {}).get("local_name"))
                for v in group
                for ev in v.request.events
                if (ev.data or {}).get("local_name")
            }
        )
        exemptions = sorted({s for v in group for s in v.facts.exemptions})
        rows.append(
            {
                "body": body.name,
                "kind": body.kind,
                "ods_code": body.ods_code,
                "police_id": body.police_id,
                "sim_status": newest.status if newest else None,
                "sim_evidence_source": newest.source if newest else None,
                "sim_evidence_on": newest.on if newest else None,
                "local_names": local_names,
                "requests": len(group),
                "latest_reference": latest.request.reference,
                "latest_status": latest.request.status,
                "outcome": latest.request.resolution,
                "sent_on": latest.request.sent_on,
                "due_on": latest.due,
                "responded_on": latest.responded_on,
                "working_days": latest.facts.working_days,
                "late_by": latest.facts.late_by,
                "answered_in_time": latest.facts.in_time,
                "exemptions": exemptions,
                "answers": {
                    str(q): a.status or ("answered" if a.text else None)
                    for q, a in latest_answers(latest).items()
                },
                "answer_texts": {str(q): a.text for q, a in latest_answers(latest).items()},
                "references": [v.request.reference for v in group],
                "evidence_sources": sorted({e.source for e in body.evidence}),
                "wdtk_urls": [v.request.wdtk_url for v in group if v.request.wdtk_url],
            }
        )
    rows.sort(key=lambda r: (r["body"].casefold(), r["body"]))
    return rows


def campaign_stats(views: Sequence[RequestView]) -> dict[str, Any]:
    """The campaign's statistics (SAR requests are not in `views`)."""
    return summarise(v.facts for v in views)
