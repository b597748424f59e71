"""Commands load lazily: `foi --help` imports no command module, and says what they do."""

from __future__ import annotations

import subprocess
import sys

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
