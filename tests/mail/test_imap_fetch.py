"""`foi inbox fetch` against a real Dovecot: exactly once, renumbering, kill -9, moving, errors.

The mail is real: replies, auto-replies and bounces from ../shared/testdata/mail and the
repository's tests/fixtures/mail, each given its own Message-ID so that every one delivered
is a distinct message (the corpus is smaller than the 200 the tests need).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from foi.mail.sources import iter_messages
from foi.store.engine import make_engine, resolve_url
from foi.store.models import ImapFolder, InboxMessage
from tests.conftest import REPO, empty_database, shared_path
from tests.mail.imapserver import Dovecot
from tests.smtpserver import free_port

FIXTURES = REPO / "tests" / "fixtures" / "mail"
TODAY = "2026-12-05"
_MID = re.compile(rb"^message-id:.*(?:\r?\n[ \t].*)*\r?\n", re.I | re.M)


def originals() -> list[bytes]:
    """Every message of the shared test mail and the repository's fixtures."""
    shared = shared_path("testdata", "mail")
    paths = [*sorted(p for p in shared.iterdir() if p.is_dir()), FIXTURES]
    found = [m.raw for m in iter_messages(paths)]
    assert len(found) > 80
    return found


def with_message_id(raw: bytes, mid: str) -> bytes:
    """The message with its Message-ID replaced (or added)."""
    split = re.search(rb"\r?\n\r?\n", raw)
    head, rest = (raw[: split.start()], raw[split.start() :]) if split else (raw, b"")
    head = _MID.sub(b"", head + b"\n").rstrip(b"\r\n")
    return f"Message-ID: <{mid}>\r\n".encode() + head + rest


def corpus(n: int, start: int = 0) -> list[bytes]:
    """`n` distinct real messages; the k-th has Message-ID <imap-k@foi.test>."""
    base = originals()
    return [
        with_message_id(base[k % len(base)], f"imap-{k}@foi.test") for k in range(start, start + n)
    ]


def rows(db: str) -> list[tuple[str | None, str]]:
    """(message_id, kind) of every imported message."""
    engine = make_engine(resolve_url(db))
    try:
        with engine.connect() as conn:
            return [
                (mid, kind)
                for mid, kind in conn.execute(select(InboxMessage.message_id, InboxMessage.kind))
            ]
    finally:
        engine.dispose()


def count(db: str) -> int:
    engine = make_engine(resolve_url(db))
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(InboxMessage)) or 0)
    finally:
        engine.dispose()


def ids(n: int, start: int = 0) -> set[str]:
    return {f"imap-{k}@foi.test" for k in range(start, start + n)}


def fetch(foi, db: str, server: Dovecot, *args: str, **env: str):  # type: ignore[no-untyped-def]
    return foi("inbox", "fetch", *args, db=db, today=TODAY, env={**server.env(), **env})


def test_200_fetched_once_then_only_the_new_20(foi, db_url: str, dovecot: Dovecot) -> None:
    dovecot.append(corpus(200))
    first = fetch(foi, db_url, dovecot, "--json")
    assert first.exit_code == 0, first.stderr
    data = first.json()
    keys = ("total", "matched", "held", "duplicates", "auto_replies", "bounces", "errors")
    assert data["total"] == 200 and data["duplicates"] == 0
    assert sum(data[k] for k in keys[1:]) == 200
    assert data["auto_replies"] > 0 and data["bounces"] > 0 and data["held"] > 0
    # The same summary keys as `foi inbox import --json`.
    assert set(keys) | {"messages"} <= set(data)
    stored = rows(db_url)
    assert len(stored) == 200 and {m for m, _ in stored} == ids(200)
    assert {"auto-reply", "bounce", "reply"} <= {k for _, k in stored}

    again = fetch(foi, db_url, dovecot, "--json")
    assert again.exit_code == 0, again.stderr
    assert again.json()["total"] == 0 and again.json()["messages"] == []
    assert count(db_url) == 200

    dovecot.append(corpus(20, start=200))
    later = fetch(foi, db_url, dovecot, "--json").json()
    assert later["total"] == 20 and later["duplicates"] == 0
    assert {m["message_id"] for m in later["messages"]} == ids(20, start=200)
    assert {m for m, _ in rows(db_url)} == ids(220)
    assert dovecot.count() == 220  # nothing moved or deleted without --move-to

    plain = fetch(foi, db_url, dovecot)
    assert plain.exit_code == 0
    assert plain.stdout.startswith("0 new in INBOX: 0 matched")


