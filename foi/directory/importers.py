"""Parse body lists for `foi body import FILE`: which layout a file is, and its rows in order.

Pure parsing, no database, no printing. Three layouts are recognised, by the names in their
header row (never by column position), except the NHS ODS extract, which has no header at all;
each is read by its own module in `foi.directory.body_lists`:

* ``wdtk``: a WhatDoTheyKnow / Alaveteli ``all-authorities.csv`` export (``Name, Short name,
  URL name, Tags, Home page, ...``; current exports add a leading ``Internal ID``).
* ``ods-etr``: the NHS Organisation Data Service ``etr.csv`` (27 fields, no header).
* ``plain``: any CSV with a ``name`` column and some of the columns in ``PLAIN_COLUMNS``.

Decoding (`body_lists.records`): UTF-8 (a byte-order mark is dropped), UTF-16 with a
byte-order mark, and, for files that are not valid UTF-8, Windows-1252 (what Excel writes as
"CSV" on a UK PC) with a warning. Files with NUL bytes, spreadsheets and other binary files
raise ``ImportFormatError``.

Files are read as a stream (`open_bodies_file`): the encoding is found by one scan in chunks,
then rows are yielded one by one (`BodyRow`), with rows that cannot be imported and rows
deliberately left out (all cells empty) as `RowNote`s carrying the line they start on; the
caller decides what to do. `parse_bodies_file` collects a whole (small) file into lists.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from foi.directory.body_lists.ods_etr import _looks_like_etr, _parse_etr
from foi.directory.body_lists.plain import _SYNONYMS, _parse_plain
from foi.directory.body_lists.records import _control_chars, _norm_header, _records, _sniff
from foi.directory.body_lists.rows import (
    BodyRow,
    BodyStream,
    ImportFormatError,
    ParsedImport,
    RowNote,
    RowProblem,
    _blank,
)
from foi.directory.body_lists.wdtk import WDTK_MARKERS, _parse_wdtk

# The way in, and the types it hands back (they live in foi.directory.body_lists.rows).
__all__ = [
    "BodyRow",
    "BodyStream",
    "ImportFormatError",
    "ParsedImport",
    "RowNote",
    "RowProblem",
    "collect",
    "open_bodies_file",
    "parse_bodies_file",
    "parse_bodies_text",
]


@contextlib.contextmanager
def open_bodies_file(path: Path) -> Iterator[BodyStream]:
    """Open a body list for reading row by row: the file is never held in memory whole.

    The stream's `events` yield each row (`BodyRow`) or note (`RowNote`) in file order.
    """
    path = Path(path)
    if path.is_dir():
        raise ImportFormatError(f"{path} is a directory, not a CSV file")
    if path.exists() and not path.is_file():  # a FIFO or device: opening one could hang
        raise ImportFormatError(f"{path} is not a regular file (a pipe or device): give a file")
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise ImportFormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    with fh:
        try:
            size = os.fstat(fh.fileno()).st_size
            encoding, warnings = _sniff(fh, path.name)
            fh.seek(0)
            sample = fh.read(65536).decode(encoding, errors="replace")
            fh.seek(0)
        except OSError as exc:
            raise ImportFormatError(f"cannot read {path}: {exc.strerror or exc}") from None
        text = io.TextIOWrapper(fh, encoding=encoding, newline="")
        stream = _open_records(text, path.name, sample.removeprefix("\ufeff"), len(sample) < 65536)
        stream.encoding = encoding
        stream.warnings[:0] = warnings
        stream.size = size
        stream.position = fh.tell
        try:
            yield stream
        finally:
            text.detach()  # the with-block closes the file itself


def parse_bodies_file(path: Path) -> ParsedImport:
    """Read a whole body list (WhatDoTheyKnow export, NHS ODS etr.csv or plain CSV)."""
    with open_bodies_file(path) as stream:
        return collect(stream)


def parse_bodies_text(text: str, name: str = "the file") -> ParsedImport:
    """Parse the decoded text of a body list; see parse_bodies_file."""
    text = text.removeprefix("\ufeff")
    sample = text[:65536]
    return collect(
        _open_records(io.StringIO(text, newline=""), name, sample, len(sample) == len(text))
    )


def collect(stream: BodyStream) -> ParsedImport:
    """Every row and note of a stream, in lists (for small files and tests)."""
    result = ParsedImport(
        format=stream.format,
        rows=[],
        problems=[],
        skipped=[],
        ignored_columns=list(stream.ignored_columns),
        warnings=list(stream.warnings),
        encoding=stream.encoding,
    )
    for event in stream.events:
        if isinstance(event, BodyRow):
            result.rows.append(event)
        else:
            {"bad": result.problems, "skipped": result.skipped, "warning": result.warnings}[
                event.kind
            ].append(event.problem)
    return result


def _open_records(source: Iterable[str], name: str, sample: str, whole: bool) -> BodyStream:
    """Recognise the layout from the header and return the stream of the rows after it."""
    if whole and not sample.strip():
        raise ImportFormatError(f"{name} is empty")
    if _control_chars(sample) * 200 > len(sample):  # a stray control character is tolerated
        raise ImportFormatError(f"{name} is not a text CSV file (it contains control characters)")
    records = _records(source, name)
    line, fields = 0, []
    while _blank(fields):  # the first line that is not blank: a header, or an etr record
        try:
            line, fields, _raw = next(records)
        except StopIteration:
            if line == 0:
                raise ImportFormatError(f"{name} is empty") from None
            raise ImportFormatError(f"{name} has no header row (every cell is empty)") from None
    header = [_norm_header(f) for f in fields]
    keys = set(header)
    if "name" in keys and "url_name" in keys and len(keys & WDTK_MARKERS) >= 2:
        return _parse_wdtk(fields, header, records)
    if any(_SYNONYMS.get(h) == "name" for h in header):
        return _parse_plain(fields, header, records)
    if _looks_like_etr(fields):
        return _parse_etr(line, fields, records)
    shown = ", ".join(f.strip() for f in fields[:6])
    if len(fields) > 6:
        shown += ", ..."
    raise ImportFormatError(
        f"{name}: unrecognised layout: the first line ({shown}) is not a header with a 'name' "
        "column, nor an NHS ODS etr.csv record (header-less lists are not guessed at)"
    )
