"""Importing replies: keep each raw message, match it to its request, record what it means.

Matching is foi.mail.matching (the request's own reply address first); what matches
nothing goes to the holding pen. A reply's sender and a bounce's failed address are learned
by the directory (foi.directory.learning).

Auto-replies are acknowledgements (no clock stops); bounces record delivery failures and
mark the address failing; a real reply records 'response-received' until a volunteer
classifies it with `foi respond`. Never prints, never commits, never reads the clock.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.orm import Session

from foi.casework.requests import LogEntry, log_event
from foi.directory.learning import learn_sender, mark_failing
from foi.errors import ConflictError, NotFoundError, UsageError
from foi.evidence import blobs
from foi.law.holidays import HolidaySet
from foi.law.timeline import EventKind
from foi.mail.large import SpilledPart, Split, split
from foi.mail.matching import BRACKETED_TOKEN_RE, Matcher, norm_ref  # noqa: F401 (their home)
from foi.mail.parse import MailParseError, ParsedAttachment, ParsedMail, parse_message
from foi.mail.sources import RawMessage
from foi.reading import intake as reading_intake
from foi.store.models import (
    Attachment,
    InboxMessage,
    Request,
    Requester,
    Volunteer,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

LONDON = ZoneInfo("Europe/London")
CATEGORIES = (
    "matched",
    "held",
    "duplicates",
    "acknowledgements",
    "auto_replies",
    "bounces",
    "errors",
)


@dataclass
class Summary:
    """Counts for an import; the seven categories add up to the messages read."""

    total: int = 0
    matched: int = 0
    held: int = 0
    duplicates: int = 0
    acknowledgements: int = 0  # automatic replies recorded as the body's acknowledgement
    auto_replies: int = 0  # other automatic replies (out of office, unmatched, …)
    bounces: int = 0
    errors: int = 0
    details: list[dict[str, Any]] = field(default_factory=list)

    def add(self, category: str, detail: dict[str, Any]) -> None:
        """Count one message in one category."""
        self.total += 1
        setattr(self, category, getattr(self, category) + 1)
        self.details.append({"category": category, **detail})

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape."""
        return {
            "total": self.total,
            **{c: getattr(self, c) for c in CATEGORIES},
            "messages": self.details,
        }


@dataclass(frozen=True)
class SavedMessage:
    """An inbox row an import has just written (as a Core insert, not an ORM object)."""

    id: int
    request_id: int | None = None


def clean(text: str | None, limit: int | None = None) -> str | None:
    """A header value fit to store anywhere: no NUL (PostgreSQL refuses it), bounded length."""
    if text is None:
        return None
    text = text.replace("\x00", "")
    return text[:limit] if limit is not None else text


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean_json(v) for k, v in value.items()}
    return value


def dedupe_key(message_id: str | None, sha: str) -> str:
    """Message-ID when it has one (hashed when too long to index), else the content hash."""
    if not message_id:
        return f"sha:{sha}"
    if len(message_id) > 360 or "\x00" in message_id:
        import hashlib

        return f"midsha:{hashlib.sha256(message_id.encode('utf-8', 'replace')).hexdigest()}"
    return f"mid:{message_id}"


def received_on(parsed: ParsedMail | None, today: date) -> date:
    """The day a message arrived, in UK time (never in the future)."""
    if parsed is None or parsed.date is None:
        return today
    return min(parsed.date.astimezone(LONDON).date(), today)


def _plan_attachments(
    parsed: ParsedMail, large: Split | None = None, max_bytes: int | None = None
) -> tuple[list[tuple[ParsedAttachment, SpilledPart | None]], list[dict[str, Any]]]:
    """The attachments to store (each with its spilled part, if any) and the ones left out.

    Decided before the message's row is written, so that row is written once, whole.
    For a large message, an attachment the parser saw as a marker is streamed from its
    temporary file instead (see foi.mail.large).
    """
    keep: list[tuple[ParsedAttachment, SpilledPart | None]] = []
    skipped: list[dict[str, Any]] = []
    for att in parsed.attachments:
        size, sha = len(att.data), att.sha256
        part = large.part_for(att.data) if large is not None else None
        if part is not None:
            size, sha = part.size, part.sha256
        reason = att.truncated_reason
        if part is not None and max_bytes is not None and size > max_bytes:
            reason = f"{size} bytes is over the {max_bytes}-byte attachment limit"
        elif part is None and large is not None and large.holds_markers(att.data):
            reason = "a forwarded message too large to keep apart (it is in the raw message)"
            size, sha = 0, None
        if reason:
            # Recorded without its bytes: the name, size and hash say what was left out.
            skipped.append(
                {
                    "filename": att.filename,
                    "size": att.size if att.truncated_reason else size,
                    "sha256": sha,
                    "reason": reason,
                }
            )
            continue
        keep.append((att, part))
    return keep, skipped


