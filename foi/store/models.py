"""Tables. Derived columns (status, resolution, due dates) are caches of pure functions.

Times: `Date` where the law speaks of days, `UTCDateTime` (timezone-aware UTC) for
timestamps. Events are append-only: nothing in foi updates or deletes one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
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


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Body(Base):
    """A public body (or a body outside FOI) the campaign may write to."""

    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)  # bundled directory id
    name: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    ods_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    police_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    wdtk_url_name: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(100))
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"))
    foi_subject: Mapped[bool] = mapped_column(Boolean, default=True)
    regime: Mapped[str] = mapped_column(String(10), default="foia")
    home_page: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(60))
    postal_address: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    successor: Mapped[Body | None] = relationship(remote_side=[id])
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
    __tablename__ = "body_aliases"
    __table_args__ = (UniqueConstraint("body_id", "alias"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(300), index=True)
    body: Mapped[Body] = relationship(back_populates="aliases")


class BodyTag(Base):
    __tablename__ = "body_tags"
    __table_args__ = (UniqueConstraint("body_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    tag: Mapped[str] = mapped_column(String(120), index=True)
    body: Mapped[Body] = relationship(back_populates="tags")


class Contact(Base):
    """One way to reach a body (email, web form, post), with where it came from."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("body_id", "purpose", "channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(10), default="foi")  # foi | sar
    channel: Mapped[str] = mapped_column(String(10), default="email")  # email | web-form | post
    address: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    confirmed_on: Mapped[date | None] = mapped_column(Date)
    confidence: Mapped[str] = mapped_column(String(20), default="unconfirmed")
    note: Mapped[str | None] = mapped_column(Text)
    failing_since: Mapped[date | None] = mapped_column(Date)  # set when mail to it bounced
    failure: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    body: Mapped[Body] = relationship(back_populates="contacts")


