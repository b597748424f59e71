"""Which reminders are due, given snapshots of requests and a date.

Pure: no database, no printing, never the clock (callers pass ``today``). Delivery is made
idempotent by the caller: each reminder carries a ``period_key`` naming the clock period it
is about, and the database keeps at most one delivery per (request, kind, period_key).

Rules (every date comes from foi.law.clocks; working days are the request's own calendar):

- due-soon: ``due_soon_days`` working days before the effective due date; due-today: on it
  (the last working day on or before it, if a promised date falls on a non-working day);
  overdue: the first working day after it; very-overdue: the first working day after the
  40th working day (WhatDoTheyKnow's "long overdue"), or after the effective due date if the
  body promised a later date than that. Only while the request is awaiting a response (or a
  reply waits to be classified) and the clock has not stopped.
- clarification-unanswered: the first working day after the body asked for clarification,
  once per request for clarification (the clock is stopped until the requester replies).
- fee-lapsing: ``lapse_warning_days`` working days before the last day to pay a fees notice
  (FOIA s.9(2)), while it is unpaid; not after the notice has lapsed.
- review-due: on the internal review's due date; review-overdue: the first working day after
  it; review-very-overdue: the first working day after the 40-working-day maximum (s.45 Code),
  when that is later than the due date. Only while the review is unanswered.
- review-request-deadline: ``review_warning_days`` working days before the last day to ask for
  an internal review, while none has been asked for and the request was not answered in full.
- ico-window-closing: ``ico_warning_days`` calendar days before the six weeks to complain to
  the ICO end (FOISA: the six months to appeal to the Scottish Information Commissioner),
  while no complaint has been made and the request was not answered in full.
- delivery-failed: on the day a bounce was recorded, while the request stays undelivered
  (no clock runs until it is resent to a corrected address).
- user: on its own date.

Missed days: a reminder is produced on every day from its ``fires_on`` while its clock still
applies, so a day on which nothing ran is caught up on the next run (once: the period key
dedupes). Within one clock's ladder (due-soon, due-today, overdue, very-overdue; and review-due,
review-overdue, review-very-overdue) only the latest step that has been reached is produced: a
step superseded before it was delivered is dropped, so nobody is told "3 working days left"
about a request that is already overdue. Reminders about a window that has closed (fee
lapse, review request, ICO) stop after its last day. A chaser sent after a deadline passed
stops that deadline's overdue reminder (peers.md: "alerts that stop once a chaser is sent");
the next step of the ladder still comes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from foi.law.calendars import WorkingCalendar
from foi.law.clocks import Clocks
from foi.law.regimes import Regime

# Kinds, in the order a digest lists them within one urgency.
DUE_SOON = "due-soon"
DUE_TODAY = "due-today"
OVERDUE = "overdue"
VERY_OVERDUE = "very-overdue"
CLARIFICATION_UNANSWERED = "clarification-unanswered"
FEE_LAPSING = "fee-lapsing"
REVIEW_DUE = "review-due"
REVIEW_OVERDUE = "review-overdue"
REVIEW_VERY_OVERDUE = "review-very-overdue"
REVIEW_REQUEST_DEADLINE = "review-request-deadline"
ICO_WINDOW_CLOSING = "ico-window-closing"
USER = "user"
DELIVERY_FAILED = "delivery-failed"
APPEAL_WINDOW_CLOSING = "appeal-window-closing"  # after a decision notice (foi.law.appeals)
KINDS: tuple[str, ...] = (
    DELIVERY_FAILED,
    OVERDUE,
    VERY_OVERDUE,
    DUE_TODAY,
    DUE_SOON,
    CLARIFICATION_UNANSWERED,
    FEE_LAPSING,
    REVIEW_DUE,
    REVIEW_OVERDUE,
    REVIEW_VERY_OVERDUE,
    REVIEW_REQUEST_DEADLINE,
    ICO_WINDOW_CLOSING,
    APPEAL_WINDOW_CLOSING,
    USER,
)

# 0 = act now (a deadline has passed); 1 = today, or a right is about to be lost;
# 2 = coming up, or waiting on the requester; user reminders as 2.
URGENCY: dict[str, int] = {
    DELIVERY_FAILED: 0,
    OVERDUE: 0,
    VERY_OVERDUE: 0,
    REVIEW_OVERDUE: 0,
    REVIEW_VERY_OVERDUE: 0,
    DUE_TODAY: 1,
    REVIEW_DUE: 1,
    FEE_LAPSING: 1,
    REVIEW_REQUEST_DEADLINE: 1,
    ICO_WINDOW_CLOSING: 1,
    APPEAL_WINDOW_CLOSING: 1,
    DUE_SOON: 2,
    CLARIFICATION_UNANSWERED: 2,
    USER: 2,
}

# Digest headings, in order, and the kinds under each.
HEADINGS: tuple[tuple[str, frozenset[str]], ...] = (
    ("Overdue", frozenset({OVERDUE, VERY_OVERDUE})),
    ("Not delivered", frozenset({DELIVERY_FAILED})),
    ("Due today", frozenset({DUE_TODAY})),
    ("Due soon", frozenset({DUE_SOON, CLARIFICATION_UNANSWERED, FEE_LAPSING})),
    ("Reviews", frozenset({REVIEW_DUE, REVIEW_OVERDUE, REVIEW_VERY_OVERDUE})),
    (
        "Complaint windows",
        frozenset({REVIEW_REQUEST_DEADLINE, ICO_WINDOW_CLOSING, APPEAL_WINDOW_CLOSING}),
    ),
    ("Your reminders", frozenset({USER})),
)

# The ladders: a later step supersedes an earlier one that was not delivered in time.
_LADDERS: dict[str, tuple[str, ...]] = {
    "response": (DUE_SOON, DUE_TODAY, OVERDUE, VERY_OVERDUE),
    "review": (REVIEW_DUE, REVIEW_OVERDUE, REVIEW_VERY_OVERDUE),
}

# Statuses (foi.law.timeline.Status values) in which the response clock is being waited on.
_AWAITING = frozenset({"awaiting-response", "needs-classification"})
_REVIEWING = frozenset({"in-internal-review", "needs-classification"})
# Resolutions that leave nothing to review or complain about.
ANSWERED_IN_FULL = frozenset({"successful", "withdrawn"})
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class RequestSnapshot:
    """What the reminder rules need to know about one request."""

    reference: str
    title: str
    body_name: str
    regime: str
    status: str  # a foi.law.timeline.Status value
    clocks: Clocks
    calendar: WorkingCalendar
    assignee: str | None
    assignee_email: str | None
    last_chased_on: date | None = None
    resolution: str | None = None  # a foi.law.timeline Outcome value, or "withdrawn"
    ico_complaint_on: date | None = None  # the ICO (or SIC) complaint, if one was made
    delivery_failed_on: date | None = None  # the bounce that left it undelivered
    delivery_failure: str | None = None  # what the bounce said
    ico_decision_on: date | None = None  # the regulator's decision notice, if logged
    ico_decision_outcome: str | None = None  # upheld | partly-upheld | not-upheld


@dataclass(frozen=True)
class UserReminderSnapshot:
    """A reminder a volunteer set for a request ('foi remind add')."""

    id: int
    reference: str
    on: date
    at: str | None
    note: str
    assignee: str | None
    assignee_email: str | None


@dataclass(frozen=True)
class Reminder:
    """One reminder to deliver: at most once per (reference, kind, period_key)."""

    reference: str
    kind: str
    fires_on: date
    deadline: date | None
    period_key: str
    urgency: int
    message: str
    next_step: str | None
    assignee: str | None
    assignee_email: str | None


@dataclass(frozen=True)
class _Options:
    due_soon_days: int = 3
    lapse_warning_days: int = 5
    ico_warning_days: int = 7
    review_warning_days: int = 5


@dataclass(frozen=True)
class _Candidate:
    """A reminder the current clocks imply, before the date decides whether it is due."""

    kind: str
    fires_on: date
    deadline: date | None
    period_key: str
    until: date | None = None  # last day it still applies; None: while the clock lasts
    quiet: bool = False  # a chaser already answered it: never delivered, still supersedes


# --- Working-day helpers --------------------------------------------------------------------


def _before(cal: WorkingCalendar, d: date, n: int) -> date:
    """The latest working day with at least `n` working days in (it, d]."""
    w = d
    while not cal.is_working_day(w) or cal.working_days_between(w, d) < n:
        w -= timedelta(days=1)
    return w


def _after(cal: WorkingCalendar, d: date) -> date:
    """The first working day after `d`."""
    return cal.add_working_days(d, 1)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _left(cal: WorkingCalendar, as_of: date, d: date) -> str:
    """'due today', '3 working days left' or 'overdue by 2 working days', as of `as_of`."""
    if as_of == d:
        return "today"
    if as_of < d:
        n = cal.working_days_between(as_of, d)
        return f"{_plural(n, 'working day')} left" if n else "no working days left"
    n = max(1, cal.working_days_between(d, as_of))
    return f"overdue by {_plural(n, 'working day')}"


def _day(d: date) -> str:
    return f"{_WEEKDAYS[d.weekday()]} {d.isoformat()}"


# --- The rules ------------------------------------------------------------------------------


def _chased_after(s: RequestSnapshot, d: date) -> bool:
    """A chaser went out after `d` passed: the volunteer has already acted on it."""
    return s.last_chased_on is not None and s.last_chased_on > d


def _response_candidates(s: RequestSnapshot, o: _Options) -> list[_Candidate]:
    c, cal = s.clocks, s.calendar
    if s.status not in _AWAITING or c.stopped or c.received is None or c.effective_due is None:
        return []
    due, start = c.effective_due, c.received
    key = f"{start}:{due}"
    first = _after(cal, start)
    out = [
        _Candidate(DUE_SOON, max(first, _before(cal, due, o.due_soon_days)), due, key),
        _Candidate(DUE_TODAY, max(first, _before(cal, due, 0)), due, key),
        _Candidate(OVERDUE, _after(cal, due), due, key, quiet=_chased_after(s, due)),
    ]
    very = c.very_overdue
    if very is not None:
        # A promise beyond the 40th working day: very overdue only once the promise is broken.
        late = max(very, due)
        quiet = _chased_after(s, late)
        out.append(
            _Candidate(VERY_OVERDUE, _after(cal, late), very, f"{start}:{very}", quiet=quiet)
        )
    return out


def _clarification_candidates(s: RequestSnapshot, o: _Options) -> list[_Candidate]:
    c = s.clocks
    asked = c.clarification_requested_on
    if s.status != "awaiting-clarification" or not c.clarification_pending or asked is None:
        return []
    key = f"{c.received}:{asked}"
    return [_Candidate(CLARIFICATION_UNANSWERED, _after(s.calendar, asked), asked, key)]


def _fee_candidates(s: RequestSnapshot, o: _Options) -> list[_Candidate]:
    c = s.clocks
    if not c.fee_pending or c.fee_lapses_on is None or s.status != "awaiting-fee":
        return []
    last_day = c.fee_lapses_on - timedelta(days=1)  # fee_lapses_on is the first day lapsed
    fires = _before(s.calendar, last_day, o.lapse_warning_days)
    key = f"{c.fee_notice_on}:{c.fee_lapses_on}"
    return [_Candidate(FEE_LAPSING, fires, last_day, key, until=last_day)]


def _review_candidates(s: RequestSnapshot, o: _Options) -> list[_Candidate]:
    c, cal = s.clocks, s.calendar
    asked, due, most = c.review_requested_on, c.review_due, c.review_due_max
    if s.status not in _REVIEWING or asked is None or due is None:
        return []
    if c.review_responded_on is not None:
        return []
    key = f"{asked}:{due}"
    out = [_Candidate(REVIEW_DUE, _before(cal, due, 0), due, key)]
    quiet = _chased_after(s, due)
    out.append(_Candidate(REVIEW_OVERDUE, _after(cal, due), due, key, quiet=quiet))
    if most is not None and most > due:
        quiet = _chased_after(s, most)
        out.append(
            _Candidate(REVIEW_VERY_OVERDUE, _after(cal, most), most, f"{asked}:{most}", quiet=quiet)
        )
    return out


def _answered_in_full(s: RequestSnapshot) -> bool:
    return s.resolution in ANSWERED_IN_FULL or s.clocks.withdrawn_on is not None


def _window_candidates(s: RequestSnapshot, o: _Options) -> list[_Candidate]:
    c, cal = s.clocks, s.calendar
    if s.status in ("draft", "with-ico") or s.ico_complaint_on is not None:
        return []
    if _answered_in_full(s):
        return []
    out = []
    ask_by = c.review_request_deadline
    if ask_by is not None and c.review_requested_on is None and s.status != "in-internal-review":
        fires = _before(cal, ask_by, o.review_warning_days)
        key = f"{c.responded_on or c.received}:{ask_by}"
        out.append(_Candidate(REVIEW_REQUEST_DEADLINE, fires, ask_by, key, until=ask_by))
    closes = c.ico_window_closes
    if closes is not None:
        fires = _before(cal, closes - timedelta(days=o.ico_warning_days), 0)
        basis = c.review_responded_on or c.responded_on or c.review_requested_on or c.received
        out.append(_Candidate(ICO_WINDOW_CLOSING, fires, closes, f"{basis}:{closes}", until=closes))
    return out


def _delivery_candidates(s: RequestSnapshot, o: _Options) -> list[_Candidate]:
    failed = s.delivery_failed_on
    if s.status != "delivery-failed" or failed is None:
        return []
    return [_Candidate(DELIVERY_FAILED, failed, failed, f"{s.clocks.received}:{failed}")]


def _appeal_candidates(s: RequestSnapshot, o: _Options) -> list[_Candidate]:
    """A week before the window to appeal a decision notice closes (FOIA s.57, FOISA s.56)."""
    from foi.law.appeals import APPEALABLE, appeal_after_decision

    on = s.ico_decision_on
    if on is None or s.ico_decision_outcome not in APPEALABLE:
        return []
    closes = appeal_after_decision(s.regime, on, s.calendar).deadline
    fires = max(on, closes - timedelta(days=o.ico_warning_days))
    return [_Candidate(APPEAL_WINDOW_CLOSING, fires, closes, f"{on}:{closes}", until=closes)]


_RULES = (
    _delivery_candidates,
    _response_candidates,
    _clarification_candidates,
    _fee_candidates,
    _review_candidates,
    _window_candidates,
    _appeal_candidates,
)


def _candidates(s: RequestSnapshot, o: _Options) -> list[_Candidate]:
    """Every reminder the request's current clocks imply, whatever the date."""
    return [cand for rule in _RULES for cand in rule(s, o)]


