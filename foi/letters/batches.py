"""Drafting letters in batches: select bodies, build each letter's context, create requests.

Rendering is foi.letters.templates (pure); this module decides who gets a letter, who is skipped
and why, and records drafts. It never commits and never prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foi.casework.requests import NewRequest, create_request, default_regime
from foi.directory.bodies import find_body, list_bodies
from foi.directory.kinds import NATIONS, kind_choices, kinds_named
from foi.directory.listing import BodyFilter
from foi.directory.shapes import body_status, sim_status
from foi.errors import ConflictError, UsageError
from foi.law.calendars import calendar_for
from foi.law.holidays import HolidaySet
from foi.law.regimes import Regime
from foi.letters.records import address_doubt, attach_letter
from foi.letters.templates import TemplateInfo, TemplateLibrary
from foi.store.models import Body, Campaign, Request, Requester

AGGREGATION_WORKING_DAYS = 60  # Fees Regulations 2004 reg 5: requests within 60 working days


def select_bodies(session: Session, selectors: Sequence[str], today: date) -> list[Body]:
    """Bodies named by selectors: kind:K (or a group of kinds), nation:N, tag:T, all, or a
    name/code; in order, no repeats."""
    if not selectors:
        raise UsageError(
            "say who to write to with --to: kind:mental-health-trust, nation:scotland, tag:T, "
            "a name or code, or all"
        )
    chosen: dict[int, Body] = {}
    for sel in selectors:
        sel = sel.strip()
        if sel == "all":
            found = list_bodies(session, BodyFilter(), today)
        elif sel.startswith("kind:"):
            kind = sel[5:]
            if not kinds_named(kind):
                raise UsageError(f"unknown kind {kind!r} in --to: choose from {kind_choices()}")
            found = list_bodies(session, BodyFilter(kind=kind), today)
        elif sel.startswith("nation:"):
            nation = sel[7:]
            if nation not in NATIONS:
                raise UsageError(
                    f"unknown nation {nation!r} in --to: choose from {', '.join(NATIONS)}"
                )
            found = list_bodies(session, BodyFilter(nation=nation), today)
        elif sel.startswith("tag:"):
            found = list_bodies(session, BodyFilter(tag=sel[4:]), today)
            if not found:
                raise UsageError(f"no body has tag {sel[4:]!r}")
        else:
            found = [find_body(session, sel)]
        for b in found:
            chosen.setdefault(b.id, b)
    return list(chosen.values())


@dataclass
class DraftResult:
    """What happened for one body."""

    body: str
    state: str  # draft | unsendable | skipped
    reference: str | None = None
    route: str | None = None
    to: str | None = None
    reason: str | None = None
    words: int | None = None
    doubt: str | None = None  # why the address may be wrong: unconfirmed, undated or old


def _body_context(body: Body) -> dict[str, Any]:
    sim = sim_status(body)
    local = next(
        (
            e.local_name
            for e in sorted(body.evidence, key=lambda e: e.recorded_at, reverse=True)
            if e.local_name
        ),
        None,
    )
    return {
        "name": body.name,
        "kind": body.kind,
        "ods_code": body.ods_code,
        "police_id": body.police_id,
        "aliases": [a.alias for a in body.aliases],
        "region": body.region,
        "local_name": local,
        "wdtk_url_name": body.wdtk_url_name,
        "regime": body.regime,
        "sim_status": sim.status if sim else None,
    }


def _prior(session: Session, body: Body, campaign: Campaign | None) -> list[dict[str, Any]]:
    stmt = select(Request).where(Request.body_id == body.id).order_by(Request.id)
    if campaign is not None:
        stmt = stmt.where(Request.campaign_id == campaign.id)
    return [
        {"reference": r.reference, "title": r.title, "sent_on": r.sent_on, "status": r.status}
        for r in session.scalars(stmt)
    ]


def request_context(req: Request, today: date) -> dict[str, Any]:
    """What a follow-up letter (chaser, review, complaint) knows about its request."""
    first = next((lt for lt in req.letters if lt.purpose in ("request", "sar")), None)
    response = [e for e in req.events if e.kind == "response"]
    exemptions = sorted({x for e in response for x in (e.data or {}).get("exemptions", [])})
    return {
        "reference": req.reference,
        "title": req.title,
        "regime": req.regime,  # letters cite the law of the request, not just of the body
        "sent_on": req.sent_on,
        "due_on": req.due_on,
        "authority_ref": req.authority_ref,
        "days_late": None,
        "response_on": response[-1].on if response else None,
        "outcome": response[-1].outcome if response else None,
        "exemptions": exemptions,
        "original_subject": first.subject if first else req.title,
        "original_text": first.text if first else "",
        "wdtk_url": req.wdtk_url,
    }


def requester_context(person: Requester) -> dict[str, Any]:
    """The signatory's details for letters."""
    return {"name": person.name, "email": person.email, "address": person.address}


def similar_recent(
    session: Session, body: Body, campaign: Campaign | None, today: date, holidays: HolidaySet
) -> Request | None:
    """A request from the same campaign to the same body within 60 working days, if any."""
    if campaign is None:
        return None
    cal = calendar_for(Regime.FOIA, holidays)
    for r in session.scalars(
        select(Request).where(Request.body_id == body.id, Request.campaign_id == campaign.id)
    ):
        if r.resolution == "withdrawn":
            continue
        when = r.sent_on or r.created_at.date()
        if cal.working_days_between(when, today) <= AGGREGATION_WORKING_DAYS:
            return r
    return None


