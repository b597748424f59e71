"""Which reminders fire, and when: a day-by-day walk through each request's life.

Each walk calls due_reminders once a day from sending to well after, as the daily job would,
and keeps (kind, period_key) the way the database's unique constraint does. Expected dates
were counted by hand from the 2026 holidays (UK-wide for FOIA): St Patrick's Day Tue 17 Mar,
Good Friday 3 Apr, Easter Monday 6 Apr, Early May Mon 4 May, Spring Mon 25 May.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foi.law.calendars import WorkingCalendar, calendar_for
from foi.law.clock_events import ClockEvent
from foi.law.clocks import compute_clocks
from foi.law.holidays import HolidaySet, load_default
from foi.law.regimes import Regime
from foi.law.timeline import EventKind, TimelineEvent, fold
from foi.reminders.due import (
    HEADINGS,
    Reminder,
    RequestSnapshot,
    UserReminderSnapshot,
    due_reminders,
    group_digest,
    render_digest,
    upcoming,
)

D = date.fromisoformat
REF = "FOI-2026-0001"
BODY = "Surrey and Borders Partnership NHS Foundation Trust"


@pytest.fixture(scope="module")
def hs() -> HolidaySet:
    return load_default()


@dataclass(frozen=True)
class Ev:
    kind: str
    on: date
    outcome: str | None = None
    promised: date | None = None


def ev(kind: str, on: str, outcome: str | None = None, promised: str | None = None) -> Ev:
    return Ev(kind, D(on), outcome, D(promised) if promised else None)


def snapshot(
    hs: HolidaySet,
    events: Sequence[Ev],
    today: date,
    *,
    regime: str = "foia",
    reference: str = REF,
    body: str = BODY,
    email: str | None = "ann@example.org",
) -> RequestSnapshot:
    """What the lead's code would build from the database on `today`: only past events."""
    known = [e for e in events if e.on <= today]
    state = fold(
        [
            TimelineEvent(EventKind(e.kind), e.on, seq=i, outcome=e.outcome, promised_on=e.promised)
            for i, e in enumerate(known)
        ]
    )
    cal = calendar_for(regime, hs)
    clocks = compute_clocks(regime, [ClockEvent(e.kind, e.on, e.promised) for e in known], cal)
    chased = [e.on for e in known if e.kind == "chased"]
    ico = [e.on for e in known if e.kind == "ico-complaint"]
    return RequestSnapshot(
        reference=reference,
        title="Serenity Integrated Mentoring",
        body_name=body,
        regime=regime,
        status=str(state.status),
        clocks=clocks,
        calendar=cal,
        assignee="Ann",
        assignee_email=email,
        last_chased_on=max(chased, default=None),
        resolution=state.resolution,
        ico_complaint_on=min(ico, default=None),
    )


@dataclass
class Walk:
    """What a daily job delivered: first day per (kind, period_key), and every day's list."""

    delivered: dict[tuple[str, str], date]
    reminders: dict[tuple[str, str], Reminder]
    days: dict[date, list[Reminder]]

    def fired(self, kind: str) -> list[date]:
        return sorted(d for (k, _), d in self.delivered.items() if k == kind)

    def keys(self, kind: str) -> list[str]:
        return sorted(p for (k, p) in self.delivered if k == kind)

    def kinds(self) -> set[str]:
        return {k for k, _ in self.delivered}


def walk(
    hs: HolidaySet,
    events: Sequence[Ev],
    start: str,
    end: str,
    *,
    regime: str = "foia",
    user: Sequence[UserReminderSnapshot] = (),
    **options: int,
) -> Walk:
    delivered: dict[tuple[str, str], date] = {}
    kept: dict[tuple[str, str], Reminder] = {}
    days: dict[date, list[Reminder]] = {}
    d, stop = D(start), D(end)
    while d <= stop:
        snap = snapshot(hs, events, d, regime=regime)
        found = due_reminders([snap], [u for u in user if u.on <= d], d, **options)
        days[d] = found
        for r in found:
            assert r.fires_on <= d
            key = (r.kind, r.period_key)
            if key not in delivered:  # the database's unique constraint
                delivered[key] = d
                kept[key] = r
        d += timedelta(days=1)
    return Walk(delivered, kept, days)


