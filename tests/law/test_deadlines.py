"""The clock engine (foi.law.calendars, clock_events, clocks, reviews, explanation).

Every expected date below was counted by hand from the holiday lists; the comment says how.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foi.law.calendars import WorkingCalendar, add_months_rule, calendar_for
from foi.law.clock_events import ClockEvent
from foi.law.clocks import Clocks, compute_clocks, quick
from foi.law.explanation import ExplainLine, explain, format_explanation
from foi.law.holidays import ENGLAND_AND_WALES, REGIONS, SCOTLAND, Holiday, HolidaySet, load_default
from foi.law.regimes import Regime

D = date.fromisoformat


@pytest.fixture(scope="module")
def hs() -> HolidaySet:
    return load_default()


@pytest.fixture(scope="module")
def foia(hs: HolidaySet) -> WorkingCalendar:
    return calendar_for(Regime.FOIA, hs)


@pytest.fixture(scope="module")
def foisa(hs: HolidaySet) -> WorkingCalendar:
    return calendar_for(Regime.FOISA, hs)


def sent(on: str) -> ClockEvent:
    return ClockEvent("sent", D(on))


def ev(kind: str, on: str, promised: str | None = None) -> ClockEvent:
    return ClockEvent(kind, D(on), D(promised) if promised else None)


# --- Table-driven: 20 working days --------------------------------------------------------

FOIA_CASES = [
    # foi-law.md's worked examples.
    ("2008-10-01", "2008-10-29", "no holidays: four full weeks"),
    ("2009-03-12", "2009-04-14", "skips 17 Mar (NI), Good Friday 10 Apr, Easter Monday 13 Apr"),
    ("2009-03-13", "2009-04-15", "Friday receipt"),
    ("2009-03-14", "2009-04-15", "Saturday receipt: day 1 is Monday, same as Friday's"),
    ("2009-03-15", "2009-04-15", "Sunday receipt: the same again"),
    ("2009-03-16", "2009-04-16", "Monday receipt"),
    ("2025-12-19", "2026-01-22", "skips 25, 26 Dec, 1 Jan and 2 Jan 2026 (Scotland)"),
    # Receipt on a bank holiday: 9-13 Apr 2009 (Thu, Good Friday, weekend, Easter Monday) all
    # make Tue 14 Apr day 1; then 14 Apr-1 May is 14 days, 4 May is the Early May bank
    # holiday, 5-8 May and 11-12 May are days 15-20.
    ("2009-04-09", "2009-05-12", "Thursday before Easter"),
    ("2009-04-10", "2009-05-12", "received on Good Friday"),
    ("2009-04-13", "2009-05-12", "received on Easter Monday"),
    # Christmas: 23, 24, 27, 30, 31 Dec are days 1-5 (25, 26 skipped); 1 and 2 Jan 2025
    # skipped (2 Jan is Scotland's); 3 Jan day 6; 6-10 Jan 7-11; 13-17 12-16; 20-23 17-20.
    ("2024-12-20", "2025-01-23", "Christmas and New Year, 2 January everywhere for FOIA"),
    # St Andrew's Day 2026 is Mon 30 Nov (Scotland); 1-24 Dec are days 1-18; 25 Dec (Fri)
    # and 28 Dec (Boxing Day's substitute) skipped; 29, 30 Dec days 19, 20.
    ("2026-11-27", "2026-12-30", "St Andrew's Day, Christmas, Boxing Day substitute"),
    # St Patrick's Day 2026 is Tue 17 Mar: 3-16 Mar days 1-10, 18-31 Mar days 11-20.
    ("2026-03-02", "2026-03-31", "St Patrick's Day (Northern Ireland)"),
    # Battle of the Boyne, Mon 12 Jul 2027: 2-9 Jul days 1-6, 13-30 Jul days 7-20.
    ("2027-07-01", "2027-07-30", "12 July (Northern Ireland)"),
    # 2026: 12 Jul is a Sunday, so Mon 13 Jul is the substitute: 2-10 Jul days 1-7, 14-30
    # Jul days 8-20.
    ("2026-07-01", "2026-07-30", "12 July substitute day"),
    # State Funeral, Mon 19 Sep 2022: 2-16 Sep days 1-11, 20-30 Sep days 12-20.
    ("2022-09-01", "2022-09-30", "2022-09-19 one-off"),
    # Coronation, Mon 8 May 2023, a week after the Early May bank holiday (1 May): 21-28 Apr
    # days 1-6, 2-5 May 7-10, 9-12 May 11-14, 15-19 May 15-19, 22 May 20.
    ("2023-04-20", "2023-05-22", "2023-05-08 one-off"),
    # Leap year: 12 Feb-1 Mar 2024 days 1-15 (29 Feb is day 14), 4-8 Mar days 16-20.
    ("2024-02-09", "2024-03-08", "across 29 February"),
    # Received on 29 Feb 2024: 1 Mar day 1, 4-15 Mar 2-11, 18 Mar (St Patrick's substitute)
    # skipped, 19-28 Mar 12-19, Good Friday 29 Mar and Easter Monday 1 Apr skipped, 2 Apr 20.
    ("2024-02-29", "2024-04-02", "received on a leap day"),
    # Before 2012 (package data): 25, 26 Dec 2000, 1 Jan and 2 Jan (Scotland) 2001 skipped:
    # 21, 22, 27, 28, 29 Dec days 1-5; 3-5 Jan 6-8; 8-12 9-13; 15-19 14-18; 22, 23 19, 20.
    ("2000-12-20", "2001-01-23", "before the snapshot"),
    # After the snapshot (package data): 2031. 25, 26 Dec (Thu, Fri), 1 and 2 Jan 2032
    # (Thu, Fri) skipped: 22-24, 29-31 Dec days 1-6; 5-9 Jan 7-11; 12-16 12-16; 19-22 17-20.
    ("2031-12-19", "2032-01-22", "after the snapshot"),
    # 30 Nov 2031 is a Sunday: St Andrew's Day observed Mon 1 Dec. 2-24 Dec days 1-17,
    # 25, 26 Dec skipped, 29-31 Dec 18-20.
    ("2031-11-28", "2031-12-31", "St Andrew's Day observed, after the snapshot"),
    # 2026-06-15: the Scottish holiday only the `holidays` package knows. 2-5 Jun days 1-4,
    # 8-12 5-9, 15 Jun skipped, 16-19 10-13, 22-26 14-18, 29-30 19-20.
    ("2026-06-01", "2026-06-30", "a holiday proclaimed after the snapshot"),
]


@pytest.mark.parametrize(("received", "due", "why"), FOIA_CASES)
def test_foia_due(hs: HolidaySet, received: str, due: str, why: str) -> None:
    assert quick(D(received), Regime.FOIA, hs).due == D(due), why
    # EIR counts the same days (EIR reg 2(1), reg 5(2)).
    assert quick(D(received), Regime.EIR, hs).due == D(due), why


FOISA_CASES = [
    # 2 January is a Scottish bank holiday: FOISA skips it too (same as FOIA).
    ("2025-12-19", "2026-01-22", "2 January skipped"),
    ("2024-12-20", "2025-01-23", "Christmas and 2 January skipped"),
    # St Patrick's Day counts in Scotland: 16 Mar day 10, 17 Mar day 11, ... 30 Mar day 20.
    ("2026-03-02", "2026-03-30", "17 March is a working day in Scotland"),
    # 12 July counts in Scotland: 12 Jul day 7, ... 29 Jul day 20.
    ("2027-07-01", "2027-07-29", "12 July is a working day in Scotland"),
    # Easter Monday is not a Scottish bank holiday, St Patrick's substitute (18 Mar) neither:
    # 1-28 Mar 2024 has 20 weekdays after the 29 Feb receipt.
    ("2024-02-29", "2024-03-28", "Easter Monday and 18 March count in Scotland"),
    # St Andrew's Day is Scottish: skipped by FOISA too.
    ("2026-11-27", "2026-12-30", "St Andrew's Day skipped"),
    # The proclaimed Scottish day is skipped by FOISA as well.
    ("2026-06-01", "2026-06-30", "2026-06-15 skipped"),
]


@pytest.mark.parametrize(("received", "due", "why"), FOISA_CASES)
def test_foisa_due(hs: HolidaySet, received: str, due: str, why: str) -> None:
    assert quick(D(received), Regime.FOISA, hs).due == D(due), why


def england_only() -> HolidaySet:
    """Only England and Wales' bank holidays: the count some English bodies make."""
    hs = load_default()
    return HolidaySet(
        [h for y in range(2024, 2028) for h in hs.list(y, ENGLAND_AND_WALES)], use_package=False
    )


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        # 2 Jan 2026 counts in England: it is day 7, so every later day is one earlier.
        ("2025-12-19", "2026-01-21", "foi-law.md: 2 January not skipped"),
        ("2024-12-20", "2025-01-22", "2 January 2025 not skipped"),
        ("2026-03-02", "2026-03-30", "17 March not skipped"),
    ],
)
def test_england_only_count_differs(received: str, due: str, why: str) -> None:
    assert quick(D(received), Regime.FOIA, england_only()).due == D(due), why


