"""After the regulator: the appeal against a decision notice, and its deadline (pure).

FOIA and EIR: an appeal to the First-tier Tribunal (General Regulatory Chamber) against the
Information Commissioner's decision notice (FOIA s.57; EIR reg. 18), within 28 days of the
date the notice was sent (Tribunal Procedure (First-tier Tribunal) (General Regulatory
Chamber) Rules 2009, r.22(1)(b)); a time ending on a day that is not a working day ends on
the next working day (r.12(2)). FOISA: an appeal on a point of law to the Court of Session
against the Scottish Information Commissioner's decision (FOISA s.56), within 42 days of the
date the notice was given (s.56(a)). Calendar days in both; no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

# A decision the requester may want to appeal: the complaint was not upheld, or only in part.
APPEALABLE = ("not-upheld", "partly-upheld")


@dataclass(frozen=True)
class Appeal:
    """Where an appeal against a decision notice goes, and by when."""

    forum: str
    days: int
    deadline: date
    law: str
    template: str


def appeal_after_decision(regime: str, notice_on: date, calendar: object | None = None) -> Appeal:
    """The appeal open after a decision notice of `notice_on` under `regime`.

    `calendar` (a foi.law.calendars.WorkingCalendar) moves a FOIA/EIR deadline that falls on
    a weekend or bank holiday to the next working day (r.12(2)); FOISA's 42 days stand.
    """
    if regime == "foisa":
        return Appeal(
            forum="the Court of Session (on a point of law)",
            days=42,
            deadline=notice_on + timedelta(days=42),
            law="FOISA s.56",
            template="court-of-session-appeal",
        )
    deadline = notice_on + timedelta(days=28)
    is_working = getattr(calendar, "is_working_day", None)
    if is_working is not None:
        while not is_working(deadline):
            deadline += timedelta(days=1)
    return Appeal(
        forum="the First-tier Tribunal (General Regulatory Chamber)",
        days=28,
        deadline=deadline,
        law="FOIA s.57; GRC Rules 2009 r.22(1)(b)" if regime != "eir" else "EIR reg. 18; FOIA s.57",
        template="tribunal-appeal",
    )
