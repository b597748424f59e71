"""Issue 23 items 2 and 6 against a real Dovecot: --since never loses mail for good, and a
message over the spool limit is streamed to a file, not held in memory whole."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_errors_cli import one_line_error
from tests.mail.imapserver import Dovecot
from tests.mail.test_concurrent_import import corpus
from tests.mail.test_imap_fetch import TODAY, fetch, ids, rows


def test_a_future_since_is_refused_and_records_nothing(foi, db_url: str, dovecot: Dovecot) -> None:
    dovecot.append(corpus(3))
    line = one_line_error(fetch(foi, db_url, dovecot, "--since", "2027-12-01"), 2)
    assert "in the future" in line
    assert one_line_error(fetch(foi, db_url, dovecot, "--since", "2026-12-06"), 2)  # tomorrow
    later = fetch(foi, db_url, dovecot, "--json")
    assert later.exit_code == 0 and later.json()["total"] == 3


def test_mail_a_filter_skipped_is_read_by_the_next_fetch(
    foi, db_url: str, dovecot: Dovecot
) -> None:
    # Every message arrived before --since: nothing is imported, and the stored UID must not
    # pass them, or no later fetch would ever read them.
    with dovecot.client() as c:
        for raw in corpus(4):
            c.append("INBOX", "", '"01-Oct-2026 10:00:00 +0000"', raw)
    first = fetch(foi, db_url, dovecot, "--since", TODAY, "--json")
    assert first.exit_code == 0 and first.json()["total"] == 0
    assert first.json()["last_uid"] == 0
    later = fetch(foi, db_url, dovecot, "--json")
    assert later.json()["total"] == 4 and {m for m, _ in rows(db_url)} == ids(4)


def test_a_message_over_the_spool_limit_is_streamed(
    foi, db_url: str, dovecot: Dovecot, isolated: Path
) -> None:
    big = corpus(3)
    dovecot.append(big)
    # A spool limit of 1 KB sends every one of these through the temporary-file path.
    result = fetch(foi, db_url, dovecot, "--json", FOI_MAIL_SPOOL_BYTES="1024")
    assert result.exit_code == 0, result.stderr
    assert result.json()["total"] == 3 and {m for m, _ in rows(db_url)} == ids(3)
    for n, raw in enumerate(big, 1):
        shown = foi("inbox", "show", str(n), "--json", db=db_url).json()
        import hashlib

        assert shown["sha256"] == hashlib.sha256(_as_dovecot_keeps(raw)).hexdigest()


def test_the_spooling_reader_streams_big_literals(dovecot: Dovecot) -> None:
    """The mailbox hands a literal over the limit on as a file, byte for byte."""
    from foi.config import load_settings
    from foi.mail.imap import ImapMailbox, imap_config

    raw = corpus(1)[0]
    dovecot.append([raw])
    config = imap_config(load_settings(dovecot.env()))
    with ImapMailbox(config, spool_bytes=100) as mailbox:
        mailbox.open("INBOX")
        [got] = mailbox.fetch(mailbox.uids())
    assert got.raw == b"" and got.spool is not None
    import hashlib

    stored = got.spool.read()
    assert len(stored) > 100
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(_as_dovecot_keeps(raw)).hexdigest()


def _as_dovecot_keeps(raw: bytes) -> bytes:
    """IMAP sends a message with CRLF line ends, whatever it was appended with."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
