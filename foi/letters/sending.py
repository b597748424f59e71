"""Sending letters exactly once: plan a batch, record each attempt before it goes, settle after.

A letter moves draft -> sending -> sent (or failed). The 'sending' mark is committed
before the SMTP transaction starts, so a crash or kill leaves the one letter in flight
marked 'sending': a re-run never sends it again on its own. `reconcile` settles such
letters from the user's Sent folder or BCC archive (matched by Message-ID); `retry`
puts them back to draft once the user has checked they did not go.

Each step takes a session and the time from the caller and never commits.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from foi.casework.requests import (
    LogEntry,
    find_request,
    get_campaign,
    log_event,
    placeholder_name,
    timeline_events,
)
from foi.errors import ConflictError, UsageError
from foi.law.holidays import HolidaySet
from foi.law.timeline import EventKind, Status, TimelineEvent, TransitionError, check_append
from foi.letters.records import (
    EDITABLE,
    address_doubt,
    current_route,
    follow_directory,
    readdress,
)
from foi.store.models import Body, Letter, Request

# The timeline event a letter records once it has gone, by the letter's purpose.
EVENT_FOR_PURPOSE = {
    "request": EventKind.SENT,
    "sar": EventKind.SENT,
    "chaser": EventKind.CHASED,
    "internal-review": EventKind.INTERNAL_REVIEW_REQUESTED,
    "ico-complaint": EventKind.ICO_COMPLAINT,
    "clarification-reply": EventKind.CLARIFICATION_SENT,
}
READY_STATES = ("draft", "failed", "written")


@dataclass(frozen=True)
class Item:
    """One letter in a send plan."""

    letter_id: int
    reference: str
    body: str
    purpose: str
    route: str
    to: str | None
    subject: str
    state: str
    problem: str | None = None  # why it cannot go now
    message_id: str | None = None
    doubt: str | None = None  # why its address may be wrong (unconfirmed, undated or old)


@dataclass
class Plan:
    ready: list[Item]
    by_hand: list[Item]  # web form or post: the outbox gets printable text
    blocked: list[Item]  # no address, withdrawn, or an event that cannot happen now
    uncertain: list[Item]  # a previous attempt was interrupted

    def counts(self) -> dict[str, int]:
        """How many letters are in each group."""
        return {
            "ready": len(self.ready),
            "by_hand": len(self.by_hand),
            "blocked": len(self.blocked),
            "uncertain": len(self.uncertain),
        }


def _item(
    lt: Letter,
    problem: str | None = None,
    state: str | None = None,
    resend: bool = False,
    today: date | None = None,
) -> Item:
    route, to, _reason = current_route(lt, resend=resend)  # the address it would go to now
    return Item(
        letter_id=lt.id,
        reference=lt.request.reference,
        body=lt.request.body.name,
        purpose=lt.purpose,
        route=route,
        to=to,
        subject=lt.subject,
        state=state or lt.state,
        problem=problem,
        message_id=lt.message_id,
        doubt=address_doubt(lt, today, resend=resend) if today is not None else None,
    )


def bounced(lt: Letter) -> bool:
    """The request's own letter went, but bounced: it may go again to a corrected address."""
    return (
        lt.purpose in ("request", "sar")
        and lt.state == "sent"
        and lt.route == "email"
        and lt.request.status == Status.DELIVERY_FAILED.value
    )


def signatory_problem(lt: Letter, route: str) -> str | None:
    """Why a letter drafted before the checks could not be answered as signed, if so."""
    person = lt.request.requester
    if person is None or lt.purpose not in ("request", "sar"):
        return None
    if lt.purpose == "sar" and route == "email" and not person.email:
        return (
            "a subject access request is sent from the data subject's own address: set "
            "FOI_REQUESTER_EMAIL to theirs, discard it and draft again"
        )
    if placeholder_name(person.name):
        return (
            f"signed with the placeholder {person.name!r}: discard it ('foi draft discard "
            f"{lt.request.reference}') and draft again with your real name"
        )
    if route == "post" and not person.address:
        return (
            "goes by post but has no postal address for the reply: set "
            "FOI_REQUESTER_ADDRESS, discard it and draft again"
        )
    return None


def event_kind(lt: Letter) -> EventKind | None:
    """The event sending this letter records: 'resent' for a request that bounced."""
    kind = EVENT_FOR_PURPOSE.get(lt.purpose)
    if kind is EventKind.SENT and lt.request.status == Status.DELIVERY_FAILED.value:
        return EventKind.RESENT
    return kind


