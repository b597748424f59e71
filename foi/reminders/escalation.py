"""The escalation ladder: chase overdue requests, then internal review, then the regulator.

`chase_plan` picks overdue requests not chased recently; `draft_chasers` writes the
letters (one per request, or one summary per body). `propose` says what the next step
for one request is and from when; `draft_step` writes that letter. Sending is foi send's
job: a sent chaser records 'chased', a review request 'internal-review-requested', a
complaint 'ico-complaint'. Never prints, never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from foi.casework.requests import calendar, clocks, delivery_failure, get_campaign
from foi.errors import ConflictError, UsageError
from foi.law.clocks import Clocks
from foi.law.holidays import HolidaySet
from foi.law.regimes import Regime
from foi.law.timeline import Status
from foi.letters.batches import _body_context, request_context, requester_context
from foi.letters.records import attach_letter
from foi.letters.sending import event_problem
from foi.letters.templates import TemplateLibrary
from foi.store.models import Letter, Request, Requester

REGULATOR_FORMS = {
    "foia": ("Information Commissioner's Office", "https://ico.org.uk/make-a-complaint/"),
    "eir": ("Information Commissioner's Office", "https://ico.org.uk/make-a-complaint/"),
    "sar": ("Information Commissioner's Office", "https://ico.org.uk/make-a-complaint/"),
    "foisa": ("Scottish Information Commissioner", "https://www.foi.scot/appeal"),
}
PENDING = ("draft", "failed", "written", "sending")


@dataclass
class ChaseItem:
    reference: str
    body: str
    due_on: date | None
    days_late: int
    last_chased_on: date | None
    reason: str | None = None  # why it is not chased now


@dataclass
class ChasePlan:
    chase: list[ChaseItem] = field(default_factory=list)
    skip: list[ChaseItem] = field(default_factory=list)


def _last_chased(req: Request) -> date | None:
    chased = [e.on for e in req.events if e.kind == "chased"]
    return max(chased) if chased else None


def chase_plan(
    session: Session,
    holidays: HolidaySet,
    *,
    today: date,
    campaign: str | None,
    interval: int,
    now: datetime,
) -> ChasePlan:
    """Overdue requests to chase now, and those left alone with the reason."""
    stmt = (
        select(Request)
        .where(Request.due_clock == "response", Request.due_on < today)
        .options(
            selectinload(Request.events), selectinload(Request.letters), selectinload(Request.body)
        )
        .order_by(Request.reference)
    )
    if campaign:
        stmt = stmt.where(
            Request.campaign_id == get_campaign(session, campaign, now, create=False).id
        )
    plan = ChasePlan()
    # Summary chasers waiting to go, by each reference they cover (one query for all).
    summaries: dict[str, list[Letter]] = {}
    for lt in session.scalars(
        select(Letter).where(
            Letter.purpose == "chaser", Letter.state.in_(PENDING), Letter.covers.is_not(None)
        )
    ):
        for ref in lt.covers or []:
            summaries.setdefault(ref, []).append(lt)
    for req in session.scalars(stmt):
        cal = calendar(req, holidays)
        assert req.due_on is not None
        item = ChaseItem(
            reference=req.reference,
            body=req.body.name,
            due_on=req.due_on,
            days_late=cal.working_days_between(req.due_on, today),
            last_chased_on=_last_chased(req),
        )
        pending = [lt for lt in req.letters if lt.purpose == "chaser" and lt.state in PENDING]
        pending += summaries.get(req.reference, [])
        # A chaser that can no longer go (e.g. a summary whose first request was answered)
        # does not block a new one; drafting the new one cancels it.
        pending = [lt for lt in pending if event_problem(lt, today) is None]
        if any(lt.state == "written" for lt in pending):
            item.reason = (
                "a chaser was written to the outbox: once you have sent it, log it "
                f"with 'foi request log {req.reference} chased --on DATE'"
            )
        elif pending:
            item.reason = "a chaser is already drafted: send it with 'foi send'"
        elif req.status == Status.NEEDS_CLASSIFICATION.value:
            item.reason = "a reply came in: classify it with 'foi respond'"
        elif (
            item.last_chased_on is not None
            and cal.working_days_between(item.last_chased_on, today) < interval
        ):
            days = "1 working day" if interval == 1 else f"{interval} working days"
            item.reason = f"chased on {item.last_chased_on}, less than {days} ago"
        elif (
            req.body.contacts
            and all(c.failing_since for c in req.body.contacts if c.channel == "email")
            and any(c.channel == "email" for c in req.body.contacts)
        ):
            item.reason = "mail to this body bounced: find a working address first"
        (plan.skip if item.reason else plan.chase).append(item)
    plan.skip.extend(_undelivered(session, campaign, now))
    return plan


def _undelivered(session: Session, campaign: str | None, now: datetime) -> list[ChaseItem]:
    """Requests whose delivery failed: no clock runs, so nothing is late, but they need work."""
    stmt = (
        select(Request)
        .where(Request.status == Status.DELIVERY_FAILED.value)
        .options(selectinload(Request.events), selectinload(Request.body))
        .order_by(Request.reference)
    )
    if campaign:
        stmt = stmt.where(
            Request.campaign_id == get_campaign(session, campaign, now, create=False).id
        )
    items = []
    for req in session.scalars(stmt):
        failed = delivery_failure(req)
        when, why = failed if failed else (None, "bounced")
        items.append(
            ChaseItem(
                reference=req.reference,
                body=req.body.name,
                due_on=None,
                days_late=0,
                last_chased_on=_last_chased(req),
                reason=f"delivery failed on {when} ({why}): correct the address with 'foi "
                f"body edit', then resend with 'foi send {req.reference} --yes'",
            )
        )
    return items


def _days_late(req: Request, c: Clocks, today: date, holidays: HolidaySet) -> int | None:
    due = c.effective_due
    if due is None:
        return None
    end = c.responded_on or today
    late = calendar(req, holidays).working_days_between(due, end)
    return late if late > 0 else None


def letter_context(
    req: Request,
    requester: Requester,
    *,
    today: date,
    holidays: HolidaySet,
    user_vars: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Everything a follow-up letter about this request can use."""
    c = clocks(req, holidays)
    rc = request_context(req, today)
    rc["days_late"] = _days_late(req, c, today, holidays)
    rc["due_on"] = c.effective_due or req.due_on
    return {
        "body": _body_context(req.body),
        "requester": requester_context(requester),
        "campaign": (
            {"name": req.campaign.name, "description": req.campaign.description}
            if req.campaign
            else None
        ),
        "request": rc,
        "prior_requests": [],
        "covered": [],
        "today": today,
        "vars": dict(user_vars or {}),
    }