def next_fires_on(
    s: RequestSnapshot, after: date | None = None, *, due_soon_days: int | None = None
) -> date | None:
    """The first day after `after` (any day if None) on which a reminder can fire; None: never.

    A reminder first produced on a day D has its ``fires_on`` on D or before, and is produced
    again every later day only under the same (kind, period_key); so once everything due on
    `after` has been delivered, nothing new can fire before the day this returns. With
    ``due_soon_days`` None the due-soon step is taken at its earliest possible day, whatever
    the setting, so the answer is a lower bound for every setting.
    """
    opts = _Options(due_soon_days if due_soon_days is not None else 0)
    found: date | None = None
    for cand in _candidates(s, opts):
        fires = cand.fires_on
        if cand.kind == DUE_SOON and due_soon_days is None:
            assert s.clocks.received is not None  # a response candidate has a receipt
            fires = _after(s.calendar, s.clocks.received)
        if cand.quiet or (after is not None and fires <= after):
            continue
        if cand.until is not None and cand.until < fires:
            continue  # a window that closes before its warning fires never fires
        if found is None or fires < found:
            found = fires
    return found


# --- Messages -------------------------------------------------------------------------------


def _regulator(s: RequestSnapshot) -> str:
    if s.clocks.regime is Regime.FOISA:
        return "the Scottish Information Commissioner"
    return "the ICO"