def test_a_uidvalidity_reset_doubles_nothing(foi, db_url: str, dovecot: Dovecot) -> None:
    dovecot.create("Replies")
    dovecot.append(corpus(30), folder="Replies")
    before = dovecot.uidvalidity("Replies")
    first = fetch(foi, db_url, dovecot, "--json", FOI_IMAP_FOLDER="Replies").json()
    assert first["total"] == 30 and first["renumbered"] is False
    # The folder is recreated: same mail, new numbers (as after a server migration).
    dovecot.delete("Replies")
    dovecot.create("Replies")
    dovecot.append(corpus(35), folder="Replies")
    assert dovecot.uidvalidity("Replies") != before
    again = fetch(foi, db_url, dovecot, "--json", FOI_IMAP_FOLDER="Replies")
    assert again.exit_code == 0, again.stderr
    data = again.json()
    assert data["renumbered"] is True
    assert data["duplicates"] == 30 and data["total"] == 35
    assert {m["message_id"] for m in data["messages"] if m["category"] != "duplicates"} == {
        "imap-30@foi.test",
        "imap-31@foi.test",
        "imap-32@foi.test",
        "imap-33@foi.test",
        "imap-34@foi.test",
    }
    assert len(rows(db_url)) == 35 and {m for m, _ in rows(db_url)} == ids(35)
    said = fetch(foi, db_url, dovecot, FOI_IMAP_FOLDER="Replies")
    assert said.stdout.startswith("0 new in Replies")


def _proc_env(db: str, server: Dovecot) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOI_")}
    env.update(server.env(), FOI_DATABASE_URL=db, FOI_TODAY=TODAY)
    return env


# The fetch, run as `python -m foi` would, that kills itself with SIGKILL as soon as a batch
# commit takes it to 40 messages or more: the kill lands at the same point however fast the
# machine is (polling the database from outside raced a fast import).
_SELF_KILLING_FETCH = """
import os, signal, sys
from foi.cli import inbox_cmd, main
_update = inbox_cmd._Bar.update
def update(self, done, total):
    _update(self, done, total)
    if done >= 40:
        os.kill(os.getpid(), signal.SIGKILL)
inbox_cmd._Bar.update = update
sys.argv = ["foi", *sys.argv[1:]]
main()
"""


