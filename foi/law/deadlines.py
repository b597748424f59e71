"""The clock engine: working-day calendars, clock events -> due dates, and the explanation.

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

import threading
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from foi.law.holidays import REGION_NAMES, REGIONS, SCOTLAND, Holiday, HolidaySet


class Regime(StrEnum):
    """Which access regime a request is made under."""

    FOIA = "foia"
    EIR = "eir"
    FOISA = "foisa"
    SAR = "sar"
    NONE = "none"  # body not subject to FOI: no statutory clock


RESPONSE_DAYS = 20  # FOIA s.10(1), EIR reg 5(2), FOISA s.10(1)
EXTENDED_DAYS = 40  # EIR reg 7(1); FOIA s.10(3) with the ICO's 20 further days; WDTK "long overdue"
REVIEW_REQUEST_DAYS = 40  # s.45 Code; EIR reg 11(2); FOISA s.20(5)
REVIEW_DAYS = 20  # s.45 Code; FOISA s.21(1)
REVIEW_MAX_DAYS = 40  # s.45 Code (exceptional cases); EIR reg 11(4) (statutory)
ICO_WINDOW = timedelta(days=42)  # six weeks: ICO complaint pages
FEE_LAPSE_MONTHS = 3  # FOIA s.9(2), FOISA s.9(4)
COMMISSIONER_MONTHS = 6  # FOISA s.47(4)
SAR_MONTHS = 1  # UK GDPR Art. 12(3)
SAR_EXTENDED_MONTHS = 3  # Art. 12(3): "extended by two further months"

_FOI_REGIMES = frozenset({Regime.FOIA, Regime.EIR, Regime.FOISA})
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# What each regime's explanation cites.
_TITLE = {
    Regime.FOIA: "Freedom of Information Act 2000 (FOIA)",
    Regime.EIR: "Environmental Information Regulations 2004 (EIR)",
    Regime.FOISA: "Freedom of Information (Scotland) Act 2002 (FOISA)",
    Regime.SAR: "UK GDPR subject access request (SAR)",
    Regime.NONE: "no access regime (body not subject to FOI)",
}
_DUE_CITE = {Regime.FOIA: "FOIA s.10(1)", Regime.EIR: "EIR reg 5(2)", Regime.FOISA: "FOISA s.10(1)"}
_DUE_RULE = {
    **{r: f"20th working day after receipt ({cite})" for r, cite in _DUE_CITE.items()},
    Regime.SAR: "one calendar month after receipt, then the next working day (UK GDPR Art. 12(3))",
    Regime.NONE: "none: no statutory time limit",
}
_WORKING_DAY_RULE = {
    Regime.FOIA: "not Saturday, Sunday, Christmas Day, Good Friday or a bank holiday anywhere in"
    " the UK (FOIA s.10(6))",
    Regime.EIR: "not Saturday, Sunday, Christmas Day, Good Friday or a bank holiday anywhere in"
    " the UK (EIR reg 2(1))",
    Regime.FOISA: "not Saturday, Sunday, Christmas Day or a Scottish bank holiday (FOISA s.73)",
    Regime.SAR: "not Saturday, Sunday, or a bank holiday anywhere in the UK",
    Regime.NONE: "not Saturday, Sunday, or a bank holiday anywhere in the UK",
}
_CLARIFICATION = {
    Regime.FOIA: "FOIA s.1(3), s.10(6)(b)",
    Regime.EIR: "EIR reg 9(4)",
    Regime.FOISA: "FOISA s.1(3)",
    Regime.SAR: "UK GDPR Art. 12(3); ICO guidance",
    Regime.NONE: "",
}
_FEE = {
    Regime.FOIA: "FOIA s.10(2)",
    Regime.EIR: "EIR reg 8",
    Regime.FOISA: "FOISA s.10(2)",
    Regime.SAR: "UK GDPR Art. 12(5); ICO guidance",
    Regime.NONE: "",
}
_EXTENSION = {
    Regime.FOIA: "FOIA s.10(3)",
    Regime.EIR: "EIR reg 7(1)",
    Regime.FOISA: "FOISA allows none",
    Regime.SAR: "UK GDPR Art. 12(3)",
    Regime.NONE: "",
}


def _cite(table: dict[Regime, str], regime: Regime) -> str:
    text = table[regime]
    return f" ({text})" if text else ""


# --- Calendars ----------------------------------------------------------------------------
#
# Dates are handled as proleptic ordinals (date.toordinal()): ordinal 1 is Monday 0001-01-01,
# so (ordinal - 1) % 7 is the weekday. Weekdays are counted by arithmetic and holidays by
# bisecting a sorted list of the ordinals of weekday holidays, so nothing loops over days.


def _weekdays_upto(x: int) -> int:
    """How many weekdays there are among ordinals 1..x."""
    q, r = divmod(x, 7)
    return 5 * q + (r if r < 5 else 5)


def _nth_weekday(m: int) -> int:
    """The smallest ordinal x with _weekdays_upto(x) == m (m >= 1)."""
    q, r = divmod(m - 1, 5)
    return 7 * q + r + 1


def _decade(year: int) -> int:
    return year - year % 10


class WorkingCalendar:
    """Which days are working days under one regime, given a set of bank holidays."""

    def __init__(self, holiday_set: HolidaySet, regime: Regime | str) -> None:
        self.holiday_set = holiday_set
        self.regime = Regime(regime)
        self.regions = _regions_for(self.regime)
        # (first ordinal covered, last ordinal covered, sorted weekday holiday ordinals, set)
        self._state: tuple[int, int, list[int], frozenset[int]] = (1, 0, [], frozenset())
        # Over the covered span: (first ordinal, working days up to and including each day,
        # the working days' ordinals), so an offset or a count is two list look-ups.
        self._index: tuple[int, list[int], list[int]] = (1, [], [])
        self._years: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"WorkingCalendar({self.regime.value}, {self.holiday_set.fingerprint()})"

    # Holiday years are loaded a decade at a time, and the covered span is kept contiguous
    # so that bisect counts over it are exact.
    def _cover(self, lo: int, hi: int) -> tuple[int, int, list[int], frozenset[int]]:
        state = self._state
        if state[0] <= lo and hi <= state[1]:
            return state
        with self._lock:
            first = _decade(date.fromordinal(max(lo, 1)).year)
            last = _decade(date.fromordinal(min(hi, date.max.toordinal())).year) + 9
            if self._years is not None:
                first, last = min(first, self._years[0]), max(last, self._years[1])
            last = min(last, date.max.year)
            days = {
                d.toordinal()
                for d in self.holiday_set.in_regions(self.regions, first, last)
                if d.weekday() < 5
            }
            for year in range(first, last + 1):
                days.update(o for o in _statutory_days(year, self.regime) if (o - 1) % 7 < 5)
            ordered = sorted(days)
            lo, hi = date(first, 1, 1).toordinal(), date(last, 12, 31).toordinal()
            state = (lo, hi, ordered, frozenset(ordered))
            working = [o for o in range(lo, hi + 1) if (o - 1) % 7 < 5 and o not in state[3]]
            upto, count, nxt = [], 0, 0
            for o in range(lo, hi + 1):
                if nxt < len(working) and working[nxt] == o:
                    count += 1
                    nxt += 1
                upto.append(count)
            self._years = (first, last)
            self._index = (lo, upto, working)
            self._state = state
            return state

    def is_working_day(self, d: date) -> bool:
        """True if `d` counts as a working day under this calendar's regime."""
        o = d.toordinal()
        if (o - 1) % 7 >= 5:  # Saturday, Sunday: FOIA s.10(6), FOISA s.73
            return False
        return o not in self._cover(o, o)[3]

    def skip_reason(self, d: date) -> str | None:
        """Why `d` is not a working day ("Saturday", "bank holiday: ..."), or None if it is."""
        wd = d.weekday()
        if wd >= 5:
            return _WEEKDAY_NAMES[wd]
        if self.is_working_day(d):
            return None
        found = [h for h in self.holiday_set.on(d) if h.region in self.regions]
        if found:
            return "bank holiday: " + _describe(found)
        if d.month == 12 and d.day == 25:
            return "Christmas Day"  # FOIA s.10(6), FOISA s.73 name it even if no list does
        return "Good Friday"  # FOIA s.10(6)

    def _add(self, a: int, n: int) -> int:
        """Ordinal of the nth working day after ordinal a (a itself is day 0)."""
        lo, hi, hol, _ = self._state
        x, need = a, n
        while need > 0:
            y = _nth_weekday(_weekdays_upto(x) + need)
            if x < lo or y > hi:
                lo, hi, hol, _ = self._cover(x, y + 366)
            # Holidays among the weekdays just stepped over must be made up.
            need = bisect_right(hol, y) - bisect_right(hol, x)
            x = y
        return x

    def _between(self, a: int, b: int) -> int:
        """Working days in ordinals (a, b]; negative if b < a."""
        lo, hi, hol, _ = self._state
        if min(a, b) < lo or max(a, b) > hi:
            lo, hi, hol, _ = self._cover(min(a, b), max(a, b))
        return (_weekdays_upto(b) - bisect_right(hol, b)) - (
            _weekdays_upto(a) - bisect_right(hol, a)
        )

    def add_working_days(self, start: date, n: int) -> date:
        """The nth working day after `start` (start is day 0, whatever day it is)."""
        if n <= 0:
            if n < 0:
                raise ValueError("n must be zero or more")
            return start
        a = start.toordinal()
        lo, upto, working = self._index
        i = a - lo
        if 0 <= i < len(upto):
            k = upto[i] + n - 1  # working[upto[i]] is the first working day after `start`
            if k < len(working):
                return date.fromordinal(working[k])
        return date.fromordinal(self._add(a, n))

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days lie in (a, b]; negative (those in (b, a]) if b < a."""
        x, y = a.toordinal(), b.toordinal()
        lo, upto, _ = self._index
        i, j = x - lo, y - lo
        if 0 <= i < len(upto) and 0 <= j < len(upto):
            return upto[j] - upto[i]
        return self._between(x, y)

    def next_working_day(self, d: date) -> date:
        """`d` if it is a working day, else the first working day after it."""
        return d if self.is_working_day(d) else self.add_working_days(d, 1)

    def _nth_counted(
        self, start: int, n: int, pauses: Sequence[tuple[int, int | None]]
    ) -> int | None:
        """Ordinal of the nth working day after `start` not inside a pause; None if paused."""
        # FOIA s.10(2): working days from the day the fees notice is given to the day the fee
        # is received (both included) are disregarded.
        cur = start
        for lo, hi in pauses:
            if hi is not None and hi <= cur:
                continue
            if lo > cur + 1:
                before = self._between(cur, lo - 1)
                if before >= n:
                    return self._add(cur, n)
                n -= before
            if hi is None:
                return None
            cur = hi
        return self._add(cur, n)


def _regions_for(regime: Regime) -> tuple[str, ...]:
    # FOISA s.73: bank holidays in Scotland only. FOIA s.10(6), EIR reg 2(1): in any part of
    # the UK. SAR and bodies outside FOI use the UK-wide calendar too.
    return (SCOTLAND,) if regime is Regime.FOISA else REGIONS


def _statutory_days(year: int, regime: Regime) -> list[int]:
    """Days the statute names itself, whatever the holiday lists say."""
    days = [date(year, 12, 25).toordinal()]  # Christmas Day: FOIA s.10(6), FOISA s.73
    if regime is not Regime.FOISA:
        from dateutil.easter import easter

        days.append(easter(year).toordinal() - 2)  # Good Friday: FOIA s.10(6)
    return days


def _describe(found: Sequence[Holiday]) -> str:
    """'Christmas Day (England and Wales, Scotland)' with regions grouped by holiday name."""
    by_name: dict[str, list[str]] = {}
    for h in found:
        by_name.setdefault(h.name, []).append(REGION_NAMES[h.region])
    return "; ".join(f"{name} ({', '.join(regions)})" for name, regions in by_name.items())


_CALENDARS: dict[tuple[Regime, str], WorkingCalendar] = {}
_CALENDARS_LOCK = threading.Lock()


def calendar_for(regime: Regime | str, holiday_set: HolidaySet) -> WorkingCalendar:
    """The working calendar for a regime and holiday set, cached by the set's fingerprint."""
    key = (Regime(regime), holiday_set.fingerprint())
    found = _CALENDARS.get(key)
    if found is None:
        with _CALENDARS_LOCK:
            if len(_CALENDARS) >= 64:  # holiday sets rarely change within one process
                _CALENDARS.clear()
            found = _CALENDARS.setdefault(key, WorkingCalendar(holiday_set, key[0]))
    return found


