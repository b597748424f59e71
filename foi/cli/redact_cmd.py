"""`foi redact`: a redacted copy of an attachment, with personal data gone, not covered."""

from __future__ import annotations

import sys

import typer

from foi.cli._common import emit_json, env, info, out, session, table


def volunteer_name(e, by: str | None) -> str | None:  # type: ignore[no-untyped-def]
    """Who is acting: --by, else FOI_DEFAULT_ASSIGNEE, else the login name."""
    if by:
        return by
    if e.settings.default_assignee:
        return str(e.settings.default_assignee)
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def configured_people(e):  # type: ignore[no-untyped-def]
    """The requester named in the settings, as a Person to look for."""
    from foi.redaction.findings import Person

    st = e.settings
    return [Person("requester", st.requester_name, st.requester_email, st.requester_address)]


def check_new_files(e, s, req, event, reviewed: bool) -> None:  # type: ignore[no-untyped-def]
    """The publishable gate for files `foi respond --publishable` just stored."""
    from sqlalchemy import select

    from foi.cli.publish_cmd import _list_findings
    from foi.redaction.review import ReviewNeeded, mark_publishable, watchlist
    from foi.store.models import Attachment

    ids = list(s.scalars(select(Attachment.id).where(Attachment.event_id == event.id)))
    try:
        scans = mark_publishable(
            s,
            req,
            ids,
            watch=watchlist(s, people=configured_people(e), campaign_id=req.campaign_id),
            reviewed=reviewed,
            by=volunteer_name(e, None),
            now=e.now,
        )
    except ReviewNeeded as exc:
        _list_findings(exc.scans)
        raise ReviewNeeded(
            req.reference,
            exc.scans,
            "Nothing was logged: log it again with --reviewed once you have read them, or "
            "without --publishable, then redact ('foi redact') and mark it",
        ) from None
    _list_findings([sc for sc in scans if sc.blocking])


def register(app_: typer.Typer) -> None:
    """Add `foi redact`."""

    @app_.command("redact")
    def redact(
        ctx: typer.Context,
        reference: str = typer.Argument(..., help="e.g. FOI-2026-0001"),
        attachment: int = typer.Argument(
            ..., help="The attachment's id ('foi request publishable REF')."
        ),
        text: list[str] = typer.Option(
            [], "--text", help="Also remove every place this text appears (repeatable)."
        ),
        region: list[str] = typer.Option(
            [],
            "--region",
            help="Also remove a region: PAGE:x0,y0,x1,y1 in points (1/72 inch) from the "
            "page's top-left corner (repeatable).",
        ),
        term: list[str] = typer.Option(
            [], "--term", help="A name or term the campaign keeps out of print (repeatable)."
        ),
        yes: bool = typer.Option(False, "--yes", help="Write the copy without asking."),
        by: str | None = typer.Option(None, "--by", help="Who redacts (default: you)."),
        json_out: bool = typer.Option(False, "--json"),
    ) -> None:
        """Store a redacted PDF copy of an attachment: personal data burnt out, text by OCR.

        Proposes what to remove (personal data found in it, plus text and regions you add),
        shows it, and on confirmation stores the copy beside the original: every page rendered to an image, the boxes burnt in, a text layer
        given back by OCR. Nothing removed can be copied, searched or extracted from it; the
        original is never changed. Only redacted copies are published.

        Example:  foi redact FOI-2026-0001 12 --text "Ward 7B" --region 2:300,700,560,760 --yes
        """
        from foi.casework.requests import find_request
        from foi.evidence import blobs
        from foi.redaction.proposal import propose
        from foi.redaction.render import Document, parse_region, to_pdf
        from foi.redaction.review import request_attachments, store_redaction, watchlist

        e = env(ctx)
        regions = [parse_region(r) for r in region]
        with session(e) as s:
            req = find_request(s, reference)
            att = request_attachments(s, req, [attachment])[0]
            pdf = to_pdf(blobs.read_blob(s, att.sha256), att.filename, att.content_type)
            watch = watchlist(
                s, people=configured_people(e), terms=term, campaign_id=req.campaign_id
            )
            with Document(pdf) as doc:
                prop = propose(doc.pages, watch, texts=text, regions=regions)
                if not json_out:
                    _show(req.reference, att.filename, prop, [p.method for p in doc.pages])
                for phrase in prop.not_found:
                    info(f"--text {phrase!r} is not in {att.filename}: nothing added for it")
                if not yes and not _confirm(json_out):
                    if not json_out:
                        out("nothing written: add --yes to write the redacted copy")
                    else:
                        emit_json({"written": False, "areas": prop.as_json()})
                    return
                copy = doc.redact(prop.areas, check=prop.phrases())
            red = store_redaction(
                s, att, copy.data, copy.pages, prop.as_json(), by=volunteer_name(e, by), now=e.now
            )
            result = {
                "written": True,
                "reference": req.reference,
                "attachment": att.id,
                "redaction": red.id,
                "sha256": red.sha256,
                "original_sha256": att.sha256,
                "pages": len(copy.pages),
                "areas": prop.as_json(),
            }
        if json_out:
            emit_json(result)
            return
        out(
            f"{result['reference']}: redacted copy {result['redaction']} of attachment "
            f"{att.id} stored ({result['pages']} pages, {len(prop.areas)} areas removed); "
            "the original is unchanged"
        )


