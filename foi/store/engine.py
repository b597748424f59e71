"""Engine, session scope, SQLite pragmas, and the schema revision check.

A new SQLite file is created private (mode 600) and migrated to the current schema; an
existing database at an older revision is refused with a pointer to ``foi db upgrade``.
Alembic is imported only when a migration actually has to run.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from foi.errors import ConflictError, DatabaseError, UsageError
from foi.files import atomic_writer, fsync_dir, is_special
from foi.store.migrations import HEAD, KNOWN_REVISIONS

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Engine
    from sqlalchemy.orm import Session


def resolve_url(database: str) -> URL:
    """Turn a file path or a SQLAlchemy URL into a URL (postgresql:// means psycopg 3)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if "://" in database:
        text = database
        for prefix in ("postgresql://", "postgres://"):
            if text.startswith(prefix):
                text = "postgresql+psycopg://" + text[len(prefix) :]
        try:
            url = make_url(text)
            url.port  # noqa: B018  (a port that is not a number raises here)
        except (ArgumentError, ValueError):
            raise UsageError(
                "the database URL is not valid (check the port and special characters): "
                "give a file path or a URL such as postgresql+psycopg://user@host/dbname"
            ) from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise UsageError(
                f"unsupported database {url.get_backend_name()!r}: use a SQLite file or PostgreSQL"
            )
        if url.get_backend_name() == "postgresql" and url.drivername != "postgresql+psycopg":
            raise UsageError("for PostgreSQL use the psycopg driver: postgresql+psycopg://…")
        if url.host and "@" in url.host:
            raise UsageError(
                "the database URL has an '@' in its password or user name: write "
                "it as %40 (e.g. postgresql+psycopg://foi:pa%40ss@host/foi)"
            )
        return url
    path = Path(database).expanduser().absolute()
    return make_url(f"sqlite:///{path}")


def describe(url: URL) -> str:
    """A printable name for the database, never showing a password (nor a password= query)."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    safe = url.difference_update_query([k for k in url.query if k.lower() == "password"])
    return safe.render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for another backend or memory."""
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def _create_private_file(path: Path) -> None:
    """Create an empty SQLite file readable only by its owner (mode 600)."""
    if not path.parent.is_dir():
        raise DatabaseError(f"cannot create database {path}: folder {path.parent} does not exist")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    except OSError as exc:
        raise DatabaseError(f"cannot create database {path}: {exc.strerror}") from None
    os.close(fd)
    os.chmod(path, 0o600)  # the umask could have narrowed it further, never widened it


def make_engine(url: URL) -> Engine:
    """An engine with foi's pragmas: foreign keys, WAL, a busy timeout, BEGIN IMMEDIATE."""
    from sqlalchemy import create_engine, event

    if url.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None and not path.exists():
            _create_private_file(path)
        engine = create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
            # Take transactions into our own hands so that every write transaction is
            # BEGIN IMMEDIATE: two processes then queue instead of deadlocking on upgrade.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                # A read-only file keeps its journal mode; writes then fail clearly.
                with contextlib.suppress(sqlite3.OperationalError):
                    cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: object) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # type: ignore[attr-defined]

        return engine
    return create_engine(url, pool_pre_ping=True)


def current_revision(engine: Engine) -> tuple[str | None, bool]:
    """The stored Alembic revision and whether the database has any tables at all."""
    from sqlalchemy import inspect, text
    from sqlalchemy.exc import DBAPIError

    with engine.connect() as conn:
        # The common case in one query; listing the tables (the inspector costs ~10 ms of
        # imports and queries) only when there is no version table.
        try:
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
            return (row[0] if row else None), True
        except DBAPIError:
            conn.rollback()
        names = set(inspect(conn).get_table_names())
        if "alembic_version" not in names:
            return None, bool(names)
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return (row[0] if row else None), True


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate the database to the newest revision; returns (before, after)."""
    from alembic import command
    from alembic.config import Config
    from alembic.util.exc import CommandError

    before, has_tables = current_revision(engine)
    where = describe(engine.url)
    if before is None and has_tables:
        raise DatabaseError(
            f"{where} is not a foi database (it has other tables): use another file"
        )
    if before is not None and before not in KNOWN_REVISIONS:
        # Alembic would fail with "Can't locate revision": say what it means instead.
        raise DatabaseError(
            f"{where} was written by a newer foi (revision {before}): upgrade foi to use it; "
            "nothing was changed"
        )
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except CommandError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DatabaseError(f"cannot upgrade {where}: {first}; nothing was changed") from None
    return before, HEAD


def missing_database(url: URL) -> DatabaseError:
    """The one-line error for a database that foi has not created (yet)."""
    return DatabaseError(
        f"no foi database at {describe(url)}: run 'foi init' here, or set FOI_DATABASE_URL / --db"
    )


def require_database_file(url: URL) -> None:
    """Refuse a SQLite file that does not exist, so that no command but init creates one."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise missing_database(url)


