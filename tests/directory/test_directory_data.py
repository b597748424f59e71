"""The bundled body directory in foi/directory/data: well-formed, consistent, and true to its sources."""

from __future__ import annotations

import csv
import importlib.util
import os
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from foi.directory.body_lists.plain import EMAIL_RE

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "foi" / "directory" / "data"

BODY_COLUMNS = [
    "key", "name", "kind", "ods_code", "police_id", "wdtk_url_name", "region", "nation", "opened_on",
    "closed_on", "successor", "foi_subject", "regime", "tags", "aliases", "home_page", "phone",
    "postal_address", "source",
]  # fmt: skip
CONTACT_COLUMNS = [
    "key", "purpose", "channel", "address", "source", "confirmed_on", "seen_on", "confidence",
    "note", "quote",
]  # fmt: skip
EVIDENCE_COLUMNS = ["key", "status", "on", "period", "note", "source", "confidence"]
KINDS = {
    "mental-health-trust", "nhs-england", "police-force", "ambulance-trust", "private-company",
    "health-board", "special-health-board", "hsc-trust",
}  # fmt: skip
NATIONS = {"england", "scotland", "wales", "northern-ireland"}
STATUSES = {"adopted", "piloted", "considering", "withdrawn", "denied", "not-adopted"}
AMBULANCE_TRUSTS = 10  # English ambulance trusts in the ODS extract (all open)
# Scotland's, Wales's and Northern Ireland's ambulance services
OTHER_AMBULANCE = {"body:scottish-ambulance-service", "ods:RT4", "body:ni-ambulance-service"}


def shared_dir() -> Path:
    """../shared next to the repository; skip (but fail under CI=true) when it is absent."""
    path = Path(__file__).resolve().parents[3] / "shared"
    if not path.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"reference data missing at {path} (CI must have ../shared)")
        pytest.skip(f"reference data not found at {path} (a sibling of the repository)")
    return path


