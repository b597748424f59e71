"""The ORM classes, mapped onto the Core tables of `foi.store.tables` (the schema lives there).

Commands that change rows work through these classes and their relationships; read-only
commands query `foi.store.tables` and never import this module. Each class's annotations
name its table's columns with their Python types (tests/store/test_tables.py holds them
equal); nothing here declares a column.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import DeclarativeBase, Mapped, relationship

from foi.store import tables


class Base(DeclarativeBase):
    metadata = tables.metadata


class Body(Base):
    """A public body (or a body outside FOI) the campaign may write to."""

    __table__ = tables.bodies

    id: Mapped[int]
    key: Mapped[str | None]
    name: Mapped[str]
    kind: Mapped[str]
    ods_code: Mapped[str | None]
    police_id: Mapped[str | None]
    wdtk_url_name: Mapped[str | None]
    region: Mapped[str | None]
    nation: Mapped[str | None]
    opened_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    successor_id: Mapped[int | None]
    foi_subject: Mapped[bool]
    regime: Mapped[str]
    home_page: Mapped[str | None]
    phone: Mapped[str | None]
    postal_address: Mapped[str | None]
    notes: Mapped[str | None]
    source: Mapped[str | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    held: Mapped[bool]
    held_until: Mapped[date | None]

    successor: Mapped[Body | None] = relationship(remote_side=[tables.bodies.c.id])
    aliases: Mapped[list[BodyAlias]] = relationship(
        back_populates="body", cascade="all, delete-orphan", order_by="BodyAlias.alias"
    )
    tags: Mapped[list[BodyTag]] = relationship(
        back_populates="body", cascade="all, delete-orphan", order_by="BodyTag.tag"
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="body", cascade="all, delete-orphan", order_by="Contact.id"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="body", cascade="all, delete-orphan", order_by="Evidence.id"
    )


class BodyAlias(Base):
    __table__ = tables.body_aliases

    id: Mapped[int]
    body_id: Mapped[int]
    alias: Mapped[str]
    body: Mapped[Body] = relationship(back_populates="aliases")


class BodyTag(Base):
    __table__ = tables.body_tags

    id: Mapped[int]
    body_id: Mapped[int]
    tag: Mapped[str]
    body: Mapped[Body] = relationship(back_populates="tags")


class Contact(Base):
    """One way to reach a body (email, web form, post), with where it came from."""

    __table__ = tables.contacts

    id: Mapped[int]
    body_id: Mapped[int]
    purpose: Mapped[str]
    channel: Mapped[str]
    address: Mapped[str]
    source: Mapped[str | None]
    confirmed_on: Mapped[date | None]
    confidence: Mapped[str]
    note: Mapped[str | None]
    quote: Mapped[str | None]
    seen_on: Mapped[date | None]
    failing_since: Mapped[date | None]
    failure: Mapped[str | None]
    created_at: Mapped[datetime]
    body: Mapped[Body] = relationship(back_populates="contacts")


class ContactEvent(Base):
    """What mail taught us about a contact: seen, failing, confirmed (append-only)."""

    __table__ = tables.contact_events

    id: Mapped[int]
    contact_id: Mapped[int]
    on: Mapped[date]
    kind: Mapped[str]
    inbox_id: Mapped[int | None]
    request_id: Mapped[int | None]
    note: Mapped[str | None]
    recorded_at: Mapped[datetime]


class Evidence(Base):
    """A sourced claim about a body's adoption of SIM or an equivalent service."""

    __table__ = tables.evidence

    id: Mapped[int]
    body_id: Mapped[int]
    status: Mapped[str]
    on: Mapped[date | None]
    period: Mapped[str | None]
    source: Mapped[str]
    note: Mapped[str | None]
    quote: Mapped[str | None]
    page: Mapped[str | None]
    local_name: Mapped[str | None]
    confidence: Mapped[str | None]
    event_id: Mapped[int | None]
    recorded_at: Mapped[datetime]
    body: Mapped[Body] = relationship(back_populates="evidence")


class Campaign(Base):
    __table__ = tables.campaigns

    id: Mapped[int]
    name: Mapped[str]
    description: Mapped[str | None]
    default_assignee_id: Mapped[int | None]
    created_at: Mapped[datetime]
    title: Mapped[str | None]
    summary: Mapped[str | None]
    questions: Mapped[dict[str, Any] | None]
    default_assignee: Mapped[Volunteer | None] = relationship()


class Volunteer(Base):
    """Someone who logs replies and receives reminders."""

    __table__ = tables.volunteers

    id: Mapped[int]
    name: Mapped[str]
    email: Mapped[str | None]
    created_at: Mapped[datetime]


class Requester(Base):
    """The person in whose name letters are signed (personal data: handle with care)."""

    __table__ = tables.requesters

    id: Mapped[int]
    name: Mapped[str]
    email: Mapped[str | None]
    address: Mapped[str | None]
    created_at: Mapped[datetime]


