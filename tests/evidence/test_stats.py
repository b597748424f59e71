"""The statistics' arithmetic, against figures worked out by hand."""

from __future__ import annotations

import pytest

from foi.evidence.stats import RequestFacts, median, percentile, summarise, wilson_interval


def test_wilson_interval_by_hand() -> None:
    # 2 of 4, z = 1.96: centre (0.5 + 0.4802) / 1.9604 = 0.5; half-width
    # (1.96 / 1.9604) * sqrt(0.0625 + 0.0600) = 0.99979 * 0.35003 = 0.3500.
    lo, hi = wilson_interval(2, 4)  # type: ignore[misc]
    assert (round(lo, 4), round(hi, 4)) == (0.15, 0.85)
    # 10 of 10: centre 1.19208 / 1.38415 = 0.86123; half 1.41601 * 0.09800 = 0.13877.
    lo, hi = wilson_interval(10, 10)  # type: ignore[misc]
    assert (round(lo, 4), round(hi, 4)) == (0.7225, 1.0)
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


def test_median_and_nearest_rank_percentile() -> None:
    assert median([23, 10, 17]) == 17
    assert median([1, 2, 3, 4]) == 2.5
    assert median([]) is None
    assert percentile([10, 17, 23], 90) == 23  # rank ceil(2.7) = 3
    assert percentile(list(range(1, 11)), 90) == 9  # rank 9 of 10
    assert percentile(list(range(1, 11)), 100) == 10
    assert percentile([], 90) is None


def test_summarise_counts_only_decided_requests_for_the_on_time_rate() -> None:
    def facts(ref: str, **kw: object) -> RequestFacts:
        base: dict[str, object] = {
            "reference": ref,
            "body": f"Body {ref}",
            "status": "closed",
            "resolution": "successful",
            "responded": True,
            "working_days": 5,
            "in_time": True,
            "late_by": 0,
        }
        base.update(kw)
        return RequestFacts(**base)  # type: ignore[arg-type]

    figures = summarise(
        [
            facts("A", exemptions=("s12", "s40(2)")),
            facts("B", working_days=30, in_time=False, late_by=10, exemptions=("s12",)),
            facts("C", status="awaiting-response", resolution=None, responded=False,
                  working_days=None, in_time=None, late_by=None),
        ]
    )  # fmt: skip
    assert figures["on_time"]["answered_in_time"] == 1
    assert figures["on_time"]["counted"] == 2
    assert figures["on_time"]["rate"] == 0.5
    assert figures["working_days_to_respond"] == {
        "responses": 2,
        "median": 17.5,
        "p90": 30.0,
        "max": 30,
    }
    assert figures["exemptions"] == {"s12": 2, "s40(2)": 1}
    assert figures["by_outcome"] == {"none yet": 1, "successful": 2}
    assert [x["reference"] for x in figures["latest"]] == ["B"]
