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


def msg_file(subject: str, body: str, sender: str) -> bytes:
    """A minimal Outlook .msg: an OLE compound file written by extract-msg's own OleWriter,
    holding the property streams Outlook writes for a message (class, subject, body, sender)
    and an empty named-property map."""
    import struct

    from extract_msg.ole_writer import OleWriter

    ole = OleWriter()
    # The top-level property stream: a 32-byte header (no recipients, no attachments).
    ole.addEntry("__properties_version1.0", struct.pack("<8xIIII8x", 0, 0, 0, 0))
    for tag, value in (("001A", "IPM.Note"), ("0037", subject), ("1000", body), ("0C1A", sender)):
        ole.addEntry(f"__substg1.0_{tag}001F", value.encode("utf-16-le"))  # PT_UNICODE
    ole.addEntry("__nameid_version1.0", storage=True)
    for stream in ("00020102", "00030102", "00040102"):
        ole.addEntry(f"__nameid_version1.0/__substg1.0_{stream}", b"")
    buf = io.BytesIO()
    ole.write(buf)
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


def pdf_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A one-page PDF drawing a FlateDecode image of width x height zero bytes (~400 MB
    decoded from ~400 kB), written object by object."""
    import zlib

    comp = zlib.compressobj(9)
    row = b"\0" * width
    data = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    content = b"q 612 0 0 792 0 0 cm /Im0 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
        % (width, height, len(data))
        + data
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def zip_bomb(size: int = 256 * 1024**2) -> bytes:
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


def long_scan(pages: int = 5000) -> bytes:
    """A PDF of `pages` scanned pages (the same image each time): small, and too long to OCR."""
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
