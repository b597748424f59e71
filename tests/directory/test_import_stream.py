"""`foi body import` streams its rows in batches: the same answers as one pass, in bounded memory."""

from __future__ import annotations

from pathlib import Path

import pytest

import foi.directory.importing as importing


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 3 rows, so every rule below is exercised across batch boundaries."""
    monkeypatch.setattr(importing, "IMPORT_BATCH", 3)


def _write(folder: Path, rows: list[str], header: str = "name,ods_code,email,aliases,tags") -> Path:
    path = folder / "bodies.csv"
    path.write_text(header + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def _bodies(foi, db_url: str) -> dict[str, dict]:  # type: ignore[no-untyped-def,type-arg]
    return {b["name"]: b for b in foi("body", "list", "--json", db=db_url).json()}


def test_many_rows_with_duplicates_across_batches(foi, db_url: str, isolated: Path) -> None:
    assert foi("init", db=db_url).exit_code == 0
    before = len(_bodies(foi, db_url))
    rows = [f"Test Body {i:03d},,body{i}@example.org,Alias {i:03d},tag-{i % 3}" for i in range(20)]
    rows += [
        "Duplicate Code One,ZZ901,a@example.org,,",  # line 22
        "Duplicate Code Two,zz901,b@example.org,,",  # same ODS code, other case: line 22's body
        "TEST BODY 004,,,,",  # the name of line 6, in capitals
        "Alias 007,,,,",  # an alias given on line 9
        "Oxleas NHS Foundation Trust,,foi@oxleas.example.org,Oxleas,",  # in the bundled directory
        "oxleas nhs foundation trust,,,,",  # the same body again
    ]
    path = _write(isolated, rows)
    result = foi("body", "import", str(path), "--json", db=db_url)
    assert result.exit_code == 0, result.stderr
    report = result.json()
    assert (report["created"], report["updated"], report["unchanged"]) == (21, 1, 0)
    assert report["skipped"] == [
        "line 23: same body as line 22",
        "line 24: same body as line 6",
        "line 25: same body as line 9",
        "line 27: same body as line 26 (Oxleas NHS Foundation Trust)",
    ]
    assert report["bad_rows"] == []
    bodies = _bodies(foi, db_url)
    assert len(bodies) == before + 21
    shown = foi("body", "show", "Test Body 007", "--json", db=db_url).json()
    assert "Alias 007" in shown["aliases"] and shown["kind"] == "other"
    assert [c["address"] for c in shown["contacts"]] == ["body7@example.org"]
    assert shown["contacts"][0]["source"] == "import of bodies.csv"
    assert "tag-1" in shown["tags"]
    assert foi("body", "show", "ZZ901", "--json", db=db_url).json()["name"] == "Duplicate Code One"
    again = foi("body", "import", str(path), "--json", db=db_url).json()
    assert (again["created"], again["updated"]) == (0, 0)
    assert again["unchanged"] == 22
    assert len(_bodies(foi, db_url)) == before + 21


def test_a_bad_row_late_in_the_file_imports_nothing(foi, db_url: str, isolated: Path) -> None:
    foi("init", db=db_url)
    before = _bodies(foi, db_url)
    rows = [f"Body {i:02d},,b{i}@example.org,," for i in range(10)]
    rows.insert(8, "Bad Email Body,,not-an-address,,")  # line 10, after three batches
    path = _write(isolated, rows)
    result = foi("body", "import", str(path), db=db_url)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "foi: error: bodies.csv: 1 bad row(s), nothing imported: line 10: 'not-an-address' is "
        "not an email address; fix them or use --skip-bad-rows"
    ]
    assert _bodies(foi, db_url) == before
    skipped = foi("body", "import", str(path), "--skip-bad-rows", "--json", db=db_url).json()
    assert skipped["created"] == 10 and skipped["bad_rows"] == [
        "line 10: 'not-an-address' is not an email address"
    ]


def test_a_row_the_database_checks_refuse_is_all_or_nothing(
    foi, db_url: str, isolated: Path
) -> None:
    foi("init", db=db_url)
    before = _bodies(foi, db_url)
    rows = [f"Body {i:02d},,,," for i in range(7)] + ["X" * 301 + ",,,,", "Body 99,,,,"]
    path = _write(isolated, rows)
    result = foi("body", "import", str(path), db=db_url)
    assert result.exit_code == 2
    assert "line 9: name is 301 characters long" in result.stderr
    assert "nothing imported" in result.stderr
    assert _bodies(foi, db_url) == before
    ok = foi("body", "import", str(path), "--skip-bad-rows", "--json", db=db_url).json()
    assert ok["created"] == 8
    assert ok["bad_rows"] == ["line 9: name is 301 characters long: at most 300 are kept"]


def test_no_progress_bar_when_not_on_a_terminal(foi, isolated: Path) -> None:
    foi("init")
    path = _write(isolated, [f"Quiet Body {i},,,," for i in range(7)])
    result = foi("body", "import", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip() == (
        "bodies.csv (plain): 7 created, 0 updated, 0 unchanged, 0 skipped, 0 bad"
    )


def test_a_file_that_turns_out_unreadable_midway_imports_nothing(
    foi, db_url: str, isolated: Path
) -> None:
    foi("init", db=db_url)
    before = _bodies(foi, db_url)
    path = isolated / "bodies.csv"
    rows = "".join(f"Body {i},x\n" for i in range(10))
    path.write_text("name,notes\n" + rows + "Broken," + "x" * 200_000 + "\n", encoding="utf-8")
    result = foi("body", "import", str(path), db=db_url)
    assert result.exit_code == 2, result.stderr
    assert "line 12: unreadable CSV" in result.stderr
    assert _bodies(foi, db_url) == before


def test_a_progress_bar_on_a_terminal(isolated: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    from tests.conftest import REPO

    env = {k: v for k, v in os.environ.items() if not k.startswith("FOI_")}
    env.update(HOME=str(isolated), FOI_DATABASE_URL=str(isolated / "requests.db"))
    env.update(PYTHONPATH=str(REPO), COLUMNS="100", TERM="xterm")
    subprocess.run([sys.executable, "-m", "foi", "init"], env=env, check=True, capture_output=True)
    path = _write(isolated, [f"Terminal Body {i}" + ",,,," for i in range(5)])
    master, slave = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "foi", "body", "import", str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=slave,
            check=False,
        )
        os.close(slave)
        shown = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
    assert done.returncode == 0
    assert b"importing" in shown and b"rows" in shown
    assert done.stdout.strip().endswith(b"5 created, 0 updated, 0 unchanged, 0 skipped, 0 bad")


def test_names_in_other_capitals_beyond_ascii_match(foi, db_url: str, isolated: Path) -> None:
    foi("init", db=db_url)
    assert foi("body", "add", "ÉCOLE Ysbyty Trust", "--kind", "other", db=db_url).exit_code == 0
    path = _write(isolated, ["école ysbyty trust,,foi@ecole.example.org,,", "Ōtautahi Body,,,,"])
    result = foi("body", "import", str(path), "--json", db=db_url)
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert (data["created"], data["updated"]) == (1, 1)
    shown = foi("body", "show", "ÉCOLE Ysbyty Trust", "--json", db=db_url).json()
    assert "école ysbyty trust" in shown["aliases"]
    again = foi("body", "import", str(path), "--json", db=db_url).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)


def test_the_same_answers_when_existing_bodies_are_looked_up_batch_by_batch(
    foi, db_url: str, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "PRELOAD_LIMIT", 0)  # as for a directory of many bodies
    test_many_rows_with_duplicates_across_batches(foi, db_url, isolated)