def _signatory(req: Request, fallback: Requester | None) -> Requester:
    person = req.requester or fallback
    if person is None:
        raise UsageError(
            f"{req.reference} has no requester: set FOI_REQUESTER_NAME or pass --requester"
        )
    return person


def draft_chasers(
    session: Session,
    library: TemplateLibrary,
    items: Sequence[ChaseItem],
    *,
    per_body: bool,
    requester: Requester | None,
    today: date,
    now: datetime,
    holidays: HolidaySet,
) -> list[Letter]:
    """Write chaser letters: one per request, or one summary per body with several."""
    reqs = [session.scalar(select(Request).where(Request.reference == i.reference)) for i in items]
    groups: dict[int, list[Request]] = {}
    for req in reqs:
        assert req is not None
        groups.setdefault(req.body_id if per_body else req.id, []).append(req)
    # Stale chasers covering these requests are replaced by the new ones.
    refs = {r.reference for r in reqs if r is not None}
    for lt in session.scalars(
        select(Letter).where(Letter.purpose == "chaser", Letter.state.in_(PENDING))
    ):
        covered = set(lt.covers or [lt.request.reference])
        if covered & refs and event_problem(lt, today) is not None:
            lt.state = "cancelled"
    letters = []
    for group in groups.values():
        first = group[0]
        person = _signatory(first, requester)
        ctx = letter_context(first, person, today=today, holidays=holidays)
        if len(group) > 1:
            ctx["covered"] = [
                letter_context(r, person, today=today, holidays=holidays)["request"] for r in group
            ]
            letter = library.render("chaser-summary", ctx)
            refs = " ".join(f"[{r.reference}]" for r in group)
            lt = attach_letter(
                session,
                first,
                subject=f"{letter.subject} {refs}",
                text=letter.text,
                now=now,
                purpose="chaser",
                template="chaser-summary",
            )
            lt.covers = [r.reference for r in group]
        else:
            letter = library.render("chaser", ctx)
            lt = attach_letter(
                session,
                first,
                subject=f"{letter.subject} [{first.reference}]",
                text=letter.text,
                now=now,
                purpose="chaser",
                template="chaser",
            )
        letters.append(lt)
    session.flush()
    return letters