SENT = ev("sent", "2026-03-04")  # Wed; day 20 = Thu 2 Apr (17 Mar skipped); day 40 = Tue 5 May


def test_silence_fires_each_step_once_on_its_working_day(hs: HolidaySet) -> None:
    w = walk(hs, [SENT], "2026-03-04", "2026-07-31")
    assert w.fired("due-soon") == [D("2026-03-30")]  # 31 Mar, 1 Apr, 2 Apr left
    assert w.fired("due-today") == [D("2026-04-02")]
    assert w.fired("overdue") == [D("2026-04-07")]  # after Good Friday and Easter Monday
    assert w.fired("very-overdue") == [D("2026-05-06")]  # day 40 is 5 May (4 May skipped)
    assert w.kinds() == {"due-soon", "due-today", "overdue", "very-overdue"}
    key = "2026-03-04:2026-04-02"
    assert w.keys("due-soon") == w.keys("due-today") == w.keys("overdue") == [key]
    assert w.keys("very-overdue") == ["2026-03-04:2026-05-05"]


def test_messages_say_what_is_due_and_what_to_do(hs: HolidaySet) -> None:
    w = walk(hs, [SENT], "2026-03-04", "2026-05-06")
    soon = w.reminders[("due-soon", "2026-03-04:2026-04-02")]
    assert soon.message == f"{REF} to {BODY}: response due Thu 2026-04-02 (3 working days left)"
    assert soon.next_step is None and soon.urgency == 2 and soon.deadline == D("2026-04-02")
    today = w.reminders[("due-today", "2026-03-04:2026-04-02")]
    assert today.message.endswith("response due Thu 2026-04-02 (today)")
    late = w.reminders[("overdue", "2026-03-04:2026-04-02")]
    assert late.message.endswith("(overdue by 1 working day)")
    assert late.next_step == "send a chaser: foi chase" and late.urgency == 0
    very = w.reminders[("very-overdue", "2026-03-04:2026-05-05")]
    assert "very overdue" in very.message and "ICO" in (very.next_step or "")
    assert (late.assignee, late.assignee_email) == ("Ann", "ann@example.org")


def test_reminder_is_produced_every_day_until_superseded(hs: HolidaySet) -> None:
    w = walk(hs, [SENT], "2026-03-28", "2026-04-08")
    kinds = {d: [r.kind for r in rs] for d, rs in w.days.items()}
    assert kinds[D("2026-03-29")] == []
    assert kinds[D("2026-03-30")] == kinds[D("2026-04-01")] == ["due-soon"]
    assert kinds[D("2026-04-02")] == kinds[D("2026-04-06")] == ["due-today"]  # holiday
    assert kinds[D("2026-04-07")] == kinds[D("2026-04-08")] == ["overdue"]
    # A caught-up message reads as of the day it is delivered.
    assert w.days[D("2026-03-31")][0].message.endswith("(2 working days left)")


def test_missed_days_are_caught_up_with_the_latest_step_only(hs: HolidaySet) -> None:
    # The job did not run from 27 Mar to 1 Apr: on 2 Apr only due-today, not due-soon.
    snap = snapshot(hs, [SENT], D("2026-04-02"))
    assert [r.kind for r in due_reminders([snap], [], D("2026-04-02"))] == ["due-today"]
    # First run long after: the request is very overdue; one reminder, not four.
    snap = snapshot(hs, [SENT], D("2026-06-01"))
    found = due_reminders([snap], [], D("2026-06-01"))
    assert [(r.kind, r.fires_on) for r in found] == [("very-overdue", D("2026-05-06"))]