def ensure_schema(engine: Engine, url: URL, *, create: bool = False) -> None:
    """Check the schema is current; with `create`, build it in an empty database.

    Only ``foi init`` and ``foi db upgrade`` create: any other command on an empty
    database would otherwise report a false all-clear ("0 overdue").
    """
    revision, has_tables = current_revision(engine)
    if revision == HEAD:
        return
    if revision is None and not has_tables:
        if not create:
            raise missing_database(url)
        upgrade(engine)
        return
    where = describe(url)
    if revision is None:
        raise DatabaseError(
            f"{where} is not a foi database (it has other tables): use another file"
        )
    if revision in KNOWN_REVISIONS:
        raise DatabaseError(
            f"{where} is at an older revision ({revision}) than this foi ({HEAD}): back it up "
            "with 'foi db backup FILE', then run 'foi db upgrade'"
        )
    raise DatabaseError(
        f"{where} was written by a newer foi (revision {revision}): upgrade foi to use it"
    )


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: commit if the block succeeds, roll back if it raises."""
    from sqlalchemy.orm import Session

    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def backup_sqlite(url: URL, dest: Path) -> int:
    """Copy a SQLite database consistently with the online backup API; returns pages."""
    src_path = sqlite_path(url)
    if src_path is None:
        raise UsageError(
            "foi db backup copies SQLite files; for PostgreSQL use pg_dump, e.g. "
            "'pg_dump --format=custom --file=foi.dump DBNAME'"
        )
    if not src_path.is_file():
        raise DatabaseError(
            f"database {src_path} does not exist (or is a folder): nothing to back up"
        )
    if is_special(dest):
        # '-', a pipe or a device: the private copy is made beside the database, then sent.
        tmp, pages = _private_copy(src_path, src_path.parent, src_path.name, doing="back up")
        try:
            with tmp.open("rb") as copy, atomic_writer(dest) as fh:
                shutil.copyfileobj(copy, fh, 1024 * 1024)
        finally:
            tmp.unlink(missing_ok=True)
        return pages
    dest = dest.expanduser().absolute()
    if dest.exists() or dest.is_symlink():
        raise UsageError(f"{dest} already exists: choose a new file name for the backup")
    if not dest.parent.is_dir():
        raise UsageError(f"folder {dest.parent} does not exist")
    tmp, pages = _private_copy(src_path, dest.parent, dest.name, doing="back up")
    try:
        # A link, not a rename: a file that appeared meanwhile at `dest` is never replaced.
        os.link(tmp, dest)
    except FileExistsError:
        raise UsageError(f"{dest} already exists: choose a new file name for the backup") from None
    finally:
        tmp.unlink(missing_ok=True)
    return pages


def _private_copy(source: Path, folder: Path, name: str, *, doing: str) -> tuple[Path, int]:
    """Copy a SQLite database with the online backup API into a private temporary file.

    The file (mode 600, in `folder`, named like foi.files' temporary files so that one a kill
    leaves behind is removed by the next run) is synced and returned with its page count; on
    failure it is removed, and a SQLite error is "cannot <doing> <source>: ...".
    """
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    os.fchmod(fd, 0o600)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)
        out = sqlite3.connect(tmp)
        try:
            src.backup(out, pages=256)
            pages = int(out.execute("PRAGMA page_count").fetchone()[0])
            out.execute("PRAGMA journal_mode=DELETE")
        finally:
            out.close()
            src.close()
        _fsync(tmp)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error):
            raise DatabaseError(f"cannot {doing} {source}: {exc}") from None
        raise
    return tmp, pages


def _fsync(path: Path) -> None:
    """Flush a file's bytes to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _foi_revision(path: Path) -> str | None:
    """The foi schema revision of a SQLite file, after an integrity check; DatabaseError if unfit."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot open {path}: {exc}") from None
    try:
        problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise DatabaseError(f"{path} is damaged ({problems[0]}): choose another backup")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is not a foi database ({exc}): choose another file") from None
    finally:
        conn.close()
    return row[0] if row else None


def restore_sqlite(url: URL, source: Path, *, force: bool = False) -> str | None:
    """Replace the SQLite database with a backup, atomically; returns the backup's revision.

    The backup is checked (integrity, a foi schema) and copied beside the database as a
    private temporary file first; the database is then replaced in one rename, so a kill
    leaves either the old database or the restored one. Refuses to overwrite without `force`.
    """
    dest = sqlite_path(url)
    if dest is None:
        raise UsageError(
            "foi db restore replaces SQLite files; for PostgreSQL use pg_restore, e.g. "
            "'pg_restore --clean --dbname DBNAME foi.dump'"
        )
    source = source.expanduser().absolute()
    if not source.is_file():
        raise UsageError(f"{source} does not exist (or is a folder): give a backup file")
    if source == dest:
        raise UsageError(f"{source} is the database itself: give a backup file")
    revision = _foi_revision(source)
    if revision is None or revision not in KNOWN_REVISIONS:
        raise DatabaseError(
            f"{source} is not a foi backup this version can use (revision {revision})"
        )
    if dest.exists() and not force:
        raise ConflictError(
            f"{dest} exists: add --force to replace it with {source.name} "
            "(back it up first with 'foi db backup FILE')"
        )
    if not dest.parent.is_dir():
        raise UsageError(f"folder {dest.parent} does not exist")
    tmp, _ = _private_copy(source, dest.parent, dest.name, doing="restore")
    try:
        if dest.exists():
            _retire(dest)
        os.replace(tmp, dest)
    except sqlite3.Error as exc:
        raise DatabaseError(f"cannot restore {source}: {exc}") from None
    finally:
        tmp.unlink(missing_ok=True)  # gone already once it has replaced the database
    fsync_dir(dest.parent)
    return revision


def _retire(dest: Path) -> None:
    """Fold the old database's write-ahead log in and remove it, so it is never replayed.

    A -wal file left beside the restored file would be applied to it by the next opener.
    """
    try:
        conn = sqlite3.connect(dest, timeout=60)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("PRAGMA journal_mode=DELETE")
        finally:
            conn.close()
    except sqlite3.Error:
        pass  # not a usable database: there is nothing of it to keep
    for extra in ("-wal", "-shm", "-journal"):
        Path(f"{dest}{extra}").unlink(missing_ok=True)
