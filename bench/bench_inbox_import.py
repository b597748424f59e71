"""Benchmark: `foi inbox import` on a 10,000-message mbox, beside the standard library alone.

Run:  .venv/bin/python bench/bench_inbox_import.py [--messages N] [--workdir DIR] [--keep]

The database is `foi init` plus ~200 requests made through the domain (create_request,
attach_letter, the sending steps, log_event): sent in 2026, about half acknowledged with
the authority's own reference. The mbox (seeded) mixes replies carrying a [FOI-2026-NNNN]
token in the subject (for requests that exist and that do not), replies threaded by
In-Reply-To only, replies quoting only the authority's reference, unrelated mail,
auto-replies (Auto-Submitted), a few bounces (multipart/report), HTML-only messages, a tenth
with PDF/XLSX/DOCX-like attachments of 20-200 KB, some encoded-word (non-ASCII) subjects and
a few exact duplicates.

Timed:

* the standard library alone: mailbox.mbox, email.message_from_bytes(policy=default), the
  main headers, and every leaf part's decoded payload (the floor for reading the mail);
* foi's own reading and parsing in-process (foi.mail.sources + foi.mail.parse), no database;
* `foi inbox import FILE --json` as a subprocess on a fresh copy of the database (and an
  empty file store) each run: parse, store raw mail and attachments (fsynced), match, log.
"""

from __future__ import annotations

import argparse
import base64
import email
import email.policy
import json
import mailbox
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter as Tally
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from email.utils import format_datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import Timing, bench_env, human_bytes, progress, run_foi  # noqa: E402  (bench/ is on sys.path)
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402

from foi.casework.requests import LogEntry, NewRequest, create_request, log_event  # noqa: E402
from foi.law.holidays import load_default  # noqa: E402
from foi.letters.records import attach_letter  # noqa: E402
from foi.letters.sending import begin_attempt, finish_sent  # noqa: E402
from foi.letters.transport import make_message_id  # noqa: E402
from foi.mail.parse import parse_message  # noqa: E402
from foi.mail.sources import iter_messages  # noqa: E402
from foi.store.engine import make_engine, resolve_url, session_scope  # noqa: E402
from foi.store.models import Body  # noqa: E402

TODAY = date(2026, 11, 27)
FROM_ADDR = "campaign@foi-bench.example.org"
CAMPAIGN_NAME = "SIM campaign"
REQUESTS = 200
OTHER_DOMAINS = [
    "newsletter.example.com",
    "lists.example.net",
    "mail.charity.example.org",
    "press.example.co.uk",
    "gmail.example.com",
    "outlook.example.com",
]
TITLES = [
    "SIM / High Intensity Use service: contracts and policies",
    "Serenity Integrated Mentoring: data sharing agreements",
    "Police involvement in mental health crisis care",
    "High intensity user programme: referrals and outcomes",
]
NON_ASCII_SUBJECTS = [
    "Réponse à votre demande – {ref}",
    "Ymateb i’ch cais Rhyddid Gwybodaeth – {ref}",
    "Antwort: Informationsfreiheit – Ihre Anfrage {ref}",
    "Freedom of Information – “{title}” – {ref}",
    "Svar på begäran om allmän handling – {ref}",
]
REPLY_TEXT = (
    "Dear Campaign,\n\n"
    "Thank you for your request for information, which we received on {sent}.{ref_line}\n\n"
    "{middle}\n\n"
    "If you are unhappy with this response you may ask for an internal review within 40"
    " working days. If you remain dissatisfied you may complain to the Information"
    " Commissioner's Office.\n\n"
    "Yours sincerely,\n\nInformation Governance Team\n{body}\n"
)
MIDDLES = [
    "Please find our response attached. Some of the information is withheld under section"
    " 40(2) (personal information) and section 43(2) (commercial interests).",
    "We can confirm that the Trust holds no information in scope of your request. The Trust"
    " has never commissioned the service you describe.",
    "We estimate that answering the request would exceed the appropriate limit under section"
    " 12. You may wish to narrow it, for example to a single year.",
    "The information you asked for is published on our website, so we are relying on section"
    " 21 (information accessible by other means). The link is given below.",
    "1. Yes, a memorandum of understanding is in place.\n2. The policy is attached.\n3. 14"
    " patients in 2022, 11 in 2023.\n4. No impact assessment was carried out.",
]
AUTO_TEXT = [
    "Thank you for your email. I am out of the office until Monday and will reply on my"
    " return. For urgent matters please call the switchboard.",
    "Thank you for contacting the Information Governance team. This is an automatic"
    " acknowledgement: we will respond within 20 working days.",
]


