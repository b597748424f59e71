"""Read files in child processes under CPU-time, memory and file-size limits.

A ``Reader`` starts one helper process (``python -m foi.reading.sandbox``): single-threaded,
the readers already imported, it forks reading children. A child puts itself in its own
process group, sets ``RLIMIT_AS``, ``RLIMIT_FSIZE`` (Tesseract, which it runs, inherits
them) and no core dumps, then reads files one request at a time, each under a CPU limit of
its own (the soft ``RLIMIT_CPU`` moved on before each file), and hands back its pages or the
reason it could not. The helper waits at most each file's wall-clock limit, then kills the
child's whole group. A child is retired after any failure, after a file read by OCR, after
``BATCH_FILES`` files or ``BATCH_CPU_SECONDS`` of CPU; a file that fails in a child that
has read others before is read again in a fresh child (unless it overran its own CPU or
wall-clock limit, its own doing wherever it ran), so a failure is always the file's own.
Forking once per many small files, not once per file, is what keeps text-layer reading close
to ``pdftotext``. Whatever a file does, the caller gets an ``Outcome``: never an exception, a
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
# A child reads up to this many files (1: a fresh child for every file) ...
BATCH_FILES = max(1, int(os.environ.get("FOI_READ_BATCH", "100")))
# ... and is retired once it has used this much CPU time (every file keeps its own limit).
BATCH_CPU_SECONDS = 60


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


def _limit(resource_id: int, soft: int, hard: int | None = None) -> None:
    """Set a limit no higher than the hard one we inherited (``hard`` defaults to ``soft``)."""
    import resource

    _soft, inherited = resource.getrlimit(resource_id)
    hard = soft if hard is None else hard
    if inherited != resource.RLIM_INFINITY:
        soft, hard = min(soft, inherited), min(hard, inherited)
    resource.setrlimit(resource_id, (soft, hard))


def _cpu_used() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _read_one(
    path: str, filename: str | None, ctype: str | None, limits: Limits
) -> tuple[str, Any]:
    """Read one file in the child: (status, payload), never an exception."""
    from foi.reading.formats import ExtractError, read_file

    try:
        pages = read_file(Path(path), filename, ctype, limits)
        return ("ok", [(p.page, p.text, p.method, p.confidence, p.part) for p in pages])
    except ExtractError as exc:
        return ("failed", str(exc))
    except MemoryError:
        return ("failed", f"needed more than {limits.memory_bytes // 1024**2} MiB of memory")
    except RecursionError:
        return ("failed", "nested too deeply to read")
    except Exception as exc:  # a library's own error on a malformed file: recorded, not raised
        return ("failed", f"could not read it: {type(exc).__name__}: {exc}")


def _child_loop(request_fd: int, result_fd: int) -> None:
    """In a forked child: limit ourselves, then read files one request at a time.

    Every answer is one byte (``k``: read, and I can take another file; ``o``: read, and I
    am exiting; ``f``: failed, and I am exiting) and a framed (status, payload). The child exits after a failure, after a file that needed OCR
    (Tesseract and its page images), after ``BATCH_FILES`` files, or once it has used
    ``BATCH_CPU_SECONDS`` of CPU: each file gets its whole CPU limit of its own (the soft
    ``RLIMIT_CPU`` is moved to what was used so far plus the file's limit), and a file that
    fails in a child that read others before is read again by the helper in a fresh one.
    """
    import resource

    os.setpgrp()
    _limit(resource.RLIMIT_CORE, 0)
    with os.fdopen(request_fd, "rb") as requests, os.fdopen(result_fd, "wb") as out:
        served = 0
        while True:
            try:
                path, filename, ctype, fields = _recv(requests)
            except EOFError:  # the helper is stopping, or retiring us
                return
            limits = Limits(**fields)
            if served == 0:
                _limit(resource.RLIMIT_AS, limits.memory_bytes)
                _limit(resource.RLIMIT_FSIZE, limits.max_unpacked + 64 * 1024**2)
                hard = limits.cpu_seconds + BATCH_CPU_SECONDS + 5  # above every soft one
                _limit(resource.RLIMIT_CPU, limits.cpu_seconds, hard)
            else:
                soft = int(_cpu_used()) + 1 + limits.cpu_seconds
                _limit(resource.RLIMIT_CPU, soft, resource.getrlimit(resource.RLIMIT_CPU)[1])
            result = _read_one(path, filename, ctype, limits)
            served += 1
            last = (
                result[0] != "ok"
                or served >= BATCH_FILES
                or _cpu_used() > BATCH_CPU_SECONDS
                or any(row[2] == "ocr" for row in result[1])
            )
            try:
                data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            except MemoryError:
                result, last = ("failed", "its text is too large to hand back"), True
                data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            flag = b"f" if result[0] != "ok" else b"o" if last else b"k"
            out.write(flag + _HEADER.pack(len(data)) + data)
            out.flush()
            if last:
                return


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


def _read_exactly(fd: int, size: int, deadline: float) -> bytes | None:
    """`size` bytes from `fd`; fewer if it closes first; None at the deadline."""
    import time

    chunks: list[bytes] = []
    got = 0
    while got < size:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        piece = os.read(fd, min(size - got, 1 << 20))
        if not piece:
            break
        chunks.append(piece)
        got += len(piece)
    return b"".join(chunks)


@dataclass
class _Child:
    """A forked reading child, and how many files it has read."""

    pid: int
    request_fd: int
    result_fd: int
    served: int = 0


def _fork_child() -> _Child:
    req_r, req_w = os.pipe()
    res_r, res_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read files until told to stop, then exit
        code = 0
        try:
            os.close(req_w)
            os.close(res_r)
            # The helper's own stdin and stdout are not the child's to hold open.
            devnull = os.open(os.devnull, os.O_RDWR)
            os.dup2(devnull, 0)
            os.dup2(devnull, 1)
            os.close(devnull)
            _child_loop(req_r, res_w)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(req_r)
    os.close(res_w)
    return _Child(pid, req_w, res_r)


def _retire(child: _Child, waited: bool = False) -> None:
    """Close a child's pipes, wait for it, and end anything it left running (a Tesseract)."""
    for fd in (child.request_fd, child.result_fd):
        with contextlib.suppress(OSError):
            os.close(fd)
    if not waited:
        os.waitpid(child.pid, 0)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)


