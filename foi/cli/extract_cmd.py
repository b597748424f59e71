"""`foi extract`: read the text out of stored files (the queue), list or retry failures."""

from __future__ import annotations

import sys

import typer

from foi.cli._common import emit_json, env, info, open_engine, out, table


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)


def extract(
    ctx: typer.Context,
    workers: int = typer.Option(
        1, "--workers", min=1, max=64, help="Files read at once (each in its own process)."
    ),
    failed: bool = typer.Option(False, "--failed", help="List the files that failed, and why."),
    retry: bool = typer.Option(
        False, "--retry", help="Queue the failed files again (then read them)."
    ),
    lease: int = typer.Option(
        120,
        "--lease",
        min=1,
        help="Seconds without a heartbeat after which another worker takes a file over.",
    ),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """Read the text out of stored files (OCR included): the queue, its failures, retries.

    PDF text layers, OCR of scans and images, Office files, messages and archives, each
    read in a limited child process.

    Several `foi extract` processes (on several machines, on PostgreSQL) share the queue:
    each file is read once. A file whose worker was killed is taken over when its lease
    runs out, or at once by the next `foi extract` on the same machine.

    Example:  foi extract --workers 2 && foi extract --failed
    """
    from foi.clock import now
    from foi.reading import index, queue
    from foi.store.engine import session_scope

    e = env(ctx)
    with open_engine(e) as engine:
        if failed:
            with session_scope(engine) as s:
                rows = queue.failures(s)
            data = [
                {
                    "sha256": f.sha256,
                    "filename": f.filename,
                    "reason": f.reason,
                    "attempts": f.attempts,
                    "requests": f.references,
                }
                for f in rows
            ]
            if json_out:
                emit_json(data)
                return
            if not data:
                out("no file failed")
                return
            table(
                ("sha256", "file", "requests", "reason"),
                [
                    (d["sha256"][:12], d["filename"] or "", ", ".join(d["requests"]), d["reason"])
                    for d in data
                ],
                title=f"{len(data)} file(s) failed ('foi extract --retry' queues them again)",
            )
            return
        with session_scope(engine) as s:
            retried = queue.retry_failed(s) if retry else 0
            queue.enqueue_unread(s, e.now)
            queue.release_dead(s)
            total = queue.pending(s, e.now, lease)
        if retried:
            info(f"{retried} failed file(s) queued again")
        results = _run(engine, now, workers, lease, total)
        with session_scope(engine) as s:
            index.refresh(s)
            counts = queue.counts(s)
    read = [r for r in results if r.failure is None]
    bad = [r for r in results if r.failure is not None]
    if json_out:
        emit_json(
            {
                "read": len(read),
                "read_files": [r.sha256 for r in read],
                "failed": [
                    {"sha256": r.sha256, "filename": r.filename, "reason": r.failure} for r in bad
                ],
                "queue": counts,
            }
        )
        return
    out(
        f"{len(read)} file(s) read ({sum(r.pages or 0 for r in read)} pages), "
        f"{len(bad)} failed; queue: {counts['queued']} queued, {counts['working']} being read "
        f"elsewhere, {counts['done']} done, {counts['failed']} failed"
    )
    for r in bad:
        out(f"  failed: {r.filename or r.sha256[:12]}: {r.failure}")


def _run(engine, now, workers: int, lease: int, total: int):  # type: ignore[no-untyped-def]
    from foi.reading.worker import work

    if not sys.stderr.isatty() or total == 0:
        return work(engine, now, workers=workers, lease=lease)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("reading"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[name]}"),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("extract", total=total, name="")

        def advance(done) -> None:  # type: ignore[no-untyped-def]
            bar.update(task, advance=1, name=(done.filename or "")[:40])

        return work(engine, now, workers=workers, lease=lease, on_done=advance)
