"""Writing files so that a reader sees the old file or the whole new one, never half of one.

Every file foi writes for a person (letters, exports, calendars, published pages, bundles,
backups sent to a pipe) goes through `atomic_writer`, which follows the Unix conventions for
the target: ``-`` is standard output; an existing character device, FIFO or socket is
written to directly; a symbolic link is written through to its target; a regular file is
replaced whole (a private temporary file in its folder, fsynced, renamed over it with
``os.replace``, the folder fsynced), keeping its permission bits. New files are mode 600
and new folders 700 unless the caller asks otherwise (a published site is meant to be shared).
Temporary files are named ``.<name>.<random>.tmp``; `remove_stale_temp_files` clears ones a
killed run left behind. Text files a person hands foi (a letter's text, a template) are read
one way, `read_text_file`, so a wrong encoding or a folder is one clear error everywhere.
A folder of files made together (the published site) is built aside and swapped in with
`staged_folder`, so a failure part-way leaves the previous one as it was.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
import tempfile
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from foi.errors import UsageError

TEMP_SUFFIX = ".tmp"


class FileWriteError(UsageError):
    """A file or folder that cannot be written (exit code 2: the path given is unusable)."""


class FileReadError(UsageError):
    """A file that cannot be read as text (exit code 2: the path given is unusable)."""


def _describe(exc: OSError) -> str:
    return exc.strerror or str(exc)


def fsync_dir(path: Path) -> None:
    """Make a rename or creation in a folder durable (a no-op where folders cannot be fsynced)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    with contextlib.suppress(OSError):
        os.fsync(fd)
    os.close(fd)


def ensure_dir(folder: Path, mode: int = 0o700) -> None:
    """Create a folder (and parents) if missing; a new one gets `mode` whatever the umask."""
    if folder.is_dir():
        return
    try:
        folder.mkdir(mode=mode, parents=True, exist_ok=True)
        folder.chmod(mode)
    except FileExistsError:
        raise FileWriteError(f"{folder} exists and is not a folder: choose another path") from None
    except OSError as exc:
        raise FileWriteError(f"cannot create folder {folder}: {_describe(exc)}") from None


STDOUT = "-"  # a file name that means standard output, as in most Unix tools


def is_stdout(target: Path | str) -> bool:
    """Whether a path a person gave means standard output (``-``)."""
    return str(target) == STDOUT


def is_special(target: Path | str) -> bool:
    """Whether `target` is ``-`` or an existing character device, FIFO or socket.

    Such targets are written to as they are (see `atomic_writer`), never replaced.
    """
    if is_stdout(target):
        return True
    try:
        st = os.stat(target)
    except OSError:
        return False
    return stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode)


@contextlib.contextmanager
def atomic_writer(
    target: Path | str, *, mode: int = 0o600, text: bool = False, make_dirs: bool = True
) -> Iterator[IO]:
    """The one way foi writes a file a person names; yields a file object to write to.

    The target decides how, as the usual Unix conventions go:

    - ``-`` is standard output;
    - an existing character device (``/dev/null``, a terminal), FIFO or socket is written
      to directly: no temporary file, no rename, so it stays what it was;
    - a symbolic link is followed: its target receives the data, as below;
    - an existing regular file is replaced whole (a temporary file beside it, fsynced,
      renamed over it), keeping its permission bits; a new file gets `mode` (600);
    - a folder or a block device is refused (FileWriteError, exit 2).

    If the block raises, a regular target is untouched and the temporary file removed.
    """
    if is_stdout(target):
        with _stdout_writer(text) as fh:
            yield fh
        return
    path = Path(target)
    try:
        st: os.stat_result | None = os.stat(path)  # what a link points to, if it is one
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise FileWriteError(f"cannot write {target}: {_describe(exc)}") from None
    if st is not None:
        kind = st.st_mode
        if stat.S_ISDIR(kind):
            raise FileWriteError(f"{target} is a folder: give a file name")
        if stat.S_ISBLK(kind):
            raise FileWriteError(f"{target} is a block device: foi does not write to disks")
        if stat.S_ISCHR(kind) or stat.S_ISFIFO(kind) or stat.S_ISSOCK(kind):
            # Opened by the name given: /dev/stdout -> /proc/self/fd/1 -> "pipe:[…]" works.
            with _direct_writer(path, str(target), text, stat.S_ISSOCK(kind)) as fh:
                yield fh
            return
        if stat.S_ISREG(kind):
            mode = stat.S_IMODE(kind)  # replacing a file keeps who may read it
    if path.is_symlink():
        path = Path(os.path.realpath(path))  # write through the link, never replace it
    with _replacing_writer(path, mode, text, make_dirs) as fh:
        yield fh


