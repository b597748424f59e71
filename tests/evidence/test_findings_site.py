"""The published findings (issue 20): who ran SIM first, the campaign's own words, a page per
question of each letter, only replies as replies, several sources as several links, a static
search, and held requests counted but never shown; on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.evidence.campaign import ALPHA, CAMPAIGN, EPSILON, GAMMA, TODAY
from tests.evidence.findings_site import (
    ACK_TEXT,
    BOUNCE_TEXT,
    POLICE,
    POLICE_NAME_FOUND,
    SOURCE_A,
    SOURCE_B,
    TITLE,
    build_findings,
)


@pytest.fixture
def findings(foi, db_url: str, isolated: Path, smtp):  # type: ignore[no-untyped-def]
    refs = build_findings(foi, db_url, isolated, smtp[1])
    return db_url, refs


def _site_text(site: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file()
    )


def test_the_findings_lead_with_who_ran_sim(foi, findings, isolated: Path) -> None:
    db, refs = findings
    site = isolated / "site"
    done = foi("publish", "--campaign", CAMPAIGN, str(site), "--json", db=db, today=TODAY)
    assert done.exit_code == 0, done.stderr
    assert done.json()["held_back"] == 1
    index = (site / "index.html").read_text()
    # The campaign's own title and summary (Markdown, raw HTML shown as text, no heading).
    assert f"<title>{TITLE.replace('?', '?')}: findings</title>" in index
    assert f"<h1>{TITLE}</h1>" in index
    assert "<strong>Serenity Integrated Mentoring</strong>" in index
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in index and "<script>alert('x')" not in index
    assert "<h1>Not a heading</h1>" not in index and "# Not a heading" in index
    assert '<a href="https://stopsim.example/">the campaign</a>' in index
    # Who ran SIM comes before timeliness: counts per status, each linking to its bodies.
    assert index.index('id="sim"') < index.index('id="timeliness"')
    assert '<a href="#status-adopted"><strong>2</strong> Adopted SIM</a>' in index
    assert '<a href="#status-denied"><strong>1</strong> Denied using SIM</a>' in index
    assert '<a href="#status-piloted"><strong>1</strong> Piloted SIM</a>' in index
    assert '<desc id="chart-sim-desc">Adopted SIM: 2; Piloted SIM: 1; Denied using SIM: 1;' in index
    assert f"{POLICE_NAME_FOUND}</a> ({POLICE})" in index
    # Filters by status, kind and region (radio buttons and CSS), and the rows carry them.
    for control in ('id="s-adopted"', 'id="k-police-force"', 'id="r-north-east"'):
        assert control in index
    assert "#s-adopted:checked) #bodies tbody tr:not(.s-adopted)" in index
    # Each letter's questions, from the kept questions, with a page each.
    assert "The sim-use letter" in index and "The sim-police letter" in index
    police_q1 = (site / "questions" / "sim-police-q1.html").read_text()
    trusts_q1 = (site / "questions" / "sim-use-q1.html").read_text()
    assert "have officers or staff of the Force worked in SIM" in police_q1
    assert POLICE_NAME_FOUND in police_q1 and ALPHA not in police_q1
    assert "has the Trust run, piloted, commissioned" in trusts_q1
    assert POLICE not in trusts_q1 and "Crisis Support Team" in trusts_q1
    assert "Not held under that name" in trusts_q1  # Gamma's answer, with its status
    # Two sources in one cell are two links.
    gamma = next((site / "bodies").glob("*gamma-*.html")).read_text()
    assert f'<a href="{SOURCE_A}" rel="noreferrer noopener">{SOURCE_A}</a>' in gamma
    assert f'<a href="{SOURCE_B}" rel="noreferrer noopener">{SOURCE_B}</a>' in gamma
    # Only replies are replies: the acknowledgement is a timeline entry; no automatic mail,
    # bounce or out-of-office text (nor the officer it names) anywhere in the site.
    assert "acknowledged</li>" in gamma
    everything = _site_text(site)
    for text in (ACK_TEXT, BOUNCE_TEXT, "out of the office", "Brittlebank", "Out of Office",
                 "SECRET", refs["SAR"]):  # fmt: skip
        assert text not in everything, text
    alpha = next((site / "bodies").glob("alpha-*.html")).read_text()
    assert "We ran the Crisis Support Team" in alpha  # the real reply is published
    # The held request: counted, never shown, in no data file.
    assert "1 request is held back from publication" in index
    assert EPSILON not in everything and refs[EPSILON] not in everything
    stats = json.loads((site / "data" / "stats.json").read_text())
    assert stats["title"] == TITLE and stats["held_back"] == 1
    # The search index holds every page's words: a local name finds its pages.
    search = (site / "search.html").read_text()
    data = json.loads(search.split('id="search-index">')[1].split("</script>")[0])
    hits = {data["docs"][i][0] for i in data["terms"]["triage"]}
    assert "questions/sim-police-q1.html" in hits and any(h.startswith("bodies/") for h in hits)
    assert "brittlebank" not in data["terms"] and "secret" not in data["terms"]


def test_held_requests_are_in_no_export_until_released(foi, findings, isolated: Path) -> None:
    db, refs = findings
    csv_path = isolated / "results.csv"
    assert foi("report", "results", "--campaign", CAMPAIGN, "--csv", str(csv_path), db=db,
               today=TODAY).exit_code == 0  # fmt: skip
    rows = foi("report", "results", "--campaign", CAMPAIGN, "--json", db=db, today=TODAY).json()
    assert EPSILON not in csv_path.read_text(encoding="utf-8-sig")
    assert EPSILON not in {r["body"] for r in rows}
    stats = foi("report", "stats", "--campaign", CAMPAIGN, db=db, today=TODAY)
    assert stats.stdout.splitlines()[:3] == [
        TITLE,
        f"{CAMPAIGN}: 5 requests to 5 bodies",
        "held back from publication: 1 request (not counted here)",
    ]
    # The hold runs out on its day; a release lifts it at once.
    later = foi("report", "results", "--campaign", CAMPAIGN, "--json", db=db, today="2027-02-01")
    assert EPSILON in {r["body"] for r in later.json()}
    assert foi("request", "release", refs[EPSILON], db=db, today=TODAY).exit_code == 0
    again = foi("report", "results", "--campaign", CAMPAIGN, "--json", db=db, today=TODAY)
    assert EPSILON in {r["body"] for r in again.json()}
    # A body held holds all its requests.
    assert foi("body", "hold", "RC3", db=db, today=TODAY).exit_code == 0
    held = foi("report", "results", "--campaign", CAMPAIGN, "--json", db=db, today=TODAY)
    assert GAMMA not in {r["body"] for r in held.json()}
    past = foi("request", "hold", refs[ALPHA], "--hold-until", "2026-12-01", db=db, today=TODAY)
    assert past.exit_code == 2
    assert past.stderr == (
        "foi: error: --hold-until 2026-12-01 is not after today: give a later date, "
        "or leave it out to hold until released\n"
    )


def test_a_rebuild_writes_only_what_changed(foi, findings, isolated: Path) -> None:
    db, _ = findings
    site = isolated / "site"
    first = foi("publish", "--campaign", CAMPAIGN, str(site), "--json", db=db, today=TODAY)
    assert first.exit_code == 0 and first.json()["files_unchanged"] == 0
    stamps = {p: p.stat().st_mtime_ns for p in site.rglob("*")}
    same = foi("publish", "--campaign", CAMPAIGN, str(site), "--json", db=db, today=TODAY).json()
    assert (same["files_written"], same["files_removed"]) == (0, 0)
    assert {p: p.stat().st_mtime_ns for p in site.rglob("*")} == stamps
    # One new piece of evidence: that body's page, the pages listing statuses, the data.
    assert foi("body", "evidence", "add", "RB2", "--status", "withdrawn", "--source",
               "https://c.example/", "--on", "2026-12-09", db=db, today=TODAY).exit_code == 0  # fmt: skip
    after = foi("publish", "--campaign", CAMPAIGN, str(site), "--json", db=db, today=TODAY).json()
    assert 0 < after["files_written"] < after["files_unchanged"]
    changed = {str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()
               and p.stat().st_mtime_ns != stamps.get(p)}  # fmt: skip
    assert "index.html" in changed and "data/results.csv" in changed
    assert not any(c.startswith("bodies/alpha-") for c in changed)


def test_a_volunteer_s_classification_decides_what_is_a_reply(
    foi, findings, isolated: Path
) -> None:
    db, refs = findings
    messages = {
        m["subject"]: m["id"]
        for m in foi("inbox", "list", "--all", "--json", db=db, today=TODAY).json()
    }
    alpha_reply = messages[f"RE: [{refs[ALPHA]}] Freedom of Information request"]
    oof = next(i for s, i in messages.items() if s.startswith("Automatic reply: Out of Office"))
    for message, ref, kind in ((alpha_reply, refs[ALPHA], "acknowledgement"),
                               (oof, refs[GAMMA], "response")):  # fmt: skip
        done = foi("inbox", "assign", str(message), ref, "--as", kind, db=db, today=TODAY)
        assert done.exit_code == 0, done.stderr
    site = isolated / "site"
    assert foi("publish", "--campaign", CAMPAIGN, str(site), db=db, today=TODAY).exit_code == 0
    alpha = next((site / "bodies").glob("alpha-*.html")).read_text()
    gamma = next((site / "bodies").glob("*gamma-*.html")).read_text()
    assert "We ran the Crisis Support Team" not in alpha  # now an acknowledgement: an entry
    assert "out of the office" in gamma  # a volunteer says it is a response: published


_KILL_MID_SWAP = """
import os, signal, sys
from pathlib import Path