def _ask(
    child: _Child, request: tuple[str, str | None, str | None, dict[str, Any]]
) -> tuple[tuple[str, Any] | bytes, bool, bool]:
    """One file read by `child`: (the answer, whether the child goes on, whether the file
    failed in a way an earlier file in the same child could have caused).

    The answer is the child's framed bytes as they came, or a (status, payload) the helper
    made (the child died or overran the wall clock: its whole group is killed). Overrunning
    the wall clock or the file's own CPU limit is the file's doing, wherever it was read."""
    import time

    limits = Limits(**request[3])
    deadline = time.monotonic() + limits.wall_seconds
    try:
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        os.write(child.request_fd, _HEADER.pack(len(data)) + data)
    except OSError:  # it died before we asked
        data = b""
    else:
        data = _read_exactly(child.result_fd, 1 + _HEADER.size, deadline)  # type: ignore[assignment]
    child.served += 1
    if data is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGKILL)
        _retire(child)
        return (
            ("failed", f"took more than {limits.wall_seconds} s (wall-clock limit)"),
            False,
            False,
        )
    if len(data) == 1 + _HEADER.size:
        size = _HEADER.unpack(data[1:])[0]
        body = _read_exactly(child.result_fd, size, deadline)
        if body is not None and len(body) == size:
            goes_on = data[:1] == b"k"
            if not goes_on:
                _retire(child)
            return data[1:] + body, goes_on, data[:1] == b"f"
        if body is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            _retire(child)
            return (
                ("failed", f"took more than {limits.wall_seconds} s (wall-clock limit)"),
                False,
                False,
            )
    _, status = os.waitpid(child.pid, 0)
    _retire(child, waited=True)
    over_cpu = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU
    return ("failed", _describe_death(status, limits)), False, not over_cpu


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
    child: _Child | None = None
    limits_of_child: dict[str, Any] | None = None
    try:
        while True:
            try:
                request = _recv(stdin)
            except EOFError:
                return
            if child is not None and limits_of_child != request[3]:
                _retire(child)  # other limits: a child set up for them
                child = None
            if child is None:
                child, limits_of_child = _fork_child(), request[3]
            reused = child.served > 0
            answer, goes_on, may_be_others = _ask(child, request)
            if not goes_on:
                child = None
            if reused and may_be_others:
                # Read again where no other file has been: its failure is its own. (A failed
                # child has already exited.)
                fresh = _fork_child()
                answer, goes_on, _ = _ask(fresh, request)
                child, limits_of_child = (fresh if goes_on else None), request[3]
            if isinstance(answer, bytes):
                stdout.write(answer)
                stdout.flush()
            else:
                _send(stdout, answer)
    finally:
        if child is not None:
            _retire(child)  # it reads EOF and exits


if __name__ == "__main__":
    serve()
