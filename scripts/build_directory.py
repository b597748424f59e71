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
    "key", "name", "kind", "ods_code", "police_id", "wdtk_url_name", "region", "nation", "opened_on",
    "closed_on", "successor", "foi_subject", "regime", "tags", "aliases", "home_page", "phone",
    "postal_address", "source",
]  # fmt: skip
CONTACT_COLUMNS = [
    "key", "purpose", "channel", "address", "source", "confirmed_on", "seen_on", "confidence",
    "note", "quote",
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

# British Transport Police polices Great Britain's railways (Scotland too) but answers
# under FOIA from its London headquarters: filed under England, whose law and calendar apply.
POLICE_NATION = {"btp": "england"}

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

# --- foi_contacts_uk.csv: the bodies of Scotland, Wales and Northern Ireland, and more routes --

SRC_UK = "shared foi_contacts_uk.csv (December 2026 search)"
NATIONS = ("england", "scotland", "wales", "northern-ireland")
# Keys for the new bodies. Scottish territorial boards by their GSS (HB2019) code, the State
# Hospitals Board by the code PHS data uses for it, Welsh health boards and the Welsh
# Ambulance Service by ODS code, PSNI by its data.police.uk id; the rest (no code in the
# data: "Code not found") by a readable slug.
UK_KEYS = {
    "Scottish Ambulance Service": "body:scottish-ambulance-service",
    "Police Scotland": "body:police-scotland",
    "Belfast Health and Social Care Trust": "body:belfast-hsc-trust",
    "Northern Health and Social Care Trust": "body:northern-hsc-trust",
    "South Eastern Health and Social Care Trust": "body:south-eastern-hsc-trust",
    "Southern Health and Social Care Trust": "body:southern-hsc-trust",
    "Western Health and Social Care Trust": "body:western-hsc-trust",
    "Northern Ireland Ambulance Service Health and Social Care Trust": "body:ni-ambulance-service",
    "Police Service of Northern Ireland": "police:northern-ireland",
}
# Tags by (nation, kind): every body that runs adult mental health services is tagged
# `mental-health` (territorial boards, the State Hospital, HSC trusts).
UK_TAGS = {
    ("scotland", "health-board"): "nhs nhs-scotland mental-health",
    ("scotland", "special-health-board"): "nhs nhs-scotland mental-health forensic",
    ("scotland", "ambulance-trust"): "nhs nhs-scotland ambulance",
    ("scotland", "police-force"): "police scotland",
    ("wales", "health-board"): "nhs nhs-wales mental-health",
    ("wales", "ambulance-trust"): "nhs nhs-wales ambulance",
    ("northern-ireland", "hsc-trust"): "hsc mental-health",
    ("northern-ireland", "ambulance-trust"): "hsc ambulance",
    ("northern-ireland", "police-force"): "police northern-ireland",
}
UK_ALIASES = {
    "body:scottish-ambulance-service": ["SAS"],
    "phs:SB0802": ["The State Hospital", "State Hospital, Carstairs"],
    "police:northern-ireland": ["PSNI"],
    "body:ni-ambulance-service": ["Northern Ireland Ambulance Service", "NIAS"],
    "ods:RT4": ["WAST"],
}
# Headquarters addresses the source notes give for bodies not in ODS etr.csv (kept as the
# body's postal address, as ODS's registered address is for English trusts). Each text
# must appear in the note (ignoring commas and spacing).
UK_HQ = {
    "gss:S08000026": "NHS Shetland Board Headquarters, Montfield Upper Floor, Burgh Road, "
    "Lerwick ZE1 0LA",
    "gss:S08000024": "Waverley Gate, 2-4 Waterloo Place, Edinburgh EH1 3EG",
}
# FOI postal routes quoted in the notes: key -> [(text, confirmed?, seen_on, why)]. Confirmed
# = read on the body's own page. Each text must appear in the row's note or quote
# (ignoring commas and spacing: some quotes lost their line breaks).
UK_POSTAL: dict[str, list[tuple[str, bool, str, str]]] = {
    "body:belfast-hsc-trust": [("Public Liaison, Belfast HSC Trust, 1st Floor, Nore Villa, "
        "Knockbracken Healthcare Park, Belfast BT8 8BH", True, "", "trust FOI page")],
    "body:northern-hsc-trust": [("8E Coleraine Road, Ballymoney, County Antrim, BT53 6BP", True,
        "", "trust FOI page (Information Governance Department)")],
    "body:south-eastern-hsc-trust": [("Information Governance Department, Lough House, Ards "
        "Hospital, Church Street, Newtownards BT23 4AS", True, "", "trust page")],
    "body:western-hsc-trust": [("FOI Office, Lime Villa, Gransha Park, Clooney Road, "
        "Londonderry BT47 6WJ", True, "", "trust FOI request page")],
    "police:northern-ireland": [("Corporate Information Branch, PSNI Headquarters, 65 Knock "
        "Road, Belfast BT5 6LE", False, "2026-01-01", "a 2026 WhatDoTheyKnow acknowledgement")],
    "body:scottish-ambulance-service": [("Freedom of Information Officer, National "
        "Headquarters, 1 South Gyle Crescent, Edinburgh EH12 9EB", True, "2020-05-01",
        "service FOI page, Covid-era copy (after May 2020)")],
    "gss:S08000015": [("Freedom of Information Officer, Information Governance, 14 Lister "
        "Street, University Hospital Crosshouse, Kilmarnock KA2 0BE", False, "",
        "a WhatDoTheyKnow signature")],
    "gss:S08000016": [("Freedom of Information Office, Room 2EC3, Borders General Hospital, "
        "Melrose TD6 9BD", True, "", "current board page")],
    "gss:S08000029": [("Freedom of Information Officer, NHS Fife, Lynebank Hospital, Halbeath "
        "Road, Dunfermline, KY11 4UW", True, "", "board FOI page")],
    "gss:S08000031": [("Freedom of Information Manager, Board HQ, J B Russell House, Gartnavel "
        "Royal Hospital, 1055 Great Western Road, Glasgow", False, "2018-01-01",
        "a 2018 WhatDoTheyKnow signature")],
    "gss:S08000032": [("Freedom of Information Officer, NHS Lanarkshire Headquarters, "
        "Kirklands, Fallside Road, Bothwell G71 8BB", True, "", "current board FOI page")],
    "gss:S08000025": [("Freedom of Information Office, NHS Orkney, Headquarters, Garden House, "
        "New Scapa Road, Kirkwall KW15 1BQ", False, "2017-01-01",
        "a 2017 WhatDoTheyKnow signature; the FOI policy notes an address change Dec 2018")],
    "phs:SB0802": [("The State Hospital, Carstairs, Lanark ML11 8RP", True, "",
        "the hospital's FOI pages")],
    "body:police-scotland": [("FOI Central Processing Unit, Information Management Unit, "
        "Police Scotland, Clyde Gateway, 2 French Street, Glasgow G40 4EH", True, "2018-01-01",
        "Police Scotland's own FOI page (copy from c.2018)")],
    "ods:7A6": [("Aneurin Bevan University Health Board Headquarters, St Cadoc's Hospital, "
        "Lodge Road, Caerleon, Newport NP18 3XQ", True, "", "publication-scheme contact")],
    "ods:7A5": [("Cwm Taf Morgannwg University Health Board, Headquarters, Navigation Park, "
        "Abercynon CF45 4SN", False, "2021-02-22",
        "return address of an FOI response of 22 Feb 2021 copied on docslib.org")],
    "ods:7A2": [("The Freedom of Information Officer, Hywel Dda University Health Board, "
        "Corporate Offices, Ystwyth Building, St David's Park, Job's Well Road, Carmarthen "
        "SA31 3BB", True, "", "board FOI page")],
    "ods:7A3": [("Health Board Headquarters, 1 Talbot Gateway, Baglan Energy Park, Port "
        "Talbot SA12 7BR", False, "", "EMRTS Cymru's FOI page (hosted by the board), not "
        "the board's own FOI page")],
}  # fmt: skip
# The date each address was last seen in use, where the note gives one (rows of the
# Davewest84 list are dated by the list's commit, read from the note): (code or key,
# address) -> (date, why). Letters of "Mar-May 2021" with no day are dated 2021-03-01, the
# first day of the period (as sim_evidence.csv dates a month).
UK_SEEN = {
    ("RVN", "awp.freedomofinformation@nhs.net"): ("2021-04-30", "letter RFI-2240, 30 Apr 2021"),
    ("RJ8", "cpn-tr.freedomofinformation@nhs.net"): ("2021-04-26", "FOI 86420, 26 Apr 2021"),
    ("RX4", "foi@cntw.nhs.uk"): ("2021-03-01", "letter of Mar-May 2021"),
    ("RDY", "dhc.foi.enquiries@nhs.net"): ("2021-03-01", "letter of Mar-May 2021"),
    ("RWK", "elft.foi@nhs.net"): ("2021-04-16", "letter DA3720a, 16 Apr 2021"),
    ("RTQ", "freedomofinformation@ghc.nhs.uk"): ("2021-04-20", "FOI 076-2122, 20/04/2021"),
    ("RGD", "foi.lypft@nhs.net"): ("2021-03-01", "letters of Mar-May 2021"),
    ("RT5", "lpt-foirequests@leicspart.nhs.uk"): ("2021-03-01", "letter of Mar-May 2021"),
    ("RP7", "lpn-tr.foirequest@nhs.net"): ("2021-03-01", "letter of Mar-May 2021"),
    ("RW4", "freedomofinformation@merseycare.nhs.uk"): ("2021-03-01", "letters of Mar-May 2021"),
    ("RP1", "foi@nhft.nhs.uk"): ("2021-04-13", "letter FOI0321004, 13 Apr 2021"),
    ("RP1", "dpo@nhft.nhs.uk"): ("2021-04-13", "letter FOI0321004, 13 Apr 2021"),
    ("RHA", "foi@nottshc.nhs.uk"): ("2021-03-01", "letters of Mar-May 2021"),
    ("RXE", "rdash.foirdash@nhs.net"): ("2021-05-04", "FOI 2880, 04/05/2021"),
    ("RQY", "foi-requests@swlstg.nhs.uk"): ("2021-04-20", "Final Response 1084, 20 Apr 2021"),
    ("RXG", "foi@swyt.nhs.uk"): ("2021-03-01", "letters of Mar-May 2021"),
    ("RX2", "foi@sussexpartnership.nhs.uk"): ("2021-03-01", "letters of Mar-May 2021"),
    ("RW1", "freedom.information@southernhealth.nhs.uk"): ("2020-03-01", "Covid-era page copy"),
    ("northern-ireland", "foi@psni.pnn.police.uk"): ("2023-12-25", "list commit d6ac265"),
    ("Scottish Ambulance Service", "sas.foi@nhs.scot"): ("2020-05-01", "Covid-era copy"),
    ("Scottish Ambulance Service", "sas.dataprotection@nhs.scot"): ("2020-05-01", "Covid-era"),
    ("S08000016", "foi.enquiries@borders.scot.nhs.uk"): ("2012-04-01", "page lists FOI reports "
        "up to 2011/12"),
    ("S08000017", "dg.feedback2@nhs.scot"): ("2020-03-01", "Covid-era notice"),
    ("S08000017", "dg.dpa-office@nhs.scot"): ("2020-03-01", "Covid-era notice"),
    ("S08000020", "gram.foi@nhs.scot"): ("2023-11-10", "NHS Shetland reply of 10/11/2023"),
    ("S08000032", "foi@lanarkshire.scot.nhs.uk"): ("2010-06-01", "page 'Modified date: 01 Jun "
        "10'"),
    ("S08000030", "tay.informationgovernance@nhs.scot"): ("2018-01-01", "cites the Data "
        "Protection Act 2018"),
    ("Northern Health and Social Care Trust", "info.governance@northerntrust.hscni.net"): (
        "2026-09-01", "'Last reviewed: Sep 2026'"),
}  # fmt: skip
# Own-site addresses the source itself calls outdated: filed as unconfirmed, so a newer one
# (or a volunteer's confirmation) wins. (code or key, address) -> why.
UK_OUTDATED = {
    ("RW1", "freedom.information@southernhealth.nhs.uk"): "predecessor (Southern Health) "
    "address, 'Likely outdated after the 2024 merger'",
    ("S08000016", "foi.enquiries@borders.scot.nhs.uk"): "OLD page; the current board page "
    "gives post only",
}
# SAR addresses read on the body's own page although the row's FOI confidence is lower.
UK_OWN_SITE_SAR = {"S08000015", "S08000020"}
# Older foi_contacts.csv addresses that foi_contacts_uk.csv supersedes: (key, address) ->
# (seen_on, why). Filed as unconfirmed with that date, so the newer address is chosen.
SUPERSEDED = {
    ("ods:RYC", "eoeasnt.foi@nhs.net"): (
        "2017-01-01",
        "OLD trust page (c.2017), 'check currency'; foi_contacts_uk.csv lists FOI@eastamb.nhs.uk "
        "from the trust's FOI page in 2026",
    ),
}
DAVEWEST_DATE = re.compile(
    r"Davewest84/nhs-trust-icb-data trust-contacts\.json \(commit [0-9a-f]+, (\d{4}-\d\d-\d\d)"
)


def squash(text: str) -> str:
    """Text folded for 'is this quoted?': no commas, one space, case-folded, ASCII apostrophes."""
    return " ".join(text.replace(",", " ").replace("\u2019", "'").split()).casefold()


def uk_key(row: dict[str, str], police_ids: set[str]) -> str:
    """The directory key of a foi_contacts_uk.csv row's body."""
    code, name = row["code"], row["body_name"]
    if name in UK_KEYS:
        return UK_KEYS[name]
    if code == "nhs-england":
        return "nhse"
    if code in police_ids:
        return f"police:{code}"
    if code.startswith("S08"):
        return f"gss:{code}"
    if code.startswith("SB"):
        return f"phs:{code}"
    assert re.fullmatch(r"[A-Z0-9]{3,5}", code), f"no key for {name!r} ({code!r})"
    return f"ods:{code}"


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
                "nation": "england",
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
            "nation": "england",
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
                "nation": "england",
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
                "nation": POLICE_NATION.get(pid, country.lower()),
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

    # Bodies of Scotland, Wales and Northern Ireland (foi_contacts_uk.csv)
    police_ids = {row["data_police_uk_id"] for row in police_rows}
    uk_rows = read_csv(shared / "foi_contacts_uk.csv")
    for row in uk_rows:
        assert row["nation"] in NATIONS, row["nation"]
        key = uk_key(row, police_ids | {"northern-ireland"})
        if key in bodies:
            assert bodies[key]["nation"] == row["nation"], key
            continue
        nation, kind = row["nation"], row["kind"]
        assert nation != "england", f"{row['body_name']}: a new English body? {key}"
        name = row["body_name"]
        ods = etr_by_code.get(row["code"])
        code_note = re.search(
            r"code (?:= |SB0802 as used|RT4 per)(?:[^.]|\.(?!\s|$))*", row["source_note"]
        )
        add_body(
            {
                "key": key,
                "name": name,
                "kind": kind,
                "ods_code": row["code"] if key.startswith("ods:") else "",
                "police_id": row["code"] if key.startswith("police:") else "",
                "nation": nation,
                "opened_on": ods.opened_on.isoformat() if ods and ods.opened_on else "",
                "foi_subject": "yes",
                # FOISA: Scottish public authorities (FOISA s.3, sch. 1); FOIA elsewhere.
                "regime": "foisa" if nation == "scotland" else "foia",
                "tags": UK_TAGS[(nation, kind)],
                "aliases": aliases_for(
                    name, [*(ods.aliases or [] if ods else []), *UK_ALIASES.get(key, [])]
                ),
                "phone": (ods.phone or "") if ods else "",
                "postal_address": (ods.postal_address or "") if ods else UK_HQ.get(key, ""),
                "source": cite(
                    SRC_UK,
                    SRC_ETR if ods else "",
                    code_note.group(0) if code_note else "",
                    "postal address: board headquarters as given in the source note"
                    if key in UK_HQ
                    else "",
                ),
            }
        )
        if key in UK_HQ:
            assert squash(UK_HQ[key]) in squash(row["source_note"]), key

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
                    confidence: str, note: str, seen_on: str = "", quote: str = "") -> None:  # fmt: skip
        assert key in bodies, f"contact for unknown body {key}"
        assert source, f"contact {address} for {key} has no source"
        ident = (key, purpose, channel, address.lower())
        if ident in contacts:  # same address from a second source
            old = contacts[ident]
            if source not in old["source"]:
                old["source"] = cite(old["source"], source)
            old["note"] = cite(old["note"], note)
            old["quote"] = cite(old["quote"], quote) if quote not in old["quote"] else old["quote"]
            old["seen_on"] = max(old["seen_on"], seen_on)
            if confidence == "confirmed":
                old["confidence"] = "confirmed"
            return
        contacts[ident] = {
            "key": key, "purpose": purpose, "channel": channel, "address": address,
            "source": source, "confirmed_on": "", "seen_on": seen_on, "confidence": confidence,
            "note": note, "quote": quote,
        }  # fmt: skip

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
                row["foi_email_note"], seen_on="2024-02-09",
            )  # fmt: skip
    for row in mh_rows:
        if row["foi_email"]:
            add_contact(
                f"ods:{row['ods_code']}", "foi", "email", row["foi_email"],
                f"{row['name']} FOI response letter (per shared mh_trusts.csv)",
                "unconfirmed",
                cite(row["notes"], "not found on any trust page read for foi_contacts.csv"),
            )  # fmt: skip

    for (key, address), (seen, why) in SUPERSEDED.items():
        found = [c for c in contacts.values() if c["key"] == key and c["address"] == address]
        assert len(found) == 1, (key, address)
        found[0].update(confidence="unconfirmed", seen_on=seen)
        found[0]["note"] = cite(found[0]["note"], f"superseded: {why}")

    # foi_contacts_uk.csv: every sourced address, with its quote and the date it was seen
    for row in uk_rows:
        key = uk_key(row, police_ids | {"northern-ireland"})
        code, note, quote = row["code"] or row["body_name"], row["source_note"], row["quote"]
        listed = DAVEWEST_DATE.search(note)
        if "Davewest84" in row["source_url"]:
            assert listed, f"{code}: list row without its commit date"

        def seen(address: str, code: str = code, listed: re.Match[str] | None = listed) -> str:
            if (code, address.lower()) in UK_SEEN:
                return UK_SEEN[(code, address.lower())][0]
            return listed.group(1) if listed else ""

        def confidence(address: str, row: dict[str, str] = row, code: str = code) -> str:
            if (code, address.lower()) in UK_OUTDATED:
                assert row["confidence"] == "own-site", code
                return "unconfirmed"
            return "confirmed" if row["confidence"] == "own-site" else "unconfirmed"

        outdated = lambda a, code=code: UK_OUTDATED.get((code, a.lower()), "")  # noqa: E731
        if row["foi_email"]:
            address = row["foi_email"]
            add_contact(
                key, "foi", "email", address, row["source_url"], confidence(address),
                cite(note, outdated(address) and f"filed unconfirmed: {outdated(address)}"),
                seen(address), quote,
            )  # fmt: skip
        for sar in filter(None, (a.strip() for a in row["sar_email"].split(";"))):
            own = row["confidence"] == "own-site" or code in UK_OWN_SITE_SAR
            add_contact(
                key, "sar", "email", sar, row["source_url"], "confirmed" if own else "unconfirmed",
                note, seen(sar), quote,
            )  # fmt: skip
        if row["web_form_url"]:
            url = row["web_form_url"]
            add_contact(
                key, "foi", "web-form", url, row["source_url"] or url, confidence(url), note,
                seen(url), quote,
            )  # fmt: skip
        for text, confirmed, seen_on, why in UK_POSTAL.get(key, []):
            assert squash(text) in squash(note) or squash(text) in squash(quote), (key, text)
            add_contact(
                key, "foi", "post", text, row["source_url"] or SRC_UK,
                "confirmed" if confirmed else "unconfirmed",
                cite(f"postal address from {why}", note), seen_on, quote,
            )  # fmt: skip
    for code, address in UK_SEEN:
        assert any(c["address"].lower() == address for c in contacts.values()), (code, address)

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
