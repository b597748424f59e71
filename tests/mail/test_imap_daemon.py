"""The reminder daemon reads the mailbox: each message imported once, even by two daemons."""

from __future__ import annotations

import re
from pathlib import Path

from tests.mail.imapserver import Dovecot
from tests.mail.test_imap_fetch import corpus, ids, rows
from tests.reminders.test_daemon import daemon, proc_env, wait_for

NEW = re.compile(r"mailbox INBOX read: (\d+) new")


def _imported(*logs: str) -> int:
    return sum(int(n) for log in logs for n in NEW.findall(log))


def test_two_daemons_poll_and_import_each_message_once(
    foi, isolated: Path, db_url: str, dovecot: Dovecot
) -> None:
    assert foi("init", db=db_url).exit_code == 0
    dovecot.append(corpus(60))
    env = {
        **proc_env(db_url, 1, isolated.parent / "home"),
        **dovecot.env(),
        "FOI_IMAP_POLL_MINUTES": "0.02",  # every 1.2 s
        "FOI_ATTACHMENTS_DIR": str(isolated / "files"),
    }
    with daemon(env, isolated) as a, daemon(env, isolated) as b:
        a.wait_log("reading the mailbox every 0.02 minute(s)")
        b.wait_log("reading the mailbox every 0.02 minute(s)")
        wait_for("60 messages imported", lambda: len(rows(db_url)) >= 60, timeout=60)
        a.wait_log("mailbox INBOX read:", times=2, timeout=30)
        b.wait_log("mailbox INBOX read:", times=2, timeout=30)
        dovecot.append(corpus(10, start=60))
        wait_for("70 messages imported", lambda: len(rows(db_url)) >= 70, timeout=60)
        polls = (a.count("mailbox INBOX read:"), b.count("mailbox INBOX read:"))
        a.wait_log("mailbox INBOX read:", times=polls[0] + 1, timeout=30)
        b.wait_log("mailbox INBOX read:", times=polls[1] + 1, timeout=30)
        logs = (a.stderr(), b.stderr())
    stored = rows(db_url)
    assert len(stored) == 70 and {m for m, _ in stored} == ids(70)
    # Between them the two daemons reported each message once, whoever read it.
    assert _imported(*logs) == 70, logs
    assert "mailbox poll failed" not in "".join(logs)
    assert dovecot.count() == 70  # read, not moved


def test_the_poll_job_goes_when_imap_is_unset(
    foi, isolated: Path, db_url: str, dovecot: Dovecot
) -> None:
    from foi.reminders.daemon import POLL_JOB, build_scheduler
    from tests.reminders.test_daemon import query

    assert foi("init", db=db_url).exit_code == 0
    env = {**proc_env(db_url, 1, isolated.parent / "home"), **dovecot.env()}
    with daemon(env, isolated) as d:
        d.wait_log("mailbox INBOX read: 0 new")
    assert (POLL_JOB,) in query(db_url, "SELECT id FROM apscheduler_jobs")
    scheduler = build_scheduler(
        db_url, reminder_time="08:00", interval_seconds=None, imap_poll_minutes=None
    )
    scheduler._lookup_jobstore("default").engine.dispose()
    assert (POLL_JOB,) not in query(db_url, "SELECT id FROM apscheduler_jobs")
