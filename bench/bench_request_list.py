"""Benchmark: every command row of issue 12's table, each as a ratio of two sides run alternately.

Run:  .venv/bin/python bench/bench_request_list.py [--workdir DIR] [--keep] [--seed S]
                                                  [--repeats 5] [--large 100000] [--large-repeats 3]
      FOI_BENCH_TREE=/path/to/other/checkout ... benchmarks another foi tree (e.g. the code
      before a change) with the same script.

Three databases (50, 1,000 and 100,000 requests) start from `foi init` (the bundled bodies),
then get requests spread over 2024-2026 with seeded, realistic timelines: drafts, sent and
awaiting, acknowledged, clarification restarts, fee notices (paid and unpaid), extensions,
responses of every outcome (some still to classify), internal reviews, ICO complaints and
decisions, withdrawals, chasers and notes; each request has its letter (sent by email when the
body has an address).

Rows (both sides as subprocesses, alternately, medians, ratio printed):
`foi --help` vs bench/floor_typer.py (a bare Typer app of 24 commands); `foi request list`,
`foi body list` and `foi status` on 50 requests vs bench/floor_orm.py (Typer + SQLAlchemy ORM
+ one query); `foi remind run` at 100,000 vs at 1,000 once nothing new is to be delivered;
`foi status` and `foi request list --overdue --json` at 100,000 vs at 1,000. Peak memory of
`foi remind run` at 100,000 comes from `/usr/bin/time -v`.

Going through create_request/log_event for 100,000 requests would take many minutes, so the
rows are bulk-inserted with SQLAlchemy Core and the cached columns (status, resolution,
sent_on, due_on, due_clock, very_overdue_on, and next_reminder_on where the schema has it) are
computed with the same pure functions that foi.casework.requests.refresh uses (and the clock
dates findings read, foi.casework.clock_dates, where the schema has them). Three checks say
the result is what the domain would store:

* a sample of requests is replayed through create_request, attach_letter, the sending steps
  and log_event into a scratch database, and the stored rows are compared value for value;
* on each generated database, foi.casework.requests.refresh is run on a sample and must change nothing;
* the first `foi request list` records the holiday set's fingerprint
  (foi.casework.user_holidays.sync): no cached column may change.

Each command is timed as a real subprocess (FOI_TODAY=2026-11-27), so start-up, the schema
check, the query, the per-row working-day count and the output are all counted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter as Tally
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from _common import (  # bench/ is on sys.path
    BENCH,
    TREE,
    Timing,
    bytecode_note,
    human_bytes,
    paired,
    peak_rss,
    progress,
    run_foi,
    run_python,
)

sys.path.insert(0, str(TREE))

from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, selectinload

from foi.casework.requests import (
    LogEntry,
    NewRequest,
    create_request,
    current_due,
    default_regime,
    log_event,
    refresh,
)
from foi.casework.user_holidays import FINGERPRINT_KEY
from foi.directory.bodies import contact_route
from foi.law.deadlines import ClockEvent, Regime, calendar_for, compute_clocks
from foi.law.holidays import HolidaySet, load_default
from foi.law.timeline import EventKind, IcoOutcome, Outcome, TimelineEvent, fold
from foi.letters.records import attach_letter
from foi.letters.sending import begin_attempt, finish_sent
from foi.letters.transport import make_message_id
from foi.store.engine import make_engine, resolve_url, session_scope
from foi.store.models import (
    Body,
    Campaign,
    Counter,
    Event,
    Letter,
    Request,
    Volunteer,
)

TODAY = date(2026, 11, 27)
FIRST = datetime(2024, 1, 1, 8, 0, tzinfo=UTC)
SPAN_SECONDS = int((datetime.combine(TODAY, clock_time(18), UTC) - FIRST).total_seconds())
FROM_ADDR = "campaign@foi-bench.example.org"
BATCH = 5000
REPLAY_SAMPLE = 200
REFRESH_SAMPLE = 200
CACHED: tuple[str, ...] = (
    "status",
    "resolution",
    "sent_on",
    "due_on",
    "due_clock",
    "very_overdue_on",
)

# The cached "next reminder on" column (from schema revision 0006 on).
HAS_NEXT_REMINDER = "next_reminder_on" in Request.__table__.c
if HAS_NEXT_REMINDER:
    CACHED = (*CACHED, "next_reminder_on")
# The clock dates findings read (from schema revision 0016 on: foi.casework.clock_dates).
CLOCK_DATES: tuple[str, ...] = tuple(
    c for c in ("received_on", "response_due_on", "responded_on", "withdrawn_on")
    if c in Request.__table__.c
)  # fmt: skip
CACHED = (*CACHED, *CLOCK_DATES)

OUTCOMES = [o.value for o in Outcome]
OUTCOME_WEIGHTS = [35, 25, 25, 15]  # successful, partially-successful, refused, not-held
REVIEW_WEIGHTS = [15, 20, 50, 15]
ICO_OUTCOMES = [o.value for o in IcoOutcome]
REVIEW_CHANCE = {
    "successful": 0.03,
    "partially-successful": 0.25,
    "refused": 0.35,
    "not-held": 0.2,
}
VOLUNTEERS = [
    "Sam Okafor",
    "Priya Shah",
    "Alex Morgan",
    "Jo Williams",
    "Chris Evans",
    "Ruth Adeyemi",
    "Tom Hughes",
    "Nadia Rahman",
    "Owen Price",
    "Kate Lewis",
    "Imran Ali",
    "Beth Turner",
]
TOPICS = [
    "SIM / High Intensity Use service: contracts and policies",
    "Serenity Integrated Mentoring: data sharing agreements",
    "Police involvement in mental health crisis care",
    "High intensity user programme: referrals and outcomes",
    "Section 136 detentions and place of safety",
    "Frequent attender policy and equality impact assessment",
    "Crisis line call handling and escalation to police",
    "Patient data shared with police forces",
    "Complaints about the high intensity user service",
    "Training materials used for the SIM model",
]
LETTER = (
    "Dear {body},\n\n"
    "Under the Freedom of Information Act 2000 I would like to request the following"
    " information about {topic_lower}:\n\n"
    "1. Any contract, memorandum of understanding or service level agreement in place since"
    " 1 January 2018.\n"
    "2. Policies, standard operating procedures and training materials.\n"
    "3. The number of patients referred each year since 2018, and how many were discharged.\n"
    "4. Any equality impact assessment or data protection impact assessment.\n\n"
    "If any part of this request is unclear, please contact me. If you think a fee applies,"
    " please tell me before going ahead. I would like the information by email.\n\n"
    "Yours faithfully,\n\nThe campaign\n"
)


# --- Utilities -------------------------------------------------------------------------------


def batched(
    rows: Sequence[dict[str, Any]], size: int = BATCH
) -> Iterator[Sequence[dict[str, Any]]]:
    """Consecutive slices of at most `size` rows."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


