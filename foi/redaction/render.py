"""Redacted copies of files in which what was removed is gone, not covered.

A PDF is opened as a `Document`: its pages rendered to images (poppler's ``pdftoppm``) and
read into words with their positions, from the text layer (``pdftotext -bbox-layout``) or,
on a page without one (a scan), by OCR (Tesseract's TSV). `Document.page_texts` is each
page's text built from those words, so a span of it (a finding, or a phrase the volunteer
gives) maps back to the boxes of its words. `Document.redact` burns black boxes into the
page images (Pillow), gives every page back a text layer by OCR of the burnt image
(``tesseract page.png out pdf``), and joins the pages with pypdf. Every page is rebuilt from
its image, so nothing of the original file survives: no text layer, fonts, metadata, XMP,
annotations, embedded files or scripts. The result is checked: its extracted text must not
hold any phrase that was removed, or `RedactionError` is raised.

DOCX and XLSX files are laid out as text pages first (fpdf2), images wrapped as PDF pages
(Pillow); see `to_pdf`. Coordinates are PDF points (1/72 inch) from the page's top-left
corner, as ``pdftotext -bbox-layout`` gives them and as ``--region`` takes them.

Pure of the database; runs the poppler and Tesseract programs in a private temporary folder.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from foi.errors import FoiError, UsageError
from foi.redaction.findings import normalise

DPI = 200  # page images: sharp enough for Tesseract, small enough to publish
PAD = 1.5  # points added around each word's box
MAX_PAGES = 500  # pages in one file: rendering and OCR take a few seconds a page
MAX_PIXELS = 7000  # the longest side of a page image
MAX_MEMORY = 2 * 2**30  # bytes of address space for one poppler or Tesseract run
TIMEOUT = 300  # seconds for one program run on one file or page
IMAGE_TYPES = {"png", "jpg", "jpeg", "tif", "tiff", "gif", "bmp", "webp"}
_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


class RedactionError(FoiError):
    """A file that cannot be read or redacted, or a copy that failed its check."""

    exit_code = 1


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in points from the top-left


@dataclass(frozen=True)
class Word:
    text: str
    box: Box


@dataclass
class Page:
    """One page: its size in points, its words, and its text built from them."""

    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    method: str = "text-layer"  # or "ocr"
    text: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)  # each word's span in `text`

    def build_text(self, lines: Sequence[Sequence[Word]]) -> None:
        """Lay the words out as lines of text and remember where each word is."""
        parts: list[str] = []
        pos = 0
        self.words, self.spans = [], []
        for line in lines:
            for i, w in enumerate(line):
                if i:
                    parts.append(" ")
                    pos += 1
                t = normalise(w.text)
                self.words.append(Word(t, w.box))
                self.spans.append((pos, pos + len(t)))
                parts.append(t)
                pos += len(t)
            parts.append("\n")
            pos += 1
        self.text = "".join(parts)

    def boxes_for(self, start: int, end: int) -> list[Box]:
        """The boxes of the words that a span of `text` touches."""
        return [
            self.words[i].box
            for i, (s, e) in enumerate(self.spans)
            if s < end and e > start and self.words[i].text.strip()
        ]

    def find(self, phrase: str) -> list[tuple[int, int]]:
        """Spans of `text` holding the phrase (any case, any spacing, within words too)."""
        words = [re.escape(w) for w in normalise(phrase).split()]
        if not words:
            return []
        pattern = re.compile(r"\s+".join(words), re.IGNORECASE)
        return [(m.start(), m.end()) for m in pattern.finditer(self.text)]


@dataclass(frozen=True)
class Area:
    """Something to remove: boxes on a page, and the text that was there (if known)."""

    page: int
    boxes: tuple[Box, ...]
    kind: str  # a finding's kind, "text" or "region"
    text: str | None = None
    why: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "page": self.page,
            "kind": self.kind,
            "why": self.why,
            "text": self.text,
            "boxes": [[round(v, 2) for v in b] for b in self.boxes],
        }


@dataclass
class RedactedCopy:
    data: bytes
    pages: list[str]  # the copy's text, page by page, as a reader would extract it


def _limits() -> None:
    """In the child, before the program starts: cap its memory and CPU time (a PDF bomb)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MAX_MEMORY, MAX_MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (TIMEOUT, TIMEOUT))


