"""Write foi/law/data/holidays-package-table.json from the installed `holidays` package.

Run after upgrading the `holidays` package:  .venv/bin/python scripts/build_holiday_table.py

The table holds, for each UK region and each year FIRST_YEAR-LAST_YEAR, the weekday holidays
the package computes (what foi.law.holidays would compute by importing it), so that foi need
not import the package while the installed version is the one the table was built with.
tests/law/test_holidays.py checks the table against the package.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from foi.law.holidays import (  # noqa: E402
    _BLOCK,
    FIRST_YEAR,
    LAST_YEAR,
    REGIONS,
    TABLE_FILE,
    _package_version,
    compute_package_block,
)


def build() -> dict[str, object]:
    """The table as a JSON-ready dict: names once, then [date, name index] per region."""
    first = FIRST_YEAR - FIRST_YEAR % _BLOCK
    last = LAST_YEAR - LAST_YEAR % _BLOCK + _BLOCK - 1
    names: list[str] = []
    regions: dict[str, list[list[object]]] = {r: [] for r in REGIONS}
    for block in range(first, last + 1, _BLOCK):
        for h in compute_package_block(block):
            if h.name not in names:
                names.append(h.name)
            regions[h.region].append([h.date.isoformat(), names.index(h.name)])
    return {
        "package_version": _package_version(),
        "first_year": first,
        "last_year": last,
        "names": names,
        "regions": regions,
    }


def main() -> None:
    target = ROOT / "foi" / "law" / "data" / TABLE_FILE
    text = json.dumps(build(), ensure_ascii=False, separators=(",", ":"))
    target.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {target} ({len(text):,} bytes)")


if __name__ == "__main__":
    main()