def _describe(s: RequestSnapshot, cand: _Candidate, as_of: date) -> tuple[str, str | None]:
    """The one-line message and the next step, as they read on `as_of`."""
    c, cal, ref, kind = s.clocks, s.calendar, s.reference, cand.kind
    head = f"{ref} to {s.body_name}"
    d = cand.deadline
    assert d is not None
    waiting = s.status == "needs-classification"
    log_reply = f"log the reply: foi request log {ref} response --on DATE --outcome OUTCOME"
    if kind == DELIVERY_FAILED:
        why = f" ({s.delivery_failure})" if s.delivery_failure else ""
        return (
            f"{head}: delivery failed on {_day(d)}{why}; the body has not received it and no"
            " clock runs",
            f"correct the address (foi body edit), then resend: foi send {ref} --yes",
        )
    if kind in (DUE_SOON, DUE_TODAY, OVERDUE):
        msg = f"{head}: response due {_day(d)} ({_left(cal, as_of, d)})"
        if c.extension_on is not None and c.effective_due != c.due:
            msg += f", extended from {c.due}"
        if waiting:
            return msg + "; a reply is waiting to be classified", log_reply
        return msg, ("send a chaser: foi chase" if kind == OVERDUE else None)
    if kind == VERY_OVERDUE:
        due = c.effective_due or d
        if c.regime is Regime.SAR:
            why = "beyond even the extended three months"
        else:
            why = f"more than 40 working days since receipt on {c.received}"
        msg = (
            f"{head}: response due {_day(due)}, now very overdue ({why}; {_left(cal, as_of, due)})"
        )
        if waiting:
            return msg + "; a reply is waiting to be classified", log_reply
        if c.regime is Regime.FOIA:
            step = f"complain to the ICO (no internal review is needed): foi escalate {ref}"
        elif c.regime in (Regime.EIR, Regime.FOISA):
            step = f"ask for an internal review: foi escalate {ref}"
        else:
            step = "send a chaser: foi chase"
        return msg, step
    if kind == CLARIFICATION_UNANSWERED:
        msg = (
            f"{head}: the body asked for clarification on {_day(d)}; the clock is stopped"
            " until you reply"
        )
        return msg, (
            f"send the clarification, then: foi request log {ref} clarification-sent --on DATE"
        )
    if kind == FEE_LAPSING:
        msg = (
            f"{head}: the fees notice of {c.fee_notice_on} is unpaid; pay by {_day(d)}"
            f" ({_left(cal, as_of, d)}) or it lapses"
        )
        return msg, f"pay it and log: foi request log {ref} fee-paid --on DATE; or let it lapse"
    if kind in (REVIEW_DUE, REVIEW_OVERDUE):
        msg = (
            f"{head}: internal review due {_day(d)} ({_left(cal, as_of, d)}), asked for on"
            f" {c.review_requested_on}"
        )
        if kind == REVIEW_DUE:
            return msg, None
        most = c.review_due_max
        if most is not None and most > d:
            return (
                msg + f"; the s.45 Code allows at most until {most}",
                f"remind the body of the review; foi escalate {ref} says when to complain",
            )
        return msg, f"complain to {_regulator(s)}: foi escalate {ref}"
    if kind == REVIEW_VERY_OVERDUE:
        msg = (
            f"{head}: internal review asked for on {c.review_requested_on} is still unanswered"
            f" after 40 working days ({_day(d)}, {_left(cal, as_of, d)})"
        )
        return msg, f"complain to {_regulator(s)} without waiting: foi escalate {ref}"
    if kind == REVIEW_REQUEST_DEADLINE:
        msg = (
            f"{head}: last day to ask for an internal review is {_day(d)} ({_left(cal, as_of, d)})"
        )
        return msg, f"ask for an internal review: foi escalate {ref}"
    if kind == ICO_WINDOW_CLOSING:
        days = (d - as_of).days
        left = "today" if days == 0 else f"{_plural(days, 'day')} left"
        if c.regime is Regime.FOISA:
            what = "the six months to appeal to the Scottish Information Commissioner end"
        else:
            what = "the six weeks to complain to the ICO end"
        return (
            f"{head}: {what} on {_day(d)} ({left})",
            f"complain to {_regulator(s)}: foi escalate {ref}",
        )
    if kind == APPEAL_WINDOW_CLOSING:
        from foi.law.appeals import appeal_after_decision

        assert s.ico_decision_on is not None
        appeal = appeal_after_decision(s.regime, s.ico_decision_on, cal)
        days = (d - as_of).days
        left = "today" if days == 0 else f"{_plural(days, 'day')} left"
        return (
            f"{head}: the {appeal.days} days to appeal the decision notice of"
            f" {s.ico_decision_on} to {appeal.forum} end on {_day(d)} ({left}; {appeal.law})",
            f"draft the notice of appeal: foi escalate {ref} --yes",
        )
    raise ValueError(f"unknown reminder kind {kind!r}")  # pragma: no cover - closed set


