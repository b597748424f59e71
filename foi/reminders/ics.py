"""iCalendar (RFC 5545) export of deadlines, for volunteers' own calendars.

Pure: takes items and the export time, returns bytes; no database, no clock, no files.

Every deadline is an all-day event whose UID depends only on the request and the kind of
deadline, never on its date: when a deadline moves (a clarification restarts the clock, an
extension is claimed, a bank holiday is proclaimed), re-exporting updates the same event instead
of adding a second one. A deadline that no longer applies (the body responded, the review was
answered, a complaint was made) is exported with STATUS:CANCELLED, so a calendar that imported
an earlier export removes it too. SEQUENCE is derived from the export time (minutes since
2020-01-01 UTC): the same inputs give the same bytes, and each later export is a newer revision,
which some clients require before they accept a changed date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

from foi.law.clocks import Clocks
from foi.law.regimes import Regime
from foi.reminders.due import ANSWERED_IN_FULL, RequestSnapshot, UserReminderSnapshot

PRODUCT = "-//foi//FOI deadlines//EN"
CALENDAR_NAME = "FOI deadlines"
UID_DOMAIN = "foi"
_SEQUENCE_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class CalendarItem:
    """One all-day deadline; `uid_key` must stay the same when the date moves."""

    uid_key: str
    day: date
    summary: str
    description: str
    url: str | None = None
    alarm_days_before: tuple[int, ...] = (3, 0)
    cancelled: bool = False
    alarm_at: str | None = None  # "HH:MM" (a volunteer's own reminder time), else alarm_hour


def _utc(now: datetime) -> datetime:
    """`now` in UTC; a naive datetime is taken to be UTC already."""
    return now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)


def _alarm(item: CalendarItem, days: int, hour: int) -> Alarm:
    alarm = Alarm()
    alarm.add("uid", f"{item.uid_key}:alarm-{days}@{UID_DOMAIN}")
    alarm.add("action", "DISPLAY")
    # Relative to the start of the day (local midnight): `hour` o'clock, `days` days before.
    hh, mm = (int(x) for x in item.alarm_at.split(":")) if item.alarm_at else (hour, 0)
    alarm.add("trigger", timedelta(days=-days, hours=hh, minutes=mm))
    alarm.add("description", item.summary)
    return alarm


def build_calendar(
    items: Iterable[CalendarItem],
    *,
    now: datetime,
    product: str = PRODUCT,
    calendar_name: str = CALENDAR_NAME,
    alarm_hour: int = 9,
) -> bytes:
    """An iCalendar file of all-day events, one per item, with stable UIDs and alarms."""
    if not 0 <= alarm_hour <= 23:
        raise ValueError("alarm_hour must be 0-23")
    stamp = _utc(now).replace(microsecond=0)
    sequence = max(0, int((stamp - _SEQUENCE_EPOCH).total_seconds()) // 60)
    ordered = sorted(items, key=lambda i: (i.day, i.uid_key))
    seen: set[str] = set()
    for item in ordered:
        if item.uid_key in seen:
            raise ValueError(f"two calendar items share the key {item.uid_key!r}")
        seen.add(item.uid_key)

    cal = Calendar()
    cal.add("prodid", product)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", calendar_name)
    cal.add("name", calendar_name)  # RFC 7986
    cal.add("refresh-interval", timedelta(hours=12), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT12H")
    for item in ordered:
        event = Event()
        event.add("uid", f"{item.uid_key}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("sequence", sequence)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("categories", ["FOI"])
        if not item.cancelled:
            for days in sorted(set(item.alarm_days_before), reverse=True):
                if days < 0:
                    raise ValueError(f"{item.uid_key}: alarm days must be zero or more")
                event.add_component(_alarm(item, days, alarm_hour))
        cal.add_component(event)
    return cal.to_ical()


# --- Deadlines -> items ---------------------------------------------------------------------


def items_for_clocks(
    reference: str,
    body_name: str,
    clocks: Clocks,
    *,
    title: str = "",
    url: str | None = None,
    resolution: str | None = None,
    ico_complaint_on: date | None = None,
) -> list[CalendarItem]:
    """A request's deadlines as calendar items; ones that no longer apply are cancelled."""
    c = clocks
    head = f"{reference} ({body_name})"
    about = [f"{reference}: {title}" if title else reference, f"To: {body_name}"]
    if c.received is not None:
        about.append(f"Received (day 0): {c.received}")
    items: list[CalendarItem] = []
    # Deadlines that passed out of use stay in the export, cancelled, so imports drop them.
    answered = resolution in ANSWERED_IN_FULL or c.withdrawn_on is not None
    cancelled: set[str] = set()
    if c.stopped:
        cancelled |= {"response-due", "very-overdue", "fee-lapses"}
    if c.review_responded_on is not None:
        cancelled |= {"review-due", "review-max"}
    if c.review_requested_on is not None or answered:
        cancelled.add("review-request-deadline")
    if ico_complaint_on is not None or answered:
        cancelled.add("ico-window")

    def add(kind: str, day: date | None, what: str, why: str, alarms: tuple[int, ...]) -> None:
        if day is None:
            return
        items.append(
            CalendarItem(
                uid_key=f"{reference}:{kind}",
                day=day,
                summary=f"{what}: {head}",
                description="\n".join([*about, why]),
                url=url,
                alarm_days_before=alarms,
                cancelled=kind in cancelled,
            )
        )

    if c.effective_due is not None:
        why = "Last day for a response on time."
        if c.effective_due != c.due:
            why += f" Extended from {c.due}."
        add("response-due", c.effective_due, "Response due", why, (3, 0))
    if c.regime is Regime.SAR:
        why = "Last day of the longest extension (three months, UK GDPR Art. 12(3))."
        add("very-overdue", c.very_overdue, "SAR extension ends", why, (0,))
    else:
        why = "40 working days after receipt: very overdue from the next day."
        add("very-overdue", c.very_overdue, "Very overdue after today", why, (0,))
    if c.fee_pending and c.fee_lapses_on is not None:
        last = c.fee_lapses_on - timedelta(days=1)
        why = f"The fees notice of {c.fee_notice_on} lapses after today if unpaid."
        add("fee-lapses", last, "Last day to pay the fee", why, (5, 0))
    asked = f"Internal review asked for on {c.review_requested_on}."
    add("review-due", c.review_due, "Internal review due", asked, (3, 0))
    if c.review_due_max != c.review_due:
        why = asked + " The s.45 Code allows 40 working days at most."
        add("review-max", c.review_due_max, "Internal review limit (40 working days)", why, (0,))
    why = "Last day to ask for an internal review (40 working days after the response)."
    ask_by = c.review_request_deadline
    add("review-request-deadline", ask_by, "Last day to ask for a review", why, (7, 0))
    if c.regime is Regime.FOISA:
        what = "Last day to appeal to the Scottish Information Commissioner"
        why = "Six months after the internal review response, or after it was due (FOISA s.47(4))."
    else:
        what = "Last day to complain to the ICO"
        why = "Six weeks after the final response (ICO complaint pages)."
    add("ico-window", c.ico_window_closes, what, why, (7, 0))
    return items


def items_for_request(snapshot: RequestSnapshot, *, url: str | None = None) -> list[CalendarItem]:
    """A request snapshot's deadlines as calendar items (see items_for_clocks)."""
    s = snapshot
    return items_for_clocks(
        s.reference,
        s.body_name,
        s.clocks,
        title=s.title,
        url=url,
        resolution=s.resolution,
        ico_complaint_on=s.ico_complaint_on,
    )


def items_for_user_reminders(
    reminders: Iterable[UserReminderSnapshot], *, alarm_days_before: tuple[int, ...] = (0,)
) -> list[CalendarItem]:
    """Volunteers' own reminders as calendar items, one event per reminder id."""
    return [
        CalendarItem(
            uid_key=f"{u.reference}:user:{u.id}",
            day=u.on,
            summary=f"{u.reference}: {u.note}",
            description=f"{u.reference}: {u.note}" + (f"\nAt {u.at}" if u.at else ""),
            alarm_days_before=alarm_days_before,
            alarm_at=u.at,
        )
        for u in reminders
    ]
