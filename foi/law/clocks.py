"""A request's clocks: its events on its calendar -> every deadline they imply (`Clocks`).

`compute_clocks` replays the events (foi.law.clock_events) and works out the due date after
pauses, the extended and very-overdue dates, what an extension does, when an unpaid fees notice
lapses and, after a response, the review and regulator windows (foi.law.reviews); `quick` does
it for a request received on a date with nothing else happening. `Clocks` answers the questions
asked of a request on a given day (working days left, overdue, very overdue, fee lapsed).

Pure date arithmetic: no database, no printing, never the clock (callers pass ``today``).

Counting rule (FOIA s.10(1), EIR reg 5(2), FOISA s.10(1)): the day of receipt is day 0
whatever day it is; day 1 is the first working day after it; the due date is the 20th working
day, the last day on which a response is on time.

Decisions where the law leaves a choice (see docs/foi-law.md):

- A fee notice (FOIA s.10(2)) pauses the clock for every day in [notice given, fee received],
  both ends included; counting resumes on the first working day after the fee arrived. Unpaid,
  the clock has no due date; the notice lapses on ``fee_lapses_on`` (FOIA s.9(2)).
- A clarification request (FOIA s.1(3)) stops the clock; the clarification restarts it with a
  fresh 20 working days from the day it arrives (s.10(6)(b)). A resent request restarts too.
- A delivery failure means the body never received the request: no clock until it is resent.
- An extension without a promised date runs to the 40th working day (EIR reg 7(1); for FOIA
  the ICO's 20 further working days). FOISA has no public interest extension at all.
- EIR internal reviews are due within the statutory 40 working days (reg 11(4)); FOIA reviews
  within 20 (40 at most, s.45 Code); FOISA reviews within 20 (s.21(1)).
- SAR (UK GDPR Art. 12(3)): the corresponding date next month (or that month's last day),
  moved forward to the next working day on the UK-wide FOIA calendar. A fee or a
  clarification/identity request stops the clock; receipt of it restarts it (ICO guidance).
- Once a response or withdrawal has stopped the clock, later request-stage events (resent,
  clarification, fee, extension) are ignored; a second "sent" is ignored unless delivery failed.
- "Very overdue" is the 40th working day incl. pauses (SAR: the three-month date): a request
  is very overdue from the day after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from foi.law.calendars import (
    WorkingCalendar,
    _add_months,
    _regions_for,
    _roll,
    calendar_for,
)
from foi.law.clock_events import ClockEvent, _fee_lapse, _replay, _Run
from foi.law.holidays import HolidaySet
from foi.law.regimes import (
    _CLARIFICATION,
    _FEE,
    _FOI_REGIMES,
    EXTENDED_DAYS,
    RESPONSE_DAYS,
    SAR_EXTENDED_MONTHS,
    SAR_MONTHS,
    Regime,
    _cite,
)
from foi.law.reviews import _after_response


@dataclass(frozen=True, slots=True)
class Clocks:
    """Every deadline a request's events imply, under one regime. None = no such deadline."""

    regime: Regime
    received: date | None  # the current clock start (day 0); None if not sent or not received
    due: date | None  # statutory due date, after pauses; None while the clock is stopped
    effective_due: date | None  # the promised date of an extension, else `due`
    extended_due: date | None  # 40th working day (SAR: three months) incl. pauses
    very_overdue: date | None  # the request is very overdue from the day after this
    extension_on: date | None = None
    extension_promised_on: date | None = None
    extension_beyond_limit: bool = False
    clarification_pending: bool = False
    clarification_requested_on: date | None = None
    fee_pending: bool = False
    fee_notice_on: date | None = None
    fee_lapses_on: date | None = None  # first day the unpaid fees notice has lapsed
    pauses: tuple[tuple[date, date | None], ...] = ()
    delivery_failed: bool = False
    responded_on: date | None = None
    withdrawn_on: date | None = None
    stopped: bool = False  # responded or withdrawn
    review_requested_on: date | None = None
    review_due: date | None = None
    review_due_max: date | None = None
    review_responded_on: date | None = None
    review_request_deadline: date | None = None  # last day to ask for an internal review
    ico_window_closes: date | None = None  # FOISA: last day to appeal to the Commissioner
    notes: tuple[str, ...] = ()
    calendar: WorkingCalendar | None = field(default=None, repr=False, compare=False)

    def working_days_left(self, today: date) -> int | None:
        """Working days in (today, effective_due]; negative (at least -1) once overdue."""
        if self.stopped or self.effective_due is None or self.calendar is None:
            return None
        if today <= self.effective_due:
            return self.calendar.working_days_between(today, self.effective_due)
        return -max(1, self.calendar.working_days_between(self.effective_due, today))

    def is_overdue(self, today: date) -> bool:
        """True if the clock is running and `today` is after the effective due date."""
        return not self.stopped and self.effective_due is not None and today > self.effective_due

    def is_very_overdue(self, today: date) -> bool:
        """True if the clock is running and `today` is after the very-overdue date."""
        return not self.stopped and self.very_overdue is not None and today > self.very_overdue

    def fee_lapsed(self, today: date) -> bool:
        """True if a fees notice is unpaid and has lapsed by `today` (FOIA s.9(2))."""
        return self.fee_pending and self.fee_lapses_on is not None and today >= self.fee_lapses_on

    @property
    def responded_in_time(self) -> bool | None:
        """Whether the first response came by the effective due date (None if unknown)."""
        if self.responded_on is None or self.effective_due is None:
            return None
        return self.responded_on <= self.effective_due