def _reminder(s: RequestSnapshot, cand: _Candidate, as_of: date) -> Reminder:
    message, step = _describe(s, cand, as_of)
    return Reminder(
        reference=s.reference,
        kind=cand.kind,
        fires_on=cand.fires_on,
        deadline=cand.deadline,
        period_key=cand.period_key,
        urgency=URGENCY[cand.kind],
        message=message,
        next_step=step,
        assignee=s.assignee,
        assignee_email=s.assignee_email,
    )


def _user_reminder(
    u: UserReminderSnapshot, requests: dict[str, RequestSnapshot], as_of: date
) -> Reminder:
    s = requests.get(u.reference)
    head = f"{u.reference} to {s.body_name}" if s is not None else u.reference
    at = f" {u.at}" if u.at else ""
    when = f" ({u.on}{at})" if as_of != u.on else f" (at {u.at})" if u.at else ""
    return Reminder(
        reference=u.reference,
        kind=USER,
        fires_on=u.on,
        deadline=u.on,
        period_key=f"{u.id}:{u.on}",
        urgency=URGENCY[USER],
        message=f"{head}: {u.note}{when}",
        next_step=None,
        assignee=u.assignee,
        assignee_email=u.assignee_email,
    )


def _ladder_of(kind: str) -> str | None:
    for name, steps in _LADDERS.items():
        if kind in steps:
            return name
    return None


