"""The request state machine: every event kind, back-dating, refused transitions."""

from __future__ import annotations

from datetime import date

import pytest

from foi.law.timeline import (
    EventKind,
    State,
    Status,
    TimelineEvent,
    TransitionError,
    check_append,
    fold,
)

D = date.fromisoformat


def ev(
    kind: str, on: str, seq: int = 0, outcome: str | None = None, promised: str | None = None
) -> TimelineEvent:
    return TimelineEvent(EventKind(kind), D(on), seq, outcome, D(promised) if promised else None)


def test_a_new_request_is_a_draft() -> None:
    assert fold([ev("drafted", "2026-01-05")]) == State()


def test_full_life_through_every_stage() -> None:
    events = [
        ev("drafted", "2026-01-05", 1),
        ev("sent", "2026-01-06", 2),
        ev("acknowledged", "2026-01-07", 3),
        ev("delivery-failed", "2026-01-07", 4),
        ev("resent", "2026-01-08", 5),
        ev("clarification-requested", "2026-01-12", 6),
        ev("clarification-sent", "2026-01-13", 7),
        ev("fee-notice", "2026-01-20", 8),
        ev("fee-paid", "2026-01-22", 9),
        ev("extension", "2026-02-10", 10, promised="2026-03-10"),
        ev("chased", "2026-03-12", 11),
        ev("response-received", "2026-03-13", 12),
        ev("response", "2026-03-13", 13, outcome="refused"),
        ev("internal-review-requested", "2026-03-20", 14),
        ev("internal-review-response", "2026-04-20", 15, outcome="partially-successful"),
        ev("ico-complaint", "2026-05-01", 16),
        ev("ico-decision", "2026-09-01", 17, outcome="upheld"),
        ev("note", "2026-09-02", 18),
    ]
    expected = [
        Status.DRAFT,
        Status.AWAITING_RESPONSE,
        Status.AWAITING_RESPONSE,
        Status.DELIVERY_FAILED,
        Status.AWAITING_RESPONSE,
        Status.AWAITING_CLARIFICATION,
        Status.AWAITING_RESPONSE,
        Status.AWAITING_FEE,
        Status.AWAITING_RESPONSE,
        Status.AWAITING_RESPONSE,
        Status.AWAITING_RESPONSE,
        Status.NEEDS_CLASSIFICATION,
        Status.CLOSED,
        Status.IN_INTERNAL_REVIEW,
        Status.CLOSED,
        Status.WITH_ICO,
        Status.CLOSED,
        Status.CLOSED,
    ]
    for n, status in enumerate(expected, start=1):
        assert fold(events[:n]).status is status, events[n - 1]
    final = fold(events)
    assert final.resolution == "partially-successful"  # the review's outcome stands
    assert final.responded_on == D("2026-03-13")
    assert final.sent_on == D("2026-01-06")


def test_delivery_failure_is_flagged_until_resent() -> None:
    base = [
        ev("drafted", "2026-01-05", 1),
        ev("sent", "2026-01-06", 2),
        ev("delivery-failed", "2026-01-06", 3),
    ]
    assert fold(base).delivery_failed
    assert not fold([*base, ev("resent", "2026-01-07", 4)]).delivery_failed


def test_withdrawn_closes_with_its_own_resolution_and_only_notes_follow() -> None:
    events = [
        ev("drafted", "2026-01-05", 1),
        ev("sent", "2026-01-06", 2),
        ev("withdrawn", "2026-01-09", 3),
    ]
    state = fold(events)
    assert (state.status, state.resolution) == (Status.CLOSED, "withdrawn")
    fold([*events, ev("note", "2026-01-10", 4)])
    with pytest.raises(TransitionError, match="withdrawn; only notes"):
        fold([*events, ev("response", "2026-01-10", 4, outcome="successful")])


def test_back_dated_event_is_placed_by_date() -> None:
    existing = [
        ev("drafted", "2026-01-05", 1),
        ev("sent", "2026-01-06", 2),
        ev("response", "2026-02-02", 3, outcome="successful"),
    ]
    # Logged after the response, but it happened before it: accepted and ordered by date.
    state = check_append(existing, ev("acknowledged", "2026-01-07", 4), today=D("2026-02-10"))
    assert state.status is Status.CLOSED


