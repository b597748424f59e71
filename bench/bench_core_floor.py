"""Benchmark: `status`, `request list --overdue --json` and `remind run` (nothing due) against a
floor of Typer + SQLAlchemy Core running the same query and printing the same output (issue 24).

Run:  .venv/bin/python bench/bench_core_floor.py [--workdir DIR] [--keep] [--seed S]
                                                 [--repeats 11] [--large 100000]
                                                 [--pg postgresql+psycopg://USER@HOST:PORT/DB]
                                                 [--reuse-pg]

Databases of 1,000 and `--large` requests come from bench_request_list.py's generator (on
SQLite; with `--pg`, the same plan is also loaded into two new PostgreSQL databases made
beside the one given). `remind run` is run twice first on each (deliver what is due, then
settle) so that the timed runs find nothing due. Each foi command and its floor
(bench/floor_core.py) run alternately as subprocesses; medians, ratio. The outputs must be
byte-identical, or the script exits 1.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

from _common import BENCH, TREE, bytecode_note, paired, progress, run_foi, run_python
from bench_request_list import (
    build_database,
    build_rows,
    forget_fingerprint,
    load_bodies,
    ms,
    plan_requests,
    write_rows,
)
from sqlalchemy import create_engine, text

from foi.law.holidays import load_default

COMMANDS = {
    "status": (["status"], "status"),
    "overdue": (["request", "list", "--overdue", "--json"], "overdue"),
    "remind": (["remind", "run"], "remind"),
}


def load_pg(base: str, size: int, seed: int, workdir: Path, reuse: bool = False) -> str:
    """A new PostgreSQL database beside `base`, initialised by foi and filled with the plan."""
    name = f"foi_bench_{size}"
    url = base.rsplit("/", 1)[0] + "/" + name
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if (
            reuse
            and conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
        ):
            admin.dispose()
            return url  # made by an earlier run: its requests are as they were left

        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    run_foi(["--db", url, "init"], workdir)
    engine = create_engine(url)
    bodies = load_bodies(engine)
    rows = build_rows(plan_requests(size, seed * 1_000_003 + size, bodies), bodies, load_default())
    with engine.begin() as conn:
        write_rows(conn, rows)
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--repeats", type=int, default=11)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--pg", help="a PostgreSQL URL; two databases are made beside it")
    parser.add_argument(
        "--reuse-pg", action="store_true", help="use the databases an earlier run made"
    )
    args = parser.parse_args()
    workdir = (args.workdir or Path(tempfile.mkdtemp(prefix="foi-bench-core-"))).absolute()
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        template = workdir / "init.db"
        if not template.exists():
            run_foi(["--db", str(template), "init"], workdir)
            with sqlite3.connect(template) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        dbs: list[tuple[str, int, str]] = []
        for size in (1_000, args.large):
            path = workdir / f"requests-{size}.db"
            if not path.exists():
                path, *_ = build_database(size, args.seed, workdir, template)
                forget_fingerprint(path)
            dbs.append(("SQLite", size, str(path)))
        if args.pg:
            for size in (1_000, args.large):
                progress(f"PostgreSQL {size:,}: loading")
                dbs.append(
                    ("PostgreSQL", size, load_pg(args.pg, size, args.seed, workdir, args.reuse_pg))
                )
        for _, _, db in dbs:
            for _ in range(2):  # deliver what is due, then settle: the timed runs find nothing
                run_foi(["--db", db, "remind", "run"], workdir)
        print(f"foi read commands vs Typer + SQLAlchemy Core, python {sys.version.split()[0]}")
        print(f"tree {TREE}; {bytecode_note()}")
        print()
        print("| database | requests | command | foi | floor | ratio |")
        print("|---|---:|---|---:|---:|---:|")
        bad = []
        for backend, size, db in dbs:
            for label, (cmd, floor_cmd) in COMMANDS.items():
                full = ["--db", db, *cmd]
                floor_args = [str(BENCH / "floor_core.py"), floor_cmd, db]

                def foi(full: list[str] = full) -> tuple[float, bytes]:
                    return run_foi(full, workdir)

                def floor(floor_args: list[str] = floor_args) -> tuple[float, bytes]:
                    return run_python(floor_args, workdir)

                mine, theirs = foi()[1], floor()[1]
                if mine != theirs:
                    bad.append(f"{backend} {size} {label}: outputs differ")
                progress(f"{backend} {size:,} {label}: {args.repeats} pairs")
                a, b = paired(foi, floor, args.repeats)
                print(
                    f"| {backend} | {size:,} | `foi {' '.join(cmd)}` | {ms(a.median)} | "
                    f"{ms(b.median)} | {a.median / b.median:.2f}x |"
                )
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
