"""The publishable gate and redacted originals, end to end through the CLI.

Real poppler (pdftotext, pdftoppm) and Tesseract; fixture files made here: a text PDF whose
second page quotes the requester's name and address, a scanned PDF (page images only) that
quotes them too, and a DOCX. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import empty_database

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
pytestmark = pytest.mark.skipif(
    subprocess.run(["which", "tesseract", "pdftoppm"], capture_output=True).returncode != 0
    or not Path(FONT).exists(),
    reason="needs Debian's tesseract-ocr, poppler-utils and fonts-dejavu-core",
)

TODAY = "2026-12-10"
NAME, EMAIL, ADDRESS = "Sam Taylor", "sam.taylor@simwatch.org.uk", "12 Mill Lane, Leeds LS6 2AB"
ENV = {"FOI_REQUESTER_NAME": NAME, "FOI_REQUESTER_EMAIL": EMAIL, "FOI_REQUESTER_ADDRESS": ADDRESS}
# What must never be readable in anything published.
REDACTED = ("Sam Taylor", "Taylor", "12 Mill Lane", "Mill Lane", "LS6 2AB", "0113 496 0000")


def text_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "Freedom of Information response\nOur reference AWP-555")
    pdf.add_page()
    pdf.multi_cell(
        0,
        8,
        f"Dear {NAME},\nWe write to you at {ADDRESS}.\n"
        "The trust ran a High Intensity Service from 2019 to 2021.\n"
        "Our officer can be reached on 0113 496 0000.",
    )
    pdf.set_title(f"Reply to {NAME}")  # metadata the copy must not keep
    pdf.set_author(NAME)
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """One page, an image only: no text layer at all."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 40)
    for i, line in enumerate(
        [f"Dear {NAME},", ADDRESS, "The Serenity Integrated Mentoring pilot ran here."]
    ):
        draw.text((150, 200 + 80 * i), line, font=font, fill=0)
    out = io.BytesIO()
    img.save(out, "PDF", resolution=200.0)
    return out.getvalue()


def docx() -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    for line in (f"Dear {NAME}", f"Your address: {ADDRESS}", "High Intensity Network figures"):
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Contact"
    table.rows[0].cells[1].text = "0113 496 0000"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def reply(foi, db_url: str, isolated: Path):  # type: ignore[no-untyped-def]
    """A request with a response carrying the three files; returns (db, ref, {name: id})."""
    empty_database(db_url)
    run = lambda *a, **k: foi(*a, db=db_url, today=TODAY, env=ENV, **k)  # noqa: E731
    assert run("body", "add", "Avon Trust", "--kind", "mental-health-trust", "--ods-code",
               "RVN", "--email", "foi@avon.nhs.example").exit_code == 0  # fmt: skip
    made = run("request", "new", "--body", "RVN", "--title", "SIM", "--sent-on", "2026-11-02",
               "--campaign", "sim-2026", "--json")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    ref = made.json()["reference"]
    files = {"reply.pdf": text_pdf(), "scan.pdf": scanned_pdf(), "figures.docx": docx()}
    for name, data in files.items():
        (isolated / name).write_bytes(data)
    args = [a for name in files for a in ("--file", str(isolated / name))]
    # Marking them publishable while logging: refused, the findings named with their pages.
    refused = run("respond", ref, "--on", "2026-11-20", "--outcome", "successful", *args,
                  "--publishable")  # fmt: skip
    assert refused.exit_code == 4, refused.stderr
    assert (
        "reply.pdf, original): 4 findings: name (page 2); address (page 2); phone (page 2)"
        in (refused.stderr)
        or "reply.pdf, original)" in refused.stderr
    )
    assert "page 2: address '12 Mill Lane, Leeds LS6 2AB' (the requester's address)" in (
        refused.stderr
    )
    assert "Nothing was logged" in refused.stderr
    logged = run("respond", ref, "--on", "2026-11-20", "--outcome", "successful", *args)
    assert logged.exit_code == 0, logged.stderr
    listed = run("request", "publishable", ref, "--json").json()
    ids = {a["filename"]: a["id"] for a in listed}
    return run, db_url, ref, ids, files


