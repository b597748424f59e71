"""Working-day calendars: which days count under each regime, and counting them fast.

A `WorkingCalendar` says whether a day is a working day under one regime (FOIA s.10(6), EIR
reg 2(1): not a weekend, Christmas Day, Good Friday or a bank holiday anywhere in the UK;
FOISA s.73: Scottish bank holidays only) and why a day is skipped, and adds or counts working
days without looping over days; `calendar_for` caches one per regime and holiday set. Calendar
months (a subject access request's month, UK GDPR Art. 12(3)) are added here too. Pure: the
holidays come in as a `HolidaySet`; dateutil is imported only when a month or Easter is needed.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Sequence
from datetime import date

from foi.law.holidays import REGION_NAMES, REGIONS, SCOTLAND, Holiday, HolidaySet
from foi.law.regimes import Regime

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

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
