"""Benchmark: `foi report results` (--json, --csv, --xlsx) and `report stats` at scale (issue 24).

Run:  .venv/bin/python bench/bench_report.py [--workdir DIR] [--keep] [--seed S]
                                             [--repeats 5] [--large 100000] [--small 1000]

Builds two databases with bench_request_list.py's generator (seeded timelines over
2024-2026, campaigns sim-2024..sim-2026) and takes each one's largest campaign. Each foi
command runs alternately with bench/floor_report.py (the standard library reading the same
rows for the same campaign and printing them: start-up included); medians and their ratio
are printed, and each command's peak RSS at both sizes (memory flat in campaign size: the
two should be close). Checks: `report stats` counts as many requests, and `report results`
as many bodies, as the floor read.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from _common import (  # bench/ is on sys.path
    BENCH,
    TREE,
    bytecode_note,
    human_bytes,
    paired,
    peak_rss,
    progress,
    run_foi,
    run_python,
)
from bench_request_list import build_database, forget_fingerprint, ms


def largest_campaign(path: Path) -> tuple[str, int]:
    """The campaign with the most sent, non-SAR requests, and how many."""
    with sqlite3.connect(path) as conn:
        name, n = conn.execute(
            "SELECT c.name, count(*) FROM requests r JOIN campaigns c ON c.id = r.campaign_id "
            "WHERE r.regime != 'sar' AND r.sent_on IS NOT NULL GROUP BY c.name "
            "ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    return str(name), int(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    args = parser.parse_args()
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="foi-bench-report-"))).absolute()
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        template = workdir / "init.db"
        if not template.exists():
            run_foi(["--db", str(template), "init"], workdir)
            with sqlite3.connect(template) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        dbs: dict[int, Path] = {}
        for size in (args.small, args.large):
            path = workdir / f"requests-{size}.db"
            if not path.exists():
                path, *_ = build_database(size, args.seed, workdir, template)
                forget_fingerprint(path)
                run_foi(["--db", str(path), "status"], workdir)  # records the fingerprint
            dbs[size] = path
        print(f"foi report benchmark, python {sys.version.split()[0]}, tree {TREE}")
        print(bytecode_note())
        print()
        print("| database | campaign | requests | command | foi | floor | ratio | peak RSS |")
        print("|---|---|---:|---|---:|---:|---:|---:|")
        bad = []
        for size, path in dbs.items():
            camp, n = largest_campaign(path)
            floor_args = [str(BENCH / "floor_report.py"), str(path), camp]
            _, floor_out = run_python(floor_args, workdir)
            bodies = json.loads(floor_out)
            commands = {
                "results --json": ["report", "results", "--campaign", camp, "--json"],
                "results --csv": ["report", "results", "--campaign", camp,
                                  "--csv", str(workdir / "r.csv")],
                "results --xlsx": ["report", "results", "--campaign", camp,
                                   "--xlsx", str(workdir / "r.xlsx")],
                "stats --json": ["report", "stats", "--campaign", camp, "--json"],
            }  # fmt: skip
            for label, cmd in commands.items():
                full = ["--db", str(path), *cmd]

                def foi(full: list[str] = full) -> tuple[float, bytes]:
                    return run_foi(full, workdir)

                def floor(floor_args: list[str] = floor_args) -> tuple[float, bytes]:
                    return run_python(floor_args, workdir)

                progress(f"{size:,}: {label}: {args.repeats} pairs")
                a, b = paired(foi, floor, args.repeats)
                rss = peak_rss(["-m", "foi", *full], workdir)
                print(
                    f"| {size:,} | {camp} | {n:,} | `report {label}` | {ms(a.median)} | "
                    f"{ms(b.median)} | {a.median / b.median:.2f}x | {human_bytes(rss)} |"
                )
                _, got = foi()
                if label == "results --json" and len(json.loads(got)) != len(bodies):
                    bad.append(f"{size}: {len(json.loads(got))} rows, floor {len(bodies)}")
                if label == "stats --json" and json.loads(got)["requests"] != n:
                    bad.append(f"{size}: stats counted {json.loads(got)['requests']}, not {n}")
        floor_rss = peak_rss([str(BENCH / "floor_report.py"), str(dbs[args.large]),
                              largest_campaign(dbs[args.large])[0]], workdir)  # fmt: skip
        print()
        print(f"floor peak RSS at {args.large:,}: {human_bytes(floor_rss)}")
        if bad:
            print("CHECK FAILED: " + "; ".join(bad))
            sys.exit(1)
    finally:
        if args.keep:
            progress(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