# --- Timelines -------------------------------------------------------------------------------


@dataclass
class PlannedEvent:
    """One event of a generated timeline, as the domain would have logged it."""

    kind: str
    on: date
    at: datetime  # recorded_at: when a volunteer (or foi) logged it
    outcome: str | None = None
    promised_on: date | None = None
    note: str | None = None
    data: dict[str, Any] | None = None
    by_letter: bool = False  # 'sent' recorded by foi when the request letter went by email


@dataclass
class PlannedRequest:
    """One generated request with everything needed to write its rows."""

    created: datetime
    body_id: int
    regime: str
    regime_override: str | None
    title: str
    campaign: str | None
    assignee: str | None
    events: list[PlannedEvent]
    message_hex: str
    shape: str
    reference: str = ""
    row: dict[str, Any] = field(default_factory=dict)


class Story:
    """Builds a timeline in date order; an event that would fall after TODAY ends the story."""

    def __init__(self, rng: random.Random, created: datetime) -> None:
        self.rng = rng
        self.day = created.date()
        self.at = created
        self.open = True
        self.events = [PlannedEvent("drafted", self.day, created)]

    def add(
        self,
        kind: str,
        lo: int,
        hi: int,
        *,
        outcome: str | None = None,
        promised: tuple[int, int] | None = None,
        note: str | None = None,
        data: dict[str, Any] | None = None,
        by_letter: bool = False,
    ) -> bool:
        """Add `kind` lo..hi days after the previous event; False if that is in the future."""
        if not self.open:
            return False
        on = self.day + timedelta(days=self.rng.randint(lo, hi))
        if on > TODAY:
            self.open = False  # it has not happened yet, and nothing after it has either
            return False
        at = datetime.combine(on, clock_time(8), UTC) + timedelta(
            minutes=self.rng.randrange(10 * 60)
        )
        at = max(at, self.at + timedelta(seconds=self.rng.randint(20, 900)))
        promised_on = on + timedelta(days=self.rng.randint(*promised)) if promised else None
        self.events.append(
            PlannedEvent(kind, on, at, outcome, promised_on, note, data, by_letter=by_letter)
        )
        self.day, self.at = on, at
        return True


def tell(rng: random.Random, created: datetime) -> tuple[str, list[PlannedEvent]]:
    """A realistic life for one request, as (shape, events); the shape is for the summary."""
    s = Story(rng, created)
    shape = _plot(rng, s)
    if s.open and rng.random() < 0.08:
        s.add("note", 0, 10, note="discussed at the campaign meeting")
    return shape, s.events


