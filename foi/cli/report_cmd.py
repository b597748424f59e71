"""`foi exemptions` (the catalogue) and `foi report` (tables a campaign publishes)."""

from __future__ import annotations

import sys

import typer

from foi.cli._common import emit_json, env, out, session, table

exemptions_app = typer.Typer(
    help="The exemptions of each Act, as `foi respond --exemption` accepts them.\n\n"
    "Example:  foi exemptions list --regime foisa",
    no_args_is_help=True,
)
report_app = typer.Typer(
    help="Tables from the evidence: one question's answers across every body (for "
    "outcomes, see 'foi request list --outcome').\n\n"
    "Example:  foi report answers 1 --campaign sim-2026 --csv",
    no_args_is_help=True,
)


@exemptions_app.command("list")
def exemptions_list(
    ctx: typer.Context,
    regime: str = typer.Option("foia", "--regime", help="foia, eir, foisa or sar."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """List the exemptions of an Act with their kind (absolute, qualified, procedural).

    Example:  foi exemptions list --regime eir
    """
    from foi.law.exemptions import catalogue

    rows = [
        {"code": x.code, "title": x.title, "kind": x.kind, "family": x.family}
        for x in catalogue(regime)
    ]
    if json_out:
        emit_json(rows)
        return
    table(
        ("code", "title", "kind"),
        [(r["code"], r["title"], r["kind"]) for r in rows],
        title=f"{regime.upper()}: {len(rows)} entries",
    )


@report_app.command("answers")
def answers(
    ctx: typer.Context,
    question: int = typer.Argument(..., help="Question number in the letter."),
    campaign: str | None = typer.Option(None, "--campaign"),
    template: str | None = typer.Option(
        None,
        "--template",
        help="Only letters from this template (question numbers differ between them).",
    ),
    as_csv: bool = typer.Option(False, "--csv", help="Write CSV to standard output."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """One question across every body: the answer, its status and the exemptions cited.

    Example:  foi report answers 2 --campaign sim-2026 --template sim-use --csv > q2.csv
    """
    from foi.casework.requests import get_campaign
    from foi.evidence.responses import answers_table

    if question < 1:
        from foi.errors import UsageError

        raise UsageError("questions are numbered from 1: see 'foi template show TEMPLATE'")
    e = env(ctx)
    with session(e) as s:
        camp = get_campaign(s, campaign, e.now, create=False) if campaign else None
        rows = answers_table(s, question, camp.id if camp else None, template)
    if json_out:
        emit_json(rows)
        return
    if as_csv:
        from foi.exports import write_csv_rows

        write_csv_rows(
            sys.stdout,
            ["reference", "body", "status", "resolution", "answer", "answer_status", "exemptions"],
            (
                [
                    r["reference"],
                    r["body"],
                    r["status"],
                    r["resolution"],
                    r["answer"],
                    r["answer_status"],
                    " ".join(r["exemptions"]),
                ]
                for r in rows
            ),
        )
        return
    table(
        ("ref", "body", "status", "answer", "exemptions"),
        [
            (
                r["reference"],
                r["body"],
                r["answer_status"] or r["status"],
                r["answer"],
                " ".join(r["exemptions"]),
            )
            for r in rows
        ],
        title=f"question {question}",
    )
    out("")
