"""Use cases for the body directory: find, list, add, edit, load the bundled set, import.

Takes a session and the date/time from the caller; never commits, never prints.
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from foi.directory.kinds import KINDS, NATIONS
from foi.directory.listing import BodyFilter, list_body_records
from foi.directory.shapes import normalised, route_contact
from foi.errors import ConflictError, NotFoundError, UsageError
from foi.store.models import Body, BodyAlias, BodyTag, Contact, Event, Evidence, Request

DATA_DIR = Path(__file__).parent / "data"
REGIMES = ("foia", "eir", "foisa", "none")
EVIDENCE_STATUSES = ("adopted", "piloted", "considering", "withdrawn", "denied", "not-adopted")
CHANNELS = ("email", "web-form", "post")
EMAIL_RE = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


def _load_options() -> Any:
    return (
        selectinload(Body.aliases),
        selectinload(Body.tags),
        selectinload(Body.contacts),
        selectinload(Body.evidence),
        selectinload(Body.successor),
    )


def remove_contact(body: Body, address: str) -> Contact:
    """Remove a contact address (kept nowhere else: say where it came from in a note)."""
    for c in list(body.contacts):
        if c.address.lower() == address.strip().lower():
            body.contacts.remove(c)
            return c
    known = ", ".join(c.address for c in body.contacts) or "none"
    raise NotFoundError(f"{body.name} has no contact {address!r} (it has: {known})")


def find_body(session: Session, needle: str) -> Body:
    """A body by ODS code, police id, directory key, exact name or alias, or a unique part."""
    needle = needle.strip()
    if not needle:
        raise UsageError("give a body's name or code")
    by_code = list(
        session.scalars(
            select(Body).where(
                or_(
                    func.upper(Body.ods_code) == needle.upper(),
                    Body.police_id == needle.lower(),
                    Body.key == needle,
                    func.lower(Body.wdtk_url_name) == needle.lower(),
                )
            )
        )
    )
    if len(by_code) == 1:
        return by_code[0]
    # Names and aliases compare case-insensitively in Python: SQLite's lower() folds only
    # ASCII letters, and the answer must not depend on the database.
    key = needle.casefold()
    candidates = session.scalars(select(Body).options(selectinload(Body.aliases))).all()
    by_name = [b for b in candidates if b.name.casefold() == key]
    if len(by_name) == 1:
        return by_name[0]
    by_alias = [b for b in candidates if any(a.alias.casefold() == key for a in b.aliases)]
    found = list({b.id: b for b in [*by_code, *by_name, *by_alias]}.values())
    if len(found) == 1:
        return found[0]
    if not found:
        norm = normalised(needle)
        partial = [b for b in candidates if norm and norm in normalised(b.name)]
        if len(partial) == 1:
            return partial[0]
        names = [b.name for b in candidates]
        if partial:
            found = partial
        else:
            close = difflib.get_close_matches(needle, names, n=4, cutoff=0.55)
            hint = (
                f"; did you mean: {'; '.join(close)}?"
                if close
                else (
                    "; see 'foi body list'" if names else "; run 'foi init' to load the directory"
                )
            )
            raise NotFoundError(f"no body matches {needle!r}{hint}")
    shown = "; ".join(sorted(b.name for b in found)[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    raise UsageError(
        f"{needle!r} matches {len(found)} bodies ({shown}{more}): be more specific "
        "or use the ODS code"
    )


def list_bodies(session: Session, flt: BodyFilter, today: date) -> list[Body]:
    """Bodies matching a filter, by name, loaded through the ORM (to draft to or change).

    The selection is foi.directory.listing's, so `foi body list` and a batch agree.
    """
    ids = [rec.id for rec in list_body_records(session, flt, today)]
    found: dict[int, Body] = {}
    for start in range(0, len(ids), 500):  # bounded IN lists on every backend
        chunk = ids[start : start + 500]
        stmt = select(Body).options(*_load_options()).where(Body.id.in_(chunk))
        found.update((b.id, b) for b in session.scalars(stmt))
    return [found[i] for i in ids]


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}: choose from {', '.join(KINDS)}")
    return kind


def _check_regime(regime: str) -> str:
    if regime not in REGIMES:
        raise UsageError(f"unknown regime {regime!r}: choose from {', '.join(REGIMES)}")
    return regime


def check_nation(nation: str) -> str:
    """One of the UK's nations, as stored in bodies.nation."""
    if nation not in NATIONS:
        raise UsageError(f"unknown nation {nation!r}: choose from {', '.join(NATIONS)}")
    return nation


