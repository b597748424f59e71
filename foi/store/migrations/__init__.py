"""Alembic migrations, shipped inside the package.

HEAD is the newest revision; the start-up check compares it with the database without
importing Alembic. tests/store/test_migrations.py checks it matches the scripts.
"""

KNOWN_REVISIONS: tuple[str, ...] = (
    "0001", "0002", "0003", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012", "0015",
    "0016",
)  # fmt: skip
HEAD: str = KNOWN_REVISIONS[-1]
