"""Messages over the spool limit: read from disk once, big parts streamed, same result as in memory."""

from __future__ import annotations

import hashlib
import io
import json
import mailbox
import os
import sqlite3
from email.message import EmailMessage
from pathlib import Path

import pytest

from foi.mail import large
from foi.mail.parse import parse_message
from tests.conftest import sent_request
from tests.mail.test_inbox_cli import reply


def _big_reply(ref: str) -> EmailMessage:
    msg = reply("foi@trust.example", f"Re: [{ref}] documents", "Three documents attached.")
    msg.add_attachment(
        os.urandom(2_500_000), maintype="application", subtype="pdf", filename="scan.pdf"
    )
    msg.add_attachment(b"small one", maintype="application", subtype="pdf", filename="s.pdf")
    msg.add_attachment(
        "minutes = décision\n" * 120_000,
        subtype="plain",
        filename="minutes.txt",
        cte="quoted-printable",
    )
    return msg


def test_split_gives_the_parser_the_same_message(tmp_path: Path) -> None:
    raw = _big_reply("FOI-2026-0001").as_bytes()
    spool = tmp_path / "spool"
    spool.mkdir()
    found = large.split(io.BytesIO(raw), tempdir=str(spool))
    assert (found.sha256, found.size) == (hashlib.sha256(raw).hexdigest(), len(raw))
    assert len(found.skeleton) < 5000 and len(found.parts) == 2
    whole, skeleton = parse_message(raw), parse_message(found.skeleton)
    assert (skeleton.text, skeleton.subject) == (whole.text, whole.subject)
    for mine, theirs in zip(skeleton.attachments, whole.attachments, strict=True):
        part = found.part_for(mine.data)
        data = part.file.read() if part else mine.data
        assert (mine.filename, data) == (theirs.filename, theirs.data)
    assert list(spool.iterdir()) == []  # unnamed temporary files: nothing to leave behind
    found.close()


def _rows(db: Path) -> tuple:  # type: ignore[type-arg]
    with sqlite3.connect(db) as conn:
        return (
            sorted(conn.execute("SELECT dedupe_key, sha256, state, kind, summary FROM inbox")),
            sorted(conn.execute("SELECT sha256, size, filename, content_type FROM attachments")),
            sorted(conn.execute("SELECT sha256, size FROM blobs")),
        )


@pytest.mark.parametrize("kind", ["mbox", "eml"])
def test_spooled_import_stores_what_an_in_memory_import_stores(
    foi, isolated: Path, kind: str
) -> None:
    foi("init")
    ref = sent_request(foi, "RXX", "2026-11-02")
    msg = _big_reply(ref)
    if kind == "mbox":
        path = isolated / "replies.mbox"
        box = mailbox.mbox(str(path))
        box.add(reply("foi@trust.example", f"Re: [{ref}]", "a small one first"))
        box.add(msg)
        box.add(reply("foi@trust.example", f"Re: [{ref}] thanks", "and a small one after"))
        box.flush()
        box.close()
    else:
        path = isolated / "reply.eml"
        path.write_bytes(msg.as_bytes())
    db = isolated / "requests.db"
    copy = isolated / "copy.db"
    copy.write_bytes(db.read_bytes())
    spooled = foi(
        "inbox",
        "import",
        str(path),
        "--json",
        today="2026-12-04",
        env={"FOI_MAIL_SPOOL_BYTES": "100000"},
    )
    assert spooled.exit_code == 0, spooled.stderr
    in_memory = foi("inbox", "import", str(path), "--json", today="2026-12-04", db=str(copy))
    assert in_memory.exit_code == 0, in_memory.stderr
    assert _rows(db) == _rows(copy)
    assert foi("db", "check").exit_code == 0
    names = {a["filename"] for a in foi("request", "show", ref, "--json").json()["attachments"]}
    assert names == {"scan.pdf", "s.pdf", "minutes.txt"}


