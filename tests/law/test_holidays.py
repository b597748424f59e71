"""Holiday data: the shipped GOV.UK snapshot, the `holidays` package, user additions."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from foi.law.holidays import (
    ENGLAND_AND_WALES,
    NORTHERN_IRELAND,
    REGIONS,
    SCOTLAND,
    SOURCE_PACKAGE,
    SOURCE_SNAPSHOT,
    Holiday,
    HolidaySet,
    load_default,
    parse_govuk_json,
)

SNAPSHOT = resources.files("foi.law").joinpath("data", "bank-holidays.json")
# The one weekday holiday the `holidays` package knows and the shipped snapshot does not.
PROCLAIMED_LATER = (date(2026, 6, 15), SCOTLAND)


@pytest.fixture(scope="module")
def default() -> HolidaySet:
    return load_default()


def test_snapshot_is_govuk_format_and_covers_2012_to_2028() -> None:
    data = json.loads(SNAPSHOT.read_bytes())
    assert list(data) == list(REGIONS)
    counts = {}
    for region, division in data.items():
        assert division["division"] == region
        events = division["events"]
        assert all(set(e) == {"title", "date", "notes", "bunting"} for e in events)
        assert events[0]["date"] == "2012-01-02"
        assert events[-1]["date"] == "2028-12-26"
        counts[region] = len(events)
    # The counts HOLIDAYS.md states.
    assert counts == {ENGLAND_AND_WALES: 140, SCOTLAND: 157, NORTHERN_IRELAND: 174}


def test_holidays_md_states_the_snapshot_checksum() -> None:
    digest = hashlib.sha256(SNAPSHOT.read_bytes()).hexdigest()
    notes = resources.files("foi.law").joinpath("data", "HOLIDAYS.md").read_text(encoding="utf-8")
    assert digest in notes
    assert "Open Government Licence" in notes


@pytest.mark.skipif(
    importlib.util.find_spec("govuk_bank_holidays") is None,
    reason="govuk-bank-holidays is not installed",
)
def test_snapshot_is_a_byte_copy_of_the_govuk_bank_holidays_package() -> None:
    spec = importlib.util.find_spec("govuk_bank_holidays")
    assert spec is not None and spec.origin is not None
    bundled = Path(spec.origin).parent / "bank-holidays.json"
    assert bundled.read_bytes() == SNAPSHOT.read_bytes()


def test_snapshot_and_package_agree_2012_to_2028_except_the_proclaimed_day(
    default: HolidaySet,
) -> None:
    snapshot = {(h.date, h.region) for h in parse_govuk_json(SNAPSHOT.read_bytes(), "gov.uk")}
    package_only = HolidaySet(use_package=True)  # no snapshot: the package alone
    package = {(h.date, h.region) for year in range(2012, 2029) for h in package_only.list(year)}
    assert package - snapshot == {PROCLAIMED_LATER}
    assert snapshot - package == set()
    # And the merged default set has the proclaimed day, labelled with its source.
    [found] = default.on(PROCLAIMED_LATER[0])
    assert (found.region, found.source) == (SCOTLAND, SOURCE_PACKAGE)


def test_package_weekend_dates_are_not_listed(default: HolidaySet) -> None:
    # 2021-12-25 (Sat) and 26 (Sun): the package lists them and their substitutes 27 and 28.
    assert default.on(date(2021, 12, 25)) == []
    assert default.on(date(2021, 12, 26)) == []
    # 2033: outside the snapshot, so from the package. Christmas Day is a Sunday.
    assert default.on(date(2033, 12, 25)) == []
    assert {h.date for h in default.list(2033, ENGLAND_AND_WALES)} >= {
        date(2033, 12, 26),
        date(2033, 12, 27),
    }
    assert all(h.date.weekday() < 5 for h in default.list(2033))
    assert all(h.date.weekday() < 5 for h in default.list(1995))


def test_on_returns_every_region(default: HolidaySet) -> None:
    christmas = default.on(date(2026, 12, 25))
    assert [h.region for h in christmas] == list(REGIONS)
    assert {h.source for h in christmas} == {SOURCE_SNAPSHOT}
    assert default.on(date(2026, 12, 24)) == []


def test_substitute_days_say_so(default: HolidaySet) -> None:
    [boyne] = default.on(date(2026, 7, 13))
    assert boyne.region == NORTHERN_IRELAND
    assert boyne.name == "Battle of the Boyne (Orangemen’s Day) (substitute day)"


def test_in_regions(default: HolidaySet) -> None:
    scotland = default.in_regions([SCOTLAND], 2026, 2026)
    assert date(2026, 1, 2) in scotland
    assert date(2026, 11, 30) in scotland  # St Andrew's Day
    assert date(2026, 3, 17) not in scotland  # St Patrick's Day is Northern Ireland's
    everywhere = default.in_regions(REGIONS, 2026, 2026)
    assert {date(2026, 3, 17), date(2026, 7, 13), date(2026, 1, 2)} <= everywhere
    assert default.in_regions([SCOTLAND], 2026, 2026) is scotland  # cached
    with pytest.raises(ValueError, match="unknown region"):
        default.in_regions(["wales"])


def test_list_is_sorted_and_filters(default: HolidaySet) -> None:
    got = default.list(2026)
    assert got == sorted(got, key=lambda h: (h.date, REGIONS.index(h.region)))
    assert {h.date.year for h in got} == {2026}
    ni = default.list(2026, NORTHERN_IRELAND)
    assert {h.region for h in ni} == {NORTHERN_IRELAND}
    assert [h.date for h in ni if h.date.month == 3] == [date(2026, 3, 17)]
    with pytest.raises(ValueError, match="unknown region"):
        default.list(2026, "wales")


def test_any_year_1990_to_2100(default: HolidaySet) -> None:
    everything = default.list()
    years = {h.date.year for h in everything}
    assert years == set(range(1990, 2101))
    # Every year has Christmas (or its substitute) and New Year in each region.
    for year in (1990, 2011, 2029, 2100):
        for region in REGIONS:
            names = " ".join(h.name for h in default.list(year, region))
            assert "Christmas" in names
            assert "New Year" in names


def test_years_before_2012_come_from_the_package(default: HolidaySet) -> None:
    # FOIA's first year: St Patrick's Day 2005 was a Thursday.
    [patrick] = default.on(date(2005, 3, 17))
    assert (patrick.region, patrick.source) == (NORTHERN_IRELAND, SOURCE_PACKAGE)
    # 1999-12-31: the Millennium holiday, everywhere.
    assert len(default.on(date(1999, 12, 31))) == 3


def test_user_additions_win_and_are_labelled() -> None:
    extra = [
        Holiday(date(2026, 3, 10), ENGLAND_AND_WALES, "Proclaimed day", "user"),
        Holiday(date(2026, 12, 25), SCOTLAND, "Christmas (imported)", "bank-holidays.json"),
    ]
    hs = load_default(extra)
    assert [(h.name, h.source) for h in hs.on(date(2026, 3, 10))] == [("Proclaimed day", "user")]
    by_region = {h.region: h for h in hs.on(date(2026, 12, 25))}
    assert by_region[SCOTLAND].source == "bank-holidays.json"
    assert by_region[ENGLAND_AND_WALES].source == SOURCE_SNAPSHOT
    assert hs.extra == tuple(sorted(extra, key=lambda h: h.date))


def test_fingerprint_is_stable_and_notices_changes() -> None:
    a = Holiday(date(2026, 3, 10), ENGLAND_AND_WALES, "A", "user")
    b = Holiday(date(2027, 3, 10), SCOTLAND, "B", "user")
    base = load_default().fingerprint()
    assert load_default().fingerprint() == base
    assert load_default([a, b]).fingerprint() == load_default([b, a]).fingerprint()
    assert load_default([a]).fingerprint() != base
    assert load_default([a]).fingerprint() != load_default([b]).fingerprint()
    renamed = Holiday(a.date, a.region, "A renamed", "user")
    assert load_default([renamed]).fingerprint() != load_default([a]).fingerprint()
    assert HolidaySet(use_package=False).fingerprint() != HolidaySet().fingerprint()


def test_holiday_rejects_an_unknown_region() -> None:
    with pytest.raises(ValueError, match="unknown region 'wales'"):
        Holiday(date(2026, 3, 1), "wales", "St David's Day", "user")


def test_parse_govuk_json_reads_a_file_and_labels_its_source() -> None:
    text = json.dumps(
        {
            "scotland": {
                "division": "scotland",
                "events": [
                    {"title": "New day", "date": "2029-06-11", "notes": "", "bunting": True},
                    {"title": "Boxing Day", "date": "2029-12-26", "notes": "", "bunting": True},
                ],
            }
        }
    )
    got = parse_govuk_json(text, "new.json")
    assert got == [
        Holiday(date(2029, 6, 11), SCOTLAND, "New day", "new.json"),
        Holiday(date(2029, 12, 26), SCOTLAND, "Boxing Day", "new.json"),
    ]
    assert parse_govuk_json(text.encode(), "new.json") == got


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON"),
        ("[]", "expected a JSON object"),
        ("{}", "no divisions found"),
        ('{"wales": {"events": []}}', "unknown division 'wales'"),
        ('{"scotland": {"division": "scotland"}}', "division 'scotland' has no list of 'events'"),
        ('{"scotland": {"events": [1]}}', "scotland event 1 is not an object"),
        ('{"scotland": {"events": [{"date": "2029-01-01"}]}}', "has no 'title'"),
        ('{"scotland": {"events": [{"title": "X"}]}}', "(X) has no 'date'"),
        ('{"scotland": {"events": [{"title": "X", "date": "2029-02-30"}]}}', "bad date"),
    ],
)
def test_parse_govuk_json_rejects_malformed_files(text: str | bytes, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_govuk_json(text, "bad.json")
    assert str(caught.value).startswith("bad.json: ")
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)  # one line: the CLI shows it as a user error


def test_importing_foi_holidays_does_not_import_the_holidays_package() -> None:
    code = (
        "import sys, foi.law.holidays, foi.law.deadlines; "
        "print(sorted(m for m in ('holidays', 'dateutil', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# --- The shipped table of the `holidays` package's answers -----------------------------------


def _package_dates(regions: set[str], first: int, last: int) -> set[date]:
    import holidays

    subdivisions = {
        ENGLAND_AND_WALES: ("ENG", "WLS"),
        SCOTLAND: ("SCT",),
        NORTHERN_IRELAND: ("NIR",),
    }
    years = range(first, last + 1)
    return {
        on
        for region in regions
        for sub in subdivisions[region]
        for on in holidays.country_holidays("GB", subdiv=sub, years=years)
        if on.weekday() < 5
    }


def test_shipped_table_equals_the_installed_package_1990_to_2100() -> None:
    """The table is what the package computes: UK-wide (any region) and Scotland alone."""
    from foi.law.holidays import _package_version, _table, compute_package_block, table_block

    table = _table()
    assert table["package_version"] == _package_version(), (
        "the holidays package was upgraded: run scripts/build_holiday_table.py"
    )
    shipped = HolidaySet(use_package=True)  # no snapshot: the table alone
    assert shipped.in_regions(REGIONS, 1990, 2100) == _package_dates(set(REGIONS), 1990, 2100)
    assert shipped.in_regions([SCOTLAND], 1990, 2100) == _package_dates({SCOTLAND}, 1990, 2100)
    for block in range(1990, 2101, 10):  # names and regions too, block by block
        assert table_block(table, block) == compute_package_block(block)


def test_commands_do_not_import_the_holidays_package() -> None:
    """With the table current, working out deadlines never imports the package."""
    code = (
        "import sys; from datetime import date;"
        "from foi.law.holidays import load_default;"
        "from foi.law.deadlines import Regime, calendar_for;"
        "hs = load_default(); cal = calendar_for(Regime.FOISA, hs);"
        "print(cal.add_working_days(date(2026, 6, 12), 1), hs.fingerprint());"
        "print('holidays' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    day, imported = done.stdout.split("\n")[:2]
    assert day.split()[0] == "2026-06-16"  # 15 June 2026 is a Scottish bank holiday
    assert imported == "False"


def test_a_year_outside_the_table_asks_the_package() -> None:
    from foi.law.holidays import _table, table_block

    table = _table()
    assert table_block(table, table["last_year"] + 1) is None
    assert table_block(table, table["first_year"] - 10) is None
    hs = HolidaySet(use_package=True)
    earlier = table["first_year"] - 5  # 1985
    assert date(1985, 12, 25) in {h.date for h in hs.list(earlier, ENGLAND_AND_WALES)}
