"""`foi exemptions` (the catalogue) and `foi report` (tables a campaign publishes)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from foi.cli._common import emit_json, env, info, out, reading, session, table

exemptions_app = typer.Typer(
    help="The exemptions of each Act, as `foi respond --exemption` accepts them.\n\n"
    "Example:  foi exemptions list --regime foisa",
    no_args_is_help=True,
)
report_app = typer.Typer(
    help="Tables from the evidence: results per body, statistics, answers question by "
    "question.\n\n"
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
    from foi.cli.publish_cmd import redactor_for
    from foi.evidence.responses import answers_table

    if question < 1:
        from foi.errors import UsageError

        raise UsageError("questions are numbered from 1: see 'foi template show TEMPLATE'")
    e = env(ctx)
    with session(e) as s:
        camp = get_campaign(s, campaign, e.now, create=False) if campaign else None
        rows = answers_table(s, question, camp.id if camp else None, template)
        rows = redactor_for(e, s).value(rows)  # answers quote requesters; exports never do
    if json_out:
        emit_json(rows)
        return
    if as_csv:
        from foi.exports import write_csv_rows

        write_csv_rows(
            sys.stdout,
            # The request's status and outcome kept apart from the answer's own status.
            [
                "reference",
                "body",
                "request_status",
                "outcome",
                "answer",
                "answer_status",
                "exemptions",
            ],
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


def _questions(lib):  # type: ignore[no-untyped-def]
    """A letter's questions by number, from its template (none if the template is gone)."""
    from foi.letters.templates import TemplateError

    cache: dict[str | None, dict[int, str]] = {}

    def questions_of(template: str | None) -> dict[int, str]:
        if template not in cache:
            try:
                found = lib.get(template).questions if template else ()
            except TemplateError:
                found = ()
            cache[template] = {q.number: q.text for q in found}
        return cache[template]

    return questions_of


def _findings(e, s, campaign: str, kind: str | None, rows: bool = True):  # type: ignore[no-untyped-def]
    """The campaign's results rows and facts (sent, non-SAR requests), redacted, streamed."""
    from foi.casework.user_holidays import holiday_set, sync
    from foi.evidence.findings import body_findings, campaign_id, gather, privacy_redactor

    camp = campaign_id(s, campaign)
    sync(s)  # new holiday data moves the stored clock dates findings count from
    st = e.settings
    red = privacy_redactor(  # no requester or volunteer details in any export
        s,
        names=[st.requester_name],
        emails=[st.requester_email],
        addresses=[st.requester_address],
    )
    groups = body_findings(
        s, camp, today=e.today, holidays=holiday_set(s), kind=kind, answers=rows, events=False
    )
    return gather(groups, red.value, rows=rows), red


def _heading(e, s, campaign: str, kind: str | None) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """The campaign's title and summary, and how many requests are held back."""
    from sqlalchemy import select

    from foi.evidence.campaign_text import public_heading
    from foi.evidence.embargo import count_held
    from foi.evidence.findings import campaign_id
    from foi.store import tables

    c = tables.campaigns
    camp = s.execute(
        select(c.c.id, c.c.name, c.c.title, c.c.summary).where(c.c.id == campaign_id(s, campaign))
    ).one()
    return {**public_heading(camp), "held_back": count_held(s, camp.id, e.today, kind=kind)}


