"""Reading replies end to end: import, `foi extract`, `foi search`, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PG_URL, _pg_database
from tests.reading import files

HI = "High Intensity"


def reply_files() -> dict[str, bytes]:
    return {
        "letter.pdf": files.text_pdf(
            [
                "Our reference 123. Response to your request.",
                f"The trust ran a {HI} Network.",
                "End.",
            ]
        ),
        "scan.pdf": files.scanned_pdf(
            [
                ["Scanned letter, first page"],
                ["Scanned page two", f"We used the {HI} Service", "with the police."],
            ]
        ),
        "minutes.docx": files.docx_file(["Minutes of the board", f"{HI} User figures were noted."]),
        "figures.xlsx": files.xlsx_file(
            {"Contents": [["Figures for 2020"]], "Users": [["Year", f"{HI} users"], [2020, 42]]}
        ),
    }


def new_request(foi, db: str, body: str, campaign: str = "sim-2026", *extra: str) -> str:  # type: ignore[no-untyped-def]
    made = foi(
        "request",
        "new",
        "--body",
        body,
        "--title",
        "SIM",
        "--sent-on",
        "2026-11-20",
        "--campaign",
        campaign,
        *extra,
        "--json",
        db=db,
        today="2026-11-20",
    )
    assert made.exit_code == 0, made.stderr
    return str(made.json()["reference"])


def scenario(foi, db: str, tmp: Path) -> dict[str, object]:  # type: ignore[no-untyped-def]
    assert foi("init", db=db).exit_code == 0
    ref = new_request(foi, db, "RTQ")
    eml = tmp / "reply.eml"
    eml.write_bytes(files.reply_with(ref, reply_files()))
    imported = foi("inbox", "import", str(eml), "--json", db=db, today="2026-12-04")
    assert imported.exit_code == 0, imported.stderr
    assert imported.json()["matched"] == 1, imported.stdout
    extracted = foi("extract", "--workers", "2", "--json", db=db, today="2026-12-04")
    assert extracted.exit_code == 0, extracted.stderr
    report = extracted.json()
    assert report["failed"] == [] and report["read"] == 4, report
    found = foi("search", f'"{HI}"', "--json", db=db, today="2026-12-04")
    assert found.exit_code == 0, found.stderr
    return {"ref": ref, "hits": found.json()}


def _pages(hits: list[dict[str, object]]) -> dict[str, object]:
    return {str(h["name"]): h["page"] for h in hits if h["kind"] == "attachment"}


@pytest.mark.parametrize("backend", ["sqlite"])
def test_every_kind_of_attachment_is_read_and_found_with_its_page(
    foi, isolated: Path, backend: str
) -> None:
    got = scenario(foi, str(isolated / "requests.db"), isolated)
    hits = got["hits"]
    assert _pages(hits) == {"letter.pdf": 2, "scan.pdf": 2, "minutes.docx": 2, "figures.xlsx": 2}
    for hit in hits:
        assert hit["reference"] == got["ref"]
        start, end = hit["matches"][0]
        assert hit["snippet"][start:end].lower() == HI.lower()
        a, b = hit["offsets"][0]
        assert b - a == len(HI)


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL leg: set FOI_TEST_DATABASE_URL")
def test_search_answers_the_same_on_sqlite_and_postgresql(foi, isolated: Path) -> None:
    lite = scenario(foi, str(isolated / "requests.db"), isolated)
    for pg in _pg_database():
        post = scenario(foi, pg, isolated)
    assert _pages(post["hits"]) == {
        "letter.pdf": 2,
        "scan.pdf": 2,
        "minutes.docx": 2,
        "figures.xlsx": 2,
    }
    assert post["hits"] == lite["hits"]
