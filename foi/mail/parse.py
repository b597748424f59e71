"""Parse one raw incoming email into plain data: headers, text, attachments and a classification.

Pure: no database, no printing, no clock, no files. Every decision made here is about bytes the
caller hands in; ``foi.mail.inbox`` decides what to do with the result.

Design choices worth knowing:

* Decoding is done by hand from the raw header values (``Message.raw_items``) rather than through
  the ``email`` header objects, so that unknown or mislabelled charsets degrade to a best-effort
  decode with replacement characters instead of raising.  The message is parsed with
  ``policy.compat32``, which keeps headers as plain strings: ``policy.default`` would build a
  header object on every lookup, which cost half the parsing time and added nothing here.
* Charset labels follow the WHATWG habit: ``us-ascii``/``iso-8859-1`` are read as windows-1252,
  and any single-byte label on bytes that are valid UTF-8 is read as UTF-8 (Outlook and web forms
  mislabel constantly; genuine Latin-1 text is almost never valid multi-byte UTF-8).
* A forwarded or returned message (``message/rfc822``) is attached whole as ``.eml`` *and* its own
  attachments are extracted too, so documents an authority forwards are visible without opening
  the ``.eml``.  Its body text is not merged into ``text``; its subject and text are, however,
  searched for our reference tokens, because a bounce usually carries our original request only
  in the returned message.
* ``message/delivery-status`` and ``text/rfc822-headers`` parts of delivery reports are read for
  the bounced recipients and are not listed as attachments.
* Addresses are lower-cased (local-part case is never significant in practice, and matching needs
  one spelling).
"""

from __future__ import annotations

import binascii
import codecs
import hashlib
import mimetypes
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import collapse_rfc2231_value, getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

__all__ = [
    "REFERENCE_TOKEN_RE",
    "MailParseError",
    "ParsedAttachment",
    "ParsedMail",
    "content_hash",
    "html_to_text",
    "parse_message",
]

#: Our own request token, e.g. ``FOI-2026-0001``; put in every subject we send.
REFERENCE_TOKEN_RE = re.compile(r"(?<![\w-])FOI-\d{4}-\d{4,}(?![\w])", re.IGNORECASE)

MAX_FILENAME_LENGTH = 120


class MailParseError(ValueError):
    """Raised when nothing usable can be read from the bytes given."""


@dataclass(frozen=True)
class ParsedAttachment:
    """One attachment: a safe file name, the name as sent, its type and its bytes."""

    filename: str
    original_filename: str | None
    content_type: str
    data: bytes
    truncated_reason: str | None = None
    #: Size and SHA-256 of the attachment as sent: kept when its bytes are left out.
    size: int = 0
    sha256: str | None = None


@dataclass(frozen=True)
class ParsedMail:
    """Everything ``foi`` needs from one incoming message."""

    message_id: str | None
    subject: str
    from_addr: str | None
    from_name: str | None
    to: list[str]
    cc: list[str]
    date: datetime | None
    in_reply_to: list[str]
    references: list[str]
    text: str
    kind: str
    auto_reason: str | None
    bounced_recipients: list[str]
    reference_tokens: list[str]
    authority_refs: list[str]
    attachments: list[ParsedAttachment]
    defects: list[str]
    #: Delivered-To and X-Original-To: where the campaign's mailbox says it was delivered.
    delivered_to: list[str] = field(default_factory=list)
    #: A delivery report's Diagnostic-Code per failed recipient ("550 5.1.1 User unknown").
    diagnostics: list[str] = field(default_factory=list)


def content_hash(raw: bytes) -> str:
    """Return the SHA-256 hex digest of the raw message bytes."""
    return hashlib.sha256(bytes(raw)).hexdigest()


# --------------------------------------------------------------------------------------------
# Charsets

_CHARSET_ALIASES = {
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "gb2312": "gb18030",  # gb18030 is a superset; mail labelled gb2312 often uses gbk characters
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "x-sjis": "cp932",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
}
# Labels that in practice mean "some Western single-byte encoding" (WHATWG maps them to cp1252).
_WESTERN = {
    "us-ascii",
    "ascii",
    "ansi_x3.4-1968",
    "iso-8859-1",
    "iso8859-1",
    "latin1",
    "latin-1",
    "l1",
    "windows-1252",
    "cp1252",
    "iso-8859-15",
    "x-user-defined",
}


def _codec_for(charset: str | None) -> str | None:
    """Return a Python codec name for a declared charset, or None when unknown or absent."""
    if not charset:
        return None
    label = charset.strip().strip("\"'").lower()
    if not label or label in {"x-unknown", "unknown", "unknown-8bit", "default", "8bit", "none"}:
        return None
    label = _CHARSET_ALIASES.get(label, label)
    if label in _WESTERN:
        return "cp1252"
    if not label.isascii() or not label.isprintable():
        return None
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):
        return None


def _decode_cp1252(data: bytes) -> str:
    """Decode Windows-1252, mapping its five undefined bytes as Latin-1 rather than failing."""
    return "".join(
        chunk.decode("cp1252") if i % 2 == 0 else chunk.decode("latin-1")
        for i, chunk in enumerate(re.split(rb"([\x81\x8d\x8f\x90\x9d]+)", data))
    )


def _decode_bytes(
    data: bytes, charset: str | None, hints: Iterable[str] = ()
) -> tuple[str, str | None]:
    """Decode bytes best-effort; return the text and a note when a fallback was needed.

    ``hints`` are charsets seen elsewhere in the same message, tried when none is declared.
    """
    if not data:
        return "", None
    codec = _codec_for(charset)
    # ASCII-looking bytes are plain ASCII unless the charset is a 7-bit stateful encoding.
    if codec is None or not codec.startswith(("utf_7", "utf-7", "hz", "iso2022")):
        try:
            return data.decode("ascii"), None
        except UnicodeDecodeError:
            pass
    if codec in (None, "cp1252", "utf-8"):
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            pass
        if codec == "utf-8":
            return data.decode("utf-8", errors="replace"), "invalid UTF-8 decoded with replacement"
        if codec is None:
            for hint in hints:
                hint_codec = _codec_for(hint)
                if hint_codec in (None, "cp1252", "utf-8"):
                    continue
                try:
                    return data.decode(hint_codec), f"no charset declared; read as {hint}"
                except (UnicodeDecodeError, LookupError):
                    continue
            return _decode_cp1252(data), "no usable charset; read as windows-1252"
        return _decode_cp1252(data), None
    try:
        return data.decode(codec), None
    except (UnicodeDecodeError, LookupError):
        pass
    try:
        return data.decode("utf-8"), f"declared {charset} but UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode(codec, errors="replace"), f"invalid {charset} decoded with replacement"
    except (LookupError, UnicodeError):
        return _decode_cp1252(data), f"could not decode {charset}; read as windows-1252"