@report_app.command("results")
def results(
    ctx: typer.Context,
    campaign: str = typer.Option(..., "--campaign", help="The campaign's name."),
    kind: str | None = typer.Option(None, "--kind", help="Only bodies of this kind."),
    json_out: bool = typer.Option(False, "--json", help="Print the rows as JSON."),
    csv_file: Path | None = typer.Option(None, "--csv", help="Write the rows to a CSV file."),
    xlsx_file: Path | None = typer.Option(
        None, "--xlsx", help="Write a workbook: results, answers and statistics sheets."
    ),
) -> None:
    """One row per body the campaign wrote to: SIM status with its evidence, the latest
    request's status and outcome, working days taken or late by, exemptions, answers.

    Subject access requests are never included. Bodies that never answered are rows too.

    Example:  foi report results --campaign sim-2026 --kind mental-health-trust --xlsx results.xlsx
    """
    from foi.evidence.stats import summarise

    e = env(ctx)
    with reading(e) as s:
        found, red = _findings(e, s, campaign, kind)
        heading = _heading(e, s, campaign, kind)
    rows = found.rows
    if csv_file is not None:
        from foi.evidence.sheets import flat_header, flat_row, question_numbers
        from foi.exports import write_csv_file

        qs = question_numbers(rows)
        n = write_csv_file(csv_file, flat_header(rows), (flat_row(r, qs) for r in rows))
        info(f"wrote {n} rows to {csv_file}")
    if xlsx_file is not None:
        from foi.cli.letters_cmd import library
        from foi.evidence.sheets import workbook
        from foi.exports import write_xlsx_file

        stats = red.value({**heading, **summarise(found.facts)})
        sheets = workbook(rows, found.templates, stats, _questions(library(e)))
        counts = write_xlsx_file(xlsx_file, sheets)
        info(f"wrote {counts.get('Results', 0)} rows to {xlsx_file}")
    if json_out:
        from foi.evidence.sheets import as_json

        emit_json([as_json(r) for r in rows])
        return
    if csv_file is not None or xlsx_file is not None:
        return
    table(
        ("body", "SIM", "status", "outcome", "days", "in time", "exemptions"),
        [
            (
                r["body"],
                r["sim_status"],
                r["latest_status"],
                r["outcome"],
                r["working_days"] if r["working_days"] is not None else "",
                {True: "yes", False: f"late {r['late_by']}"}.get(r["answered_in_time"], ""),
                " ".join(r["exemptions"]),
            )
            for r in rows
        ],
        title=f"{campaign}: {len(rows)} bodies",
    )


@report_app.command("stats")
def stats(
    ctx: typer.Context,
    campaign: str = typer.Option(..., "--campaign", help="The campaign's name."),
    kind: str | None = typer.Option(None, "--kind", help="Only bodies of this kind."),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Counts by status and outcome, the on-time rate with a Wilson 95% interval, median and
    90th percentile working days to respond, the latest responders, exemptions, reviews, ICO.

    Working days are counted on the same calendars as the deadlines. SARs are never counted.

    Example:  foi report stats --campaign sim-2026 --json
    """
    from foi.evidence.stats import summarise

    e = env(ctx)
    with reading(e) as s:
        found, red = _findings(e, s, campaign, kind, rows=False)
        heading = _heading(e, s, campaign, kind)
    figures = red.value({**heading, **summarise(found.facts)})
    if json_out:
        emit_json(figures)
        return
    ot = figures["on_time"]
    wd = figures["working_days_to_respond"]
    if figures["title"] != campaign:
        out(figures["title"])
    out(f"{campaign}: {figures['requests']} requests to {figures['bodies']} bodies")
    if figures["held_back"]:
        n = figures["held_back"]
        out(f"held back from publication: {n} request{'' if n == 1 else 's'} (not counted here)")
    out("by status:  " + ", ".join(f"{k} {v}" for k, v in figures["by_status"].items()))
    out("by outcome: " + ", ".join(f"{k} {v}" for k, v in figures["by_outcome"].items()))
    if ot["rate"] is None:
        out("on time:    nothing answered or due yet")
    else:
        lo, hi = ot["wilson_95"]
        out(
            f"on time:    {ot['answered_in_time']} of {ot['counted']} ({ot['rate']:.0%}; "
            f"95% interval {lo:.0%} to {hi:.0%})"
        )
    if wd["responses"]:
        out(
            f"working days to respond: median {wd['median']:g}, 90th percentile "
            f"{wd['p90']:g}, longest {wd['max']} ({wd['responses']} responses)"
        )
    if figures["exemptions"]:
        out("exemptions: " + ", ".join(f"{k} {v}" for k, v in figures["exemptions"].items()))
    rv, ico = figures["reviews"], figures["ico"]
    out(
        f"internal reviews: {rv['requested']} requested"
        + "".join(f", {k} {v}" for k, v in rv["outcomes"].items())
        + f"; ICO complaints: {ico['complaints']}"
        + "".join(f", {k} {v}" for k, v in ico["outcomes"].items())
    )
    if figures["latest"]:
        table(
            ("body", "reference", "working days late", "answered"),
            [
                (x["body"], x["reference"], x["late_by"], "yes" if x["responded"] else "not yet")
                for x in figures["latest"]
            ],
            title="latest responders",
        )
