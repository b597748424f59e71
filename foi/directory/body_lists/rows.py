"""What a body list yields: rows, notes on rows, the stream of them, and the format error.

A `BodyRow` is one body read from a file, naming the fields the file supplied (`present`); a
`RowNote` is a row refused, left out on purpose, or a caveat, with the line it starts on
(`RowProblem`); a `BodyStream` is a list being read, its rows and notes yielded one by one;
`ParsedImport` is a whole (small) list collected. `ImportFormatError` is a file that is not a
body list at all. Shared by every layout; pure data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

from foi.errors import UsageError

# An NHS ODS organisation code, which any of the layouts may give.
ODS_CODE_RE = re.compile(r"^(?=.*[A-Z])[A-Z0-9]{3,6}$")


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


# The fields of a BodyRow a file can supply (`present` names those it did).
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


def _bad(line: int, message: str) -> RowNote:
    return RowNote("bad", RowProblem(line, message))


def _blank(fields: list[str]) -> bool:
    return all(not f.strip() for f in fields)