def _unescape_surrogates(text: str) -> str:
    """Turn surrogate-escaped raw 8-bit bytes (as the email parser stores them) into text."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    data = text.encode("utf-8", errors="surrogateescape")
    return _decode_bytes(data, None)[0]


_ENCODED_WORD_RE = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


def _decode_words(value: str) -> str:
    """Decode RFC 2047 encoded-words in a header value, tolerating bad charsets and padding."""
    value = _unescape_surrogates(value)
    if "=?" not in value:
        return value
    out: list[str] = []
    pending: bytearray = bytearray()
    pending_charset: str | None = None
    pos = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending:
            out.append(_decode_bytes(bytes(pending), pending_charset)[0])
        pending = bytearray()
        pending_charset = None

    for match in _ENCODED_WORD_RE.finditer(value):
        between = value[pos : match.start()]
        charset = match.group(1).split("*", 1)[0]
        if between and not (between.isspace() and pos > 0 and pending):
            flush()
            out.append(between)
        elif pending and charset.lower() != (pending_charset or "").lower():
            flush()
        encoding, text = match.group(2).lower(), match.group(3)
        try:
            if encoding == "b":
                text = re.sub(r"[^A-Za-z0-9+/]", "", text)
                if len(text) % 4 == 1:
                    text = text[:-1]  # a dangling sextet carries no whole byte
                chunk = binascii.a2b_base64(text + "=" * (-len(text) % 4))
            else:
                chunk = re.sub(
                    rb"=([0-9A-Fa-f]{2})",
                    lambda m: bytes([int(m.group(1), 16)]),
                    text.replace("_", " ").encode("ascii", errors="replace"),
                )
        except (binascii.Error, ValueError):
            chunk = match.group(0).encode("ascii", errors="replace")
        pending += chunk
        pending_charset = charset
        pos = match.end()
    flush()
    out.append(value[pos:])
    return "".join(out)


def _one_line(text: str) -> str:
    """Collapse all whitespace (including folded newlines) to single spaces."""
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------
# Headers


def _raw_values(msg: Message, name: str) -> list[str]:
    """Return every raw value of a header, unparsed, in order."""
    # Indexed once per part (parsing never changes a header): a message is asked dozens of
    # times, and walking every header each time cost a tenth of parsing.
    index: dict[str, list[str]] | None = getattr(msg, "_foi_headers", None)
    if index is None:
        index = {}
        for key, value in msg.raw_items():
            index.setdefault(key.lower(), []).append(str(value))
        msg._foi_headers = index  # type: ignore[attr-defined]
    return list(index.get(name.lower(), ()))


def _header(msg: Message, name: str) -> str | None:
    """Return the first value of a header, decoded and on one line, or None."""
    values = _raw_values(msg, name)
    if not values:
        return None
    return _one_line(_decode_words(values[0]))


_ADDR_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_VALID_ADDR_RE = re.compile(r"^[^@\s<>\"(),;:\[\]]+@[^@\s<>\"(),;:\[\]]+$")


def _address_pairs(values: Iterable[str]) -> list[tuple[str, str]]:
    """Parse address header values into (display name, address) pairs, lower-cased addresses."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        value = _unescape_surrogates(value).replace("\r", " ").replace("\n", " ")
        found: list[tuple[str, str]] = []
        try:
            parsed = getaddresses([value])
        except Exception:  # the stdlib parser has raised on hostile input
            parsed = []
        for name, addr in parsed:
            addr = addr.strip()
            if _VALID_ADDR_RE.match(addr):
                found.append((_one_line(_decode_words(name)), addr.lower()))
            elif name or addr:
                found.append((_one_line(_decode_words(name)), ""))
        if not any(addr for _, addr in found):
            scanned = [("", addr.lower()) for addr in _ADDR_RE.findall(value)]
            if scanned:
                found = scanned
        pairs.extend(found)
    return pairs


def _addresses(msg: Message, name: str) -> list[str]:
    """Return the distinct valid addresses of an address header, in order."""
    seen: list[str] = []
    for _, addr in _address_pairs(_raw_values(msg, name)):
        if addr and addr not in seen:
            seen.append(addr)
    return seen


_MSGID_RE = re.compile(r"<([^<>\s]+)>")


def _message_ids(value: str | None) -> list[str]:
    """Extract normalised message ids (without angle brackets) from a header value."""
    if not value:
        return []
    value = _unescape_surrogates(value)  # raw 8-bit bytes in the header: never store them
    ids = _MSGID_RE.findall(value)
    if not ids:
        ids = [tok.strip("<>,;") for tok in value.split() if "@" in tok]
    out: list[str] = []
    for mid in ids:
        if mid and mid not in out:
            out.append(mid)
    return out


def _parse_date(value: str | None) -> datetime | None:
    """Parse an RFC 5322 date to an aware UTC datetime; naive dates are taken as UTC."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


# --------------------------------------------------------------------------------------------
# HTML to text

_BLOCK_TAGS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "ul",
}
_PARAGRAPH_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol"}
_SKIP_TAGS = {"script", "style", "title", "noscript", "template", "xml", "head"}
_CELL_TAGS = {"td", "th"}


class _HTMLToText(HTMLParser):
    """Turn HTML into readable text: drop scripts and styles, keep paragraphs and line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.pre_depth = 0
        self.seen_body = False
        self.cells_in_row = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.seen_body = True
            self.skip_depth = 0  # a <head> left unclosed must not hide the body
        if tag in _SKIP_TAGS:
            if tag == "head" and self.seen_body:
                return
            self.skip_depth += 1
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag == "pre":
            self.pre_depth += 1
            self.parts.append("\n\n")
        elif tag in _PARAGRAPH_TAGS:
            self.parts.append("\n\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")
        elif tag == "tr":
            self.parts.append("\n")
            self.cells_in_row = 0
        elif tag in _CELL_TAGS:
            if self.cells_in_row:
                self.parts.append(" | ")
            self.cells_in_row += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "hr", "p", "div"}:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            if self.skip_depth:
                self.skip_depth -= 1
            return
        if tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)
            self.parts.append("\n\n")
        elif tag in _PARAGRAPH_TAGS:
            self.parts.append("\n\n")
        elif tag in _BLOCK_TAGS and tag != "li":  # a list item ends where the next begins
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.pre_depth:
            self.parts.append(data)
        else:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        """Return the collected text, tidied."""
        raw = "".join(self.parts).replace("\xa0", " ")
        lines = [re.sub(r"[ \t]{2,}", " ", line).strip() for line in raw.split("\n")]
        joined = "\n".join(lines)
        return re.sub(r"\n{3,}", "\n\n", joined).strip()


