"""The pure finder of personal data in page texts."""

from __future__ import annotations

import pytest

from foi.redaction.findings import (
    Person,
    Watchlist,
    find_personal_data,
    nhs_number_valid,
    normalise,
)

SAM = Person("requester", "Sam Taylor", "sam.taylor@simwatch.org.uk", "12 Mill Lane, Leeds LS6 2AB")
WATCH = Watchlist(
    people=[SAM, Person("volunteer", "Robin Quill", "robin@example.net")], terms=["Ward 7B"]
)


def kinds(text: str, watch: Watchlist = WATCH) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_personal_data([(1, text)], watch)]


def test_the_requesters_details_are_found_with_their_page() -> None:
    found = find_personal_data(
        [
            (1, "Our reference FOI-1"),
            (2, "Dear Ms Taylor,\nwe write to 12 Mill Lane,\nLeeds LS6 2AB."),
        ],
        WATCH,
    )
    assert [(f.page, f.kind, f.text) for f in found] == [
        (2, "name", "Taylor"),
        (2, "address", "12 Mill Lane,\nLeeds LS6 2AB"),
    ]
    assert "address" in found[1].why


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to sam.taylor@simwatch.org.uk today", ("email", "sam.taylor@simwatch.org.uk")),
        ("contact foi@trust.nhs.uk", ("email", "foi@trust.nhs.uk")),
        ("mail jo.bloggs at gmail dot com", ("email", "jo.bloggs at gmail dot com")),
        ("mail jo(at)example.org", ("email", "jo(at)example.org")),
        ("mail jo [at] example [dot] co [dot] uk", ("email", "jo [at] example [dot] co [dot] uk")),
        ("ring 0113 496 0000 now", ("phone", "0113 496 0000")),
        ("ring +44 (0)7700 900123 now", ("phone", "+44 (0)7700 900123")),
        ("ring 07700-900-123", ("phone", "07700-900-123")),
        ("lives at SW1A 1AA", ("postcode", "SW1A 1AA")),
        ("NHS no 943 476 5919 on file", ("nhs-number", "943 476 5919")),
        ("NHS no 9434765919 on file", ("nhs-number", "9434765919")),
        ("Date of birth: 03/04/1981", ("date-of-birth", "03/04/1981")),
        ("DOB 3rd April 1981", ("date-of-birth", "3rd April 1981")),
        ("born on 4 Sept 1979.", ("date-of-birth", "4 Sept 1979")),
        ("patients on ward 7b", ("term", "ward 7b")),
        ("signed Robin Quill", ("name", "Robin Quill")),
    ],
)
def test_each_kind_is_found(text: str, expected: tuple[str, str]) -> None:
    assert expected in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "NHS no 943 476 5910 (a wrong check digit)",
        "Between 2019 and 2021 we had 1234567890 contacts",
        "Reported on 3 April 2021 to the board",
        "the Taylorian Institute",
        "Annual figures for March 2022",
        "a cost of 01 pounds",
    ],
)
def test_what_is_not_personal_data_is_left(text: str) -> None:
    assert kinds(text) == []


def test_text_is_normalised_before_matching() -> None:
    hidden = "sam.tay\u200blor@simwatch.org.uk and Ｔａｙｌｏｒ and Tay\u00adlor and LS6\u00a02AB"
    found = kinds(hidden)
    assert ("email", "sam.taylor@simwatch.org.uk") in found
    assert found.count(("name", "Taylor")) == 2
    assert ("address", "LS6 2AB") in found
    assert normalise("ﬁle\u200b\u00ad") == "file"


def test_an_address_is_one_finding_not_its_parts() -> None:
    assert kinds("12 Mill Lane, Leeds LS6 2AB") == [("address", "12 Mill Lane, Leeds LS6 2AB")]


def test_nhs_check_digit() -> None:
    assert nhs_number_valid("9434765919")
    assert not nhs_number_valid("9434765918")
    assert not nhs_number_valid("123")


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _with_check_digit(nine: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return None if check == 10 else nine + str(check)


@given(
    st.text("0123456789", min_size=9, max_size=9),
    st.sampled_from(["{} {} {}", "{}{}{}", "{}-{}-{}"]),
)
def test_every_valid_nhs_number_is_found(nine: str, layout: str) -> None:
    number = _with_check_digit(nine)
    if number is None:
        return
    text = "Patient " + layout.format(number[:3], number[3:6], number[6:]) + " seen."
    assert [f.kind for f in find_personal_data([(3, text)])] == ["nhs-number"]
    wrong = number[:9] + str((int(number[9]) + 1) % 10)
    wrong_found = find_personal_data([(3, "Patient " + wrong + " seen.")])
    assert "nhs-number" not in {f.kind for f in wrong_found}  # (it may look like a phone)


@given(
    st.lists(st.integers(0, len(SAM.email or "")), max_size=4),
    st.sampled_from(["\u200b", "\u00ad", "\u2060", "\ufeff"]),
)
def test_hidden_characters_do_not_hide_an_email(at: list[int], hidden: str) -> None:
    email = SAM.email or ""
    for i in sorted(at, reverse=True):
        email = email[:i] + hidden + email[i:]
    found = find_personal_data([(1, f"write to {email} please")], WATCH)
    assert [(f.kind, f.text) for f in found] == [("email", SAM.email)]
