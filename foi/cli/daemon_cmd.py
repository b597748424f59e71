"""`foi remind daemon`: deliver reminders on a schedule, in the foreground, until stopped."""

from __future__ import annotations

import logging
import sys
import time

import typer

from foi.cli._common import env

LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"
LOG_HANDLER = "foi-daemon"


def configure_logging() -> None:
    """Log foi's daemon lines (INFO) and APScheduler's warnings to stderr, times in UTC."""
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(LOG_HANDLER)
    formatter = logging.Formatter(LOG_FORMAT, datefmt="%Y-%m-%dT%H:%M:%SZ")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    for name, level in (("foi", logging.INFO), ("apscheduler", logging.WARNING)):
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if h.get_name() == LOG_HANDLER]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False


def register(app: typer.Typer) -> None:
    """Add `foi remind daemon` to the `remind` app."""

    @app.command("daemon")
    def daemon(
        ctx: typer.Context,
        interval: float | None = typer.Option(
            None,
            "--interval",
            metavar="SECONDS",
            help="Run a pass every SECONDS instead of once a day (polling).",
        ),
        at: str | None = typer.Option(
            None,
            "--time",
            metavar="HH:MM",
            help="Daily run time, UK time (default: the reminder_time setting, 08:00).",
        ),
    ) -> None:
        """Deliver due reminders every day at a set time, until stopped (SIGTERM or Ctrl-C).

        Runs in the foreground and logs to stderr; run it under systemd or similar. The
        schedule is kept in the database, so a run missed while the daemon was down happens
        once when it starts again. Safe beside `foi remind run`: nothing is delivered twice.
        When FOI_IMAP_HOST is set, it also reads the mailbox every FOI_IMAP_POLL_MINUTES
        (as `foi inbox fetch` does, each message imported once even with two daemons).

        Example:  foi remind daemon --time 08:30
        """
        from foi.errors import ConfigError, UsageError
        from foi.reminders.daemon import parse_reminder_time, run_daemon

        e = env(ctx)
        if at is not None:
            try:
                hh, mm = parse_reminder_time(at)
            except ValueError:
                raise UsageError(
                    f"--time {at!r}: use HH:MM (24-hour, UK time), e.g. 08:30"
                ) from None
        else:
            try:
                hh, mm = parse_reminder_time(e.settings.reminder_time)
            except ValueError:
                raise ConfigError(
                    f"reminder_time {e.settings.reminder_time!r} (config file or "
                    "FOI_REMINDER_TIME): use HH:MM (24-hour, UK time), e.g. 08:00"
                ) from None
        if interval is not None and not interval > 0:
            raise UsageError(f"--interval {interval:g}: give a number of seconds above 0")
        configure_logging()
        code = run_daemon(
            e.settings.database,
            reminder_time=f"{hh:02d}:{mm:02d}",
            interval_seconds=interval,
            imap_poll_minutes=e.settings.imap_poll_minutes if e.settings.imap_host else None,
        )
        if code:
            raise typer.Exit(code)
