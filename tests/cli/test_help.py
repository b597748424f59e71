"""Every command's help is the manual: each shows a runnable example."""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer

from foi.cli import app


def _walk(cmd: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in getattr(cmd, "commands", {}).items():
        found.extend(_walk(sub, (*path, name)))
    return found


COMMANDS = _walk(typer.main.get_command(app))


def test_the_command_tree_is_complete() -> None:
    names = {" ".join(p) for p in COMMANDS}
    for expected in (
        "init",
        "db upgrade",
        "db backup",
        "body list",
        "body show",
        "body add",
        "body edit",
        "body import",
        "body evidence add",
        "request new",
        "request list",
        "request show",
        "request log",
        "request assign",
    ):
        assert expected in names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "foi")
def test_help_has_an_example(foi, path: tuple[str, ...]) -> None:
    result = foi(*path, "--help")
    assert result.exit_code == 0, result.stderr
    assert "Example:" in result.stdout, f"foi {' '.join(path)} --help has no example"


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "foi")
def test_help_names_values_not_python_types(foi, path: tuple[str, ...]) -> None:
    import re

    text = foi(*path, "--help").stdout
    assert not re.findall(r"<(?:str|int|float|path|list\[[a-z]+\])>", text), text


def test_help_metavars_read_as_words(foi) -> None:
    log = foi("request", "log", "--help").stdout
    assert "[REFERENCE] [EVENT]" in log and "--on DATE" in log and "--received-on DATE" in log
    assert "{TEMPLATE}" in foi("draft", "--help").stdout
    report = foi("report", "--help").stdout
    # report --help promises only what exists: each command it names is one of its own.
    assert "results per body, statistics, answers question by question" in " ".join(report.split())
    assert {"answers", "results", "stats"} <= set(re.findall(r"^  (\w+) ", report, re.M))