SAR_CASES = [
    ("2025-09-03", "2025-10-03", "3 Sep -> 3 Oct (a Friday)"),
    ("2019-01-31", "2019-02-28", "no 31 Feb: last day of February"),
    ("2024-01-31", "2024-02-29", "leap year: 29 Feb"),
    ("2021-04-01", "2021-05-04", "1 May is a Saturday, 3 May a bank holiday"),
    ("2025-08-31", "2025-09-30", "no 31 Sep"),
    ("2024-11-25", "2024-12-27", "25 Dec is Christmas, 26 Boxing Day"),
    ("2025-11-30", "2025-12-30", "a Sunday receipt counts from itself"),
]


@pytest.mark.parametrize(("received", "due", "why"), SAR_CASES)
def test_sar_due(hs: HolidaySet, received: str, due: str, why: str) -> None:
    assert quick(D(received), Regime.SAR, hs).due == D(due), why


@pytest.mark.parametrize(
    ("received", "extended", "why"),
    [
        ("2019-01-31", "2019-04-30", "three months: 30 Apr, a Tuesday"),
        ("2025-10-31", "2026-02-02", "31 Jan 2026 is a Saturday: Monday 2 Feb"),
        ("2025-11-30", "2026-03-02", "no 30 Feb: 28 Feb 2026 is a Saturday: Monday 2 Mar"),
    ],
)
def test_sar_extended(hs: HolidaySet, received: str, extended: str, why: str) -> None:
    clocks = quick(D(received), Regime.SAR, hs)
    assert clocks.extended_due == D(extended), why
    assert clocks.very_overdue == clocks.extended_due
    assert add_months_rule(D(received), 3, calendar_for(Regime.SAR, load_default())) == D(extended)


# --- The calendar ---------------------------------------------------------------------------


def test_skip_reasons(foia: WorkingCalendar, foisa: WorkingCalendar) -> None:
    assert foia.skip_reason(D("2026-03-07")) == "Saturday"
    assert foia.skip_reason(D("2026-03-08")) == "Sunday"
    assert foia.skip_reason(D("2026-03-09")) is None
    assert foia.skip_reason(D("2026-11-30")) == "bank holiday: St Andrew’s Day (Scotland)"
    assert foia.skip_reason(D("2027-07-12")) == (
        "bank holiday: Battle of the Boyne (Orangemen’s Day) (Northern Ireland)"
    )
    assert foia.skip_reason(D("2026-12-25")) == (
        "bank holiday: Christmas Day (England and Wales, Scotland, Northern Ireland)"
    )
    assert foisa.skip_reason(D("2026-12-25")) == "bank holiday: Christmas Day (Scotland)"
    assert foisa.skip_reason(D("2027-07-12")) is None
    assert foisa.skip_reason(D("2026-03-17")) is None
    # Easter Monday is England's, Wales' and Northern Ireland's, not Scotland's.
    assert foia.skip_reason(D("2026-04-06")) == (
        "bank holiday: Easter Monday (England and Wales, Northern Ireland)"
    )
    # When the regions name a day differently, each name keeps its own regions.
    assert foia.skip_reason(D("2031-01-02")) == "bank holiday: New Year Holiday (Scotland)"


def test_christmas_and_good_friday_even_without_holiday_data() -> None:
    # FOIA s.10(6) names them; FOISA s.73 names Christmas Day only.
    bare = HolidaySet(use_package=False)
    cal = WorkingCalendar(bare, Regime.FOIA)
    assert cal.skip_reason(D("2026-12-25")) == "Christmas Day"
    assert cal.skip_reason(D("2026-04-03")) == "Good Friday"
    assert cal.skip_reason(D("2026-04-06")) is None
    scot = WorkingCalendar(bare, Regime.FOISA)
    assert scot.skip_reason(D("2026-12-25")) == "Christmas Day"
    assert scot.is_working_day(D("2026-04-03"))


