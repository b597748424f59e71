"""Benchmark: clocks for 100,000 synthetic requests, beside numpy.busday_offset as a floor.

Run:  .venv/bin/python bench/bench_deadlines.py [--requests N] [--seed S]

The requests mix plain ones, clarification restarts, fee pauses (paid and unpaid),
extensions and responses, received 2012-2031 under FOIA. numpy does only the plain
20-working-day offset on the same holidays (as a vectorised C loop it is the floor);
the plain dates from both are checked to agree.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from foi.law.deadlines import ClockEvent, Regime, calendar_for, compute_clocks
from foi.law.holidays import load_default

FIRST = date(2012, 1, 1)
SPAN_DAYS = 20 * 365


def synthetic(n: int, seed: int) -> tuple[list[str], list[list[ClockEvent]]]:
    """n requests: (shape, events), deterministic for a seed."""
    rng = random.Random(seed)
    shapes, requests = [], []
    for _ in range(n):
        sent = FIRST + timedelta(days=rng.randrange(SPAN_DAYS))
        events = [ClockEvent("sent", sent)]
        shape = rng.choice(
            ["plain", "clarification", "fee", "fee-unpaid", "extension", "responded"]
        )
        later = sent + timedelta(days=rng.randrange(1, 15))
        if shape == "clarification":
            events.append(ClockEvent("clarification-requested", later))
            events.append(ClockEvent("clarification-sent", later + timedelta(rng.randrange(1, 30))))
        elif shape in ("fee", "fee-unpaid"):
            events.append(ClockEvent("fee-notice", later))
            if shape == "fee":
                events.append(ClockEvent("fee-paid", later + timedelta(rng.randrange(0, 40))))
        elif shape == "extension":
            promised = sent + timedelta(days=rng.randrange(30, 70))
            events.append(ClockEvent("extension", later, promised))
        elif shape == "responded":
            response = sent + timedelta(days=rng.randrange(5, 45))
            events.append(ClockEvent("response", response))
            if rng.random() < 0.5:
                asked = response + timedelta(days=rng.randrange(1, 30))
                events.append(ClockEvent("internal-review-requested", asked))
        shapes.append(shape)
        requests.append(events)
    return shapes, requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    shapes, requests = synthetic(args.requests, args.seed)
    n = len(requests)

    t0 = time.perf_counter()
    hs = load_default()
    cal = calendar_for(Regime.FOIA, hs)
    cal.add_working_days(date(2012, 1, 1), 1)  # loads the holiday years used below
    cal.add_working_days(date(2031, 12, 31), 60)
    setup = time.perf_counter() - t0

    runs = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        results = [compute_clocks(Regime.FOIA, events, cal) for events in requests]
        runs.append(time.perf_counter() - t0)
    ours = min(runs)

    # The floor: numpy's business-day offset on the same non-working days. roll="backward"
    # then +20 is the statute's rule: a receipt on a non-working day counts from the next
    # working day as day 1, exactly as if received on the previous working day.
    holidays = sorted(d for d in hs.in_regions(cal.regions, 2010, 2035) if d.weekday() < 5)
    busdays = np.busdaycalendar(holidays=np.array(holidays, dtype="datetime64[D]"))
    received = np.array([events[0].on for events in requests], dtype="datetime64[D]")
    np_runs = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        floor_due = np.busday_offset(received, 20, roll="backward", busdaycal=busdays)
        np_runs.append(time.perf_counter() - t0)
    floor = min(np_runs)

    plain = [i for i, shape in enumerate(shapes) if shape == "plain"]
    mismatches = sum(1 for i in plain if floor_due[i].astype(date) != results[i].due)

    t0 = time.perf_counter()
    for i in plain:
        cal.add_working_days(requests[i][0].on, 20)
    bare = (time.perf_counter() - t0) / len(plain)

    counts = {shape: shapes.count(shape) for shape in sorted(set(shapes))}
    print(
        f"requests: {n:,} (seed {args.seed}); " + ", ".join(f"{k} {v}" for k, v in counts.items())
    )
    print(f"setup (shipped data, holidays package, calendar): {setup * 1e3:.0f} ms")
    print(
        f"foi.law.deadlines.compute_clocks: {ours:.3f} s total, {ours / n * 1e6:.2f} us/request"
        f" (best of {args.repeats}; runs {', '.join(f'{r:.3f}' for r in runs)} s)"
    )
    print(f"  WorkingCalendar.add_working_days(d, 20) alone: {bare * 1e6:.2f} us/call")
    print(
        f"numpy.busday_offset (plain 20-day offset, vectorised): {floor:.4f} s total,"
        f" {floor / n * 1e6:.3f} us/request"
    )
    print(f"ratio compute_clocks / numpy floor: {ours / floor:.0f}x")
    print(f"plain requests checked against numpy: {len(plain):,}, mismatches: {mismatches}")
    if mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main()
