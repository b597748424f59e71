"""Matching a message to its request: the rules, in order, and their lookup tables.

The request's own reply address (To, Cc, Delivered-To, X-Original-To) first; then our token
in brackets in the subject; In-Reply-To/References to a Message-ID we sent; our token
elsewhere (unless the sender is another body); an authority reference stored for a request,
labelled or quoted anywhere; for a bounce, the failed recipient of a letter we sent; the
sender's full address when it is a body's known contact, else its domain when that belongs
to one body, when that body has exactly one open request. Subject access requests are never
matched automatically. Never prints, commits or reads the clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from foi.law.timeline import OPEN_STATUSES
from foi.mail.parse import ParsedMail
from foi.store.models import Contact, Letter, Request, Requester, Volunteer

BRACKETED_TOKEN_RE = re.compile(r"\[(FOI-\d{4}-\d{4,})\]", re.IGNORECASE)
# A request with its body (which logging a reply reads): one query, not two.
_REQUEST_WITH_BODY = (
    select(Request).options(joinedload(Request.body)).where(Request.id == bindparam("rid"))
)
_REQUESTS = Request.__table__
_OPEN = frozenset(st.value for st in OPEN_STATUSES)
_REQUESTS_OF_BODY = (
    select(_REQUESTS.c.id, _REQUESTS.c.status)
    .where(_REQUESTS.c.body_id == bindparam("body"), _REQUESTS.c.regime != "sar")
    .order_by(_REQUESTS.c.id)
)


def norm_ref(text: str) -> str:
    """An authority reference in a form that compares loosely ('FOI 2026/0457' ~ 'foi2026/0457')."""
    return re.sub(r"\s+", "", text).upper()


def _domain(address: str | None) -> str | None:
    if not address or "@" not in address:
        return None
    return address.rsplit("@", 1)[1].strip().lower().rstrip(">")


def _reply_re(pattern: str | None) -> re.Pattern[str]:
    """The per-request reply address as a pattern; without one configured, our reference in
    an address's part before the @ (replies+FOI-2026-0001@…), whatever the mailbox."""
    if pattern:
        before, _, after = pattern.partition("{reference}")
        return re.compile(
            re.escape(before) + r"(FOI-\d{4}-\d{4,})" + re.escape(after) + "$", re.IGNORECASE
        )
    return re.compile(r"^[^@\s]*?[+\-_.=](FOI-\d{4}-\d{4,})@", re.IGNORECASE)


