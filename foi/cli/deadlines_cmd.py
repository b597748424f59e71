"""`foi deadline` (a calculator needing no database) and `foi explain REF`."""

from __future__ import annotations

import typer

from foi.cli._common import emit_json, env, out, parse_date, session

REGIME_HELP = "foia (default), eir, foisa (Scottish bodies) or sar (subject access)."


def _user_holidays_if_any(e):  # type: ignore[no-untyped-def]
    """Shipped holidays, plus the user's additions when a SQLite database already exists."""
    from foi.law.holidays import load_default
    from foi.store.engine import resolve_url, sqlite_path

    url = resolve_url(e.settings.database)
    path = sqlite_path(url)
    if path is None or not path.exists():
        return load_default(), False
    from foi.casework.user_holidays import holiday_set

    with session(e) as s:
        return holiday_set(s), True


def register(app: typer.Typer) -> None:
    """Add the deadline commands."""

    @app.command("deadline")
    def deadline(
        ctx: typer.Context,
        received: str = typer.Argument(..., help="Date of receipt, YYYY-MM-DD (day 0)."),
        regime: str = typer.Option("foia", "--regime", help=REGIME_HELP),
        explain_days: bool = typer.Option(False, "--explain", help="Show the count day by day."),
        json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
    ) -> None:
        """Work out the statutory deadlines for a request received on a date.

        Day 0 is the day of receipt; FOIA/EIR count 20 working days skipping bank holidays
        in any part of the UK; FOISA skips Scottish ones; SAR is one calendar month.

        Example:  foi deadline 2025-12-19 --explain
        """
        from foi.errors import UsageError
        from foi.law.calendars import calendar_for
        from foi.law.clock_events import ClockEvent
        from foi.law.clocks import quick
        from foi.law.explanation import explain, format_explanation
        from foi.law.regimes import Regime

        e = env(ctx)
        day = parse_date(received, "RECEIVED")
        try:
            reg = Regime(regime.lower())
        except ValueError:
            raise UsageError(f"unknown regime {regime!r}: choose foia, eir, foisa or sar") from None
        if reg is Regime.NONE:
            raise UsageError("a body outside FOI has no statutory deadline")
        hs, _ = _user_holidays_if_any(e)
        c = quick(day, reg, hs)
        if json_out:
            data = {
                "regime": reg.value,
                "received": day.isoformat(),
                "due": c.due.isoformat() if c.due else None,
                "extended_due": c.extended_due.isoformat() if c.extended_due else None,
                "very_overdue": c.very_overdue.isoformat() if c.very_overdue else None,
                "working_days": 20 if reg is not Regime.SAR else None,
            }
            if explain_days:
                cal = calendar_for(reg, hs)
                data["days"] = [
                    {
                        "date": ln.date.isoformat(),
                        "counted": ln.counted,
                        "day_number": ln.day_number,
                        "reason": ln.reason,
                    }
                    for ln in explain(reg, [ClockEvent("sent", day)], cal)
                ]
            emit_json(data)
            return
        if explain_days:
            cal = calendar_for(reg, hs)
            lines = explain(reg, [ClockEvent("sent", day)], cal)
            typer.echo(format_explanation(lines, c), nl=False)
            return
        out(
            f"received {day.isoformat()} ({reg.value.upper()}): due {c.due}"
            + (f"; extended limit {c.extended_due}" if c.extended_due else "")
        )

    @app.command("explain")
    def explain_cmd(
        ctx: typer.Context,
        reference: str = typer.Argument(..., help="e.g. FOI-2026-0001"),
    ) -> None:
        """Explain a request's deadline day by day, ready to paste into a complaint.

        Shows each day counted or skipped and why: weekends, which bank holiday in which
        part of the UK, a clock paused by a fee notice, restarted by a clarification.

        Example:  foi explain FOI-2026-0001
        """
        from foi.casework.requests import calendar, clock_events, clocks, find_request
        from foi.casework.user_holidays import holiday_set
        from foi.law.explanation import explain, format_explanation
        from foi.law.regimes import Regime

        e = env(ctx)
        with session(e) as s:
            hs = holiday_set(s)
            req = find_request(s, reference)
            c = clocks(req, hs)
            events = clock_events(req)
            until = max(x for x in (c.effective_due, c.due, e.today) if x is not None)
            if c.responded_on is not None:
                until = c.responded_on
            lines = explain(Regime(req.regime), events, calendar(req, hs), until=until)
            header = f"{req.reference}: {req.title}\nTo: {req.body.name}\n"
        if not lines:
            out(f"{req.reference} has not been sent: no clock is running yet")
            return
        typer.echo(header + format_explanation(lines, c), nl=False)
