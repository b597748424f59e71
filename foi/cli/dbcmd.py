"""`foi db`: upgrade the schema, check stored evidence, back up and restore the database."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from foi.cli._common import database_url, env, info, legacy_files_dir, open_engine, out, session

app = typer.Typer(
    help="Database maintenance.\n\nExample:  foi db backup backup-2026-11-27.db",
    no_args_is_help=True,
)


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Migrate the database to this version of foi (take a backup first).

    Files kept by foi 0.1.0 beside the database (FOI_ATTACHMENTS_DIR, or requests-files/
    next to a SQLite file, or ./foi-files on PostgreSQL) are moved into the database, each
    checked against its SHA-256; an interrupted move resumes when this is run again.

    Example:  foi db backup before-upgrade.db && foi db upgrade
    """
    from foi.store import engine as db

    e = env(ctx)
    with open_engine(e, check_schema=False, create=True) as engine:
        before, after = db.upgrade(engine)
        if before == after:
            out(f"database already at revision {after}")
        else:
            out(f"database upgraded from {before or 'empty'} to {after}")
            if before is not None:
                info(
                    "next: 'foi init' adds the bodies and addresses this version's bundled "
                    "directory has and the database lacks (it never overwrites your edits)"
                )
        _adopt_legacy_files(legacy_files_dir(e), engine)


def _adopt_legacy_files(root: Path, engine) -> None:  # type: ignore[no-untyped-def]
    """Move a 0.1.0 file store into the database, one committed file at a time."""
    from foi.evidence import blobs
    from foi.files import write_atomic
    from foi.store.engine import session_scope

    if not root.is_dir():
        return
    # Temporary files a killed 0.1.0 write left behind: never part of the store.
    for stale in [*root.glob(".tmp-*"), *root.glob("??/.tmp-*")]:
        stale.unlink(missing_ok=True)
    with session_scope(engine) as s:
        wanted = blobs.wanted_from_folder(s, root)
    problems: dict[str, str] = {}
    moved = 0
    for n, (sha, path) in enumerate(wanted, 1):
        # One transaction per file: a kill loses at most the file being moved, and the
        # next 'foi db upgrade' skips the ones already in the database.
        with session_scope(engine) as s:
            problem = blobs.adopt_file(s, sha, path)
        if problem:
            problems[sha] = problem
        else:
            moved += 1
        if n % 100 == 0:
            info(f"moved {n} of {len(wanted)} files from {root}")
    with session_scope(engine) as s:
        stored = {sha for sha, _ in blobs.legacy_files(root) if blobs.exists(s, sha)}
        missing = sorted(blobs.unheld_references(s))
    total = sum(1 for _ in blobs.legacy_files(root))
    if not total and not missing:
        return
    if missing:
        # Every file the database refers to and could not take in is named; no note is
        # written, so the folder is never called safe to delete while it is needed.
        for sha in missing:
            where = root / sha[:2] / sha
            info(f"foi: {problems.get(sha) or f'{where} is missing; not moved'}")
        from foi.errors import FoiError

        raise FoiError(
            f"{len(missing)} file(s) the database refers to are missing or corrupt in {root} "
            f"(listed above; {moved} moved): put the originals back from a backup and run "
            "'foi db upgrade' again"
        )
    for problem in problems.values():
        info(f"foi: {problem}")
    note = root / blobs.LEGACY_NOTE
    write_atomic(note, blobs.legacy_note(root, len(stored), total - len(stored)))
    out(
        f"moved {moved} files from {root} into the database ({len(stored)} of its "
        f"{total} are now there); the folder is no longer used: once 'foi db check' is "
        f"clean and you have a backup, delete it (see {note})"
    )


