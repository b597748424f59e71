"""Templates that would render enormous output fail fast with a clear template error."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from foi.letters.templates import TemplateLibrary
from tests.letters.test_templates import context, error_of, front, strict_context, write
from tests.letters.test_templates import user_dir as user_dir  # a fixture, shared

RUNAWAYS = [
    "{{ 'x' * 1000000000 }}",
    "{{ 1000000000 * 'x' }}",
    "{{ ['x'] * 1000000000 }}",
    "{{ 9 ** 999999 }}",
    "{{ 'x'.ljust(1000000000) }}",
    "{{ 'x'|center(1000000000) }}",
    "{{ 'x'|indent(1000000000, true) }}",
    "{{ '%1000000000s' % 'x' }}",
    "{{ '%*s' % (1000000000, 'x') }}",
    "{{ '{:>1000000000}'.format('x') }}",
    "{{ '{:>{}}'.format('x', 1000000000) }}",
    "{{ '{:>{}}'.format('x', '1000000000') }}",
    "{{ '{a:>{w}}'.format_map({'a': 'x', 'w': 1000000000}) }}",
    "{{ '{0:>{1[0]}}'.format('x', [1000000000]) }}",
    "{{ '{:.1000000000f}'.format(1.5) }}",
    "{{ '%1000000000s'|format('x') }}",
    "{% set s = 'x' * 150000 %}{{ s + s }}",
    "{% set s = 'x' * 150000 %}{{ s ~ s }}",
    "{% set s = 'x' * 1000 %}{{ s|replace('', s) }}",
    "{% set s = 'x' * 1000 %}{{ s.replace('', s) }}",
    "{% set l = ['x' * 100000] * 1000 %}{{ l|join }}",
    "{% set l = ['x' * 100000] * 1000 %}{{ ''.join(l) }}",
    "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}{{ ns.s|length }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% for i in range(10000) %}{{ 'x' * 100 }}{% endfor %}",
    "{{ lipsum(1000000) }}",
]


@pytest.mark.parametrize("body", RUNAWAYS)
def test_a_runaway_template_is_refused_before_it_takes_the_memory(
    user_dir: Path, body: str
) -> None:
    write(user_dir, "big", front() + f"Hello\n{body}\n")
    message = error_of(TemplateLibrary(user_dir), "big", strict_context())
    # "the result would be over ..." is the check after a call, once the memory is taken
    # (a gigabyte for these): each of these must be refused before, from its arguments.
    assert "the result would be over" not in message, message
    # Refused where it happens (with its line), or as the output passes the limit.
    assert message.startswith(("template 'big' line 8: ", "template 'big': ")), message
    assert (
        "characters" in message
        or "too large" in message
        or "range()" in message
        or ("lipsum" in message)
    ), message


def test_a_runaway_subject_is_a_template_error(user_dir: Path) -> None:
    write(user_dir, "big", front("{{ 'x' * 1000000000 }}") + "Hello\n")
    message = error_of(TemplateLibrary(user_dir), "big", context())
    assert message.startswith("template 'big' subject: blocked by the sandbox")


@pytest.mark.parametrize(
    "body",
    [
        "{{ '-' * 60 }}",
        "{{ 2 ** 64 }}",
        "{{ '%s and %d' % ('a', 5000000) }}",
        "{{ '{:,}'.format(5000000) }}",
        "{{ 5000000|string }}",
        "{% for i in range(12) %}{{ i }} {% endfor %}",
        "{{ ['a', 'b']|join(', ') }}",
        "{{ 'abc'|replace('b', 'B') }}",
        "{{ 'x' ~ 'y' }}",
    ],
)
def test_ordinary_expressions_still_work(user_dir: Path, body: str) -> None:
    write(user_dir, "ok", front() + f"Hello\n{body}\n")
    letter = TemplateLibrary(user_dir).render("ok", strict_context())
    assert letter.text.startswith("Hello")


def test_template_check_reports_a_runaway_template_quickly(foi, isolated: Path) -> None:
    foi("init")
    folder = isolated / "templates"
    folder.mkdir()
    write(folder, "huge", front() + "Hello\n{{ 'x' * 1000000000 }}\n")
    started = time.monotonic()
    result = foi("template", "check", env={"FOI_REQUESTER_NAME": "Jo Bloggs"})
    assert time.monotonic() - started < 20
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "template 'huge' line 8" in result.stdout + result.stderr
    assert "200,000 characters" in result.stdout + result.stderr
