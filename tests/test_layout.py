"""The package layout's rules, checked on the source: the architecture stays visible.

- Pure modules (the law, mail parsing, letter rendering, what reminders are due, calendar
  export, body-list parsing and its layouts) import neither the database nor the CLI and
  never read the clock.
- No package imports ``foi.cli`` (only ``python -m foi``): the command line is the outermost layer.
- Only the edges read the clock: ``foi.clock`` (which the CLI calls) and the reminder daemon,
  which must follow the real clock to fire on time.

Every ``import`` is found, including those inside functions (lazy imports count too).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "foi"

PURE = (
    "foi.law",
    "foi.mail.parse",
    "foi.letters.templates",
    "foi.letters.filters",
    "foi.letters.checks",
    "foi.letters.sandbox",
    "foi.reminders.due",
    "foi.reminders.ics",
    "foi.directory.kinds",
    "foi.directory.importers",
    "foi.directory.body_lists",
    "foi.directory.shapes",
    "foi.directory.coverage",
    "foi.evidence.redact",
    "foi.redaction.findings",
    "foi.redaction.render",
    "foi.redaction.proposal",
    "foi.evidence.site_figures",
    "foi.evidence.site_search",
    "foi.evidence.campaign_text",
)
# What a pure module may not import: the database (SQLAlchemy, foi.store and the domain
# packages built on it), the CLI, settings, and the clock.
PURE_FORBIDDEN = (
    "sqlalchemy",
    "alembic",
    "psycopg",
    "typer",
    "foi.store",
    "foi.cli",
    "foi.casework",
    "foi.config",
    "foi.clock",
)
CLOCK_EDGES = ("foi.clock", "foi.cli", "foi.reminders.daemon")
# Calls that read the clock: date.today(), datetime.now(), datetime.utcnow(), time.time().
CLOCK_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"), ("time", "time")}


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module


def _name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> list[Module]:
    """Every module of the foi package, parsed."""
    return [
        Module(_name(p), p, ast.parse(p.read_text(encoding="utf-8"), str(p)))
        for p in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in p.parts or p.name == "__init__.py"
    ]


def imports_of(module: Module) -> list[tuple[int, list[str]]]:
    """(line, modules it may import) for every import statement, at any depth."""
    found: list[tuple[int, list[str]]] = []
    package = module.name if module.path.name == "__init__.py" else module.name.rpartition(".")[0]
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, [alias.name]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against the module's package
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # `from foi import cli` imports foi.cli: a name may be a module
            found.append((node.lineno, [target, *(f"{target}.{a.name}" for a in node.names)]))
    return found


def clock_reads(module: Module) -> list[tuple[int, str]]:
    """(line, call) for every call that reads the clock."""
    found = []
    for node in ast.walk(module.tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        value = node.func.value  # `date` in date.today(), `datetime` in datetime.datetime.now()
        owner = value.id if isinstance(value, ast.Name) else getattr(value, "attr", "")
        if (owner.lstrip("_"), node.func.attr) in CLOCK_CALLS:
            found.append((node.lineno, f"{owner}.{node.func.attr}()"))
    return found


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def layout_problems(mods: list[Module]) -> list[str]:
    """Every broken rule, as 'module:line: what'."""
    problems = []
    for m in mods:
        rel = m.path.relative_to(PACKAGE.parent)
        for line, targets in imports_of(m):
            cli = [t for t in targets if _within(t, ("foi.cli",))]
            if cli and not _within(m.name, ("foi.cli", "foi.__main__")):
                problems.append(
                    f"{rel}:{line}: {m.name} imports {cli[0]} (nothing imports the CLI)"
                )
            forbidden = [t for t in targets if _within(t, PURE_FORBIDDEN)]
            if forbidden and _within(m.name, PURE):
                problems.append(f"{rel}:{line}: pure module {m.name} imports {forbidden[0]}")
        if not _within(m.name, CLOCK_EDGES):
            problems += [
                f"{rel}:{line}: {m.name} reads the clock ({call}); take `today`/`now` as arguments"
                for line, call in clock_reads(m)
            ]
    return problems


def test_the_package_keeps_its_layout() -> None:
    assert layout_problems(modules()) == []


def test_every_package_says_what_it_owns() -> None:
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 40, f"{init} needs a docstring saying what it owns"


def _fake(name: str, source: str) -> Module:
    path = PACKAGE.joinpath(*name.split(".")[1:]).with_suffix(".py")
    return Module(name, path, ast.parse(source))


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        ("foi.law.deadlines", "from foi.store.models import Request\n", "imports foi.store.models"),
        ("foi.law.deadlines", "def f():\n    import sqlalchemy\n", "imports sqlalchemy"),
        ("foi.mail.parse", "from foi.cli._common import out\n", "imports foi.cli._common"),
        ("foi.letters.templates", "from foi import cli\n", "imports foi.cli"),
        ("foi.mail.inbox", "from foi.cli import app\n", "imports foi.cli"),
        ("foi.law.holidays", "from ..store import engine\n", "imports foi.store"),
        ("foi.directory.body_lists.plain", "from foi.store import tables\n", "imports foi.store"),
        ("foi.reminders.due", "import datetime\nx = datetime.datetime.now()\n", "reads the clock"),
        ("foi.reminders.due", "from datetime import date\nx = date.today()\n", "reads the clock"),
        ("foi.casework.requests", "import time\nt = time.time()\n", "reads the clock"),
        ("foi.cli.requests_cmd", "from datetime import date\nx = date.today()\n", None),
        ("foi.mail.inbox", "from foi.store.models import Request\n", None),
    ],
)
def test_the_rule_catches_a_forbidden_import(name: str, source: str, expected: str | None) -> None:
    """The checker itself: each forbidden import or clock read added to a module is reported."""
    problems = layout_problems([_fake(name, source)])
    if expected is None:
        assert problems == []
    else:
        assert problems and all(expected in p or "CLI" in p for p in problems), problems
        assert any(expected in p for p in problems), problems
