"""APScheduler wiring for `foi remind daemon`: when to run the delivery pass, nothing more.

The pass itself is foi.reminders.delivery.deliver_due, shared with `foi remind run`. When IMAP
is configured, a job also reads the mailbox every FOI_IMAP_POLL_MINUTES
(foi.mail.fetch.fetch_new, shared with `foi inbox fetch`). Jobs live in
the `apscheduler_jobs` table of foi's own database, with fixed ids, importable callables
and a string argument, so a daemon restarted after a missed run executes it once on start
(misfire_grace_time=None, coalesce=True). APScheduler would otherwise drop a run missed by
more than a second, and `replace_existing` would overwrite the stored time of a missed run:
build_scheduler keeps that time when it has passed.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from foi.config import parse_hhmm
from foi.errors import FoiError, UsageError

if TYPE_CHECKING:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler
    from sqlalchemy.engine import URL

LONDON = ZoneInfo("Europe/London")
JOBS_TABLE = "apscheduler_jobs"  # foi/migrations/env.py leaves this table alone
DAILY_JOB = "foi-daily"
SYNC_JOB = "foi-user-reminders-sync"
USER_JOB = "foi-user-reminder-{id}"
SYNC_MINUTES = 5
POLL_JOB = "foi-imap-poll"
EXTRACT_JOB = "foi-extract"  # issue 19: works the reading queue in the background
EXTRACT_MINUTES = 1
# Set when the daemon is asked to stop: the reading job ends after the file it is reading.
_reading_stop = threading.Event()

log = logging.getLogger("foi.daemon")

# The running daemon's scheduler, for the sync job (a stored job can only name a function).
_scheduler: BlockingScheduler | None = None
# Jobs carry the database URL without its password (the jobs table is stored, backed up
# and logged about); the daemon that built them maps it back to the real one.
_real_urls: dict[str, str] = {}


def parse_reminder_time(text: str) -> tuple[int, int]:
    """Hour and minute of an HH:MM time (24-hour), or ValueError: the settings' own parser."""
    return parse_hhmm(text)


def _clock() -> tuple[date, datetime]:
    """Today and now as every foi command reads them (FOI_TODAY honoured)."""
    from foi.clock import now, today

    return today(), now()


def _job_database(url: URL) -> str:
    """The string a stored job carries for the database: the URL, password hidden."""
    from foi.store.engine import describe

    shown = describe(url)
    _real_urls[shown] = url.render_as_string(hide_password=False)
    return shown


def _real_database(database: str) -> str:
    """The database a job names, with the password this daemon knows put back."""
    return _real_urls.get(database, database)


def _log_digest(text: str) -> None:
    log.info("digest for a volunteer without an email address:\n%s", text)


def run_pass(database: str) -> None:
    """The scheduled job: one delivery pass, logged; never raises (the daemon carries on)."""
    try:
        _run_pass(_real_database(database))
    except FoiError as exc:
        log.error("reminder pass failed: %s", exc)
    except Exception as exc:
        log.exception("reminder pass failed (%s)", type(exc).__name__)


def _run_pass(database: str) -> None:
    from foi.config import load_settings
    from foi.reminders.delivery import deliver_due
    from foi.store.engine import ensure_schema, make_engine, require_database_file, resolve_url

    settings = load_settings(overrides={"database": database})  # re-read: edits apply next pass
    today, now = _clock()
    url = resolve_url(settings.database)
    require_database_file(url)
    engine = make_engine(url)
    try:
        ensure_schema(engine, url)
        report = deliver_due(engine, settings, today=today, now=now, printer=_log_digest)
    finally:
        engine.dispose()
    what = ", ".join(
        f"{d['reference']} {d['kind']} "
        + (f"to {d['recipient']}" if d["channel"] == "email" else "(printed)")
        for d in report.delivered
    )
    log.info(
        "delivered %d reminder(s): %s",
        len(report.delivered),
        f"{what} ({len(report.emailed)} digest(s) emailed, {report.printed} printed)"
        if what
        else "nothing due",
    )
    for err in report.errors:
        log.warning("not delivered, will retry next pass: %s", err)


