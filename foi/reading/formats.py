"""One file's bytes to its pages of text: the readers, one per format, and the format sniffing.

This module runs inside the limited child process that ``foi.reading.sandbox`` starts (CPU
time, memory and file-size limits set by the child on itself), never in the command's own
process: a hostile file can at worst kill the child. It imports no database. Every reader
is a well-kept library; what is written here is the glue: which reader, where the pages
break, and the limits the libraries do not keep themselves (ZIP members and ratios, nesting,
pages to OCR, characters of output).

- PDF: pypdfium2 (PDFium, Chrome's PDF engine) for the text layer and to render a page for
  OCR when its text layer is empty or garbage.
- Images (PNG, JPEG, TIFF, GIF, BMP, WebP) and rendered pages: the ``tesseract`` program,
  TSV output, for the words and their confidence.
- DOCX: python-docx (pages break at Word's rendered page breaks and explicit breaks);
  XLSX: openpyxl read-only (a sheet a page); ODT/ODS: odfpy; RTF: striprtf; HTML: the
  stdlib's html.parser; attached messages: the stdlib's email (.eml) and extract-msg
  (Outlook .msg); ZIP: the stdlib's zipfile.
"""

from __future__ import annotations

import csv
import email
import email.policy
import io
import re
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from foi.reading.pages import PageText


class ExtractError(Exception):
    """The file cannot be read; the message is the recorded reason (one line)."""


@dataclass(frozen=True)
class Limits:
    """What one file may cost. The CPU and memory limits are set on the child process."""

    cpu_seconds: int = 600
    memory_bytes: int = 2 * 1024**3
    wall_seconds: int = 1800
    max_chars: int = 20_000_000  # characters of text out
    max_pages: int = 5_000  # pages of one PDF read at all
    max_ocr_pages: int = 500  # pages of one file to OCR
    max_members: int = 2_000  # files in one archive
    max_unpacked: int = 512 * 1024**2  # bytes unpacked from one archive, in all
    max_ratio: int = 200  # uncompressed/compressed size of one member
    max_depth: int = 4  # archives and messages inside each other
    max_image_pixels: int = 300_000_000  # one image in a PDF (an A0 scan at 300 dpi is 140M)
    max_render_pixels: int = 60_000_000  # a page rendered for OCR (lower dpi beyond)
    ocr_dpi: int = 300


# A page whose text layer has fewer letters than this is read by OCR instead.
MIN_LETTERS = 20

IMAGE_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"II*\x00", "image"),
    (b"MM\x00*", "image"),
    (b"GIF87a", "image"),
    (b"GIF89a", "image"),
    (b"BM", "image"),
)
EXTENSIONS = {
    ".pdf": "pdf",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".tif": "image",
    ".tiff": "image",
    ".gif": "image",
    ".bmp": "image",
    ".webp": "image",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".odt": "odt",
    ".ods": "ods",
    ".rtf": "rtf",
    ".htm": "html",
    ".html": "html",
    ".txt": "text",
    ".csv": "csv",
    ".tsv": "text",
    ".md": "text",
    ".eml": "eml",
    ".msg": "msg",
    ".zip": "zip",
}
CONTENT_TYPES = {
    "application/pdf": "pdf",
    "text/html": "html",
    "text/csv": "csv",
    "text/plain": "text",
    "message/rfc822": "eml",
    "application/vnd.ms-outlook": "msg",
    "application/zip": "zip",
    "application/rtf": "rtf",
    "text/rtf": "rtf",
}
# Formats cheap and safe enough to read at import, in the importing process (no native code,
# linear in the input): see foi.reading.intake.
CHEAP = frozenset({"text", "csv", "html"})


