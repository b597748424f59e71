"""A campaign's findings read as rows and streamed, body by body: what `foi report` exports.

The same rows and figures as ``results`` (one row per body written to, per-request facts for
``stats``), read with Core queries that fetch only the columns findings use (never a letter's
text nor a reply) and stream them: requests, their events, answers and exemptions each come
in one query ordered by body, then request, and are walked together, so only one body's
requests are held at a time. Memory stays flat in the campaign's size; no ORM class is
loaded or configured. Each request's clock dates (receipt, due, responded, withdrawn) are read
as its row stores them (foi.casework.clock_dates): no request's events are replayed here.

Subject access requests are never part of findings: left out here, at the source, by every
query. Takes a session and `today`; never commits.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, Text, cast, or_, select, type_coerce

from foi.casework.clock_dates import CLOCK_DATES, clocks_of, standing
from foi.evidence.embargo import held_clause
from foi.evidence.redact import Redactor, build_redactor
from foi.evidence.stats import RequestFacts
from foi.law.deadlines import Clocks, Regime, WorkingCalendar, calendar_for
from foi.law.holidays import HolidaySet
from foi.store import tables
from foi.store.engine import flush

if TYPE_CHECKING:
    from foi.store.engine import Db

_R, _B, _E = tables.requests.c, tables.bodies.c, tables.events.c
_A, _X, _EV = tables.answers.c, tables.exemptions.c, tables.evidence.c

# Rows fetched per round trip; PostgreSQL reads through a server-side cursor.
_BATCH = 1000


@dataclass(slots=True)
class EventRow:
    """What findings read of one event."""

    id: int
    kind: str
    on: date
    outcome: str | None
    promised_on: date | None
    data: dict[str, Any] | None
    inbox_id: int | None = None  # the message it recorded (what the site calls a reply)


@dataclass(slots=True)
class EvidenceRow:
    """What findings read of one piece of SIM evidence (``directory.shapes.sim_status``)."""

    id: int
    status: str
    on: date | None
    source: str
    local_name: str | None
    recorded_at: datetime


@dataclass(slots=True)
class AnswerRow:
    """One answer to one question."""

    question: int
    status: str | None
    text: str | None


@dataclass(slots=True)
class BodyRow:
    """The body a group of requests went to, with its evidence (oldest first)."""

    id: int
    name: str
    kind: str
    ods_code: str | None
    police_id: str | None
    evidence: list[EvidenceRow] = field(default_factory=list)


@dataclass(slots=True)
class RequestFindings:
    """One sent, non-SAR request: its columns, events, answers and facts."""

    id: int
    reference: str
    status: str
    resolution: str | None
    sent_on: date | None
    wdtk_url: str | None
    template: str | None
    events: list[EventRow]
    answers: list[AnswerRow]
    facts: RequestFacts
    due: date | None
    responded_on: date | None
    regime: str = ""
    received: date | None = None
    cited: list[tuple[str, int | None]] = field(default_factory=list)  # (section, question)


@dataclass(slots=True)
class RequestInputs:
    """One request's rows as read (plain database rows, not yet parsed), before its clocks
    and facts are worked out: what a caller's `reuse` fingerprints."""

    row: Any  # the request's columns (and its body's)
    events: list[Any]  # (request id, id, kind, on, outcome, promised_on, data, inbox_id)
    answers: list[Any]  # (request id, question, status, text)
    cited: list[Any]  # (request id, section, question)


@dataclass(slots=True)
class BodyFindings:
    """A body and the campaign's requests to it, oldest first."""

    body: BodyRow
    requests: list[RequestFindings]
    reused: bool = False  # the caller's `reuse` kept what it had: `requests` is empty


def campaign_id(session: Db, name: str) -> int:
    """The campaign's id; an unknown name fails naming the campaigns there are."""
    return int(campaign_row(session, name, tables.campaigns.c.id).id)


def campaign_row(session: Db, name: str, *columns: Any) -> Any:
    """The campaign's row (these columns, else every one: id, name, description, title,
    summary, questions...); an unknown name fails naming the campaigns there are."""
    from foi.casework.listing import unknown_campaign

    c = tables.campaigns.c
    found = session.execute(select(*(columns or (tables.campaigns,))).where(c.name == name)).first()
    if found is None:
        names = list(session.execute(select(c.name)).scalars())
        raise unknown_campaign(name, names)
    return found