def sync_user_reminders(database: str) -> None:
    """The scheduled job: give each timed user reminder from today on a job at its time."""
    try:
        _sync_user_reminders(database)
    except FoiError as exc:
        log.error("user reminder sync failed: %s", exc)
    except Exception as exc:
        log.exception("user reminder sync failed (%s)", type(exc).__name__)


def _sync_user_reminders(database: str) -> None:
    from apscheduler.triggers.date import DateTrigger
    from sqlalchemy import select

    from foi.store.engine import make_engine, require_database_file, resolve_url, session_scope
    from foi.store.models import UserReminder

    scheduler = _scheduler
    if scheduler is None:
        log.warning("user reminder sync: no scheduler is running in this process")
        return
    today, _ = _clock()
    # FOI_TODAY shifts foi's calendar; the scheduler runs on the real one.
    shift = today - date.today()
    real_now = datetime.now(LONDON)
    url = resolve_url(_real_database(database))
    require_database_file(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as s:
            rows = [
                (u.id, u.on, u.at)
                for u in s.scalars(
                    select(UserReminder).where(
                        UserReminder.at.is_not(None), UserReminder.on >= today
                    )
                )
            ]
    finally:
        engine.dispose()
    for rid, on, at in rows:
        try:
            hh, mm = parse_reminder_time(at or "")
        except ValueError:
            log.warning("user reminder %s has a bad time %r: left to the daily pass", rid, at)
            continue
        when = datetime.combine(on - shift, time(hh, mm), tzinfo=LONDON)
        if when <= real_now:
            continue  # past: the daily pass (or a stored job missed while down) covers it
        job_id = USER_JOB.format(id=rid)
        existing = scheduler.get_job(job_id)
        if existing is not None and getattr(existing, "next_run_time", None) == when:
            continue
        scheduler.add_job(
            "foi.reminders.daemon:run_pass",
            DateTrigger(run_date=when, timezone=LONDON),
            args=[database],
            id=job_id,
            name=f"foi user reminder {rid}",
            replace_existing=True,
        )
        log.info("user reminder %s: a pass is scheduled for %s", rid, f"{when:%Y-%m-%d %H:%M %Z}")


def poll_mailbox(database: str) -> None:
    """The scheduled job: import new mail from the IMAP mailbox; never raises."""
    try:
        _poll_mailbox(_real_database(database))
    except FoiError as exc:
        log.error("mailbox poll failed: %s", exc)
    except Exception as exc:
        log.exception("mailbox poll failed (%s)", type(exc).__name__)


def _poll_mailbox(database: str) -> None:
    from foi.config import load_settings
    from foi.mail.fetch import fetch_new
    from foi.mail.imap import ImapMailbox, imap_config
    from foi.store.engine import ensure_schema, make_engine, resolve_url

    settings = load_settings(overrides={"database": database})  # re-read: edits apply next poll
    if not settings.imap_host:
        log.info("mailbox poll: FOI_IMAP_HOST is no longer set; nothing read")
        return
    config = imap_config(settings)
    today, now = _clock()
    url = resolve_url(settings.database)
    own = settings.own_addresses()
    engine = make_engine(url)
    try:
        ensure_schema(engine, url)
        with ImapMailbox(config) as mailbox:
            result = fetch_new(
                engine,
                mailbox,
                folder=config.folder,
                today=today,
                now=now,
                own_addresses=own,
                max_attachment_bytes=settings.attachment_max_bytes,
            )
    finally:
        engine.dispose()
    sm = result.summary
    log.info(
        "mailbox %s read: %d new (%d matched, %d held, %d auto-replies, %d bounces, "
        "%d duplicates, %d unreadable)",
        result.folder,
        sm.total,
        sm.matched,
        sm.held,
        sm.auto_replies,
        sm.bounces,
        sm.duplicates,
        sm.errors,
    )


def read_files(database: str) -> None:
    """The scheduled job: read the queued files (foi extract, one worker); never raises."""
    try:
        _read_files(_real_database(database))
    except FoiError as exc:
        log.error("reading files failed: %s", exc)
    except Exception as exc:
        log.exception("reading files failed (%s)", type(exc).__name__)


def _read_files(database: str) -> None:
    from foi.reading import index
    from foi.reading.worker import work
    from foi.store.engine import ensure_schema, make_engine, resolve_url, session_scope

    url = resolve_url(database)
    engine = make_engine(url)
    try:
        ensure_schema(engine, url)
        done = work(
            engine,
            lambda: _clock()[1],
            workers=1,
            tag="daemon",
            should_stop=_reading_stop.is_set,
        )
        with session_scope(engine) as session:
            index.refresh(session)
    finally:
        engine.dispose()
    if done:
        failed = [d for d in done if d.failure]
        log.info("read %d file(s), %d failed", len(done) - len(failed), len(failed))


def _drop_job(store: SQLAlchemyJobStore, job_id: str) -> None:
    """Remove a stored job (the mailbox poll once IMAP is no longer configured)."""
    from sqlalchemy import delete, inspect

    with store.engine.begin() as conn:
        if inspect(conn).has_table(store.jobs_t.name, schema=store.jobs_t.schema):
            conn.execute(delete(store.jobs_t).where(store.jobs_t.c.id == job_id))


def _missed_run(store: SQLAlchemyJobStore, job_id: str) -> datetime | None:
    """The stored next run of a job if it has already passed (a run missed while down)."""
    import time as _time

    from sqlalchemy import inspect, select

    with store.engine.connect() as conn:
        if not inspect(conn).has_table(store.jobs_t.name, schema=store.jobs_t.schema):
            return None
        stamp = conn.execute(
            select(store.jobs_t.c.next_run_time).where(store.jobs_t.c.id == job_id)
        ).scalar()
    if stamp is None or stamp > _time.time():
        return None
    return datetime.fromtimestamp(stamp, LONDON)


# Any fixed number: the PostgreSQL advisory lock under which the jobs table is created.
_JOBS_TABLE_LOCK = 0x666F6A6F6273


def _create_jobs_table(store: SQLAlchemyJobStore) -> None:
    """Create APScheduler's table once, even when two daemons start at the same moment.

    The job store creates it on start with CREATE TABLE, which two PostgreSQL sessions racing
    on a new database both attempt (one fails on pg_type's unique index). Here it is created
    under a transaction-scoped advisory lock (SQLite: foi's BEGIN IMMEDIATE serialises it),
    so the store's own check later finds it there.
    """
    from sqlalchemy import text

    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _JOBS_TABLE_LOCK})
        store.jobs_t.create(conn, checkfirst=True)


