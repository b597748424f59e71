"""The publishable gate and the redacted copies, in the database.

`scan` reads the text of what would be published — the newest redacted copy of an
attachment if there is one, the original otherwise — and finds personal data in it. The
original's page texts come from the reading store (``foi.reading.store.page_texts``) when
it has them; until then a PDF's own text layer is read (``pdftotext``), and DOCX, XLSX and
text files are read directly. A file with no text (an image, a scan not yet OCR'd or that
OCR could not read) counts as unreviewed. `mark_publishable` refuses to mark a file while
findings stand, unless the volunteer says they reviewed them (recorded with who and when in
``attachment_reviews``). `redact` writes a redacted copy (``render``) beside the original,
which is never changed, and records it in ``redactions``.

Takes a session and `now`; never commits, prints or reads the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foi.errors import ConflictError, NotFoundError, UsageError
from foi.evidence import blobs
from foi.redaction.findings import Finding, Person, Watchlist, find_personal_data, summary
from foi.store.models import (
    Attachment,
    AttachmentReview,
    Redaction,
    RedactionTerm,
    Request,
    Requester,
    Volunteer,
)


@dataclass
class Scan:
    """What a file that would be published holds: findings, or no text at all."""

    attachment: Attachment
    sha256: str
    source: str  # "original" | "redacted copy"
    findings: list[Finding] = field(default_factory=list)
    no_text: bool = False
    why_no_text: str = "no text could be read (a scan or image not OCR'd)"

    @property
    def blocking(self) -> bool:
        return bool(self.findings) or self.no_text

    def describe(self) -> str:
        """One line: 'attachment 12 (reply.pdf): 2 findings: address (page 2); name (page 2)'."""
        head = f"attachment {self.attachment.id} ({self.attachment.filename}, {self.source})"
        if self.no_text:
            return f"{head}: {self.why_no_text}: not reviewed"
        return f"{head}: " + (summary(self.findings) if self.findings else "no personal data found")

    def as_json(self) -> dict[str, Any]:
        return {
            "attachment": self.attachment.id,
            "filename": self.attachment.filename,
            "source": self.source,
            "sha256": self.sha256,
            "no_text": self.no_text,
            "findings": [f.as_json() for f in self.findings],
        }


def watchlist(
    session: Session,
    *,
    people: Sequence[Person] = (),
    terms: Sequence[str] = (),
    campaign_id: int | None = None,
) -> Watchlist:
    """Every requester and volunteer in the database, plus those given; the terms given and
    those the campaign lists."""
    if campaign_id is not None:
        terms = [*terms, *campaign_terms(session, campaign_id)]
    found = list(people)
    found += [
        Person("requester", r.name, r.email, r.address) for r in session.scalars(select(Requester))
    ]
    found += [Person("volunteer", v.name, v.email) for v in session.scalars(select(Volunteer))]
    return Watchlist(people=found, terms=list(terms))


def campaign_terms(session: Session, campaign_id: int) -> list[str]:
    """The terms a campaign keeps out of print, in the order added."""
    return list(
        session.scalars(
            select(RedactionTerm.term)
            .where(RedactionTerm.campaign_id == campaign_id)
            .order_by(RedactionTerm.id)
        )
    )


def add_term(
    session: Session, campaign_id: int, term: str, *, by: str | None, now: datetime
) -> bool:
    """Add a term to the campaign's list; False if it was there already."""
    text = " ".join(term.split())
    if not text or len(text) > 300 or any(ord(c) < 32 for c in term if c not in "\t\n"):
        raise UsageError("a term is one line of 1 to 300 characters")
    if text.casefold() in {t.casefold() for t in campaign_terms(session, campaign_id)}:
        return False
    session.add(RedactionTerm(campaign_id=campaign_id, term=text, added_by=by, added_at=now))
    session.flush()
    return True


def remove_term(session: Session, campaign_id: int, term: str) -> None:
    """Take a term off the campaign's list; NotFoundError naming the terms it has."""
    text = " ".join(term.split()).casefold()
    for row in session.scalars(
        select(RedactionTerm).where(RedactionTerm.campaign_id == campaign_id)
    ):
        if row.term.casefold() == text:
            session.delete(row)
            session.flush()
            return
    known = "; ".join(campaign_terms(session, campaign_id)) or "none"
    raise NotFoundError(f"the campaign has no term {term!r} (its terms: {known})")


def latest_redaction(session: Session, att: Attachment) -> Redaction | None:
    """The newest redacted copy of an attachment, or None."""
    return session.scalars(
        select(Redaction)
        .where(Redaction.attachment_id == att.id)
        .order_by(Redaction.id.desc())
        .limit(1)
    ).first()


def original_page_texts(session: Session, att: Attachment) -> list[tuple[int, str]] | None:
    """(page, text) of an original file, or None when it has no text that could be read."""
    pages = _from_reading_store(session, att.sha256)
    if pages is None:
        pages = _read_directly(blobs.read_blob(session, att.sha256), att)
    if pages is None or not any(text.strip() for _, text in pages):
        return None
    return pages


def _from_reading_store(session: Session, sha: str) -> list[tuple[int, str]] | None:
    """The reading store's page texts, when that store exists and holds this file."""
    from foi.reading.store import page_texts

    got = page_texts(session, sha)
    if not got:
        return None
    return [(p.page, p.text) for p in got]


