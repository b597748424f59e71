"""Read commands go through a Core connection (issue 24), and still move dates when the
holiday data has changed since the database last saw it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import insert, update

from foi.store import tables
from foi.store.engine import make_engine, resolve_url, session_scope


def test_a_read_command_applies_new_holiday_data_before_it_lists(foi, db_url: str) -> None:
    assert foi("init", db=db_url).exit_code == 0
    made = foi("request", "new", "--body", "RVN", "--title", "SIM", "--sent-on", "2026-11-02",
               "--json", db=db_url, today="2026-11-02")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    ref = made.json()["reference"]
    assert made.json()["due_on"] == "2026-12-01"
    # New holiday data arrives as a package upgrade would bring it: a holiday inside the
    # clock's window that the stored fingerprint has not seen, no recompute yet.
    engine = make_engine(resolve_url(db_url))
    try:
        with session_scope(engine) as s:
            s.execute(
                insert(tables.holidays).values(
                    on=date(2026, 11, 20),
                    region="england-and-wales",
                    name="A new bank holiday",
                    source="https://www.gov.uk/bank-holidays",
                    added_at=datetime(2026, 11, 3, tzinfo=UTC),
                )
            )
            s.execute(
                update(tables.meta)
                .where(tables.meta.c.key == "holiday_fingerprint")
                .values(value="an older holiday set")
            )
    finally:
        engine.dispose()
    listed = foi("request", "list", "--json", db=db_url, today="2026-11-10")
    assert listed.exit_code == 0, listed.stderr
    assert "1 open request(s) have new due dates" in listed.stderr
    assert [(r["reference"], r["due_on"]) for r in listed.json()] == [(ref, "2026-12-02")]
    # Saved: the next read finds nothing to move.
    again = foi("status", "--json", db=db_url, today="2026-11-10")
    assert again.exit_code == 0 and "new due dates" not in again.stderr
