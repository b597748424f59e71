"""Findings read as rows derive every clock exactly as the ORM objects do (issue 24), and the
clock dates stored on each request (foi.casework.clock_dates) are what its events give."""

from __future__ import annotations

import importlib.util
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, update

from foi.casework.clock_dates import CLOCK_DATES, clock_dates
from foi.casework.requests import clocks
from foi.casework.user_holidays import holiday_set
from foi.evidence.findings import EventRow, body_findings, campaign_id, request_clocks
from foi.store import tables
from foi.store.engine import make_engine, resolve_url, session_scope
from foi.store.models import Request
from tests.conftest import REPO


def _check_stored(db_url: str) -> dict[str, dict[str, date | None]]:
    """Every request's stored clock dates equal what its events give, read as rows (all of
    each event's data) and as ORM objects; returns them by reference."""
    engine = make_engine(resolve_url(db_url))
    found = {}
    try:
        with session_scope(engine) as s:
            hs = holiday_set(s)
            e = tables.events.c
            for req in s.scalars(select(Request).order_by(Request.id)):
                rows = [
                    EventRow(*r)
                    for r in s.execute(
                        select(e.id, e.kind, e.on, e.outcome, e.promised_on, e.data)
                        .where(e.request_id == req.id)
                        .order_by(e.id)
                    )
                ]
                from_rows = request_clocks(req.regime, rows, hs)
                assert from_rows == clocks(req, hs), req.reference
                stored = {name: getattr(req, name) for name in CLOCK_DATES}
                assert stored == clock_dates(from_rows), req.reference
                found[req.reference] = stored
    finally:
        engine.dispose()
    return found


def test_stored_clock_dates_equal_the_replayed_clocks(foi, db_url: str) -> None:
    assert foi("init", db=db_url).exit_code == 0
    checked = 0

    def ok(*args: str, today: str = "2026-12-20") -> Any:
        nonlocal checked
        got = foi(*args, db=db_url, today=today)
        assert got.exit_code == 0, got.stderr
        _check_stored(db_url)  # after every event
        checked += 1
        return got

    def new(body: str, *extra: str) -> str:
        made = ok("request", "new", "--body", body, "--title", "SIM", "--campaign", "c", *extra,
                  "--json", today="2026-11-02")  # fmt: skip
        return str(made.json()["reference"])

    def event_id(ref: str, kind: str) -> str:
        shown = foi("request", "show", ref, "--json", db=db_url, today="2026-12-20").json()
        return str([e for e in shown["events"] if e["kind"] == kind][-1]["id"])

    a = new("RVN", "--sent-on", "2026-11-02")  # clarification restarts the clock; extension
    ok("request", "log", a, "clarification-requested", "--on", "2026-11-05")
    ok("request", "log", a, "clarification-sent", "--on", "2026-11-09")
    ok("request", "log", a, "extension", "--on", "2026-11-30", "--promised", "2026-12-18")
    b = new("RXT", "--sent-on", "2026-11-02")  # a fee paid, then retracted
    ok("request", "log", b, "fee-notice", "--on", "2026-11-04")
    ok("request", "log", b, "fee-paid", "--on", "2026-11-10")
    ok("request", "retract", b, event_id(b, "fee-paid"), "--reason", "the wrong request")
    c = new("RTQ")  # posted: received days after it went; answered late, then reviewed
    ok("request", "log", c, "sent", "--on", "2026-11-03", "--received-on", "2026-11-06")
    ok("request", "log", c, "response", "--on", "2026-12-10", "--outcome", "refused")
    ok("request", "log", c, "internal-review-requested", "--on", "2026-12-14")
    d = new("RNU", "--sent-on", "2026-11-02")  # receipt corrected, the correction retracted
    ok("request", "log", d, "note", "--on", "2026-11-09", "--received-on", "2026-11-05",
       today="2026-11-09")  # fmt: skip
    corrected = _check_stored(db_url)[d]["received_on"]
    assert corrected == date(2026, 11, 5)
    ok("request", "retract", d, event_id(d, "note"), "--reason", "stamp misread")
    e = new("RXX", "--sent-on", "2026-11-02")  # bounced, resent by post, answered in time
    ok("request", "log", e, "delivery-failed", "--on", "2026-11-02")
    ok("request", "log", e, "resent", "--on", "2026-11-04", "--received-on", "2026-11-09")
    ok("request", "log", e, "response", "--on", "2026-11-30", "--outcome", "successful")
    f = new("RRE", "--sent-on", "2026-11-02")  # withdrawn
    ok("request", "log", f, "withdrawn", "--on", "2026-11-12")
    g = new("RVN", "--sent-on", "2026-11-02", "--regime", "sar")  # a SAR: kept, never counted
    ok("request", "log", g, "response", "--on", "2026-11-20", "--outcome", "successful")
    h = new("RTQ")  # a draft: no clock
    stored = _check_stored(db_url)
    assert checked >= 20
    assert stored[h] == dict.fromkeys(CLOCK_DATES)
    assert stored[d]["received_on"] == date(2026, 11, 2)
    assert stored[e]["received_on"] == date(2026, 11, 9)
    assert stored[e]["responded_on"] == date(2026, 11, 30)
    assert stored[f]["withdrawn_on"] == date(2026, 11, 12)
    assert stored[c]["response_due_on"] is not None and stored[g]["responded_on"] is not None

    # Findings read the stored dates: the same dates as the replayed clocks (SAR left out).
    engine = make_engine(resolve_url(db_url))
    try:
        with session_scope(engine) as s:
            hs = holiday_set(s)
            seen = {}
            for group in body_findings(s, campaign_id(s, "c"), today=date(2026, 12, 20),
                                       holidays=hs):  # fmt: skip
                for v in group.requests:
                    seen[v.reference] = (v.received, v.due, v.responded_on)
            assert set(seen) == {a, b, c, d, e, f}
            for ref, got in seen.items():
                want = stored[ref]
                assert got == (want["received_on"], want["response_due_on"],
                               want["responded_on"])  # fmt: skip
    finally:
        engine.dispose()

    # A new bank holiday inside their clocks moves closed requests' due dates too.
    before = stored[e]["response_due_on"]
    assert before is not None and date(2026, 11, 9) < date(2026, 11, 25) < before
    ok("holidays", "add", "2026-11-25", "--region", "northern-ireland", today="2026-12-20")
    after = _check_stored(db_url)
    assert after[e]["response_due_on"] > before  # one working day fewer before it
    assert after[f]["response_due_on"] > stored[f]["response_due_on"]  # type: ignore[operator]

    # A holiday that appears without a command (new shipped data, another tool): the report,
    # a read command on a Core connection, notices the new set and moves the dates first.
    engine = make_engine(resolve_url(db_url))
    try:
        with engine.begin() as conn:
            conn.execute(
                tables.holidays.insert().values(
                    on=date(2026, 11, 20), region="scotland", name="Test day", source="test",
                    added_at=datetime(2026, 12, 20, tzinfo=UTC),
                )
            )  # fmt: skip
    finally:
        engine.dispose()
    figures = foi("report", "stats", "--campaign", "c", "--json", db=db_url, today="2026-12-20")
    assert figures.exit_code == 0, figures.stderr
    again = _check_stored(db_url)
    assert again[e]["response_due_on"] > after[e]["response_due_on"]  # type: ignore[operator]


