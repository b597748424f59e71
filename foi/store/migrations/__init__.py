"""Alembic migrations, shipped inside the package.

HEAD is the newest revision; the start-up check compares it with the database without
importing Alembic. tests/store/test_migrations.py checks it matches the scripts.
"""

KNOWN_REVISIONS: tuple[str, ...] = (
    "0001",
    "0002",
    "0003",
    "0005",
    "0006",
    "0007",
    "0010",
    "0015",
    "0011",
)
HEAD: str = KNOWN_REVISIONS[-1]
