"""`foi request bundle`: every letter, reply and attachment of a request, dated and indexed."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.evidence.campaign import ALPHA, PDF, REQUESTER, TODAY, build


def test_bundle_holds_the_correspondence_in_date_order(
    foi, db_url: str, isolated: Path, smtp
) -> None:
    refs = build(foi, db_url, isolated, smtp[1])
    made = foi("request", "bundle", refs[ALPHA], "--json", db=db_url, today=TODAY)
    assert made.exit_code == 0, made.stderr
    result = made.json()
    path = Path(result["path"])
    assert path.name == f"{refs[ALPHA]}-correspondence.zip"
    assert (result["letters"], result["replies"], result["attachments"]) == (1, 1, 2)
    assert path.stat().st_mode & 0o777 == 0o600  # it holds the requester's details
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert names == [
            "index.txt",
            "01-2026-11-02-letter-request.txt",
            "02-2026-11-16-reply-1.eml",
            "03-2026-11-16-reply-1.txt",
            "04-2026-11-16-attachment-alpha-response.pdf",
            "05-2026-11-16-attachment-alpha-letter.pdf",
        ]
        index = zf.read("index.txt").decode()
        assert index.startswith(f"Correspondence bundle for {refs[ALPHA]}: Freedom of Information")
        assert "Body: Alpha Mental Health NHS Trust" in index
        assert " 2. 2026-11-16  reply (reply)" in index
        letter = zf.read("01-2026-11-02-letter-request.txt").decode()
        assert "To: foi@ra1.nhs.example" in letter
        assert REQUESTER["FOI_REQUESTER_NAME"] in letter  # the requester's own file: kept
        eml = zf.read("02-2026-11-16-reply-1.eml")
        assert eml == (isolated / "alpha-reply.eml").read_bytes()  # byte for byte
        assert "Dear Jane Quillfeather" in zf.read("03-2026-11-16-reply-1.txt").decode()
        assert zf.read("04-2026-11-16-attachment-alpha-response.pdf") == PDF
        assert zf.read("05-2026-11-16-attachment-alpha-letter.pdf") == PDF.replace(
            b"minimal", b"signed"
        )

    other = isolated / "out" / "b.zip"
    again = foi("request", "bundle", refs[ALPHA], str(other), db=db_url, today=TODAY)
    assert again.exit_code == 0, again.stderr
    assert again.stdout == (f"{refs[ALPHA]}: wrote {other} (1 letters, 1 replies, 2 attachments)\n")
    assert other.read_bytes() == path.read_bytes()  # the same evidence, the same zip
    missing = foi("request", "bundle", "FOI-2026-9999", db=db_url, today=TODAY)
    assert missing.exit_code == 3