def html_to_text(html: str) -> str:
    """Convert an HTML document or fragment to plain text."""
    parser = _HTMLToText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient, but never let it sink a message
        return re.sub(r"<[^>]*>", " ", html)
    return parser.text()


# --------------------------------------------------------------------------------------------
# Parts


@dataclass
class _Context:
    """Mutable state gathered while walking one message."""

    max_bytes: int
    charset_hints: Iterable[str] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    used_names: set[str] = field(default_factory=set)
    nested_texts: list[str] = field(default_factory=list)
    dsn_blocks: list[dict[str, str]] = field(default_factory=list)
    text_cache: dict[int, str] = field(default_factory=dict)

    def defect(self, note: str) -> None:
        """Record a defect once."""
        note = _unescape_surrogates(note)  # it may quote raw 8-bit bytes: keep it storable
        if note not in self.defects:
            self.defects.append(note)


def _content_type(part: Message) -> str:
    """Return the part's lower-case content type, defaulting like the RFC says.

    Computed once per part: under the default policy every call re-parses the header, and
    the walk asks many times (the import benchmark found it was half the parsing time).
    """
    cached = getattr(part, "_foi_content_type", None)
    if cached is not None:
        return cached
    try:
        value = part.get_content_type()
    except Exception:
        value = "application/octet-stream"
    part._foi_content_type = value  # type: ignore[attr-defined]
    return value


def _disposition(part: Message) -> str | None:
    """Return 'inline', 'attachment' or None."""
    values = _raw_values(part, "Content-Disposition")
    if not values:
        return None
    head = _unescape_surrogates(values[0]).split(";", 1)[0].strip().lower()
    return head or None


def _param(part: Message, header: str, name: str) -> str | None:
    """Return a decoded MIME parameter (RFC 2231 and RFC 2047 aware) from a raw header."""
    for value in _raw_values(part, header):
        probe = Message()  # compat32: parameters parsed from the raw text, no header objects
        probe["X-Probe"] = _unescape_surrogates(value)
        try:
            found = probe.get_param(name, header="X-Probe", unquote=True)
        except Exception:
            continue
        if found is None:
            continue
        try:
            if isinstance(found, tuple):
                text = collapse_rfc2231_value(found, errors="replace", fallback_charset="utf-8")
            else:
                text = str(found)
        except Exception:
            text = str(found[-1]) if isinstance(found, tuple) else str(found)
        text = _one_line(_decode_words(_unescape_surrogates(text)))
        if text:
            return text
    return None


def _filename(part: Message) -> str | None:
    """Return the file name the sender gave a part, decoded, or None."""
    return _param(part, "Content-Disposition", "filename") or _param(part, "Content-Type", "name")


def _payload_bytes(part: Message, ctx: _Context) -> bytes:
    """Return the decoded (transfer-encoding removed) body of a leaf part, never raising."""
    try:
        data = part.get_payload(decode=True)
    except Exception as exc:
        ctx.defect(f"could not decode a {_content_type(part)} part: {exc}")
        data = None
    if data is None:
        try:
            payload = part.get_payload()
        except Exception:
            payload = None
        if isinstance(payload, str):
            data = payload.encode("utf-8", errors="surrogateescape")
        else:
            data = b""
    return data


def _is_body_text(part: Message) -> bool:
    """True for text/plain and text/html parts meant to be read rather than saved."""
    return (
        _content_type(part) in ("text/plain", "text/html")
        and _disposition(part) != "attachment"
        and _filename(part) is None
    )


def _is_container(part: Message) -> bool:
    """True for a multipart/* part the parser split into sub-parts (not message/*)."""
    return _content_type(part).partition("/")[0] == "multipart" and part.is_multipart()


def _declared_multipart_without_parts(part: Message) -> bool:
    """True when a part says multipart but the parser could not split it (bad boundary)."""
    return _content_type(part).partition("/")[0] == "multipart" and not part.is_multipart()


_UU_BEGIN_RE = re.compile(r"^begin ([0-7]{3,4}) ([^\r\n]+?)[ \t]*\r?$", re.MULTILINE)
_UU_END_RE = re.compile(r"^end[ \t]*\r?$", re.MULTILINE)


def _split_uuencoded(text: str, ctx: _Context) -> tuple[str, list[tuple[str, bytes]]]:
    """Cut uuencoded blocks out of plain text; return the text left and the decoded files."""
    if "begin " not in text:
        return text, []
    files: list[tuple[str, bytes]] = []
    pieces: list[str] = []
    pos = 0
    for begin in _UU_BEGIN_RE.finditer(text):
        if begin.start() < pos:
            continue
        end = _UU_END_RE.search(text, begin.end())
        if end is None:
            ctx.defect(f"uuencoded block {begin.group(2)!r} has no end line")
            continue
        body = text[begin.end() : end.start()]
        decoded = bytearray()
        bad = False
        for line in body.splitlines():
            line = line.rstrip("\r")
            if not line.strip() or line == "`":
                continue
            try:
                decoded += binascii.a2b_uu(line)
            except (binascii.Error, ValueError):
                # Some encoders pad lines; trim to the length the first character declares.
                nbytes = (((ord(line[0]) - 32) & 63) * 4 + 5) // 3
                try:
                    decoded += binascii.a2b_uu(line[:nbytes])
                except (binascii.Error, ValueError):
                    bad = True
        if bad:
            ctx.defect(f"uuencoded attachment {begin.group(2)!r} is damaged; kept what decoded")
        files.append((begin.group(2), bytes(decoded)))
        pieces.append(text[pos : begin.start()])
        pos = end.end()
    if not files:
        return text, []
    pieces.append(text[pos:])
    return "".join(pieces), files


def _leaf_text(part: Message, ctx: _Context) -> str:
    """Decode a text leaf (plain or HTML) to readable text, uuencoded blocks removed."""
    key = id(part)
    if key in ctx.text_cache:
        return ctx.text_cache[key]
    data = _payload_bytes(part, ctx)
    try:
        charset = part.get_param("charset")
    except Exception:
        charset = None
    if isinstance(charset, tuple):
        charset = collapse_rfc2231_value(charset)
    text, note = _decode_bytes(data, str(charset) if charset else None, ctx.charset_hints)
    if note:
        ctx.defect(f"{_content_type(part)} body: {note}")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if _content_type(part) == "text/html":
        text = html_to_text(text)
    else:
        text, _ = _split_uuencoded(text, _Context(ctx.max_bytes))
    ctx.text_cache[key] = text
    return text


