"""Redacted copies made with real poppler and Tesseract: what is removed is gone."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from foi.errors import UsageError
from foi.redaction.findings import Person, Watchlist
from foi.redaction.proposal import propose
from foi.redaction.render import Document, parse_region, still_there, to_pdf

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
pytestmark = pytest.mark.skipif(
    subprocess.run(["which", "tesseract", "pdftoppm"], capture_output=True).returncode != 0
    or not Path(FONT).exists(),
    reason="needs Debian's tesseract-ocr, poppler-utils and fonts-dejavu-core",
)
WATCH = Watchlist(people=[Person("requester", "Sam Taylor", None, "12 Mill Lane, Leeds LS6 2AB")])


def loaded_pdf() -> bytes:
    """A text PDF carrying metadata, XMP, an annotation, JavaScript and an embedded file."""
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter
    from pypdf.actions import JavaScript
    from pypdf.annotations import FreeText

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "Dear Sam Taylor,\nThe High Intensity Service closed in 2021.")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    writer.add_metadata({"/Author": "Sam Taylor", "/Title": "Reply to 12 Mill Lane"})
    writer.add_open_action(JavaScript("app.alert('Sam Taylor');"))
    writer.add_attachment("secret.txt", b"Sam Taylor, 12 Mill Lane")
    writer.add_annotation(0, FreeText(text="Sam Taylor lives here", rect=(50, 500, 300, 550)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_nothing_of_the_original_file_survives_in_the_copy(tmp_path: Path) -> None:
    from pypdf import PdfReader

    with Document(loaded_pdf()) as doc:
        prop = propose(doc.pages, WATCH)
        # The annotation is drawn on the page too, so its words are found and burnt as well.
        assert {(a.kind, a.text) for a in prop.areas} == {("name", "Sam Taylor")}
        copy = doc.redact(prop.areas, check=prop.phrases())
    reader = PdfReader(io.BytesIO(copy.data))
    root = reader.trailer["/Root"]
    assert "/Names" not in root and "/OpenAction" not in root and "/Metadata" not in root
    assert all("/Annots" not in p for p in reader.pages)
    assert reader.metadata is not None and "Taylor" not in str(dict(reader.metadata))
    assert b"Taylor" not in copy.data and b"Mill Lane" not in copy.data
    assert "High Intensity Service" in " ".join(copy.pages[0].split())
    assert "Taylor" not in copy.pages[0]
    # Look at it: the name is a black box, the rest is there.
    (tmp_path / "c.pdf").write_bytes(copy.data)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(tmp_path / "c.pdf"), str(tmp_path / "p")], check=True)  # fmt: skip
    from PIL import Image

    with Image.open(next(tmp_path.glob("p-*.png"))) as img:
        assert img.convert("L").getextrema()[0] < 10  # black was burnt in


def test_an_image_is_published_as_a_redacted_pdf() -> None:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1400, 500), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 44)
    draw.text((60, 80), "Patient: Sam Taylor", font=font, fill="black")
    draw.text((60, 180), "Response Plan reviewed monthly", font=font, fill="black")
    png = io.BytesIO()
    img.save(png, "PNG", dpi=(200, 200))
    pdf = to_pdf(png.getvalue(), "scan.png", "image/png")
    assert pdf.startswith(b"%PDF-")
    with Document(pdf) as doc:
        assert doc.pages[0].method == "ocr"
        prop = propose(doc.pages, WATCH)
        copy = doc.redact(prop.areas, check=prop.phrases())
    text = " ".join(copy.pages[0].split())
    assert "Response Plan" in text and "Taylor" not in text


def test_regions_are_checked() -> None:
    assert parse_region("2:72,90.5,300,130") == (2, (72.0, 90.5, 300.0, 130.0))
    for bad in ("2:72,90", "0:1,1,2,2", "1:5,5,4,9", "x"):
        with pytest.raises(UsageError):
            parse_region(bad)


def test_what_is_still_there_is_found_whatever_the_spacing() -> None:
    assert still_there(["Dear  SAM\nTaylor"], ["Sam Taylor"]) == [(1, "Sam Taylor")]
    assert still_there(["Dear Samantha"], ["Sam"]) == []


def test_a_name_inside_a_picture_on_a_text_page_is_found_and_burnt(tmp_path: Path) -> None:
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (1200, 160), "white")
    ImageDraw.Draw(img).text(
        (20, 40), "Signed: Sam Taylor", font=ImageFont.truetype(FONT, 64), fill="black"
    )
    img.save(tmp_path / "sig.png", dpi=(300, 300))
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "The trust piloted a High Intensity Network in 2020 and ended it in 2022.")
    pdf.image(str(tmp_path / "sig.png"), x=20, y=60, w=100)
    with Document(bytes(pdf.output())) as doc:
        assert doc.pages[0].method == "text-layer"
        prop = propose(doc.pages, WATCH)
        assert ("name", "Sam Taylor") in {(a.kind, a.text) for a in prop.areas}
        copy = doc.redact(prop.areas, check=prop.phrases())
    text = " ".join(copy.pages[0].split())
    assert "High Intensity Network" in text and "Taylor" not in text


def test_a_spreadsheet_is_published_as_a_redacted_pdf() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Figures"
    ws.append(["Year", "Referrals", "Contact"])
    ws.append([2021, 42, "sam.taylor@simwatch.org.uk"])
    ws.append([2022, 17, "NHS 943 476 5919"])
    out = io.BytesIO()
    wb.save(out)
    with Document(to_pdf(out.getvalue(), "figures.xlsx")) as doc:
        prop = propose(doc.pages, WATCH)
        assert {a.kind for a in prop.areas} == {"email", "nhs-number"}
        copy = doc.redact(prop.areas, check=prop.phrases())
    text = " ".join(copy.pages[0].split())
    assert "Referrals" in text and "Figures" in text
    assert "simwatch" not in text and "5919" not in text


def test_a_file_needing_more_memory_than_allowed_is_refused_in_one_line(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from foi.redaction import render

    monkeypatch.setattr(render, "MAX_MEMORY", 8 * 2**20)  # far too little for poppler
    with pytest.raises(render.RedactionError) as exc, Document(loaded_pdf()):
        pass
    message = str(exc.value)
    assert "\n" not in message and message.startswith("reading the PDF (pdftotext) failed")
