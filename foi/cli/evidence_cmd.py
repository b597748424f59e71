"""`foi evidence`: passages naming the campaign's terms, proposed as body evidence."""

from __future__ import annotations

from pathlib import Path

import typer

from foi.cli._common import emit_json, env, out, session

app = typer.Typer(
    help="Passages naming the campaign's terms, proposed as body evidence: accept or reject."
    "\n\nExample:  foi evidence suggest --campaign sim-2026",
    no_args_is_help=True,
)


def _vocabulary(extra: list[Path]) -> list:  # type: ignore[type-arg]
    from foi.reading.vocabulary import load

    local = Path("vocabulary.csv")
    return load(([local] if local.is_file() else []) + list(extra))


@app.command("suggest")
def suggest(
    ctx: typer.Context,
    campaign: str | None = typer.Option(None, "--campaign", help="Only this campaign's replies."),
    vocabulary: list[Path] = typer.Option(
        [],
        "--vocabulary",
        help="More terms: a CSV with term,kind,source (./vocabulary.csv is read too).",
    ),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Find the campaign's terms (SIM, High Intensity …, Response Plan, and your own) in
    replies and their attachments, and list the passages proposed as evidence, per body,
    with page and source. Nothing is recorded as evidence until you accept it.

    Example:  foi evidence suggest --campaign sim-2026 && foi evidence accept 3 --status piloted --local-name "High Intensity Service"
    """
    from foi.reading import index
    from foi.reading import suggest as found

    e = env(ctx)
    terms = _vocabulary(vocabulary)
    with session(e) as s:
        campaign_id = None
        if campaign:
            from foi.casework.requests import get_campaign

            campaign_id = get_campaign(s, campaign, e.now, create=False).id
        index.refresh(s)
        new = found.find(s, terms, e.now, campaign_id)
        rows = found.proposals(s, campaign_id=campaign_id)
    data = [
        {
            "id": p.id,
            "body": p.body,
            "source": p.reference,
            "kind": p.kind,
            "name": p.name,
            "page": p.page,
            "terms": p.terms,
            "quote": p.quote,
        }
        for p in rows
    ]
    if json_out:
        emit_json({"new": new, "proposed": data})
        return
    if not data:
        out("nothing proposed: no reply or attachment names a term of the vocabulary")
        return
    body = None
    for p in data:
        if p["body"] != body:
            body = p["body"]
            out(body)
        page = f", page {p['page']}" if p["page"] else ""
        out(f"  [{p['id']}] {p['source']} {p['name']}{page}: {p['terms']}")
        out(f"       “{p['quote']}”")
    out(
        f"{len(data)} proposed ({new} new): 'foi evidence accept ID --status S --local-name N' "
        "or 'foi evidence reject ID'"
    )


@app.command("accept")
def accept(
    ctx: typer.Context,
    suggestion: int = typer.Argument(..., metavar="ID", help="The proposal's id."),
    status: str = typer.Option(
        ..., "--status", help="adopted, piloted, considering, withdrawn, denied or not-adopted."
    ),
    local_name: str | None = typer.Option(
        None, "--local-name", help="The body's own name for its SIM-like service."
    ),
    quote: str | None = typer.Option(None, "--quote", help="Quote these words instead."),
    by: str | None = typer.Option(None, "--by", help="Who decided (a volunteer's name)."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Make a proposal the body's evidence, sourced to its request, with its page and quote.

    Example:  foi evidence accept 3 --status piloted --local-name "High Intensity Service"
    """
    from foi.reading import suggest as found

    e = env(ctx)
    with session(e) as s:
        evidence_id = found.accept(
            s, suggestion, status=status, now=e.now, local_name=local_name, quote=quote, by=by
        )
    if json_out:
        emit_json({"suggestion": suggestion, "evidence": evidence_id})
        return
    out(f"suggestion {suggestion} accepted as evidence {evidence_id} ('foi body show' lists it)")


@app.command("reject")
def reject(
    ctx: typer.Context,
    suggestion: int = typer.Argument(..., metavar="ID", help="The proposal's id."),
    by: str | None = typer.Option(None, "--by", help="Who decided (a volunteer's name)."),
) -> None:
    """Set a proposal aside: it is not proposed again.

    Example:  foi evidence reject 4
    """
    from foi.reading import suggest as found

    e = env(ctx)
    with session(e) as s:
        found.reject(s, suggestion, e.now, by)
    out(f"suggestion {suggestion} rejected")