@dataclass
class Proposal:
    """The next step for a request, with its dates."""

    reference: str
    step: str  # chase | internal-review | ico-complaint | clarification-reply | none
    reason: str
    by: date | None = None  # the last day to take it
    template: str | None = None
    notes: list[str] = field(default_factory=list)


def propose(req: Request, c: Clocks, today: date) -> Proposal:
    """What the law allows next, and until when."""
    prop = _propose(req, c, today)
    if req.regime == Regime.FOISA.value and prop.step == "ico-complaint":
        # FOISA: an application to the Scottish Information Commissioner (s.47(1)), made on
        # the Commissioner's own form; the FOIA s.50 letter does not fit.
        prop.step, prop.template = "commissioner-appeal", None
        prop.reason = prop.reason.replace("ICO", "Scottish Information Commissioner")
        prop.notes.append(
            f"apply to the Scottish Information Commissioner at "
            f"{REGULATOR_FORMS['foisa'][1]} (FOISA s.47(1))"
        )
    return prop


def _propose(req: Request, c: Clocks, today: date) -> Proposal:
    """The next step before regime-specific routing."""
    ref = req.reference
    regime = req.regime
    regulator = REGULATOR_FORMS.get(regime, REGULATOR_FORMS["foia"])[0]
    if regime == Regime.NONE.value:
        return Proposal(
            ref,
            "none",
            "the body is not subject to FOI: there is no statutory "
            "remedy; ask the public body that commissions it",
        )
    if req.status == Status.DRAFT.value:
        return Proposal(ref, "none", "not sent yet")
    if req.status == Status.WITH_ICO.value:
        return Proposal(
            ref,
            "none",
            f"the complaint is with the {regulator}; log its "
            "decision with 'foi request log REF ico-decision'",
        )
    if req.status == Status.AWAITING_CLARIFICATION.value:
        return Proposal(
            ref,
            "clarification-reply",
            "the body asked for clarification: the clock is stopped until you reply",
            template="clarification-reply",
        )
    if req.status == Status.NEEDS_CLASSIFICATION.value:
        return Proposal(ref, "none", "a reply came in: classify it first with 'foi respond'")
    if regime == Regime.SAR.value:
        return _propose_sar(req, c, today)
    if req.status in (Status.AWAITING_RESPONSE.value, Status.AWAITING_FEE.value):
        due = c.effective_due
        if due is None or today <= due:
            return Proposal(
                ref,
                "none",
                "the response is not due yet"
                + (f": it is due {due}" if due else " (the clock is paused)"),
                by=due,
            )
        if regime in ("foisa",):
            return Proposal(
                ref,
                "internal-review",
                f"no response by {due}: under FOISA ask "
                "the body for a review (s.20) before appealing",
                by=c.review_request_deadline,
                template="internal-review",
            )
        return Proposal(
            ref,
            "ico-complaint",
            f"no response at all by {due}: the "
            f"{regulator} accepts a complaint without an internal review",
            by=None,
            template="ico-complaint",
            notes=["a chaser first is good practice: 'foi chase'"],
        )
    if req.status == Status.IN_INTERNAL_REVIEW.value:
        if c.review_due_max and today > c.review_due_max:
            return Proposal(
                ref,
                "ico-complaint",
                f"the internal review was not answered in time (due at the latest "
                f"{c.review_due_max})",
                by=c.ico_window_closes,
                template="ico-complaint",
            )
        return Proposal(
            ref,
            "none",
            f"internal review due {c.review_due}; the {regulator} "
            f"takes a complaint once it passes {c.review_due_max}",
            by=c.review_due,
        )
    # Closed: by a response, a review response or a decision.
    reviewed = any(e.kind == "internal-review-response" for e in req.events)
    decided = any(e.kind == "ico-decision" for e in req.events)
    appeal = _appeal_step(req, c, today)
    if appeal is not None:
        return appeal
    if req.resolution == "withdrawn" or decided:
        if not decided:
            why = " (withdrawn)"
        elif regime == Regime.FOISA.value:
            why = (
                ": the Scottish Information Commissioner decided (an appeal on a point of law"
                " goes to the Court of Session within 42 days, FOISA s.56)"
            )
        else:
            why = (
                ": the regulator decided (an appeal goes to the First-tier Tribunal within 28 days)"
            )
        return Proposal(ref, "none", "the request is closed" + why)
    if reviewed:
        if req.resolution == "successful":
            return Proposal(ref, "none", "the internal review gave you what you asked for")
        if c.ico_window_closes and today > c.ico_window_closes:
            return Proposal(
                ref,
                "none",
                f"the window for a complaint to the {regulator} closed on {c.ico_window_closes}",
            )
        return Proposal(
            ref,
            "ico-complaint",
            f"the internal review was {req.resolution}",
            by=c.ico_window_closes,
            template="ico-complaint",
        )
    late = (
        c.responded_on is not None
        and c.effective_due is not None
        and c.responded_on > c.effective_due
    )
    if req.resolution == "successful" and not late:
        return Proposal(ref, "none", "answered in full and on time")
    why = (
        f"the response was {req.resolution}"
        if req.resolution != "successful"
        else "the response was late"
    )
    prop = Proposal(
        ref, "internal-review", why, by=c.review_request_deadline, template="internal-review"
    )
    if c.review_request_deadline and today > c.review_request_deadline:
        prop.notes.append(
            f"the usual 40 working days to ask ended on "
            f"{c.review_request_deadline}: the body may refuse a late request"
        )
    return prop


