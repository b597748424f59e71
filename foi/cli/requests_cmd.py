"""`foi request`: create, list, show, log events, assign."""

from __future__ import annotations

from pathlib import Path

import typer

from foi.cli._common import d, emit_json, env, info, out, parse_date, session, table

app = typer.Typer(
    help="Requests and their timelines.\n\nExample:  foi request list --overdue",
    no_args_is_help=True,
)

_EVENTS_HELP = (
    "sent, resent, delivery-failed, acknowledged, clarification-requested, clarification-sent, "
    "fee-notice, fee-paid, extension, response-received, response, internal-review-requested, "
    "internal-review-response, ico-complaint, ico-decision, withdrawn, chased, note"
)


@app.command("new")
def new(
    ctx: typer.Context,
    body: str = typer.Option(..., "--body", help="Name, alias or code of the body."),
    title: str = typer.Option(..., "--title", help="Short title of the request."),
    text: str | None = typer.Option(None, "--text", help="The letter's text."),
    text_file: Path | None = typer.Option(None, "--text-file", help="Read the text from a file."),
    regime: str | None = typer.Option(
        None, "--regime", help="foia, eir, foisa, sar or none (default: the body's)."
    ),
    campaign: str | None = typer.Option(
        None, "--campaign", help="Campaign name (created on first use)."
    ),
    assignee: str | None = typer.Option(None, "--assignee", help="Volunteer in charge."),
    sent_on: str | None = typer.Option(
        None, "--sent-on", help="Already sent on this date (logs 'sent')."
    ),
    wdtk_url: str | None = typer.Option(
        None, "--wdtk-url", help="Made through WhatDoTheyKnow: its URL."
    ),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Record a new request to one body (a draft, or already sent with --sent-on).

    Example:  foi request new --body RXX --title "SIM use" --sent-on 2026-11-02 --wdtk-url https://www.whatdotheyknow.com/request/sim_use
    """
    from foi.casework.requests import LogEntry, NewRequest, create_request, log_event
    from foi.casework.user_holidays import holiday_set
    from foi.directory.bodies import find_body
    from foi.letters.records import attach_letter

    e = env(ctx)
    if text_file is not None:
        from foi.files import read_text_file

        text, note = read_text_file(text_file)
        if note:
            info(f"note: {note}")
    sent = parse_date(sent_on, "--sent-on") if sent_on else None
    with session(e) as s:
        hs = holiday_set(s)
        b = find_body(s, body)
        if b.closed_on is not None and b.closed_on <= e.today:
            succ = f"; its successor is {b.successor.name}" if b.successor else ""
            info(f"note: {b.name} closed on {b.closed_on}{succ}")
        req = create_request(
            s,
            NewRequest(
                body=b,
                title=title,
                regime=regime,
                campaign=campaign,
                assignee=assignee,
                wdtk_url=wdtk_url,
            ),
            today=e.today,
            now=e.now,
            holidays=hs,
        )
        if text:
            attach_letter(s, req, subject=title, text=text, now=e.now)
        if sent is not None:
            log_event(
                s,
                req,
                LogEntry(
                    kind="sent", on=sent, note="made through WhatDoTheyKnow" if wdtk_url else None
                ),
                today=e.today,
                now=e.now,
                holidays=hs,
            )
        result = {
            "reference": req.reference,
            "body": b.name,
            "status": req.status,
            "due_on": d(req.due_on) or None,
        }
    if json_out:
        emit_json(result)
    else:
        due = f", due {result['due_on']}" if result["due_on"] else ""
        out(f"{result['reference']}: {result['body']} ({result['status']}{due})")


@app.command("list")
def list_(
    ctx: typer.Context,
    status: str | None = typer.Option(
        None,
        "--status",
        help="draft, awaiting-response, "
        "awaiting-clarification, awaiting-fee, "
        "needs-classification, in-internal-review, with-ico, "
        "closed, or open.",
    ),
    body: str | None = typer.Option(None, "--body", help="Only requests to this body."),
    campaign: str | None = typer.Option(None, "--campaign"),
    assignee: str | None = typer.Option(None, "--assignee"),
    overdue: bool = typer.Option(False, "--overdue", help="Only those past their due date."),
    due_within: int | None = typer.Option(
        None, "--due-within", metavar="N", help="Only those due within N working days."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """List requests with their due dates and working days left (negative: late).

    Example:  foi request list --campaign sim-2026 --due-within 5
    """
    from foi.casework.requests import RequestFilter, list_requests, working_days_left
    from foi.casework.user_holidays import holiday_set, sync
    from foi.casework.views import request_row
    from foi.directory.bodies import find_body
    from foi.law.deadlines import quick

    e = env(ctx)
    with session(e) as s:
        moved = sync(s)  # new holiday data moves open requests before they are listed
        if moved:
            info(
                f"note: the holiday data changed; {len(moved)} open request(s) have new due "
                "dates: "
                + ", ".join(f"{r} {b} -> {a}" for r, b, a in moved[:5])
                + (" …" if len(moved) > 5 else "")
            )
        hs = holiday_set(s)
        flt = RequestFilter(
            status=status,
            body=find_body(s, body) if body else None,
            campaign=campaign,
            assignee=assignee,
            overdue=overdue,
            due_within=due_within,
        )
        rows = []
        for r in list_requests(s, flt, today=e.today, holidays=hs):
            row = request_row(r, working_days_left(r, e.today, hs))
            if r.status == "draft" and r.regime != "none":
                row["due_if_sent_today"] = quick(e.today, r.regime, hs).due.isoformat()
            rows.append(row)
    if json_out:
        emit_json(rows)
        return
    if not rows:
        info("no requests match")
        return
    table(
        ("ref", "body", "status", "sent", "due", "days left", "assignee", "title"),
        [
            (
                r["reference"],
                r["body"],
                r["status"],
                r["sent_on"],
                r["due_on"]
                or (
                    f"({r['due_if_sent_today']} if sent today)"
                    if r.get("due_if_sent_today")
                    else None
                ),
                r["working_days_left"],
                r["assignee"],
                r["title"],
            )
            for r in rows
        ],
        title=f"{len(rows)} requests (working days left; negative = late)",
    )


@app.command("show")
def show(
    ctx: typer.Context,
    reference: str = typer.Argument(..., help="e.g. FOI-2026-0001"),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON object."),
) -> None:
    """Show a request: its timeline, every clock that applies now, answers and letters.

    Example:  foi request show FOI-2026-0001
    """
    from foi.casework.requests import clocks, find_request, working_days_left
    from foi.casework.user_holidays import holiday_set
    from foi.casework.views import clocks_dict, event_dict, request_row
    from foi.evidence.responses import response_details
    from foi.letters.records import current_route

    e = env(ctx)
    with session(e) as s:
        hs = holiday_set(s)
        req = find_request(s, reference)
        c = clocks(req, hs)
        data = request_row(req, working_days_left(req, e.today, hs))
        data["clocks"] = clocks_dict(c)
        data["events"] = [
            event_dict(ev)
            for ev in sorted(req.events, key=lambda x: (x.kind != "drafted", x.on, x.id))
        ]
        data["letters"] = [
            {
                "id": lt.id,
                "purpose": lt.purpose,
                "subject": lt.subject,
                "route": current_route(lt)[0],
                "to": current_route(lt)[1],
                "state": lt.state,
                "message_id": lt.message_id,
                "sent_at": lt.sent_at.isoformat() if lt.sent_at else None,
                "unsendable_reason": lt.unsendable_reason,
            }
            for lt in req.letters
        ]
        data["wdtk_url"] = req.wdtk_url
        data.update(response_details(s, req))
    if json_out:
        emit_json(data)
        return
    out(f"{data['reference']}  {data['title']}")
    out(
        f"  body: {data['body']}   regime: {data['regime'].upper()}   status: {data['status']}"
        + (f" ({data['resolution']})" if data["resolution"] else "")
    )
    for label, key in (
        ("campaign", "campaign"),
        ("assignee", "assignee"),
        ("authority's ref", "authority_ref"),
        ("WhatDoTheyKnow", "wdtk_url"),
    ):
        if data.get(key):
            out(f"  {label}: {data[key]}")
    out("  clocks:")
    for line in clock_lines(data["clocks"], data["working_days_left"], data["due_clock"]):
        out(f"    {line}")
    out("  timeline:")
    for ev in data["events"]:
        extra = " ".join(
            x
            for x in (
                ev["outcome"] or "",
                f"promised {ev['promised_on']}" if ev["promised_on"] else "",
            )
            if x
        )
        note = f" - {ev['note']}" if ev["note"] else ""
        out(f"    {ev['on']}  {ev['kind']}{(' ' + extra) if extra else ''}{note}")
    if data.get("answers"):
        out("  answers:")
        for a in data["answers"]:
            ex = f" [exemptions: {', '.join(a['exemptions'])}]" if a.get("exemptions") else ""
            out(f"    Q{a['question']} ({a['status'] or 'answered'}): {a['text'] or ''}{ex}")
    if data.get("exemptions"):
        out(f"  exemptions cited: {', '.join(data['exemptions'])}")
    for lt in data["letters"]:
        out(
            f"  letter {lt['id']} ({lt['purpose']}, {lt['route']}): {lt['state']}"
            + (f" - {lt['unsendable_reason']}" if lt["unsendable_reason"] else "")
        )
    for att in data.get("attachments", []):
        out(f"  attachment: {att['filename']} ({att['size']} bytes, sha256 {att['sha256'][:12]}…)")


def clock_lines(c: dict, days_left: int | None, due_clock: str | None) -> list[str]:  # type: ignore[type-arg]
    """Human lines for the clocks that apply now."""
    lines: list[str] = []
    if c["regime"] == "none":
        return ["no statutory clock: the body is not subject to FOI"]
    if c.get("delivery_failed"):
        return [
            "delivery failed: the body has not received it, so no clock runs; correct the "
            "address ('foi body edit') and log 'resent' when it goes again"
        ]
    if not c["received"]:
        return ["not sent yet: the clock starts when it is sent"]
    lines.append(f"received (day 0): {c['received']}")
    sar = c["regime"] == "sar"
    if c["clarification_pending"]:
        lines.append(
            "clock waiting: the controller asked for information; the month resumes when you reply"
            if sar
            else "clock stopped: the body asked for clarification; it restarts when you reply "
            + {"eir": "(EIR reg 9(4))", "foisa": "(FOISA s.1(3))"}.get(c["regime"], "(FOIA s.1(3))")
        )
    if c["fee_pending"]:
        lines.append(
            "clock paused: a fee was asked for; the month starts again when it is paid"
            if sar or not c["fee_lapses_on"]
            else f"clock paused: fee notice unpaid; it lapses on {c['fee_lapses_on']} "
            + ("(FOISA s.9(4))" if c["regime"] == "foisa" else "(FOIA s.9(2))")
        )
    if c["due"] and not c["responded_on"]:
        left = ""
        if due_clock == "response" and days_left is not None:
            left = (
                f" - {days_left} working days left"
                if days_left >= 0
                else f" - OVERDUE by {-days_left} working days"
            )
        lines.append(f"response due: {c['effective_due']}{left}")
        if c["effective_due"] != c["due"]:
            lines.append(
                f"statutory due date was {c['due']}; extended to {c['effective_due']}"
                + (
                    " - beyond 40 working days, which the ICO does not accept"
                    if c["extension_beyond_limit"]
                    else ""
                )
            )
        if c["very_overdue"]:
            lines.append(
                f"very overdue after: {c['very_overdue']}"
                + (" (40 working days)" if c["regime"] != "sar" else " (three months)")
            )
    if c["responded_on"]:
        lines.append(f"responded: {c['responded_on']}")
        if c["review_request_deadline"] and not c["review_requested_on"]:
            lines.append(f"last day to ask for an internal review: {c['review_request_deadline']}")
    if c["review_requested_on"]:
        left = ""
        if due_clock == "internal-review" and days_left is not None:
            left = (
                f" - {days_left} working days left"
                if days_left >= 0
                else f" - OVERDUE by {-days_left} working days"
            )
        lines.append(
            f"internal review requested {c['review_requested_on']}: due "
            f"{c['review_due']}{left}, at the latest {c['review_due_max']}"
        )
    if c["ico_window_closes"]:
        lines.append(f"complaint to the regulator by: {c['ico_window_closes']}")
    return lines


@app.command("log")
def log(
    ctx: typer.Context,
    reference: str = typer.Argument(..., help="e.g. FOI-2026-0001"),
    event: str = typer.Argument(..., help=_EVENTS_HELP),
    on: str = typer.Option(..., "--on", help="Date it happened (YYYY-MM-DD); may be back-dated."),
    note: str | None = typer.Option(None, "--note"),
    outcome: str | None = typer.Option(
        None,
        "--outcome",
        help="For response and reviews: "
        "successful, partially-successful, refused, not-held; "
        "for ico-decision: upheld, partly-upheld, not-upheld.",
    ),
    promised: str | None = typer.Option(
        None, "--promised", help="For extension: the date the body promised."
    ),
    authority_ref: str | None = typer.Option(
        None, "--authority-ref", help="The body's own reference."
    ),
) -> None:
    """Add an event to a request's timeline; impossible ones are refused with the reason.

    Example:  foi request log FOI-2026-0001 clarification-requested --on 2026-11-20 --note "which years?"
    """
    from foi.casework.requests import LogEntry, clocks, find_request, log_event
    from foi.casework.user_holidays import holiday_set
    from foi.letters.sending import settle_by_hand

    e = env(ctx)
    with session(e) as s:
        hs = holiday_set(s)
        req = find_request(s, reference)
        data = {"authority_ref": authority_ref} if authority_ref else None
        log_event(
            s,
            req,
            LogEntry(
                kind=event,
                on=parse_date(on, "--on"),
                note=note,
                outcome=outcome,
                data=data,
                promised_on=parse_date(promised, "--promised") if promised else None,
            ),
            today=e.today,
            now=e.now,
            holidays=hs,
        )
        settle_by_hand(req, event, e.now)  # a letter from the outbox that the user sent
        c = clocks(req, hs)
        due = f"; due {d(req.due_on)} ({req.due_clock})" if req.due_on else ""
        paused = "; clock paused (fee notice)" if c.fee_pending else ""
        stopped = "; clock stopped until you reply" if c.clarification_pending else ""
        out(f"{req.reference}: {event} on {on}; status {req.status}{due}{paused}{stopped}")


@app.command("assign")
def assign(
    ctx: typer.Context,
    reference: str = typer.Argument(..., help="e.g. FOI-2026-0001"),
    volunteer: str = typer.Argument(..., help="Volunteer's name (created on first use)."),
    email: str | None = typer.Option(None, "--email", help="Where their reminders go."),
) -> None:
    """Make a volunteer responsible for a request (and its reminders).

    Example:  foi request assign FOI-2026-0001 "Sam" --email sam@example.org
    """
    from foi.casework.requests import assign as do_assign
    from foi.casework.requests import find_request
    from foi.directory.bodies import check_email

    e = env(ctx)
    with session(e) as s:
        req = find_request(s, reference)
        vol = do_assign(s, req, volunteer, now=e.now, email=check_email(email) if email else None)
        out(f"{req.reference} assigned to {vol.name}")
