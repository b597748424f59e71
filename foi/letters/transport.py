"""Outgoing mail: a finished letter becomes an RFC 5322 message, sent by SMTP or written to a folder.

No templating, no database, no printing, no clock: the caller passes the finished text and the
``Date`` timestamp, and records the outcome.

Decisions, so callers can rely on them:

- **Bcc.** ``build_message`` leaves the Bcc header out unless asked (``include_bcc=True``).
  For SMTP the Bcc address goes only in the envelope (``envelope_recipients``), and
  ``SmtpTransport.send`` strips any Bcc header it is given, so the public body never sees the
  campaign archive address. For an ``.eml`` file build with ``include_bcc=True``: mail clients
  that open the file honour the header and drop it when they send.
- **Encoding.** Headers are RFC 2047 encoded by ``email.policy`` (non-ASCII names and
  subjects decode back exactly). The body is ``text/plain; charset="utf-8"``, sent as 7bit
  when it is ASCII with short lines and as quoted-printable otherwise: the bytes on the wire
  are always 7-bit clean, so long lines and non-ASCII text survive any relay (no 8BITMIME
  needed), and the text stays readable in an ``.eml`` file (never base64).
- **Addresses.** One address per field; an international domain is converted to IDNA. A
  non-ASCII local part would need SMTPUTF8 and is refused.
- **Retries.** ``make_message_id`` is deterministic, so a retry of a letter reuses its
  Message-ID. A connection dropped before the message was handed over is retried once on a
  fresh connection; one dropped after the final ``.`` but before the server's reply raises
  ``OutboxError`` with ``uncertain=True`` (the message may have been delivered: do not resend
  blindly).
- **Ports.** Defaults: none 25, starttls 587, ssl 465. ``check_smtp_settings`` refuses the
  combinations that would hang or leak (STARTTLS on 465, SSL on 25/587, a password over an
  unencrypted connection to a host other than this machine).
- **Files.** ``write_eml`` and ``write_text_letter`` write atomically (temp file in the same
  folder, fsync, ``os.replace``), mode 600, in a folder created with mode 700; writing the same
  stem again replaces the file, so a retry is idempotent. ``.eml`` files have CRLF line endings.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import copy
import re
import smtplib
import ssl
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from types import MappingProxyType, TracebackType

from foi.errors import ConfigError, DeliveryError

SECURITY_CHOICES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}

# Headers build_message sets itself; extra_headers may not override them.
_MANAGED_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "reply-to",
        "sender",
        "subject",
        "date",
        "message-id",
        "in-reply-to",
        "references",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "content-disposition",
        "return-path",
    }
)
_FIELD_NAME = re.compile(r"[!-9;-~]+")  # RFC 5322 ftext: printable ASCII except ":"
_MSG_ID = re.compile(r"[!-;=?-~]+@[!-;=?-~]+")  # printable ASCII, no "<", ">" or spaces
_LINE_BREAKS = frozenset(
    "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
)  # what str.splitlines splits on
_LOOPBACK = re.compile(r"localhost|127(?:\.\d{1,3}){3}|::1|\[::1\]", re.IGNORECASE)


class OutboxError(DeliveryError):
    """Mail could not be built, sent or written; the message is one line and never a password."""

    def __init__(
        self, message: str, *, uncertain: bool = False, smtp_code: int | None = None
    ) -> None:
        super().__init__(message)
        self.uncertain = uncertain  # True: the server may have accepted it (reply never came)
        self.smtp_code = smtp_code  # the server's reply code, when there was one


class HeaderInjectionError(OutboxError):
    """A header value holds a line break or control character."""


class SmtpSettingsError(OutboxError, ConfigError):
    """An SMTP setting is missing or inconsistent."""

    exit_code = ConfigError.exit_code


_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{6,}={0,2}")


def _base64_cores(secret: bytes) -> list[str]:
    """The part of base64 that any encoding holding `secret` shows, at each of the three
    alignments it can start at (AUTH PLAIN encodes "\\0user\\0password" together)."""
    cores = []
    for k in range(3):
        enc = base64.b64encode(b"\0" * k + secret).decode("ascii")
        first, last = -(-8 * k // 6), 8 * (k + len(secret)) // 6
        cores.append(enc[first:last])
    return [c for c in cores if len(c) >= 6]


def scrub(text: str, secret: str | None) -> str:
    """`text` with the secret masked as ``***``: as it is, base64-encoded (AUTH PLAIN and
    LOGIN send it so), or inside any base64 run that decodes to something holding it."""
    if not secret:
        return text
    raw = secret.encode("utf-8")
    text = text.replace(secret, "***")
    for core in _base64_cores(raw):
        text = text.replace(core, "***")

    def check(m: re.Match[str]) -> str:
        token = m.group(0)
        try:
            decoded = base64.b64decode(token + "=" * (-len(token) % 4), validate=False)
        except (ValueError, binascii.Error):
            return token
        return "***" if raw in decoded else token

    return _BASE64_RUN.sub(check, text)


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server; the password never appears in repr()."""

    host: str
    port: int | None
    user: str | None
    password: str | None = field(repr=False)
    security: str  # none | starttls | ssl
    timeout: float = 30.0
    local_hostname: str | None = None  # EHLO name; None lets smtplib use this machine's FQDN

    def __repr__(self) -> str:
        shown = "'***'" if self.password else "None"
        return (
            f"SmtpSettings(host={self.host!r}, port={self.port!r}, user={self.user!r}, "
            f"password={shown}, security={self.security!r}, timeout={self.timeout!r})"
        )

    @property
    def effective_port(self) -> int:
        """The port in use: the configured one or the default for the security mode."""
        return self.port if self.port is not None else DEFAULT_PORTS.get(self.security, 25)

    @property
    def where(self) -> str:
        """host:port, for messages."""
        return f"{self.host}:{self.effective_port}"


