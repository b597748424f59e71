"""`foi publish` at scale: a full build of a large generated campaign against a Jinja2 floor
writing the same files, a rebuild with no change, and a rebuild after one response.

    .venv/bin/python bench/bench_publish.py [--requests 24216] [--bodies 114] [--repeats 3]
                                            [--workdir DIR] [--keep] [--seed S]

The campaign (the shape of the 100k database's largest: ~24,000 requests to ~114 bodies) is
bulk-inserted with SQLAlchemy Core into a database `foi db upgrade` made: trusts get the
sim-use letter and police forces sim-police, each letter's text one of 1,140 variants;
three in five requests answered (answers to four questions, some exemptions), a reply by
email for some, sourced SIM evidence for most bodies, a few requests held back.

Both sides run alternately (one unmeasured run of each first); each full build goes into a
new folder. The floor is `bench/floor_site.py`: Python, Jinja2 rendering a template, writing
the files foi wrote, each of the same path and size (plain writes; foi also fsyncs each
file). Printed: medians, their ratio, peak memory of each side (`/usr/bin/time -v`), then the
no-change rebuild (files written must be 0) and the rebuild after one `foi respond` (files
written, time as a share of the full build). The script's own checks: a page per body, a
results row per body, the held requests absent, the no-change rebuild writing nothing; it
exits 1 if one fails.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    BENCH,
    TREE,
    Timing,
    bytecode_note,
    human_bytes,
    paired,
    peak_rss,
    progress,
    run_foi,
    run_python,
)

sys.path.insert(0, str(TREE))

CAMPAIGN = "sim-big"
TODAY = date(2026, 11, 27)
STAMP = datetime(2026, 11, 1, tzinfo=UTC)
STATUSES = ("adopted", "piloted", "withdrawn", "denied", "not-adopted", "considering")


def _letter_texts(seed: int, n: int = 1140) -> list[str]:
    rng = random.Random(seed)
    words = ("information", "request", "mental", "health", "trust", "police", "officer",
             "service", "crisis", "team", "records", "contract", "payment", "review")  # fmt: skip
    base = " ".join(rng.choice(words) for _ in range(600))
    return [
        f"Dear FOI Officer,\n\nVariant {i}. {base}\n\nYours faithfully,\nA Requester\n"
        for i in range(n)
    ]


def build_database(path: Path, workdir: Path, n_requests: int, n_bodies: int, seed: int) -> dict:
    """A campaign of `n_requests` to `n_bodies`, bulk-inserted; returns what it holds."""
    from sqlalchemy import create_engine, event, insert

    from foi.store import tables as t

    run_foi(["--db", str(path), "db", "upgrade"], workdir)
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.execute("PRAGMA synchronous=OFF")

    rng = random.Random(seed)
    texts = _letter_texts(seed)
    bodies, reqs, events, letters, answers, exemptions, evidence, inbox = ([] for _ in range(8))
    police = max(1, n_bodies // 3)
    for b in range(1, n_bodies + 1):
        kind = "police-force" if b <= police else "mental-health-trust"
        bodies.append(
            {
                "id": b,
                "name": f"{'Shire' if kind == 'police-force' else 'Care'} Body {b:03d}",
                "kind": kind,
                "region": rng.choice(["North East", "London", "South West", "Midlands"]),
                "foi_subject": True,
                "regime": "foia",
                "created_at": STAMP,
                "updated_at": STAMP,
                "held": False,
            }
        )
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            evidence.append(
                {
                    "body_id": b,
                    "status": rng.choice(STATUSES),
                    "on": date(2026, 1, 1) + timedelta(days=rng.randrange(300)),
                    "source": f"https://evidence.example/{b}/{rng.randrange(10**6)}",
                    "quote": "The service ran with the police.",
                    "local_name": rng.choice([None, None, f"Team {b}"]),
                    "recorded_at": STAMP,
                }
            )
    event_id = 0
    held = 0
    with engine.begin() as conn:
        conn.execute(insert(t.campaigns), [{"id": 1, "name": CAMPAIGN, "created_at": STAMP}])
    for r in range(1, n_requests + 1):
        b = rng.randrange(1, n_bodies + 1)
        template = "sim-police" if b <= police else "sim-use"
        sent = date(2025, 1, 6) + timedelta(days=rng.randrange(600))
        answered = rng.random() < 0.6
        is_held = rng.random() < 0.001
        held += is_held
        reqs.append(
            {
                "id": r,
                "reference": f"FOI-2026-{r:06d}",
                "title": "Freedom of Information request - SIM",
                "body_id": b,
                "regime": "foia",
                "campaign_id": 1,
                "template": template,
                "created_at": STAMP,
                "updated_at": STAMP,
                "status": "closed" if answered else "awaiting-response",
                "resolution": rng.choice(["successful", "refused", "not-held"])
                if answered
                else None,
                "sent_on": sent,
                "held": is_held,
            }
        )
        event_id += 1
        events.append(
            {
                "id": event_id,
                "request_id": r,
                "kind": "sent",
                "on": sent,
                "recorded_at": STAMP,
                "outcome": None,
            }
        )
        letters.append(
            {
                "request_id": r,
                "purpose": "request",
                "template": template,
                "subject": f"Freedom of Information request [FOI-2026-{r:06d}]",
                "text": texts[rng.randrange(len(texts))],
                "route": "email",
                "to_addr": f"foi@body{b}.example",
                "state": "sent",
                "attempts": 1,
                "created_at": STAMP,
                "sent_at": datetime(sent.year, sent.month, sent.day, 9, tzinfo=UTC),
            }
        )
        if answered:
            event_id += 1
            on = sent + timedelta(days=rng.randrange(10, 50))
            events.append(
                {
                    "id": event_id,
                    "request_id": r,
                    "kind": "response",
                    "on": on,
                    "recorded_at": STAMP,
                    "outcome": reqs[-1]["resolution"],
                }
            )
            for q in range(1, 5):
                answers.append(
                    {
                        "request_id": r,
                        "event_id": event_id,
                        "question": q,
                        "text": f"Answer {rng.randrange(50)} to question {q}.",
                        "status": rng.choice(["answered", "partial", "refused", "not-held"]),
                    }
                )
            if rng.random() < 0.2:
                exemptions.append(
                    {"request_id": r, "event_id": event_id, "question": None, "section": "s12"}
                )
            if rng.random() < 0.05:
                inbox.append(
                    {
                        "dedupe_key": f"msg-{r}",
                        "sha256": f"{r:064x}",
                        "subject": f"RE: [FOI-2026-{r:06d}]",
                        "from_addr": f"foi@body{b}.example",
                        "sent_at": datetime(on.year, on.month, on.day, 10, tzinfo=UTC),
                        "kind": "reply",
                        "state": "matched",
                        "request_id": r,
                        "summary": {"text": "Please find our response attached."},
                        "imported_at": STAMP,
                    }
                )
    if "received_on" in t.requests.c:  # schema 0016: the clock dates refresh would store
        from types import SimpleNamespace

        from foi.casework.clock_dates import clock_dates, clocks_of
        from foi.law.holidays import load_default

        hs = load_default()
        by_request: dict[int, list[SimpleNamespace]] = {}
        for e in events:
            by_request.setdefault(e["request_id"], []).append(
                SimpleNamespace(id=e["id"], kind=e["kind"], on=e["on"], promised_on=None, data=None)
            )
        for req in reqs:
            req.update(clock_dates(clocks_of("foia", by_request[req["id"]], hs)))
    with engine.begin() as conn:
        for table, rows in (
            (t.bodies, bodies),
            (t.evidence, evidence),
            (t.requests, reqs),
            (t.events, events),
            (t.letters, letters),
            (t.answers, answers),
            (t.exemptions, exemptions),
            (t.inbox, inbox),
        ):
            for start in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[start : start + 5000])
    engine.dispose()
    return {"bodies": n_bodies, "requests": n_requests, "held": held}


def site_files(site: Path) -> list[tuple[str, int]]:
    """Every file of a built site (foi's marker included), with its size."""
    return sorted(
        (str(p.relative_to(site)), p.stat().st_size)
        for p in site.rglob("*")
        if p.is_file() and (not p.name.startswith(".foi-") or p.name == ".foi-site")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=24_216)
    parser.add_argument("--bodies", type=int, default=114)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="foi-bench-publish-"))
    workdir.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    try:
        db = workdir / "big.db"
        db.unlink(missing_ok=True)
        progress(f"building a campaign of {args.requests:,} requests to {args.bodies} bodies")
        held = build_database(db, workdir, args.requests, args.bodies, args.seed)["held"]
        counter = iter(range(10**6))
        manifest = workdir / "manifest.json"

        def foi_full() -> tuple[float, bytes]:
            out = workdir / f"site-{next(counter)}"
            got = run_foi(
                ["--db", str(db), "publish", "--campaign", CAMPAIGN, str(out), "--json"], workdir
            )
            shutil.rmtree(out)
            return got

        def floor() -> tuple[float, bytes]:
            out = workdir / f"floor-{next(counter)}"
            got = run_python([str(BENCH / "floor_site.py"), str(manifest), str(out)], workdir)
            shutil.rmtree(out)
            return got

        site = workdir / "site"
        _, raw = run_foi(
            ["--db", str(db), "publish", "--campaign", CAMPAIGN, str(site), "--json"], workdir
        )
        first = json.loads(raw)
        files = site_files(site)
        manifest.write_text(json.dumps(files))
        total = sum(size for _, size in files)
        pages = len(list((site / "bodies").glob("*.html")))
        rows = (site / "data" / "results.csv").read_text(encoding="utf-8-sig").count("\n") - 1
        if pages != args.bodies or rows != args.bodies:
            failures.append(f"{pages} body pages and {rows} results rows for {args.bodies} bodies")
        if first["held_back"] != held or first["requests"] != args.requests - held:
            failures.append(f"held back {first['held_back']} (expected {held})")
        progress(f"{len(files)} files, {human_bytes(total)}; {args.repeats} pairs of full builds")
        a, b = paired(foi_full, floor, args.repeats)
        rss_foi = peak_rss(
            ["-m", "foi", "--db", str(db), "publish", "--campaign", CAMPAIGN, str(workdir / "rss")],
            workdir,
        )
        rss_floor = peak_rss(
            [str(BENCH / "floor_site.py"), str(manifest), str(workdir / "rss-floor")], workdir
        )

        progress("rebuilds")
        same: list[float] = []
        for _ in range(args.repeats):
            elapsed, raw = run_foi(
                ["--db", str(db), "publish", "--campaign", CAMPAIGN, str(site), "--json"], workdir
            )
            same.append(elapsed)
            if json.loads(raw)["files_written"] != 0:
                failures.append(
                    f"a rebuild with no change wrote {json.loads(raw)['files_written']} files"
                )
        import sqlite3

        with sqlite3.connect(db) as conn:  # a request still waiting, not held back
            ref = conn.execute(
                "SELECT reference FROM requests WHERE resolution IS NULL AND NOT held "
                "ORDER BY id LIMIT 1"
            ).fetchone()[0]
        run_foi(
            ["--db", str(db), "respond", ref, "--on", "2026-11-20", "--outcome", "successful",
             "--answer", "1=A new answer, logged today"],
            workdir,
        )  # fmt: skip
        elapsed, raw = run_foi(
            ["--db", str(db), "publish", "--campaign", CAMPAIGN, str(site), "--json"], workdir
        )
        one = json.loads(raw)
        if not 0 < one["files_written"] < len(files):
            failures.append(f"the rebuild after one response wrote {one['files_written']} files")

        same_t = Timing(same)
        print(
            f"## foi publish: {args.requests:,} requests to {args.bodies} bodies, {len(files)} files, {human_bytes(total)}"
        )
        print(f"({bytecode_note()})")
        print()
        print("| measure | foi | floor | ratio | goal |")
        print("|---|---|---|---|---|")
        print(
            f"| full build, median of {args.repeats} | {a.median:.2f} s | {b.median:.2f} s "
            f"| {a.median / b.median:.2f}x | <= 3x |"
        )
        print(
            f"| peak memory | {human_bytes(rss_foi)} | {human_bytes(rss_floor)} | {rss_foi / rss_floor:.2f}x | <= 150 MB |"
        )
        print(
            f"| rebuild, no change ({same_t.median:.2f} s; 0 files written) | {same_t.median:.2f} s "
            f"| - | {same_t.median / a.median:.0%} of a full build | writes nothing |"
        )
        print(
            f"| rebuild after one response ({one['files_written']} of {len(files)} files written) "
            f"| {elapsed:.2f} s | - | {elapsed / a.median:.0%} of a full build | <= 20% |"
        )
        for problem in failures:
            print(f"CHECK FAILED: {problem}")
        if failures:
            raise SystemExit(1)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