def privacy_redactor(
    session: Db,
    *,
    names: Sequence[str | None] = (),
    emails: Sequence[str | None] = (),
    addresses: Sequence[str | None] = (),
) -> Redactor:
    """A redactor for every requester and volunteer in the database, plus those given."""
    rq, vo = tables.requesters.c, tables.volunteers.c
    people = session.execute(select(rq.name, rq.email, rq.address).order_by(rq.id)).all()
    volunteers = session.execute(select(vo.name, vo.email).order_by(vo.id)).all()
    return build_redactor(
        names=[*names, *(p.name for p in people), *(v.name for v in volunteers)],
        emails=[*emails, *(p.email for p in people), *(v.email for v in volunteers)],
        addresses=[*addresses, *(p.address for p in people)],
    )


def body_findings(
    session: Db,
    campaign: int,
    *,
    today: date,
    holidays: HolidaySet,
    kind: str | None = None,
    answers: bool = True,
    events: bool = True,
    reuse: Callable[[BodyRow, list[RequestInputs]], bool] | None = None,
) -> Iterator[BodyFindings]:
    """Each body the campaign wrote to (in id order) with its sent, non-SAR, unheld requests.

    `events` False reads only the events the facts and `results_row` use (`FACT_EVENTS`,
    and those whose data names a local name), which is all `foi report` needs; each
    request's `events` then holds just those.

    `reuse`, given a body and its requests' rows as read, may say the caller already has
    what they make (nothing changed since): that body's findings are then not computed
    (no clocks) and it comes with no requests, marked `reused`."""
    flush(session)  # Core queries do not autoflush; a no-op unless the caller changed rows
    joined, where = scope(campaign, today, kind)
    order = (_R.body_id, _R.sent_on, _R.id)

    def stream(stmt: Any) -> Iterator[Any]:
        return stream_rows(session, stmt)

    requests = stream(
        select(
            _R.id, _R.reference, _R.body_id, _R.regime, _R.status, _R.resolution, _raw(_R.sent_on).label("sent_on"),
            _R.wdtk_url, _R.template, _B.name, _B.kind, _B.ods_code, _B.police_id,
            *(_raw(_R[name]).label(name) for name in CLOCK_DATES),
        ).select_from(joined).where(*where).order_by(*order)
    )  # fmt: skip
    events = Children(
        stream(
            select(
                _E.request_id,
                _E.id,
                _E.kind,
                _raw(_E.on),
                _E.outcome,
                _raw(_E.promised_on),
                _raw(_E.data),
                _E.inbox_id,
            )
            .select_from(joined.join(tables.events, _E.request_id == _R.id))
            .where(*where, *([] if events else [_fact_events()]))
            .order_by(*order, _E.id)
        )
    )
    cited = Children(
        stream(
            select(_X.request_id, _X.section, _X.question)
            .select_from(joined.join(tables.exemptions, _X.request_id == _R.id))
            .where(*where)
            .order_by(*order, _X.id)
        )
    )
    said = Children(
        stream(
            select(_A.request_id, _A.question, _A.status, _A.text)
            .select_from(joined.join(tables.answers, _A.request_id == _R.id))
            .where(*where)
            .order_by(*order, _A.id)
        )
        if answers
        else iter(())
    )
    evidence = Children(
        stream(
            select(_EV.body_id, _EV.id, _EV.status, _EV.on, _EV.source, _EV.local_name,
                   _EV.recorded_at)
            .where(_EV.body_id.in_(select(_R.body_id).select_from(joined).where(*where)))
            .order_by(_EV.body_id, _EV.id)
        )
    )  # fmt: skip
    calendars: dict[str, WorkingCalendar] = {}
    for body_id, rows in groupby(requests, key=lambda r: r.body_id):
        group = list(rows)
        first = group[0]
        body = BodyRow(body_id, first.name, first.kind, first.ods_code, first.police_id)
        body.evidence = [EvidenceRow(*e[1:]) for e in evidence.take(body_id)]
        inputs = [
            RequestInputs(r, events.take(r.id), said.take(r.id), cited.take(r.id)) for r in group
        ]
        if reuse is not None and reuse(body, inputs):
            yield BodyFindings(body, [], reused=True)  # its rows never parsed
            continue
        found = []
        for one in inputs:
            cal = calendars.get(one.row.regime)
            if cal is None:
                cal = calendars[one.row.regime] = calendar_for(Regime(one.row.regime), holidays)
            # An event's dates and data come as the driver gives them (`_raw`).
            evs = [
                EventRow(e[1], e[2], _day(e[3]), e[4], _day(e[5]), _data(e[6]), e[7])  # type: ignore[arg-type]
                for e in one.events
            ]
            cited_here = [(x.section, x.question) for x in one.cited]
            made = _findings(
                one.row,
                evs,
                [AnswerRow(*a[1:]) for a in one.answers],
                tuple(sorted({section for section, _ in cited_here})),
                body.name,
                today,
                cal,
            )
            made.cited = cited_here
            found.append(made)
        yield BodyFindings(body, found)


