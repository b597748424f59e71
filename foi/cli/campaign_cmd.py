"""`foi campaign`: what a campaign says about itself in its findings, and its next round."""

from __future__ import annotations

from pathlib import Path

import typer

from foi.cli._common import emit_json, env, info, out, session

app = typer.Typer(
    help="Campaigns: the title, summary and questions their findings show; repeat a round.\n\n"
    "Example:  foi campaign show sim-2026",
    no_args_is_help=True,
)


def _shape(camp, held: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return {
        "name": camp.name,
        "title": camp.title,
        "summary": camp.summary,
        "questions": camp.questions or {},
        "held_back": held,
    }


@app.command("edit")
def edit(
    ctx: typer.Context,
    campaign: str = typer.Argument(..., help="The campaign's name, e.g. sim-2026."),
    title: str | None = typer.Option(None, "--title", help="The findings' title (one line)."),
    summary_file: Path | None = typer.Option(
        None, "--summary-file", help="A short summary in Markdown (a few paragraphs)."
    ),
    summary: str | None = typer.Option(None, "--summary", help="The summary given inline."),
    keep_questions: bool = typer.Option(
        False,
        "--keep-questions",
        help="Keep on the campaign the questions its letters asked, as their templates "
        "say now (so a template edited later does not change the findings).",
    ),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Set the title and summary the published findings open with, and keep the questions
    each letter asked. The summary is Markdown, shown as text (no HTML).

    Example:  foi campaign edit sim-2026 --title "Who ran SIM?" --summary-file summary.md --keep-questions
    """
    from sqlalchemy import select

    from foi.casework.requests import get_campaign
    from foi.cli.publish_cmd import letter_questions
    from foi.errors import UsageError
    from foi.evidence.campaign_text import edit_campaign, snapshot_questions
    from foi.evidence.embargo import count_held
    from foi.files import read_text_file
    from foi.store.models import Request

    if summary is not None and summary_file is not None:
        raise UsageError("give --summary or --summary-file, not both")
    if summary_file is not None:
        summary, note = read_text_file(summary_file, limit=1024 * 1024)
        if note:
            info(note)
    e = env(ctx)
    with session(e) as s:
        camp = get_campaign(s, campaign, e.now, create=False)
        edit_campaign(camp, title=title, summary=summary)
        if keep_questions:
            used = s.scalars(
                select(Request.template)
                .where(Request.campaign_id == camp.id, Request.template.is_not(None))
                .distinct()
            )
            snapshot_questions(camp, [t for t in used if t], letter_questions(e))
        result = _shape(camp, count_held(s, camp.id, e.today))
    if json_out:
        emit_json(result)
        return
    out(f"{result['name']}: {result['title'] or '(no title: the name is shown)'}")
    for letter, qs in result["questions"].items():
        out(f"{letter}: {len(qs)} questions kept")


@app.command("show")
def show(
    ctx: typer.Context,
    campaign: str = typer.Argument(..., help="The campaign's name, e.g. sim-2026."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Show a campaign's title, summary, kept questions and how many requests are held back.

    Example:  foi campaign show sim-2026 --json
    """
    from foi.casework.requests import get_campaign
    from foi.evidence.embargo import count_held

    e = env(ctx)
    with session(e) as s:
        camp = get_campaign(s, campaign, e.now, create=False)
        result = _shape(camp, count_held(s, camp.id, e.today))
    if json_out:
        emit_json(result)
        return
    out(f"name:    {result['name']}")
    out(f"title:   {result['title'] or '(none: the name is shown)'}")
    n = result["held_back"]
    out(f"held back from publication: {n} request{'' if n == 1 else 's'}")
    if result["summary"]:
        out("")
        out(result["summary"])
    for letter, qs in result["questions"].items():
        out("")
        out(f"{letter}:")
        for q in qs:
            out(f"  {q['number']}. {q['text']}")


def _add_repeat() -> None:
    from foi.cli.repeat_cmd import register

    register(app)


_add_repeat()