def check_email(address: str) -> str:
    """Validate an email address well enough to catch typos and header injection."""
    address = address.strip()
    if not EMAIL_RE.match(address):
        raise UsageError(f"{address!r} is not an email address")
    return address


@dataclass
class BodyChanges:
    """Fields to set on a body; None means leave alone."""

    name: str | None = None
    kind: str | None = None
    ods_code: str | None = None
    police_id: str | None = None
    wdtk_url_name: str | None = None
    region: str | None = None
    nation: str | None = None
    opened_on: date | None = None
    closed_on: date | None = None
    successor: str | None = None
    foi_subject: bool | None = None
    regime: str | None = None
    home_page: str | None = None
    phone: str | None = None
    postal_address: str | None = None
    notes: str | None = None
    source: str | None = None
    add_aliases: list[str] = field(default_factory=list)
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)


# The fields a change or an imported row sets as they are (in the order they are applied).
SIMPLE_FIELDS = (
    "name",
    "kind",
    "ods_code",
    "police_id",
    "wdtk_url_name",
    "region",
    "nation",
    "opened_on",
    "closed_on",
    "foi_subject",
    "regime",
    "home_page",
    "phone",
    "postal_address",
    "notes",
    "source",
)


def _apply(session: Session, body: Body, ch: BodyChanges, now: datetime) -> list[str]:
    """Apply changes; return the names of fields that changed."""
    changed: list[str] = []
    for name in LIMITS:
        check_field(name, getattr(ch, name))
    for alias in ch.add_aliases:
        check_alias(alias)
    for tag in ch.add_tags:
        check_tag(tag)
    if ch.kind is not None:
        _check_kind(ch.kind)
    if ch.regime is not None:
        _check_regime(ch.regime)
    if ch.nation is not None:
        check_nation(ch.nation)
    if ch.ods_code is not None:
        ch.ods_code = ch.ods_code.strip().upper() or None
    for name in SIMPLE_FIELDS:
        value = getattr(ch, name)
        if value is not None and getattr(body, name) != value:
            setattr(body, name, value)
            changed.append(name)
    if ch.foi_subject is False and ch.regime is None and body.regime != "none":
        body.regime = "none"
        changed.append("regime")
    if ch.successor is not None:
        succ = find_body(session, ch.successor)
        if succ is body:
            raise UsageError("a body cannot be its own successor")
        if body.successor_id != succ.id:
            body.successor = succ
            changed.append("successor")
    if body.opened_on and body.closed_on and body.closed_on < body.opened_on:
        raise UsageError(
            f"{body.name}: closed on {body.closed_on} before it opened ({body.opened_on})"
        )
    have = {a.alias for a in body.aliases}
    for alias in ch.add_aliases:
        alias = alias.strip()
        if alias and alias not in have and alias != body.name:
            body.aliases.append(BodyAlias(alias=alias))
            have.add(alias)
            changed.append("aliases")
    tags = {t.tag for t in body.tags}
    for tag in ch.add_tags:
        tag = tag.strip()
        if tag and tag not in tags:
            body.tags.append(BodyTag(tag=tag))
            tags.add(tag)
            changed.append("tags")
    for tag in ch.remove_tags:
        for t in list(body.tags):
            if t.tag == tag:
                body.tags.remove(t)
                changed.append("tags")
    if changed:
        body.updated_at = now
    return sorted(set(changed))


