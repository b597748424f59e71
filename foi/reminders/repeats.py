"""Repeat requests: the same letters to the same bodies, for a new round of a campaign.

`repeat_campaign` drafts, under a new campaign, each letter a campaign sent (same template,
same variables, same signatory) to each body it went to that is still open; subject access
requests are one person's and never repeated. A round wanted later is a dated reminder
instead (`schedule_repeat`). Takes a session and dates; never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foi.casework.requests import get_campaign
from foi.errors import ConflictError, NotFoundError
from foi.law.holidays import HolidaySet
from foi.letters.batches import DraftResult, draft_batch
from foi.letters.templates import TemplateLibrary
from foi.store.models import Campaign, Request


@dataclass
class RepeatResult:
    """What a repeat drafted (or skipped), letter by letter."""

    source: str
    target: str
    drafted: list[DraftResult]


def _rounds(session: Session, campaign_id: int) -> list[Request]:
    """The campaign's requests worth repeating: sent ones, not subject access requests."""
    return list(
        session.scalars(
            select(Request)
            .where(
                Request.campaign_id == campaign_id,
                Request.regime != "sar",
                Request.template.is_not(None),
                Request.status != "draft",
            )
            .order_by(Request.id)
        )
    )


def repeat_campaign(
    session: Session,
    library: TemplateLibrary,
    source: str,
    target: str,
    *,
    today: date,
    now: datetime,
    holidays: HolidaySet,
    force: bool = False,
) -> RepeatResult:
    """Draft the source campaign's letters again, under `target`, to its bodies still open."""
    src = get_campaign(session, source, now, create=False)
    if target == source:
        raise ConflictError("the new round needs its own campaign name: --as NAME")
    existing = session.scalar(
        select(func.count(Request.id)).join(Campaign).where(Campaign.name == target)
    )
    if existing:
        raise ConflictError(
            f"campaign {target!r} already has {existing} request(s): a repeat drafts a whole "
            "new round, so name a new campaign with --as"
        )
    requests = _rounds(session, src.id)
    if not requests:
        raise NotFoundError(f"campaign {source!r} has no sent request to repeat")
    groups: dict[tuple[str, str, int | None], tuple[dict[str, str], list[str]]] = {}
    for req in requests:
        variables = {str(k): str(v) for k, v in (req.template_vars or {}).items()}
        key = (req.template or "", repr(sorted(variables.items())), req.requester_id)
        names = groups.setdefault(key, (variables, []))[1]
        if req.body.name not in names:
            names.append(req.body.name)
    drafted: list[DraftResult] = []
    for (template, _vars, _person), (variables, bodies) in groups.items():
        person = next(r.requester for r in requests if r.template == template and r.requester)
        drafted += draft_batch(
            session,
            library,
            template,
            bodies,
            requester=person,
            campaign=target,
            user_vars=variables,
            today=today,
            now=now,
            holidays=holidays,
            force=force,
        )
    camp = get_campaign(session, target, now, create=False)
    if camp.description is None:
        camp.description = f"a repeat of {source}"
    return RepeatResult(source=source, target=target, drafted=drafted)


def schedule_repeat(
    session: Session, source: str, target: str, *, on: date, today: date, now: datetime
) -> str:
    """A reminder on `on` to draft the new round then; returns the request it is kept on."""
    from foi.reminders.store import add_user_reminder

    src = get_campaign(session, source, now, create=False)
    requests = _rounds(session, src.id)
    if not requests:
        raise NotFoundError(f"campaign {source!r} has no sent request to repeat")
    first = requests[0]
    add_user_reminder(
        session,
        first.reference,
        on=on,
        note=f"repeat campaign {source} as {target}: foi campaign repeat {source} --as {target}",
        at=None,
        assignee=None,
        today=today,
        now=now,
    )
    return first.reference