def test_due_today_and_overdue_never_fall_on_a_non_working_day(hs: HolidaySet) -> None:
    cal = calendar_for(Regime.FOIA, hs)
    d = D("2025-12-01")
    while d < D("2027-01-10"):
        snap = snapshot(hs, [Ev("sent", d)], d)
        clocks = snap.clocks
        assert clocks.effective_due is not None and clocks.very_overdue is not None
        found = {r.kind: r for r in upcoming([snap], [], d, horizon_days=60)}
        assert found["due-today"].fires_on == clocks.effective_due
        assert found["overdue"].fires_on == cal.add_working_days(clocks.effective_due, 1)
        assert found["very-overdue"].fires_on == cal.add_working_days(clocks.very_overdue, 1)
        soon = found["due-soon"].fires_on
        assert cal.working_days_between(soon, clocks.effective_due) == 3
        for r in found.values():
            assert cal.is_working_day(r.fires_on), (d, r)
        d += timedelta(days=1)


def test_a_promised_date_on_a_holiday_warns_on_the_working_day_before(hs: HolidaySet) -> None:
    events = [SENT, ev("extension", "2026-03-31", promised="2026-04-03")]  # Good Friday
    w = walk(hs, events, "2026-03-04", "2026-04-10")
    old, new = "2026-03-04:2026-04-02", "2026-03-04:2026-04-03"
    # due-soon for the old date on 30 Mar; the extension is a new period, so a new due-soon.
    assert w.delivered[("due-soon", old)] == D("2026-03-30")
    assert w.delivered[("due-soon", new)] == D("2026-03-31")
    assert w.delivered[("due-today", new)] == D("2026-04-02")  # Thursday, not Good Friday
    assert w.delivered[("overdue", new)] == D("2026-04-07")
    assert ("due-today", old) not in w.delivered and ("overdue", old) not in w.delivered
    msg = w.reminders[("due-today", new)].message
    assert "due Fri 2026-04-03 (no working days left), extended from 2026-04-02" in msg


def test_clarification_restart_gives_new_keys(hs: HolidaySet) -> None:
    events = [
        SENT,
        ev("clarification-requested", "2026-03-31"),
        ev("clarification-sent", "2026-04-08"),  # new day 0: day 20 is Thu 7 May
    ]
    w = walk(hs, events, "2026-03-04", "2026-05-12")
    old, new = "2026-03-04:2026-04-02", "2026-04-08:2026-05-07"
    assert w.delivered == {
        ("due-soon", old): D("2026-03-30"),
        ("clarification-unanswered", "2026-03-04:2026-03-31"): D("2026-04-01"),
        ("due-soon", new): D("2026-05-01"),  # Friday: 5, 6, 7 May left (4 May skipped)
        ("due-today", new): D("2026-05-07"),
        ("overdue", new): D("2026-05-08"),
    }
    # While the clock is stopped, nothing about the response is produced.
    assert [r.kind for r in w.days[D("2026-04-07")]] == ["clarification-unanswered"]
    clar = w.reminders[("clarification-unanswered", "2026-03-04:2026-03-31")]
    assert "clock is stopped until you reply" in clar.message
    assert "clarification-sent" in (clar.next_step or "")


def test_a_response_stops_response_reminders(hs: HolidaySet) -> None:
    events = [SENT, ev("response", "2026-04-01", "successful")]
    w = walk(hs, events, "2026-03-04", "2026-07-31")
    assert w.kinds() == {"due-soon"}  # answered in full: no review or complaint windows
    assert w.days[D("2026-04-01")] == []


def test_a_refusal_opens_the_review_window_but_not_yet_the_ico_one(hs: HolidaySet) -> None:
    events = [SENT, ev("response", "2026-04-01", "refused")]
    w = walk(hs, events, "2026-03-04", "2026-07-31")
    # The ICO expects an internal review first: its six weeks start from the review's result.
    assert w.kinds() == {"due-soon", "review-request-deadline"}
    # Review: 40 working days after 1 Apr is Tue 2 Jun (25 May skipped); 5 before is 26 May.
    assert w.delivered[("review-request-deadline", "2026-04-01:2026-06-02")] == D("2026-05-26")
    # Closed windows are not reminded of any more.
    assert [r.kind for r in w.days[D("2026-06-02")]] == ["review-request-deadline"]
    assert w.days[D("2026-06-03")] == []


