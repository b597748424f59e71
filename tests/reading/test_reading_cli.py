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


def test_the_scanned_passage_is_proposed_and_accepted_as_sourced_evidence(
    foi, isolated: Path
) -> None:
    db = str(isolated / "requests.db")
    got = scenario(foi, db, isolated)
    proposed = foi("evidence", "suggest", "--campaign", "sim-2026", "--json", db=db)
    assert proposed.exit_code == 0, proposed.stderr
    rows = proposed.json()["proposed"]
    scan = [r for r in rows if r["name"] == "scan.pdf"]
    assert len(scan) == 1, rows
    assert scan[0]["page"] == 2 and scan[0]["source"] == got["ref"]
    assert "High Intensity Service" in scan[0]["terms"] and HI in scan[0]["quote"]
    # The request letter itself (ours) is never proposed.
    assert {r["kind"] for r in rows} <= {"attachment", "reply"}

    accepted = foi(
        "evidence", "accept", str(scan[0]["id"]), "--status", "piloted",
        "--local-name", "High Intensity Service", "--json", db=db, today="2026-12-05",
    )  # fmt: skip
    assert accepted.exit_code == 0, accepted.stderr
    again = foi("evidence", "accept", str(scan[0]["id"]), "--status", "piloted", db=db)
    assert again.exit_code != 0 and "accepted already" in again.stderr
    shown = foi("body", "show", "RTQ", db=db)
    assert "piloted as 'High Intensity Service'" in shown.stdout
    assert f"[source: {got['ref']}, page 2]" in shown.stdout
    data = foi("body", "show", "RTQ", "--json", db=db).json()
    ev = [e for e in data["evidence"] if e["source"] == got["ref"]]
    assert ev and ev[0]["page"] == "2" and ev[0]["local_name"] == "High Intensity Service"
    # Proposed no more; the next suggest does not bring it back.
    rows = foi("evidence", "suggest", "--json", db=db).json()["proposed"]
    assert scan[0]["id"] not in [r["id"] for r in rows]

    site = isolated / "site"
    built = foi("publish", "--campaign", "sim-2026", str(site), db=db, today="2026-12-05")
    assert built.exit_code == 0, built.stderr
    page = next((site / "bodies").glob("*.html")).read_text()
    assert "High Intensity Service" in page and f"{got['ref']}</a>, page 2" in page


def test_search_syntax(foi, isolated: Path) -> None:
    db = str(isolated / "requests.db")
    scenario(foi, db, isolated)

    def names(query: str, *extra: str) -> set[str]:
        result = foi("search", query, "--json", *extra, db=db)
        assert result.exit_code == 0, result.stderr
        return {f"{h['name']}:{h['page']}" for h in result.json()}

    assert names('"High Intensity" -police') == {
        "letter.pdf:2", "minutes.docx:2", "figures.xlsx:2"
    }  # fmt: skip
    assert names("Network OR figures", "--kind", "attachment") == {
        "letter.pdf:2", "minutes.docx:2", "figures.xlsx:1"
    }  # fmt: skip
    assert names("intens* police") == {"scan.pdf:2"}
    assert names('"Intensity High"') == set()
    bad = foi("search", "--", "-police", db=db)
    assert bad.exit_code == 2 and "nothing to search for" in bad.stderr


