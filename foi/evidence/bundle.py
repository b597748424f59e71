"""The correspondence bundle of one request: every letter, reply and attachment, dated, indexed.

What an internal review or an ICO complaint needs as its enclosure: one zip with the letters
sent (text), each reply as the raw ``.eml`` received and as text, every attachment, in date
order with ``index.txt`` first. It is the requester's own file, so nothing is redacted; it is
written privately (mode 600). `read_evidence_bytes` is the one place raw bytes are read.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from foi.evidence.blobs import safe_filename
from foi.evidence.redact import Redactor
from foi.evidence.sent import letter_date, letters_sent, reply_text
from foi.files import atomic_writer
from foi.store.models import Attachment, Event, InboxMessage, Request

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same evidence makes the same zip


def read_evidence_bytes(session: Session, sha: str) -> bytes:
    """The bytes of a stored attachment or raw message, checked against their hash."""
    from foi.evidence import blobs

    return blobs.read_blob(session, sha)


def replies(session: Session, req: Request) -> list[InboxMessage]:
    """Mail matched to the request (not our own copies), oldest first."""
    msgs = session.scalars(
        select(InboxMessage)
        .where(
            InboxMessage.request_id == req.id,
            InboxMessage.state == "matched",
            InboxMessage.kind != "own",
        )
        .order_by(InboxMessage.id)
    ).all()
    return sorted(msgs, key=lambda m: (m.sent_at or m.imported_at, m.id))


def attachments(session: Session, req: Request) -> list[Attachment]:
    """The request's attachments, oldest first."""
    return list(
        session.scalars(
            select(Attachment).where(Attachment.request_id == req.id).order_by(Attachment.id)
        )
    )


def attachment_date(session: Session, att: Attachment) -> date:
    """The date of the response or reply an attachment came with."""
    if att.event_id is not None:
        ev = session.get(Event, att.event_id)
        if ev is not None:
            return ev.on
    if att.inbox_id is not None:
        msg = session.get(InboxMessage, att.inbox_id)
        if msg is not None and msg.sent_at is not None:
            return msg.sent_at.date()
    return att.created_at.date()


@dataclass
class BundleReport:
    path: Path
    letters: int
    replies: int
    attachments: int
    files: int


def write_bundle(
    session: Session, req: Request, path: Path, *, public: Redactor | None = None
) -> BundleReport:
    """Write the request's correspondence bundle as a zip at `path` (atomically, mode 600).

    A public bundle (`public`, the site's redactor) carries no raw mail and no addresses:
    letters and replies as text with people's details removed, and of the attachments only
    the redacted copies of those marked publishable (never an original).
    """
    if public is not None:
        return _write_public_bundle(session, req, path, public)
    items: list[tuple[date, int, str, str, bytes]] = []  # (date, order, kind, name, data)

    def add(on: date, order: int, kind: str, stem: str, ext: str, data: bytes) -> None:
        items.append((on, order, kind, f"{stem}{ext}", data))

    sent = letters_sent(req)
    for lt in sent:
        on = letter_date(req, lt)
        text = f"Subject: {lt.subject}\nTo: {lt.to_addr or ''}\nDate: {on}\n\n{lt.text}\n"
        add(on, 0, f"letter ({lt.purpose})", f"letter-{lt.purpose}", ".txt", text.encode())
    msgs = replies(session, req)
    for msg in msgs:
        on = (msg.sent_at or msg.imported_at).date()
        add(
            on,
            1,
            f"reply ({msg.kind})",
            f"reply-{msg.id}",
            ".eml",
            read_evidence_bytes(session, msg.sha256),
        )
        text = f"Subject: {msg.subject or ''}\nFrom: {msg.from_addr or ''}\nDate: {msg.sent_at or ''}\n\n{reply_text(msg)}\n"
        add(on, 1, "reply as text", f"reply-{msg.id}", ".txt", text.encode())
    atts = attachments(session, req)
    for att in atts:
        data = read_evidence_bytes(session, att.sha256)
        stem, dot, ext = safe_filename(att.filename).rpartition(".")
        if not dot:
            stem, ext = ext, ""
        add(
            attachment_date(session, att),
            2,
            "attachment",
            f"attachment-{stem}",
            f".{ext}" if ext else "",
            data,
        )
    _write_zip(path, req, items, req.title, "")
    return BundleReport(path, len(sent), len(msgs), len(atts), len(items) + 1)


def _write_zip(
    path: Path,
    req: Request,
    items: list[tuple[date, int, str, str, bytes]],
    title: str,
    note: str,
) -> None:
    """The zip: index.txt first, then the items in date order."""
    items.sort(key=lambda it: (it[0], it[1]))
    width = max(2, len(str(len(items))))
    index = [
        f"Correspondence bundle for {req.reference}: {title}",
        f"Body: {req.body.name}",
        f"Regime: {req.regime}; sent on {req.sent_on or 'not sent'}; status {req.status}"
        + (f"; outcome {req.resolution}" if req.resolution else ""),
        *([note] if note else []),
        "",
        "Files, in date order:",
    ]
    names: list[tuple[str, bytes]] = []
    for n, (on, _, kind, name, data) in enumerate(items, start=1):
        fname = f"{n:0{width}d}-{on.isoformat()}-{name}"
        names.append((fname, data))
        index.append(f"{n:>{width}}. {on.isoformat()}  {kind:<22} {fname}")
    with atomic_writer(path) as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("index.txt", _ZIP_TIME), "\n".join(index) + "\n")
        for fname, data in names:
            info = zipfile.ZipInfo(fname, _ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)


def _write_public_bundle(
    session: Session, req: Request, path: Path, redactor: Redactor
) -> BundleReport:
    """The bundle marked public: redacted text, redacted copies, no raw mail."""
    from foi.errors import UsageError
    from foi.redaction.public import public_copies

    if req.regime == "sar":
        raise UsageError(f"{req.reference} is a subject access request: it is never made public")
    items: list[tuple[date, int, str, str, bytes]] = []
    sent = letters_sent(req)
    for lt in sent:
        on = letter_date(req, lt)
        text = f"Subject: {redactor(lt.subject)}\nDate: {on}\n\n{redactor(lt.text)}\n"
        items.append((on, 0, f"letter ({lt.purpose})", f"letter-{lt.purpose}.txt", text.encode()))
    msgs = replies(session, req)
    for msg in msgs:
        on = (msg.sent_at or msg.imported_at).date()
        text = (
            f"Subject: {redactor(msg.subject or '')}\nDate: {on}\n\n{redactor(reply_text(msg))}\n"
        )
        items.append((on, 1, "reply as text", f"reply-{msg.id}.txt", text.encode()))
    copies, _ = public_copies(session, attachments(session, req))
    for copy in copies:
        on = attachment_date(session, copy.attachment)
        items.append((on, 2, "redacted attachment", f"attachment-{copy.filename}", copy.data))
    note = (
        "Public bundle: people's names, emails and addresses removed; attachments are "
        "redacted copies of those marked publishable."
    )
    _write_zip(path, req, items, redactor(req.title) or "", note)
    return BundleReport(path, len(sent), len(msgs), len(copies), len(items) + 1)


def bundle_name(req: Request) -> str:
    """The bundle's usual file name, as the ICO complaint letter names it."""
    return f"{req.reference}-correspondence.zip"