def test_review_clocks(hs: HolidaySet) -> None:
    events = [
        SENT,
        ev("response", "2026-03-20", "refused"),
        ev("internal-review-requested", "2026-03-23"),  # due Wed 22 Apr; at most Thu 21 May
    ]
    w = walk(hs, events, "2026-03-04", "2026-07-31")
    assert w.delivered == {
        ("review-due", "2026-03-23:2026-04-22"): D("2026-04-22"),
        ("review-overdue", "2026-03-23:2026-04-22"): D("2026-04-23"),
        ("review-very-overdue", "2026-03-23:2026-05-21"): D("2026-05-22"),
    }
    over = w.reminders[("review-overdue", "2026-03-23:2026-04-22")]
    assert "the s.45 Code allows at most until 2026-05-21" in over.message
    assert (
        over.next_step == f"remind the body of the review; foi escalate {REF} says when to complain"
    )
    very = w.reminders[("review-very-overdue", "2026-03-23:2026-05-21")]
    assert very.next_step == f"complain to the ICO without waiting: foi escalate {REF}"
    assert {r.kind for r in w.days[D("2026-05-25")]} == {"review-very-overdue"}


def test_review_answer_stops_review_reminders_and_opens_the_ico_window(hs: HolidaySet) -> None:
    events = [
        SENT,
        ev("response", "2026-03-20", "refused"),
        ev("internal-review-requested", "2026-03-23"),
        ev("internal-review-response", "2026-04-20", "partially-successful"),
    ]
    w = walk(hs, events, "2026-03-04", "2026-07-31")
    # 20 Apr + 42 days = Mon 1 Jun; a week before is Mon 25 May (holiday) so Fri 22 May.
    assert w.delivered == {("ico-window-closing", "2026-04-20:2026-06-01"): D("2026-05-22")}


def test_eir_review_has_one_forty_day_limit(hs: HolidaySet) -> None:
    events = [
        SENT,
        ev("response", "2026-03-20", "refused"),
        ev("internal-review-requested", "2026-03-23"),
    ]
    w = walk(hs, events, "2026-03-04", "2026-07-31", regime="eir")
    assert w.delivered == {
        ("review-due", "2026-03-23:2026-05-21"): D("2026-05-21"),  # EIR reg 11(4)
        ("review-overdue", "2026-03-23:2026-05-21"): D("2026-05-22"),
    }
    over = w.reminders[("review-overdue", "2026-03-23:2026-05-21")]
    assert over.next_step == f"complain to the ICO: foi escalate {REF}"


def test_foisa_window_is_the_commissioner_appeal(hs: HolidaySet) -> None:
    events = [
        SENT,
        ev("response", "2026-03-20", "refused"),
        ev("internal-review-requested", "2026-03-23"),
        ev("internal-review-response", "2026-04-15", "refused"),  # six months: 15 Oct
    ]
    w = walk(hs, events, "2026-04-15", "2026-10-31", regime="foisa")
    assert w.delivered == {("ico-window-closing", "2026-04-15:2026-10-15"): D("2026-10-08")}
    r = w.reminders[("ico-window-closing", "2026-04-15:2026-10-15")]
    assert "appeal to the Scottish Information Commissioner end on Thu 2026-10-15" in r.message
    assert r.next_step == f"complain to the Scottish Information Commissioner: foi escalate {REF}"


def test_an_ico_complaint_stops_the_window_reminder(hs: HolidaySet) -> None:
    events = [SENT, ev("response", "2026-04-01", "refused"), ev("ico-complaint", "2026-04-20")]
    w = walk(hs, events, "2026-03-04", "2026-07-31")
    assert w.kinds() == {"due-soon"}
    # An ICO decision closes the request again; the window must stay quiet.
    events.append(ev("ico-decision", "2026-04-28", "upheld"))
    assert walk(hs, events, "2026-04-20", "2026-07-31").delivered == {}


