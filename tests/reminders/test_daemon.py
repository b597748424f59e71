"""`foi remind daemon` as a real process against a real SMTP server on 127.0.0.1.

Every process runs with FOI_TODAY=2026-11-27, so requests sent on 2026-10-01 are very
overdue and each fires exactly one reminder. Waits are bounded; every process started here
is killed in a `finally`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import REPO

TODAY = "2026-11-27"
SENT = "2026-10-01"
JOB_IDS = {"foi-daily", "foi-user-reminders-sync", "foi-extract"}
# Until `daemon_cmd.register(remind_cmd.app)` is in foi/cli/__init__.py, wire it here.
WIRING = (
    "import sys; from foi.cli import app, daemon_cmd, remind_cmd; "
    "daemon_cmd.register(remind_cmd.app); sys.exit(app(prog_name='foi'))"
)


def daemon_argv(*args: str) -> list[str]:
    """`python -m foi remind daemon ARGS` once the command is wired, else through WIRING."""
    from foi.cli import remind_cmd

    if any(c.name == "daemon" for c in remind_cmd.app.registered_commands):
        return [sys.executable, "-m", "foi", "remind", "daemon", *args]
    return [sys.executable, "-c", WIRING, "remind", "daemon", *args]


def proc_env(db: str, port: int, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOI_")}
    env.update(
        HOME=str(home),
        FOI_TODAY=TODAY,
        FOI_DATABASE_URL=db,
        FOI_SMTP_HOST="127.0.0.1",
        FOI_SMTP_PORT=str(port),
        FOI_SMTP_SECURITY="none",
        FOI_FROM="reminders@campaign.example",
    )
    return env


def wait_for(what: str, check: Callable[[], object], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


class Daemon:
    """One daemon process, its stderr in a file."""

    def __init__(self, proc: subprocess.Popen[bytes], log: Path) -> None:
        self.proc = proc
        self.log = log

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def count(self, text: str) -> int:
        return self.stderr().count(text)

    def wait_log(self, text: str, times: int = 1, timeout: float = 15.0) -> None:
        def seen() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"daemon exited ({self.proc.returncode}):\n{self.stderr()}")
            return self.count(text) >= times

        try:
            wait_for(f"{text!r} x{times} in the daemon's log", seen, timeout)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- daemon stderr:\n{self.stderr()}") from None


@contextmanager
def daemon(env: dict[str, str], folder: Path, *args: str) -> Iterator[Daemon]:
    n = len(list(folder.glob("daemon-*.log")))
    log = folder / f"daemon-{n}.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            daemon_argv(*args),
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        yield Daemon(proc, log)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def remind_run(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "foi", "remind", "run", "--json"],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def overdue(foi, db: str, volunteer: str, email: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """A request sent on 2026-10-01 (very overdue today), assigned to a volunteer."""
    made = foi(
        "request", "new", "--body", "RXX", "--title", "t", "--sent-on", SENT, "--json",
        db=db, today=TODAY,
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    ref = made.json()["reference"]
    extra = ("--email", email) if email else ()
    done = foi("request", "assign", ref, volunteer, *extra, db=db, today=TODAY)
    assert done.exit_code == 0, done.stderr
    return str(ref)


def refs_in(text: str) -> list[str]:
    """The references a digest lists (one line per reminder: `- REF to BODY ...`)."""
    return re.findall(r"^- (FOI-\d{4}-\d{4}) ", text, re.M)


def mailed(handler) -> list[tuple[list[str], list[str]]]:  # type: ignore[no-untyped-def]
    """(recipients, references) for each digest the SMTP server received."""
    with handler.lock:
        received = list(handler.received)
    return [(r.rcpt_tos, refs_in(r.message.get_body(("plain",)).get_content())) for r in received]


def query(db: str, sql: str) -> list[tuple]:
    from sqlalchemy import text

    from foi.store.engine import make_engine, resolve_url

    engine = make_engine(resolve_url(db))
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def execute(db: str, sql: str) -> None:
    from sqlalchemy import text

    from foi.store.engine import make_engine, resolve_url

    engine = make_engine(resolve_url(db))
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def with_password(db: str) -> str:
    """A PostgreSQL URL with a password (trust auth ignores it); a SQLite path as it is."""
    if "://" not in db:
        return db
    from sqlalchemy.engine import make_url

    return make_url(db).set(password="s3cret-pw").render_as_string(hide_password=False)


def test_delivers_the_digest_once(foi, smtp, isolated: Path) -> None:
    handler, port = smtp
    db = str(isolated / "requests.db")
    assert foi("init", db=db).exit_code == 0
    ref = overdue(foi, db, "Sam", "sam@example.org")
    with daemon(proc_env(db, port, isolated.parent / "home"), isolated, "--interval", "1") as d:
        d.wait_log("delivered 1 reminder(s)")
        assert mailed(handler) == [(["sam@example.org"], [ref])]
        assert "foi reminder daemon started (every 1 s" in d.stderr()
        d.wait_log("delivered 0 reminder(s): nothing due", times=2, timeout=10)
        assert handler.count() == 1


def test_restart_catches_up_once_on_the_missed_run(foi, smtp, isolated: Path, db_url: str) -> None:
    handler, port = smtp
    db = with_password(db_url)
    assert foi("init", db=db).exit_code == 0
    first = overdue(foi, db, "Sam", "sam@example.org")
    env = proc_env(db, port, isolated.parent / "home")
    with daemon(env, isolated, "--interval", "1") as d:
        # wait for the log line, written after the delivery was committed: a kill between
        # the mail server's acceptance and the commit may repeat a digest, by design
        d.wait_log("delivered 1 reminder(s)")
        d.proc.send_signal(signal.SIGKILL)
        d.proc.wait(timeout=10)
    second = overdue(foi, db, "Sam", "sam@example.org")
    time.sleep(2.5)  # more than two intervals pass while the daemon is down
    # Back with a one-hour interval: only the stored, missed run can deliver now.
    with daemon(env, isolated, "--interval", "3600") as d:
        wait_for("the catch-up digest", lambda: handler.count() >= 2)
        d.wait_log("delivered 1 reminder(s)")
        time.sleep(1.0)
        assert mailed(handler) == [(["sam@example.org"], [first]), (["sam@example.org"], [second])]
        assert d.count("delivered ") == 1, d.stderr()  # the missed run, once
        rows = query(db, "SELECT id, next_run_time, job_state FROM apscheduler_jobs")
        assert {r[0] for r in rows} == JOB_IDS
        daily = next(r for r in rows if r[0] == "foi-daily")
        assert daily[1] > time.time() + 3000  # the new trigger replaced the old one
        assert all(b"s3cret-pw" not in bytes(r[2]) for r in rows)
        d.proc.send_signal(signal.SIGTERM)
        assert d.proc.wait(timeout=10) == 0
    assert "s3cret-pw" not in d.stderr()


@contextmanager
def contention(db: str) -> Iterator[None]:
    """Hold back every delivery claim while the block runs, so that they all go at once."""
    if "://" not in db:
        # Every foi transaction on SQLite is BEGIN IMMEDIATE: hold the write lock.
        lock = sqlite3.connect(db, timeout=10, isolation_level=None)
        try:
            lock.execute("BEGIN IMMEDIATE")
            yield
        finally:
            lock.close()
        return
    # PostgreSQL: everyone may read what is pending; the claims (INSERTs) wait, then race.
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    try:
        with engine.begin() as conn:
            conn.execute(text("LOCK TABLE reminder_deliveries IN EXCLUSIVE MODE"))
            yield
    finally:
        engine.dispose()


def test_beside_two_parallel_remind_runs_each_reminder_goes_once(
    foi, smtp, isolated: Path, db_url: str
) -> None:
    handler, port = smtp
    db = db_url
    assert foi("init", db=db).exit_code == 0
    refs = [overdue(foi, db, "Sam", "sam@example.org")]
    env = proc_env(db, port, isolated.parent / "home")
    with daemon(env, isolated, "--interval", "2") as d:
        d.wait_log("delivered 1 reminder(s)")
        next_pass = time.monotonic() + 2
        refs += [
            overdue(foi, db, "Sam", "sam@example.org"),
            overdue(foi, db, "Alex", "alex@example.org"),
            overdue(foi, db, "Alex", "alex@example.org"),
            overdue(foi, db, "Kim"),  # no email: printed
            overdue(foi, db, "Kim"),
        ]
        # All three (both runs, and the daemon's next pass) go for the same reminders.
        with contention(db):
            runs = [remind_run(env), remind_run(env)]
            time.sleep(max(2.0, next_pass + 0.5 - time.monotonic()))
        try:
            outputs = [p.communicate(timeout=30) for p in runs]
        finally:
            for p in runs:
                if p.poll() is None:
                    p.kill()
                    p.wait(timeout=10)
        for p, (_out, err) in zip(runs, outputs, strict=True):
            assert p.returncode == 0, err
        wait_for(
            "every reminder recorded",
            lambda: query(db, "SELECT count(*) FROM reminder_deliveries")[0][0] >= len(refs),
        )
        time.sleep(1.0)
        seen: Counter[str] = Counter()
        for _to, listed in mailed(handler):
            seen.update(listed)
        for out, _err in outputs:
            for digest in json.loads(out)["digests"]:
                seen.update(refs_in(digest))
        seen.update(refs_in(d.stderr()))  # the daemon logs the digests it prints
        assert seen == Counter(refs), d.stderr()
        for to, listed in mailed(handler):
            assert to in (["sam@example.org"], ["alex@example.org"]) and listed
    rows = query(
        db,
        "SELECT r.reference, d.kind, d.period_key FROM reminder_deliveries d "
        "JOIN requests r ON r.id = d.request_id",
    )
    assert len(rows) == len(set(rows)) == len(refs)
    assert sorted(r[0] for r in rows) == sorted(refs)


def test_sigterm_stops_cleanly(foi, isolated: Path) -> None:
    db = str(isolated / "requests.db")
    assert foi("init", db=db).exit_code == 0
    env = proc_env(db, 9, isolated.parent / "home")  # no mail is due: nothing connects
    with daemon(env, isolated, "--time", "7:30") as d:
        d.wait_log("foi reminder daemon started (daily at 07:30 Europe/London")
        d.proc.send_signal(signal.SIGTERM)
        assert d.proc.wait(timeout=5) == 0
        assert d.stderr().endswith("INFO foi reminder daemon stopped\n"), d.stderr()
    assert query(db, "SELECT count(*) FROM apscheduler_jobs WHERE id = 'foi-daily'") == [(1,)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--time", "25:00"),
            "foi: error: --time '25:00': use HH:MM (24-hour, UK time), e.g. 08:30",
        ),
        (("--interval", "0"), "foi: error: --interval 0: give a number of seconds above 0"),
    ],
)
def test_bad_options_are_one_line_errors(
    isolated: Path, args: tuple[str, ...], message: str
) -> None:
    env = proc_env(str(isolated / "requests.db"), 9, isolated.parent / "home")
    done = subprocess.run(
        daemon_argv(*args), cwd=REPO, env=env, capture_output=True, text=True, timeout=30
    )
    assert (done.returncode, done.stderr) == (2, message + "\n")
    assert not (isolated / "requests.db").exists()


def test_a_daily_run_missed_while_down_happens_once_on_start(foi, smtp, isolated: Path) -> None:
    from datetime import datetime, timedelta

    from foi.reminders.daemon import LONDON

    handler, port = smtp
    db = str(isolated / "requests.db")
    assert foi("init", db=db).exit_code == 0
    ref = overdue(foi, db, "Sam", "sam@example.org")
    env = proc_env(db, port, isolated.parent / "home")
    at = (datetime.now(LONDON) - timedelta(hours=1)).strftime("%H:%M")  # ~23 hours away
    with daemon(env, isolated, "--time", at) as d:
        d.wait_log(f"started (daily at {at} Europe/London")
        d.proc.send_signal(signal.SIGTERM)
        assert d.proc.wait(timeout=5) == 0
    assert handler.count() == 0
    # As if the daemon had been down when that time came yesterday.
    yesterday = time.time() - 86400
    execute(db, f"UPDATE apscheduler_jobs SET next_run_time = {yesterday} WHERE id = 'foi-daily'")
    with daemon(env, isolated, "--time", at) as d:
        wait_for("the catch-up digest", lambda: handler.count() >= 1)
        d.wait_log("delivered 1 reminder(s)")
        time.sleep(0.5)
        assert mailed(handler) == [(["sam@example.org"], [ref])]
        assert d.count("delivered ") == 1
        (stamp,) = query(db, "SELECT next_run_time FROM apscheduler_jobs WHERE id = 'foi-daily'")[0]
        nxt = datetime.fromtimestamp(stamp, LONDON)
        assert nxt > datetime.now(LONDON) and nxt.strftime("%H:%M") == at


def test_run_daemon_in_process_closes_every_connection(
    foi, isolated: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc
    import warnings
    from datetime import date, datetime

    from foi.reminders import daemon as scheduler
    from foi.reminders.daemon import LONDON, build_scheduler, run_daemon, sync_user_reminders

    monkeypatch.setattr(scheduler, "_scheduler", None)
    monkeypatch.setenv("FOI_TODAY", TODAY)
    assert foi("init", db=db_url).exit_code == 0
    ref = overdue(foi, db_url, "Sam", "sam@example.org")
    for on, at in (("2026-11-30", "10:00"), ("2026-12-01", None), (TODAY, "00:00")):
        extra = ("--at", at) if at else ()
        added = foi("remind", "add", ref, "--on", on, "--note", "ring", *extra, db=db_url)
        assert added.exit_code == 0, added.stderr
    ready: list[object] = []

    def stop_soon(s) -> None:  # type: ignore[no-untyped-def]
        # from another thread, as a signal would: the loop then wakes once more after stopping
        ready.append(s)
        threading.Timer(0.3, s.shutdown).start()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        code = run_daemon(db_url, reminder_time="08:00", interval_seconds=None, on_ready=stop_soon)
        gc.collect()
    assert code == 0 and len(ready) == 1
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert {r[0] for r in query(db_url, "SELECT id FROM apscheduler_jobs")} == JOB_IDS
    if "://" in db_url:
        name = db_url.rsplit("/", 1)[1]
        left = query(
            db_url,
            "SELECT count(*) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
        )
        assert left == [(0,)]
    # The sync job gives a timed reminder from today on a job at its time (UK time);
    # FOI_TODAY shifts foi's calendar onto the real one the scheduler runs on.
    s = build_scheduler(db_url, reminder_time="08:00", interval_seconds=None)
    try:
        sync_user_reminders(s.get_job("foi-user-reminders-sync").args[0])
        shift = date.fromisoformat(TODAY) - date.today()
        job = s.get_job("foi-user-reminder-1")
        assert job is not None and job.args == s.get_job("foi-daily").args
        assert job.trigger.run_date == datetime(2026, 11, 30, 10, 0, tzinfo=LONDON) - shift
        assert s.get_job("foi-user-reminder-2") is None  # no time: the daily pass has it
        assert s.get_job("foi-user-reminder-3") is None  # already past
    finally:
        s._lookup_jobstore("default").engine.dispose()


def test_a_failing_pass_is_logged_not_raised(
    isolated: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from foi.reminders.daemon import run_pass

    bad = isolated / "not-a-database.db"
    bad.write_bytes(b"this is not SQLite" * 100)
    with caplog.at_level("INFO", logger="foi.daemon"):
        run_pass(str(bad))
    assert [r.levelname for r in caplog.records] == ["ERROR"]
    assert caplog.records[0].getMessage().startswith("reminder pass failed")


def test_stored_jobs_name_the_database_without_its_password() -> None:
    from sqlalchemy.engine import make_url

    from foi.reminders.daemon import _job_database, _real_database

    url = make_url("postgresql+psycopg://foi:s3cret-pw@db.example:5432/foi")
    stored = _job_database(url)
    assert stored == "postgresql+psycopg://foi:***@db.example:5432/foi"
    assert _real_database(stored) == "postgresql+psycopg://foi:s3cret-pw@db.example:5432/foi"
    assert _real_database("/srv/foi/requests.db") == "/srv/foi/requests.db"
