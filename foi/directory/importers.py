"""Parse body lists for `foi body import FILE`: pure parsing, no database, no printing.

Three layouts are recognised, by the names in their header row (never by column position),
except the NHS ODS extract, which has no header at all:

* ``wdtk``: a WhatDoTheyKnow / Alaveteli ``all-authorities.csv`` export (``Name, Short name,
  URL name, Tags, Home page, ...``; current exports add a leading ``Internal ID``).
* ``ods-etr``: the NHS Organisation Data Service ``etr.csv`` (27 fields, no header).
* ``plain``: any CSV with a ``name`` column and some of the columns in ``PLAIN_COLUMNS``.

Decoding: UTF-8 (a byte-order mark is dropped), UTF-16 with a byte-order mark, and, for files
that are not valid UTF-8, Windows-1252 (what Excel writes as "CSV" on a UK PC) with a warning.
Files with NUL bytes, spreadsheets and other binary files raise ``ImportFormatError``.

Files are read as a stream (`open_bodies_file`): the encoding is found by one scan in chunks,
then rows are yielded one by one (`BodyRow`), with rows that cannot be imported and rows
deliberately left out (all cells empty) as `RowNote`s carrying the line they start on; the
caller decides what to do. `parse_bodies_file` collects a whole (small) file into lists.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from foi.directory.kinds import KINDS, NATIONS
from foi.errors import UsageError

REGIMES = ("foia", "eir", "foisa", "none")

# Sane rather than RFC 5322: one @, no spaces or header-breaking characters, a dot in the
# domain (so "foi@localhost" is refused: a request sent there would go nowhere).
EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ODS_DATE_RE = re.compile(r"^\d{8}$")
ODS_CODE_RE = re.compile(r"^(?=.*[A-Z])[A-Z0-9]{3,6}$")
POLICE_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

ETR_FIELDS = 27

# Plain CSV: field -> accepted header names (after normalising: lower case, runs of spaces
# and hyphens turned into "_", a leading "#" dropped).
PLAIN_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "body_name", "authority_name"),
    "kind": ("kind", "type", "body_kind"),
    "tags": ("tags", "tag", "tag_string"),
    "ods_code": ("ods_code", "ods", "code", "org_code", "organisation_code"),
    "police_id": ("police_id", "force_id", "data_police_uk_id"),
    "wdtk_url_name": ("wdtk_url_name", "url_name", "wdtk"),
    "email": ("email", "foi_email", "request_email", "email_address", "e_mail"),
    "aliases": ("aliases", "alias", "short_name"),
    "home_page": ("home_page", "homepage", "website", "web_site"),
    "region": ("region",),
    "nation": ("nation", "country"),
    "opened_on": ("opened_on", "open_date", "opened"),
    "closed_on": ("closed_on", "close_date", "closed"),
    "phone": ("phone", "telephone", "tel", "phone_number"),
    "postal_address": ("postal_address", "address", "post_address"),
    "notes": ("notes", "note"),
    "regime": ("regime",),
    "foi_subject": ("foi_subject", "subject_to_foi"),
}
# Alaveteli's import format gives translated names as "name.es", "name.pt_BR": kept as aliases.
LOCALE_NAME_RE = re.compile(r"^name\.[a-z]{2,3}(?:[_-][a-z0-9]{2,4})?$")

WDTK_COLUMNS = {
    "name": "name",
    "short_name": "aliases",
    "url_name": "wdtk_url_name",
    "tags": "tags",
    "home_page": "home_page",
    "notes": "notes",
}
WDTK_MARKERS = {
    "internal_id",
    "short_name",
    "publication_scheme",
    "disclosure_log",
    "created_at",
    "updated_at",
    "version",
}

# WhatDoTheyKnow category tags (see its tag taxonomy) -> kind; the first match wins, so a
# trust tagged both `nhstrust` and `mental_health_trust` is a mental-health-trust. The bare
# tag `police` is WhatDoTheyKnow's "Policing bodies" (it includes crime commissioners and
# panels), so it does not make a body a police force on its own.
WDTK_KIND_TAGS: tuple[tuple[str, frozenset[str]], ...] = (
    ("mental-health-trust", frozenset({"mental_health_trust", "nhs_mental_health"})),
    ("ambulance-trust", frozenset({"ambulance_service", "nhs_ambulance_service_provider"})),
    ("police-force", frozenset({"main_police_force", "independent_police", "port_police"})),
    ("icb", frozenset({"icb", "ccg"})),
    ("coroner", frozenset({"coroners_office", "coroner"})),
    ("nhs-trust", frozenset({"nhstrust", "hospital_trust", "community_services_trust"})),
    (
        "council",
        frozenset(
            {
                "local_council",
                "county",
                "metropolitan_district",
                "non-metropolitan_district",
                "welsh_council",
                "scotland_council",
                "ni_local_council",
                "parish_council",
            }
        ),
    ),
)
# `key:value` tags whose value is an ODS organisation code.
WDTK_ODS_TAG_KEYS = frozenset({"ods", "ods_code", "ods_org_code"})

# Proper-casing of upper-case NHS names and addresses.
_SMALL_WORDS = frozenset(
    {
        "and",
        "of",
        "the",
        "for",
        "upon",
        "on",
        "in",
        "at",
        "by",
        "with",
        "under",
        "super",
        "le",
        "en",
    }
)
_UPPER_WORDS = frozenset({"NHS", "UK", "HQ", "ICB", "CCG", "PO", "FT"})
_TOKEN_RE = re.compile(r"[A-Za-z0-9']+")
_POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


class ImportFormatError(UsageError, ValueError):
    """The file is not a body list this module can read; the message is one line."""


@dataclass
class BodyRow:
    """One body read from a file; `present` names the fields the file supplied for it."""

    line: int
    name: str | None = None
    kind: str | None = None
    ods_code: str | None = None
    police_id: str | None = None
    wdtk_url_name: str | None = None
    email: str | None = None
    tags: list[str] | None = None
    aliases: list[str] | None = None
    home_page: str | None = None
    region: str | None = None
    nation: str | None = None
    opened_on: date | None = None
    closed_on: date | None = None
    phone: str | None = None
    postal_address: str | None = None
    notes: str | None = None
    regime: str | None = None
    foi_subject: bool | None = None
    present: frozenset[str] = frozenset()


@dataclass
class RowProblem:
    """A row (or file-level note, line 0) with what is wrong; str() gives 'line N: ...'."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class ParsedImport:
    """What a body file held: rows to import, rows refused, rows left out on purpose."""

    format: str
    rows: list[BodyRow]
    problems: list[RowProblem]
    skipped: list[RowProblem]
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    encoding: str = "utf-8"


