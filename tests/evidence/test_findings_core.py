"""Findings read as rows derive every clock exactly as the ORM objects do (issue 24)."""

from __future__ import annotations

from sqlalchemy import select

from foi.casework.requests import clocks
from foi.casework.user_holidays import holiday_set
from foi.evidence.findings import EventRow, request_clocks
from foi.store import tables
from foi.store.engine import make_engine, resolve_url, session_scope
from foi.store.models import Request


def test_row_clocks_equal_orm_clocks(foi, db_url: str) -> None:
    assert foi("init", db=db_url).exit_code == 0

    def ok(*args: str, today: str = "2026-12-20") -> str:
        got = foi(*args, db=db_url, today=today)
        assert got.exit_code == 0, got.stderr
        return got.stdout

    def new(body: str, *extra: str) -> str:
        made = foi("request", "new", "--body", body, "--title", "SIM", *extra, "--json",
                   db=db_url, today="2026-11-02")  # fmt: skip
        assert made.exit_code == 0, made.stderr
        return str(made.json()["reference"])

    a = new("RVN", "--sent-on", "2026-11-02")
    ok("request", "log", a, "clarification-requested", "--on", "2026-11-05")
    ok("request", "log", a, "clarification-sent", "--on", "2026-11-09")
    ok("request", "log", a, "extension", "--on", "2026-11-30", "--promised", "2026-12-18")
    b = new("RXT", "--sent-on", "2026-11-02")
    ok("request", "log", b, "fee-notice", "--on", "2026-11-04")
    ok("request", "log", b, "fee-paid", "--on", "2026-11-10")
    shown = foi("request", "show", b, "--json", db=db_url, today="2026-12-20").json()
    fee = next(e for e in shown["events"] if e["kind"] == "fee-paid")
    ok("request", "retract", b, str(fee["id"]), "--reason", "logged on the wrong request")
    c = new("RTQ")
    ok("request", "log", c, "sent", "--on", "2026-11-03", "--received-on", "2026-11-06")
    ok("request", "log", c, "response", "--on", "2026-11-27", "--outcome", "refused")
    ok("request", "log", c, "internal-review-requested", "--on", "2026-11-30")

    engine = make_engine(resolve_url(db_url))
    try:
        with session_scope(engine) as s:
            hs = holiday_set(s)
            e = tables.events.c
            compared = 0
            for req in s.scalars(select(Request).order_by(Request.id)):
                rows = [
                    EventRow(*r)
                    for r in s.execute(
                        select(e.id, e.kind, e.on, e.outcome, e.promised_on, e.data)
                        .where(e.request_id == req.id)
                        .order_by(e.id)
                    )
                ]
                assert request_clocks(req.regime, rows, hs) == clocks(req, hs), req.reference
                compared += 1
            assert compared == 3
    finally:
        engine.dispose()
