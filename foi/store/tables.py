"""The schema: every table as SQLAlchemy Core, the one place a column is declared.

Derived columns (status, resolution, due dates) are caches of pure functions. Times: `Date`
where the law speaks of days, `UTCDateTime` (timezone-aware UTC) for timestamps. Events are
append-only: nothing in foi updates or deletes one.

Read-only commands (`foi status`, `foi request list`, `foi body list`) query these tables
directly; `foi.store.models` maps the ORM classes onto them for the commands that change
rows. Importing this module never configures an ORM mapper, which is what keeps a read-only
command's start-up near the cost of SQLAlchemy itself (issue 12).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored and returned as timezone-aware UTC on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC timestamp is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(naming_convention=NAMING_CONVENTION)

# A public body (or a body outside FOI) the campaign may write to.
bodies = Table(
    "bodies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(80), unique=True),  # bundled directory id
    Column("name", String(300), nullable=False, unique=True),
    Column("kind", String(40), nullable=False, index=True),
    Column("ods_code", String(20), unique=True),
    Column("police_id", String(80), unique=True),
    Column("wdtk_url_name", String(200)),
    Column("region", String(100)),
    # england | scotland | wales | northern-ireland (None: not known)
    Column("nation", String(20), index=True),
    Column("opened_on", Date),
    Column("closed_on", Date),
    Column("successor_id", Integer, ForeignKey("bodies.id")),
    Column("foi_subject", Boolean, nullable=False, default=True),
    Column("regime", String(10), nullable=False, default="foia"),
    Column("home_page", String(500)),
    Column("phone", String(60)),
    Column("postal_address", Text),
    Column("notes", Text),
    Column("source", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # Held back from publication (an embargo): while `held`, until `held_until` if set.
    Column("held", Boolean, nullable=False, default=False, server_default=false()),
    Column("held_until", Date),
)

body_aliases = Table(
    "body_aliases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "body_id", Integer, ForeignKey("bodies.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("alias", String(300), nullable=False, index=True),
    UniqueConstraint("body_id", "alias"),
)

body_tags = Table(
    "body_tags",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "body_id", Integer, ForeignKey("bodies.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("tag", String(120), nullable=False, index=True),
    UniqueConstraint("body_id", "tag"),
)

# One way to reach a body (email, web form, post), with where it came from.
contacts = Table(
    "contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "body_id", Integer, ForeignKey("bodies.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("purpose", String(10), nullable=False, default="foi"),  # foi | sar
    Column("channel", String(10), nullable=False, default="email"),  # email | web-form | post
    Column("address", Text, nullable=False),
    Column("source", Text),
    Column("confirmed_on", Date),
    Column("confidence", String(20), nullable=False, default="unconfirmed"),
    Column("note", Text),
    Column("quote", Text),  # the source's own words giving the address
    Column("seen_on", Date),  # the latest date the source shows the address in use
    Column("failing_since", Date),  # set when mail to it bounced
    Column("failure", Text),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("body_id", "purpose", "channel", "address"),
)

# What mail taught us about a contact: seen (a body wrote from it), failing (a bounce),
# confirmed. Append-only; `foi body show` prints each address's history (issue 22).
contact_events = Table(
    "contact_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "contact_id",
        Integer,
        ForeignKey("contacts.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("on", Date, nullable=False),
    Column("kind", String(20), nullable=False),  # seen | failing | confirmed | learned
    Column("inbox_id", Integer, ForeignKey("inbox.id")),
    Column("request_id", Integer, ForeignKey("requests.id", ondelete="SET NULL")),
    Column("note", Text),
    Column("recorded_at", UTCDateTime, nullable=False),
)

# A sourced claim about a body's adoption of SIM or an equivalent service.
evidence = Table(
    "evidence",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "body_id", Integer, ForeignKey("bodies.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("status", String(20), nullable=False),
    Column("on", Date),  # when the claim applies, for ordering
    Column("period", String(200)),  # the source's own date text
    Column("source", Text, nullable=False),
    Column("note", Text),
    Column("quote", Text),
    Column("page", String(40)),
    Column("local_name", String(300)),
    Column("confidence", String(60)),
    Column("event_id", Integer, ForeignKey("events.id")),
    Column("recorded_at", UTCDateTime, nullable=False),
)

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("description", Text),
    Column("default_assignee_id", Integer, ForeignKey("volunteers.id")),
    Column("created_at", UTCDateTime, nullable=False),
    # What the published findings say: a title, a summary (Markdown) and the questions asked
    # by each letter ({template: [{"number": n, "text": ...}]}), kept as they were asked.
    Column("title", String(300)),
    Column("summary", Text),
    Column("questions", JSON),
)

# Someone who logs replies and receives reminders.
volunteers = Table(
    "volunteers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("email", String(320)),
    Column("created_at", UTCDateTime, nullable=False),
)

# The person in whose name letters are signed (personal data: handle with care).
requesters = Table(
    "requesters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("email", String(320)),
    Column("address", Text),
    Column("created_at", UTCDateTime, nullable=False),
)

# One request to one body; its life is the event log.
requests = Table(
    "requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(40), nullable=False, unique=True),
    Column("title", String(300), nullable=False),
    Column("body_id", Integer, ForeignKey("bodies.id"), nullable=False, index=True),
    Column("regime", String(10), nullable=False),
    Column("requester_id", Integer, ForeignKey("requesters.id")),
    Column("campaign_id", Integer, ForeignKey("campaigns.id"), index=True),
    Column("assignee_id", Integer, ForeignKey("volunteers.id"), index=True),
    Column("template", String(120)),
    Column("template_vars", JSON),
    Column("authority_ref", String(120), index=True),
    Column("wdtk_url", String(500)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # Caches of pure derivations from the events (foi.law.timeline, foi.law.deadlines).
    Column("status", String(30), nullable=False, index=True),
    Column("resolution", String(30)),
    Column("sent_on", Date),
    Column("due_on", Date, index=True),  # of the clock running now
    Column("due_clock", String(30)),  # response | internal-review
    Column("very_overdue_on", Date),
    # No reminder about the request fires before this day (None: none ever will); kept by
    # foi.casework.requests.refresh with due_on, moved on by each delivery pass.
    Column("next_reminder_on", Date, index=True),
    # The response clock as findings read it (foi.casework.clock_dates): the date of receipt
    # (day 0), the effective due date (an extension's promise included) whether or not the
    # request is still open, and when it was responded to or withdrawn.
    Column("received_on", Date),
    Column("response_due_on", Date),
    Column("responded_on", Date),
    Column("withdrawn_on", Date),
    # Held back from publication (an embargo): while `held`, until `held_until` if set.
    Column("held", Boolean, nullable=False, default=False, server_default=false()),
    Column("held_until", Date),
)

# One thing that happened to a request. Append-only.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, ForeignKey("requests.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("on", Date, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("outcome", String(30)),
    Column("promised_on", Date),
    Column("note", Text),
    Column("data", JSON),
    Column("letter_id", Integer, ForeignKey("letters.id")),
    Column("inbox_id", Integer, ForeignKey("inbox.id")),
    Column("recorded_by", String(200)),
    Index("ix_events_request_on", "request_id", "on"),
)

# An outgoing letter: the request itself, a chaser, a review request, a complaint.
letters = Table(
    "letters",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "request_id",
        Integer,
        ForeignKey("requests.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("purpose", String(30), nullable=False),
    Column("template", String(120)),
    Column("subject", String(500), nullable=False),
    Column("text", Text, nullable=False),
    Column("route", String(20), nullable=False),  # email | web-form | post | whatdotheyknow
    Column("to_addr", Text),  # email, form URL, or postal address
    # draft -> sending -> sent | failed | uncertain; written (to an outbox folder); unsendable
    Column("state", String(20), nullable=False, index=True),
    Column("unsendable_reason", Text),
    Column("message_id", String(300), unique=True),
    # A summary chaser covers several requests to one body: their references.
    Column("covers", JSON),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("attempted_at", UTCDateTime),
    Column("sent_at", UTCDateTime),
    # A volunteer named the address (`--to-address`): it is not readdressed (issue 21).
    Column("addressed_by_hand", Boolean, nullable=False, default=False, server_default=false()),
)

# A message read from a mailbox, kept byte-for-byte in the blob store.
inbox = Table(
    "inbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dedupe_key", String(400), nullable=False, unique=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("message_id", String(400), index=True),
    Column("source", Text),
    Column("subject", Text),
    Column("from_addr", String(320)),
    Column("sent_at", UTCDateTime),
    Column("kind", String(20), nullable=False),  # reply|auto-reply|bounce|unparseable|own
    Column("state", String(20), nullable=False, index=True),  # matched | held | discarded
    Column("matched_by", String(30)),
    Column("request_id", Integer, ForeignKey("requests.id"), index=True),
    Column("error", Text),
    Column("summary", JSON),
    Column("imported_at", UTCDateTime, nullable=False),
)

# A stored file (content-addressed by SHA-256) and where it came from.
attachments = Table(
    "attachments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("size", Integer, nullable=False),
    Column("filename", String(300), nullable=False),
    Column("original_filename", Text),
    Column("content_type", String(200)),
    Column("request_id", Integer, ForeignKey("requests.id"), index=True),
    Column("event_id", Integer, ForeignKey("events.id")),
    Column("inbox_id", Integer, ForeignKey("inbox.id"), index=True),
    Column("created_at", UTCDateTime, nullable=False),
    # Published on `foi publish` only when a volunteer says so (foi respond --publishable,
    # foi request publishable): a reply's attachment may hold anyone's personal data.
    Column("publishable", Boolean, nullable=False, default=False, server_default=false()),
)

# Evidence bytes (raw mail, attachments) stored once by SHA-256; see foi.evidence.blobs.
blobs = Table(
    "blobs",
    metadata,
    Column("id", Integer, primary_key=True),
    # 64 hex digits; "pending-…" only inside the transaction that is still writing it.
    Column("sha256", String(64), nullable=False, unique=True),
    Column("size", BigInteger, nullable=False),
)

# One piece (up to 1 MiB) of a blob, so that no read or write needs it whole in memory.
blob_chunks = Table(
    "blob_chunks",
    metadata,
    Column("blob_id", Integer, ForeignKey("blobs.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

# A body's answer to one numbered question of the letter.
answers = Table(
    "answers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "request_id",
        Integer,
        ForeignKey("requests.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("event_id", Integer, ForeignKey("events.id"), nullable=False),
    Column("question", Integer, nullable=False),
    Column("text", Text),
    Column("status", String(30)),  # answered|partial|refused|not-held
)

# An exemption a body cited, for the whole response or one question.
exemptions = Table(
    "exemptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "request_id",
        Integer,
        ForeignKey("requests.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("event_id", Integer, ForeignKey("events.id"), nullable=False),
    Column("question", Integer),
    Column("section", String(40), nullable=False, index=True),
)

# A bank holiday added by the user (a new proclamation, or an imported GOV.UK file).
holidays = Table(
    "holidays",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("on", Date, nullable=False),
    Column("region", String(40), nullable=False),
    Column("name", String(200), nullable=False),
    Column("source", String(300), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    UniqueConstraint("on", "region"),
)

user_reminders = Table(
    "user_reminders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "request_id",
        Integer,
        ForeignKey("requests.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("on", Date, nullable=False, index=True),
    Column("at", String(5)),  # HH:MM, Europe/London
    Column("note", Text, nullable=False),
    Column("assignee_id", Integer, ForeignKey("volunteers.id")),
    Column("created_at", UTCDateTime, nullable=False),
)

# The record that a reminder was delivered: at most once per request, kind and period.
reminder_deliveries = Table(
    "reminder_deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, ForeignKey("requests.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("period_key", String(120), nullable=False),
    Column("fires_on", Date, nullable=False),
    Column("recipient", String(320)),
    Column("channel", String(20), nullable=False),
    Column("delivered_at", UTCDateTime, nullable=False),
    UniqueConstraint("request_id", "kind", "period_key"),
)

# Named counters for references; incremented under a row lock.
counters = Table(
    "counters",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", Integer, nullable=False),
)

# Small facts about the database itself (e.g. the holiday set's fingerprint).
meta = Table(
    "meta",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("value", Text, nullable=False),
)

# How far an IMAP folder has been read: the exactly-once record of `foi inbox fetch`.
# Updated in the same transaction as the messages it covers, under a row lock, so a crash
# or a second reader neither loses nor doubles a message. UIDs are unsigned 32-bit.
imap_folders = Table(
    "imap_folders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account", String(400), nullable=False),  # user@host:port, never the password
    Column("folder", String(400), nullable=False),
    Column("uidvalidity", BigInteger),
    Column("last_uid", BigInteger, nullable=False, default=0),
    Column("to_move", JSON),  # imported, not yet moved
    Column("last_read_at", UTCDateTime),
    UniqueConstraint("account", "folder"),
)

# A redacted copy of an attachment (foi redact): the copy's bytes are a blob beside the
# original, which is never changed; `areas` says what was removed (pages, boxes, why) and
# `pages` is the copy's own text, page by page, as published and searched.
redactions = Table(
    "redactions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("attachment_id", Integer, ForeignKey("attachments.id"), nullable=False, index=True),
    Column("sha256", String(64), nullable=False, index=True),
    Column("size", Integer, nullable=False),
    Column("areas", JSON, nullable=False),
    Column("pages", JSON, nullable=False),
    Column("created_by", String(200)),
    Column("created_at", UTCDateTime, nullable=False),
)

# A volunteer's word that they reviewed the personal-data findings in a file before marking
# it publishable (foi request publishable --reviewed): who, when, and what was found in
# which bytes (the original's or a redacted copy's sha256).
attachment_reviews = Table(
    "attachment_reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("attachment_id", Integer, ForeignKey("attachments.id"), nullable=False, index=True),
    Column("sha256", String(64), nullable=False),
    Column("findings", JSON, nullable=False),
    Column("reviewed_by", String(200)),
    Column("reviewed_at", UTCDateTime, nullable=False),
)

# A name or term a campaign keeps out of print (an officer's name, a ward): found in files
# before they are published, and proposed for redaction (foi redact-term, foi redact).
redaction_terms = Table(
    "redaction_terms",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id"), nullable=False, index=True),
    Column("term", String(300), nullable=False),
    Column("added_by", String(200)),
    Column("added_at", UTCDateTime, nullable=False),
    UniqueConstraint("campaign_id", "term"),
)

# Reading attachments (issue 19), keyed by the file's SHA-256 so a file is read once however
# many messages carry it; see foi.reading.
# One file's extraction: its place in the queue (queued -> working -> done | failed).
extractions = Table(
    "extractions",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("state", String(20), nullable=False, index=True),  # queued|working|done|failed
    Column("reason", Text),  # why it failed (or was skipped), one line
    Column("attempts", Integer, nullable=False, default=0),
    Column("claimed_by", String(200)),  # host:pid of the worker holding it
    Column("claimed_at", UTCDateTime),
    Column("heartbeat_at", UTCDateTime),  # a claim older than the lease is taken again
    Column("filename", String(300)),  # a name it was carried under (picks the reader)
    Column("content_type", String(200)),
    Column("size", BigInteger),
    Column("pages", Integer),  # pages stored, once done
    Column("queued_at", UTCDateTime, nullable=False),
    Column("done_at", UTCDateTime),
)

# The text of one page of a file (a sheet of a workbook, a member of an archive in turn).
page_texts = Table(
    "page_texts",
    metadata,
    Column(
        "sha256",
        String(64),
        ForeignKey("extractions.sha256", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("page", Integer, primary_key=True),  # 1-based
    Column("text", Text, nullable=False),
    Column("method", String(20), nullable=False),  # text-layer | ocr | plain
    Column("confidence", Float),  # Tesseract's mean word confidence (0-100), OCR only
    Column("part", Text),  # the member it came from inside an archive or attached message
)

# What `foi search` finds: one row per page of a file, reply, letter or note, its words
# stemmed in Python (foi.reading.words) so SQLite's FTS5 index (search_fts, created by the
# migration) and PostgreSQL's GIN index over to_tsvector('simple', stems) agree exactly.
search_docs = Table(
    "search_docs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(120), nullable=False, unique=True),  # e.g. page:<sha>:3, letter:12
    Column("kind", String(20), nullable=False),  # attachment | reply | letter | note
    Column("ref_id", Integer),  # inbox.id, letters.id or events.id
    Column("sha256", String(64), index=True),  # attachment pages
    Column("page", Integer),
    Column("text", Text, nullable=False),
    Column("stems", Text, nullable=False),
    # PostgreSQL: to_tsvector('simple', …) of the stems and their pairs, GIN-indexed
    # (migration 0008; written by foi.reading.index); NULL on SQLite (FTS5 indexes the stems).
    Column("tsv", Text().with_variant(TSVECTOR(), "postgresql")),
    Index("ix_search_docs_kind_ref", "kind", "ref_id"),
)

# A passage of extracted text that names a campaign term: proposed, never asserted, until a
# volunteer accepts it into the body's evidence (or rejects it).
evidence_suggestions = Table(
    "evidence_suggestions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),  # doc + term: found once
    Column("body_id", Integer, ForeignKey("bodies.id", ondelete="CASCADE"), index=True),
    Column("request_id", Integer, ForeignKey("requests.id", ondelete="CASCADE")),
    Column("attachment_id", Integer, ForeignKey("attachments.id")),
    Column("inbox_id", Integer, ForeignKey("inbox.id")),
    Column("page", Integer),
    Column("term", String(200), nullable=False),
    Column("suggested_status", String(20)),
    Column("quote", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("state", String(20), nullable=False, index=True),  # proposed|accepted|rejected
    Column("evidence_id", Integer, ForeignKey("evidence.id")),
    Column("decided_by", String(200)),
    Column("found_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime),
)