def _kill_mid_fetch(db: str, server: Dovecot, *args: str) -> int:
    """Run `foi inbox fetch` in a child that is killed -9 once some batches are committed."""
    proc = subprocess.run(
        [sys.executable, "-c", _SELF_KILLING_FETCH, "inbox", "fetch", "--batch", "5", *args],
        cwd=REPO,
        env=_proc_env(db, server),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=120,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode(errors="replace")
    return count(db)


def test_kill_9_mid_fetch_then_rerun_loses_and_doubles_nothing(
    foi, db_url: str, dovecot: Dovecot
) -> None:
    dovecot.append(corpus(200))
    committed = _kill_mid_fetch(db_url, dovecot)
    assert 40 <= committed < 200, "the kill came too late to prove anything"
    assert {m for m, _ in rows(db_url)} <= ids(200)
    rerun = fetch(foi, db_url, dovecot, "--json")
    assert rerun.exit_code == 0, rerun.stderr
    data = rerun.json()
    assert data["total"] == 200 - committed and data["duplicates"] == 0
    stored = rows(db_url)
    assert len(stored) == 200 and {m for m, _ in stored} == ids(200)
    assert fetch(foi, db_url, dovecot, "--json").json()["total"] == 0


def test_move_to_moves_only_committed_messages(foi, db_url: str, dovecot: Dovecot) -> None:
    dovecot.append(corpus(200))
    dovecot.create("Imported")
    committed = _kill_mid_fetch(db_url, dovecot, "--move-to", "Imported")
    assert committed < 200
    moved = dovecot.count("Imported")
    # Only what was committed has left the inbox (the last batch may await its move).
    assert moved <= committed and moved + dovecot.count() == 200
    imported = set(_message_ids(dovecot, "Imported"))
    assert imported <= {m for m, _ in rows(db_url)}
    rerun = fetch(foi, db_url, dovecot, "--move-to", "Imported", "--json")
    assert rerun.exit_code == 0, rerun.stderr
    assert rerun.json()["total"] == 200 - committed
    assert dovecot.count() == 0 and dovecot.count("Imported") == 200
    assert set(_message_ids(dovecot, "Imported")) == ids(200) == {m for m, _ in rows(db_url)}


def test_move_to_a_missing_folder_is_refused_before_anything(
    foi, db_url: str, dovecot: Dovecot
) -> None:
    dovecot.append(corpus(3))
    result = fetch(foi, db_url, dovecot, "--move-to", "Nowhere")
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert "IMAP folder 'Nowhere' does not exist" in result.stderr and "INBOX" in result.stderr
    assert dovecot.count() == 3


def _message_ids(server: Dovecot, folder: str) -> list[str]:
    with server.client() as c:
        c.select(f'"{folder}"', readonly=True)
        typ, data = c.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        assert typ == "OK"
    found = []
    for item in data:
        if isinstance(item, tuple):
            m = re.search(rb"<([^>]+)>", item[1])
            if m:
                found.append(m.group(1).decode())
    return found


def test_since_skips_older_mail_for_good(foi, db_url: str, dovecot: Dovecot) -> None:
    old, new = corpus(4), corpus(3, start=4)
    with dovecot.client() as c:
        for raw in old:
            c.append("INBOX", "", '"01-Oct-2026 10:00:00 +0000"', raw)
        for raw in new:
            c.append("INBOX", "", '"02-Dec-2026 10:00:00 +0000"', raw)
    first = fetch(foi, db_url, dovecot, "--since", "2026-12-01", "--json").json()
    assert first["total"] == 3 and {m["message_id"] for m in first["messages"]} == ids(3, 4)
    # Passed over, not postponed: a later fetch without --since does not read them either.
    assert fetch(foi, db_url, dovecot, "--json").json()["total"] == 0
    bad = fetch(foi, db_url, dovecot, "--since", "yesterday")
    assert bad.exit_code == 2


def test_a_refused_login_is_one_line_and_exit_6(foi, db_url: str, dovecot: Dovecot) -> None:
    dovecot.append(corpus(2))
    result = fetch(foi, db_url, dovecot, FOI_IMAP_PASSWORD="not-the-password")
    assert result.exit_code == 6
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"foi: error: IMAP login refused for {dovecot.user} at ")
    assert "check FOI_IMAP_USER and FOI_IMAP_PASSWORD" in result.stderr
    assert "not-the-password" not in result.stderr and "Traceback" not in result.stderr


def test_a_missing_folder_is_not_found(foi, db_url: str, dovecot: Dovecot) -> None:
    result = fetch(foi, db_url, dovecot, "--folder", "Repiles")
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert "IMAP folder 'Repiles' does not exist" in result.stderr


def test_settings_are_checked_before_connecting(foi, isolated: Path) -> None:
    missing = foi("inbox", "fetch", env={"FOI_IMAP_HOST": "127.0.0.1"})
    assert missing.exit_code == 6
    assert "needs FOI_IMAP_USER, FOI_IMAP_PASSWORD" in missing.stderr
    remote = foi(
        "inbox", "fetch",
        env={"FOI_IMAP_HOST": "imap.example.org", "FOI_IMAP_USER": "u",
             "FOI_IMAP_PASSWORD": "pw", "FOI_IMAP_SECURITY": "none"},
    )  # fmt: skip
    assert remote.exit_code == 6
    assert "FOI_IMAP_SECURITY=none sends the password in clear" in remote.stderr
    wrong = foi("inbox", "fetch", env={"FOI_IMAP_SECURITY": "tls"})
    assert wrong.exit_code == 6 and "must be one of none, starttls, ssl" in wrong.stderr


