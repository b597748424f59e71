"""Tests for foi.mail.sources: .eml files, mbox, Maildir, folders of .eml, and errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from foi.mail.parse import parse_message
from foi.mail.sources import (
    MailSourceError,
    RawMessage,
    count_messages,
    detect_kind,
    iter_messages,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "mail"
MBOX = FIXTURES / "replies.mbox"
MAILDIR = FIXTURES / "Maildir"
FOLDER = FIXTURES / "eml-folder"


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (FIXTURES / "html-only.eml", "eml"),
        (MBOX, "mbox"),
        (MAILDIR, "maildir"),
        (FOLDER, "folder"),
    ],
)
def test_detect_kind(path: Path, kind: str) -> None:
    assert detect_kind(path) == kind


def test_single_eml_is_returned_byte_for_byte() -> None:
    path = FIXTURES / "nhs-reply-attachments.eml"
    assert list(iter_messages([path])) == [RawMessage(str(path), path.read_bytes())]
    assert count_messages([path]) == 1


def test_mbox_messages_in_file_order_exactly_as_stored() -> None:
    messages = list(iter_messages([MBOX]))
    assert [m.source for m in messages] == [f"{MBOX}#{n}" for n in (1, 2, 3, 4)]
    # The envelope line and the separating blank line are dropped; the rest is the stored bytes.
    assert messages[0].raw == (FIXTURES / "out-of-office.eml").read_bytes()
    assert messages[1].raw == (FIXTURES / "nhs-acknowledgement.eml").read_bytes()
    assert messages[2].raw == (FIXTURES / "dsn-bounce.eml").read_bytes()
    last = messages[3].raw.decode()
    # An unescaped body line starting "From " without an envelope's time and year is no split;
    # ">From " quoting is kept as stored.
    assert "\nFrom 1 April 2026 the council" in last
    assert '\n>From the minutes: "agreed unanimously".\n' in last
    assert last.endswith("Oldtown Council\n")
    assert count_messages([MBOX]) == 4
    kinds = [parse_message(m.raw).kind for m in messages]
    assert kinds == ["auto-reply", "auto-reply", "bounce", "reply"]


def test_maildir_sorted_by_file_name_across_cur_and_new_and_tmp_ignored() -> None:
    messages = list(iter_messages([MAILDIR]))
    assert [m.source for m in messages] == [
        str(MAILDIR / "cur" / "1741507203.M1P4242.mail.campaign.example.org"),
        str(MAILDIR / "new" / "1741600000.M3P4242.mail.campaign.example.org"),
        str(MAILDIR / "cur" / "1741685400.M2P4242.mail.campaign.example.org"),
    ]
    assert messages[0].raw == (FIXTURES / "out-of-office.eml").read_bytes()
    assert messages[1].raw == (FIXTURES / "windows-1252.eml").read_bytes()
    assert messages[2].raw == (FIXTURES / "html-only.eml").read_bytes()
    assert count_messages([MAILDIR]) == 3


def test_folder_of_eml_files_sorted_skipping_hidden_files_and_subfolders() -> None:
    messages = list(iter_messages([FOLDER]))
    assert [m.source for m in messages] == [
        str(FOLDER / "a-html-only.eml"),
        str(FOLDER / "b-forwarded.eml"),
    ]
    assert messages[1].raw == (FIXTURES / "forwarded.eml").read_bytes()
    assert count_messages([FOLDER]) == 2


def test_several_paths_keep_the_order_given() -> None:
    paths = [FOLDER, FIXTURES / "dsn-bounce.eml", MBOX]
    sources = [m.source for m in iter_messages(paths)]
    assert sources == [
        str(FOLDER / "a-html-only.eml"),
        str(FOLDER / "b-forwarded.eml"),
        str(FIXTURES / "dsn-bounce.eml"),
        *(f"{MBOX}#{n}" for n in (1, 2, 3, 4)),
    ]
    assert count_messages(paths) == len(sources) == 7


def test_folder_may_hold_mbox_files(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(b"From: a@b.example\nSubject: one\n\nx\n")
    (tmp_path / "b.mbox").write_bytes(
        b"From a@b.example Mon Mar  2 09:00:00 2026\nSubject: two\n\ny\n\n"
        b"From c@d.example Mon Mar  2 10:00:00 2026\nSubject: three\n\nz\n"
    )
    messages = list(iter_messages([tmp_path]))
    assert [(m.source, m.raw) for m in messages] == [
        (str(tmp_path / "a.eml"), b"From: a@b.example\nSubject: one\n\nx\n"),
        (f"{tmp_path / 'b.mbox'}#1", b"Subject: two\n\ny\n"),
        (f"{tmp_path / 'b.mbox'}#2", b"Subject: three\n\nz\n"),
    ]
    assert count_messages([tmp_path]) == 3


def test_mbox_with_crlf_and_an_eml_starting_with_an_envelope_line(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.mbox"
    crlf.write_bytes(
        b"From x@y.example Tue Mar 3 10:00:00 2026\r\nSubject: a\r\n\r\nbody\r\n\r\n"
        b"From x@y.example Tue Mar 3 11:00:00 2026\r\nSubject: b\r\n\r\nbody\r\n"
    )
    assert [m.raw for m in iter_messages([crlf])] == [
        b"Subject: a\r\n\r\nbody\r\n",
        b"Subject: b\r\n\r\nbody\r\n",
    ]
    # A single saved message that keeps its envelope line is a one-message mbox.
    single = tmp_path / "saved.eml"
    single.write_bytes(b"From x@y.example Tue Mar 3 10:00:00 2026\nSubject: s\n\nt\n")
    assert detect_kind(single) == "mbox"
    assert list(iter_messages([single])) == [RawMessage(f"{single}#1", b"Subject: s\n\nt\n")]


def test_maildir_without_tmp_is_still_a_maildir(tmp_path: Path) -> None:
    (tmp_path / "cur").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "2").write_bytes(b"Subject: 2\n\n")
    (tmp_path / "cur" / "1").write_bytes(b"Subject: 1\n\n")
    (tmp_path / "cur" / ".hidden").write_bytes(b"Subject: hidden\n\n")
    assert detect_kind(tmp_path) == "maildir"
    assert [m.raw for m in iter_messages([tmp_path])] == [b"Subject: 1\n\n", b"Subject: 2\n\n"]


def test_empty_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.eml"
    empty.write_bytes(b"")
    assert detect_kind(empty) == "eml"
    assert list(iter_messages([empty])) == [RawMessage(str(empty), b"")]


def test_missing_path_is_a_one_line_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.mbox"
    for call in (detect_kind, lambda p: list(iter_messages([p])), lambda p: count_messages([p])):
        with pytest.raises(MailSourceError) as info:
            call(missing)
        assert str(info.value) == f"{missing}: no such file or folder"


def test_folder_without_mail_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "only-a-folder").mkdir()
    with pytest.raises(MailSourceError) as info:
        detect_kind(tmp_path)
    assert (
        str(info.value) == f"{tmp_path}: not a Maildir (no cur/ and new/) and holds no mail files"
    )
    assert "\n" not in str(info.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files whatever their mode")
def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked.eml"
    locked.write_bytes(b"Subject: x\n\n")
    locked.chmod(0)
    try:
        with pytest.raises(MailSourceError) as info:
            list(iter_messages([locked]))
        assert str(info.value) == f"{locked}: permission denied"
    finally:
        locked.chmod(0o600)


def test_mail_source_error_is_a_value_error() -> None:
    assert issubclass(MailSourceError, ValueError)


def test_permission_errors_become_one_line_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "reply.eml"
    path.write_bytes(b"Subject: x\n\n")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(MailSourceError) as info:
        list(iter_messages([path]))
    assert str(info.value) == f"{path}: permission denied"
