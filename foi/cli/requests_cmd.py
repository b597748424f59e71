"""`foi request`: create, list, show, log events, assign."""

from __future__ import annotations

from pathlib import Path

import typer

from foi.cli._common import d, emit_json, env, info, out, parse_date, reading, session, table

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


def _find_body(s, name: str):  # type: ignore[no-untyped-def]
    from sqlalchemy.orm import Session  # only when --body is given

    from foi.directory.bodies import find_body

    # `request list` reads through a Core connection; the body lookup joins its transaction.
    return find_body(s if isinstance(s, Session) else Session(bind=s), name)


@app.command("list")
def list_(
    ctx: typer.Context,
    status: str | None = typer.Option(
        None,
        "--status",
        help="draft, awaiting-response, "
        "awaiting-clarification, awaiting-fee, "
        "needs-classification, delivery-failed, in-internal-review, with-ico, "
        "closed, or open.",
    ),
    outcome: str | None = typer.Option(
        None,
        "--outcome",
        help="Only requests answered so: successful, partially-successful, refused, "
        "not-held, or withdrawn.",
    ),
    csv_out: bool = typer.Option(False, "--csv", help="Print CSV (spreadsheet-safe cells)."),
    body: str | None = typer.Option(None, "--body", help="Only requests to this body."),
    campaign: str | None = typer.Option(None, "--campaign"),
    assignee: str | None = typer.Option(None, "--assignee"),
    overdue: bool = typer.Option(False, "--overdue", help="Only those past their due date."),
    due_within: int | None = typer.Option(
        None, "--due-within", metavar="N", help="Only those due within N working days."
    ),
    json_out: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """List requests with their due dates, working days left (negative: late) and outcome.

    Example:  foi request list --campaign sim-2026 --due-within 5

    Example:  foi request list --campaign sim-2026 --outcome refused --csv > refused.csv
    """
    from foi.errors import UsageError
    from foi.law.timeline import WITHDRAWN_RESOLUTION, Outcome

    outcomes = [*(o.value for o in Outcome), WITHDRAWN_RESOLUTION]
    if outcome is not None and outcome not in outcomes:
        raise UsageError(f"unknown outcome {outcome!r}: choose from {', '.join(outcomes)}")
    from foi.casework.listing import RequestFilter, list_request_rows
    from foi.casework.user_holidays import holiday_set, sync
    from foi.casework.views import list_row
    from foi.law.clocks import quick

    e = env(ctx)
    with reading(e) as s:
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
            body_id=_find_body(s, body).id if body else None,
            campaign=campaign,
            assignee=assignee,
            overdue=overdue,
            due_within=due_within,
        )
        rows = []
        for r, left in list_request_rows(s, flt, today=e.today, holidays=hs):
            if outcome is not None and r["resolution"] != outcome:
                continue
            row = list_row(r, left)
            if r["status"] == "draft" and r["regime"] != "none":
                row["due_if_sent_today"] = quick(e.today, r["regime"], hs).due.isoformat()
            rows.append(row)
    if json_out:
        emit_json(rows)
        return
    if csv_out:
        import sys

        from foi.exports import write_csv_rows

        columns = ("reference", "body", "status", "resolution", "sent_on", "due_on",
                   "working_days_left", "assignee", "authority_ref", "title")  # fmt: skip
        write_csv_rows(sys.stdout, columns, ([r[c] for c in columns] for r in rows))
        return
    if not rows:
        info("no requests match")
        return
    table(
        ("ref", "body", "status", "outcome", "sent", "due", "days left", "assignee", "title"),
        [
            (
                r["reference"],
                r["body"],
                r["status"],
                r["resolution"],
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
    retracted = {ev["data"].get("retracts") for ev in data["events"] if ev["kind"] == "retracted"}
    for ev in data["events"]:
        extra = " ".join(
            x
            for x in (
                ev["outcome"] or "",
                f"promised {ev['promised_on']}" if ev["promised_on"] else "",
            )
            if x
        )
        got = ev["data"].get("received_on")
        if got:
            extra = f"{extra} (received {got})".strip()
        if ev["kind"] == "retracted":
            extra = f"event {ev['data'].get('retracts')}".strip()
        gone = " [retracted]" if ev["id"] in retracted else ""
        note = f" - {ev['note']}" if ev["note"] else ""
        out(f"    {ev['on']}  #{ev['id']} {ev['kind']}{(' ' + extra) if extra else ''}{gone}{note}")
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


def _days(n: int) -> str:
    return f"{n} working day" if n == 1 else f"{n} working days"


def clock_lines(c: dict, days_left: int | None, due_clock: str | None) -> list[str]:  # type: ignore[type-arg]
    """Human lines for the clocks that apply now."""
    lines: list[str] = []
    if c["regime"] == "none":
        return ["no statutory clock: the body is not subject to FOI"]
    if c.get("delivery_failed"):
        return [
            "delivery failed: the body has not received it, so no clock runs; correct the "
            "address ('foi body edit'), then 'foi send REF --yes' (or log 'resent')"
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
                f" - {_days(days_left)} left"
                if days_left >= 0
                else f" - OVERDUE by {_days(-days_left)}"
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
                f" - {_days(days_left)} left"
                if days_left >= 0
                else f" - OVERDUE by {_days(-days_left)}"
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
    reference: str | None = typer.Argument(
        None, metavar="REFERENCE", help="e.g. FOI-2026-0001 (or --campaign for many)."
    ),
    event: str | None = typer.Argument(None, metavar="EVENT", help=_EVENTS_HELP),
    on: str = typer.Option(
        ..., "--on", metavar="DATE", help="Date it happened (YYYY-MM-DD); may be back-dated."
    ),
    note: str | None = typer.Option(None, "--note"),
    outcome: str | None = typer.Option(
        None,
        "--outcome",
        help="For response and reviews: "
        "successful, partially-successful, refused, not-held; "
        "for ico-decision: upheld, partly-upheld, not-upheld.",
    ),
    promised: str | None = typer.Option(
        None, "--promised", metavar="DATE", help="For extension: the date the body promised."
    ),
    received_on: str | None = typer.Option(
        None,
        "--received-on",
        metavar="DATE",
        help="For sent/resent: the day the body received it (the clock runs from it). "
        "Posted letters default to FOI_POSTAL_DELAY_DAYS working days after --on.",
    ),
    authority_ref: str | None = typer.Option(
        None,
        "--authority-ref",
        metavar="REF",
        help="The body's own reference, kept exactly as written (sets or corrects it).",
    ),
    publish_on: str | None = typer.Option(
        None,
        "--publish-on",
        metavar="DATE",
        help="The body says it will publish the information by DATE (FOIA s.22, FOISA s.27): "
        "a reminder on that day to check, and to ask again if it did not.",
    ),
    clear_authority_ref: bool = typer.Option(
        False,
        "--clear-authority-ref",
        help="The body's reference on record is wrong: remove it (undone by retracting).",
    ),
    campaign: str | None = typer.Option(
        None, "--campaign", help="Log the event on every request of this campaign at once."
    ),
    route: str | None = typer.Option(
        None, "--route", help="With --campaign: only letters going by post, web-form or email."
    ),
    all_or_nothing: bool = typer.Option(
        False,
        "--all-or-nothing",
        help="With --campaign: log on none of the requests if any of them refuses the event.",
    ),
) -> None:
    """Add an event to a request's timeline; impossible ones are refused with the reason.

    With --campaign (and --route), one event is logged on many requests in one
    transaction: those that cannot take it (closed, or already logged that day) are
    skipped and listed, the rest logged; --all-or-nothing logs none if any is refused.
    A 'note' with --received-on corrects the day the body received the letter.

    Example:  foi request log FOI-2026-0001 clarification-requested --on 2026-11-20 --note "which years?"

    Example:  foi request log --campaign sim-2026 --route post sent --on 2026-11-27
    """
    from foi.casework.requests import active_events, clocks, find_request
    from foi.casework.user_holidays import holiday_set
    from foi.errors import ConflictError, UsageError
    from foi.letters.sending import failed_by_hand, settle_by_hand

    if campaign is not None and event is None and reference is not None:
        reference, event = None, reference  # 'log --campaign C EVENT'
    if event is None or (reference is None) == (campaign is None):
        raise UsageError("give REFERENCE EVENT, or --campaign C EVENT for many requests")
    if route is not None and campaign is None:
        raise UsageError("--route goes with --campaign")
    if route is not None and route not in ("post", "web-form", "email"):
        raise UsageError(f"unknown route {route!r}: choose post, web-form or email")
    e = env(ctx)
    when = parse_date(on, "--on")
    received = parse_date(received_on, "--received-on") if received_on else None
    lines: list[str] = []
    skipped: list[str] = []
    with session(e) as s:
        hs = holiday_set(s)
        if reference is not None:
            reqs = [find_request(s, reference)]
        else:
            reqs = campaign_requests(s, campaign or "", route, event, e.now)
        strict = reference is not None or all_or_nothing
        for req in reqs:
            if event != "note" and any(
                ev.kind == event and ev.on == when for ev in active_events(req)
            ):
                problem = f"{req.reference}: {event} is already logged on {on}"
                if strict:
                    raise ConflictError(problem + " (retract it first to log it again)")
                skipped.append(problem)
                continue
            try:
                _log_one(s, req, event, when, received, note, outcome, promised, authority_ref,
                         clear_authority_ref, e, hs)  # fmt: skip
            except ConflictError as exc:
                if strict:
                    raise
                skipped.append(exc.message)
                continue
            settle_by_hand(req, event, e.now)  # a letter from the outbox that the user sent
            if event == "delivery-failed":
                failed_by_hand(s, req, when, e.now, note)
            if publish_on is not None:
                _remind_publication(s, req, parse_date(publish_on, "--publish-on"), e)
            c = clocks(req, hs)
            got = f"; received {d(c.received)}" if c.received and c.received != when else ""
            due = f"; due {d(req.due_on)} ({req.due_clock})" if req.due_on else ""
            paused = "; clock paused (fee notice)" if c.fee_pending else ""
            stopped = "; clock stopped until you reply" if c.clarification_pending else ""
            ref = f"; their ref {req.authority_ref}" if authority_ref else ""
            ref += "; their ref cleared" if clear_authority_ref else ""
            lines.append(
                f"{req.reference}: {event} on {on}{got}; status {req.status}"
                f"{due}{paused}{stopped}{ref}"
            )
        if not lines and skipped:
            raise ConflictError(f"nothing logged: {'; '.join(skipped[:3])}")
    for line in lines:  # printed only once the transaction has committed
        out(line)
    for problem in skipped:
        info(f"  skipped: {problem}")
    if campaign is not None:
        out(
            f"{len(lines)} request(s) logged {event} on {on}"
            + (f", {len(skipped)} skipped" if skipped else "")
        )


def _log_one(s, req, event, when, received, note, outcome, promised, authority_ref, clear, e, hs):  # type: ignore[no-untyped-def]
    """One event logged by hand on one request."""
    from foi.casework.requests import LogEntry, log_event

    log_event(
        s,
        req,
        LogEntry(
            kind=event,
            on=when,
            note=note,
            outcome=outcome,
            promised_on=parse_date(promised, "--promised") if promised else None,
            received_on=received,
            postal_delay_days=e.settings.postal_delay_days,
            authority_ref=authority_ref,
            clear_authority_ref=clear,
        ),
        today=e.today,
        now=e.now,
        holidays=hs,
    )


def _remind_publication(s, req, on, e) -> None:  # type: ignore[no-untyped-def]
    """A response promising future publication: a reminder on the promised day."""
    from foi.reminders.store import add_user_reminder

    again = (
        f"foi campaign repeat {req.campaign.name} --as NEW"
        if req.campaign is not None
        else "foi request new"
    )
    add_user_reminder(
        s,
        req.reference,
        on=on,
        note=f"{req.body.name} said it would publish this by {on} (FOIA s.22): check it has; "
        f"if not, ask again ({again})",
        at=None,
        assignee=None,
        today=e.today,
        now=e.now,
    )


def campaign_requests(s, campaign: str, route: str | None, event: str, now) -> list:  # type: ignore[no-untyped-def]
    """A campaign's requests for a bulk log: with --route, those whose letter goes that way."""
    from sqlalchemy import select

    from foi.casework.requests import get_campaign
    from foi.errors import NotFoundError
    from foi.store.models import Request

    camp = get_campaign(s, campaign, now, create=False)
    reqs = list(
        s.scalars(select(Request).where(Request.campaign_id == camp.id).order_by(Request.reference))
    )
    if event in ("sent",):
        reqs = [r for r in reqs if r.status == "draft"]
    if route is not None:
        reqs = [
            r
            for r in reqs
            if any(
                lt.purpose in ("request", "sar") and lt.route == route and lt.state != "cancelled"
                for lt in r.letters
            )
        ]
    if not reqs:
        raise NotFoundError(
            f"campaign {campaign!r} has no request to log {event} on"
            + (f" going by {route}" if route else "")
        )
    return reqs


@app.command("files")
def files(
    ctx: typer.Context,
    reference: str = typer.Argument(..., metavar="REFERENCE", help="e.g. FOI-2026-0001"),
    folder: str | None = typer.Argument(
        None, metavar="DIR", help="Folder to write them to (not needed with --text)."
    ),
    text: bool = typer.Option(
        False, "--text", help="Print each file's text, page by page, instead."
    ),
    json_out: bool = typer.Option(False, "--json", help="With --text: the pages as JSON."),
) -> None:
    """Write every file a request received (the replies' attachments) to a folder.

    With --text, print each file's extracted text instead (see 'foi extract').

    Example:  foi request files FOI-2026-0001 ~/foi/FOI-2026-0001
    """
    import time

    from sqlalchemy import select

    from foi.casework.requests import find_request
    from foi.errors import UsageError
    from foi.evidence.saving import save_attachments
    from foi.files import output_folder
    from foi.store.models import Attachment

    e = env(ctx)
    with session(e) as s:
        req = find_request(s, reference)
        atts = list(
            s.scalars(
                select(Attachment).where(Attachment.request_id == req.id).order_by(Attachment.id)
            )
        )
        if text:
            from foi.cli._text import file_text, print_text

            texts = [(a.filename, a.sha256, file_text(s, a.sha256)) for a in atts]
        elif folder is None:
            raise UsageError("give a folder to write the files to, or --text to print their text")
        else:
            paths = save_attachments(s, atts, output_folder(folder), now=time.time())
    if text:
        if json_out:
            emit_json([{"filename": n, "sha256": h, **t} for n, h, t in texts])
            return
        if not texts:
            info(f"{req.reference} has no stored files")
        for n, _h, t in texts:
            print_text(n, t)
        return
    if not paths:
        info(f"{req.reference} has no stored files")
    for p in paths:
        out(str(p))


@app.command("retract")
def retract(
    ctx: typer.Context,
    reference: str = typer.Argument(..., metavar="REFERENCE", help="e.g. FOI-2026-0001"),
    event_id: int = typer.Argument(
        ..., metavar="EVENT_ID", help="The event's id (see 'foi request show REF --json')."
    ),
    reason: str = typer.Option(..., "--reason", help="Why it was wrong."),
) -> None:
    """Withdraw an event logged by mistake: a 'retracted' event points at it, with the reason.

    Both stay in the timeline; the status and clocks are worked out again without it.

    Example:  foi request retract FOI-2026-0001 17 --reason "logged on the wrong request"
    """
    from foi.casework.corrections import retract_event
    from foi.casework.requests import find_request
    from foi.casework.user_holidays import holiday_set

    e = env(ctx)
    with session(e) as s:
        req = find_request(s, reference)
        ev = retract_event(req, event_id, reason, today=e.today, now=e.now, holidays=holiday_set(s))
        what = f"{ev.data['kind']} on {ev.data['on']}" if ev.data else str(event_id)
        line = f"{req.reference}: event {event_id} ({what}) retracted; status {req.status}"
        due = f"; due {d(req.due_on)}" if req.due_on else ""
    out(line + due)


@app.command("assign")
def assign(
    ctx: typer.Context,
    reference: str | None = typer.Argument(
        None, metavar="REFERENCE", help="e.g. FOI-2026-0001 (or --campaign for many)."
    ),
    volunteer: str | None = typer.Argument(
        None, metavar="VOLUNTEER", help="Volunteer's name (created on first use)."
    ),
    email: str | None = typer.Option(None, "--email", help="Where their reminders go."),
    campaign: str | None = typer.Option(
        None, "--campaign", help="Assign every request of this campaign (one transaction)."
    ),
    kind: str | None = typer.Option(
        None, "--kind", help="With --campaign: only requests to bodies of this kind."
    ),
) -> None:
    """Make a volunteer responsible for a request (and its reminders), or for many at once.

    Example:  foi request assign FOI-2026-0001 "Sam" --email sam@example.org

    Example:  foi request assign --campaign sim-2026 --kind police-force "Sam"
    """
    from sqlalchemy import select

    from foi.casework.requests import assign as do_assign
    from foi.casework.requests import find_request, get_campaign
    from foi.directory.bodies import check_email
    from foi.errors import NotFoundError, UsageError
    from foi.store.models import Body, Request

    if campaign is not None and volunteer is None and reference is not None:
        reference, volunteer = None, reference  # 'assign --campaign C VOLUNTEER'
    if volunteer is None or (reference is None) == (campaign is None):
        raise UsageError("give REFERENCE VOLUNTEER, or --campaign C [--kind K] VOLUNTEER")
    if kind is not None and campaign is None:
        raise UsageError("--kind goes with --campaign")
    e = env(ctx)
    with session(e) as s:
        if reference is not None:
            reqs = [find_request(s, reference)]
        else:
            camp = get_campaign(s, campaign or "", e.now, create=False)
            stmt = select(Request).where(Request.campaign_id == camp.id)
            if kind is not None:
                stmt = stmt.join(Body).where(Body.kind == kind)
            reqs = list(s.scalars(stmt.order_by(Request.reference)))
            if not reqs:
                raise NotFoundError(
                    f"campaign {campaign!r} has no requests"
                    + (f" to bodies of kind {kind!r}" if kind else "")
                )
        from foi.casework.user_holidays import holiday_set

        address = check_email(email) if email else None
        name = ""
        hs = holiday_set(s)
        for req in reqs:
            name = do_assign(
                s, req, volunteer, now=e.now, email=address, today=e.today, holidays=hs
            ).name
        refs = [r.reference for r in reqs]
    # Printed only once the transaction has committed.
    if len(refs) == 1:
        out(f"{refs[0]} assigned to {name}")
    else:
        out(f"{len(refs)} requests assigned to {name}")


def _wire() -> None:
    # `foi request edit` lives with the other letter commands; `foi request bundle` and
    # `foi request publishable` with publishing.
    from foi.cli import letters_cmd, publish_cmd

    names = {c.name for c in app.registered_commands}
    if "edit" not in names:
        letters_cmd.register_edit(app)
    if "bundle" not in names:
        publish_cmd.register_request(app)
    if "hold" not in names:  # held back from publication
        publish_cmd.register_request_holds(app)


_wire()