def _subparts(part: Message) -> list[Message]:
    """Return the sub-parts of a multipart, tolerating odd payloads."""
    if not part.is_multipart():
        return []
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    return []


def _body_text(part: Message, ctx: _Context) -> str:
    """Return the best readable text of a part tree, preferring text/plain over HTML."""
    ctype = _content_type(part)
    if _declared_multipart_without_parts(part):
        return _leaf_text(part, ctx)
    if _is_container(part):
        subs = _subparts(part)
        if ctype == "multipart/alternative":
            ranked = sorted(
                (p for p in subs if _is_container(p) or _is_body_text(p)),
                key=lambda p: {"text/plain": 0}.get(_content_type(p), 1 if _is_container(p) else 2),
            )
            for sub in ranked:
                text = _body_text(sub, ctx)
                if text.strip():
                    return text
            return ""
        texts = [_body_text(sub, ctx) for sub in subs if _is_container(sub) or _is_body_text(sub)]
        return "\n\n".join(t.strip("\n") for t in texts if t.strip())
    if _is_body_text(part):
        return _leaf_text(part, ctx)
    return ""


# --------------------------------------------------------------------------------------------
# Attachments

_EXTENSION_OVERRIDES = {
    "application/octet-stream": ".bin",
    "application/ms-tnef": ".dat",
    "application/vnd.ms-tnef": ".dat",
    "message/rfc822": ".eml",
    "text/plain": ".txt",
    "text/html": ".html",
    "image/jpeg": ".jpg",
    "application/msword": ".doc",
    "application/vnd.ms-excel": ".xls",
}
_UNSAFE_CHARS_RE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


def _safe_filename(name: str | None) -> str:
    """Reduce a sender-supplied name to a safe basename, or '' if nothing usable is left."""
    if not name:
        return ""
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    name = name.replace("\\", "/").split("/")[-1]
    name = _UNSAFE_CHARS_RE.sub("_", name)
    name = name.strip().lstrip(".").strip().rstrip(". ")
    if not name or set(name) <= {"_", "."}:
        return ""
    if len(name) > MAX_FILENAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10 and stem:
            name = stem[: MAX_FILENAME_LENGTH - len(ext) - 1].rstrip(". ") + "." + ext
        else:
            name = name[:MAX_FILENAME_LENGTH].rstrip(". ")
    return name


def _extension_for(content_type: str) -> str:
    """Return a file extension for a MIME type ('.bin' when unknown)."""
    if content_type in _EXTENSION_OVERRIDES:
        return _EXTENSION_OVERRIDES[content_type]
    return mimetypes.guess_extension(content_type, strict=False) or ".bin"


def _unique(name: str, used: set[str]) -> str:
    """Make a name unique within one message: report.pdf, report-2.pdf, report-3.pdf."""
    if name.lower() not in used:
        used.add(name.lower())
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    n = 2
    while True:
        candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
        if candidate.lower() not in used:
            used.add(candidate.lower())
            return candidate
        n += 1


def _add_attachment(
    ctx: _Context, original: str | None, content_type: str, data: bytes, preferred: str = ""
) -> None:
    """Name, size-check and record one attachment (``preferred`` overrides the sent name)."""
    safe = _safe_filename(preferred) or _safe_filename(original)
    if not safe:
        safe = f"attachment-{len(ctx.attachments) + 1}{_extension_for(content_type)}"
    safe = _unique(safe, ctx.used_names)
    truncated = None
    size, sha = len(data), None
    if size > ctx.max_bytes:
        truncated = f"{size} bytes is over the {ctx.max_bytes}-byte attachment limit"
        sha = hashlib.sha256(data).hexdigest()
        data = b""
    ctx.attachments.append(
        ParsedAttachment(
            filename=safe,
            original_filename=original,
            content_type=content_type,
            data=data,
            truncated_reason=truncated,
            size=size,
            sha256=sha,
        )
    )


def _message_bytes(msg: Message, ctx: _Context) -> bytes:
    """Serialise a nested message back to bytes without refolding its headers."""
    for pol in (msg.policy.clone(max_line_length=None), policy.compat32):
        try:
            return msg.as_bytes(policy=pol)
        except Exception:
            continue
    ctx.defect("could not re-serialise a nested message")
    return b""


def _nested_message(part: Message) -> Message | None:
    """Return the message inside a message/rfc822 part, if the parser produced one."""
    subs = _subparts(part)
    return subs[0] if subs else None


def _read_delivery_status(part: Message, ctx: _Context) -> None:
    """Collect per-recipient field blocks from a message/delivery-status part."""
    subs = _subparts(part)
    if subs:
        blocks = [
            {k.lower(): _one_line(_unescape_surrogates(str(v))) for k, v in b.raw_items()}
            for b in subs
        ]
    else:
        text = _decode_bytes(_payload_bytes(part, ctx), None)[0]
        blocks = []
        for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
            fields: dict[str, str] = {}
            for line in re.sub(r"\n[ \t]+", " ", chunk).split("\n"):
                key, sep, value = line.partition(":")
                if sep:
                    fields[key.strip().lower()] = value.strip()
            if fields:
                blocks.append(fields)
    ctx.dsn_blocks.extend(b for b in blocks if "final-recipient" in b or "action" in b)