def _appeal_step(req: Request, c: Clocks, today: date) -> Proposal | None:
    """After a decision notice that did not uphold the complaint in full: the appeal."""
    from foi.casework.requests import active_events
    from foi.law.appeals import APPEALABLE, appeal_after_decision

    decisions = [e for e in active_events(req) if e.kind == "ico-decision"]
    if not decisions or decisions[-1].outcome not in APPEALABLE:
        return None
    notice = decisions[-1]
    appeal = appeal_after_decision(req.regime, notice.on, c.calendar)
    if today > appeal.deadline:
        return Proposal(
            req.reference,
            "none",
            f"the request is closed: the {appeal.days} days to appeal the decision notice of "
            f"{notice.on} to {appeal.forum} ended on {appeal.deadline}",
        )
    step = "court-of-session-appeal" if req.regime == "foisa" else "tribunal-appeal"
    notes = [
        f"{appeal.days} days from the decision notice of {notice.on} ({appeal.law})",
        "the appeal is against the regulator's decision, not the body: the outline is for "
        + (
            "a solicitor (the Court of Session hears appeals on a point of law only)"
            if req.regime == "foisa"
            else "form GRC1, sent to the Tribunal with the decision notice"
        ),
    ]
    return Proposal(
        req.reference,
        step,
        f"the decision notice was {notice.outcome}: you may appeal to {appeal.forum}",
        by=appeal.deadline,
        template=appeal.template,
        notes=notes,
    )


