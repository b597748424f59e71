"""`foi publish` (the evidence site), `foi request bundle` and `foi request publishable`."""

from __future__ import annotations

from pathlib import Path

import typer

from foi.cli._common import emit_json, env, info, out, reading, session, table


def redactor_for(e, s):  # type: ignore[no-untyped-def]
    """Removes every requester and volunteer in the database, and the configured requester."""
    from foi.evidence.findings import privacy_redactor

    st = e.settings
    return privacy_redactor(
        s,
        names=[st.requester_name],
        emails=[st.requester_email],
        addresses=[st.requester_address],
    )


def _question_text(e):  # type: ignore[no-untyped-def]
    """Look up a question's wording in the letter's template (None if unknown)."""
    from foi.cli.letters_cmd import library
    from foi.letters.templates import TemplateError

    cache: dict[str | None, dict[int, str]] = {}

    def lookup(template: str | None, number: int) -> str | None:
        if template not in cache:
            try:
                info_ = library(e).get(template) if template else None
                cache[template] = {q.number: q.text for q in info_.questions} if info_ else {}
            except TemplateError:
                cache[template] = {}
        return cache[template].get(number)

    return lookup


def letter_questions(e):  # type: ignore[no-untyped-def]
    """A letter's numbered questions from its template (none if the template is gone)."""
    from foi.cli.letters_cmd import library
    from foi.letters.templates import TemplateError

    def questions(template: str) -> list[tuple[int, str]]:
        try:
            found = library(e).get(template)
        except TemplateError:
            return []
        return [(q.number, q.text) for q in found.questions] if found else []

    return questions


def register(app_: typer.Typer) -> None:
    """Add `foi publish`."""

    @app_.command("publish")
    def publish(
        ctx: typer.Context,
        out_dir: Path = typer.Argument(..., help="Folder for the site (new, or one made before)."),
        campaign: str = typer.Option(..., "--campaign", help="The campaign's name."),
        kind: str | None = typer.Option(None, "--kind", help="Only bodies of this kind."),
        json_out: bool = typer.Option(False, "--json", help="Print a summary as JSON."),
    ) -> None:
        """Build the campaign's evidence site: a static site that opens from disk, no server.

        index.html (figures, charts, every body), one page per body (requests, timelines,
        letters, replies, answers, exemptions, SIM evidence) and data/results.csv, .json.
        Requesters' and volunteers' names, emails and addresses are removed from all text;
        subject access requests are never included; attachments only when marked
        publishable ('foi respond --publishable', 'foi request publishable').

        Example:  foi publish --campaign sim-2026 site/ && xdg-open site/index.html
        """
        from foi.casework.user_holidays import holiday_set, sync
        from foi.evidence.findings import campaign_row
        from foi.evidence.publish import build_site

        e = env(ctx)
        # Core rows only (no ORM): the site only reads, but for the stored clock dates that a
        # changed holiday set moves (as every command that shows dates does).
        with reading(e) as s:
            camp = campaign_row(s, campaign)
            sync(s)  # new holiday data moves the stored clock dates the pages show
            report = build_site(
                s,
                camp,
                out_dir,
                today=e.today,
                holidays=holiday_set(s),
                redactor=redactor_for(e, s),
                question_text=_question_text(e),
                kind=kind,
                letter_questions_of=letter_questions(e),
            )
        result = {
            "out_dir": str(report.out_dir),
            "index": str(report.out_dir / "index.html"),
            "bodies": report.bodies,
            "requests": report.requests,
            "files_published": report.files_published,
            "files_withheld": report.files_withheld,
            "held_back": report.held,
            "files_written": report.written,
            "files_unchanged": report.unchanged,
            "files_removed": report.removed,
        }
        if json_out:
            emit_json(result)
            return
        out(
            f"published {report.bodies} bodies ({report.requests} requests) to {result['index']}"
            f": {report.written} files written, {report.unchanged} unchanged, "
            f"{report.removed} removed"
        )
        if report.held:
            n = report.held
            info(
                f"held back from publication: {n} request{'' if n == 1 else 's'} (counted, never named)"
            )
        if report.files_withheld:
            info(
                f"{report.files_withheld} attachments not published: only redacted copies "
                "of files marked publishable are ('foi redact REF ID', "
                "'foi request publishable REF ID')"
            )


