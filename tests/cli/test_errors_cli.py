"""Every user error: one line on stderr, a non-zero exit, no traceback, nothing changed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


def one_line_error(result, code: int | None = None) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0
    if code is not None:
        assert result.exit_code == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert lines[0].startswith("foi: error: ")
    return lines[0]


def test_unknown_body_lists_close_matches(foi) -> None:
    foi("init")
    line = one_line_error(foi("body", "show", "Surrey and Boarders Partnership"), 3)
    assert "did you mean" in line and "Surrey and Borders" in line


def test_ambiguous_body_asks_to_be_specific(foi) -> None:
    foi("init")
    line = one_line_error(foi("body", "show", "London"), 2)
    assert "matches" in line and "be more specific" in line


def test_bad_date(foi) -> None:
    foi("init")
    ref = foi("request", "new", "--body", "RXX", "--title", "t").stdout.split(":")[0]
    line = one_line_error(foi("request", "log", ref, "sent", "--on", "31/12/2026"), 2)
    assert "'31/12/2026' is not a date: use YYYY-MM-DD" in line


def test_bad_foi_today(foi) -> None:
    line = one_line_error(foi("body", "list", today="tomorrow"), 2)
    assert "FOI_TODAY" in line


@pytest.mark.parametrize(
    "url",
    ["mysql://root@localhost/foi", "postgresql+psycopg2://x@y/z", "missing-folder/requests.db"],
)
def test_bad_database_url(foi, url: str) -> None:
    result = foi("body", "list", db=url)
    if "://" in url:
        one_line_error(result, 2)
    else:  # not a URL: a file path in a folder that does not exist, so no foi database
        assert "no foi database at" in one_line_error(result, 5)


def test_unreachable_postgresql_hides_the_password(foi) -> None:
    result = foi("body", "list", db="postgresql+psycopg://foi:s3cret@127.0.0.1:9/foi")
    line = one_line_error(result, 5)
    assert "s3cret" not in result.stderr + result.stdout
    assert "cannot connect" in line


def test_unreadable_or_missing_import_file(foi, isolated: Path) -> None:
    foi("init")
    line = one_line_error(foi("body", "import", "nope.csv"))
    assert "nope.csv" in line
    garbage = isolated / "garbage.csv"
    garbage.write_bytes(b"\x00\x01\x02\xff\xfe binary")
    one_line_error(foi("body", "import", str(garbage)))


def test_unknown_event_and_refused_transition(foi) -> None:
    foi("init")
    ref = foi("request", "new", "--body", "RXX", "--title", "t").stdout.split(":")[0]
    assert "did you mean response" in one_line_error(
        foi("request", "log", ref, "responce", "--on", "2026-11-02"), 2
    )
    line = one_line_error(
        foi(
            "request",
            "log",
            ref,
            "response",
            "--on",
            "2026-11-02",
            "--outcome",
            "successful",
            today="2026-11-27",
        ),
        4,
    )
    assert "has not been sent yet" in line


# A database at an older revision: see tests/test_migrations.py (a real 0001 database).


def test_database_from_a_newer_foi(foi, isolated: Path) -> None:
    foi("init")
    with sqlite3.connect(isolated / "requests.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    assert "newer foi" in one_line_error(foi("body", "list"), 5)


def test_not_a_sqlite_file(foi, isolated: Path) -> None:
    (isolated / "notes.txt").write_text("hello " * 1000)
    one_line_error(foi("body", "list", db=str(isolated / "notes.txt")), 5)


def test_read_only_database_file_fails_cleanly_and_keeps_data(isolated: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOI_")}
    db = isolated / "requests.db"
    env.update(FOI_DATABASE_URL=str(db), HOME=str(isolated), FOI_TODAY="2026-11-27")
    cmd = [sys.executable, "-m", "foi"]
    subprocess.run([*cmd, "init"], cwd=REPO, env=env, check=True, capture_output=True)
    with sqlite3.connect(db) as conn:  # rollback-journal mode: a reader needs no -shm file
        conn.execute("PRAGMA journal_mode=DELETE")
    os.chmod(db, 0o400)
    immutable = False
    if os.geteuid() == 0:  # root ignores permission bits: make the file immutable instead
        done = subprocess.run(["chattr", "+i", str(db)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("running as root on a file system without chattr +i")
        immutable = True
    try:
        result = subprocess.run(
            [*cmd, "body", "add", "A Coroner", "--kind", "coroner", "--not-foi"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
        )
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(db)], check=True)
        os.chmod(db, 0o600)
    assert result.returncode == 5, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "read-only" in result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM bodies WHERE name='A Coroner'").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM bodies").fetchone()[0] > 100


@pytest.mark.parametrize(
    "args",
    [
        ("status",),
        ("request", "list"),
        ("body", "list"),
        ("inbox", "list"),
        ("remind", "list"),
        ("send", "--campaign", "x"),
    ],
)
def test_no_command_but_init_creates_a_database(foi, isolated: Path, args: tuple[str, ...]) -> None:
    result = foi(*args)
    line = one_line_error(result, 5)
    assert line == (
        f"foi: error: no foi database at {isolated / 'requests.db'}: run 'foi init' here, "
        "or set FOI_DATABASE_URL / --db"
    )
    assert list(isolated.iterdir()) == []


def test_an_empty_database_is_refused_until_init(foi, db_url: str) -> None:
    if "://" not in db_url:
        sqlite3.connect(db_url).close()  # an empty file, e.g. left by another tool
    line = one_line_error(foi("status", db=db_url), 5)
    assert "no foi database at" in line and "run 'foi init' here" in line
    assert foi("init", db=db_url).exit_code == 0
    assert foi("status", db=db_url).exit_code == 0
    assert foi("db", "upgrade", db=db_url).exit_code == 0