def test_add_working_days_and_between(foia: WorkingCalendar) -> None:
    assert foia.add_working_days(D("2026-03-07"), 0) == D("2026-03-07")  # day 0 is itself
    assert foia.add_working_days(D("2026-03-07"), 1) == D("2026-03-09")
    assert foia.add_working_days(D("2026-03-02"), 20) == D("2026-03-31")
    assert foia.working_days_between(D("2026-03-02"), D("2026-03-31")) == 20
    assert foia.working_days_between(D("2026-03-31"), D("2026-03-02")) == -20
    assert foia.working_days_between(D("2026-03-07"), D("2026-03-08")) == 0
    assert foia.next_working_day(D("2026-04-03")) == D("2026-04-07")
    assert foia.next_working_day(D("2026-04-07")) == D("2026-04-07")
    with pytest.raises(ValueError, match="zero or more"):
        foia.add_working_days(D("2026-03-02"), -1)


def test_calendar_for_caches_by_fingerprint(hs: HolidaySet) -> None:
    assert calendar_for(Regime.FOIA, hs) is calendar_for("foia", load_default())
    assert calendar_for(Regime.FOIA, hs) is not calendar_for(Regime.FOISA, hs)
    extra = Holiday(D("2026-03-10"), ENGLAND_AND_WALES, "X", "user")
    assert calendar_for(Regime.FOIA, load_default([extra])) is not calendar_for(Regime.FOIA, hs)


def test_a_calendar_for_another_regime_is_refused(foisa: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="foisa calendar cannot count foia days"):
        compute_clocks(Regime.FOIA, [sent("2026-03-02")], foisa)


def test_a_user_holiday_moves_the_due_date_by_one_working_day(hs: HolidaySet) -> None:
    before = quick(D("2026-03-02"), Regime.FOIA, hs)
    extra = Holiday(D("2026-03-10"), ENGLAND_AND_WALES, "Proclaimed day", "user")
    after = quick(D("2026-03-02"), Regime.FOIA, load_default([extra]))
    # 31 Mar was day 20; with 10 Mar gone, day 20 is the next working day, 1 Apr.
    assert (before.due, after.due) == (D("2026-03-31"), D("2026-04-01"))
    assert after.calendar is not None
    assert after.calendar.working_days_between(before.due, after.due) == 1
    # A holiday after the due date changes nothing; one on a weekend neither.
    for on in ("2026-04-01", "2026-03-14"):
        late = Holiday(D(on), ENGLAND_AND_WALES, "Elsewhere", "user")
        assert quick(D("2026-03-02"), Regime.FOIA, load_default([late])).due == before.due
    # A Scottish-only addition moves FOISA and FOIA alike.
    scot = Holiday(D("2026-03-10"), SCOTLAND, "Proclaimed day", "user")
    assert quick(D("2026-03-02"), Regime.FOISA, load_default([scot])).due == D("2026-03-31")


# --- Events ---------------------------------------------------------------------------------


def clocks(regime: Regime, *events: ClockEvent) -> Clocks:
    return compute_clocks(regime, list(events), calendar_for(regime, load_default()))


def test_not_sent_has_no_clock() -> None:
    c = clocks(Regime.FOIA, ev("drafted", "2026-03-01"))
    assert (c.received, c.due, c.effective_due) == (None, None, None)
    assert c.working_days_left(D("2026-03-02")) is None
    assert not c.is_overdue(D("2027-01-01"))


def test_plain_request_and_days_left() -> None:
    c = clocks(Regime.FOIA, sent("2026-03-02"))
    assert (c.received, c.due, c.effective_due) == (D("2026-03-02"), D("2026-03-31"), c.due)
    # 40 working days: 31 Mar is day 20; 1, 2 Apr, 7-10, 13-17, 20-24, 27-30 Apr days 21-40.
    assert c.extended_due == c.very_overdue == D("2026-04-30")
    assert c.working_days_left(D("2026-03-02")) == 20
    assert c.working_days_left(D("2026-03-31")) == 0
    assert not c.is_overdue(D("2026-03-31"))
    assert c.is_overdue(D("2026-04-01"))
    assert c.working_days_left(D("2026-04-01")) == -1
    assert c.working_days_left(D("2026-04-06")) == -2  # 1, 2 Apr late; 3 and 6 Apr holidays
    assert not c.is_very_overdue(D("2026-04-30"))
    assert c.is_very_overdue(D("2026-05-01"))
    assert (
        "if no response comes by the due date, the ICO accepts a complaint without an internal review"
        in c.notes
    )


def test_clarification_stops_then_restarts() -> None:
    waiting = clocks(Regime.FOIA, sent("2026-03-02"), ev("clarification-requested", "2026-03-05"))
    assert waiting.clarification_pending
    assert waiting.clarification_requested_on == D("2026-03-05")
    assert (waiting.due, waiting.effective_due, waiting.very_overdue) == (None, None, None)
    assert not waiting.is_overdue(D("2026-12-01"))
    restarted = clocks(
        Regime.FOIA,
        sent("2026-03-02"),
        ev("clarification-requested", "2026-03-05"),
        ev("clarification-sent", "2026-03-16"),
    )
    fresh = clocks(Regime.FOIA, sent("2026-03-16"))
    assert not restarted.clarification_pending
    assert restarted.received == D("2026-03-16")
    # 17 Mar skipped: 18-20 days 1-3, 23-27 4-8, 30, 31 9-10, 1, 2 Apr 11-12, 7-10 13-16,
    # 13-16 Apr 17-20.
    assert restarted.due == fresh.due == D("2026-04-16")


def test_fee_paused_then_paid() -> None:
    c = clocks(
        Regime.FOIA,
        sent("2026-03-02"),
        ev("fee-notice", "2026-03-10"),
        ev("fee-paid", "2026-03-20"),
    )
    # 3-9 Mar days 1-5; 10-20 Mar paused (FOIA s.10(2), both ends); 23-27 days 6-10,
    # 30 Mar-2 Apr 11-14, Good Friday and Easter Monday skipped, 7-10 Apr 15-18, 13, 14 Apr 19, 20.
    assert c.due == D("2026-04-14")
    assert c.pauses == ((D("2026-03-10"), D("2026-03-20")),)
    assert not c.fee_pending and c.fee_lapses_on is None
    assert c.due > clocks(Regime.FOIA, sent("2026-03-02")).due