def _unique_guard(session: Session, body: Body) -> None:
    """Refuse a name (in any case) or code that another body already has."""
    for attr in ("ods_code", "police_id"):
        value = getattr(body, attr)
        if value is None:
            continue
        other = session.scalar(select(Body).where(getattr(Body, attr) == value))
        if other is not None and other is not body:
            raise ConflictError(f"{other.name} already has {attr.replace('_', ' ')} {value!r}")
    key = body.name.casefold()
    if body.name.isascii():  # SQL's lower() folds ASCII the same way on every database
        rows = session.execute(
            select(Body.id, Body.name).where(func.lower(Body.name) == body.name.lower())
        )
    else:  # SQLite's lower() leaves other letters alone: compare in Python
        rows = session.execute(select(Body.id, Body.name))
    for other_id, other_name in rows:
        if other_name.casefold() == key and other_id != body.id:
            raise ConflictError(f"{other_name} already has name {body.name!r}")


LIMITS = {
    "name": 300,
    "ods_code": 20,
    "police_id": 80,
    "wdtk_url_name": 200,
    "region": 100,
    "home_page": 500,
    "phone": 60,
    "source": 2000,
    "notes": 20000,
    "postal_address": 20000,
}


# Fields that are one line of text. A line break or other control character in one would
# break a letter's address block or subject, an email header, or a row of a listing.
ONE_LINE = frozenset(
    {"name", "ods_code", "police_id", "wdtk_url_name", "region", "home_page", "phone"}
)
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def check_length(value: str | None, limit: int, what: str, *, one_line: bool = False) -> None:
    """Refuse a value longer than its column, the same way on every database.

    With `one_line`, also refuse line breaks and other control characters (tabs included).
    """
    if value is None:
        return
    if len(value) > limit:
        raise UsageError(f"{what} is {len(value)} characters long: at most {limit} are kept")
    if "\x00" in value:
        raise UsageError(f"{what} contains a NUL character")
    if one_line and _NOT_ONE_LINE.search(value):
        raise UsageError(
            f"{what} {value[:60]!r} contains a line break or control character: give it on one line"
        )


def check_field(name: str, value: str | None) -> None:
    """A body's text field (a key of LIMITS) against its column, and ONE_LINE's on one line."""
    check_length(value, LIMITS[name], name.replace("_", " "), one_line=name in ONE_LINE)


def check_alias(alias: str) -> None:
    """An alias fits its column, on one line."""
    check_length(alias, 300, "an alias", one_line=True)


def check_tag(tag: str) -> None:
    """A tag fits its column, on one line."""
    check_length(tag, 120, "a tag", one_line=True)


def add_body(
    session: Session,
    changes: BodyChanges,
    now: datetime,
    email: str | None = None,
    email_source: str | None = None,
    confirmed_on: date | None = None,
) -> Body:
    """Create a body; its name must be new."""
    if not changes.name or not changes.name.strip():
        raise UsageError("a body needs a name")
    if changes.kind is None:
        raise UsageError("a body needs a kind (--kind): " + ", ".join(KINDS))
    body = Body(
        name=changes.name.strip(),
        kind=_check_kind(changes.kind),
        foi_subject=True,
        regime="foia",
        created_at=now,
        updated_at=now,
    )
    _unique_guard(session, body)
    _apply(session, body, changes, now)
    _unique_guard(session, body)
    session.add(body)
    if email:
        add_contact(
            session,
            body,
            check_email(email),
            source=email_source or "added by hand",
            confirmed_on=confirmed_on,
            confidence="confirmed" if confirmed_on else "unconfirmed",
            now=now,
            seen_on=now.date(),
        )
    session.flush()
    return body


def edit_body(session: Session, body: Body, changes: BodyChanges, now: datetime) -> list[str]:
    """Change a body's fields; returns what changed."""
    changed = _apply(session, body, changes, now)
    _unique_guard(session, body)
    session.flush()
    return changed