def _collect(part: Message, ctx: _Context, *, top: bool) -> None:
    """Walk a part tree and record attachments, nested messages and delivery reports."""
    ctype = _content_type(part)
    if _is_container(part):
        for sub in _subparts(part):
            try:
                _collect(sub, ctx, top=top)
            except Exception as exc:  # one bad part must not lose the message
                ctx.defect(f"skipped a {_content_type(sub)} part: {exc}")
        return
    if ctype in ("message/delivery-status", "message/global-delivery-status"):
        if top:
            _read_delivery_status(part, ctx)
        return
    if ctype == "message/disposition-notification":
        return
    if ctype == "text/rfc822-headers":
        ctx.nested_texts.append(_decode_bytes(_payload_bytes(part, ctx), None)[0])
        return
    nested = _nested_message(part) if ctype.startswith("message/") else None
    if nested is not None:
        subject = _header(nested, "Subject") or ""
        original = _filename(part)
        name = original or (subject + ".eml" if subject else "forwarded-message.eml")
        if not name.lower().endswith((".eml", ".msg")):
            name += ".eml"
        _add_attachment(ctx, original, ctype, _message_bytes(nested, ctx), name)
        inner = _Context(ctx.max_bytes, charset_hints=ctx.charset_hints)
        ctx.nested_texts.append(subject)
        ctx.nested_texts.append(_body_text(nested, inner))
        for note in inner.defects:
            ctx.defect(note)
        _collect_message(nested, ctx, top=False)
        return
    if _declared_multipart_without_parts(part):
        return  # its bytes are already the body text
    if _is_body_text(part):
        if ctype == "text/plain":
            raw_text = _decode_bytes(_payload_bytes(part, ctx), _charset(part), ctx.charset_hints)[
                0
            ]
            _, files = _split_uuencoded(raw_text.replace("\r\n", "\n"), ctx)
            for fname, data in files:
                guessed = mimetypes.guess_type(fname, strict=False)[0]
                _add_attachment(ctx, fname, guessed or "application/octet-stream", data)
        return
    original = _filename(part)
    preferred = ""
    if not original and ctype in ("application/ms-tnef", "application/vnd.ms-tnef"):
        preferred = "winmail.dat"
    _add_attachment(ctx, original, ctype, _payload_bytes(part, ctx), preferred)


def _charset(part: Message) -> str | None:
    """Return the declared charset parameter of a part, if any."""
    try:
        value = part.get_param("charset")
    except Exception:
        return None
    if isinstance(value, tuple):
        value = collapse_rfc2231_value(value)
    return str(value) if value else None


def _collect_message(msg: Message, ctx: _Context, *, top: bool) -> None:
    """Walk one (possibly nested) message, treating its own body text as non-attachments."""
    try:
        _collect(msg, ctx, top=top)
    except Exception as exc:
        ctx.defect(f"stopped reading parts early: {exc}")


# --------------------------------------------------------------------------------------------
# Classification

