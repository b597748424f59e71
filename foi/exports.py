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


def write_xlsx_file(
    path: Path,
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
    *,
    mode: int = 0o600,
) -> dict[str, int]:
    """Write an XLSX workbook atomically, one sheet per (title, header, rows) view.

    The header row is bold and frozen; dates stay dates; every text cell goes through
    `safe_cell`. Returns the number of rows written per sheet.
    """
    from openpyxl import Workbook  # imported here: only exports need it
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    counts: dict[str, int] = {}
    for title, header, rows in sheets:
        # Sheet titles: at most 31 characters, none of []:*?/\ (Excel's own limits).
        ws = wb.create_sheet(title=_sheet_title(title))
        ws.append(safe_row(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        n = 0
        for row in rows:
            ws.append([_xlsx_value(v) for v in row])
            n += 1
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, date) and not isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd"
        counts[ws.title] = n
    with atomic_writer(path, mode=mode) as fh:
        wb.save(fh)
    return counts


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
