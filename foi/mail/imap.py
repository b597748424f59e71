"""Reading an IMAP mailbox: connect, log in, open a folder, list UIDs, fetch in batches, move.

No database here: ``foi.mail.fetch`` decides what to read and records how far it got.

The client is the standard library's ``imaplib``, not ``imapclient``: foi needs only a handful
of commands (LOGIN, SELECT, UID SEARCH, UID FETCH, UID MOVE), which ``imaplib`` speaks as
well, and it adds no dependency to install, audit or keep in step with Python. Its replies
are raw, so the little parsing needed (UIDVALIDITY, the UID of each fetched message) is done
here, in one place.

Security: ``ssl`` (IMAPS, port 993) by default; ``starttls`` (port 143, upgraded before the
password is sent); ``none`` only to a loopback address, so a password never crosses a network
in clear. Certificates are checked against the system's trusted authorities (``SSL_CERT_FILE``
is honoured). Every failure becomes one line: a refused login is a configuration error (exit
6), a missing folder is not found (exit 3), an unreachable server, a refused certificate or a
dropped connection is a mailbox error (exit 8).
"""

from __future__ import annotations

import contextlib
import imaplib
import ipaddress
import re
import socket
import ssl
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import TracebackType
from typing import BinaryIO

from foi.config import Settings
from foi.errors import ConfigError, MailboxError, NotFoundError
from foi.mail.sources import RawMessage

__all__ = ["FetchedMessage", "ImapConfig", "ImapMailbox", "imap_config", "is_loopback"]

DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "none": 143}
TIMEOUT = 60.0  # seconds without an answer before the connection counts as lost
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_UID_RE = re.compile(rb"\bUID (\d+)")
_SIZE_RE = re.compile(rb"\bRFC822\.SIZE (\d+)")


@dataclass(frozen=True)
class ImapConfig:
    """Where the mailbox is and how to log in (the password is never shown)."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    security: str
    folder: str

    @property
    def account(self) -> str:
        """The mailbox's name in foi's records: user@host:port (no password)."""
        return f"{self.user}@{self.host}:{self.port}"


_PIECE = 1024 * 1024  # a spooled message is read from the socket this much at a time


class _Spooled(bytes):
    """What `read` returns in place of a literal it wrote to a file: empty, with the file."""

    spool: BinaryIO


@dataclass(frozen=True)
class FetchedMessage(RawMessage):
    """A message read from an IMAP folder, with its UID there."""

    uid: int = 0


def is_loopback(host: str) -> bool:
    """Whether a host name or address is this machine (the only place plain IMAP is allowed)."""
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def imap_config(settings: Settings, folder: str | None = None) -> ImapConfig:
    """The IMAP settings, complete and safe, or a ConfigError naming what to set."""
    missing = [
        var
        for var, value in (
            ("FOI_IMAP_HOST", settings.imap_host),
            ("FOI_IMAP_USER", settings.imap_user),
            ("FOI_IMAP_PASSWORD", settings.imap_password),
        )
        if not value
    ]
    if missing:
        raise ConfigError(
            f"reading the mailbox needs {', '.join(missing)}: set them in the environment "
            "or in the [imap] section of a private config file"
        )
    assert settings.imap_host and settings.imap_user and settings.imap_password
    security = settings.imap_security
    if security == "none" and not is_loopback(settings.imap_host):
        raise ConfigError(
            f"FOI_IMAP_SECURITY=none sends the password in clear: allowed only to a loopback "
            f"address, not {settings.imap_host}; use ssl or starttls"
        )
    return ImapConfig(
        host=settings.imap_host,
        port=settings.imap_port or DEFAULT_PORTS[security],
        user=settings.imap_user,
        password=settings.imap_password,
        security=security,
        folder=folder or settings.imap_folder or "INBOX",
    )


def imap_date(day: date) -> str:
    """A date as IMAP SEARCH wants it (English month names whatever the locale): 5-Dec-2026."""
    return f"{day.day}-{_MONTHS[day.month - 1]}-{day.year}"


def quote_folder(name: str) -> str:
    """A folder name as an IMAP quoted string."""
    if not name.isascii() or any(c in name for c in "\r\n\x00"):
        # Non-ASCII names need modified UTF-7, which imaplib does not do.
        raise ConfigError(f"IMAP folder {name!r}: only plain ASCII folder names are supported")
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def uid_set(uids: Sequence[int]) -> str:
    """UIDs as an IMAP sequence set, runs collapsed: 1:3,7."""
    parts: list[str] = []
    ordered = sorted(set(uids))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}:{ordered[j]}")
        i = j + 1
    return ",".join(parts)


def _text(data: object) -> str:
    """A server's reply as one printable line (for error messages)."""
    if isinstance(data, list | tuple):
        data = b" ".join(d if isinstance(d, bytes) else str(d).encode() for d in data if d)
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    return " ".join(str(data).split())[:200]


