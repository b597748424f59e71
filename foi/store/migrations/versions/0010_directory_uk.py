"""directory across the UK: each body's nation; each contact's quote and date seen

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from foi.store.migrations import drop_columns

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing bodies get their nation from the bundled directory when 'foi init' is run
    # again (it fills in what is missing); bodies added by hand stay unknown until edited.
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("nation", sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f("ix_bodies_nation"), ["nation"], unique=False)
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quote", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("seen_on", sa.Date(), nullable=True))


def downgrade() -> None:
    drop_columns("contacts", "seen_on", "quote")
    op.drop_index("ix_bodies_nation", table_name="bodies")
    drop_columns("bodies", "nation")
