"""evidence in the database: blobs and their chunks

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 08:00:00.000000

The tables only. The files of an existing store (``requests-files/`` next to a SQLite file,
``./foi-files`` on PostgreSQL, or ``FOI_ATTACHMENTS_DIR``) are moved in by ``foi db upgrade``
right after this revision (``foi.cli.dbcmd`` with ``foi.evidence.blobs.adopt_file``), one
committed blob at a time, so that a killed move resumes where it stopped instead of holding
one transaction the size of the whole store (Alembic runs every revision in one).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_blobs")),
        sa.UniqueConstraint("sha256", name=op.f("uq_blobs_sha256")),
    )
    op.create_table(
        "blob_chunks",
        sa.Column("blob_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["blob_id"],
            ["blobs.id"],
            name=op.f("fk_blob_chunks_blob_id_blobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("blob_id", "seq", name=op.f("pk_blob_chunks")),
    )


def downgrade() -> None:
    op.drop_table("blob_chunks")
    op.drop_table("blobs")