def test_fee_lapse_warning(hs: HolidaySet) -> None:
    # Notice Tue 10 Mar: lapses on 10 Jun, so the last day to pay is Tue 9 Jun.
    events = [SENT, ev("fee-notice", "2026-03-10")]
    w = walk(hs, events, "2026-03-04", "2026-07-31")
    assert w.delivered == {("fee-lapsing", "2026-03-10:2026-06-10"): D("2026-06-02")}
    r = w.reminders[("fee-lapsing", "2026-03-10:2026-06-10")]
    assert r.deadline == D("2026-06-09")
    assert "pay by Tue 2026-06-09 (5 working days left) or it lapses" in r.message
    assert [r.kind for r in w.days[D("2026-06-09")]] == ["fee-lapsing"]
    assert w.days[D("2026-06-10")] == []  # lapsed: nothing left to warn about


def test_a_paid_fee_resumes_the_clock_under_a_new_key(hs: HolidaySet) -> None:
    # Paused 10-20 Mar (both counted out): 5, 6, 9 Mar before, 17 after 20 Mar -> Thu 16 Apr.
    events = [SENT, ev("fee-notice", "2026-03-10"), ev("fee-paid", "2026-03-20")]
    w = walk(hs, events, "2026-03-04", "2026-04-20")
    assert "fee-lapsing" not in w.kinds()
    assert w.delivered[("due-today", "2026-03-04:2026-04-16")] == D("2026-04-16")
    assert w.keys("due-soon") == ["2026-03-04:2026-04-16"]


def test_a_chaser_after_the_deadline_silences_overdue_but_not_very_overdue(
    hs: HolidaySet,
) -> None:
    events = [SENT, ev("chased", "2026-04-03")]  # Good Friday, the day after it was due
    w = walk(hs, events, "2026-03-04", "2026-06-30")
    assert w.kinds() == {"due-soon", "due-today", "very-overdue"}
    assert w.days[D("2026-04-08")] == []  # not "due today" again either
    # A chaser sent before the deadline does not count as dealing with the overdue.
    early = walk(hs, [SENT, ev("chased", "2026-03-30")], "2026-03-04", "2026-04-10")
    assert "overdue" in early.kinds()


def test_a_reply_to_classify_keeps_the_clock_but_says_so(hs: HolidaySet) -> None:
    events = [SENT, ev("response-received", "2026-04-06")]
    w = walk(hs, events, "2026-03-04", "2026-04-08")
    r = w.days[D("2026-04-07")][0]
    assert r.kind == "overdue"
    assert r.message.endswith("; a reply is waiting to be classified")
    assert (
        r.next_step == f"log the reply: foi request log {REF} response --on DATE --outcome OUTCOME"
    )


def test_no_reminders_for_drafts_withdrawn_or_out_of_scope(hs: HolidaySet) -> None:
    assert walk(hs, [ev("drafted", "2026-03-01")], "2026-03-01", "2026-06-30").delivered == {}
    withdrawn = [SENT, ev("withdrawn", "2026-03-20")]
    assert walk(hs, withdrawn, "2026-03-20", "2026-07-31").delivered == {}
    assert walk(hs, [SENT], "2026-03-04", "2026-07-31", regime="none").delivered == {}


def test_foisa_counts_scottish_holidays_only(hs: HolidaySet) -> None:
    # Sent Mon 2 Mar 2026: FOIA skips St Patrick's Day (17 Mar, Northern Ireland); FOISA
    # counts it, so its 20th working day is a day earlier.
    foisa = walk(hs, [ev("sent", "2026-03-02")], "2026-03-02", "2026-04-10", regime="foisa")
    foia = walk(hs, [ev("sent", "2026-03-02")], "2026-03-02", "2026-04-10")
    assert foisa.fired("due-today") == [D("2026-03-30")]
    assert foia.fired("due-today") == [D("2026-03-31")]


