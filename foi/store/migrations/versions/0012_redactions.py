"""redactions: redacted copies of attachments, reviews of their personal-data findings, and
campaigns' terms kept out of print

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "redactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachments.id"],
            name=op.f("fk_redactions_attachment_id_attachments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redactions")),
    )
    op.create_index(
        op.f("ix_redactions_attachment_id"), "redactions", ["attachment_id"], unique=False
    )
    op.create_index(op.f("ix_redactions_sha256"), "redactions", ["sha256"], unique=False)
    op.create_table(
        "attachment_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachments.id"],
            name=op.f("fk_attachment_reviews_attachment_id_attachments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment_reviews")),
    )
    op.create_index(
        op.f("ix_attachment_reviews_attachment_id"),
        "attachment_reviews",
        ["attachment_id"],
        unique=False,
    )
    op.create_table(
        "redaction_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=300), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_redaction_terms_campaign_id_campaigns"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_redaction_terms")),
        sa.UniqueConstraint("campaign_id", "term", name=op.f("uq_redaction_terms_campaign_id")),
    )
    op.create_index(
        op.f("ix_redaction_terms_campaign_id"), "redaction_terms", ["campaign_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_redaction_terms_campaign_id"), table_name="redaction_terms")
    op.drop_table("redaction_terms")
    op.drop_index(op.f("ix_attachment_reviews_attachment_id"), table_name="attachment_reviews")
    op.drop_table("attachment_reviews")
    op.drop_index(op.f("ix_redactions_sha256"), table_name="redactions")
    op.drop_index(op.f("ix_redactions_attachment_id"), table_name="redactions")
    op.drop_table("redactions")
