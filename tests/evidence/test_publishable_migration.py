"""Migration 0007: attachments stored before it stay unpublished."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from foi.store import migrations as migrations_pkg


def test_attachments_from_before_0007_are_not_publishable(foi, db_url: str, isolated: Path) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations_pkg.__file__).parent))
    engine = create_engine(db_url if "://" in db_url else f"sqlite:///{db_url}")
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO attachments (sha256, size, filename, created_at) "
                "VALUES (:sha, 3, 'old.pdf', '2026-01-01 00:00:00')"
            ),
            {"sha": "a" * 64},
        )
    upgraded = foi("db", "upgrade", db=db_url)
    assert upgraded.exit_code == 0, upgraded.stderr
    with engine.connect() as conn:
        assert not conn.execute(text("SELECT publishable FROM attachments")).scalar_one()
        assert conn.execute(text("SELECT count(*) FROM attachments")).scalar_one() == 1
    engine.dispose()