def event_problem(lt: Letter, today: date) -> str | None:
    """Why the letter's event could not be recorded today, if it could not."""
    kind = event_kind(lt)
    if kind is None:
        return None
    req = lt.request
    if kind is EventKind.SENT and req.sent_on is not None:
        return f"already sent on {req.sent_on}"
    try:
        check_append(timeline_events(req), TimelineEvent(kind=kind, on=today, seq=10**12), today)
    except TransitionError as exc:
        return str(exc)
    return None


def letters_for(
    session: Session, references: Sequence[str], campaign: str | None, now: datetime
) -> list[Letter]:
    """The letters a send command is about: by reference, by campaign, or every draft."""
    stmt = (
        select(Letter)
        .join(Request)
        .options(
            selectinload(Letter.request).selectinload(Request.body).selectinload(Body.contacts),
            selectinload(Letter.request).selectinload(Request.events),
        )
        .order_by(Request.reference, Letter.id)
    )
    if references:
        ids = [find_request(session, ref).id for ref in references]
        stmt = stmt.where(Letter.request_id.in_(ids))
    elif campaign:
        camp = get_campaign(session, campaign, now, create=False)
        stmt = stmt.where(Request.campaign_id == camp.id)
    return list(session.scalars(stmt))


def plan(
    session: Session,
    references: Sequence[str],
    campaign: str | None,
    *,
    outbox: bool,
    today: date,
    now: datetime,
) -> Plan:
    """Sort letters into ready, by hand, blocked and uncertain; changes nothing."""
    return _sort(
        letters_for(session, references, campaign, now),
        explicit=bool(references),
        outbox=outbox,
        today=today,
    )


def plan_letters(session: Session, letter_ids: Sequence[int], *, outbox: bool, today: date) -> Plan:
    """A send plan for particular letters (e.g. the chasers just drafted)."""
    letters = [lt for lt in (session.get(Letter, i) for i in letter_ids) if lt is not None]
    return _sort(letters, explicit=True, outbox=outbox, today=today)


def _sort(letters: Iterable[Letter], *, explicit: bool, outbox: bool, today: date) -> Plan:
    """Sort letters into the plan's groups."""
    references = explicit
    p = Plan([], [], [], [])
    for lt in letters:
        # Nothing changes here (a dry run is a plan): the current address is only looked at.
        route, _to, reason = current_route(lt)
        state = lt.state
        if state in ("draft", "failed", "written") and route == "none":
            state = "unsendable"
        elif state == "unsendable" and route not in ("none", "whatdotheyknow"):
            state = "draft"
        if state == "cancelled":
            continue  # discarded by a volunteer or replaced by a newer chaser
        if state == "sending":
            p.uncertain.append(_item(lt, "an earlier send was interrupted: it may have gone"))
            continue
        if bounced(lt):
            route, to, _reason = current_route(lt, resend=True)
            failing = {
                c.address.lower()
                for c in lt.request.body.contacts
                if c.channel == "email" and c.failing_since is not None
            }
            if route != "email" or (to or "").lower() in failing:
                p.blocked.append(
                    _item(
                        lt,
                        f"delivery to {lt.to_addr} failed: correct the address with 'foi body "
                        f"edit' (or log 'resent' if you sent it another way)",
                    )
                )
            else:
                p.ready.append(_item(lt, state="bounced", resend=True, today=today))
            continue
        if state in ("sent", "unsendable") and not references:
            if state == "unsendable" and route != "whatdotheyknow":
                p.blocked.append(_item(lt, reason or lt.unsendable_reason))
            continue
        if state == "written" and not outbox and not references:
            # Written to an outbox: the volunteer may have sent it from their mail client.
            log_as = EVENT_FOR_PURPOSE.get(lt.purpose, EventKind.SENT)
            smtp = (
                (f"; to send it by SMTP instead, name it: 'foi send {lt.request.reference} --yes'")
                if route == "email"
                else ""
            )
            p.blocked.append(
                _item(
                    lt,
                    f"written to the outbox: if you sent it, log it with 'foi request log "
                    f"{lt.request.reference} {log_as} --on DATE'{smtp}",
                )
            )
            continue
        if state == "sent":
            waiting = any(
                x.state in READY_STATES or x.state == "unsendable"
                for x in lt.request.letters
                if x.id != lt.id
            )
            if not waiting:  # named for nothing else: say why nothing goes
                when = f" {lt.sent_at:%Y-%m-%d}" if lt.sent_at else ""
                p.blocked.append(_item(lt, f"already sent{when}"))
            # Otherwise it is the request's earlier letter, not one that failed to go: a
            # follow-up send does not count it as 'not sendable' (issue 21).
            continue
        if state == "unsendable":
            p.blocked.append(_item(lt, reason or lt.unsendable_reason))
            continue
        if lt.request.resolution == "withdrawn":
            p.blocked.append(_item(lt, "the request was withdrawn"))
            continue
        unsigned = signatory_problem(lt, route)
        if unsigned is not None:
            p.blocked.append(_item(lt, unsigned))
            continue
        problem = event_problem(lt, today)
        if problem is not None:
            p.blocked.append(_item(lt, problem))
            continue
        if route == "email":
            p.ready.append(_item(lt, state=state, today=today))
        elif route in ("web-form", "post"):
            (p.ready if outbox else p.by_hand).append(
                _item(
                    lt,
                    None if outbox else f"goes by {route}: use --outbox DIR for the text",
                    state=state,
                    today=today,
                )
            )
        else:
            p.blocked.append(_item(lt, reason or lt.unsendable_reason or "no route"))
    return p


