"""Benchmark: clocks for 100,000 synthetic requests, beside numpy.busday_offset as a floor.

Run:  .venv/bin/python bench/bench_deadlines.py [--requests N] [--seed S] [--repeats R]

Both sides do the same operation on the same inputs: the 20-working-day due date of each of
100,000 receipt dates (2012-2031, FOIA calendar), from a list of dates to a list of dates, so
numpy's conversions are counted. They run alternately; the ratio of the medians is printed,
and every date from both must agree. compute_clocks on the mixed requests (clarification
restarts, fee pauses, extensions, responses) is timed too, for information only.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import TREE

sys.path.insert(0, str(TREE))

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
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    shapes, requests = synthetic(args.requests, args.seed)
    n = len(requests)
    received = [events[0].on for events in requests]

    t0 = time.perf_counter()
    hs = load_default()
    cal = calendar_for(Regime.FOIA, hs)
    cal.add_working_days(date(2012, 1, 1), 1)  # loads the holiday years used below
    cal.add_working_days(date(2031, 12, 31), 60)
    setup = time.perf_counter() - t0

    # numpy's business-day offset on the same non-working days. roll="backward" then +20 is
    # the statute's rule: a receipt on a non-working day counts from the next working day as
    # day 1, exactly as if received on the previous working day.
    holidays = sorted(d for d in hs.in_regions(cal.regions, 2010, 2035) if d.weekday() < 5)
    busdays = np.busdaycalendar(holidays=np.array(holidays, dtype="datetime64[D]"))

    def ours() -> list[date]:
        add = cal.add_working_days
        return [add(d, 20) for d in received]

    epoch = date(1970, 1, 1).toordinal()
    fromordinal = date.fromordinal

    def floor() -> list[date]:
        # The same operation from the same input (a list of dates) to the same output (a
        # list of dates): both conversions are counted, done the fastest way found (through
        # ordinals; np.array(dates) and .tolist() are ~3x slower).
        ords = np.fromiter((d.toordinal() for d in received), dtype=np.int64, count=n)
        days = (ords - epoch).astype("datetime64[D]")
        out = np.busday_offset(days, 20, roll="backward", busdaycal=busdays)
        return [fromordinal(o) for o in (out.astype(np.int64) + epoch).tolist()]

    ours_runs, floor_runs = [], []
    gc.disable()  # a collection landing in one side's run would be charged to it alone
    for _ in range(args.repeats):  # alternately, so machine load affects both alike
        t0 = time.perf_counter()
        due = ours()
        ours_runs.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        floor_due = floor()
        floor_runs.append(time.perf_counter() - t0)
    gc.enable()
    mismatches = sum(1 for a, b in zip(due, floor_due, strict=True) if a != b)

    # For information: every clock of mixed requests (not comparable with numpy).
    t0 = time.perf_counter()
    results = [compute_clocks(Regime.FOIA, events, cal) for events in requests]
    clocks_time = time.perf_counter() - t0
    plain = [i for i, shape in enumerate(shapes) if shape == "plain"]
    plain_mismatches = sum(1 for i in plain if results[i].due != due[i])

    a, b = statistics.median(ours_runs), statistics.median(floor_runs)
    counts = {shape: shapes.count(shape) for shape in sorted(set(shapes))}
    print(
        f"requests: {n:,} (seed {args.seed}); " + ", ".join(f"{k} {v}" for k, v in counts.items())
    )
    print(f"setup (shipped data, calendar): {setup * 1e3:.0f} ms")
    print(
        f"due dates (20 working days from receipt) for {n:,} requests, medians of"
        f" {args.repeats} alternate runs:"
    )
    print(f"  foi WorkingCalendar.add_working_days: {a:.4f} s, {a / n * 1e6:.3f} us/request")
    print(
        f"  numpy.busday_offset incl. dates -> datetime64 -> dates: {b:.4f} s,"
        f" {b / n * 1e6:.3f} us/request"
    )
    print(f"  ratio foi / numpy: {a / b:.2f}x; dates that differ: {mismatches}")
    print(
        f"for information, compute_clocks on all {n:,} mixed requests: {clocks_time:.3f} s"
        f" ({clocks_time / n * 1e6:.2f} us/request); plain ones whose due date differs from"
        f" the offset: {plain_mismatches}"
    )
    if mismatches or plain_mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main()