@dataclass(frozen=True)
class Envelope:
    """One finished letter and its addressing."""

    from_addr: str
    to_addr: str
    subject: str
    text: str
    message_id: str
    date: datetime
    reply_to: str | None = None
    bcc: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    extra_headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class SendResult:
    """Which recipients the server accepted, and the reply for each it refused."""

    accepted: tuple[str, ...]
    refused: Mapping[str, str]


# --- header checks ----------------------------------------------------------------------------


def check_header_value(name: str, value: str) -> str:
    """Return value unchanged, or raise HeaderInjectionError if it holds a line break or control."""
    for i, ch in enumerate(value):
        if ch in _LINE_BREAKS or ch == "\x00":
            raise HeaderInjectionError(
                f"{name} contains a line break or NUL ({ch!r} at position {i}): "
                "a header value must be a single line"
            )
        if (ord(ch) < 32 and ch != "\t") or ord(ch) == 127:
            raise HeaderInjectionError(
                f"{name} contains a control character ({ch!r} at position {i}): "
                "remove it from the letter's details"
            )
    return value


def _parse_address(value: str, what: str) -> Address:
    """Parse one address (display name allowed) with the email package's own parser."""
    check_header_value(what, value)
    text = value.strip()
    if not text:
        raise OutboxError(f"{what} is empty: give an address like 'Name <name@example.org>'")
    try:
        header = policy.default.header_factory("To", text)
        groups = header.groups
        defects = header.defects
    except Exception:  # the parser can raise IndexError and friends on junk
        groups, defects = (), ("unparseable",)
    if defects or len(groups) != 1 or groups[0].display_name is not None:
        raise OutboxError(f"{what} {text!r} is not a valid email address")
    addresses = groups[0].addresses
    if len(addresses) != 1:
        raise OutboxError(f"{what} {text!r} must be exactly one email address")
    addr = addresses[0]
    if not addr.username or not addr.domain:
        raise OutboxError(f"{what} {text!r} is not a valid email address")
    if not addr.username.isascii():
        raise OutboxError(
            f"{what} {text!r} has non-ASCII characters before the '@', which foi cannot send"
        )
    domain = addr.domain
    if not domain.startswith("["):
        if "." not in domain.strip(".") or domain.startswith(".") or domain.endswith("."):
            raise OutboxError(f"{what} {text!r} has no valid domain after the '@'")
        if not domain.isascii():
            try:
                domain = domain.encode("idna").decode("ascii")
            except UnicodeError:
                raise OutboxError(f"{what} {text!r} has an invalid domain") from None
    return Address(display_name=addr.display_name, username=addr.username, domain=domain.lower())


