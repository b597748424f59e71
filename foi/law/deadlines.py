"""The statutory clocks' public names in one place, for callers and older migrations.

The clock engine lives in modules with one job each: `regimes` (the regimes, their time
limits and the sections cited), `calendars` (working days and calendar months), `clock_events`
(what happened to a request, folded into runs of the clock), `clocks` (the deadlines those
imply), `reviews` (the internal review and regulator windows after a response) and
`explanation` (the count day by day, as text). This module only re-exports their public names,
so that ``from foi.law.deadlines import ...`` keeps working (migration 0006 imports it and must
not change); new code imports from the module that owns the rule.
"""

from __future__ import annotations

from foi.law.calendars import WorkingCalendar, add_months_rule, calendar_for
from foi.law.clock_events import ClockEvent
from foi.law.clocks import Clocks, compute_clocks, quick
from foi.law.explanation import ExplainLine, explain, format_explanation
from foi.law.regimes import (
    COMMISSIONER_MONTHS,
    EXTENDED_DAYS,
    FEE_LAPSE_MONTHS,
    ICO_WINDOW,
    RESPONSE_DAYS,
    REVIEW_DAYS,
    REVIEW_MAX_DAYS,
    REVIEW_REQUEST_DAYS,
    SAR_EXTENDED_MONTHS,
    SAR_MONTHS,
    Regime,
)

__all__ = [
    "COMMISSIONER_MONTHS",
    "EXTENDED_DAYS",
    "FEE_LAPSE_MONTHS",
    "ICO_WINDOW",
    "RESPONSE_DAYS",
    "REVIEW_DAYS",
    "REVIEW_MAX_DAYS",
    "REVIEW_REQUEST_DAYS",
    "SAR_EXTENDED_MONTHS",
    "SAR_MONTHS",
    "ClockEvent",
    "Clocks",
    "ExplainLine",
    "Regime",
    "WorkingCalendar",
    "add_months_rule",
    "calendar_for",
    "compute_clocks",
    "explain",
    "format_explanation",
    "quick",
]