def _plot(rng: random.Random, s: Story) -> str:
    if rng.random() < 0.06:
        if rng.random() < 0.25:
            s.add("withdrawn", 1, 60, note="dropped before sending")
            return "withdrawn draft"
        return "draft"
    s.add("sent", 0, 7, by_letter=True)
    if rng.random() < 0.02:
        s.add("delivery-failed", 0, 2, note="mailbox full")
        s.add("resent", 1, 10, note="resent to the general enquiries address")
    if rng.random() < 0.55:
        ref = f"FOI/{s.day.year % 100:02d}/{rng.randrange(100000):05d}"
        s.add(
            "acknowledged",
            0,
            4,
            note="acknowledgement received",
            data={"authority_ref": ref} if rng.random() < 0.6 else None,
        )
    roll = rng.random()
    if roll < 0.04:
        s.add("withdrawn", 3, 40, note="answered elsewhere")
        return "withdrawn"
    if roll < 0.12:
        if s.add("clarification-requested", 2, 15, note="which years?") and rng.random() < 0.2:
            return "clarification pending"
        s.add("clarification-sent", 1, 25, note="2018 onwards")
    elif roll < 0.17:
        if s.add("fee-notice", 5, 15, note="fee of £45 for copying") and rng.random() < 0.25:
            return "fee unpaid"
        s.add("fee-paid", 2, 40)
    if rng.random() < 0.08:
        s.add("extension", 12, 22, promised=(10, 35), note="public interest test")
    if rng.random() < 0.13:  # the body never answers
        for _ in range(rng.randint(0, 2)):
            s.add("chased", 20, 45, note="chaser sent")
        roll = rng.random()
        if roll < 0.3:
            s.add("internal-review-requested", 10, 40, note="review of the failure to respond")
            if rng.random() < 0.3:
                s.add("ico-complaint", 20, 60)
        elif roll < 0.45:
            s.add("ico-complaint", 20, 60, note="no response at all")
        return "no response"
    late = rng.random() < 0.25
    lo, hi = (25, 90) if late else (5, 25)
    outcome = rng.choices(OUTCOMES, OUTCOME_WEIGHTS)[0]
    if rng.random() < 0.4:
        if not s.add("response-received", lo, hi, note="reply received"):
            return "awaiting"
        if rng.random() < 0.08:
            return "needs classification"
        s.add("response", 0, 5, outcome=outcome)
    else:
        s.add("response", lo, hi, outcome=outcome)
    if not s.open:
        return "awaiting"
    if rng.random() < REVIEW_CHANCE[outcome]:
        if not s.add("internal-review-requested", 3, 40, note="exemptions misapplied"):
            return f"responded {outcome}"
        if rng.random() < 0.75:
            review = rng.choices(OUTCOMES, REVIEW_WEIGHTS)[0]
            if s.add("internal-review-response", 10, 45, outcome=review) and rng.random() < 0.3:
                s.add("ico-complaint", 5, 40)
        elif rng.random() < 0.4:
            s.add("ico-complaint", 45, 80, note="review never answered")
        if s.events[-1].kind == "ico-complaint" and rng.random() < 0.4:
            s.add("ico-decision", 60, 240, outcome=rng.choice(ICO_OUTCOMES))
        return "internal review / ICO"
    return f"responded {outcome}"


# --- Generating the rows ------------------------------------------------------------------------


@dataclass
class BodyInfo:
    """What generation needs to know about a body (read once through the ORM)."""

    id: int
    name: str
    regime: str
    routes: dict[str, tuple[str, str | None, str | None]]  # by purpose: foi, sar


def load_bodies(engine: Engine) -> list[BodyInfo]:
    """Bodies from `foi init`, with the route a request letter to each would take."""
    with Session(engine) as s:
        bodies = s.scalars(select(Body).options(selectinload(Body.contacts)).order_by(Body.id))
        out = []
        for b in bodies:
            routes = {purpose: contact_route(b, purpose) for purpose in ("foi", "sar")}
            out.append(BodyInfo(b.id, b.name, default_regime(b), routes))
        return out


