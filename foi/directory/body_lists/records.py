"""A body list's bytes as CSV records: the encoding, binary files refused, line numbers.

The encoding is found by one scan in chunks (`_sniff`): UTF-8 (a byte-order mark dropped),
UTF-16 with a byte-order mark, or, for a file that is not valid UTF-8, Windows-1252 (what Excel
writes as "CSV" on a UK PC) with a warning; spreadsheets, NUL bytes and files full of control
characters are refused. `_records` then yields each CSV record with the line it starts on and
its raw text, so memory stays small whatever the file's size. Header cells are normalised here
too. Pure: reads only the stream it is given.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from foi.directory.body_lists.rows import ImportFormatError, RowProblem

_CP1252_UNDEFINED_RE = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_SCAN_CHUNK = 1 << 20


def _sniff(fh: BinaryIO, name: str) -> tuple[str, list[RowProblem]]:
    """The encoding of a body list, found by scanning it once in chunks (memory stays small).

    UTF-8 (a byte-order mark dropped), UTF-16 with a byte-order mark, or, for a file that is
    not valid UTF-8, Windows-1252 with a warning. Spreadsheets and NUL bytes are refused.
    """
    head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        raise ImportFormatError(
            f"{name} is a ZIP file (a spreadsheet?): save it as CSV (UTF-8) and import that"
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFormatError(
            f"{name} is an old Excel/Office file: save it as CSV (UTF-8) and import that"
        )
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", []
    bom = head.startswith(b"\xef\xbb\xbf")
    fh.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, first_bad, cp1252_ok = 0, None, True
    while chunk := fh.read(_SCAN_CHUNK):
        if b"\x00" in chunk:
            raise ImportFormatError(f"{name} is not a text file (it contains NUL bytes)")
        if first_bad is None:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                first_bad = offset + exc.start
        if cp1252_ok and _CP1252_UNDEFINED_RE.search(chunk):
            cp1252_ok = False
        offset += len(chunk)
    if first_bad is None:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            first_bad = offset
    if first_bad is None:
        return ("utf-8-sig" if bom else "utf-8"), []
    if bom:
        raise ImportFormatError(
            f"{name} starts with a UTF-8 mark but is not UTF-8 (byte {first_bad})"
        )
    if not cp1252_ok:
        raise ImportFormatError(
            f"{name} is neither UTF-8 nor Windows-1252 text (bad byte at offset {first_bad})"
        )
    warning = RowProblem(
        0, f"{name} is not UTF-8 (offset {first_bad}); read it as Windows-1252 (cp1252)"
    )
    return "cp1252", [warning]


def _control_chars(text: str) -> int:
    return sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")


def _records(source: Iterable[str], name: str) -> Iterator[tuple[int, list[str], str]]:
    """Yield (line the record starts on, fields, raw text of the record) for each CSV record.

    `source` gives lines with their line ends (a file opened with newline="").
    """
    buffer: list[str] = []

    def lines() -> Iterator[str]:
        try:
            for line in source:
                buffer.append(line)
                yield line
        except UnicodeDecodeError as exc:
            raise ImportFormatError(
                f"{name} is not valid {exc.encoding} text: {exc.reason}"
            ) from None

    reader = csv.reader(lines())
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFormatError(f"line {start}: unreadable CSV ({exc})") from None
        raw = "".join(buffer)
        buffer.clear()
        yield start, fields, raw
        start = reader.line_num + 1


def _norm_header(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.strip().lower()).lstrip("#")


def _check_duplicate_headers(cells: list[str], header: list[str]) -> None:
    seen: dict[str, str] = {}
    for cell, h in zip(cells, header, strict=True):
        if h and h in seen:
            raise ImportFormatError(
                f"column {cell.strip()!r} appears twice in the header (as {seen[h]!r} too)"
            )
        seen[h] = cell.strip()
