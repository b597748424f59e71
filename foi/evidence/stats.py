"""Campaign statistics from per-request facts: pure arithmetic, no database, no clock.

The on-time rate carries a Wilson score interval, as WhatDoTheyKnow reports it: with a few
dozen bodies a bare percentage overstates what is known. Working days come from the caller,
counted on the same calendars as the deadlines (``foi.law.calendars``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

Z_95 = 1.959963984540054  # the two-sided 95% point of the standard normal distribution


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for a proportion; None when there are no trials."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError("successes must lie between 0 and the number of trials")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = (z / (1 + z2 / trials)) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return max(0.0, centre - half), min(1.0, centre + half)


def median(values: Sequence[float]) -> float | None:
    """The median (the mean of the two middle values for an even count); None if empty."""
    if not values:
        return None
    s = sorted(values)
    mid = len(s) // 2
    return float(s[mid]) if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def percentile(values: Sequence[float], pct: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least `pct`% at or below it."""
    if not values:
        return None
    if not 0 < pct <= 100:
        raise ValueError("pct must be in (0, 100]")
    s = sorted(values)
    rank = math.ceil(pct / 100 * len(s))
    return float(s[rank - 1])


@dataclass(frozen=True)
class RequestFacts:
    """What statistics need to know about one (non-SAR) request."""

    reference: str
    body: str
    status: str
    resolution: str | None
    responded: bool
    working_days: int | None  # day 0 to the first response, in working days
    in_time: bool | None  # None while the deadline has not passed and nothing came
    late_by: int | None  # working days after the due date (so far, if still waiting)
    exemptions: tuple[str, ...] = ()
    review_requested: bool = False
    review_outcome: str | None = None
    ico_complaint: bool = False
    ico_outcome: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def summarise(facts: Iterable[RequestFacts], league_size: int = 10) -> dict[str, Any]:
    """Counts, the on-time rate with its interval, response times, exemptions, escalations."""
    facts = list(facts)
    decided = [f for f in facts if f.in_time is not None]
    on_time = sum(1 for f in decided if f.in_time)
    interval = wilson_interval(on_time, len(decided))
    days = [f.working_days for f in facts if f.working_days is not None]
    cited: Counter[str] = Counter()
    for f in facts:
        cited.update(set(f.exemptions))
    late = sorted(
        (f for f in facts if f.late_by is not None and f.late_by > 0),
        key=lambda f: (-(f.late_by or 0), f.body, f.reference),
    )
    return {
        "requests": len(facts),
        "bodies": len({f.body for f in facts}),
        "by_status": dict(sorted(Counter(f.status for f in facts).items())),
        "by_outcome": dict(sorted(Counter(f.resolution or "none yet" for f in facts).items())),
        "on_time": {
            "answered_in_time": on_time,
            "counted": len(decided),
            "rate": round(on_time / len(decided), 4) if decided else None,
            "wilson_95": [round(interval[0], 4), round(interval[1], 4)] if interval else None,
            "note": "requests answered by their due date, out of those answered or past due",
        },
        "working_days_to_respond": {
            "responses": len(days),
            "median": median(days),
            "p90": percentile(days, 90),
            "max": max(days) if days else None,
        },
        "latest": [
            {
                "body": f.body,
                "reference": f.reference,
                "late_by": f.late_by,
                "responded": f.responded,
            }
            for f in late[:league_size]
        ],
        "exemptions": dict(sorted(cited.items(), key=lambda kv: (-kv[1], kv[0]))),
        "reviews": {
            "requested": sum(1 for f in facts if f.review_requested),
            "outcomes": dict(
                sorted(Counter(f.review_outcome for f in facts if f.review_outcome).items())
            ),
        },
        "ico": {
            "complaints": sum(1 for f in facts if f.ico_complaint),
            "outcomes": dict(
                sorted(Counter(f.ico_outcome for f in facts if f.ico_outcome).items())
            ),
        },
    }
