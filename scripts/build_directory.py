"""Build foi/directory/data/{bodies,contacts,sim_evidence}.csv from the sourced tables in ../shared/data.

Usage (from the repository root):

    .venv/bin/python scripts/build_directory.py            # write the three files
    .venv/bin/python scripts/build_directory.py --check    # exit 1 if they are out of date

The output is deterministic (sorted, "\\n" line endings, UTF-8). Every judgement the script
makes about the shared data is in a table below with its reason; foi/directory/data/README.md explains
the columns and sources. The script refuses to run (AssertionError) when the shared data no
longer matches what those tables were written for, rather than guess.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from foi.directory.importers import parse_bodies_file  # noqa: E402

DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "foi" / "directory" / "data"

BODY_COLUMNS = [
    "key", "name", "kind", "ods_code", "police_id", "wdtk_url_name", "region", "opened_on",
    "closed_on", "successor", "foi_subject", "regime", "tags", "aliases", "home_page", "phone",
    "postal_address", "source",
]  # fmt: skip
CONTACT_COLUMNS = [
    "key", "purpose", "channel", "address", "source", "confirmed_on", "confidence", "note",
]  # fmt: skip
EVIDENCE_COLUMNS = ["key", "status", "on", "period", "note", "source", "confidence"]

OPEN_STATUSES = ("open", "open (not in etr.csv: care-trust T-code)")

SRC_ETR = "NHS ODS etr.csv (2026 extract, Open Government Licence v3)"
SRC_LIST_A = "MH trust list '2.9 MENTAL HEALTH TRUSTS (50)' (Feb 2026)"
SRC_THF = "THF trust_reference_data_file (May 2021, from Wikipedia's MH trust list)"
SRC_POLICE = (
    "data.police.uk /api/forces (name, id); Russ-Holloway/CoPPA-Stop-Search-Reasonable-Grounds "
    "UK-POLICE-FORCE-CODES.md (region, country); m-d-johnson/golang-wdtk-linkgenerator "
    "generated-dataset.json d910a48 2024-02-09 (WhatDoTheyKnow url name, home page)"
)
SRC_POLICE_EMAIL = (
    "m-d-johnson/golang-wdtk-linkgenerator data/generated-dataset.json "
    "(commit d910a48, 2024-02-09): third-party listing"
)

# --- Mental health trusts: judgements on mh_trusts.csv -------------------------------------

# The name a trust is filed under, where the `name` column is not the body's current name.
NAME_OVERRIDES = {
    # ODS (2026) has renamed the trust; the list's name becomes an alias.
    "RXY": "Kent and Medway Mental Health NHS Trust",
    # The list's "(per THF list)" entry maps to RYK, which ODS names this; see SOURCE_NOTES.
    "RYK": "Dudley Integrated Health and Care NHS Trust",
}
# Former, other and short names, each given somewhere in the shared data (where: in comment).
EXTRA_ALIASES: dict[str, list[str]] = {
    "ods:RXY": ["Kent and Medway NHS and Social Care Partnership Trust"],  # mh_trusts name
    "ods:RYK": ["Dudley and Walsall Mental Health Partnership NHS Trust"],  # mh_trusts name
    "ods:RW1": ["Southern Health NHS Foundation Trust"],  # mh_trusts note
    "ods:R1A": ["Worcestershire Health and Care NHS Trust"],  # mh_trusts note
    "ods:RTV": ["5 Boroughs Partnership"],  # mh_trusts note (2021 list entry)
    "ods:RW5": ["Lancashire Care NHS Foundation Trust"],  # foi_contacts note (renamed 2019)
    "ods:RH5": ["Somerset Partnership NHS Foundation Trust"],  # mh_trusts note
    "ods:TAH": ["Sheffield Health Partnership University NHS Foundation Trust"],  # note
    "ods:RXG": ["South West Yorkshire Partnership Teaching NHS Foundation Trust"],  # note
    "ods:RAT": ["NELFT"],  # sim_adoption body
    "ods:RX4": ["CNTW"],  # sim_adoption body
    "ods:RX3": ["TEWV"],  # foi_contacts note
    "ods:R1L": ["EPUT"],  # mh_trusts note
    "ods:RRP": ["BEH"],  # mh_trusts note on G6V2S
    "ods:RT1": ["CPFT"],  # sim_adoption detail
    "ods:RXE": ["RDaSH"],  # sim_adoption body
    "ods:RQY": ["SWLSTG"],  # sim_adoption detail
    "ods:RV5": ["SLaM"],  # sim_adoption detail
    "ods:RRU": ["LAS"],  # sim_adoption detail
    "ods:RX7": ["NWAS"],  # foi_contacts note
    "ods:RX9": ["EMAS"],  # foi_contacts note
    "police:metropolitan": ["MPS"],  # police_forces wdtk_name "Metropolitan Police Service (MPS)"
}
# Successors: key -> (successor key, why).
SUCCESSORS = {
    "ods:RTV": ("ods:RW4", "services to Mersey Care per mh_trusts.csv note (unverified there)"),
    "ods:RRD": ("ods:R1L", "EPUT R1L opened 2017-04-01, the day after RRD closed (ODS)"),
    "ods:RWN": ("ods:R1L", "EPUT R1L opened 2017-04-01, the day after RWN closed (ODS)"),
    "ods:RRP": ("ods:G6V2S", "North London NHS FT opened 2024-11-01, the day after RRP closed"),
    "ods:TAF": ("ods:G6V2S", "North London NHS FT takes SARs for 'former Camden & Islington'"),
    "ods:R1C": ("ods:RW1", "mh_trusts.csv: merged into RW1 (merger detail unverified there)"),
}
# Closed trusts whose close date is not in ODS (T-codes are not in etr.csv).
INFERRED_CLOSE = {
    "TAF": (
        "2024-10-31",
        "status 'unverified' in mh_trusts.csv (presumed merged into North London NHS FT 2024); "
        "closed_on inferred as the day before G6V2S opened (2024-11-01) - its FOI page names "
        "'former Camden & Islington' records",
    ),
}
SOURCE_NOTES = {
    "RYK": "mh_trusts.csv: THF mapped 'Dudley and Walsall Mental Health Partnership NHS Trust' "
    "to RYK (mapping unverified)",
    "RNN": "mh_trusts.csv: probably not a mental health provider (unverified); kept as listed",
    "R1F": "combined acute and mental health trust; ran the original SIM pilot",
    "RH5": "combined acute and mental health trust",
    "RNK": "successor not shown in ODS (unverified)",
}
ACUTE_AND_MH = {"R1F", "RH5"}  # mh_trusts.csv / sim_adoption.csv: combined acute + MH trusts

# --- Contacts --------------------------------------------------------------------------------

# Postal addresses quoted in foi_contacts.csv source notes: code -> (text, confirmed?).
# The text must appear verbatim in the note. Confirmed = read on the body's own site.
POSTAL = {
    "RVN": ("Freedom of Information, Bath NHS House, Newbridge Hill BA1 3QE", True),
    "TAJ": ("FOI Manager, Dorothy Pattison Hospital, Alumwell Close, Walsall WS2 9XH", True),
    "TAD": ("IG & Records Management Team, New Mill, Victoria Road, Saltaire BD18 3LD", True),
    "RJ8": ("FOI Team, Carew House, Beacon Technology Park, Dunmere Road, Bodmin PL31 2QN", True),
    # A copy on a web agency's host, and no town or postcode in the quote.
    "RX4": ("FOI Co-ordinator, IG Dept, Medical Records Office, St Nicholas Hospital", False),
    "R1L": (
        "The FOI Team (Legal Department), The Lodge, Lodge Approach, Runwell, Wickford SS11 7XX",
        True,
    ),
    "RLY": (
        "Deputy Director of Governance, Lawton House, Bellringer Road, Trentham ST4 8HH",
        True,
    ),
    # RPG (Oxleas) and RV5 (SLaM): their rows were re-sourced with an FOI email and their
    # notes no longer quote a postal address, so none is bundled for them.
    "RXX": ("IG Team, 18 Mole Business Park, Leatherhead KT22 7AD", True),
    "RX2": ("FOI, Trust HQ, Portland House, Richmond Road, Worthing BN11 1HS", True),
    "RKL": ("FOI Team, Trust HQ, 1 Armstrong Way, Southall UB2 4SD", True),
    "RYG": ("Corporate Affairs, Wayside House, Wilsons Lane, Coventry", True),
    "R1A": ("FOI Officer, 2 Kings Court, Charles Hastings Way, Worcester WR5 1JR", True),
    "RAT": ("IG team, Informatics dept, Goodmayes Hospital, 157 Barley Lane IG3 8XJ", True),
    "RNN": ("Information Rights Team, Maglona House, Kingstown Broadway CA3 0HA", True),
    "RX6": ("Bernicia House, Goldcrest Way, Newburn Riverside NE15 8NY", True),
    "RX9": (
        "Information Governance, EMAS, Nottinghamshire HQ, Beechdale Road, Nottingham NG8 3LL",
        True,
    ),
    "RYD": ("FOI Coordinator, Nexus House, Gatwick Road, Crawley RH10 9BG", True),
    "RYF": ("IG Team, Abbey Court, Eagle Way, Exeter EX2 7HY", True),
}
# NHS England: foi_contacts.csv records no route (its FOI page, as read, stops before the
# address), so its drafts had nowhere to go. Its FOI replies on WhatDoTheyKnow give this
# postal address for correspondence; unconfirmed, since it was not read on its own site.
NHSE_POSTAL = (
    "NHS England, PO Box 16738, Redditch, B97 9PT",
    "https://www.whatdotheyknow.com/body/nhs_commissioning_board",
    "NHS England FOI replies on WhatDoTheyKnow give this address for correspondence "
    "(NHS England, PO Box 16738, Redditch, B97 9PT); not read on england.nhs.uk",
)
# Email addresses on the body's own site that the source itself calls stale or temporary.
STALE_EMAIL = {"RW5", "RX6"}
# Rows with confidence 'none' (no FOI email found) whose SAR address is on the body's own site.
OWN_SITE_SAR = {"RXA", "RX9"}

# --- SIM evidence: sim_adoption.csv row (by its `body` cell) -> rows, or a reason to skip ----


@dataclass(frozen=True)
class Claim:
    key: str
    status: str
    on: str
    period: str
    sources: tuple[int, ...] | None = None  # which of the row's sources (by index); None = all
    confidence: str | None = None  # overrides the row's confidence


EVIDENCE: dict[str, list[Claim] | str] = {
    "Isle of Wight NHS Trust": [Claim("ods:R1F", "piloted", "2013-06-01", "2013-06 to 2015")],
    "Hampshire Constabulary (now Hampshire and Isle of Wight Constabulary)": [
        Claim("police:hampshire", "piloted", "2013-01-01", "2013 pilot", (0,)),
        Claim("police:hampshire", "withdrawn", "2018-07-01", "July 2018 withdrawal", (1, 2)),
    ],
    "Isle of Wight CCG": "a clinical commissioning group (abolished 2022), not in the "
    "directory; 'commissioner/recipient of report' is not an adoption status",
    "Surrey and Borders Partnership NHS Foundation Trust": [
        Claim("ods:RXX", "adopted", "2016-01-01", "c.2016 onwards")
    ],
    "Surrey Police": [Claim("police:surrey", "adopted", "2016-01-01", "c.2016 onwards")],
    "NHS Surrey Downs CCG": "a clinical commissioning group (abolished 2022), not in the "
    "directory; 'commissioner (received progress report)' is not an adoption status",
    "Gloucestershire Health and Care NHS Foundation Trust (then 2gether NHS FT - predecessor "
    "unverified)": [
        Claim("ods:RTQ", "adopted", "", "launch undated (c.2018, unverified)", (0,)),
        Claim("ods:RTQ", "denied", "2022-04-12", "FOI reply 2022-04-12", (1,)),
    ],
    "Cumbria Partnership NHS Foundation Trust (services now CNTW RX4 / NCIC RNN - mapping "
    "unverified)": [
        Claim(
            "ods:RNN",
            "adopted",
            "",
            "'April 5th' (year not given, c.2019 unverified)",
            confidence="partly-inferred",
        )
    ],
    "Cumbria Constabulary": [
        Claim("police:cumbria", "adopted", "", "'April 5th' (year not given)")
    ],
    "North East London NHS Foundation Trust (NELFT)": [
        Claim("ods:RAT", "adopted", "", "'first week of June' (year not given)")
    ],
    "Cambridgeshire and Peterborough NHS Foundation Trust": [
        Claim("ods:RT1", "considering", "", "undated HIN news item")
    ],
    "Cambridgeshire Constabulary": [
        Claim("police:cambridgeshire", "considering", "", "undated HIN news item")
    ],
    "South London and Maudsley NHS Foundation Trust": [
        Claim("ods:RV5", "adopted", "2018-01-01", "2018 to May 2021"),
        Claim("ods:RV5", "withdrawn", "2021-05-01", "May 2021 (2018 to May 2021)"),
    ],
    "Oxleas NHS Foundation Trust": [
        Claim("ods:RPG", "adopted", "2018-01-01", "2018 to May 2021"),
        Claim("ods:RPG", "withdrawn", "2021-05-01", "May 2021 (2018 to May 2021)"),
    ],
    "South West London and St George's Mental Health NHS Trust": [
        Claim("ods:RQY", "adopted", "2018-01-01", "2018 to May 2021"),
        Claim("ods:RQY", "withdrawn", "2021-05-01", "May 2021 (2018 to May 2021)"),
    ],
    "Metropolitan Police Service": [
        Claim("police:metropolitan", "adopted", "2018-01-01", "2018 to May 2021"),
        Claim("police:metropolitan", "withdrawn", "2021-05-01", "May 2021 (2018 to May 2021)"),
    ],
    "London Ambulance Service NHS Trust": [
        Claim("ods:RRU", "adopted", "", "FOI date not captured")
    ],
    "Doncaster area (trust not named in source; RDaSH RXE is the local MH trust - unverified)": [
        Claim("ods:RXE", "adopted", "", "first 12 months after go-live"),
        Claim("ods:RXE", "withdrawn", "2020-03-01", "finished March 2020"),
    ],
    "AHSN Network (15 Academic Health Science Networks; Wessex AHSN lead)": "a network of "
    "15 AHSNs that promoted SIM, not one body in the directory; 'promoter' is not an "
    "adoption status (see nhse_timeline.csv)",
    "High Intensity Network Ltd (HIN)": "SIM's developer, not an adopter; the company is in "
    "bodies.csv (company:high-intensity-network, closed 2021-06-02, not subject to FOIA)",
    "NHS England": [
        Claim("nhse", "adopted", "2016-10-01", "Oct 2016 (HIN claims NHSE support)", (0,)),
        Claim("nhse", "withdrawn", "2021-05-11", "11 May 2021 ('does not mandate' SIM)", (1,)),
        Claim("nhse", "withdrawn", "2023-03-10", "10 Mar 2023 ('must no longer be used')", (2,)),
    ],
    "ALL ENGLISH MH TRUSTS (aggregate)": "an aggregate count (22-23 trusts; 19 wished to "
    "keep features) that names no body",
    "Unnamed police forces and healthcare providers": "names no body",
    "Unnamed MH trusts": "names no body",
}
CONFIDENCE = {
    "sourced": "sourced",
    "partly inferred": "partly-inferred",
    "sourced (area); trust inferred": "partly-inferred",
    "sourced (HIN claim)": "sourced",
}
STATUSES = {"adopted", "piloted", "considering", "withdrawn", "denied", "not-adopted"}


# ---------------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file with a header, as dicts of stripped strings."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def cite(*parts: str) -> str:
    """Join citation parts with '; ', skipping blanks."""
    return "; ".join(p for p in parts if p)


def aliases_for(name: str, candidates: Iterable[str]) -> str:
    """'|'-joined aliases: distinct (ignoring case) from the name and from each other."""
    seen = {name.casefold()}
    out = []
    for alias in candidates:
        alias = " ".join(alias.split())
        if alias and alias.casefold() not in seen:
            seen.add(alias.casefold())
            out.append(alias)
    return "|".join(out)


def region_map(mh_rows: list[dict[str, str]]) -> dict[str, str]:
    """NHS England region name for each ODS National Grouping code, by majority in the data."""
    votes: dict[str, Counter[str]] = {}
    for row in mh_rows:
        if row["ods_national_grouping"] and row["nhs_region"]:
            votes.setdefault(row["ods_national_grouping"], Counter())[row["nhs_region"]] += 1
    return {code: c.most_common(1)[0][0] for code, c in sorted(votes.items())}


def build(shared: Path) -> dict[str, list[dict[str, str]]]:
    """The three tables, as lists of dicts, from the shared data folder."""
    mh_rows = read_csv(shared / "mh_trusts.csv")
    police_rows = read_csv(shared / "police_forces.csv")
    contact_rows = read_csv(shared / "foi_contacts.csv")
    adoption_rows = read_csv(shared / "sim_adoption.csv")
    etr = parse_bodies_file(shared / "etr.csv")
    assert etr.format == "ods-etr" and not etr.problems, etr.problems
    etr_by_code = {row.ods_code: row for row in etr.rows}
    regions = region_map(mh_rows)
    contact_name = {row["code"]: row["body_name"] for row in contact_rows}

    bodies: dict[str, dict[str, str]] = {}

    def add_body(row: dict[str, str]) -> None:
        assert row["key"] not in bodies, f"duplicate key {row['key']}"
        full = {col: row.get(col, "") for col in BODY_COLUMNS}
        bodies[row["key"]] = full

    # Mental health trusts
    for row in mh_rows:
        code = row["ods_code"]
        key = f"ods:{code}"
        status = row["status"]
        assert status in (*OPEN_STATUSES, "closed", "unverified"), status
        name = NAME_OVERRIDES.get(code, row["name"])
        assert "(" not in name, f"{code}: clean up the name {name!r}"
        opened, closed = row["ods_open_date"], row["ods_close_date"]
        notes = [SOURCE_NOTES.get(code, "")]
        if code in INFERRED_CLOSE:
            closed, why = INFERRED_CLOSE[code]
            notes.append(why)
        assert (status in OPEN_STATUSES) == (not closed), f"{code}: status {status} vs {closed}"
        successor, succ_why = SUCCESSORS.get(key, ("", ""))
        notes.append(f"successor: {succ_why}" if succ_why else "")
        ods = etr_by_code.get(code)
        listed = SRC_LIST_A if row["in_current_mh_list"] == "yes" else SRC_THF
        tags = ["nhs", "mental-health"] + (["acute"] if code in ACUTE_AND_MH else [])
        add_body(
            {
                "key": key,
                "name": name,
                "kind": "mental-health-trust",
                "ods_code": code,
                "region": row["nhs_region"] or regions.get(row["ods_national_grouping"], ""),
                "opened_on": opened,
                "closed_on": closed,
                "successor": successor,
                "foi_subject": "yes",
                "regime": "foia",
                "tags": " ".join(tags),
                "aliases": aliases_for(
                    name,
                    [
                        row["name"] if "(" not in row["name"] else "",
                        row["ods_name"],
                        *EXTRA_ALIASES.get(key, []),
                    ],
                ),
                "phone": (ods.phone or "") if ods else "",
                "postal_address": (ods.postal_address or "") if ods else "",
                "source": cite(
                    listed,
                    SRC_ETR
                    if ods
                    else "care-trust T-code, not in ODS etr.csv (trust tables, "
                    "2026, and THF trust_ref_file.csv)",
                    *notes,
                ),
            }
        )

    # NHS England
    add_body(
        {
            "key": "nhse",
            "name": "NHS England",
            "kind": "nhs-england",
            "foi_subject": "yes",
            "regime": "foia",
            "tags": "nhs national",
            "source": "shared docs/campaign.md (NHS England: subject to FOIA); ODS code not in "
            "the shared data",
        }
    )

    # Ambulance trusts (England): etr.csv rows whose name contains AMBULANCE, not Welsh RT4
    for ods in etr.rows:
        if ods.kind != "ambulance-trust" or ods.ods_code == "RT4":  # RT4: Welsh Ambulance
            continue
        code = ods.ods_code or ""
        name = contact_name.get(code) or ods.name or ""
        key = f"ods:{code}"
        add_body(
            {
                "key": key,
                "name": name,
                "kind": "ambulance-trust",
                "ods_code": code,
                "region": regions.get(ods.region or "", ""),
                "opened_on": ods.opened_on.isoformat() if ods.opened_on else "",
                "closed_on": ods.closed_on.isoformat() if ods.closed_on else "",
                "foi_subject": "yes",
                "regime": "foia",
                "tags": "nhs ambulance",
                "aliases": aliases_for(name, (ods.aliases or []) + EXTRA_ALIASES.get(key, [])),
                "phone": ods.phone or "",
                "postal_address": ods.postal_address or "",
                "source": cite(
                    SRC_ETR, "name as in foi_contacts.csv" if code in contact_name else ""
                ),
            }
        )

    # Police forces
    for row in police_rows:
        pid = row["data_police_uk_id"]
        key = f"police:{pid}"
        country = row["country"]
        if pid == "btp":
            tags = "police great-britain non-territorial"
        else:
            assert country in ("England", "Wales"), country
            tags = f"police {country.lower()}"
        add_body(
            {
                "key": key,
                "name": row["name"],
                "kind": "police-force",
                "police_id": pid,
                "wdtk_url_name": row["wdtk_url_name"],
                "region": row["region"],
                "foi_subject": "yes",
                "regime": "foia",
                "tags": tags,
                "aliases": aliases_for(
                    row["name"], [row["wdtk_name"], *EXTRA_ALIASES.get(key, [])]
                ),
                "home_page": row["home_page"],
                "source": cite(
                    SRC_POLICE,
                    "country 'GB rail network' unverified in the source" if pid == "btp" else "",
                ),
            }
        )

    # High Intensity Network Ltd: SIM's developer; a private company, outside FOIA.
    hin = next(r for r in adoption_rows if r["body"] == "High Intensity Network Ltd (HIN)")
    assert "closed 2 June 2021" in hin["date"], hin["date"]
    add_body(
        {
            "key": "company:high-intensity-network",
            "name": "High Intensity Network Ltd",
            "kind": "private-company",
            "closed_on": "2021-06-02",
            "foi_subject": "no",
            "regime": "none",
            "tags": "private-company sim-developer",
            "aliases": "HIN|High Intensity Network",
            "source": cite(
                "sim_adoption.csv: formed 2016 (month not known), closed 2 June 2021",
                hin["sources"],
            ),
        }
    )

    # Contacts
    contacts: dict[tuple[str, str, str, str], dict[str, str]] = {}

    def add_contact(key: str, purpose: str, channel: str, address: str, source: str,
                    confidence: str, note: str) -> None:  # fmt: skip
        assert key in bodies, f"contact for unknown body {key}"
        assert source, f"contact {address} for {key} has no source"
        ident = (key, purpose, channel, address.lower())
        if ident in contacts:  # same address from a second source
            old = contacts[ident]
            old["source"] = cite(old["source"], source)
            old["note"] = cite(old["note"], note)
            if confidence == "confirmed":
                old["confidence"] = "confirmed"
            return
        contacts[ident] = {
            "key": key, "purpose": purpose, "channel": channel, "address": address,
            "source": source, "confirmed_on": "", "confidence": confidence, "note": note,
        }  # fmt: skip

    police_ids = {row["data_police_uk_id"] for row in police_rows}
    for row in contact_rows:
        code = row["code"]
        if code == "nhs-england":
            key = "nhse"
        elif code in police_ids:
            key = f"police:{code}"
        else:
            key = f"ods:{code}"
        own = row["confidence"] == "own-site"
        note = row["source_note"]
        if row["foi_email"]:
            stale = code in STALE_EMAIL
            assert not stale or re.search(r"STALE|TEMPORARY", note), code
            add_contact(
                key, "foi", "email", row["foi_email"], row["source_url"],
                "confirmed" if own and not stale else "unconfirmed", note,
            )  # fmt: skip
        for sar in filter(None, (s.strip() for s in row["sar_email"].split(";"))):
            add_contact(
                key, "sar", "email", sar, row["source_url"],
                "confirmed" if own or code in OWN_SITE_SAR else "unconfirmed", note,
            )  # fmt: skip
        if row["web_form_url"]:
            add_contact(
                key, "foi", "web-form", row["web_form_url"], row["web_form_url"],
                "confirmed" if own else "unconfirmed", note,
            )  # fmt: skip
        if code in POSTAL:
            text, confirmed = POSTAL[code]
            assert text in note, f"{code}: {text!r} not quoted in the source note"
            add_contact(
                key, "foi", "post", text, row["source_url"],
                "confirmed" if confirmed else "unconfirmed", note,
            )  # fmt: skip
    add_contact(
        "nhse", "foi", "post", NHSE_POSTAL[0], NHSE_POSTAL[1], "unconfirmed", NHSE_POSTAL[2]
    )
    for row in police_rows:
        if row["foi_email_as_listed_2024"]:
            add_contact(
                f"police:{row['data_police_uk_id']}", "foi", "email",
                row["foi_email_as_listed_2024"], SRC_POLICE_EMAIL, "unconfirmed",
                row["foi_email_note"],
            )  # fmt: skip
    for row in mh_rows:
        if row["foi_email"]:
            add_contact(
                f"ods:{row['ods_code']}", "foi", "email", row["foi_email"],
                f"{row['name']} FOI response letter (per shared mh_trusts.csv)",
                "unconfirmed",
                cite(row["notes"], "not found on any trust page read for foi_contacts.csv"),
            )  # fmt: skip

    # SIM evidence
    evidence = []
    seen_bodies = set()
    previous_detail = ""
    for row in adoption_rows:
        # "As above; ..." refers to the row before: spell it out, rows are read on their own.
        detail = row["detail"]
        if detail.startswith("As above"):
            detail = previous_detail + detail[len("As above") :]
        previous_detail = detail
        spec = EVIDENCE.get(row["body"])
        assert spec is not None, f"sim_adoption.csv row not mapped: {row['body']!r}"
        seen_bodies.add(row["body"])
        if isinstance(spec, str):
            continue
        sources = [s.strip() for s in row["sources"].split(" ; ") if s.strip()]
        for claim in spec:
            assert claim.key in bodies, f"evidence for unknown body {claim.key}"
            assert claim.status in STATUSES, claim.status
            chosen = sources if claim.sources is None else [sources[i] for i in claim.sources]
            evidence.append(
                {
                    "key": claim.key,
                    "status": claim.status,
                    "on": claim.on,
                    "period": claim.period,
                    "note": cite(f"source status: {row['status']}; dates: {row['date']}", detail),
                    "source": " ; ".join(chosen),
                    "confidence": claim.confidence or CONFIDENCE[row["confidence"]],
                }
            )
    assert seen_bodies == set(EVIDENCE), set(EVIDENCE) - seen_bodies

    for row in bodies.values():
        assert not row["successor"] or row["successor"] in bodies, row["successor"]
    names = Counter(row["name"] for row in bodies.values())
    assert max(names.values()) == 1, [n for n, c in names.items() if c > 1]
    return {
        "bodies.csv": [bodies[k] for k in sorted(bodies)],
        "contacts.csv": [
            contacts[k] for k in sorted(contacts, key=lambda k: (k[0], k[1], k[2], k[3]))
        ],
        "sim_evidence.csv": sorted(
            evidence, key=lambda e: (e["key"], e["on"], e["status"], e["period"])
        ),
    }


def render(rows: list[dict[str, str]], columns: list[str]) -> str:
    """CSV text with a header row, '\\n' line endings, minimal quoting."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


COLUMNS = {
    "bodies.csv": BODY_COLUMNS,
    "contacts.csv": CONTACT_COLUMNS,
    "sim_evidence.csv": EVIDENCE_COLUMNS,
}


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, compare) the three directory files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="shared data folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--check", action="store_true", help="exit 1 if the files differ")
    args = parser.parse_args(argv)
    if not (args.shared / "mh_trusts.csv").exists():
        parser.error(f"no shared data at {args.shared}")
    tables = build(args.shared)
    stale = []
    for name, rows in tables.items():
        text = render(rows, COLUMNS[name])
        path = args.out / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
            continue
        path.write_text(text, encoding="utf-8", newline="")
        print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}: "
              f"{len(rows)} rows")  # fmt: skip
    bodies = tables["bodies.csv"]
    kinds = Counter(b["kind"] for b in bodies)
    open_mh = sum(1 for b in bodies if b["kind"] == "mental-health-trust" and not b["closed_on"])
    print("bodies by kind:", dict(sorted(kinds.items())), f"(open mental health trusts: {open_mh})")
    if stale:
        print("out of date:", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
