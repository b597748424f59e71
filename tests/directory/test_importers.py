"""foi.directory.importers (and body_lists): body lists from WhatDoTheyKnow, NHS ODS and plain CSV files."""

from __future__ import annotations

import csv
import os
from datetime import date
from pathlib import Path

import pytest

from foi.directory.body_lists.names import proper_case, proper_case_address
from foi.directory.importers import (
    BodyRow,
    ImportFormatError,
    ParsedImport,
    RowProblem,
    parse_bodies_file,
    parse_bodies_text,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "authorities"


def shared_dir() -> Path:
    """../shared next to the repository; skip (but fail under CI=true) when it is absent."""
    path = Path(__file__).resolve().parents[3] / "shared"
    if not path.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"reference data missing at {path} (CI must have ../shared)")
        pytest.skip(f"reference data not found at {path} (a sibling of the repository)")
    return path


def authorities(name: str) -> Path:
    return shared_dir() / "testdata" / "authorities" / name


def write(tmp_path: Path, text: str, name: str = "bodies.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def lines_of(problems: list[RowProblem]) -> list[int]:
    return sorted(p.line for p in problems)


def count_records(path: Path) -> list[int]:
    """Field counts of every non-blank CSV record after the header, read independently."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        return [len(r) for r in reader if any(f.strip() for f in r)]


# --- WhatDoTheyKnow / Alaveteli exports --------------------------------------------------------


def test_alaveteli_spec_export_old_layout() -> None:
    path = authorities("alaveteli-spec-all-authorities.csv")
    parsed = parse_bodies_file(path)
    assert parsed.format == "wdtk"
    assert len(parsed.rows) == len(count_records(path)) == 6
    assert parsed.problems == [] and parsed.skipped == [] and parsed.warnings == []
    first = parsed.rows[0]
    assert (first.line, first.name, first.aliases, first.wdtk_url_name) == (
        2,
        "Geraldine Quango",
        ["TGQ"],
        "tgq",
    )
    assert first.tags == ["popular_agency"] and first.kind is None
    assert "kind" not in first.present and "email" not in first.present
    by_name = {r.name: r for r in parsed.rows}
    assert by_name["Ministry of Sensible Walks"].notes == "I bet you\u2019ve never heard of it."
    assert by_name["Another Public Body"].aliases is None  # short name == name
    assert by_name["Another Public Body"].tags is None  # quoted empty tags
    assert "Publication scheme" in parsed.ignored_columns


def test_wdtk_current_layout_fixture() -> None:
    parsed = parse_bodies_file(FIXTURES / "wdtk-current-layout.csv")
    assert parsed.format == "wdtk"
    assert parsed.problems == []
    assert "Internal ID" in parsed.ignored_columns
    rows = {r.wdtk_url_name: r for r in parsed.rows}
    assert len(rows) == 6
    trust = rows["example_mental_health_trust"]
    assert trust.line == 2
    assert trust.kind == "mental-health-trust"
    assert trust.ods_code == "RZZ"  # from the ods_code:rzz tag
    assert "ods_code:rzz" in (trust.tags or [])
    assert trust.notes is not None and trust.notes.count("\n") == 1
    assert '<a href="https://www.example.nhs.uk/foi">' in trust.notes
    assert {"name", "kind", "ods_code", "tags", "aliases", "notes"} <= trust.present
    # the multi-line record takes lines 2-3, line 4 is blank
    assert rows["example_police"].line == 5
    assert rows["example_police"].kind == "police-force"
    assert rows["example_pcc"].kind is None  # `police` alone is "policing bodies"
    assert rows["example_pcc"].aliases == ["Example PCC"]
    assert rows["cremesp"].name == "Conselho Regional de Medicina do Estado de São Paulo"
    assert rows["cremesp"].tags == ["defunct", "conselho"]  # kept, with its tag
    assert rows["example_ambulance"].kind == "ambulance-trust"
    assert rows["nhs_example_icb"].kind == "icb"


def test_queremossaber_export_accents_multiline_and_run_together_records() -> None:
    path = authorities("queremossaber-br-all-authorities.csv")
    widths = count_records(path)
    good = sum(1 for w in widths if w == 11)
    run_together = len(widths) - good
    assert run_together == 7  # as the testdata README says
    parsed = parse_bodies_file(path)
    assert parsed.format == "wdtk"
    assert parsed.problems == []
    assert len(parsed.warnings) == run_together
    assert len(parsed.rows) == good + 2 * run_together
    names = {r.name for r in parsed.rows}
    assert "Advocacia-Geral da União" in names
    assert "Agência Nacional do Petróleo, Gás Natural e Biocombustíveis" in names
    # the recovered second record starts on the line where the first one ends
    anp = next(r for r in parsed.rows if r.wdtk_url_name == "anp")
    assert anp.line == 9 and parsed.warnings[0].line == 9
    assert sum(1 for r in parsed.rows if r.notes and "\n" in r.notes) > 0
    assert all(r.name for r in parsed.rows)


# --- Alaveteli's import format, header-less lists and other layouts ----------------------------


def test_alaveteli_import_format_with_locale_names() -> None:
    parsed = parse_bodies_file(authorities("alaveteli-multiple-locales-same-name.csv"))
    assert parsed.format == "plain"
    assert parsed.ignored_columns == ["#id"]
    (row,) = parsed.rows
    assert (row.name, row.email, row.tags, row.home_page) == (
        "Test",
        "test@test.es",
        ["37"],
        "http://www.test.es/",
    )
    assert row.aliases is None  # name.es is the same as the name


def test_alaveteli_import_format_localhost_addresses_are_refused() -> None:
    parsed = parse_bodies_file(authorities("alaveteli-fake-authority-add-tags.csv"))
    assert parsed.format == "plain" and parsed.rows == []
    assert lines_of(parsed.problems) == [2, 3, 4]
    assert "'north_west_foi@localhost' is not an email address" in str(parsed.problems[0])


def test_alaveteli_import_format_ragged_row() -> None:
    parsed = parse_bodies_file(authorities("alaveteli-fake-authority-type-with-field-names.csv"))
    assert parsed.format == "plain"
    assert [str(p) for p in parsed.problems if "fields" in p.message] == [
        "line 4: expected 6 fields, found 5"
    ]


@pytest.mark.parametrize(
    "name",
    [
        "alaveteli-fake-authority-type.csv",  # no header
        "wdtk-police-names.csv",  # Name,URL name with no header
        "wdtk-police-foi-emails.csv",  # URL name -> email, no header
        "wdtk-authorities-categories.csv",  # a tag taxonomy, no name column
    ],
)
def test_header_less_and_other_lists_are_refused(name: str) -> None:
    with pytest.raises(ImportFormatError, match="unrecognised layout") as exc:
        parse_bodies_file(authorities(name))
    assert "\n" not in str(exc.value)


# --- NHS ODS etr.csv -------------------------------------------------------------------------


def test_ods_etr_extract() -> None:
    path = shared_dir() / "data" / "etr.csv"
    with path.open(newline="") as fh:
        records = list(csv.reader(fh))
    parsed = parse_bodies_file(path)
    assert parsed.format == "ods-etr"
    assert len(parsed.rows) == len(records) == 274
    assert parsed.problems == [] and parsed.skipped == []
    assert sum(1 for r in parsed.rows if r.closed_on is None) == 202
    assert sum(1 for r in parsed.rows if r.kind == "ambulance-trust") == 11  # incl. Welsh RT4
    rows = {r.ods_code: r for r in parsed.rows}
    kings = rows["RJZ"]
    assert kings.name == "King's College Hospital NHS Foundation Trust"
    assert kings.aliases == ["KING'S COLLEGE HOSPITAL NHS FOUNDATION TRUST"]
    assert rows["RJ1"].name == "Guy's and St Thomas' NHS Foundation Trust"
    assert rows["RCX"].name == "The Queen Elizabeth Hospital, King's Lynn, NHS Foundation Trust"
    assert rows["RTD"].name == "The Newcastle upon Tyne Hospitals NHS Foundation Trust"
    r0a = rows["R0A"]
    assert (r0a.region, r0a.opened_on, r0a.closed_on, r0a.phone) == (
        "Y62",
        date(2017, 10, 1),
        None,
        "0300 3309444",
    )
    assert r0a.postal_address == "Cobbett House, Oxford Road, Manchester, M13 9WL"
    assert rows["RNK"].closed_on == date(2026, 3, 31)
    assert "closed_on" in r0a.present and "kind" not in r0a.present
    assert "phone" not in rows["G6V2S"].present  # no telephone number in the extract
    assert rows["RRU"].kind == "ambulance-trust" and "kind" in rows["RRU"].present


def test_ods_etr_bad_rows_are_reported_by_line() -> None:
    parsed = parse_bodies_file(FIXTURES / "etr-bad-rows.csv")
    assert parsed.format == "ods-etr"
    assert [str(p) for p in parsed.problems] == [
        "line 2: expected 27 fields, found 26",
        "line 3: open date '2001-04-01' is not a YYYYMMDD date",
        "line 4: close date 2009-03-31 is before open date 2010-04-01",
        "line 5: duplicate organisation code RZ1 (first on line 1)",
    ]
    assert [r.ods_code for r in parsed.rows] == ["RZ1", "RZ2"]
    assert parsed.rows[0].name == "King's Example NHS Foundation Trust"
    assert parsed.rows[1].kind == "ambulance-trust"
    assert parsed.rows[1].closed_on == date(2020, 3, 31)


# --- Plain CSV -------------------------------------------------------------------------------


def test_plain_name_email(tmp_path: Path) -> None:
    path = write(tmp_path, "name,email\nExample Trust,foi@example.nhs.uk\nOther Body,\n")
    parsed = parse_bodies_file(path)
    assert parsed.format == "plain"
    assert [(r.line, r.name, r.email) for r in parsed.rows] == [
        (2, "Example Trust", "foi@example.nhs.uk"),
        (3, "Other Body", None),
    ]
    assert parsed.rows[0].present == frozenset({"name", "email"})
    assert parsed.rows[1].present == frozenset({"name"})


def test_plain_fixture_blank_lines_multiline_notes_and_unknown_columns() -> None:
    parsed = parse_bodies_file(FIXTURES / "plain-bodies.csv")
    assert parsed.format == "plain"
    assert parsed.problems == []
    assert parsed.ignored_columns == ["Contact person"]
    assert [str(s) for s in parsed.skipped] == ["line 6: every cell is empty"]
    trust, coroner, council = parsed.rows
    assert trust.line == 2 and coroner.line == 5 and council.line == 7
    assert trust.notes == "Two-line\nnote, with a comma"
    assert trust.ods_code == "RZZ" and trust.aliases == ["EMHT", "Example MH"]
    assert (trust.kind, trust.regime, trust.foi_subject) == ("mental-health-trust", "foia", True)
    assert trust.opened_on == date(2001, 4, 1) and trust.closed_on is None
    assert (coroner.kind, coroner.foi_subject, coroner.regime) == ("coroner", False, "none")
    assert council.foi_subject is True


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("Bad Row,foi@example,2001-04-01", "'foi@example' is not an email address"),
        ("Bad Row,foi@example.org,01/04/2001", "opened_on '01/04/2001' is not a date (YYYY-MM-DD)"),
        ("Bad Row,foi@example.org", "expected 3 fields, found 2"),
        ("Bad Row,foi@example.org,2001-04-01,extra", "expected 3 fields, found 4"),
        (",foi@example.org,2001-04-01", "missing name"),
    ],
)
def test_plain_one_bad_row_reports_exactly_that_line(
    tmp_path: Path, bad: str, message: str
) -> None:
    text = (
        "name,email,opened_on\n"
        "Good One,foi@one.example.org,2001-04-01\n"
        '"Good\nTwo",foi@two.example.org,\n'
        f"{bad}\n"
        "Good Three,,\n"
    )
    parsed = parse_bodies_file(write(tmp_path, text))
    assert [str(p) for p in parsed.problems] == [f"line 5: {message}"]
    assert [r.line for r in parsed.rows] == [2, 3, 6]
    assert parsed.rows[1].name == "Good Two"  # a line break inside a name is a space


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ("kind=hospital", "unknown kind 'hospital'"),
        ("regime=gdpr", "unknown regime 'gdpr'"),
        ("foi_subject=maybe", "foi_subject 'maybe' is not yes/no/true/false"),
        ("closed_on=2000-01-01", "closed_on 2000-01-01 is before opened_on 2001-04-01"),
        ("ods_code=R X", "ods_code 'R X' is not an ODS code"),
        ("police_id=Avon & Somerset", "police_id 'Avon & Somerset' is not a data.police.uk id"),
    ],
)
def test_plain_values_are_validated(tmp_path: Path, cells: str, message: str) -> None:
    column, value = cells.split("=")
    text = f"name,opened_on,{column}\nA Body,2001-04-01,{value}\n"
    parsed = parse_bodies_file(write(tmp_path, text))
    assert parsed.rows == []
    assert len(parsed.problems) == 1 and parsed.problems[0].line == 2
    assert parsed.problems[0].message.startswith(message)


def test_plain_synonyms_and_normalising(tmp_path: Path) -> None:
    text = (
        "Body Name,Type,Code,URL name,Tags,Short name,Telephone,Address,Region\n"
        "Avon Example,Police_Force,,avon_example,police  england,AEP,0100,"
        '"1 Road\nTown",South West\n'
    )
    (row,) = parse_bodies_file(write(tmp_path, text)).rows
    assert row.kind == "police-force" and row.wdtk_url_name == "avon_example"
    assert row.tags == ["police", "england"] and row.aliases == ["AEP"]
    assert (row.phone, row.postal_address, row.region) == ("0100", "1 Road\nTown", "South West")
    assert "ods_code" not in row.present


def test_plain_two_columns_for_one_field_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="'code' and 'ods_code' both give ods_code"):
        parse_bodies_file(write(tmp_path, "name,code,ods_code\nA,RXX,RXX\n"))


def test_plain_duplicate_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="appears twice"):
        parse_bodies_file(write(tmp_path, "name,email,Email\nA,a@b.org,c@d.org\n"))


# --- Encodings and unreadable files ------------------------------------------------------------


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffname,email\nCafé Trust,foi@cafe.example.org\n".encode())
    parsed = parse_bodies_file(path)
    assert parsed.format == "plain" and parsed.encoding == "utf-8-sig"
    assert parsed.rows[0].name == "Café Trust"


def test_wdtk_export_with_bom(tmp_path: Path) -> None:
    source = (FIXTURES / "wdtk-current-layout.csv").read_bytes()
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + source)
    parsed = parse_bodies_file(path)
    assert parsed.format == "wdtk" and len(parsed.rows) == 6


def test_windows_1252_is_read_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "name,notes\nSt George\u2019s Trust,caf\u00e9\n", encoding="cp1252")
    parsed = parse_bodies_file(path)
    assert parsed.encoding == "cp1252"
    assert parsed.rows[0].name == "St George\u2019s Trust"
    assert len(parsed.warnings) == 1 and "Windows-1252" in parsed.warnings[0].message


def test_utf16_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffname,email\nA Trust,foi@a.example.org\n", encoding="utf-16-le")
    parsed = parse_bodies_file(path)
    assert parsed.encoding == "utf-16" and parsed.rows[0].email == "foi@a.example.org"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"\n\n  \n", "is empty"),
        (b",,,\n,,\n", "has no header row"),
        (b"PK\x03\x04\x14\x00\x06\x00", "is a ZIP file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel/Office file"),
        (b"name,email\x00\x01\x02\n", "contains NUL bytes"),
        (bytes(range(1, 32)) * 20, "control characters"),
        (b"id;naam;e-mail\n1;Gemeente;info@example.nl\n", "unrecognised layout"),
    ],
)
def test_unreadable_files_raise_import_format_error(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "upload.csv"
    path.write_bytes(data)
    with pytest.raises(ImportFormatError, match=message) as exc:
        parse_bodies_file(path)
    assert "\n" not in str(exc.value)
    assert isinstance(exc.value, ValueError)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="cannot read"):
        parse_bodies_file(tmp_path / "nope.csv")
    with pytest.raises(ImportFormatError, match="is a directory"):
        parse_bodies_file(tmp_path)


# --- Helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("upper", "proper"),
    [
        (
            "KING'S COLLEGE HOSPITAL NHS FOUNDATION TRUST",
            "King's College Hospital NHS Foundation Trust",
        ),
        ("GUY'S AND ST THOMAS' NHS FOUNDATION TRUST", "Guy's and St Thomas' NHS Foundation Trust"),
        ("THE ROYAL MARSDEN NHS FOUNDATION TRUST", "The Royal Marsden NHS Foundation Trust"),
        ("BARTS AND THE LONDON NHS TRUST", "Barts and the London NHS Trust"),
        (
            "CUMBRIA, NORTHUMBERLAND, TYNE AND WEAR NHS",
            "Cumbria, Northumberland, Tyne and Wear NHS",
        ),
        ("ROYAL BROMPTON & HAREFIELD", "Royal Brompton & Harefield"),
        ("O'BRIEN HOUSE", "O'Brien House"),
        ("4TH FLOOR", "4th Floor"),
        ("NEWCASTLE-UNDER-LYME", "Newcastle-under-Lyme"),
        ("MOUNT MCKINLEY", "Mount McKinley"),
        ("729 THE RIDGE", "729 The Ridge"),
    ],
)
def test_proper_case(upper: str, proper: str) -> None:
    assert proper_case(upper) == proper


def test_proper_case_address() -> None:
    lines = ["4TH FLOOR, EAST WING", " ST. PANCRAS HOSPITAL", "", "LONDON", "", "NW1 0PE"]
    assert (
        proper_case_address(lines) == "4th Floor, East Wing, St. Pancras Hospital, London, NW1 0PE"
    )


def test_text_api_and_dataclasses() -> None:
    parsed = parse_bodies_text("name\nA Body\n")
    assert isinstance(parsed, ParsedImport) and isinstance(parsed.rows[0], BodyRow)
    assert (
        str(RowProblem(7, "expected 27 fields, found 26")) == "line 7: expected 27 fields, found 26"
    )