def _rows(db: str, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    from sqlalchemy import create_engine, text

    from foi.store.engine import resolve_url

    engine = create_engine(resolve_url(db))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_a_file_quoting_the_requester_is_not_publishable_without_review(reply) -> None:  # type: ignore[no-untyped-def]
    run, db, ref, ids, _ = reply
    no = run("request", "publishable", ref, str(ids["reply.pdf"]))
    assert no.exit_code == 4
    assert "page 2: address '12 Mill Lane, Leeds LS6 2AB'" in no.stderr
    assert "page 2: name 'Sam Taylor'" in no.stderr
    assert "page 2: phone '0113 496 0000'" in no.stderr
    assert "--reviewed" in no.stderr.splitlines()[-1]
    # A term the campaign lists is a finding too.
    assert run("redact-term", "add", "--campaign", "sim-2026", "AWP-555").exit_code == 0
    assert run("redact-term", "list", "--campaign", "sim-2026", "--json").json() == ["AWP-555"]
    again = run("request", "publishable", ref, str(ids["reply.pdf"]))
    assert "page 1: term 'AWP-555' (a term the campaign lists)" in again.stderr
    assert run("redact-term", "remove", "--campaign", "sim-2026", "awp-555").exit_code == 0
    gone = run("redact-term", "remove", "--campaign", "sim-2026", "AWP-555")
    assert gone.exit_code == 3 and "its terms: none" in gone.stderr
    assert not run("request", "publishable", ref, "--json").json()[0]["publishable"]
    # The scan has no text layer and nothing has OCR'd it yet: it counts as unreviewed.
    scan = run("request", "publishable", ref, str(ids["scan.pdf"]))
    assert scan.exit_code == 4
    assert "no text could be read" in scan.stderr
    # With the review flag it is marked, and the review recorded with who and when.
    yes = run("request", "publishable", ref, str(ids["reply.pdf"]), "--reviewed", "--by", "Robin")
    assert yes.exit_code == 0, yes.stderr
    assert "published only once redacted" in yes.stderr
    ((by, at, found),) = _rows(
        db, "SELECT reviewed_by, reviewed_at, findings FROM attachment_reviews"
    )
    assert by == "Robin" and at is not None
    assert '"page": 2' in str(found).replace("'", '"') and "address" in str(found)


def test_redacted_and_published_copies_hold_none_of_what_was_removed(reply, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    run, db, ref, ids, files = reply
    before = {sha for (sha,) in _rows(db, "SELECT sha256 FROM attachments")}
    # A proposal without --yes writes nothing.
    dry = run("redact", ref, str(ids["reply.pdf"]))
    assert dry.exit_code == 0, dry.stderr
    assert "12 Mill Lane, Leeds LS6 2AB" in dry.stdout and "nothing written" in dry.stdout
    assert _rows(db, "SELECT count(*) FROM redactions") == [(0,)]
    done = {}
    for name in files:
        extra = ["--text", "Serenity Integrated Mentoring pilot"] if name == "scan.pdf" else []
        got = run("redact", ref, str(ids[name]), *extra, "--yes", "--json")
        assert got.exit_code == 0, got.stderr
        done[name] = got.json()
    pages = {a["page"] for a in done["reply.pdf"]["areas"]}
    assert pages == {2}
    assert {a["kind"] for a in done["scan.pdf"]["areas"]} == {"name", "address", "text"}
    # Now the redacted copies hold no personal data: marked without --reviewed.
    marked = run("request", "publishable", ref, *(str(i) for i in ids.values()))
    assert marked.exit_code == 0, marked.stderr
    site = isolated / "site"
    pub = run("publish", "--campaign", "sim-2026", str(site), "--json")
    assert pub.exit_code == 0, pub.stderr
    assert pub.json()["files_published"] == 3
    pdfs = sorted(site.rglob("*.pdf"), key=lambda p: p.name)
    assert [p.name for p in pdfs] == [
        "figures-redacted.pdf",
        "reply-redacted.pdf",
        "scan-redacted.pdf",
    ]
    # Every published file, as a reader would extract its text, holds none of it.
    published = ""
    for path in site.rglob("*"):
        if path.suffix == ".pdf":
            text = pdftotext(path)
            assert text.strip(), path
        elif path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
        else:
            continue
        published += " ".join(text.split()) + "\n"
        for secret in REDACTED:
            assert secret.lower() not in text.lower(), (secret, path)
    assert "High Intensity Service" in published  # what was not redacted is still there
    assert "High Intensity Network" in published
    # The site's search sees the redacted text: one HTML page per copy.
    page = next(site.rglob("reply-redacted.pdf.html")).read_text()
    assert "High Intensity Service" in page and "Mill Lane" not in page
    # No metadata of the original survives in the copy.
    info = subprocess.run(["pdfinfo", str(next(site.rglob("reply-redacted.pdf")))],
                          capture_output=True, check=True).stdout.decode()  # fmt: skip
    assert "Taylor" not in info and "Metadata Stream: no" in info
    # The originals are byte for byte as they came in.
    out = isolated / "originals"
    assert run("request", "files", ref, str(out)).exit_code == 0
    for name, data in files.items():
        assert (out / name).read_bytes() == data
        assert hashlib.sha256(data).hexdigest() in before
    assert {sha for (sha,) in _rows(db, "SELECT sha256 FROM attachments")} == before
    assert run("db", "check").exit_code == 0
    # A bundle marked public carries the same redacted copies, never an original or raw mail.
    bundle = isolated / "public.zip"
    made = run("request", "bundle", ref, str(bundle), "--public", "--json")
    assert made.exit_code == 0, made.stderr
    (isolated / "unzipped").mkdir()
    with zipfile.ZipFile(bundle) as zf:
        names = zf.namelist()
        zf.extractall(isolated / "unzipped")
    assert not [n for n in names if n.endswith(".eml")]
    assert sorted(n.split("-attachment-")[1] for n in names if "-attachment-" in n) == [
        "figures-redacted.pdf",
        "reply-redacted.pdf",
        "scan-redacted.pdf",
    ]
    for path in (isolated / "unzipped").iterdir():
        text = pdftotext(path) if path.suffix == ".pdf" else path.read_text()
        for secret in (*REDACTED, EMAIL):
            assert secret.lower() not in text.lower(), (secret, path)


def test_a_region_is_burnt_out_and_a_phrase_not_found_is_said(reply, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    run, db, ref, ids, _ = reply
    bad = run("redact", ref, str(ids["reply.pdf"]), "--region", "2:10,10")
    assert bad.exit_code == 2 and "PAGE:x0,y0,x1,y1" in bad.stderr
    off = run("redact", ref, str(ids["reply.pdf"]), "--region", "9:0,0,10,10", "--yes")
    assert off.exit_code == 2 and "the file has 2 pages" in off.stderr
    # Page 1's second line ("Our reference AWP-555") sits 57 to 68 points down.
    got = run("redact", ref, str(ids["reply.pdf"]), "--region", "1:0,52,595,72",
              "--text", "not in this file", "--yes", "--json")  # fmt: skip
    assert got.exit_code == 0, got.stderr
    assert "'not in this file' is not in reply.pdf" in got.stderr
    ((sha,),) = _rows(db, "SELECT sha256 FROM redactions")
    (isolated / "copy").mkdir()
    from sqlalchemy.orm import Session

    from foi.evidence import blobs
    from foi.store.engine import make_engine, resolve_url

    engine = make_engine(resolve_url(db))
    with Session(engine) as s:
        data = blobs.read_blob(s, sha)
    engine.dispose()
    (isolated / "copy" / "c.pdf").write_bytes(data)
    text = pdftotext(isolated / "copy" / "c.pdf")
    assert "Freedom of Information response" in text and "AWP-555" not in text
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "2", "-l", "2",
                    str(isolated / "copy" / "c.pdf"), str(isolated / "copy" / "p")], check=True)  # fmt: skip