def scope(campaign: int, today: date, kind: str | None = None) -> tuple[Any, list[Any]]:
    """The requests findings read: (requests joined to bodies, the conditions)."""
    where = [
        _R.campaign_id == campaign,
        _R.regime != Regime.SAR.value,  # never published, never counted
        _R.sent_on.is_not(None),
        ~held_clause(today),  # held back from publication: in no export (foi.evidence.embargo)
    ]
    if kind:
        where.append(_B.kind == kind)
    return tables.requests.join(tables.bodies, _R.body_id == _B.id), where


# The kinds of event a request's facts are made from (`_findings`).
FACT_EVENTS = (
    "internal-review-requested", "internal-review-response", "ico-complaint", "ico-decision",
)  # fmt: skip


def _fact_events() -> Any:
    # The events facts and results rows read: their kinds, or data naming a local name (as
    # text: PostgreSQL's json keeps the text it was given).
    return or_(_E.kind.in_(FACT_EVENTS), cast(_E.data, Text).like('%"local_name"%'))


def stream_rows(session: Db, stmt: Any) -> Iterator[Any]:
    """A query's rows, fetched in batches (PostgreSQL: through a server-side cursor)."""
    result = session.execute(stmt, execution_options={"stream_results": True, "yield_per": _BATCH})
    for part in result.partitions():
        yield from part


def _raw(column: Any) -> Any:
    # The column as the driver gives it, without SQLAlchemy's per-value processing (on
    # SQLite a date is text, parsed by `_day` in C; JSON is parsed only when findings need it).
    return type_coerce(column, String)


raw = _raw  # for the site's rows (foi.evidence.site_rows)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


# The keys of an event's data that findings read; data without any of them is not parsed
# (the clocks come from the request's stored clock dates, so not "received_on").
_DATA_KEYS = ('"retracts"', '"local_name"')