def plan_requests(n: int, seed: int, bodies: Sequence[BodyInfo]) -> list[PlannedRequest]:
    """n requests with timelines, sorted by creation time, references allocated per year."""
    rng = random.Random(seed)
    planned = []
    for _ in range(n):
        created = FIRST + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        body = rng.choice(bodies)
        override = None
        if body.regime == "foia":
            roll = rng.random()
            override = "eir" if roll < 0.08 else "sar" if roll < 0.11 else None
        topic = rng.choice(TOPICS)
        shape, events = tell(rng, created)
        campaign = f"sim-{created.year}" if rng.random() < 0.7 else None
        assignee = rng.choice(VOLUNTEERS) if rng.random() < 0.8 else None
        planned.append(
            PlannedRequest(
                created=created,
                body_id=body.id,
                regime=override or body.regime,
                regime_override=override,
                title=topic,
                campaign=campaign,
                assignee=assignee,
                events=events,
                message_hex=f"{rng.getrandbits(128):032x}",
                shape=shape,
            )
        )
    planned.sort(key=lambda p: p.created)
    per_year: Tally[int] = Tally()
    for p in planned:
        per_year[p.created.year] += 1
        p.reference = f"FOI-{p.created.year}-{per_year[p.created.year]:04d}"
    return planned


def derive(
    regime: str, events: Sequence[tuple[int, PlannedEvent]], holidays: HolidaySet
) -> dict[str, Any]:
    """The cached columns, exactly as foi.casework.requests.refresh computes them (event ids as seq)."""
    state = fold(
        [
            TimelineEvent(
                EventKind(e.kind), e.on, seq=eid, outcome=e.outcome, promised_on=e.promised_on
            )
            for eid, e in events
        ]
    )
    ordered = sorted(events, key=lambda x: (x[1].kind != "drafted", x[1].on, x[0]))
    clocks = compute_clocks(
        Regime(regime),
        [ClockEvent(e.kind, e.on, e.promised_on) for _, e in ordered],
        calendar_for(Regime(regime), holidays),
    )
    due_on, due_clock = current_due(state, clocks)
    extra: dict[str, Any] = {}
    if HAS_NEXT_REMINDER:
        from foi.casework.requests import next_reminder_on

        extra["next_reminder_on"] = next_reminder_on(
            state.status.value,
            state.resolution,
            clocks,
            calendar_for(Regime(regime), holidays),
            [(e.kind, e.on) for _, e in events],
        )
    if CLOCK_DATES:
        from foi.casework.clock_dates import clock_dates

        extra.update(clock_dates(clocks))
    return {
        **extra,
        "status": state.status.value,
        "resolution": state.resolution,
        "sent_on": state.sent_on,
        "due_on": due_on,
        "due_clock": due_clock,
        "very_overdue_on": clocks.very_overdue if due_clock == "response" else None,
    }


@dataclass
class Rows:
    """Everything to insert, by table."""

    campaigns: list[dict[str, Any]] = field(default_factory=list)
    volunteers: list[dict[str, Any]] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    letters: list[dict[str, Any]] = field(default_factory=list)
    drafted: list[dict[str, Any]] = field(default_factory=list)  # data left unset: SQL NULL
    events: list[dict[str, Any]] = field(default_factory=list)
    counters: list[dict[str, Any]] = field(default_factory=list)


