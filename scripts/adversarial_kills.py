"""Adversarial trials, re-runnable: kill `foi send` and `foi inbox fetch` at random points.

Run:  .venv/bin/python scripts/adversarial_kills.py [--send 20] [--fetch 20] [--seed N]
                                                    [--database-url URL]

Each trial starts from nothing (a new SQLite file, or a new database on the PostgreSQL
server given), runs the command as a real process (`python -m foi`), kills it with
SIGKILL after a random delay, then does what a volunteer would (settle an uncertain letter
from the server's copy with `foi send --reconcile`, or with `--retry-uncertain` when the
server never took it, run the command again) and checks:

- send: 30 letters to a real SMTP server (aiosmtpd): every letter delivered exactly once,
  every one recorded sent;
- inbox fetch: 60 messages in a real Dovecot, fetched in batches of 5: every message
  stored exactly once, and a further fetch finds nothing new.

Issue 23 reported 84 `send` and 57 `inbox fetch` kills with nothing lost or doubled; this
script keeps that figure true. tests/test_adversarial.py runs two trials of each in CI.
Prints one line per trial and a summary; exits 1 if any trial lost or doubled anything.
"""

from __future__ import annotations

import argparse
import json
import mailbox
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LETTERS = 30
MESSAGES = 60


def _env(db: str, home: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOI_")}
    env.update(
        FOI_DATABASE_URL=db,
        FOI_TODAY="2026-11-27",
        FOI_TODAY_SENDS="yes",  # the trial sends for real, on a fixed day, to a local server
        HOME=str(home),
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def _foi(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "foi", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    if result.returncode != 0:
        raise AssertionError(f"foi failed ({result.returncode}): {result.stderr[-1500:]}")
    return result.stdout


def _kill_after(env: dict[str, str], cwd: Path, delay: float, *args: str) -> int:
    """Start foi, SIGKILL it after `delay` seconds (if still running); its exit code."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "foi", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        proc.wait(delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # A message whose last line the client sent just before it died is still being
        # taken by the SMTP server's thread: let it finish before anyone counts.
        time.sleep(0.2)
    return proc.returncode


@contextmanager
def _database(url: str | None, folder: Path) -> Iterator[str]:
    """A new database for one trial: a SQLite file, or a database on the server at `url`."""
    if not url:
        yield str(folder / "requests.db")
        return
    import sqlalchemy as sa

    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"foi_adversarial_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _settle(db: str) -> None:
    """Wait until the server has finished with a killed client's sessions.

    SIGKILL stops the client, not its PostgreSQL backend: a COMMIT the client sent just
    before it died may still be in progress, and becomes visible a moment later. Reading
    the letters before then saw 'queued' where the server was about to say 'sending'.
    A SQLite file has no server: what the killed process wrote is in the file or not.
    """
    if "://" not in db:
        return
    import sqlalchemy as sa

    engine = sa.create_engine(db)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                others = conn.scalar(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
            if not others:
                return
            time.sleep(0.05)
        raise AssertionError("the killed client's database sessions did not end in 30 s")
    finally:
        engine.dispose()


def _letters(db: str) -> Counter[str]:
    from sqlalchemy import select

    from foi.store.engine import make_engine, resolve_url
    from foi.store.models import Letter

    engine = make_engine(resolve_url(db))
    try:
        with engine.connect() as conn:
            return Counter(s for (s,) in conn.execute(select(Letter.state)))
    finally:
        engine.dispose()


def trial_send(rng: random.Random, url: str | None) -> str:
    """One killed `foi send`, settled and re-run; a line saying what happened."""
    from aiosmtpd.controller import Controller

    from tests.smtpserver import Recorder, free_port

    handler = Recorder()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory(prefix="foi-adv-send-") as tmp:
            folder = Path(tmp)
            with _database(url, folder) as db:
                env = _env(
                    db,
                    folder,
                    {
                        "FOI_SMTP_HOST": "127.0.0.1",
                        "FOI_SMTP_PORT": str(port),
                        "FOI_SMTP_SECURITY": "none",
                        "FOI_FROM": "Campaign <sam@simcamp.org.uk>",
                        "FOI_REQUESTER_NAME": "Sam Campaigner",
                        "FOI_REQUESTER_EMAIL": "sam@simcamp.org.uk",
                        "FOI_SEND_THROTTLE": "0.02",
                    },
                )
                _ok(_foi(env, folder, "init"))
                rows = ["name,email,kind,tags"] + [
                    f"Adversarial Trust {i:02d},foi{i:02d}@trust{i:02d}.example.nhs.uk,"
                    "mental-health-trust,adv"
                    for i in range(LETTERS)
                ]
                (folder / "trusts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
                _ok(_foi(env, folder, "body", "import", str(folder / "trusts.csv")))
                _ok(_foi(env, folder, "draft", "sim-use", "--to", "tag:adv", "--campaign", "c"))
                delay = rng.uniform(0.3, 4.0)  # start-up alone takes ~0.5 s: some die early
                code = _kill_after(env, folder, delay, "send", "--campaign", "c", "--yes")
                _settle(db)
                delivered = handler.count()
                states = _letters(db)
                if states.get("sending"):
                    # Settle the letter in flight from what the server received.
                    box = mailbox.mbox(str(folder / "sent.mbox"))
                    for r in handler.received:
                        box.add(r.data)
                    box.flush()
                    box.close()
                    _ok(_foi(env, folder, "send", "--reconcile", str(folder / "sent.mbox")))
                    if _letters(db).get("sending"):
                        # Not in the server's copy: killed after the letter was marked
                        # 'sending' and before the server took it. The volunteer has
                        # checked, so the letter goes back to draft and is sent once below.
                        _ok(_foi(env, folder, "send", "--retry-uncertain"))
                _ok(
                    _foi(
                        {**env, "FOI_SEND_THROTTLE": "0"},
                        folder,
                        "send",
                        "--campaign",
                        "c",
                        "--yes",
                    )
                )
                counts = Counter(str(r.message["Message-ID"]) for r in handler.received)
                final = _letters(db)
                if len(counts) != LETTERS or set(counts.values()) != {1}:
                    raise AssertionError(f"send: delivered {dict(counts)}")
                if final != Counter({"sent": LETTERS}):
                    raise AssertionError(f"send: letters {dict(final)}")
                how = "killed" if code == -signal.SIGKILL else f"finished ({code})"
                return f"send: {how} after {delay:.2f} s with {delivered} delivered; all {LETTERS} once"
    finally:
        controller.stop()


def trial_fetch(rng: random.Random, url: str | None, server: object) -> str:
    """One killed `foi inbox fetch`, re-run; a line saying what happened."""
    from sqlalchemy import func, select

    from foi.store.engine import make_engine, resolve_url
    from foi.store.models import InboxMessage
    from tests.conftest import empty_database

    with tempfile.TemporaryDirectory(prefix="foi-adv-fetch-") as tmp:
        folder = Path(tmp)
        with _database(url, folder) as db:
            empty_database(db)
            env = _env(db, folder, server.env())  # type: ignore[attr-defined]
            delay = rng.uniform(0.3, 3.0)
            code = _kill_after(env, folder, delay, "inbox", "fetch", "--batch", "5")
            _settle(db)
            engine = make_engine(resolve_url(db))
            try:
                with engine.connect() as conn:
                    before = int(conn.scalar(select(func.count()).select_from(InboxMessage)) or 0)
                rerun = json.loads(_ok(_foi(env, folder, "inbox", "fetch", "--json")))
                again = json.loads(_ok(_foi(env, folder, "inbox", "fetch", "--json")))
                with engine.connect() as conn:
                    ids = [m for (m,) in conn.execute(select(InboxMessage.message_id))]
            finally:
                engine.dispose()
            counts = Counter(ids)
            if len(ids) != MESSAGES or len(counts) != MESSAGES:
                raise AssertionError(f"fetch: {len(ids)} stored, {len(counts)} distinct")
            if rerun["total"] != MESSAGES - before or again["total"] != 0:
                raise AssertionError(f"fetch: rerun read {rerun['total']}, then {again['total']}")
            how = "killed" if code == -signal.SIGKILL else f"finished ({code})"
            return f"fetch: {how} after {delay:.2f} s with {before} stored; all {MESSAGES} once"


def run(sends: int, fetches: int, seed: int, url: str | None = None) -> list[str]:
    """Run the trials; the lines they printed. AssertionError at the first failure."""
    rng = random.Random(seed)
    lines = [trial_send(rng, url) for _ in range(sends)]
    if fetches:
        from tests.mail.imapserver import running_dovecot
        from tests.mail.test_concurrent_import import corpus

        with running_dovecot() as server:
            server.append(corpus(MESSAGES))
            lines += [trial_fetch(rng, url, server) for _ in range(fetches)]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--send", type=int, default=20, help="trials killing foi send")
    parser.add_argument("--fetch", type=int, default=20, help="trials killing foi inbox fetch")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--database-url", help="a PostgreSQL server (default: SQLite files)")
    opts = parser.parse_args()
    print(f"seed {opts.seed}")
    started = time.monotonic()
    try:
        lines = run(opts.send, opts.fetch, opts.seed, opts.database_url)
    except AssertionError as exc:
        print(f"FAILED: {exc}")
        raise SystemExit(1) from None
    for line in lines:
        print(line)
    print(
        f"{opts.send} send and {opts.fetch} fetch trials in {time.monotonic() - started:.0f} s: "
        "nothing lost or doubled"
    )


if __name__ == "__main__":
    main()
