"""`foi remind` (what is due; one delivery pass; your own reminders), `foi status`,
`foi calendar export`."""

from __future__ import annotations

from pathlib import Path

import typer

from foi.cli._common import emit_json, env, info, open_engine, out, parse_date, session, table

app = typer.Typer(
    help="Reminders before, on and after every deadline, delivered once each.\n\n"
    "Example:  foi remind list --assignee Sam",
    no_args_is_help=True,
)
calendar_app = typer.Typer(
    help="Deadlines in your calendar.\n\nExample:  foi calendar export deadlines.ics",
    no_args_is_help=True,
)


def _row(r) -> dict:  # type: ignore[no-untyped-def]
    return {
        "reference": r.reference,
        "kind": r.kind,
        "fires_on": r.fires_on.isoformat(),
        "deadline": r.deadline.isoformat() if r.deadline else None,
        "assignee": r.assignee,
        "assignee_email": r.assignee_email,
        "message": r.message,
        "next_step": r.next_step,
        "urgency": r.urgency,
    }


@app.command("list")
def list_(
    ctx: typer.Context,
    assignee: str | None = typer.Option(None, "--assignee", help="Only this volunteer's."),
    horizon: int = typer.Option(20, "--horizon", help="Upcoming: this many working days."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Show reminders due now (not yet delivered) and those coming up.

    Example:  foi remind list --horizon 10
    """
    from foi.casework.user_holidays import holiday_set, sync
    from foi.reminders.store import coming, pending

    if horizon < 0:
        from foi.errors import UsageError

        raise UsageError("--horizon takes a number of working days, 0 or more")
    e = env(ctx)
    st = e.settings
    with session(e) as s:
        if assignee:
            from foi.casework.requests import get_volunteer

            get_volunteer(s, assignee, e.now, create=False)  # an unknown name is an error
        sync(s)
        hs = holiday_set(s)
        due = pending(
            s,
            hs,
            today=e.today,
            now=e.now,
            due_soon_days=st.due_soon_days,
            default_assignee=st.default_assignee,
            assignee=assignee,
        )
        later = coming(
            s,
            hs,
            today=e.today,
            horizon=horizon,
            due_soon_days=st.due_soon_days,
            default_assignee=st.default_assignee,
            assignee=assignee,
        )
    if json_out:
        emit_json({"due": [_row(r) for r in due], "upcoming": [_row(r) for r in later]})
        return
    if not due and not later:
        info("nothing due or coming up")
        return
    if due:
        table(
            ("ref", "kind", "since", "who", "reminder"),
            [(r.reference, r.kind, r.fires_on, r.assignee, r.message) for r in due],
            title=f"{len(due)} due now",
        )
    if later:
        table(
            ("ref", "kind", "on", "who", "reminder"),
            [(r.reference, r.kind, r.fires_on, r.assignee, r.message) for r in later],
            title=f"{len(later)} coming up",
        )


@app.command("add")
def add(
    ctx: typer.Context,
    reference: str = typer.Argument(..., help="e.g. FOI-2026-0001"),
    on: str = typer.Option(..., "--on", help="Date (YYYY-MM-DD)."),
    note: str = typer.Option(..., "--note", help="What to do."),
    at: str | None = typer.Option(None, "--at", help="Time on that day, HH:MM (UK time)."),
    assignee: str | None = typer.Option(
        None, "--assignee", help="Who to remind (default: the request's volunteer)."
    ),
) -> None:
    """Add your own dated reminder to a request.

    Example:  foi remind add FOI-2026-0001 --on 2027-01-15 --note "ring the FOI officer" --at 10:00
    """
    from foi.reminders.store import add_user_reminder

    e = env(ctx)
    with session(e) as s:
        u = add_user_reminder(
            s,
            reference,
            on=parse_date(on, "--on"),
            note=note,
            at=at,
            assignee=assignee,
            today=e.today,
            now=e.now,
        )
        line = f"reminder {u.id} set for {u.on}" + (f" {u.at}" if u.at else "")
    out(line)  # once committed


@app.command("run")
def run(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Deliver every due reminder once (for cron or a systemd timer): one digest per volunteer.

    Digests go by email through the SMTP settings to each volunteer with an address, and
    are printed otherwise. Running it twice, or beside the daemon, never delivers twice.

    Example:  foi remind run --json
    """
    from foi.reminders.delivery import deliver_due

    e = env(ctx)
    printed: list[str] = []
    with open_engine(e) as engine:
        report = deliver_due(engine, e.settings, today=e.today, now=e.now, printer=printed.append)
    if json_out:
        emit_json({**report.as_dict(), "digests": printed})
    else:
        for text in printed:
            out(text)
        out(
            f"{len(report.delivered)} reminder(s) delivered: {len(report.emailed)} digest(s) "
            f"emailed, {report.printed} printed"
        )
    for err in report.errors:
        info(f"  not delivered: {err}")
    if report.errors:
        raise typer.Exit(7)


def register(root: typer.Typer) -> None:
    """Add `foi status`."""

    @root.command("status")
    def status(ctx: typer.Context, json_out: bool = typer.Option(False, "--json")) -> None:
        """One line: what is overdue, due soon, waiting to be classified or held.

        Example:  foi status
        """
        from foi.casework.status import status_counts
        from foi.casework.user_holidays import holiday_set, sync

        e = env(ctx)
        with session(e) as s:
            sync(s)
            counts = status_counts(
                s, today=e.today, holidays=holiday_set(s), due_soon_days=e.settings.due_soon_days
            )
        data = counts.as_dict()
        classify, held, drafts = counts.needs_classification, counts.held_messages, counts.drafts
        undelivered = counts.delivery_failed
        if json_out:
            emit_json(data)
            return
        line = (
            f"{data['overdue']} overdue ({data['very_overdue']} very overdue), "
            f"{data['due_soon']} due within {e.settings.due_soon_days} working "
            + ("day, " if e.settings.due_soon_days == 1 else "days, ")
            + f"{classify} replies to classify, {held} held messages, {drafts} drafts"
            + (f", {undelivered} not delivered (bounced: see 'foi chase')" if undelivered else "")
        )
        if counts.mailbox_read_at is not None:
            from zoneinfo import ZoneInfo

            shown = counts.mailbox_read_at.astimezone(ZoneInfo("Europe/London"))
            line += f", mailbox read {shown:%d %b %H:%M}"
        out(("OVERDUE: " if counts.overdue else "") + line)


@calendar_app.command("export")
def export(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="The .ics file to write."),
    assignee: str | None = typer.Option(None, "--assignee", help="Only this volunteer's."),
) -> None:
    """Write every deadline and reminder as an iCalendar file, with alarms.

    UIDs are stable, so importing a newer export updates events rather than duplicating them.

    Example:  foi calendar export ~/Calendars/foi.ics --assignee Sam
    """

    from foi.casework.user_holidays import holiday_set
    from foi.reminders.ics import build_calendar, items_for_request, items_for_user_reminders
    from foi.reminders.store import snapshots, user_snapshots

    e = env(ctx)
    with session(e) as s:
        snaps = snapshots(
            s, holiday_set(s), default_assignee=e.settings.default_assignee, assignee=assignee
        )
        users = user_snapshots(s, default_assignee=e.settings.default_assignee, assignee=assignee)
    items = [item for snap in snaps for item in items_for_request(snap)]
    items.extend(items_for_user_reminders(users))
    data = build_calendar(items, now=e.now)
    from foi.files import is_stdout, write_atomic

    target = file if is_stdout(file) else file.expanduser().absolute()
    if target.is_dir():
        from foi.errors import UsageError

        raise UsageError(f"{file} is a folder: give a file name such as {target / 'foi.ics'}")
    if not target.parent.is_dir():
        from foi.errors import UsageError

        raise UsageError(f"folder {target.parent} does not exist")
    write_atomic(target, data)
    (info if is_stdout(target) else out)(f"wrote {len(items)} event(s) to {target}")


def _wire() -> None:
    # `foi remind daemon` lives in its own module (APScheduler wiring).
    from foi.cli import daemon_cmd

    if not any(c.name == "daemon" for c in app.registered_commands):
        daemon_cmd.register(app)


_wire()