def _text(fh: IO[bytes], text: bool) -> IO:
    return io.TextIOWrapper(fh, encoding="utf-8", newline="", write_through=True) if text else fh


@contextlib.contextmanager
def _stdout_writer(text: bool) -> Iterator[IO]:
    """Standard output, as bytes or UTF-8 text; left open for whatever prints next."""
    sys.stdout.flush()
    buffer = sys.stdout.buffer
    fh = _text(buffer, text)
    yield fh
    fh.flush()
    if isinstance(fh, io.TextIOWrapper):
        fh.detach()  # never close standard output with the wrapper


@contextlib.contextmanager
def _direct_writer(path: Path, name: str, text: bool, is_socket: bool) -> Iterator[IO]:
    """Write to a character device, FIFO or socket as it is (like the shell's ``>``)."""
    try:
        if is_socket:
            import socket

            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(str(path))
                raw: IO[bytes] = sock.makefile("wb")
            finally:
                sock.close()  # the file object keeps the connection open
        else:
            # No O_TRUNC or O_CREAT: the target exists and is not a file to empty.
            fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
            raw = os.fdopen(fd, "wb")
    except OSError as exc:
        raise FileWriteError(f"cannot write {name}: {_describe(exc)}") from None
    try:
        with raw:
            fh = _text(raw, text)
            yield fh
            fh.flush()
    except OSError as exc:
        raise FileWriteError(f"cannot write {name}: {_describe(exc)}") from None