_BOUNCE_SUBJECT_RE = re.compile(
    r"^\s*(?:\[[^\]]*\]\s*)*(?:"
    r"undeliverable|undelivered mail|undeliverable mail|undelivered message|"
    r"delivery status notification \(failure\)|delivery failure|"
    r"mail delivery failed|mail delivery failure|mail delivery system|"
    r"returned mail|failure notice|delivery has failed|message not delivered|"
    r"non[- ]?delivery|nondeliverable|email delivery failure|"
    r"unzustellbar|non remis|no se puede entregar"
    r")",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT_ANYWHERE_RE = re.compile(
    r"\b(?:email delivery failure|delivery failure|undeliverable)\b", re.IGNORECASE
)
_DELAY_SUBJECT_RE = re.compile(
    r"\b(?:delivery status notification \(delay\)|delivery delayed|"
    r"warning: could not send message|delayed mail)\b",
    re.IGNORECASE,
)
_DAEMON_LOCALPARTS = {"mailer-daemon", "mailerdaemon", "mail-daemon", "postmaster"}
_DAEMON_NAME_RE = re.compile(r"^mail delivery (?:system|subsystem|service)$", re.IGNORECASE)

_SUBJECT_TAGS_RE = re.compile(
    r"^\s*(?:\[[^\]]*\]\s*|(?:official|official-sensitive)\s*:\s*)*", re.I
)
# Out-of-office wording counts only where mail systems put it: at the start of the subject
# (before any "RE:"), or as Lotus Notes' "<name> is out of the office".  A request *about*
# annual leave or out-of-hours cover comes back as "RE: ... annual leave ..." and stays a reply.
_OOF_SUBJECT_RE = re.compile(
    r"^(?:automatic reply|auto[- ]?reply|auto[- ]?response|autorespon\w*|auto[- ]?antwort|"
    r"auto\s*:|out of (?:the )?office|ooo\b|away from (?:the |my )?office|on (?:annual )?leave\b|"
    r"on holiday\b|on vacation\b|vacation (?:reply|notice)|abwesenheit|absence notice|"
    r"away until\b|I am (?:away|out)\b|I'm (?:away|out)\b)",
    re.IGNORECASE,
)
_OOF_SUBJECT_ANYWHERE_RE = re.compile(
    r"\bis (?:currently )?out of (?:the )?office\b|\bout of office auto-?reply\b", re.IGNORECASE
)
# Acknowledgement subjects: only when the subject *starts* with them, since "RE: … thank you"
# is an ordinary reply but a subject that is nothing but "Thank you for your email" is not.
_ACK_SUBJECT_RE = re.compile(
    r"^(?:acknowledge?ment\b|(?:automated |automatic )?acknowledge?ment of (?:your |receipt)|"
    r"we have received your|we've received your|receipt of your|confirmation of receipt|"
    r"thank you for (?:your )?(?:e-?mail|message|enquiry|request|correspondence|contacting)|"
    r"thanks for (?:your )?(?:e-?mail|message|contacting)|"
    r"your (?:request|enquiry|e-?mail|message) has been (?:received|logged|registered)|"
    r"request received|enquiry received)",
    re.IGNORECASE,
)
_ACK_BODY_RE = re.compile(
    r"thank you for your (?:freedom of information|foi|foia|information|eir|environmental "
    r"information|subject access|e-?mail(?:ed)?|)\s*(?:request|enquiry|application|e-?mail)"
    r"|(?:we|i) (?:have |acknowledge |can confirm (?:that )?(?:we have )?)?receiv(?:ed|ing) your"
    r"|acknowledge receipt of"
    r"|this is an? (?:automated|automatic|auto-generated) (?:response|reply|acknowledge?ment|"
    r"message|e-?mail)"
    r"|this (?:e-?mail|message) (?:is to )?(?:confirm|acknowledge)s?"
    r"|your (?:request|e-?mail|enquiry|message) has been (?:received|logged|registered|"
    r"forwarded|passed)",
    re.IGNORECASE,
)
# Wording that on its own says "this is not the answer yet".
_STRONG_ACK_BODY_RE = re.compile(
    r"this is an? (?:automated |automatic |auto-generated )?acknowledge?ment"
    r"|this is an? (?:automated|automatic|auto-generated) (?:response|reply|message|e-?mail)"
    r"|(?:this|your) (?:e-?mail|request|message) (?:has been|was) (?:automatically )?"
    r"(?:logged|registered) (?:on|in|with|as)",
    re.IGNORECASE,
)
_PROMISE_BODY_RE = re.compile(
    r"within (?:20|twenty|40|forty) working days"
    r"|(?:will|shall|aim to|endeavour to|should) (?:\w+ ){0,3}(?:respond|reply|receive a "
    r"response|provide (?:you with )?(?:a|the|our) response|be in touch|be dealt with|"
    r"be processed|contact you)"
    r"|(?:forwarded|passed) (?:it|this|your (?:request|e-?mail|enquiry)) (?:on )?to"
    r"|is being (?:processed|considered|dealt with)",
    re.IGNORECASE,
)
_SUBSTANTIVE_BODY_RE = re.compile(
    r"please find (?:attached|enclosed|below)|(?:is|are) attached|attached (?:is|are|please)"
    r"|(?:does|do) not hold|is not held|i can confirm that|we can confirm that the"
    r"|\bexempt|section \d+\s*\(|\brefus|\bclarif|fees? notice|in response to your questions"
    # A refusal on cost, or one citing an exemption, is a real answer even when it thanks
    # the requester and mentions "within 40 working days" (for a review). Acknowledgements
    # also cite section 10 and mention reviews and the ICO, so those do not count here.
    r"|appropriate limit|cost limit|not obliged to comply|section 1[2-4]\b"
    r"|section (?:2[1-9]|3\d|4[0-4])\b|regulation 1[23]\b|withh[oe]ld"
    r"|unhappy with (?:this|our) (?:response|decision)",
    re.IGNORECASE,
)
_OOF_BODY_RE = re.compile(
    r"\bI (?:am|will be) (?:currently )?(?:out of (?:the )?office|away from (?:the |my )?office|"
    r"on (?:annual )?leave|on holiday)",
    re.IGNORECASE,
)
_QUOTE_CUT_RE = re.compile(
    r"^(?:-{2,}\s*original message\s*-{2,}|_{10,}\s*$|on .{0,200}wrote:\s*$|"
    r"from: .+\n(?:sent|date): )",
    re.IGNORECASE | re.MULTILINE,
)


def _own_words(text: str) -> str:
    """Return the text without quoted lines and everything from the first quoted-reply header."""
    cut = _QUOTE_CUT_RE.search(text)
    if cut:
        text = text[: cut.start()]
    return "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(">"))


def _is_daemon(pairs: list[tuple[str, str]]) -> str | None:
    """Return the daemon address or name when any From looks like a mail system."""
    for name, addr in pairs:
        local = addr.split("@", 1)[0] if addr else ""
        if local in _DAEMON_LOCALPARTS:
            return addr
        if name and _DAEMON_NAME_RE.match(name.strip()):
            return addr or name
    return None


def _has_documents(attachments: list[ParsedAttachment]) -> bool:
    """True when attachments include something beyond inline images and signatures."""
    for att in attachments:
        if att.content_type.startswith("image/"):
            continue
        if "pkcs7-signature" in att.content_type or att.content_type.endswith("pgp-signature"):
            continue
        return True
    return False


def _dsn_actions(ctx: _Context) -> set[str]:
    """Return the lower-case Action values of the delivery report."""
    return {_action(block) for block in ctx.dsn_blocks}


def _action(block: dict[str, str]) -> str:
    """Return a DSN block's Action in lower case; a missing Action counts as 'failed'."""
    words = (block.get("action") or "").split()
    return words[0].lower() if words else "failed"


def _classify(
    msg: Message, subject: str, text: str, ctx: _Context, from_pairs: list[tuple[str, str]]
) -> tuple[str, str | None]:
    """Decide reply / auto-reply / bounce and say why."""
    ctype = _content_type(msg)
    report_type = (_param(msg, "Content-Type", "report-type") or "").lower()
    has_dsn_report = (ctype == "multipart/report" and report_type == "delivery-status") or any(
        _content_type(p) == "multipart/report"
        and (_param(p, "Content-Type", "report-type") or "").lower() == "delivery-status"
        for p in _subparts(msg)
    )
    actions = _dsn_actions(ctx)
    delayed_only = bool(actions) and "failed" not in actions
    delay_subject = _DELAY_SUBJECT_RE.search(subject)

    bounce_reason: str | None = None
    if has_dsn_report or ctx.dsn_blocks:
        bounce_reason = "Content-Type: multipart/report; report-type=delivery-status"
    elif _raw_values(msg, "X-Failed-Recipients"):
        bounce_reason = "X-Failed-Recipients: " + (_header(msg, "X-Failed-Recipients") or "")
    elif daemon := _is_daemon(from_pairs):
        bounce_reason = f"From: {daemon}"
    elif m := _BOUNCE_SUBJECT_RE.match(subject) or _BOUNCE_SUBJECT_ANYWHERE_RE.search(subject):
        bounce_reason = f"Subject: {m.group(0).strip()}"
    if bounce_reason:
        if (ctx.dsn_blocks and delayed_only) or (not ctx.dsn_blocks and delay_subject):
            what = ", ".join(sorted(actions)) if actions else "delayed"
            return "auto-reply", f"delivery report, not a failure ({what})"
        return "bounce", bounce_reason

    auto = _raw_values(msg, "Auto-Submitted")
    auto_value = _one_line(auto[0]).lower() if auto else ""
    if auto_value and not auto_value.startswith("no"):
        if auto_value.startswith("auto-generated") and _has_documents(ctx.attachments):
            pass  # case-management systems send the actual response letter this way
        else:
            return "auto-reply", f"Auto-Submitted: {_one_line(auto[0])}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-Autoresponder"):
        values = _raw_values(msg, name)
        if values and _one_line(values[0]).lower() not in ("no", "false", "0"):
            return "auto-reply", f"{name}: {_one_line(values[0])}"
    for name, needle in (
        ("X-POST-MessageClass", "autorespond"),
        ("X-Apple-Action", "vacation"),
        ("X-Apple-Criteria", "vacation"),
    ):
        value = _header(msg, name) or ""
        if needle in value.lower():
            return "auto-reply", f"{name}: {value}"
    precedence = (_header(msg, "Precedence") or "").lower()
    if precedence in ("auto_reply", "auto-reply", "autoreply"):
        return "auto-reply", f"Precedence: {precedence}"

    # Automatic subjects start with their marker; after "RE:" a person is writing in the thread.
    bare_subject = _SUBJECT_TAGS_RE.sub("", subject)
    if m := _OOF_SUBJECT_RE.match(bare_subject) or _OOF_SUBJECT_ANYWHERE_RE.search(subject):
        return "auto-reply", f"Subject: {m.group(0).strip()}"
    if m := _ACK_SUBJECT_RE.match(bare_subject):
        return "auto-reply", f"Subject: {m.group(0).strip()}"

    own = _own_words(text)
    suppress = (_header(msg, "X-Auto-Response-Suppress") or "").lower()
    if suppress and (
        precedence in ("bulk", "junk", "list") or _raw_values(msg, "X-MS-Exchange-Inbox-Rules-Loop")
    ):
        # Outlook puts X-Auto-Response-Suppress on ordinary mail from some systems; only an
        # inbox-rule loop marker or bulk precedence alongside it makes it an automatic reply.
        return "auto-reply", f"X-Auto-Response-Suppress: {suppress} (with rule/bulk marker)"
    flat = _one_line(own)
    if not _has_documents(ctx.attachments) and len(flat) < 2000:
        head = flat[:700]
        substantive = _SUBSTANTIVE_BODY_RE.search(flat)
        if (m := _STRONG_ACK_BODY_RE.search(head)) and not substantive:
            return "auto-reply", f"acknowledgement: {m.group(0)!r}"
        ack = _ACK_BODY_RE.search(head)
        promise = _PROMISE_BODY_RE.search(flat)
        if ack and promise and not substantive:
            return "auto-reply", f"acknowledgement: {ack.group(0)!r} … {promise.group(0)!r}"
        if (oof := _OOF_BODY_RE.search(head)) and len(flat) < 1200:
            return "auto-reply", f"out of office: {oof.group(0)!r}"
    return "reply", None