def test_fee_unpaid_has_no_due_date_and_lapses() -> None:
    c = clocks(Regime.FOIA, sent("2026-03-02"), ev("fee-notice", "2026-03-10"))
    assert c.fee_pending and c.fee_notice_on == D("2026-03-10")
    assert (c.due, c.effective_due, c.extended_due) == (None, None, None)
    # FOIA s.9(2): three months beginning with 10 Mar end on 9 Jun; lapsed from 10 Jun.
    assert c.fee_lapses_on == D("2026-06-10")
    assert not c.fee_lapsed(D("2026-06-09"))
    assert c.fee_lapsed(D("2026-06-10"))
    assert not c.is_overdue(D("2026-12-01"))
    assert any("fee notice given 2026-03-10, not yet paid" in n for n in c.notes)
    # 30 Nov + 3 months: there is no 30 Feb, so the period ends on 28 Feb; lapsed 1 Mar.
    late = clocks(Regime.FOIA, sent("2025-11-03"), ev("fee-notice", "2025-11-30"))
    assert late.fee_lapses_on == D("2026-03-01")


def test_fee_notice_after_the_deadline_does_not_move_it() -> None:
    c = clocks(Regime.FOIA, sent("2026-03-02"), ev("fee-notice", "2026-04-02"))
    assert c.due == D("2026-03-31")
    assert c.fee_pending


def test_fee_notice_on_the_day_of_receipt() -> None:
    c = clocks(
        Regime.FOIA,
        sent("2026-03-02"),
        ev("fee-notice", "2026-03-02"),
        ev("fee-paid", "2026-03-06"),
    )
    # Paused 2-6 Mar: counting starts after 6 Mar as if received then: 9 Mar is day 1.
    assert c.due == clocks(Regime.FOIA, sent("2026-03-06")).due


def test_extension_within_and_beyond_40_days() -> None:
    within = clocks(Regime.FOIA, sent("2026-03-02"), ev("extension", "2026-03-25", "2026-04-20"))
    assert within.due == D("2026-03-31")
    assert within.effective_due == D("2026-04-20")
    assert within.extended_due == D("2026-04-30")
    assert not within.extension_beyond_limit
    assert not within.is_overdue(D("2026-04-20"))
    assert within.is_overdue(D("2026-04-21"))
    beyond = clocks(Regime.FOIA, sent("2026-03-02"), ev("extension", "2026-03-25", "2026-05-05"))
    assert beyond.extension_beyond_limit
    assert beyond.effective_due == D("2026-05-05")
    assert any("later than 40 working days" in n for n in beyond.notes)
    exactly = clocks(Regime.FOIA, sent("2026-03-02"), ev("extension", "2026-03-25", "2026-04-30"))
    assert not exactly.extension_beyond_limit


def test_eir_extension_without_a_date_runs_to_40_days() -> None:
    c = clocks(Regime.EIR, sent("2026-03-02"), ev("extension", "2026-03-20"))
    assert c.effective_due == c.extended_due == D("2026-04-30")
    assert not c.extension_beyond_limit
    beyond = clocks(Regime.EIR, sent("2026-03-02"), ev("extension", "2026-03-20", "2026-05-01"))
    assert beyond.extension_beyond_limit


def test_extension_after_the_deadline_is_noted() -> None:
    c = clocks(Regime.FOIA, sent("2026-03-02"), ev("extension", "2026-04-02", "2026-04-20"))
    # Claimed after the deadline had passed: it does not move it (FOIA s.17(1)-(2)).
    assert c.effective_due == c.due == D("2026-03-31")
    assert any("after the deadline of 2026-03-31" in n for n in c.notes)


def test_foisa_has_no_extension() -> None:
    c = clocks(Regime.FOISA, sent("2026-03-02"), ev("extension", "2026-03-20", "2026-04-10"))
    assert c.due == D("2026-03-30")
    assert c.effective_due == c.due  # a promise does not move a FOISA deadline
    assert c.extension_beyond_limit
    assert any("FOISA allows no extension" in n for n in c.notes)


def test_response_stops_the_clock() -> None:
    c = clocks(Regime.FOIA, sent("2026-03-02"), ev("response", "2026-04-02"))
    assert c.stopped and c.responded_on == D("2026-04-02")
    assert not c.is_overdue(D("2026-05-01"))
    assert c.working_days_left(D("2026-04-10")) is None
    assert c.responded_in_time is False
    assert clocks(Regime.FOIA, sent("2026-03-02"), ev("response", "2026-03-31")).responded_in_time
    # A reply not yet classified does not stop it.
    pending = clocks(Regime.FOIA, sent("2026-03-02"), ev("response-received", "2026-03-20"))
    assert not pending.stopped and pending.is_overdue(D("2026-04-01"))
    # Events the clock ignores.
    noisy = clocks(
        Regime.FOIA,
        sent("2026-03-02"),
        ev("acknowledged", "2026-03-03"),
        ev("chased", "2026-04-01"),
        ev("note", "2026-04-02"),
        ev("ico-complaint", "2026-04-03"),
    )
    assert noisy.due == D("2026-03-31") and not noisy.stopped


def test_withdrawn_stops_the_clock() -> None:
    c = clocks(Regime.FOIA, sent("2026-03-02"), ev("withdrawn", "2026-03-10"))
    assert c.stopped and c.withdrawn_on == D("2026-03-10")
    assert not c.is_overdue(D("2026-04-10"))


def test_resent_and_delivery_failure() -> None:
    failed = clocks(Regime.FOIA, sent("2026-03-02"), ev("delivery-failed", "2026-03-02"))
    assert failed.delivery_failed
    assert (failed.received, failed.due) == (None, None)
    assert not failed.is_overdue(D("2026-06-01"))
    resent = clocks(
        Regime.FOIA,
        sent("2026-03-02"),
        ev("delivery-failed", "2026-03-02"),
        ev("resent", "2026-03-16"),
    )
    assert not resent.delivery_failed
    assert resent.received == D("2026-03-16")
    assert resent.due == D("2026-04-16")