def _reached(cands: list[_Candidate], today: date) -> list[_Candidate]:
    """The candidates due by `today`, with superseded ladder steps dropped."""
    due = [
        cand
        for cand in cands
        if cand.fires_on <= today and (cand.until is None or today <= cand.until)
    ]
    latest: dict[str, _Candidate] = {}
    rest: list[_Candidate] = []
    for cand in due:
        ladder = _ladder_of(cand.kind)
        if ladder is None:
            rest.append(cand)
            continue
        steps = _LADDERS[ladder]
        held = latest.get(ladder)
        if held is None or (cand.fires_on, steps.index(cand.kind)) > (
            held.fires_on,
            steps.index(held.kind),
        ):
            latest[ladder] = cand
    return [cand for cand in (*latest.values(), *rest) if not cand.quiet]


def _sort_key(r: Reminder) -> tuple[int, date, str, int]:
    return (r.urgency, r.deadline or r.fires_on, r.reference, KINDS.index(r.kind))


def due_reminders(
    requests: Iterable[RequestSnapshot],
    user_reminders: Iterable[UserReminderSnapshot],
    today: date,
    *,
    due_soon_days: int = 3,
    lapse_warning_days: int = 5,
    ico_warning_days: int = 7,
    review_warning_days: int = 5,
) -> list[Reminder]:
    """Every reminder that has fired by `today` and still applies, most urgent first."""
    opts = _Options(due_soon_days, lapse_warning_days, ico_warning_days, review_warning_days)
    by_ref = {s.reference: s for s in requests}
    out = [
        _reminder(s, cand, today)
        for s in by_ref.values()
        for cand in _reached(_candidates(s, opts), today)
    ]
    out.extend(_user_reminder(u, by_ref, today) for u in user_reminders if u.on <= today)
    return sorted(out, key=_sort_key)


