"""Floor for read commands: Typer + SQLAlchemy Core running the same query, same output.

Run:  python bench/floor_core.py status URL
      python bench/floor_core.py overdue URL       # as `foi request list --overdue --json`
      python bench/floor_core.py remind URL        # as `foi remind run` with nothing due

Each prints byte for byte what the foi command prints (bench_core_floor.py checks it), with
the same queries, and foi's pure working-day calendars where the output counts working
days; none of foi's plumbing (settings, schema check, holiday fingerprint, sessions).
FOI_TODAY gives the day, as for foi. Never imports sqlalchemy.orm.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, timedelta
from typing import Any

import typer
from sqlalchemy import Date, DateTime, Integer, String, column, create_engine, func, select, table

from foi.law.deadlines import Regime, calendar_for
from foi.law.holidays import Holiday, load_default

app = typer.Typer(add_completion=False, rich_markup_mode=None)
TODAY = date.fromisoformat(os.environ.get("FOI_TODAY", "2026-11-27"))


def _url(db: str) -> str:
    return db if "://" in db else f"sqlite:///{db}"


# The tables and columns the queries use, declared (reflecting them would cost the floor
# catalogue queries that foi, whose schema is in its code, does not make).
_TABLES = {
    "requests": table(
        "requests", column("id", Integer), column("reference", String), column("title", String),
        column("body_id", Integer), column("regime", String), column("status", String),
        column("resolution", String), column("campaign_id", Integer),
        column("assignee_id", Integer), column("sent_on", Date), column("due_on", Date),
        column("due_clock", String), column("very_overdue_on", Date),
        column("authority_ref", String), column("next_reminder_on", Date),
    ),
    "bodies": table("bodies", column("id", Integer), column("name", String),
                    column("kind", String)),
    "campaigns": table("campaigns", column("id", Integer), column("name", String)),
    "volunteers": table("volunteers", column("id", Integer), column("name", String)),
    "inbox": table("inbox", column("state", String)),
    "imap_folders": table("imap_folders", column("last_read_at", DateTime)),
    "letters": table("letters", column("state", String), column("purpose", String),
                     column("route", String)),
    "holidays": table("holidays", column("on", Date), column("region", String),
                      column("name", String), column("source", String)),
    "meta": table("meta", column("key", String), column("value", String)),
    "user_reminders": table("user_reminders", column("id", Integer), column("on", Date),
                            column("request_id", Integer)),
}  # fmt: skip


def _tables(conn, *names: str) -> list[Any]:  # type: ignore[no-untyped-def]
    return [_TABLES[n] for n in names]


def _holidays(conn, h: Any):  # type: ignore[no-untyped-def]
    extra = [
        Holiday(date=r.on, region=r.region, name=r.name, source=r.source)
        for r in conn.execute(select(h.c.on, h.c.region, h.c.name, h.c.source).order_by(h.c.on))
    ]
    return load_default(extra)


@app.command()
def status(db: str) -> None:
    """The counts of `foi status`, one line."""
    engine = create_engine(_url(db))
    with engine.connect() as conn:
        r, inbox, imap, h, lt = _tables(
            conn, "requests", "inbox", "imap_folders", "holidays", "letters"
        )
        hs = _holidays(conn, h)

        def count(*where, table=r) -> int:  # type: ignore[no-untyped-def]
            return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar())

        c = r.c
        overdue = count(c.due_on < TODAY)
        very = count(c.due_on < TODAY, c.very_overdue_on < TODAY)
        horizon = TODAY + timedelta(days=2 * 3 + 30)
        soon = sum(
            n
            for regime, due_on, n in conn.execute(
                select(c.regime, c.due_on, func.count())
                .where(c.due_on >= TODAY, c.due_on <= horizon)
                .group_by(c.regime, c.due_on)
            )
            if calendar_for(Regime(regime), hs).working_days_between(TODAY, due_on) <= 3
        )
        classify = count(c.status == "needs-classification")
        held = count(inbox.c.state == "held", table=inbox)
        drafts = count(c.status == "draft")
        failed = count(c.status == "delivery-failed")
        conn.execute(select(func.max(imap.c.last_read_at))).scalar()
        unsent = lt.c.state.in_(("draft", "failed", "written"))
        follow_ups = count(unsent, lt.c.purpose.not_in(("request", "sar")), table=lt)
        by_hand = count(unsent, lt.c.route.in_(("post", "web-form")), table=lt)
    line = (
        f"{overdue} overdue ({very} very overdue), {soon} due within 3 working days, "
        f"{classify} replies to classify, {held} held messages, {drafts} drafts"
        + (f", {failed} not delivered (bounced: see 'foi chase')" if failed else "")
        + (f", {follow_ups} follow-up letters to send" if follow_ups else "")
        + (f", {by_hand} letters to post or paste into a web form" if by_hand else "")
    )
    sys.stdout.write(("OVERDUE: " if overdue else "") + line + "\n")


@app.command()
def overdue(db: str) -> None:
    """The rows of `foi request list --overdue --json`, as JSON."""
    engine = create_engine(_url(db))
    with engine.connect() as conn:
        r, b, camp, vol, h = _tables(conn, "requests", "bodies", "campaigns", "volunteers",
                                     "holidays")  # fmt: skip
        hs = _holidays(conn, h)
        c = r.c
        stmt = (
            select(
                c.reference, c.title, b.c.name.label("body"), b.c.kind.label("body_kind"),
                c.regime, c.status, c.resolution, camp.c.name.label("campaign"),
                vol.c.name.label("assignee"), c.sent_on, c.due_on, c.due_clock, c.authority_ref,
            )
            .select_from(
                r.join(b, b.c.id == c.body_id)
                .outerjoin(camp, camp.c.id == c.campaign_id)
                .outerjoin(vol, vol.c.id == c.assignee_id)
            )
            .where(c.due_on < TODAY)
        )  # fmt: skip
        rows = []
        for row in conn.execute(stmt).mappings():
            left = calendar_for(Regime(row["regime"]), hs).working_days_between(
                TODAY, row["due_on"]
            )
            rows.append(
                {
                    **{k: row[k] for k in ("reference", "title", "body", "body_kind", "regime",
                                          "status", "resolution", "campaign", "assignee")},
                    "sent_on": row["sent_on"].isoformat() if row["sent_on"] else None,
                    "due_on": row["due_on"].isoformat(),
                    "due_clock": row["due_clock"],
                    "working_days_left": left,
                    "overdue": left < 0,
                    "authority_ref": row["authority_ref"],
                }
            )  # fmt: skip
        rows.sort(key=lambda x: (x["due_on"], x["reference"]))
    sys.stdout.write(json.dumps(rows, ensure_ascii=False, default=str) + "\n")


@app.command()
def remind(db: str) -> None:
    """What `foi remind run` prints when nothing is due: the same few queries."""
    engine = create_engine(_url(db))
    with engine.connect() as conn:
        r, meta, u = _tables(conn, "requests", "meta", "user_reminders")
        conn.execute(select(meta.c.value).where(meta.c.key == "reminders_settled_on")).scalar()
        conn.execute(
            select(func.count())
            .select_from(r)
            .where(r.c.status != "draft", r.c.next_reminder_on <= TODAY)
        ).scalar()
        conn.execute(select(u.c.id, u.c.on, u.c.request_id).where(u.c.on <= TODAY)).all()
    sys.stdout.write("0 reminder(s) delivered: 0 digest(s) emailed, 0 printed\n")


if __name__ == "__main__":
    app()