def _add_months(d: date, months: int) -> date:
    from dateutil.relativedelta import relativedelta  # lazy: ~12 ms to import

    # relativedelta keeps the day number, or uses the month's last day if there is none.
    return d + relativedelta(months=months)


def _roll(calendar: WorkingCalendar, d: date) -> date:
    """The day itself if it is a working day, else the next working day."""
    return d if calendar.is_working_day(d) else calendar.next_working_day(d)


def add_months_rule(received: date, months: int, calendar: WorkingCalendar) -> date:
    """SAR deadline: the corresponding day `months` later (or month end), then a working day."""
    # UK GDPR Art. 12(3); ICO: if that day is a weekend or bank holiday, the next working day.
    return calendar.next_working_day(_add_months(received, months))


def _fee_lapse(notice: date) -> date:
    """First day on which a fees notice has lapsed: FOIA s.9(2), FOISA s.9(4)."""
    # "Three months beginning with the day on which the notice is given" ends the day before
    # the corresponding date three months on, or on that month's last day if there is none.
    target = _add_months(notice, FEE_LAPSE_MONTHS)
    return target if target.day == notice.day else target + timedelta(days=1)


# --- Clock events and the replay ------------------------------------------------------------


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


# --- The result -----------------------------------------------------------------------------


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


def _after_response(
    regime: Regime, run: _Run, due: date | None, cal: WorkingCalendar, notes: list[str]
) -> tuple[date | None, date | None, date | None, date | None]:
    """Internal review and regulator deadlines: (review due, review max, ask by, ICO/SIC by)."""
    review_due = review_max = deadline = closes = None
    last = run.last_response_on
    if last is not None and regime is Regime.FOISA and due is not None:
        # FOISA s.20(5): 40 working days after the time for complying ran out, or after a
        # late response was received.
        deadline = cal.add_working_days(max(due, last), REVIEW_REQUEST_DAYS)
    elif last is not None:
        deadline = cal.add_working_days(last, REVIEW_REQUEST_DAYS)  # s.45 Code
    elif regime is not Regime.FOIA and due is not None:
        # FOISA s.20(5)(b), EIR reg 11(2): 40 working days after the time for complying expired.
        deadline = cal.add_working_days(due, REVIEW_REQUEST_DAYS)
    asked = run.review_requested_on
    if asked is not None:
        if regime is Regime.FOIA:
            review_due = cal.add_working_days(asked, REVIEW_DAYS)  # s.45 Code: 20 working days
            review_max = cal.add_working_days(asked, REVIEW_MAX_DAYS)  # s.45 Code: 40 at most
        elif regime is Regime.EIR:
            review_due = review_max = cal.add_working_days(asked, REVIEW_MAX_DAYS)  # reg 11(4)
        else:
            review_due = review_max = cal.add_working_days(asked, REVIEW_DAYS)  # FOISA s.21(1)
        if deadline is not None and asked > deadline:
            notes.append(
                f"the internal review was asked for on {asked}, after the last day ({deadline});"
                " the body may refuse it"
            )
    answered = run.review_responded_on
    if regime is Regime.FOISA:
        # FOISA s.47(1), s.47(4): appeal within six months of the review response, or of the
        # time allowed for it running out; only after a review was asked for.
        if answered is not None:
            closes = _add_months(answered, COMMISSIONER_MONTHS)
        elif review_due is not None:
            closes = _add_months(review_due, COMMISSIONER_MONTHS)
        elif last is not None:
            notes.append(
                "to appeal to the Scottish Information Commissioner, first ask for an internal"
                " review (FOISA s.47(1))"
            )
        return review_due, review_max, deadline, closes
    # ICO: within six weeks of the final response (the review's, if there was one).
    if answered is not None:
        closes = answered + ICO_WINDOW
    elif asked is not None and review_max is not None:
        notes.append(
            f"if the internal review is not answered by {review_max}, the ICO accepts a"
            " complaint without waiting for it"
        )
    elif last is not None:
        # The ICO expects an internal review first: its six weeks run from the review's result.
        notes.append(
            "to complain to the ICO, first ask for an internal review; the six weeks for the"
            " complaint run from its result"
        )
    elif run.phases and run.withdrawn_on is None:
        notes.append(
            "if no response comes by the due date, the ICO accepts a complaint without an"
            " internal review"
        )
    return review_due, review_max, deadline, closes


