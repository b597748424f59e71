"""`foi campaign repeat`: the same letters to the same bodies, for a new round (issue 21).

Registered on the `foi campaign` group (`foi.cli.campaign_cmd`) by `register`.
"""

from __future__ import annotations

import typer

from foi.cli._common import emit_json, env, info, out, parse_date, session, table


def register(group: typer.Typer) -> None:
    """Add `repeat` to a `foi campaign` group."""
    group.command("repeat")(repeat)


def repeat(
    ctx: typer.Context,
    campaign: str = typer.Argument(..., help="The campaign to repeat, e.g. sim-2026."),
    as_: str = typer.Option(..., "--as", metavar="NAME", help="The new round's campaign name."),
    on: str | None = typer.Option(
        None,
        "--on",
        metavar="DATE",
        help="A later day for the new round: a reminder is set for it instead of drafting now.",
    ),
    force: bool = typer.Option(
        False, "--force", help="Draft even where a body had the campaign's request recently."
    ),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Draft a campaign's letters again under a new campaign, to each body still open.

    Each letter the campaign sent is drafted again with the same template, variables and
    signatory; closed bodies are skipped with the reason; subject access requests are never
    repeated. With --on a later DATE, nothing is drafted: a reminder on that day says to run
    the repeat then.

    Example:  foi campaign repeat sim-2026 --as sim-2027

    Example:  foi campaign repeat sim-2026 --as sim-2027 --on 2027-11-27
    """
    from foi.casework.user_holidays import holiday_set
    from foi.cli.letters_cmd import library
    from foi.reminders.repeats import repeat_campaign, schedule_repeat

    e = env(ctx)
    when = parse_date(on, "--on") if on else None
    if when is not None and when > e.today:
        with session(e) as s:
            kept_on = schedule_repeat(s, campaign, as_, on=when, today=e.today, now=e.now)
        out(
            f"{campaign}: a reminder on {when} (on {kept_on}) to repeat it as {as_}: "
            "see 'foi remind list'"
        )
        return
    with session(e) as s:
        result = repeat_campaign(
            s,
            library(e),
            campaign,
            as_,
            today=when or e.today,
            now=e.now,
            holidays=holiday_set(s),
            force=force,
        )
        rows = [r.__dict__ for r in result.drafted]
    if json_out:
        emit_json(rows)
        return
    drafted = [r for r in rows if r["state"] != "skipped"]
    table(
        ("ref", "body", "state", "route", "to / reason"),
        [(r["reference"], r["body"], r["state"], r["route"], r["reason"] or r["to"]) for r in rows],
        title=f"{len(drafted)} drafted for {as_}, {len(rows) - len(drafted)} skipped",
    )
    info(f"next: 'foi draft preview --campaign {as_}', then 'foi send --campaign {as_}'")