def read(name: str, columns: list[str]) -> list[dict[str, str]]:
    raw = (DATA / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw, f"{name}: plain UTF-8, \\n"
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == columns, f"{name}: header"
        rows = list(reader)
    for row in rows:
        assert None not in row and None not in row.values(), f"{name}: ragged row {row}"
        assert all(v == v.strip() for v in row.values()), f"{name}: stray whitespace {row}"
    return rows


@pytest.fixture(scope="module")
def bodies() -> list[dict[str, str]]:
    return read("bodies.csv", BODY_COLUMNS)


@pytest.fixture(scope="module")
def contacts() -> list[dict[str, str]]:
    return read("contacts.csv", CONTACT_COLUMNS)


@pytest.fixture(scope="module")
def evidence() -> list[dict[str, str]]:
    return read("sim_evidence.csv", EVIDENCE_COLUMNS)


def iso(text: str) -> date | None:
    if not text:
        return None
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", text), text
    return date.fromisoformat(text)


def test_bodies_are_well_formed(bodies: list[dict[str, str]]) -> None:
    keys = [b["key"] for b in bodies]
    assert len(keys) == len(set(keys)) and keys == sorted(keys)
    for field in ("name", "ods_code", "police_id"):
        values = [b[field] for b in bodies if b[field]]
        assert len(values) == len(set(values)), f"duplicate {field}"
    for b in bodies:
        assert b["name"] and b["source"], b["key"]
        assert b["kind"] in KINDS, b
        assert b["foi_subject"] in ("yes", "no") and b["regime"] in ("foia", "foisa", "none"), b
        assert b["nation"] in NATIONS or b["key"] == "company:high-intensity-network", b
        # FOISA for Scottish public authorities, FOIA elsewhere (BTP answers under FOIA)
        assert (b["regime"] == "foisa") == (b["nation"] == "scotland"), b["key"]
        assert (b["foi_subject"] == "no") == (b["regime"] == "none"), b
        opened, closed = iso(b["opened_on"]), iso(b["closed_on"])
        assert not (opened and closed) or closed >= opened, b["key"]
        assert b["tags"] == " ".join(b["tags"].split()), b["key"]
        aliases = b["aliases"].split("|") if b["aliases"] else []
        assert all(a and a != b["name"] for a in aliases), b["key"]
        if b["kind"] in ("mental-health-trust", "ambulance-trust") and b["nation"] == "england":
            assert b["key"] == f"ods:{b['ods_code']}", b["key"]
        if b["kind"] == "police-force" and b["key"] != "body:police-scotland":
            assert b["key"] == f"police:{b['police_id']}", b["key"]
        assert b["name"] != b["name"].upper(), f"{b['key']}: name not proper-cased"


def test_successors_exist_and_are_open(bodies: list[dict[str, str]]) -> None:
    by_key = {b["key"]: b for b in bodies}
    with_successor = [b for b in bodies if b["successor"]]
    assert with_successor, "successors are recorded where known"
    for b in with_successor:
        assert b["closed_on"], f"{b['key']} has a successor but is open"
        successor = by_key[b["successor"]]
        assert not successor["closed_on"], b["key"]
    assert by_key["ods:RTV"]["successor"] == "ods:RW4"  # North West Boroughs -> Mersey Care
    assert by_key["ods:RRD"]["successor"] == by_key["ods:RWN"]["successor"] == "ods:R1L"


def test_counts_per_kind(bodies: list[dict[str, str]]) -> None:
    kinds = Counter(b["kind"] for b in bodies)
    open_mh = [b for b in bodies if b["kind"] == "mental-health-trust" and not b["closed_on"]]
    assert len(open_mh) == 50
    assert kinds["police-force"] == 46  # 43 + BTP, Police Scotland and PSNI
    assert kinds["nhs-england"] == 1
    assert kinds["ambulance-trust"] == AMBULANCE_TRUSTS + len(OTHER_AMBULANCE)
    by_nation = Counter((b["nation"], b["kind"]) for b in bodies)
    assert by_nation[("scotland", "health-board")] == 14
    assert by_nation[("scotland", "special-health-board")] == 1
    assert by_nation[("wales", "health-board")] == 7
    assert by_nation[("northern-ireland", "hsc-trust")] == 5
    scottish = {b["name"] for b in bodies if b["nation"] == "scotland"}
    assert {"Police Scotland", "Scottish Ambulance Service", "NHS Fife"} <= scottish
    assert len(scottish) == 17
    nhse = next(b for b in bodies if b["kind"] == "nhs-england")
    assert (nhse["key"], nhse["name"], nhse["foi_subject"]) == ("nhse", "NHS England", "yes")
    hin = next(b for b in bodies if b["kind"] == "private-company")
    assert (hin["foi_subject"], hin["regime"], hin["closed_on"]) == ("no", "none", "2021-06-02")


def test_contacts(bodies: list[dict[str, str]], contacts: list[dict[str, str]]) -> None:
    keys = {b["key"] for b in bodies}
    seen = set()
    for c in contacts:
        assert c["key"] in keys, c
        assert c["source"], f"contact without a source: {c}"
        assert c["purpose"] in ("foi", "sar") and c["channel"] in ("email", "web-form", "post")
        assert c["confidence"] in ("confirmed", "unconfirmed"), c
        iso(c["confirmed_on"])
        iso(c["seen_on"])
        if c["channel"] == "email":
            assert EMAIL_RE.match(c["address"]), c["address"]
        elif c["channel"] == "web-form":
            assert c["address"].startswith(("http://", "https://")), c["address"]
        ident = (c["key"], c["purpose"], c["channel"], c["address"].lower())
        assert ident not in seen, ident
        seen.add(ident)
    police = [c for c in contacts if c["key"].startswith("police:") and c["channel"] == "email"]
    assert len(police) == 44  # 43 listed (not Gloucestershire) and PSNI's
    assert all(c["confidence"] == "unconfirmed" for c in police)


def test_every_open_english_mental_health_trust_but_humber_has_an_email(
    bodies: list[dict[str, str]], contacts: list[dict[str, str]]
) -> None:
    emails = {c["key"] for c in contacts if (c["purpose"], c["channel"]) == ("foi", "email")}
    open_mh = {
        b["key"]: b["name"]
        for b in bodies
        if b["kind"] == "mental-health-trust" and not b["closed_on"]
    }
    assert len(open_mh) == 50
    without = sorted(name for key, name in open_mh.items() if key not in emails)
    assert without == ["Humber Teaching NHS Foundation Trust"]
    nhse = [c for c in contacts if c["key"] == "nhse" and c["channel"] == "email"]
    assert [(c["address"], c["confidence"]) for c in nhse] == [
        ("england.contactus@nhs.net", "unconfirmed")
    ]
    # Each address from foi_contacts_uk.csv keeps the source's words
    fife = next(c for c in contacts if c["address"] == "fife.foirequestfife@nhs.scot")
    assert "fife.foirequestfife@nhs.scot" in fife["quote"] and fife["confidence"] == "confirmed"
    # Older and newer rows for one body: both kept, the newer one dated later
    hiow = {c["address"]: c for c in contacts if c["key"] == "ods:RW1" and c["channel"] == "email"}
    assert hiow["hiowh.freedomofinformation@nhs.net"]["seen_on"] == "2026-08-22"
    old = hiow["freedom.information@southernhealth.nhs.uk"]
    assert (old["confidence"], old["seen_on"]) == ("unconfirmed", "2020-03-01")


def test_evidence(bodies: list[dict[str, str]], evidence: list[dict[str, str]]) -> None:
    keys = {b["key"] for b in bodies}
    for e in evidence:
        assert e["key"] in keys, e
        assert e["status"] in STATUSES, e
        assert e["source"] and e["period"], e
        assert e["confidence"] in ("sourced", "partly-inferred"), e
        iso(e["on"])
    statuses = {(e["key"], e["status"]) for e in evidence}
    assert ("ods:R1F", "piloted") in statuses  # the Isle of Wight pilot
    assert ("ods:RTQ", "denied") in statuses  # Gloucestershire's 2022 FOI reply
    assert ("nhse", "withdrawn") in statuses


def test_open_mental_health_trusts_match_the_shared_list(bodies: list[dict[str, str]]) -> None:
    with (shared_dir() / "data" / "mh_trusts.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    wanted = {r["ods_code"] for r in rows if r["status"].startswith("open")}
    got = {
        b["ods_code"] for b in bodies if b["kind"] == "mental-health-trust" and not b["closed_on"]
    }
    assert got == wanted
    assert {b["ods_code"] for b in bodies if b["kind"] == "mental-health-trust"} == {
        r["ods_code"] for r in rows
    }


def test_police_and_ambulance_match_the_shared_data(bodies: list[dict[str, str]]) -> None:
    data = shared_dir() / "data"
    with (data / "police_forces.csv").open(encoding="utf-8", newline="") as fh:
        forces = {r["data_police_uk_id"] for r in csv.DictReader(fh)}
    listed = {b["police_id"] for b in bodies if b["kind"] == "police-force"}
    assert listed == forces | {"northern-ireland", ""}  # PSNI; Police Scotland has no id
    with (data / "etr.csv").open(encoding="ascii", newline="") as fh:
        etr = list(csv.reader(fh))
    ambulance = {r[0] for r in etr if "AMBULANCE" in r[1] and r[0] != "RT4"}
    english = {
        b["ods_code"] for b in bodies if b["kind"] == "ambulance-trust" and b["nation"] == "england"
    }
    assert english == ambulance


def load_build_script(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_directory", REPO / "scripts" / "build_directory.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_files_are_what_the_build_script_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    data = shared_dir() / "data"
    script = load_build_script(monkeypatch)
    tables = script.build(data)
    for name, rows in tables.items():
        expected = script.render(rows, script.COLUMNS[name])
        assert (DATA / name).read_text(encoding="utf-8") == expected, (
            f"foi/directory/data/{name} is out of date: run scripts/build_directory.py"
        )
