"""Benchmark: `foi body import` of a 1,000,000-row CSV: wall time and peak memory.

Run:  .venv/bin/python bench/bench_body_import.py [--rows N] [--workdir DIR] [--keep]
                                                  [--seed S] [--repeats R]

The CSV (seeded) is a plain body list with a header: name, kind, ODS code (half the rows),
email (most rows), aliases, tags, region and a postal address, about 150 bytes a row, with
0.2% of rows repeating an earlier body (by code or by name in other capitals) and 0.1% bad
(an address that is not an email), imported with --skip-bad-rows into a database made by
`foi init` (a fresh copy each run).

Both sides run as subprocesses, alternately, and each one's peak resident memory is read
from the kernel (`os.wait4`):

* the floor: Python's csv module reading the same file and sqlite3 inserting the names and
  emails into a bare table with `executemany`, in one transaction (what reading and storing
  these rows costs at all);
* `foi body import FILE --skip-bad-rows --json`.

Targets (issue 11): under 2 minutes and under 300 MB peak for 1,000,000 rows.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import bench_env, human_bytes, progress  # noqa: E402  (bench/ is on sys.path)

KINDS = ("council", "nhs-trust", "other", "police-force", "icb", "mental-health-trust")
REGIONS = ("London", "North West", "South East", "Yorkshire", "Midlands", "Wales")
WORDS = [
    "Northshire",
    "Riverside",
    "Valley",
    "Central",
    "Eastern",
    "Western",
    "Borough",
    "County",
    "City",
    "Royal",
    "Park",
    "Community",
    "Health",
    "Partnership",
    "Services",
    "Council",
    "Authority",
    "Trust",
    "Board",
    "Fire",
    "Rescue",
]

FLOOR = r"""
import csv, sqlite3, sys
src, db = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db, isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("CREATE TABLE rows (name TEXT, email TEXT)")
conn.execute("BEGIN")
with open(src, encoding="utf-8", newline="") as fh:
    reader = csv.reader(fh)
    next(reader)
    batch = []
    for row in reader:
        batch.append((row[0], row[3]))
        if len(batch) == 2000:
            conn.executemany("INSERT INTO rows VALUES (?, ?)", batch)
            batch = []
    conn.executemany("INSERT INTO rows VALUES (?, ?)", batch)
conn.execute("COMMIT")
"""


def _ods(i: int) -> str:
    """A unique ODS-like code: a letter then base-36 digits (at most 6 characters)."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    n = i
    for _ in range(5):
        n, r = divmod(n, 36)
        out = digits[r] + out
    return "Q" + out


def write_csv(path: Path, rows: int, seed: int) -> dict[str, int]:
    """Write the CSV; return how many rows of each sort it holds."""
    rng = random.Random(seed)
    counts = {"rows": rows, "repeats": 0, "bad": 0}
    good = bytearray(rows)  # 1 for a row that creates a body
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["name", "kind", "ods_code", "email", "aliases", "tags", "region", "postal_address"]
        )
        for i in range(rows):
            roll = rng.random()
            if i > 100 and roll < 0.002:
                j = rng.randrange(i)
                while not good[j]:  # repeat a body that the file does create
                    j = rng.randrange(i)
                counts["repeats"] += 1
                if j % 2 == 0:  # the same code again
                    w.writerow([f"Copy {i}", "", _ods(j), "", "", "", "", ""])
                else:  # the same name in other capitals
                    w.writerow([f"BODY {j:07d}", "", "", "", "", "", "", ""])
                continue
            email = f"foi{i}@body{i}.example.org"
            if roll > 0.999:
                email = f"not an address {i}"
                counts["bad"] += 1
            else:
                good[i] = 1
            w.writerow(
                [
                    f"Body {i:07d}",
                    rng.choice(KINDS),
                    _ods(i) if i % 2 == 0 else "",
                    email if roll < 0.9 or roll > 0.999 else "",
                    f"{' '.join(rng.sample(WORDS, 3))} {i}" if roll < 0.3 else "",
                    "imported bench" if roll < 0.5 else "",
                    rng.choice(REGIONS),
                    f"{rng.randrange(1, 999)} High Street, Town {i % 977}, AB{i % 90 + 10} 1CD",
                ]
            )
    return counts


