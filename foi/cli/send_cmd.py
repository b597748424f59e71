"""`foi send`: send drafted letters by SMTP, or write them to an outbox folder.

Each letter is its own transaction: the attempt is committed before the SMTP transaction
and the result after it, so a crash never sends a letter twice (see foi.letters.sending).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from email.utils import formataddr
from pathlib import Path

import typer

from foi.cli._common import Env, emit_json, env, info, now, open_engine, out, table, today
from foi.errors import DeliveryError, UsageError


def _envelope(e: Env, attempt, when):  # type: ignore[no-untyped-def]
    from foi.letters.transport import Envelope

    return Envelope(
        from_addr=e.settings.from_addr or "",
        to_addr=attempt.to,
        subject=attempt.subject,
        text=attempt.text,
        message_id=attempt.message_id,
        date=when,
        reply_to=e.settings.reply_to,
        # A subject access request is one person's health data: never copied to an archive.
        bcc=None if attempt.regime == "sar" or attempt.purpose == "sar" else e.settings.bcc,
        in_reply_to=attempt.in_reply_to,
        references=(attempt.in_reply_to,) if attempt.in_reply_to else (),
        extra_headers={"X-FOI-Reference": attempt.reference},
    )


def _print_plan(p, outbox: Path | None) -> None:  # type: ignore[no-untyped-def]
    rows = [(i.reference, i.body, i.purpose, i.route, i.to or "") for i in p.ready]
    if rows:
        table(
            ("ref", "body", "letter", "route", "to"),
            rows,
            title=f"{len(rows)} letter(s) would be "
            + (f"written to {outbox}" if outbox else "sent by email"),
        )
    by_route: dict[str, int] = {}
    for i in p.ready:
        by_route[i.route] = by_route.get(i.route, 0) + 1
    if by_route:
        out("by route: " + ", ".join(f"{k} {v}" for k, v in sorted(by_route.items())))
    for i in p.by_hand:
        info(f"  {i.reference} {i.body}: {i.problem} ({i.to})")
    for i in [*p.ready, *p.by_hand]:
        if i.doubt:
            info(f"  warning: {i.reference} {i.body}: {i.doubt}; confirm it with 'foi body edit'")
    for i in p.blocked:
        info(f"  {i.reference} {i.body}: not sendable: {i.problem}")
    for i in p.uncertain:
        info(
            f"  {i.reference} {i.body}: {i.problem}; Message-ID <{i.message_id}>: check your "
            "sent mail, then 'foi send --reconcile SENT_MAILBOX' or '--retry-uncertain'"
        )


def register(app: typer.Typer) -> None:
    """Add `foi send`."""

    @app.command("send")
    def send(
        ctx: typer.Context,
        references: list[str] = typer.Argument(
            None, help="Requests to send (default: all drafts, or those of --campaign)."
        ),
        campaign: str | None = typer.Option(
            None, "--campaign", help="Send this campaign's drafts."
        ),
        outbox: Path | None = typer.Option(
            None,
            "--outbox",
            metavar="DIR",
            help="Write .eml files (and .txt letters for web "
            "forms and post) instead of using SMTP.",
        ),
        yes: bool = typer.Option(False, "--yes", help="Really send; without it, a dry run."),
        reconcile: list[Path] = typer.Option(
            [],
            "--reconcile",
            metavar="MAILBOX",
            help="Settle interrupted sends from your Sent "
            "folder or BCC archive (.eml, mbox, Maildir).",
        ),
        retry_uncertain: bool = typer.Option(
            False,
            "--retry-uncertain",
            help="Put interrupted sends back to draft (after checking they did not go).",
        ),
        json_out: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
    ) -> None:
        """Send drafted letters: a dry run listing recipients and routes until you add --yes.

        SMTP settings: FOI_SMTP_HOST, FOI_SMTP_PORT, FOI_SMTP_USER, FOI_SMTP_PASSWORD,
        FOI_SMTP_SECURITY (none|starttls|ssl), FOI_FROM, FOI_REPLY_TO, FOI_BCC (or the
        config file). Every subject carries the request's reference; Message-IDs are kept
        so replies can be matched.

        Example:  foi send --campaign sim-2026 --outbox outbox --yes
        """
        e = env(ctx)
        refs = list(references or [])
        if reconcile or retry_uncertain:
            _settle(e, refs, reconcile, retry_uncertain, json_out)
            return
        from foi.letters.sending import plan
        from foi.store.engine import session_scope

        with open_engine(e) as engine:
            with session_scope(engine) as s:
                p = plan(s, refs, campaign, outbox=outbox is not None, today=e.today, now=e.now)
            if not yes:
                if json_out:
                    emit_json(
                        {
                            "dry_run": True,
                            **p.counts(),
                            "letters": [i.__dict__ for i in p.ready],
                            "by_hand": [i.__dict__ for i in p.by_hand],
                            "blocked": [i.__dict__ for i in p.blocked],
                            "uncertain": [i.__dict__ for i in p.uncertain],
                        }
                    )
                else:
                    _print_plan(p, outbox)
                    if p.ready:
                        info(
                            "dry run: nothing sent; add --yes to "
                            + ("write them" if outbox else "send them")
                        )
                    else:
                        info("nothing to send")
                _fail_if_uncertain(len(p.uncertain))
                return
            result = deliver(e, engine, p, outbox)
        for i in p.by_hand + p.blocked + p.uncertain:  # what this run did not send, and why
            info(f"  not sent: {i.reference} {i.body}: {i.problem}")
        result["by_hand"] = len(p.by_hand)
        result["blocked"] = len(p.blocked)
        result["uncertain"] = result.get("uncertain", 0) + len(p.uncertain)
        report(result, json_out)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def summary(result: dict) -> str:  # type: ignore[type-arg]
    """What a delivery did, each letter counted once, in words a person reads."""
    parts = []
    if "chasers" in result:
        parts.append(f"{_plural(result['chasers'], 'chaser')} drafted")
    if result.get("sent"):
        parts.append(f"{_plural(result['sent'], 'letter')} sent by email")
    written = []
    if result.get("written_eml"):
        written.append(f"{_plural(result['written_eml'], 'email')} written as .eml files")
    if result.get("written_text"):
        written.append(
            f"{_plural(result['written_text'], 'letter')} to post or paste into a web form "
            "written as .txt files"
        )
    if written:
        parts.append(" and ".join(written))
    for key, words in (
        ("failed", "failed (not sent; see below)"),
        ("uncertain", "uncertain (may have gone; see below)"),
        ("by_hand", "to go by post or web form (use --outbox DIR)"),
        ("blocked", "not sendable now (see above)"),
        ("skipped", "already handled by another run"),
    ):
        if result.get(key):
            parts.append(f"{_plural(result[key], 'letter')} {words}")
    return "; ".join(parts) if parts else "nothing sent: no letter was ready"


def _fail_if_uncertain(n: int) -> None:
    """Uncertain letters must be settled before anyone can trust the record: exit non-zero."""
    if n:
        raise DeliveryError(
            f"{_plural(n, 'letter')} uncertain (an interrupted send may have gone): check "
            "your Sent folder, then 'foi send --reconcile SENT_MAILBOX', or, once you know "
            "they did not go, 'foi send --retry-uncertain'"
        )


def check_delivery(e: Env, outbox: Path | None) -> None:
    """Fail early, before anything is recorded, when letters could not be delivered."""
    if outbox is not None:
        target = outbox.expanduser()
        parent = target if target.exists() else target.parent
        if target.exists() and not target.is_dir():
            raise UsageError(f"--outbox {outbox} is a file, not a folder")
        if not parent.exists() or not os.access(parent, os.W_OK):
            raise UsageError(f"--outbox {outbox}: cannot write there (check the folder)")
        return
    from foi.letters.transport import check_smtp_settings

    st = e.settings
    check_smtp_settings(
        st.smtp_host,
        st.smtp_port,
        st.smtp_user,
        st.smtp_password,
        st.smtp_security,
        st.from_addr,
        timeout=st.smtp_timeout,
    )


def deliver(e: Env, engine, p, outbox: Path | None) -> dict:  # type: ignore[no-untyped-def]
    """Send a plan's ready letters by SMTP, or write them to an outbox folder."""
    if outbox is not None:
        return _write_outbox(e, engine, p, outbox)
    return _send_smtp(e, engine, p)


