"""Test isolation and the two database backends.

Every test runs in its own temporary folder with a clean FOI_* environment and HOME.
Tests that take the `db_url` fixture run twice: on a real SQLite file, and on a real
PostgreSQL server when FOI_TEST_DATABASE_URL is set (`.ci/run` starts one). Under CI
(CI=true) a missing PostgreSQL is a failure, not a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PG_URL = os.environ.get("FOI_TEST_DATABASE_URL")


def shared_path(*parts: str) -> Path:
    """A file under ../shared, or skip the test with the reason."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared is read from the checkout's parent)")
    return path


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private working folder and environment for each test."""
    for key in list(os.environ):
        if key.startswith("FOI_") and key != "FOI_TEST_DATABASE_URL":
            monkeypatch.delenv(key, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    yield work


def _pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    import sqlalchemy as sa

    assert PG_URL is not None
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"foi_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_URL).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, isolated: Path) -> Iterator[str]:
    """A database URL: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield str(isolated / "requests.db")
        return
    if not PG_URL:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "CI=true but FOI_TEST_DATABASE_URL is not set: the PostgreSQL leg "
                "must run in CI (.ci/run starts PostgreSQL)"
            )
        pytest.skip("PostgreSQL leg: set FOI_TEST_DATABASE_URL (as .ci/run does) to run it")
    yield from _pg_database()


@pytest.fixture
def smtp() -> Iterator[tuple[object, int]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that records what it receives."""
    from aiosmtpd.controller import Controller

    from tests.smtpserver import Recorder, free_port

    handler = Recorder()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self):  # type: ignore[no-untyped-def]
        import json

        return json.loads(self.stdout)


@pytest.fixture
def foi(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run the CLI in-process: foi("body", "list", db=URL, today="2026-11-27")."""
    from typer.testing import CliRunner

    from foi.cli import app

    def run(
        *args: str,
        db: str | None = None,
        today: str | None = None,
        env: dict[str, str] | None = None,
        input: str | None = None,
    ) -> Result:
        full_env = dict(env or {})
        if db is not None:
            full_env["FOI_DATABASE_URL"] = db
        if today is not None:
            full_env["FOI_TODAY"] = today
            # Tests send to their own SMTP server on the day they act out (issue 21 refuses
            # a real send under FOI_TODAY without this).
            full_env.setdefault("FOI_TODAY_SENDS", "yes")
        result = CliRunner().invoke(
            app, list(args), env=full_env, input=input, catch_exceptions=False
        )
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


def pytest_report_header(config: pytest.Config) -> str:
    """Say at the top of the run whether the PostgreSQL leg will run."""
    if PG_URL:
        import sqlalchemy as sa

        safe = sa.engine.make_url(PG_URL).render_as_string(hide_password=True)
        return f"foi: PostgreSQL leg ON ({safe}); SQLite leg ON"
    return "foi: PostgreSQL leg OFF (set FOI_TEST_DATABASE_URL, as .ci/run does); SQLite leg ON"


_BACKEND_OF: dict[str, str] = {}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Remember which tests take the db_url fixture, and with which backend."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "db_url" in callspec.params:
            _BACKEND_OF[item.nodeid] = callspec.params["db_url"]


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    """Count the database tests that passed on each backend, so the log shows both legs ran."""
    counts = {"sqlite": 0, "postgresql": 0}
    for report in terminalreporter.stats.get("passed", []):
        if report.when == "call" and report.nodeid in _BACKEND_OF:
            counts[_BACKEND_OF[report.nodeid]] += 1
    terminalreporter.write_line(
        f"foi backends: {counts['sqlite']} database tests passed on SQLite, "
        f"{counts['postgresql']} on PostgreSQL"
    )


def empty_database(db: str = "requests.db") -> str:
    """Create foi's schema with no bodies in it (as `foi init` would, without the directory)."""
    from foi.store.engine import ensure_schema, make_engine, resolve_url

    url = resolve_url(db)
    engine = make_engine(url)
    try:
        ensure_schema(engine, url, create=True)
    finally:
        engine.dispose()
    return db


def sent_request(foi, body: str, on: str, *extra: str, title: str = "SIM") -> str:  # type: ignore[no-untyped-def]
    """Record a request to `body` sent on `on` (that day being today); return its reference."""
    result = foi(
        "request",
        "new",
        "--body",
        body,
        "--title",
        title,
        "--sent-on",
        on,
        *extra,
        "--json",
        today=on,
    )
    assert result.exit_code == 0, result.stderr
    return str(result.json()["reference"])