def test_a_spooled_attachment_over_the_limit_is_recorded_without_its_bytes(
    foi, isolated: Path
) -> None:
    foi("init")
    ref = sent_request(foi, "RXX", "2026-11-02")
    msg = _big_reply(ref)
    path = isolated / "reply.eml"
    path.write_bytes(msg.as_bytes())
    result = foi(
        "inbox",
        "import",
        str(path),
        "--json",
        today="2026-12-04",
        env={"FOI_MAIL_SPOOL_BYTES": "100000", "FOI_ATTACHMENT_MAX_BYTES": "2450000"},
    )
    assert result.exit_code == 0, result.stderr
    scan = next(p for p in msg.iter_attachments() if p.get_filename() == "scan.pdf")
    data = scan.get_content()
    with sqlite3.connect(isolated / "requests.db") as conn:
        import json

        summary = json.loads(conn.execute("SELECT summary FROM inbox").fetchone()[0])
        stored = {row[0] for row in conn.execute("SELECT sha256 FROM blobs")}
    assert summary["skipped_attachments"] == [
        {
            "filename": "scan.pdf",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "reason": f"{len(data)} bytes is over the 2450000-byte attachment limit",
        }
    ]
    assert hashlib.sha256(data).hexdigest() not in stored
    assert hashlib.sha256(msg.as_bytes()).hexdigest() in stored  # the raw message is whole
    assert foi("db", "check").exit_code == 0


def test_a_large_held_message_can_be_assigned(foi, isolated: Path) -> None:
    foi("init")
    ref = sent_request(foi, "RXX", "2026-11-02")
    msg = _big_reply("no reference here")
    path = isolated / "reply.eml"
    path.write_bytes(msg.as_bytes())
    data = foi(
        "inbox",
        "import",
        str(path),
        "--json",
        today="2026-12-04",
        env={"FOI_MAIL_SPOOL_BYTES": "100000"},
    ).json()
    assert data["held"] == 1
    assigned = foi("inbox", "assign", str(data["messages"][0]["inbox_id"]), ref, today="2026-12-04")
    assert assigned.exit_code == 0, assigned.stderr
    assert foi("request", "show", ref, "--json").json()["status"] == "needs-classification"


def test_a_1gb_message_with_mail_headers_is_imported_in_bounded_memory(isolated: Path) -> None:
    """Issue 23 item 7: headers, some text, then 1 GB (sparse) of body: spooled, never whole."""
    import subprocess
    import sys

    big = isolated / "huge.eml"
    with big.open("wb") as fh:
        fh.write(
            b"From: foi@trust.example\r\nTo: campaign@foi.test\r\nSubject: a huge reply\r\n"
            b"Message-ID: <huge@trust.example>\r\n\r\n"
        )
        fh.write(b"Dear campaign, the documents follow.\r\n" * 2000)  # past the 64 KB head check
        fh.truncate(1024**3)
    db = isolated / "foi.db"
    env = {**os.environ, "FOI_TODAY": "2026-12-01"}
    cmd = [sys.executable, "-m", "foi", "--db", str(db)]
    assert subprocess.run([*cmd, "init"], env=env, capture_output=True).returncode == 0
    # The child reports its own high-water mark (VmHWM) as it exits. Not wait4's ru_maxrss:
    # a child forked from a large pytest process carries the parent's peak across exec.
    hwm = isolated / "hwm"
    probe = (
        "import atexit, sys\n"
        "def hwm():\n"
        "    line = next(x for x in open('/proc/self/status') if x.startswith('VmHWM:'))\n"
        f"    open({str(hwm)!r}, 'w').write(line.split()[1])\n"
        "atexit.register(hwm)\n"
        "from foi.cli import main\n"
        "sys.argv = ['foi', *sys.argv[1:]]\n"
        "main()\n"
    )
    with (isolated / "out").open("wb") as out, (isolated / "err").open("wb") as err:
        done = subprocess.run(
            [sys.executable, "-c", probe, "--db", str(db), "inbox", "import", str(big), "--json"],
            env=env,
            stdout=out,
            stderr=err,
        )
    assert done.returncode == 0, (isolated / "err").read_text()
    peak = int(hwm.read_text()) * 1024  # kilobytes
    assert peak < 300 * 1024 * 1024, f"peak RSS {peak / 2**20:.0f} MB for a 1 GB message"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT size FROM blobs").fetchall() == [(1024**3,)]  # kept whole
    shown = subprocess.run(
        [*cmd, "inbox", "show", "1", "--json"], env=env, capture_output=True, check=True
    )
    data = json.loads(shown.stdout)
    assert data["subject"] == "a huge reply" and data["error"] is None
    assert data["text"].startswith("Dear campaign, the documents follow.")