def measure(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, int, bytes]:
    """Run a command; return its wall time, CPU time, peak RSS in bytes and stdout."""
    out_path = cwd / ".bench-stdout"
    err_path = cwd / ".bench-stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(
            f"{' '.join(cmd[:4])} failed ({proc.returncode}): {err_path.read_text()[-2000:]}"
        )
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss * 1024, out_path.read_bytes()


def main() -> None:
    """Generate the CSV, then time and measure the floor and foi alternately."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="foi-bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        env = bench_env(work)
        src = work / "bodies.csv"
        progress(f"writing {args.rows:,} rows to {src}")
        counts = write_csv(src, args.rows, args.seed)
        progress(f"{human_bytes(src.stat().st_size)} written; foi init")
        template = work / "template.db"
        subprocess.run(
            [sys.executable, "-m", "foi", "--db", str(template), "init"],
            cwd=work,
            env=env,
            check=True,
            capture_output=True,
        )
        floor_runs: list[tuple[float, float, int]] = []
        foi_runs: list[tuple[float, float, int]] = []
        load_before = os.getloadavg()[0]
        report: dict = {}
        for n in range(args.repeats):
            floor_db = work / f"floor-{n}.db"
            progress(f"run {n + 1}: floor (csv + sqlite3 executemany)")
            t, cpu, rss, _ = measure(
                [sys.executable, "-c", FLOOR, str(src), str(floor_db)], work, env
            )
            floor_runs.append((t, cpu, rss))
            floor_db.unlink()
            db = work / f"run-{n}.db"
            shutil.copy(template, db)
            progress(f"run {n + 1}: foi body import")
            cmd = [sys.executable, "-m", "foi", "--db", str(db), "body", "import", str(src)]
            t, cpu, rss, out = measure([*cmd, "--skip-bad-rows", "--json"], work, env)
            foi_runs.append((t, cpu, rss))
            report = json.loads(out)
            db_size = db.stat().st_size
            db.unlink()
            for extra in ("-wal", "-shm"):
                Path(f"{db}{extra}").unlink(missing_ok=True)
            progress(f"run {n + 1}: foi {t:.1f} s, {human_bytes(rss)}")
        ft, fcpu, frss = (min(r[i] for r in floor_runs) for i in range(3))
        frss = max(r[2] for r in floor_runs)
        it, icpu, irss = (min(r[i] for r in foi_runs) for i in range(3))
        irss = max(r[2] for r in foi_runs)
        print(f"rows {args.rows:,} ({human_bytes(src.stat().st_size)} CSV): ", end="")
        print(f"{counts['repeats']:,} repeats, {counts['bad']:,} bad")
        print(f"load average (1 min) before {load_before:.2f}, after {os.getloadavg()[0]:.2f}")
        head = f"{'what':<42} {'best wall':>10} {'best CPU':>9} {'peak RSS':>10} {'wall/row':>9}"
        print(head)
        for label, wall, cpu, rss in (
            ("floor: csv + sqlite3 executemany", ft, fcpu, frss),
            ("foi body import --skip-bad-rows --json", it, icpu, irss),
        ):
            print(
                f"{label:<42} {wall:>9.1f}s {cpu:>8.1f}s {human_bytes(rss):>10} "
                f"{wall / args.rows * 1e6:>7.1f}us"
            )
        print(
            f"ratio foi/floor: wall {it / ft:.1f}x, CPU {icpu / fcpu:.1f}x, "
            f"peak memory {irss / frss:.1f}x"
        )
        print(
            f"foi report: created {report['created']:,}, updated {report['updated']:,}, "
            f"unchanged {report['unchanged']:,}, skipped {len(report['skipped']):,}, "
            f"bad {len(report['bad_rows']):,}; database {human_bytes(db_size)}"
        )
        target_ok = it < 120 and irss < 300e6
        print(f"targets (1M rows < 120 s, < 300 MB): {'met' if target_ok else 'NOT met'}")
        expected = args.rows - counts["repeats"] - counts["bad"]
        if report["created"] + report["updated"] + report["unchanged"] != expected:
            raise SystemExit(f"expected {expected:,} bodies created or matched: see the report")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