def sniff(head: bytes, filename: str | None, content_type: str | None) -> str:
    """The reader for a file: by its first bytes, then its name, then its declared type."""
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image"
    for magic, kind in IMAGE_MAGIC:
        if head.startswith(magic):
            return kind
    ext = Path(filename or "").suffix.lower()
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if ext in (".docx", ".xlsx", ".xlsm", ".odt", ".ods"):
            return EXTENSIONS[ext]
        return "zip-like"  # decided by its members (see _zip_kind)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "msg" if ext == ".msg" or content_type == "application/vnd.ms-outlook" else "ole"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if ext in EXTENSIONS:
        return EXTENSIONS[ext]
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype in CONTENT_TYPES:
        return CONTENT_TYPES[ctype]
    if ctype.startswith("image/"):
        return "image"
    lower = head[:512].lstrip().lower()
    if lower.startswith((b"<!doctype html", b"<html")):
        return "html"
    if re.match(rb"^(received|from|return-path|message-id|subject|date|mime-version):", lower):
        return "eml"
    if ctype.startswith("text/") or _looks_like_text(head):
        return "text"
    return "unknown"


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the end
            return False
    return True


def decode_text(data: bytes) -> str:
    """Bytes of a text file as str: UTF-8 (with or without BOM), UTF-16 by BOM, else cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class _Budget:
    """Characters of text and pages of OCR still allowed for the whole file."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.chars = limits.max_chars
        self.ocr_pages = limits.max_ocr_pages

    def take(self, text: str) -> str:
        self.chars -= len(text)
        if self.chars < 0:
            raise ExtractError(
                f"more than {self.limits.max_chars:,} characters of text (output limit)"
            )
        return text

    def ocr(self) -> None:
        self.ocr_pages -= 1
        if self.ocr_pages < 0:
            raise ExtractError(
                f"more than {self.limits.max_ocr_pages} pages need OCR (the per-file limit)"
            )


def read_file(
    path: Path, filename: str | None, content_type: str | None, limits: Limits
) -> list[PageText]:
    """Every page of the file's text, numbered from 1 (archives: their members' in turn)."""
    budget = _Budget(limits)
    pages = list(_read(path, filename, content_type, budget, depth=0, part=None))
    return [PageText(i, p.text, p.method, p.confidence, p.part) for i, p in enumerate(pages, 1)]


def _read(
    path: Path,
    filename: str | None,
    content_type: str | None,
    budget: _Budget,
    depth: int,
    part: str | None,
) -> Iterator[PageText]:
    if depth > budget.limits.max_depth:
        raise ExtractError(f"archives or messages nested more than {budget.limits.max_depth} deep")
    with open(path, "rb") as fh:
        head = fh.read(2048)
    kind = sniff(head, filename, content_type)
    if kind == "zip-like":
        kind = _zip_kind(path)
    reader = READERS.get(kind)
    if reader is None:
        what = {"ole": "an old Office (OLE) document", "unknown": "an unknown format"}.get(
            kind, kind
        )
        raise ExtractError(f"cannot read {what}: save it as PDF, DOCX or text")
    for page in reader(path, budget, depth, part):
        # A member's pages come already counted (and named) by the _read that read them.
        text = budget.take(page.text) if page.part is None else page.text
        yield PageText(page.page, text, page.method, page.confidence, page.part or part)


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names:
                mimetype = zf.read("mimetype")[:100]
                if b"opendocument.text" in mimetype:
                    return "odt"
                if b"opendocument.spreadsheet" in mimetype:
                    return "ods"
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        raise ExtractError(f"damaged ZIP file: {exc}") from exc
    return "zip"


# --------------------------------------------------------------------------------------------
# PDF and OCR


def _garbage(text: str) -> bool:
    """True if a text layer says nothing readable: too few letters, or mostly symbols."""
    letters = sum(map(str.isalnum, text))
    if letters < MIN_LETTERS:
        return True
    if text.count("\ufffd") > len(text) * 0.05:
        return True
    words = re.findall(r"[^\W\d_]{2,}", text)
    return sum(map(len, words)) < letters * 0.5