def test_foia_review_and_ico_windows() -> None:
    responded = clocks(Regime.FOIA, sent("2026-03-02"), ev("response", "2026-03-20"))
    # 40 working days after Fri 20 Mar: 23 Mar-2 Apr 1-9, 7-30 Apr 10-27, 1 May 28, 4 May
    # skipped, 5-8 May 29-32, 11-15 May 33-37, 18-20 May 38-40.
    assert responded.review_request_deadline == D("2026-05-20")
    # The ICO expects an internal review first: no six weeks until the review's result.
    assert responded.ico_window_closes is None
    assert any("first ask for an internal review" in n for n in responded.notes)
    reviewed = clocks(
        Regime.FOIA,
        sent("2026-03-02"),
        ev("response", "2026-03-20"),
        ev("internal-review-requested", "2026-04-01"),
    )
    # 2 Apr day 1, 7-10 Apr 2-5, 13-17 6-10, 20-24 11-15, 27-30 16-19, 1 May 20.
    assert reviewed.review_due == D("2026-05-01")
    # 4 May skipped, 5-8 May 21-24, 11-15 25-29, 18-22 30-34, 25 May (Spring bank holiday)
    # skipped, 26-29 May 35-38, 1, 2 Jun 39, 40.
    assert reviewed.review_due_max == D("2026-06-02")
    assert reviewed.ico_window_closes is None
    assert any("if the internal review is not answered by 2026-06-02" in n for n in reviewed.notes)
    answered = clocks(
        Regime.FOIA,
        sent("2026-03-02"),
        ev("response", "2026-03-20"),
        ev("internal-review-requested", "2026-04-01"),
        ev("internal-review-response", "2026-04-20"),
    )
    assert answered.review_responded_on == D("2026-04-20")
    assert answered.ico_window_closes == D("2026-06-01")  # 20 Apr + 42 days


def test_late_review_request_is_noted() -> None:
    c = clocks(
        Regime.FOIA,
        sent("2026-03-02"),
        ev("response", "2026-03-20"),
        ev("internal-review-requested", "2026-05-21"),
    )
    assert any("after the last day (2026-05-20)" in n for n in c.notes)


def test_eir_review_is_statutory_40_days() -> None:
    c = clocks(
        Regime.EIR,
        sent("2026-03-02"),
        ev("response", "2026-03-20"),
        ev("internal-review-requested", "2026-04-01"),
    )
    assert c.review_due == c.review_due_max == D("2026-06-02")  # EIR reg 11(4)


def test_foisa_windows() -> None:
    responded = clocks(
        Regime.FOISA,
        sent("2026-03-02"),
        ev("response", "2026-03-20"),
    )
    # FOISA s.20(5)(a): answered on time, so 40 working days after the time for complying
    # ran out (Mon 30 Mar). Scottish calendar: Good Friday, 4 May and 25 May skipped, Easter
    # Monday counts: 31 Mar-2 Apr 1-3, 6-10 Apr 4-8, 13-17 9-13, 20-24 14-18,
    # 27 Apr-1 May 19-23, 5-8 May 24-27, 11-15 28-32, 18-22 33-37, 26-28 May 38-40.
    assert responded.review_request_deadline == D("2026-05-28")
    assert responded.ico_window_closes is None  # no review asked for: no appeal yet
    assert any("FOISA s.47(1)" in n for n in responded.notes)
    asked = clocks(
        Regime.FOISA,
        sent("2026-03-02"),
        ev("response", "2026-03-20"),
        ev("internal-review-requested", "2026-04-01"),
    )
    # FOISA s.21(1): 2 Apr 1, 6-10 Apr 2-6, 13-17 7-11, 20-24 12-16, 27-30 Apr 17-20.
    assert asked.review_due == asked.review_due_max == D("2026-04-30")
    # s.47(4)(b): six months after the time for the review ran out.
    assert asked.ico_window_closes == D("2026-10-30")
    answered = clocks(
        Regime.FOISA,
        sent("2026-03-02"),
        ev("response", "2026-03-20"),
        ev("internal-review-requested", "2026-04-01"),
        ev("internal-review-response", "2026-04-28"),
    )
    assert answered.ico_window_closes == D("2026-10-28")  # s.47(4)(a)


def test_foisa_review_deadline_without_a_response() -> None:
    c = clocks(Regime.FOISA, sent("2026-03-02"))
    # s.20(5)(b): 40 working days after 30 Mar, when the time for complying ran out.
    assert c.review_request_deadline == c.calendar.add_working_days(D("2026-03-30"), 40)  # type: ignore[union-attr]
    assert clocks(Regime.FOIA, sent("2026-03-02")).review_request_deadline is None


def test_sar_clarification_waits_and_fee_restarts() -> None:
    c = clocks(
        Regime.SAR,
        sent("2026-01-31"),
        ev("clarification-requested", "2026-02-03"),
        ev("clarification-sent", "2026-02-10"),
    )
    # The month waits while the controller asks (3-10 Feb, 7 days) and then resumes:
    # 31 Jan + 1 month = 28 Feb, + 7 days = Sat 7 Mar, so Mon 9 Mar.
    assert c.received == D("2026-01-31")
    assert c.due == D("2026-03-09")
    waiting = clocks(Regime.SAR, sent("2026-01-31"), ev("fee-notice", "2026-02-02"))
    assert waiting.fee_pending and waiting.due is None and waiting.fee_lapses_on is None
    paid = clocks(
        Regime.SAR, sent("2026-01-31"), ev("fee-notice", "2026-02-02"), ev("fee-paid", "2026-02-09")
    )
    assert (paid.received, paid.due) == (D("2026-02-09"), D("2026-03-09"))


def test_sar_extension() -> None:
    c = clocks(Regime.SAR, sent("2026-01-15"), ev("extension", "2026-02-01"))
    # Three months: 15 Apr 2026 (a Wednesday).
    assert c.effective_due == c.extended_due == D("2026-04-15")
    assert c.review_due is None and c.ico_window_closes is None
    beyond = clocks(Regime.SAR, sent("2026-01-15"), ev("extension", "2026-02-01", "2026-05-01"))
    assert beyond.extension_beyond_limit


