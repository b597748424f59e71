"""The built-in letter templates: each parses, renders for every body it suits, and says
what a campaigner signing it would expect it to say."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from foi.letters.checks import check_letter, sample_context, suits, word_limit
from foi.letters.templates import (
    MAX_QUESTIONS,
    Letter,
    TemplateError,
    TemplateInfo,
    TemplateLibrary,
)

TODAY = date(2026, 11, 27)

EXPECTED = {
    "sim-use",
    "sim-data-sharing",
    "sim-numbers",
    "sim-harms",
    "sim-contracts",
    "sim-police",
    "sim-ambulance",
    "sim-nhse",
    "chaser",
    "internal-review",
    "ico-complaint",
    "clarification-reply",
    "sar",
    "chaser-summary",
}

# One realistic body of each kind the directory knows.
BODIES: dict[str, dict[str, Any]] = {
    "mental-health-trust": {
        "name": "Oxleas NHS Foundation Trust",
        "kind": "mental-health-trust",
        "ods_code": "RPG",
        "region": "London",
        "wdtk_url_name": "oxleas_nhs_foundation_trust",
    },
    "police-force": {
        "name": "Hampshire Constabulary",
        "kind": "police-force",
        "police_id": "hampshire",
    },
    "ambulance-trust": {
        "name": "London Ambulance Service NHS Trust",
        "kind": "ambulance-trust",
        "ods_code": "RRU",
    },
    "nhs-england": {"name": "NHS England", "kind": "nhs-england"},
    "icb": {"name": "NHS Frimley Integrated Care Board", "kind": "icb"},
}

LIBRARY = TemplateLibrary()
NAMES = LIBRARY.names()


def flat(text: str) -> str:
    """Text with all runs of whitespace made single spaces."""
    return " ".join(text.split())


def render(name: str, kind: str = "mental-health-trust", **overrides: Any) -> Letter:
    """A built-in template rendered for the sample body of a kind."""
    body = {**BODIES[kind], **overrides.pop("body", {})}
    return LIBRARY.render(name, sample_context(body, TODAY, **overrides))


def suited(info: TemplateInfo) -> list[str]:
    """The sample body kinds a template suits."""
    return [kind for kind, body in BODIES.items() if suits(info, body)]


def test_the_built_in_set_is_complete() -> None:
    assert set(NAMES) >= EXPECTED


@pytest.mark.parametrize("name", NAMES)
def test_front_matter_parses(name: str) -> None:
    info = LIBRARY.get(name)
    assert info.builtin
    assert info.description
    assert info.path.name == f"{name}.j2"
    assert suited(info), f"{name} suits none of the sample bodies"
    numbers = [q.number for q in info.questions]
    assert numbers == list(range(1, len(numbers) + 1))
    assert all(q.text for q in info.questions)


@pytest.mark.parametrize("name", NAMES)
def test_renders_cleanly_for_every_body_it_suits(name: str) -> None:
    info = LIBRARY.get(name)
    for kind in suited(info):
        letter = render(name, kind)
        body_name = BODIES[kind]["name"]
        assert body_name in flat(letter.text), f"{name} for {kind} does not name the body"
        assert "\n" not in letter.subject and "\r" not in letter.subject
        assert "FOI-2026" not in letter.subject, "the sender adds the reference token"
        assert "None" not in letter.text
        assert letter.word_count <= word_limit(info)
        assert check_letter(info, letter) == [], f"{name} for {kind}"
        assert letter.text.endswith("\n") and not letter.text.endswith("\n\n")
        assert "\r" not in letter.text
        assert "\n\n\n" not in letter.text


@pytest.mark.parametrize("name", [n for n in NAMES if LIBRARY.get(n).questions])
def test_question_numbering_in_the_letter_matches_the_metadata(name: str) -> None:
    info = LIBRARY.get(name)
    letter = render(name, suited(info)[0])
    at_line_start = [int(n) for n in re.findall(r"^(\d+)\. ", letter.text, re.MULTILINE)]
    assert at_line_start == [q.number for q in info.questions]
    text = flat(letter.text)
    for q in info.questions:
        assert f"{q.number}. {q.text}" in text


@pytest.mark.parametrize("name", NAMES)
def test_declared_vars_cover_the_vars_a_template_uses(name: str) -> None:
    source = LIBRARY.source(name)
    used = set(re.findall(r"vars\.get\(\"(\w+)\"", source))
    used |= {v for v in re.findall(r"vars\.(\w+)", source) if v != "get"}
    declared = {k for k, _ in LIBRARY.get(name).variables}
    assert used <= declared, f"{name} uses undeclared vars {sorted(used - declared)}"


REQUESTS = [n for n in NAMES if LIBRARY.get(n).purpose == "request"]


@pytest.mark.parametrize("name", REQUESTS)
def test_request_letters_carry_the_definition_and_the_standard_asks(name: str) -> None:
    info = LIBRARY.get(name)
    assert info.regime in ("foia", "any")  # "any": the letter follows the body's regime
    assert 1 <= len(info.questions) <= MAX_QUESTIONS
    text = flat(render(name, suited(info)[0]).text)
    assert "Freedom of Information Act 2000" in text
    assert '"high intensity users"' in text and '"frequent attenders"' in text
    assert "(a) delivery by or with a police officer;" in text
    assert "(b) restricting or limiting a person's contact with police, A&E" in text
    assert '"Response Plan" or "Behaviour Management Plan"' in text
    assert "(c) withholding contact, assessment or treatment." in text
    assert 'Please read "SIM" in each question as also meaning your own name' in text
    assert "section 11" in text
    assert "section 12" in text and "do not refuse the whole request" in text
    assert "section 16" in text
    assert "section 40(2)" in text and '"fewer than 5"' in text
    subject = render(name, suited(info)[0]).subject
    assert subject.startswith("Freedom of Information request - ")


@pytest.mark.parametrize("name", REQUESTS)
def test_request_letters_use_the_local_name_when_known(name: str) -> None:
    info = LIBRARY.get(name)
    letter = render(name, suited(info)[0], body={"local_name": "Intensive Support Service"})
    assert '(including, I understand, "Intensive Support Service")' in flat(letter.text)


def test_request_letters_are_shaped_for_their_bodies() -> None:
    # kind:mental-health-provider: every body running adult mental health services
    assert LIBRARY.get("sim-use").kinds == (
        "mental-health-trust",
        "health-board",
        "special-health-board",
        "hsc-trust",
    )
    assert LIBRARY.get("sim-police").kinds == ("police-force",)
    assert LIBRARY.get("sim-ambulance").kinds == ("ambulance-trust",)
    assert LIBRARY.get("sim-nhse").kinds == ("nhs-england",)
    nhse = flat(render("sim-nhse", "nhs-england").text)
    assert "May 2021" in nhse and "10 March 2023" in nhse and "assurance" in nhse
    police = flat(render("sim-police", "police-force").text)
    assert "section 136" in police and "High Intensity Network Ltd" in police
    ambulance = flat(render("sim-ambulance", "ambulance-trust").text)
    assert "flags" in ambulance and "risk of violence" in ambulance


def test_subjects_differ_between_request_letters() -> None:
    subjects = [LIBRARY.get(n).subject for n in REQUESTS]
    assert len(set(subjects)) == len(subjects)


# Chaser ------------------------------------------------------------------------------------


def test_chaser_cites_dates_section_10_and_lateness() -> None:
    letter = render(
        "chaser",
        request={
            "sent_on": date(2026, 9, 1),
            "due_on": date(2026, 9, 29),
            "days_late": 43,
            "authority_ref": "FOI 2026/123",
            "reference": "FOI-2026-0042",
        },
    )
    text = flat(letter.text)
    assert "1 September 2026" in text
    assert "29 September 2026" in text
    assert "43 working days late" in text
    assert "your reference FOI 2026/123" in text
    assert "my reference FOI-2026-0042" in text
    assert "section 10(1) of the Freedom of Information Act 2000" in text
    assert "five working days" in text
    assert "internal review" in text and "section 50" in text
    assert letter.subject.startswith("Overdue request - ")


def test_chaser_without_authority_ref_or_lateness() -> None:
    text = flat(render("chaser", request={"authority_ref": None, "days_late": None}).text)
    assert "your reference" not in text
    assert "late." not in text


def test_chaser_follows_the_regime_of_the_request() -> None:
    sar = flat(render("chaser", request={"regime": "sar"}).text)
    assert "Article 12(3) of the UK GDPR" in sar and "one month" in sar
    assert "section 10(1)" not in sar
    foisa = flat(render("chaser", body={"regime": "foisa"}).text)
    assert "Freedom of Information (Scotland) Act 2002" in foisa
    assert "Scottish Information Commissioner" in foisa


# Internal review ---------------------------------------------------------------------------


RESPONDED = {"response_on": date(2026, 11, 2), "days_late": None}


def test_internal_review_when_there_was_no_response() -> None:
    text = flat(render("internal-review").text)
    assert "1. No response." in text
    assert "Section 10(1)" in text and "working days late" in text


def test_internal_review_disputes_each_cited_exemption() -> None:
    letter = render(
        "internal-review",
        request={**RESPONDED, "outcome": "refused", "exemptions": ["s.40(2)", "section 12"]},
    )
    text = flat(letter.text)
    assert "1. Section 40(2) (personal information)." in text
    assert '"fewer than 5"' in text
    assert "2. Section 12 (cost of compliance exceeds the appropriate limit)." in text
    assert "narrow the request" in text
    assert "No response" not in text and "Delay." not in text
    assert "No exemption cited" not in text


def test_internal_review_grounds_differ_by_exemption() -> None:
    def ground(code: str) -> str:
        text = flat(render("internal-review", request={**RESPONDED, "exemptions": [code]}).text)
        return text.split("My grounds are:")[1]

    grounds = {code: ground(code) for code in ("s12", "s14", "s21", "s31", "s40(2)", "s43")}
    assert len(set(grounds.values())) == len(grounds)
    assert "June 2021" in grounds["s43"]
    assert "link to the specific document" in grounds["s21"]
    # An exemption the template has no ground for still gets a sensible one.
    unknown = ground("s44")
    assert "Section 44 (prohibitions on disclosure)" in unknown
    assert "public interest" in unknown


def test_internal_review_falls_back_from_subsection_to_section() -> None:
    text = flat(render("internal-review", request={**RESPONDED, "exemptions": ["s43(2)"]}).text)
    assert "Section 43(2) (commercial interests)." in text and "June 2021" in text


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("not_held", "Information not held."),
        ("not-held", "Information not held."),
        ("partially_successful", "Missing information."),
        ("partially-successful", "Missing information."),
    ],
)
def test_internal_review_challenges_the_search(outcome: str, expected: str) -> None:
    letter = render(
        "internal-review",
        body={"local_name": "Complex Needs Service"},
        request={**RESPONDED, "outcome": outcome},
        vars={"missing": "3 and 5"},
    )
    text = flat(letter.text)
    assert f"1. {expected}" in text
    assert '"high intensity"' in text and '"Complex Needs Service"' in text
    assert "question(s) 3 and 5" in text


def test_internal_review_of_a_late_refusal_without_exemption() -> None:
    request = {**RESPONDED, "days_late": 4, "due_on": date(2026, 10, 27), "outcome": "refused"}
    text = flat(render("internal-review", request=request).text)
    assert "1. Delay. Your response came 4 working days after the deadline of 27 October" in text
    assert "2. No exemption cited." in text and "section 17(1)" in text


def test_internal_review_needs_your_own_grounds_when_none_apply() -> None:
    context = sample_context(
        BODIES["mental-health-trust"], TODAY, request={**RESPONDED, "outcome": "successful"}
    )
    context["vars"] = {}
    with pytest.raises(TemplateError, match=r"missing variable 'vars\.grounds'"):
        LIBRARY.render("internal-review", context)
    context["vars"] = {"grounds": "The 2019-20 figures are missing."}
    text = flat(LIBRARY.render("internal-review", context).text)
    assert "1. The 2019-20 figures are missing." in text


# ICO complaint and clarification -----------------------------------------------------------


def test_ico_complaint_without_any_response() -> None:
    letter = render("ico-complaint", "police-force")
    text = flat(letter.text)
    assert text.startswith("Dear Information Commissioner,")
    assert "section 50 of the Freedom of Information Act 2000" in text
    assert "Hampshire Constabulary" in letter.subject
    assert "Response: none received" in text
    assert "without an internal review" in text
    assert "requester@example.org" in text
    # It names the bundle 'foi request bundle' writes, and promises nothing else.
    assert "in the file FOI-2026-0000-correspondence.zip" in text
    assert "I attach" not in text


def test_ico_complaint_after_a_review() -> None:
    letter = render(
        "ico-complaint",
        request={**RESPONDED, "outcome": "partially_successful", "exemptions": ["s43", "s41"]},
        vars={"review_requested_on": "3 November 2026", "review_response_on": "1 December 2026"},
    )
    text = flat(letter.text)
    assert "Response: 2 November 2026 (partially successful)" in text
    assert "exemptions cited: section 43 and section 41" in text
    assert "I do not accept that section 43 and section 41 apply" in text
    assert "requested on 3 November 2026; result received on 1 December 2026" in text
    assert "disclose the information or issue a valid refusal notice" in text


def test_ico_complaint_gives_every_date_in_one_style() -> None:
    # foi escalate passes the review dates as ISO: the letter shows them as the rest.
    letter = render(
        "ico-complaint",
        request={**RESPONDED, "outcome": "refused", "exemptions": ["s43"]},
        vars={"review_requested_on": "2026-11-03", "review_response_on": "2026-12-01"},
    )
    text = flat(letter.text)
    assert "requested on 3 November 2026; result received on 1 December 2026" in text
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text)


def test_clarification_reply_includes_the_clarification_and_s1_3() -> None:
    letter = render(
        "clarification-reply",
        request={"authority_ref": "FOI-4471"},
        vars={"clarification": "By SIM I mean the service described in my definition."},
    )
    text = flat(letter.text)
    assert "By SIM I mean the service described in my definition." in text
    assert "section 1(3)" in text and "your reference FOI-4471" in text


def test_clarification_reply_needs_the_clarification() -> None:
    context = sample_context(BODIES["mental-health-trust"], TODAY)
    context["vars"] = {}
    with pytest.raises(TemplateError, match=r"'vars\.clarification'.*--var clarification="):
        LIBRARY.render("clarification-reply", context)


# Subject access request --------------------------------------------------------------------


def test_sar_cites_article_15_and_one_month() -> None:
    info = LIBRARY.get("sar")
    assert info.regime == "sar" and info.purpose == "sar"
    assert set(info.kinds) == {"mental-health-trust", "police-force", "ambulance-trust"}
    letter = render("sar", vars={"date_of_birth": "1 April 1980"})
    text = flat(letter.text)
    assert "Article 15" in text and "one month" in text and "Article 12(3)" in text
    assert '"high intensity user"' in text and '"Response Plan"' in text
    assert "police" in text and "recipients" in text and "source" in text
    assert "Date of birth: 1 April 1980" in text


def test_sar_carries_no_more_personal_data_than_needed() -> None:
    secrets = {"date_of_birth": "1 April 1980", "nhs_number": "943 476 5919"}
    trust = render("sar", vars=secrets)
    assert "NHS number: 943 476 5919" in trust.text
    police = render("sar", "police-force", vars=secrets)
    assert "943 476 5919" not in police.text, "NHS number is not for the police"
    assert "section 45 of the Data Protection Act 2018" in flat(police.text)
    for letter in (trust, police):
        assert "requester@example.org" not in letter.text
        assert "Address:" not in letter.text
        assert "1980" not in letter.subject and "[Your name]" not in letter.subject
    with_address = render("sar", requester={"address": "1 High Street, Newport"})
    assert "Address: 1 High Street, Newport" in with_address.text


def test_sar_can_ask_for_all_records() -> None:
    assert "all other personal data" not in render("sar").text
    assert "all other personal data" in render("sar", vars={"all_records": "yes"}).text


# Follow-ups for requests drafted from the built-ins ------------------------------------------

FOLLOW_UPS = [n for n in NAMES if LIBRARY.get(n).purpose not in ("request", "sar")]


def render_sample_request() -> dict:  # type: ignore[type-arg]
    """The sample context's request, as a summary chaser's covered entry."""
    return dict(sample_context({"name": "A Trust"}, TODAY)["request"])


@pytest.mark.parametrize("name", FOLLOW_UPS)
def test_follow_ups_quote_the_topic_not_the_whole_subject(name: str) -> None:
    # A drafted request's title is its letter's subject; follow-ups drop the prefix.
    title = "Freedom of Information request - SIM: numbers of people, detentions"
    request = {"title": title, "wdtk_url": None, "authority_ref": "FOI 12"}
    # A summary chaser quotes each request it covers (the first is the request itself).
    covered = [{**render_sample_request(), **request, "reference": "FOI-2026-0001"}]
    letter = render(name, body={"sim_status": "adopted"}, request=request, covered=covered)
    assert "SIM: numbers of people, detentions" in flat(letter.text)
    assert "Freedom of Information request -" not in letter.text
    assert "Freedom of Information request -" not in letter.subject


def test_sim_use_to_a_scottish_board_cites_foisa_and_names_the_board() -> None:
    board = {"name": "NHS Fife", "kind": "health-board", "regime": "foisa"}
    text = flat(render("sim-use", body=board).text)
    assert "Freedom of Information (Scotland) Act 2002" in text
    assert "Freedom of Information Act 2000" not in text
    assert '"the Trust" means NHS Fife' in text
    assert "section 15" in text and "section 38(1)(b)" in text
    assert "section 16" not in text and "section 40(2)" not in text
    welsh = flat(render("sim-use", body={"name": "Powys", "kind": "health-board"}).text)
    assert "Freedom of Information Act 2000" in welsh and "section 16" in welsh


@pytest.mark.parametrize(
    ("name", "kind"), [("sim-police", "police-force"), ("sim-ambulance", "ambulance-trust")]
)
def test_police_and_ambulance_letters_to_scotland_cite_foisa(name: str, kind: str) -> None:
    text = flat(render(name, kind, body={"regime": "foisa"}).text)
    assert "Freedom of Information (Scotland) Act 2002" in text
    assert "Freedom of Information Act 2000" not in text and "section 38(1)(b)" in text
