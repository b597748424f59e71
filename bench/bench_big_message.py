"""Benchmark: peak memory importing one 283 MB message that carries a 200 MB attachment.

Run:  .venv/bin/python bench/bench_big_message.py [--attachment-mb 200] [--message-mb 283]
                                                  [--workdir DIR] [--keep]

Builds (streamed to disk, never whole in memory) a reply to a request: a short text body, a
200 MB PDF-like attachment of random bytes, and one more attachment that brings the raw
message to 283 MB; all base64, as mail carries them. Then, on a fresh
database made by `foi init` plus one request, runs `foi inbox import big.eml --json` as a
subprocess with the attachment limit raised above 200 MB (so the big attachment is stored,
the hard case), reads that child's own peak RSS (`os.wait4`, ru_maxrss), and checks the result: the raw message and every attachment in the database,
hashes equal to the generated ones, `foi db check` clean. For scale it also prints the peak
RSS of a command that only starts (`foi db path`).

The goal (issue 11): under 600 MB peak for the 283 MB message.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import bench_env, human_bytes, progress  # noqa: E402  (bench/ is on sys.path)

MB = 1_000_000


def _write_attachment(out, name: str, size: int, boundary: str) -> str:  # type: ignore[no-untyped-def]
    """Append one base64 attachment of random bytes; return its SHA-256."""
    out.write(
        f"--{boundary}\r\nContent-Type: application/pdf\r\n"
        f'Content-Disposition: attachment; filename="{name}"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n".encode()
    )
    digest = hashlib.sha256()
    left = size
    block = 57 * 16384  # a whole number of 57-byte lines (76 base64 characters each)
    while left:
        data = os.urandom(min(block, left))
        left -= len(data)
        digest.update(data)
        encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
        out.write(encoded)
    return digest.hexdigest()


def build(path: Path, reference: str, attachment: int, total: int) -> dict[str, str]:
    """Write the message; return {filename: sha256} of its attachments."""
    boundary = "==foi-bench-boundary=="
    shas = {}
    with path.open("wb") as out:
        out.write(
            (
                "From: FOI Officer <foi@trust.example.nhs.uk>\r\n"
                "To: campaign@foi-bench.example.org\r\n"
                f"Subject: Re: [{reference}] your request: disclosure bundle\r\n"
                "Date: Tue, 01 Dec 2026 10:00:00 +0000\r\n"
                "Message-ID: <big-disclosure@trust.example.nhs.uk>\r\n"
                "MIME-Version: 1.0\r\n"
                f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
                f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                "Please find the disclosure bundle attached.\r\n\r\n"
            ).encode()
        )
        shas["bundle.pdf"] = _write_attachment(out, "bundle.pdf", attachment, boundary)
        # One more attachment brings the raw message to `total` (base64: 78 bytes per 57).
        rest = (total - out.tell() - 400) * 57 // 78
        if rest > 0:
            shas["annex.pdf"] = _write_attachment(out, "annex.pdf", rest, boundary)
        out.write(f"--{boundary}--\r\n".encode())
    return shas


def run(
    args: list[str], workdir: Path, extra_env: dict[str, str], root: Path = ROOT
) -> tuple[float, str, int]:
    """Run foi (from checkout `root`) in a child; return (seconds, stdout, its peak RSS)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "foi", *args],
            cwd=workdir,
            env={**bench_env(workdir), **extra_env, "PYTHONPATH": str(root)},
            stdout=out,
            stderr=err,
        )
        # os.wait4 gives this child's own resource usage (ru_maxrss in KiB on Linux).
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if child.returncode != 0:
        raise SystemExit(f"foi {' '.join(args)} failed: {stderr[-2000:]}")
    return elapsed, stdout, usage.ru_maxrss * 1024


def _sha_of_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while piece := fh.read(MB):
            digest.update(piece)
    return digest.hexdigest()


def main() -> None:
    """Build the message, import it in a child, print its peak memory."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attachment-mb", type=int, default=200)
    parser.add_argument("--message-mb", type=int, default=283)
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--compare",
        type=Path,
        help="another foi checkout (e.g. 0.1.0) to import the same message with, for the "
        "figure before",
    )
    opts = parser.parse_args()
    workdir = opts.workdir or Path(tempfile.mkdtemp(prefix="foi-bench-big-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        env = {"FOI_DATABASE_URL": str(workdir / "requests.db")}
        _, _, start_peak = run(["db", "path"], workdir, env)
        run(["init"], workdir, env)
        _, made, _ = run(
            [
                "request",
                "new",
                "--body",
                "RXX",
                "--title",
                "SIM",
                "--sent-on",
                "2026-11-02",
                "--json",
            ],
            workdir,
            env,
        )
        reference = json.loads(made)["reference"]
        eml = workdir / "big.eml"
        progress(f"writing a {opts.message_mb} MB message to {eml}")
        shas = build(eml, reference, opts.attachment_mb * MB, opts.message_mb * MB)
        raw_sha = _sha_of_file(eml)
        progress("importing it in a child process")
        limit = {"FOI_ATTACHMENT_MAX_BYTES": str(400 * MB)}
        elapsed, out, peak = run(["inbox", "import", str(eml), "--json"], workdir, {**env, **limit})
        summary = json.loads(out)
        shown = json.loads(run(["request", "show", reference, "--json"], workdir, env)[1])
        stored = {a["filename"]: a["sha256"] for a in shown["attachments"]}
        inbox = json.loads(
            run(["inbox", "show", str(summary["messages"][0]["inbox_id"]), "--json"], workdir, env)[
                1
            ]
        )
        check_seconds, check_out, _ = run(["db", "check"], workdir, env)
        if opts.compare:
            other = {"FOI_DATABASE_URL": str(workdir / "compare.db")}
            run(["init"], workdir, other, opts.compare)
            run(
                ["request", "new", "--body", "RXX", "--title", "SIM", "--sent-on", "2026-11-02"],
                workdir,
                other,
                opts.compare,
            )
            progress(f"importing it with {opts.compare}")
            before_s, _, before_peak = run(
                ["inbox", "import", str(eml), "--json"], workdir, {**other, **limit}, opts.compare
            )
        ok = stored == shas and inbox["sha256"] == raw_sha and summary["matched"] == 1
        print(
            f"message: {human_bytes(eml.stat().st_size)} raw, attachments: "
            + ", ".join(f"{n}" for n in shas)
            + f" (largest {opts.attachment_mb} MB)"
        )
        print(
            f"foi inbox import: {elapsed:.1f} s, peak RSS {human_bytes(peak)}"
            f" (goal < 600 MB: {'met' if peak < 600 * MB else 'NOT met'})"
        )
        if opts.compare:
            print(
                f"the same import with {opts.compare}: {before_s:.1f} s, peak RSS "
                f"{human_bytes(before_peak)}"
            )
        print(f"foi db path (start-up only): peak RSS {human_bytes(start_peak)}")
        print(f"database after import: {human_bytes((workdir / 'requests.db').stat().st_size)}")
        print(f"foi db check: {check_seconds:.1f} s: {check_out.strip()}")
        print(f"stored bytes verified against the generated hashes: {'yes' if ok else 'NO'}")
        if not ok:
            raise SystemExit(1)
    finally:
        if not opts.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
