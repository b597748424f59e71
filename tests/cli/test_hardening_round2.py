"""Issue 23, hardening round two: each fault the adversarial trials found, through the CLI.

Large inputs are sparse files (no disk used); FIFOs are made in the test's own folder, and a
helper thread unblocks any open of one, so a regression fails instead of hanging.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from tests.cli.test_errors_cli import one_line_error

GB = 1024**3
ESC_SUBJECT = "Re: \x1b]0;pwned\x07 \x1b[2J cleared"


def _mail(
    subject: str = "Re: your request", text: str = "Hello.", attachment: bytes = b""
) -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "someone@elsewhere.example"
    msg["To"] = "campaign@foi.test"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{abs(hash((subject, text, attachment)))}@elsewhere.example>"
    msg["Date"] = "Tue, 01 Dec 2026 10:00:00 +0000"
    msg.set_content(text)
    if attachment:
        msg.add_attachment(attachment, maintype="application", subtype="pdf", filename="report.pdf")
    return bytes(msg)


def _sparse(path: Path, size: int = GB) -> Path:
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


class _Fifo:
    """A FIFO in the test folder; `release()` lets a stuck reader see end of file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self.writer = threading.Thread(target=self._write, daemon=True)
        self.writer.start()

    def _write(self) -> None:
        fd = os.open(self.path, os.O_WRONLY)  # waits until someone opens it to read
        os.close(fd)

    def release(self) -> None:
        if self.writer.is_alive():
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            self.writer.join(5)
            os.close(fd)


def test_control_characters_from_senders_are_shown_escaped(foi, isolated: Path) -> None:
    foi("init")
    (isolated / "m.eml").write_bytes(_mail(ESC_SUBJECT, "Body \x1b[31mred\x1b[0m bell\x07."))
    assert foi("inbox", "import", "m.eml").exit_code == 0
    listed = foi("inbox", "list")
    shown = foi("inbox", "show", "1")
    for result in (listed, shown):
        assert result.exit_code == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert "\\x1b" in result.stdout
    assert "\\x1b[31mred" in shown.stdout
    data = foi("inbox", "show", "1", "--json").json()  # JSON keeps the text, escaped
    assert "\x1b" in data["subject"]


def test_non_utf8_arguments_are_one_line_exit_2(foi) -> None:
    foi("init")
    for args in (
        ("body", "show", "caf\udce9"),
        ("inbox", "import", "caf\udce9.eml"),
        ("request", "new", "--body", "RXX", "--title", "t\udcff"),
    ):
        line = one_line_error(foi(*args), 2)
        assert "is not UTF-8" in line and ("caf\\xe9" in line or "t\\xff" in line)


def test_a_file_name_that_is_not_utf8_is_imported(foi, isolated: Path) -> None:
    foi("init")
    folder = isolated / "mail"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.eml"), "wb") as fh:
        fh.write(_mail())
    result = foi("inbox", "import", str(folder), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["total"] == 1
    assert foi("inbox", "show", "1", "--json").json()["source"].endswith("caf\ufffd.eml")


def test_a_1gb_file_that_is_not_mail_is_refused_before_it_is_read(foi, isolated: Path) -> None:
    foi("init")
    big = _sparse(isolated / "disk.img")
    assert "not mail" in one_line_error(foi("inbox", "import", str(big)), 2)
    assert "not mail" in one_line_error(foi("send", "--reconcile", str(big)), 2)
    line = one_line_error(foi("holidays", "import", str(big)), 2)
    assert "over the limit" in line
    assert foi("inbox", "list", "--all", "--json").json() == []


def test_fifos_are_refused_not_waited_on(foi, isolated: Path) -> None:
    foi("init")
    for n, args in enumerate(
        (
            ("holidays", "import"),
            ("body", "import"),
            ("request", "new", "--body", "RXX", "--title", "t", "--text-file"),
        )
    ):
        fifo = _Fifo(isolated / f"pipe{n}")
        try:
            result = foi(*args, str(fifo.path))
        finally:
            fifo.release()
        assert "not a regular file" in one_line_error(result, 2), args


def test_saving_to_an_empty_path_or_a_device_is_exit_2(foi, isolated: Path) -> None:
    foi("init")
    (isolated / "m.eml").write_bytes(_mail(attachment=b"%PDF-1.4 report"))
    assert foi("inbox", "import", "m.eml").exit_code == 0
    assert "empty path" in one_line_error(foi("inbox", "save", "1", ""), 2)
    assert "not a folder" in one_line_error(foi("inbox", "save", "1", "/dev/null"), 2)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert not [p for p in isolated.iterdir() if p.name == "report.pdf"]
    saved = foi("inbox", "save", "1", "out")
    assert saved.exit_code == 0 and (isolated / "out" / "report.pdf").exists()


def test_an_oversize_response_file_is_bad_input(foi, isolated: Path) -> None:
    foi("init")
    ref = foi("request", "new", "--body", "RXX", "--title", "t", "--sent-on", "2026-11-02")
    ref = ref.stdout.split(":")[0]
    big = _sparse(isolated / "scan.pdf")
    result = foi(
        "respond", ref, "--on", "2026-11-20", "--outcome", "successful", "--file", str(big)
    )
    assert "over" in one_line_error(result, 2) or "larger" in result.stderr


def test_oversize_attachments_are_shown_with_name_size_and_hash(foi, isolated: Path) -> None:
    foi("init")
    payload = b"%PDF-1.4 " + b"x" * 5000
    (isolated / "m.eml").write_bytes(_mail(attachment=payload))
    env = {"FOI_ATTACHMENT_MAX_BYTES": "1000"}
    assert foi("inbox", "import", "m.eml", env=env).exit_code == 0
    import hashlib

    sha = hashlib.sha256(payload).hexdigest()
    data = foi("inbox", "show", "1", "--json").json()
    [att] = data["attachments"]
    assert att["filename"] == "report.pdf" and att["size"] == len(payload)
    assert att["sha256"] == sha and att["stored"] is False
    text = foi("inbox", "show", "1").stdout
    assert f"report.pdf ({len(payload)} bytes, SHA-256 {sha}): not stored: over the limit" in text


@pytest.mark.parametrize("name", ["\r", "a\nb", "x\x1b[2J", " "])
def test_campaign_names_are_one_line(foi, name: str) -> None:
    foi("init")
    result = foi("request", "new", "--body", "RXX", "--title", "t", "--campaign", name)
    one_line_error(result, 2)
    assert foi("request", "list", "--json").json() == []