def report(result: dict, json_out: bool) -> None:  # type: ignore[type-arg]
    """Print what a delivery did; fail (exit 7) if any letter failed or is uncertain."""
    if json_out:
        emit_json(result)
    else:
        out(summary(result))
        for line in result.get("errors", []):
            info(f"  {line}")
    if result.get("failed"):
        raise DeliveryError(
            f"{_plural(result['failed'], 'letter')} failed (see above); fix the "
            "address or settings and run 'foi send' again to retry them"
            + (f"; {result['uncertain']} also uncertain" if result.get("uncertain") else "")
        )
    _fail_if_uncertain(result.get("uncertain", 0))


def _settle(e: Env, refs: list[str], mailboxes: list[Path], retry: bool, json_out: bool) -> None:
    from foi.casework.user_holidays import holiday_set
    from foi.cli._common import session
    from foi.letters.sending import reconcile, retry_uncertain

    sent_ids = _message_ids(mailboxes) if mailboxes else {}
    with session(e) as s:
        settled, unknown = (
            reconcile(s, sent_ids, today=e.today, now=e.now, holidays=holiday_set(s))
            if mailboxes
            else ([], [])
        )
        retried = retry_uncertain(s, refs) if retry else []
    data = {
        "settled": settled,
        "still_uncertain": [u for u in unknown if u not in retried],
        "retried": retried,
    }
    if json_out:
        emit_json(data)
        return
    out(
        f"settled {len(settled)} as sent; {len(retried)} back to draft; "
        f"{len(data['still_uncertain'])} still uncertain"
    )


