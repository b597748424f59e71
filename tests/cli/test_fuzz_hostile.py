"""Issue 23: hostile input fuzzed through the CLI, so the adversarial trials' figures stay true.

- any argument of bytes that are not UTF-8 (as Python hands them over: lone surrogates) is
  one line and exit 2 in every command, never an internal error;
- a folder of mail whose file names are any bytes imports every file;
- control characters anywhere a sender writes (subject, sender's name, text, attachment
  name) never reach the terminal raw, in any command that prints them;
- a FIFO or a 1 GB sparse file given to any command that reads a file is refused at once.

Example counts are modest so the suite stays quick on two cores.
"""

from __future__ import annotations

import os
import re
import threading
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli.test_errors_cli import one_line_error

GB = 1024**3
# Raw control characters a terminal acts on: C0 but line feed and tab, DEL, and C1.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

COMMANDS = [
    ("body", "show", "{}"),
    ("body", "list", "--kind", "{}"),
    ("request", "new", "--body", "RXX", "--title", "{}"),
    ("request", "show", "{}"),
    ("request", "list", "--campaign", "{}"),
    ("inbox", "import", "{}"),
    ("inbox", "save", "1", "{}"),
    ("report", "results", "--campaign", "c", "--csv", "{}"),
    ("holidays", "import", "{}"),
    ("template", "show", "{}"),
    ("calendar", "export", "{}"),
    ("send", "--reconcile", "{}"),
    ("db", "backup", "{}"),
    ("draft", "{}", "--to", "RXX"),
    ("publish", "--campaign", "{}"),
]


@FUZZ
@given(
    command=st.sampled_from(COMMANDS),
    raw=st.binary(min_size=1, max_size=24).filter(lambda b: b"\x00" not in b),
)
def test_any_bytes_as_an_argument(
    foi, isolated: Path, command: tuple[str, ...], raw: bytes
) -> None:
    if not (isolated / "requests.db").exists():
        assert foi("init").exit_code == 0
    arg = os.fsdecode(raw)  # what Python makes of argv bytes (surrogateescape)
    result = foi(*(arg if part == "{}" else part for part in command))
    assert "Traceback" not in result.stderr and result.exit_code != 70, result.stderr
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        assert "is not UTF-8" in one_line_error(result, 2)


@FUZZ
@given(
    names=st.lists(
        st.binary(min_size=1, max_size=40).filter(
            lambda b: b"/" not in b and b"\x00" not in b and not b.startswith(b".")
        ),
        min_size=1,
        max_size=4,
        unique=True,
    )
)
def test_mail_files_with_any_byte_names_are_imported(
    foi, isolated: Path, names: list[bytes]
) -> None:
    if not (isolated / "requests.db").exists():
        assert foi("init").exit_code == 0
    folder = isolated / f"mail-{len(list(isolated.glob('mail-*')))}"
    folder.mkdir()
    for n, name in enumerate(names):
        with open(os.path.join(os.fsencode(folder), name), "wb") as fh:
            fh.write(_message(f"fuzzed name {n} {folder.name}", "hello", "a.pdf"))
    result = foi("inbox", "import", str(folder), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["total"] == len(names)
    listed = foi("inbox", "list", "--all")
    assert listed.exit_code == 0 and not RAW_CONTROL.search(listed.stdout)


def _message(subject: str, text: str, filename: str, sender: str = "Officer") -> bytes:
    msg = EmailMessage()
    msg["From"] = f'"{sender}" <foi@trust.example>' if sender else "foi@trust.example"
    msg["To"] = "campaign@foi.test"
    msg["Subject"] = subject
    msg["Date"] = "Tue, 01 Dec 2026 10:00:00 +0000"
    msg.set_content(text)
    msg.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename=filename)
    return msg.as_bytes()


CONTROL_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0, max_codepoint=0x1F),
        st.characters(min_codepoint=0x7F, max_codepoint=0x9F),
        st.sampled_from("ab é\u202e"),
    ),
    min_size=1,
    max_size=30,
)


@FUZZ
@given(subject=CONTROL_TEXT, text=CONTROL_TEXT, filename=CONTROL_TEXT, sender=CONTROL_TEXT)
def test_control_characters_never_reach_the_terminal(
    foi, isolated: Path, subject: str, text: str, filename: str, sender: str
) -> None:
    if not (isolated / "requests.db").exists():
        assert foi("init").exit_code == 0
    n = len(list(isolated.glob("*.eml")))
    path = isolated / f"{n}.eml"
    try:
        raw = _message(f"{subject} {n}", text + f" {n}", filename, sender)
    except (ValueError, TypeError):  # the email package refuses some header values itself
        raw = (
            f"From: {sender} <foi@trust.example>\nSubject: {subject} {n}\n\n{text} {n}\n"
        ).encode("utf-8", "surrogateescape")
    path.write_bytes(raw)
    imported = foi("inbox", "import", str(path), "--json")
    assert imported.exit_code == 0, imported.stderr
    inbox_id = str(imported.json()["messages"][0]["inbox_id"])
    for args in (
        ("inbox", "list", "--all"),
        ("inbox", "show", inbox_id),
        ("inbox", "list", "--all", "--json"),
        ("inbox", "show", inbox_id, "--json"),
    ):
        result = foi(*args)
        assert result.exit_code == 0, (args, result.stderr)
        assert not RAW_CONTROL.search(result.stdout), (args, result.stdout)
        assert not RAW_CONTROL.search(result.stderr), (args, result.stderr)


# -- FIFOs and 1 GB files --------------------------------------------------------------------

READERS = [
    ("inbox", "import", "{}"),
    ("send", "--reconcile", "{}"),
    ("holidays", "import", "{}"),
    ("body", "import", "{}"),
    ("request", "new", "--body", "RXX", "--title", "t", "--text-file", "{}"),
    ("respond", "{ref}", "--on", "2026-11-20", "--outcome", "successful", "--file", "{}"),
    ("db", "restore", "{}", "--force"),
]


def _ready(foi) -> str:  # type: ignore[no-untyped-def]
    assert foi("init").exit_code == 0
    made = foi("request", "new", "--body", "RXX", "--title", "t", "--sent-on", "2026-11-02")
    return made.stdout.split(":")[0]


def _args(command: tuple[str, ...], path: Path, ref: str) -> list[str]:
    return [str(path) if p == "{}" else ref if p == "{ref}" else p for p in command]


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
def test_a_fifo_is_refused_not_waited_on(foi, isolated: Path, command: tuple[str, ...]) -> None:
    ref = _ready(foi)
    fifo = isolated / "pipe"
    os.mkfifo(fifo)

    def unblock() -> None:  # a regression would wait for a writer: give it end of file
        fd = os.open(fifo, os.O_WRONLY)
        os.close(fd)

    writer = threading.Thread(target=unblock, daemon=True)
    writer.start()
    try:
        result = foi(*_args(command, fifo, ref))
    finally:
        if writer.is_alive():
            fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            writer.join(5)
            os.close(fd)
    assert result.exit_code == 2 and "Traceback" not in result.stderr, result.stderr
    one_line_error(result, 2)


@pytest.mark.parametrize("command", READERS, ids=lambda c: " ".join(c[:2]))
def test_a_1gb_sparse_file_is_refused_at_once(
    foi, isolated: Path, command: tuple[str, ...]
) -> None:
    ref = _ready(foi)
    big = isolated / "big.bin"
    with big.open("wb") as fh:
        fh.truncate(GB)
    result = foi(*_args(command, big, ref))
    # A file that is not a foi backup is exit 5 for 'db restore' (the README's table).
    one_line_error(result, 5 if command[0] == "db" else 2)
