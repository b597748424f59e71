"""`foi template`, `foi draft`, `foi request edit`: letters from templates, previewed."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import typer

from foi.cli._common import Env, emit_json, env, info, out, session, table
from foi.errors import ConfigError, ConflictError, UsageError

template_app = typer.Typer(
    help="Letter templates (Jinja2). Your ./templates/ folder overrides or adds to the "
    "built-in set.\n\nExample:  foi template show sim-use",
    no_args_is_help=True,
)


def library(e: Env):  # type: ignore[no-untyped-def]
    """The template library: built-ins plus the user's templates folder."""
    from foi.letters.templates import TemplateLibrary

    user = Path(e.settings.templates_dir).expanduser()
    return TemplateLibrary(user if user.is_dir() else None)


def _template_error(exc: Exception) -> UsageError:
    return UsageError(str(exc))


@template_app.command("list")
def template_list(ctx: typer.Context, json_out: bool = typer.Option(False, "--json")) -> None:
    """List the letter templates.

    Example:  foi template list --json
    """
    from foi.letters.templates import TemplateError

    e = env(ctx)
    try:
        infos = library(e).list()
    except TemplateError as exc:
        raise _template_error(exc) from None
    rows = [
        {
            "name": i.name,
            "subject": i.subject,
            "regime": i.regime,
            "kinds": list(i.kinds),
            "purpose": i.purpose,
            "description": i.description,
            "builtin": i.builtin,
            "questions": [{"number": q.number, "text": q.text} for q in i.questions],
        }
        for i in infos
    ]
    if json_out:
        emit_json(rows)
        return
    table(
        ("name", "purpose", "regime", "kinds", "questions", "description"),
        [
            (
                r["name"],
                r["purpose"],
                r["regime"],
                ", ".join(r["kinds"]),
                len(r["questions"]),
                r["description"],
            )
            for r in rows
        ],
        title=f"{len(rows)} templates",
    )


@template_app.command("show")
def template_show(
    ctx: typer.Context, name: str = typer.Argument(..., help="Template name.")
) -> None:
    """Show a template's source, metadata and questions.

    Example:  foi template show internal-review
    """
    from foi.letters.templates import TemplateError

    e = env(ctx)
    lib = library(e)
    try:
        i = lib.get(name)
        source = lib.source(name)
    except TemplateError as exc:
        raise _template_error(exc) from None
    out(f"# {i.name} ({'built-in' if i.builtin else i.path})")
    out(source.rstrip("\n"))


