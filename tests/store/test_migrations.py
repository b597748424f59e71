"""Migrations: from empty, from the previous revision with data, and no drift from the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

import foi.store.migrations
from foi.store import engine as db
from foi.store.migrations import HEAD
from foi.store.models import Base

MIGRATIONS = Path(foi.store.migrations.__file__).parent


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def test_head_constant_matches_the_scripts() -> None:
    scripts = ScriptDirectory.from_config(_config())
    assert scripts.get_current_head() == foi.store.migrations.HEAD
    assert [s.revision for s in reversed(list(scripts.walk_revisions()))] == list(
        foi.store.migrations.KNOWN_REVISIONS
    )


def test_empty_database_migrates_to_head_without_drift(db_url: str) -> None:
    url = db.resolve_url(db_url)
    engine = db.make_engine(url)
    try:
        db.ensure_schema(engine, url, create=True)
        assert db.current_revision(engine)[0] == foi.store.migrations.HEAD
        with engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    # The search index lives outside the metadata: SQLite's FTS5 tables and
                    # PostgreSQL's GIN expression index (migration 0008).
                    "include_object": lambda o, n, t, r, c: (
                        not (
                            (
                                t == "table"
                                and (n == "apscheduler_jobs" or n.startswith("search_fts"))
                            )
                            or (t == "index" and n == "ix_search_docs_tsv")
                        )
                    ),
                },
            )
            assert compare_metadata(ctx, Base.metadata) == []
    finally:
        engine.dispose()


def test_upgrade_from_previous_revision_keeps_data(foi, isolated: Path) -> None:
    from alembic import command

    path = isolated / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO bodies (name, kind, foi_subject, regime, created_at, "
                "updated_at) VALUES ('Old Trust', 'mental-health-trust', 1, 'foia', "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
    engine.dispose()
    refused = foi("body", "list", db=str(path))
    assert refused.exit_code == 5
    assert "older revision (0001)" in refused.stderr and "foi db upgrade" in refused.stderr
    upgraded = foi("db", "upgrade", db=str(path))
    assert upgraded.exit_code == 0, upgraded.stderr
    assert f"from 0001 to {HEAD}" in upgraded.stdout
    listed = foi("body", "list", "--json", db=str(path)).json()
    assert [b["name"] for b in listed] == ["Old Trust"]
    cols = {c["name"] for c in inspect(create_engine(f"sqlite:///{path}")).get_columns("letters")}
    assert "covers" in cols


def test_upgrade_moves_sar_evidence_off_the_body(foi, isolated: Path) -> None:
    """0015: evidence a SAR produced before 0.3.0 leaves the body's evidence for the SAR's event."""
    from alembic import command

    path = isolated / "leaky.db"
    engine = create_engine(f"sqlite:///{path}")
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
    stamp = "'2026-11-20 00:00:00'"
    with engine.begin() as conn:
        for sql in (
            "INSERT INTO bodies (id, name, kind, foi_subject, regime, created_at, updated_at) "
            f"VALUES (1, 'Alpha Trust', 'mental-health-trust', 1, 'foia', {stamp}, {stamp})",
            "INSERT INTO requests (id, reference, title, body_id, regime, created_at, "
            f"updated_at, status) VALUES (1, 'FOI-2026-0001', 'SIM', 1, 'foia', {stamp}, "
            f"{stamp}, 'awaiting-response'), (2, 'FOI-2026-0002', 'My records', 1, 'sar', "
            f"{stamp}, {stamp}, 'successful')",
            'INSERT INTO events (id, request_id, kind, "on", recorded_at, data) VALUES '
            f"(1, 1, 'sent', '2026-11-02', {stamp}, NULL), "
            f"(2, 2, 'response', '2026-11-20', {stamp}, '{{\"exemptions\": []}}')",
            "INSERT INTO evidence (id, body_id, status, source, quote, local_name, event_id, "
            "recorded_at) VALUES "
            f"(1, 1, 'adopted', 'FOI-2026-0002', 'SECRET QUOTE', 'Secret Team', 2, {stamp}), "
            f"(2, 1, 'piloted', 'foi-2026-0002', 'typed by hand', NULL, NULL, {stamp}), "
            f"(3, 1, 'denied', 'FOI-2026-0001', 'public reply', NULL, NULL, {stamp})",
        ):
            conn.execute(text(sql))
    engine.dispose()
    assert foi("db", "upgrade", db=str(path)).exit_code == 0
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        left = conn.execute(text("SELECT id, quote FROM evidence ORDER BY id")).all()
        data = conn.execute(text("SELECT data FROM events WHERE id = 2")).scalar_one()
    engine.dispose()
    assert [tuple(r) for r in left] == [(3, "public reply")]
    import json

    kept = json.loads(data)
    assert kept["sim_status"] == "adopted" and kept["quote"] == "SECRET QUOTE"
    assert kept["local_name"] == "Secret Team"


def test_downgrade_keeps_every_row(foi, db_url: str) -> None:
    """Each downgrade drops its columns in place: on SQLite (foreign keys on, as foi runs it)
    batch mode's copy-and-drop of `requests` used to cascade and delete every event."""
    from alembic import command

    assert foi("init", db=db_url).exit_code == 0
    made = foi(
        "request", "new", "--body", "RTQ", "--title", "SIM", "--sent-on", "2026-11-02",
        "--json", db=db_url, today="2026-11-20",
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    ref = made.json()["reference"]
    logged = foi("request", "log", ref, "acknowledged", "--on", "2026-11-03", db=db_url)
    assert logged.exit_code == 0, logged.stderr
    counts = "SELECT (SELECT count(*) FROM bodies), (SELECT count(*) FROM requests), " \
        "(SELECT count(*) FROM events), (SELECT count(*) FROM contacts)"  # fmt: skip
    url = db.resolve_url(db_url)
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            before = tuple(conn.execute(text(counts)).one())
        assert before[1] == 1 and before[2] >= 2, before
        cfg = _config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")
        with engine.connect() as conn:
            assert tuple(conn.execute(text(counts)).one()) == before
        db.upgrade(engine)
        with engine.connect() as conn:
            assert tuple(conn.execute(text(counts)).one()) == before
    finally:
        engine.dispose()
    shown = foi("request", "show", ref, "--json", db=db_url)
    assert shown.exit_code == 0, shown.stderr