def test_options_change_the_warning_days(hs: HolidaySet) -> None:
    w = walk(hs, [SENT], "2026-03-04", "2026-04-10", due_soon_days=5)
    assert w.fired("due-soon") == [D("2026-03-26")]  # 27, 30, 31 Mar, 1, 2 Apr left


def user_reminder(id: int, on: str, note: str = "ring the FOI officer") -> UserReminderSnapshot:
    return UserReminderSnapshot(id, REF, D(on), "10:30", note, "Bob", None)


def test_user_reminders_fire_on_their_own_date(hs: HolidaySet) -> None:
    rs = [user_reminder(7, "2026-03-14"), user_reminder(8, "2026-03-21", "check WDTK")]
    w = walk(hs, [SENT], "2026-03-04", "2026-03-25", user=rs)
    assert w.delivered == {
        ("user", "7:2026-03-14"): D("2026-03-14"),
        ("user", "8:2026-03-21"): D("2026-03-21"),
    }
    r = w.reminders[("user", "7:2026-03-14")]
    assert r.message == f"{REF} to {BODY}: ring the FOI officer (at 10:30)"
    assert (r.assignee, r.assignee_email, r.urgency) == ("Bob", None, 2)
    # Moved to another day: a new period.
    moved = replace(rs[0], on=D("2026-03-16"))
    assert due_reminders([], [moved], D("2026-03-16"))[0].period_key == "7:2026-03-16"
    # Without its request in the list, the reference alone.
    assert due_reminders([], [moved], D("2026-03-16"))[0].message.startswith(f"{REF}: ring")


def test_upcoming_lists_what_fires_in_the_next_working_days(hs: HolidaySet) -> None:
    snap = snapshot(hs, [SENT], D("2026-03-25"))
    rs = [user_reminder(1, "2026-03-28"), user_reminder(2, "2026-06-01")]
    found = upcoming([snap], rs, D("2026-03-25"), horizon_days=5)
    # 5 working days after Wed 25 Mar is Wed 1 Apr.
    assert [(r.kind, r.fires_on) for r in found] == [
        ("user", D("2026-03-28")),
        ("due-soon", D("2026-03-30")),
    ]
    assert found[1].message.endswith("(3 working days left)")  # as it will read that day
    assert upcoming([snap], [], D("2026-03-30"), horizon_days=1) == []  # strictly after today
    far = upcoming([snap], rs, D("2026-03-25"), horizon_days=60)
    assert [r.kind for r in far] == [
        "user",
        "due-soon",
        "due-today",
        "overdue",
        "very-overdue",
        "user",
    ]


def _r(kind: str, urgency: int, deadline: str, email: str | None, ref: str = REF) -> Reminder:
    return Reminder(
        ref, kind, D(deadline), D(deadline), "k", urgency, f"{ref} {kind}", None, "Ann", email
    )


def test_group_digest_by_email_most_urgent_first() -> None:
    rs = [
        _r("due-soon", 2, "2026-04-02", "b@example.org"),
        _r("overdue", 0, "2026-03-02", None),
        _r("due-today", 1, "2026-03-10", "b@example.org"),
        _r("overdue", 0, "2026-03-05", "b@example.org", "FOI-2026-0009"),
        _r("overdue", 0, "2026-03-01", "b@example.org", "FOI-2026-0002"),
        _r("user", 2, "2026-03-09", "a@example.org"),
    ]
    groups = group_digest(rs)
    assert list(groups) == ["a@example.org", "b@example.org", None]
    assert [(r.reference, r.kind) for r in groups["b@example.org"]] == [
        ("FOI-2026-0002", "overdue"),
        ("FOI-2026-0009", "overdue"),
        (REF, "due-today"),
        (REF, "due-soon"),
    ]
    assert len(groups[None]) == 1
    assert group_digest([]) == {}