def remove_db(path: Path) -> None:
    """Remove a SQLite file and its WAL companions."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- The database --------------------------------------------------------------------------------


@dataclass
class Known:
    """What the mail generator may refer to: requests, their letters and references."""

    references: list[str] = field(default_factory=list)
    message_ids: list[str] = field(default_factory=list)  # of letters sent by email
    recipients: list[str] = field(default_factory=list)  # addresses letters went to
    authority_ref_of: dict[str, str] = field(default_factory=dict)  # reference -> theirs
    thread_of: dict[str, str] = field(default_factory=dict)  # letter Message-ID -> reference
    sent_on: dict[str, date] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)  # reference -> the body's mail domain
    titles: dict[str, str] = field(default_factory=dict)
    body_names: dict[str, str] = field(default_factory=dict)


def mail_domain(body: Body) -> str:
    """Where the body's mail comes from: its FOI address's domain, else a made-up one."""
    for contact in body.contacts:
        if contact.channel == "email" and "@" in contact.address:
            return contact.address.rsplit("@", 1)[1].lower()
    slug = "".join(ch if ch.isalnum() else "-" for ch in body.name.lower()).strip("-")
    return f"{'-'.join(filter(None, slug.split('-')))[:40]}.example.org"


def make_requests(path: Path, rng: random.Random) -> Known:
    """About 200 requests made and sent through the domain, as `foi` commands would."""
    engine = make_engine(resolve_url(str(path)))
    holidays = load_default()
    known = Known()
    try:
        with session_scope(engine) as s:
            bodies = list(
                s.scalars(
                    select(Body)
                    .options(selectinload(Body.contacts))
                    .where(Body.foi_subject.is_(True))
                    .order_by(Body.id)
                )
            )
        starts = sorted(
            date(2026, 6, 1) + timedelta(days=rng.randrange(160)) for _ in range(REQUESTS)
        )
        for drafted in starts:
            now = datetime.combine(drafted, clock_time(9), UTC) + timedelta(
                minutes=rng.randrange(480)
            )
            with session_scope(engine) as s:
                body = s.get(Body, rng.choice(bodies).id)
                assert body is not None
                title = rng.choice(TITLES)
                req = create_request(
                    s,
                    NewRequest(body=body, title=title, campaign=CAMPAIGN_NAME),
                    today=drafted,
                    now=now,
                    holidays=holidays,
                )
                letter = attach_letter(
                    s,
                    req,
                    subject=f"[{req.reference}] {title}",
                    text="Dear FOI officer, ...",
                    now=now,
                )
                sent = drafted + timedelta(days=rng.randrange(4))
                sent_at = datetime.combine(sent, clock_time(10), UTC)
                if letter.route == "email" and letter.to_addr:
                    # begin_attempt would draw a random Message-ID: give it a seeded one.
                    letter.message_id = make_message_id(
                        req.reference, FROM_ADDR, f"{rng.getrandbits(96):024x}"
                    )
                    begin_attempt(s, letter.id, from_addr=FROM_ADDR, today=sent, now=sent_at)
                    finish_sent(s, letter.id, today=sent, now=sent_at, holidays=holidays)
                    known.message_ids.append(letter.message_id)
                    known.recipients.append(letter.to_addr)
                    known.thread_of[letter.message_id] = req.reference
                else:
                    log_event(
                        s,
                        req,
                        LogEntry(kind="sent", on=sent, note="sent through the web form"),
                        today=sent,
                        now=sent_at,
                        holidays=holidays,
                    )
                ack = sent + timedelta(days=rng.randrange(1, 4))
                if ack <= TODAY and rng.random() < 0.5:
                    ref = f"FOI/26/{rng.randrange(10000, 99999)}"
                    log_event(
                        s,
                        req,
                        LogEntry(
                            kind="acknowledged", on=ack, data={"authority_ref": ref}, note="ack"
                        ),
                        today=ack,
                        now=sent_at + timedelta(days=(ack - sent).days),
                        holidays=holidays,
                    )
                    known.authority_ref_of[req.reference] = ref
                known.references.append(req.reference)
                known.domains[req.reference] = mail_domain(body)
                known.sent_on[req.reference] = sent
                known.titles[req.reference] = title
                known.body_names[req.reference] = body.name
    finally:
        engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return known


# --- The mail ----------------------------------------------------------------------------------


def encoded_word(text: str, rng: random.Random) -> str:
    """RFC 2047 encoded-words (UTF-8, B or Q), split so each stays under 75 characters."""
    words = []
    chunk = ""
    for ch in text:
        if len((chunk + ch).encode()) > 30:
            words.append(chunk)
            chunk = ""
        chunk += ch
    words.append(chunk)
    if rng.random() < 0.5:
        return "\n ".join(
            f"=?utf-8?b?{base64.b64encode(w.encode()).decode()}?=" for w in words if w
        )
    out = []
    for w in words:
        q = "".join(
            c
            if c.isascii() and (c.isalnum() or c in "-!*+/")
            else "_"
            if c == " "
            else "".join(f"={b:02X}" for b in c.encode())
            for c in w
        )
        out.append(f"=?UTF-8?Q?{q}?=")
    return "\n ".join(out)


def b64_lines(data: bytes) -> str:
    """Base64 in 76-character lines."""
    return base64.encodebytes(data).decode("ascii")


def fake_document(rng: random.Random, kind: str) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of a PDF-, XLSX- or DOCX-like file of 20-200 KB."""
    size = rng.randint(20_000, 200_000)
    stem = rng.choice(["response", "policy", "Appendix A", "MoU 2019", "data_2018-2024"])
    if kind == "pdf":
        head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        return f"{stem}.pdf", "application/pdf", head + rng.randbytes(size) + b"\n%%EOF\n"
    zip_head = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"
    if kind == "xlsx":
        return (
            f"{stem}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            zip_head + b"[Content_Types].xml" + rng.randbytes(size),
        )
    return (
        f"{stem}.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        zip_head + b"word/document.xml" + rng.randbytes(size),
    )