@dataclass(frozen=True)
class Attempt:
    """What the sender needs to send one letter, captured when the attempt was recorded."""

    letter_id: int
    reference: str
    purpose: str
    to: str
    subject: str
    text: str
    message_id: str
    in_reply_to: str | None
    regime: str = "foia"
    # A subject access request's From and Reply-To: the data subject (None otherwise).
    subject_from: str | None = None
    subject_reply_to: str | None = None


def data_subject(req: Request) -> tuple[str | None, str | None]:
    """(From, Reply-To) of a SAR letter: the data subject's own name and address."""
    from email.utils import formataddr

    person = req.requester
    if req.regime != "sar" or person is None or not person.email:
        return None, None
    return formataddr((person.name, person.email)), person.email


def new_message_id(reference: str, from_addr: str) -> str:
    """A fresh Message-ID for a letter; stored before sending so a retry reuses it."""
    from foi.letters.transport import make_message_id

    return make_message_id(reference, from_addr, uuid.uuid4().hex)


def _first_message_id(req: Request, letter: Letter) -> str | None:
    first = next(
        (
            x
            for x in req.letters
            if x.purpose in ("request", "sar") and x.id != letter.id and x.message_id
        ),
        None,
    )
    return first.message_id if first else None


def begin_attempt(
    session: Session, letter_id: int, *, from_addr: str, today: date, now: datetime
) -> Attempt | None:
    """Mark a ready letter 'sending' (to be committed before it goes); None if not ready."""
    lt = session.get(Letter, letter_id, with_for_update=True)
    resend = lt is not None and bounced(lt)
    if lt is not None and resend:
        if not readdress(lt):  # still the address that bounced: nothing better to send to
            return None
        # A new Message-ID: the old one belongs to the copy that bounced.
        lt.message_id = new_message_id(lt.request.reference, from_addr)
        lt.state = "draft"
    elif lt is not None:
        follow_directory(lt)  # an address corrected since drafting is used
    if lt is None or lt.state not in READY_STATES or lt.route != "email" or not lt.to_addr:
        return None
    if event_problem(lt, today) is not None:
        return None
    if lt.message_id is None:
        lt.message_id = new_message_id(lt.request.reference, from_addr)
    lt.state = "sending"
    lt.attempts = (lt.attempts or 0) + 1
    lt.attempted_at = now
    lt.last_error = None
    return Attempt(
        letter_id=lt.id,
        reference=lt.request.reference,
        purpose=lt.purpose,
        to=lt.to_addr,
        subject=lt.subject,
        text=lt.text,
        message_id=lt.message_id,
        in_reply_to=_first_message_id(lt.request, lt),
        regime=lt.request.regime,
        subject_from=data_subject(lt.request)[0],
        subject_reply_to=data_subject(lt.request)[1],
    )


def _record_event(
    session: Session,
    lt: Letter,
    on: date,
    *,
    today: date,
    now: datetime,
    holidays: HolidaySet,
    note: str | None = None,
) -> None:
    kind = event_kind(lt)
    if kind is None:
        return
    data = {"message_id": lt.message_id, "to": lt.to_addr}
    entry = LogEntry(kind=kind.value, on=on, letter_id=lt.id, note=note, data=data)
    log_event(session, lt.request, entry, today=today, now=now, holidays=holidays)
    # A summary chaser chases every request it lists.
    for ref in lt.covers or []:
        if ref == lt.request.reference:
            continue
        note_other = f"in the summary chaser sent with {lt.request.reference}"
        other = LogEntry(kind=kind.value, on=on, letter_id=lt.id, note=note_other, data=data)
        # Answered or closed meanwhile: nothing to record on it.
        with contextlib.suppress(ConflictError):
            log_event(
                session, find_request(session, ref), other, today=today, now=now, holidays=holidays
            )


def finish_sent(
    session: Session, letter_id: int, *, today: date, now: datetime, holidays: HolidaySet
) -> None:
    """Record that the server accepted the letter, and its timeline event."""
    lt = session.get(Letter, letter_id)
    assert lt is not None
    lt.state = "sent"
    lt.sent_at = now
    _record_event(session, lt, today, today=today, now=now, holidays=holidays)