def check_address(value: str, what: str = "address") -> str:
    """Return one address normalised ('Name <a@b>' or 'a@b'), or raise OutboxError."""
    return str(_parse_address(value, what))


def addr_spec(value: str, what: str = "address") -> str:
    """The bare address (a@b) of 'Name <a@b>', for the SMTP envelope."""
    return _parse_address(value, what).addr_spec


def _unique(items: Iterable[str]) -> list[str]:
    """Items in order, without case-insensitive repeats."""
    seen: set[str] = set()
    out = []
    for item in items:
        if item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    return out


def envelope_recipients(env: Envelope) -> tuple[str, ...]:
    """The SMTP envelope recipients of a letter: To, then Bcc."""
    found = [addr_spec(env.to_addr, "To")]
    if env.bcc:
        found.append(addr_spec(env.bcc, "Bcc"))
    return tuple(_unique(found))


def _angle_id(value: str, what: str) -> str:
    """A message id as '<id>', from 'id' or '<id>'; OutboxError when malformed."""
    check_header_value(what, value)
    bare = value.strip()
    if bare.startswith("<") and bare.endswith(">"):
        bare = bare[1:-1]
    if not _MSG_ID.fullmatch(bare):
        raise OutboxError(f"{what} {value!r} is not a valid message id (expected 'left@right')")
    return f"<{bare}>"


# --- building ---------------------------------------------------------------------------------


def _slug(text: str, keep_case: bool = False) -> str:
    """ASCII letters, digits, '.', '_' and '-' only; other runs become one '-'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    if not keep_case:
        folded = folded.lower()
    return re.sub(r"[^A-Za-z0-9._-]+", "-", folded).strip("-._")


def make_message_id(reference: str, from_addr: str, unique: str) -> str:
    """A Message-ID (without <>) like 'foi-2026-0001.<unique>@<sender's domain>'; deterministic."""
    domain = _parse_address(from_addr, "From").domain.strip("[]")
    left = _slug(reference) or "foi"
    part = re.sub(r"[^A-Za-z0-9._-]+", "", unique)
    if not part:
        raise OutboxError("the unique part of a Message-ID is empty: pass e.g. uuid4().hex")
    return f"{left}.{part}@{domain}"


def _set_body(msg: EmailMessage, text: str) -> None:
    """UTF-8 text body: 7bit when plain ASCII with short lines, quoted-printable otherwise."""
    lines = text.splitlines() or [""]
    plain = text.isascii() and max(len(line) for line in lines) <= 78
    msg.set_content(text, charset="utf-8", cte=None if plain else "quoted-printable")


def build_message(env: Envelope, *, include_bcc: bool = False) -> EmailMessage:
    """The RFC 5322 message for a letter (Bcc header only with include_bcc, e.g. for .eml)."""
    if env.date.tzinfo is None or env.date.utcoffset() is None:
        raise OutboxError("the message date must be timezone-aware (UTC)")
    msg = EmailMessage(policy=policy.default)
    msg["From"] = check_address(env.from_addr, "From")
    msg["To"] = check_address(env.to_addr, "To")
    if include_bcc and env.bcc:
        msg["Bcc"] = check_address(env.bcc, "Bcc")
    if env.reply_to:
        msg["Reply-To"] = check_address(env.reply_to, "Reply-To")
    msg["Subject"] = check_header_value("Subject", env.subject)
    msg["Date"] = format_datetime(env.date)
    msg["Message-ID"] = _angle_id(env.message_id, "Message-ID")
    if env.in_reply_to:
        msg["In-Reply-To"] = _angle_id(env.in_reply_to, "In-Reply-To")
    if env.references:
        msg["References"] = " ".join(_angle_id(r, "References") for r in env.references)
    for name, value in env.extra_headers.items():
        if not _FIELD_NAME.fullmatch(name):
            raise HeaderInjectionError(f"header name {name!r} is not a valid header field name")
        if name.lower() in _MANAGED_HEADERS:
            raise OutboxError(f"header {name} is set by foi and cannot be given as an extra header")
        msg[name] = check_header_value(name, value)
    _set_body(msg, env.text)
    return msg


