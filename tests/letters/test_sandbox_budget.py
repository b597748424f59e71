"""Issue 23 item 8: runaways the size checks alone missed are refused by a rendering budget.

`[big] * 100000` is weighed through (a list of 100,000 strings of 200,000 characters), and
every loop turn and call is a step of a per-rendering budget, so three nested loops over
range(10000) stop after a million steps instead of running for hours. Each is one line
naming the template.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from foi.letters.templates import TemplateLibrary
from tests.letters.test_templates import error_of, front, strict_context, write
from tests.letters.test_templates import user_dir as user_dir  # a fixture, shared

MEMORY = [
    "{{ ['x' * 199999] * 100000 }}",
    "{{ [['x' * 1000] * 1000] * 1000 }}",
    "{% set l = ['x' * 199999] * 100000 %}{{ l ~ '' }}",
    "{% set l = [] %}{% for i in range(10000) %}{% if l.append('x' * 1000) %}{% endif %}"
    "{% endfor %}{{ l|length }}",
]
TIME = [
    # More than a million turns in all (a few seconds without the budget).
    "{% for a in range(10000) %}{% for b in range(150) %}{% endfor %}{% endfor %}",
    "{% set l = [1] * 5000 %}{% for a in l %}{% for b in l %}{% endfor %}{% endfor %}",
]
ISSUE = (  # the issue's own case: never finishes without the budget
    "{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}"
    "{% endfor %}{% endfor %}{% endfor %}"
)


@pytest.mark.parametrize("body", MEMORY)
def test_a_value_too_big_to_print_is_refused(user_dir: Path, body: str) -> None:
    write(user_dir, "big", front() + f"Hello\n{body}\n")
    message = error_of(TemplateLibrary(user_dir), "big", strict_context())
    assert message.startswith("template 'big' line 8: blocked by the sandbox"), message
    assert "200,000 characters" in message


@pytest.mark.parametrize("body", [*TIME, ISSUE])
def test_a_runaway_loop_runs_out_of_budget(user_dir: Path, body: str) -> None:
    write(user_dir, "slow", front() + f"Hello\n{body}\n")
    message = error_of(TemplateLibrary(user_dir), "slow", strict_context())
    assert message.startswith("template 'slow' line 8: blocked by the sandbox"), message
    assert "1,000,000 steps" in message


def test_the_budget_is_per_rendering(user_dir: Path) -> None:
    # 800,000 steps each: over the budget only if one rendering's steps counted for the next.
    write(
        user_dir,
        "ok",
        front() + "Hello\n{% for a in range(8000) %}{% for b in range(99)"
        " %}{% endfor %}{% endfor %}done\n",
    )
    library = TemplateLibrary(user_dir)
    for _ in range(3):
        assert library.render("ok", strict_context()).text.startswith("Hello")
