"""`foi inbox` (import mail, the holding pen) and `foi respond` (log a response by hand)."""

from __future__ import annotations

import re
from pathlib import Path

import typer

from foi.cli._common import (
    d,
    emit_json,
    env,
    info,
    open_engine,
    out,
    parse_date,
    session,
    table,
)
from foi.errors import UsageError

app = typer.Typer(
    help="Replies from your mailbox: import, match, and the holding pen for the rest.\n\n"
    "Example:  foi inbox import ~/Mail/foi-replies.mbox",
    no_args_is_help=True,
)


def _long_lived() -> None:
    """What start-up loaded (modules, mappers, compiled statements) lives until the command
    ends: kept out of the garbage collector's full passes, which a long import otherwise
    repeats over all of it (what each message makes is collected as before)."""
    import gc

    gc.freeze()


@app.command("import")
def import_(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help=".eml files, mbox files or Maildir folders."),
    json_out: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Import replies: each is kept byte for byte and matched to its request, or held.

    Matching: the request's own reply address (FOI_REPLY_ADDRESS) first, then the [FOI-…]
    token, In-Reply-To to a letter we sent, the authority's own reference, a bounced
    recipient, or the sender (a body's exact address, else its domain) when its body has one
    open request. Auto-replies count as acknowledgements; bounces mark the address failing.
    Importing the same mail again adds nothing; an interrupted import can simply be re-run.

    Example:  foi inbox import replies.mbox Maildir/ --json
    """
    from foi.mail.inbox import chunks, import_batches
    from foi.mail.sources import MailSourceError, iter_messages

    _long_lived()
    e = env(ctx)
    try:
        with open_engine(e) as engine:
            summary = import_batches(
                engine,
                chunks(iter_messages(paths, spool_bytes=e.settings.mail_spool_bytes)),
                today=e.today,
                now=e.now,
                own_addresses=e.settings.own_addresses(),
                max_attachment_bytes=e.settings.attachment_max_bytes,
                reply_pattern=e.settings.reply_address_pattern,
            )
    except MailSourceError as exc:
        raise UsageError(str(exc)) from None
    if json_out:
        emit_json(summary.as_dict())
        return
    out(
        f"{summary.total} read: {summary.matched} matched, {summary.held} held, "
        f"{summary.acknowledgements} acknowledgements, {summary.auto_replies} other "
        f"auto-replies, {summary.bounces} bounces, "
        f"{summary.duplicates} duplicates, {summary.errors} unreadable"
    )
    if summary.held or summary.errors:
        info("see 'foi inbox list' for held messages; 'foi inbox assign ID REF' to match one")


@app.command("fetch")
def fetch(
    ctx: typer.Context,
    json_out: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    since: str | None = typer.Option(
        None, "--since", metavar="DATE", help="Skip mail that arrived before DATE (a first run)."
    ),
    move_to: str | None = typer.Option(
        None, "--move-to", metavar="FOLDER", help="Move each message there once imported."
    ),
    folder: str | None = typer.Option(
        None, "--folder", help="The folder to read (default: FOI_IMAP_FOLDER, INBOX)."
    ),
    batch: int = typer.Option(
        100, "--batch", min=1, max=10000, help="Messages per download and transaction."
    ),
) -> None:
    """Read new replies from the IMAP mailbox and import them, each exactly once.

    Uses the FOI_IMAP_* settings (IMAPS by default). Only messages not fetched before are
    read: foi remembers the folder's UIDVALIDITY and last UID in the database, committed
    with each batch, so an interrupted fetch can simply be run again. Messages are imported
    as by `foi inbox import` (kept byte for byte, matched or held, duplicates skipped); the
    summary counts only the new ones. With --move-to, each batch is moved after it is saved.

    Example:  foi inbox fetch --since 2026-11-01 --move-to Imported --json
    """
    from foi.mail.fetch import fetch_new
    from foi.mail.imap import ImapMailbox, imap_config

    _long_lived()
    e = env(ctx)
    first = parse_date(since, "--since") if since else None
    if first is not None and first > e.today:
        raise UsageError(
            f"--since {first} is in the future: no mail has arrived then (give a past date)"
        )
    config = imap_config(e.settings, folder)
    bar = _Bar("reading the mailbox")
    try:
        with (
            open_engine(e) as engine,
            ImapMailbox(config, spool_bytes=e.settings.mail_spool_bytes) as mailbox,
        ):
            result = fetch_new(
                engine,
                mailbox,
                folder=config.folder,
                today=e.today,
                now=e.now,
                own_addresses=e.settings.own_addresses(),
                max_attachment_bytes=e.settings.attachment_max_bytes,
                reply_pattern=e.settings.reply_address_pattern,
                since=first,
                move_to=move_to,
                batch_size=batch,
                progress=bar.update,
            )
    finally:
        bar.close()
    summary = result.summary
    if json_out:
        emit_json(result.as_dict())
        return
    out(
        f"{summary.total} new in {result.folder}: {summary.matched} matched, "
        f"{summary.held} held, {summary.acknowledgements} acknowledgements, "
        f"{summary.auto_replies} other auto-replies, {summary.bounces} bounces, "
        f"{summary.duplicates} duplicates, {summary.errors} unreadable"
        + (f"; {result.moved} moved to {result.move_to}" if result.moved else "")
    )
    if result.renumbered:
        info(
            f"the server renumbered {result.folder} (UIDVALIDITY changed): it was read again "
            "and messages already imported were counted as duplicates"
        )
    if summary.held or summary.errors:
        info("see 'foi inbox list' for held messages; 'foi inbox assign ID REF' to match one")


class _Bar:
    """A progress bar on a terminal, made when the total is known; nothing otherwise."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar = None
        self.task = None

    def update(self, done: int, total: int) -> None:
        import sys

        if self.bar is None:
            if not sys.stderr.isatty() or not total:
                return
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=total)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@app.command("list")
def list_(
    ctx: typer.Context,
    all_: bool = typer.Option(False, "--all", help="Every message, not just held ones."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """List the holding pen: messages that matched no request.

    Example:  foi inbox list
    """
    from sqlalchemy import select

    from foi.mail.inbox import held
    from foi.store.models import Request

    e = env(ctx)
    with session(e) as s:
        messages = held(s, all_)
        ids = {m.request_id for m in messages if m.request_id is not None}
        refs = (
            {
                i: r
                for i, r in s.execute(
                    select(Request.id, Request.reference).where(Request.id.in_(ids))
                )
            }
            if ids
            else {}
        )
        rows = [
            {
                "id": m.id,
                "state": m.state,
                "request": refs.get(m.request_id),
                "kind": m.kind,
                "from": m.from_addr,
                "date": m.sent_at.isoformat() if m.sent_at else None,
                "subject": m.subject,
                "error": m.error,
                "matched_by": m.matched_by,
            }
            for m in messages
        ]
    if json_out:
        emit_json(rows)
        return
    if not rows:
        info("the holding pen is empty")
        return
    table(
        ("id", "state", "request", "kind", "from", "date", "subject"),
        [
            (
                r["id"],
                r["state"],
                r["request"],
                r["kind"],
                r["from"],
                (r["date"] or "")[:10],
                r["subject"] or r["error"],
            )
            for r in rows
        ],
        title=f"{len(rows)} messages",
    )


@app.command("show")
def show(
    ctx: typer.Context,
    message: int = typer.Argument(..., metavar="ID", help="Inbox message id."),
    text: bool = typer.Option(False, "--text", help="Also print each attachment's text."),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Show one imported message: headers, text, attachments, why it was held.

    Example:  foi inbox show 12 --text
    """
    from foi.mail.inbox import attachments_of, get_message

    e = env(ctx)
    with session(e) as s:
        m = get_message(s, message)
        summary = m.summary or {}
        data = {
            "id": m.id,
            "state": m.state,
            "kind": m.kind,
            "matched_by": m.matched_by,
            "from": m.from_addr,
            "subject": m.subject,
            "message_id": m.message_id,
            "date": m.sent_at.isoformat() if m.sent_at else None,
            "source": m.source,
            "sha256": m.sha256,
            "error": m.error,
            "text": summary.get("text"),
            "authority_refs": summary.get("authority_refs", []),
            "auto_reason": summary.get("auto_reason"),
            "flags": summary.get("flags", []),
            "attachments": [
                {
                    "filename": a.filename,
                    "size": a.size,
                    "content_type": a.content_type,
                    "sha256": a.sha256,
                    "stored": True,
                }
                for a in attachments_of(s, m)
            ]
            # Recorded without their bytes (over the limit): named, sized and hashed too.
            + [
                {
                    "filename": k.get("filename"),
                    "size": k.get("size"),
                    "content_type": None,
                    "sha256": k.get("sha256"),
                    "stored": False,
                    "reason": k.get("reason"),
                }
                for k in summary.get("skipped_attachments") or []
            ],
        }
        if text:
            from foi.cli._text import file_text

            for a in data["attachments"]:
                a["text"] = file_text(s, a["sha256"])
    if data["state"] == "held":
        data["why_held"] = (
            "no request matched: no [FOI-…] token of ours, no In-Reply-To to a letter foi "
            "sent, no known authority reference, and the sender's domain does not pick out "
            "one open request; match it with 'foi inbox assign ID REF'"
        )
    if json_out:
        emit_json(data)
        return
    for key in (
        "id",
        "state",
        "why_held",
        "kind",
        "from",
        "date",
        "subject",
        "message_id",
        "source",
        "auto_reason",
        "error",
    ):
        if data.get(key):
            out(f"{key}: {data[key]}")
    for flag in data["flags"]:
        out(f"flag: {flag}")
    for a in data["attachments"]:
        if a["stored"]:
            out(f"attachment: {a['filename']} ({a['size']} bytes, {a['content_type']})")
        else:
            limit = "over the limit" if "limit" in (a["reason"] or "") else a["reason"]
            out(
                f"attachment: {a['filename']} ({a['size']} bytes, SHA-256 {a['sha256']}): "
                f"not stored: {limit}"
            )
    if data["text"]:
        out("")
        out(data["text"].rstrip())
    if text:
        from foi.cli._text import print_text

        for a in data["attachments"]:
            out("")
            print_text(a["filename"], a["text"])


@app.command("assign")
def assign(
    ctx: typer.Context,
    message: int = typer.Argument(..., metavar="ID", help="Inbox message id."),
    reference: str = typer.Argument(..., metavar="REFERENCE", help="The request it belongs to."),
    as_kind: str | None = typer.Option(
        None,
        "--as",
        metavar="KIND",
        help="What it is: acknowledgement, response, clarification-request, fee-notice, "
        "bounce or note (re-classifies a message already matched).",
    ),
) -> None:
    """Match a held message to a request by hand, or re-classify a matched one with --as.

    Example:  foi inbox assign 12 FOI-2026-0007 --as acknowledgement
    """
    from foi.casework.requests import find_request
    from foi.casework.user_holidays import holiday_set
    from foi.mail.inbox import assign as do_assign
    from foi.mail.inbox import get_message

    e = env(ctx)
    with session(e) as s:
        m = get_message(s, message)
        req = find_request(s, reference)
        event = do_assign(
            s,
            m,
            req,
            today=e.today,
            now=e.now,
            holidays=holiday_set(s),
            as_kind=as_kind,
        )
        line = f"message {m.id} -> {req.reference} ({event}); status {req.status}"
    out(line)  # only once the transaction has committed


@app.command("save")
def save(
    ctx: typer.Context,
    message: int = typer.Argument(..., metavar="ID", help="Inbox message id."),
    folder: str = typer.Argument(..., metavar="DIR", help="Folder to write them to."),
) -> None:
    """Write a message's attachments to a folder, under their real names (mode 600).

    Example:  foi inbox save 12 ~/Downloads/foi-12
    """
    import time

    from foi.evidence.saving import save_attachments
    from foi.files import output_folder
    from foi.mail.inbox import attachments_of, get_message

    e = env(ctx)
    with session(e) as s:
        m = get_message(s, message)
        paths = save_attachments(
            s, list(attachments_of(s, m)), output_folder(folder), now=time.time()
        )
    if not paths:
        info(f"message {message} has no stored attachments")
    for p in paths:
        out(str(p))


@app.command("discard")
def discard(
    ctx: typer.Context,
    message: int = typer.Argument(..., metavar="ID", help="Inbox message id."),
) -> None:
    """Mark a held message as not ours (it is kept, never deleted).

    Example:  foi inbox discard 12
    """
    from foi.mail.inbox import discard as do_discard
    from foi.mail.inbox import get_message

    e = env(ctx)
    with session(e) as s:
        m = get_message(s, message)
        do_discard(m)
    out(f"message {message} discarded (kept in the database)")  # once committed


def _pairs(values: list[str], what: str) -> dict[int, str]:
    found: dict[int, str] = {}
    for v in values:
        q, sep, text = v.partition("=")
        if not sep or not re.fullmatch(r"[0-9]{1,4}", q.strip()):
            raise UsageError(f"{what} {v!r}: use QUESTION=TEXT, e.g. 3='Not held'")
        found[int(q)] = text
    return found


def register(app_: typer.Typer) -> None:
    """Add `foi respond`."""

    @app_.command("respond")
    def respond(
        ctx: typer.Context,
        reference: str = typer.Argument(..., help="e.g. FOI-2026-0001"),
        on: str | None = typer.Option(None, "--on", help="Date of the response (YYYY-MM-DD)."),
        outcome: str | None = typer.Option(
            None, "--outcome", help="successful, partially-successful, refused or not-held."
        ),
        exemption: list[str] = typer.Option(
            [],
            "--exemption",
            help="Section cited, e.g. s12, 's40(2)'; '3:s43(2)' for question 3 only.",
        ),
        answer: list[str] = typer.Option(
            [], "--answer", help="Q=TEXT: the answer to question Q (repeatable)."
        ),
        answer_status: list[str] = typer.Option(
            [], "--answer-status", help="Q=STATUS: answered, partial, refused, not-held."
        ),
        local_name: str | None = typer.Option(
            None, "--local-name", help="The body's own name for a SIM-like service."
        ),
        sim_status: str | None = typer.Option(
            None,
            "--sim-status",
            help="Add evidence from "
            "this response: adopted, piloted, considering, "
            "withdrawn, denied, not-adopted.",
        ),
        denies_sim: bool = typer.Option(
            False, "--denies-sim", help="The body denies running SIM (not the same as 'not held')."
        ),
        quote: str | None = typer.Option(None, "--quote", help="Words quoted as evidence."),
        page: str | None = typer.Option(None, "--page", help="Page of the quote."),
        file: list[Path] = typer.Option([], "--file", help="Attach a file from the response."),
        publishable: bool = typer.Option(
            False, "--publishable", help="The --file attachments may go on the published site."
        ),
        reviewed: bool = typer.Option(
            False, "--reviewed", help="With --publishable: you read the personal data found."
        ),
        note: str | None = typer.Option(None, "--note"),
        interactive: bool = typer.Option(
            False, "--interactive", "-i", help="Walk through the letter's questions one by one."
        ),
        json_out: bool = typer.Option(False, "--json"),
    ) -> None:
        """Log a response by hand: outcome, exemptions, the answer to each question, files.

        Example:  foi respond FOI-2026-0001 --on 2026-12-10 --outcome partially-successful --exemption s12 --exemption '3:s40(2)' --answer 1="No SIM; ran 'Crisis Support Team' 2018-2021" --local-name "Crisis Support Team" --file reply.pdf
        """
        from foi.casework.requests import find_request
        from foi.casework.user_holidays import holiday_set
        from foi.cli.letters_cmd import library
        from foi.evidence.responses import ResponseInput, record_response
        from foi.letters.templates import TemplateError

        e = env(ctx)
        answers = _pairs(answer, "--answer")
        statuses = _pairs(answer_status, "--answer-status")
        if denies_sim:
            if sim_status and sim_status != "denied":
                raise UsageError("--denies-sim contradicts --sim-status " + sim_status)
            sim_status = "denied"
        with session(e) as s:
            req = find_request(s, reference)
            questions = {}
            if req.template:
                try:
                    info_ = library(e).get(req.template)
                    questions = {q.number: q.text for q in info_.questions}
                except TemplateError:
                    questions = {}
            if interactive:
                from foi.cli._text import show_reading

                picks = show_reading(s, req, e.now)  # the reply's text and suggestions
                on, outcome = _walk(questions, answers, statuses, exemption, on, outcome)
                sim_status, local_name, quote, page = _ask_evidence(
                    picks, sim_status, local_name, quote, page
                )
            if not on or not outcome:
                raise UsageError("give --on DATE and --outcome (or use --interactive)")
            inp = ResponseInput(
                on=parse_date(on, "--on"),
                outcome=outcome,
                exemptions=exemption,
                answers=answers,
                answer_status=statuses,
                local_name=local_name,
                sim_status=sim_status,
                quote=quote,
                page=page,
                files=file,
                publishable=publishable,
                note=note,
            )
            event = record_response(
                s,
                req,
                inp,
                question_numbers=set(questions) or None,
                today=e.today,
                now=e.now,
                holidays=holiday_set(s),
                max_file_bytes=e.settings.attachment_max_bytes,
            )
            if publishable and file:
                from foi.cli.redact_cmd import check_new_files

                check_new_files(e, s, req, event, reviewed)
            result = {
                "reference": req.reference,
                "event": event.kind,
                "outcome": outcome,
                "status": req.status,
                "resolution": req.resolution,
                "answers": len(answers),
                "exemptions": (event.data or {}).get("exemptions", []),
            }
        if json_out:
            emit_json(result)
            return
        out(
            f"{result['reference']}: {result['event']} ({outcome}) logged; status "
            f"{result['status']}"
            + (f"; exemptions {', '.join(result['exemptions'])}" if result["exemptions"] else "")
        )


def _walk(
    questions: dict[int, str],
    answers: dict[int, str],
    statuses: dict[int, str],
    exemptions: list[str],
    on: str | None,
    outcome: str | None,
) -> tuple[str, str]:
    """Ask for the response question by question (the terminal's job, not the domain's)."""
    on = on or typer.prompt("Date of the response (YYYY-MM-DD)")
    outcome = outcome or typer.prompt(
        "Outcome (successful, partially-successful, refused, not-held)"
    )
    for number, text in sorted(questions.items()):
        out(f"\nQuestion {number}: {text}")
        ans = typer.prompt("  answer (blank to skip)", default="", show_default=False)
        if ans:
            answers[number] = ans
        st = typer.prompt(
            "  status (answered, partial, refused, not-held; blank to skip)",
            default="",
            show_default=False,
        )
        if st:
            statuses[number] = st
        ex = typer.prompt(
            "  exemptions cited for this question (e.g. s40(2) s12; blank for none)",
            default="",
            show_default=False,
        )
        exemptions.extend(f"{number}:{x}" for x in ex.split())
    ex = typer.prompt(
        "Exemptions cited for the whole response (blank for none)", default="", show_default=False
    )
    exemptions.extend(ex.split())
    return on, outcome


def _ask_evidence(
    picks: dict[int, tuple[str, str | None]],
    sim_status: str | None,
    local_name: str | None,
    quote: str | None,
    page: str | None,
) -> tuple[str | None, str | None, str | None, str | None]:
    """Ask for the SIM status, local name and quote (a suggestion's number picks its quote)."""
    sim_status = sim_status or typer.prompt(
        "SIM status this response shows (adopted, piloted, considering, withdrawn, denied, "
        "not-adopted; blank for none)",
        default="",
        show_default=False,
    )
    if not sim_status:
        return None, local_name, quote, page
    local_name = local_name or typer.prompt(
        "  the body's own name for it (blank for none)", default="", show_default=False
    )
    if quote is None:
        hint = f"; 1-{len(picks)} takes that suggestion's passage" if picks else ""
        answer = typer.prompt(f"  quote (blank for none{hint})", default="", show_default=False)
        if answer.strip().isdigit() and int(answer) in picks:
            quote, page = picks[int(answer)][0], page or picks[int(answer)][1]
        else:
            quote = answer or None
    if quote and page is None:
        page = typer.prompt("  page of the quote (blank if none)", default="", show_default=False)
    return sim_status, local_name or None, quote, page or None


__all__ = ["app", "d", "register"]