@contextlib.contextmanager
def _replacing_writer(target: Path, mode: int, text: bool, make_dirs: bool) -> Iterator[IO]:
    """A temporary file beside `target`; on a clean exit it replaces `target` whole."""
    folder = target.parent
    if make_dirs:
        ensure_dir(folder)
    elif not folder.is_dir():
        raise FileWriteError(f"folder {folder} does not exist: create it or choose another path")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=TEMP_SUFFIX)
    except OSError as exc:
        raise FileWriteError(f"cannot write to {folder}: {_describe(exc)}") from None
    try:
        os.fchmod(fd, mode)
        with (
            os.fdopen(fd, "w", encoding="utf-8", newline="") if text else os.fdopen(fd, "wb") as fh
        ):
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise FileWriteError(f"cannot write {target}: {_describe(exc)}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(folder)


STAGING_PREFIX = ".foi-"  # foi's working entries inside a staged folder start with this
JOURNAL = f"{STAGING_PREFIX}swap.json"  # names a swap in progress, so the next run can undo it


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[bool]:
    """Hold an exclusive lock on `folder` itself (True), or yield False where there are none.

    The folder's own descriptor is locked, so taking the lock writes nothing into it.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield False
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise FileWriteError(
                f"{folder} is being written by another foi run: try again when it has finished"
            ) from None
        yield True
    finally:
        os.close(fd)


# Staged files waiting for their flush to disk, at most (each holds a file descriptor).
_SYNCS_PENDING = 32


def _fsync_close(fd: int) -> None:
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FolderUpdate:
    """The files a build puts into a staged folder: only those whose bytes changed are staged.

    `put(rel, data)` compares `data` with the file already at `rel` and stages it only when it
    differs; on commit the staged files replace their namesakes one rename each (a reader
    always finds a whole file, old or new), and files under the owned entries that this
    build did not put are removed. An unchanged rebuild writes nothing at all.
    """

    def __init__(self, target: Path, owned: Sequence[str], file_mode: int, dir_mode: int):
        self.target = target
        self.owned = tuple(owned)
        self.file_mode = file_mode
        self.dir_mode = dir_mode
        self.staging: Path | None = None
        self.put_paths: set[str] = set()
        self.changed: list[str] = []
        self.unchanged = 0
        self.removed: list[str] = []
        self._pool: Any = None  # the thread flushing staged files to disk
        self._syncing: deque[tuple[Any, str]] = deque()
        self._sync_error: str | None = None

    def _check(self, rel: str) -> str:
        parts = Path(rel).parts
        if not parts or parts[0] not in self.owned or ".." in parts or Path(rel).is_absolute():
            raise ValueError(f"{rel!r} is not under one of the folder's own entries")
        return Path(*parts).as_posix()

    def same(self, rel: str, data: bytes) -> bool:
        """True when the file at `rel` already holds exactly `data`."""
        path = self.target / rel
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size != len(data):
                return False
            with path.open("rb") as fh:
                return fh.read(len(data) + 1) == data
        except OSError:
            return False

    def put(self, rel: str, data: bytes | str) -> bool:
        """Give the file at `rel` these bytes (text as UTF-8); True if that is a change."""
        rel = self._check(rel)
        payload = data.encode("utf-8") if isinstance(data, str) else data
        if rel in self.put_paths:
            raise ValueError(f"{rel} was written twice in one build")
        self.put_paths.add(rel)
        if self.same(rel, payload):
            self.unchanged += 1
            return False
        if self.staging is None:
            try:
                self.staging = Path(
                    tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}building-", dir=self.target)
                )
                self.staging.chmod(self.dir_mode)
            except OSError as exc:
                raise FileWriteError(
                    f"cannot create a folder in {self.target}: {_describe(exc)}"
                ) from None
        dest = self.staging / rel
        ensure_dir(dest.parent, self.dir_mode)
        try:
            fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, self.file_mode)
        except OSError as exc:
            raise FileWriteError(f"cannot write {self.target / rel}: {_describe(exc)}") from None
        try:
            os.fchmod(fd, self.file_mode)
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
        except OSError as exc:
            os.close(fd)
            raise FileWriteError(f"cannot write {self.target / rel}: {_describe(exc)}") from None
        self.changed.append(rel)
        self._sync_later(fd, rel)
        return True

    def _sync_later(self, fd: int, rel: str) -> None:
        """Flush a staged file to disk (then close it) on a worker thread, while the caller
        makes the next file: `sync` waits for every one before anything is swapped in."""
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(1, thread_name_prefix="foi-fsync")
        self._syncing.append((self._pool.submit(_fsync_close, fd), rel))
        while len(self._syncing) > _SYNCS_PENDING:  # a bound on the files held open
            self._settle(*self._syncing.popleft())

    def _settle(self, future: Any, rel: str) -> None:
        error = future.exception()
        if error is not None and self._sync_error is None:
            self._sync_error = f"cannot write {self.target / rel}: {_describe(error)}"

    def sync(self) -> None:
        """Wait until every staged file is on disk; FileWriteError if one could not be."""
        while self._syncing:
            self._settle(*self._syncing.popleft())
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        if self._sync_error is not None:
            raise FileWriteError(self._sync_error)

    def keep(self, rels: Sequence[str]) -> bool:
        """Keep these files as they are, unread (the caller knows their bytes would not
        change); False, keeping none, when one is missing or was already put."""
        checked = [self._check(rel) for rel in rels]
        for rel in checked:
            path = self.target / rel
            if rel in self.put_paths or path.is_symlink() or not path.is_file():
                return False
        if len(set(checked)) != len(checked):
            return False
        self.put_paths.update(checked)
        self.unchanged += len(checked)
        return True

    def _existing(self) -> list[str]:
        """Every file now under the owned entries, as relative paths."""
        found = []
        for name in self.owned:
            top = self.target / name
            if top.is_file() or top.is_symlink():
                found.append(name)
            elif top.is_dir():
                found += [
                    p.relative_to(self.target).as_posix()
                    for p in top.rglob("*")
                    if p.is_file() or p.is_symlink()
                ]
        return found

    def _order(self, rel: str) -> tuple[int, str]:
        # The owned entries' order: the entry point (last) is replaced after what it links to.
        return (self.owned.index(Path(rel).parts[0]), rel)

    def commit(self) -> None:
        """Swap the staged files in and remove the files no longer made; undo on failure."""
        self.sync()  # every staged file on disk before the first rename
        self.removed = sorted(set(self._existing()) - self.put_paths, key=self._order)
        if not self.changed and not self.removed:
            return
        changed = sorted(self.changed, key=self._order)
        backup = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}old-", dir=self.target))
        journal = {
            "staging": self.staging.name if self.staging else None,
            "backup": backup.name,
            "changed": changed,
            "created": [rel for rel in changed if not (self.target / rel).exists()],
            "removed": self.removed,
        }
        _write_journal(self.target, journal)
        try:
            for rel in changed:
                assert self.staging is not None
                _keep_old(self.target, backup, rel, self.dir_mode)
                ensure_dir((self.target / rel).parent, self.dir_mode)
                os.replace(self.staging / rel, self.target / rel)
            for rel in self.removed:
                _keep_old(self.target, backup, rel, self.dir_mode)
                (self.target / rel).unlink()
            for folder in {(self.target / rel).parent for rel in [*changed, *self.removed]}:
                fsync_dir(folder)
        except OSError as exc:
            undo_swap(self.target)
            raise FileWriteError(
                f"cannot put the new files in {self.target}: {_describe(exc)}; "
                "the old ones are kept"
            ) from None
        _finish_swap(self.target, journal)
        _prune_empty(self.target, self.owned)


def _write_journal(target: Path, journal: dict[str, object]) -> None:
    import json

    with atomic_writer(target / JOURNAL, make_dirs=False) as fh:
        fh.write(json.dumps(journal).encode("utf-8"))


def _keep_old(target: Path, backup: Path, rel: str, dir_mode: int) -> None:
    """Keep the current file at `rel` in `backup` (a hard link: nothing is copied or moved)."""
    import shutil

    old = target / rel
    if not (old.exists() or old.is_symlink()):
        return
    kept = backup / rel
    ensure_dir(kept.parent, dir_mode)
    if kept.exists():
        return
    try:
        os.link(old, kept, follow_symlinks=False)
    except OSError:  # a filesystem without hard links
        shutil.copy2(old, kept, follow_symlinks=False)


def _finish_swap(target: Path, journal: dict[str, object]) -> None:
    import shutil

    with contextlib.suppress(FileNotFoundError):
        (target / JOURNAL).unlink()
    fsync_dir(target)
    for name in (journal.get("backup"), journal.get("staging")):
        if isinstance(name, str) and name.startswith(STAGING_PREFIX):
            shutil.rmtree(target / name, ignore_errors=True)


def undo_swap(target: Path) -> bool:
    """Put back the files a swap interrupted part-way had replaced or removed.

    Reads the journal a swap writes before its first rename; every file it replaced or
    removed has its old copy in the backup folder, and every file it created is removed.
    Returns whether there was a swap to undo.
    """
    import json

    path = target / JOURNAL
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        journal = {}
    backup = target / str(journal.get("backup") or "-")
    created = set(journal.get("created") or ())
    for rel in [*(journal.get("changed") or ()), *(journal.get("removed") or ())]:
        kept, live = backup / rel, target / rel
        if kept.exists() or kept.is_symlink():
            os.replace(kept, live)
        elif rel in created:
            with contextlib.suppress(FileNotFoundError):
                live.unlink()
    fsync_dir(target)
    _finish_swap(target, journal)
    return True


def _prune_empty(target: Path, owned: Sequence[str]) -> None:
    """Remove folders under the owned entries that the build left empty."""
    for name in owned:
        top = target / name
        if not top.is_dir() or top.is_symlink():
            continue
        for folder in sorted((p for p in top.rglob("*") if p.is_dir()), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty
        with contextlib.suppress(OSError):
            top.rmdir()


@contextlib.contextmanager
def staged_folder(
    target: Path, owned: Sequence[str], *, mode: int = 0o700, file_mode: int = 0o600
) -> Iterator[FolderUpdate]:
    """Update foi's entries of a folder so that a failure or a kill leaves the old files.

    Yields a `FolderUpdate`: the block `put`s every file the folder should hold under the
    entries named in `owned`; only files whose bytes differ are written (aside, in a
    ``.foi-building-*`` folder on the same filesystem). If the block fails, nothing in
    `target` changes (a `target` this call created is removed). When it ends normally the
    changed files replace their namesakes, each with one rename in `owned` order (put the
    entry point last), and files no longer made are removed; a journal written first lets
    the next run put back the old files if this one is killed part-way (`undo_swap`), and
    a rename that fails is undone at once. Anything else in `target` (a CNAME, a .git
    folder) is never touched. One run at a time holds the folder (a lock on the folder).
    """
    import shutil

    target = Path(target)
    created = not target.exists()
    ensure_dir(target, mode)
    with _folder_lock(target) as locked:
        if locked:
            # Under the lock no other run is building here: a journal left means a run was
            # killed while swapping, and any working folder left is stale.
            undo_swap(target)
            for stale in target.iterdir():
                if stale.name.startswith((f"{STAGING_PREFIX}building-", f"{STAGING_PREFIX}old-")):
                    shutil.rmtree(stale, ignore_errors=True)
        update = FolderUpdate(target, owned, file_mode, mode)
        try:
            yield update
        except BaseException:
            with contextlib.suppress(FileWriteError):
                update.sync()  # the staged files closed before they go
            if update.staging is not None:
                shutil.rmtree(update.staging, ignore_errors=True)
            if created:
                shutil.rmtree(target, ignore_errors=True)
            raise
        try:
            update.commit()
        finally:
            if update.staging is not None:
                shutil.rmtree(update.staging, ignore_errors=True)


def output_folder(given: str) -> Path:
    """The folder a person named for foi to write files into; FileWriteError (exit 2) if unusable.

    An empty path is refused (it would mean the current folder by accident), and so is
    anything that exists and is not a folder (``/dev/null``, a file).
    """
    if not given.strip():
        raise FileWriteError("an empty path is not a folder: give the folder to write to")
    folder = Path(given).expanduser()
    if folder.exists() and not folder.is_dir():
        raise FileWriteError(f"{given} exists and is not a folder: give a folder to write to")
    return folder


def write_atomic(target: Path | str, data: bytes | str, *, mode: int = 0o600) -> Path:
    """Write bytes (or UTF-8 text) to `target` by `atomic_writer`'s rules; return the path."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_writer(target, mode=mode) as fh:
        fh.write(payload)
    return Path(target)


def remove_stale_temp_files(folder: Path, now: float, older_than_seconds: float = 3600) -> int:
    """Remove `.*.tmp` files a killed run left in `folder`; return how many went.

    Only files older than `older_than_seconds` go, so a run in progress keeps its own.
    `now` is a POSIX timestamp from the caller (the domain does not read the clock).
    """
    removed = 0
    try:
        candidates = list(Path(folder).glob(f".*{TEMP_SUFFIX}"))
    except OSError:
        return 0
    for path in candidates:
        with contextlib.suppress(OSError):
            if path.is_file() and now - path.stat().st_mtime > older_than_seconds:
                path.unlink()
                removed += 1
    return removed


def decode_text(data: bytes, name: str) -> tuple[str, str | None]:
    """Bytes a person wrote as text, and a note when they were not UTF-8.

    UTF-8 (a byte-order mark dropped) or UTF-16 with a byte-order mark; otherwise
    Windows-1252, what Excel and Notepad on a UK PC write, with a note saying so. Binary
    data (NUL bytes) is refused.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            raise FileReadError(f"{name} is not valid UTF-16 text: {exc.reason}") from None
    if b"\x00" in data:
        raise FileReadError(f"{name} is not a text file (it contains NUL bytes)")
    try:
        return data.decode("utf-8").removeprefix("\ufeff"), None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileReadError(
            f"{name} is neither UTF-8 nor Windows-1252 text (bad byte at offset {first_bad}): "
            "save it as UTF-8"
        ) from None
    return text, f"{name} is not UTF-8 (offset {first_bad}); read it as Windows-1252"


def check_input_file(path: Path, *, limit: int | None = None, what: str = "a file") -> int:
    """The size of a regular file a person gave foi to read; FileReadError (exit 2) if not.

    A folder, a FIFO, a device or a socket is refused before it is opened (opening a FIFO
    would wait for a writer for ever), and so is a file over `limit` bytes, before any of
    it is read.
    """
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise FileReadError(f"{path} does not exist") from None
    except OSError as exc:
        raise FileReadError(f"cannot read {path}: {_describe(exc)}") from None
    if stat.S_ISDIR(st.st_mode):
        raise FileReadError(f"{path} is a folder: give {what}")
    if not stat.S_ISREG(st.st_mode):
        raise FileReadError(f"{path} is not a regular file (a pipe or device): give {what}")
    if limit is not None and st.st_size > limit:
        raise FileReadError(
            f"{path} is {st.st_size} bytes, over the limit of {limit} for {what}: "
            "check it is the right file"
        )
    return st.st_size


def read_text_file(path: Path, *, limit: int = 10 * 1024 * 1024) -> tuple[str, str | None]:
    """Read a person's text file (see `decode_text`); missing, folder or huge is one error."""
    path = Path(path)
    check_input_file(path, what="a text file")
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise FileReadError(f"{path} does not exist") from None
    except OSError as exc:
        raise FileReadError(f"cannot read {path}: {_describe(exc)}") from None
    if len(data) > limit:
        raise FileReadError(f"{path} is over {limit // (1024 * 1024)} MB: not a letter or template")
    return decode_text(data, str(path))
