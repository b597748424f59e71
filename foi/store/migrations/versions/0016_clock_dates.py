"""clock dates: each request's date of receipt, response due date, responded and withdrawn days

Findings (`foi report`, `foi publish`) read these instead of replaying every request's events
through the clock engine. The columns are filled for existing requests by the code that keeps
them afterwards (foi.casework.clock_dates, as foi.casework.requests.refresh calls it), with the
holidays in force, reading only the columns this revision knows, so later revisions adding
columns do not break it.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 01:30:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from foi.store.migrations import drop_columns

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("received_on", "response_due_on", "responded_on", "withdrawn_on")
_BATCH = 2000


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        for name in _COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Date(), nullable=True))
    _backfill(op.get_bind())


def downgrade() -> None:
    drop_columns("requests", *reversed(_COLUMNS))


def _backfill(conn: sa.Connection) -> None:
    from foi.casework.clock_dates import clock_dates, clocks_of
    from foi.law.holidays import Holiday, load_default

    meta = sa.MetaData()
    requests = sa.Table(
        "requests",
        meta,
        sa.Column("id", sa.Integer),
        sa.Column("regime", sa.String),
        sa.Column("status", sa.String),
        *(sa.Column(name, sa.Date) for name in _COLUMNS),
    )
    events = sa.Table(
        "events",
        meta,
        sa.Column("id", sa.Integer),
        sa.Column("request_id", sa.Integer),
        sa.Column("kind", sa.String),
        sa.Column("on", sa.Date),
        sa.Column("promised_on", sa.Date),
        sa.Column("data", sa.JSON),
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
        for r in conn.execute(
            sa.select(requests.c.id, requests.c.regime).where(requests.c.id.in_(chunk))
        ):
            made = clock_dates(clocks_of(r.regime, by_request.get(r.id, []), holidays))
            if any(v is not None for v in made.values()):
                values.append({"rid": r.id, **{f"new_{k}": v for k, v in made.items()}})
        if values:
            conn.execute(
                requests.update()
                .where(requests.c.id == sa.bindparam("rid"))
                .values({name: sa.bindparam(f"new_{name}") for name in _COLUMNS}),
                values,
            )
