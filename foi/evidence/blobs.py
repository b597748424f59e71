"""Content-addressed file store for attachments and raw email, next to the database.

Layout: `<root>/<sha[:2]>/<sha>`, no extension; names, types and provenance live in the
database. Every write goes to a `.tmp-` file in the destination folder, is fsynced, renamed
into place with `os.replace` and the folder fsynced, so a reader sees either nothing or the
whole file. Files are mode 600 and folders 700: SAR replies hold health data.

A crash between storing a blob and recording it leaves an orphan, which is harmless: the
next import of the same bytes finds it and reuses it. File I/O only: no database, no printing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from foi.errors import FoiError

CHUNK_SIZE = 1024 * 1024
MAX_FILENAME_CHARS = 150
# Most filesystems allow 255 bytes per name; leave room for " (999)" and multi-byte letters.
MAX_FILENAME_BYTES = 240
TEMP_PREFIX = ".tmp-"

_SHA_RE = re.compile(r"[0-9a-f]{64}")
_FILE_MODE = 0o600
_DIR_MODE = 0o700
# Characters Windows forbids in names, besides separators and control characters.
_FORBIDDEN = re.compile(r'[<>:"|?*]')
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


class BlobError(FoiError):
    """A blob that is missing, corrupt, too large or cannot be written."""


def sha256_bytes(data: bytes) -> str:
    """The SHA-256 of some bytes, as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()


def _hash_file(path: Path) -> tuple[str, int]:
    """The SHA-256 and size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    buf = bytearray(CHUNK_SIZE)
    view = memoryview(buf)
    with path.open("rb") as fh:
        while n := fh.readinto(buf):
            digest.update(view[:n])
            size += n
    return digest.hexdigest(), size


def _fsync_dir(path: Path) -> None:
    """Make a rename or creation in a folder durable (a no-op where folders cannot be fsynced)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _mkdir_private(path: Path) -> None:
    """Create a folder with mode 700 (whatever the umask), and make its entry durable."""
    try:
        path.mkdir(mode=_DIR_MODE)
    except FileExistsError:
        return
    os.chmod(path, _DIR_MODE)
    _fsync_dir(path.parent)


def _write_fd(fd: int, data: bytes | memoryview) -> None:
    """Write all of `data` to a file descriptor."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _discard(path: str | Path) -> None:
    """Remove a temporary file if it is still there."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _describe(exc: OSError) -> str:
    """An OSError as a short phrase: 'Permission denied', 'No space left on device'."""
    return exc.strerror or exc.__class__.__name__