site = Path(sys.argv[1])
real = os.replace
count = []

def replace(src, dst):
    # The swap's renames into the site: the journal, then each changed file.
    if str(dst).startswith(str(site)) and ".foi-building-" in str(src) or str(dst).endswith(
        ".foi-swap.json"
    ):
        count.append(dst)
        if len(count) == 3:
            os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst)

os.replace = replace
from foi.cli import app

sys.argv = ["foi", *sys.argv[2:]]
app()
"""


def test_a_publish_killed_mid_swap_leaves_a_whole_site(foi, findings, isolated: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    db, refs = findings
    site = isolated / "site"
    assert foi("publish", "--campaign", CAMPAIGN, str(site), db=db, today=TODAY).exit_code == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert foi("request", "release", refs[EPSILON], db=db, today=TODAY).exit_code == 0
    script = isolated / "killed.py"
    script.write_text(_KILL_MID_SWAP)
    env = {**os.environ, "FOI_TODAY": TODAY}
    run = subprocess.run(
        [sys.executable, str(script), str(site), "--db", db, "publish", "--campaign",
         CAMPAIGN, str(site)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert run.returncode == -signal.SIGKILL, run.stderr
    # Killed with some new files in place: the entry page is still there, whole.
    assert (site / "index.html").read_bytes() == before[site / "index.html"]
    assert (site / ".foi-swap.json").exists()
    # The next run puts the previous files back, then publishes the new site whole.
    again = foi("publish", "--campaign", CAMPAIGN, str(site), "--json", db=db, today=TODAY)
    assert again.exit_code == 0, again.stderr
    assert EPSILON in (site / "index.html").read_text()
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".")) == [".foi-site"]
