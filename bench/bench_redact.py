"""Benchmark: redacting a campaign's letters and replies, the 0.2.1 expression against now.

Run:  .venv/bin/python bench/bench_redact.py [--texts 6000] [--distinct 1140] [--repeats 3]

Texts like a campaign's (a signed letter of ~5 KB to each body, the same few letters again
and again, and replies quoting the requester), 35-odd terms (the requester's name, email and
address, ten volunteers). Both sides run alternately in-process: the 0.2.1 expression (each
of its alternatives with its own lookbehind, every text matched) and `Redactor` now (one pass
behind a lookahead of the terms' first characters, and a memo by text). Every output must
be identical. Prints the medians, the ratio, and the time for distinct texts alone (the memo
off), which is what a campaign of all-different texts would cost.
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from foi.evidence.redact import Redactor, build_redactor

WORDS = [
    "the",
    "Trust",
    "police",
    "mental",
    "health",
    "crisis",
    "team",
    "service",
    "information",
    "request",
    "Serenity",
    "Integrated",
    "Mentoring",
    "high",
    "intensity",
    "users",
    "data",
    "2021",
    "2022",
    "records",
    "officers",
    "patients",
    "section",
    "exemption",
    "reply",
    "review",
]


def texts(n: int, distinct: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    signature = (
        "\nYours faithfully,\n\nSam Taylor\n12 Mill Lane, Leeds LS6 2AB\n"
        "sam.taylor@simwatch.org.uk\n"
    )
    pool = []
    for i in range(distinct):
        body = " ".join(rng.choice(WORDS) for _ in range(700 if i % 3 else 80))
        quote = " Dear Mr Taylor, thank you." if i % 3 == 0 else ""
        pool.append(f"Dear FOI officer,{quote}\n\n{body}\n{signature if i % 3 else ''}")
    return [pool[rng.randrange(distinct)] for _ in range(n)]


def reference(red: Redactor) -> re.Pattern[str]:
    parts = []
    for pattern, _ in red.terms:
        lead = r"(?<!\w)" if re.match(r"\w", pattern.lstrip("\\")) else ""
        tail = r"(?!\w)" if re.search(r"\w$", pattern) else ""
        parts.append(f"({lead}{pattern}{tail})")
    return re.compile("|".join(parts), re.IGNORECASE)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--texts", type=int, default=6_000)
    parser.add_argument("--distinct", type=int, default=1_140)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args()
    volunteers = [f"{f} {s}" for f, s in zip(
        ("Alex", "Priya", "Owen", "Beth", "Chris", "Nadia", "Imran", "Kate", "Ruth", "Tom"),
        ("Morgan", "Shah", "Price", "Turner", "Evans", "Rahman", "Ali", "Lewis", "Adeyemi",
         "Hughes"), strict=True)]  # fmt: skip
    red = build_redactor(
        names=["Sam Taylor", *volunteers],
        emails=["sam.taylor@simwatch.org.uk"],
        addresses=["12 Mill Lane, Leeds LS6 2AB"],
    )
    old = reference(red)
    by_group = [rep for _, rep in red.terms]
    corpus = texts(args.texts, args.distinct, args.seed)
    size = sum(len(t) for t in corpus)

    def before() -> list[str]:
        return [old.sub(lambda m: by_group[m.lastindex - 1], t) for t in corpus]  # type: ignore[operator]

    def now() -> list[str]:
        red._cache.clear()  # each run starts cold, as one publish does
        return [red(t) or "" for t in corpus]

    def now_no_memo() -> list[str]:
        out = []
        for t in corpus[: args.distinct]:
            red._cache.clear()
            out.append(red(t) or "")
        return out

    if before() != now():
        raise SystemExit("outputs differ")
    a, b = [], []
    gc.disable()
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        before()
        a.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        now()
        b.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    now_no_memo()
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    [old.sub(lambda m: by_group[m.lastindex - 1], t) for t in corpus[: args.distinct]]  # type: ignore[operator]
    cold_old = time.perf_counter() - t0
    gc.enable()
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"{len(corpus):,} texts ({size / 1e6:.1f} MB, {args.distinct:,} distinct), "
          f"{len(red.terms)} terms; outputs identical")  # fmt: skip
    print(f"0.2.1 expression: {ma:.3f} s; now: {mb:.3f} s; ratio {ma / mb:.1f}x")
    print(
        f"{args.distinct:,} texts, each once (no memo): 0.2.1 {cold_old:.3f} s, now {cold:.3f} s "
        f"({cold_old / cold:.1f}x)"
    )


if __name__ == "__main__":
    main()
