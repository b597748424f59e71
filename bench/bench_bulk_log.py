"""Logging a campaign's posted letters as sent: one bulk command against one command per letter.

    .venv/bin/python bench/bench_bulk_log.py [--letters 42] [--repeats 3] [--workdir DIR] [--keep]

Each round drafts N letters to bodies that take requests only by post, then logs them
`sent` either with `foi request log --campaign C --route post sent --on DATE` (one
process, one transaction) or with N `foi request log REF sent --on DATE` commands, the
two sides alternating so both see the same machine. Both are real subprocesses.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import progress, run_foi


def _setup(work: Path, n: int, campaign: str) -> list[str]:
    """A fresh database with n bodies reached only by post, and a draft to each."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    (work / "foi.toml").write_text(
        '[requester]\nname = "Sam Taylor"\naddress = "12 Mill Lane, Leeds LS6 2AB"\n',
        encoding="utf-8",
    )
    rows = ["name,kind,tags,postal_address"] + [
        f'Bench Trust {i:03d},mental-health-trust,bench,"{i} High Street, Leeds LS1 {i % 9}AA"'
        for i in range(n)
    ]
    (work / "bodies.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    run_foi(["init"], work)
    run_foi(["body", "import", "bodies.csv"], work)
    _t, out = run_foi(
        ["draft", "sim-use", "--to", "tag:bench", "--campaign", campaign, "--json"], work
    )
    drafted = [r for r in json.loads(out) if r["route"] == "post"]
    if len(drafted) != n:
        raise SystemExit(f"expected {n} posted drafts, got {len(drafted)}")
    return [r["reference"] for r in drafted]


def main() -> None:
    """Print the time for each side and the ratio."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--letters", type=int, default=42)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="foi-bench-bulk-"))
    bulk: list[float] = []
    single: list[float] = []
    try:
        for r in range(args.repeats):
            for side in ("bulk", "one-by-one"):
                work = root / f"{side}-{r}"
                refs = _setup(work, args.letters, "bench")
                progress(f"round {r + 1}: {side}, {len(refs)} letters")
                if side == "bulk":
                    t, _ = run_foi(
                        ["request", "log", "--campaign", "bench", "--route", "post", "sent",
                         "--on", "2026-11-27"],
                        work,
                    )  # fmt: skip
                    bulk.append(t)
                else:
                    total = 0.0
                    for ref in refs:
                        t, _ = run_foi(["request", "log", ref, "sent", "--on", "2026-11-27"], work)
                        total += t
                    single.append(total)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    b, s = statistics.median(bulk), statistics.median(single)
    print(f"letters: {args.letters}, rounds: {args.repeats} (median)")
    print(f"bulk   foi request log --campaign --route post sent: {b:.2f} s")
    print(f"single foi request log REF sent, once per letter:    {s:.2f} s")
    print(f"ratio (one by one / bulk): {s / b:.1f}x")


if __name__ == "__main__":
    main()
