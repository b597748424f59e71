"""`foi db`: upgrade the schema, back up the database."""

from __future__ import annotations

from pathlib import Path

import typer

from foi.cli._common import database_url, env, open_engine, out

app = typer.Typer(
    help="Database maintenance.\n\nExample:  foi db backup backup-2026-11-27.db",
    no_args_is_help=True,
)


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Migrate the database to this version of foi (take a backup first).

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


@app.command("backup")
def backup(ctx: typer.Context, dest: Path = typer.Argument(..., help="New file to write.")) -> None:
    """Copy the SQLite database consistently, even while other commands run.

    For PostgreSQL, use pg_dump.

    Example:  foi db backup ~/foi-backups/requests-2026-11-27.db
    """
    from foi.store import engine as db

    e = env(ctx)
    url = database_url(e)
    pages = db.backup_sqlite(url, dest)
    out(f"backed up {db.describe(url)} to {dest} ({pages} pages, mode 600)")


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Show which database foi is using (the password of a URL is hidden).

    Example:  FOI_DATABASE_URL=team.db foi db path
    """
    from foi.store import engine as db

    out(db.describe(database_url(env(ctx))))