def test_no_regime_has_no_clock(hs: HolidaySet) -> None:
    c = quick(D("2026-03-02"), Regime.NONE, hs)
    assert c.received == D("2026-03-02")
    assert (c.due, c.effective_due, c.extended_due, c.very_overdue) == (None,) * 4
    assert not c.is_overdue(D("2027-01-01"))
    assert c.working_days_left(D("2026-03-03")) is None
    assert any("not subject to FOI" in n for n in c.notes)
    lines = explain(Regime.NONE, [sent("2026-03-02")], calendar_for(Regime.NONE, hs))
    assert lines == [
        ExplainLine(
            D("2026-03-02"),
            False,
            0,
            "received (day 0); no statutory clock: the body is not subject to FOI",
        )
    ]


# --- Explanations ---------------------------------------------------------------------------

PAUSE_AND_RESTART = [
    sent("2026-03-02"),
    ev("clarification-requested", "2026-03-04"),
    ev("clarification-sent", "2026-03-09"),
    ev("fee-notice", "2026-03-12"),
    ev("fee-paid", "2026-03-13"),
]


def test_explain_pause_and_restart(foia: WorkingCalendar) -> None:
    lines = explain(Regime.FOIA, PAUSE_AND_RESTART, foia)
    by_date = {line.date: line for line in lines}
    assert by_date[D("2026-03-02")] == ExplainLine(D("2026-03-02"), False, 0, "received (day 0)")
    assert by_date[D("2026-03-03")] == ExplainLine(D("2026-03-03"), True, 1, "working day 1")
    assert by_date[D("2026-03-04")].reason == (
        "clarification requested: clock stopped until it is received (FOIA s.1(3), s.10(6)(b))"
    )
    assert by_date[D("2026-03-05")].reason == (
        "clock stopped: waiting for clarification requested 2026-03-04"
    )
    assert by_date[D("2026-03-09")] == ExplainLine(
        D("2026-03-09"),
        False,
        0,
        "clock restarted: clarification received (new day 0; FOIA s.1(3), s.10(6)(b))",
    )
    assert by_date[D("2026-03-10")].reason == "working day 1"
    assert by_date[D("2026-03-11")].reason == "working day 2"
    for paused in ("2026-03-12", "2026-03-13"):
        assert by_date[D(paused)] == ExplainLine(
            D(paused),
            False,
            None,
            "clock paused: fee notice given 2026-03-12, paid 2026-03-13 (FOIA s.10(2))",
        )
    assert by_date[D("2026-03-14")].reason == "Saturday"
    assert by_date[D("2026-03-16")].reason == "working day 3"
    assert by_date[D("2026-03-17")].reason == "bank holiday: St Patrick’s Day (Northern Ireland)"
    # 18-20 Mar 4-6, 23-27 7-11, 30 Mar-2 Apr 12-15, 3 and 6 Apr skipped, 7-10 Apr 16-19,
    # 13 Apr 20.
    assert by_date[D("2026-04-03")].reason == (
        "bank holiday: Good Friday (England and Wales, Scotland, Northern Ireland)"
    )
    assert lines[-1] == ExplainLine(
        D("2026-04-13"), True, 20, "working day 20: due date (FOIA s.10(1))"
    )
    assert compute_clocks(Regime.FOIA, PAUSE_AND_RESTART, foia).due == D("2026-04-13")


def test_explain_unpaid_fee_until_a_date(foia: WorkingCalendar) -> None:
    events = [sent("2026-03-02"), ev("fee-notice", "2026-03-10")]
    lines = explain(Regime.FOIA, events, foia, until=D("2026-03-20"))
    assert lines[-1].date == D("2026-03-20")
    assert lines[-1].reason == (
        "clock paused: fee notice given 2026-03-10, not yet paid (FOIA s.10(2))"
    )
    assert [line.day_number for line in lines if line.counted] == [1, 2, 3, 4, 5]
    # Without `until`, it stops at the last event.
    assert explain(Regime.FOIA, events, foia)[-1].date == D("2026-03-10")


def test_explain_extension_overdue_and_response(foia: WorkingCalendar) -> None:
    events = [sent("2026-03-02"), ev("extension", "2026-03-25", "2026-04-08")]
    lines = explain(Regime.FOIA, events, foia, until=D("2026-04-10"))
    by_date = {line.date: line for line in lines}
    assert by_date[D("2026-03-25")].reason == (
        "working day 16; extension promised to 2026-04-08 (FOIA s.10(3))"
    )
    assert by_date[D("2026-04-01")].reason == "working day 21: within the extension"
    assert by_date[D("2026-04-08")].reason == (
        "working day 24: within the extension; extended deadline: the date the body promised"
    )
    assert by_date[D("2026-04-09")].reason == "working day 25: overdue"
    answered = [*events, ev("response", "2026-04-02")]
    lines = explain(Regime.FOIA, answered, foia, until=D("2026-04-10"))
    assert lines[-1].date == D("2026-04-02")
    assert lines[-1].reason.endswith("response received: clock stopped")


def test_explain_sar(hs: HolidaySet) -> None:
    cal = calendar_for(Regime.SAR, hs)
    lines = explain(Regime.SAR, [sent("2021-04-01")], cal)
    by_date = {line.date: line for line in lines}
    assert by_date[D("2021-05-01")].reason == (
        "day 30: one calendar month after receipt; Saturday, so the deadline moves to the next"
        " working day"
    )
    assert lines[-1].date == D("2021-05-04")
    assert lines[-1].reason == "day 33: due date (UK GDPR Art. 12(3))"
    text = format_explanation(lines, compute_clocks(Regime.SAR, [sent("2021-04-01")], cal))
    assert "2021-04-02 Fri to 2021-04-30 Fri  days 1-29" in text


def test_format_explanation(foia: WorkingCalendar) -> None:
    c = compute_clocks(Regime.FOIA, PAUSE_AND_RESTART, foia)
    text = format_explanation(explain(Regime.FOIA, PAUSE_AND_RESTART, foia), c)
    lines = text.splitlines()
    assert lines[0] == "Regime: Freedom of Information Act 2000 (FOIA)"
    assert "Time limit: 20th working day after receipt (FOIA s.10(1))" in lines
    assert "Received (day 0): 2026-03-09 (Monday)" in lines
    assert "Due: 2026-04-13 (Monday)" in lines
    assert "2026-03-02 Mon  received (day 0)" in lines
    # While the clock is stopped, the weekend is part of the wait.
    assert (
        "2026-03-05 Thu to 2026-03-08 Sun  clock stopped: waiting for clarification requested"
        " 2026-03-04"
    ) in lines
    assert "2026-03-14 Sat to 2026-03-15 Sun  weekend" in lines
    assert (
        "2026-03-12 Thu to 2026-03-13 Fri  clock paused: fee notice given 2026-03-12, paid"
        " 2026-03-13 (FOIA s.10(2))"
    ) in lines
    assert (
        "2026-04-03 Fri  bank holiday: Good Friday (England and Wales, Scotland, Northern Ireland)"
    ) in lines
    assert lines[-1] == "2026-04-13 Mon  working day 20: due date (FOIA s.10(1))"
    assert text.endswith("\n")