def build_scheduler(
    database: str,
    *,
    reminder_time: str,
    interval_seconds: float | None,
    imap_poll_minutes: float | None = None,
) -> BlockingScheduler:
    """A scheduler with foi's jobs, stored in the same database (not started)."""
    global _scheduler
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    from foi.store.engine import make_engine, resolve_url

    try:
        hh, mm = parse_reminder_time(reminder_time)
    except ValueError:
        raise UsageError(
            f"reminder time {reminder_time!r}: use HH:MM (24-hour, UK time), e.g. 08:00"
        ) from None
    if interval_seconds is not None and not interval_seconds > 0:
        raise UsageError(f"--interval {interval_seconds:g}: give a number of seconds above 0")
    url = resolve_url(database)
    job_db = _job_database(url)
    # foi's own engine settings: BEGIN IMMEDIATE and a long busy timeout on SQLite, so the
    # job store queues behind `foi remind run` instead of failing with "database is locked".
    store = SQLAlchemyJobStore(engine=make_engine(url), tablename=JOBS_TABLE)
    _create_jobs_table(store)
    scheduler = BlockingScheduler(
        jobstores={"default": store},
        job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        timezone=LONDON,
    )
    trigger: Any
    if interval_seconds is not None:
        trigger = IntervalTrigger(seconds=interval_seconds, timezone=LONDON)
    else:
        trigger = CronTrigger(hour=hh, minute=mm, timezone=LONDON)
    extra: dict[str, Any] = {}
    missed = _missed_run(store, DAILY_JOB)
    if missed is not None:
        # replace_existing would recompute the next run from now and lose the missed one.
        extra["next_run_time"] = missed
    scheduler.add_job(
        "foi.reminders.daemon:run_pass",
        trigger,
        args=[job_db],
        id=DAILY_JOB,
        name="foi reminder pass",
        replace_existing=True,
        **extra,
    )
    scheduler.add_job(
        "foi.reminders.daemon:sync_user_reminders",
        IntervalTrigger(minutes=SYNC_MINUTES, timezone=LONDON),
        args=[job_db],
        id=SYNC_JOB,
        name="foi user reminder sync",
        replace_existing=True,
        next_run_time=datetime.now(LONDON) + timedelta(seconds=1),
    )
    # Every daemon on the database reads queued files; claims make each file read once.
    scheduler.add_job(
        "foi.reminders.daemon:read_files",
        IntervalTrigger(minutes=EXTRACT_MINUTES, timezone=LONDON),
        args=[job_db],
        id=EXTRACT_JOB,
        name="foi reading queue",
        replace_existing=True,
        next_run_time=datetime.now(LONDON) + timedelta(seconds=2),
    )
    if imap_poll_minutes is not None:
        # Every daemon on the database polls; fetch_new's row lock makes each message
        # imported once, by one of them (as claims do for reminders).
        scheduler.add_job(
            "foi.reminders.daemon:poll_mailbox",
            IntervalTrigger(seconds=imap_poll_minutes * 60, timezone=LONDON),
            args=[job_db],
            id=POLL_JOB,
            name="foi mailbox poll",
            replace_existing=True,
            next_run_time=datetime.now(LONDON) + timedelta(seconds=1),
        )
    else:
        _drop_job(store, POLL_JOB)
    _scheduler = scheduler
    return scheduler


