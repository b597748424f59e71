"""The `foi` command: a thin Typer layer over the domain.

Every error a user can cause becomes one line on stderr and a documented exit code; a
traceback is shown only with FOI_DEBUG=1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping, MutableMapping
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


def _not_utf8(argv: Any) -> str | None:
    """The first argument that is not valid UTF-8, shown with its bad bytes escaped."""
    for arg in argv or ():
        if isinstance(arg, str):
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                raw = arg.encode("utf-8", "surrogateescape")
                from foi.cli._common import visible

                return "'" + visible(raw.decode("utf-8", "backslashreplace"), cell=True) + "'"
    return None


_DATE_PARAMS = {"on", "date", "promised", "confirmed", "since", "until"}


_NAMED = {"var": "KEY=VALUE", "to": "BODIES", "requester": "NAME", "assignee": "VOLUNTEER"}


def _metavar(name: str) -> str:
    """What help shows for a value: REFERENCE, DATE, TEMPLATE…, never a Python type."""
    if name in _NAMED:
        return _NAMED[name]
    if name in ("reference", "references"):
        return "REFERENCE"
    if name in _DATE_PARAMS or name.endswith("_on") or name.startswith("date"):
        return "DATE"
    return name.rstrip("_").upper().replace("_", "-")


def _name_metavars(cmd: Any) -> None:
    """Give every value a plain name in help (typer would show <str>, <list[str]>)."""
    for param in getattr(cmd, "params", []):
        if getattr(param, "is_flag", False) or param.name is None:
            continue
        if param.metavar is None:
            param.metavar = _metavar(param.name)
        if param.param_type_name == "argument":
            # An argument's help line would append its type (e.g. "<str>"): the name says it.
            param.display_type_rich = lambda ctx: None
    commands = getattr(cmd, "commands", {})
    if isinstance(commands, _LazyCommands):
        return  # the root's commands are named as each is built (_LazyCommands)
    for sub in commands.values():
        _name_metavars(sub)


class FoiGroup(TyperGroup):
    """The root group: one place that turns errors into one line each; commands load lazily."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _LazyCommands(self.commands)

    def list_commands(self, ctx: Any) -> list[str]:
        """The command names, in COMMANDS order, without importing any command."""
        return list(self.commands)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The command list of `foi --help`, from COMMANDS' help lines (no imports)."""
        from typer._click.utils import make_default_short_help

        commands = self.commands
        assert isinstance(commands, _LazyCommands)
        rows = []
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(n) for n in names)
        for name in names:
            cmd = commands.peek(name)
            if cmd is None:  # as click shortens a command's help, without building it
                rows.append((name, make_default_short_help(COMMANDS[name][1], limit).strip()))
            elif not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

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

        _name_metavars(self)
        argv = kwargs.get("args", args[0] if args else None)
        bad = _not_utf8(sys.argv[1:] if argv is None else argv)
        if bad is not None:
            # Python hands undecodable bytes on as lone surrogates: no command can use them.
            typer.echo(
                f"foi: error: argument {bad} is not UTF-8 text: rename the file or retype "
                "the value in UTF-8 (see 'foi --help')",
                err=True,
            )
            rv = 2
            return rv if not standalone_mode else sys.exit(rv)
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
        from foi.cli._common import visible

        typer.echo(f"foi: error: {visible(exc.message, cell=True)}", err=True)
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


