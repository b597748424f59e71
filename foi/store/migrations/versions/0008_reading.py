"""reading: extracted text per file and page, the extraction queue, the search index,
evidence suggestions

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 22:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite: an external-content FTS5 index over search_docs.stems, kept by triggers. The
# stems are already lower-cased and stemmed in Python, so 'unicode61' only splits on spaces.
SQLITE_FTS = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(stems, content='search_docs', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN "
    "INSERT INTO search_fts(rowid, stems) VALUES (new.id, new.stems); END",
    "CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, stems) VALUES ('delete', old.id, old.stems); END",
    "CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, stems) VALUES ('delete', old.id, old.stems); "
    "INSERT INTO search_fts(rowid, stems) VALUES (new.id, new.stems); END",
)
# PostgreSQL: search_docs.tsv holds to_tsvector('simple', …) of the stems and their pairs
# (written by foi.reading.index; 'simple' does no stemming of its own), GIN-indexed; `foi
# search` queries it with to_tsquery.
PG_TSV = ("CREATE INDEX ix_search_docs_tsv ON search_docs USING gin (tsv)",)


def upgrade() -> None:
    op.create_table(
        "extractions",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("filename", sa.String(length=300), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_extractions")),
    )
    op.create_index(op.f("ix_extractions_state"), "extractions", ["state"], unique=False)
    op.create_table(
        "page_texts",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("part", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["extractions.sha256"],
            name=op.f("fk_page_texts_sha256_extractions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sha256", "page", name=op.f("pk_page_texts")),
    )
    op.create_table(
        "search_docs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("stems", sa.Text(), nullable=False),
        sa.Column("tsv", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_docs")),
        sa.UniqueConstraint("key", name=op.f("uq_search_docs_key")),
    )
    op.create_index(op.f("ix_search_docs_sha256"), "search_docs", ["sha256"], unique=False)
    op.create_index("ix_search_docs_kind_ref", "search_docs", ["kind", "ref_id"], unique=False)
    op.create_table(
        "evidence_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("inbox_id", sa.Integer(), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("suggested_status", sa.String(length=20), nullable=True),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachments.id"],
            name=op.f("fk_evidence_suggestions_attachment_id_attachments"),
        ),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["bodies.id"],
            name=op.f("fk_evidence_suggestions_body_id_bodies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["evidence.id"],
            name=op.f("fk_evidence_suggestions_evidence_id_evidence"),
        ),
        sa.ForeignKeyConstraint(
            ["inbox_id"], ["inbox.id"], name=op.f("fk_evidence_suggestions_inbox_id_inbox")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_evidence_suggestions_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_suggestions")),
        sa.UniqueConstraint("key", name=op.f("uq_evidence_suggestions_key")),
    )
    op.create_index(
        op.f("ix_evidence_suggestions_body_id"), "evidence_suggestions", ["body_id"], unique=False
    )
    op.create_index(
        op.f("ix_evidence_suggestions_state"), "evidence_suggestions", ["state"], unique=False
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in PG_TSV:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("search_docs_ai", "search_docs_ad", "search_docs_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_docs_tsv")
    op.drop_index(op.f("ix_evidence_suggestions_state"), table_name="evidence_suggestions")
    op.drop_index(op.f("ix_evidence_suggestions_body_id"), table_name="evidence_suggestions")
    op.drop_table("evidence_suggestions")
    op.drop_index("ix_search_docs_kind_ref", table_name="search_docs")
    op.drop_index(op.f("ix_search_docs_sha256"), table_name="search_docs")
    op.drop_table("search_docs")
    op.drop_table("page_texts")
    op.drop_index(op.f("ix_extractions_state"), table_name="extractions")
    op.drop_table("extractions")