def message_bytes(msg: EmailMessage) -> bytes:
    """The message as bytes with CRLF line endings (policy SMTP)."""
    return msg.as_bytes(policy=policy.SMTP)


def _without_bcc(msg: EmailMessage) -> EmailMessage:
    """The message without Bcc/Resent-Bcc headers (a copy when there were any)."""
    if "Bcc" not in msg and "Resent-Bcc" not in msg:
        return msg
    out = copy.deepcopy(msg)
    del out["Bcc"]
    del out["Resent-Bcc"]
    return out


# --- SMTP -------------------------------------------------------------------------------------


def check_smtp_settings(
    host: str | None,
    port: int | None,
    user: str | None,
    password: str | None,
    security: str | None,
    from_addr: str | None,
    timeout: float = 30.0,
) -> SmtpSettings:
    """Validated SmtpSettings, or SmtpSettingsError naming the setting and its variable."""
    host = (host or "").strip()
    if not host:
        raise SmtpSettingsError(
            "no SMTP server configured: set FOI_SMTP_HOST (or [smtp] host in the config file)"
        )
    if any(ch.isspace() for ch in host) or "/" in host:
        raise SmtpSettingsError(f"FOI_SMTP_HOST {host!r} is not a host name")
    if not (from_addr or "").strip():
        raise SmtpSettingsError(
            "no sender address configured: set FOI_FROM (or [smtp] from in the config file), "
            "e.g. 'Your Name <you@example.org>'"
        )
    try:
        check_address(from_addr or "", "FOI_FROM")
    except OutboxError as exc:
        raise SmtpSettingsError(str(exc)) from None
    mode = (security or "starttls").strip().lower()
    if mode not in SECURITY_CHOICES:
        raise SmtpSettingsError(
            f"FOI_SMTP_SECURITY must be one of {', '.join(SECURITY_CHOICES)}, got {security!r}"
        )
    if port is not None and not 0 < port < 65536:
        raise SmtpSettingsError(f"FOI_SMTP_PORT must be between 1 and 65535, got {port}")
    effective = port if port is not None else DEFAULT_PORTS[mode]
    # These pairings fail only after a long timeout (each side waits for the other to speak).
    if effective == 465 and mode != "ssl":
        raise SmtpSettingsError(
            f"port 465 expects TLS from the start: set FOI_SMTP_SECURITY=ssl (not {mode})"
        )
    if effective in (25, 587) and mode == "ssl":
        raise SmtpSettingsError(
            f"port {effective} does not speak TLS from the start: "
            "set FOI_SMTP_SECURITY=starttls (or FOI_SMTP_PORT=465)"
        )
    user = (user or "").strip() or None
    if password and not user:
        raise SmtpSettingsError("FOI_SMTP_PASSWORD is set but FOI_SMTP_USER is not: set both")
    if user and not password:
        raise SmtpSettingsError("FOI_SMTP_USER is set but FOI_SMTP_PASSWORD is not: set both")
    if password and mode == "none" and not _LOOPBACK.fullmatch(host):
        raise SmtpSettingsError(
            f"refusing to send the SMTP password to {host} unencrypted: "
            "set FOI_SMTP_SECURITY=starttls or ssl"
        )
    if timeout <= 0:
        raise SmtpSettingsError(f"FOI_SMTP_TIMEOUT must be positive, got {timeout}")
    return SmtpSettings(
        host=host, port=port, user=user, password=password, security=mode, timeout=timeout
    )


def _reply_text(code: int, resp: bytes | str) -> str:
    """'550 5.1.1 No such user' on one line."""
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return f"{code} {' '.join(text.split())}".strip()


def _os_reason(exc: BaseException) -> str:
    """A short human reason for a socket or TLS failure."""
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        return f"certificate check failed: {exc.verify_message}"
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return str(exc.reason).replace("_", " ").lower()
    if isinstance(exc, TimeoutError | smtplib.SMTPServerDisconnected) and not str(exc):
        return "timed out" if isinstance(exc, TimeoutError) else "connection closed"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


