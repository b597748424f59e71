"""The readers, one format at a time (in this process: the sandbox is tested end to end)."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest

from foi.reading.formats import ExtractError, Limits, read_file
from foi.reading.search import parse
from foi.reading.words import stem, stems, words
from tests.reading import files


def read(tmp: Path, name: str, data: bytes, limits: Limits | None = None):  # type: ignore[no-untyped-def]
    path = tmp / "file"
    path.write_bytes(data)
    return read_file(path, name, None, limits or Limits())


def odt(paragraphs: list[str]) -> bytes:
    from odf import text
    from odf.opendocument import OpenDocumentText

    doc = OpenDocumentText()
    for p in paragraphs:
        doc.text.addElement(text.P(text=p))
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()


def ods(rows: list[list[str]]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Figures")
    for row in rows:
        tr = TableRow()
        for value in row:
            cell = TableCell()
            cell.addElement(P(text=value))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()


def test_odf_rtf_html_and_csv(tmp_path: Path) -> None:
    assert read(tmp_path, "a.odt", odt(["Board minutes", "The Response Plan was agreed"]))[
        0
    ].text == ("Board minutes\nThe Response Plan was agreed")
    sheet = read(tmp_path, "a.ods", ods([["Year", "HIU"], ["2020", "12"]]))
    assert sheet[0].text == "Figures\nYear\tHIU\n2020\t12"
    rtf = rb"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard High Intensity \b User\b0\par}"
    assert read(tmp_path, "a.rtf", rtf)[0].text.strip() == "High Intensity User"
    html = b"<html><head><style>p{}</style><script>x()</script></head><body><p>One</p><p>Two &amp; three</p></body></html>"
    assert read(tmp_path, "a.html", html)[0].text == "One\n\nTwo & three"
    pages = read(tmp_path, "a.csv", b"a,b\r\n1,2\r\n\x0cpage,two\r\n")
    assert [(p.page, p.method) for p in pages] == [(1, "plain"), (2, "plain")]


def test_a_pdf_page_without_a_usable_text_layer_is_read_by_ocr(tmp_path: Path) -> None:
    """A text page, then a page that is only an image: the first by its layer, the second by
    OCR (fpdf2 draws the image; the page has no text)."""
    from fpdf import FPDF

    image = io.BytesIO()
    files.page_image(["The Response Plan was withdrawn"]).save(image, format="PNG")
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "A page with a real text layer, about the crisis team and its work.")
    pdf.add_page()
    image.seek(0)
    pdf.image(image, x=0, y=0, w=210)
    pages = read(tmp_path, "mixed.pdf", bytes(pdf.output()))
    assert [p.method for p in pages] == ["text-layer", "ocr"]
    assert "Response Plan was withdrawn" in pages[1].text
    assert pages[1].confidence is not None and pages[1].confidence > 50


def test_archives_and_attached_messages_are_read_recursively(tmp_path: Path) -> None:
    inner = EmailMessage()
    inner["From"] = "trust@example.org"
    inner["Subject"] = "Forwarded: SIM review"
    inner.set_content("See the attached minutes.")
    inner.add_attachment(
        files.text_pdf(["High Intensity Network minutes"]),
        maintype="application",
        subtype="pdf",
        filename="minutes.pdf",
    )
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as zf:
        zf.writestr("deep/notes.txt", "Behaviour Management Plan")
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("review.eml", bytes(inner))
        zf.writestr("paper.docx", files.docx_file(["Serenity Integrated Mentoring"]))
        zf.writestr("more.zip", nested.getvalue())
    pages = read(tmp_path, "bundle.zip", outer.getvalue())
    got = [(p.page, p.part, p.text.splitlines()[-1]) for p in pages]
    assert got == [
        (1, "review.eml", "See the attached minutes."),
        (2, "review.eml/minutes.pdf", "High Intensity Network minutes"),
        (3, "paper.docx", "Serenity Integrated Mentoring"),
        (4, "more.zip/deep/notes.txt", "Behaviour Management Plan"),
    ]
    assert pages[1].method == "text-layer"


def test_limits_of_archives_and_output(tmp_path: Path) -> None:
    with pytest.raises(ExtractError, match="ZIP bomb"):
        read(tmp_path, "bomb.zip", files.zip_bomb(64 * 1024**2))
    nested = b"hello"
    for n in range(6):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(f"level{n}.zip" if n else "a.txt", nested)
        nested = buf.getvalue()
    with pytest.raises(ExtractError, match="nested more than 4 deep"):
        read(tmp_path, "deep.zip", nested)
    with pytest.raises(ExtractError, match="output limit"):
        read(tmp_path, "big.txt", b"word " * 1000, Limits(max_chars=100))
    with pytest.raises(ExtractError, match="cannot read an old Office"):
        read(tmp_path, "old.doc", b"\xd0\xcf\x11\xe0" + b"\0" * 600)


def test_words_and_stems_are_the_same_for_every_form() -> None:
    assert stems("High Intensity Users, high-intensity use") == "high intens user high intens use"
    assert [w for w, _s, _e in words("Café_au lait 2020")] == ["café", "au", "lait", "2020"]
    assert stem("mentoring") == stem("mentored") == "mentor"


def test_query_syntax() -> None:
    q = parse('"High Intensity" OR HIU -police report* co-operate')
    assert [[a.kind for a in g] for g in q.groups] == [["phrase", "word"], ["prefix"], ["phrase"]]
    assert [a.stems for a in q.excluded] == [("polic",)]
    assert q.fts() == '("high intens" OR "hiu") AND ("report"*) AND ("co oper") NOT ("polic")'
    assert q.tsquery() == "(('high0intens') | 'hiu') & ('report':*) & (('co0oper')) & !('polic')"
    doc = [(stem(w), s, e) for w, s, e in words("The HIU report, not police.")]
    assert q.matches(doc) is None  # police is excluded
    doc = [(stem(w), s, e) for w, s, e in words("High intensity reporting; co-operated.")]
    assert q.matches(doc) == [(0, 14), (15, 24), (26, 37)]