def run_daemon(
    database: str,
    *,
    reminder_time: str,
    interval_seconds: float | None,
    on_ready: Callable[[BlockingScheduler], None] | None = None,
    imap_poll_minutes: float | None = None,
) -> int:
    """Run the scheduler until SIGTERM or SIGINT; returns the exit code (0)."""
    global _scheduler
    from apscheduler.events import EVENT_SCHEDULER_STARTED

    from foi.store.engine import (
        describe,
        ensure_schema,
        make_engine,
        require_database_file,
        resolve_url,
    )

    url = resolve_url(database)
    require_database_file(url)  # only foi init creates a database
    engine = make_engine(url)
    try:
        ensure_schema(engine, url)  # a missing or old database is refused, up front
    finally:
        engine.dispose()
    scheduler = build_scheduler(
        database,
        reminder_time=reminder_time,
        interval_seconds=interval_seconds,
        imap_poll_minutes=imap_poll_minutes,
    )
    hh, mm = parse_reminder_time(reminder_time)
    stopping = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        if stopping.is_set():
            return
        stopping.set()
        _reading_stop.set()  # the reading job stops after the file in hand
        log.info(
            "%s received: finishing any running pass, then stopping", signal.Signals(signum).name
        )
        scheduler.shutdown(wait=True)

    def _started(_event: object) -> None:
        daily = scheduler.get_job(DAILY_JOB)
        nxt = daily.next_run_time if daily is not None else None
        when = (
            f"every {interval_seconds:g} s instead of daily"
            if interval_seconds is not None
            else f"daily at {hh:02d}:{mm:02d} Europe/London"
        )
        log.info(
            "foi reminder daemon started (%s; next pass %s; database %s; pid %d)",
            when,
            f"{nxt:%Y-%m-%d %H:%M:%S %Z}" if nxt else "none",
            describe(url),
            os.getpid(),
        )
        if imap_poll_minutes is not None:
            log.info("reading the mailbox every %g minute(s)", imap_poll_minutes)
        if on_ready is not None:
            on_ready(scheduler)

    scheduler.add_listener(_started, EVENT_SCHEDULER_STARTED)
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            previous[sig] = signal.signal(sig, _stop)
    try:
        scheduler.start()  # blocks until shutdown
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if scheduler.running:
            scheduler.shutdown(wait=True)
        # SQLAlchemyJobStore.shutdown() disposes its engine, but the scheduler's last
        # wakeup can check a connection out again afterwards: dispose once more.
        scheduler._lookup_jobstore("default").engine.dispose()
        if _scheduler is scheduler:
            _scheduler = None
    log.info("foi reminder daemon stopped")
    return 0