def quick(received: date, regime: Regime | str, holiday_set: HolidaySet) -> Clocks:
    """Deadlines for a request received on `received` with nothing else happening."""
    regime = Regime(regime)
    return compute_clocks(regime, [ClockEvent("sent", received)], calendar_for(regime, holiday_set))


# --- Explanation ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExplainLine:
    """One day of the count: whether it counted, its number, and why."""

    date: date
    counted: bool
    day_number: int | None
    reason: str


def explain(
    regime: Regime | str,
    events: Sequence[ClockEvent],
    calendar: WorkingCalendar,
    until: date | None = None,
) -> list[ExplainLine]:
    """Day by day from receipt to the due date (or `until`): what counted and why."""
    regime = Regime(regime)
    clocks = compute_clocks(regime, events, calendar)
    run = _replay(regime, events)
    if not run.phases:
        return []
    first = run.phases[0].start
    stop = min((d for d in (run.responded_on, run.withdrawn_on) if d is not None), default=None)
    if until is None:
        ends = [clocks.effective_due, clocks.due, run.last_event_on, first]
        until = max(d for d in ends if d is not None)
    end = min(until, stop) if stop is not None else until
    lines: list[ExplainLine] = []
    phase_index = 0
    count = 0
    for offset in range((end - first).days + 1):
        d = first + timedelta(days=offset)
        while phase_index + 1 < len(run.phases) and run.phases[phase_index + 1].start <= d:
            phase_index += 1
            count = 0
        phase = run.phases[phase_index]
        last_phase = phase_index == len(run.phases) - 1
        counted, number = False, None
        parts: list[str] = []
        if d == phase.start:
            number = 0
            parts.append(phase.reason)
            if regime is Regime.NONE:
                parts.append("no statutory clock: the body is not subject to FOI")
        if phase.failed_on is not None and d >= phase.failed_on:
            parts.append(f"clock not running: delivery failed on {phase.failed_on}")
        elif phase.waiting_since is not None and d >= phase.waiting_since:
            if d == phase.waiting_since:
                parts.append(
                    "clarification requested: clock stopped until it is received"
                    + _cite(_CLARIFICATION, regime)
                )
            else:
                parts.append(
                    f"clock stopped: waiting for clarification requested {phase.waiting_since}"
                )
        elif (wait := _wait_on(phase, d)) is not None:
            parts.append(f"clock waiting: clarification requested {wait[0]}, received {wait[1]}")
        elif (pause := _pause_on(phase, d)) is not None:
            lo, hi = pause
            paid = f"paid {hi}" if hi is not None else "not yet paid"
            parts.append(f"clock paused: fee notice given {lo}, {paid}" + _cite(_FEE, regime))
        elif d == phase.start or regime is Regime.NONE:
            pass
        elif regime is Regime.SAR:
            count = (d - phase.start).days - _waited_before(phase, d)
            counted, number = True, count
            parts.append(
                _sar_reason(d, phase.start, count, clocks if last_phase else None, calendar)
            )
        elif (skip := calendar.skip_reason(d)) is not None:
            parts.append(skip)
        else:
            count += 1
            counted, number = True, count
            suffix = _foi_suffix(d, clocks, regime) if last_phase else ""
            parts.append(f"working day {count}{suffix}")
        parts.extend(run.marks.get(d, ()))
        if last_phase and regime is not Regime.NONE:
            if d == clocks.extension_on:
                parts.append(_extension_mark(regime, clocks))
            if d == clocks.effective_due and d != clocks.due:
                promised = ": the date the body promised" if clocks.extension_promised_on else ""
                parts.append(f"extended deadline{promised}")
        if parts:  # a request with no statutory clock has days with nothing to say
            lines.append(ExplainLine(d, counted, number, "; ".join(parts)))
    return lines