def add_contact(
    session: Session,
    body: Body,
    address: str,
    *,
    now: datetime,
    channel: str = "email",
    purpose: str = "foi",
    source: str | None = None,
    confirmed_on: date | None = None,
    confidence: str = "unconfirmed",
    note: str | None = None,
    seen_on: date | None = None,
    quote: str | None = None,
) -> tuple[Contact, bool]:
    """Add a contact unless the same one exists; returns (contact, created).

    For an address already known, a later confirmation or sighting is recorded (and a
    missing quote filled in); nothing a volunteer set is overwritten with older news.
    """
    if channel not in CHANNELS:
        raise UsageError(f"unknown channel {channel!r}: choose from {', '.join(CHANNELS)}")
    if channel == "email":
        address = check_email(address)
    for c in body.contacts:
        if (c.channel, c.purpose, c.address.lower()) == (channel, purpose, address.lower()):
            changed = False
            if confirmed_on and (c.confirmed_on is None or confirmed_on > c.confirmed_on):
                c.confirmed_on, c.confidence, changed = confirmed_on, confidence, True
            if source and c.source != source and changed:
                c.source = source
            if confirmed_on and c.failing_since and confirmed_on >= c.failing_since:
                # Confirmed again after it bounced (e.g. a full mailbox): it works again.
                c.failing_since, c.failure, changed = None, None, True
            if seen_on and (c.seen_on is None or seen_on > c.seen_on):
                c.seen_on, changed = seen_on, True
            if quote and not c.quote:
                c.quote, changed = quote, True
            return c, changed
    contact = Contact(
        purpose=purpose,
        channel=channel,
        address=address,
        source=source,
        confirmed_on=confirmed_on,
        confidence=confidence,
        note=note,
        seen_on=seen_on,
        quote=quote,
        created_at=now,
    )
    body.contacts.append(contact)
    return contact, True


def add_evidence(
    session: Session,
    body: Body,
    *,
    status: str,
    source: str,
    now: datetime,
    on: date | None = None,
    period: str | None = None,
    note: str | None = None,
    quote: str | None = None,
    page: str | None = None,
    local_name: str | None = None,
    confidence: str | None = None,
    event_id: int | None = None,
) -> Evidence:
    """Record a sourced claim about the body's SIM status."""
    if status not in EVIDENCE_STATUSES:
        raise UsageError(
            f"unknown SIM status {status!r}: choose from {', '.join(EVIDENCE_STATUSES)}"
        )
    for value, limit, what in (
        (period, 200, "the period"),
        (page, 40, "the page"),
        (local_name, 300, "the local name"),
        (confidence, 60, "the confidence"),
    ):
        check_length(value, limit, what)
    if not source or not source.strip():
        raise UsageError(
            "evidence needs a source (--source URL or reference): a status is "
            "only as good as what it points to"
        )
    refuse_sar_source(session, source, event_id)
    ev = Evidence(
        status=status,
        source=source.strip(),
        on=on,
        period=period,
        note=note,
        quote=quote,
        page=page,
        local_name=local_name,
        confidence=confidence,
        event_id=event_id,
        recorded_at=now,
    )
    body.evidence.append(ev)
    session.flush()
    return ev


def refuse_sar_source(session: Session, source: str | None, event_id: int | None) -> None:
    """Refuse evidence drawn from a subject access request: body evidence is public by nature.

    A SAR answers with one person's own records (UK GDPR Art. 15); what they show is theirs and
    stays with that request, never in the findings, the site or an export.
    """
    conds = []
    if source and source.strip():
        conds.append(func.upper(Request.reference) == source.strip().upper())
    if event_id is not None:
        conds.append(
            Request.id == select(Event.request_id).where(Event.id == event_id).scalar_subquery()
        )
    if not conds:
        return
    found = session.scalar(
        select(Request.reference).where(Request.regime == "sar", or_(*conds)).limit(1)
    )
    if found is not None:
        raise UsageError(
            f"{found} is a subject access request: what it shows is the data subject's and is "
            "never body evidence; keep it with the request ('foi respond' notes)"
        )


