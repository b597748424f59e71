"""Alembic migrations, shipped inside the package.

HEAD is the newest revision; the start-up check compares it with the database without
importing Alembic. tests/store/test_migrations.py checks it matches the scripts.
"""

KNOWN_REVISIONS: tuple[str, ...] = (
    "0001", "0002", "0003", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012", "0015",
    "0016",
)  # fmt: skip
HEAD: str = KNOWN_REVISIONS[-1]


def drop_columns(table: str, *names: str) -> None:
    """Drop columns in a downgrade without copying the table.

    Alembic's batch mode copies a SQLite table and drops the old one; with foi's
    ``PRAGMA foreign_keys=ON`` that DROP deletes every row first, and ON DELETE CASCADE
    empties the tables that point at it (a request's events, letters, answers). SQLite
    3.35+ drops a plain column in place, as PostgreSQL does.
    """
    from alembic import op

    for name in names:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{name}"')
        else:
            op.drop_column(table, name)