def test_hostile_files_are_recorded_failures_and_their_message_still_imports(
    foi, isolated: Path
) -> None:
    db = str(isolated / "requests.db")
    assert foi("init", db=db).exit_code == 0
    ref = new_request(foi, db, "RTQ")
    good_docx = files.docx_file(["A board paper", "nothing else"])
    hostile = {
        "bomb.pdf": files.pdf_bomb(),
        "bomb.zip": files.zip_bomb(),
        "locked.pdf": files.encrypted_pdf(),
        "cut.docx": good_docx[: len(good_docx) // 2],
        "long-scan.pdf": files.long_scan(5000),
        "note.txt": b"Read at import: High Intensity.",
    }
    eml = isolated / "reply.eml"
    eml.write_bytes(files.reply_with(ref, hostile))
    imported = foi("inbox", "import", str(eml), "--json", db=db, today="2026-12-04")
    assert imported.exit_code == 0, imported.stderr
    assert imported.json()["matched"] == 1
    # The small text file was read at import, before any `foi extract`.
    early = foi("search", "High Intensity", "--json", db=db).json()
    assert [h["name"] for h in early] == ["note.txt"]

    extracted = foi("extract", "--workers", "2", "--json", db=db, today="2026-12-04")
    assert extracted.exit_code == 0, extracted.stderr
    failed = foi("extract", "--failed", "--json", db=db).json()
    reasons = {f["filename"]: f["reason"] for f in failed}
    assert set(reasons) == {"bomb.pdf", "bomb.zip", "locked.pdf", "cut.docx", "long-scan.pdf"}
    assert reasons["bomb.pdf"].startswith("PDF bomb: page 1 draws an image of 20,000 x 20,000")
    assert reasons["bomb.zip"].startswith("ZIP bomb: zeros.txt")
    assert reasons["locked.pdf"] == "encrypted PDF: it needs a password to open"
    assert reasons["cut.docx"].startswith("damaged")
    assert reasons["long-scan.pdf"] == "5,000 pages need OCR, over the limit of 500 per file"
    assert all(f["requests"] == [ref] for f in failed)

    shown = foi("request", "show", ref, "--json", db=db).json()
    names = sorted(a["filename"] for a in shown["attachments"])
    assert names == sorted(hostile)

    retried = foi("extract", "--retry", "--json", db=db, today="2026-12-05")
    assert retried.exit_code == 0, retried.stderr
    assert len(retried.json()["failed"]) == 5


def test_an_attachments_text_is_printed_by_inbox_show_and_request_files(
    foi, isolated: Path
) -> None:
    db = str(isolated / "requests.db")
    got = scenario(foi, db, isolated)
    shown = foi("inbox", "show", "1", "--text", db=db)
    assert shown.exit_code == 0, shown.stderr
    assert "== scan.pdf, page 2 [ocr, confidence" in shown.stdout
    assert "== letter.pdf, page 2 [text-layer]" in shown.stdout
    assert "The trust ran a High Intensity Network." in shown.stdout
    data = foi("request", "files", str(got["ref"]), "--text", "--json", db=db).json()
    by_name = {d["filename"]: d for d in data}
    assert by_name["minutes.docx"]["pages"][1]["text"] == "High Intensity User figures were noted."
    assert by_name["scan.pdf"]["pages"][1]["method"] == "ocr"
    assert by_name["scan.pdf"]["pages"][1]["confidence"] > 50
    missing = foi("request", "files", str(got["ref"]), db=db)
    assert missing.exit_code == 2 and "--text" in missing.stderr


def test_respond_interactive_shows_the_text_and_suggestions_and_asks_for_evidence(
    foi, isolated: Path
) -> None:
    db = str(isolated / "requests.db")
    got = scenario(foi, db, isolated)
    # date, outcome, (no template questions), exemptions, SIM status, local name, quote 2
    answers = "2026-12-04\nsuccessful\n\npiloted\nHigh Intensity Service\n2\n"
    done = foi(
        "respond", str(got["ref"]), "--interactive", db=db, input=answers, today="2026-12-05"
    )
    assert done.exit_code == 0, done.stderr + done.stdout
    assert "== scan.pdf, page 1 [ocr" in done.stdout
    assert "Passages naming the campaign's terms:" in done.stdout
    assert "2. letter.pdf, page 2 (High Intensity Network" in done.stdout
    data = foi("body", "show", "RTQ", "--json", db=db).json()
    ev = [e for e in data["evidence"] if e["local_name"] == "High Intensity Service"]
    assert ev and ev[0]["status"] == "piloted" and ev[0]["page"] == "2"
    assert "High Intensity Network" in ev[0]["quote"]


def test_an_attached_outlook_message_is_read_by_extract(foi, isolated: Path) -> None:
    db = str(isolated / "requests.db")
    assert foi("init", db=db).exit_code == 0
    ref = new_request(foi, db, "RTQ")
    forwarded = files.msg_file(
        "Fw: crisis plans", "Locally it was the Kestrel Wharf Outreach service.", "FOI Team"
    )
    assert forwarded[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE compound file
    eml = isolated / "reply.eml"
    eml.write_bytes(files.reply_with(ref, {"forwarded.msg": forwarded}))
    imported = foi("inbox", "import", str(eml), "--json", db=db, today="2026-12-04")
    assert imported.exit_code == 0, imported.stderr
    extracted = foi("extract", "--json", db=db, today="2026-12-04")
    assert extracted.exit_code == 0, extracted.stderr
    assert extracted.json()["failed"] == [] and extracted.json()["read"] == 1, extracted.stdout
    hits = foi("search", '"Kestrel Wharf"', "--json", db=db).json()
    assert [(h["name"], h["page"], h["kind"]) for h in hits] == [("forwarded.msg", 1, "attachment")]
    text = foi("request", "files", ref, "--text", db=db)
    assert text.exit_code == 0, text.stderr
    assert "Subject: Fw: crisis plans" in text.stdout and "From: FOI Team" in text.stdout


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_edited_draft_is_found_by_its_new_words_only(foi, isolated: Path, backend: str) -> None:
    """`foi request edit` replaces the letter's text in the search index, not beside it."""
    import os
    import stat

    if backend == "postgresql" and not PG_URL:
        pytest.skip("PostgreSQL leg: set FOI_TEST_DATABASE_URL")
    sign = {"FOI_REQUESTER_NAME": "Jo Campaigner", "FOI_REQUESTER_EMAIL": "jo@simcamp.org.uk"}
    for db in [str(isolated / "requests.db")] if backend == "sqlite" else _pg_database():
        assert foi("init", db=db).exit_code == 0
        drafted = foi("draft", "sim-use", "--to", "RW4", "--json", db=db, env=sign)
        assert drafted.exit_code == 0, drafted.stderr
        ref = drafted.json()[0]["reference"]
        # Indexed as first drafted (a search brings the index up to date).
        assert foi("search", "Mersey", "--json", db=db).json()
        script = isolated / "editor.sh"
        script.write_text("#!/bin/sh\nsed -i 's/Mersey Care/Kestrelford Care/g' \"$1\"\n")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
        edited = foi("request", "edit", ref, db=db, env={**sign, "EDITOR": str(script)})
        assert edited.exit_code == 0, edited.stderr
        assert "letter updated" in edited.stdout
        new = foi("search", "Kestrelford", "--json", db=db).json()
        assert [h["reference"] for h in new] == [ref], new
        old = foi("search", '"Mersey Care"', "--json", db=db).json()
        assert old == [], old
        assert os.environ.get("EDITOR") != str(script)
