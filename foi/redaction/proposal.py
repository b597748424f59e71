"""What `foi redact` proposes to remove: findings, phrases and regions, as boxes on pages.

Pure over the pages of a `render.Document` (their words and positions): each personal-data
finding and each phrase the volunteer gives becomes an `Area` with the boxes of its words;
each region (PAGE:x0,y0,x1,y1 in points) an area of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from foi.errors import UsageError
from foi.redaction.findings import Watchlist, find_personal_data
from foi.redaction.render import Area, Box, Page


@dataclass
class Proposal:
    areas: list[Area] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)  # phrases given that no page holds

    def phrases(self) -> list[str]:
        """The removed text, to check the copy against."""
        return sorted({a.text for a in self.areas if a.text})

    def as_json(self) -> list[dict[str, object]]:
        return [a.as_json() for a in self.areas]


def merge_boxes(boxes: Sequence[Box]) -> tuple[Box, ...]:
    """One box per line: the words of a phrase on one line joined (word lengths not shown)."""
    merged: list[list[float]] = []
    for x0, y0, x1, y1 in sorted(boxes, key=lambda b: (b[1], b[0])):
        last = merged[-1] if merged else None
        if last and min(y1, last[3]) - max(y0, last[1]) > 0.5 * min(y1 - y0, last[3] - last[1]):
            last[0], last[1] = min(last[0], x0), min(last[1], y0)
            last[2], last[3] = max(last[2], x1), max(last[3], y1)
        else:
            merged.append([x0, y0, x1, y1])
    return tuple((b[0], b[1], b[2], b[3]) for b in merged)


def propose(
    pages: Sequence[Page],
    watch: Watchlist,
    *,
    texts: Sequence[str] = (),
    regions: Sequence[tuple[int, Box]] = (),
) -> Proposal:
    """The areas to remove from these pages."""
    by_number = {p.number: p for p in pages}
    proposal = Proposal()
    for f in find_personal_data([(p.number, p.text) for p in pages], watch):
        boxes = by_number[f.page].boxes_for(f.start, f.end)
        if boxes:
            proposal.areas.append(Area(f.page, merge_boxes(boxes), f.kind, f.text, f.why))
    for phrase in texts:
        if not phrase.strip():
            raise UsageError("--text needs some words to find")
        hits = 0
        for page in pages:
            for start, end in page.find(phrase):
                boxes = page.boxes_for(start, end)
                if boxes:
                    hits += 1
                    proposal.areas.append(
                        Area(page.number, merge_boxes(boxes), "text", page.text[start:end], "given")
                    )
        if not hits:
            proposal.not_found.append(phrase)
    for number, box in regions:
        page = by_number.get(number)
        if page is None:
            raise UsageError(f"region on page {number}: the file has {len(pages)} pages")
        if box[0] >= page.width or box[1] >= page.height:
            raise UsageError(
                f"region {box} is outside page {number} "
                f"({page.width:.0f} x {page.height:.0f} points)"
            )
        proposal.areas.append(Area(number, (box,), "region", None, "a region given"))
    proposal.areas.sort(key=lambda a: (a.page, a.boxes[0][1], a.boxes[0][0]))
    return proposal
