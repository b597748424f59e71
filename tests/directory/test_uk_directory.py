"""Issue 22: every body across the UK, each route with its source, quote, date and confidence."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text


def one_line(result, code: int) -> str:  # type: ignore[no-untyped-def]
    """The one error line of a command that failed with `code`."""
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == code and len(lines) == 1, result.stderr
    return lines[0]


SIGN = {
    "FOI_REQUESTER_NAME": "Jo Campaigner",
    "FOI_REQUESTER_EMAIL": "jo@simcamp.org.uk",
    "FOI_REQUESTER_ADDRESS": "1 Park Row, Leeds LS1 5HN",
}
SCOTTISH_BOARDS = {
    "NHS Ayrshire and Arran", "NHS Borders", "NHS Dumfries and Galloway", "NHS Fife",
    "NHS Forth Valley", "NHS Grampian", "NHS Greater Glasgow and Clyde", "NHS Highland",
    "NHS Lanarkshire", "NHS Lothian", "NHS Orkney", "NHS Shetland", "NHS Tayside",
    "NHS Western Isles",
}  # fmt: skip


def test_scotland_lists_its_bodies_under_foisa_and_fife_gets_scotlands_calendar(
    foi, db_url: str
) -> None:
    foi("init", db=db_url)
    listed = foi("body", "list", "--nation", "scotland", "--json", db=db_url).json()
    assert {b["name"] for b in listed} == SCOTTISH_BOARDS | {
        "State Hospitals Board for Scotland",
        "Scottish Ambulance Service",
        "Police Scotland",
    }
    assert {(b["regime"], b["nation"]) for b in listed} == {("foisa", "scotland")}
    drafted = foi("draft", "sim-use", "--to", "NHS Fife", "--to", "RXX", "--campaign", "s",
                  "--json", env=SIGN, db=db_url).json()  # fmt: skip
    refs = {r["body"]: r["reference"] for r in drafted}
    fife, surrey = refs["NHS Fife"], refs["Surrey and Borders Partnership NHS Foundation Trust"]
    for ref in (fife, surrey):
        foi("request", "log", ref, "sent", "--on", "2027-03-19", db=db_url, today="2027-03-19")
    shown = foi("request", "show", fife, "--json", db=db_url, today="2027-03-19").json()
    # Easter Monday (29 March 2027) is no bank holiday in Scotland: FOISA counts it
    assert (shown["regime"], shown["due_on"]) == ("foisa", "2027-04-19")
    english = foi("request", "show", surrey, "--json", db=db_url, today="2027-03-19").json()
    assert (english["regime"], english["due_on"]) == ("foia", "2027-04-20")
    wrong = foi("body", "list", "--nation", "alba", db=db_url)
    assert "unknown nation 'alba': choose from england, scotland, wales, northern-ireland" in (
        one_line(wrong, 2)
    )


def test_mental_health_provider_reaches_every_nation_and_nation_selects_bodies(foi) -> None:
    foi("init")
    drafted = foi("draft", "sim-use", "--to", "kind:mental-health-provider", "--campaign", "m",
                  "--json", env=SIGN).json()  # fmt: skip
    written = {r["body"] for r in drafted if r["state"] != "skipped"}
    assert written >= SCOTTISH_BOARDS
    assert {"State Hospitals Board for Scotland", "Hywel Dda University Health Board",
            "Belfast Health and Social Care Trust", "Humber Teaching NHS Foundation Trust",
            "Avon and Wiltshire Mental Health Partnership NHS Trust"} <= written  # fmt: skip
    assert "Police Scotland" not in written and "NHS England" not in written
    assert len(written) == 50 + 14 + 1 + 7 + 5  # the open ones; closed trusts are skipped
    welsh = foi("draft", "sim-use", "--to", "nation:wales", "--campaign", "w", "--json",
                env=SIGN).json()  # fmt: skip
    states = {r["body"]: r["state"] for r in welsh}
    assert sum(s != "skipped" for s in states.values()) == 7  # the health boards
    assert states["Gwent Police"] == "skipped"  # sim-use is not a police letter
    old = foi("draft", "sim-use", "--to", "kind:mental-health-trust", "--campaign", "old",
              "--json", env=SIGN).json()  # fmt: skip
    assert sum(r["state"] != "skipped" for r in old) == 50  # England's trusts, as before


def test_coverage_counts_routes_per_kind_and_nation(foi) -> None:
    foi("init")
    data = foi("body", "coverage", "--json", today="2026-12-07").json()
    rows = {(r["kind"], r["nation"]): r for r in data["rows"]}
    mh = rows[("mental-health-trust", "england")]
    assert (mh["bodies"], mh["email"], mh["post_only"], mh["no_route"]) == (50, 49, 1, 0)
    nhse = rows[("nhs-england", "england")]
    assert (nhse["email"], nhse["doubtful"]) == (1, 1)  # an email route, unconfirmed
    police = rows[("police-force", "england")]
    assert police["no_route"] == 1  # Gloucestershire Constabulary
    assert data["total"]["bodies"] == sum(r["bodies"] for r in data["rows"])
    scot = foi("body", "coverage", "--kind", "mental-health-provider", "--nation", "scotland",
               "--json").json()  # fmt: skip
    assert [(r["kind"], r["bodies"]) for r in scot["rows"]] == [
        ("health-board", 14),
        ("special-health-board", 1),
    ]
    table = foi("body", "coverage", "--kind", "mental-health-trust").stdout
    assert "50 open bodies: 49 by email, 0 by web form, 1 by post only, 0 with no route" in table
    assert "post only" in table and "to confirm" in table


def test_drafts_warn_of_unconfirmed_or_old_addresses_naming_source_and_date(foi) -> None:
    foi("init")
    drafted = foi("draft", "sim-use", "--to", "RW1", "--to", "NHS Dumfries and Galloway",
                  "--campaign", "w", env=SIGN, today="2026-12-07")  # fmt: skip
    assert drafted.exit_code == 0, drafted.stderr
    list_url = "https://github.com/Davewest84/nhs-trust-icb-data/blob/"
    assert (
        "hiowh.freedomofinformation@nhs.net is unconfirmed (seen 2026-08-22; source: " + list_url
    ) in drafted.stderr
    preview = foi("draft", "preview", "--campaign", "w", today="2026-12-07").stdout
    assert (
        "Warning: dg.feedback2@nhs.scot was last confirmed or seen on 2020-03-01 (source: "
        "https://www.nhsdg.co.uk/freedom-of-information/)" in preview
    )
    dry = foi("send", "--campaign", "w", today="2026-12-07")
    assert "warning:" in dry.stderr and "hiowh.freedomofinformation@nhs.net is unconfirmed" in (
        dry.stderr
    )
    plan = foi("send", "--campaign", "w", "--json", today="2026-12-07").json()
    assert all(item["doubt"] for item in plan["letters"])


def test_stale_addresses_are_listed_until_a_volunteer_confirms_them(foi, db_url: str) -> None:
    foi("init", db=db_url)
    stale = foi("body", "list", "--stale", "--json", db=db_url, today="2026-12-07").json()
    assert "NHS Fife" in {b["name"] for b in stale}  # own site, but never dated
    unsourced = foi("body", "edit", "NHS Fife", "--confirmed", "2026-12-01", db=db_url,
                    today="2026-12-07")  # fmt: skip
    assert "--source URL" in one_line(unsourced, 2)
    page = "https://www.nhsfife.org/about-us/freedom-of-information/"
    done = foi("body", "edit", "NHS Fife", "--confirmed", "2026-12-01", "--source", page,
               db=db_url, today="2026-12-07")  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert "email fife.foirequestfife@nhs.scot confirmed on 2026-12-01" in done.stdout
    now = foi("body", "list", "--stale", "--json", db=db_url, today="2026-12-07").json()
    assert "NHS Fife" not in {b["name"] for b in now}
    later = foi("body", "list", "--stale", "--nation", "scotland", db=db_url, today="2028-01-02")
    assert "NHS Fife" in later.stdout  # more than a year on, it needs confirming again
    shown = foi("body", "show", "NHS Fife", db=db_url).stdout
    assert f"fife.foirequestfife@nhs.scot (confirmed, confirmed 2026-12-01; source: {page})" in (
        shown
    )
    assert "quote: You can make a request for information" in shown


def test_an_existing_database_takes_the_new_directory(foi, isolated: Path) -> None:
    from alembic import command
    from alembic.config import Config

    import foi.store.engine as store

    path = isolated / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(store.__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
    with engine.begin() as conn:  # a body the old directory loaded, with a volunteer's address
        conn.execute(
            text(
                "INSERT INTO bodies (key, name, kind, ods_code, foi_subject, regime, created_at,"
                " updated_at) VALUES ('ods:RXX', 'Surrey and Borders Partnership NHS Foundation"
                " Trust', 'mental-health-trust', 'RXX', 1, 'foia', '2026-01-01 00:00:00',"
                " '2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO contacts (body_id, purpose, channel, address, source, confidence,"
                " confirmed_on, created_at) VALUES (1, 'foi', 'email', 'foi@sabp.nhs.uk',"
                " 'https://www.sabp.nhs.uk/foi', 'confirmed', '2026-11-01',"
                " '2026-01-01 00:00:00')"
            )
        )
    engine.dispose()
    upgraded = foi("db", "upgrade", db=str(path))
    assert upgraded.exit_code == 0, upgraded.stderr
    assert "'foi init' adds the bodies and addresses" in upgraded.stderr
    assert foi("init", db=str(path)).exit_code == 0
    scot = foi("body", "list", "--nation", "scotland", "--json", db=str(path)).json()
    assert len(scot) == 17
    surrey = foi("body", "show", "RXX", "--json", db=str(path)).json()
    assert surrey["nation"] == "england"
    (mine,) = [c for c in surrey["contacts"] if c["address"] == "foi@sabp.nhs.uk"]
    # The volunteer's confirmation stands; the bundled sighting and quote are added to it
    assert (mine["confidence"], mine["confirmed_on"]) == ("confirmed", "2026-11-01")
    assert mine["seen_on"] == "2026-08-22" and mine["quote"]
    assert surrey["email"] == "foi@sabp.nhs.uk"


def test_a_plain_import_may_give_each_bodys_nation(foi, isolated: Path) -> None:
    foi("init")
    good = isolated / "boards.csv"
    good.write_text(
        "name,kind,nation,email\nTest Board,health-board,Northern Ireland,foi@tb.example.org\n",
        encoding="utf-8",
    )
    assert foi("body", "import", str(good)).exit_code == 0
    assert foi("body", "show", "Test Board", "--json").json()["nation"] == "northern-ireland"
    bad = isolated / "bad.csv"
    bad.write_text("name,kind,nation\nBad Board,health-board,Alba\n", encoding="utf-8")
    assert "unknown nation 'Alba'" in one_line(foi("body", "import", str(bad)), 2)