@dataclass
class RowNote:
    """A row refused (kind 'bad'), left out on purpose ('skipped'), or a caveat ('warning')."""

    kind: str
    problem: RowProblem


@dataclass
class BodyStream:
    """A body list being read: its layout, then its rows and notes one by one (`events`)."""

    format: str
    events: Iterator[BodyRow | RowNote]
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)  # about the whole file
    encoding: str = "utf-8"
    size: int = 0  # bytes in the file, for progress
    position: Callable[[], int] = lambda: 0  # bytes read so far


# ---------------------------------------------------------------------------------------------
# Names


def proper_case(text: str) -> str:
    """Turn an upper-case ODS name or address line into proper case ("KING'S" -> "King's")."""
    out: list[str] = []
    pos = 0
    first = True
    for match in _TOKEN_RE.finditer(text):
        out.append(text[pos : match.start()])
        word = match.group()
        out.append(_case_word(word, first))
        first = word[0].isdigit()  # "729 THE RIDGE" -> "729 The Ridge"
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def _case_word(word: str, first: bool) -> str:
    upper = word.upper()
    if upper in _UPPER_WORDS:
        return upper
    if not first and word.lower() in _SMALL_WORDS:
        return word.lower()
    if word[0].isdigit():  # "4TH" -> "4th", "2GETHER" -> "2gether"
        return word.lower()
    if any(ch.isdigit() for ch in word):  # "M13", "B1": codes keep their case
        return upper
    if len(word) > 3 and upper.startswith("MC") and word.isupper():  # MCKINLEY -> McKinley
        return "Mc" + word[2].upper() + word[3:].lower()
    parts = word.split("'")
    cased = [parts[0][:1].upper() + parts[0][1:].lower()]
    for prev, part in itertools.pairwise(parts):
        # O'BRIEN -> O'Brien, but KING'S -> King's and THOMAS' -> Thomas'
        cased.append(part[:1].upper() + part[1:].lower() if len(prev) == 1 else part.lower())
    return "'".join(cased)


