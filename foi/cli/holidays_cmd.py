"""`foi holidays`: list, add and import bank holidays; open requests follow the changes."""

from __future__ import annotations

from pathlib import Path

import typer

from foi.cli._common import emit_json, env, info, out, parse_date, session, table

app = typer.Typer(
    help="Bank holidays used to count working days: GOV.UK's data, the holidays package, "
    "and your additions.\n\nExample:  foi holidays list --year 2026 --region scotland",
    no_args_is_help=True,
)


def _report_moves(moved: list, json_out: bool, extra: dict) -> None:  # type: ignore[type-arg]
    rows = [
        {
            "reference": r,
            "due_before": b.isoformat() if b else None,
            "due_after": a.isoformat() if a else None,
        }
        for r, b, a in moved
    ]
    if json_out:
        emit_json({**extra, "moved": rows})
        return
    if not rows:
        out("no open request's due date moved")
        return
    out(f"{len(rows)} open request(s) moved:")
    for r in rows:
        out(f"  {r['reference']}: due {r['due_before']} -> {r['due_after']}")


@app.command("list")
def list_(
    ctx: typer.Context,
    year: int | None = typer.Option(None, "--year", help="Only this year."),
    region: str | None = typer.Option(
        None, "--region", help="england-and-wales, scotland or northern-ireland."
    ),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """List bank holidays with the source of each.

    Example:  foi holidays list --year 2027
    """
    from foi.casework.user_holidays import check_region, holiday_set

    e = env(ctx)
    reg = check_region(region) if region else None
    with session(e) as s:
        hs = holiday_set(s)
        items = hs.list(year if year is not None else e.today.year, reg)
    rows = [
        {"date": h.date.isoformat(), "region": h.region, "name": h.name, "source": h.source}
        for h in items
    ]
    if json_out:
        emit_json(rows)
        return
    table(
        ("date", "region", "name", "source"),
        [(r["date"], r["region"], r["name"], r["source"]) for r in rows],
        title=f"{len(rows)} bank holidays",
    )


@app.command("add")
def add(
    ctx: typer.Context,
    day: str = typer.Argument(..., metavar="DATE", help="YYYY-MM-DD"),
    region: list[str] = typer.Option(
        ..., "--region", help="england-and-wales, scotland, northern-ireland (repeatable)."
    ),
    name: str = typer.Option("Proclaimed bank holiday", "--name"),
    source: str = typer.Option("added by hand", "--source", help="The proclamation or page."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Add a bank holiday (e.g. a new proclamation); open requests' due dates are recomputed.

    Example:  foi holidays add 2027-06-07 --region scotland --name "Royal event" --source https://www.gov.uk/…
    """
    from foi.casework.user_holidays import add_holidays, check_region, sync
    from foi.law.holidays import Holiday

    e = env(ctx)
    when = parse_date(day, "DATE")
    with session(e) as s:
        added, known = add_holidays(
            s,
            [Holiday(date=when, region=check_region(r), name=name, source=source) for r in region],
            e.now,
        )
        moved = sync(s)
    if not json_out:
        out(f"{added} holiday(s) added" + (f", {known} already known" if known else ""))
    _report_moves(moved, json_out, {"added": added, "already_known": known})


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="GOV.UK bank-holidays.json."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Import GOV.UK's bank-holidays.json; open requests' due dates are recomputed.

    Example:  foi holidays import bank-holidays.json
    """
    from foi.casework.user_holidays import add_holidays, sync
    from foi.errors import UsageError
    from foi.files import check_input_file
    from foi.law.holidays import parse_govuk_json

    e = env(ctx)
    # GOV.UK's file is about 20 KB: anything over 10 MB is not it (and is not read whole).
    check_input_file(file, limit=10 * 1024 * 1024, what="GOV.UK's bank-holidays.json")
    try:
        holidays = parse_govuk_json(file.read_bytes(), f"import of {file.name}")
    except ValueError as exc:
        raise UsageError(f"{file}: {exc}") from None
    with session(e) as s:
        added, known = add_holidays(s, holidays, e.now)
        moved = sync(s)
    if not json_out:
        out(f"{file.name}: {added} new holiday(s), {known} already known")
        if added:
            info("new holidays move the due dates of open requests they fall inside")
    _report_moves(moved, json_out, {"added": added, "already_known": known})
