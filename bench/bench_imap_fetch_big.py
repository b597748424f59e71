"""Benchmark: peak memory of `foi inbox fetch` reading one 200 MB message from a real Dovecot.

Run:  .venv/bin/python bench/bench_imap_fetch_big.py [--message-mb 200] [--rounds 1]

Builds (streamed to disk) a 200 MB reply to a request carrying a 140 MB attachment
(bench_big_message's builder), starts a private Dovecot as the tests do
(tests/mail/imapserver.py), APPENDs the message, then alternately runs, each in a child
whose own peak RSS is read with `os.wait4`:

- `foi inbox fetch --json` on a fresh database (the message streamed from the socket to a
  temporary file, issue 23 item 6);
- `foi inbox import big.eml --json` of the same file on another fresh database (the file
  path, for comparison).

The correctness check: both runs store the message once, matched, with the raw message's
SHA-256 and the attachment's hash equal to the generated ones. The goal: fetch under 200 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import human_bytes, progress  # noqa: E402
from bench_big_message import MB, build, run  # noqa: E402

from tests.mail.imapserver import Dovecot, available, running_dovecot  # noqa: E402


def _sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while piece := fh.read(MB):
            digest.update(piece)
    return digest.hexdigest()


def _append(server: Dovecot, eml: Path) -> None:
    """APPEND the file from a child process: imaplib holds the literal (several copies) in
    memory, and a forked child's peak RSS counts its parent's, so the parent stays small."""
    import subprocess

    code = (
        "import imaplib, sys, time\n"
        "c = imaplib.IMAP4(sys.argv[1], int(sys.argv[2]), timeout=300)\n"
        "c.login(sys.argv[3], sys.argv[4])\n"
        "data = open(sys.argv[5], 'rb').read()\n"
        "typ, got = c.append('INBOX', '', imaplib.Time2Internaldate(time.time()), data)\n"
        "assert typ == 'OK', got\n"
        "c.logout()\n"
    )
    subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            server.host,
            str(server.port),
            server.user,
            server.password,
            str(eml),
        ],
        check=True,
    )


def _fresh(workdir: Path, name: str) -> tuple[dict[str, str], str]:
    env = {"FOI_DATABASE_URL": str(workdir / f"{name}.db")}
    run(["init"], workdir, env)
    made = run(
        ["request", "new", "--body", "RXX", "--title", "SIM", "--sent-on", "2026-11-02", "--json"],
        workdir,
        env,
    )[1]
    return env, json.loads(made)["reference"]


def _check(workdir: Path, env: dict[str, str], summary: dict, raw_sha: str, shas: dict) -> bool:
    if summary["total"] != 1 or summary["matched"] != 1:
        return False
    shown = json.loads(
        run(["inbox", "show", str(summary["messages"][0]["inbox_id"]), "--json"], workdir, env)[1]
    )
    stored = {a["filename"]: a["sha256"] for a in shown["attachments"]}
    return shown["sha256"] == raw_sha and stored == shas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--message-mb", type=int, default=200)
    parser.add_argument("--attachment-mb", type=int, default=140)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--compare", type=Path, help="another foi checkout (e.g. 0.2.1) to fetch with, for before"
    )
    opts = parser.parse_args()
    if not available():
        raise SystemExit("Dovecot is not installed (apt-get install dovecot-imapd)")
    workdir = Path(tempfile.mkdtemp(prefix="foi-bench-imap-"))
    try:
        # The reference is the same in every fresh database (FOI-2026-0001).
        _, reference = _fresh(workdir, "probe")
        eml = workdir / "big.eml"
        progress(f"writing a {opts.message_mb} MB message")
        shas = build(eml, reference, opts.attachment_mb * MB, opts.message_mb * MB)
        raw_sha = _sha(eml)
        limit = {"FOI_ATTACHMENT_MAX_BYTES": str(400 * MB)}
        ok = True
        fetch_peaks, import_peaks, before_peaks = [], [], []
        with running_dovecot() as server:
            progress("appending it to Dovecot")
            _append(server, eml)
            for n in range(opts.rounds):
                env, _ = _fresh(workdir, f"fetch{n}")
                progress(f"round {n + 1}: foi inbox fetch")
                _, out, peak = run(
                    ["inbox", "fetch", "--json"], workdir, {**env, **server.env(), **limit}
                )
                fetch_peaks.append(peak)
                ok &= _check(workdir, env, json.loads(out), raw_sha, shas)
                env, _ = _fresh(workdir, f"import{n}")
                progress(f"round {n + 1}: foi inbox import")
                _, out, peak = run(
                    ["inbox", "import", str(eml), "--json"], workdir, {**env, **limit}
                )
                import_peaks.append(peak)
                ok &= _check(workdir, env, json.loads(out), raw_sha, shas)
                if opts.compare:
                    env, _ = _fresh(workdir, f"before{n}")
                    progress(f"round {n + 1}: foi inbox fetch with {opts.compare}")
                    _, out, peak = run(
                        ["inbox", "fetch", "--json"],
                        workdir,
                        {**env, **server.env(), **limit},
                        opts.compare,
                    )
                    before_peaks.append(peak)
                    ok &= _check(workdir, env, json.loads(out), raw_sha, shas)
        fetch, imp = max(fetch_peaks), max(import_peaks)
        print(f"message: {human_bytes(eml.stat().st_size)} ({opts.attachment_mb} MB attachment)")
        print(
            f"foi inbox fetch (Dovecot): peak RSS {human_bytes(fetch)}"
            f" (goal < 200 MB: {'met' if fetch < 200 * MB else 'NOT met'})"
        )
        print(f"foi inbox import (file):   peak RSS {human_bytes(imp)}")
        print(f"ratio fetch / import: {fetch / imp:.2f}")
        if before_peaks:
            before = max(before_peaks)
            print(
                f"foi inbox fetch with {opts.compare}: peak RSS {human_bytes(before)} "
                f"(ratio before / after: {before / fetch:.1f})"
            )
        print(f"stored once, hashes equal to the generated ones: {'yes' if ok else 'NO'}")
        if not ok:
            raise SystemExit(1)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