class Evidence(Base):
    """A sourced claim about a body's adoption of SIM or an equivalent service."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    on: Mapped[date | None] = mapped_column(Date)  # when the claim applies, for ordering
    period: Mapped[str | None] = mapped_column(String(200))  # the source's own date text
    source: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    quote: Mapped[str | None] = mapped_column(Text)
    page: Mapped[str | None] = mapped_column(String(40))
    local_name: Mapped[str | None] = mapped_column(String(300))
    confidence: Mapped[str | None] = mapped_column(String(60))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    body: Mapped[Body] = relationship(back_populates="evidence")


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    default_assignee_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    default_assignee: Mapped[Volunteer | None] = relationship()


class Volunteer(Base):
    """Someone who logs replies and receives reminders."""

    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Requester(Base):
    """The person in whose name letters are signed (personal data: handle with care)."""

    __tablename__ = "requesters"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(320))
    address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Request(Base):
    """One request to one body; its life is the event log."""

    __tablename__ = "requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    regime: Mapped[str] = mapped_column(String(10))
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("requesters.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id"), index=True)
    template: Mapped[str | None] = mapped_column(String(120))
    template_vars: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    authority_ref: Mapped[str | None] = mapped_column(String(120), index=True)
    wdtk_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Caches of pure derivations from the events (foi.law.timeline, foi.law.deadlines).
    status: Mapped[str] = mapped_column(String(30), index=True)
    resolution: Mapped[str | None] = mapped_column(String(30))
    sent_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)  # of the clock running now
    due_clock: Mapped[str | None] = mapped_column(String(30))  # response | internal-review
    very_overdue_on: Mapped[date | None] = mapped_column(Date)
    # No reminder about the request fires before this day (None: none ever will); kept by
    # foi.casework.requests.refresh with due_on, moved on by each delivery pass.
    next_reminder_on: Mapped[date | None] = mapped_column(Date, index=True)

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

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_request_on", "request_id", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(30))
    promised_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    inbox_id: Mapped[int | None] = mapped_column(ForeignKey("inbox.id"))
    recorded_by: Mapped[str | None] = mapped_column(String(200))

    request: Mapped[Request] = relationship(back_populates="events")


class Letter(Base):
    """An outgoing letter: the request itself, a chaser, a review request, a complaint."""

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(30))
    template: Mapped[str | None] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    route: Mapped[str] = mapped_column(String(20))  # email | web-form | post | whatdotheyknow
    to_addr: Mapped[str | None] = mapped_column(Text)  # email, form URL, or postal address
    # draft -> sending -> sent | failed | uncertain; written (to an outbox folder); unsendable
    state: Mapped[str] = mapped_column(String(20), index=True)
    unsendable_reason: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(300), unique=True)
    # A summary chaser covers several requests to one body: their references.
    covers: Mapped[list[str] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    request: Mapped[Request] = relationship(back_populates="letters")


class InboxMessage(Base):
    """A message read from a mailbox, kept byte-for-byte in the blob store."""

    __tablename__ = "inbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(400), unique=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    message_id: Mapped[str | None] = mapped_column(String(400), index=True)
    source: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    from_addr: Mapped[str | None] = mapped_column(String(320))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(20))  # reply|auto-reply|bounce|unparseable|own
    state: Mapped[str] = mapped_column(String(20), index=True)  # matched | held | discarded
    matched_by: Mapped[str | None] = mapped_column(String(30))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attachment(Base):
    """A stored file (content-addressed by SHA-256) and where it came from."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(300))
    original_filename: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(String(200))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"))
    inbox_id: Mapped[int | None] = mapped_column(ForeignKey("inbox.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Published on `foi publish` only when a volunteer says so (foi respond --publishable,
    # foi request publishable): a reply's attachment may hold anyone's personal data.
    publishable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Blob(Base):
    """Evidence bytes (raw mail, attachments) stored once by SHA-256; see foi.evidence.blobs."""

    __tablename__ = "blobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 64 hex digits; "pending-…" only inside the transaction that is still writing it.
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)


class BlobChunk(Base):
    """One piece (up to 1 MiB) of a blob, so that no read or write needs it whole in memory."""

    __tablename__ = "blob_chunks"

    blob_id: Mapped[int] = mapped_column(
        ForeignKey("blobs.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Answer(Base):
    """A body's answer to one numbered question of the letter."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    question: Mapped[int] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(30))  # answered|partial|refused|not-held


class ExemptionCited(Base):
    """An exemption a body cited, for the whole response or one question."""

    __tablename__ = "exemptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    question: Mapped[int | None] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(40), index=True)


class UserHoliday(Base):
    """A bank holiday added by the user (a new proclamation, or an imported GOV.UK file)."""

    __tablename__ = "holidays"
    __table_args__ = (UniqueConstraint("on", "region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    on: Mapped[date] = mapped_column(Date)
    region: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class UserReminder(Base):
    __tablename__ = "user_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    on: Mapped[date] = mapped_column(Date, index=True)
    at: Mapped[str | None] = mapped_column(String(5))  # HH:MM, Europe/London
    note: Mapped[str] = mapped_column(Text)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    request: Mapped[Request] = relationship()


class ReminderDelivery(Base):
    """The record that a reminder was delivered: at most once per request, kind and period."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (UniqueConstraint("request_id", "kind", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    period_key: Mapped[str] = mapped_column(String(120))
    fires_on: Mapped[date] = mapped_column(Date)
    recipient: Mapped[str | None] = mapped_column(String(320))
    channel: Mapped[str] = mapped_column(String(20))
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Counter(Base):
    """Named counters for references; incremented under a row lock."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class Meta(Base):
    """Small facts about the database itself (e.g. the holiday set's fingerprint)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ImapFolder(Base):
    """How far an IMAP folder has been read: the exactly-once record of `foi inbox fetch`.

    Updated in the same transaction as the messages it covers, under a row lock, so a crash
    or a second reader neither loses nor doubles a message. UIDs are unsigned 32-bit.
    """

    __tablename__ = "imap_folders"
    __table_args__ = (UniqueConstraint("account", "folder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(400))  # user@host:port, never the password
    folder: Mapped[str] = mapped_column(String(400))
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    to_move: Mapped[list[int] | None] = mapped_column(JSON)  # imported, not yet moved
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