def _show(reference: str, filename: str, prop, methods: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The proposal as a table: page, what, why, the text removed."""
    ocr = [str(n) for n, m in enumerate(methods, start=1) if m == "ocr"]
    if ocr:
        info(f"pages read by OCR (no text layer): {', '.join(ocr)}")
    table(
        ("page", "kind", "why", "text"),
        [(a.page, a.kind, a.why, (a.text or "").replace("\n", " ")) for a in prop.areas],
        title=f"{reference}: to remove from {filename}",
    )
    if not prop.areas:
        out("no personal data found: the copy will be the pages as images with OCR text")


def _confirm(json_out: bool) -> bool:
    """Ask at a terminal; elsewhere (a script, a pipe) the answer is no without --yes."""
    if json_out or not sys.stdin.isatty():
        return False
    return typer.confirm("Write the redacted copy?", default=False)


terms_app = typer.Typer(
    help="Names and terms a campaign keeps out of print: found in files before they are "
    "published, and proposed by 'foi redact'.\n\n"
    'Example:  foi redact-term add --campaign sim-2026 "Ward 7B"',
    no_args_is_help=True,
)


@terms_app.command("add")
def term_add(
    ctx: typer.Context,
    terms: list[str] = typer.Argument(..., help="The names or terms, each in quotes."),
    campaign: str = typer.Option(..., "--campaign", help="The campaign's name."),
    by: str | None = typer.Option(None, "--by", help="Who adds them (default: you)."),
) -> None:
    """Add names or terms to the campaign's list (an officer's name, a ward, a team).

    Example:  foi redact-term add --campaign sim-2026 "PC Jo Bloggs" "Ward 7B"
    """
    from foi.casework.requests import get_campaign
    from foi.redaction.review import add_term

    e = env(ctx)
    with session(e) as s:
        camp = get_campaign(s, campaign, e.now, create=False)
        added = [t for t in terms if add_term(s, camp.id, t, by=volunteer_name(e, by), now=e.now)]
    out(f"{campaign}: {len(added)} term{'s' if len(added) != 1 else ''} added")


@terms_app.command("list")
def term_list(
    ctx: typer.Context,
    campaign: str = typer.Option(..., "--campaign", help="The campaign's name."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """List the campaign's names and terms kept out of print.

    Example:  foi redact-term list --campaign sim-2026
    """
    from foi.casework.requests import get_campaign
    from foi.redaction.review import campaign_terms

    e = env(ctx)
    with session(e) as s:
        camp = get_campaign(s, campaign, e.now, create=False)
        terms = campaign_terms(s, camp.id)
    if json_out:
        emit_json(terms)
        return
    for t in terms:
        out(t)


@terms_app.command("remove")
def term_remove(
    ctx: typer.Context,
    term: str = typer.Argument(..., help="The name or term."),
    campaign: str = typer.Option(..., "--campaign", help="The campaign's name."),
) -> None:
    """Take a name or term off the campaign's list.

    Example:  foi redact-term remove --campaign sim-2026 "Ward 7B"
    """
    from foi.casework.requests import get_campaign
    from foi.redaction.review import remove_term

    e = env(ctx)
    with session(e) as s:
        camp = get_campaign(s, campaign, e.now, create=False)
        remove_term(s, camp.id, term)
    out(f"{campaign}: {term!r} removed")


__all__ = ["register", "terms_app"]
