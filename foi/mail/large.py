"""Large messages: read once from a file, big parts decoded straight to temporary files.

The ``email`` package holds a message several times over while parsing (the text, its lines,
each part's payload, the decoded bytes): a 283 MB message took 2.5 GB. For a message over
the spool limit, `split` reads the file line by line instead: it hashes the raw bytes, and
writes a *skeleton* (every header, boundary and small part as it is) in which the body of
each big non-text leaf part is replaced by a short marker, while that body is decoded
(base64, quoted-printable or as is) into a temporary file. ``foi.mail.parse`` then parses
the small skeleton as usual, and the caller swaps each marker for its file. Body text is
never replaced (it is what a volunteer reads), but it is cut at ``TEXT_KEEP_BYTES`` with a
note saying how much more the raw message holds.

Temporary files are unnamed (``tempfile.TemporaryFile``): a killed import leaves none.
No database, no printing, no clock.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import secrets
import tempfile
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import BinaryIO

# A leaf part bigger than this goes to a temporary file instead of the skeleton.
SPILL_BYTES = 1024 * 1024
# Body text (what a volunteer reads) is kept up to this much; the rest is only in the raw
# message, so a 1 GB "text" body never comes into memory.
TEXT_KEEP_BYTES = 4 * 1024 * 1024
# Longest piece read at once: a line is split past it, so memory stays bounded.
_READ = 64 * 1024
_MAX_HEADER_BYTES = 1024 * 1024
_B64_DROP = bytes(c for c in range(256) if not (chr(c).isalnum() or chr(c) in "+/"))


@dataclass
class SpilledPart:
    """One big part, decoded into a temporary file (rewound) with its size and SHA-256."""

    file: BinaryIO
    size: int
    sha256: str


@dataclass
class Split:
    """A large message: the raw bytes' hash and size, a small skeleton, and its big parts."""

    sha256: str
    size: int
    skeleton: bytes
    parts: dict[bytes, SpilledPart] = field(default_factory=dict)
    marker_prefix: bytes = b"FOI-SPILLED-"

    def part_for(self, data: bytes) -> SpilledPart | None:
        """The big part whose marker a parsed attachment holds, or None."""
        return self.parts.get(data.strip()) if len(data) < 200 else None

    def holds_markers(self, data: bytes) -> bool:
        """Whether parsed bytes (e.g. a forwarded message) hold a big part's marker."""
        return self.marker_prefix in data

    def close(self) -> None:
        """Drop the temporary files."""
        for part in self.parts.values():
            part.file.close()


