"""The NHS Organisation Data Service ``etr.csv`` layout: 27 fields and no header row.

Recognised by its first record (27 fields, an ODS code first, YYYYMMDD open and close dates);
each record becomes a `BodyRow` with the organisation code, a proper-cased name (the upper-case
one kept as an alias), region, address, dates and phone; an ambulance trust is recognised by
name. Duplicate codes and bad dates are refused row by row. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from foi.directory.body_lists.names import proper_case, proper_case_address
from foi.directory.body_lists.rows import (
    _FIELDS,
    ODS_CODE_RE,
    BodyRow,
    BodyStream,
    RowNote,
    _bad,
    _blank,
)

ODS_DATE_RE = re.compile(r"^\d{8}$")
ETR_FIELDS = 27


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
