"""`foi init`, the bundled directory, `foi db`: issue 2's storage and directory checks."""

from __future__ import annotations

import csv
import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, shared_path


def test_init_creates_private_database_in_an_empty_folder(foi, isolated: Path) -> None:
    result = foi("init")
    assert result.exit_code == 0, result.stderr
    db = isolated / "requests.db"
    assert db.exists()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    assert "bodies:" in result.stdout


def test_init_loads_the_directory_and_is_idempotent(foi, db_url: str) -> None:
    first = foi("init", "--json", db=db_url)
    assert first.exit_code == 0, first.stderr
    assert first.json()["created"] > 100
    before = foi("body", "list", "--json", db=db_url, today="2026-11-27").json()
    again = foi("init", "--json", db=db_url).json()
    assert (
        again["created"],
        again["updated"],
        again["contacts_added"],
        again["evidence_added"],
    ) == (0, 0, 0, 0)
    after = foi("body", "list", "--json", db=db_url, today="2026-11-27").json()
    assert before == after


def test_directory_has_every_body_the_campaign_writes_to(foi, db_url: str) -> None:
    foi("init", db=db_url)
    bodies = foi("body", "list", "--json", db=db_url, today="2026-11-27").json()
    for obj in bodies:
        assert {"name", "kind", "ods_code", "status", "foi_subject", "email"} <= obj.keys()
    open_mh = {
        b["ods_code"]
        for b in bodies
        if b["kind"] == "mental-health-trust" and b["status"] == "open"
    }
    with shared_path("data", "mh_trusts.csv").open(encoding="utf-8", newline="") as fh:
        expected = {r["ods_code"] for r in csv.DictReader(fh) if r["status"].startswith("open")}
    assert len(expected) == 50
    assert open_mh == expected
    assert sum(b["kind"] == "nhs-england" for b in bodies) == 1
    assert sum(b["kind"] == "police-force" and b["nation"] != "scotland" for b in bodies) == 45
    with shared_path("data", "etr.csv").open(encoding="ascii", newline="") as fh:
        ambulance = {
            r[0] for r in csv.reader(fh) if "AMBULANCE" in r[1] and not r[11] and r[23] != "W"
        }
    assert {
        b["ods_code"]
        for b in bodies
        if b["kind"] == "ambulance-trust" and b["status"] == "open" and b["nation"] == "england"
    } == ambulance
    closed = [b for b in bodies if b["kind"] == "mental-health-trust" and b["status"] == "closed"]
    assert closed, "closed and merged trusts are kept, marked closed"


def test_missing_email_lists_the_gaps_and_third_party_addresses_are_unconfirmed(
    foi, db_url: str
) -> None:
    foi("init", db=db_url)
    gaps = foi("body", "list", "--missing-email", "--json", db=db_url, today="2026-11-27").json()
    assert gaps and all(b["email"] is None and b["status"] == "open" for b in gaps)
    police = foi("body", "show", "avon-and-somerset", "--json", db=db_url).json()
    assert police["email_confidence"] == "unconfirmed"
    assert all(c["source"] for c in police["contacts"])


def test_db_backup_is_a_consistent_private_copy(foi, isolated: Path) -> None:
    foi("init")
    result = foi("db", "backup", "copy.db")
    assert result.exit_code == 0, result.stderr
    copy = isolated / "copy.db"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    listed = foi("body", "list", "--json", db=str(copy), today="2026-11-27").json()
    assert len(listed) == len(foi("body", "list", "--json", today="2026-11-27").json())
    again = foi("db", "backup", "copy.db")
    assert again.exit_code != 0 and "already exists" in again.stderr


def test_db_backup_of_postgresql_points_to_pg_dump(foi) -> None:
    result = foi("db", "backup", "x.db", db="postgresql+psycopg://u@127.0.0.1:1/x")
    assert result.exit_code == 2
    assert "pg_dump" in result.stderr


def test_db_upgrade_on_current_database_says_so(foi) -> None:
    foi("init")
    result = foi("db", "upgrade")
    assert result.exit_code == 0
    assert "already at revision" in result.stdout


def test_console_script_runs_help_without_heavy_imports() -> None:
    code = (
        "import sys, foi.cli; heavy = [m for m in ('sqlalchemy', 'alembic', 'jinja2', "
        "'holidays', 'apscheduler', 'psycopg', 'icalendar', 'rich.console') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "[]"
    helped = subprocess.run(
        [sys.executable, "-m", "foi", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert helped.returncode == 0
    assert "Example:" in helped.stdout


def test_importing_foi_main_runs_nothing_but_python_m_foi_runs_the_cli() -> None:
    """foi/__main__.py runs the CLI only as `python -m foi` (or runpy), not when imported."""
    imported = subprocess.run(
        [sys.executable, "-c", "import foi.__main__; print('imported')"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert (imported.returncode, imported.stdout, imported.stderr) == (0, "imported\n", "")
    ran = subprocess.run(
        [sys.executable, "-m", "foi", "deadline", "2026-01-05", "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "FOI_TODAY": "2026-01-05"},
    )
    assert ran.returncode == 0, ran.stderr
    assert '"due": "2026-02-02"' in ran.stdout, ran.stdout