def _read_directly(data: bytes, att: Attachment) -> list[tuple[int, str]] | None:
    """Page texts read here: a PDF's text layer, a DOCX's or XLSX's text; None for images."""
    import tempfile
    from pathlib import Path

    from foi.redaction import render

    try:
        kind = render.file_type(att.filename, att.content_type, data)
    except render.RedactionError:
        return None
    try:  # a file that cannot be read has no text: it counts as unreviewed
        if kind == "pdf":
            with tempfile.TemporaryDirectory(prefix="foi-scan-") as tmp:
                pages = render.extract_text(data, Path(tmp) / "in.pdf")
            return list(enumerate(pages, start=1))
        if kind == "docx":
            return [(1, "\n".join(render.docx_paragraphs(data)))]
        if kind == "xlsx":
            return [(1, "\n".join(render.xlsx_rows(data)))]
    except render.RedactionError:
        return None
    if kind == "text":
        return [(1, data.decode("utf-8", "replace"))]
    return None


def scan(session: Session, att: Attachment, watch: Watchlist) -> Scan:
    """The personal data in what would be published of this attachment."""
    red = latest_redaction(session, att)
    if red is not None:
        pages = list(enumerate(red.pages, start=1))
        result = Scan(att, red.sha256, "redacted copy")
    else:
        found = original_page_texts(session, att)
        result = Scan(att, att.sha256, "original")
        if found is None:
            result.no_text = True
            result.why_no_text = _why_no_text(session, att.sha256)
            return result
        pages = found
    result.findings = find_personal_data(pages, watch)
    return result


def _why_no_text(session: Session, sha: str) -> str:
    """Why a file has no text to scan, from the reading store's state of it."""
    from foi.reading.store import extraction_state, failure_reason

    state = extraction_state(session, sha)
    if state == "failed":
        return f"no text could be read ({failure_reason(session, sha) or 'extraction failed'})"
    if state == "done":
        return "no text could be read (OCR found none)"
    return "no text could be read yet (a scan or image: run 'foi extract' to OCR it)"


def request_attachments(session: Session, req: Request, ids: Sequence[int]) -> list[Attachment]:
    """The request's attachments with these ids; NotFoundError naming the ones it has."""
    found = {
        a.id: a for a in session.scalars(select(Attachment).where(Attachment.request_id == req.id))
    }
    missing = [i for i in ids if i not in found]
    if missing:
        known = ", ".join(str(i) for i in sorted(found)) or "none"
        raise NotFoundError(
            f"{req.reference} has no attachment {missing[0]} (its attachments: {known})"
        )
    return [found[i] for i in ids]


def mark_publishable(
    session: Session,
    req: Request,
    ids: Sequence[int],
    *,
    watch: Watchlist,
    reviewed: bool,
    by: str | None,
    now: datetime,
) -> list[Scan]:
    """Scan the attachments and mark them publishable; ConflictError while findings stand.

    With `reviewed`, files with findings (or no text) are marked too, and the review is
    recorded (who, when, what was found in which bytes). The scans are returned either way
    in `ReviewNeeded.scans` or as the result, so the caller can list every finding.
    """
    if req.regime == "sar":
        raise UsageError(f"{req.reference} is a subject access request: it is never published")
    atts = request_attachments(session, req, ids)
    scans = [scan(session, a, watch) for a in atts]
    blocked = [s for s in scans if s.blocking]
    if blocked and not reviewed:
        raise ReviewNeeded(req.reference, scans)
    for s in blocked:
        session.add(
            AttachmentReview(
                attachment_id=s.attachment.id,
                sha256=s.sha256,
                findings=[f.as_json() for f in s.findings] or [{"kind": "no-text"}],
                reviewed_by=by,
                reviewed_at=now,
            )
        )
    for a in atts:
        a.publishable = True
    session.flush()
    return scans


class ReviewNeeded(ConflictError):
    """Personal data found (or no text) in files about to be marked publishable."""

    def __init__(self, reference: str, scans: list[Scan], fix: str | None = None) -> None:
        self.scans = scans
        blocked = [s for s in scans if s.blocking]
        ids = " ".join(str(s.attachment.id) for s in blocked)
        fix = fix or (
            f"Redact them ('foi redact {reference} ID'), or read them and mark them with "
            f"'foi request publishable {reference} {ids} --reviewed'"
        )
        super().__init__(
            f"{reference}: not marked publishable: {len(blocked)} file"
            f"{'s' if len(blocked) != 1 else ''} may hold personal data ("
            + "; ".join(s.describe() for s in blocked)
            + f"). {fix}"
        )


def reviews(session: Session, att: Attachment) -> list[AttachmentReview]:
    """The reviews recorded for an attachment, oldest first."""
    return list(
        session.scalars(
            select(AttachmentReview)
            .where(AttachmentReview.attachment_id == att.id)
            .order_by(AttachmentReview.id)
        )
    )


def store_redaction(
    session: Session,
    att: Attachment,
    data: bytes,
    pages: list[str],
    areas: list[dict[str, object]],
    *,
    by: str | None,
    now: datetime,
) -> Redaction:
    """Keep a redacted copy beside its original (which is not touched) and record it."""
    sha = blobs.put_bytes(session, data)
    red = Redaction(
        attachment_id=att.id,
        sha256=sha,
        size=len(data),
        areas=areas,
        pages=pages,
        created_by=by,
        created_at=now,
    )
    session.add(red)
    session.flush()
    return red
