"""The content-addressed file store: round trips, permissions, atomicity, corruption, export."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tracemalloc
from pathlib import Path

import pytest

from foi.errors import FoiError
from foi.evidence import blobs as blobstore
from foi.evidence.blobs import BlobError, BlobStore, safe_filename, sha256_bytes

POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _all_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_sha256_bytes() -> None:
    assert sha256_bytes(b"") == hashlib.sha256(b"").hexdigest()
    assert sha256_bytes(b"abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )


def test_put_get_round_trip(store: BlobStore) -> None:
    sha = store.put(b"Dear FOI officer")
    assert sha == sha256_bytes(b"Dear FOI officer")
    assert store.get(sha) == b"Dear FOI officer"
    assert store.exists(sha)
    assert store.path(sha) == store.root / sha[:2] / sha
    assert store.path(sha).read_bytes() == b"Dear FOI officer"


def test_empty_blob(store: BlobStore) -> None:
    sha = store.put(b"")
    assert store.get(sha) == b""


def test_same_content_stored_once(store: BlobStore) -> None:
    first = store.put(b"response.pdf bytes")
    mtime = store.path(first).stat().st_mtime_ns
    second = store.put(b"response.pdf bytes")
    assert first == second
    assert _all_files(store.root) == [store.path(first)]
    assert store.path(first).stat().st_mtime_ns == mtime  # not rewritten


def test_root_created_lazily(store: BlobStore) -> None:
    assert not store.root.exists()
    assert list(store.shas()) == []
    assert store.verify() == []
    assert store.temp_files() == []
    store.put(b"x")
    assert store.root.is_dir()


@POSIX
def test_modes_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        store = BlobStore(tmp_path / "deep" / "blobs")
        sha = store.put(b"health data")
        source = tmp_path / "big.bin"
        source.write_bytes(b"y" * 10)
        sha2, _ = store.put_file(source)
        exported = store.export(sha, tmp_path / "out", "letter.txt")
    finally:
        os.umask(old)
    assert _mode(store.root) == 0o700
    assert _mode(store.path(sha).parent) == 0o700
    assert _mode(store.path(sha)) == 0o600
    assert _mode(store.path(sha2)) == 0o600
    assert _mode(exported) == 0o600


@POSIX
def test_existing_root_mode_is_left_alone(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    root.mkdir(mode=0o750)
    os.chmod(root, 0o750)
    BlobStore(root).put(b"x")
    assert _mode(root) == 0o750


def test_failed_replace_leaves_nothing(store: BlobStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.put(b"an earlier blob")
    before = _all_files(store.root)

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(BlobError) as info:
        store.put(b"new content")
    assert str(info.value) == f"cannot store a file in {store.root}: No space left on device"
    assert _all_files(store.root) == before  # no partial blob, no temporary file
    assert not store.exists(sha256_bytes(b"new content"))
    assert store.temp_files() == []


def test_failed_write_leaves_nothing(store: BlobStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(BlobError, match="Input/output error"):
        store.put(b"content")
    assert _all_files(store.root) == []


def test_failed_replace_in_put_file_leaves_nothing(
    store: BlobStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"%PDF" * 1000)
    monkeypatch.setattr(os, "replace", lambda src, dst: (_ for _ in ()).throw(OSError(13, "no")))
    with pytest.raises(BlobError):
        store.put_file(source)
    assert _all_files(store.root) == []


def test_no_temp_files_after_success(store: BlobStore, tmp_path: Path) -> None:
    store.put(b"one")
    source = tmp_path / "two.bin"
    source.write_bytes(b"two")
    store.put_file(source)
    assert not [p for p in store.root.rglob("*") if p.name.startswith(".tmp-")]


def test_temp_files_are_reported_not_listed(store: BlobStore) -> None:
    sha = store.put(b"kept")
    leftover = store.path(sha).parent / ".tmp-crash"
    leftover.write_bytes(b"half")
    (store.root / ".tmp-other").write_bytes(b"half")
    assert list(store.shas()) == [sha]
    assert store.temp_files() == sorted([leftover, store.root / ".tmp-other"])


def test_put_file_streams_in_chunks(store: BlobStore, tmp_path: Path) -> None:
    size = 5 * 1024 * 1024 + 123
    source = tmp_path / "big.bin"
    with source.open("wb") as fh:
        for i in range(6):
            fh.write(bytes([i]) * (size // 6))
        fh.write(b"z" * (size - 6 * (size // 6)))
    expected = hashlib.sha256(source.read_bytes()).hexdigest()

    tracemalloc.start()
    try:
        sha, stored = store.put_file(source)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (sha, stored) == (expected, size)
    assert peak < 3 * 1024 * 1024  # never the whole 5 MB at once
    assert store.path(sha).stat().st_size == size
    assert store.verify() == []


def test_put_file_same_as_put(store: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_bytes(b"same bytes")
    sha, size = store.put_file(source)
    assert (sha, size) == (store.put(b"same bytes"), 10)
    assert store.put_file(source) == (sha, size)
    assert len(_all_files(store.root)) == 1


def test_put_file_honours_max_bytes(store: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "huge.bin"
    source.write_bytes(b"x" * 1001)
    with pytest.raises(BlobError) as info:
        store.put_file(source, max_bytes=1000)
    assert str(info.value) == f"{source} is larger than the limit of 1000 bytes"
    assert store.put_file(source, max_bytes=1001)[1] == 1001


def test_put_file_max_bytes_checked_while_streaming(
    store: BlobStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file that grows after it was measured (a download in progress) is stopped mid-stream.
    source = tmp_path / "growing.bin"
    source.write_bytes(b"x" * 100)
    real_stat = Path.stat

    def small_stat(self: Path, **kwargs: object) -> os.stat_result:
        result = real_stat(self, **kwargs)  # type: ignore[arg-type]
        if self == source:
            return os.stat_result((result.st_mode, 0, 0, 0, 0, 0, 10, 0, 0, 0))
        return result

    monkeypatch.setattr(Path, "stat", small_stat)
    monkeypatch.setattr(blobstore, "CHUNK_SIZE", 16)
    with pytest.raises(BlobError, match="larger than the limit of 50 bytes"):
        store.put_file(source, max_bytes=50)
    assert _all_files(store.root) == []


def test_put_file_missing_or_not_a_file(store: BlobStore, tmp_path: Path) -> None:
    with pytest.raises(BlobError, match=r"cannot read .*nope\.pdf: No such file"):
        store.put_file(tmp_path / "nope.pdf")
    with pytest.raises(BlobError, match="not a regular file"):
        store.put_file(tmp_path)


@pytest.mark.parametrize(
    "bad",
    [
        "../../x",
        "",
        "abc",
        "A" * 64,
        "0" * 63,
        "0" * 65,
        "0" * 64 + "\n",
        "../" + "0" * 61,
        "/" + "0" * 63,
        "g" * 64,
    ],
)
def test_invalid_sha_rejected(store: BlobStore, bad: str) -> None:
    with pytest.raises(BlobError) as info:
        store.path(bad)
    assert "is not a SHA-256" in str(info.value)
    with pytest.raises(BlobError):
        store.get(bad)
    with pytest.raises(BlobError):
        store.exists(bad)
    with pytest.raises(BlobError):
        store.export(bad, store.root, "x.txt")


def test_missing_blob(store: BlobStore) -> None:
    sha = sha256_bytes(b"never stored")
    assert not store.exists(sha)
    with pytest.raises(BlobError) as info:
        store.get(sha)
    assert str(info.value) == f"stored file {sha} is missing from {store.root}"
    assert isinstance(info.value, FoiError)


def test_corruption_detected(store: BlobStore) -> None:
    good = store.put(b"good")
    bad = store.put(b"original content")
    path = store.path(bad)
    os.chmod(path, 0o600)
    path.write_bytes(b"tampered content")
    with pytest.raises(BlobError, match="is corrupt"):
        store.get(bad)
    assert store.verify() == [bad]
    assert store.get(good) == b"good"


def test_truncated_blob_detected(store: BlobStore) -> None:
    sha = store.put(b"0123456789")
    store.path(sha).write_bytes(b"01234")
    assert store.verify() == [sha]


def test_put_repairs_corruption(store: BlobStore) -> None:
    sha = store.put(b"original content")
    store.path(sha).write_bytes(b"tampered content")  # same size, wrong hash
    assert store.put(b"original content") == sha
    assert store.get(sha) == b"original content"
    assert store.verify() == []
    store.path(sha).write_bytes(b"short")  # wrong size
    assert store.put(b"original content") == sha
    assert store.verify() == []


def test_put_file_repairs_corruption(store: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "a.bin"
    source.write_bytes(b"file content")
    sha, _ = store.put_file(source)
    store.path(sha).write_bytes(b"garbage!!!!!")
    assert store.put_file(source)[0] == sha
    assert store.get(sha) == b"file content"


def test_shas_and_orphans(store: BlobStore) -> None:
    a = store.put(b"a")
    b = store.put(b"b")
    c = store.put(b"c")
    (store.root / "README").write_text("not a blob")
    (store.root / "zz").mkdir()
    (store.root / "zz" / ("0" * 64)).write_text("in the wrong folder")
    assert list(store.shas()) == sorted([a, b, c])
    assert store.orphans({a, c}) == [b]
    assert store.orphans({a, b, c, "f" * 64}) == []


def test_remove(store: BlobStore) -> None:
    sha = store.put(b"erase me")
    assert store.remove(sha)
    assert not store.exists(sha)
    assert not store.remove(sha)


def test_export(store: BlobStore, tmp_path: Path) -> None:
    sha = store.put(b"%PDF-1.4 report")
    out = tmp_path / "out"
    first = store.export(sha, out, "report.pdf")
    assert first == out / "report.pdf"
    assert first.read_bytes() == b"%PDF-1.4 report"
    second = store.export(sha, out, "report.pdf")
    third = store.export(sha, out, "report.pdf")
    assert second == out / "report (2).pdf"
    assert third == out / "report (3).pdf"
    assert first.read_bytes() == b"%PDF-1.4 report"  # never overwritten
    assert not [p for p in out.iterdir() if p.name.startswith(".tmp-")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system.ini", "system.ini"),
        ("/etc/shadow", "shadow"),
        ("..", "attachment"),
        ("", "attachment"),
        ("CON", "_CON"),
    ],
)
def test_export_cannot_escape(store: BlobStore, tmp_path: Path, name: str, expected: str) -> None:
    sha = store.put(b"data")
    out = tmp_path / "out"
    result = store.export(sha, out, name)
    assert result == out / expected
    assert result.parent == out
    assert [p.name for p in out.iterdir()] == [expected]
    assert not (tmp_path / "etc").exists()


def test_export_existing_file_untouched(store: BlobStore, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes").write_text("mine")
    sha = store.put(b"theirs")
    assert store.export(sha, out, "notes") == out / "notes (2)"
    assert (out / "notes").read_text() == "mine"


def test_export_without_hard_links(
    store: BlobStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    sha = store.put(b"data")
    out = tmp_path / "out"
    assert store.export(sha, out, "a.txt") == out / "a.txt"
    assert store.export(sha, out, "a.txt") == out / "a (2).txt"
    assert sorted(p.name for p in out.iterdir()) == ["a (2).txt", "a.txt"]


def test_export_refuses_corrupt_blob(store: BlobStore, tmp_path: Path) -> None:
    sha = store.put(b"original")
    store.path(sha).write_bytes(b"tampered")
    out = tmp_path / "out"
    with pytest.raises(BlobError, match="is corrupt"):
        store.export(sha, out, "x.txt")
    assert list(out.iterdir()) == []


def test_export_missing_blob(store: BlobStore, tmp_path: Path) -> None:
    with pytest.raises(BlobError, match="is missing"):
        store.export("a" * 64, tmp_path, "x.txt")


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
