"""The evidence store in the database: round trips, chunking, streaming, atomicity, checks, export.

Every test runs on a real SQLite file and, with FOI_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from foi.evidence import blobs
from foi.evidence.blobs import BlobError, safe_filename, sha256_bytes
from foi.store import engine as db
from foi.store.models import Attachment, Blob, BlobChunk, InboxMessage


@pytest.fixture
def engine(db_url: str) -> Iterator[object]:
    url = db.resolve_url(db_url)
    eng = db.make_engine(url)
    db.ensure_schema(eng, url, create=True)
    yield eng
    eng.dispose()


@pytest.fixture
def s(engine) -> Iterator[Session]:  # type: ignore[no-untyped-def]
    with db.session_scope(engine) as session:
        yield session


def _chunks(s: Session, sha: str) -> list[int]:
    blob_id = s.scalar(select(Blob.id).where(Blob.sha256 == sha))
    return [
        len(d)
        for d in s.scalars(
            select(BlobChunk.data).where(BlobChunk.blob_id == blob_id).order_by(BlobChunk.seq)
        )
    ]


def test_sha256_bytes() -> None:
    assert sha256_bytes(b"") == hashlib.sha256(b"").hexdigest()


def test_put_read_round_trip_in_1_mib_pieces(s: Session) -> None:
    data = os.urandom(blobs.CHUNK_SIZE * 2 + 123)
    sha = blobs.put_bytes(s, data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert blobs.read_blob(s, sha) == data
    assert _chunks(s, sha) == [blobs.CHUNK_SIZE, blobs.CHUNK_SIZE, 123]
    assert blobs.exists(s, sha)


def test_empty_blob(s: Session) -> None:
    sha = blobs.put_bytes(s, b"")
    assert blobs.read_blob(s, sha) == b""
    assert blobs.check(s) == [f"blob {sha} (0 bytes) is referred to by nothing"]


def test_same_content_stored_once_by_bytes_and_by_stream(s: Session) -> None:
    data = b"the same refusal letter" * 1000
    sha = blobs.put_bytes(s, data)
    assert blobs.put_bytes(s, data) == sha
    assert blobs.put_stream(s, io.BytesIO(data)) == (sha, len(data))
    assert s.scalar(select(Blob.sha256).where(Blob.sha256.like("pending-%"))) is None
    assert len(list(s.scalars(select(Blob.id)))) == 1


def test_stream_is_read_in_pieces_not_whole(s: Session) -> None:
    class Source(io.RawIOBase):
        def __init__(self, total: int) -> None:
            self.left, self.biggest = total, 0

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            assert n != -1, "read whole"
            self.biggest = max(self.biggest, n)
            n = min(n, self.left)
            self.left -= n
            return b"z" * n

    src = Source(5 * blobs.CHUNK_SIZE + 7)
    tracemalloc.start()
    sha, size = blobs.put_stream(s, src)  # type: ignore[arg-type]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert size == 5 * blobs.CHUNK_SIZE + 7
    assert src.biggest <= blobs.CHUNK_SIZE
    assert peak < 4 * blobs.CHUNK_SIZE  # a few pieces at most, never the whole 5 MiB
    with blobs.open_blob(s, sha) as fh:
        assert fh.read(10) == b"z" * 10
        rest = fh.read()
    assert len(rest) == size - 10


def test_put_file_honours_max_bytes(s: Session, tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(b"x" * 2000)
    with pytest.raises(BlobError, match="larger than the limit of 1000 bytes"):
        blobs.put_file(s, path, max_bytes=1000)
    assert blobs.put_file(s, path, max_bytes=2000) == (sha256_bytes(b"x" * 2000), 2000)
    with pytest.raises(BlobError, match="not a regular file"):
        blobs.put_file(s, tmp_path)
    with pytest.raises(BlobError, match="cannot read"):
        blobs.put_file(s, tmp_path / "missing.pdf")


def test_a_stream_over_the_limit_stores_nothing(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BlobError), db.session_scope(engine) as s:
        blobs.put_stream(s, io.BytesIO(b"y" * (3 * blobs.CHUNK_SIZE)), max_bytes=blobs.CHUNK_SIZE)
    with db.session_scope(engine) as s:
        assert list(s.scalars(select(Blob.id))) == []
        assert list(s.scalars(select(BlobChunk.seq))) == []


def test_a_failure_mid_write_leaves_nothing(engine, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    written = []

    def full_disk(piece: bytes) -> None:
        written.append(len(piece))
        if len(written) == 3:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(blobs, "fault_hook", full_disk)
    with pytest.raises(OSError), db.session_scope(engine) as s:
        blobs.put_bytes(s, os.urandom(5 * blobs.CHUNK_SIZE))
    monkeypatch.setattr(blobs, "fault_hook", None)
    with db.session_scope(engine) as s:
        assert list(s.scalars(select(Blob.id))) == []
        assert list(s.scalars(select(BlobChunk.seq))) == []
        assert blobs.check(s) == []


@pytest.mark.parametrize("bad", ["", "abc", "A" * 64, "g" * 64, "../" + "a" * 61, None])
def test_invalid_sha_rejected(s: Session, bad: str) -> None:
    with pytest.raises(BlobError, match="not a SHA-256"):
        blobs.read_blob(s, bad)


def test_missing_blob(s: Session, tmp_path: Path) -> None:
    with pytest.raises(BlobError, match="not in the database"):
        blobs.read_blob(s, "a" * 64)
    with pytest.raises(BlobError, match="not in the database"):
        blobs.export_blob(s, "a" * 64, tmp_path / "out", "x.pdf")
    assert not (tmp_path / "out").exists()


def _corrupt(s: Session, sha: str, data: bytes) -> None:
    blob_id = s.scalar(select(Blob.id).where(Blob.sha256 == sha))
    s.execute(
        update(BlobChunk).where(BlobChunk.blob_id == blob_id, BlobChunk.seq == 0).values(data=data)
    )


def test_corruption_detected_on_read_export_and_check(s: Session, tmp_path: Path) -> None:
    sha = blobs.put_bytes(s, b"original content")
    s.add(InboxMessage(dedupe_key="k", sha256=sha, kind="reply", state="held", imported_at=_now()))
    s.flush()
    assert blobs.check(s) == []
    _corrupt(s, sha, b"tampered content")
    with pytest.raises(BlobError, match="corrupt"):
        blobs.read_blob(s, sha)
    with pytest.raises(BlobError, match="corrupt"):
        blobs.export_blob(s, sha, tmp_path / "out", "letter.pdf")
    assert list((tmp_path / "out").iterdir()) == []  # no file, not even a temporary one
    assert blobs.check(s) == [f"blob {sha} is corrupt: its bytes no longer match its hash"]
    _corrupt(s, sha, b"short")
    assert blobs.check(s) == [f"blob {sha} holds 5 bytes where 16 were stored"]


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime(2026, 12, 1, tzinfo=UTC)


def test_check_finds_missing_blobs_orphans_and_gaps(s: Session) -> None:
    kept = blobs.put_bytes(s, b"referenced")
    orphan = blobs.put_bytes(s, b"nobody refers to me")
    big = blobs.put_bytes(s, b"b" * (2 * blobs.CHUNK_SIZE + 1))
    s.add(InboxMessage(dedupe_key="a", sha256=kept, kind="reply", state="held", imported_at=_now()))
    s.add(InboxMessage(dedupe_key="b", sha256=big, kind="reply", state="held", imported_at=_now()))
    s.add(Attachment(sha256="c" * 64, size=3, filename="gone.pdf", created_at=_now()))
    s.flush()
    big_id = s.scalar(select(Blob.id).where(Blob.sha256 == big))
    s.query(BlobChunk).filter(BlobChunk.blob_id == big_id, BlobChunk.seq == 1).delete()
    attachment_id = s.scalar(select(Attachment.id))
    assert blobs.check(s) == [
        f"blob {big} is missing piece 1",
        f"blob {orphan} (19 bytes) is referred to by nothing",
        f"attachment {attachment_id} refers to blob {'c' * 64}, which is not stored",
    ]
    assert blobs.unreferenced(s) == [orphan]
    assert blobs.remove_if_unreferenced(s, orphan) and not blobs.remove_if_unreferenced(s, orphan)
    assert not blobs.remove_if_unreferenced(s, kept) and blobs.exists(s, kept)  # referred to
    assert blobs.missing_references(s) == [
        f"attachment {attachment_id} refers to blob {'c' * 64}, which is not stored"
    ]


def test_export(s: Session, tmp_path: Path) -> None:
    sha = blobs.put_bytes(s, b"%PDF-1.7 refusal")
    out = tmp_path / "out"
    first = blobs.export_blob(s, sha, out, "Refusal letter.pdf")
    second = blobs.export_blob(s, sha, out, "Refusal letter.pdf")
    assert (first.name, second.name) == ("Refusal letter.pdf", "Refusal letter (2).pdf")
    assert first.read_bytes() == second.read_bytes() == b"%PDF-1.7 refusal"
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert sorted(p.name for p in out.iterdir()) == ["Refusal letter (2).pdf", "Refusal letter.pdf"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("../../etc/passwd", "passwd"), ("..", "attachment"), ("a/b/.bashrc", "bashrc")],
)
def test_export_cannot_escape(s: Session, tmp_path: Path, name: str, expected: str) -> None:
    sha = blobs.put_bytes(s, b"x")
    out = tmp_path / "out"
    assert blobs.export_blob(s, sha, out, name) == out / expected
    assert [p.name for p in out.iterdir()] == [expected]


def test_export_existing_file_untouched(s: Session, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"mine")
    sha = blobs.put_bytes(s, b"theirs")
    assert blobs.export_blob(s, sha, tmp_path, "a.txt").name == "a (2).txt"
    assert (tmp_path / "a.txt").read_bytes() == b"mine"


def test_export_without_hard_links(
    s: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*_a: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    (tmp_path / "a.txt").write_bytes(b"mine")
    sha = blobs.put_bytes(s, b"theirs")
    assert blobs.export_blob(s, sha, tmp_path, "a.txt").name == "a (2).txt"
    assert sorted(p.name for p in tmp_path.glob("a*")) == ["a (2).txt", "a.txt"]
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("a/b/c.txt", "c.txt"),
        ("C:\\Users\\x\\Desktop\\scan.jpg", "scan.jpg"),
        ("dir/", "dir"),
        ("..", "attachment"),
        ("...", "attachment"),
        ("./..", "attachment"),
        (".bashrc", "bashrc"),
        ("", "attachment"),
        (None, "attachment"),
        ("   ", "attachment"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("LPT1.tar.gz", "_LPT1.tar.gz"),
        ("nul", "_nul"),
        ("console.txt", "console.txt"),
        ("Réponse FOI – Trust №5.pdf", "Réponse FOI – Trust №5.pdf"),
        ("Ответ на запрос.docx", "Ответ на запрос.docx"),
        ("答复.pdf", "答复.pdf"),
        ("e\u0301te\u0301.txt", "été.txt"),  # NFC
        ("bad\x00name\x1f.txt", "badname.txt"),
        ("line\nbreak.txt", "linebreak.txt"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override removed
        ('what?<is>:"this"|*.txt', "what__is___this___.txt"),
        ("  spaced   out  .pdf ", "spaced out .pdf"),
        ("trailing dots...", "trailing dots"),
        ("___", "attachment"),
    ],
)
def test_safe_filename(name: str | None, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_fallback() -> None:
    assert safe_filename("", fallback="message.eml") == "message.eml"
    assert safe_filename(None, fallback="../../x.eml") == "x.eml"


def test_safe_filename_long_name_keeps_extension() -> None:
    result = safe_filename("a" * 300 + ".pdf")
    assert len(result) == 150
    assert result == "a" * 146 + ".pdf"
    assert safe_filename("b" * 150) == "b" * 150
    assert safe_filename("b" * 151) == "b" * 150


def test_safe_filename_long_unicode_fits_filesystem_limit() -> None:
    result = safe_filename("ж" * 200 + ".docx")
    assert result.endswith(".docx")
    assert len(result) <= 150
    assert len(result.encode("utf-8")) <= 240


def test_safe_filename_results_are_safe() -> None:
    nasty = [
        "../" * 50 + "x",
        "\\\\server\\share\\..\\..\\f",
        "....//....//etc",
        ".\u2028.\u2029/hidden",
        "\u200b",
        "aux.",
    ]
    for name in nasty:
        result = safe_filename(name)
        assert result
        assert "/" not in result and "\\" not in result
        assert result not in (".", "..")
        assert not result.startswith(".")


def test_export_removes_what_a_killed_export_left(s: Session, tmp_path: Path) -> None:
    import time

    stale = tmp_path / ".report.pdf.k1ll3d.tmp"
    stale.write_bytes(b"half")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    sha = blobs.put_bytes(s, b"whole")
    blobs.export_blob(s, sha, tmp_path, "report.pdf", now=time.time())
    assert not stale.exists() and (tmp_path / "report.pdf").read_bytes() == b"whole"


@pytest.mark.parametrize("how", ["bytes", "stream"])
def test_two_transactions_storing_the_same_bytes_at_once(engine, db_url: str, how: str) -> None:  # type: ignore[no-untyped-def]
    import threading
    import time

    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writer at a time (BEGIN IMMEDIATE): no race to test")
    data = os.urandom(blobs.CHUNK_SIZE + 10)

    def put(s: Session) -> str:
        if how == "bytes":
            return blobs.put_bytes(s, data)
        return blobs.put_stream(s, io.BytesIO(data))[0]

    first, second = Session(engine), Session(engine)
    try:
        sha = put(first)  # not committed yet
        got: list[str] = []
        racer = threading.Thread(target=lambda: got.append(put(second)))
        racer.start()
        time.sleep(0.5)
        assert racer.is_alive()  # waiting for the first transaction's row
        first.commit()
        racer.join(10)
        second.commit()
        assert got == [sha]
    finally:
        first.close()
        second.close()
    with db.session_scope(engine) as s:
        assert len(list(s.scalars(select(Blob.id)))) == 1
        assert blobs.read_blob(s, sha) == data
        assert blobs.check(s) == [f"blob {sha} ({len(data)} bytes) is referred to by nothing"]