def _wait_on(phase: _Phase, d: date) -> tuple[date, date] | None:
    """The finished SAR wait a day falls in (from the day asked to before the answer)."""
    for lo, hi in phase.waits:
        if lo <= d < hi:
            return lo, hi
    return None


def _waited_before(phase: _Phase, d: date) -> int:
    """Calendar days the SAR clock waited before a day."""
    return sum((min(hi, d) - lo).days for lo, hi in phase.waits if lo < d)


def _pause_on(phase: _Phase, d: date) -> tuple[date, date | None] | None:
    for lo, hi in phase.pauses:
        if lo <= d and (hi is None or d <= hi):
            return lo, hi
    return None


def _foi_suffix(d: date, clocks: Clocks, regime: Regime) -> str:
    if d == clocks.due:
        return f": due date ({_DUE_CITE[regime]})"
    if clocks.due is not None and d > clocks.due:
        if clocks.effective_due is not None and d <= clocks.effective_due:
            suffix = ": within the extension"
        else:
            suffix = ": overdue"
        if d == clocks.very_overdue:
            suffix += " (very overdue after today)"
        return suffix
    return ""


def _sar_reason(
    d: date, start: date, count: int, clocks: Clocks | None, calendar: WorkingCalendar
) -> str:
    if clocks is None or clocks.due is None:
        return f"day {count}"
    month = _add_months(start, SAR_MONTHS)
    said = []
    if d == month:
        said.append("one calendar month after receipt")
    if month <= d < clocks.due:
        said.append(f"{calendar.skip_reason(d)}, so the deadline moves to the next working day")
    if d == clocks.due:
        said.append("due date (UK GDPR Art. 12(3))")
    elif d > clocks.due:
        within = clocks.effective_due is not None and d <= clocks.effective_due
        said.append("within the extension" if within else "overdue")
    return f"day {count}" + (": " + "; ".join(said) if said else "")