@app.command("check")
def check(
    ctx: typer.Context,
    remove_unreferenced: bool = typer.Option(
        False,
        "--remove-unreferenced",
        help="Delete stored files that no message or attachment refers to (unreachable).",
    ),
) -> None:
    """Verify every stored file against its SHA-256, and every reference against a file.

    Prints one line per problem and exits 1 if there is any. A stored file that nothing
    refers to can never be shown or exported; --remove-unreferenced deletes such files (in
    one transaction, each named) and checks the rest.

    Example:  foi db check

    Example:  foi db check --remove-unreferenced
    """
    from sqlalchemy import func, select

    from foi.errors import FoiError, UsageError
    from foi.evidence import blobs
    from foi.store import tables

    e = env(ctx)
    removed: list[tuple[str, int]] = []
    with session(e) as s:
        if remove_unreferenced:
            missing = blobs.missing_references(s)
            if missing:
                raise UsageError(
                    f"{len(missing)} messages or attachments refer to files that are not "
                    "stored, and an unreferenced file may be one of them: nothing removed; "
                    "restore a backup ('foi db restore FILE') or ask for help first"
                )
            for sha, size in blobs.unreferenced_sizes(s):
                if blobs.remove_if_unreferenced(s, sha):
                    removed.append((sha, size))
        problems = blobs.check(s)
        unreferenced = len(blobs.unreferenced(s)) if problems else 0
        b = tables.blobs.c
        count, size = s.execute(select(func.count(b.id), func.sum(b.size))).one()
    # Printed once the transaction has committed.
    for sha, n in removed:
        out(f"removed blob {sha} ({n} bytes): nothing referred to it")
    for problem in problems:
        out(problem)
    if problems:
        raise FoiError(
            f"{len(problems)} problems with stored files: import the messages again, or "
            "restore a backup ('foi db restore FILE')"
            + (
                f"; {unreferenced} unreferenced: 'foi db check --remove-unreferenced'"
                if unreferenced
                else ""
            )
        )
    out(
        f"{count} stored files ({size or 0} bytes) match their SHA-256; every message and "
        "attachment has its file"
    )


@app.command("backup")
def backup(ctx: typer.Context, dest: Path = typer.Argument(..., help="New file to write.")) -> None:
    """Copy the SQLite database, attachments and raw mail included, even while others use it.

    For PostgreSQL, use pg_dump: the attachments and raw mail are in the database too.

    Example:  foi db backup ~/foi-backups/requests-2026-11-27.db
    """
    from foi.files import is_special, remove_stale_temp_files
    from foi.store import engine as db

    e = env(ctx)
    url = database_url(e)
    special = is_special(dest)
    folder = dest.expanduser().absolute().parent
    if folder.is_dir() and not special:
        remove_stale_temp_files(folder, time.time())  # left by a killed backup
    pages = db.backup_sqlite(url, dest)
    (info if special else out)(
        f"backed up {db.describe(url)} to {dest} ({pages} pages"
        + (")" if special else ", mode 600)")
    )


@app.command("restore")
def restore(
    ctx: typer.Context,
    source: Path = typer.Argument(..., help="A backup made by 'foi db backup'."),
    force: bool = typer.Option(False, "--force", help="Replace an existing database."),
) -> None:
    """Replace the SQLite database with a backup (checked first; the swap is atomic).

    Refuses to replace an existing database without --force. Stop other foi commands and
    the daemon first. For PostgreSQL, use pg_restore.

    Example:  foi db restore ~/foi-backups/requests-2026-11-27.db --force
    """
    from foi.files import remove_stale_temp_files
    from foi.store import engine as db

    e = env(ctx)
    url = database_url(e)
    target = db.sqlite_path(url)
    if target is not None and target.parent.is_dir():
        remove_stale_temp_files(target.parent, time.time())  # left by a killed restore
    revision = db.restore_sqlite(url, source, force=force)
    out(f"restored {db.describe(url)} from {source} (revision {revision}, mode 600)")
    if revision != db.HEAD:
        info("foi: the backup is from an older foi: run 'foi db upgrade' before using it")


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Show which database foi is using (the password of a URL is hidden).

    Example:  FOI_DATABASE_URL=team.db foi db path
    """
    from foi.store import engine as db

    out(db.describe(database_url(env(ctx))))
