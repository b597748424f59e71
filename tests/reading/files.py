"""Files to read, made here with the libraries that write them (no binaries from elsewhere)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def text_pdf(pages: list[str]) -> bytes:
    """A PDF with a text layer, one string per page (fpdf2)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    if FONT.exists():
        return ImageFont.truetype(str(FONT), size)
    return ImageFont.load_default(size=size)


def page_image(lines: list[str], size: tuple[int, int] = (1700, 2200)):  # type: ignore[no-untyped-def]
    """A page as a scanner would give it: black text on white, 200 dpi (Pillow)."""
    from PIL import Image, ImageDraw

    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for n, line in enumerate(lines):
        draw.text((150, 250 + 90 * n), line, fill=0, font=_font(44))
    return image


def scanned_pdf(pages: list[list[str]]) -> bytes:
    """A PDF of page images only, no text layer (Pillow's PDF writer)."""
    images = [page_image(lines) for lines in pages]
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", save_all=True, append_images=images[1:], resolution=200)
    return buf.getvalue()


def png(lines: list[str]) -> bytes:
    buf = io.BytesIO()
    page_image(lines).save(buf, format="PNG")
    return buf.getvalue()


def docx_file(pages: list[str]) -> bytes:
    """A DOCX with a page break between the strings (python-docx)."""
    import docx

    document = docx.Document()
    for n, text in enumerate(pages):
        if n:
            document.add_page_break()
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def xlsx_file(sheets: dict[str, list[list[object]]]) -> bytes:
    """A workbook, one sheet per entry (openpyxl)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def encrypted_pdf() -> bytes:
    """A PDF that needs a password to open (fpdf2's encryption)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.cell(0, 10, "High Intensity Network minutes")
    return bytes(pdf.output())


def zip_bomb(size: int = 2 * 1024**3) -> bytes:
    """A ZIP whose one member claims (and holds) `size` zero bytes in a few MB."""
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("zeros.txt", "w", force_zip64=True) as member,
    ):
        block = b"\0" * (1024 * 1024)
        for _ in range(size // len(block)):
            member.write(block)
    return buf.getvalue()


def pdf_bomb(pages: int = 5000) -> bytes:
    """A PDF of `pages` pages each drawing the same image: tiny, and too big to read."""
    from fpdf import FPDF

    image = io.BytesIO()
    page_image(["a page of a very long scan"], (850, 1100)).save(image, format="PNG")
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        image.seek(0)
        pdf.image(image, x=0, y=0, w=210)
    return bytes(pdf.output())


def reply_with(
    reference: str, files: dict[str, bytes], body: str = "Please find our response attached."
) -> bytes:
    """A reply to `reference` carrying the files as attachments."""
    msg = EmailMessage()
    msg["From"] = "foi@trust.example"
    msg["To"] = "sam@campaign.example"
    msg["Subject"] = f"Re: [{reference}] SIM"
    msg["Date"] = format_datetime(datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    msg["Message-ID"] = make_msgid(domain="trust.example")
    msg.set_content(body)
    types = {
        ".pdf": ("application", "pdf"),
        ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ".xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ".zip": ("application", "zip"),
        ".png": ("image", "png"),
        ".txt": ("text", "plain"),
    }
    for name, data in files.items():
        maintype, subtype = types.get(Path(name).suffix, ("application", "octet-stream"))
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(msg)
