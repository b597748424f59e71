"""`foi search`: find words and phrases in replies, attachments, letters and notes."""

from __future__ import annotations

import typer

from foi.cli._common import emit_json, env, out, session


def register(app: typer.Typer) -> None:
    app.command("search")(search)


def search(
    ctx: typer.Context,
    query: str = typer.Argument(..., help='Words, "exact phrases", A OR B, -excluded, prefix*.'),
    campaign: str | None = typer.Option(None, "--campaign", help="Only this campaign's requests."),
    body: str | None = typer.Option(None, "--body", help="Only requests to this body."),
    kind: list[str] = typer.Option(
        [], "--kind", help="attachment, reply, letter or note (repeatable; default all)."
    ),
    since: str | None = typer.Option(None, "--since", help="Only from this date."),
    until: str | None = typer.Option(None, "--until", help="Only up to this date."),
    request: str | None = typer.Option(
        None,
        "--request",
        help="Only this request (the one way to search a subject access request's material).",
    ),
    limit: int = typer.Option(50, "--limit", min=1, max=10_000, help="At most this many hits."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Search replies, attachments (page by page), letters and notes.

    Words are matched by their stem (intensity, intensive); "quoted words" must appear
    together in order; OR between two terms accepts either; -word excludes; word* is a
    prefix. Subject access requests are searched only with --request naming one.

    Example:  foi search '"High Intensity" OR HIU -police' --campaign sim-2026
    """
    from foi.clock import parse_date
    from foi.errors import UsageError
    from foi.reading import index
    from foi.reading.search import KINDS, Filters, parse
    from foi.reading.search import search as run

    e = env(ctx)
    parsed = parse(query)
    for k in kind:
        if k not in KINDS:
            raise UsageError(f"unknown --kind {k!r}: use one of {', '.join(KINDS)}")
    start = parse_date(since, "--since") if since else None
    end = parse_date(until, "--until") if until else None
    with session(e) as s:
        flt = Filters(
            kinds=tuple(k for k in KINDS if not kind or k in kind), since=start, until=end
        )
        if campaign:
            from foi.casework.requests import get_campaign

            flt = _with(flt, campaign_id=get_campaign(s, campaign, e.now, create=False).id)
        if body:
            from foi.directory.bodies import find_body

            flt = _with(flt, body_id=find_body(s, body).id)
        if request:
            from foi.casework.requests import find_request

            flt = _with(flt, request_id=find_request(s, request).id)
        index.refresh(s)
        hits = run(s, parsed, flt, limit)
        rows = []
        for h in hits:
            snippet, spans, offset = h.snippet()
            rows.append(
                {
                    "kind": h.kind,
                    "reference": h.reference,
                    "body": h.body,
                    "name": h.name,
                    "part": h.part,
                    "page": h.page,
                    "snippet": snippet,
                    "snippet_offset": offset,
                    "matches": [[a, b] for a, b in spans],
                    "offsets": [[a, b] for a, b in h.spans],
                }
            )
    if json_out:
        emit_json(rows)
        return
    if not rows:
        out("no hits")
        return
    for r in rows:
        where = r["name"] + (f" ({r['part']})" if r["part"] else "")
        page = f" p.{r['page']}" if r["page"] else ""
        out(f"{r['reference']}  {r['body']}  {r['kind']}: {where}{page}")
        out(f"    {_marked(r['snippet'], r['matches'])}")
    more = " (the first ones: --limit for more)" if len(rows) >= limit else ""
    out(f"{len(rows)} hit(s){more}")


def _with(flt, **changes):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(flt, **changes)


def _marked(snippet: str, spans: list[list[int]]) -> str:
    """The snippet on one line with each match between ** marks."""
    parts, last = [], 0
    for start, end in spans:
        if start < last:
            continue
        parts += [snippet[last:start], "**", snippet[start:end], "**"]
        last = end
    parts.append(snippet[last:])
    return " ".join("".join(parts).split())
