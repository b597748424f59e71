"""Reading files (issue 19): foi's readers beside the tools themselves, alternately.

1. Text layers: foi's reader (pypdfium2 in the limited child, as `foi extract` runs it)
   against `pdftotext` on the same PDFs. Goal: foi <= 1.5x.
2. OCR: foi's reader on page images (the limited child, Tesseract's TSV, parsed) against
   `tesseract IMAGE stdout` itself on the same images. Goal: foi <= 1.2x.
3. `foi extract --workers 2` against `--workers 1` on a database of queued scans (goal: close
   to 2x on two free cores).

Each side runs alternately, the medians and their ratio are printed; the script checks both
sides read the same words (and that every scan was read) and exits 1 if not.

    .venv/bin/python bench/bench_reading.py [--pdfs 20] [--pages 10] [--images 6]
                                            [--scans 8] [--repeats 5] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import bench_env
from tests.reading import files

WORDS = [
    "the",
    "trust",
    "reviewed",
    "its",
    "crisis",
    "response",
    "plans",
    "with",
    "the",
    "police",
    "and",
    "the",
    "high",
    "intensity",
    "network",
    "in",
    "twenty",
    "nineteen",
    "and",
    "found",
    "that",
    "the",
    "service",
    "had",
    "been",
    "withdrawn",
]


def page_text(n: int, p: int) -> str:
    words = [WORDS[(n * 7 + p * 3 + i) % len(WORDS)] for i in range(260)]
    return f"Document {n} page {p}. " + " ".join(words)


def alternate(sides: dict[str, callable], repeats: int) -> dict[str, list[float]]:  # type: ignore[valid-type]
    times: dict[str, list[float]] = {k: [] for k in sides}
    for fn in sides.values():  # one unmeasured run each (caches, helper imports)
        fn()
    for _ in range(repeats):
        for name, fn in sides.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def report(title: str, times: dict[str, list[float]], ours: str, theirs: str, goal: float) -> bool:
    a, b = statistics.median(times[ours]), statistics.median(times[theirs])
    ratio = a / b
    ok = ratio <= goal
    print(
        f"{title}: {ours} {a:.3f} s, {theirs} {b:.3f} s (medians) -> {ratio:.2f}x "
        f"(goal <= {goal}x) {'OK' if ok else 'MISSED'}"
    )
    return ok


def words_of(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in text.lower()).split()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pdfs", type=int, default=20)
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--images", type=int, default=6)
    ap.add_argument("--scans", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--only", choices=("text", "ocr", "workers"), help="Run one part only.")
    args = ap.parse_args()

    from foi.reading.formats import Limits
    from foi.reading.sandbox import Reader

    work = Path(tempfile.mkdtemp(prefix="foi-bench-reading-"))
    ok = True
    try:
        print(f"work folder {work}", file=sys.stderr)
        pdfs = []
        for n in range(args.pdfs if args.only in (None, "text") else 0):
            path = work / f"doc{n}.pdf"
            path.write_bytes(files.text_pdf([page_text(n, p) for p in range(args.pages)]))
            pdfs.append(path)
        limits = Limits()
        reader = Reader()

        def foi_text() -> list[list[str]]:
            return [
                [p.text for p in reader.read(f, f.name, None, limits).pages or []] for f in pdfs
            ]

        def pdftotext() -> list[list[str]]:
            out = []
            for f in pdfs:
                done = subprocess.run(
                    ["pdftotext", "-layout", str(f), "-"], capture_output=True, check=True
                )
                pages = done.stdout.decode().split("\f")
                out.append(pages[: args.pages])
            return out

        # Correctness: the same words on every page of every file.
        ours, theirs = foi_text(), pdftotext()
        if args.only in (None, "text"):
            for a, b in zip(ours, theirs, strict=True):
                if len(a) != args.pages or [words_of(x) for x in a] != [words_of(x) for x in b]:
                    print("text layers differ between foi and pdftotext", file=sys.stderr)
                    return 1
            print(
                f"text layers: {args.pdfs} PDFs x {args.pages} pages, the same words on both sides"
            )
            t = alternate({"foi": foi_text, "pdftotext": pdftotext}, args.repeats)
            ok &= report("text layer", t, "foi", "pdftotext", 1.5)

        images = []
        for n in range(args.images if args.only in (None, "ocr") else 0):
            path = work / f"page{n}.png"
            path.write_bytes(
                files.png(
                    [f"Scanned page {n}", "the High Intensity Service", "was withdrawn in 2021"]
                )
            )
            images.append(path)

        def foi_ocr() -> list[str]:
            return [reader.read(f, f.name, None, limits).pages[0].text for f in images]  # type: ignore[index]

        def tesseract() -> list[str]:
            return [
                subprocess.run(
                    ["tesseract", str(f), "stdout", "-l", "eng"], capture_output=True, check=True
                ).stdout.decode()
                for f in images
            ]

        a, b = foi_ocr(), tesseract()
        if [words_of(x) for x in a] != [words_of(x) for x in b]:
            print("OCR differs between foi and tesseract", file=sys.stderr)
            return 1
        if images:
            print(
                f"OCR: {args.images} page images at 200 dpi, the same words on both sides "
                f"(OMP_THREAD_LIMIT={os.environ.get('OMP_THREAD_LIMIT', 'unset')} on both)"
            )
            t = alternate({"foi": foi_ocr, "tesseract": tesseract}, args.repeats)
            ok &= report("OCR", t, "foi", "tesseract", 1.2)
        reader.close()
        if args.only not in (None, "workers"):
            return 0 if ok else 2

        # --workers: a database with queued scans, copied fresh for every run.
        template = work / "template.db"
        env = bench_env(work)
        env["FOI_DATABASE_URL"] = str(template)
        subprocess.run(
            [sys.executable, "-m", "foi", "init"], env=env, check=True, capture_output=True
        )
        made = subprocess.run(
            [
                sys.executable,
                "-m",
                "foi",
                "request",
                "new",
                "--body",
                "RTQ",
                "--title",
                "SIM",
                "--sent-on",
                "2026-11-20",
                "--json",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        import json

        ref = json.loads(made.stdout)["reference"]
        scans = {
            f"scan{n}.pdf": files.scanned_pdf(
                [[f"Scan {n}", "High Intensity"], [f"Scan {n} page two"]]
            )
            for n in range(args.scans)
        }
        (work / "reply.eml").write_bytes(files.reply_with(ref, scans))
        subprocess.run(
            [sys.executable, "-m", "foi", "inbox", "import", str(work / "reply.eml")],
            env=env,
            check=True,
            capture_output=True,
        )

        def run_workers(n: int, extra: dict[str, str]):  # type: ignore[no-untyped-def]
            def go() -> None:
                db = work / f"run{n}.db"
                shutil.copy(template, db)
                e = {**env, **extra, "FOI_DATABASE_URL": str(db)}
                subprocess.run(
                    [sys.executable, "-m", "foi", "extract", "--workers", str(n)],
                    env=e,
                    check=True,
                    capture_output=True,
                )
                with sqlite3.connect(db) as conn:
                    states = conn.execute(
                        "SELECT state, count(*) FROM extractions GROUP BY state"
                    ).fetchall()
                if states != [("done", args.scans)]:
                    raise SystemExit(f"--workers {n}: not every scan was read: {states}")

            return go

        # As shipped, one worker's Tesseract runs OpenMP threads on every core while two
        # workers run one thread each; with OMP_THREAD_LIMIT=1 on both sides, the comparison
        # is of the workers alone.
        for label, extra in (
            ("as shipped", {}),
            ("OMP_THREAD_LIMIT=1 on both sides", {"OMP_THREAD_LIMIT": "1"}),
        ):
            t = alternate(
                {"workers 1": run_workers(1, extra), "workers 2": run_workers(2, extra)},
                max(3, args.repeats // 2),
            )
            one, two = statistics.median(t["workers 1"]), statistics.median(t["workers 2"])
            print(
                f"foi extract on {args.scans} two-page scans ({label}): --workers 1 {one:.2f} s, "
                f"--workers 2 {two:.2f} s (medians) -> {one / two:.2f}x faster (goal: close to 2x "
                f"on two free cores; {os.cpu_count()} CPUs here, shared; load average "
                f"{os.getloadavg()[0]:.1f})"
            )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