def _why(exc: BaseException) -> str:
    """An exception's message as one line (imaplib gives the server's words as bytes)."""
    return _text(exc.args[0] if exc.args else str(exc))


class ImapMailbox:
    """One logged-in IMAP connection (a context manager); every failure is one FoiError line."""

    def __init__(
        self, config: ImapConfig, timeout: float = TIMEOUT, spool_bytes: int = 4 * 1024 * 1024
    ) -> None:
        self.config = config
        self.timeout = timeout
        self.spool_bytes = spool_bytes  # a message over this is streamed to a temporary file
        self.conn: imaplib.IMAP4 | None = None
        self.folder: str | None = None
        self.uidvalidity: int | None = None
        self.capabilities: set[str] = set()

    @property
    def where(self) -> str:
        """host:port, for messages."""
        return f"{self.config.host}:{self.config.port}"

    def __enter__(self) -> ImapMailbox:
        self.connect()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextlib.contextmanager
    def _guard(self, doing: str) -> Iterator[None]:
        """Turn a network, TLS or protocol failure into one MailboxError line."""
        try:
            yield
        except ssl.SSLCertVerificationError as exc:
            raise MailboxError(
                f"IMAP server {self.where}: its certificate is not trusted "
                f"({exc.verify_message or exc.reason}): fix the server's certificate, or point "
                "SSL_CERT_FILE at the authority that signed it"
            ) from None
        except ssl.SSLError as exc:
            raise MailboxError(
                f"IMAP server {self.where}: TLS failed while {doing} ({exc.reason or exc}): "
                "check FOI_IMAP_SECURITY (ssl for port 993, starttls for 143) and FOI_IMAP_PORT"
            ) from None
        except socket.gaierror:
            raise MailboxError(
                f"cannot find IMAP server {self.config.host!r}: check FOI_IMAP_HOST"
            ) from None
        except TimeoutError:
            raise MailboxError(
                f"IMAP server {self.where} did not answer while {doing} (timed out): "
                "try again later; nothing read so far is lost"
            ) from None
        except ConnectionRefusedError:
            raise MailboxError(
                f"cannot connect to IMAP server {self.where} (connection refused): "
                "check FOI_IMAP_HOST and FOI_IMAP_PORT"
            ) from None
        except (imaplib.IMAP4.abort, OSError, EOFError) as exc:
            reason = getattr(exc, "strerror", None) or _why(exc) or type(exc).__name__
            raise MailboxError(
                f"connection to IMAP server {self.where} lost while {doing} ({reason}): "
                "run the fetch again; nothing already imported is lost or repeated"
            ) from None
        except imaplib.IMAP4.error as exc:
            raise MailboxError(f"IMAP server {self.where} refused {doing}: {_why(exc)}") from None

    def _check(self, typ: str, data: object, doing: str) -> None:
        if typ != "OK":
            raise MailboxError(f"IMAP server {self.where} refused {doing}: {_text(data)}")

    def connect(self) -> None:
        """Connect with the configured security and log in."""
        cfg = self.config
        with self._guard("connecting"):
            if cfg.security == "ssl":
                self.conn = imaplib.IMAP4_SSL(
                    cfg.host,
                    cfg.port,
                    ssl_context=ssl.create_default_context(),
                    timeout=self.timeout,
                )
            else:
                self.conn = imaplib.IMAP4(cfg.host, cfg.port, timeout=self.timeout)
                if cfg.security == "starttls":
                    if "STARTTLS" not in self.conn.capabilities:
                        raise MailboxError(
                            f"IMAP server {self.where} does not offer STARTTLS: use "
                            "FOI_IMAP_SECURITY=ssl (and its port, usually 993)"
                        )
                    self.conn.starttls(ssl.create_default_context())
        assert self.conn is not None
        with self._guard("the login"):
            try:
                self.conn.login(cfg.user, cfg.password)
            except imaplib.IMAP4.abort:
                raise
            except imaplib.IMAP4.error as exc:
                raise ConfigError(
                    f"IMAP login refused for {cfg.user} at {self.where} ({_why(exc)}): "
                    "check FOI_IMAP_USER and FOI_IMAP_PASSWORD"
                ) from None
            # Servers announce more (MOVE, UIDPLUS) once logged in; imaplib keeps the first list.
            typ, data = self.conn.capability()
            if typ == "OK" and data and data[0]:
                self.capabilities = set(data[0].decode("ascii", "replace").upper().split())
            else:
                self.capabilities = set(self.conn.capabilities)

    def close(self) -> None:
        """Log out (quietly: the connection may already be gone)."""
        if self.conn is None:
            return
        with contextlib.suppress(Exception):
            if self.folder is not None:
                self.conn.close()
        with contextlib.suppress(Exception):
            self.conn.logout()
        with contextlib.suppress(Exception):
            self.conn.shutdown()
        self.conn = None

    def _c(self) -> imaplib.IMAP4:
        if self.conn is None:
            raise MailboxError("not connected to the IMAP server")
        return self.conn

    def folders(self) -> list[str]:
        """The names of the mailbox's folders (for error messages)."""
        with self._guard("listing folders"):
            typ, data = self._c().list()
        names = []
        if typ == "OK":
            for line in data:
                if isinstance(line, bytes):
                    m = re.match(rb'\(.*?\) (?:"[^"]*"|NIL) (.*)$', line)
                    if m:
                        names.append(m.group(1).decode("utf-8", "replace").strip('"'))
        return sorted(names)

    def _missing(self, folder: str, setting: str) -> NotFoundError:
        known = ", ".join(self.folders()[:20]) or "none listed"
        return NotFoundError(
            f"IMAP folder {folder!r} does not exist on {self.where} ({setting}; folders: {known})"
        )

    def open(self, folder: str) -> int:
        """Select a folder for reading and moving; returns its UIDVALIDITY."""
        conn = self._c()
        with self._guard(f"opening folder {folder!r}"):
            typ, _data = conn.select(quote_folder(folder))
            if typ != "OK":
                raise self._missing(folder, "check FOI_IMAP_FOLDER or --folder")
            _, values = conn.response("UIDVALIDITY")
        try:
            self.uidvalidity = int(values[0])  # type: ignore[index,arg-type]
        except (TypeError, ValueError, IndexError):
            raise MailboxError(
                f"IMAP server {self.where} gave no UIDVALIDITY for {folder!r}: "
                "it cannot be read exactly once"
            ) from None
        self.folder = folder
        return self.uidvalidity

    def check_folder(self, folder: str) -> None:
        """Refuse a folder that does not exist (before anything is moved to it)."""
        with self._guard(f"looking for folder {folder!r}"):
            typ, _ = self._c().status(quote_folder(folder), "(MESSAGES)")
        if typ != "OK":
            raise self._missing(folder, "check --move-to")

    def uids(self, after: int = 0, since: date | None = None) -> list[int]:
        """UIDs above `after` in the open folder (arrived on or after `since`), in order."""
        criteria = [f"UID {after + 1}:*"]
        if since is not None:
            criteria.append(f"SINCE {imap_date(since)}")
        with self._guard("listing messages"):
            typ, data = self._c().uid("SEARCH", *criteria)
        self._check(typ, data, "the message search")
        found = [int(x) for x in b" ".join(d for d in data if d).split()]
        # "n:*" always matches the last message, even when its UID is below n.
        return sorted(u for u in set(found) if u > after)

    def sizes(self, uids: Sequence[int]) -> dict[int, int]:
        """The size in bytes of each message (to keep a batch's memory bounded)."""
        if not uids:
            return {}
        with self._guard("listing message sizes"):
            typ, data = self._c().uid("FETCH", uid_set(uids), "(UID RFC822.SIZE)")
        self._check(typ, data, "listing message sizes")
        found: dict[int, int] = {}
        for item in data:
            line = item[0] if isinstance(item, tuple) else item
            if not isinstance(line, bytes):
                continue
            uid, size = _UID_RE.search(line), _SIZE_RE.search(line)
            if uid and size:
                found[int(uid.group(1))] = int(size.group(1))
        return found

    def fetch(self, uids: Sequence[int]) -> list[FetchedMessage]:
        """The raw messages with these UIDs (without marking them read), in UID order.

        A message over `spool_bytes` is streamed from the socket into an unnamed temporary
        file as it arrives and handed on as `spool` (as `foi.mail.sources` does for a big
        file), so it is never held in memory whole.
        """
        if not uids:
            return []
        conn = self._c()
        conn.read = self._spooling_reader(conn)  # type: ignore[method-assign]
        try:
            with self._guard("fetching messages"):
                typ, data = conn.uid("FETCH", uid_set(uids), "(UID BODY.PEEK[])")
        finally:
            del conn.read  # imaplib's own again
        self._check(typ, data, "fetching messages")
        found: dict[int, bytes] = {}
        for item in data:
            if not isinstance(item, tuple) or len(item) < 2:
                continue
            m = _UID_RE.search(item[0])
            if m is None:
                continue
            found[int(m.group(1))] = item[1]
        folder = self.folder or ""
        return [
            FetchedMessage(
                source=f"imap://{self.config.host}/{folder};UIDVALIDITY={self.uidvalidity}/;UID={u}",
                raw=b"" if isinstance(found[u], _Spooled) else found[u],
                spool=found[u].spool if isinstance(found[u], _Spooled) else None,  # type: ignore[attr-defined]
                uid=u,
            )
            for u in sorted(found)
            if u in set(uids)
        ]

    def _spooling_reader(self, conn: imaplib.IMAP4) -> Callable[[int], bytes]:
        """imaplib's `read(size)` for literals, writing one over `spool_bytes` to a file."""
        own_read = conn.read
        limit = self.spool_bytes

        def read(size: int) -> bytes:
            if size <= limit:
                return own_read(size)
            spool = tempfile.TemporaryFile()  # noqa: SIM115 (handed on; unnamed: a kill leaves none)
            left = size
            while left:
                piece = conn.file.read(min(left, _PIECE))
                if not piece:
                    spool.close()
                    raise imaplib.IMAP4.abort("the connection closed in the middle of a message")
                spool.write(piece)
                left -= len(piece)
            spool.seek(0)
            marker = _Spooled()
            marker.spool = spool
            return marker

        return read

    def move(self, uids: Sequence[int], folder: str) -> None:
        """Move messages of the open folder to another (MOVE, or COPY then delete)."""
        if not uids:
            return
        conn = self._c()
        spec = uid_set(uids)
        target = quote_folder(folder)
        with self._guard(f"moving messages to {folder!r}"):
            if "MOVE" in self.capabilities:
                typ, data = conn.uid("MOVE", spec, target)
                self._check(typ, data, f"moving messages to {folder!r}")
                return
            typ, data = conn.uid("COPY", spec, target)
            self._check(typ, data, f"copying messages to {folder!r}")
            typ, data = conn.uid("STORE", spec, "+FLAGS.SILENT", r"(\Deleted)")
            self._check(typ, data, "marking moved messages deleted")
            if "UIDPLUS" in self.capabilities:
                typ, data = conn.uid("EXPUNGE", spec)
            else:
                typ, data = conn.expunge()
            self._check(typ, data, "removing moved messages")
