"""The one place foi reads the clock: today's date and the current UTC time.

Only the edges call it (the command line and the reminder daemon); everything below them is
handed `today` and `now`. `FOI_TODAY=YYYY-MM-DD` makes foi act as if it were that day, for
tests and demos.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from foi.errors import UsageError

FIRST_DAY = date(1990, 1, 1)  # the holiday data and working-day calendars cover 1990-2099
LAST_DAY = date(2099, 12, 31)


def parse_date(text: str, what: str = "date") -> date:
    """A YYYY-MM-DD date, or a UsageError naming the bad value."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"{what} {text!r} is not a date: use YYYY-MM-DD, e.g. 2026-03-02"
        ) from None
    if not FIRST_DAY <= value <= LAST_DAY:
        raise UsageError(
            f"{what} {value} is outside the years foi's calendars cover "
            f"({FIRST_DAY.year}-{LAST_DAY.year})"
        )
    return value


def today() -> date:
    """Today's date, or FOI_TODAY when set (tests, demos)."""
    forced = os.environ.get("FOI_TODAY")
    if forced:
        return parse_date(forced, "FOI_TODAY")
    return date.today()


def now() -> datetime:
    """The current time in UTC (on FOI_TODAY's date when that is set, for reproducible logs)."""
    current = datetime.now(UTC)
    forced = os.environ.get("FOI_TODAY")
    if forced:
        d = parse_date(forced, "FOI_TODAY")
        current = current.replace(year=d.year, month=d.month, day=d.day)
    return current
