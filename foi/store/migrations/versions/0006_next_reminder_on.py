"""next reminder on: a cached, indexed day before which no reminder about a request fires

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 08:20:00.000000

The column is filled for existing requests by the code that keeps it afterwards
(foi.casework.requests.next_reminder_on, as refresh calls it), reading only the columns this
revision knows, so later revisions adding columns do not break it.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

from foi.store.migrations import drop_columns

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 2000


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_reminder_on", sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_requests_next_reminder_on"), ["next_reminder_on"], unique=False
        )
    _backfill(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_requests_next_reminder_on", table_name="requests")
    drop_columns("requests", "next_reminder_on")


def _backfill(conn: sa.Connection) -> None:
    from foi.casework.requests import next_reminder_on
    from foi.law.deadlines import ClockEvent, Regime, calendar_for, compute_clocks
    from foi.law.holidays import Holiday, load_default

    meta = sa.MetaData()
    requests = sa.Table(
        "requests",
        meta,
        sa.Column("id", sa.Integer),
        sa.Column("regime", sa.String),
        sa.Column("status", sa.String),
        sa.Column("resolution", sa.String),
        sa.Column("next_reminder_on", sa.Date),
    )
    events = sa.Table(
        "events",
        meta,
        sa.Column("id", sa.Integer),
        sa.Column("request_id", sa.Integer),
        sa.Column("kind", sa.String),
        sa.Column("on", sa.Date),
        sa.Column("promised_on", sa.Date),
    )
    user_holidays = sa.Table(
        "holidays",
        meta,
        sa.Column("on", sa.Date),
        sa.Column("region", sa.String),
        sa.Column("name", sa.String),
        sa.Column("source", sa.String),
    )
    holidays = load_default(
        Holiday(date=r.on, region=r.region, name=r.name, source=r.source)
        for r in conn.execute(sa.select(user_holidays).order_by(user_holidays.c.on))
    )
    ids = list(
        conn.scalars(
            sa.select(requests.c.id).where(requests.c.status != "draft").order_by(requests.c.id)
        )
    )
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        by_request: dict[int, list[Any]] = {}
        for e in conn.execute(
            sa.select(events).where(events.c.request_id.in_(chunk)).order_by(events.c.id)
        ):
            by_request.setdefault(e.request_id, []).append(e)
        values = []
        for r in conn.execute(sa.select(requests).where(requests.c.id.in_(chunk))):
            evs = by_request.get(r.id, [])
            ordered = sorted(evs, key=lambda e: (e.kind != "drafted", e.on, e.id))
            cal = calendar_for(Regime(r.regime), holidays)
            c = compute_clocks(
                Regime(r.regime), [ClockEvent(e.kind, e.on, e.promised_on) for e in ordered], cal
            )
            on: date | None = next_reminder_on(
                r.status, r.resolution, c, cal, [(e.kind, e.on) for e in evs]
            )
            if on is not None:
                values.append({"rid": r.id, "on": on})
        if values:
            conn.execute(
                requests.update()
                .where(requests.c.id == sa.bindparam("rid"))
                .values(next_reminder_on=sa.bindparam("on")),
                values,
            )