def compute_clocks(
    regime: Regime | str, events: Sequence[ClockEvent], calendar: WorkingCalendar
) -> Clocks:
    """Every deadline that the events imply under `regime`, on `calendar`."""
    regime = Regime(regime)
    if calendar.regions != _regions_for(regime):
        raise ValueError(f"a {calendar.regime} calendar cannot count {regime} days")
    run = _replay(regime, events)
    return _clocks(regime, run, calendar)


def _clocks(regime: Regime, run: _Run, cal: WorkingCalendar) -> Clocks:
    notes = list(run.notes)
    stopped = run.responded_on is not None or run.withdrawn_on is not None
    if not run.phases:
        return Clocks(regime, None, None, None, None, None, notes=("not sent yet",), calendar=cal)
    phase = run.phases[-1]
    start = phase.start
    failed = phase.failed_on is not None
    waiting = phase.waiting_since is not None and not failed  # FOIA s.1(3): clock stopped
    fee_pending = run.fee_notice_on is not None and not failed and not stopped
    pauses = tuple(phase.pauses)
    received: date | None = None if failed else start
    due = extended = very = effective = None
    beyond = False
    if failed:
        notes.append(
            f"delivery failed on {phase.failed_on}: the body has not received the request, so"
            " no clock runs until it is resent"
        )
    if waiting and not stopped:
        notes.append(
            f"clock stopped: clarification requested on {phase.waiting_since}; 20 working days"
            " start afresh when it is sent" + _cite(_CLARIFICATION, regime)
        )
    if regime is Regime.NONE:
        notes.append(
            "this body is not subject to FOI: there is no statutory deadline; consider asking"
            " the public body that commissions it instead"
        )
    elif received is not None and not waiting:
        if regime is Regime.SAR:
            if not fee_pending:
                # UK GDPR Art. 12(3): a month from receipt, plus any days the clock waited,
                # moved to the next working day.
                waited = timedelta(days=sum((hi - lo).days for lo, hi in phase.waits))
                due = _roll(cal, _add_months(start, SAR_MONTHS) + waited)
                extended = _roll(cal, _add_months(start, SAR_EXTENDED_MONTHS) + waited)
        else:
            o = start.toordinal()
            ords = [(lo.toordinal(), hi.toordinal() if hi else None) for lo, hi in pauses]
            got = cal._nth_counted(o, RESPONSE_DAYS, ords)  # FOIA s.10(1), s.10(2)
            due = None if got is None else date.fromordinal(got)
            got = cal._nth_counted(o, EXTENDED_DAYS, ords)
            extended = None if got is None else date.fromordinal(got)
        very = extended
        effective = due
        if due is not None and run.extension_on is not None:
            effective, beyond = _extension(regime, run, due, extended, notes)
    fee_lapses = None
    if fee_pending and regime in _FOI_REGIMES and run.fee_notice_on is not None:
        fee_lapses = _fee_lapse(run.fee_notice_on)  # FOIA s.9(2), FOISA s.9(4)
    if fee_pending and due is None:
        notes.append(
            f"clock paused: fee notice given {run.fee_notice_on}, not yet paid"
            + _cite(_FEE, regime)
        )

    review_due = review_max = review_deadline = ico = None
    if regime in _FOI_REGIMES:
        review_due, review_max, review_deadline, ico = _after_response(regime, run, due, cal, notes)

    return Clocks(
        regime=regime,
        received=received,
        due=due,
        effective_due=effective,
        extended_due=extended,
        very_overdue=very,
        extension_on=run.extension_on,
        extension_promised_on=run.promised_on,
        extension_beyond_limit=beyond,
        clarification_pending=waiting and not stopped,
        clarification_requested_on=phase.waiting_since,
        fee_pending=fee_pending,
        fee_notice_on=run.fee_notice_on,
        fee_lapses_on=fee_lapses,
        pauses=pauses,
        delivery_failed=failed,
        responded_on=run.responded_on,
        withdrawn_on=run.withdrawn_on,
        stopped=stopped,
        review_requested_on=run.review_requested_on,
        review_due=review_due,
        review_due_max=review_max,
        review_responded_on=run.review_responded_on,
        review_request_deadline=review_deadline,
        ico_window_closes=ico,
        notes=tuple(notes),
        calendar=cal,
    )