def test_the_password_in_a_readable_config_file_is_refused(foi, isolated: Path) -> None:
    config = isolated / "foi.toml"
    config.write_text('[imap]\nhost = "127.0.0.1"\nuser = "u"\npassword = "pw"\n')
    config.chmod(0o644)
    result = foi("inbox", "fetch")
    assert result.exit_code == 6
    assert "holds the IMAP password but others can read it" in result.stderr
    assert "pw" not in result.stderr.replace("password", "")
    config.chmod(0o600)
    from foi.config import load_settings

    settings = load_settings()
    assert (settings.imap_host, settings.imap_user, settings.imap_security) == (
        "127.0.0.1",
        "u",
        "ssl",
    )
    assert "pw" not in repr(settings)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A server that greets like IMAP and then drops every connection."""
    port = free_port()
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen()
    stop = threading.Event()

    def serve() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.sendall(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n")
                conn.recv(1024)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        stop.set()
        thread.join(timeout=5)
        sock.close()


def test_a_dropped_or_refused_connection_is_one_line(foi, silent_server: int) -> None:
    empty_database()  # ./requests.db: the connection fails, not the database
    base = {"FOI_IMAP_HOST": "127.0.0.1", "FOI_IMAP_USER": "u", "FOI_IMAP_PASSWORD": "pw"}
    dropped = foi(
        "inbox", "fetch",
        env={**base, "FOI_IMAP_PORT": str(silent_server), "FOI_IMAP_SECURITY": "none"},
    )  # fmt: skip
    assert dropped.exit_code == 8
    assert dropped.stderr.count("\n") == 1
    assert "connection to IMAP server 127.0.0.1:" in dropped.stderr and "lost" in dropped.stderr
    refused = foi(
        "inbox", "fetch",
        env={**base, "FOI_IMAP_PORT": str(free_port()), "FOI_IMAP_SECURITY": "none"},
    )  # fmt: skip
    assert refused.exit_code == 8
    assert "connection refused" in refused.stderr and refused.stderr.count("\n") == 1


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_with_a_self_signed_certificate(
    foi, db_url: str, dovecot_tls: Dovecot, security: str
) -> None:
    dovecot_tls.append(corpus(3))
    env = {**dovecot_tls.env(security), "SSL_CERT_FILE": "/nonexistent"}
    untrusted = foi("inbox", "fetch", db=db_url, env=env)
    assert untrusted.exit_code == 8
    assert untrusted.stderr.count("\n") == 1
    assert "its certificate is not trusted" in untrusted.stderr
    assert "self-signed certificate" in untrusted.stderr
    assert dovecot_tls.cert is not None
    trusted = foi(
        "inbox", "fetch", "--json", db=db_url,
        env={**dovecot_tls.env(security), "SSL_CERT_FILE": str(dovecot_tls.cert)},
    )  # fmt: skip
    assert trusted.exit_code == 0, trusted.stderr
    assert trusted.json()["total"] == 3


def test_status_says_when_the_mailbox_was_last_read(foi, db_url: str, dovecot: Dovecot) -> None:
    before = foi("status", "--json", db=db_url, today=TODAY).json()
    assert before["mailbox_read_at"] is None
    dovecot.append(corpus(2))
    assert fetch(foi, db_url, dovecot).exit_code == 0
    after = foi("status", "--json", db=db_url, today=TODAY).json()
    assert after["mailbox_read_at"] is not None
    line = foi("status", db=db_url, today=TODAY).stdout
    assert "mailbox read " in line
    engine = make_engine(resolve_url(db_url))
    try:
        with engine.connect() as conn:
            (row,) = conn.execute(select(ImapFolder.folder, ImapFolder.last_uid)).all()
    finally:
        engine.dispose()
    assert tuple(row) == ("INBOX", 2)


def test_starttls_is_required_when_asked_for(foi, dovecot: Dovecot) -> None:
    empty_database()
    # This Dovecot has no certificate, so it offers no STARTTLS: never fall back to plain.
    result = foi("inbox", "fetch", env=dovecot.env("starttls"))
    assert result.exit_code == 8
    assert "does not offer STARTTLS" in result.stderr and result.stderr.count("\n") == 1


def test_imap_helpers() -> None:
    from datetime import date

    from foi.mail.imap import imap_date, is_loopback, quote_folder, uid_set

    assert uid_set([7, 1, 2, 3, 9, 10]) == "1:3,7,9:10"
    assert imap_date(date(2026, 12, 5)) == "5-Dec-2026"
    assert quote_folder('Re "FOI"') == '"Re \\"FOI\\""'
    assert [is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "10.0.0.1", "imap.x")] == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_messages_saved_but_not_moved_are_moved_by_the_next_fetch(
    db_url: str, dovecot: Dovecot, isolated: Path
) -> None:
    from datetime import UTC, date, datetime

    from foi.config import load_settings
    from foi.errors import MailboxError
    from foi.mail.fetch import fetch_new
    from foi.mail.imap import ImapMailbox, imap_config
    from foi.store.engine import ensure_schema

    class Flaky(ImapMailbox):
        """The connection drops when the first batch is to be moved (after its commit)."""

        def move(self, uids, folder):  # type: ignore[no-untyped-def]
            raise MailboxError("connection lost while moving")

    dovecot.append(corpus(12))
    dovecot.create("Imported")
    config = imap_config(load_settings(env=dovecot.env()))
    url = resolve_url(db_url)
    engine = make_engine(url)
    ensure_schema(engine, url, create=True)
    kw = dict(
        folder="INBOX",
        today=date(2026, 12, 5),
        now=datetime(2026, 12, 5, 9, tzinfo=UTC),
        own_addresses=[],
        max_attachment_bytes=1 << 20,
        move_to="Imported",
        batch_size=5,
    )
    try:
        with Flaky(config) as mailbox, pytest.raises(MailboxError):
            fetch_new(engine, mailbox, **kw)  # type: ignore[arg-type]
        assert count(db_url) == 5 and dovecot.count("Imported") == 0
        with ImapMailbox(config) as mailbox:
            result = fetch_new(engine, mailbox, **kw)  # type: ignore[arg-type]
    finally:
        engine.dispose()
    assert result.summary.total == 7 and result.moved == 12
    assert dovecot.count() == 0 and set(_message_ids(dovecot, "Imported")) == ids(12)


def test_the_progress_bar_shows_only_on_a_terminal(db_url: str, dovecot: Dovecot) -> None:
    import pty

    dovecot.append(corpus(30))
    env = _proc_env(db_url, dovecot)
    argv = [sys.executable, "-m", "foi", "inbox", "fetch", "--batch", "5"]
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        out, _ = proc.communicate(timeout=60)
    finally:
        os.close(master)
    assert proc.returncode == 0
    assert b"reading the mailbox" in seen  # rich's bar, drawn on the terminal
    assert out.decode().startswith("30 new in INBOX")
    dovecot.append(corpus(3, start=30))
    piped = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0 and "reading the mailbox" not in piped.stderr
    assert piped.stdout.startswith("3 new in INBOX")


def test_batches_are_bounded_by_bytes(db_url: str, dovecot: Dovecot, isolated: Path) -> None:
    from datetime import UTC, date, datetime

    from foi.config import load_settings
    from foi.mail.fetch import fetch_new
    from foi.mail.imap import ImapMailbox, imap_config
    from foi.store.engine import ensure_schema

    messages = corpus(9)
    dovecot.append(messages)
    config = imap_config(load_settings(env=dovecot.env()))
    url = resolve_url(db_url)
    engine = make_engine(url)
    ensure_schema(engine, url, create=True)
    seen: list[tuple[int, int]] = []
    try:
        with ImapMailbox(config) as mailbox:
            sizes = mailbox.sizes([1, 2, 3]) if mailbox.open("INBOX") else {}
            result = fetch_new(
                engine,
                mailbox,
                folder="INBOX",
                today=date(2026, 12, 5),
                now=datetime(2026, 12, 5, 9, tzinfo=UTC),
                own_addresses=[],
                max_attachment_bytes=1 << 20,
                batch_size=4,
                batch_bytes=1,  # every message is larger: each goes alone
                progress=lambda done, total: seen.append((done, total)),
            )
    finally:
        engine.dispose()
    assert result.summary.total == 9 and count(db_url) == 9
    assert sorted(sizes) == [1, 2, 3] and all(n > 0 for n in sizes.values())
    assert seen == [(n, 9) for n in range(10)]
