"""Evidence travels with the database: shared by a team, whole after a kill or a full disk,
backed up and restored in one file, and kept when a Message-ID is reused."""

from __future__ import annotations

import hashlib
import mailbox
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from foi.evidence import blobs
from tests.conftest import REPO, sent_request
from tests.mail.test_inbox_cli import reply

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"  # binary, not valid UTF-8


@contextmanager
def opened(url: str) -> Iterator[Session]:
    """A session on a database, as another program (or another volunteer's foi) opens it."""
    from foi.store.engine import make_engine, resolve_url, session_scope

    engine = make_engine(resolve_url(url))
    try:
        with session_scope(engine) as s:
            yield s
    finally:
        engine.dispose()


def _refusal(ref: str, n: int = 0, pdf: bytes = PDF) -> EmailMessage:
    msg = reply("foi@trust.example", f"Re: [{ref}] your request", f"Please find attached ({n}).")
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=f"refusal-{n}.pdf")
    return msg


def _mbox(path: Path, messages: list[EmailMessage]) -> Path:
    box = mailbox.mbox(str(path))
    for m in messages:
        box.add(m)
    box.flush()
    box.close()
    return path


def _new_request(run) -> str:  # type: ignore[no-untyped-def]
    """A request to RXX sent on 2 November 2026, made with the given runner."""
    made = run(
        "request", "new", "--body", "RXX", "--title", "SIM", "--sent-on", "2026-11-02", "--json"
    )
    assert made.exit_code == 0, made.stderr
    return str(made.json()["reference"])


def _subprocess_env(isolated: Path, db: str) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("FOI_")},
        "FOI_TODAY": "2026-12-04",
        "HOME": str(isolated / "home"),
        "FOI_DATABASE_URL": db,
    }


# Runs foi in a child that SIGKILLs itself when it is about to write its Nth piece of
# evidence: a real kill -9, landing at the same place every run.
KILLED_AT = """
import os, signal, sys
from foi.evidence import blobs
count = 0
def hook(piece):
    global count
    count += 1
    if count == int(os.environ["KILL_AT_PIECE"]):
        os.kill(os.getpid(), signal.SIGKILL)
blobs.fault_hook = hook
from foi.cli import app
sys.argv = ["foi", *sys.argv[1:]]
sys.exit(app())
"""


def run_killed(
    args: list[str], env: dict[str, str], at_piece: int, cwd: Path = REPO
) -> subprocess.CompletedProcess[str]:
    """Run foi ARGS in a child that kills itself (SIGKILL) at its Nth piece of evidence."""
    return subprocess.run(
        [sys.executable, "-c", KILLED_AT, *args],
        cwd=cwd,
        env={**env, "KILL_AT_PIECE": str(at_piece)},
        capture_output=True,
        text=True,
    )