def _extension(
    regime: Regime, run: _Run, due: date, extended: date | None, notes: list[str]
) -> tuple[date, bool]:
    """Effective due date and whether the promise goes beyond what the law allows."""
    promised = run.promised_on
    assert run.extension_on is not None
    if run.extension_on > due:
        # FOIA s.17(1)-(2), EIR reg 7(3): the extension must be claimed within 20 working days;
        # UK GDPR Art. 12(3): within the first month. One claimed later does not move the
        # deadline, which has already passed.
        notes.append(
            f"the extension was claimed on {run.extension_on}, after the deadline of {due}:"
            " the request stays overdue from that deadline"
        )
        return due, promised is not None and promised > due
    if regime is Regime.FOISA:
        # FOISA s.10(1) has no public interest extension: a promise does not move the deadline.
        notes.append(
            "FOISA allows no extension of the 20 working days (FOISA s.10(1)): the promised date"
            " does not move the deadline"
        )
        return due, promised is not None and promised > due
    limit = extended if extended is not None else due
    if promised is None:
        return limit, False
    beyond = promised > limit
    if beyond:
        what = {
            Regime.FOIA: "40 working days after receipt, beyond what the ICO accepts"
            " (FOIA s.10(3); ICO guidance)",
            Regime.EIR: "40 working days after receipt, beyond EIR reg 7(1)",
            Regime.SAR: "three months after receipt, beyond UK GDPR Art. 12(3)",
        }[regime]
        notes.append(f"the promised date {promised} is later than {what}")
    return max(due, promised), beyond


def quick(received: date, regime: Regime | str, holiday_set: HolidaySet) -> Clocks:
    """Deadlines for a request received on `received` with nothing else happening."""
    regime = Regime(regime)
    return compute_clocks(regime, [ClockEvent("sent", received)], calendar_for(regime, holiday_set))