def _run(args: Sequence[str], what: str) -> subprocess.CompletedProcess[bytes]:
    """Run a program; RedactionError with its complaint if it fails or is not installed."""
    if shutil.which(args[0]) is None:
        package = "poppler-utils" if args[0].startswith("pdf") else "tesseract-ocr"
        raise RedactionError(f"{args[0]} is not installed: install Debian's {package}")
    try:
        done = subprocess.run(
            list(args), capture_output=True, timeout=TIMEOUT, check=False, preexec_fn=_limits
        )
    except subprocess.TimeoutExpired:
        raise RedactionError(f"{what} took longer than {TIMEOUT} s: not redacted") from None
    if done.returncode < 0:  # killed: by a limit below, or from outside
        raise RedactionError(
            f"{what} was stopped (signal {-done.returncode}): the file needs more than "
            f"{MAX_MEMORY // 2**20} MiB or {TIMEOUT} s of CPU; not redacted"
        )
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RedactionError(f"{what} failed: {reason[-1] if reason else 'no reason given'}")
    return done


def parse_region(text: str) -> tuple[int, Box]:
    """'2:72,100,300,140' -> (2, (72.0, 100.0, 300.0, 140.0)); UsageError otherwise."""
    m = re.fullmatch(
        r"\s*(\d+)\s*:\s*([-\d.]+)\s*,\s*([-\d.]+)\s*,\s*([-\d.]+)\s*,\s*([-\d.]+)\s*", text
    )
    try:
        if not m:
            raise ValueError
        page = int(m.group(1))
        x0, y0, x1, y1 = (float(m.group(i)) for i in range(2, 6))
    except ValueError:
        raise UsageError(
            f"region {text!r}: give PAGE:x0,y0,x1,y1 in points from the page's top-left, "
            "e.g. 1:72,90,300,130"
        ) from None
    if page < 1 or x1 <= x0 or y1 <= y0 or min(x0, y0) < 0:
        raise UsageError(f"region {text!r}: the page counts from 1 and x1 > x0 >= 0, y1 > y0 >= 0")
    return page, (x0, y0, x1, y1)


# -- converting other files to PDF -------------------------------------------------------------


def file_type(filename: str, content_type: str | None, data: bytes) -> str:
    """'pdf', 'docx', 'xlsx', 'image' or 'text', from the bytes first, then the name."""
    ext = filename.rpartition(".")[2].lower() if "." in filename else ""
    if data[:5] == b"%PDF-":
        return "pdf"
    if (
        data[:8] == b"\x89PNG\r\n\x1a\n"
        or data[:3] == b"\xff\xd8\xff"
        or data[:4] in (b"II*\x00", b"MM\x00*")
    ):
        return "image"
    if data[:2] == b"PK" and ext in ("docx", "xlsx"):
        return ext
    if ext in IMAGE_TYPES or (content_type or "").startswith("image/"):
        return "image"
    if ext in ("txt", "csv") or (content_type or "").startswith("text/"):
        return "text"
    raise RedactionError(
        f"{filename}: foi can redact PDF, DOCX, XLSX, image and text files, not this one"
    )


def docx_paragraphs(data: bytes) -> list[str]:
    """The paragraphs of a DOCX (python-docx), tables as tab-separated rows, in order."""
    import docx
    from docx.oxml.ns import qn

    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:  # zipfile's, lxml's and python-docx's own errors
        raise RedactionError(f"the DOCX cannot be read: {type(exc).__name__}: {exc}") from None
    lines: list[str] = []
    for block in body.iterchildren():
        if block.tag == qn("w:tbl"):
            for row in block.iter(qn("w:tr")):
                lines.append(
                    "\t".join(
                        "".join(t.text or "" for t in cell.iter(qn("w:t")))
                        for cell in row.iter(qn("w:tc"))
                    )
                )
        elif block.tag == qn("w:p"):
            lines.append(
                "".join(
                    (n.text or "") if n.tag == qn("w:t") else "\t" if n.tag == qn("w:tab") else ""
                    for n in block.iter()
                )
            )
    return lines