def test_two_volunteers_share_evidence(
    foi, db_url: str, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each volunteer has their own working folder and HOME; only the database is shared.
    folders = {}
    for who in ("a", "b"):
        folders[who] = isolated.parent / f"volunteer-{who}"
        (folders[who] / "home").mkdir(parents=True)

    def as_(who: str, *args: str):  # type: ignore[no-untyped-def]
        monkeypatch.chdir(folders[who])
        return foi(*args, db=db_url, env={"HOME": str(folders[who] / "home")}, today="2026-12-04")

    assert as_("a", "init").exit_code == 0
    ref = _new_request(lambda *a: as_("a", *a))
    mail = _mbox(folders["a"] / "reply.mbox", [_refusal(ref)])
    imported = as_("a", "inbox", "import", str(mail), "--json")
    assert imported.exit_code == 0, imported.stderr
    inbox_id = imported.json()["messages"][0]["inbox_id"]
    assert not any(p.name.endswith("-files") for p in folders["a"].rglob("*"))

    shown = as_("b", "inbox", "show", str(inbox_id), "--json")
    assert shown.exit_code == 0, shown.stderr
    attachment = shown.json()["attachments"][0]
    assert attachment["sha256"] == hashlib.sha256(PDF).hexdigest()
    # B saves the attachment and the raw message from B's own folder.
    monkeypatch.chdir(folders["b"])
    monkeypatch.setenv("HOME", str(folders["b"] / "home"))
    with opened(db_url) as s:
        saved = blobs.export_blob(
            s, attachment["sha256"], folders["b"] / "saved", attachment["filename"]
        )
        raw = blobs.read_blob(s, shown.json()["sha256"])
    assert saved == folders["b"] / "saved" / "refusal-0.pdf"
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == attachment["sha256"]
    assert b'filename="refusal-0.pdf"' in raw
    assert hashlib.sha256(raw).hexdigest() == shown.json()["sha256"]
    checked = as_("b", "db", "check")
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    assert "every message and attachment has its file" in checked.stdout


def test_kill_mid_import_then_rerun_leaves_evidence_whole(foi, db_url: str, isolated: Path) -> None:
    run = lambda *a: foi(*a, db=db_url, today="2026-12-04")  # noqa: E731
    run("init")
    ref = _new_request(run)
    # Attachments bigger than one piece, so the kill lands inside a blob.
    big = os.urandom(blobs.CHUNK_SIZE + 5000)
    messages = [_refusal(ref, n, pdf=big[n:] + bytes([n])) for n in range(6)]
    box = _mbox(isolated / "replies.mbox", messages)
    env = _subprocess_env(isolated, db_url)
    assert run_killed(["inbox", "import", str(box)], env, at_piece=7).returncode == -9
    with opened(db_url) as s:
        assert blobs.check(s) == []  # nothing half-written: the batch rolled back whole
    rerun = subprocess.run(
        [sys.executable, "-m", "foi", "inbox", "import", str(box), "--json"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout and '"matched": 6' in rerun.stdout
    checked = run("db", "check")
    assert checked.exit_code == 0, checked.stdout
    shown = run("request", "show", ref, "--json").json()
    assert len(shown["attachments"]) == 6


@pytest.mark.parametrize("how", ["sqlite-full", "fault-hook"])
def test_full_disk_mid_import_then_rerun(
    foi, db_url: str, isolated: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "sqlite-full" and not db_url.endswith(".db"):
        pytest.skip("SQLite's page limit simulates a full disk on SQLite only")
    run = lambda *a: foi(*a, db=db_url, today="2026-12-04")  # noqa: E731
    run("init")
    ref = _new_request(run)
    messages = [_refusal(ref, n, pdf=os.urandom(300_000)) for n in range(8)]
    box = _mbox(isolated / "replies.mbox", messages)
    if how == "sqlite-full":
        # A real SQLITE_FULL ("database or disk is full"): the file may not grow past
        # its size now plus about 1 MB.
        from sqlalchemy import event

        from foi.store import engine as db

        pages = sqlite3.connect(isolated / "requests.db").execute("PRAGMA page_count").fetchone()
        real = db.make_engine

        def small_disk(url):  # type: ignore[no-untyped-def]
            engine = real(url)

            @event.listens_for(engine, "connect")
            def _limit(conn, _rec):  # type: ignore[no-untyped-def]
                conn.execute(f"PRAGMA max_page_count={pages[0] + 250}")

            return engine

        monkeypatch.setattr(db, "make_engine", small_disk)
    else:
        written = []

        def full(piece: bytes) -> None:
            written.append(piece)
            if len(written) > 3:
                raise OSError(28, "No space left on device")

        monkeypatch.setattr(blobs, "fault_hook", full)
    failed = run("inbox", "import", str(box))
    assert failed.exit_code != 0
    assert "full" in failed.stderr or "No space left" in failed.stderr
    monkeypatch.undo()  # space freed
    with opened(db_url) as s:
        assert blobs.check(s) == []  # no blob without its row, no row without its blob
    again = run("inbox", "import", str(box), "--json")
    assert again.exit_code == 0, again.stderr
    assert again.json()["matched"] == 8
    assert run("db", "check").exit_code == 0


def test_backup_then_restore_into_a_fresh_folder(foi, isolated: Path) -> None:
    foi("init")
    ref = sent_request(foi, "RXX", "2026-11-02")
    pdfs = [os.urandom(blobs.CHUNK_SIZE + n) for n in range(3)]
    box = _mbox(isolated / "r.mbox", [_refusal(ref, n, pdf=p) for n, p in enumerate(pdfs)])
    assert foi("inbox", "import", str(box), today="2026-12-04").exit_code == 0
    backup = isolated / "backups" / "foi.db"
    backup.parent.mkdir()
    made = foi("db", "backup", str(backup))
    assert made.exit_code == 0, made.stderr
    assert oct(backup.stat().st_mode & 0o777) == "0o600"

    fresh = isolated.parent / "elsewhere"
    fresh.mkdir()
    target = fresh / "restored.db"
    target.write_bytes(b"an older copy")
    refused = foi("db", "restore", str(backup), db=str(target))
    assert refused.exit_code == 4 and "--force" in refused.stderr
    assert target.read_bytes() == b"an older copy"
    restored = foi("db", "restore", str(backup), "--force", db=str(target))
    assert restored.exit_code == 0, restored.stderr
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert not list(fresh.glob(".*.tmp"))
    os.chdir(fresh)
    assert foi("db", "check", db=str(target)).exit_code == 0
    shown = foi("request", "show", ref, "--json", db=str(target)).json()
    assert len(shown["attachments"]) == 3
    with opened(str(target)) as s:
        for n, att in enumerate(sorted(shown["attachments"], key=lambda a: a["filename"])):
            out = blobs.export_blob(s, att["sha256"], fresh / "out", att["filename"])
            assert out.read_bytes() == pdfs[n]


def test_restore_refuses_what_is_not_a_foi_backup(foi, isolated: Path) -> None:
    junk = isolated / "junk.db"
    junk.write_bytes(b"not sqlite at all" * 100)
    result = foi("db", "restore", str(junk), "--force")
    assert result.exit_code == 5 and "not a foi database" in result.stderr
    assert not (isolated / "requests.db").exists()
    missing = foi("db", "restore", str(isolated / "nope.db"))
    assert missing.exit_code == 2


def test_same_message_id_with_different_content_is_kept_and_flagged(
    foi, db_url: str, isolated: Path
) -> None:
    run = lambda *a: foi(*a, db=db_url, today="2026-12-04")  # noqa: E731
    run("init")
    ref = _new_request(run)
    first = _refusal(ref, 1, pdf=b"%PDF first version")
    second = _refusal(ref, 2, pdf=b"%PDF corrected version")
    del second["Message-ID"]
    second["Message-ID"] = first["Message-ID"]
    box = _mbox(isolated / "two.mbox", [first, second])
    data = run("inbox", "import", str(box), "--json").json()
    assert (data["total"], data["matched"], data["duplicates"]) == (2, 2, 0)
    flagged = data["messages"][1]
    assert flagged["same_message_id_as"] == data["messages"][0]["inbox_id"]
    shown = run("inbox", "show", str(flagged["inbox_id"]))
    assert "same Message-ID as inbox message" in shown.stdout
    names = [a["filename"] for a in run("request", "show", ref, "--json").json()["attachments"]]
    assert sorted(names) == ["refusal-1.pdf", "refusal-2.pdf"]
    again = run("inbox", "import", str(box), "--json").json()
    assert (again["total"], again["duplicates"]) == (2, 2)  # identical bytes: duplicates
    assert run("db", "check").exit_code == 0  # and no blob was left unreferenced


def test_over_limit_attachment_recorded_without_bytes(foi, isolated: Path) -> None:
    foi("init")
    ref = sent_request(foi, "RXX", "2026-11-02")
    big = b"B" * 5000
    box = _mbox(isolated / "a.mbox", [_refusal(ref, 1, pdf=big)])
    result = foi(
        "inbox",
        "import",
        str(box),
        "--json",
        env={"FOI_ATTACHMENT_MAX_BYTES": "1000"},
        today="2026-12-04",
    )
    inbox_id = result.json()["messages"][0]["inbox_id"]
    with opened(str(isolated / "requests.db")) as s:
        from foi.store.models import InboxMessage

        skipped = s.get(InboxMessage, inbox_id).summary["skipped_attachments"]  # type: ignore[union-attr]
        assert skipped == [
            {
                "filename": "refusal-1.pdf",
                "size": 5000,
                "sha256": hashlib.sha256(big).hexdigest(),
                "reason": "5000 bytes is over the 1000-byte attachment limit",
            }
        ]
        assert not blobs.exists(s, hashlib.sha256(big).hexdigest())
    assert foi("db", "check").exit_code == 0


def test_stale_temporary_files_are_removed_by_the_next_run(foi, isolated: Path) -> None:
    foi("init")
    folder = isolated / "backups"
    folder.mkdir()
    stale = folder / ".foi.db.k1ll3d.tmp"  # what a killed backup leaves
    fresh = folder / ".other.db.running.tmp"  # a backup in progress right now
    stale.write_bytes(b"half a backup")
    fresh.write_bytes(b"in progress")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    assert foi("db", "backup", str(folder / "foi.db")).exit_code == 0
    assert not stale.exists() and fresh.exists()
    stale_restore = isolated / ".requests.db.x.tmp"
    stale_restore.write_bytes(b"half a restore")
    os.utime(stale_restore, (old, old))
    assert foi("db", "restore", str(folder / "foi.db"), "--force").exit_code == 0
    assert not stale_restore.exists()


def test_check_names_unreferenced_files_and_removes_them_when_asked(foi, db_url: str) -> None:
    assert foi("init", db=db_url).exit_code == 0
    with opened(db_url) as s:
        orphan = blobs.put_bytes(s, b"written, then its row was never kept")
    checked = foi("db", "check", db=db_url)
    assert checked.exit_code == 1
    assert f"blob {orphan} (36 bytes) is referred to by nothing" in checked.stdout
    assert "'foi db check --remove-unreferenced'" in checked.stderr
    removed = foi("db", "check", "--remove-unreferenced", db=db_url)
    assert removed.exit_code == 0, removed.stderr
    assert removed.stdout.splitlines()[0] == (
        f"removed blob {orphan} (36 bytes): nothing referred to it"
    )
    with opened(db_url) as s:
        assert not blobs.exists(s, orphan)
    assert foi("db", "check", db=db_url).exit_code == 0


def test_unreferenced_files_are_kept_while_a_reference_is_broken(foi, isolated: Path) -> None:
    # The file a broken reference wants may be the unreferenced one: remove nothing then.
    assert foi("init").exit_code == 0
    db_url = str(isolated / "requests.db")
    with opened(db_url) as s:
        orphan = blobs.put_bytes(s, b"perhaps the file the attachment wanted")
        s.execute(
            text(
                "INSERT INTO attachments (sha256, size, filename, created_at, publishable) "
                "VALUES (:sha, 3, 'gone.pdf', '2026-12-01 00:00:00', 0)"
            ),
            {"sha": "c" * 64},
        )
    refused = foi("db", "check", "--remove-unreferenced")
    assert refused.exit_code == 2
    assert (
        "refer to files that are not stored" in refused.stderr
        and "nothing removed" in refused.stderr
    )
    with opened(db_url) as s:
        assert blobs.exists(s, orphan)