def finish_failed(session: Session, letter_id: int, error: str, *, now: datetime) -> None:
    """Record that the letter was not accepted (it can be retried)."""
    lt = session.get(Letter, letter_id)
    assert lt is not None
    lt.state = "failed"
    lt.last_error = error
    lt.attempted_at = now


def mark_written(
    session: Session, letter_id: int, *, from_addr: str | None, now: datetime
) -> Letter:
    """Record that a letter was written to the outbox (the user sends it and logs 'sent')."""
    lt = session.get(Letter, letter_id)
    assert lt is not None
    follow_directory(lt)
    if lt.message_id is None and lt.route == "email" and from_addr:
        lt.message_id = new_message_id(lt.request.reference, from_addr)
    lt.state = "written"
    lt.attempted_at = now
    return lt


def reconcile(
    session: Session, sent_ids: dict[str, date], *, today: date, now: datetime, holidays: HolidaySet
) -> tuple[list[str], list[str]]:
    """Settle interrupted letters found in a Sent folder or archive: (settled, still unknown)."""
    settled, unknown = [], []
    for lt in session.scalars(select(Letter).where(Letter.state == "sending")):
        found = sent_ids.get(lt.message_id or "")
        if found is None:
            unknown.append(lt.request.reference)
            continue
        lt.state = "sent"
        lt.sent_at = now
        _record_event(
            session,
            lt,
            min(found, today),
            today=today,
            now=now,
            holidays=holidays,
            note="confirmed from the sent mail",
        )
        settled.append(lt.request.reference)
    return settled, unknown


def retry_uncertain(session: Session, references: Iterable[str]) -> list[str]:
    """Put interrupted letters back to draft after the user checked they did not go."""
    refs = {r.upper() for r in references}
    done = []
    for lt in session.scalars(select(Letter).where(Letter.state == "sending")):
        if refs and lt.request.reference not in refs:
            continue
        lt.state = "draft"
        lt.last_error = "interrupted send: the user checked it did not go"
        done.append(lt.request.reference)
    if refs and not done:
        raise UsageError("none of those requests has an interrupted send")
    return done


def letter_for_edit(session: Session, reference: str) -> Letter:
    """The request's own letter, while it can still be edited."""
    req = find_request(session, reference)
    lt = next((x for x in req.letters if x.purpose in ("request", "sar")), None)
    if lt is None:
        raise UsageError(f"{req.reference} has no letter to edit")
    if lt.state not in EDITABLE:
        raise ConflictError(f"{req.reference}'s letter is {lt.state}: it can no longer be edited")
    return lt


def last_emailed_to(req: Request, on: date) -> str | None:
    """Where the request's last email sent on or before `on` went (the one that bounced)."""
    sent = [
        lt
        for lt in req.letters
        if lt.route == "email"
        and lt.state == "sent"
        and lt.to_addr
        and (lt.sent_at is None or lt.sent_at.date() <= on)
    ]
    if not sent:
        return None
    return max(sent, key=lambda lt: (lt.sent_at or lt.created_at, lt.id)).to_addr


def failed_by_hand(
    session: Session, req: Request, on: date, now: datetime, reason: str | None
) -> str | None:
    """A delivery failure logged by hand marks the address the letter went to failing, as an
    imported or assigned bounce does, so a resend goes to a corrected address (issue 21)."""
    from foi.directory.learning import mark_failing

    address = last_emailed_to(req, on)
    if address is None:
        return None
    why = reason or "delivery failed (logged by hand)"
    mark_failing(session, req.body, [address], on, now, why, request_id=req.id)
    return address


def settle_by_hand(req: Request, kind: str, now: datetime) -> Letter | None:
    """When a volunteer logs that they sent a letter themselves, mark that letter sent."""
    purposes = [p for p, k in EVENT_FOR_PURPOSE.items() if k.value == kind]
    waiting = [
        lt
        for lt in req.letters
        if lt.purpose in purposes and lt.state in ("draft", "failed", "written")
    ]
    if not waiting:
        return None
    lt = waiting[-1]
    lt.state = "sent"
    lt.sent_at = now
    return lt


UNSENT = ("draft", "failed", "written", "unsendable")


def discard_letters(session: Session, reference: str, purpose: str | None = None) -> list[Letter]:
    """Cancel a request's unsent letters (all, or those of one purpose); they are kept."""
    req = find_request(session, reference)
    done = [
        lt
        for lt in req.letters
        if lt.state in UNSENT and (purpose is None or lt.purpose == purpose)
    ]
    if not done:
        raise UsageError(
            f"{req.reference} has no unsent letter" + (f" for {purpose}" if purpose else "")
        )
    for lt in done:
        lt.state = "cancelled"
    return done
