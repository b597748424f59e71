"""`foi body`: the directory of bodies, their contacts and the evidence about SIM."""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from pathlib import Path

import typer

from foi.cli._common import d, emit_json, env, info, out, parse_date, reading, session, table

app = typer.Typer(
    help="The directory of public bodies: list, show, add, edit, import, evidence.\n\n"
    "Example:  foi body list --kind police-force --missing-email",
    no_args_is_help=True,
)
evidence_app = typer.Typer(
    help="Sourced evidence of a body's adoption of SIM.\n\n"
    "Example:  foi body evidence add RXX --status adopted --source https://… --note 'SHIPP'",
    no_args_is_help=True,
)
app.add_typer(evidence_app, name="evidence")
_NATION_HELP = "england, scotland, wales or northern-ireland."


@app.command("list")
def list_(
    ctx: typer.Context,
    kind: str | None = typer.Option(None, "--kind", help="e.g. mental-health-trust, police-force"),
    tag: str | None = typer.Option(None, "--tag", help="Only bodies with this tag."),
    missing_email: bool = typer.Option(
        False, "--missing-email", help="Open FOI bodies with no email address: the gaps."
    ),
    open_only: bool = typer.Option(False, "--open", help="Leave out closed bodies."),
    search: str | None = typer.Option(None, "--search", help="Part of a name or alias."),
    nation: str | None = typer.Option(
        None, "--nation", help="england, scotland, wales or northern-ireland."
    ),
    stale: bool = typer.Option(
        False,
        "--stale",
        help="Open bodies whose address in use is unconfirmed, undated or over a year old.",
    ),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """List bodies in the directory.

    Example:  foi body list --kind mental-health-trust --json

    Example:  foi body list --nation scotland --stale
    """
    from foi.directory.listing import BodyFilter, list_body_records, stale_contact
    from foi.directory.shapes import as_dict, body_status, foi_email, last_seen, sim_status

    e = env(ctx)
    with reading(e) as s:
        bodies = list_body_records(
            s,
            BodyFilter(
                kind=kind,
                tag=tag,
                missing_email=missing_email,
                include_closed=not open_only,
                search=search,
                nation=nation,
                stale=stale,
            ),
            e.today,
        )
        if json_out:
            emit_json([as_dict(b, e.today) for b in bodies])
            return
        if stale:
            doubts = []
            for b in bodies:
                c = stale_contact(b, e.today)
                seen = last_seen(c)
                doubts.append(
                    (
                        b.name,
                        b.ods_code or b.police_id or b.key or "",
                        c.address,
                        c.confidence,
                        seen.isoformat() if seen else "not recorded",
                        c.source or "-",
                    )
                )
            if not doubts:
                info("no address in use is unconfirmed, undated or over a year old")
                return
            table(
                ("name", "code", "address in use", "confidence", "last seen", "source"),
                doubts,
                title=f"{len(doubts)} bodies to confirm "
                "('foi body edit BODY --confirmed DATE --source URL')",
            )
            return
        rows = []
        for b in bodies:
            email = foi_email(b)
            sim = sim_status(b)
            rows.append(
                (
                    b.name,
                    b.kind,
                    b.ods_code or b.police_id,
                    body_status(b, e.today),
                    email.address if email else "-",
                    sim.status if sim else "",
                )
            )
    if not rows:
        info(
            "no bodies match"
            + (
                ""
                if kind or tag or search or missing_email or nation
                else "; run 'foi init' to load the directory"
            )
        )
        return
    table(("name", "kind", "code", "status", "FOI email", "SIM"), rows, title=f"{len(rows)} bodies")


@app.command("coverage")
def coverage_(
    ctx: typer.Context,
    kind: str | None = typer.Option(
        None, "--kind", help="A kind, or a group such as mental-health-provider."
    ),
    nation: str | None = typer.Option(None, "--nation", help=_NATION_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print the rows and total as JSON."),
) -> None:
    """How many open bodies of each kind and nation a letter can reach, and how surely.

    Per kind and nation: the open bodies subject to FOI, how many take email, a web form,
    post only, or have no route at all, and how many of those addresses are unconfirmed,
    undated or not confirmed within a year ('foi body list --stale' names them).

    Example:  foi body coverage --kind mental-health-provider
    """
    from foi.directory.coverage import coverage
    from foi.directory.listing import BodyFilter, list_body_records

    e = env(ctx)
    with session(e) as s:
        records = list_body_records(s, BodyFilter(kind=kind, nation=nation), e.today)
        rows, total = coverage(records, e.today)
    if json_out:
        emit_json({"rows": [r.as_dict() for r in rows], "total": total.as_dict()})
        return
    if not rows:
        info("no open bodies match" + ("" if kind or nation else "; run 'foi init'"))
        return
    cells = [
        (r.kind, r.nation, r.bodies, r.email, r.web_form, r.post_only, r.no_route, r.doubtful)
        for r in [*rows, total]
    ]
    cells[-1] = ("total", "", *cells[-1][2:])
    table(
        ("kind", "nation", "bodies", "email", "web form", "post only", "no route", "to confirm"),
        cells,
        title=f"{total.bodies} open bodies: {total.email} by email, {total.web_form} by web "
        f"form, {total.post_only} by post only, {total.no_route} with no route",
    )


@app.command("show")
def show(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Name, alias, ODS code or police id."),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON object."),
) -> None:
    """Show one body: codes, status, contacts with sources, SIM evidence, requests.

    Example:  foi body show RXX
    """
    from foi.casework.requests import requests_for_body
    from foi.directory.bodies import find_body
    from foi.directory.shapes import as_dict

    e = env(ctx)
    with session(e) as s:
        body = find_body(s, name)
        data = as_dict(body, e.today)
        data["requests"] = [
            {
                "reference": r.reference,
                "title": r.title,
                "status": r.status,
                "due_on": d(r.due_on) or None,
            }
            for r in requests_for_body(s, body)
        ]
        # Each address's history, dated: seen (the body wrote from it), failing (a bounce).
        from foi.directory.learning import history

        learned = history(s, body)
        data["contact_history"] = {
            c.address: [
                {"on": ev.on.isoformat(), "kind": ev.kind, "inbox_id": ev.inbox_id, "note": ev.note}
                for ev in learned[c.id]
            ]
            for c in body.contacts
            if c.id in learned
        }
    if json_out:
        emit_json(data)
        return
    out(data["name"])
    for label, key in (
        ("kind", "kind"),
        ("ODS code", "ods_code"),
        ("police id", "police_id"),
        ("WhatDoTheyKnow", "wdtk_url_name"),
        ("region", "region"),
        ("nation", "nation"),
        ("status", "status"),
        ("opened", "opened_on"),
        ("closed", "closed_on"),
        ("successor", "successor"),
        ("regime", "regime"),
        ("home page", "home_page"),
        ("phone", "phone"),
    ):
        if data.get(key):
            out(f"  {label}: {data[key]}")
    if not data["foi_subject"]:
        out(
            "  NOT subject to FOI: a request has no statutory clock; consider asking the "
            "commissioning public body instead"
        )
    if data["aliases"]:
        out(f"  aliases: {'; '.join(data['aliases'])}")
    if data["tags"]:
        out(f"  tags: {' '.join(data['tags'])}")
    out("  contacts:" if data["contacts"] else "  contacts: none known")
    for c in data["contacts"]:
        when = f", confirmed {c['confirmed_on']}" if c["confirmed_on"] else ""
        when += f", seen {c['seen_on']}" if c["seen_on"] else ""
        failing = f", FAILING since {c['failing_since']}" if c["failing_since"] else ""
        out(
            f"    {c['purpose']} {c['channel']}: {c['address']} ({c['confidence']}{when}"
            f"{failing}; source: {c['source'] or 'none'})"
        )
        if c["quote"]:
            out(f"      quote: {c['quote']}")
        for ev in data["contact_history"].get(c["address"], []):
            note = f": {ev['note']}" if ev["note"] else ""
            msg = f" (inbox message {ev['inbox_id']})" if ev["inbox_id"] else ""
            out(f"      {ev['on']} {ev['kind']}{msg}{note}")
    out(f"  SIM status: {data['sim_status'] or 'no evidence yet'}")
    for ev in data["evidence"]:
        when = ev["period"] or ev["on"] or "undated"
        note = f" {ev['note']}" if ev["note"] else ""
        page = f", page {ev['page']}" if ev["page"] else ""
        local = f" as {ev['local_name']!r}" if ev["local_name"] else ""
        out(f"    {ev['status']}{local} ({when}):{note} [source: {ev['source']}{page}]")
        if ev["quote"]:
            out(f"      “{ev['quote']}”")
    if data["requests"]:
        out("  requests:")
        for r in data["requests"]:
            out(f"    {r['reference']} {r['status']} {r['due_on'] or ''} {r['title']}")


def _changes(
    name: str | None,
    kind: str | None,
    ods_code: str | None,
    police_id: str | None,
    wdtk: str | None,
    region: str | None,
    opened: str | None,
    closed: str | None,
    successor: str | None,
    foi_subject: bool | None,
    regime: str | None,
    home_page: str | None,
    phone: str | None,
    address: str | None,
    notes: str | None,
    aliases: list[str],
    tags: list[str],
    untags: list[str],
    nation: str | None = None,
):  # type: ignore[no-untyped-def]
    from foi.directory.bodies import BodyChanges

    return BodyChanges(
        name=name,
        kind=kind,
        ods_code=ods_code,
        police_id=police_id,
        wdtk_url_name=wdtk,
        region=region,
        nation=nation,
        opened_on=parse_date(opened, "--opened") if opened else None,
        closed_on=parse_date(closed, "--closed") if closed else None,
        successor=successor,
        foi_subject=foi_subject,
        regime=regime,
        home_page=home_page,
        phone=phone,
        postal_address=address,
        notes=notes,
        add_aliases=aliases,
        add_tags=tags,
        remove_tags=untags,
    )


_KIND_HELP = (
    "mental-health-trust, health-board, special-health-board, hsc-trust, nhs-england, "
    "police-force, ambulance-trust, icb, coroner, …"
)


@app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The body's full name."),
    kind: str = typer.Option(..., "--kind", help=_KIND_HELP),
    email: str | None = typer.Option(None, "--email", help="FOI email address."),
    source: str | None = typer.Option(None, "--source", help="Where the address was found."),
    confirmed: str | None = typer.Option(
        None, "--confirmed", help="Date the address was confirmed (YYYY-MM-DD)."
    ),
    ods_code: str | None = typer.Option(None, "--ods-code"),
    police_id: str | None = typer.Option(None, "--police-id"),
    wdtk: str | None = typer.Option(None, "--wdtk", help="WhatDoTheyKnow URL name."),
    region: str | None = typer.Option(None, "--region"),
    nation: str | None = typer.Option(None, "--nation", help=_NATION_HELP),
    regime: str | None = typer.Option(None, "--regime", help="foia, eir, foisa or none."),
    not_foi: bool = typer.Option(
        False, "--not-foi", help="Not subject to FOI (coroners, private companies)."
    ),
    alias: list[str] = typer.Option([], "--alias", help="Another name (repeatable)."),
    tag: list[str] = typer.Option([], "--tag", help="A tag (repeatable)."),
    notes: str | None = typer.Option(None, "--notes"),
) -> None:
    """Add a body to the directory.

    Example:  foi body add "Coroner for West Yorkshire (Western)" --kind coroner --not-foi
    """
    from foi.directory.bodies import add_body

    e = env(ctx)
    changes = _changes(
        name,
        kind,
        ods_code,
        police_id,
        wdtk,
        region,
        None,
        None,
        None,
        False if not_foi else None,
        regime,
        None,
        None,
        None,
        notes,
        alias,
        tag,
        [],
        nation,
    )
    with session(e) as s:
        body = add_body(
            s,
            changes,
            e.now,
            email=email,
            email_source=source,
            confirmed_on=parse_date(confirmed, "--confirmed") if confirmed else None,
        )
        line = f"added {body.name} ({body.kind}{', not subject to FOI' if not body.foi_subject else ''})"
    out(line)  # once committed