def _check_images(page: object, number: int, limits: Limits) -> None:
    """Refuse a page drawing an image too large to decode (a PDF bomb) before rendering it."""
    import pypdfium2.raw as raw

    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=4):  # type: ignore[attr-defined]
        width, height = obj.get_px_size()
        if width * height > limits.max_image_pixels:
            raise ExtractError(
                f"PDF bomb: page {number} draws an image of {width:,} x {height:,} pixels "
                f"(limit {limits.max_image_pixels:,})"
            )


def read_pdf(path: Path, budget: _Budget, depth: int, part: str | None) -> Iterator[PageText]:
    import pypdfium2 as pdfium

    limits = budget.limits
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            raise ExtractError("encrypted PDF: it needs a password to open") from exc
        raise ExtractError(f"damaged PDF: {message}") from exc
    try:
        count = len(pdf)
        if count > limits.max_pages:
            raise ExtractError(f"{count:,} pages is over the {limits.max_pages:,}-page limit")
        # First the text layers, and which pages need OCR: a file that would need more OCR
        # than its limit fails before any is done.
        texts: list[str] = []
        to_ocr: list[int] = []
        for index in range(count):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
                textpage.close()
                if _garbage(text):
                    _check_images(page, index + 1, limits)
                    to_ocr.append(index)
            finally:
                page.close()
            texts.append(text)
        if len(to_ocr) > limits.max_ocr_pages:
            raise ExtractError(
                f"{len(to_ocr):,} pages need OCR, over the limit of {limits.max_ocr_pages} per file"
            )
        ocr = set(to_ocr)
        for index, text in enumerate(texts):
            if index not in ocr:
                yield PageText(index + 1, text.strip("\n"), "text-layer", None)
                continue
            budget.ocr()
            page = pdf[index]
            try:
                width, height = page.get_size()
                scale = limits.ocr_dpi / 72
                pixels = width * height * scale * scale
                if pixels > limits.max_render_pixels:
                    scale *= (limits.max_render_pixels / pixels) ** 0.5
                image = page.render(scale=scale, grayscale=True).to_pil()
                buf = io.BytesIO()
                image.save(buf, format="PNG")
                del image
            finally:
                page.close()
            ocr_text, confidence = ocr_image(buf.getvalue(), limits)
            if ocr_text.strip() or not text.strip():
                yield PageText(index + 1, ocr_text, "ocr", confidence)
            else:  # OCR found nothing where the layer had something: keep the layer
                yield PageText(index + 1, text.strip("\n"), "text-layer", None)
    finally:
        pdf.close()