_INSERT_ATTACHMENT = insert(Attachment.__table__)


def _store_attachments(
    session: Session,
    keep: list[tuple[ParsedAttachment, SpilledPart | None]],
    msg: SavedMessage,
    now: datetime,
) -> None:
    """Store the planned attachments in the message's transaction (its row has an id).

    Their rows are written as Core inserts, as the message's own row: no ORM object needs
    them in the import's transaction."""
    rows = []
    for att, part in keep:
        data, size = att.data, len(att.data)
        if part is not None:
            sha, size = blobs.put_stream(session, part.file, name=att.filename)
        else:
            sha = blobs.put_bytes(session, data)
        rows.append(
            {
                "sha256": sha,
                "size": size,
                "filename": clean(att.filename, 300) or "attachment",
                "original_filename": clean(att.original_filename),
                "content_type": clean(att.content_type, 200),
                "inbox_id": msg.id,
                "request_id": msg.request_id,
                "created_at": now,
            }
        )
        # Queued for reading (small text, CSV and HTML are read now): issue 19.
        reading_intake.attachment_stored(
            session, sha, att.filename, att.content_type, size, data if part is None else None, now
        )
    if rows:
        session.connection().execute(_INSERT_ATTACHMENT, rows)


def _log(
    session: Session,
    req: Request,
    entry: LogEntry,
    *,
    today: date,
    now: datetime,
    holidays: HolidaySet,
    lean: bool = False,
) -> str:
    """Log an event; if the request's state does not allow it, keep a note instead."""
    try:
        log_event(session, req, entry, today=today, now=now, holidays=holidays, lean=lean)
        return entry.kind
    except ConflictError as exc:
        note = LogEntry(
            kind="note",
            on=entry.on,
            inbox_id=entry.inbox_id,
            note=f"{entry.kind} from mail not recorded as such: {exc.message}",
            data=entry.data,  # the body's reference it quoted still counts
        )
        log_event(session, req, note, today=today, now=now, holidays=holidays, lean=lean)
        return "note"


RECEIPT_EVIDENCE = (
    "acknowledged",
    "response-received",
    "response",
    "clarification-requested",
    "fee-notice",
    "extension",
)


def _request_itself_bounced(req: Request, parsed: ParsedMail, on: date) -> bool:
    """Whether a bounce is about the request letter itself (so the body never received it)."""
    if any(e.kind in RECEIPT_EVIDENCE and e.on <= on for e in req.events):
        return False
    failed = {r.lower() for r in parsed.bounced_recipients}
    sent = [
        lt
        for lt in req.letters
        if lt.state in ("sent", "sending") and (lt.to_addr or "").lower() in failed
    ]
    if not sent:
        return True  # nothing better to go on: assume the request itself
    latest = max(sent, key=lambda lt: (lt.sent_at or lt.attempted_at or lt.created_at, lt.id))
    return latest.purpose in ("request", "sar")


_DIAGNOSTIC = re.compile(r"^\s*Diagnostic-Code:\s*(?:smtp;\s*)?(.+)$", re.I | re.M)


def bounce_reason(parsed: ParsedMail) -> str:
    """Why a message bounced, in the server's words when the report gives them: the
    delivery report's Diagnostic-Code ("550 5.1.1 User unknown"), not its boilerplate."""
    if parsed.diagnostics:
        return "; ".join(dict.fromkeys(parsed.diagnostics))[:300]
    found = _DIAGNOSTIC.search(parsed.text or "")
    if found:
        return found.group(1).strip()[:300]
    for line in (parsed.text or "").splitlines():
        if line.strip():
            return line.strip()[:300]
    return (parsed.auto_reason or "bounced")[:300]