def test_render_digest(hs: HolidaySet) -> None:
    today = D("2026-05-26")
    late = snapshot(hs, [SENT], today)
    refused = snapshot(
        hs, [SENT, ev("response", "2026-04-01", "refused")], today, reference="FOI-2026-0002"
    )
    found = due_reminders([late, refused], [user_reminder(3, "2026-05-26")], today)
    subject, body = render_digest("ann@example.org", found, today)
    assert subject == "3 FOI reminders for 2026-05-26 (1 overdue)"
    assert body.splitlines() == [
        "FOI reminders for Tuesday 26 May 2026, for ann@example.org",
        "",
        "Overdue",
        f"- {REF} to {BODY}: response due Thu 2026-04-02, now very overdue (more than 40"
        " working days since receipt on 2026-03-04; overdue by 34 working days)",
        f"  next: complain to the ICO (no internal review is needed): foi escalate {REF}",
        "",
        "Complaint windows",
        f"- FOI-2026-0002 to {BODY}: last day to ask for an internal review is Tue 2026-06-02"
        " (5 working days left)",
        "  next: ask for an internal review: foi escalate FOI-2026-0002",
        "",
        "Your reminders",
        f"- {REF} to {BODY}: ring the FOI officer (at 10:30)",
    ]
    # Printed digests (no email) name the assignee; an empty digest says so.
    _, printed = render_digest(None, found, today)
    assert "[Bob]" in printed and "[Ann]" in printed
    subject, body = render_digest(None, [], today)
    assert subject == "0 FOI reminders for 2026-05-26"
    assert body.endswith("Nothing is due.\n")


def test_headings_cover_every_kind() -> None:
    from foi.reminders.due import KINDS

    covered = [k for _, kinds in HEADINGS for k in kinds]
    assert sorted(covered) == sorted(KINDS)
    assert [h for h, _ in HEADINGS] == [
        "Overdue",
        "Not delivered",
        "Due today",
        "Due soon",
        "Reviews",
        "Complaint windows",
        "Your reminders",
    ]


def test_calendar_is_the_requests_own(hs: HolidaySet) -> None:
    snap = snapshot(hs, [SENT], D("2026-03-30"))
    assert isinstance(snap.calendar, WorkingCalendar)
    # The reminder dates come from the snapshot's calendar: a Scottish one moves them.
    scot = replace(snap, calendar=calendar_for(Regime.FOISA, hs))
    mine = {r.kind: r.fires_on for r in upcoming([snap], [], D("2026-03-04"), 60)}
    theirs = {r.kind: r.fires_on for r in upcoming([scot], [], D("2026-03-04"), 60)}
    assert mine["overdue"] == D("2026-04-07") and theirs["overdue"] == D("2026-04-06")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sent=st.dates(min_value=D("2025-01-01"), max_value=D("2027-12-31")),
    reply_after=st.one_of(st.none(), st.integers(min_value=1, max_value=80)),
    outcome=st.sampled_from(["successful", "refused", "not-held"]),
)
def test_run_daily_every_reminder_arrives_on_its_working_day(
    hs: HolidaySet, sent: date, reply_after: int | None, outcome: str
) -> None:
    events = [Ev("sent", sent)]
    if reply_after is not None:
        events.append(Ev("response", sent + timedelta(days=reply_after), outcome))
    cal = calendar_for(Regime.FOIA, hs)
    w = walk(hs, events, sent.isoformat(), (sent + timedelta(days=150)).isoformat())
    for (kind, _), day in w.delivered.items():
        assert day == w.reminders[(kind, _)].fires_on  # nothing late, nothing early
        assert cal.is_working_day(day), (kind, day)
    for rs in w.days.values():  # one step of the response ladder at a time
        assert sum(r.kind in ("due-soon", "due-today", "overdue", "very-overdue") for r in rs) <= 1
    if reply_after is None:
        assert w.kinds() == {"due-soon", "due-today", "overdue", "very-overdue"}
