"""Tables out of foi: cells made safe for spreadsheets, and CSV written one way everywhere.

A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken by
Excel, LibreOffice and Google Sheets as a formula ("CSV injection"); OWASP's rule is to
prefix such a cell with a single quote so it shows as the text it is. Every CSV and XLSX
cell foi writes goes through `safe_cell`. Numbers, dates and booleans are left as they are:
a negative number is a number, not a formula.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from foi.files import atomic_writer

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A value as a spreadsheet should show it: text that could run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | date | datetime):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        value = "; ".join(str(v) for v in value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row through `safe_cell`."""
    return [safe_cell(v) for v in values]


def _csv_value(value: Any) -> Any:
    cell = safe_cell(value)
    return cell.isoformat() if isinstance(cell, date | datetime) else cell


def write_csv_rows(fh: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and rows, every cell formula-safe; return the number of rows."""
    writer = csv.writer(fh, lineterminator="\r\n")
    writer.writerow(safe_row(header))
    count = 0
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
        count += 1
    return count


def write_csv_file(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]], *, mode: int = 0o600
) -> int:
    """Write a CSV file atomically (UTF-8 with a BOM, so Excel reads the accents right)."""
    with atomic_writer(path, mode=mode, text=True) as fh:
        fh.write("\ufeff")
        return write_csv_rows(fh, header, rows)


@dataclass(frozen=True)
class Formatted:
    """A spreadsheet value with its number format, e.g. Formatted(0.5, PERCENT) shows 50.0%."""

    value: Any
    number_format: str


PERCENT = "0.0%"
DATE = "yyyy-mm-dd"


@dataclass
class Sheet:
    """One sheet of a workbook: a header row (above it, lines of `intro` text) and rows.

    `widths` are the columns' widths in characters (default: from the header's words);
    `formats` number formats by column index (dates get `DATE` without asking).
    """

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[float] | None = None
    formats: dict[int, str] = field(default_factory=dict)
    intro: Sequence[str] = ()


def write_xlsx_file(
    path: Path,
    sheets: Iterable[Sheet | tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
    *,
    mode: int = 0o600,
) -> dict[str, int]:
    """Write an XLSX workbook atomically, one sheet per `Sheet` (or (title, header, rows)).

    Rows are streamed (openpyxl's write-only mode: memory stays flat however many there
    are). The header row is bold, frozen and carries an autofilter; columns have widths;
    dates are dates; every text cell goes through `safe_cell`. Returns the rows per sheet.
    """
    from openpyxl import Workbook  # imported here: only exports need it

    wb = Workbook(write_only=True)
    counts: dict[str, int] = {}
    used: set[str] = set()
    for sheet in sheets:
        if not isinstance(sheet, Sheet):
            sheet = Sheet(*sheet)
        title = _unique(_sheet_title(sheet.title), used)
        counts[title] = _write_sheet(wb.create_sheet(title=title), sheet)
    with atomic_writer(path, mode=mode) as fh:
        wb.save(fh)
    return counts


def _write_sheet(ws: Any, sheet: Sheet) -> int:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    ncols = max(1, len(sheet.header))
    widths = list(sheet.widths or [])
    for i, name in enumerate(sheet.header):
        width = widths[i] if i < len(widths) else min(60.0, max(10.0, len(str(name)) + 4.0))
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    header_row = len(sheet.intro) + 1
    ws.freeze_panes = f"A{header_row + 1}"  # before the first row: the sheet's head goes first
    for line in sheet.intro:
        cell = WriteOnlyCell(ws, value=_xlsx_value(line))
        cell.font = bold
        cell.alignment = Alignment(wrap_text=False)
        ws.append([cell])
    heads = []
    for name in sheet.header:
        cell = WriteOnlyCell(ws, value=_xlsx_value(name))
        cell.font = bold
        heads.append(cell)
    ws.append(heads)
    n = 0
    for row in sheet.rows:
        cells = []
        for i, value in enumerate(row):
            fmt = sheet.formats.get(i)
            if isinstance(value, Formatted):
                value, fmt = value.value, value.number_format
            v = _xlsx_value(value)
            if fmt is None and isinstance(v, date) and not isinstance(v, datetime):
                fmt = DATE
            if fmt is not None and v is not None and not isinstance(v, str):
                cell = WriteOnlyCell(ws, value=v)
                cell.number_format = fmt
                cells.append(cell)
            else:
                cells.append(v)
        ws.append(cells)
        n += 1
    last = get_column_letter(ncols)
    ws.auto_filter.ref = f"A{header_row}:{last}{header_row + n}"
    return n


def _unique(title: str, used: set[str]) -> str:
    # Excel compares sheet names without regard to case.
    base, k = title, 2
    while title.casefold() in used:
        suffix = f" ({k})"
        title = base[: 31 - len(suffix)] + suffix
        k += 1
    used.add(title.casefold())
    return title


def _sheet_title(title: str) -> str:
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    return cleaned[:31] or "sheet"


def _xlsx_value(value: Any) -> Any:
    cell = safe_cell(value)
    if isinstance(cell, datetime) and cell.tzinfo is not None:
        # Spreadsheets have no time zones: write UTC wall time.
        return cell.replace(tzinfo=None)
    if isinstance(cell, str):
        # openpyxl refuses control characters that XML 1.0 cannot hold; drop them.
        return _ILLEGAL_XML.sub("", cell)
    return cell


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
