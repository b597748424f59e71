"""`foi report results`, `foi report stats`, `foi publish`: figures by hand, privacy, safety.

The campaign is built through the real CLI (tests/evidence/campaign.py says what happened and
works out every figure), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from foi.evidence.sheets import RESULT_COLUMNS
from tests.evidence.campaign import (
    ALPHA,
    ANSWER_CMD,
    ANSWER_HYPERLINK,
    ANSWER_SUM,
    BETA,
    CAMPAIGN,
    DELTA,
    EPSILON,
    GAMMA,
    REQUESTER,
    TODAY,
    VOLUNTEERS,
    build,
)

PRIVATE = (
    "Jane Quillfeather",
    "Quillfeather",
    "jane.quillfeather@quillmail.org.uk",
    "Acacia Avenue",
    "LS1 4AB",
    *VOLUNTEERS,
    "Volunteerson",
    "Oyelaran",
    "SECRET-SAR",  # every field of the SAR's reply and response: answer, quote, local name…
    "own records",
)


@pytest.fixture
def campaign(foi, db_url: str, isolated: Path, smtp):  # type: ignore[no-untyped-def]
    refs = build(foi, db_url, isolated, smtp[1])
    return db_url, refs


def _row(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": "mental-health-trust",
        "police_id": None,
        "sim_status": None,
        "sim_evidence_source": None,
        "sim_evidence_on": None,
        "local_names": [],
        "requests": 1,
        "outcome": None,
        "sent_on": "2026-11-02",
        "due_on": "2026-12-01",
        "responded_on": None,
        "working_days": None,
        "late_by": None,
        "answered_in_time": None,
        "exemptions": [],
        "answers": {},
        "answer_texts": {},
        "evidence_sources": [],
        "wdtk_urls": [],
    }
    base.update(kw)
    base["references"] = [base["latest_reference"]]
    return base


def test_results_and_stats_match_the_figures_worked_out_by_hand(foi, campaign) -> None:
    db, refs = campaign
    rows = foi("report", "results", "--campaign", CAMPAIGN, "--json", db=db, today=TODAY)
    assert rows.exit_code == 0, rows.stderr
    expected = [
        _row(body=EPSILON, ods_code="RE5", latest_reference=refs[EPSILON],
             latest_status="awaiting-response", sent_on="2026-12-01", due_on="2026-12-31"),
        _row(body=DELTA, ods_code="RD4", latest_reference=refs[DELTA],
             latest_status="awaiting-response", late_by=7, answered_in_time=False),
        _row(body=BETA, ods_code="RB2", latest_reference=refs[BETA], latest_status="closed",
             outcome="refused", sim_status="denied", sim_evidence_source=refs[BETA],
             sim_evidence_on="2026-11-25", responded_on="2026-11-25", working_days=17,
             late_by=0, answered_in_time=True, exemptions=["s12"], answers={"1": "refused"},
             answer_texts={"1": ANSWER_CMD}, evidence_sources=[refs[BETA]]),
        _row(body=GAMMA, ods_code="RC3", latest_reference=refs[GAMMA], latest_status="closed",
             outcome="partially-successful", responded_on="2026-12-04", working_days=23,
             late_by=3, answered_in_time=False, exemptions=["s40(2)"],
             answers={"1": "not-held", "2": "refused"},
             answer_texts={"1": "Not held under that name", "2": None}),
        _row(body=ALPHA, ods_code="RA1", latest_reference=refs[ALPHA], latest_status="closed",
             outcome="successful", sim_status="adopted", sim_evidence_source=refs[ALPHA],
             sim_evidence_on="2026-11-16", local_names=["Crisis Support Team"],
             responded_on="2026-11-16", working_days=10, late_by=0, answered_in_time=True,
             answers={"1": "answered", "2": "answered", "4": "partial"},
             answer_texts={
                 "1": "Yes: the Crisis Support Team, with the police, 2018 to 2021",
                 "2": ANSWER_HYPERLINK,
                 "4": f"{ANSWER_SUM} (sent to [name removed])",
             },
             evidence_sources=[refs[ALPHA]]),
    ]  # fmt: skip
    got = rows.json()
    assert [r["body"] for r in got] == [r["body"] for r in expected]
    for have, want in zip(got, expected, strict=True):
        assert have == want, want["body"]
    assert refs["SAR"] not in rows.stdout

    stats = foi("report", "stats", "--campaign", CAMPAIGN, "--json", db=db, today=TODAY)
    assert stats.exit_code == 0, stats.stderr
    figures = stats.json()
    assert figures["requests"] == 5 and figures["bodies"] == 5  # the SAR is not counted
    assert figures["by_status"] == {"awaiting-response": 2, "closed": 3}
    assert figures["by_outcome"] == {
        "none yet": 2,
        "partially-successful": 1,
        "refused": 1,
        "successful": 1,
    }
    assert figures["on_time"]["answered_in_time"] == 2
    assert figures["on_time"]["counted"] == 4
    assert figures["on_time"]["rate"] == 0.5
    assert figures["on_time"]["wilson_95"] == [0.15, 0.85]
    assert figures["working_days_to_respond"] == {
        "responses": 3,
        "median": 17.0,
        "p90": 23.0,
        "max": 23,
    }
    assert figures["latest"] == [
        {"body": DELTA, "reference": refs[DELTA], "late_by": 7, "responded": False},
        {"body": GAMMA, "reference": refs[GAMMA], "late_by": 3, "responded": True},
    ]
    assert figures["exemptions"] == {"s12": 1, "s40(2)": 1}
    assert figures["reviews"] == {"requested": 1, "outcomes": {"refused": 1}}
    assert figures["ico"] == {"complaints": 0, "outcomes": {}}

    text = foi("report", "stats", "--campaign", CAMPAIGN, db=db, today=TODAY)
    assert "on time:    2 of 4 (50%; 95% interval 15% to 85%)" in text.stdout
    assert "median 17, 90th percentile 23" in text.stdout

    kind = foi("report", "results", "--campaign", CAMPAIGN, "--kind", "police-force", "--json",
               db=db, today=TODAY)  # fmt: skip
    assert kind.json() == []
    missing = foi("report", "stats", "--campaign", "nope", db=db, today=TODAY)
    assert missing.exit_code != 0 and "nope" in missing.stderr


def _xlsx_rows(path: Path, sheet: str) -> list[list[Any]]:
    from openpyxl import load_workbook

    ws = load_workbook(path)[sheet]
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_xlsx_and_csv_hold_the_json_rows_with_formulas_neutralised(
    foi, campaign, isolated: Path
) -> None:
    from datetime import datetime

    db, _ = campaign
    xlsx, out_csv = isolated / "results.xlsx", isolated / "results.csv"
    made = foi("report", "results", "--campaign", CAMPAIGN, "--xlsx", str(xlsx),
               "--csv", str(out_csv), db=db, today=TODAY)  # fmt: skip
    assert made.exit_code == 0, made.stderr
    rows = foi("report", "results", "--campaign", CAMPAIGN, "--json", db=db, today=TODAY).json()

    from openpyxl import load_workbook

    wb = load_workbook(xlsx)
    # Issue 20 item 8: headers in words, a sheet per question of the letter with its text.
    assert wb.sheetnames == ["Results", "Statistics", "Q1", "Q2", "Q3", "Q4"]
    results_ws = wb["Results"]
    assert results_ws.freeze_panes == "A2"
    assert results_ws.auto_filter.ref == "A1:Z6"
    assert results_ws.column_dimensions["A"].width == 44
    sheet = _xlsx_rows(xlsx, "Results")
    header = sheet[0]
    assert header[:3] == ["Body", "Kind", "ODS code"]
    assert header[-4:] == ["Q1", "Q2", "Q3", "Q4"]
    assert len(sheet) - 1 == len(rows)
    words = dict(zip(header, [*RESULT_COLUMNS, "q1", "q2", "q3", "q4"], strict=True))

    def cell(value: Any) -> Any:  # what the JSON value looks like once made spreadsheet-safe
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            value = "; ".join(value)
        if value is None or value == "":
            return None
        if isinstance(value, str) and value[0] in "=+-@":
            return "'" + value
        if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
            return datetime.fromisoformat(value)  # dates come back as dates
        return value

    for line, row in zip(sheet[1:], rows, strict=True):
        by_col = dict(zip(header, line, strict=True))
        for col in header:
            key = words[col]
            if key.startswith("q") and key[1:].isdigit():
                assert by_col[col] == row["answers"].get(key[1:]), col
            else:
                want = cell(row[key])
                assert by_col[col] == want, (row["body"], col)
    sent = results_ws.cell(row=2, column=header.index("Sent") + 1)
    assert sent.is_date and sent.number_format == "yyyy-mm-dd"

    names = [r[0] for r in sheet[1:]]
    assert names == ["'+cmd Epsilon NHS Trust", "<script>alert(1)</script> Delta NHS Trust",
                     "'" + BETA, "'" + GAMMA, ALPHA]  # fmt: skip
    q2 = _xlsx_rows(xlsx, "Q2")
    assert q2[0] == ["Question 2 of the sim-use letter:", None, None, None]
    assert q2[1][0].startswith("Is any service that falls within the definition of SIM")
    assert q2[2] == ["Body", "Latest request", "Answer status", "Answer"]
    assert wb["Q2"].freeze_panes == "A4" and wb["Q2"].auto_filter.ref == "A3:D8"
    answers = {(r[0], n): r[3] for n in (1, 2, 4) for r in _xlsx_rows(xlsx, f"Q{n}")[3:]}
    assert answers[(ALPHA, 2)] == "'" + ANSWER_HYPERLINK
    assert answers[(ALPHA, 4)].startswith("'@SUM(")
    assert answers[("'" + BETA, 1)] == "'" + ANSWER_CMD
    stats = {r[0]: r[1] for r in _xlsx_rows(xlsx, "Statistics")[1:]}
    assert stats["On-time rate"] == 0.5 and stats["Median working days to respond"] == 17
    rate = next(r for r in wb["Statistics"].iter_rows() if r[0].value == "On-time rate")[1]
    assert rate.number_format == "0.0%"

    with out_csv.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert [r[0] for r in lines[1:]] == names
    # CSV keeps its stable machine headers, one qN column per question answered.
    assert lines[0] == [*RESULT_COLUMNS, "q1", "q2", "q4"]

    # The existing per-question report is neutralised too.
    q2 = foi("report", "answers", "2", "--campaign", CAMPAIGN, "--csv", db=db, today=TODAY)
    assert q2.stdout.splitlines()[0] == (
        "reference,body,request_status,outcome,answer,answer_status,exemptions"
    )
    cells = [c for r in csv.reader(q2.stdout.splitlines()) for c in r]
    assert "'" + ANSWER_HYPERLINK in cells and ANSWER_HYPERLINK not in cells
    assert "'" + BETA in cells and "'" + GAMMA in cells


def _all_text(folder: Path) -> dict[str, str]:
    """Every file under `folder` as text; zip files (XLSX) opened and their parts included."""
    found: dict[str, str] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data[:2] == b"PK":
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    found[f"{path}:{name}"] = zf.read(name).decode("utf-8", "replace")
        else:
            found[str(path)] = data.decode("utf-8", "replace")
    return found


def test_published_site_and_exports_carry_no_private_details(foi, campaign, isolated: Path) -> None:
    db, refs = campaign
    site = isolated / "site"
    exports = isolated / "exports"
    exports.mkdir()
    pub = foi("publish", "--campaign", CAMPAIGN, str(site), "--json", db=db, today=TODAY,
              env=REQUESTER)  # fmt: skip
    assert pub.exit_code == 0, pub.stderr
    assert pub.json()["bodies"] == 5 and pub.json()["requests"] == 5
    # The letter is marked publishable but has no redacted copy: only copies are published.
    assert pub.json()["files_published"] == 0 and pub.json()["files_withheld"] == 2
    for args in (("--csv", str(exports / "r.csv")), ("--xlsx", str(exports / "r.xlsx"))):
        assert foi("report", "results", "--campaign", CAMPAIGN, *args, db=db,
                   today=TODAY).exit_code == 0  # fmt: skip
    for n in ("1", "2", "4"):
        got = foi("report", "answers", n, "--campaign", CAMPAIGN, "--csv", db=db, today=TODAY)
        (exports / f"answers-{n}.csv").write_text(got.stdout)
    stats = foi("report", "stats", "--campaign", CAMPAIGN, "--json", db=db, today=TODAY)
    (exports / "stats.json").write_text(stats.stdout)

    files = {**_all_text(site), **_all_text(exports)}
    expected_site = {"index.html", "data/results.csv", "data/answers.csv", "data/results.json",
                     "data/stats.json", ".foi-site"}  # fmt: skip
    assert expected_site <= {
        str(Path(k).relative_to(site)) for k in files if k.startswith(str(site))
    }
    assert len(list((site / "bodies").glob("*.html"))) == 5
    for name, text in files.items():
        low = text.lower()
        for secret in PRIVATE:
            assert secret.lower() not in low, f"{secret!r} in {name}"
        if ":" not in name or not name.endswith((".csv", ".json")):
            assert refs["SAR"] not in text, name
    # No cell of any CSV or XLSX written could run as a formula.
    cells = 0
    for path in [*site.rglob("*.csv"), *exports.glob("*.csv")]:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for value in row:
                    cells += 1
                    assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (path, value)
    from openpyxl import load_workbook

    for ws in load_workbook(exports / "r.xlsx").worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                cells += 1
                if isinstance(value, str):
                    assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert cells > 200
    site_answers = (site / "data" / "answers.csv").read_text(encoding="utf-8-sig")
    assert "'" + ANSWER_HYPERLINK.replace('"', '""') in site_answers
    # The letters and replies are there, with the details removed.
    alpha = next((site / "bodies").glob("alpha-*.html")).read_text()
    assert "Dear [name removed]," in alpha and "[address removed]" in alpha
    assert "[email removed]" in alpha and "Crisis Support Team" in alpha
    # No original is ever copied (tests/redaction publishes redacted copies).
    assert not list(site.rglob("*.pdf"))
    assert "alpha-response.pdf" not in alpha and "2 attachments not published" in alpha
    assert f'<a href="#req-{refs[ALPHA]}">' in alpha  # the evidence links to its request
    # A site is for sharing: readable by all, unlike foi's private files.
    for path in [site, *site.rglob("*")]:
        want = 0o755 if path.is_dir() else 0o644
        assert path.stat().st_mode & 0o777 == want, path


def test_script_in_a_name_is_text_in_html(foi, campaign, isolated: Path) -> None:
    db, _ = campaign
    site = isolated / "site"
    assert foi("publish", "--campaign", CAMPAIGN, str(site), db=db, today=TODAY).exit_code == 0
    pages = [site / "index.html", *(site / "bodies").glob("*.html")]
    for page in pages:
        html = page.read_text()
        assert "<script>alert" not in html, page
    index = (site / "index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Delta NHS Trust" in index
    assert index.count("<script>") == 1  # the sorting script, and nothing else


def test_marking_a_reply_attachment_publishable_puts_it_on_the_site(
    foi, campaign, isolated: Path
) -> None:
    db, refs = campaign
    listed = foi("request", "publishable", refs[ALPHA], "--json", db=db, today=TODAY).json()
    assert [(a["filename"], a["publishable"]) for a in listed] == [
        ("alpha-response.pdf", False),
        ("alpha-letter.pdf", True),
    ]
    reply_pdf = listed[0]["id"]
    # The PDF has no text that can be read: it counts as unreviewed until a volunteer says so.
    refused = foi("request", "publishable", refs[ALPHA], str(reply_pdf), db=db, today=TODAY)
    assert refused.exit_code == 4 and "no text could be read" in refused.stderr
    marked = foi("request", "publishable", refs[ALPHA], str(reply_pdf), "--reviewed", "--json",
                 db=db, today=TODAY)  # fmt: skip
    assert [a["publishable"] for a in marked.json()] == [True, True]
    # Unmarked again.
    off = foi("request", "publishable", refs[ALPHA], str(reply_pdf), "--off", "--json", db=db,
              today=TODAY)  # fmt: skip
    assert off.exit_code == 0, off.stderr
    assert [a["publishable"] for a in off.json()] == [False, True]

    unknown = foi("request", "publishable", refs[ALPHA], "999", db=db, today=TODAY)
    assert unknown.exit_code == 3, unknown.stderr
    assert f"{refs[ALPHA]} has no attachment 999" in unknown.stderr
    sar = foi("request", "publishable", refs["SAR"], str(reply_pdf), db=db, today=TODAY)
    assert sar.exit_code == 2
    assert "subject access request: it is never published" in sar.stderr
    # Nor can any other path turn a SAR into public material: its files, or a claim about
    # the body sourced from it (by its reference, however typed).
    sar_file = isolated / "records.txt"
    sar_file.write_text("records")
    for args in (
        ("respond", refs["SAR"], "--on", "2026-11-21", "--outcome", "successful",
         "--file", str(sar_file), "--publishable"),
        ("body", "evidence", "add", "RA1", "--status", "adopted", "--source",
         f" {refs['SAR'].lower()} "),
    ):  # fmt: skip
        refused = foi(*args, db=db, today=TODAY)
        assert refused.exit_code == 2, refused.stdout
        assert f"{refs['SAR']} is a subject access request" in refused.stderr
    ev = foi("body", "show", "RA1", "--json", db=db, today=TODAY).json()["evidence"]
    evidence_id = ev[0]["id"]
    moved = foi("body", "evidence", "edit", str(evidence_id), "--source", refs["SAR"],
                db=db, today=TODAY)  # fmt: skip
    assert moved.exit_code == 2 and "subject access request" in moved.stderr


def test_publish_will_not_write_into_a_folder_it_did_not_make(
    foi, campaign, isolated: Path
) -> None:
    db, _ = campaign
    mine = isolated / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("keep me")
    refused = foi("publish", "--campaign", CAMPAIGN, str(mine), db=db, today=TODAY)
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"foi: error: {mine} is not empty and was not made by 'foi publish': give a new folder\n"
    )
    assert sorted(p.name for p in mine.iterdir()) == ["thesis.txt"]


def test_results_json_is_the_published_json(foi, campaign, isolated: Path) -> None:
    db, _ = campaign
    site = isolated / "site"
    assert foi("publish", "--campaign", CAMPAIGN, str(site), db=db, today=TODAY).exit_code == 0
    rows = foi("report", "results", "--campaign", CAMPAIGN, "--json", db=db, today=TODAY).json()
    assert json.loads((site / "data" / "results.json").read_text()) == rows


def test_a_campaign_with_nothing_sent_publishes_an_empty_site(
    foi, db_url: str, isolated: Path
) -> None:
    from tests.conftest import empty_database

    empty_database(db_url)
    made = foi("request", "new", "--body", "x", "--title", "t", db=db_url, today=TODAY)
    assert made.exit_code == 3  # no such body: the campaign has no requests at all
    assert foi("body", "add", "Solo Trust", "--kind", "mental-health-trust", db=db_url,
               today=TODAY).exit_code == 0  # fmt: skip
    draft = foi("request", "new", "--body", "Solo Trust", "--title", "Draft only", "--campaign",
                "quiet", db=db_url, today=TODAY)  # fmt: skip
    assert draft.exit_code == 0, draft.stderr
    site = isolated / "site"
    pub = foi("publish", "--campaign", "quiet", str(site), "--json", db=db_url, today=TODAY)
    assert pub.exit_code == 0, pub.stderr
    assert (pub.json()["bodies"], pub.json()["requests"]) == (0, 0)  # a draft was never sent
    assert "0 requests to 0 bodies" in (site / "index.html").read_text()
    stats = foi("report", "stats", "--campaign", "quiet", db=db_url, today=TODAY)
    assert "on time:    nothing answered or due yet" in stats.stdout


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_a_rebuild_that_fails_part_way_leaves_the_previous_site_whole(
    foi, campaign, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import foi.evidence.publish as publish
    from foi.files import FileWriteError

    db, _ = campaign
    site = isolated / "site"
    assert foi("publish", "--campaign", CAMPAIGN, str(site), db=db, today=TODAY).exit_code == 0
    (site / "CNAME").write_text("evidence.example.org\n")  # the user's own, for their host
    before = _tree(site)
    assert "index.html" in before and any(k.startswith("bodies/") for k in before)

    def disk_full(*args: Any, **kwargs: Any) -> None:
        raise FileWriteError("cannot write data/results.csv: No space left on device")

    # The body pages are written, then writing the data fails.
    monkeypatch.setattr(publish, "csv_bytes", disk_full)
    failed = foi("publish", "--campaign", CAMPAIGN, str(site), db=db, today="2026-12-01")
    assert failed.exit_code == 2
    assert failed.stderr == "foi: error: cannot write data/results.csv: No space left on device\n"
    assert _tree(site) == before  # nothing of the failed run is left either

    monkeypatch.undo()
    again = foi("publish", "--campaign", CAMPAIGN, str(site), db=db, today="2026-12-01")
    assert again.exit_code == 0, again.stderr
    after = _tree(site)
    assert after["CNAME"] == b"evidence.example.org\n"  # never touched by a rebuild
    assert after.keys() == before.keys()
    assert after["index.html"] != before["index.html"]  # rebuilt (a new date on it)


def test_one_publish_at_a_time_and_a_killed_run_s_leftovers_go(
    foi, campaign, isolated: Path
) -> None:
    import fcntl
    import os

    db, _ = campaign
    site = isolated / "site"
    assert foi("publish", "--campaign", CAMPAIGN, str(site), db=db, today=TODAY).exit_code == 0
    # A run killed while building left its staging folder, half written.
    left = site / ".foi-building-killed"
    (left / "bodies").mkdir(parents=True)
    (left / "bodies" / "half.html").write_text("<html")
    # Another run holds the folder: this one waits for nothing and changes nothing.
    fd = os.open(site, os.O_RDONLY | os.O_DIRECTORY)  # the lock is on the folder itself
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        before = _tree(site)
        busy = foi("publish", "--campaign", CAMPAIGN, str(site), db=db, today=TODAY)
    finally:
        os.close(fd)
    assert busy.exit_code == 2
    assert "is being written by another foi run: try again when it has finished" in busy.stderr
    assert _tree(site) == before
    again = foi("publish", "--campaign", CAMPAIGN, str(site), db=db, today=TODAY)
    assert again.exit_code == 0, again.stderr
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".")) == [".foi-site"]


def test_the_report_reads_only_the_events_its_findings_use(campaign) -> None:  # type: ignore[no-untyped-def]
    """`foi report` reads the review, ICO and local-name events only: the same rows and facts."""
    from datetime import date

    from foi.casework.user_holidays import holiday_set
    from foi.evidence.findings import body_findings, campaign_id, gather
    from foi.store.engine import connection_scope, make_engine, resolve_url

    db, _ = campaign
    engine = make_engine(resolve_url(db))
    try:
        with connection_scope(engine) as conn:
            made = {}
            for every in (True, False):
                groups = body_findings(conn, campaign_id(conn, CAMPAIGN),
                                       today=date.fromisoformat(TODAY),
                                       holidays=holiday_set(conn), events=every)  # fmt: skip
                made[every] = gather(groups, lambda row: row)
    finally:
        engine.dispose()
    assert made[False] == made[True]
    assert any(r["local_names"] for r in made[True].rows)
    assert any(f.review_requested and f.review_outcome for f in made[True].facts)