_FAILED_MARKER_RE = re.compile(
    r"following (?:recipients?|address(?:es)?|addresses had)|did not reach|could not be "
    r"delivered|delivery (?:to the following|has failed)|failed recipients|unable to deliver|"
    r"permanent (?:fatal )?errors?|failure reasons|recipient address rejected|user unknown",
    re.IGNORECASE,
)
_RETURNED_COPY_RE = re.compile(
    r"^.*(?:this is a copy of the message|below this line is a copy|original message (?:follows|"
    r"headers)|-- ?original message ?--|returned message|contents of the undelivered mail|"
    r"the message subject was|undelivered message|text of the message).*$",
    re.IGNORECASE | re.MULTILINE,
)


def _bounced_recipients(msg: Message, text: str, ctx: _Context, own_addrs: set[str]) -> list[str]:
    """Return failed recipients from DSN fields, X-Failed-Recipients, or the bounce text."""
    found: list[str] = []

    def add(addr: str) -> None:
        addr = addr.strip().strip("<>").strip().lower()
        if _VALID_ADDR_RE.match(addr) and addr not in found:
            found.append(addr)

    for block in ctx.dsn_blocks:
        if _action(block) != "failed":
            continue
        recipient = block.get("original-recipient") or block.get("final-recipient") or ""
        add(recipient.split(";", 1)[-1])
    if found:
        return found
    for value in _raw_values(msg, "X-Failed-Recipients"):
        for addr in _ADDR_RE.findall(_unescape_surrogates(value)):
            add(addr)
    if found:
        return found
    copy = _RETURNED_COPY_RE.search(text)
    section = text[: copy.start()] if copy else text
    marker = _FAILED_MARKER_RE.search(section)
    if marker:
        section = section[marker.start() :]
    for addr in _ADDR_RE.findall(section):
        local = addr.split("@", 1)[0].lower()
        if addr.lower() in own_addrs or local in _DAEMON_LOCALPARTS:
            continue
        add(addr)
    return found


# --------------------------------------------------------------------------------------------
# References

_LABELLED_REF_RE = re.compile(
    r"\b(?:(?:our|your|my|the)\s+)?"
    r"(?:ref(?:erence)?(?:\s+(?:no|number|num))?\.?|"
    r"(?:case|request|foi|tracking|enquiry)\s+(?:id|no|number|ref(?:erence)?)\.?)"
    r"\s*(?:is\s*)?[:#\-–]?\s*(?:is\s+)?"
    # Prefixed references keep every prefix: "BDCT-FOI-777", "WLT-FOI-2026-1234".
    r"(?P<value>(?:[A-Za-z]{1,8}[/\-_]){0,3}(?:[A-Za-z]{1,8}[ /\-_]?)?\d[A-Za-z0-9/\-_.]*)",
    re.IGNORECASE,
)
_BARE_REF_RE = re.compile(
    # A body's prefix is part of its reference: "AWP-FOI-2026-555" is kept whole, never cut
    # down to "FOI-2026-555" (which would look like one of ours).
    r"(?<![\w\-/])(?P<value>(?:[A-Za-z]{1,8}[\-_/]){0,3}"
    # …and so is a prefix word in capitals before a space: "SLaM FOI 26/1187" (issue 21).
    r"(?:(?-i:(?=[a-z]*[A-Z][a-z]*[A-Z])[A-Za-z]{2,8}) )?"
    r"(?:FOI|FOIA|FOISA|FOIR|EIRS?)[ /\-_]?(?:\d{1,4}[/\-])?\d{2,}(?:[/\-]\d+)*)\b",
    re.IGNORECASE,
)
_ACT_YEARS = {"1998", "2000", "2002", "2004", "2018"}


def _authority_refs(*texts: str) -> list[str]:
    """Find the authority's own reference numbers, labels stripped, our tokens excluded."""
    refs: list[str] = []
    keys: set[str] = set()
    for text in texts:
        spans: list[tuple[int, int, str]] = []
        for match in _LABELLED_REF_RE.finditer(text):
            spans.append((match.start("value"), match.end("value"), match.group("value")))
        for match in _BARE_REF_RE.finditer(text):
            digits = re.sub(r"\D", "", match.group("value"))
            if digits in _ACT_YEARS and re.fullmatch(r"[A-Za-z]+[ ]?\d{4}", match.group("value")):
                continue  # "FOIA 2000", "EIR 2004": the Act, not a case number
            spans.append((match.start("value"), match.end("value"), match.group("value")))
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        last_end = -1
        for start, end, value in spans:
            if start < last_end:
                continue
            value = _one_line(value).rstrip(".-_/")
            if len(re.sub(r"\D", "", value)) < 3 or REFERENCE_TOKEN_RE.search(value):
                continue
            last_end = end
            key = re.sub(r"\s+", " ", value).upper()
            if key not in keys:
                keys.add(key)
                refs.append(value)
    return refs


def _reference_tokens(*texts: str) -> list[str]:
    """Find our own FOI-YYYY-NNNN tokens, upper-cased, deduplicated, in order."""
    tokens: list[str] = []
    for text in texts:
        for match in REFERENCE_TOKEN_RE.finditer(text):
            token = match.group(0).upper()
            if token not in tokens:
                tokens.append(token)
    return tokens