def register_request(app_: typer.Typer) -> None:
    """Add `foi request bundle` and `foi request publishable`."""

    @app_.command("bundle")
    def bundle(
        ctx: typer.Context,
        reference: str = typer.Argument(..., help="e.g. FOI-2026-0001"),
        path: Path | None = typer.Argument(
            None, help="The zip to write (default: REFERENCE-correspondence.zip)."
        ),
        public: bool = typer.Option(
            False,
            "--public",
            help="A bundle to share: people's details removed, no raw mail, and only the "
            "redacted copies of attachments marked publishable.",
        ),
        json_out: bool = typer.Option(False, "--json"),
    ) -> None:
        """Write every letter, reply (.eml and text) and attachment of a request, in date
        order with an index, to one zip: the enclosure for an internal review or an ICO
        complaint. With --public, a bundle fit to publish instead.

        Example:  foi request bundle FOI-2026-0001 FOI-2026-0001-correspondence.zip
        """
        from foi.casework.requests import find_request
        from foi.evidence.bundle import bundle_name, write_bundle

        e = env(ctx)
        with session(e) as s:
            req = find_request(s, reference)
            default = Path(
                bundle_name(req).replace("-correspondence", "-public")
                if public
                else bundle_name(req)
            )
            report = write_bundle(
                s, req, path or default, public=redactor_for(e, s) if public else None
            )
            ref = req.reference
        result = {
            "reference": ref,
            "path": str(report.path),
            "letters": report.letters,
            "replies": report.replies,
            "attachments": report.attachments,
            "files": report.files,
        }
        if json_out:
            emit_json(result)
            return
        from foi.files import is_stdout

        (info if is_stdout(report.path) else out)(
            f"{ref}: wrote {report.path} ({report.letters} letters, {report.replies} replies, "
            f"{report.attachments} attachments)"
        )

    @app_.command("publishable")
    def publishable(
        ctx: typer.Context,
        reference: str = typer.Argument(..., help="e.g. FOI-2026-0001"),
        ids: list[int] = typer.Argument(None, help="Attachment ids (see the list without ids)."),
        off: bool = typer.Option(False, "--off", help="Unmark: keep them off the site."),
        reviewed: bool = typer.Option(
            False,
            "--reviewed",
            help="You have read the personal data found in them (or checked a file with no "
            "text): mark them anyway; recorded with who and when.",
        ),
        by: str | None = typer.Option(None, "--by", help="Who reviewed (default: you)."),
        json_out: bool = typer.Option(False, "--json"),
    ) -> None:
        """List a request's attachments and whether each may be published; with ids, mark
        them publishable (or not, with --off). Attachments are unpublished until marked.
        Marking first scans what would be published (the redacted copy, else the original)
        for personal data and lists each finding with its page; while there are findings,
        or the file has no text to scan, it is refused unless you pass --reviewed. Only
        redacted copies are published ('foi redact REF ID').

        Example:  foi request publishable FOI-2026-0001 12 13
        """
        from foi.casework.requests import find_request
        from foi.cli.redact_cmd import configured_people, volunteer_name
        from foi.evidence.bundle import attachments
        from foi.evidence.publish import set_publishable
        from foi.redaction.review import ReviewNeeded, latest_redaction, mark_publishable, watchlist

        e = env(ctx)
        scans = []
        with session(e) as s:
            req = find_request(s, reference)
            if ids and off:
                set_publishable(s, req, ids, False)
            elif ids:
                try:
                    scans = mark_publishable(
                        s,
                        req,
                        ids,
                        watch=watchlist(
                            s, people=configured_people(e), campaign_id=req.campaign_id
                        ),
                        reviewed=reviewed,
                        by=volunteer_name(e, by),
                        now=e.now,
                    )
                except ReviewNeeded as exc:
                    _list_findings(exc.scans)
                    raise
            rows = [
                {
                    "id": a.id,
                    "filename": a.filename,
                    "size": a.size,
                    "publishable": a.publishable,
                    "redacted": latest_redaction(s, a) is not None,
                }
                for a in attachments(s, req)
            ]
            ref = req.reference
        if json_out:
            emit_json(rows)
            return
        _list_findings(scans)
        table(
            ("id", "file", "bytes", "publishable", "redacted copy"),
            [
                (
                    r["id"],
                    r["filename"],
                    r["size"],
                    "yes" if r["publishable"] else "no",
                    "yes" if r["redacted"] else "no",
                )
                for r in rows
            ],
            title=f"{ref}: attachments",
        )
        waiting = [r["id"] for r in rows if r["publishable"] and not r["redacted"]]
        if waiting:
            info(
                "published only once redacted: run 'foi redact "
                f"{ref} ID' for {', '.join(str(i) for i in waiting)}"
            )