def _message_ids(paths: list[Path]) -> dict[str, object]:
    """Message-IDs and dates found in a Sent folder or archive."""
    from foi.mail.parse import MailParseError, parse_message
    from foi.mail.sources import MailSourceError, iter_messages

    found: dict[str, object] = {}
    try:
        # Only the headers are wanted: a message over 1 MB is read up to its first 1 MB.
        for raw in iter_messages(paths, spool_bytes=1024 * 1024):
            data = raw.spool.read(1024 * 1024) if raw.spool is not None else raw.raw
            try:
                msg = parse_message(data, max_attachment_bytes=0)
            except MailParseError:
                continue
            if msg.message_id:
                found[msg.message_id] = (msg.date or now()).date()
    except MailSourceError as exc:
        raise UsageError(str(exc)) from None
    return found


class _Progress:
    """A progress bar on a terminal; nothing when output is not a terminal."""

    def __init__(self, total: int, label: str) -> None:
        self.bar = None
        if sys.stderr.isatty() and total:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(label, total=total)

    def step(self) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _send_smtp(e: Env, engine, p) -> dict:  # type: ignore[no-untyped-def]
    from foi.casework.user_holidays import holiday_set
    from foi.letters.sending import begin_attempt, finish_failed, finish_sent
    from foi.letters.transport import (
        OutboxError,
        SmtpTransport,
        addr_spec,
        build_message,
        check_smtp_settings,
        envelope_recipients,
    )
    from foi.store.engine import session_scope

    st = e.settings
    settings = check_smtp_settings(
        st.smtp_host,
        st.smtp_port,
        st.smtp_user,
        st.smtp_password,
        st.smtp_security,
        st.from_addr,
        timeout=st.smtp_timeout,
    )
    counts = {"sent": 0, "failed": 0, "skipped": 0, "uncertain": 0}
    errors: list[str] = []
    ready = [i for i in p.ready if i.route == "email"]
    if not ready:
        return {**counts, "errors": errors}
    progress = _Progress(len(ready), "sending")
    try:
        with SmtpTransport(settings) as transport:
            for n, item in enumerate(ready):
                if n and st.send_throttle_seconds > 0:
                    time.sleep(st.send_throttle_seconds)
                with session_scope(engine) as s:
                    attempt = begin_attempt(
                        s, item.letter_id, from_addr=st.from_addr or "", today=today(), now=now()
                    )
                if attempt is None:
                    counts["skipped"] += 1
                    progress.step()
                    continue
                try:
                    envelope = _envelope(e, attempt, now())
                    msg = build_message(envelope)
                    result = transport.send(
                        msg, addr_spec(envelope.from_addr), envelope_recipients(envelope)
                    )
                except OutboxError as exc:
                    if exc.uncertain:  # the server may have taken it: leave it 'sending'
                        counts["uncertain"] += 1
                        errors.append(
                            f"{attempt.reference}: {exc} (may have been sent: "
                            "check, then --reconcile or --retry-uncertain)"
                        )
                    else:
                        with session_scope(engine) as s:
                            finish_failed(s, attempt.letter_id, str(exc), now=now())
                        counts["failed"] += 1
                        errors.append(f"{attempt.reference}: {exc}")
                    progress.step()
                    continue
                refused = result.refused.get(addr_spec(attempt.to))
                with session_scope(engine) as s:
                    if refused:
                        finish_failed(s, attempt.letter_id, f"refused: {refused}", now=now())
                        counts["failed"] += 1
                        errors.append(f"{attempt.reference}: {attempt.to} refused: {refused}")
                    else:
                        finish_sent(
                            s, attempt.letter_id, today=today(), now=now(), holidays=holiday_set(s)
                        )
                        counts["sent"] += 1
                progress.step()
    finally:
        progress.close()
    return {**counts, "errors": errors}


