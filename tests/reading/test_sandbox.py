"""One reading child reads many files: each keeps its own limits and its own result.

A Reader reads good and hostile files in turn; every answer is the one the same file gets
from a Reader of its own, failures are each file's own reason, and the good files after a
failure read as before (a child is retired after a failure; one that failed after reading
others is tried again fresh)."""

from __future__ import annotations

from pathlib import Path

from foi.reading.formats import Limits
from foi.reading.sandbox import Outcome, Reader, extract
from tests.reading import files


def _texts(outcome: Outcome) -> list[str] | str:
    if outcome.pages is None:
        return f"failed: {outcome.failure}"
    return [p.text for p in outcome.pages]


def test_one_reader_many_files_each_answer_its_own(tmp_path: Path) -> None:
    good = [files.text_pdf([f"Document {n} page one", f"High Intensity {n}"]) for n in range(4)]
    docx = files.docx_file(["A board paper", "nothing else"])
    order = [
        ("a.pdf", good[0]),
        ("b.pdf", good[1]),
        ("locked.pdf", files.encrypted_pdf()),
        ("c.pdf", good[2]),
        ("cut.docx", docx[: len(docx) // 2]),
        ("bomb.zip", files.zip_bomb(64 * 1024**2)),
        ("d.pdf", good[3]),
        ("e.pdf", good[0]),
    ]
    for name, data in order:
        (tmp_path / name).write_bytes(data)
    limits = Limits()
    with Reader() as reader:
        together = [_texts(reader.read(tmp_path / n, n, None, limits)) for n, _ in order]
    alone = [_texts(extract(tmp_path / n, n, None, limits)) for n, _ in order]
    assert together == alone
    assert together[0] == ["Document 0 page one", "High Intensity 0"]
    assert together[-1] == together[0]
    assert together[2] == "failed: encrypted PDF: it needs a password to open"
    assert str(together[4]).startswith("failed: damaged")
    assert str(together[5]).startswith("failed: ZIP bomb")
    assert [i for i, t in enumerate(together) if isinstance(t, str)] == [2, 4, 5]


def test_a_file_over_its_wall_clock_limit_fails_alone(tmp_path: Path) -> None:
    """A scan that OCR cannot finish in the wall-clock limit is killed; the next file, read
    by the same Reader, is read in full."""
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(files.scanned_pdf([["A scanned page", "High Intensity Service"]] * 3))
    text = tmp_path / "text.pdf"
    text.write_bytes(files.text_pdf(["Read after the killed one: High Intensity"]))
    with Reader() as reader:
        first = reader.read(text, "text.pdf", None, Limits())
        killed = reader.read(scan, "scan.pdf", None, Limits(wall_seconds=1))
        after = reader.read(text, "text.pdf", None, Limits())
    assert killed.failure == "took more than 1 s (wall-clock limit)"
    assert _texts(after) == _texts(first) == ["Read after the killed one: High Intensity"]
