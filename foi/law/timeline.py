"""A request's life as an append-only event log: kinds, allowed transitions, derived state.

Pure: no database, no clock. *Status* says where a request is; *resolution* says how it
ended (the Froide model). Both are folded from the events, in date order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum


class EventKind(StrEnum):
    """Everything that can happen to a request."""

    DRAFTED = "drafted"
    SENT = "sent"
    RESENT = "resent"
    DELIVERY_FAILED = "delivery-failed"
    ACKNOWLEDGED = "acknowledged"
    CLARIFICATION_REQUESTED = "clarification-requested"
    CLARIFICATION_SENT = "clarification-sent"
    FEE_NOTICE = "fee-notice"
    FEE_PAID = "fee-paid"
    EXTENSION = "extension"
    RESPONSE_RECEIVED = "response-received"  # a reply arrived; a volunteer must classify it
    RESPONSE = "response"
    INTERNAL_REVIEW_REQUESTED = "internal-review-requested"
    INTERNAL_REVIEW_RESPONSE = "internal-review-response"
    ICO_COMPLAINT = "ico-complaint"
    ICO_DECISION = "ico-decision"
    WITHDRAWN = "withdrawn"
    CHASED = "chased"
    NOTE = "note"
    RETRACTED = "retracted"  # withdraws an earlier event logged by mistake; both are kept


class Status(StrEnum):
    """Where a request is now."""

    DRAFT = "draft"
    AWAITING_RESPONSE = "awaiting-response"
    AWAITING_CLARIFICATION = "awaiting-clarification"  # the body asked us something
    AWAITING_FEE = "awaiting-fee"
    NEEDS_CLASSIFICATION = "needs-classification"  # a reply came in, nobody has logged it
    DELIVERY_FAILED = "delivery-failed"  # it bounced: the body never got it; resend it
    IN_INTERNAL_REVIEW = "in-internal-review"
    WITH_ICO = "with-ico"
    CLOSED = "closed"


class Outcome(StrEnum):
    """How a response (or review) answered the request."""

    SUCCESSFUL = "successful"
    PARTIALLY_SUCCESSFUL = "partially-successful"
    REFUSED = "refused"
    NOT_HELD = "not-held"


class IcoOutcome(StrEnum):
    """What the Information Commissioner decided on a complaint."""

    UPHELD = "upheld"
    PARTLY_UPHELD = "partly-upheld"
    NOT_UPHELD = "not-upheld"
    INFORMALLY_RESOLVED = "informally-resolved"


WITHDRAWN_RESOLUTION = "withdrawn"
OPEN_STATUSES = frozenset(Status) - {Status.DRAFT, Status.CLOSED}
OUTCOME_KINDS = {
    EventKind.RESPONSE: Outcome,
    EventKind.INTERNAL_REVIEW_RESPONSE: Outcome,
    EventKind.ICO_DECISION: IcoOutcome,
}
# Kinds a volunteer may log by hand (drafted is written by foi itself; a retraction has its
# own command, 'foi request retract').
LOGGABLE = tuple(k for k in EventKind if k not in (EventKind.DRAFTED, EventKind.RETRACTED))


class TransitionError(ValueError):
    """An event that cannot happen at this point of the request's life."""


class FutureDateError(TransitionError):
    """An event dated after today: bad input, not a clash with what is stored."""


@dataclass(frozen=True)
class TimelineEvent:
    """The part of an event the state machine needs."""

    kind: EventKind
    on: date
    seq: int = 0  # tie-break for events on the same day: the order they were recorded
    outcome: str | None = None
    promised_on: date | None = None


@dataclass(frozen=True)
class State:
    """What the events add up to."""

    status: Status = Status.DRAFT
    resolution: str | None = None
    sent_on: date | None = None
    responded_on: date | None = None
    stage: str = "request"  # request | internal-review | ico: where a reply would belong
    delivery_failed: bool = False
    withdrawn: bool = False
    prior_status: Status | None = None  # what a needs-classification reply interrupted

    @property
    def is_open(self) -> bool:
        """Sent and not closed: a clock may be running."""
        return self.status in OPEN_STATUSES