class _Dropped(Exception):
    """The connection went away before the message was handed over (safe to retry)."""

    def __init__(self, stage: str, reason: str) -> None:
        super().__init__(f"{stage}: {reason}")
        self.stage = stage
        self.reason = reason


class SmtpTransport:
    """An SMTP connection for a batch of messages: `with SmtpTransport(s) as t: t.send(...)`."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._in_batch = False

    def __enter__(self) -> SmtpTransport:
        self._in_batch = True
        self._smtp = self._connect()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._in_batch = False
        self.close()

    def close(self) -> None:
        """Say QUIT and close the connection, ignoring a server that already went away."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def _discard(self) -> None:
        """Drop a broken connection without talking to the server."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    def _scrub(self, text: str) -> str:
        """Remove the password from a message, should a server ever echo it (see `scrub`)."""
        return scrub(text, self.settings.password)

    def _fail(
        self, text: str, *, uncertain: bool = False, smtp_code: int | None = None
    ) -> OutboxError:
        """An OutboxError whose message cannot contain the password."""
        return OutboxError(self._scrub(text), uncertain=uncertain, smtp_code=smtp_code)

    def _connect(self) -> smtplib.SMTP:
        """Open, secure and log in; OutboxError saying host:port and which step failed."""
        s = self.settings
        where = s.where
        context = ssl.create_default_context()
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host,
                    s.effective_port,
                    local_hostname=s.local_hostname,
                    timeout=s.timeout,
                    context=context,
                )
            else:
                smtp = smtplib.SMTP(
                    s.host, s.effective_port, local_hostname=s.local_hostname, timeout=s.timeout
                )
        except ssl.SSLError as exc:
            raise self._fail(
                f"TLS with SMTP server {where} failed: {_os_reason(exc)} "
                "— check FOI_SMTP_SECURITY (ssl for port 465, starttls for 587)"
            ) from None
        except smtplib.SMTPConnectError as exc:
            raise self._fail(
                f"SMTP server {where} refused the connection: {_reply_text(exc.smtp_code, exc.smtp_error)}",
                smtp_code=exc.smtp_code,
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise self._fail(
                f"cannot connect to SMTP server {where}: {_os_reason(exc)} "
                "— check FOI_SMTP_HOST and FOI_SMTP_PORT"
            ) from None
        step = "greeting"
        try:
            smtp.ehlo_or_helo_if_needed()
            if s.security == "starttls":
                step = "STARTTLS"
                if not smtp.has_extn("starttls"):
                    raise self._fail(
                        f"SMTP server {where} does not offer STARTTLS "
                        "— check FOI_SMTP_SECURITY and FOI_SMTP_PORT"
                    )
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.user:
                step = "login"
                smtp.login(s.user, s.password or "")
        except OutboxError:
            smtp.close()
            raise
        except UnicodeError:
            smtp.close()
            raise SmtpSettingsError(
                f"SMTP login to {where} failed: the user name or password has characters "
                "that are not ASCII, which SMTP login cannot send "
                "— check FOI_SMTP_USER/FOI_SMTP_PASSWORD"
            ) from None
        except smtplib.SMTPAuthenticationError as exc:
            smtp.close()
            raise self._fail(
                f"SMTP login to {where} failed: {_reply_text(exc.smtp_code, exc.smtp_error)} "
                "— check FOI_SMTP_USER/FOI_SMTP_PASSWORD",
                smtp_code=exc.smtp_code,
            ) from None
        except smtplib.SMTPNotSupportedError:
            smtp.close()
            raise self._fail(
                f"SMTP server {where} does not offer login (AUTH) on this connection "
                "— check FOI_SMTP_SECURITY, or unset FOI_SMTP_USER"
            ) from None
        except ssl.SSLError as exc:
            smtp.close()
            raise self._fail(
                f"TLS with SMTP server {where} failed: {_os_reason(exc)} — check FOI_SMTP_SECURITY"
            ) from None
        except smtplib.SMTPResponseException as exc:
            smtp.close()
            raise self._fail(
                f"SMTP {step} with {where} failed: {_reply_text(exc.smtp_code, exc.smtp_error)}",
                smtp_code=exc.smtp_code,
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            smtp.close()
            raise self._fail(f"SMTP {step} with {where} failed: {_os_reason(exc)}") from None
        return smtp

    def send(self, msg: EmailMessage, from_addr: str, recipients: Sequence[str]) -> SendResult:
        """Deliver one message; OutboxError if it cannot be handed over to any recipient."""
        sender = addr_spec(from_addr, "From")
        rcpts = _unique(addr_spec(r, "recipient") for r in recipients)
        if not rcpts:
            raise OutboxError("the message has no recipients")
        data = message_bytes(_without_bcc(msg))
        try:
            for attempt in (1, 2):
                reused = self._smtp is not None
                if self._smtp is None:
                    self._smtp = self._connect()
                try:
                    return self._transaction(self._smtp, sender, rcpts, data)
                except _Dropped as exc:
                    self._discard()
                    if attempt == 1 and reused:
                        continue  # the server closed an idle connection: once more, afresh
                    raise self._fail(
                        f"SMTP server {self.settings.where} closed the connection during "
                        f"{exc.stage}: {exc.reason} — nothing was sent; try again later"
                    ) from None
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            if not self._in_batch:
                self.close()

    def _transaction(
        self, smtp: smtplib.SMTP, sender: str, rcpts: list[str], data: bytes
    ) -> SendResult:
        """MAIL, RCPT, DATA on an open connection."""
        where = self.settings.where

        def call(stage: str, fn: object, *args: object) -> tuple[int, bytes]:
            try:
                code, resp = fn(*args)  # type: ignore[operator]
            except smtplib.SMTPServerDisconnected as exc:
                raise _Dropped(stage, _os_reason(exc)) from None
            except OSError as exc:
                raise _Dropped(stage, _os_reason(exc)) from None
            if code == 421:  # RFC 5321 4.2.2: the server is closing the channel
                raise _Dropped(stage, _reply_text(code, resp))
            return code, resp

        def reset() -> None:
            try:
                smtp.rset()
            except (smtplib.SMTPException, OSError):
                self._discard()

        options: list[str] = []
        if not data.isascii():
            if not smtp.has_extn("8bitmime"):
                raise OutboxError(
                    f"SMTP server {where} does not accept 8-bit messages (no 8BITMIME)"
                )
            options.append("BODY=8BITMIME")
        code, resp = call("MAIL FROM", smtp.mail, sender, options)
        if code != 250:
            reset()
            hint = (
                " — the server wants a login: set FOI_SMTP_USER/FOI_SMTP_PASSWORD"
                if code == 530
                else " — check FOI_FROM"
            )
            raise self._fail(
                f"SMTP server {where} refused the sender {sender}: {_reply_text(code, resp)}{hint}",
                smtp_code=code,
            )
        accepted: list[str] = []
        refused: dict[str, str] = {}
        last_code = 0
        for rcpt in rcpts:
            code, resp = call("RCPT TO", smtp.rcpt, rcpt)
            if code in (250, 251):
                accepted.append(rcpt)
            else:
                refused[rcpt] = _reply_text(code, resp)
                last_code = code
        if not accepted:
            reset()
            detail = "; ".join(f"{r}: {reply}" for r, reply in refused.items())
            raise self._fail(
                f"SMTP server {where} refused every recipient: {detail}", smtp_code=last_code
            )
        code, resp = call("DATA", smtp.docmd, "DATA")
        if code != 354:
            reset()
            raise self._fail(
                f"SMTP server {where} refused to take the message: {_reply_text(code, resp)}",
                smtp_code=code,
            )
        payload = re.sub(rb"(?m)^\.", b"..", data)  # RFC 5321 4.5.2 dot-stuffing
        if not payload.endswith(b"\r\n"):
            payload += b"\r\n"
        try:
            smtp.send(payload + b".\r\n")
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            # sendall failed, so the final "." never left: the server discards the message.
            raise _Dropped("DATA", _os_reason(exc)) from None
        try:
            code, resp = smtp.getreply()
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            # The whole message went out; only the server's verdict is missing.
            self._discard()
            raise self._fail(
                f"SMTP server {where} went away before confirming the message "
                f"({_os_reason(exc)}): it may have been sent — check before sending again",
                uncertain=True,
            ) from None
        if code != 250:
            if code == 421:
                self._discard()
            else:
                reset()
            raise self._fail(
                f"SMTP server {where} rejected the message: {_reply_text(code, resp)}",
                smtp_code=code,
            )
        return SendResult(accepted=tuple(accepted), refused=MappingProxyType(refused))


# --- files ------------------------------------------------------------------------------------


def safe_stem(text: str) -> str:
    """A filename stem: 'FOI-2026-0001 Surrey and Borders' -> 'FOI-2026-0001-surrey-and-borders'."""
    match = re.match(r"\s*([A-Za-z]+-\d{4}-\d+)(?![A-Za-z0-9])", text)
    head = match.group(1) if match else ""
    rest = _slug(text[match.end() :] if match else text)
    stem = "-".join(part for part in (head, rest) if part)[:120].strip("-._")
    return stem or "letter"


def _check_stem(stem: str) -> None:
    """Refuse a stem that is empty, hidden, or escapes the folder."""
    if not stem or stem.startswith(".") or "/" in stem or "\\" in stem or "\x00" in stem:
        raise OutboxError(f"{stem!r} cannot be used as a file name: use safe_stem()")


def _atomic_write(folder: Path, name: str, data: bytes) -> Path:
    """Write data to folder/name atomically (mode 600, folder 700)."""
    from foi.files import FileWriteError, write_atomic

    try:
        return write_atomic(Path(folder) / name, data)
    except FileWriteError as exc:
        raise OutboxError(exc.message) from None


def write_eml(folder: Path, filename_stem: str, msg: EmailMessage, *, draft: bool = False) -> Path:
    """Write msg atomically to folder/<stem>.eml (CRLF, mode 600); draft adds 'X-Unsent: 1'."""
    _check_stem(filename_stem)
    if draft and "X-Unsent" not in msg:
        msg = copy.deepcopy(msg)
        msg["X-Unsent"] = "1"  # Outlook opens such a file as a message ready to send
    return _atomic_write(Path(folder), f"{filename_stem}.eml", message_bytes(msg))


def long_date(d: date) -> str:
    """A date as a letter gives it: 5 December 2026."""
    return f"{d.day} {d:%B %Y}"


def printable_letter(
    *,
    text: str,
    subject: str,
    reference: str,
    body_name: str,
    to_address: str | None,
    route: str,
    sender_name: str | None,
    sender_address: str | None,
    sender_email: str | None,
    on: date,
) -> str:
    """A letter that stands alone on paper or in a web form: no instructions for the user.

    Post: the sender's address, the date, the body's address block and our reference, so a
    reply on paper can be matched. A web form: where to paste it (the form's address, above
    a cut line), then the date and our reference above the text.
    """
    lines: list[str] = []
    if route == "web-form" and to_address:
        lines.append(f"Paste everything below the line into the web form at {to_address}")
        lines.append("-" * 72)
    if route == "post":
        for part in (
            sender_name,
            *(sender_address or "").replace("\n", ",").split(","),
            sender_email,
        ):
            if part and part.strip():
                lines.append(part.strip())
        lines.append("")
    lines.append(long_date(on))
    lines.append("")
    if route == "post":
        block = [p.strip() for p in (to_address or "").replace("\n", ",").split(",") if p.strip()]
        if not block or block[0].lower() != body_name.lower():
            block.insert(0, body_name)
        lines.extend(block)
        lines.append("")
    lines.append(f"Our reference: {reference}")
    lines.append("")
    lines.append(subject)
    lines.append("")
    return "\n".join(lines) + "\n" + text.lstrip("\n")


def write_text_letter(folder: Path, filename_stem: str, text: str) -> Path:
    """Write a letter atomically to folder/<stem>.txt (UTF-8, mode 600)."""
    _check_stem(filename_stem)
    if not text.endswith("\n"):
        text += "\n"
    return _atomic_write(Path(folder), f"{filename_stem}.txt", text.encode("utf-8"))
