"""Benchmark (issue 24 goal 4): `foi inbox import` against email-parse + SQLite, and peak memory.

Run:  .venv/bin/python bench/bench_inbox_floor.py [--messages 2000] [--pairs 3]
                                                  [--flat-mb 20,200] [--workdir DIR] [--keep]

The database and the mbox are those of `bench_inbox_import.py` (about 200 sent requests; a
seeded mix of replies, auto-replies, bounces, attachments), with 2,000 messages. Two
subprocesses alternate, `--pairs` times each, both started cold the same way:

* the floor, `bench/floor_inbox.py`: `mailbox.mbox` + `email.message_from_bytes` (policy
  default), the main headers and text, the raw bytes and every attachment written into a
  SQLite file by SHA-256, 100 messages a transaction;
* `foi inbox import FILE --json` on a fresh copy of the database: the same and matching,
  casework events, held mail, the text-extraction hook.

Printed: wall time (best and median), CPU time (user+sys of the child, from `os.wait4`) and
peak RSS of each, and the ratios. The check: both read the same number of messages, and
every attachment the floor stored is one foi stored (same SHA-256).

Then memory flat in message size: `foi inbox import` of one message carrying a 20 MB and
one carrying a 200 MB attachment (`bench_big_message.build`), peak RSS of each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import bench_env, human_bytes, progress, run_foi  # noqa: E402
from bench_big_message import build  # noqa: E402
from bench_inbox_import import generate_mbox, make_requests, remove_db  # noqa: E402

BENCH = Path(__file__).resolve().parent


@dataclass
class Run:
    wall: float
    cpu: float
    peak: int  # bytes
    out: str


def child(cmd: list[str], workdir: Path, extra: dict[str, str] | None = None) -> Run:
    """Run a command, its own wall time, CPU time and peak RSS."""
    env = {**bench_env(workdir), **(extra or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise SystemExit(f"{cmd[1:4]} failed: {err.read().decode()[-2000:]}")
        out.seek(0)
        return Run(
            wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024, out.read().decode()
        )


def fresh(base: Path, db: Path) -> None:
    remove_db(db)
    shutil.copyfile(base, db)
    os.chmod(db, 0o600)


def foi_import(base: Path, mbox: Path, workdir: Path) -> tuple[Run, set[str]]:
    db = workdir / "foi-run.db"
    fresh(base, db)
    run = child(
        [sys.executable, "-m", "foi", "--db", str(db), "inbox", "import", str(mbox), "--json"],
        workdir,
    )
    with sqlite3.connect(db) as conn:
        hashes = {row[0] for row in conn.execute("SELECT sha256 FROM attachments")}
    return run, hashes


def floor_import(mbox: Path, workdir: Path) -> Run:
    db = workdir / "floor-run.db"
    remove_db(db)
    return child([sys.executable, str(BENCH / "floor_inbox.py"), str(db), str(mbox)], workdir)


def summary(label: str, runs: list[Run]) -> str:
    walls = [r.wall for r in runs]
    return (
        f"{label:<34} best {min(walls):6.2f}s  median {statistics.median(walls):6.2f}s"
        f"  cpu best {min(r.cpu for r in runs):6.2f}s  peak {human_bytes(max(r.peak for r in runs))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--flat-mb", default="20,200", help="attachment sizes for the memory leg")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    workdir = (
        args.workdir.expanduser().absolute()
        if args.workdir
        else Path(tempfile.mkdtemp(prefix="foi-bench-inbox-floor-"))
    )
    workdir.mkdir(parents=True, exist_ok=True)
    base, mbox = workdir / "inbox-base.db", workdir / "replies.mbox"
    try:
        rng = random.Random(args.seed)
        remove_db(base)
        run_foi(["--db", str(base), "init"], workdir)
        progress("making the sent requests")
        known = make_requests(base, rng)
        plan = generate_mbox(mbox, args.messages, rng, known)
        progress("one unmeasured run of each side (bytecode, disk cache)")
        floor_import(mbox, workdir)
        foi_import(base, mbox, workdir)
        floors: list[Run] = []
        fois: list[Run] = []
        for k in range(args.pairs):
            progress(f"pair {k + 1}: floor, then foi")
            floors.append(floor_import(mbox, workdir))
            run, foi_hashes = foi_import(base, mbox, workdir)
            fois.append(run)
        floor_out = json.loads(floors[-1].out)
        foi_out = json.loads(fois[-1].out)
        problems = []
        if floor_out["messages"] != args.messages or foi_out["total"] != args.messages:
            problems.append(
                f"messages: floor {floor_out['messages']}, foi {foi_out['total']},"
                f" mbox {args.messages}"
            )
        missing = set(floor_out["hashes"]) - foi_hashes
        if missing:
            problems.append(f"{len(missing)} attachments the floor stored are not in foi's store")
        print(f"foi inbox import against the email + SQLite floor, python {sys.version.split()[0]}")
        print(
            f"mbox: {args.messages:,} messages, {human_bytes(mbox.stat().st_size)};"
            f" {plan.attachments:,} attachments; load average {os.getloadavg()[0]:.1f}"
        )
        print(
            f"floor stored {floor_out['attachments']:,} attachments"
            f" ({human_bytes(floor_out['attachment_bytes'])}); foi matched {foi_out['matched']:,},"
            f" held {foi_out['held']:,}, duplicates {foi_out['duplicates']:,}"
        )
        print(summary("floor (email + sqlite3)", floors))
        print(summary("foi inbox import --json", fois))
        fw, ff = [r.wall for r in fois], [r.wall for r in floors]
        print(
            f"ratio foi/floor: best {min(fw) / min(ff):.2f}x,"
            f" median {statistics.median(fw) / statistics.median(ff):.2f}x,"
            f" cpu {min(r.cpu for r in fois) / min(r.cpu for r in floors):.2f}x"
        )
        if args.flat_mb:
            for mb in (int(x) for x in args.flat_mb.split(",")):
                big = workdir / f"big-{mb}.eml"
                build(big, known.references[0], mb * 1_000_000, mb * 1_000_000 * 78 // 57 + 4000)
                db = workdir / "flat.db"
                fresh(base, db)
                run = child(
                    [
                        sys.executable,
                        "-m",
                        "foi",
                        "--db",
                        str(db),
                        "inbox",
                        "import",
                        str(big),
                        "--json",
                    ],
                    workdir,
                    {"FOI_ATTACHMENT_MAX_BYTES": str((mb + 10) * 1_000_000)},
                )
                big.unlink()
                print(
                    f"one message with a {mb} MB attachment: peak {human_bytes(run.peak)},"
                    f" {run.wall:.1f}s"
                )
        print("check: " + ("passed" if not problems else "FAILED: " + "; ".join(problems)))
        if problems:
            raise SystemExit(1)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