def html_of(text: str) -> str:
    """A typical HTML rendering of a plain-text reply (Outlook-like markup)."""
    paras = "".join(
        f'<p class="MsoNormal" style="margin:0cm">{p.replace(chr(10), "<br>")}</p>\n'
        for p in text.split("\n\n")
    )
    return (
        "<html><head><style>p.MsoNormal{font-family:Calibri,sans-serif}</style></head>\n"
        f'<body lang="EN-GB">\n<div class="WordSection1">\n{paras}</div>\n'
        '<table border="1"><tr><th>Year</th><th>Referrals</th></tr>'
        "<tr><td>2022</td><td>14</td></tr><tr><td>2023</td><td>11</td></tr></table>\n"
        "</body></html>\n"
    )


@dataclass
class MailPlan:
    """What was generated, for the summary."""

    messages: int = 0
    tally: Tally[str] = field(default_factory=Tally)
    attachments: int = 0
    attachment_bytes: int = 0
    kinds: dict[str, str] = field(default_factory=dict)  # Message-ID -> what was generated


def generate_mbox(path: Path, n: int, rng: random.Random, known: Known) -> MailPlan:
    """Write n messages to an mbox file; returns what kinds were written."""
    plan = MailPlan()
    docs: list[tuple[str, str, bytes]] = []
    pool = max(8, n // 16)  # some attachments recur (the same PDF sent to several requesters)
    seen_raw: list[bytes] = []
    with path.open("wb") as out:
        for i in range(n):
            if seen_raw and rng.random() < 0.005:
                raw = rng.choice(seen_raw)  # an exact duplicate, as a re-delivered message
                plan.tally["duplicate"] += 1
            else:
                raw = one_message(i, rng, known, plan, docs, pool)
                if len(seen_raw) < 200:
                    seen_raw.append(raw)
            when = datetime(2026, 11, 27, 12, 0)
            out.write(f"From MAILER-DAEMON {when:%a %b %d %H:%M:%S %Y}\n".encode())
            for line in raw.split(b"\n"):
                if line.startswith(b"From "):
                    line = b">" + line
                out.write(line + b"\n")
            out.write(b"\n")
            plan.messages += 1
            if (i + 1) % 2000 == 0:
                progress(f"generated {i + 1:,} messages")
    return plan


def one_message(
    i: int,
    rng: random.Random,
    known: Known,
    plan: MailPlan,
    docs: list[tuple[str, str, bytes]],
    pool: int,
) -> bytes:
    """One raw message (LF line endings), picked from the mix."""
    kind = rng.choices(["reply", "auto-reply", "bounce"], [80, 18, 2])[0]
    link = rng.choices(["token", "in-reply-to", "authority-ref", "none"], [45, 20, 5, 30])[0]
    plan.tally[kind] += 1
    plan.tally[f"link: {link}"] += 1
    # Tokens are drawn from a wider range than the requests that exist: most are not ours.
    token = f"FOI-2026-{rng.randint(1, 1000):04d}"
    reference = token if token in known.sent_on else rng.choice(known.references)
    thread: str | None = None
    if link == "in-reply-to":
        if known.message_ids and rng.random() < 0.5:
            thread = rng.choice(known.message_ids)
            reference = known.thread_of[thread]
        else:
            thread = (
                f"foi-2026-{rng.randint(1000, 9999)}.{rng.getrandbits(64):016x}@elsewhere.example"
            )
    ref: str | None = None
    if link == "authority-ref":
        if known.authority_ref_of and rng.random() < 0.5:
            reference = rng.choice(sorted(known.authority_ref_of))
            ref = known.authority_ref_of[reference]
    elif link != "none" and rng.random() < 0.3:
        ref = known.authority_ref_of.get(reference)
    if ref is None and (link == "authority-ref" or rng.random() < 0.1):
        ref = f"FOI/26/{rng.randrange(10000, 99999)}"  # a reference foi has not seen
    title = known.titles[reference]
    # The reply comes from the body the request went to (unrelated mail mostly does not).
    domain = known.domains[reference]
    if link == "none" and rng.random() < 0.6:
        domain = rng.choice(OTHER_DOMAINS)
    sent = known.sent_on[reference]
    when = datetime.combine(sent, clock_time(9), UTC) + timedelta(
        minutes=rng.randrange(max(1, (TODAY - sent).days) * 1440)
    )
    message_id = f"{i:06d}.{rng.getrandbits(64):016x}@{domain}"
    plan.kinds[message_id] = kind
    headers: list[tuple[str, str]] = [
        ("Return-Path", f"<foi@{domain}>"),
        ("Received", f"from mx.{domain} by mx.foi-bench.example.org; {format_datetime(when)}"),
        ("From", f'"Information Governance" <foi@{domain}>'),
        ("To", FROM_ADDR),
        ("Date", format_datetime(when)),
        ("Message-ID", f"<{message_id}>"),
        ("MIME-Version", "1.0"),
    ]
    subject = f"RE: {title}"
    if link == "token":
        subject = f"RE: [{token}] {title}"
    elif thread is not None:
        headers += [("In-Reply-To", f"<{thread}>"), ("References", f"<{thread}>")]
    ref_line = f" Our reference: {ref}." if ref else ""
    if kind == "bounce":
        return bounce(headers, token, title, rng, known, plan)
    if kind == "auto-reply":
        subject = f"Automatic reply: {subject[4:]}"
        headers.append(("Auto-Submitted", "auto-replied"))
        text = rng.choice(AUTO_TEXT)
    else:
        text = REPLY_TEXT.format(
            sent=sent.strftime("%d %B %Y"),
            ref_line=ref_line,
            middle=rng.choice(MIDDLES),
            body=known.body_names.get(reference, "The Trust"),
        )
    if rng.random() < 0.08:
        plan.tally["encoded-word subject"] += 1
        pattern = rng.choice(NON_ASCII_SUBJECTS)
        shown = pattern.format(ref=f"[{token}]" if link == "token" else "", title=title)
        headers.append(("Subject", encoded_word(shown, rng)))
    else:
        headers.append(("Subject", subject))
    with_docs = kind == "reply" and rng.random() < 0.1
    html_only = rng.random() < 0.1
    if html_only:
        plan.tally["html-only"] += 1
    body_headers, body = text_part(text, html_only, rng)
    if not with_docs:
        return render(headers + body_headers, body)
    plan.tally["with attachments"] += 1
    boundary = f"----=_Part_{i}_{rng.getrandbits(32):08x}"
    parts = [render(body_headers, body)]
    for _ in range(rng.choice([1, 1, 1, 2])):
        if len(docs) < pool:
            docs.append(fake_document(rng, rng.choice(["pdf", "pdf", "xlsx", "docx"])))
            name, ctype, data = docs[-1]
        else:
            name, ctype, data = rng.choice(docs)
        plan.attachments += 1
        plan.attachment_bytes += len(data)
        parts.append(
            render(
                [
                    ("Content-Type", f'{ctype}; name="{name}"'),
                    ("Content-Disposition", f'attachment; filename="{name}"'),
                    ("Content-Transfer-Encoding", "base64"),
                ],
                b64_lines(data),
            )
        )
    headers.append(("Content-Type", f'multipart/mixed; boundary="{boundary}"'))
    return render(headers, multipart(boundary, parts))


def text_part(text: str, html_only: bool, rng: random.Random) -> tuple[list[tuple[str, str]], str]:
    """Headers and body of the readable part: plain, HTML only, or both as alternatives."""
    if html_only:
        return [
            ("Content-Type", 'text/html; charset="utf-8"'),
            ("Content-Transfer-Encoding", "8bit"),
        ], html_of(text)
    if rng.random() < 0.3:
        boundary = f"alt_{rng.getrandbits(48):012x}"
        plain = render(
            [
                ("Content-Type", 'text/plain; charset="utf-8"'),
                ("Content-Transfer-Encoding", "8bit"),
            ],
            text,
        )
        html = render(
            [("Content-Type", 'text/html; charset="utf-8"'), ("Content-Transfer-Encoding", "8bit")],
            html_of(text),
        )
        return [("Content-Type", f'multipart/alternative; boundary="{boundary}"')], multipart(
            boundary, [plain, html]
        ).decode("utf-8")
    return [
        ("Content-Type", 'text/plain; charset="utf-8"; format=flowed'),
        ("Content-Transfer-Encoding", "8bit"),
    ], text


def bounce(
    headers: list[tuple[str, str]],
    token: str,
    title: str,
    rng: random.Random,
    known: Known,
    plan: MailPlan,
) -> bytes:
    """A delivery status notification (multipart/report) returning one of our letters."""
    recipient = rng.choice(known.recipients) if known.recipients else "foi@nowhere.example"
    domain = recipient.rsplit("@", 1)[1]
    mid = rng.choice(known.message_ids) if known.message_ids else "x@foi-bench.example.org"
    boundary = f"dsn_{rng.getrandbits(48):012x}"
    headers = [h for h in headers if h[0] not in ("From", "Return-Path")]
    headers[:0] = [("Return-Path", "<>")]
    headers += [
        ("From", f"Mail Delivery System <MAILER-DAEMON@mx.{domain}>"),
        ("Subject", f"Undelivered Mail Returned to Sender: [{token}] {title}"),
        ("Auto-Submitted", "auto-replied"),
        ("Content-Type", f'multipart/report; report-type=delivery-status; boundary="{boundary}"'),
    ]
    explain = render(
        [("Content-Type", "text/plain; charset=us-ascii")],
        "This is the mail system at host mx.foi-bench.example.org.\n\n"
        "I'm sorry to have to inform you that your message could not be delivered to one or"
        f" more recipients.\n\n<{recipient}>: host mx.{domain} said: 550 5.1.1 User unknown\n",
    )
    status = render(
        [("Content-Type", "message/delivery-status")],
        f"Reporting-MTA: dns; mx.foi-bench.example.org\n\nFinal-Recipient: rfc822; {recipient}\n"
        f"Original-Recipient: rfc822;{recipient}\nAction: failed\nStatus: 5.1.1\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected\n",
    )
    original = render(
        [("Content-Type", "text/rfc822-headers")],
        f"From: {FROM_ADDR}\nTo: {recipient}\nSubject: [{token}] {title}\nMessage-ID: <{mid}>\n",
    )
    plan.tally["multipart/report"] += 1
    return render(headers, multipart(boundary, [explain, status, original]))


def render(headers: Sequence[tuple[str, str]], body: str | bytes) -> bytes:
    """Headers and body as raw bytes with LF line endings."""
    head = "".join(f"{k}: {v}\n" for k, v in headers).encode("utf-8")
    data = body.encode("utf-8") if isinstance(body, str) else body
    return head + b"\n" + data


def multipart(boundary: str, parts: Sequence[bytes]) -> bytes:
    """Join parts with a boundary."""
    sep = f"--{boundary}\n".encode()
    body = b"This is a multi-part message in MIME format.\n\n"
    for part in parts:
        body += sep + part.rstrip(b"\n") + b"\n"
    return body + f"--{boundary}--\n".encode()


# --- Timing -------------------------------------------------------------------------------------


def stdlib_read(path: Path) -> tuple[int, int, int]:
    """The floor: read every message with the standard library; (messages, parts, bytes)."""
    box = mailbox.mbox(path, create=False)
    messages = parts = payload = 0
    try:
        for key in box.iterkeys():
            msg = email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
            for name in ("subject", "from", "to", "date", "message-id", "in-reply-to"):
                msg.get(name)
            for part in msg.walk():
                if part.is_multipart():
                    continue
                data = part.get_payload(decode=True)
                parts += 1
                payload += len(data or b"")
            messages += 1
    finally:
        box.close()
    return messages, parts, payload


def foi_parse(path: Path) -> tuple[int, int, int]:
    """foi's reading and parsing alone; (messages, attachments, attachment bytes)."""
    messages = attachments = size = 0
    for raw in iter_messages([path]):
        parsed = parse_message(raw.raw)
        messages += 1
        attachments += len(parsed.attachments)
        size += sum(len(a.data) for a in parsed.attachments)
    return messages, attachments, size


def best_of(fn: Callable[[], Any], repeats: int) -> tuple[Timing, Any]:
    """Run fn repeatedly in-process; timings and the last result."""
    runs, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t0)
    return Timing(runs), result