def build_rows(
    planned: Sequence[PlannedRequest], bodies: Sequence[BodyInfo], holidays: HolidaySet
) -> Rows:
    """Rows for every table, with ids assigned here (a fresh database numbers from 1)."""
    by_id = {b.id: b for b in bodies}
    rows = Rows()
    campaign_ids: dict[str, int] = {}
    volunteer_ids: dict[str, int] = {}
    event_id = 0
    for request_id, p in enumerate(planned, start=1):
        if p.campaign and p.campaign not in campaign_ids:
            campaign_ids[p.campaign] = len(campaign_ids) + 1
            rows.campaigns.append(
                {
                    "id": campaign_ids[p.campaign],
                    "name": p.campaign,
                    "description": None,
                    "default_assignee_id": None,
                    "created_at": p.created,
                }
            )
        if p.assignee and p.assignee not in volunteer_ids:
            volunteer_ids[p.assignee] = len(volunteer_ids) + 1
            rows.volunteers.append(
                {
                    "id": volunteer_ids[p.assignee],
                    "name": p.assignee,
                    "email": None,
                    "created_at": p.created,
                }
            )
        body = by_id[p.body_id]
        route, address, reason = body.routes["sar" if p.regime == "sar" else "foi"]
        sent_by_email = route == "email" and any(e.by_letter for e in p.events)
        message_id = (
            make_message_id(p.reference, FROM_ADDR, p.message_hex) if sent_by_email else None
        )
        sent_at = next((e.at for e in p.events if e.by_letter), None) if sent_by_email else None
        state = "unsendable" if route == "none" else "sent" if sent_by_email else "draft"
        letter = {
            "id": request_id,
            "request_id": request_id,
            # attach_letter stores a SAR's letter as "sar" (one person's data, never archived).
            "purpose": "sar" if p.regime == "sar" else "request",
            "template": None,
            "subject": " ".join(p.title.split()),
            "text": LETTER.format(body=body.name, topic_lower=p.title[0].lower() + p.title[1:]),
            "route": route,
            "to_addr": address,
            "state": state,
            "unsendable_reason": reason,
            "message_id": message_id,
            "attempts": 1 if sent_by_email else 0,
            "last_error": None,
            "created_at": p.created,
            "attempted_at": sent_at,
            "sent_at": sent_at,
        }
        rows.letters.append(letter)
        numbered: list[tuple[int, PlannedEvent]] = []
        authority_ref = None
        for e in p.events:
            event_id += 1
            numbered.append((event_id, e))
            row: dict[str, Any] = {
                "id": event_id,
                "request_id": request_id,
                "kind": e.kind,
                "on": e.on,
                "recorded_at": e.at,
                "outcome": e.outcome,
                "promised_on": e.promised_on,
                "note": e.note,
                "letter_id": None,
                "inbox_id": None,
                "recorded_by": None,
            }
            if e.kind == "drafted":
                rows.drafted.append(row)
                continue
            data = e.data
            if e.by_letter and sent_by_email:
                row["letter_id"] = request_id
                data = {"message_id": message_id, "to": address}
            row["data"] = data
            if data and data.get("authority_ref") and not authority_ref:
                authority_ref = str(data["authority_ref"])
            rows.events.append(row)
        derived = derive(p.regime, numbered, holidays)
        rows.requests.append(
            {
                "id": request_id,
                "reference": p.reference,
                "title": p.title,
                "body_id": p.body_id,
                "regime": p.regime,
                "requester_id": None,
                "campaign_id": campaign_ids.get(p.campaign or ""),
                "assignee_id": volunteer_ids.get(p.assignee or ""),
                "template": None,
                "template_vars": None,
                "authority_ref": authority_ref,
                "wdtk_url": None,
                "created_at": p.created,
                "updated_at": p.events[-1].at,
                **derived,
            }
        )
        p.row = rows.requests[-1]
    years = Tally(p.created.year for p in planned)
    rows.counters = [{"name": f"reference-{y}", "value": v} for y, v in sorted(years.items())]
    return rows


def bulk_engine(path: Path) -> Engine:
    """A loader engine: foreign keys checked, no fsync per commit (the data is throwaway)."""
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=OFF")
        cur.close()

    return engine


def write_rows(conn: Any, rows: Rows) -> None:
    """Insert in foreign-key order, in batches (executemany through SQLAlchemy Core)."""
    plan: list[tuple[Any, list[dict[str, Any]]]] = [
        (Campaign.__table__, rows.campaigns),
        (Volunteer.__table__, rows.volunteers),
        (Request.__table__, rows.requests),
        (Letter.__table__, rows.letters),
        (Event.__table__, rows.drafted),
        (Event.__table__, rows.events),
        (Counter.__table__, rows.counters),
    ]
    for table, table_rows in plan:
        for chunk in batched(table_rows):
            conn.execute(table.insert(), list(chunk))


def insert_rows(engine: Engine, rows: Rows) -> None:
    """Write the rows in one transaction, then checkpoint SQLite's WAL."""
    with engine.begin() as conn:
        write_rows(conn, rows)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


# --- Checks ------------------------------------------------------------------------------------


def _raw(conn: sqlite3.Connection, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.execute(sql, args)]


REQUEST_SQL = (
    "SELECT r.title, r.body_id, r.regime, r.requester_id, c.name, v.name, r.template,"
    " typeof(r.template_vars), r.template_vars, r.authority_ref, r.wdtk_url, r.created_at,"
    " r.updated_at, r.status, r.resolution, r.sent_on, r.due_on, r.due_clock, r.very_overdue_on"
    + (", r.next_reminder_on" if HAS_NEXT_REMINDER else "")
    + "".join(f", r.{c}" for c in CLOCK_DATES)
    + " FROM requests r LEFT JOIN campaigns c ON c.id = r.campaign_id"
    " LEFT JOIN volunteers v ON v.id = r.assignee_id WHERE r.id = ?"
)
EVENT_SQL = (
    'SELECT kind, "on", recorded_at, outcome, promised_on, note, typeof(data), data,'
    " letter_id IS NOT NULL, inbox_id, recorded_by FROM events WHERE request_id = ? ORDER BY id"
)
LETTER_SQL = (
    "SELECT purpose, template, subject, text, route, to_addr, state, unsendable_reason,"
    " message_id, typeof(covers), attempts, last_error, created_at, attempted_at, sent_at"
    " FROM letters WHERE request_id = ? ORDER BY id"
)