# Where each appeal goes: the letter is an outline the volunteer completes and sends there.
APPEAL_FORUMS = {
    "tribunal-appeal": (
        "https://www.gov.uk/guidance/information-rights-appeal-against-the-commissioners-decision",
        "an outline for the notice of appeal (form GRC1): complete it and send it to the "
        "First-tier Tribunal with the decision notice",
    ),
    "court-of-session-appeal": (
        "https://www.scotcourts.gov.uk/the-courts/court-of-session",
        "an outline of the grounds of appeal on a point of law for your solicitor: an "
        "appeal to the Court of Session is lodged by a solicitor or advocate",
    ),
}


SAR_COMPLAINT = "https://ico.org.uk/make-a-complaint/data-protection-complaints/"


def _propose_sar(req: Request, c: Clocks, today: date) -> Proposal:
    """Subject access has no statutory internal review: the next step is the ICO."""
    ref = req.reference
    due = c.effective_due
    if req.status in (Status.AWAITING_RESPONSE.value, Status.AWAITING_FEE.value):
        if due is None or today <= due:
            return Proposal(
                ref,
                "none",
                "the response is not due yet" + (f": it is due {due}" if due else ""),
                by=due,
            )
        why = f"no response by {due} (UK GDPR Art. 12(3))"
    elif req.resolution == "successful" and not (c.responded_on and due and c.responded_on > due):
        return Proposal(ref, "none", "answered in full and on time")
    elif req.resolution == "withdrawn":
        return Proposal(ref, "none", "the request is closed (withdrawn)")
    else:
        why = (
            f"the response was {req.resolution}"
            if req.resolution != "successful"
            else "the response was late"
        )
    return Proposal(
        ref,
        "ico-complaint",
        f"{why}: complain to the ICO about the subject access request (UK GDPR Art. 77)",
        notes=[
            "write to the controller's data protection officer first if you have not",
            f"foi has no letter for a data protection complaint: use {SAR_COMPLAINT}",
        ],
    )


def _review_vars(req: Request) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in req.events:
        if e.kind == "internal-review-requested":
            out["review_requested_on"] = e.on.isoformat()
        if e.kind == "internal-review-response":
            out["review_response_on"] = e.on.isoformat()
            out["review_outcome"] = e.outcome or ""
        if e.kind == "ico-decision":
            out["decision_on"] = e.on.isoformat()
            out["decision_outcome"] = e.outcome or ""
    return out


def draft_step(
    session: Session,
    library: TemplateLibrary,
    req: Request,
    prop: Proposal,
    *,
    requester: Requester | None,
    user_vars: dict[str, str],
    today: date,
    now: datetime,
    holidays: HolidaySet,
) -> Letter:
    """Write the letter for a proposed step."""
    if prop.template is None:
        raise ConflictError(f"{req.reference}: nothing to escalate ({prop.reason})")
    if any(lt.purpose == prop.step and lt.state in PENDING for lt in req.letters):
        raise ConflictError(
            f"{req.reference} already has a {prop.step} letter waiting: "
            f"'foi draft preview {req.reference}', then 'foi send "
            f"{req.reference}'"
        )
    person = _signatory(req, requester)
    ctx = letter_context(
        req, person, today=today, holidays=holidays, user_vars={**_review_vars(req), **user_vars}
    )
    letter = library.render(prop.template, ctx)
    lt = attach_letter(
        session,
        req,
        subject=f"{letter.subject} [{req.reference}]",
        text=letter.text,
        now=now,
        purpose=prop.step,
        template=prop.template,
    )
    if prop.step == "ico-complaint":
        _name, form = REGULATOR_FORMS.get(req.regime, REGULATOR_FORMS["foia"])
        lt.route, lt.to_addr, lt.state = "web-form", form, "draft"
        lt.unsendable_reason = f"submit it through the regulator's form at {form}"
    elif prop.step in APPEAL_FORUMS:
        where, what = APPEAL_FORUMS[prop.step]
        lt.route, lt.to_addr, lt.state = "web-form", where, "draft"
        lt.unsendable_reason = f"{what} (see {where})"
    session.flush()
    return lt