def apply_to_request(
    session: Session,
    msg: InboxMessage | SavedMessage,
    parsed: ParsedMail,
    req: Request,
    *,
    today: date,
    now: datetime,
    holidays: HolidaySet,
    matcher: Matcher | None = None,
    as_kind: str | None = None,
    fresh: bool = False,
) -> str:
    """Record what a matched message means on its request; returns the event recorded.

    `as_kind` (one of AS_KINDS) is a volunteer's classification, which wins over the parser's.
    `fresh`: the message was made in this transaction (an import), so nothing was learned
    from it before.
    """
    on = received_on(parsed, today)
    if req.sent_on is not None and on < req.sent_on:
        on = req.sent_on  # a clock skewed Date header cannot put a reply before the request
    ref = clean(parsed.authority_refs[0], 120) if parsed.authority_refs else None
    if ref and not req.authority_ref:
        req.authority_ref = ref
        if matcher is not None:
            matcher.remember_ref(ref, req)
    data = _clean_json({"subject": parsed.subject, "from": parsed.from_addr, "inbox_id": msg.id})
    if ref:
        data["authority_ref"] = ref
    if as_kind is not None:
        kind, note = EventKind(AS_KINDS[as_kind]), f"classified by hand as {as_kind}"
        if as_kind == "bounce":
            # The volunteer says our mail did not arrive: the address it went to is failing
            # (the recipients the bounce names, or else where the request's last email
            # before the bounce went: not a corrected address used since).
            sent_to = [
                letter.to_addr
                for letter in req.letters
                if letter.route == "email"
                and letter.state == "sent"
                and letter.to_addr
                and (letter.sent_at is None or letter.sent_at.date() <= on)
            ]
            failed = parsed.bounced_recipients or sent_to[-1:]
            why = (bounce_reason(parsed) if parsed.kind == "bounce" else None) or (
                parsed.auto_reason or "bounced (classified by hand)"
            )
            mark_failing(
                session, req.body, failed, on, now, why, inbox_id=msg.id, request_id=req.id
            )
    elif parsed.kind == "bounce":
        mark_failing(
            session,
            req.body,
            parsed.bounced_recipients,
            on,
            now,
            bounce_reason(parsed),
            inbox_id=msg.id,
            request_id=req.id,
        )
        kind = EventKind.DELIVERY_FAILED
        data["reason"] = bounce_reason(parsed)
        note = "delivery failed: " + ", ".join(parsed.bounced_recipients or ["(recipient unknown)"])
        if not _request_itself_bounced(req, parsed, on):
            # A chaser or later letter bounced, or the body has already shown it has the
            # request: the statutory clock keeps running; only the address is marked failing.
            kind, note = EventKind.NOTE, note.replace("delivery failed", "a later letter bounced")
    elif parsed.kind == "auto-reply" and req.status == "needs-classification":
        # A real reply is waiting to be classified: an automatic one must not hide it.
        kind, note = EventKind.NOTE, f"automatic reply: {parsed.auto_reason or ''}".strip()
    elif parsed.kind == "auto-reply":
        kind, note = EventKind.ACKNOWLEDGED, f"automatic reply: {parsed.auto_reason or ''}".strip()
    else:
        kind, note = EventKind.RESPONSE_RECEIVED, "reply received: classify it with foi respond"
    if (
        parsed.kind == "reply"
        and as_kind not in ("bounce",)
        and parsed.from_addr
        and "@" in parsed.from_addr
        and (matcher is None or not matcher.is_ours(parsed))
        and not (
            matcher.a_person_of_ours(parsed.from_addr)
            if matcher is not None
            else _a_person_of_ours(session, parsed.from_addr)
        )
    ):
        # The directory learns where the body writes from (issue 22); follow-ups on this
        # request go there (foi.letters.records.follow_up_route).
        learn_sender(
            session,
            req.body,
            parsed.from_addr,
            on,
            now,
            inbox_id=msg.id,
            request_id=req.id,
            fresh=fresh,
        )
        if matcher is not None:
            matcher.remember_address(parsed.from_addr, req.body_id)
    return _log(
        session,
        req,
        LogEntry(kind=kind.value, on=on, note=note, data=data, inbox_id=msg.id),
        today=today,
        now=now,
        holidays=holidays,
        lean=fresh,  # an import: its flushes wait for the batch's commit
    )