def xlsx_rows(data: bytes) -> list[str]:
    """Each sheet's name, then its rows as tab-separated values."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise RedactionError(f"the XLSX cannot be read: {exc}") from None
    lines: list[str] = []
    for ws in wb.worksheets:
        lines.append(f"Sheet: {ws.title}")
        for row in ws.iter_rows(values_only=True):
            cells = ["" if v is None else str(v) for v in row]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                lines.append("\t".join(cells))
        lines.append("")
    wb.close()
    return lines


def text_pdf(lines: Iterable[str], title: str) -> bytes:
    """Lines of text laid out on A4 pages (fpdf2), the file's name at the top."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, 20)
    unicode_font = _FONT.exists()
    if unicode_font:
        pdf.add_font("body", fname=str(_FONT))
    family = "body" if unicode_font else "helvetica"

    def clean(s: str) -> str:
        s = normalise(s).replace("\t", "    ")
        return s if unicode_font else s.encode("latin-1", "replace").decode("latin-1")

    pdf.add_page()
    pdf.set_font(family, size=13)
    pdf.multi_cell(0, 7, clean(title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(family, size=11)
    for line in lines:
        pdf.multi_cell(0, 6, clean(line) or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def image_pdf(data: bytes) -> bytes:
    """An image (every frame of a TIFF) as PDF pages, at the image's own resolution."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
        frames = [f.convert("RGB") for f in ImageSequence.Iterator(img)]
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as exc:
        raise RedactionError(f"the image cannot be read: {exc}") from None
    dpi = img.info.get("dpi", (150, 150))[0] or 150
    out = io.BytesIO()
    frames[0].save(out, "PDF", resolution=float(dpi), save_all=True, append_images=frames[1:])
    return out.getvalue()


def to_pdf(data: bytes, filename: str, content_type: str | None = None) -> bytes:
    """The file as a PDF: a PDF as it is, others converted (see `file_type`)."""
    kind = file_type(filename, content_type, data)
    if kind == "pdf":
        return data
    if kind == "image":
        return image_pdf(data)
    if kind == "docx":
        return text_pdf(docx_paragraphs(data), filename)
    if kind == "xlsx":
        return text_pdf(xlsx_rows(data), filename)
    return text_pdf(data.decode("utf-8", "replace").splitlines(), filename)


# -- reading a PDF's pages into words -------------------------------------------------------------


class Document:
    """A PDF's pages as images and words, in a private temporary folder (a context manager)."""

    def __init__(self, pdf: bytes, *, dpi: int = DPI) -> None:
        self.dpi = dpi
        self._tmp = tempfile.TemporaryDirectory(prefix="foi-redact-")
        self.dir = Path(self._tmp.name)
        (self.dir / "in.pdf").write_bytes(pdf)
        self.pages: list[Page] = []
        self.images: list[Path] = []

    def __enter__(self) -> Document:
        try:
            self._read()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._tmp.cleanup()

    @property
    def page_texts(self) -> list[tuple[int, str]]:
        return [(p.number, p.text) for p in self.pages]

    def _read(self) -> None:
        src = str(self.dir / "in.pdf")
        layout = _run(["pdftotext", "-bbox-layout", src, "-"], "reading the PDF (pdftotext)")
        self.pages = _bbox_pages(layout.stdout)
        if not self.pages:
            raise RedactionError("the PDF has no pages")
        if len(self.pages) > MAX_PAGES:
            raise RedactionError(
                f"the file has {len(self.pages)} pages; foi redacts at most {MAX_PAGES}: "
                "split it first (e.g. with qpdf --split-pages)"
            )
        # A huge page at the usual resolution would be a huge image: lower it to fit.
        longest = max(max(p.width, p.height) for p in self.pages) or 1.0
        self.dpi = max(36, min(self.dpi, int(MAX_PIXELS * 72 / longest)))
        _run(["pdftoppm", "-r", str(self.dpi), "-png", src, str(self.dir / "page")], "pdftoppm")
        self.images = sorted(
            self.dir.glob("page-*.png"), key=lambda p: int(p.stem.rpartition("-")[2])
        )
        if len(self.images) != len(self.pages):
            raise RedactionError("pdftoppm and pdftotext disagree on the number of pages")
        for page, image in zip(self.pages, self.images, strict=True):
            ocr = self._ocr_lines(image)
            if len(page.text.strip()) < 20:  # no usable text layer: a scan
                page.method = "ocr"
                page.build_text(ocr)
                continue
            # Text drawn in a picture on a text page: OCR words no text-layer word covers.
            taken = [w.box for w in page.words]
            extra = [[w for w in line if not _covered(w.box, taken)] for line in ocr]
            extra = [line for line in extra if line]
            if extra:
                page.build_text([*_lines_of(page), *extra])

    def _ocr_lines(self, image: Path) -> list[list[Word]]:
        """The words Tesseract reads on a page image, line by line, in points."""
        done = _run(
            ["tesseract", str(image), "-", "--dpi", str(self.dpi), "tsv"], "OCR (tesseract)"
        )
        scale = 72.0 / self.dpi
        lines: dict[tuple[int, int, int], list[Word]] = {}
        for row in done.stdout.decode("utf-8", "replace").splitlines()[1:]:
            cols = row.split("\t")
            if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
                continue
            left, top, width, height = (float(c) for c in cols[6:10])
            box = (left * scale, top * scale, (left + width) * scale, (top + height) * scale)
            lines.setdefault((int(cols[2]), int(cols[3]), int(cols[4])), []).append(
                Word(cols[11], box)
            )
        return [lines[k] for k in sorted(lines)]

    def redact(self, areas: Sequence[Area], *, check: Sequence[str] = ()) -> RedactedCopy:
        """A new PDF with the areas burnt out of every page image and a text layer by OCR.

        `check` lists phrases that must not be in the copy's text (what was removed); if
        one is, RedactionError names it and its page.
        """
        from PIL import Image, ImageDraw
        from pypdf import PdfReader, PdfWriter

        scale = self.dpi / 72.0
        writer = PdfWriter()
        for page, image in zip(self.pages, self.images, strict=True):
            with Image.open(image) as img:
                burnt = img.convert("RGB")
            draw = ImageDraw.Draw(burnt)
            for area in areas:
                if area.page != page.number:
                    continue
                for x0, y0, x1, y1 in area.boxes:
                    draw.rectangle(
                        (
                            max(0, (x0 - PAD) * scale),
                            max(0, (y0 - PAD) * scale),
                            (x1 + PAD) * scale,
                            (y1 + PAD) * scale,
                        ),
                        fill="black",
                    )
            flat = self.dir / f"burnt-{page.number}.png"
            burnt.save(flat, "PNG", dpi=(self.dpi, self.dpi))
            stem = self.dir / f"out-{page.number}"
            _run(
                ["tesseract", str(flat), str(stem), "--dpi", str(self.dpi), "pdf"],
                "OCR (tesseract)",
            )
            for p in PdfReader(str(stem) + ".pdf").pages:
                writer.add_page(p)
        writer.add_metadata({"/Producer": "foi (redacted copy)"})
        buf = io.BytesIO()
        writer.write(buf)
        data = buf.getvalue()
        pages = extract_text(data, self.dir / "check.pdf")
        left = still_there(pages, check)
        if left:
            page, phrase = left[0]
            raise RedactionError(
                f"the redacted copy still shows {phrase!r} on page {page} (OCR read it where no "
                "text layer had it): add that place with --region and try again"
            )
        return RedactedCopy(data, pages)


def _covered(box: Box, others: Sequence[Box]) -> bool:
    """Whether a box's centre lies inside any of the others."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(o[0] - PAD <= cx <= o[2] + PAD and o[1] - PAD <= cy <= o[3] + PAD for o in others)


def _lines_of(page: Page) -> list[list[Word]]:
    """A page's words back as lines (as `Page.build_text` laid them out)."""
    lines: list[list[Word]] = [[]]
    for word, (start, _) in zip(page.words, page.spans, strict=True):
        if start and page.text[start - 1] == "\n":
            lines.append([])
        lines[-1].append(word)
    return [line for line in lines if line]


def _bbox_pages(xhtml: bytes) -> list[Page]:
    """Pages, words and lines from `pdftotext -bbox-layout` output."""
    ns = "{http://www.w3.org/1999/xhtml}"
    try:
        root = ET.fromstring(xhtml)
    except ET.ParseError as exc:
        raise RedactionError(f"cannot read pdftotext's layout: {exc}") from None
    pages = []
    for n, el in enumerate(root.iter(f"{ns}page"), start=1):
        page = Page(n, float(el.get("width", 0)), float(el.get("height", 0)))
        lines = []
        for line in el.iter(f"{ns}line"):
            words = [
                Word(
                    w.text or "",
                    (
                        float(w.get("xMin", 0)),
                        float(w.get("yMin", 0)),
                        float(w.get("xMax", 0)),
                        float(w.get("yMax", 0)),
                    ),
                )
                for w in line.iter(f"{ns}word")
            ]
            if words:
                lines.append(words)
        page.build_text(lines)
        pages.append(page)
    return pages


def extract_text(pdf: bytes, scratch: Path) -> list[str]:
    """A PDF's text page by page, as `pdftotext` extracts it."""
    scratch.write_bytes(pdf)
    done = _run(["pdftotext", str(scratch), "-"], "reading the PDF's text (pdftotext)")
    pages = done.stdout.decode("utf-8", "replace").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", normalise(text)).casefold().strip()


def still_there(pages: Sequence[str], phrases: Iterable[str]) -> list[tuple[int, str]]:
    """(page, phrase) for each removed phrase that the pages' text still holds."""
    found = []
    squashed = [_squash(p) for p in pages]
    for phrase in phrases:
        p = _squash(phrase)
        if len(p) < 3:
            continue
        for n, text in enumerate(squashed, start=1):
            if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text):
                found.append((n, phrase))
    return found