def proper_case_address(lines: list[str]) -> str:
    """Join ODS address lines into one line, proper-cased, postcode kept upper case."""
    parts = []
    for raw in lines:
        value = " ".join(raw.split())
        if not value:
            continue
        parts.append(value.upper() if _POSTCODE_RE.match(value.upper()) else proper_case(value))
    return ", ".join(parts)


# ---------------------------------------------------------------------------------------------
# Reading the file


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


_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")


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


def _bad(line: int, message: str) -> RowNote:
    return RowNote("bad", RowProblem(line, message))


def _blank(fields: list[str]) -> bool:
    return all(not f.strip() for f in fields)


def _norm_header(cell: str) -> str:
    return re.sub(r"[\s\-]+", "_", cell.strip().lower()).lstrip("#")


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


# ---------------------------------------------------------------------------------------------
# NHS ODS etr.csv


def _looks_like_etr(fields: list[str]) -> bool:
    return (
        len(fields) == ETR_FIELDS
        and bool(ODS_CODE_RE.match(fields[0].strip()))
        and all(not fields[i].strip() or ODS_DATE_RE.match(fields[i].strip()) for i in (10, 11))
    )


def _ods_date(text: str) -> date:
    if not ODS_DATE_RE.match(text):
        raise ValueError
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def _parse_etr(
    line: int, fields: list[str], records: Iterator[tuple[int, list[str], str]]
) -> BodyStream:
    # etr.csv lists a few thousand organisations: remembering their codes costs little.
    seen: dict[str, int] = {}

    def handle(line: int, fields: list[str]) -> Iterator[BodyRow | RowNote]:
        if _blank(fields):
            return
        if len(fields) != ETR_FIELDS:
            yield _bad(line, f"expected {ETR_FIELDS} fields, found {len(fields)}")
            return
        f = [v.strip() for v in fields]
        problems: list[str] = []
        code = f[0].upper()
        if not ODS_CODE_RE.match(code):
            problems.append(f"organisation code {f[0]!r} is not an ODS code")
        if not f[1]:
            problems.append("missing name")
        dates: dict[str, date | None] = {}
        for label, value in (("open date", f[10]), ("close date", f[11])):
            try:
                dates[label] = _ods_date(value) if value else None
            except ValueError:
                problems.append(f"{label} {value!r} is not a YYYYMMDD date")
        opened, closed = dates.get("open date"), dates.get("close date")
        if opened and closed and closed < opened:
            problems.append(f"close date {closed} is before open date {opened}")
        if code in seen and not problems:
            problems.append(f"duplicate organisation code {code} (first on line {seen[code]})")
        if problems:
            yield from (_bad(line, p) for p in problems)
            return
        seen[code] = line
        name = " ".join(f[1].split())
        nice = proper_case(name)
        row = BodyRow(
            line=line,
            name=nice,
            ods_code=code,
            aliases=[name] if name != nice else [],
            region=f[2] or None,
            postal_address=proper_case_address(f[4:10]) or None,
            opened_on=opened,
            closed_on=closed,
            phone=f[17] or None,
        )
        if "AMBULANCE" in name.upper():
            row.kind = "ambulance-trust"
        # An empty close date means "open" in ODS, so closed_on is always supplied.
        always = {"closed_on"}
        row.present = frozenset(
            k for k in _FIELDS if k in always or getattr(row, k) not in (None, [], "")
        )
        yield row

    def events() -> Iterator[BodyRow | RowNote]:
        yield from handle(line, fields)
        for later, cells, _raw in records:
            yield from handle(later, cells)

    return BodyStream(format="ods-etr", events=events())


# ---------------------------------------------------------------------------------------------
# WhatDoTheyKnow / Alaveteli all-authorities.csv

_RUN_TOGETHER_RE = re.compile(r",(\d+)(?=\")")


