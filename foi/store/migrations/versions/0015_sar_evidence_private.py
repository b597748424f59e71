"""sar evidence private: body evidence drawn from a subject access request goes back to it

Before 0.3.0, `foi respond SAR-REF --sim-status …` made body evidence out of a subject access
request, so one person's records reached the findings, the site and the exports. Such rows are
moved onto the SAR's own event (its `data`, where `foi respond` now keeps them) and removed
from the body's evidence. Rows typed in by hand with a SAR's reference as their source go onto
that request's latest event the same way.

Revision ID: 0015
Revises: 0010
Create Date: 2026-12-07 22:30:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_requests = sa.table(
    "requests",
    sa.column("id", sa.Integer),
    sa.column("reference", sa.String),
    sa.column("regime", sa.String),
)
_events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("request_id", sa.Integer),
    sa.column("data", sa.JSON),
)
_evidence = sa.table(
    "evidence",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("source", sa.Text),
    sa.column("quote", sa.Text),
    sa.column("page", sa.String),
    sa.column("local_name", sa.String),
    sa.column("note", sa.Text),
    sa.column("event_id", sa.Integer),
)


def upgrade() -> None:
    bind = op.get_bind()
    sars = {
        ref.upper(): rid
        for rid, ref in bind.execute(
            sa.select(_requests.c.id, _requests.c.reference).where(_requests.c.regime == "sar")
        )
    }
    if not sars:
        return
    sar_ids = set(sars.values())
    event_request = dict(
        bind.execute(
            sa.select(_events.c.id, _events.c.request_id).where(_events.c.request_id.in_(sar_ids))
        ).all()
    )
    latest: dict[int, int] = {}
    for eid, rid in event_request.items():
        latest[rid] = max(eid, latest.get(rid, eid))
    for row in bind.execute(sa.select(_evidence)).mappings().all():
        if row["event_id"] in event_request:
            target = row["event_id"]
        elif (row["source"] or "").strip().upper() in sars:
            target = latest.get(sars[(row["source"] or "").strip().upper()])
        else:
            continue
        if target is not None:
            data: dict[str, Any] = dict(
                bind.execute(sa.select(_events.c.data).where(_events.c.id == target)).scalar() or {}
            )
            for key in ("status", "quote", "page", "local_name", "note"):
                if row[key]:
                    data.setdefault("sim_status" if key == "status" else key, row[key])
            bind.execute(sa.update(_events).where(_events.c.id == target).values(data=data))
        bind.execute(sa.delete(_evidence).where(_evidence.c.id == row["id"]))


def downgrade() -> None:
    # Nothing to restore: SAR material never belonged in the body's evidence.
    pass
