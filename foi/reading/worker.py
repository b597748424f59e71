"""Working the extraction queue: N worker threads, each with its own limited reader process.

Each worker claims a file (``queue.claim``, a short transaction), copies its bytes from the
database to a private temporary file, has its ``sandbox.Reader`` read it in a limited child
while a heartbeat keeps the claim alive, and stores the pages (or the failure) only if it
still holds the claim, in one transaction that also indexes them for search. The threads
only wait: the reading happens in child processes, so ``--workers N`` uses N cores.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from foi.reading import index, queue
from foi.reading.formats import Limits
from foi.reading.store import save_failure, save_pages


@dataclass(frozen=True)
class Finished:
    """What one worker did with one file (for a progress bar)."""

    sha256: str
    filename: str | None
    pages: int | None
    failure: str | None


def _copy_out(session: Any, sha256: str, dest: Path) -> bool:
    from foi.evidence import blobs

    if not blobs.exists(session, sha256):
        return False
    with blobs.open_blob(session, sha256) as src, open(dest, "wb") as out:
        shutil.copyfileobj(src, out, 1024 * 1024)
    return True


class _Heartbeat:
    """Renews a claim every third of the lease until stopped."""

    def __init__(
        self, engine: Any, sha256: str, me: str, clock: Callable[[], datetime], lease: int
    ) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(engine, sha256, me, clock, max(lease / 3, 0.2)), daemon=True
        )
        self._thread.start()

    def _run(
        self, engine: Any, sha256: str, me: str, clock: Callable[[], datetime], every: float
    ) -> None:
        from foi.store.engine import session_scope

        while not self._stop.wait(every):
            try:
                with session_scope(engine) as session:
                    if not queue.heartbeat(session, sha256, me, clock()):
                        return
            except Exception:  # a missed beat is retried; the lease allows for two
                continue

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _one(
    engine: Any,
    reader: Any,
    me: str,
    clock: Callable[[], datetime],
    lease: int,
    limits: Limits,
    tmp: Path,
) -> Finished | None:
    from foi.store.engine import session_scope

    with session_scope(engine) as session:
        job = queue.claim(session, me, clock(), lease)
    if job is None:
        return None
    beat = _Heartbeat(engine, job.sha256, me, clock, lease)
    try:
        failure = None
        pages = None
        if job.attempts > queue.MAX_ATTEMPTS:
            failure = f"its worker stopped {job.attempts - 1} times while reading it"
        else:
            path = tmp / "file"
            with session_scope(engine) as session:
                kept = _copy_out(session, job.sha256, path)
            if not kept:
                failure = "its bytes were not kept (over the attachment size limit)"
            else:
                outcome = reader.read(path, job.filename, job.content_type, limits)
                pages, failure = outcome.pages, outcome.failure
                path.unlink(missing_ok=True)
    finally:
        beat.stop()
    with session_scope(engine) as session:
        if not queue.still_mine(session, job.sha256, me):
            return Finished(job.sha256, job.filename, None, "taken over by another worker")
        now = clock()
        if pages is not None:
            save_pages(session, job.sha256, pages, now)
            index.add_pages(session, job.sha256, pages)
            return Finished(job.sha256, job.filename, len(pages), None)
        save_failure(session, job.sha256, failure or "unknown", now)
        return Finished(job.sha256, job.filename, None, failure)


def work(
    engine: Any,
    clock: Callable[[], datetime],
    *,
    workers: int = 1,
    lease: int = queue.LEASE_SECONDS,
    limits: Limits | None = None,
    tag: str = "",
    on_done: Callable[[Finished], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[Finished]:
    """Work the queue with `workers` threads until it is empty (or `should_stop`)."""
    from foi.reading.sandbox import Reader
    from foi.store.engine import session_scope

    limits = limits or Limits()
    with session_scope(engine) as session:
        queue.release_dead(session)
    done: list[Finished] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def run(n: int) -> None:
        me = queue.worker_id(f"{tag}{n}")
        try:
            # Several readers share the cores: one Tesseract thread each.
            threads = 1 if workers > 1 else None
            with (
                Reader(threads) as reader,
                tempfile.TemporaryDirectory(prefix="foi-extract-") as tmp,
            ):
                while not (should_stop and should_stop()):
                    finished = _one(engine, reader, me, clock, lease, limits, Path(tmp))
                    if finished is None:
                        return
                    with lock:
                        done.append(finished)
                        if on_done is not None:
                            on_done(finished)
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return done