def ocr_image(data: bytes, limits: Limits) -> tuple[str, float | None]:
    """Tesseract on one image (bytes in any format it reads): the text and mean confidence."""
    # Tesseract's own threads follow OMP_THREAD_LIMIT, which the worker sets to 1 when it
    # runs several readers at once (they use the cores between them); else its default.
    try:
        proc = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", "eng", "--psm", "3", "tsv"],
            input=data,
            capture_output=True,
            timeout=limits.wall_seconds,
            check=False,
        )
    except FileNotFoundError as exc:
        raise ExtractError(
            "tesseract is not installed (Debian: apt-get install tesseract-ocr)"
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise ExtractError(f"OCR took more than {limits.wall_seconds} s") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExtractError(f"tesseract failed: {err[-1] if err else proc.returncode}")
    return parse_tsv(proc.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> tuple[str, float | None]:
    """Tesseract's TSV as text (lines and paragraphs kept) and the mean word confidence."""
    lines: list[str] = []
    confs: list[float] = []
    current: tuple[str, ...] | None = None
    paragraph: tuple[str, ...] | None = None
    words: list[str] = []
    for row in csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if len(row) < 12 or row[0] != "5":  # level 5: a word
            continue
        conf, word = float(row[10]), row[11]
        if conf < 0 or not word.strip():
            continue
        key = (row[2], row[3], row[4])  # block, paragraph, line
        if key != current:
            if words:
                lines.append(" ".join(words))
            if paragraph is not None and key[:2] != paragraph:
                lines.append("")
            words, current, paragraph = [], key, key[:2]
        words.append(word)
        confs.append(conf)
    if words:
        lines.append(" ".join(words))
    confidence = round(sum(confs) / len(confs), 1) if confs else None
    return "\n".join(lines), confidence


def read_image(path: Path, budget: _Budget, depth: int, part: str | None) -> Iterator[PageText]:
    from PIL import Image, ImageSequence

    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            if frames == 1:
                budget.ocr()
                text, conf = ocr_image(path.read_bytes(), budget.limits)
                yield PageText(1, text, "ocr", conf)
                return
            for number, frame in enumerate(ImageSequence.Iterator(image), 1):
                budget.ocr()
                buf = io.BytesIO()
                frame.save(buf, format="PNG")
                text, conf = ocr_image(buf.getvalue(), budget.limits)
                yield PageText(number, text, "ocr", conf)
    except (OSError, Image.DecompressionBombError) as exc:
        raise ExtractError(f"cannot read the image: {exc}") from exc


# --------------------------------------------------------------------------------------------
# Office documents


def read_docx(path: Path, budget: _Budget, depth: int, part: str | None) -> Iterator[PageText]:
    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ExtractError(f"damaged DOCX: {exc}") from exc
    except Exception as exc:  # lxml's XMLSyntaxError and python-docx's own
        raise ExtractError(f"damaged DOCX: {type(exc).__name__}: {exc}") from exc
    pages: list[list[str]] = [[]]
    breaks = {qn("w:lastRenderedPageBreak")}
    br, type_ = qn("w:br"), qn("w:type")
    body = document.element.body
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "tbl":
            for row in block.iter(qn("w:tr")):
                cells = [
                    "".join(t.text or "" for t in cell.iter(qn("w:t")))
                    for cell in row.iter(qn("w:tc"))
                ]
                pages[-1].append("\t".join(cells))
            continue
        if tag != "p":
            continue
        line: list[str] = []
        for node in block.iter():
            if node.tag == qn("w:t"):
                line.append(node.text or "")
            elif node.tag == qn("w:tab"):
                line.append("\t")
            elif node.tag in breaks or (node.tag == br and node.get(type_) == "page"):
                if line or pages[-1]:
                    pages[-1].append("".join(line))
                    line = []
                    pages.append([])
            elif node.tag == br:
                line.append("\n")
        pages[-1].append("".join(line))
    texts = ["\n".join(p).strip("\n") for p in pages]
    while len(texts) > 1 and not texts[-1].strip():
        texts.pop()
    for number, text in enumerate(texts, 1):
        yield PageText(number, text, "plain", None)


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def read_xlsx(path: Path, budget: _Budget, depth: int, part: str | None) -> Iterator[PageText]:
    import openpyxl

    # A file object: openpyxl judges a path by its extension.
    with open(path, "rb") as handle:
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ExtractError(f"damaged XLSX: {type(exc).__name__}: {exc}") from exc
        try:
            for number, sheet in enumerate(book.worksheets, 1):
                rows = []
                size = 0
                for row in sheet.iter_rows(values_only=True):
                    line = "\t".join(_cell(v) for v in row).rstrip("\t")
                    size += len(line)
                    if size > budget.chars:
                        budget.take("x" * (size + 1))
                    rows.append(line)
                while rows and not rows[-1]:
                    rows.pop()
                yield PageText(number, f"{sheet.title}\n" + "\n".join(rows), "plain", None)
        finally:
            book.close()


def _odf_text(node: object) -> str:
    from odf import teletype

    return teletype.extractText(node)


def read_odt(path: Path, budget: _Budget, depth: int, part: str | None) -> Iterator[PageText]:
    from odf import text as odftext
    from odf.opendocument import load

    try:
        doc = load(str(path))
    except Exception as exc:
        raise ExtractError(f"damaged ODT: {type(exc).__name__}: {exc}") from exc
    lines = []
    for element in doc.text.childNodes:
        if element.qname[1] in ("p", "h", "list", "section", "table"):
            if element.qname[1] in ("p", "h"):
                lines.append(_odf_text(element))
            else:
                lines += [_odf_text(p) for p in element.getElementsByType(odftext.P)]
    yield PageText(1, "\n".join(lines), "plain", None)


def read_ods(path: Path, budget: _Budget, depth: int, part: str | None) -> Iterator[PageText]:
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow

    try:
        doc = load(str(path))
    except Exception as exc:
        raise ExtractError(f"damaged ODS: {type(exc).__name__}: {exc}") from exc
    for number, table in enumerate(doc.spreadsheet.getElementsByType(Table), 1):
        rows = []
        for row in table.getElementsByType(TableRow):
            cells = [_odf_text(c) for c in row.getElementsByType(TableCell)]
            rows.append("\t".join(cells).rstrip("\t"))
        while rows and not rows[-1]:
            rows.pop()
        name = table.getAttribute("name") or ""
        yield PageText(number, f"{name}\n" + "\n".join(rows), "plain", None)


def read_rtf(path: Path, budget: _Budget, depth: int, part: str | None) -> Iterator[PageText]:
    from striprtf.striprtf import rtf_to_text

    raw = path.read_bytes().decode("cp1252", errors="replace")
    try:
        text = rtf_to_text(raw, errors="replace")
    except Exception as exc:
        raise ExtractError(f"damaged RTF: {type(exc).__name__}: {exc}") from exc
    pages = text.split("\f")
    for number, page in enumerate(pages, 1):
        yield PageText(number, page.strip("\n"), "plain", None)


# --------------------------------------------------------------------------------------------
# Text, HTML


class _HTMLText(HTMLParser):
    BLOCK = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "tr",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "table",
            "ul",
            "ol",
            "section",
            "article",
            "header",
            "footer",
            "blockquote",
            "pre",
            "hr",
            "title",
        ]
    )
    SKIP = frozenset({"script", "style", "head", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The visible text of an HTML document, a line per block."""
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def text_pages(text: str) -> list[str]:
    """A text's pages: split at form feeds (as pdftotext and printers do)."""
    pages = text.replace("\r\n", "\n").replace("\r", "\n").split("\f")
    while len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    return pages


def read_text(path: Path, budget: _Budget, depth: int, part: str | None) -> Iterator[PageText]:
    for number, page in enumerate(text_pages(decode_text(path.read_bytes())), 1):
        yield PageText(number, page, "plain", None)


def read_html(path: Path, budget: _Budget, depth: int, part: str | None) -> Iterator[PageText]:
    yield PageText(1, html_to_text(decode_text(path.read_bytes())), "plain", None)


# --------------------------------------------------------------------------------------------
# Containers: attached messages and ZIP archives


def _inner(
    data: bytes, name: str, ctype: str | None, budget: _Budget, depth: int, part: str | None
) -> Iterator[PageText]:
    """Read a file found inside another (its pages carry the member's path)."""
    inner_part = f"{part}/{name}" if part else name
    with tempfile.TemporaryDirectory(prefix="foi-read-") as tmp:
        target = Path(tmp) / "member"
        target.write_bytes(data)
        try:
            yield from _read(target, name, ctype, budget, depth + 1, inner_part)
        except ExtractError as exc:
            # One unreadable member does not lose the rest: its reason stands in its page.
            if "limit" in str(exc) or "nested" in str(exc):
                raise
            yield PageText(1, f"[{name}: {exc}]", "plain", None, inner_part)


def read_eml(path: Path, budget: _Budget, depth: int, part: str | None) -> Iterator[PageText]:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    header = "\n".join(
        f"{name}: {msg.get(name)}" for name in ("From", "To", "Date", "Subject") if msg.get(name)
    )
    body = msg.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        try:
            content = body.get_content()
        except (LookupError, ValueError):
            content = decode_text(body.get_payload(decode=True) or b"")
        text = html_to_text(content) if body.get_content_subtype() == "html" else content
    yield PageText(1, f"{header}\n\n{text}".strip(), "plain", None)
    for index, att in enumerate(msg.iter_attachments(), 1):
        name = att.get_filename() or f"attachment-{index}"
        if att.get_content_type() == "message/rfc822":
            payload = att.get_payload()
            inner = payload[0].as_bytes() if isinstance(payload, list) else b""
            yield from _inner(inner, name, "message/rfc822", budget, depth, part)
            continue
        data = att.get_payload(decode=True) or b""
        yield from _inner(data, name, att.get_content_type(), budget, depth, part)


def read_msg(path: Path, budget: _Budget, depth: int, part: str | None) -> Iterator[PageText]:
    import extract_msg

    try:
        msg = extract_msg.openMsg(str(path), delayAttachments=False)
    except Exception as exc:
        raise ExtractError(f"damaged Outlook message: {type(exc).__name__}: {exc}") from exc
    try:
        header = "\n".join(
            f"{label}: {value}"
            for label, value in (
                ("From", getattr(msg, "sender", None)),
                ("To", getattr(msg, "to", None)),
                ("Date", getattr(msg, "date", None)),
                ("Subject", getattr(msg, "subject", None)),
            )
            if value
        )
        body = getattr(msg, "body", None) or ""
        yield PageText(1, f"{header}\n\n{body}".strip(), "plain", None)
        for index, att in enumerate(getattr(msg, "attachments", []) or [], 1):
            data = getattr(att, "data", None)
            name = getattr(att, "longFilename", None) or getattr(att, "shortFilename", None)
            name = name or f"attachment-{index}"
            if isinstance(data, bytes):
                yield from _inner(data, name, None, budget, depth, part)
            elif data is not None and hasattr(data, "exportBytes"):  # an attached .msg
                yield from _inner(data.exportBytes(), name, None, budget, depth, part)
    finally:
        msg.close()


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """A member's bytes, never more than `cap` whatever its header claims."""
    out = bytearray()
    with zf.open(info) as fh:
        while True:
            piece = fh.read(1024 * 1024)
            if not piece:
                break
            out += piece
            if len(out) > cap:
                raise ExtractError(f"ZIP bomb: {info.filename} unpacks to more than {cap:,} bytes")
    return bytes(out)


def read_zip(path: Path, budget: _Budget, depth: int, part: str | None) -> Iterator[PageText]:
    limits = budget.limits
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExtractError(f"damaged ZIP file: {exc}") from exc
    with zf:
        members = [i for i in zf.infolist() if not i.is_dir()]
        if len(members) > limits.max_members:
            raise ExtractError(f"{len(members):,} files in one ZIP (limit {limits.max_members:,})")
        unpacked = 0
        for info in members:
            if info.flag_bits & 0x1:
                yield PageText(1, f"[{info.filename}: encrypted in the ZIP]", "plain", None)
                continue
            if info.file_size > max(info.compress_size, 1) * limits.max_ratio:
                raise ExtractError(
                    f"ZIP bomb: {info.filename} claims {info.file_size:,} bytes from "
                    f"{info.compress_size:,} (over {limits.max_ratio}:1)"
                )
            remaining = limits.max_unpacked - unpacked
            try:
                data = _read_member(
                    zf, info, min(remaining, max(info.compress_size, 1) * limits.max_ratio)
                )
            except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:
                yield PageText(1, f"[{info.filename}: {exc}]", "plain", None)
                continue
            unpacked += len(data)
            yield from _inner(data, info.filename, None, budget, depth, part)


READERS = {
    "pdf": read_pdf,
    "image": read_image,
    "docx": read_docx,
    "xlsx": read_xlsx,
    "odt": read_odt,
    "ods": read_ods,
    "rtf": read_rtf,
    "html": read_html,
    "text": read_text,
    "csv": read_text,
    "eml": read_eml,
    "msg": read_msg,
    "zip": read_zip,
}
