"""Read one file in a child process under CPU-time, memory and file-size limits.

A ``Reader`` starts one helper process (``python -m foi.reading.sandbox``): single-threaded,
the readers already imported, it forks a child per file. The child puts itself in its own
process group, sets ``RLIMIT_CPU``, ``RLIMIT_AS``, ``RLIMIT_FSIZE`` (Tesseract, which it
runs, inherits them) and no core dumps, reads the file and hands back its pages or the
reason it could not. The helper waits at most the wall-clock limit, then kills the child's
whole group. Whatever the file does, the caller gets an ``Outcome``: never an exception, a
hang or a blown memory of its own. The helper ends when its parent does (its stdin closes).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

from foi.reading.formats import Limits
from foi.reading.pages import PageText

_HEADER = struct.Struct("!Q")
# Fork the next child while the current one reads (hides the fork on an idle machine; on a
# loaded one the fork competes with the reading, so it is off by default).
PREFORK = os.environ.get("FOI_READ_PREFORK") == "1"


@dataclass(frozen=True)
class Outcome:
    """The pages of a file, or why there are none (``failure`` is one line)."""

    pages: list[PageText] | None
    failure: str | None = None


def _send(fh: BinaryIO, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    fh.write(_HEADER.pack(len(data)) + data)
    fh.flush()


def _recv(fh: BinaryIO) -> Any:
    head = fh.read(_HEADER.size)
    if len(head) < _HEADER.size:
        raise EOFError
    size = _HEADER.unpack(head)[0]
    data = fh.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


class Reader:
    """A helper process that reads files in limited children, one at a time."""

    def __init__(self, ocr_threads: int | None = None) -> None:
        self._threads = ocr_threads
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        if ocr_threads is not None:
            env["OMP_THREAD_LIMIT"] = str(ocr_threads)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "foi.reading.sandbox"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )

    def read(
        self, path: Path, filename: str | None, content_type: str | None, limits: Limits
    ) -> Outcome:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            _send(self.proc.stdin, (str(path), filename, content_type, asdict(limits)))
            status, payload = _recv(self.proc.stdout)
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            self.close()
            self.__init__(self._threads)  # type: ignore[misc]
            return Outcome(None, f"the reading helper stopped ({type(exc).__name__})")
        if status == "ok":
            return Outcome([PageText(*row) for row in payload])
        return Outcome(None, " ".join(str(payload).split())[:500])

    def close(self) -> None:
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def extract(path: Path, filename: str | None, content_type: str | None, limits: Limits) -> Outcome:
    """Read one file in a limited child (starts and ends a helper: for one-off reads)."""
    with Reader() as reader:
        return reader.read(path, filename, content_type, limits)


# --------------------------------------------------------------------------------------------
# The helper process


def _limit(resource_id: int, value: int) -> None:
    import resource

    _soft, hard = resource.getrlimit(resource_id)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(resource_id, (value, hard if hard != resource.RLIM_INFINITY else value))


def _child(
    write_fd: int, path: str, filename: str | None, ctype: str | None, limits: Limits
) -> None:
    """In the forked child: limit ourselves, read, write (status, payload), exit."""
    import resource

    from foi.reading.formats import ExtractError, read_file

    os.setpgrp()
    _limit(resource.RLIMIT_CPU, limits.cpu_seconds)
    _limit(resource.RLIMIT_AS, limits.memory_bytes)
    _limit(resource.RLIMIT_FSIZE, limits.max_unpacked + 64 * 1024**2)
    _limit(resource.RLIMIT_CORE, 0)
    try:
        pages = read_file(Path(path), filename, ctype, limits)
        result: tuple[str, Any] = (
            "ok",
            [(p.page, p.text, p.method, p.confidence, p.part) for p in pages],
        )
    except ExtractError as exc:
        result = ("failed", str(exc))
    except MemoryError:
        result = ("failed", f"needed more than {limits.memory_bytes // 1024**2} MiB of memory")
    except RecursionError:
        result = ("failed", "nested too deeply to read")
    except Exception as exc:  # a library's own error on a malformed file: recorded, not raised
        result = ("failed", f"could not read it: {type(exc).__name__}: {exc}")
    with os.fdopen(write_fd, "wb") as out:
        try:
            _send(out, result)
        except MemoryError:
            _send(out, ("failed", "its text is too large to hand back"))


def _describe_death(status: int, limits: Limits) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU:
            return f"took more than {limits.cpu_seconds} s of CPU time (limit)"
        if sig == signal.SIGXFSZ:
            return "wrote more than the file-size limit while unpacking"
        if sig == signal.SIGKILL:
            return f"killed: over the CPU ({limits.cpu_seconds} s) or memory limit"
        return f"the reader crashed ({signal.Signals(sig).name})"
    return f"the reader stopped without an answer (exit {os.WEXITSTATUS(status)})"


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes until it closes the pipe; None at the deadline."""
    import time

    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        piece = os.read(fd, 1 << 20)
        if not piece:
            return b"".join(chunks)
        chunks.append(piece)