def _stored(conn: sqlite3.Connection, request_id: int) -> tuple[Any, ...]:
    """One request's stored rows, with its Message-ID (random in the domain) blanked out."""
    letters = _raw(conn, LETTER_SQL, (request_id,))
    mids = [row[8] for row in letters if row[8]]
    blank = [(*row[:8], row[8] is not None, *row[9:]) for row in letters]
    events = []
    for row in _raw(conn, EVENT_SQL, (request_id,)):
        data = row[7]
        for mid in mids:
            data = data.replace(mid, "<message-id>") if data else data
        events.append((*row[:7], data, *row[8:]))
    return (_raw(conn, REQUEST_SQL, (request_id,)), events, blank)


def replay_check(
    template_db: Path, scratch: Path, planned: Sequence[PlannedRequest], generated: Path, seed: int
) -> tuple[int, int, float]:
    """Replay a sample through the domain; return (checked, mismatches, seconds per request)."""
    shutil.copyfile(template_db, scratch)
    rng = random.Random(seed)
    sample = rng.sample(range(len(planned)), min(REPLAY_SAMPLE, len(planned)))
    engine = make_engine(resolve_url(str(scratch)))
    ids: list[tuple[int, int]] = []
    t0 = time.perf_counter()
    holidays = load_default()
    for index in sample:
        p = planned[index]
        with session_scope(engine) as s:
            body = s.get(Body, p.body_id)
            assert body is not None
            req = create_request(
                s,
                NewRequest(
                    body=body,
                    title=p.title,
                    regime=p.regime_override,
                    campaign=p.campaign,
                    assignee=p.assignee,
                ),
                today=p.created.date(),
                now=p.created,
                holidays=holidays,
            )
            letter = attach_letter(
                s,
                req,
                subject=p.title,
                text=LETTER.format(body=body.name, topic_lower=p.title[0].lower() + p.title[1:]),
                now=p.created,
            )
            for e in p.events[1:]:
                if e.by_letter and letter.route == "email":
                    begin_attempt(s, letter.id, from_addr=FROM_ADDR, today=e.on, now=e.at)
                    finish_sent(s, letter.id, today=e.on, now=e.at, holidays=holidays)
                    continue
                entry = LogEntry(
                    kind=e.kind,
                    on=e.on,
                    note=e.note,
                    outcome=e.outcome,
                    promised_on=e.promised_on,
                    data=e.data,
                )
                log_event(s, req, entry, today=e.on, now=e.at, holidays=holidays)
            ids.append((req.id, index + 1))
    per_request = (time.perf_counter() - t0) / max(1, len(sample))
    engine.dispose()
    mismatches = 0
    domain = sqlite3.connect(scratch)
    bulk = sqlite3.connect(generated)
    try:
        for domain_id, bulk_id in ids:
            want, got = _stored(domain, domain_id), _stored(bulk, bulk_id)
            if want != got:
                mismatches += 1
                if mismatches <= 3:
                    progress(f"MISMATCH request {bulk_id}:\n  domain {want}\n  bulk   {got}")
    finally:
        domain.close()
        bulk.close()
    return len(ids), mismatches, per_request


def refresh_check(path: Path, n: int, seed: int) -> tuple[int, int]:
    """foi.casework.requests.refresh on a sample must change none of the cached columns."""
    rng = random.Random(seed + 1)
    sample = rng.sample(range(1, n + 1), min(REFRESH_SAMPLE, n))
    engine = make_engine(resolve_url(str(path)))
    changed = 0
    holidays = load_default()
    try:
        with Session(engine) as s:
            reqs = s.scalars(
                select(Request).options(selectinload(Request.events)).where(Request.id.in_(sample))
            ).all()
            for req in reqs:
                before = tuple(getattr(req, c) for c in CACHED)
                refresh(req, holidays)
                after = tuple(getattr(req, c) for c in CACHED)
                if before != after:
                    changed += 1
                    if changed <= 3:
                        progress(f"CHANGED by refresh: {req.reference}: {before} -> {after}")
            s.rollback()
            return len(reqs), changed
    finally:
        engine.dispose()


# --- Timing ------------------------------------------------------------------------------------


@dataclass
class Built:
    """One generated database and what the checks found."""

    size: int
    path: Path
    planned: list[PlannedRequest]
    build_seconds: float
    events: int
    db_bytes: int
    replay: tuple[int, int, float]
    refreshed: tuple[int, int]
    recompute_moved: int


def forget_fingerprint(path: Path) -> None:
    """Remove the recorded holiday fingerprint, as in a database foi has only written to."""
    with sqlite3.connect(path) as conn:
        conn.execute("DELETE FROM meta WHERE key = ?", (FINGERPRINT_KEY,))


def cached_columns(path: Path) -> list[tuple[Any, ...]]:
    """Every request's cached columns, to see whether foi's own recompute moved any."""
    with sqlite3.connect(path) as conn:
        return _raw(conn, f"SELECT id, {', '.join(CACHED)} FROM requests ORDER BY id")


