"""published findings: a campaign's title, summary and questions; holding back from publication

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 22:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from foi.store.migrations import drop_columns

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("summary", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("questions", sa.JSON(), nullable=True))
    # Nothing is held on upgrade: holding back is always a volunteer's decision. A plain ADD
    # COLUMN (not batch mode, which would copy and drop these tables: other tables' foreign
    # keys point at them, and SQLite enforces those during the copy).
    for table in ("requests", "bodies"):
        op.add_column(
            table, sa.Column("held", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        op.add_column(table, sa.Column("held_until", sa.Date(), nullable=True))


def downgrade() -> None:
    for table in ("bodies", "requests"):
        drop_columns(table, "held_until", "held")
    drop_columns("campaigns", "questions", "summary", "title")
