"""A rebuild that skips the bodies whose rows did not change (issue 24) makes the same site as
a build from nothing, after each kind of change; on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.evidence.campaign import ALPHA, BETA, CAMPAIGN, CODES, GAMMA, TODAY
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


def _page_of(site: Path, ref: str) -> str:
    """The body page holding a request."""
    found = [
        str(p.relative_to(site))
        for p in (site / "bodies").glob("*.html")
        if f'id="req-{ref}"' in p.read_text(encoding="utf-8")
    ]
    assert len(found) == 1, (ref, found)
    return found[0]


def _event_id(foi, db: str, ref: str, kind: str) -> int:  # type: ignore[no-untyped-def]
    shown = foi("request", "show", ref, "--json", db=db, today=TODAY)
    assert shown.exit_code == 0, shown.stderr
    return int(next(e["id"] for e in shown.json()["events"] if e["kind"] == kind))


def test_each_kind_of_change_rewrites_its_pages_and_nothing_is_missed(
    foi, findings, isolated: Path
) -> None:
    """After each kind of change, a rebuild writes exactly the files whose bytes changed,
    among them the changed body's page, and the site equals a fresh build (no change is
    missed by the rebuild's skipping of unchanged bodies)."""
    db, refs = findings
    site = isolated / "site"

    def publish(out: Path) -> dict:  # type: ignore[type-arg]
        got = foi("publish", "--campaign", CAMPAIGN, str(out), "--json", db=db, today=TODAY)
        assert got.exit_code == 0, got.stderr
        return got.json()  # type: ignore[no-any-return]

    def run(*args: str) -> None:
        done = foi(*args, db=db, today=TODAY)
        assert done.exit_code == 0, (args, done.stdout, done.stderr)

    publish(site)
    alpha, beta, gamma = (_page_of(site, refs[b]) for b in (ALPHA, BETA, GAMMA))
    body = foi("body", "show", CODES[GAMMA], "--json", db=db, today=TODAY).json()
    evidence_id = body["evidence"][0]["id"]
    changes: list[tuple[str, tuple[str, ...], list[str]]] = [
        ("a response", ("respond", refs[GAMMA], "--on", "2026-12-08", "--outcome",
         "successful", "--answer", "3=Corrected: held after all"), [gamma]),
        ("a correction (an event retracted)",
         ("request", "retract", refs[BETA], str(_event_id(foi, db, refs[BETA],
          "internal-review-response")), "--reason", "logged on the wrong request"), [beta]),
        ("an evidence edit", ("body", "evidence", "edit", str(evidence_id), "--quote",
         "A pilot ran in 2019 and 2020."), [gamma]),
        ("a hold", ("request", "hold", refs[BETA]), [beta]),
        ("a release", ("request", "release", refs[BETA]), [beta]),
        ("the campaign's title", ("campaign", "edit", CAMPAIGN, "--title",
         "Who runs SIM: findings, revised", "--keep-questions"), [alpha, beta, gamma]),
    ]  # fmt: skip
    for n, (what, args, pages) in enumerate(changes):
        run(*args)
        _rebuilt_as_fresh(publish, site, isolated / f"fresh-{n}", what, pages)


def _rebuilt_as_fresh(publish, site: Path, fresh: Path, what: str, pages: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Rebuild `site` after a change: it must equal a fresh build, with `pages` rewritten
    and nothing written but the files whose bytes changed (and the marker)."""
    before = _tree(site)
    again = publish(site)
    after = _tree(site)
    publish(fresh)
    assert after == _tree(fresh), what  # nothing missed
    differ = {k for k in after.keys() | before.keys() if after.get(k) != before.get(k)}
    for page in pages:
        assert page in differ, (what, page)
    written = {k for k in differ if k in after}
    assert again["files_written"] == len(written) + 1, (what, again, sorted(written))
    assert again["files_removed"] == len(before.keys() - after.keys()), what


@pytest.mark.skipif(
    subprocess.run(["which", "pdftotext"], capture_output=True).returncode != 0,
    reason="needs Debian's poppler-utils",
)
def test_a_redaction_review_is_rebuilt(foi, db_url: str, isolated: Path) -> None:
    """A redacted copy made and marked publishable, then taken off the site: each rebuild
    rewrites the body's page (and the copy's files) and equals a fresh build."""
    from tests.conftest import empty_database
    from tests.redaction.test_site_search import ENV, reply_pdf

    empty_database(db_url)
    run = lambda *a: foi(*a, db=db_url, today=TODAY, env=ENV)  # noqa: E731

    def publish(out: Path) -> dict:  # type: ignore[type-arg]
        got = run("publish", "--campaign", "sim-2026", str(out), "--json")
        assert got.exit_code == 0, got.stderr
        return got.json()  # type: ignore[no-any-return]

    for code, name in (("RVN", "Avon Trust"), ("RX1", "Brent Trust")):
        added = run("body", "add", name, "--kind", "mental-health-trust", "--ods-code", code)
        assert added.exit_code == 0, added.stderr
        made = run("request", "new", "--body", code, "--title", "SIM", "--sent-on",
                   "2026-11-02", "--campaign", "sim-2026", "--json")  # fmt: skip
        assert made.exit_code == 0, made.stderr
    ref = made.json()["reference"]  # Brent's
    (isolated / "reply.pdf").write_bytes(reply_pdf())
    logged = run("respond", ref, "--on", "2026-11-20", "--outcome", "successful",
                 "--file", str(isolated / "reply.pdf"))  # fmt: skip
    assert logged.exit_code == 0, logged.stderr
    site = isolated / "site"
    publish(site)
    page = _page_of(site, ref)
    (att,) = run("request", "publishable", ref, "--json").json()
    assert run("redact", ref, str(att["id"]), "--yes").exit_code == 0
    assert run("request", "publishable", ref, str(att["id"])).exit_code == 0
    _rebuilt_as_fresh(publish, site, isolated / "fresh-1", "a redacted copy published", [page])
    assert any(p.parts[0] == "files" for p in (q.relative_to(site) for q in site.rglob("*.pdf")))
    assert run("request", "publishable", ref, str(att["id"]), "--off").exit_code == 0
    _rebuilt_as_fresh(publish, site, isolated / "fresh-2", "the copy taken off", [page])
    assert not list(site.rglob("*.pdf"))
