"""After a response: the internal review's deadlines and the window to go to the regulator.

The last day to ask for an internal review (s.45 Code; EIR reg 11(2); FOISA s.20(5)), the
review's own due dates (FOIA: 20 working days, 40 at most; EIR reg 11(4): 40; FOISA s.21(1):
20), and the last day to complain to the ICO (six weeks from the final response) or to appeal
to the Scottish Information Commissioner (six months, FOISA s.47(4)), with notes that say what
to do first. Pure. The appeal after the regulator's decision is in foi.law.appeals.
"""

from __future__ import annotations

from datetime import date

from foi.law.calendars import WorkingCalendar, _add_months
from foi.law.clock_events import _Run
from foi.law.regimes import (
    COMMISSIONER_MONTHS,
    ICO_WINDOW,
    REVIEW_DAYS,
    REVIEW_MAX_DAYS,
    REVIEW_REQUEST_DAYS,
    Regime,
)


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