@pytest.mark.parametrize(
    ("events", "message"),
    [
        (
            [ev("drafted", "2026-01-05"), ev("response", "2026-01-06", outcome="successful")],
            "has not been sent yet",
        ),
        (
            [ev("drafted", "2026-01-05"), ev("sent", "2026-01-06", 1), ev("sent", "2026-01-07", 2)],
            "log 'resent'",
        ),
        (
            [
                ev("drafted", "2026-01-05"),
                ev("sent", "2026-01-06", 1),
                ev("fee-paid", "2026-01-07", 2),
            ],
            "no unpaid fee notice",
        ),
        (
            [
                ev("drafted", "2026-01-05"),
                ev("sent", "2026-01-06", 1),
                ev("clarification-sent", "2026-01-07", 2),
            ],
            "has not asked for clarification",
        ),
        (
            [
                ev("drafted", "2026-01-05"),
                ev("sent", "2026-01-06", 1),
                ev("internal-review-response", "2026-01-07", 2, outcome="successful"),
            ],
            "no internal review was requested",
        ),
        (
            [
                ev("drafted", "2026-01-05"),
                ev("sent", "2026-01-06", 1),
                ev("ico-decision", "2026-01-07", 2, outcome="upheld"),
            ],
            "no complaint was made",
        ),
        (
            [
                ev("drafted", "2026-01-05"),
                ev("sent", "2026-01-06", 1),
                ev("response", "2026-01-07", 2),
            ],
            "needs an outcome",
        ),
        (
            [
                ev("drafted", "2026-01-05"),
                ev("sent", "2026-01-06", 1),
                ev("extension", "2026-01-07", 2),
            ],
            "promised date",
        ),
        (
            [
                ev("drafted", "2026-01-05"),
                ev("sent", "2026-01-06", 1),
                ev("internal-review-requested", "2026-01-20", 2),
                ev("response", "2026-01-21", 3, outcome="successful"),
            ],
            "internal-review-response",
        ),
        (
            [
                ev("drafted", "2026-01-05"),
                ev("sent", "2026-01-06", 1),
                ev("response", "2026-01-20", 2, outcome="refused"),
                ev("fee-notice", "2026-01-21", 3),
            ],
            "not awaiting a response",
        ),
    ],
)
def test_impossible_transitions_are_refused_with_a_reason(
    events: list[TimelineEvent], message: str
) -> None:
    with pytest.raises(TransitionError, match=message):
        fold(
            [TimelineEvent(e.kind, e.on, i, e.outcome, e.promised_on) for i, e in enumerate(events)]
        )


def test_events_cannot_precede_sending_or_lie_in_the_future() -> None:
    existing = [ev("drafted", "2026-01-05", 1), ev("sent", "2026-01-10", 2)]
    with pytest.raises(TransitionError, match="before the request was sent"):
        check_append(existing, ev("acknowledged", "2026-01-09", 3), today=D("2026-02-01"))
    with pytest.raises(TransitionError, match="in the future"):
        check_append(existing, ev("acknowledged", "2026-02-02", 3), today=D("2026-02-01"))


def test_a_reply_awaiting_classification_keeps_the_stage() -> None:
    events = [
        ev("drafted", "2026-01-05", 1),
        ev("sent", "2026-01-06", 2),
        ev("response", "2026-02-01", 3, outcome="refused"),
        ev("internal-review-requested", "2026-02-02", 4),
        ev("response-received", "2026-02-20", 5),
    ]
    state = fold(events)
    assert state.status is Status.NEEDS_CLASSIFICATION
    assert state.stage == "internal-review"
    closed = fold([*events, ev("internal-review-response", "2026-02-20", 6, outcome="successful")])
    assert (closed.status, closed.resolution) == (Status.CLOSED, "successful")


def test_an_acknowledgement_classifies_a_waiting_reply() -> None:
    events = [
        ev("drafted", "2026-01-05", 1),
        ev("sent", "2026-01-06", 2),
        ev("response-received", "2026-01-07", 3),
    ]
    assert fold(events).status is Status.NEEDS_CLASSIFICATION
    assert fold([*events, ev("acknowledged", "2026-01-07", 4)]).status is Status.AWAITING_RESPONSE
