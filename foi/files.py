"""Writing files so that a reader sees the old file or the whole new one, never half of one.

Every file foi writes for a person (letters, exports, calendars, published pages, bundles)
goes through `atomic_writer`: a private temporary file in the destination folder, fsynced,
renamed over the target with ``os.replace`` and the folder fsynced. Files are mode 600 and
new folders 700 unless the caller asks otherwise (a published site is meant to be shared).
Temporary files are named ``.<name>.<random>.tmp``; `remove_stale_temp_files` clears ones a
killed run left behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from foi.errors import UsageError

TEMP_SUFFIX = ".tmp"


class FileWriteError(UsageError):
    """A file or folder that cannot be written (exit code 2: the path given is unusable)."""


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


@contextlib.contextmanager
def atomic_writer(
    target: Path, *, mode: int = 0o600, text: bool = False, make_dirs: bool = True
) -> Iterator[IO]:
    """Open a temporary file beside `target`; on a clean exit it replaces `target` whole.

    If the block raises, the temporary file is removed and `target` is untouched.
    """
    target = Path(target)
    folder = target.parent
    if target.is_dir():
        raise FileWriteError(f"{target} is a folder: give a file name")
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


def write_atomic(target: Path, data: bytes | str, *, mode: int = 0o600) -> Path:
    """Write bytes (or UTF-8 text) to `target` atomically; return the path."""
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