def _a_person_of_ours(session: Session, address: str) -> bool:
    """A volunteer or requester forwarding a reply is not the body writing from an address."""
    wanted = address.strip().lower()
    for table in (Volunteer, Requester):
        if session.scalar(select(table.id).where(func.lower(table.email) == wanted).limit(1)):
            return True
    return False


def import_one(
    session: Session,
    raw: RawMessage,
    *,
    today: date,
    now: datetime,
    holidays: HolidaySet,
    matcher: Matcher,
    max_attachment_bytes: int,
) -> tuple[str, dict[str, Any]]:
    """Store and match one message; returns its category and a summary line.

    The raw bytes are stored in the same transaction as the message's row, and only when a
    row is made: a duplicate stores nothing.
    """
    large = split(raw.spool) if raw.spool is not None else None
    try:
        # Rows are flushed where an id is needed; flushing before every lookup (autoflush)
        # cost more than the lookups.
        with session.no_autoflush:
            return _import(session, raw, large, today, now, holidays, matcher, max_attachment_bytes)
    finally:
        if large is not None:
            large.close()


# Built once: an import asks them of every message. Core, on the session's connection: the
# inbox row and its attachments' rows are never ORM objects during an import (no unit of work
# to flush for them; the id comes back from the INSERT itself).
_INBOX = InboxMessage.__table__
_EARLIER = (
    select(_INBOX.c.id, _INBOX.c.sha256)
    .where((_INBOX.c.sha256 == bindparam("sha")) | (_INBOX.c.dedupe_key == bindparam("key")))
    .order_by(_INBOX.c.id.desc())
)
_INSERT_INBOX = insert(_INBOX).returning(_INBOX.c.id)


def _save(session: Session, row: dict[str, Any]) -> SavedMessage:
    """Write one inbox row, whole; its id."""
    new_id = session.connection().execute(_INSERT_INBOX, row).scalar_one()
    return SavedMessage(new_id, row.get("request_id"))


def _import(
    session: Session,
    raw: RawMessage,
    large: Split | None,
    today: date,
    now: datetime,
    holidays: HolidaySet,
    matcher: Matcher,
    max_attachment_bytes: int,
) -> tuple[str, dict[str, Any]]:
    """import_one's work; `large` is the split of a message kept on disk."""
    sha = large.sha256 if large is not None else blobs.sha256_bytes(raw.raw)
    try:
        parsed: ParsedMail | None = parse_message(
            large.skeleton if large is not None else raw.raw,
            max_attachment_bytes=max_attachment_bytes,
        )
        error = None
    except MailParseError as exc:
        parsed, error = None, str(exc)
    mid = parsed.message_id if parsed else None
    key = dedupe_key(mid, sha)
    if mid is not None and (len(mid) > 400 or "\x00" in mid):
        mid = None  # kept in the raw message; too long or odd to index
    detail: dict[str, Any] = {
        "source": raw.source,
        "message_id": mid,
        "subject": parsed.subject if parsed else None,
    }
    conn = session.connection()
    earlier = {
        row.sha256 == sha: row.id for row in conn.execute(_EARLIER, {"sha": sha, "key": key})
    }
    if True in earlier:  # the same bytes: a true duplicate
        return "duplicates", {**detail, "inbox_id": earlier[True]}
    flags: list[str] = []
    if False in earlier:
        # Another message already used this Message-ID with different content (a resend
        # with a corrected attachment, or a sender that reuses IDs): keep it, and say so.
        same_id = earlier[False]
        key = f"sha:{sha}"
        flags.append(
            f"same Message-ID as inbox message {same_id} but different content: "
            f"compare them with 'foi inbox show {same_id}'"
        )
        detail["same_message_id_as"] = same_id
    if raw.spool is not None:
        raw.spool.seek(0)
        blobs.put_stream(session, raw.spool, name=raw.source)
    else:
        blobs.put_bytes(session, raw.raw, sha=sha)
    row: dict[str, Any] = {
        "dedupe_key": key,
        "sha256": sha,
        "message_id": mid,
        "source": clean(raw.source),
        "subject": clean(parsed.subject) if parsed else None,
        "from_addr": clean(parsed.from_addr, 320) if parsed else None,
        "sent_at": parsed.date if parsed else None,
        "kind": parsed.kind if parsed else "unparseable",
        "state": "held",
        "matched_by": None,
        "request_id": None,
        "error": clean(error),
        "summary": {"flags": flags} if flags else None,
        "imported_at": now,
    }
    if parsed is None:
        msg = _save(session, row)
        return "errors", {**detail, "inbox_id": msg.id, "error": error}
    # The row is written once, whole (one INSERT, no UPDATE after it): everything it holds
    # is decided before it is written.
    own = matcher.own_letter(parsed)
    if own is not None or matcher.is_ours(parsed):
        # A copy of mail the campaign sent (a BCC archive or Sent folder) is not a reply.
        row.update(
            kind="own",
            state="discarded",
            request_id=own.request_id if own is not None else None,
            matched_by="own-letter" if own is not None else "own-address",
        )
        msg = _save(session, row)
        return "duplicates", {
            **detail,
            "inbox_id": msg.id,
            "own": True,
            "reference": own.request.reference if own is not None else None,
        }
    req, how = matcher.match(parsed)
    if req is not None:
        row.update(state="matched", matched_by=how, request_id=req.id)
    keep, skipped = _plan_attachments(parsed, large, max_attachment_bytes)
    row["summary"] = _clean_json(
        {
            **({"flags": flags} if flags else {}),
            "to": parsed.to,
            "cc": parsed.cc,
            "auto_reason": parsed.auto_reason,
            "bounced_recipients": parsed.bounced_recipients,
            "authority_refs": parsed.authority_refs,
            "reference_tokens": parsed.reference_tokens,
            "defects": parsed.defects,
            "skipped_attachments": skipped,
            "text": parsed.text[:20000],
        }
    )
    msg = _save(session, row)
    _store_attachments(session, keep, msg, now)
    detail.update(
        inbox_id=msg.id, reference=req.reference if req else None, matched_by=how, kind=parsed.kind
    )
    if req is not None:
        detail["event"] = apply_to_request(
            session,
            msg,
            parsed,
            req,
            today=today,
            now=now,
            holidays=holidays,
            matcher=matcher,
            fresh=True,  # made just above: no contact event names it yet
        )
    if parsed.kind == "bounce":
        return "bounces", detail
    if parsed.kind == "auto-reply":
        if detail.get("event") == "acknowledged":
            return "acknowledgements", detail
        return "auto_replies", detail
    return ("matched" if req is not None else "held"), detail