def ordered(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    """Events in the order they happened: drafted first, then by date, then as recorded."""
    return sorted(events, key=lambda e: (e.kind is not EventKind.DRAFTED, e.on, e.seq))


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise TransitionError(message)


def step(state: State, event: TimelineEvent) -> State:
    """Apply one event to a state, or raise TransitionError saying why it cannot happen."""
    k = event.kind
    s = state.status
    when = event.on.isoformat()
    if k in (EventKind.NOTE, EventKind.RETRACTED):
        return state
    if state.withdrawn:
        raise TransitionError(f"{k} on {when}: the request was withdrawn; only notes can be added")
    if k is EventKind.DRAFTED:
        _require(state.sent_on is None and s is Status.DRAFT, "a request is drafted only once")
        return state
    if k is EventKind.WITHDRAWN:
        _require(s is not Status.CLOSED, f"withdrawn on {when}: the request is already closed")
        return replace(state, status=Status.CLOSED, resolution=WITHDRAWN_RESOLUTION, withdrawn=True)
    if k is EventKind.SENT:
        _require(
            state.sent_on is None,
            f"sent on {when}: it was already sent on "
            f"{state.sent_on}; log 'resent' to send it again",
        )
        return replace(state, status=Status.AWAITING_RESPONSE, sent_on=event.on)
    # Everything else happens to a request that has gone out.
    _require(
        state.sent_on is not None,
        f"{k} on {when}: the request has not been sent yet (log 'sent' first)",
    )
    assert state.sent_on is not None
    _require(
        event.on >= state.sent_on, f"{k} on {when} is before the request was sent ({state.sent_on})"
    )
    if k is EventKind.RESENT:
        _require(state.responded_on is None, f"resent on {when}: the body has already responded")
        return replace(
            state, status=Status.AWAITING_RESPONSE, delivery_failed=False, prior_status=None
        )
    if k is EventKind.DELIVERY_FAILED:
        if state.stage == "request" and s is Status.AWAITING_RESPONSE:
            # The body never received it: no clock runs; it must be visible until resent.
            return replace(state, status=Status.DELIVERY_FAILED, delivery_failed=True)
        return replace(state, delivery_failed=True)
    if k is EventKind.ACKNOWLEDGED:
        if s is Status.NEEDS_CLASSIFICATION:  # the reply waiting was only an acknowledgement
            return replace(
                state, status=state.prior_status or Status.AWAITING_RESPONSE, prior_status=None
            )
        return state
    if k is EventKind.CHASED:
        waiting = (
            state.stage == "request"
            and state.responded_on is None
            and s in (Status.AWAITING_RESPONSE, Status.AWAITING_FEE, Status.NEEDS_CLASSIFICATION)
        ) or (state.stage == "internal-review" and s is Status.IN_INTERNAL_REVIEW)
        _require(
            waiting, f"chased on {when}: nothing is awaited from the body (the request is {s})"
        )
        return state
    if k is EventKind.CLARIFICATION_REQUESTED:
        _require(
            s in (Status.AWAITING_RESPONSE, Status.NEEDS_CLASSIFICATION)
            and state.stage == "request",
            f"clarification-requested on {when}: the request is {s}, not awaiting a response",
        )
        return replace(state, status=Status.AWAITING_CLARIFICATION, prior_status=None)
    if k is EventKind.CLARIFICATION_SENT:
        _require(
            s is Status.AWAITING_CLARIFICATION,
            f"clarification-sent on {when}: the body has not asked for clarification "
            "(log 'clarification-requested' first)",
        )
        return replace(state, status=Status.AWAITING_RESPONSE)
    if k is EventKind.FEE_NOTICE:
        _require(
            s in (Status.AWAITING_RESPONSE, Status.NEEDS_CLASSIFICATION)
            and state.stage == "request",
            f"fee-notice on {when}: the request is {s}, not awaiting a response",
        )
        return replace(state, status=Status.AWAITING_FEE, prior_status=None)
    if k is EventKind.FEE_PAID:
        _require(
            s is Status.AWAITING_FEE,
            f"fee-paid on {when}: there is no unpaid fee notice (log 'fee-notice' first)",
        )
        return replace(state, status=Status.AWAITING_RESPONSE)
    if k is EventKind.EXTENSION:
        _require(
            s in (Status.AWAITING_RESPONSE, Status.NEEDS_CLASSIFICATION)
            and state.stage == "request",
            f"extension on {when}: the request is {s}, not awaiting a response",
        )
        _require(
            event.promised_on is not None and event.promised_on >= event.on,
            "an extension needs the promised date (--promised DATE), on or after it",
        )
        return replace(state, status=Status.AWAITING_RESPONSE, prior_status=None)
    if k is EventKind.RESPONSE_RECEIVED:
        _require(
            s is not Status.CLOSED or state.stage == "request",
            f"response-received on {when}: the request is closed",
        )
        prior = state.prior_status if s is Status.NEEDS_CLASSIFICATION else s
        return replace(state, status=Status.NEEDS_CLASSIFICATION, prior_status=prior)
    if k is EventKind.RESPONSE:
        _require(
            event.outcome in set(Outcome), "a response needs an outcome: " + ", ".join(Outcome)
        )
        _require(
            state.stage == "request",
            f"response on {when}: the request is at the {state.stage} stage; log "
            f"'{'internal-review-response' if state.stage == 'internal-review' else 'ico-decision'}'",
        )
        return replace(
            state,
            status=Status.CLOSED,
            resolution=event.outcome,
            responded_on=state.responded_on or event.on,
            prior_status=None,
        )
    if k is EventKind.INTERNAL_REVIEW_REQUESTED:
        _require(
            state.stage == "request" and s is not Status.AWAITING_CLARIFICATION,
            f"internal-review-requested on {when}: the request is {s} at the {state.stage} stage",
        )
        return replace(
            state, status=Status.IN_INTERNAL_REVIEW, stage="internal-review", prior_status=None
        )
    if k is EventKind.INTERNAL_REVIEW_RESPONSE:
        _require(
            event.outcome in set(Outcome),
            "a review response needs an outcome: " + ", ".join(Outcome),
        )
        _require(
            state.stage == "internal-review"
            and s in (Status.IN_INTERNAL_REVIEW, Status.NEEDS_CLASSIFICATION),
            f"internal-review-response on {when}: no internal review was requested "
            "(log 'internal-review-requested' first)",
        )
        return replace(state, status=Status.CLOSED, resolution=event.outcome, prior_status=None)
    if k is EventKind.ICO_COMPLAINT:
        _require(
            state.stage != "ico", f"ico-complaint on {when}: a complaint is already with the ICO"
        )
        return replace(state, status=Status.WITH_ICO, stage="ico", prior_status=None)
    if k is EventKind.ICO_DECISION:
        _require(
            event.outcome in set(IcoOutcome),
            "an ICO decision needs an outcome: " + ", ".join(IcoOutcome),
        )
        _require(
            state.stage == "ico",
            f"ico-decision on {when}: no complaint was made to the ICO (log 'ico-complaint' first)",
        )
        return replace(state, status=Status.CLOSED, prior_status=None)
    raise TransitionError(f"unknown event kind {k!r}")  # pragma: no cover - enum is closed


def fold(events: Sequence[TimelineEvent]) -> State:
    """Replay events in order; raise TransitionError at the first impossible one."""
    state = State()
    for event in ordered(events):
        state = step(state, event)
    return state


def check_append(existing: Sequence[TimelineEvent], new: TimelineEvent, today: date) -> State:
    """Validate a new (possibly back-dated) event against the whole log; return the new state."""
    if new.on > today:
        raise FutureDateError(
            f"{new.kind} on {new.on}: that is in the future (today is {today}); "
            "use 'foi remind add' for something that has not happened yet"
        )
    sent = [e.on for e in existing if e.kind is EventKind.SENT]
    if (
        sent
        and new.on < min(sent)
        and new.kind not in (EventKind.NOTE, EventKind.SENT, EventKind.WITHDRAWN)
    ):
        raise TransitionError(
            f"{new.kind} on {new.on} is before the request was sent ({min(sent)})"
        )
    return fold([*existing, new])