def skip_reason(body: Body, info: TemplateInfo, today: date) -> str | None:
    """Why a template should not go to this body, or None."""
    status = body_status(body, today)
    if status == "closed":
        succ = f"; write to its successor, {body.successor.name}" if body.successor else ""
        return f"closed on {body.closed_on}{succ}"
    if status == "not-yet-open":
        return f"opens on {body.opened_on}"
    if "any" not in info.kinds and body.kind not in info.kinds:
        return f"template {info.name} is for {', '.join(info.kinds)}, not {body.kind}"
    if (
        info.regime != "sar"
        and info.purpose != "sar"
        and (not body.foi_subject or body.regime == "none")
    ):
        return (
            "not subject to FOI (no duty to answer, no statutory clock): ask the public "
            "body that commissions it instead"
        )
    return None


def body_takes_email(body: Body, info: TemplateInfo) -> bool:
    """Whether a letter from this template reaches the body other than by post."""
    from foi.directory.bodies import contact_route

    sar = info.regime == "sar" or info.purpose == "sar"
    return contact_route(body, "sar" if sar else "foi")[0] != "post"


def draft_batch(
    session: Session,
    library: TemplateLibrary,
    template: str,
    selectors: Sequence[str],
    *,
    requester: Requester,
    campaign: str | None,
    user_vars: Mapping[str, str],
    today: date,
    now: datetime,
    holidays: HolidaySet,
    force: bool = False,
    assignee: str | None = None,
) -> list[DraftResult]:
    """Create one draft request per selected body; skipped bodies come back with reasons."""
    info = library.get(template)
    if info.purpose not in ("request", "sar"):
        raise UsageError(
            f"template {info.name} is a {info.purpose} letter for an existing "
            "request: use 'foi chase' or 'foi escalate' instead"
        )
    if (info.purpose == "sar" or info.regime == "sar") and (
        len(selectors) != 1
        or selectors[0] == "all"
        or selectors[0].startswith(("kind:", "tag:", "nation:"))
    ):
        raise UsageError(
            "a subject access request is one person's request to one body: name "
            "a single body with --to (not kind:, nation:, tag: or all)"
        )
    bodies = select_bodies(session, selectors, today)
    camp = None
    if campaign:
        camp = session.scalar(select(Campaign).where(Campaign.name == campaign))
    conflicts = []
    for body in bodies:
        if skip_reason(body, info, today) is None:
            prior = similar_recent(session, body, camp, today, holidays)
            if prior is not None:
                conflicts.append(f"{body.name} ({prior.reference})")
    if conflicts and not force:
        shown = "; ".join(conflicts[:3]) + (
            f" and {len(conflicts) - 3} more" if len(conflicts) > 3 else ""
        )
        raise ConflictError(
            f"{len(conflicts)} body(ies) already have a request from campaign {campaign!r} "
            f"within {AGGREGATION_WORKING_DAYS} working days, which a body may aggregate "
            f"under the s.12 cost limit: {shown}; use --force to draft anyway"
        )
    results: list[DraftResult] = []
    for body in bodies:
        reason = skip_reason(body, info, today)
        if reason is None and not requester.address and not body_takes_email(body, info):
            reason = (
                "goes by post: a posted request needs your postal address for the reply "
                "(FOIA s.8(1)(b)); set FOI_REQUESTER_ADDRESS and draft again"
            )
        if reason is not None:
            results.append(DraftResult(body=body.name, state="skipped", reason=reason))
            continue
        regime = (
            "sar"
            if info.regime == "sar" or info.purpose == "sar"
            else (
                info.regime
                if info.regime in ("eir", "foisa") and default_regime(body) != "none"
                else default_regime(body)
            )
        )
        prior = _prior(session, body, camp)
        req = create_request(
            session,
            NewRequest(
                body=body,
                title=info.name,
                regime=regime,
                campaign=campaign,
                assignee=assignee,
                requester=requester,
                template=info.name,
                template_vars=dict(user_vars),
            ),
            today=today,
            now=now,
            holidays=holidays,
        )
        context = {
            "body": _body_context(body),
            "requester": requester_context(requester),
            "campaign": (
                {"name": req.campaign.name, "description": req.campaign.description}
                if req.campaign
                else None
            ),
            "request": {
                "reference": req.reference,
                "title": info.description or info.name,
                "sent_on": None,
                "due_on": None,
                "authority_ref": None,
                "days_late": None,
                "response_on": None,
                "outcome": None,
                "exemptions": [],
                "original_subject": None,
                "original_text": None,
            },
            "prior_requests": prior,
            "today": today,
            "vars": dict(user_vars),
        }
        letter = library.render(info.name, context)
        req.title = letter.subject
        lt = attach_letter(
            session,
            req,
            subject=f"{letter.subject} [{req.reference}]",
            text=letter.text,
            now=now,
            purpose="sar" if regime == "sar" else "request",
            template=info.name,
        )
        results.append(
            DraftResult(
                body=body.name,
                state="unsendable" if lt.state == "unsendable" else "draft",
                reference=req.reference,
                route=lt.route,
                to=lt.to_addr,
                reason=lt.unsendable_reason,
                words=letter.word_count,
                doubt=address_doubt(lt, today),
            )
        )
        if camp is None and req.campaign is not None:
            camp = req.campaign
    session.flush()
    return results