@dataclass
class ImportRun:
    seconds: float
    cpu_seconds: float
    summary: dict[str, Any]
    store_files: int
    store_bytes: int
    db_bytes: int


def import_once(base: Path, mbox: Path, workdir: Path, run: int) -> ImportRun:
    """Copy the database, import the mbox into it, measure wall and CPU time."""
    db = workdir / "import-run.db"
    remove_db(db)
    shutil.copyfile(base, db)
    os.chmod(db, 0o600)
    progress(f"foi inbox import, run {run}")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "foi", "--db", str(db), "inbox", "import", str(mbox), "--json"],
            cwd=workdir,
            env=bench_env(workdir),
            stdout=out,
            stderr=err,
        )
        # os.wait4: this child's own CPU time, which other load on the machine barely moves.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise SystemExit(f"foi inbox import failed: {err.read().decode()[-2000:]}")
        out.seek(0)
        summary = json.loads(out.read())
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        files, size = conn.execute("SELECT count(*), coalesce(sum(size), 0) FROM blobs").fetchone()
    cpu = usage.ru_utime + usage.ru_stime
    return ImportRun(seconds, cpu, summary, files, size, db.stat().st_size)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000, help="messages in the mbox")
    parser.add_argument(
        "--workdir", type=Path, help="write the files here (default: a temp folder)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the files afterwards")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument(
        "--repeats",
        type=int,
        default=2,
        help="runs of the import and of the standard-library read (foi's parser alone: once)",
    )
    args = parser.parse_args()
    if args.messages < 1:
        parser.error("--messages takes a positive number")

    if args.workdir:
        workdir = args.workdir.expanduser().absolute()
        workdir.mkdir(parents=True, exist_ok=True)
        made_temp = False
    else:
        workdir = Path(tempfile.mkdtemp(prefix="foi-bench-inbox-"))
        made_temp = True
    base = workdir / "inbox-base.db"
    mbox = workdir / "replies.mbox"
    try:
        rng = random.Random(args.seed)
        remove_db(base)
        progress(f"workdir {workdir}; foi init")
        run_foi(["--db", str(base), "init"], workdir)
        progress(f"making {REQUESTS} sent requests through the domain")
        known = make_requests(base, rng)
        progress(f"writing {args.messages:,} messages to {mbox.name}")
        plan = generate_mbox(mbox, args.messages, rng, known)

        progress("foi.mail.sources + foi.mail.parse in-process (once)")
        parse_timing, parse_result = best_of(lambda: foi_parse(mbox), 1)
        if parse_result[0] != args.messages:
            raise SystemExit(f"foi read {parse_result[0]} messages, not {args.messages}")
        # The two sides alternate (stdlib, foi, stdlib, foi, ...) so that a change in the
        # machine's load during the run weighs on both alike.
        std_runs: list[float] = []
        std_cpu: list[float] = []
        runs = []
        std_result: tuple[int, int, int] = (0, 0, 0)
        for k in range(args.repeats):
            progress(f"standard library read, run {k + 1}")
            cpu0 = time.process_time()
            one, std_result = best_of(lambda: stdlib_read(mbox), 1)
            std_cpu.append(time.process_time() - cpu0)
            std_runs.append(one.best)
            if std_result[0] != args.messages:
                raise SystemExit(f"mailbox.mbox read {std_result[0]} messages, not {args.messages}")
            runs.append(import_once(base, mbox, workdir, k + 1))
        std_timing = Timing(std_runs)
        report(args, known, plan, mbox, std_timing, std_result, parse_timing, parse_result, runs)
        print(
            "CPU time (user+sys; steadier when the machine is shared): stdlib best"
            f" {min(std_cpu):.2f}s, foi inbox import best {min(r.cpu_seconds for r in runs):.2f}s,"
            f" ratio {min(r.cpu_seconds for r in runs) / min(std_cpu):.2f}x"
        )
    finally:
        if args.keep:
            progress(f"kept {workdir}")
        elif made_temp:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            for path in (base, workdir / "import-run.db"):
                remove_db(path)
            mbox.unlink(missing_ok=True)