def held(session: Session, include_all: bool = False) -> list[InboxMessage]:
    """Messages in the holding pen (or every message)."""
    stmt = select(InboxMessage).order_by(InboxMessage.id)
    if not include_all:
        stmt = stmt.where(InboxMessage.state == "held")
    return list(session.scalars(stmt))


def get_message(session: Session, message_id: int) -> InboxMessage:
    """One imported message by its inbox id."""
    msg = session.get(InboxMessage, message_id)
    if msg is None:
        raise NotFoundError(f"no inbox message {message_id}: see 'foi inbox list'")
    return msg


# What a volunteer may say a message is: --as NAME -> the event it records.
AS_KINDS = {
    "acknowledgement": EventKind.ACKNOWLEDGED.value,
    "response": EventKind.RESPONSE_RECEIVED.value,
    "clarification-request": EventKind.CLARIFICATION_REQUESTED.value,
    "fee-notice": EventKind.FEE_NOTICE.value,
    "bounce": EventKind.DELIVERY_FAILED.value,
    "note": EventKind.NOTE.value,
}


def assign(
    session: Session,
    msg: InboxMessage,
    req: Request,
    *,
    today: date,
    now: datetime,
    holidays: HolidaySet,
    as_kind: str | None = None,
) -> str:
    """Match a message to a request by hand and record what it means.

    A message already matched may be re-classified (or moved) only with `as_kind`: the event
    it recorded is retracted, and the new one logged.
    """
    if as_kind is not None and as_kind not in AS_KINDS:
        raise UsageError(f"unknown --as {as_kind!r}: choose from {', '.join(AS_KINDS)}")
    if msg.state == "matched" and as_kind is None:
        raise ConflictError(
            f"message {msg.id} is already matched to request "
            f"{session.get(Request, msg.request_id).reference}: add --as KIND to "  # type: ignore[union-attr]
            "re-classify it"
        )
    if msg.state == "matched":
        from foi.casework.corrections import retract_event
        from foi.casework.requests import active_events

        before = session.get(Request, msg.request_id)
        assert before is not None
        for ev in [e for e in active_events(before) if e.inbox_id == msg.id]:
            retract_event(
                before,
                ev.id,
                f"message {msg.id} re-classified as {as_kind}",
                today=today,
                now=now,
                holidays=holidays,
            )
    # Read through the splitter, so a large message is never whole in memory (a small
    # one comes back byte for byte as its own skeleton).
    with blobs.open_blob(session, msg.sha256) as fh:
        stored = split(fh)
    stored.close()
    try:
        parsed = parse_message(stored.skeleton)
    except MailParseError as exc:
        raise UsageError(
            f"message {msg.id} cannot be parsed ({exc}): log the event by hand "
            "with 'foi request log'"
        ) from None
    msg.state, msg.matched_by, msg.request_id = "matched", "manual", req.id
    for att in session.scalars(select(Attachment).where(Attachment.inbox_id == msg.id)):
        att.request_id = req.id
    return apply_to_request(
        session, msg, parsed, req, today=today, now=now, holidays=holidays, as_kind=as_kind
    )


