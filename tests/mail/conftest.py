"""Fixtures for reading mail: a real Dovecot IMAP server per test (tests/mail/imapserver.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.mail.imapserver import Dovecot, available, running_dovecot


def _need_dovecot() -> None:
    if available():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but Dovecot is not installed: .ci/run installs dovecot-imapd")
    pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd, as .ci/run does)")


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    """A private Dovecot on 127.0.0.1 (plain IMAP, loopback only), stopped afterwards."""
    _need_dovecot()
    with running_dovecot() as server:
        yield server


@pytest.fixture
def dovecot_tls() -> Iterator[Dovecot]:
    """A private Dovecot with a throwaway self-signed certificate (STARTTLS and IMAPS)."""
    _need_dovecot()
    with running_dovecot(with_ssl=True) as server:
        yield server


@pytest.fixture(autouse=True)
def _imap_database(request: pytest.FixtureRequest) -> None:
    """IMAP tests fetch into an initialised database (only `foi init` creates one)."""
    if request.module.__name__.rsplit(".", 1)[-1].startswith("test_imap") and (
        "db_url" in request.fixturenames
    ):
        from tests.conftest import empty_database

        empty_database(request.getfixturevalue("db_url"))