def _follow_directory(s, body) -> int:  # type: ignore[no-untyped-def]
    """Unsent letters to the body follow its corrected directory entry at once, so none is
    left marked 'unsendable' for want of an address it now has (issue 21)."""
    from foi.casework.requests import requests_for_body
    from foi.letters.records import follow_directory

    s.flush()
    moved = 0
    for req in requests_for_body(s, body):
        for lt in req.letters:
            if lt.state in ("draft", "failed", "unsendable") and follow_directory(lt):
                moved += 1
    return moved


def _replaces_or_adds(body, purpose: str, before) -> str:  # type: ignore[no-untyped-def]
    """Whether an added address is now the one letters go to, and what it replaces."""
    from foi.directory.shapes import foi_email

    now_used = foi_email(body, purpose)
    if now_used is None:
        return f"no usable {purpose} email"
    if before is None:
        return f"{now_used.address} is now the {purpose} email letters go to"
    if now_used.address.lower() == before.address.lower():
        return (
            f"{before.address} stays the {purpose} email letters go to "
            f"({before.confidence}); the new address is kept beside it"
        )
    why = f"failing since {before.failing_since}" if before.failing_since else before.confidence
    return f"{now_used.address} replaces {before.address} ({why}) as the {purpose} email"


@app.command("edit")
def edit(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Name, alias or code of the body to change."),
    rename: str | None = typer.Option(None, "--name", help="New name."),
    kind: str | None = typer.Option(None, "--kind", help=_KIND_HELP),
    email: str | None = typer.Option(None, "--email", help="Add an FOI email address."),
    sar_email: str | None = typer.Option(None, "--sar-email", help="Add a SAR email address."),
    web_form: str | None = typer.Option(None, "--web-form", help="Add a web form URL."),
    source: str | None = typer.Option(None, "--source", help="Where the address was found."),
    confirmed: str | None = typer.Option(None, "--confirmed", help="Date confirmed."),
    ods_code: str | None = typer.Option(None, "--ods-code"),
    police_id: str | None = typer.Option(None, "--police-id"),
    wdtk: str | None = typer.Option(None, "--wdtk", help="WhatDoTheyKnow URL name."),
    region: str | None = typer.Option(None, "--region"),
    nation: str | None = typer.Option(None, "--nation", help=_NATION_HELP),
    opened: str | None = typer.Option(None, "--opened", help="Opening date."),
    closed: str | None = typer.Option(None, "--closed", help="Closing date."),
    successor: str | None = typer.Option(None, "--successor", help="Body that took over."),
    foi_subject: bool | None = typer.Option(
        None, "--foi/--not-foi", help="Whether it is subject to FOI."
    ),
    regime: str | None = typer.Option(None, "--regime", help="foia, eir, foisa or none."),
    home_page: str | None = typer.Option(None, "--home-page"),
    phone: str | None = typer.Option(None, "--phone"),
    address: str | None = typer.Option(None, "--address", help="Postal address."),
    notes: str | None = typer.Option(None, "--notes"),
    alias: list[str] = typer.Option([], "--alias", help="Add another name (repeatable)."),
    tag: list[str] = typer.Option([], "--tag", help="Add a tag (repeatable)."),
    untag: list[str] = typer.Option([], "--untag", help="Remove a tag (repeatable)."),
    remove_email: list[str] = typer.Option(
        [], "--remove-email", help="Remove a wrong or dead address (repeatable)."
    ),
) -> None:
    """Change a body's details or add a contact address with its source.

    --confirmed DATE --source URL on its own confirms the address its letters use now (you
    checked it on the body's own site that day).

    Example:  foi body edit RVN --email foi@awp.nhs.uk --source https://www.awp.nhs.uk/foi --confirmed 2026-11-20

    Example:  foi body edit "NHS Fife" --confirmed 2026-12-07 --source https://www.nhsfife.org/about-us/freedom-of-information/
    """
    from foi.directory.bodies import add_contact, edit_body, find_body, remove_contact

    e = env(ctx)
    changes = _changes(
        rename,
        kind,
        ods_code,
        police_id,
        wdtk,
        region,
        opened,
        closed,
        successor,
        foi_subject,
        regime,
        home_page,
        phone,
        address,
        notes,
        alias,
        tag,
        untag,
        nation,
    )
    when = parse_date(confirmed, "--confirmed") if confirmed else None
    from foi.directory.shapes import foi_email

    with session(e) as s:
        body = find_body(s, name)
        before = {p: foi_email(body, p) for p in ("foi", "sar")}
        changed = edit_body(s, body, changes, e.now)
        if when and not (email or sar_email or web_form):
            from foi.directory.bodies import confirm_route

            contact = confirm_route(body, when, source)
            changed.append(f"{contact.channel} {contact.address} confirmed on {when}")
        for addr in remove_email:
            remove_contact(body, addr)
            changed.append(f"removed {addr}")
        for addr, purpose, channel in (
            (email, "foi", "email"),
            (sar_email, "sar", "email"),
            (web_form, "foi", "web-form"),
        ):
            if addr:
                _, created = add_contact(
                    s,
                    body,
                    addr,
                    now=e.now,
                    channel=channel,
                    purpose=purpose,
                    source=source or "added by hand",
                    confirmed_on=when,
                    confidence="confirmed" if when else "unconfirmed",
                    seen_on=e.today,  # typed in today: newer than any address on file
                )
                if created:
                    changed.append(f"added {purpose} {channel} {addr}")
                if channel == "email":
                    changed.append(_replaces_or_adds(body, purpose, before[purpose]))
        readdressed = _follow_directory(s, body) if (email or sar_email or web_form) else 0
        if readdressed:
            changed.append(f"{readdressed} unsent letter(s) readdressed")
        said = [c if " " in c else f"{c} changed" for c in changed]
        line = f"{body.name}: " + ("; ".join(said) if said else "nothing changed")
    out(line)  # once committed


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ...,
        help="CSV: WhatDoTheyKnow all-authorities.csv, NHS ODS "
        "etr.csv, or name,email,kind,… with headers.",
    ),
    skip_bad_rows: bool = typer.Option(
        False, "--skip-bad-rows", help="Import the good rows and list the bad ones."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Import bodies from a CSV file: all or nothing, and safe to run again.

    Rows match existing bodies by code, then by exact name or alias; only the fields the
    file has are updated.

    Example:  foi body import all-authorities.csv --skip-bad-rows
    """
    from foi.directory.importers import open_bodies_file
    from foi.directory.importing import import_stream

    e = env(ctx)
    with open_bodies_file(file) as stream, _progress(stream) as progress, session(e) as s:
        report = import_stream(
            s,
            stream.events,
            format=stream.format,
            source=file.name,
            now=e.now,
            skip_bad_rows=skip_bad_rows,
            progress=progress,
        )
    for warning in [*map(str, stream.warnings), *report.warnings]:
        info(f"note: {warning}")
    if json_out:
        emit_json(
            {
                "file": str(file),
                "format": report.format,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "skipped": report.skipped,
                "bad_rows": report.bad_rows,
            }
        )
        return
    out(
        f"{file.name} ({report.format}): {report.created} created, "
        f"{report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.skipped)} skipped, {len(report.bad_rows)} bad"
    )
    for line in report.skipped:
        info(f"  skipped {line}")
    for line in report.bad_rows:
        info(f"  bad {line}")


@contextmanager
def _progress(stream):  # type: ignore[no-untyped-def]
    """A progress bar on stderr for a terminal only (by bytes read); otherwise nothing."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("importing"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%  {task.fields[rows]} rows"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("import", total=stream.size or None, rows=0)

        def advance(rows: int) -> None:
            bar.update(task, completed=stream.position(), rows=f"{rows:,}")

        yield advance


@evidence_app.command("add")
def evidence_add(
    ctx: typer.Context,
    body: str = typer.Argument(..., help="Name, alias or code of the body."),
    status: str = typer.Option(
        ..., "--status", help="adopted, piloted, considering, withdrawn, denied or not-adopted."
    ),
    source: str = typer.Option(..., "--source", help="URL, or a request reference."),
    on: str | None = typer.Option(None, "--on", help="Date the claim applies from."),
    note: str | None = typer.Option(None, "--note"),
    quote: str | None = typer.Option(None, "--quote", help="Words quoted from the source."),
    page: str | None = typer.Option(None, "--page", help="Page of the quote."),
    local_name: str | None = typer.Option(
        None, "--local-name", help="The body's own name for the service."
    ),
) -> None:
    """Record a sourced claim about a body's SIM status; its status is the newest claim.

    Example:  foi body evidence add RTQ --status denied --on 2022-03-01 --source FOI-2026-0004 --quote "not signatories to the SIM model"
    """
    from foi.directory.bodies import add_evidence, find_body
    from foi.directory.shapes import sim_status

    e = env(ctx)
    with session(e) as s:
        b = find_body(s, body)
        if source and re.match(r"(?i)^FOI-\d{4}-\d+$", source.strip()):
            from foi.casework.requests import find_request

            find_request(s, source)  # a request cited as the source must exist
        add_evidence(
            s,
            b,
            status=status,
            source=source,
            now=e.now,
            on=parse_date(on, "--on") if on else e.today,  # undated: as of today
            note=note,
            quote=quote,
            page=page,
            local_name=local_name,
        )
        current = sim_status(b)
        line = f"{b.name}: evidence added; SIM status now {current.status if current else '-'}"
    out(line)  # once committed


@evidence_app.command("edit")
def evidence_edit(
    ctx: typer.Context,
    evidence_id: int = typer.Argument(
        ..., metavar="EVIDENCE_ID", help="Its id (see 'foi body show BODY --json')."
    ),
    status: str | None = typer.Option(None, "--status", help="The corrected status."),
    source: str | None = typer.Option(None, "--source", help="URL, or a request reference."),
    on: str | None = typer.Option(None, "--on", help="Date the claim applies from."),
    note: str | None = typer.Option(None, "--note"),
    quote: str | None = typer.Option(None, "--quote", help="Words quoted from the source."),
    page: str | None = typer.Option(None, "--page", help="Page of the quote."),
    local_name: str | None = typer.Option(
        None, "--local-name", help="The body's own name for the service."
    ),
) -> None:
    """Correct a piece of SIM evidence logged wrongly; the body's status follows it.

    Example:  foi body evidence edit 7 --status withdrawn --on 2021-05-01
    """
    from foi.directory.bodies import edit_evidence
    from foi.directory.shapes import sim_status
    from foi.errors import UsageError

    e = env(ctx)
    changes: dict[str, object] = {
        name: value
        for name, value in (
            ("status", status),
            ("source", source),
            ("note", note),
            ("quote", quote),
            ("page", page),
            ("local_name", local_name),
        )
        if value is not None
    }
    if on is not None:
        changes["on"] = parse_date(on, "--on")
    if not changes:
        raise UsageError("nothing to change: give --status, --source, --on, --quote, …")
    with session(e) as s:
        if source and re.match(r"(?i)^FOI-\d{4}-\d+$", source.strip()):
            from foi.casework.requests import find_request

            find_request(s, source)  # a request cited as the source must exist
        ev = edit_evidence(s, evidence_id, changes)
        current = sim_status(ev.body)
        line = (
            f"{ev.body.name}: evidence {ev.id} corrected; SIM status now "
            f"{current.status if current else '-'}"
        )
    out(line)  # once committed


@evidence_app.command("list")
def evidence_list(
    ctx: typer.Context,
    status: str | None = typer.Option(
        None, "--status", help="Only bodies whose current status is this."
    ),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """List bodies with evidence, their current SIM status and its source.

    Example:  foi body evidence list --status adopted
    """
    from foi.directory.listing import BodyFilter, list_body_records
    from foi.directory.shapes import sim_status

    e = env(ctx)
    with reading(e) as s:
        rows = []
        for b in list_body_records(s, BodyFilter(), e.today):
            cur = sim_status(b)
            if cur is None or (status and cur.status != status):
                continue
            rows.append(
                {
                    "body": b.name,
                    "status": cur.status,
                    "on": cur.on.isoformat() if cur.on else None,
                    "period": cur.period,
                    "local_name": cur.local_name,
                    "source": cur.source,
                    "claims": len(b.evidence),
                }
            )
    if json_out:
        emit_json(rows)
        return
    table(
        ("body", "status", "when", "local name", "claims", "source"),
        [
            (
                r["body"],
                r["status"],
                r["period"] or r["on"],
                r["local_name"],
                r["claims"],
                r["source"],
            )
            for r in rows
        ],
        title=f"{len(rows)} bodies with evidence",
    )


def _wire_holds() -> None:
    # `foi body hold` and `foi body release` live with publishing.
    from foi.cli import publish_cmd

    if "hold" not in {c.name for c in app.registered_commands}:
        publish_cmd.register_body_holds(app)


_wire_holds()
