"""`foi body`: imports of real exports, add/edit with sources, evidence and SIM status."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import REPO, empty_database, shared_path

FIXTURES = REPO / "tests" / "fixtures" / "authorities"


def _records(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for row in csv.DictReader(fh) if any(v for v in row.values()))


def test_import_nhs_ods_etr_is_idempotent(foi, db_url: str) -> None:
    etr = shared_path("data", "etr.csv")
    empty_database(db_url)
    first = foi("body", "import", str(etr), "--json", db=db_url)
    assert first.exit_code == 0, first.stderr
    data = first.json()
    assert (data["format"], data["created"], data["bad_rows"]) == ("ods-etr", 274, [])
    again = foi("body", "import", str(etr), "--json", db=db_url).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 274)
    shown = foi("body", "show", "R0A", "--json", db=db_url).json()
    assert shown["ods_code"] == "R0A" and shown["opened_on"] == "2017-10-01"
    assert "MANCHESTER UNIVERSITY NHS FOUNDATION TRUST" in [shown["name"], *shown["aliases"]]


def test_import_whatdotheyknow_export_both_layouts(foi, db_url: str) -> None:
    old = shared_path("testdata", "authorities", "alaveteli-spec-all-authorities.csv")
    empty_database(db_url)
    result = foi("body", "import", str(old), "--json", db=db_url)
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["format"] == "wdtk"
    assert data["created"] == _records(old)
    new = FIXTURES / "wdtk-current-layout.csv"
    data2 = foi("body", "import", str(new), "--json", db=db_url).json()
    assert data2["format"] == "wdtk"
    assert data2["created"] + data2["updated"] + data2["unchanged"] == _records(new)
    again = foi("body", "import", str(old), "--json", db=db_url).json()
    assert (again["created"], again["updated"]) == (0, 0)
    humpa = foi("body", "show", "Department for Humpadinking", "--json", db=db_url).json()
    assert humpa["wdtk_url_name"] == "dfh"
    assert {"useless_agency", "popular_agency"} <= set(humpa["tags"])
    assert "DfH" in humpa["aliases"]


def test_import_plain_name_email_csv_updates_only_given_fields(foi, isolated: Path) -> None:
    foi("init")
    before = foi("body", "show", "RXX", "--json").json()
    plain = isolated / "contacts.csv"
    plain.write_text(
        "name,email\n"
        "Surrey and Borders Partnership NHS Foundation Trust,foi@sabp.example.nhs.uk\n"
        "\n"
        "A New Coroner's Office,coroner@example.gov.uk\n",
        encoding="utf-8",
    )
    result = foi("body", "import", str(plain), "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert (data["format"], data["created"], data["updated"]) == ("plain", 1, 1)
    after = foi("body", "show", "RXX", "--json").json()
    assert after["kind"] == before["kind"] and after["region"] == before["region"]
    added = [c for c in after["contacts"] if c["address"] == "foi@sabp.example.nhs.uk"]
    assert added and added[0]["source"] == "import of contacts.csv"
    again = foi("body", "import", str(plain), "--json").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)


def test_a_file_with_one_bad_row_changes_nothing_and_names_the_row(foi, isolated: Path) -> None:
    foi("init")
    before = foi("body", "list", "--json").json()
    bad = isolated / "bad.csv"
    bad.write_text(
        "name,email,opened_on\n"
        "Good Body One,one@example.org,2001-01-01\n"
        "Bad Date Body,two@example.org,31/02/2001\n"
        "Good Body Three,three@example.org,\n",
        encoding="utf-8",
    )
    result = foi("body", "import", str(bad))
    assert result.exit_code == 2
    assert "line 3" in result.stderr and "nothing imported" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert foi("body", "list", "--json").json() == before
    skipped = foi("body", "import", str(bad), "--skip-bad-rows", "--json").json()
    assert skipped["created"] == 2
    assert any("line 3" in b for b in skipped["bad_rows"])


def test_etr_with_bad_rows_reports_line_numbers(foi) -> None:
    empty_database()
    result = foi("body", "import", str(FIXTURES / "etr-bad-rows.csv"))
    assert result.exit_code == 2
    assert "bad row" in result.stderr and "line " in result.stderr
    assert foi("body", "list", "--json").json() == []


def test_add_edit_and_contacts_with_sources(foi) -> None:
    foi("init")
    added = foi(
        "body",
        "add",
        "Coroner for West Yorkshire (Western)",
        "--kind",
        "coroner",
        "--not-foi",
        "--tag",
        "coroner",
    )
    assert added.exit_code == 0, added.stderr
    shown = foi("body", "show", "Coroner for West Yorkshire (Western)", "--json").json()
    assert (shown["foi_subject"], shown["regime"]) == (False, "none")
    text = foi("body", "show", "Coroner for West Yorkshire (Western)").stdout
    assert "NOT subject to FOI" in text
    dup = foi("body", "add", "Coroner for West Yorkshire (Western)", "--kind", "coroner")
    assert dup.exit_code == 4 and "already has name" in dup.stderr
    edit = foi(
        "body",
        "edit",
        "RVN",
        "--email",
        "foi@awp.example.nhs.uk",
        "--source",
        "https://www.awp.nhs.uk/foi",
        "--confirmed",
        "2026-11-20",
    )
    assert edit.exit_code == 0, edit.stderr
    body = foi("body", "show", "RVN", "--json").json()
    assert body["email"] == "foi@awp.example.nhs.uk"
    assert body["email_confidence"] == "confirmed"
    contact = next(c for c in body["contacts"] if c["address"] == "foi@awp.example.nhs.uk")
    assert (contact["source"], contact["confirmed_on"]) == (
        "https://www.awp.nhs.uk/foi",
        "2026-11-20",
    )
    bad = foi("body", "edit", "RVN", "--email", "not-an-address")
    assert bad.exit_code == 2 and "is not an email address" in bad.stderr
    closed = foi("body", "edit", "RVN", "--closed", "2026-01-01", "--successor", "RWX")
    assert closed.exit_code == 0
    after = foi("body", "show", "RVN", "--json", today="2026-11-27").json()
    assert (after["status"], after["successor"]) == (
        "closed",
        "Berkshire Healthcare NHS Foundation Trust",
    )


def test_sim_status_is_derived_from_evidence_newest_wins(foi, db_url: str) -> None:
    foi("init", db=db_url)
    base = foi("body", "show", "RTQ", "--json", db=db_url).json()
    n = len(base["evidence"])
    ref = foi("request", "new", "--body", "RTQ", "--title", "SIM", "--json", db=db_url).json()[
        "reference"
    ]  # evidence cited by reference must name a request that exists
    result = foi(
        "body",
        "evidence",
        "add",
        "RTQ",
        "--status",
        "adopted",
        "--on",
        "2030-01-01",
        "--source",
        ref,
        "--local-name",
        "High Intensity Service",
        db=db_url,
    )
    assert result.exit_code == 0, result.stderr
    after = foi("body", "show", "RTQ", "--json", db=db_url).json()
    assert after["sim_status"] == "adopted"
    assert len(after["evidence"]) == n + 1
    assert after["evidence"][0]["local_name"] == "High Intensity Service"
    later = foi(
        "body",
        "evidence",
        "add",
        "RTQ",
        "--status",
        "withdrawn",
        "--on",
        "2031-01-01",
        "--source",
        "https://example.org/board-paper",
        db=db_url,
    )
    assert later.exit_code == 0
    assert foi("body", "show", "RTQ", "--json", db=db_url).json()["sim_status"] == "withdrawn"
    nosource = foi(
        "body", "evidence", "add", "RTQ", "--status", "adopted", "--source", " ", db=db_url
    )
    assert nosource.exit_code == 2 and "needs a source" in nosource.stderr
    listed = foi("body", "evidence", "list", "--status", "withdrawn", "--json", db=db_url).json()
    assert any(r["body"] == after["name"] for r in listed)


def test_the_listing_and_show_give_each_body_the_same_json(foi, db_url: str) -> None:
    # `body list` reads with Core queries, `body show` through the ORM: one shape for both.
    foi("init", db=db_url)
    for change in (
        ("body", "edit", "RXX", "--closed", "2026-10-01", "--successor", "RTQ"),
        ("body", "edit", "RTQ", "--email", "foi@rtq.nhs.uk", "--source", "its web site"),
    ):
        done = foi(*change, db=db_url)
        assert done.exit_code == 0, done.stderr
    listed = foi("body", "list", "--json", db=db_url, today="2026-11-27").json()
    assert len(listed) > 100
    assert any(b["successor"] for b in listed) and any(b["evidence"] for b in listed)
    assert any(b["aliases"] for b in listed) and any(b["tags"] for b in listed)
    for body in listed:
        key = body["ods_code"] or body["police_id"] or body["name"]
        shown = foi("body", "show", key, "--json", db=db_url, today="2026-11-27").json()
        shown.pop("requests")
        shown.pop("contact_history")  # show's own: what mail taught us about each address
        assert shown == body
    names = [b["name"] for b in listed]
    assert names == sorted(names)
    # The filters select as they describe.
    open_missing = foi(
        "body", "list", "--missing-email", "--json", db=db_url, today="2026-11-27"
    ).json()
    assert open_missing and all(
        b["email"] is None and b["status"] == "open" and b["foi_subject"] for b in open_missing
    )
    assert {b["name"] for b in open_missing} == {
        b["name"]
        for b in listed
        if b["email"] is None and b["status"] == "open" and b["foi_subject"]
    }
    police = foi(
        "body", "list", "--kind", "police-force", "--open", "--json", db=db_url, today="2026-11-27"
    ).json()
    assert police and {b["name"] for b in police} == {
        b["name"] for b in listed if b["kind"] == "police-force" and b["status"] != "closed"
    }
    found = foi(
        "body", "list", "--search", "Surrey and Borders", "--json", today="2026-11-27", db=db_url
    ).json()
    assert [b["ods_code"] for b in found] == ["RXX"]


@pytest.mark.parametrize(
    "option, value",
    [
        ("--name", "Surrey and Borders\nBcc: someone@example.org"),
        ("--alias", "SABP\r"),
        ("--tag", "sim\tpilot"),
        ("--phone", "0300 555\u20280100"),
        ("--region", "South\x85East"),
    ],
)
def test_a_one_line_field_with_a_line_break_is_refused(
    foi, isolated: Path, option: str, value: str
) -> None:
    # A body's name goes into letters' address blocks and email subjects: one line only.
    foi("init")
    before = foi("body", "show", "RXX", "--json").json()
    result = foi("body", "edit", "RXX", option, value)
    assert result.exit_code == 2
    assert "line break or control character" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert foi("body", "show", "RXX", "--json").json() == before


def test_a_new_body_s_name_must_be_one_line(foi, isolated: Path) -> None:
    foi("init")
    added = foi("body", "add", "Mind\nBcc: someone@example.org", "--kind", "other")
    assert added.exit_code == 2 and "line break" in added.stderr
    assert foi("body", "list", "--search", "Mind", "--json").json() == []


def test_a_postal_address_is_checked_like_the_other_fields(foi, isolated: Path) -> None:
    # Many lines are fine in an address; a NUL or a runaway paste is not.
    foi("init")
    ok = foi("body", "edit", "RXX", "--address", "18 Mole Business Park\nLeatherhead\nKT22 7AD")
    assert ok.exit_code == 0, ok.stderr
    for bad, said in (("x" * 20001, "is 20001 characters long"), ("1 Road\x00", "NUL")):
        refused = foi("body", "edit", "RXX", "--address", bad)
        assert refused.exit_code == 2 and said in refused.stderr, refused.stderr
    shown = foi("body", "show", "RXX", "--json").json()
    assert shown["postal_address"] == "18 Mole Business Park\nLeatherhead\nKT22 7AD"