def edit_evidence(session: Session, evidence_id: int, changes: dict[str, Any]) -> Evidence:
    """Correct a piece of SIM evidence (a wrong status, date, quote or source)."""
    ev = session.get(Evidence, evidence_id)
    if ev is None:
        raise NotFoundError(f"no evidence {evidence_id}: see 'foi body show BODY --json'")
    if "status" in changes and changes["status"] not in EVIDENCE_STATUSES:
        raise UsageError(
            f"unknown SIM status {changes['status']!r}: choose from {', '.join(EVIDENCE_STATUSES)}"
        )
    if "source" in changes and not str(changes["source"]).strip():
        raise UsageError("evidence needs a source: give a URL or a request reference")
    if "source" in changes:
        refuse_sar_source(session, str(changes["source"]), None)
    for name, limit, what in (("page", 40, "the page"), ("local_name", 300, "the local name")):
        check_length(changes.get(name), limit, what)
    for name, value in changes.items():
        setattr(ev, name, value.strip() if isinstance(value, str) else value)
    session.flush()
    return ev


# ---------------------------------------------------------------------------------------------
# The bundled directory


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    contacts_added: int = 0
    evidence_added: int = 0


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return [dict(row) for row in csv.DictReader(fh)]


def _d(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def load_bundled(session: Session, now: datetime) -> LoadReport:
    """Load foi/directory/data/*.csv into the database; running it again changes nothing."""
    report = LoadReport()
    rows = _read_csv("bodies.csv")
    by_key = {
        b.key: b
        for b in session.scalars(
            select(Body).options(*_load_options()).where(Body.key.is_not(None))
        ).unique()
    }
    for row in rows:
        body = by_key.get(row["key"])
        changes = BodyChanges(
            name=row["name"],
            kind=row["kind"],
            ods_code=row.get("ods_code") or None,
            police_id=row.get("police_id") or None,
            wdtk_url_name=row.get("wdtk_url_name") or None,
            region=row.get("region") or None,
            nation=row.get("nation") or None,
            opened_on=_d(row.get("opened_on")),
            closed_on=_d(row.get("closed_on")),
            foi_subject=row.get("foi_subject", "yes") == "yes",
            regime=row.get("regime") or None,
            home_page=row.get("home_page") or None,
            phone=row.get("phone") or None,
            postal_address=row.get("postal_address") or None,
            source=row.get("source") or None,
            add_aliases=[a for a in (row.get("aliases") or "").split("|") if a],
            add_tags=(row.get("tags") or "").split(),
        )
        if body is None:
            conds = [func.lower(Body.name) == row["name"].lower()]
            if row.get("ods_code"):
                conds.append(Body.ods_code == row["ods_code"])
            if row.get("police_id"):
                conds.append(Body.police_id == row["police_id"])
            existing = session.scalar(select(Body).where(or_(*conds)))
            if existing is not None:  # a body the user added by hand: adopt it
                body = existing
                body.key = row["key"]
            else:
                body = Body(
                    key=row["key"],
                    name=row["name"],
                    kind=row["kind"],
                    created_at=now,
                    updated_at=now,
                    foi_subject=True,
                    regime="foia",
                )
                session.add(body)
                report.created += 1
                _apply(session, body, changes, now)
                by_key[row["key"]] = body
                continue
            by_key[row["key"]] = body
        # Only fill in what is missing, so that a user's own edits are never overwritten.
        fill = BodyChanges(add_aliases=changes.add_aliases, add_tags=changes.add_tags)
        for name in SIMPLE_FIELDS:
            if getattr(body, name) is None and getattr(changes, name) is not None:
                setattr(fill, name, getattr(changes, name))
        if _apply(session, body, fill, now):
            report.updated += 1
        else:
            report.unchanged += 1
    session.flush()
    for row in rows:
        if row.get("successor"):
            body, succ = by_key[row["key"]], by_key.get(row["successor"])
            if succ is not None and body.successor_id is None:
                body.successor = succ
    for row in _read_csv("contacts.csv"):
        body = by_key.get(row["key"])
        if body is None:
            continue
        _, created = add_contact(
            session,
            body,
            row["address"],
            now=now,
            channel=row["channel"],
            purpose=row["purpose"],
            source=row.get("source") or None,
            confirmed_on=_d(row.get("confirmed_on")),
            confidence=row.get("confidence") or "unconfirmed",
            note=row.get("note") or None,
            seen_on=_d(row.get("seen_on")),
            quote=row.get("quote") or None,
        )
        report.contacts_added += int(created)
    for row in _read_csv("sim_evidence.csv"):
        body = by_key.get(row["key"])
        if body is None:
            continue
        if any(
            e.source == row["source"]
            and e.status == row["status"]
            and e.period == (row.get("period") or None)
            for e in body.evidence
        ):
            continue
        add_evidence(
            session,
            body,
            status=row["status"],
            source=row["source"],
            now=now,
            on=_d(row.get("on")),
            period=row.get("period") or None,
            note=row.get("note") or None,
            confidence=row.get("confidence") or None,
        )
        report.evidence_added += 1
    session.flush()
    return report


def confirm_route(body: Body, on: date, source: str | None) -> Contact:
    """Record that the address the body's letters use was confirmed on its own site on `on`.

    The address becomes `confirmed` with that date (and the source, if given); one that was
    failing works again if confirmed after it failed.
    """
    if not source or not source.strip():
        raise UsageError(
            "say where you confirmed it: --source URL (the body's own page giving the address)"
        )
    check_length(source, 2000, "the source")
    _route, contact, address = route_contact(body)
    if contact is None:
        raise UsageError(
            f"{body.name} has no contact address to confirm"
            + (f" (only its registered address, {address})" if address else "")
            + ": add one with --email or --web-form, with --confirmed DATE"
        )
    contact.confirmed_on, contact.confidence, contact.source = on, "confirmed", source.strip()
    if contact.failing_since and on >= contact.failing_since:
        contact.failing_since, contact.failure = None, None
    return contact


def contact_route(body: Body, purpose: str = "foi") -> tuple[str, str | None, str | None]:
    """How a letter can reach the body: (route, address, reason if it cannot go by email)."""
    route, _contact, address = route_contact(body, purpose)
    reason = {
        "email": None,
        "web-form": "takes requests by web form",
        "post": "takes requests by post",
        "none": "no contact address known (add one with 'foi body edit --email')",
    }[route]
    return route, address, reason


# ---------------------------------------------------------------------------------------------
# Imports (rows parsed by foi.directory.importers)


def _match_row(session: Session, row: Any) -> Body | None:
    """Match an imported row to a body: by code, then exact name or alias, then WDTK name."""
    if row.ods_code:
        b = session.scalar(select(Body).where(func.upper(Body.ods_code) == row.ods_code.upper()))
        if b is not None:
            return b
    if row.police_id:
        b = session.scalar(select(Body).where(Body.police_id == row.police_id))
        if b is not None:
            return b
    if row.name:
        lowered = row.name.strip().lower()
        b = session.scalar(select(Body).where(func.lower(Body.name) == lowered))
        if b is None:
            b = session.scalar(
                select(Body).where(
                    Body.id.in_(
                        select(BodyAlias.body_id).where(func.lower(BodyAlias.alias) == lowered)
                    )
                )
            )
        if b is not None:
            return b
    if row.wdtk_url_name:
        return session.scalar(select(Body).where(Body.wdtk_url_name == row.wdtk_url_name))
    return None
