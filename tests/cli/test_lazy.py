"""Commands load lazily: `foi --help` imports no command module, and says what they do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from foi.cli import COMMANDS, load_command
from tests.conftest import REPO


def _first_paragraph(text: str | None) -> str:
    return " ".join((text or "").strip().split("\n\n")[0].split())


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_entry_builds_its_command_with_the_help_listed(name: str) -> None:
    command = load_command(name)
    assert command.name == name
    assert _first_paragraph(command.help) == COMMANDS[name][1]


def test_help_imports_no_command_module() -> None:
    code = (
        "import sys; from foi.cli import app;"
        "sys.argv = ['foi', '--help'];"
        "exec('try:\\n    app()\\nexcept SystemExit:\\n    pass');"
        "print(sorted(m for m in sys.modules if m.startswith('foi.cli.') and m != 'foi.cli._common'"
        " or m.startswith(('sqlalchemy', 'holidays', 'rich', 'jinja2'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    listing, imported = done.stdout.rsplit("\n", 2)[0], done.stdout.rsplit("\n", 2)[1]
    assert imported == "[]"
    for name in COMMANDS:
        assert f"\n  {name} " in listing


def test_running_one_command_imports_only_its_module() -> None:
    code = (
        "import sys; from foi.cli import app;"
        "sys.argv = ['foi', 'exemptions', '--help'];"
        "exec('try:\\n    app()\\nexcept SystemExit:\\n    pass');"
        "print(sorted(m for m in sys.modules if m.startswith('foi.cli.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert done.stdout.rsplit("\n", 2)[1] == "['foi.cli._common', 'foi.cli.report_cmd']"


@pytest.mark.parametrize(
    "args",
    [
        ("status",),
        ("status", "--json"),
        ("request", "list", "--overdue"),
        ("request", "list", "--campaign", "sim-2026", "--json"),
        ("body", "list"),
        ("body", "list", "--kind", "police-force", "--missing-email", "--json"),
        ("body", "evidence", "list"),
        ("request", "list", "--overdue", "--json"),
        ("request", "list", "--body", "RVN"),
        ("report", "results", "--campaign", "sim-2026", "--json"),
        ("report", "stats", "--campaign", "sim-2026"),
        ("publish", "--campaign", "sim-2026", "site"),  # writes files, never the database
        ("remind", "run"),
        ("remind", "run", "--json"),
    ],
)
def test_read_only_commands_never_import_the_orm(
    foi, isolated: Path, args: tuple[str, ...]
) -> None:
    # Issue 12: the ORM's 20 classes cost ~40 ms to import and ~25 ms to configure, so the
    # everyday read-only commands query foi.store.tables and never touch foi.store.models.
    # Issue 24: nor sqlalchemy.orm itself (~60 ms more): they read through a Core connection.
    # (`--body` looks the body up by its aliases and codes through the ORM: models only.)
    db = str(isolated / "requests.db")
    assert foi("init", db=db).exit_code == 0
    signed = {"FOI_REQUESTER_NAME": "Jo Bloggs", "FOI_REQUESTER_ADDRESS": "1 High St, Leeds"}
    drafted = foi("draft", "sim-use", "--to", "RVN", "--campaign", "sim-2026", db=db, env=signed)
    assert drafted.exit_code == 0 and "1 drafted" in drafted.stdout, drafted.stdout + drafted.stderr
    code = (
        "import runpy, sys;"
        f"sys.argv = ['foi', '--db', {db!r}, *{list(args)!r}];"
        'exec(\'try:\\n    runpy.run_module("foi", run_name="__main__")\\n'
        "except SystemExit as e:\\n    status = e.code\\nelse:\\n    status = 0');"
        "sys.stderr.write(f'\\nexit {status} orm ' + str('foi.store.models' in sys.modules)"
        " + ' ' + str('sqlalchemy.orm' in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=isolated
    )
    expected = "exit 0 orm True True" if "--body" in args else "exit 0 orm False False"
    assert done.stderr.rsplit("\n", 1)[1] == expected, done.stderr