class Request(Base):
    """One request to one body; its life is the event log."""

    __table__ = tables.requests

    id: Mapped[int]
    reference: Mapped[str]
    title: Mapped[str]
    body_id: Mapped[int]
    regime: Mapped[str]
    requester_id: Mapped[int | None]
    campaign_id: Mapped[int | None]
    assignee_id: Mapped[int | None]
    template: Mapped[str | None]
    template_vars: Mapped[dict[str, Any] | None]
    authority_ref: Mapped[str | None]
    wdtk_url: Mapped[str | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    status: Mapped[str]
    resolution: Mapped[str | None]
    sent_on: Mapped[date | None]
    due_on: Mapped[date | None]
    due_clock: Mapped[str | None]
    very_overdue_on: Mapped[date | None]
    next_reminder_on: Mapped[date | None]
    received_on: Mapped[date | None]
    response_due_on: Mapped[date | None]
    responded_on: Mapped[date | None]
    withdrawn_on: Mapped[date | None]
    held: Mapped[bool]
    held_until: Mapped[date | None]

    body: Mapped[Body] = relationship()
    requester: Mapped[Requester | None] = relationship()
    campaign: Mapped[Campaign | None] = relationship()
    assignee: Mapped[Volunteer | None] = relationship()
    events: Mapped[list[Event]] = relationship(
        back_populates="request", order_by="Event.id", cascade="all, delete-orphan"
    )
    letters: Mapped[list[Letter]] = relationship(
        back_populates="request", order_by="Letter.id", cascade="all, delete-orphan"
    )


class Event(Base):
    """One thing that happened to a request. Append-only."""

    __table__ = tables.events

    id: Mapped[int]
    request_id: Mapped[int]
    kind: Mapped[str]
    on: Mapped[date]
    recorded_at: Mapped[datetime]
    outcome: Mapped[str | None]
    promised_on: Mapped[date | None]
    note: Mapped[str | None]
    data: Mapped[dict[str, Any] | None]
    letter_id: Mapped[int | None]
    inbox_id: Mapped[int | None]
    recorded_by: Mapped[str | None]

    request: Mapped[Request] = relationship(back_populates="events")


class Letter(Base):
    """An outgoing letter: the request itself, a chaser, a review request, a complaint."""

    __table__ = tables.letters

    id: Mapped[int]
    request_id: Mapped[int]
    purpose: Mapped[str]
    template: Mapped[str | None]
    subject: Mapped[str]
    text: Mapped[str]
    route: Mapped[str]
    to_addr: Mapped[str | None]
    state: Mapped[str]
    unsendable_reason: Mapped[str | None]
    message_id: Mapped[str | None]
    covers: Mapped[list[str] | None]
    attempts: Mapped[int]
    last_error: Mapped[str | None]
    created_at: Mapped[datetime]
    attempted_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    addressed_by_hand: Mapped[bool]
    request: Mapped[Request] = relationship(back_populates="letters")


class InboxMessage(Base):
    """A message read from a mailbox, kept byte-for-byte in the blob store."""

    __table__ = tables.inbox

    id: Mapped[int]
    dedupe_key: Mapped[str]
    sha256: Mapped[str]
    message_id: Mapped[str | None]
    source: Mapped[str | None]
    subject: Mapped[str | None]
    from_addr: Mapped[str | None]
    sent_at: Mapped[datetime | None]
    kind: Mapped[str]
    state: Mapped[str]
    matched_by: Mapped[str | None]
    request_id: Mapped[int | None]
    error: Mapped[str | None]
    summary: Mapped[dict[str, Any] | None]
    imported_at: Mapped[datetime]


class Attachment(Base):
    """A stored file (content-addressed by SHA-256) and where it came from."""

    __table__ = tables.attachments

    id: Mapped[int]
    sha256: Mapped[str]
    size: Mapped[int]
    filename: Mapped[str]
    original_filename: Mapped[str | None]
    content_type: Mapped[str | None]
    request_id: Mapped[int | None]
    event_id: Mapped[int | None]
    inbox_id: Mapped[int | None]
    created_at: Mapped[datetime]
    publishable: Mapped[bool]


class Blob(Base):
    """Evidence bytes (raw mail, attachments) stored once by SHA-256; see foi.evidence.blobs."""

    __table__ = tables.blobs

    id: Mapped[int]
    sha256: Mapped[str]
    size: Mapped[int]


class BlobChunk(Base):
    """One piece (up to 1 MiB) of a blob, so that no read or write needs it whole in memory."""

    __table__ = tables.blob_chunks

    blob_id: Mapped[int]
    seq: Mapped[int]
    data: Mapped[bytes]


class Answer(Base):
    """A body's answer to one numbered question of the letter."""

    __table__ = tables.answers

    id: Mapped[int]
    request_id: Mapped[int]
    event_id: Mapped[int]
    question: Mapped[int]
    text: Mapped[str | None]
    status: Mapped[str | None]


class ExemptionCited(Base):
    """An exemption a body cited, for the whole response or one question."""

    __table__ = tables.exemptions

    id: Mapped[int]
    request_id: Mapped[int]
    event_id: Mapped[int]
    question: Mapped[int | None]
    section: Mapped[str]


class UserHoliday(Base):
    """A bank holiday added by the user (a new proclamation, or an imported GOV.UK file)."""

    __table__ = tables.holidays

    id: Mapped[int]
    on: Mapped[date]
    region: Mapped[str]
    name: Mapped[str]
    source: Mapped[str]
    added_at: Mapped[datetime]


class UserReminder(Base):
    __table__ = tables.user_reminders

    id: Mapped[int]
    request_id: Mapped[int]
    on: Mapped[date]
    at: Mapped[str | None]
    note: Mapped[str]
    assignee_id: Mapped[int | None]
    created_at: Mapped[datetime]
    request: Mapped[Request] = relationship()


class ReminderDelivery(Base):
    """The record that a reminder was delivered: at most once per request, kind and period."""

    __table__ = tables.reminder_deliveries

    id: Mapped[int]
    request_id: Mapped[int]
    kind: Mapped[str]
    period_key: Mapped[str]
    fires_on: Mapped[date]
    recipient: Mapped[str | None]
    channel: Mapped[str]
    delivered_at: Mapped[datetime]


class Counter(Base):
    """Named counters for references; incremented under a row lock."""

    __table__ = tables.counters

    name: Mapped[str]
    value: Mapped[int]


class Meta(Base):
    """Small facts about the database itself (e.g. the holiday set's fingerprint)."""

    __table__ = tables.meta

    key: Mapped[str]
    value: Mapped[str]


class ImapFolder(Base):
    """How far an IMAP folder has been read: the exactly-once record of `foi inbox fetch`.

    Updated in the same transaction as the messages it covers, under a row lock, so a crash
    or a second reader neither loses nor doubles a message. UIDs are unsigned 32-bit.
    """

    __table__ = tables.imap_folders

    id: Mapped[int]
    account: Mapped[str]
    folder: Mapped[str]
    uidvalidity: Mapped[int | None]
    last_uid: Mapped[int]
    to_move: Mapped[list[int] | None]
    last_read_at: Mapped[datetime | None]


class Redaction(Base):
    """A redacted copy of an attachment: its blob, what was removed, by whom and when."""

    __table__ = tables.redactions

    id: Mapped[int]
    attachment_id: Mapped[int]
    sha256: Mapped[str]
    size: Mapped[int]
    areas: Mapped[list[Any]]
    pages: Mapped[list[Any]]
    created_by: Mapped[str | None]
    created_at: Mapped[datetime]


class AttachmentReview(Base):
    """A volunteer's review of a file's personal-data findings before it was made publishable."""

    __table__ = tables.attachment_reviews

    id: Mapped[int]
    attachment_id: Mapped[int]
    sha256: Mapped[str]
    findings: Mapped[list[Any]]
    reviewed_by: Mapped[str | None]
    reviewed_at: Mapped[datetime]


class RedactionTerm(Base):
    """A name or term a campaign keeps out of print, found and proposed for redaction."""

    __table__ = tables.redaction_terms

    id: Mapped[int]
    campaign_id: Mapped[int]
    term: Mapped[str]
    added_by: Mapped[str | None]
    added_at: Mapped[datetime]


class Extraction(Base):
    """One file's extraction: its place in the queue (see foi.reading)."""

    __table__ = tables.extractions

    sha256: Mapped[str]
    state: Mapped[str]
    reason: Mapped[str | None]
    attempts: Mapped[int]
    claimed_by: Mapped[str | None]
    claimed_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    filename: Mapped[str | None]
    content_type: Mapped[str | None]
    size: Mapped[int | None]
    pages: Mapped[int | None]
    queued_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class PageTextRow(Base):
    """The text of one page of a file."""

    __table__ = tables.page_texts

    sha256: Mapped[str]
    page: Mapped[int]
    text: Mapped[str]
    method: Mapped[str]
    confidence: Mapped[float | None]
    part: Mapped[str | None]


class SearchDoc(Base):
    """One searchable page of a file, reply, letter or note."""

    __table__ = tables.search_docs

    id: Mapped[int]
    key: Mapped[str]
    kind: Mapped[str]
    ref_id: Mapped[int | None]
    sha256: Mapped[str | None]
    page: Mapped[int | None]
    text: Mapped[str]
    stems: Mapped[str]
    tsv: Mapped[str | None]


class EvidenceSuggestion(Base):
    """A passage naming a campaign term, proposed as evidence until a volunteer decides."""

    __table__ = tables.evidence_suggestions

    id: Mapped[int]
    key: Mapped[str]
    body_id: Mapped[int | None]
    request_id: Mapped[int | None]
    attachment_id: Mapped[int | None]
    inbox_id: Mapped[int | None]
    page: Mapped[int | None]
    term: Mapped[str]
    suggested_status: Mapped[str | None]
    quote: Mapped[str]
    source: Mapped[str]
    state: Mapped[str]
    evidence_id: Mapped[int | None]
    decided_by: Mapped[str | None]
    found_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
