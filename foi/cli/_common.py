"""Shared plumbing for commands: settings, today's date, the database, output."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from foi.clock import now, parse_date, today  # noqa: F401  (the commands take them from here)
from foi.config import Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Engine
    from sqlalchemy.orm import Session


@dataclass
class Env:
    """What a command needs from its surroundings."""

    settings: Settings
    today: date
    now: datetime


def env(ctx: typer.Context) -> Env:
    """Settings (with the --db flag) and the date, resolved once per command."""
    root = ctx.find_root()
    obj = root.obj if isinstance(root.obj, dict) else {}
    settings = load_settings(overrides={"database": obj.get("db")})
    return Env(settings=settings, today=today(), now=now())


def database_url(e: Env) -> URL:
    """The URL of the database in use."""
    from foi.store.engine import resolve_url

    return resolve_url(e.settings.database)


@contextmanager
def open_engine(e: Env, check_schema: bool = True, create: bool = False) -> Iterator[Engine]:
    """An engine for the configured database, schema checked, disposed afterwards.

    Only `create=True` (foi init, foi db upgrade) may make a new database; any other
    command on a missing one fails with one line and creates no file.
    """
    from foi.store.engine import ensure_schema, make_engine, require_database_file, sqlite_path

    url = database_url(e)
    path = sqlite_path(url)
    is_new = path is not None and not path.exists()
    if not create:
        require_database_file(url)
    engine = make_engine(url)
    try:
        if check_schema:
            ensure_schema(engine, url, create=create)
        yield engine
    except BaseException:
        engine.dispose()
        if is_new and path is not None:
            # This command created the file and then failed: leave no empty database behind.
            for extra in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{extra}").unlink(missing_ok=True)
        raise
    engine.dispose()
    if is_new:  # say so, so that a typo in --db or FOI_DATABASE_URL is noticed
        info(f"foi: created a new database {path} (mode 600)")


@contextmanager
def session(e: Env) -> Iterator[Session]:
    """One transaction on the configured database: the whole command commits or nothing does."""
    from foi.store.engine import session_scope

    with open_engine(e) as engine, session_scope(engine) as s:
        yield s


def emit_json(data: Any) -> None:
    """Print JSON for scripts: a stable contract."""
    # Indented for a person at a terminal; piped, one compact document, which the C encoder
    # writes several times faster (indent forces the pure-Python one).
    indent = 2 if _is_terminal() else None
    text = json.dumps(data, indent=indent, ensure_ascii=False, default=str)
    # JSON escapes C0 controls itself; DEL and the C1 controls (CSI) too, for terminals.
    sys.stdout.write(text.translate(_JSON_C1) + "\n")


def _is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced or closed stdout
        return False


# Control characters a sender (or anyone) wrote are shown escaped, never sent to the
# terminal raw (ESC and BEL can retitle a window or clear the screen): C0 except line
# breaks and tabs in running text, DEL and C1. Table cells escape line breaks too.
_CONTROLS = [*range(0x20), 0x7F, *range(0x80, 0xA0)]
_IN_CELLS = {c: f"\\x{c:02x}" for c in _CONTROLS}
_IN_TEXT = {c: v for c, v in _IN_CELLS.items() if c not in (0x09, 0x0A)}
_JSON_C1 = {c: f"\\u{c:04x}" for c in (0x7F, *range(0x80, 0xA0))}


def visible(text: str, *, cell: bool = False) -> str:
    """`text` with its control characters shown as ``\\x1b`` escapes (see `_CONTROLS`)."""
    if cell:
        return text.translate(_IN_CELLS)
    return text.replace("\r\n", "\n").translate(_IN_TEXT)


def table(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> None:
    """Print a table: drawn with rich at a terminal, plain aligned text when piped."""
    cells = [["" if v is None else visible(str(v), cell=True) for v in row] for row in rows]
    title = visible(title, cell=True) if title else title
    if not _is_terminal():
        _plain_table(columns, cells, title)
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    t = Table(title=title, show_lines=False, header_style="bold")
    for col in columns:
        t.add_column(col, overflow="fold")
    for row in cells:
        t.add_row(*(Text(c) for c in row))  # as written: "[red]" in a subject is not markup
    Console(width=_width()).print(t)


def _plain_table(columns: Sequence[str], cells: list[list[str]], title: str | None) -> None:
    """The table as lines of columns padded to their widest cell, for pipes and files."""
    widths = [len(c) for c in columns]
    for row in cells:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))
    lines = [title] if title else []
    for row in (list(columns), *cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip())
    sys.stdout.write("\n".join(lines) + "\n")


def _width() -> int | None:
    try:
        return max(os.get_terminal_size().columns, 100)
    except OSError:
        return 160


def info(message: str) -> None:
    """A line for the user on stderr (keeps stdout clean for JSON)."""
    typer.echo(visible(message), err=True)


def out(message: str = "") -> None:
    """A line of normal output."""
    typer.echo(visible(message))


def d(value: date | None) -> str:
    """A date for display."""
    return value.isoformat() if value else ""


def legacy_files_dir(e: Env) -> Path:
    """Where foi 0.1.0 kept attachments and raw mail (now in the database): for `db upgrade`."""
    from foi.store.engine import sqlite_path

    if e.settings.attachments_dir:
        return Path(e.settings.attachments_dir).expanduser()
    path = sqlite_path(database_url(e))
    if path is not None:
        return path.with_name(f"{path.stem}-files")
    return Path("foi-files").absolute()