def build_database(
    size: int, seed: int, workdir: Path, template_db: Path
) -> tuple[Path, list[PlannedRequest], float, int]:
    """Copy the initialised database and fill it; returns (path, plan, seconds, events)."""
    path = workdir / f"requests-{size}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    t0 = time.perf_counter()
    shutil.copyfile(template_db, path)
    os.chmod(path, 0o600)
    engine = bulk_engine(path)
    bodies = load_bodies(engine)
    progress(f"{size:,}: planning timelines")
    planned = plan_requests(size, seed * 1_000_003 + size, bodies)
    progress(f"{size:,}: folding events and computing clocks")
    rows = build_rows(planned, bodies, load_default())
    progress(
        f"{size:,}: inserting {len(rows.requests):,} requests, "
        f"{len(rows.events) + len(rows.drafted):,} events, {len(rows.letters):,} letters"
    )
    insert_rows(engine, rows)
    engine.dispose()
    return path, planned, time.perf_counter() - t0, len(rows.events) + len(rows.drafted)


def prepare(size: int, seed: int, workdir: Path, template_db: Path) -> Built:
    """Build one database, check it, and let foi record its holiday fingerprint."""
    path, planned, build_seconds, n_events = build_database(size, seed, workdir, template_db)
    progress(f"{size:,}: built in {build_seconds:.1f} s; replaying a sample through the domain")
    scratch = workdir / f"replay-{size}.db"
    replay = replay_check(template_db, scratch, planned, path, seed)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    refreshed = refresh_check(path, size, seed)
    progress(
        f"{size:,}: replay {replay[0]} requests, {replay[1]} mismatches; "
        f"refresh {refreshed[0]} requests, {refreshed[1]} changed"
    )
    db_bytes = path.stat().st_size
    # The first read command after the rows were written finds no holiday fingerprint and
    # records it (foi.casework.user_holidays.sync); the cached columns must not move.
    before = cached_columns(path)
    forget_fingerprint(path)
    run_foi(["--db", str(path), "request", "list", "--overdue", "--json"], workdir)
    after = cached_columns(path)
    moved = sum(1 for a, b in zip(before, after, strict=True) if a != b)
    return Built(size, path, planned, build_seconds, n_events, db_bytes, replay, refreshed, moved)


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.0f} ms"


@dataclass
class Row:
    """One line of the issue's table: two sides timed alternately, and their ratio."""

    measure: str
    a_label: str
    a: Timing
    b_label: str
    b: Timing
    goal: str

    @property
    def ratio(self) -> float:
        return self.a.median / self.b.median

    def line(self) -> str:
        return (
            f"| {self.measure} | {ms(self.a.median)} | {ms(self.b.median)} |"
            f" {self.ratio:.2f}x | {self.goal} |"
        )