# The commands: name -> ("module:attribute", the one-line help `foi --help` shows). The
# attribute is a Typer app (a group of subcommands) or a `register(app)` function that adds
# the named command to `app`. A command's module is imported only when that command runs,
# so `foi --help` imports none of them (tests/cli/test_lazy.py checks the help matches).
# Adding a command is one line here.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": (
        "foi.cli.setup:register",
        "Create the database (mode 600) and load the bundled, sourced body directory.",
    ),
    "draft": (
        "foi.cli.letters_cmd:register",
        "Draft one request per body from a template, in one transaction; or preview drafts.",
    ),
    "send": (
        "foi.cli.send_cmd:register",
        "Send drafted letters: a dry run listing recipients and routes until you add --yes.",
    ),
    "deadline": (
        "foi.cli.deadlines_cmd:register",
        "Work out the statutory deadlines for a request received on a date.",
    ),
    "explain": (
        "foi.cli.deadlines_cmd:register",
        "Explain a request's deadline day by day, ready to paste into a complaint.",
    ),
    "respond": (
        "foi.cli.inbox_cmd:register",
        "Log a response by hand: outcome, exemptions, the answer to each question, files.",
    ),
    "status": (
        "foi.cli.remind_cmd:register",
        "One line: what is overdue, due soon, waiting to be classified or held.",
    ),
    "chase": (
        "foi.cli.escalate_cmd:register",
        "Chase every overdue request not chased recently: a dry run first, then --yes.",
    ),
    "escalate": (
        "foi.cli.escalate_cmd:register",
        "Propose the next step (internal review, complaint to the regulator) and its dates.",
    ),
    "holidays": (
        "foi.cli.holidays_cmd:app",
        "Bank holidays used to count working days: GOV.UK's data, the holidays package, "
        "and your additions.",
    ),
    "template": (
        "foi.cli.letters_cmd:template_app",
        "Letter templates (Jinja2). Your ./templates/ folder overrides or adds to the "
        "built-in set.",
    ),
    "inbox": (
        "foi.cli.inbox_cmd:app",
        "Replies from your mailbox: import, match, and the holding pen for the rest.",
    ),
    "exemptions": (
        "foi.cli.report_cmd:exemptions_app",
        "The exemptions of each Act, as `foi respond --exemption` accepts them.",
    ),
    "report": (
        "foi.cli.report_cmd:report_app",
        "Tables from the evidence: results per body, statistics, answers question by question.",
    ),
    "remind": (
        "foi.cli.remind_cmd:app",
        "Reminders before, on and after every deadline, delivered once each.",
    ),
    "calendar": ("foi.cli.remind_cmd:calendar_app", "Deadlines in your calendar."),
    "db": ("foi.cli.dbcmd:app", "Database maintenance."),
    "body": (
        "foi.cli.bodies:app",
        "The directory of public bodies: list, show, add, edit, import, evidence.",
    ),
    "request": ("foi.cli.requests_cmd:app", "Requests and their timelines."),
    "redact": (
        "foi.cli.redact_cmd:register",
        "Store a redacted PDF copy of an attachment: personal data burnt out, text by OCR.",
    ),
    "redact-term": (
        "foi.cli.redact_cmd:terms_app",
        "Names and terms a campaign keeps out of print: found in files before they are "
        "published, and proposed by 'foi redact'.",
    ),
    "extract": (
        "foi.cli.extract_cmd:register",
        "Read the text out of stored files (OCR included): the queue, its failures, retries.",
    ),
    "search": (
        "foi.cli.search_cmd:register",
        "Search replies, attachments (page by page), letters and notes.",
    ),
    "evidence": (
        "foi.cli.evidence_cmd:app",
        "Passages naming the campaign's terms, proposed as body evidence: accept or reject.",
    ),
    "campaign": (
        "foi.cli.campaign_cmd:app",
        "Campaigns: the title, summary and questions their findings show; repeat a round.",
    ),
    "publish": (
        "foi.cli.publish_cmd:register",
        "Build the campaign's evidence site: a static site that opens from disk, no server.",
    ),
}


def load_command(name: str) -> Any:
    """Import a command's module and build its click command (a group for a Typer app)."""
    import importlib

    import typer.main
    from typer.models import TyperInfo

    module, attribute = COMMANDS[name][0].split(":")
    target = getattr(importlib.import_module(module), attribute)
    if isinstance(target, typer.Typer):
        return typer.main.get_group_from_info(
            TyperInfo(target, name=name),
            pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode,
            suggest_commands=app.suggest_commands,
        )
    scratch = typer.Typer(rich_markup_mode=app.rich_markup_mode)
    target(scratch)
    for info in scratch.registered_commands:
        if info.name == name:
            return typer.main.get_command_from_info(
                info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
    raise LookupError(f"{COMMANDS[name][0]} registers no command {name!r}")


class _LazyCommands(MutableMapping[str, Any]):
    """The root group's commands: each built on first use from COMMANDS."""

    def __init__(self, loaded: Mapping[str, Any]) -> None:
        self._loaded: dict[str, Any] = dict(loaded)

    def peek(self, name: str) -> Any:
        """The command if it was built already, else None (never imports)."""
        return self._loaded.get(name)

    def __getitem__(self, name: str) -> Any:
        found = self._loaded.get(name)
        if found is None:
            if name not in COMMANDS:
                raise KeyError(name)
            found = self._loaded[name] = load_command(name)
            _name_metavars(found)  # built on first use, so named then
        return found

    def __setitem__(self, name: str, command: Any) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (n for n in self._loaded if n not in COMMANDS)

    def __len__(self) -> int:
        return len(set(COMMANDS) | set(self._loaded))


def main() -> None:
    """Console-script entry point."""
    sys.exit(app())  # pragma: no cover - exercised through the console script