class BlobStore:
    """Files stored once by SHA-256 under one folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # -- paths ---------------------------------------------------------------------------------

    def path(self, sha: str) -> Path:
        """Where a blob lives; the sha must be 64 lowercase hex digits (so no traversal)."""
        if not isinstance(sha, str) or not _SHA_RE.fullmatch(sha):
            raise BlobError(f"'{sha}' is not a SHA-256 (64 lowercase hex digits)")
        return self.root / sha[:2] / sha

    def _ensure_root(self) -> None:
        """Create the root folder, mode 700, if it is missing (an existing one is left as is)."""
        if self.root.is_dir():
            return
        try:
            self.root.parent.mkdir(parents=True, exist_ok=True)
            _mkdir_private(self.root)
        except OSError as exc:
            raise BlobError(f"cannot create the file store {self.root}: {_describe(exc)}") from exc

    def _ensure_dir(self, sha: str) -> Path:
        """Create the root and the blob's folder (mode 700); return the folder."""
        self._ensure_root()
        folder = self.root / sha[:2]
        try:
            _mkdir_private(folder)
        except OSError as exc:
            raise BlobError(f"cannot create the file store {folder}: {_describe(exc)}") from exc
        return folder

    # -- writing -------------------------------------------------------------------------------

    def _is_intact(self, sha: str, size: int) -> bool:
        """Whether the stored blob exists with the expected size and content."""
        dest = self.path(sha)
        try:
            if dest.stat().st_size != size:
                return False
            return _hash_file(dest)[0] == sha
        except OSError:
            return False

    def put(self, data: bytes) -> str:
        """Store bytes (once) and return their SHA-256; a corrupt copy is replaced."""
        sha = sha256_bytes(data)
        if self._is_intact(sha, len(data)):
            return sha
        folder = self._ensure_dir(sha)
        fd, tmp = self._mkstemp(folder)
        try:
            try:
                _write_fd(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            self._install(tmp, sha)
        except OSError as exc:
            _discard(tmp)
            raise BlobError(f"cannot store a file in {self.root}: {_describe(exc)}") from exc
        except BaseException:
            _discard(tmp)
            raise
        return sha

    def put_file(self, path: Path, max_bytes: int | None = None) -> tuple[str, int]:
        """Store a file by streaming it in chunks; returns (sha, size). BlobError if too big."""
        source = Path(path)
        try:
            info = source.stat()
        except OSError as exc:
            raise BlobError(f"cannot read {source}: {_describe(exc)}") from exc
        if not stat.S_ISREG(info.st_mode):
            raise BlobError(f"cannot store {source}: it is not a regular file")
        if max_bytes is not None and info.st_size > max_bytes:
            raise BlobError(_too_big(source, max_bytes))
        # The name depends on the hash, unknown until the end: stream into a temporary file
        # in the root (same filesystem), then rename it into its folder.
        self._ensure_root()
        fd, tmp = self._mkstemp(self.root)
        digest = hashlib.sha256()
        size = 0
        try:
            try:
                buf = bytearray(CHUNK_SIZE)
                view = memoryview(buf)
                with source.open("rb") as fh:
                    while n := fh.readinto(buf):
                        size += n
                        if max_bytes is not None and size > max_bytes:
                            raise BlobError(_too_big(source, max_bytes))  # it grew while read
                        digest.update(view[:n])
                        _write_fd(fd, view[:n])
                os.fsync(fd)
            finally:
                os.close(fd)
            sha = digest.hexdigest()
            if self._is_intact(sha, size):
                _discard(tmp)
                return sha, size
            self._ensure_dir(sha)
            self._install(tmp, sha)
        except OSError as exc:
            _discard(tmp)
            raise BlobError(f"cannot store {source} in {self.root}: {_describe(exc)}") from exc
        except BaseException:
            _discard(tmp)
            raise
        return sha, size

    def _mkstemp(self, folder: Path) -> tuple[int, str]:
        """A private temporary file in `folder`, mode 600 whatever the umask."""
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX)
        except OSError as exc:
            raise BlobError(f"cannot write to {folder}: {_describe(exc)}") from exc
        if hasattr(os, "fchmod"):
            os.fchmod(fd, _FILE_MODE)
        return fd, tmp

    def _install(self, tmp: str, sha: str) -> None:
        """Rename a complete, fsynced temporary file into place and make the rename durable."""
        dest = self.path(sha)
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
        if Path(tmp).parent != dest.parent:
            _fsync_dir(Path(tmp).parent)

    # -- reading -------------------------------------------------------------------------------

    def exists(self, sha: str) -> bool:
        """Whether a blob is stored (its content is not checked; see `verify`)."""
        return self.path(sha).is_file()

    def get(self, sha: str) -> bytes:
        """A blob's bytes; BlobError if it is missing or no longer matches its hash."""
        dest = self.path(sha)
        try:
            data = dest.read_bytes()
        except FileNotFoundError as exc:
            raise BlobError(f"stored file {sha} is missing from {self.root}") from exc
        except OSError as exc:
            raise BlobError(f"cannot read stored file {sha}: {_describe(exc)}") from exc
        if sha256_bytes(data) != sha:
            raise BlobError(_corrupt(sha))
        return data

    def shas(self) -> Iterator[str]:
        """Every stored blob's sha, in sorted order (temporary files are skipped)."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if not (len(folder.name) == 2 and folder.is_dir()):
                continue
            for entry in sorted(folder.iterdir()):
                name = entry.name
                if _SHA_RE.fullmatch(name) and name[:2] == folder.name and entry.is_file():
                    yield name

    def verify(self) -> list[str]:
        """Shas whose stored content no longer matches (corrupt or unreadable)."""
        bad = []
        for sha in self.shas():
            try:
                ok = _hash_file(self.path(sha))[0] == sha
            except OSError:
                ok = False
            if not ok:
                bad.append(sha)
        return bad

    def orphans(self, known: set[str]) -> list[str]:
        """Stored shas that the database does not mention (harmless; removable)."""
        return [sha for sha in self.shas() if sha not in known]

    def temp_files(self) -> list[Path]:
        """Leftover temporary files (from a crash mid-write), for the caller to remove."""
        if not self.root.is_dir():
            return []
        found = [p for p in self.root.glob(f"{TEMP_PREFIX}*") if p.is_file()]
        found += [p for p in self.root.glob(f"??/{TEMP_PREFIX}*") if p.is_file()]
        return sorted(found)

    def remove(self, sha: str) -> bool:
        """Delete a blob (e.g. an orphan, or data that must be erased); False if absent."""
        dest = self.path(sha)
        try:
            dest.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise BlobError(f"cannot remove stored file {sha}: {_describe(exc)}") from exc
        _fsync_dir(dest.parent)
        return True

    # -- export --------------------------------------------------------------------------------

    def export(self, sha: str, dest_dir: Path, filename: str) -> Path:
        """Copy a blob out as `dest_dir/<safe filename>` (never overwriting), mode 600."""
        source = self.path(sha)
        if not source.is_file():
            raise BlobError(f"stored file {sha} is missing from {self.root}")
        dest_dir = Path(dest_dir)
        name = safe_filename(filename)
        try:
            dest_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BlobError(f"cannot create {dest_dir}: {_describe(exc)}") from exc
        fd, tmp = self._mkstemp(dest_dir)
        try:
            digest = hashlib.sha256()
            try:
                buf = bytearray(CHUNK_SIZE)
                view = memoryview(buf)
                with source.open("rb") as fh:
                    while n := fh.readinto(buf):
                        digest.update(view[:n])
                        _write_fd(fd, view[:n])
                os.fsync(fd)
            finally:
                os.close(fd)
            if digest.hexdigest() != sha:
                raise BlobError(_corrupt(sha))
            final = _claim_name(Path(tmp), dest_dir, name)
        except OSError as exc:
            _discard(tmp)
            raise BlobError(f"cannot export to {dest_dir}: {_describe(exc)}") from exc
        except BaseException:
            _discard(tmp)
            raise
        _fsync_dir(dest_dir)
        return final


def _claim_name(tmp: Path, dest_dir: Path, name: str) -> Path:
    """Give a finished temporary file the first free name: 'report.pdf', 'report (2).pdf'…"""
    stem, ext = _split_ext(name)
    n = 1
    while True:
        candidate = dest_dir / (name if n == 1 else f"{stem} ({n}){ext}")
        try:
            # A hard link fails if the name is taken, so a file that appears meanwhile is
            # never overwritten; then the temporary name is dropped.
            os.link(tmp, candidate)
        except FileExistsError:
            n += 1
            continue
        except OSError:
            # No hard links here (some network or FAT filesystems): check, then rename.
            if candidate.exists():
                n += 1
                continue
            os.replace(tmp, candidate)
            return candidate
        _discard(tmp)
        return candidate


def _too_big(source: Path, max_bytes: int) -> str:
    """The message for a file over the size limit."""
    return f"{source} is larger than the limit of {max_bytes} bytes"


def _corrupt(sha: str) -> str:
    """The message for a blob whose content no longer matches its name."""
    return (
        f"stored file {sha} is corrupt (its content no longer matches its hash);"
        " restore it from a backup or import the message again"
    )


def _split_ext(name: str) -> tuple[str, str]:
    """'report.final.pdf' -> ('report.final', '.pdf'); no extension -> (name, '')."""
    stem, dot, ext = name.rpartition(".")
    if dot and stem and 0 < len(ext) <= 16 and not ext.isspace():
        return stem, "." + ext
    return name, ""


def _truncate(stem: str, ext: str) -> str:
    """Shorten the stem so stem+ext fits both the character and the byte limit."""
    stem = stem[: max(MAX_FILENAME_CHARS - len(ext), 1)]
    while stem and len((stem + ext).encode("utf-8")) > MAX_FILENAME_BYTES:
        stem = stem[:-1]
    return stem.rstrip(". ") + ext


def safe_filename(name: str | None, fallback: str = "attachment") -> str:
    """A sender-supplied name reduced to a safe basename ('../../etc/passwd' -> 'passwd')."""
    if fallback != "attachment":
        fallback = safe_filename(fallback)
    if not name:
        return fallback
    text = unicodedata.normalize("NFC", str(name))
    # Control, format (e.g. the right-to-left override used to disguise 'exe.pdf'),
    # surrogate and unassigned characters go; letters of every script stay.
    text = "".join(
        ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    parts = [p for p in text.replace("\\", "/").split("/") if p.strip()]
    if not parts:
        return fallback
    text = parts[-1]
    text = _FORBIDDEN.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = text.lstrip(". ").rstrip(". ")
    if not text or set(text) <= {"_", ".", " "}:
        return fallback
    if text.split(".")[0].strip().lower() in _WINDOWS_RESERVED:
        text = "_" + text
    stem, ext = _split_ext(text)
    if len(text) > MAX_FILENAME_CHARS or len(text.encode("utf-8")) > MAX_FILENAME_BYTES:
        text = _truncate(stem, ext)
    return text or fallback