def _extension_mark(regime: Regime, clocks: Clocks) -> str:
    promised = clocks.extension_promised_on
    target = f"extension promised to {promised}" if promised else "extension claimed, no date given"
    return target + _cite(_EXTENSION, regime)


def format_explanation(lines: Sequence[ExplainLine], clocks: Clocks) -> str:
    """Plain text a volunteer can paste into a complaint: a summary, then the days."""
    regime = clocks.regime
    out = [f"Regime: {_TITLE[regime]}", f"Time limit: {_DUE_RULE[regime]}"]
    if regime is not Regime.SAR and regime is not Regime.NONE:
        out.append(f"Working day: {_WORKING_DAY_RULE[regime]}")
    out.append(f"Received (day 0): {_day(clocks.received)}")
    cal = clocks.calendar
    received = clocks.received
    if (
        received is not None
        and cal is not None
        and regime in _FOI_REGIMES
        and clocks.due is not None
        and not clocks.pauses
        and not cal.is_working_day(received)
    ):
        # The statute's reading (day 0 is the day of receipt, whatever day it is) is used;
        # some bodies treat it as received on the next working day, a day later.
        alt = cal.add_working_days(received, RESPONSE_DAYS + 1)
        out.append(
            "  (received on a non-working day: counted from the next working day as day 1;"
            f" a body that treats it as received on that day would say {alt})"
        )
    out.append(f"Due: {_day(clocks.due)}")
    if clocks.effective_due != clocks.due:
        out.append(f"Extended to: {_day(clocks.effective_due)}")
    if clocks.very_overdue is not None and regime in _FOI_REGIMES:
        out.append(f"Very overdue after: {_day(clocks.very_overdue)} (40 working days)")
    if clocks.responded_on is not None:
        out.append(f"Responded: {_day(clocks.responded_on)}")
    if clocks.review_request_deadline is not None:
        out.append(f"Ask for an internal review by: {_day(clocks.review_request_deadline)}")
    if clocks.review_due is not None:
        most = clocks.review_due_max
        extra = f" (at most {_day(most)})" if most is not None and most != clocks.review_due else ""
        out.append(f"Internal review due: {_day(clocks.review_due)}{extra}")
    if clocks.ico_window_closes is not None:
        who = (
            "Appeal to the Scottish Information Commissioner by"
            if regime is Regime.FOISA
            else "Complain to the ICO by"
        )
        out.append(f"{who}: {_day(clocks.ico_window_closes)}")
    for note in clocks.notes:
        out.append(f"Note: {note}")
    out.append("")
    out.extend(_compact(lines, regime))
    return "\n".join(out) + "\n"


def _day(d: date | None) -> str:
    return "none" if d is None else f"{d.isoformat()} ({_WEEKDAY_NAMES[d.weekday()]})"


def _short(d: date) -> str:
    return f"{d.isoformat()} {_WEEKDAY_NAMES[d.weekday()][:3]}"


def _group(line: ExplainLine, regime: Regime) -> str | None:
    """Lines with the same group key, side by side, print as one range."""
    if line.day_number == 0:
        return None
    if line.counted:
        plain = regime is Regime.SAR and line.reason == f"day {line.day_number}"
        return "sar days" if plain else None
    if line.reason in ("Saturday", "Sunday"):
        return "weekend"
    return line.reason


def _compact(lines: Sequence[ExplainLine], regime: Regime) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        key = _group(lines[i], regime)
        j = i + 1
        while key is not None and j < len(lines) and _group(lines[j], regime) == key:
            j += 1
        first, last = lines[i], lines[j - 1]
        when = _short(first.date)
        if j - 1 > i:
            when += f" to {_short(last.date)}"
            if key == "sar days":
                reason = f"days {first.day_number}-{last.day_number}"
            else:
                reason = key or first.reason
        else:
            reason = first.reason
        out.append(f"{when}  {reason}")
        i = j
    return out