def report_built(b: Built) -> None:
    """What was generated and what the checks found."""
    statuses = Tally(str(p.row["status"]) for p in b.planned)
    shapes = Tally(p.shape for p in b.planned)
    print(
        f"database of {b.size:,} requests: {b.events:,} events, {human_bytes(b.db_bytes)},"
        f" built in {b.build_seconds:.1f} s"
    )
    print("  statuses: " + ", ".join(f"{k} {v:,}" for k, v in statuses.most_common()))
    print("  shapes:   " + ", ".join(f"{k} {v:,}" for k, v in shapes.most_common()))
    checked, mismatched, per_request = b.replay
    print(
        f"  domain replay of {checked} requests (create_request, attach_letter, send, "
        f"log_event): {mismatched} differ from the bulk rows; {per_request * 1e3:.1f} ms per"
        " request"
    )
    print(f"  refresh() on {b.refreshed[0]} stored requests: {b.refreshed[1]} changed")
    print(f"  first command (records the holiday fingerprint): {b.recompute_moved} rows changed")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--workdir", type=Path, help="write the databases here (default: a temp folder)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--repeats", type=int, default=5, help="pairs for the start-up rows")
    parser.add_argument("--large", type=int, default=100_000, help="the large database")
    parser.add_argument("--large-repeats", type=int, default=3, help="pairs on the large one")
    args = parser.parse_args()

    if args.workdir:
        workdir = args.workdir.expanduser().absolute()
        workdir.mkdir(parents=True, exist_ok=True)
        made_temp = False
    else:
        workdir = Path(tempfile.mkdtemp(prefix="foi-bench-list-"))
        made_temp = True
    created: list[Path] = []
    try:
        template_db = workdir / "init.db"
        created.append(template_db)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{template_db}{suffix}").unlink(missing_ok=True)
        progress(f"workdir {workdir}; tree {TREE}; foi init")
        run_foi(["--db", str(template_db), "init"], workdir)
        with sqlite3.connect(template_db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        built = {}
        for size in (50, 1000, args.large):
            built[size] = prepare(size, args.seed, workdir, template_db)
            created.append(built[size].path)
        small, mid, large = built[50], built[1000], built[args.large]
        bad = [b for b in built.values() if b.replay[1] or b.refreshed[1] or b.recompute_moved]

        def foi(b: Built, *cmd: str) -> Callable[[], tuple[float, bytes]]:
            return lambda: run_foi(["--db", str(b.path), *cmd], workdir)

        floor_orm = lambda: run_python([str(BENCH / "floor_orm.py"), str(small.path)], workdir)  # noqa: E731
        floor_typer = lambda: run_python([str(BENCH / "floor_typer.py"), "--help"], workdir)  # noqa: E731
        n = args.repeats
        rows: list[Row] = []
        progress(f"start-up rows: {n} pairs each")
        a, b = paired(lambda: run_foi(["--help"], workdir), floor_typer, n)
        rows.append(
            Row("`foi --help` vs a bare Typer app of 24 commands", "foi", a, "floor", b, "<= 1.15x")
        )
        a, b = paired(foi(small, "request", "list"), floor_orm, n)
        rows.append(
            Row(
                "`foi request list` (50 requests) vs typer + ORM + one query",
                "foi",
                a,
                "floor",
                b,
                "<= 1.3x",
            )
        )
        a, b = paired(foi(small, "body", "list"), floor_orm, n)
        rows.append(Row("`foi body list` vs the same floor", "foi", a, "floor", b, "<= 1.3x"))
        a, b = paired(foi(small, "status"), floor_orm, n)
        rows.append(Row("`foi status` vs the same floor", "foi", a, "floor", b, "<= 1.2x"))

        m = args.large_repeats
        progress("remind run: two passes on each database (deliver, then settle)")
        first_rss = peak_rss(["-m", "foi", "--db", str(large.path), "remind", "run"], workdir)
        run_foi(["--db", str(mid.path), "remind", "run"], workdir)
        for b_ in (mid, large):
            run_foi(["--db", str(b_.path), "remind", "run"], workdir)
        progress(f"large rows: {m} pairs each")
        a, b = paired(foi(large, "remind", "run"), foi(mid, "remind", "run"), m)
        remind_row = Row(
            f"`foi remind run` at {large.size:,} / at 1,000 (nothing new)",
            "large",
            a,
            "1k",
            b,
            "<= 2x",
        )
        rows.append(remind_row)
        rss = peak_rss(["-m", "foi", "--db", str(large.path), "remind", "run"], workdir)
        a, b = paired(foi(large, "status"), foi(mid, "status"), m)
        rows.append(Row(f"`foi status` {large.size:,} / 1,000", "large", a, "1k", b, "<= 1.1x"))
        list_args = ("request", "list", "--overdue", "--json")
        a, b = paired(foi(large, *list_args), foi(mid, *list_args), m)
        list_row = Row(
            f"`foi request list --overdue --json` {large.size:,} / 1,000",
            "large",
            a,
            "1k",
            b,
            "<= 0.9 s at 100k",
        )
        rows.append(list_row)
        _, output = run_foi(["--db", str(large.path), *list_args], workdir)
        listed = json.loads(output)
        expected = sum(
            1 for p in large.planned if p.row["due_on"] is not None and p.row["due_on"] < TODAY
        )
        if len(listed) != expected:
            raise SystemExit(f"list returned {len(listed)} rows; the generated data has {expected}")

        print(
            f"foi command benchmark, FOI_TODAY={TODAY}, python {sys.version.split()[0]}, tree {TREE}"
        )
        print(bytecode_note())
        print()
        for b_ in built.values():
            report_built(b_)
        print()
        print(
            "Each row: both sides run alternately as subprocesses; medians; ratio = first / second."
        )
        print()
        print("| measure | first | second | ratio | goal |")
        print("|---|---:|---:|---:|---|")
        for r in rows:
            print(r.line())
        print()
        print(
            f"`foi request list --overdue --json` at {large.size:,}: {len(listed):,} rows,"
            f" {human_bytes(len(output))}; best {ms(list_row.a.best)}, median {ms(list_row.a.median)}"
        )
        print(
            f"`foi remind run` at {large.size:,}: peak RSS {human_bytes(rss)} (nothing new);"
            f" first pass (delivers everything due) {human_bytes(first_rss)}"
        )
        if bad:
            sys.exit(1)
    finally:
        if args.keep:
            progress(f"kept {workdir}")
        elif made_temp:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            for path in created:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