def test_format_mentions_the_other_reading_for_a_weekend_receipt(hs: HolidaySet) -> None:
    c = quick(D("2009-03-14"), Regime.FOIA, hs)
    assert c.calendar is not None
    text = format_explanation(explain(Regime.FOIA, [sent("2009-03-14")], c.calendar), c)
    assert "received on a non-working day" in text
    assert "would say 2009-04-16" in text  # as if received Monday 16 Mar


# --- Properties -----------------------------------------------------------------------------

DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 6, 30))
REGIMES = st.sampled_from([Regime.FOIA, Regime.FOISA])
PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference_non_working(cal: WorkingCalendar, d: date) -> bool:
    """The definition, checked the slow way."""
    if d.weekday() >= 5:
        return True
    if (d.month, d.day) == (12, 25):
        return True
    return any(h.region in cal.regions for h in cal.holiday_set.on(d))


@PROPS
@given(DATES, st.integers(min_value=0, max_value=80), REGIMES)
def test_add_working_days_matches_a_day_by_day_count(start: date, n: int, regime: Regime) -> None:
    cal = calendar_for(regime, load_default())
    d, left = start, n
    while left:
        d += timedelta(days=1)
        if not reference_non_working(cal, d):
            left -= 1
    assert cal.add_working_days(start, n) == d


@PROPS
@given(DATES, REGIMES)
def test_due_is_a_working_day_20_working_days_on(received: date, regime: Regime) -> None:
    c = quick(received, regime, load_default())
    assert c.due is not None and c.calendar is not None
    assert c.calendar.is_working_day(c.due)
    assert c.calendar.working_days_between(received, c.due) == 20
    assert c.calendar.working_days_between(received, c.due - timedelta(days=1)) == 19


@PROPS
@given(DATES, st.integers(min_value=1, max_value=40), REGIMES)
def test_due_never_decreases_as_receipt_moves_later(
    received: date, later: int, regime: Regime
) -> None:
    hs = load_default()
    first = quick(received, regime, hs).due
    second = quick(received + timedelta(days=later), regime, hs).due
    assert first is not None and second is not None
    assert first <= second


@PROPS
@given(DATES, st.integers(0, 30), st.integers(0, 60), REGIMES)
def test_a_fee_pause_never_shortens(received: date, gap: int, length: int, regime: Regime) -> None:
    notice = received + timedelta(days=gap)
    events = [
        ClockEvent("sent", received),
        ClockEvent("fee-notice", notice),
        ClockEvent("fee-paid", notice + timedelta(days=length)),
    ]
    cal = calendar_for(regime, load_default())
    paused = compute_clocks(regime, events, cal)
    plain = compute_clocks(regime, events[:1], cal)
    assert paused.due is not None and plain.due is not None
    assert paused.due >= plain.due
    assert paused.extended_due is not None and plain.extended_due is not None
    assert paused.extended_due >= plain.extended_due
    # Exactly 20 counted days: working days in (received, due] minus those paused.
    in_pause = max(
        0,
        cal.working_days_between(
            max(received, notice - timedelta(days=1)), min(paused.due, events[2].on)
        ),
    )
    assert cal.working_days_between(received, paused.due) - in_pause == 20


@PROPS
@given(DATES, st.integers(0, 25), st.integers(0, 60), REGIMES)
def test_a_clarification_restart_equals_a_fresh_request(
    received: date, asked: int, waited: int, regime: Regime
) -> None:
    asked_on = received + timedelta(days=asked)
    answered_on = asked_on + timedelta(days=waited)
    cal = calendar_for(regime, load_default())
    restarted = compute_clocks(
        regime,
        [
            ClockEvent("sent", received),
            ClockEvent("clarification-requested", asked_on),
            ClockEvent("clarification-sent", answered_on),
        ],
        cal,
    )
    fresh = compute_clocks(regime, [ClockEvent("sent", answered_on)], cal)
    for name in ("received", "due", "effective_due", "extended_due", "very_overdue"):
        assert getattr(restarted, name) == getattr(fresh, name), name


EVENT_KINDS = st.sampled_from(
    ["clarification-requested", "clarification-sent", "fee-notice", "fee-paid", "resent", "note"]
)


@PROPS
@given(DATES, st.lists(st.tuples(EVENT_KINDS, st.integers(0, 20)), max_size=5), REGIMES)
def test_explain_agrees_with_compute_clocks(
    received: date, steps: list[tuple[str, int]], regime: Regime
) -> None:
    events, on = [ClockEvent("sent", received)], received
    for kind, gap in steps:
        on += timedelta(days=gap)
        events.append(ClockEvent(kind, on))
    cal = calendar_for(regime, load_default())
    c = compute_clocks(regime, events, cal)
    lines = explain(regime, events, cal)
    if c.due is None:
        return
    # The explanation runs to the due date, or to a later event (a fee notice after it).
    assert lines[-1].date >= c.due
    [due_line] = [line for line in lines if line.date == c.due]
    assert due_line.day_number == 20 and due_line.counted
    restart = max(i for i, line in enumerate(lines) if line.day_number == 0)
    assert lines[restart].date == c.received
    counted = [line.day_number for line in lines[restart:] if line.counted and line.date <= c.due]
    assert counted == list(range(1, 21))


def test_far_years_work(hs: HolidaySet) -> None:
    # 1990 and 2100 both load lazily; 2100's Christmas Day is a Saturday, so Mon 27 and
    # Tue 28 Dec are the substitutes (package data).
    assert quick(D("1990-01-02"), Regime.FOIA, hs).due == D("1990-01-30")
    cal = calendar_for(Regime.FOIA, hs)
    assert cal.skip_reason(D("2100-12-27")) is not None
    assert set(REGIONS) == {h.region for h in hs.on(D("2100-12-27"))}