class Matcher:
    """Finds the request a message belongs to; loads lookup tables once per import.

    The tables hold ids only, so one Matcher can serve an import's successive transactions:
    `begin(session)` at the start of each. Within a transaction it holds the requests it has
    found (a session keeps only weak references to unchanged objects, so a request and its
    loaded events would otherwise be read again for the next message), and each body's
    requests once asked for (their status as this transaction has left it).
    """

    def __init__(
        self,
        session: Session,
        own_addresses: Iterable[str] = (),
        reply_pattern: str | None = None,
    ) -> None:
        self.session = session
        self.own = {a.strip().lower() for a in own_addresses if a}
        self.reply_re = _reply_re(reply_pattern)
        self._refs: dict[str, list[tuple[int, int]]] | None = None
        self._domains: dict[str, set[int]] | None = None
        self._addresses: dict[str, set[int]] | None = None
        self._sar: set[int] | None = None
        self._letters: dict[str, tuple[int, int]] | None = None
        self._references: dict[str, int] | None = None
        self._quotable: list[str] | None = None  # references long enough to find in text
        self._people: set[str] | None = None
        self._held: dict[int, Request] = {}
        self._of_body: dict[int, list[tuple[int, str]]] = {}

    def begin(self, session: Session) -> None:
        """Serve a new transaction: the id tables stay, the objects of the last one go."""
        self.session = session
        self._held = {}
        self._of_body = {}

    def request(self, rid: int) -> Request | None:
        """The request with this id, held for the rest of the transaction."""
        req = self._held.get(rid)
        if req is None:
            req = self.session.execute(_REQUEST_WITH_BODY, {"rid": rid}).scalar_one_or_none()
            if req is not None:
                self._held[rid] = req
        return req

    def _open_requests(self, body_id: int) -> list[int]:
        """The body's open requests (not subject access requests), by their status now.

        The body's requests are read once a transaction; a request this transaction holds
        counts with its status as logging left it (a reply can reopen a closed request), so
        the rows need not be flushed first."""
        found = self._of_body.get(body_id)
        if found is None:
            found = self._of_body[body_id] = [
                (rid, status)
                for rid, status in self.session.connection().execute(
                    _REQUESTS_OF_BODY, {"body": body_id}
                )
            ]
        return [
            rid
            for rid, status in found
            if (self._held[rid].status if rid in self._held else status) in _OPEN
        ]

    def _letter_ids(self) -> dict[str, tuple[int, int]]:
        """Message-ID of each letter we sent -> (letter id, request id)."""
        if self._letters is None:
            self._letters = {
                mid: (lid, rid)
                for lid, rid, mid in self.session.execute(
                    select(Letter.id, Letter.request_id, Letter.message_id)
                    .where(Letter.message_id.is_not(None))
                    .order_by(Letter.id.desc())
                )
            }
        return self._letters

    def _request_by_reference(self, token: str) -> Request | None:
        """The request with our reference `token` (e.g. FOI-2026-0001), if any."""
        if self._references is None:
            self._references = {
                ref: rid for ref, rid in self.session.execute(select(Request.reference, Request.id))
            }
        rid = self._references.get(token.upper())
        return self.request(rid) if rid is not None else None

    def _authority_refs(self) -> dict[str, list[tuple[int, int]]]:
        """Normalised authority reference -> [(request id, body id)]."""
        if self._refs is None:
            self._refs = {}
            for rid, body_id, ref in self.session.execute(
                select(Request.id, Request.body_id, Request.authority_ref)
                .where(Request.authority_ref.is_not(None))
                .order_by(Request.id)
            ):
                self._refs.setdefault(norm_ref(ref), []).append((rid, body_id))
        return self._refs

    def _sar_requests(self) -> set[int]:
        """Subject access requests: one person's own data, never matched into the campaign's
        record automatically (their replies go to the data subject)."""
        if self._sar is None:
            self._sar = set(self.session.scalars(select(Request.id).where(Request.regime == "sar")))
        return self._sar

    def _sub_address(self, parsed: ParsedMail) -> Request | None:
        """The request whose own reply address the message was sent or delivered to."""
        for address in (*parsed.delivered_to, *parsed.to, *parsed.cc):
            found = self.reply_re.search(address.strip().strip("<>"))
            if found is None:
                continue
            req = self._request_by_reference(found.group(1))
            if req is not None and req.id not in self._sar_requests():
                return req
        return None

    def _body_addresses(self) -> dict[str, set[int]]:
        """A known email address (any purpose) -> the bodies it belongs to."""
        if self._addresses is None:
            self._addresses = {}
            for body_id, address in self.session.execute(
                select(Contact.body_id, Contact.address).where(Contact.channel == "email")
            ):
                self._addresses.setdefault(address.strip().lower(), set()).add(body_id)
        return self._addresses

    def sender_bodies(self, parsed: ParsedMail) -> set[int]:
        """The bodies a sender belongs to: by its full address when known, else its domain."""
        exact = self._body_addresses().get((parsed.from_addr or "").strip().lower())
        if exact:
            return exact
        return self._body_domains().get(_domain(parsed.from_addr) or "", set())

    def _stored_refs(self, parsed: ParsedMail) -> list[str]:
        """Stored authority references quoted anywhere in the subject or text, labelled or not."""
        hay = norm_ref(f"{parsed.subject or ''} {parsed.text or ''}")
        found = []
        if self._quotable is None:
            self._quotable = [
                ref
                for ref in self._authority_refs()
                # too short to tell from any other number
                if len(ref) >= 5 and any(ch.isdigit() for ch in ref)
            ]
        for ref in self._quotable:
            start = hay.find(ref)
            while start != -1:
                before = hay[start - 1] if start else " "
                after = hay[start + len(ref)] if start + len(ref) < len(hay) else " "
                if not (before.isalnum() or after.isalnum()):
                    found.append(ref)
                    break
                start = hay.find(ref, start + 1)
        return found

    def own_letter(self, parsed: ParsedMail) -> Letter | None:
        """Our own letter, when the message is a copy of one we sent (a BCC or Sent folder)."""
        found = self._letter_ids().get(parsed.message_id) if parsed.message_id else None
        return self.session.get(Letter, found[0]) if found is not None else None

    def is_ours(self, parsed: ParsedMail) -> bool:
        """Whether the message was sent by the campaign itself."""
        return bool(parsed.from_addr and parsed.from_addr.lower() in self.own)

    def _body_domains(self) -> dict[str, set[int]]:
        if self._domains is None:
            self._domains = {}
            for body_id, address in self.session.execute(
                select(Contact.body_id, Contact.address).where(Contact.channel == "email")
            ):
                d = _domain(address)
                if d:
                    self._domains.setdefault(d, set()).add(body_id)
        return self._domains

    def remember_address(self, address: str, body_id: int) -> None:
        """A sender just learned for a body is known to the rest of the import."""
        self._body_addresses().setdefault(address.strip().lower(), set()).add(body_id)

    def remember_ref(self, ref: str, request: Request) -> None:
        """A newly captured authority reference becomes matchable in the same import."""
        self._authority_refs().setdefault(norm_ref(ref), []).append((request.id, request.body_id))
        self._quotable = None

    def a_person_of_ours(self, address: str) -> bool:
        """Whether an address is a volunteer's or a requester's (loaded once per import:
        an import adds neither)."""
        if self._people is None:
            self._people = {
                str(email).lower()
                for table in (Volunteer, Requester)
                for email in self.session.scalars(select(table.email))
                if email
            }
        return address.strip().lower() in self._people

    def match(self, parsed: ParsedMail) -> tuple[Request | None, str | None]:
        """The request and how it was found, or (None, None)."""
        req, how = self._match(parsed)
        if req is not None and req.id in self._sar_requests():
            return None, None  # a volunteer may assign it by hand: it is not campaign mail
        return req, how

    def _match(self, parsed: ParsedMail) -> tuple[Request | None, str | None]:
        s = self.session
        # 0. Sent or delivered to the request's own reply address: exact (issue 21).
        req = self._sub_address(parsed)
        if req is not None:
            return req, "reply-address"
        # 1. Our token as we write it, in brackets in the subject: "[FOI-2026-0001]".
        for token in BRACKETED_TOKEN_RE.findall(parsed.subject or ""):
            req = self._request_by_reference(token)
            if req is not None:
                return req, "token"
        # 2. A reply to a letter we sent (the earliest such letter).
        letters = self._letter_ids()
        sent = [letters[i] for i in (*parsed.in_reply_to, *parsed.references) if i in letters]
        if sent:
            return self.request(min(sent)[1]), "in-reply-to"
        # 3. Our token elsewhere: bodies number their own requests the same way
        #    ("FOI-2026-0003"), so a sender whose domain identifies another body is not trusted.
        sender = self.sender_bodies(parsed)
        for token in parsed.reference_tokens:
            req = self._request_by_reference(token)
            if req is not None and (len(sender) != 1 or req.body_id in sender):
                return req, "token"
        refs = self._authority_refs()
        sender_bodies = sender
        # Labelled references first, then any reference stored for a request quoted anywhere.
        for ref in [*parsed.authority_refs, *self._stored_refs(parsed)]:
            found = refs.get(norm_ref(ref), [])
            # Bodies number their requests in their own sequences, so a short reference can
            # collide: when the sender's domain identifies one body (not a shared one such
            # as nhs.net), only that body's requests count; and the reference must then
            # pick out exactly one request.
            if len(sender_bodies) == 1:
                found = [f for f in found if f[1] in sender_bodies]
            if len({rid for rid, _ in found}) == 1:
                return self.request(found[0][0]), "authority-ref"
        if parsed.kind == "bounce" and parsed.bounced_recipients:
            wanted = [r.lower() for r in parsed.bounced_recipients]
            found = {
                lt.request_id
                for lt in s.scalars(
                    select(Letter).where(
                        func.lower(Letter.to_addr).in_(wanted),
                        Letter.state.in_(("sent", "sending")),
                    )
                )
            }
            if len(found) == 1:
                return self.request(found.pop()), "bounced-recipient"
        # The sender's full address when it is a body's known contact (a shared domain such
        # as nhs.net says nothing), else its domain when that belongs to one body.
        bodies = sender
        if len(bodies) == 1:
            open_reqs = self._open_requests(next(iter(bodies)))
            if len(open_reqs) == 1:
                exact = (parsed.from_addr or "").strip().lower() in self._body_addresses()
                return self.request(open_reqs[0]), "sender-address" if exact else "sender-domain"
        return None, None