def due_user_reminders(
    user_reminders: Iterable[UserReminderSnapshot],
    requests: Iterable[RequestSnapshot],
    today: date,
) -> list[Reminder]:
    """The user reminders that have fired by `today`, as due_reminders words them."""
    by_ref = {s.reference: s for s in requests}
    return [_user_reminder(u, by_ref, today) for u in user_reminders if u.on <= today]


def most_urgent_first(reminders: Iterable[Reminder]) -> list[Reminder]:
    """Reminders in due_reminders' order: most urgent first, then by deadline and request."""
    return sorted(reminders, key=_sort_key)


def upcoming(
    requests: Iterable[RequestSnapshot],
    user_reminders: Iterable[UserReminderSnapshot],
    today: date,
    horizon_days: int = 20,
    *,
    due_soon_days: int = 3,
    lapse_warning_days: int = 5,
    ico_warning_days: int = 7,
    review_warning_days: int = 5,
    calendar: WorkingCalendar | None = None,
) -> list[Reminder]:
    """Reminders that will fire after `today`, within `horizon_days` working days, by date."""
    # Each request's horizon is counted on its own calendar; a user reminder's on its
    # request's calendar, else on `calendar`, else on the UK-wide FOIA calendar.
    opts = _Options(due_soon_days, lapse_warning_days, ico_warning_days, review_warning_days)
    by_ref = {s.reference: s for s in requests}
    out: list[Reminder] = []
    for s in by_ref.values():
        end = s.calendar.add_working_days(today, horizon_days)
        for cand in _candidates(s, opts):
            if today < cand.fires_on <= end and not cand.quiet:
                out.append(_reminder(s, cand, cand.fires_on))
    for u in user_reminders:
        s = by_ref.get(u.reference)
        cal = s.calendar if s is not None else calendar or _default_calendar()
        if today < u.on <= cal.add_working_days(today, horizon_days):
            out.append(_user_reminder(u, by_ref, u.on))
    return sorted(out, key=lambda r: (r.fires_on, *_sort_key(r)))