# --------------------------------------------------------------------------------------------
# Entry point


def _parse_bytes(raw: bytes, defects: list[str]) -> Message:
    """Parse with policy.compat32: headers stay plain strings.

    foi decodes every header from its raw value itself, so the default policy's header
    objects (built anew on every ``get``) only cost time: half of all parsing time on the
    import benchmark. Results on the real mail in ../shared/testdata are the same.
    """
    del defects  # the parser's own defect notes are collected from the parts afterwards
    return BytesParser(policy=policy.compat32).parsebytes(raw)


def _parser_defects(msg: Message) -> list[str]:
    """Collect the email package's defect notes from every part."""
    notes: list[str] = []
    try:
        parts = list(msg.walk())
    except Exception:
        parts = [msg]
    for part in parts:
        for defect in getattr(part, "defects", []):
            note = type(defect).__name__
            detail = str(defect).strip()
            if detail and detail != note:
                note += f": {detail[:120]}"
            if note not in notes:
                notes.append(note)
    return notes


def parse_message(raw: bytes, *, max_attachment_bytes: int = 25 * 1024 * 1024) -> ParsedMail:
    """Parse raw RFC 5322 bytes into a ParsedMail; raise MailParseError if nothing is usable."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise MailParseError("mail must be given as bytes")
    raw = bytes(raw)
    if not raw.strip():
        raise MailParseError("empty message")
    early: list[str] = []
    try:
        msg = _parse_bytes(raw, early)
    except Exception as exc:
        raise MailParseError(f"unreadable message: {exc}") from exc
    if not list(msg.raw_items()):
        raise MailParseError("no mail headers found")
    ctx = _Context(max_bytes=max_attachment_bytes)
    for note in early + _parser_defects(msg):
        ctx.defect(note)
    return _build(msg, ctx)


def _charset_hints(msg: Message) -> list[str]:
    """Charsets named anywhere in the message: encoded-words in headers and part parameters."""
    hints: list[str] = []
    for _, value in msg.raw_items():
        for match in _ENCODED_WORD_RE.finditer(str(value)):
            hints.append(match.group(1).split("*", 1)[0])
    try:
        parts = list(msg.walk())
    except Exception:
        parts = []
    for part in parts:
        charset = _charset(part)
        if charset:
            hints.append(charset)
    unique: list[str] = []
    for hint in hints:
        if hint.lower() not in (h.lower() for h in unique):
            unique.append(hint)
    return unique


class _Hints:
    """A message's charset hints, looked for only when a part with no charset needs them
    (rarely: most text is ASCII or UTF-8)."""

    def __init__(self, msg: Message) -> None:
        self._msg = msg
        self._found: list[str] | None = None

    def __iter__(self) -> Iterator[str]:
        if self._found is None:
            self._found = _charset_hints(self._msg)
        return iter(self._found)


def _build(msg: Message, ctx: _Context) -> ParsedMail:
    """Assemble the ParsedMail from a parsed message."""
    ctx.charset_hints = _Hints(msg)
    subject = _header(msg, "Subject") or ""

    from_pairs = _address_pairs(_raw_values(msg, "From"))
    if len(_raw_values(msg, "From")) > 1:
        ctx.defect("more than one From header")
    valid = [pair for pair in from_pairs if pair[1]]
    from_name, from_addr = valid[0] if valid else (None, None)
    if not valid:
        from_name = next((name for name, _ in from_pairs if name), None)
    if not _raw_values(msg, "From"):
        ctx.defect("no From header")
        for fallback in ("Sender", "Reply-To", "Return-Path"):
            pairs = [p for p in _address_pairs(_raw_values(msg, fallback)) if p[1]]
            if pairs:
                from_name, from_addr = pairs[0][0] or None, pairs[0][1]
                ctx.defect(f"sender taken from {fallback}")
                break
        else:
            unixfrom = msg.get_unixfrom() or ""
            envelope = _ADDR_RE.search(unixfrom)
            if envelope:
                from_addr = envelope.group(0).lower()
                ctx.defect("sender taken from the mbox envelope line")
    elif from_addr is None:
        ctx.defect("From header has no usable address")

    date = _parse_date(_header(msg, "Date"))
    if date is None:
        if _raw_values(msg, "Date"):
            ctx.defect(f"unreadable Date header: {_header(msg, 'Date')!r}")
        for received in _raw_values(msg, "Received"):
            _, _, when = _one_line(_unescape_surrogates(received)).rpartition(";")
            date = _parse_date(when)
            if date is not None:
                ctx.defect("date taken from the Received header")
                break

    message_ids = _message_ids(_header(msg, "Message-ID"))
    try:
        text = _body_text(msg, ctx).strip("\n")
    except Exception as exc:  # a last resort: the walkers already guard each part
        ctx.defect(f"could not extract the body text: {exc}")
        text = ""
    _collect_message(msg, ctx, top=True)

    to = _addresses(msg, "To")
    own_addrs = {addr for _, addr in from_pairs if addr}
    own_addrs.update(to)
    try:
        kind, reason = _classify(msg, subject, text, ctx, from_pairs)
        bounced = _bounced_recipients(msg, text, ctx, own_addrs) if kind == "bounce" else []
    except Exception as exc:
        ctx.defect(f"could not classify the message: {exc}")
        kind, reason, bounced = "reply", None, []

    return ParsedMail(
        message_id=message_ids[0] if message_ids else None,
        subject=subject,
        from_addr=from_addr,
        from_name=from_name or None,
        to=to,
        cc=_addresses(msg, "Cc"),
        date=date,
        in_reply_to=_message_ids(" ".join(_raw_values(msg, "In-Reply-To"))),
        references=_message_ids(" ".join(_raw_values(msg, "References"))),
        text=text,
        kind=kind,
        auto_reason=reason,
        bounced_recipients=bounced,
        reference_tokens=_reference_tokens(subject, text, *ctx.nested_texts),
        authority_refs=_authority_refs(subject, text),
        attachments=list(ctx.attachments),
        defects=list(ctx.defects),
        delivered_to=_addresses(msg, "Delivered-To") + _addresses(msg, "X-Original-To"),
        diagnostics=[
            re.sub(r"^\s*smtp\s*;\s*", "", b["diagnostic-code"], flags=re.I)[:300]
            for b in ctx.dsn_blocks
            if b.get("diagnostic-code") and _action(b) == "failed"
        ],
    )
