"""imap folders: how far each mailbox folder has been read

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-05 08:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "imap_folders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=400), nullable=False),
        sa.Column("folder", sa.String(length=400), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=True),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("to_move", sa.JSON(), nullable=True),
        sa.Column("last_read_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imap_folders")),
        sa.UniqueConstraint("account", "folder", name=op.f("uq_imap_folders_account")),
    )


def downgrade() -> None:
    op.drop_table("imap_folders")