class _Lines:
    """Reads lines (bounded pieces) from a binary file, hashing everything read."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.digest = hashlib.sha256()
        self.size = 0
        self._pushed: tuple[bytes, bool] | None = None
        self._at_start = True

    def next(self) -> tuple[bytes, bool]:
        """The next piece and whether it starts a line; b'' at the end."""
        if self._pushed is not None:
            got, self._pushed = self._pushed, None
            return got
        data = self.fh.readline(_READ)
        self.digest.update(data)
        self.size += len(data)
        starts = self._at_start
        self._at_start = data.endswith(b"\n")
        return data, starts

    def push(self, item: tuple[bytes, bool]) -> None:
        """Give a piece back, to be read again."""
        self._pushed = item


def _is_boundary(line: bytes, starts: bool, boundaries: list[bytes]) -> bool:
    """Whether a line is the delimiter (or close delimiter) of any open multipart."""
    if not starts or not line.startswith(b"--"):
        return False
    text = line.rstrip()
    for b in boundaries:
        delim = b"--" + b
        if text == delim or text == delim + b"--":
            return True
    return False


class _Decoder:
    """Decodes a transfer encoding incrementally into a temporary file, hashing the result."""

    def __init__(self, cte: str, tempdir: str | None) -> None:
        self.cte = cte
        self.file: BinaryIO = tempfile.TemporaryFile(dir=tempdir)  # noqa: SIM115  (kept open)
        self.digest = hashlib.sha256()
        self.size = 0
        self._b64 = b""
        self._held = b""  # a line ending, written only if another line follows

    def _out(self, data: bytes) -> None:
        if data:
            self.file.write(data)
            self.digest.update(data)
            self.size += len(data)

    def feed(self, line: bytes) -> None:
        """Decode one more piece of the body."""
        if self.cte == "base64":
            self._b64 += line.translate(None, _B64_DROP)
            usable = len(self._b64) - len(self._b64) % 4
            if usable >= 4096:
                self._out(binascii.a2b_base64(self._b64[:usable]))
                self._b64 = self._b64[usable:]
            return
        data = binascii.a2b_qp(line) if self.cte == "quoted-printable" else line
        self._out(self._held)
        # The line ending before a boundary belongs to the boundary, not to the body.
        if data.endswith(b"\r\n"):
            data, self._held = data[:-2], b"\r\n"
        elif data.endswith(b"\n"):
            data, self._held = data[:-1], b"\n"
        else:
            self._held = b""
        self._out(data)

    def finish(self) -> SpilledPart:
        """Flush what is left and rewind."""
        if self.cte == "base64":
            rest = self._b64
            rest = rest[: len(rest) - (len(rest) % 4 == 1)]  # one stray character: drop it
            if rest:
                rest += b"=" * (-len(rest) % 4)
                with contextlib.suppress(binascii.Error):
                    self._out(binascii.a2b_base64(rest))
        self.file.flush()
        self.file.seek(0)
        return SpilledPart(self.file, self.size, self.digest.hexdigest())


class _Splitter:
    def __init__(self, fh: BinaryIO, spill_bytes: int, tempdir: str | None) -> None:
        self.lines = _Lines(fh)
        self.spill_bytes = spill_bytes
        self.tempdir = tempdir
        self.out: list[bytes] = []
        self.parts: dict[bytes, SpilledPart] = {}
        self.nonce = secrets.token_hex(8).encode()

    def headers(self, boundaries: list[bytes]) -> tuple[bytes, Message]:
        """Read a header block (and its blank line) and parse it."""
        block: list[bytes] = []
        total = 0
        while True:
            line, starts = self.lines.next()
            if not line:
                break
            if _is_boundary(line, starts, boundaries):
                self.lines.push((line, starts))
                break
            block.append(line)
            total += len(line)
            if (starts and line in (b"\n", b"\r\n")) or total > _MAX_HEADER_BYTES:
                break
        raw = b"".join(block)
        return raw, BytesHeaderParser(policy=compat32).parsebytes(raw)

    def entity(self, boundaries: list[bytes]) -> None:
        """Copy one entity (headers and body) to the skeleton, spilling big leaf bodies."""
        raw_headers, msg = self.headers(boundaries)
        self.out.append(raw_headers)
        ctype = msg.get_content_type()
        boundary = msg.get_param("boundary") if msg.get_content_maintype() == "multipart" else None
        if isinstance(boundary, str) and boundary:
            self.multipart(boundary.encode("utf-8", "surrogateescape"), boundaries)
        elif ctype.startswith("message/") and ctype != "message/delivery-status":
            self.entity(boundaries)  # the enclosed message: walk it too
        else:
            self.leaf(msg, boundaries)

    def multipart(self, boundary: bytes, outer: list[bytes]) -> None:
        """Preamble, each part, the close delimiter and the epilogue."""
        inner = [*outer, boundary]
        closing = b"--" + boundary + b"--"
        own = b"--" + boundary
        while True:  # preamble, up to the first delimiter
            line, starts = self.lines.next()
            if not line:
                return
            if _is_boundary(line, starts, inner):
                break
            self.out.append(line)
        while True:
            text = line.rstrip()
            if text not in (own, closing):
                self.lines.push((line, starts))  # an outer boundary: this multipart ended
                return
            self.out.append(line)
            if text == closing:
                break
            self.entity(inner)
            line, starts = self.lines.next()
            if not line:
                return
        while True:  # the epilogue, up to an outer delimiter
            line, starts = self.lines.next()
            if not line:
                return
            if _is_boundary(line, starts, outer):
                self.lines.push((line, starts))
                return
            self.out.append(line)

    def leaf(self, msg: Message, boundaries: list[bytes]) -> None:
        """A body: kept when small or when it is the text to read, else decoded to a file."""
        spillable = not (
            msg.get_content_type() in ("text/plain", "text/html")
            and msg.get_filename() is None
            and (msg.get("Content-Disposition") or "").split(";")[0].strip().lower() != "attachment"
        )
        cte = str(msg.get("Content-Transfer-Encoding") or "7bit").strip().lower()
        kept: list[bytes] = []
        kept_bytes = 0
        dropped = 0  # body text past TEXT_KEEP_BYTES: left in the raw message only
        decoder: _Decoder | None = None
        last = b""
        while True:
            line, starts = self.lines.next()
            if not line:
                break
            if _is_boundary(line, starts, boundaries):
                self.lines.push((line, starts))
                break
            if decoder is not None:
                decoder.feed(line)
            elif dropped or (not spillable and kept_bytes + len(line) > TEXT_KEEP_BYTES):
                dropped += len(line)
            else:
                kept.append(line)
                kept_bytes += len(line)
                if spillable and kept_bytes > self.spill_bytes:
                    decoder = _Decoder(cte, self.tempdir)
                    for old in kept:
                        decoder.feed(old)
                    kept = []
            last = line
        if decoder is None:
            self.out.extend(kept)
            if dropped:
                self.out.append(_cut_note(dropped, cte, kept[-1] if kept else b"\n"))
            return
        ending = b"\r\n" if last.endswith(b"\r\n") else b"\n" if last.endswith(b"\n") else b""
        part = decoder.finish()
        marker = b"FOI-SPILLED-" + self.nonce + b"-" + str(len(self.parts)).encode()
        self.parts[marker] = part
        body = base64.b64encode(marker) if cte == "base64" else marker
        self.out.append(body + (ending or b"\n"))


def _cut_note(dropped: int, cte: str, last: bytes) -> bytes:
    """The line that ends a cut text, in the part's own transfer encoding."""
    note = f"\n[foi: text cut here; {dropped:,} more bytes are in the raw message]\n".encode()
    ending = b"\r\n" if last.endswith(b"\r\n") else b"\n"
    lead = b"" if last.endswith(b"\n") else ending
    if cte == "base64":
        return lead + base64.b64encode(note) + ending
    if cte == "quoted-printable":
        return lead + binascii.b2a_qp(note) + ending
    return lead + note.replace(b"\n", ending)


def split(fh: BinaryIO, *, spill_bytes: int = SPILL_BYTES, tempdir: str | None = None) -> Split:
    """Read a message file once: its hash and size, a skeleton, and its big parts on disk."""
    splitter = _Splitter(fh, spill_bytes, tempdir)
    try:
        splitter.entity([])
        while True:  # anything after the top entity (e.g. junk after a close delimiter)
            line, _ = splitter.lines.next()
            if not line:
                break
            splitter.out.append(line)
    except BaseException:
        for part in splitter.parts.values():
            part.file.close()
        raise
    return Split(
        sha256=splitter.lines.digest.hexdigest(),
        size=splitter.lines.size,
        skeleton=b"".join(splitter.out),
        parts=splitter.parts,
        marker_prefix=b"FOI-SPILLED-" + splitter.nonce,
    )