@dataclass
class _Spare:
    """A child forked ahead of time, waiting for its one request (fork costs stay hidden)."""

    pid: int
    request_fd: int
    result_fd: int


def _fork_spare() -> _Spare:
    req_r, req_w = os.pipe()
    res_r, res_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: wait for a request, read that one file, exit
        code = 0
        try:
            os.close(req_w)
            os.close(res_r)
            # The helper's own stdin and stdout are not the child's to hold open.
            devnull = os.open(os.devnull, os.O_RDWR)
            os.dup2(devnull, 0)
            os.dup2(devnull, 1)
            os.close(devnull)
            with os.fdopen(req_r, "rb") as fh:
                try:
                    path, filename, ctype, fields = _recv(fh)
                except EOFError:  # the helper is stopping: not needed
                    os._exit(0)
            _child(res_w, path, filename, ctype, Limits(**fields))
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(req_r)
    os.close(res_w)
    return _Spare(pid, req_w, res_r)


def serve() -> None:
    """The helper's loop: a request on stdin, an answer on stdout, until stdin closes."""
    # Import the readers once, here: every forked child starts with them loaded.
    import foi.reading.formats  # noqa: F401

    for name in ("pypdfium2", "PIL.Image", "docx", "openpyxl"):
        with contextlib.suppress(ImportError):
            __import__(name)
    # Objects made so far stay out of the collector's sight: a forked child that collects
    # garbage would otherwise touch (and so copy) every page of them.
    gc.collect()
    gc.freeze()
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the answers
    spare: _Spare | None = _fork_spare() if PREFORK else None
    try:
        while True:
            try:
                request = _recv(stdin)
            except EOFError:
                return
            current = spare if spare is not None else _fork_spare()
            answer, spare, to_reap = _serve_one_started(current, request)
            if isinstance(answer, bytes):
                stdout.write(answer)
                stdout.flush()
            else:
                _send(stdout, answer)
            if to_reap is not None:
                _reap(to_reap)
    finally:
        if spare is not None:
            os.close(spare.request_fd)  # it reads EOF and exits
            os.close(spare.result_fd)
            os.waitpid(spare.pid, 0)


def _serve_one_started(
    current: _Spare, request: tuple[str, str | None, str | None, dict[str, Any]]
) -> tuple[tuple[str, Any] | bytes, _Spare | None, int | None]:
    """Start the request on `current`, fork the next spare while it reads, then wait.

    Returns the answer, the next spare, and the pid still to reap (after answering: a large
    process takes a while to exit, and its exit need not delay the answer)."""
    import time

    limits = Limits(**request[3])
    with os.fdopen(current.request_fd, "wb") as fh:
        _send(fh, request)
    spare = _fork_spare() if PREFORK else None
    try:
        data = _read_all(current.result_fd, time.monotonic() + limits.wall_seconds)
    finally:
        os.close(current.result_fd)
    pid = current.pid
    if data is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        return ("failed", f"took more than {limits.wall_seconds} s (wall-clock limit)"), spare, None
    if (
        len(data) > _HEADER.size
        and _HEADER.unpack(data[: _HEADER.size])[0] == len(data) - _HEADER.size
    ):
        return data, spare, pid  # a whole answer: handed on as it came
    _, status = os.waitpid(pid, 0)
    _reap(pid, waited=True)
    return ("failed", _describe_death(status, limits)), spare, None


def _reap(pid: int, waited: bool = False) -> None:
    """Wait for a child that answered, and end anything it left running (a Tesseract)."""
    if not waited:
        os.waitpid(pid, 0)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


if __name__ == "__main__":
    serve()
