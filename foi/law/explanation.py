"""The explanation of a count: day by day what counted and why, as text for a complaint.

`explain` lists each day from receipt to the due date (or a given day): working day n, a
weekend, a bank holiday, paused for a fee, stopped for a clarification, and what happened on
it; `format_explanation` turns those lines and the `Clocks` into plain text a volunteer can
paste into a complaint, with the regime's time limit and the sections it cites. Pure: it
returns text and never prints or reads the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from foi.law.calendars import _WEEKDAY_NAMES, WorkingCalendar, _add_months
from foi.law.clock_events import ClockEvent, _Phase, _replay
from foi.law.clocks import Clocks, compute_clocks
from foi.law.regimes import (
    _CLARIFICATION,
    _DUE_CITE,
    _DUE_RULE,
    _EXTENSION,
    _FEE,
    _FOI_REGIMES,
    _TITLE,
    _WORKING_DAY_RULE,
    RESPONSE_DAYS,
    SAR_MONTHS,
    Regime,
    _cite,
)


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
