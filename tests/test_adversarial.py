"""Issue 23: the adversarial kill trials, re-run small in CI (scripts/adversarial_kills.py).

Two `foi send` and two `foi inbox fetch` runs, each killed (SIGKILL) at a random point,
settled and re-run as a volunteer would: every letter delivered once, every message stored
once. The script runs as many as asked (`--send 84 --fetch 57`, the issue's figures).
"""

from __future__ import annotations

import importlib.util
import random

import pytest

from tests.conftest import PG_URL, REPO
from tests.mail.imapserver import available


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "adversarial_kills", REPO / "scripts" / "adversarial_kills.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_killed_send_and_fetch_lose_and_double_nothing(backend: str) -> None:
    if backend == "postgresql" and not PG_URL:
        pytest.skip("PostgreSQL leg: set FOI_TEST_DATABASE_URL")
    if not available():
        pytest.skip("Dovecot is not installed")
    lines = _script().run(
        2, 2, seed=random.randrange(10**6), url=PG_URL if backend != "sqlite" else None
    )
    assert len(lines) == 4
    assert all(line.endswith(" once") for line in lines), lines
