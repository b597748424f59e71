"""A rebuild that skips the bodies whose rows did not change (issue 24) makes the same site as
a build from nothing, after each kind of change; on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.evidence.campaign import ALPHA, CAMPAIGN, GAMMA, TODAY
from tests.evidence.findings_site import build_findings


@pytest.fixture
def findings(foi, db_url: str, isolated: Path, smtp):  # type: ignore[no-untyped-def]
    refs = build_findings(foi, db_url, isolated, smtp[1])
    return db_url, refs


def _tree(site: Path) -> dict[str, bytes]:
    # The marker holds the fingerprints: compared apart (a fresh build has the same entries).
    return {
        str(p.relative_to(site)): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and p.name != ".foi-site"
    }


def test_a_rebuild_after_each_change_equals_a_fresh_build(foi, findings, isolated: Path) -> None:
    db, refs = findings
    site = isolated / "site"

    def publish(out: Path) -> dict:  # type: ignore[type-arg]
        got = foi("publish", "--campaign", CAMPAIGN, str(out), "--json", db=db, today=TODAY)
        assert got.exit_code == 0, got.stderr
        return got.json()  # type: ignore[no-any-return]

    publish(site)
    changes = [
        ("respond", refs[GAMMA], "--on", "2026-11-20", "--outcome", "refused",
         "--answer", "1=We do not hold it"),
        ("body", "evidence", "add", "RB2", "--status", "withdrawn", "--source",
         "https://c.example/", "--on", "2026-12-09"),
        ("request", "hold", refs[ALPHA]),
    ]  # fmt: skip
    for n, change in enumerate(changes):
        assert foi(*change, db=db, today=TODAY).exit_code == 0, change
        again = publish(site)
        fresh = isolated / f"fresh-{n}"
        publish(fresh)
        assert _tree(site) == _tree(fresh), change
        assert again["files_written"] > 0, change
        if change[0] != "request":  # a hold changes the count every page shows
            assert again["files_written"] < again["files_unchanged"], change
    # Unchanged since: nothing written, and every body is kept from the manifest.
    same = publish(site)
    assert same["files_written"] == 0