def test_the_migration_backfill_fills_what_refresh_stores(foi, db_url: str) -> None:
    assert foi("init", db=db_url).exit_code == 0
    for args in (
        ("request", "new", "--body", "RVN", "--title", "SIM", "--sent-on", "2026-11-02"),
        ("request", "log", "FOI-2026-0001", "extension", "--on", "2026-11-20",
         "--promised", "2026-12-18"),
        ("request", "new", "--body", "RTQ", "--title", "SIM", "--sent-on", "2026-11-03"),
        ("request", "log", "FOI-2026-0002", "response", "--on", "2026-11-27",
         "--outcome", "refused"),
        ("request", "new", "--body", "RXT", "--title", "SIM"),
        ("request", "new", "--body", "RNU", "--title", "SIM", "--sent-on", "2026-11-02"),
        ("request", "log", "FOI-2026-0004", "note", "--on", "2026-11-09",
         "--received-on", "2026-11-05"),
        ("request", "log", "FOI-2026-0004", "withdrawn", "--on", "2026-11-12"),
    ):  # fmt: skip
        got = foi(*args, db=db_url, today="2026-12-01")
        assert got.exit_code == 0, got.stderr
    kept = _check_stored(db_url)
    assert sum(v is not None for dates in kept.values() for v in dates.values()) >= 8
    engine = make_engine(resolve_url(db_url))
    try:
        with engine.begin() as conn:
            conn.execute(update(tables.requests).values(dict.fromkeys(CLOCK_DATES)))
        path = REPO / "foi" / "store" / "migrations" / "versions" / "0016_clock_dates.py"
        spec = importlib.util.spec_from_file_location("rev0016", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with engine.begin() as conn:
            module._backfill(conn)
    finally:
        engine.dispose()
    assert _check_stored(db_url) == kept
