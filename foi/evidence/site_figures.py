"""What the index of the published findings shows, worked out from the results rows: who ran
SIM (bodies by status, counted, in the findings' order, with the local names found), the
bars of each chart with its text alternative, and the filters of the bodies' table. Pure:
no database, no clock, no files.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from foi.evidence.stats import RequestFacts


def slug(text: str, ident: int | None = None) -> str:
    """A file name from text: ASCII words (and an id, unique and stable, when given)."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:60].strip("-")
    if ident is None:
        return words or "x"
    return f"{words or 'body'}-{ident}"


# SIM statuses in the order the findings show them, with how each reads in a sentence.
SIM_ORDER = ("adopted", "piloted", "considering", "withdrawn", "not-adopted", "denied")
NO_EVIDENCE = "no-evidence"
SIM_LABELS = {
    "adopted": "Adopted SIM",
    "piloted": "Piloted SIM",
    "considering": "Considering SIM",
    "withdrawn": "Withdrew from SIM",
    "not-adopted": "Did not adopt SIM",
    "denied": "Denied using SIM",
    NO_EVIDENCE: "No evidence yet",
}
SIM_COLOURS = {
    "adopted": "#a3201b",
    "piloted": "#b34d00",
    "considering": "#7a4d00",
    "withdrawn": "#1d5e8c",
    "not-adopted": "#2f6b2f",
    "denied": "#4b3f72",
    NO_EVIDENCE: "#595959",
}


def finding(rows: Sequence[dict[str, Any]], pages: dict[str, str]) -> dict[str, Any]:
    """Who ran SIM: bodies by status, counts in the findings' order, local names found."""
    counts = Counter(r["sim_key"] for r in rows)
    order = [k for k in (*SIM_ORDER, NO_EVIDENCE) if counts[k]]
    order += sorted(k for k in counts if k not in order)
    groups = [
        {
            "key": k,
            "label": SIM_LABELS.get(k, k),
            "count": counts[k],
            "bodies": [r for r in rows if r["sim_key"] == k],
        }
        for k in order
    ]
    names = sorted(
        {(n, r["body"]) for r in rows for n in r["local_names"]},
        key=lambda x: (x[0].casefold(), x[1].casefold()),
    )
    return {
        "groups": groups,
        "total": len(rows),
        "local_names": [{"name": n, "body": b, "href": pages[b] + "#sim"} for n, b in names],
    }


def sim_chart(finding: dict[str, Any]) -> dict[str, Any]:
    items = [(g["label"], g["count"]) for g in finding["groups"]]
    chart = {
        "id": "chart-sim",
        "title": "SIM status of every body written to",
        "desc": "; ".join(f"{label}: {n}" for label, n in items) or "no bodies",
        **_bars(items, "#a3201b"),
    }
    for bar, g in zip(chart["bars"], finding["groups"], strict=True):
        bar["colour"] = SIM_COLOURS.get(g["key"], "#595959")
        bar["href"] = f"#status-{g['key']}"
    return chart


def facets(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The body table's filters: SIM status, kind, and nation or region."""

    def values(key: str, label: Callable[[str], str]) -> list[dict[str, str]]:
        seen = sorted({r[key] for r in rows if r.get(key)}, key=str.casefold)
        return [{"key": slug(v), "label": label(v)} for v in seen]

    sim = [
        {"key": slug(k), "label": SIM_LABELS.get(k, k)}
        for k in (*SIM_ORDER, NO_EVIDENCE)
        if any(r["sim_key"] == k for r in rows)
    ]
    facets = [
        {"id": "s", "name": "SIM status", "field": "sim_key", "values": sim},
        {"id": "k", "name": "Kind", "field": "kind", "values": values("kind", _humanise)},
        {
            "id": "r",
            "name": "Nation or region",
            "field": "region",
            "values": values("region", place),
        },
    ]
    return [f for f in facets if f["values"]]


NATIONS = {
    "england": "England",
    "scotland": "Scotland",
    "wales": "Wales",
    "northern-ireland": "Northern Ireland",
}


def place(value: str) -> str:
    """A nation's name as written (from its key), or a region as given."""
    return NATIONS.get(value, value)


def _humanise(text: str) -> str:
    return text.replace("-", " ")


# Filters of the bodies' table by timeliness: CSS alone shows or hides rows (the radio
# buttons' :checked state and :has()), so they work with scripts off.
FILTERS = (
    ("all", "All"),
    ("in-time", "Answered in time"),
    ("late", "Answered late"),
    ("no-answer", "No answer, overdue"),
    ("refused", "Refused or not held"),
    ("waiting", "Not yet due"),
)


def row_filter(row: dict[str, Any]) -> list[str]:
    """The filter groups a results row belongs to."""
    found = []
    if row["responded_on"] is not None:
        found.append("in-time" if row["answered_in_time"] else "late")
    elif row["answered_in_time"] is False:
        found.append("no-answer")
    else:
        found.append("waiting")
    if row["outcome"] in ("refused", "not-held"):
        found.append("refused")
    return found


def _bars(items: Sequence[tuple[str, int]], colour: str) -> dict[str, Any]:
    top = max((v for _, v in items), default=0) or 1
    width = 250
    return {
        "bars": [
            {
                "label": label,
                "value": value,
                "width": round(width * value / top, 1),
                "y": i * 34,
                "colour": colour,
                "href": None,
            }
            for i, (label, value) in enumerate(items)
        ],
        "height": max(34, len(items) * 34),
        "colour": colour,
    }


def charts(
    rows: Sequence[dict[str, Any]], stats: dict[str, Any], facts: Sequence[RequestFacts]
) -> list[dict[str, Any]]:
    outcomes = [(k.replace("-", " "), v) for k, v in stats["by_outcome"].items()]
    bins = [("0 to 10", 0), ("11 to 20", 0), ("21 to 30", 0), ("31 to 40", 0), ("over 40", 0)]
    counts = [0] * len(bins)
    for f in facts:
        wd = f.working_days
        if wd is None:
            continue
        counts[min(4, max(0, (wd - 1) // 10)) if wd > 0 else 0] += 1
    days = [(label, counts[i]) for i, (label, _) in enumerate(bins)]
    timely = [
        ("answered in time", sum(1 for f in facts if f.in_time and f.responded)),
        ("answered late", sum(1 for f in facts if f.in_time is False and f.responded)),
        (
            "no answer, overdue",
            sum(1 for f in facts if f.in_time is False and not f.responded),
        ),
        ("not yet due", sum(1 for f in facts if f.in_time is None)),
    ]
    charts = [
        {
            "id": "chart-timeliness",
            "title": "Requests answered in time",
            "desc": "; ".join(f"{label}: {n}" for label, n in timely),
            **_bars(timely, "#1d5e8c"),
        },
        {
            "id": "chart-outcomes",
            "title": "Outcome of each request",
            "desc": "; ".join(f"{label}: {n}" for label, n in outcomes) or "no requests",
            **_bars(outcomes, "#6a3d9a"),
        },
        {
            "id": "chart-days",
            "title": "Working days to the first response",
            "desc": "; ".join(f"{label} working days: {n}" for label, n in days),
            **_bars(days, "#2f6b2f"),
        },
    ]
    return charts
