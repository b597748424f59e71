"""Bad inputs found by adversarial trials: each is one line on stderr with the README's exit code."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli.test_errors_cli import one_line_error
from tests.conftest import sent_request

SIGN = {"FOI_REQUESTER_NAME": "Jo Bloggs"}


def _new(foi, db_url: str, *extra: str):  # type: ignore[no-untyped-def]
    return foi(
        "request", "new", "--body", "RXX", "--title", "t", *extra, "--json", db=db_url, env=SIGN
    )


@pytest.mark.parametrize(
    ("data", "note"),
    [
        ("Dear FOI team,\nPlease send the SIM policy.\n".encode("cp1252"), None),
        ("Café policy – “SIM”\n".encode("cp1252"), "read it as Windows-1252"),
        ("\ufeffRequest in UTF-8 with a BOM: café\n".encode(), None),
        ("UTF-16 request: café\n".encode("utf-16"), None),
    ],
)
def test_text_file_in_any_common_encoding_is_read(
    foi, db_url: str, isolated: Path, data: bytes, note: str | None
) -> None:
    foi("init", db=db_url)
    path = isolated / "letter.txt"
    path.write_bytes(data)
    result = _new(foi, db_url, "--text-file", str(path))
    assert result.exit_code == 0, result.stderr
    assert (note or "read it as") in result.stderr if note else "note:" not in result.stderr
    ref = result.json()["reference"]
    preview = foi("draft", "preview", ref, db=db_url, env=SIGN)
    assert preview.exit_code == 0, preview.stderr
    expected = data.decode("utf-16") if data.startswith(b"\xff\xfe") else None
    assert "\ufeff" not in preview.stdout
    assert (expected or "").strip()[:10] in preview.stdout
    assert "caf" in preview.stdout or "SIM" in preview.stdout


def test_text_file_that_cannot_be_used_is_one_line_exit_2(foi, isolated: Path) -> None:
    foi("init")
    binary = isolated / "scan.pdf"
    binary.write_bytes(b"%PDF-1.4\x00\x01\x02\xff")
    assert "not a text file" in one_line_error(_new(foi, None, "--text-file", str(binary)), 2)
    assert "is a folder" in one_line_error(_new(foi, None, "--text-file", str(isolated)), 2)
    missing = isolated / "missing.txt"
    assert "does not exist" in one_line_error(_new(foi, None, "--text-file", str(missing)), 2)
    listed = foi("request", "list", "--json").json()
    assert listed == []  # nothing was saved


def test_nul_in_letter_text_is_refused_on_both_databases(foi, db_url: str) -> None:
    foi("init", db=db_url)
    line = one_line_error(_new(foi, db_url, "--text", "Dear team,\x00 please"), 2)
    assert "NUL character" in line
    assert foi("request", "list", "--json", db=db_url).json() == []


def test_line_breaks_in_a_title_are_never_stored_raw(foi, db_url: str) -> None:
    foi("init", db=db_url)
    made = foi(
        "request",
        "new",
        "--body",
        "RXX",
        "--title",
        "SIM use\r\nBcc: someone@example.org",
        "--json",
        db=db_url,
    )
    assert made.exit_code == 0, made.stderr
    shown = foi("request", "show", made.json()["reference"], "--json", db=db_url).json()
    assert shown["title"] == "SIM use Bcc: someone@example.org"
    listed = foi("request", "list", db=db_url)
    assert "\r" not in listed.stdout


def test_a_future_date_is_bad_input_not_a_conflict(foi, db_url: str) -> None:
    foi("init", db=db_url)
    ref = sent_request(lambda *a, **k: foi(*a, db=db_url, **k), "RXX", "2026-11-02")
    result = foi(
        "request", "log", ref, "acknowledged", "--on", "2026-12-25", db=db_url, today="2026-11-27"
    )
    assert "in the future" in one_line_error(result, 2)


def test_a_file_that_cannot_be_written_is_exit_2(foi, isolated: Path) -> None:
    foi("init")
    (isolated / "blocker").write_text("a file, not a folder")
    result = foi("calendar", "export", str(isolated / "blocker" / "foi.ics"))
    one_line_error(result, 2)
    result = foi("calendar", "export", str(isolated))
    assert "is a folder" in one_line_error(result, 2)


def test_missing_or_folder_input_files_are_exit_2(foi, isolated: Path) -> None:
    foi("init")
    for args in (
        ("holidays", "import", str(isolated / "nope.json")),
        ("holidays", "import", str(isolated)),
        ("body", "import", str(isolated / "nope.csv")),
        ("body", "import", str(isolated)),
    ):
        one_line_error(foi(*args), 2)


def test_db_upgrade_of_a_database_from_a_newer_foi_is_one_line_exit_5(foi, isolated: Path) -> None:
    foi("init")
    with sqlite3.connect(isolated / "requests.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    line = one_line_error(foi("db", "upgrade"), 5)
    assert "newer foi (revision 9999)" in line
    with sqlite3.connect(isolated / "requests.db") as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999"


def test_db_upgrade_of_a_foreign_database_is_one_line_exit_5(foi, isolated: Path) -> None:
    path = isolated / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (x TEXT)")
    assert "not a foi database" in one_line_error(foi("db", "upgrade", db=str(path)), 5)


def test_a_user_template_that_is_not_utf8_is_read_or_named(foi, isolated: Path) -> None:
    foi("init")
    folder = isolated / "templates"
    folder.mkdir()
    (folder / "bad.j2").write_bytes(b"\x00\x01\x02 binary junk \xff\xfe")
    result = foi("template", "check", env=SIGN)
    assert result.exit_code != 70, result.stderr
    assert "Traceback" not in result.stderr
    assert "bad" in result.stdout + result.stderr