def discard(msg: InboxMessage) -> None:
    """Mark a held message discarded (it is kept)."""
    if msg.state == "matched":
        raise ConflictError(f"message {msg.id} is matched to a request; it cannot be discarded")
    msg.state = "discarded"


def attachments_of(session: Session, msg: InboxMessage) -> Iterable[Attachment]:
    """The stored attachments of a message."""
    return session.scalars(
        select(Attachment).where(Attachment.inbox_id == msg.id).order_by(Attachment.id)
    )


BATCH = 100  # messages per transaction: a killed import loses at most one uncommitted batch


def chunks(messages: Iterable[RawMessage], size: int = BATCH) -> Iterator[Iterator[RawMessage]]:
    """Messages in runs of `size`, each read lazily as it is imported (a large mailbox is
    never held whole; a source error surfaces when reached). Consume each run in turn."""
    it = iter(messages)
    while (first := next(it, None)) is not None:
        yield itertools.chain([first], itertools.islice(it, size - 1))


_IMPORT_LOCK = 0x464F_4931  # "FOI1": PostgreSQL's advisory lock for importing mail


def one_import_at_a_time(session: Session) -> None:
    """Hold the database's import lock until this transaction ends (PostgreSQL).

    Two volunteers importing the same mail at once would each find it new and insert it
    (a unique-key violation), or lock rows in different orders (a deadlock). Under one
    lock per batch, the second sees the first's committed rows and counts duplicates as
    duplicates. SQLite needs none: its writers queue already (BEGIN IMMEDIATE).
    """
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import text

        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _IMPORT_LOCK})


def import_batches(
    engine: Engine,
    batches: Iterable[Iterable[RawMessage]],
    *,
    today: date,
    now: datetime,
    own_addresses: Iterable[str],
    max_attachment_bytes: int,
    claim: Callable[[Session, Sequence[RawMessage]], Sequence[RawMessage]] | None = None,
    committed: Callable[[Any], None] | None = None,
    reply_pattern: str | None = None,
) -> Summary:
    """Import batch by batch, one transaction each: the one loop every mail source shares.

    `claim(session, batch)` runs first in each batch's transaction and returns the messages
    to import (a mailbox records its progress there, so it commits with the messages);
    `committed(messages)` runs after each commit.
    """
    from foi.casework.user_holidays import holiday_set
    from foi.store.engine import session_scope

    summary = Summary()
    own = list(own_addresses)
    matcher: Matcher | None = None
    for batch in batches:
        with session_scope(engine) as s:
            one_import_at_a_time(s)
            todo = claim(s, list(batch)) if claim is not None else batch
            hs = holiday_set(s)
            if matcher is None:
                matcher = Matcher(s, own_addresses=own, reply_pattern=reply_pattern)
            matcher.begin(s)  # its lookup tables serve the whole import
            for raw in todo:
                category, detail = import_one(
                    s,
                    raw,
                    today=today,
                    now=now,
                    holidays=hs,
                    matcher=matcher,
                    max_attachment_bytes=max_attachment_bytes,
                )
                summary.add(category, detail)
        if committed is not None:
            committed(todo)  # (goes with `claim`: the messages it returned)
    return summary
