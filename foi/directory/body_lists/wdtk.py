"""The WhatDoTheyKnow / Alaveteli ``all-authorities.csv`` layout, read by its header.

Recognised by ``name`` and ``url_name`` with at least two of the export's own columns
(``WDTK_MARKERS``); each record becomes a `BodyRow` with the short name as an alias, the
WhatDoTheyKnow URL name, home page, notes and tags, the body's kind read from the category
tags (``WDTK_KIND_TAGS``) and an ODS code from an ``ods:`` tag. Two records run together on
one line (a known fault of the export) are split with a warning. Pure.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from foi.directory.body_lists.records import _check_duplicate_headers
from foi.directory.body_lists.rows import (
    _FIELDS,
    ODS_CODE_RE,
    BodyRow,
    BodyStream,
    RowNote,
    RowProblem,
    _bad,
    _blank,
)

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

_LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")
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
