"""iCalendar export: parses back, all-day events, stable UIDs across re-exports, alarms."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from icalendar import Calendar

from foi.law.calendars import calendar_for
from foi.law.clock_events import ClockEvent
from foi.law.clocks import Clocks, compute_clocks
from foi.law.holidays import HolidaySet, load_default
from foi.reminders.due import RequestSnapshot, UserReminderSnapshot
from foi.reminders.ics import (
    CalendarItem,
    build_calendar,
    items_for_clocks,
    items_for_request,
    items_for_user_reminders,
)

D = date.fromisoformat
NOW = datetime(2026, 3, 24, 10, 30, tzinfo=UTC)
REF = "FOI-2026-0001"


@pytest.fixture(scope="module")
def hs() -> HolidaySet:
    return load_default()


def parse(data: bytes) -> tuple[Calendar, dict[str, Any]]:
    cal = Calendar.from_ical(data)
    return cal, {str(e["UID"]): e for e in cal.walk("VEVENT")}


def clocks_for(hs: HolidaySet, *events: tuple[str, str], regime: str = "foia") -> Clocks:
    cal = calendar_for(regime, hs)
    return compute_clocks(regime, [ClockEvent(k, D(on)) for k, on in events], cal)


def item(key: str = "A:response-due", day: str = "2026-04-02", **kw: object) -> CalendarItem:
    return CalendarItem(key, D(day), kw.pop("summary", "Response due"), "why", **kw)  # type: ignore[arg-type]


def test_output_parses_with_calendar_properties() -> None:
    data = build_calendar([item()], now=NOW)
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    cal, events = parse(data)
    assert str(cal["PRODID"]) == "-//foi//FOI deadlines//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["X-WR-CALNAME"]) == "FOI deadlines"
    assert str(cal["METHOD"]) == "PUBLISH"
    event = events["A:response-due@foi"]
    assert str(event["SUMMARY"]) == "Response due" and str(event["DESCRIPTION"]) == "why"
    custom = build_calendar([item()], now=NOW, product="-//x//y//EN", calendar_name="Ann's FOI")
    cal, _ = parse(custom)
    assert str(cal["X-WR-CALNAME"]) == "Ann's FOI" and str(cal["PRODID"]) == "-//x//y//EN"


def test_all_day_event_with_stamps_and_sequence() -> None:
    data = build_calendar([item(url="https://www.whatdotheyknow.com/request/x")], now=NOW)
    assert b"DTSTART;VALUE=DATE:20260402\r\n" in data
    assert b"DTEND;VALUE=DATE:20260403\r\n" in data
    _, events = parse(data)
    e = events["A:response-due@foi"]
    start, end = e.decoded("DTSTART"), e.decoded("DTEND")
    assert type(start) is date and start == D("2026-04-02") and end == D("2026-04-03")
    assert e.decoded("DTSTAMP") == NOW and e.decoded("LAST-MODIFIED") == NOW
    assert str(e["URL"]) == "https://www.whatdotheyknow.com/request/x"
    assert str(e["TRANSP"]) == "TRANSPARENT" and str(e["STATUS"]) == "CONFIRMED"
    # Same inputs, same bytes; a later export is a newer revision.
    assert build_calendar([item(url="https://www.whatdotheyknow.com/request/x")], now=NOW) == data
    later = parse(build_calendar([item()], now=NOW + timedelta(hours=1)))[1]
    assert int(later["A:response-due@foi"]["SEQUENCE"]) > int(e["SEQUENCE"])


def test_now_in_another_timezone_or_naive_is_stamped_in_utc() -> None:
    plus_one = NOW.astimezone(timezone(timedelta(hours=1)))
    naive = NOW.replace(tzinfo=None)
    expected = build_calendar([item()], now=NOW)
    assert build_calendar([item()], now=plus_one) == expected
    assert build_calendar([item()], now=naive) == expected
    assert b"DTSTAMP:20260324T103000Z" in expected


def test_alarms() -> None:
    _, events = parse(build_calendar([item(alarm_days_before=(0, 3))], now=NOW))
    alarms = events["A:response-due@foi"].walk("VALARM")
    assert [str(a["ACTION"]) for a in alarms] == ["DISPLAY", "DISPLAY"]
    # 09:00 three days before, and 09:00 on the day (relative to the all-day start).
    assert [a.decoded("TRIGGER") for a in alarms] == [
        timedelta(days=-3, hours=9),
        timedelta(hours=9),
    ]
    assert all(str(a["DESCRIPTION"]) == "Response due" for a in alarms)
    _, events = parse(build_calendar([item(alarm_days_before=())], now=NOW, alarm_hour=8))
    assert events["A:response-due@foi"].walk("VALARM") == []
    with pytest.raises(ValueError, match="alarm days"):
        build_calendar([item(alarm_days_before=(-1,))], now=NOW)
    with pytest.raises(ValueError, match="alarm_hour"):
        build_calendar([item()], now=NOW, alarm_hour=24)


def test_non_ascii_text_round_trips() -> None:
    summary = "Response due: Betsi Cadwaladr – Ysbyty Gwynedd, “SIM” café, Ynys Môn 🙂"
    desc = "Line one; with, punctuation\nLine two: Öffentlichkeit ñ"
    data = build_calendar([CalendarItem("Ü:1", D("2026-04-02"), summary, desc)], now=NOW)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded by octets
    _, events = parse(data)
    e = events["Ü:1@foi"]
    assert str(e["SUMMARY"]) == summary and str(e["DESCRIPTION"]) == desc


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="share the key 'A:response-due'"):
        build_calendar([item(), item(day="2026-05-01")], now=NOW)


def test_cancelled_items_have_no_alarms() -> None:
    _, events = parse(build_calendar([item(cancelled=True)], now=NOW))
    e = events["A:response-due@foi"]
    assert str(e["STATUS"]) == "CANCELLED" and e.walk("VALARM") == []


def test_deadlines_of_a_waiting_request(hs: HolidaySet) -> None:
    clocks = clocks_for(hs, ("sent", "2026-03-04"))
    items = items_for_clocks(REF, "Surrey and Borders", clocks, title="SIM", url="https://x/1")
    by_key = {i.uid_key: i for i in items}
    assert set(by_key) == {f"{REF}:response-due", f"{REF}:very-overdue"}
    due = by_key[f"{REF}:response-due"]
    assert (due.day, due.cancelled, due.url) == (D("2026-04-02"), False, "https://x/1")
    assert due.summary == f"Response due: {REF} (Surrey and Borders)"
    assert "Received (day 0): 2026-03-04" in due.description
    assert by_key[f"{REF}:very-overdue"].day == D("2026-05-05")


def test_reexport_after_a_deadline_moved_keeps_the_uids(hs: HolidaySet) -> None:
    before = clocks_for(hs, ("sent", "2026-03-04"))
    after = clocks_for(
        hs,
        ("sent", "2026-03-04"),
        ("clarification-requested", "2026-03-10"),
        ("clarification-sent", "2026-03-20"),  # new day 0: due Tue 21 Apr
    )
    first = parse(build_calendar(items_for_clocks(REF, "Trust", before), now=NOW))[1]
    second = parse(
        build_calendar(items_for_clocks(REF, "Trust", after), now=NOW + timedelta(days=16))
    )[1]
    assert set(first) == set(second) == {f"{REF}:response-due@foi", f"{REF}:very-overdue@foi"}
    uid = f"{REF}:response-due@foi"
    assert first[uid].decoded("DTSTART") == D("2026-04-02")
    assert second[uid].decoded("DTSTART") == D("2026-04-21")
    assert int(second[uid]["SEQUENCE"]) > int(first[uid]["SEQUENCE"])


def test_review_and_complaint_deadlines(hs: HolidaySet) -> None:
    responded = clocks_for(hs, ("sent", "2026-03-04"), ("response", "2026-03-20"))
    keys = {i.uid_key.split(":")[-1]: i for i in items_for_clocks(REF, "T", responded)}
    assert keys["response-due"].cancelled is True  # answered: the response deadline is moot
    assert keys["review-request-deadline"].day == D("2026-05-20")
    assert "ico-window" not in keys  # the ICO expects an internal review first
    assert not keys["review-request-deadline"].cancelled

    reviewing = clocks_for(
        hs,
        ("sent", "2026-03-04"),
        ("response", "2026-03-20"),
        ("internal-review-requested", "2026-03-23"),
    )
    keys = {i.uid_key.split(":")[-1]: i for i in items_for_clocks(REF, "T", reviewing)}
    assert keys["review-due"].day == D("2026-04-22")
    assert keys["review-max"].day == D("2026-05-21")
    assert keys["review-request-deadline"].cancelled  # asked for already
    assert "ico-window" not in keys  # FOIA: opens with the review's answer

    answered = clocks_for(
        hs,
        ("sent", "2026-03-04"),
        ("response", "2026-03-20"),
        ("internal-review-requested", "2026-03-23"),
        ("internal-review-response", "2026-04-20"),
    )
    items = items_for_clocks(REF, "T", answered, ico_complaint_on=D("2026-04-30"))
    keys = {i.uid_key.split(":")[-1]: i for i in items}
    assert keys["review-due"].cancelled and keys["review-max"].cancelled
    assert keys["ico-window"].day == D("2026-06-01") and keys["ico-window"].cancelled


def test_successful_response_cancels_the_complaint_windows(hs: HolidaySet) -> None:
    clocks = clocks_for(hs, ("sent", "2026-03-04"), ("response", "2026-03-20"))
    items = items_for_clocks(REF, "T", clocks, resolution="successful")
    assert all(i.cancelled for i in items)


def test_eir_and_foisa_labels(hs: HolidaySet) -> None:
    eir = clocks_for(
        hs,
        ("sent", "2026-03-04"),
        ("response", "2026-03-20"),
        ("internal-review-requested", "2026-03-23"),
        regime="eir",
    )
    keys = {i.uid_key.split(":")[-1] for i in items_for_clocks(REF, "T", eir)}
    assert "review-max" not in keys  # EIR reg 11(4): one 40-working-day limit
    foisa = clocks_for(
        hs,
        ("sent", "2026-03-04"),
        ("response", "2026-03-20"),
        ("internal-review-requested", "2026-03-23"),
        ("internal-review-response", "2026-04-15"),
        regime="foisa",
    )
    window = next(i for i in items_for_clocks(REF, "T", foisa) if i.uid_key.endswith("ico-window"))
    assert window.day == D("2026-10-15")
    assert window.summary.startswith("Last day to appeal to the Scottish Information Commissioner")


def test_fee_and_sar_items(hs: HolidaySet) -> None:
    fee = clocks_for(hs, ("sent", "2026-03-04"), ("fee-notice", "2026-03-10"))
    keys = {i.uid_key.split(":")[-1]: i for i in items_for_clocks(REF, "T", fee)}
    assert set(keys) == {"fee-lapses"}  # the clock is paused: no due date while unpaid
    assert keys["fee-lapses"].day == D("2026-06-09")
    sar = clocks_for(hs, ("sent", "2026-01-31"), regime="sar")
    keys = {i.uid_key.split(":")[-1]: i for i in items_for_clocks(REF, "T", sar)}
    assert keys["response-due"].day == D("2026-03-02")  # 28 Feb is a Saturday
    assert keys["very-overdue"].summary.startswith("SAR extension ends")


def test_request_snapshot_and_user_reminders_export_together(hs: HolidaySet) -> None:
    cal = calendar_for("foia", hs)
    clocks = clocks_for(hs, ("sent", "2026-03-04"))
    snap = RequestSnapshot(
        REF, "SIM", "Trust", "foia", "awaiting-response", clocks, cal, "Ann", "a@example.org"
    )
    users = [UserReminderSnapshot(4, REF, D("2026-03-28"), "10:30", "ring them", "Ann", None)]
    items = [*items_for_request(snap, url="https://x"), *items_for_user_reminders(users)]
    _, events = parse(build_calendar(items, now=NOW))
    assert set(events) == {
        f"{REF}:response-due@foi",
        f"{REF}:very-overdue@foi",
        f"{REF}:user:4@foi",
    }
    user = events[f"{REF}:user:4@foi"]
    assert str(user["SUMMARY"]) == f"{REF}: ring them"
    assert "At 10:30" in str(user["DESCRIPTION"])
    # The alarm goes off at the reminder's own time, not the default 09:00.
    assert [a.decoded("TRIGGER") for a in user.walk("VALARM")] == [timedelta(hours=10, minutes=30)]