def _data(value: Any) -> dict[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value
    if not any(key in value for key in _DATA_KEYS):
        return None
    found: dict[str, Any] = json.loads(value)
    return found


class Children:
    """Rows keyed by their first column, read in the parent's order: `take` one parent's."""

    def __init__(self, rows: Iterator[Any]) -> None:
        self._rows = rows
        self._next: Any = next(rows, None)

    def take(self, key: int) -> list[Any]:
        out = []
        while self._next is not None and self._next[0] == key:
            out.append(self._next)
            self._next = next(self._rows, None)
        return out


def active_event_rows(events: Sequence[EventRow]) -> list[EventRow]:
    """The events that count, as foi.casework.requests.active_events."""
    return standing(events)


def request_clocks(regime: str, events: Sequence[EventRow], holidays: HolidaySet) -> Clocks:
    """Every clock of a request, from its event rows (in id order) with their whole data.

    Findings read the stored clock dates instead (foi.casework.clock_dates);
    tests/evidence/test_findings_core.py holds them equal to this."""
    return clocks_of(regime, events, holidays)


def _findings(
    r: Any,
    events: list[EventRow],
    answers: list[AnswerRow],
    exemptions: tuple[str, ...],
    body_name: str,
    today: date,
    cal: WorkingCalendar,
) -> RequestFindings:
    # The request's clock dates as refresh stored them (foi.casework.clock_dates).
    received, due = _day(r.received_on), _day(r.response_due_on)
    responded = _day(r.responded_on)
    working_days = late_by = None
    in_time: bool | None = None
    if received is not None and responded is not None:
        # Counted as the deadline is: day 0 is the date of receipt (FOIA s.10(1)).
        working_days = cal.working_days_between(received, responded)
    if due is not None:
        if responded is not None:
            in_time = responded <= due
            late_by = max(0, cal.working_days_between(due, responded))
        elif r.withdrawn_on is None and today > due:
            in_time = False
            late_by = cal.working_days_between(due, today)
    review_requested = ico_complaint = False
    review_outcome = ico_outcome = None  # the latest's
    for e in events:
        kind = e.kind
        if kind == "internal-review-requested":
            review_requested = True
        elif kind == "internal-review-response":
            review_outcome = e.outcome
        elif kind == "ico-complaint":
            ico_complaint = True
        elif kind == "ico-decision":
            ico_outcome = e.outcome
    facts = RequestFacts(
        reference=r.reference,
        body=body_name,
        status=r.status,
        resolution=r.resolution,
        responded=responded is not None,
        working_days=working_days,
        in_time=in_time,
        late_by=late_by,
        exemptions=exemptions,
        review_requested=review_requested,
        review_outcome=review_outcome,
        ico_complaint=ico_complaint,
        ico_outcome=ico_outcome,
    )
    return RequestFindings(
        r.id, r.reference, r.status, r.resolution, _day(r.sent_on), r.wdtk_url, r.template,
        events, answers, facts, due, responded, r.regime, received,
    )  # fmt: skip


def latest_answers(req: RequestFindings) -> dict[int, AnswerRow]:
    """The newest answer to each question of a request, by question number."""
    found: dict[int, AnswerRow] = {}
    for a in req.answers:
        found[a.question] = a
    return dict(sorted(found.items()))


def results_row(group: BodyFindings) -> tuple[dict[str, Any], str | None]:
    """A body's results row (``results.RESULT_COLUMNS`` plus answers) and the template of its
    latest request (whose questions the answers are to)."""
    body, reqs = group.body, group.requests
    latest = max(reqs, key=lambda v: (v.sent_on or date.min, v.id))
    newest = max(body.evidence, key=lambda e: (e.on or date.min, e.recorded_at, e.id), default=None)
    local_names = sorted(
        {e.local_name for e in body.evidence if e.local_name}
        | {
            str((ev.data or {}).get("local_name"))
            for v in reqs
            for ev in v.events
            if (ev.data or {}).get("local_name")
        }
    )
    answered = latest_answers(latest)
    row = {
        "body": body.name,
        "kind": body.kind,
        "ods_code": body.ods_code,
        "police_id": body.police_id,
        "sim_status": newest.status if newest else None,
        "sim_evidence_source": newest.source if newest else None,
        "sim_evidence_on": newest.on if newest else None,
        "local_names": local_names,
        "requests": len(reqs),
        "latest_reference": latest.reference,
        "latest_status": latest.status,
        "outcome": latest.resolution,
        "sent_on": latest.sent_on,
        "due_on": latest.due,
        "responded_on": latest.responded_on,
        "working_days": latest.facts.working_days,
        "late_by": latest.facts.late_by,
        "answered_in_time": latest.facts.in_time,
        "exemptions": sorted({s for v in reqs for s in v.facts.exemptions}),
        "answers": {
            str(q): a.status or ("answered" if a.text else None) for q, a in answered.items()
        },
        "answer_texts": {str(q): a.text for q, a in answered.items()},
        "references": [v.reference for v in reqs],
        "evidence_sources": sorted({e.source for e in body.evidence}),
        "wdtk_urls": [v.wdtk_url for v in reqs if v.wdtk_url],
    }
    return row, latest.template


@dataclass
class Findings:
    """A campaign's results rows (sorted by body name), templates and per-request facts."""

    rows: list[dict[str, Any]]
    templates: list[str | None]  # of each row's latest request, in the same order
    facts: list[RequestFacts]


def gather(
    groups: Iterable[BodyFindings],
    redact: Callable[[Any], Any],
    *,
    rows: bool = True,
) -> Findings:
    """Walk the stream once: each body's row (redacted) and every request's facts.

    Only one body's requests are held at a time; what is kept is a row per body and the
    small facts statistics are made of.
    """
    made: list[tuple[str, dict[str, Any], str | None]] = []
    facts: list[RequestFacts] = []
    for group in groups:
        facts.extend(v.facts for v in group.requests)
        if rows:
            row, template = results_row(group)
            made.append((group.body.name, redact(row), template))
    made.sort(key=lambda nrt: (nrt[0].casefold(), nrt[0]))  # by the name as stored
    return Findings([r for _, r, _ in made], [t for _, _, t in made], facts)
