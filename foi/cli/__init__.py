"""The `foi` command: a thin Typer layer over the domain.

Every error a user can cause becomes one line on stderr and a documented exit code; a
traceback is shown only with FOI_DEBUG=1.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from foi import __version__
from foi.errors import DatabaseError, FoiError, UsageError

EXIT_INTERNAL = 70


def _translate(exc: BaseException) -> FoiError | None:
    """Turn library exceptions a user can cause into FoiErrors (without secrets)."""
    mod = type(exc).__module__
    if mod.startswith("sqlalchemy"):
        text = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        if "readonly database" in text or "read-only" in text:
            return DatabaseError(
                "the database is read-only: check the file's permissions "
                "(and its folder's), or use 'foi --db' with a writable copy"
            )
        if "unable to open database file" in text:
            return DatabaseError("cannot open the database file: check the path and permissions")
        if "database is locked" in text:
            return DatabaseError("the database is busy (locked by another foi): try again")
        if "file is not a database" in text or "file is encrypted" in text:
            return DatabaseError("the database file is not a SQLite database: check --db")
        if "connection" in text.lower() or "could not translate host" in text:
            return DatabaseError(f"cannot connect to the database: {text}")
        return DatabaseError(f"database error: {text}")
    if mod.startswith("alembic"):
        text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return DatabaseError(f"cannot migrate the database: {text}")
    if isinstance(exc, OverflowError):
        return UsageError("a number given is too large")
    # A path a person gave that cannot be used is bad input (exit 2, as the README's table).
    if isinstance(exc, PermissionError):
        return UsageError(f"permission denied: {exc.filename or exc}")
    if isinstance(exc, FileNotFoundError):
        return UsageError(f"no such file: {exc.filename or exc}")
    if isinstance(exc, IsADirectoryError):
        return UsageError(f"{exc.filename} is a folder, not a file")
    if isinstance(exc, NotADirectoryError):
        return UsageError(f"{exc.filename}: a part of the path is a file, not a folder")
    if isinstance(exc, UnicodeDecodeError):
        return UsageError(f"a file is not UTF-8 text ({exc.reason} at byte {exc.start})")
    if isinstance(exc, OSError):
        return FoiError(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
    return None


class FoiGroup(TyperGroup):
    """The root group: one place that turns errors into one line each."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FoiError as exc:
            self._fail(exc)
        except BrokenPipeError:
            # The reader went away (e.g. `| head`): stop quietly, as other tools do.
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            raise typer.Exit(0) from None
        except (KeyboardInterrupt, typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if type(exc).__module__.startswith(("typer", "click")):
                raise
            translated = _translate(exc)
            if translated is not None:
                self._fail(translated, exc)
            if os.environ.get("FOI_DEBUG"):
                raise
            typer.echo(
                f"foi: internal error ({type(exc).__name__}); nothing was saved. "
                "Run again with FOI_DEBUG=1 for details and report it.",
                err=True,
            )
            raise typer.Exit(EXIT_INTERNAL) from None

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        """Run the command; usage errors too become one line (and exit code 2)."""
        from typer import _click

        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)
        except _click.exceptions.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # `foi` or `foi body` alone: help
                typer.echo(exc.format_message())
                rv = 0
                return rv if not standalone_mode else sys.exit(rv)
            where = exc.ctx.command_path if exc.ctx is not None else "foi"
            typer.echo(f"foi: error: {exc.format_message()} (see '{where} --help')", err=True)
            rv = exc.exit_code
        except _click.exceptions.ClickException as exc:
            typer.echo(f"foi: error: {exc.format_message()}", err=True)
            rv = exc.exit_code
        except (typer.Abort, KeyboardInterrupt, EOFError):
            typer.echo("foi: aborted: nothing was saved", err=True)
            rv = 1
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)

    @staticmethod
    def _fail(exc: FoiError, cause: BaseException | None = None) -> None:
        if cause is not None and os.environ.get("FOI_DEBUG"):
            raise cause
        typer.echo(f"foi: error: {exc.message}", err=True)
        raise typer.Exit(exc.exit_code)


app = typer.Typer(
    cls=FoiGroup,
    name="foi",
    help=(
        "Freedom of Information requests for campaigns: draft, send, track the statutory "
        "clock, chase, and keep every reply as evidence.\n\n"
        "Example:  foi init && foi body list --kind mental-health-trust"
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"foi {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        metavar="PATH_OR_URL",
        help="Database: a SQLite file (default ./requests.db) or a URL such as "
        "postgresql+psycopg://user@host/foi. Also FOI_DATABASE_URL.",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Freedom of Information requests for campaigns."""
    ctx.obj = {"db": db}


def _register() -> None:
    from foi.cli import (
        bodies,
        daemon_cmd,
        dbcmd,
        deadlines_cmd,
        escalate_cmd,
        holidays_cmd,
        inbox_cmd,
        letters_cmd,
        publish_cmd,
        remind_cmd,
        report_cmd,
        requests_cmd,
        send_cmd,
        setup,
    )

    setup.register(app)
    letters_cmd.register(app)
    send_cmd.register(app)
    deadlines_cmd.register(app)
    inbox_cmd.register(app)
    remind_cmd.register(app)
    daemon_cmd.register(remind_cmd.app)
    escalate_cmd.register(app)
    letters_cmd.register_edit(requests_cmd.app)
    publish_cmd.register(app)
    publish_cmd.register_request(requests_cmd.app)
    app.add_typer(holidays_cmd.app, name="holidays")
    app.add_typer(letters_cmd.template_app, name="template")
    app.add_typer(inbox_cmd.app, name="inbox")
    app.add_typer(report_cmd.exemptions_app, name="exemptions")
    app.add_typer(report_cmd.report_app, name="report")
    app.add_typer(remind_cmd.app, name="remind")
    app.add_typer(remind_cmd.calendar_app, name="calendar")
    app.add_typer(dbcmd.app, name="db")
    app.add_typer(bodies.app, name="body")
    app.add_typer(requests_cmd.app, name="request")


_register()


def main() -> None:
    """Console-script entry point."""
    sys.exit(app())  # pragma: no cover - exercised through the console script