def _default_calendar() -> WorkingCalendar:
    from foi.law.calendars import calendar_for
    from foi.law.holidays import load_default

    return calendar_for(Regime.FOIA, load_default())


# --- Digests --------------------------------------------------------------------------------


def group_digest(reminders: Sequence[Reminder]) -> dict[str | None, list[Reminder]]:
    """Reminders per assignee email (None: nobody to email, so print), most urgent first."""
    groups: dict[str | None, list[Reminder]] = {}
    for r in reminders:
        groups.setdefault(r.assignee_email, []).append(r)
    ordered = sorted(groups, key=lambda k: (k is None, (k or "").lower(), k or ""))
    return {k: sorted(groups[k], key=_sort_key) for k in ordered}


def _heading(kind: str) -> str:
    for title, kinds in HEADINGS:
        if kind in kinds:
            return title
    raise ValueError(f"unknown reminder kind {kind!r}")  # pragma: no cover - closed set


def render_digest(
    recipient: str | None, reminders: Sequence[Reminder], today: date
) -> tuple[str, str]:
    """The digest's subject and plain-text body, under headings from Overdue to yours."""
    ordered = sorted(reminders, key=_sort_key)
    overdue = sum(1 for r in ordered if r.urgency == 0)
    count = _plural(len(ordered), "FOI reminder")
    subject = f"{count} for {today.isoformat()}"
    if overdue:
        subject += f" ({overdue} overdue)"
    lines = [f"FOI reminders for {today.strftime('%A')} {today.day} {today.strftime('%B %Y')}"]
    if recipient is not None:
        lines[0] += f", for {recipient}"
    if not ordered:
        lines += ["", "Nothing is due."]
    for title, _kinds in HEADINGS:
        section = [r for r in ordered if _heading(r.kind) == title]
        if not section:
            continue
        lines += ["", title]
        for r in section:
            who = f" [{r.assignee}]" if recipient is None and r.assignee else ""
            lines.append(f"- {r.message}{who}")
            if r.next_step:
                lines.append(f"  next: {r.next_step}")
    return subject, "\n".join(lines) + "\n"
