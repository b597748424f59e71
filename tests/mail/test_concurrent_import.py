"""Issue 23 item 4: concurrent imports of overlapping mail all succeed, nothing doubled.

Real processes (`python -m foi inbox import`), started together against one database: on
PostgreSQL two of them used to fail with a unique-key violation, four with deadlocks.
Every message is real test mail given its own Message-ID; each process imports an
overlapping slice, so the same messages (and the same attachments) arrive at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from foi.store.engine import make_engine, resolve_url
from foi.store.models import Blob, InboxMessage
from tests.conftest import REPO, empty_database
from tests.mail.test_imap_fetch import FIXTURES, with_message_id


def corpus(n: int) -> list[bytes]:
    """`n` distinct real messages (the repository's fixtures, each given its own
    Message-ID <imap-k@foi.test>): no need of ../shared."""
    base = [p.read_bytes() for p in sorted(FIXTURES.glob("*.eml"))]
    return [with_message_id(base[k % len(base)], f"imap-{k}@foi.test") for k in range(n)]


def _counts(db: str) -> tuple[int, int, int]:
    engine = make_engine(resolve_url(db))
    try:
        with engine.connect() as conn:
            rows = conn.scalar(select(func.count()).select_from(InboxMessage)) or 0
            keys = conn.scalar(select(func.count(func.distinct(InboxMessage.dedupe_key)))) or 0
            blobs = conn.scalar(select(func.count()).select_from(Blob)) or 0
            return int(rows), int(keys), int(blobs)
    finally:
        engine.dispose()


@pytest.mark.parametrize("processes", [2, 4])
def test_overlapping_imports_at_once_all_exit_0(
    db_url: str, isolated: Path, processes: int
) -> None:
    empty_database(db_url)
    mail = corpus(60)
    folders = []
    for p in range(processes):
        folder = isolated / f"mail-{p}"
        folder.mkdir()
        # Each process: half the messages shared by all, and a stretch overlapping the next.
        chosen = list(range(30)) + [30 + (p * 10 + k) % 30 for k in range(20)]
        for k in chosen:
            (folder / f"{k:03d}.eml").write_bytes(mail[k])
        folders.append(folder)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FOI_")},
        "FOI_DATABASE_URL": db_url,
        "FOI_TODAY": "2026-12-05",
        "HOME": str(isolated.parent / "home"),
        "PYTHONPATH": str(REPO),
    }
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "foi", "inbox", "import", str(f), "--json"],
            cwd=isolated,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f in folders
    ]
    results = [(c.wait(300), *c.communicate()) for c in children]
    for code, _, err in results:
        assert code == 0, err
    summaries = [json.loads(out) for _, out, _ in results]
    new = sum(s["total"] - s["duplicates"] for s in summaries)
    rows, keys, _ = _counts(db_url)
    assert rows == keys == 60  # each message once
    assert new == 60  # and each counted new by exactly one of the processes