def _split_run_together(raw: str, width: int) -> tuple[list[str], list[str], int] | None:
    """Two records with no line break between them ('...,2"Next name",...'): split them."""
    for match in _RUN_TOGETHER_RE.finditer(raw):
        left, right = raw[: match.end()], raw[match.end() :]
        try:
            first = list(csv.reader(io.StringIO(left, newline="")))
            second = list(csv.reader(io.StringIO(right, newline="")))
        except csv.Error:
            continue
        if [len(r) for r in first] == [width] and [len(r) for r in second] == [width]:
            return first[0], second[0], len(_LINE_BREAK_RE.findall(left))
    return None


def _parse_wdtk(
    header_cells: list[str], header: list[str], records: Iterator[tuple[int, list[str], str]]
) -> BodyStream:
    _check_duplicate_headers(header_cells, header)
    width = len(header)
    index = {h: i for i, h in enumerate(header)}
    ignored = [
        cell.strip() for cell, h in zip(header_cells, header, strict=True) if h not in WDTK_COLUMNS
    ]

    def build(line: int, fields: list[str]) -> BodyRow | RowNote:
        cells = {h: fields[i].strip() for h, i in index.items()}
        name = " ".join(cells.get("name", "").split())
        if not name:
            return _bad(line, "missing name")
        row = BodyRow(line=line, name=name)
        short = " ".join(cells.get("short_name", "").split())
        if short and short != name:
            row.aliases = [short]
        row.wdtk_url_name = cells.get("url_name") or None
        row.home_page = cells.get("home_page") or None
        row.notes = fields[index["notes"]].strip() if "notes" in index else None
        row.notes = row.notes or None
        tags = cells.get("tags", "").split()
        if tags:
            row.tags = tags
            row.kind = _kind_from_tags(tags)
            for tag in tags:
                key, sep, value = tag.partition(":")
                if sep and key.lower() in WDTK_ODS_TAG_KEYS and ODS_CODE_RE.match(value.upper()):
                    row.ods_code = value.upper()
        row.present = frozenset(k for k in _FIELDS if getattr(row, k) not in (None, [], ""))
        return row

    def events() -> Iterator[BodyRow | RowNote]:
        for line, fields, raw in records:
            if _blank(fields):
                continue
            if len(fields) != width:
                split = _split_run_together(raw, width) if len(fields) > width else None
                if split is None:
                    yield _bad(line, f"expected {width} fields, found {len(fields)}")
                    continue
                first, second, offset = split
                yield RowNote(
                    "warning",
                    RowProblem(
                        line + offset,
                        "two records ran together on one line (no line break after the first "
                        "record's last field); read them as two",
                    ),
                )
                yield build(line, first)
                yield build(line + offset, second)
                continue
            yield build(line, fields)

    return BodyStream(format="wdtk", events=events(), ignored_columns=ignored)


def _kind_from_tags(tags: list[str]) -> str | None:
    names = {t.partition(":")[0].lower() for t in tags}
    for kind, wanted in WDTK_KIND_TAGS:
        if names & wanted:
            return kind
    return None


# ---------------------------------------------------------------------------------------------
# Plain CSV

_FIELDS = (
    "name",
    "kind",
    "ods_code",
    "police_id",
    "wdtk_url_name",
    "email",
    "tags",
    "aliases",
    "home_page",
    "region",
    "nation",
    "opened_on",
    "closed_on",
    "phone",
    "postal_address",
    "notes",
    "regime",
    "foi_subject",
)
_SYNONYMS = {alias: fld for fld, names in PLAIN_COLUMNS.items() for alias in names}


def _check_duplicate_headers(cells: list[str], header: list[str]) -> None:
    seen: dict[str, str] = {}
    for cell, h in zip(cells, header, strict=True):
        if h and h in seen:
            raise ImportFormatError(
                f"column {cell.strip()!r} appears twice in the header (as {seen[h]!r} too)"
            )
        seen[h] = cell.strip()