def _write_outbox(e: Env, engine, p, folder: Path) -> dict:  # type: ignore[no-untyped-def]
    from foi.letters.sending import EVENT_FOR_PURPOSE, mark_written
    from foi.letters.transport import (
        build_message,
        printable_letter,
        safe_stem,
        write_eml,
        write_text_letter,
    )
    from foi.store.engine import session_scope

    counts = {"written_eml": 0, "written_text": 0}
    paths: list[str] = []
    steps: list[str] = []  # what to do with each printable letter: never inside the letter
    for item in p.ready:
        with session_scope(engine) as s:
            lt = mark_written(s, item.letter_id, from_addr=e.settings.from_addr, now=e.now)
            kind = "" if lt.purpose in ("request", "sar") else f" {lt.purpose}"
            stem = safe_stem(f"{lt.request.reference}{kind} {lt.request.body.name}")
            event = EVENT_FOR_PURPOSE.get(lt.purpose)
            log_as = event.value if event is not None else "note"
            if lt.route == "email":
                from foi.letters.sending import Attempt

                attempt = Attempt(
                    letter_id=lt.id,
                    reference=lt.request.reference,
                    purpose=lt.purpose,
                    to=lt.to_addr or "",
                    subject=lt.subject,
                    text=lt.text,
                    message_id=lt.message_id or f"{stem}@foi.invalid",
                    in_reply_to=None,
                    regime=lt.request.regime,
                )
                env_ = _envelope(e, attempt, e.now)
                if not env_.from_addr:
                    # A draft .eml needs a From; the mail client sends it from the user's own
                    # account. Prefer the request's signatory, then the configured requester.
                    person = lt.request.requester
                    address = (person.email if person else None) or e.settings.requester_email
                    name = person.name if person else (e.settings.requester_name or "")
                    env_ = replace(
                        env_,
                        from_addr=formataddr((name, address)) if address else "me@example.invalid",
                    )
                path = write_eml(folder, stem, build_message(env_, include_bcc=True), draft=True)
                counts["written_eml"] += 1
            else:
                person = lt.request.requester
                letter = printable_letter(
                    text=lt.text,
                    subject=lt.subject,
                    reference=lt.request.reference,
                    body_name=lt.request.body.name,
                    to_address=lt.to_addr,
                    route=lt.route,
                    sender_name=person.name if person else e.settings.requester_name,
                    sender_address=(person.address if person else None)
                    or e.settings.requester_address,
                    sender_email=(person.email if person else None) or e.settings.requester_email,
                    on=e.today,
                )
                path = write_text_letter(folder, stem, letter)
                counts["written_text"] += 1
                how = "post it to" if lt.route == "post" else "paste it into the body's web form at"
                received = " [--received-on DATE]" if lt.route == "post" else ""
                steps.append(
                    f"  {path.name}: {how} {lt.to_addr}; then 'foi request log "
                    f"{lt.request.reference} {log_as} --on DATE{received}'"
                )
        paths.append(str(path))
    info(
        f"written to {folder}: send the .eml files from your mail client, and paste or post "
        "the .txt letters; then log each with the event its .txt names (for a letter: 'foi "
        "request log REF sent --on DATE'; for a chaser: 'chased')"
    )
    for line in steps:
        info(line)
    return {**counts, "files": paths}
