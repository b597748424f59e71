"""findings: attachments a volunteer marked publishable

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from foi.store.migrations import drop_columns

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing attachments stay unpublished: publishing is always a volunteer's decision.
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("publishable", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    drop_columns("attachments", "publishable")