def _parse_plain(
    header_cells: list[str], header: list[str], records: Iterator[tuple[int, list[str], str]]
) -> BodyStream:
    ignored: list[str] = []
    _check_duplicate_headers(header_cells, header)
    columns: dict[int, str] = {}
    field_from: dict[str, str] = {}
    for i, (cell, h) in enumerate(zip(header_cells, header, strict=True)):
        fld = "aliases" if LOCALE_NAME_RE.match(h) else _SYNONYMS.get(h)
        if fld is None:
            if cell.strip():
                ignored.append(cell.strip())
            continue
        if fld in field_from and fld != "aliases":
            raise ImportFormatError(
                f"columns {field_from[fld]!r} and {cell.strip()!r} both give {fld}: keep one"
            )
        field_from[fld] = cell.strip()
        columns[i] = fld
    width = len(header)

    def events() -> Iterator[BodyRow | RowNote]:
        for line, fields, _raw in records:
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # a blank line
            if len(fields) != width:
                yield _bad(line, f"expected {width} fields, found {len(fields)}")
                continue
            if _blank(fields):
                yield RowNote("skipped", RowProblem(line, "every cell is empty"))
                continue
            row, problems = _plain_row(line, fields, columns)
            if problems:
                yield from (_bad(line, p) for p in problems)
            else:
                yield row

    return BodyStream(format="plain", events=events(), ignored_columns=ignored)


_EMPTY = (None, [], "")


def _plain_row(line: int, fields: list[str], columns: dict[int, str]) -> tuple[BodyRow, list[str]]:
    row = BodyRow(line=line)
    problems: list[str] = []
    aliases: list[str] = []
    for i, fld in columns.items():
        value = fields[i].strip()
        if fld not in ("notes", "postal_address", "tags"):
            value = " ".join(value.split())  # newlines and runs of spaces inside a name
        if not value:
            continue
        if fld == "aliases":
            aliases.extend(a.strip() for a in value.split("|") if a.strip())
        elif fld == "tags":
            row.tags = [t for t in re.split(r"[\s,]+", value) if t]
        elif fld == "email":
            if EMAIL_RE.match(value):
                row.email = value
            else:
                problems.append(f"{value!r} is not an email address")
        elif fld == "kind":
            kind = re.sub(r"[\s_]+", "-", value.lower())
            if kind in KINDS:
                row.kind = kind
            else:
                problems.append(f"unknown kind {value!r} (choose from {', '.join(KINDS)})")
        elif fld == "nation":
            nation = re.sub(r"[\s_]+", "-", value.lower())
            if nation in NATIONS:
                row.nation = nation
            else:
                problems.append(f"unknown nation {value!r} (choose from {', '.join(NATIONS)})")
        elif fld == "regime":
            if value.lower() in REGIMES:
                row.regime = value.lower()
            else:
                problems.append(f"unknown regime {value!r} (choose from {', '.join(REGIMES)})")
        elif fld == "foi_subject":
            flag = {"yes": True, "true": True, "no": False, "false": False}.get(value.lower())
            if flag is None:
                problems.append(f"foi_subject {value!r} is not yes/no/true/false")
            row.foi_subject = flag
        elif fld in ("opened_on", "closed_on"):
            try:
                if not ISO_DATE_RE.match(value):
                    raise ValueError
                setattr(row, fld, date.fromisoformat(value))
            except ValueError:
                problems.append(f"{fld} {value!r} is not a date (YYYY-MM-DD)")
        elif fld == "ods_code":
            if ODS_CODE_RE.match(value.upper()):
                row.ods_code = value.upper()
            else:
                problems.append(f"ods_code {value!r} is not an ODS code")
        elif fld == "police_id":
            if POLICE_ID_RE.match(value.lower()):
                row.police_id = value.lower()
            else:
                problems.append(f"police_id {value!r} is not a data.police.uk id")
        else:
            setattr(row, fld, value)
    aliases = list(dict.fromkeys(a for a in aliases if a != row.name))
    row.aliases = aliases or None
    if not row.name:
        problems.append("missing name")
    if row.opened_on and row.closed_on and row.closed_on < row.opened_on:
        problems.append(f"closed_on {row.closed_on} is before opened_on {row.opened_on}")
    given = {f for f in columns.values() if f != "aliases" and getattr(row, f) not in _EMPTY}
    if row.aliases:
        given.add("aliases")
    row.present = frozenset(given)
    return row, problems