def test_fee_paid_after_the_notice_lapsed_is_noted() -> None:
    c = clocks(
        Regime.FOIA,
        sent("2026-03-02"),
        ev("fee-notice", "2026-03-10"),
        ev("fee-paid", "2026-06-10"),
    )
    assert any("after the fees notice of 2026-03-10 had lapsed on 2026-06-10" in n for n in c.notes)
    on_time = clocks(
        Regime.FOIA,
        sent("2026-03-02"),
        ev("fee-notice", "2026-03-10"),
        ev("fee-paid", "2026-06-09"),
    )
    assert not any("lapsed" in n for n in on_time.notes)


ALL_KINDS = st.sampled_from(
    [
        "drafted",
        "sent",
        "resent",
        "delivery-failed",
        "acknowledged",
        "clarification-requested",
        "clarification-sent",
        "fee-notice",
        "fee-paid",
        "extension",
        "response-received",
        "response",
        "internal-review-requested",
        "internal-review-response",
        "ico-complaint",
        "ico-decision",
        "withdrawn",
        "note",
        "chased",
    ]
)


@PROPS
@given(
    DATES,
    st.lists(st.tuples(ALL_KINDS, st.integers(0, 30), st.integers(0, 90)), max_size=8),
    st.sampled_from(list(Regime)),
)
def test_any_event_mix_gives_consistent_clocks_and_an_explanation(
    received: date, steps: list[tuple[str, int, int]], regime: Regime
) -> None:
    events, on = [ClockEvent("sent", received)], received
    for kind, gap, promise in steps:
        on += timedelta(days=gap)
        events.append(ClockEvent(kind, on, on + timedelta(days=promise) if promise else None))
    cal = calendar_for(regime, load_default())
    c = compute_clocks(regime, events, cal)
    if c.due is not None:
        assert c.effective_due is not None and c.effective_due >= c.due
        # A fee notice given between day 20 and day 40 pauses only the longer clock.
        assert (c.extended_due is not None and c.extended_due >= c.due) or c.fee_notice_on
        assert c.received is not None and c.due > c.received
    if regime is Regime.NONE:
        assert (c.due, c.review_due, c.ico_window_closes) == (None, None, None)
    assert not (c.stopped and c.is_overdue(on + timedelta(days=400)))
    lines = explain(regime, events, cal, until=on + timedelta(days=10))
    assert lines and lines[0].date == received and lines[0].day_number == 0
    assert all(line.reason for line in lines)
    assert [line.date for line in lines] == sorted({line.date for line in lines})
    text = format_explanation(lines, c)
    assert text.startswith("Regime: ") and text.endswith("\n")


def test_format_lists_the_windows_after_a_response(hs: HolidaySet) -> None:
    events = [
        sent("2026-03-02"),
        ev("response", "2026-03-20"),
        ev("internal-review-requested", "2026-04-01"),
    ]
    foia_cal = calendar_for(Regime.FOIA, hs)
    text = format_explanation(
        explain(Regime.FOIA, events, foia_cal), compute_clocks(Regime.FOIA, events, foia_cal)
    )
    assert "Ask for an internal review by: 2026-05-20 (Wednesday)" in text
    assert "Internal review due: 2026-05-01 (Friday) (at most 2026-06-02 (Tuesday))" in text
    scot = calendar_for(Regime.FOISA, hs)
    text = format_explanation(
        explain(Regime.FOISA, events, scot), compute_clocks(Regime.FOISA, events, scot)
    )
    assert "Appeal to the Scottish Information Commissioner by: 2026-10-30 (Friday)" in text


def test_table_lookups_equal_the_bisect_walk_1990_to_2100() -> None:
    """add_working_days and working_days_between (index look-ups) equal the bisect walk."""
    import random

    from foi.law.calendars import calendar_for as cal_for
    from foi.law.holidays import load_default as default
    from foi.law.regimes import Regime as R

    rng = random.Random(12)
    hs = default()
    first, last = date(1990, 1, 1).toordinal(), date(2100, 12, 31).toordinal()
    for regime in R:
        cal = cal_for(regime, hs)
        for _ in range(3000):
            a = rng.randrange(first, last)
            n = rng.choice((0, 1, 2, 5, 20, 40, 60, 200, 400))
            got = cal.add_working_days(date.fromordinal(a), n)
            assert got.toordinal() == (cal._add(a, n) if n else a), (regime, a, n)
            b = a + rng.randrange(-400, 400)
            assert cal.working_days_between(date.fromordinal(a), date.fromordinal(b)) == (
                cal._between(a, b)
            )


# Every public name foi.law.deadlines defined before the engine was split, and its owner now.
_ENGINE_NAMES = {
    "regimes": (
        "Regime RESPONSE_DAYS EXTENDED_DAYS REVIEW_REQUEST_DAYS REVIEW_DAYS REVIEW_MAX_DAYS"
        " ICO_WINDOW FEE_LAPSE_MONTHS COMMISSIONER_MONTHS SAR_MONTHS SAR_EXTENDED_MONTHS"
    ),
    "calendars": "WorkingCalendar calendar_for add_months_rule",
    "clock_events": "ClockEvent",
    "clocks": "Clocks compute_clocks quick",
    "explanation": "ExplainLine explain format_explanation",
}


def test_foi_law_deadlines_still_offers_every_public_name_of_the_engine() -> None:
    """Older code and migration 0006 import from foi.law.deadlines: the same objects as the
    modules that own them now, none left out."""
    import importlib

    from foi.law import deadlines

    names = [(owner, n) for owner, ns in _ENGINE_NAMES.items() for n in ns.split()]
    assert sorted(deadlines.__all__) == sorted(n for _, n in names)
    for owner, name in names:
        module = importlib.import_module(f"foi.law.{owner}")
        assert getattr(deadlines, name) is getattr(module, name), name
    # The line migration 0006 runs (and the casework modules use), unchanged.
    from foi.law.deadlines import ClockEvent as CE
    from foi.law.deadlines import Clocks as C
    from foi.law.deadlines import Regime as R
    from foi.law.deadlines import calendar_for as cal_for
    from foi.law.deadlines import compute_clocks as compute

    assert (CE, C, R, cal_for, compute) == (
        ClockEvent,
        Clocks,
        Regime,
        calendar_for,
        compute_clocks,
    )
