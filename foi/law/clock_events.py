"""Clock events and their replay: what happened to a request, folded into runs of the clock.

A `ClockEvent` is one thing that happened to a request as far as its clocks care (sent,
resent, delivery failure, clarification, fee notice and payment, extension, response,
withdrawal, internal review); `_replay` folds a request's events, in date order, into phases
(each a fresh day 0) with their fee pauses, clarification stops and delivery failures, plus the
stops, notes and day marks the clocks and the explanation read. Which event restarts, pauses or
stops the clock is decided here (the choices are listed in foi.law.clocks). Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from foi.law.calendars import _add_months
from foi.law.regimes import _CLARIFICATION, FEE_LAPSE_MONTHS, Regime


def _fee_lapse(notice: date) -> date:
    """First day on which a fees notice has lapsed: FOIA s.9(2), FOISA s.9(4)."""
    # "Three months beginning with the day on which the notice is given" ends the day before
    # the corresponding date three months on, or on that month's last day if there is none.
    target = _add_months(notice, FEE_LAPSE_MONTHS)
    return target if target.day == notice.day else target + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ClockEvent:
    """One thing that happened to a request, as far as its clocks care.

    `kind` uses foi.law.timeline's names; the kinds that move no clock ("drafted",
    "acknowledged", "chased", "note", "ico-complaint", "ico-decision") are ignored.
    """

    kind: str
    on: date
    promised_on: date | None = None


@dataclass(slots=True)
class _Phase:
    """One run of the clock: from a (re)start to the next restart."""

    start: date
    reason: str
    pauses: list[tuple[date, date | None]] = field(default_factory=list)
    waiting_since: date | None = None  # clarification asked for: clock stopped
    failed_on: date | None = None  # delivery failed: never received
    waits: list[tuple[date, date]] = field(default_factory=list)  # SAR: finished waits


@dataclass(slots=True)
class _Run:
    """Everything the events add up to."""

    phases: list[_Phase] = field(default_factory=list)
    fee_notice_on: date | None = None
    extension_on: date | None = None
    promised_on: date | None = None
    responded_on: date | None = None
    last_response_on: date | None = None
    withdrawn_on: date | None = None
    review_requested_on: date | None = None
    review_responded_on: date | None = None
    last_event_on: date | None = None
    notes: list[str] = field(default_factory=list)
    marks: dict[date, list[str]] = field(default_factory=dict)

    def mark(self, d: date, text: str) -> None:
        self.marks.setdefault(d, []).append(text)

    def restart(self, d: date, reason: str) -> None:
        """A new date of receipt: a fresh count, with no fee or extension carried over."""
        self.phases.append(_Phase(d, reason))
        self.fee_notice_on = self.extension_on = self.promised_on = None


def _on(event: ClockEvent) -> date:
    return event.on


def _replay(regime: Regime, events: Sequence[ClockEvent]) -> _Run:
    """Fold the events (stable-sorted by date) into phases, pauses and stops."""
    run = _Run()
    phases = run.phases
    for event in sorted(events, key=_on):
        kind, d = event.kind, event.on
        phase = phases[-1] if phases else None
        if kind == "sent":
            # The first send starts the clock; a send after a failed delivery restarts it.
            if phase is None:
                phases.append(_Phase(d, "received (day 0)"))
            elif phase.failed_on is not None:
                run.restart(d, "clock restarted: request sent again (new day 0)")
            run.last_event_on = d
            continue
        if phase is None or kind not in _CLOCK_KINDS:
            continue  # nothing counts before the request is sent; other kinds move no clock
        run.last_event_on = d
        stopped = run.responded_on is not None or run.withdrawn_on is not None
        if kind in _REQUEST_STAGE and stopped:
            continue  # the request clock has already stopped
        if kind == "resent":
            run.restart(d, "clock restarted: request resent (new day 0)")
        elif kind == "delivery-failed":
            if phase.failed_on is None:
                phase.failed_on = d
        elif kind == "clarification-requested":
            if phase.waiting_since is None:
                phase.waiting_since = d
        elif kind == "clarification-sent" and regime is Regime.SAR:
            # Subject access: the time limit waits while the controller asks for what it
            # needs (identity, clarification) and resumes when it arrives (UK GDPR Art. 12).
            if phase.waiting_since is not None:
                phase.waits.append((phase.waiting_since, d))
                phase.waiting_since = None
                run.mark(d, "clarification received: the month resumes where it stopped")
        elif kind == "clarification-sent":
            # FOIA s.1(3), s.10(6)(b): the clarification is the new date of receipt.
            cite = f"; {_CLARIFICATION[regime]}" if _CLARIFICATION[regime] else ""
            run.restart(d, f"clock restarted: clarification received (new day 0{cite})")
        elif kind == "fee-notice":
            if run.fee_notice_on is None:
                run.fee_notice_on = d
                phase.pauses.append((d, None))
        elif kind == "fee-paid":
            if run.fee_notice_on is not None:
                notice = run.fee_notice_on
                run.fee_notice_on = None
                phase.pauses[-1] = (notice, d)
                if regime is Regime.SAR:
                    # ICO: a SAR's time limit starts when the fee is received.
                    run.restart(d, "clock restarted: fee received (new day 0)")
                elif (d - notice).days >= 89 and d >= _fee_lapse(notice):  # 3 months >= 89 days
                    run.notes.append(
                        f"the fee was paid on {d}, after the fees notice of {notice} had lapsed"
                        f" on {_fee_lapse(notice)} (FOIA s.9(2))"
                    )
        elif kind == "extension":
            run.extension_on, run.promised_on = d, event.promised_on
        elif kind == "response":
            if run.responded_on is None:
                run.responded_on = d
                run.mark(d, "response received: clock stopped")
            else:
                run.mark(d, "further response received")
            run.last_response_on = d
        elif kind == "withdrawn":
            run.withdrawn_on = d
            run.mark(d, "request withdrawn: clock stopped")
        elif kind == "internal-review-requested":
            run.review_requested_on, run.review_responded_on = d, None
            run.mark(d, "internal review requested")
        elif kind == "internal-review-response":
            run.review_responded_on = d
            run.mark(d, "internal review response received")
        elif kind == "response-received":
            run.mark(d, "reply received, not yet classified (the clock runs until it is logged)")
    return run


_REQUEST_STAGE = frozenset(
    {
        "resent",
        "delivery-failed",
        "clarification-requested",
        "clarification-sent",
        "fee-notice",
        "fee-paid",
        "extension",
        "response-received",
        "withdrawn",
    }
)
_CLOCK_KINDS = _REQUEST_STAGE | {
    "response",
    "internal-review-requested",
    "internal-review-response",
}
