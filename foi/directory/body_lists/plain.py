"""A plain CSV body list: a ``name`` column and any of `PLAIN_COLUMNS`, checked cell by cell.

Columns are matched by their (normalised) header names and accepted synonyms, never by
position; translated names (``name.es``) become aliases. Each row's values are checked as
`foi body add` would take them (email address, kind, nation, regime, yes/no, ISO dates, ODS
code, police id) and a row with any bad value is refused with every problem listed; a row
whose cells are all empty is left out on purpose. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from foi.directory.body_lists.records import _check_duplicate_headers
from foi.directory.body_lists.rows import (
    ODS_CODE_RE,
    BodyRow,
    BodyStream,
    ImportFormatError,
    RowNote,
    RowProblem,
    _bad,
    _blank,
)
from foi.directory.kinds import KINDS, NATIONS

REGIMES = ("foia", "eir", "foisa", "none")

# Sane rather than RFC 5322: one @, no spaces or header-breaking characters, a dot in the
# domain (so "foi@localhost" is refused: a request sent there would go nowhere).
EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
POLICE_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

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

_SYNONYMS = {alias: fld for fld, names in PLAIN_COLUMNS.items() for alias in names}


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