def _list_findings(scans) -> None:  # type: ignore[no-untyped-def]
    """Each scanned file's findings, one line each with its page, on stderr."""
    for sc in scans:
        info(sc.describe())
        for f in sc.findings:
            info(f"  page {f.page}: {f.kind} {f.text!r} ({f.why})".replace("\n", " "))


def _hold_commands(app_: typer.Typer, noun: str, find: str, example: str) -> None:
    """Add `hold` and `release` for requests or bodies (held back from publication)."""

    def target(s, needle: str):  # type: ignore[no-untyped-def]
        if find == "request":
            from foi.casework.requests import find_request

            found = find_request(s, needle)
            return found, found.reference
        from foi.directory.bodies import find_body

        body = find_body(s, needle)
        return body, body.name

    @app_.command("hold")
    def hold(
        ctx: typer.Context,
        needle: str = typer.Argument(..., metavar=noun.upper(), help=f"The {noun}."),
        hold_until: str | None = typer.Option(
            None,
            "--hold-until",
            metavar="DATE",
            help="Publish again from this day (without it: held until released).",
        ),
        json_out: bool = typer.Option(False, "--json"),
    ) -> None:
        from foi.clock import parse_date
        from foi.evidence.embargo import hold as do_hold
        from foi.evidence.embargo import hold_state

        e = env(ctx)
        until = parse_date(hold_until) if hold_until else None
        with session(e) as s:
            found, name = target(s, needle)
            do_hold(found, until, e.today)
            state = hold_state(found, e.today)
        if json_out:
            emit_json({noun: name, "state": state})
            return
        out(f"{name}: {state} (the site counts it among those held back, never names it)")

    hold.__doc__ = (
        f"Hold a {noun} back from publication: the site, exports and statistics leave "
        f"{'it' if noun == 'request' else 'its requests'} out and say only how many are held."
        f"\n\nExample:  foi {noun} hold {example} --hold-until 2027-03-01"
    )

    @app_.command("release")
    def release(
        ctx: typer.Context,
        needle: str = typer.Argument(..., metavar=noun.upper(), help=f"The {noun}."),
        json_out: bool = typer.Option(False, "--json"),
    ) -> None:
        from foi.evidence.embargo import release as do_release

        e = env(ctx)
        with session(e) as s:
            found, name = target(s, needle)
            do_release(found)
        if json_out:
            emit_json({noun: name, "state": "not held"})
            return
        out(f"{name}: released; the next 'foi publish' includes it")

    release.__doc__ = (
        f"Release a held {noun}: the next publish includes it again."
        f"\n\nExample:  foi {noun} release {example}"
    )


def register_request_holds(app_: typer.Typer) -> None:
    """Add `foi request hold` and `foi request release`."""
    _hold_commands(app_, "request", "request", "FOI-2026-0001")


def register_body_holds(app_: typer.Typer) -> None:
    """Add `foi body hold` and `foi body release`."""
    _hold_commands(app_, "body", "body", "RXX")