def report(
    args: argparse.Namespace,
    known: Known,
    plan: MailPlan,
    mbox: Path,
    std_timing: Timing,
    std_result: tuple[int, int, int],
    parse_timing: Timing,
    parse_result: tuple[int, int, int],
    runs: Sequence[ImportRun],
) -> None:
    """Print the figures."""
    n = args.messages
    imp = Timing([r.seconds for r in runs])
    last = runs[-1]
    summary = last.summary
    print(f"foi inbox import benchmark, FOI_TODAY={TODAY}, python {sys.version.split()[0]}")
    print(
        f"database: {len(known.references)} sent requests ({len(known.message_ids)} by email,"
        f" {len(known.authority_ref_of)} with the authority's reference)"
    )
    print(
        f"mbox: {n:,} messages, {human_bytes(mbox.stat().st_size)}; {plan.attachments:,}"
        f" attachments ({human_bytes(plan.attachment_bytes)} decoded)"
    )
    print("  mix: " + ", ".join(f"{k} {v:,}" for k, v in sorted(plan.tally.items())))
    print()
    rows = [
        (
            "stdlib: mailbox.mbox + message_from_bytes + walk + payloads",
            std_timing,
            f"{std_result[1]:,} leaf parts, {human_bytes(std_result[2])}",
        ),
        (
            "foi.mail.sources + foi.mail.parse.parse_message (in-process)",
            parse_timing,
            f"{parse_result[1]:,} attachments, {human_bytes(parse_result[2])}",
        ),
        ("foi inbox import FILE --json (subprocess, fresh db)", imp, "parse+store+match+log"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'':<{width}}  {'best':>8}  {'median':>8}  {'per message':>11}  {'x stdlib':>8}")
    for label, timing, note in rows:
        print(
            f"{label:<{width}}  {timing.best:>7.2f}s  {timing.median:>7.2f}s"
            f"  {timing.best / n * 1e3:>8.2f} ms  {timing.best / std_timing.best:>7.1f}x  {note}"
        )
    print(f"(best and median of {args.repeats} runs; foi's parser alone: one run)")
    print(
        f"ratio, foi inbox import / stdlib mailbox+email parse (best of each, alternating"
        f" runs): {imp.best / std_timing.best:.2f}x (median {imp.median / std_timing.median:.2f}x)"
    )
    print()
    counts = {k: summary[k] for k in ("total", "matched", "held", "auto_replies", "bounces")}
    counts.update(duplicates=summary["duplicates"], errors=summary["errors"])
    print("import summary: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    matched_by = Tally(
        m.get("matched_by") for m in summary["messages"] if m.get("matched_by") is not None
    )
    events = Tally(m.get("event") for m in summary["messages"] if m.get("event"))
    print("  matched by: " + ", ".join(f"{k} {v:,}" for k, v in matched_by.most_common()))
    print("  events logged: " + ", ".join(f"{k} {v:,}" for k, v in events.most_common()))
    confusion = Tally(
        f"{plan.kinds.get(m.get('message_id') or '', '?')} -> {m['kind']}"
        for m in summary["messages"]
        if m.get("kind")
    )
    print(
        "  generated kind -> foi's classification: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(confusion.items()))
    )
    print(
        f"evidence stored in the database: {last.store_files:,} blobs,"
        f" {human_bytes(last.store_bytes)} (mbox {human_bytes(mbox.stat().st_size)});"
        f" database after import {human_bytes(last.db_bytes)}"
    )


if __name__ == "__main__":
    main()