@template_app.command("check")
def template_check(
    ctx: typer.Context,
    name: str | None = typer.Argument(None, help="One template (default: all)."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Render each template for every body it suits; report errors and over-long letters.

    Run 'foi init' first: the check uses the body directory in the database.

    Example:  foi template check sim-use
    """
    from foi.directory.bodies import list_bodies
    from foi.directory.listing import BodyFilter
    from foi.letters.batches import _body_context
    from foi.letters.checks import check_letter, sample_context, suits
    from foi.letters.templates import TemplateError

    e = env(ctx)
    lib = library(e)
    problems: list[str] = []
    rendered = 0
    try:
        infos = [lib.get(name)] if name else lib.list()
    except TemplateError as exc:
        raise _template_error(exc) from None
    with session(e) as s:
        bodies = [
            _body_context(b) for b in list_bodies(s, BodyFilter(include_closed=False), e.today)
        ]
    if not bodies:
        raise UsageError("the directory is empty: run 'foi init' first")
    for i in infos:
        targets = [b for b in bodies if suits(i, b)] or bodies[:1]
        for body in targets:
            try:
                letter = lib.render(i.name, sample_context(body, e.today))
            except TemplateError as exc:
                problems.append(f"{i.name} / {body['name']}: {exc}")
                break
            rendered += 1
            problems.extend(f"{i.name} / {body['name']}: {w}" for w in check_letter(i, letter))
    if json_out:
        emit_json({"templates": len(infos), "letters": rendered, "problems": problems})
    else:
        for p in problems:
            info(p)
        out(f"{len(infos)} template(s), {rendered} letters rendered, {len(problems)} problem(s)")
    if problems:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `foi draft`."""

    @app.command("draft")
    def draft(
        ctx: typer.Context,
        template: str = typer.Argument(
            ...,
            help="Template name; or 'preview' to show drafts, "
            "'discard' to cancel a request's unsent letters.",
        ),
        reference: str | None = typer.Argument(None, help="With 'preview': one request."),
        to: list[str] = typer.Option(
            [],
            "--to",
            help="kind:K (or kind:mental-health-provider), nation:N, tag:T, a name or code, "
            "or all (repeatable).",
        ),
        campaign: str | None = typer.Option(None, "--campaign", help="Campaign name."),
        var: list[str] = typer.Option([], "--var", help="KEY=VALUE for the template (repeatable)."),
        requester: str | None = typer.Option(
            None, "--requester", help="Name to sign with (default: FOI_REQUESTER_NAME)."
        ),
        assignee: str | None = typer.Option(None, "--assignee", help="Volunteer in charge."),
        force: bool = typer.Option(
            False,
            "--force",
            help="Draft even where the campaign wrote to the body within 60 working days.",
        ),
        purpose: str | None = typer.Option(
            None, "--purpose", help="With 'discard': only letters of this kind (e.g. chaser)."
        ),
        to_address: str | None = typer.Option(
            None,
            "--to-address",
            metavar="EMAIL",
            help="With TEMPLATE REF: send it here instead of where the body last wrote from.",
        ),
        json_out: bool = typer.Option(False, "--json"),
    ) -> None:
        """Draft one request per body from a template, in one transaction; or preview drafts.

        Bodies that are closed, outside FOI or of another kind are skipped with the reason;
        bodies without an email address are drafted for the web form or post, or marked
        unsendable. Nothing is sent: see 'foi send'.

        Example:  foi draft sim-use --to kind:mental-health-trust --campaign sim-2026

        Example:  foi draft sim-use --to nation:scotland --campaign sim-scotland

        Example:  foi draft preview --campaign sim-2026

        Example:  foi draft discard FOI-2026-0007 --purpose chaser

        Example:  foi draft clarification-reply FOI-2026-0007 --var clarification="2019 to 2026"
        """
        if template == "preview":
            _preview(ctx, reference, campaign, json_out)
            return
        if template == "discard":
            _discard(ctx, reference, purpose)
            return
        if reference is not None and template in FOLLOW_UP_TEMPLATES:
            _draft_step(ctx, template, reference, var, requester, to_address)
            return
        if reference is not None:
            raise UsageError(
                f"unexpected argument {reference!r}: give bodies with --to (a request's "
                f"next letter is drafted by name: {', '.join(FOLLOW_UP_TEMPLATES)})"
            )
        from foi.casework.requests import get_requester
        from foi.casework.user_holidays import holiday_set
        from foi.letters.batches import draft_batch
        from foi.letters.templates import TemplateError

        e = env(ctx)
        user_vars = _parse_vars(var)
        name = requester or e.settings.requester_name
        if not name:
            raise ConfigError(
                "who signs the letters? set FOI_REQUESTER_NAME (and "
                "FOI_REQUESTER_EMAIL), [requester] name in foi.toml, or pass "
                "--requester NAME"
            )
        lib = library(e)
        try:
            with session(e) as s:
                person = get_requester(
                    s,
                    name,
                    e.now,
                    email=e.settings.requester_email or None,
                    address=e.settings.requester_address or None,
                )
                results = draft_batch(
                    s,
                    lib,
                    template,
                    to,
                    requester=person,
                    campaign=campaign,
                    user_vars=user_vars,
                    today=e.today,
                    now=e.now,
                    holidays=holiday_set(s),
                    force=force,
                    assignee=assignee,
                )
        except TemplateError as exc:
            raise _template_error(exc) from None
        rows = [r.__dict__ for r in results]
        if json_out:
            emit_json(rows)
            return
        drafted = [r for r in results if r.state != "skipped"]
        table(
            ("ref", "body", "state", "route", "to / reason"),
            [
                (
                    r.reference,
                    r.body,
                    r.state,
                    r.route,
                    r.reason if r.state != "draft" or r.route != "email" else r.to,
                )
                for r in results
            ],
            title=f"{len(drafted)} drafted, {len(results) - len(drafted)} skipped",
        )
        doubtful = [r for r in results if r.doubt]
        for r in doubtful:
            info(f"warning: {r.reference} {r.body}: {r.doubt}")
        if doubtful:
            info(
                f"{len(doubtful)} address(es) above are unconfirmed or not confirmed within a "
                "year: check each on the body's own site, then 'foi body edit BODY --confirmed "
                "DATE --source URL'"
            )
        info(
            "next: 'foi draft preview"
            + (f" --campaign {shlex.quote(campaign)}" if campaign else "")
            + "' to read them, then 'foi send' (a dry run until --yes)"
        )


# Letters on one request, drafted by `foi draft TEMPLATE REF` when the law allows that step
# now (the same check as `foi escalate REF --yes`).
FOLLOW_UP_TEMPLATES = ("clarification-reply", "internal-review", "ico-complaint")


def _draft_step(
    ctx: typer.Context,
    template: str,
    reference: str,
    var: list[str],
    requester: str | None,
    to_address: str | None = None,
) -> None:
    from foi.casework.requests import clocks, find_request, get_requester
    from foi.casework.user_holidays import holiday_set
    from foi.letters.records import address_by_hand, route_reason
    from foi.reminders.escalation import draft_step, propose

    e = env(ctx)
    user_vars = _parse_vars(var)
    name = requester or e.settings.requester_name
    with session(e) as s:
        hs = holiday_set(s)
        req = find_request(s, reference)
        prop = propose(req, clocks(req, hs), e.today)
        if prop.template != template:
            raise ConflictError(
                f"{req.reference}: a {template} letter is not the next step ({prop.reason})"
            )
        person = (
            get_requester(
                s,
                name,
                e.now,
                email=e.settings.requester_email or None,
                address=e.settings.requester_address or None,
            )
            if name
            else None
        )
        lt = draft_step(
            s, library(e), req, prop, requester=person, user_vars=user_vars,
            today=e.today, now=e.now, holidays=hs,
        )  # fmt: skip
        if to_address:
            address_by_hand(lt, to_address)
        line = f"{req.reference}: {template} drafted to {lt.to_addr} ({route_reason(lt)})"
    out(line)
    info(f"next: 'foi draft preview {req.reference}', then 'foi send {req.reference}'")


def _discard(ctx: typer.Context, reference: str | None, purpose: str | None) -> None:
    from foi.letters.sending import discard_letters

    if reference is None:
        raise UsageError("say which request: foi draft discard REF [--purpose chaser]")
    from foi.casework.corrections import withdraw_discarded
    from foi.casework.user_holidays import holiday_set

    e = env(ctx)
    with session(e) as s:
        done = discard_letters(s, reference, purpose)
        req = done[0].request
        withdrawn = withdraw_discarded(s, req, today=e.today, now=e.now, holidays=holiday_set(s))
        line = (
            f"{req.reference}: {len(done)} unsent letter(s) cancelled ("
            + ", ".join(lt.purpose for lt in done)
            + "); they are kept, marked cancelled"
            + ("; the request is withdrawn (no longer a draft)" if withdrawn else "")
        )
    out(line)


def _parse_vars(pairs: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--var {pair!r}: use KEY=VALUE")
        found[key.strip()] = value
    return found


def _preview(
    ctx: typer.Context, reference: str | None, campaign: str | None, json_out: bool
) -> None:
    from foi.letters.records import address_doubt, current_route, route_reason
    from foi.letters.sending import letters_for

    e = env(ctx)
    with session(e) as s:
        letters = letters_for(s, [reference] if reference else [], campaign, e.now)
        shown = [
            lt
            for lt in letters
            if reference or lt.state in ("draft", "failed", "written", "unsendable")
        ]
        data = [
            {
                "reference": lt.request.reference,
                "body": lt.request.body.name,
                "purpose": lt.purpose,
                "route": current_route(lt)[0],
                "to": current_route(lt)[1],
                "state": lt.state,
                "subject": lt.subject,
                "text": lt.text,
                "unsendable_reason": lt.unsendable_reason,
                "address_doubt": address_doubt(lt, e.today),
                "to_why": route_reason(lt),
            }
            for lt in shown
        ]
    if json_out:
        emit_json(data)
        return
    if not data:
        info("no draft letters" + (f" in campaign {campaign}" if campaign else ""))
        return
    for n, d in enumerate(data):
        if n:
            out("\n" + "=" * 72 + "\n")
        out(f"To: {d['to'] or '(no address)'}  [{d['route']}; {d['state']}]")
        if d["route"] == "web-form" and d["to"]:
            out(f"How: paste this letter into the body's web form at {d['to']}")
        if d["address_doubt"]:
            out(f"Warning: {d['address_doubt']}; confirm it with 'foi body edit'")
        if d["route"] == "email":
            out(f"Why this address: {d['to_why']}")
        if d["unsendable_reason"]:
            out(f"Note: {d['unsendable_reason']}")
        out(f"Subject: {d['subject']}")
        out("")
        out(d["text"].rstrip("\n"))


def register_edit(app: typer.Typer) -> None:
    """Add `foi request edit`."""

    @app.command("edit")
    def edit(
        ctx: typer.Context,
        reference: str = typer.Argument(..., help="e.g. FOI-2026-0001"),
    ) -> None:
        """Edit a draft letter in $EDITOR (the first line is the subject).

        Example:  EDITOR=nano foi request edit FOI-2026-0001
        """
        from foi.letters.sending import letter_for_edit

        e = env(ctx)
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not editor:
            raise ConfigError("set EDITOR (e.g. EDITOR=nano) to edit letters")
        # The editor runs outside any transaction, so nobody else waits on the database
        # while a volunteer types; the change is applied only if the letter is unchanged.
        with session(e) as s:
            lt = letter_for_edit(s, reference)
            ref, letter_id, before = lt.request.reference, lt.id, (lt.subject, lt.text)
        import subprocess  # only when an editor is opened
        import tempfile

        fd, tmp = tempfile.mkstemp(prefix=f"foi-{ref}-", suffix=".txt")  # mode 600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(f"Subject: {before[0]}\n\n{before[1]}")
            try:
                done = subprocess.run([*shlex.split(editor), tmp], check=False)
            except OSError as exc:
                raise ConfigError(f"cannot run the editor {editor!r}: {exc.strerror}") from None
            if done.returncode != 0:
                raise UsageError(
                    f"the editor exited with status {done.returncode}: nothing changed"
                )
            from foi.files import read_text_file

            edited, note = read_text_file(Path(tmp))
            if note:
                info("note: the edited letter was not UTF-8; read it as Windows-1252")
        finally:
            Path(tmp).unlink(missing_ok=True)
        first, _, rest = edited.partition("\n")
        if not first.startswith("Subject:"):
            raise UsageError("the first line must stay 'Subject: …': nothing changed")
        subject = " ".join(first[len("Subject:") :].split())
        if f"[{ref}]" not in subject:
            subject = f"{subject} [{ref}]"
        from foi.letters.records import check_letter_text

        text = check_letter_text(rest.lstrip("\n"))
        if not text.strip():
            raise UsageError("the letter is empty: nothing changed")
        changed = (subject, text) != before
        if changed:
            from foi.letters.records import save_edit
            from foi.store.models import Letter

            with session(e) as s:
                lt = s.get(Letter, letter_id)
                if lt is None:
                    raise UsageError(f"{ref}'s letter is gone: nothing saved")
                save_edit(lt, before, subject, text)
        out(f"{ref}: " + ("letter updated" if changed else "no change"))
