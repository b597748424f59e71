"""Exemption catalogues, the spellings volunteers type, and the messages when they are wrong."""

from __future__ import annotations

import re

import pytest

from foi.errors import UsageError
from foi.law.exemptions import (
    _EQUIVALENTS,
    REGIMES,
    Exemption,
    ExemptionError,
    catalogue,
    equivalents,
    lookup,
    matching,
    normalise,
    parse_exemption_arg,
)


@pytest.mark.parametrize(
    ("text", "regime", "code"),
    [
        ("s40(2)", "foia", "s40(2)"),
        ("S 40(2)", "foia", "s40(2)"),
        ("section 40(2)", "foia", "s40(2)"),
        ("Section 40 (2)", "foia", "s40(2)"),
        ("40(2)", "foia", "s40(2)"),
        ("s.40(2)", "foia", "s40(2)"),
        ("sec 40 (2)", "foia", "s40(2)"),
        ("  s40( 2 ) ", "foia", "s40(2)"),
        ("s40(2).", "foia", "s40(2)"),
        ("FOIA s.40(2)", "foia", "s40(2)"),
        ("section 40(2) of the FOI Act", "foia", "s40(2)"),
        ("§40(2)", "foia", "s40(2)"),
        ("s40(5b)", "foia", "s40(5B)"),
        ("s22a", "foia", "s22A"),
        ("s.36(2)(b)(i)", "foia", "s36(2)(b)(i)"),
        ("section 36 (2) (b) (ii)", "foia", "s36(2)(b)(ii)"),
        ("s31(1)(a)", "foia", "s31(1)(a)"),
        ("s12", "foia", "s12"),
        ("section 14(1)", "foia", "s14(1)"),
        ("s43(2)", "foia", "s43(2)"),
        ("reg 12(4)(a)", "eir", "r12(4)(a)"),
        ("r12(5)(e)", "eir", "r12(5)(e)"),
        ("regulation 13", "eir", "r13"),
        ("12(4)(a)", "eir", "r12(4)(a)"),
        ("Reg. 12 (5) (b)", "eir", "r12(5)(b)"),
        ("EIR regulation 12(4)(b)", "eir", "r12(4)(b)"),
        ("regulation 12(5)(e) EIR", "eir", "r12(5)(e)"),
        ("s38(1)(b)", "foisa", "s38(1)(b)"),
        ("section 33(1)(b)", "foisa", "s33(1)(b)"),
        ("FOISA s30(b)(i)", "foisa", "s30(b)(i)"),
        ("s.12", "foisa", "s12"),
        ("Art. 12(5)", "sar", "art12(5)"),
        ("UK GDPR Article 12(5)", "sar", "art12(5)"),
        ("12(5)", "sar", "art12(5)"),
        ("article 15(4)", "sar", "art15(4)"),
        ("Sch 2 para 16", "sar", "sch2p16"),
        ("Schedule 2, Part 3, paragraph 16", "sar", "sch2p16"),
        ("DPA 2018 Sch 2 para 2", "sar", "sch2p2"),
        ("sch3p5", "sar", "sch3p5"),
        ("Schedule 3 para 5", "sar", "sch3p5"),
        ("DPA 2018 s45(4)(b)", "sar", "s45(4)(b)"),
        ("section 45(4)(e)", "sar", "s45(4)(e)"),
    ],
)
def test_spellings_normalise(text: str, regime: str, code: str) -> None:
    ex = normalise(text, regime)
    assert ex.code == code
    assert ex.regime == regime


def test_regime_is_case_insensitive() -> None:
    assert normalise("s40(2)", "FOIA").code == "s40(2)"


def test_canonical_codes_round_trip() -> None:
    for regime in REGIMES:
        for ex in catalogue(regime):
            assert normalise(ex.code, regime) == ex


def test_bare_section_is_its_own_entry() -> None:
    ex = normalise("section 40", "foia")
    assert ex.code == "s40"
    assert ex.family == "s40"
    assert ex.bare
    assert ex.label == "s40 — Personal information (subsection not given)"
    assert normalise("regulation 12", "eir").label.endswith("(paragraph not given)")


def test_single_subsection_sections_are_not_bare() -> None:
    assert not normalise("s12", "foia").bare
    assert not normalise("s21", "foia").bare
    assert (
        normalise("s12", "foia").label == "s12 — Cost of compliance exceeds the appropriate limit"
    )


def test_entry_fields() -> None:
    ex = normalise("s40(2)", "foia")
    assert ex == Exemption(
        regime="foia",
        code="s40(2)",
        title="Personal information: third parties",
        absolute=True,
        family="s40",
    )
    assert ex.kind == "absolute"
    assert normalise("s43(2)", "foia").kind == "qualified"
    assert normalise("s12", "foia").kind == "procedural"
    assert normalise("s40(5B)", "foia").ncnd
    assert normalise("s36(2)(b)(i)", "foia").family == "s36"
    assert normalise("r12(5)(e)", "eir").family == "r12"
    assert normalise("sch2p16", "sar").family == "sch2"


@pytest.mark.parametrize(
    ("regime", "code", "absolute"),
    [
        ("foia", "s21", True),
        ("foia", "s41", True),
        ("foia", "s44", True),
        ("foia", "s22", False),
        ("foia", "s31(1)(a)", False),
        ("foia", "s36(2)(c)", False),
        ("foia", "s38(1)(a)", False),
        ("foia", "s42", False),
        ("foia", "s37", False),  # mixed family: qualified unless the subsection says otherwise
        ("foia", "s37(1)(a)", True),
        ("foisa", "s25", True),
        ("foisa", "s36(2)", True),
        ("foisa", "s36(1)", False),
        ("foisa", "s36", False),
        ("foisa", "s38(1)(b)", True),
        ("foisa", "s33(1)(b)", False),
        ("eir", "r12(5)(e)", False),
        ("eir", "r13(1)", True),
    ],
)
def test_absolute_or_qualified(regime: str, code: str, absolute: bool) -> None:
    assert normalise(code, regime).absolute is absolute


def test_regimes_differ() -> None:
    assert normalise("s43(2)", "foia").title == "Commercial interests: prejudice"
    with pytest.raises(ExemptionError):
        normalise("s43(2)", "foisa")
    assert normalise("s33(1)(b)", "foisa").title == "Commercial interests: substantial prejudice"
    assert normalise("s33", "foia").title == "Audit functions"
    assert normalise("s40", "foisa").title == "Audit functions"
    assert normalise("s38(1)(b)", "foisa").title == "Personal information: third parties"
    assert normalise("s38(1)(b)", "foia").title == "Health and safety: safety of any individual"
    assert normalise("reg 12(4)(a)", "eir").code == "r12(4)(a)"
    for regime in ("foia", "foisa", "sar"):
        with pytest.raises(ExemptionError):
            normalise("reg 12(4)(a)", regime)


def test_unknown_exemption_lists_close_matches() -> None:
    with pytest.raises(ExemptionError) as info:
        normalise("s99", "foia")
    assert str(info.value) == (
        "'s99' is not a FOIA exemption; did you mean s29, s39? "
        "(see 'foi exemptions list --regime foia')"
    )


def test_missing_subsection_suggests_the_section_first() -> None:
    with pytest.raises(ExemptionError) as info:
        normalise("s31(1)(z)", "foia")
    assert str(info.value).startswith("'s31(1)(z)' is not a FOIA exemption; did you mean s31(1),")


def test_no_suggestion_when_nothing_is_close() -> None:
    with pytest.raises(ExemptionError) as info:
        normalise("banana", "foia")
    assert str(info.value) == (
        "'banana' is not a FOIA exemption (see 'foi exemptions list --regime foia')"
    )


def test_words_suggest_by_title() -> None:
    with pytest.raises(ExemptionError) as info:
        normalise("vexatious", "foia")
    assert "did you mean s14, s14(1)?" in str(info.value)


def test_wrong_act_suggests_the_equivalent() -> None:
    with pytest.raises(ExemptionError) as info:
        normalise("s43(2)", "foisa")
    assert str(info.value) == (
        "'s43(2)' is not a FOISA exemption; the FOISA equivalent of FOIA s43(2)"
        " (Commercial interests: prejudice) is s33(1)(b)"
        " (see 'foi exemptions list --regime foisa')"
    )
    with pytest.raises(ExemptionError, match=r"EIR equivalent of FOIA s12 .* is r12\(4\)\(b\)"):
        normalise("s12", "eir")
    with pytest.raises(ExemptionError, match=r"is sch2p16 or art15\(4\)"):
        normalise("s40(2)", "sar")


def test_named_act_must_match_the_request() -> None:
    with pytest.raises(ExemptionError) as info:
        normalise("FOISA s38(1)(b)", "foia")
    assert str(info.value) == (
        "'FOISA s38(1)(b)' names FOISA, but this request is under FOIA; did you mean s40(2)?"
        " (see 'foi exemptions list --regime foia')"
    )


def test_eir_not_held_exception_under_foia_points_to_outcome() -> None:
    with pytest.raises(ExemptionError) as info:
        normalise("reg 12(4)(a)", "foia")
    assert "'--outcome not-held'" in str(info.value)


def test_other_eir_exception_under_foia_suggests_equivalent() -> None:
    with pytest.raises(ExemptionError, match=r"FOIA equivalent of EIR r12\(5\)\(e\).* is s43"):
        normalise("reg 12(5)(e)", "foia")


@pytest.mark.parametrize(
    "text", ["not held", "Not held", "NOT-HELD", "information not held", "nothing held", "nh"]
)
@pytest.mark.parametrize("regime", ["foia", "foisa", "sar"])
def test_not_held_is_an_outcome(text: str, regime: str) -> None:
    with pytest.raises(ExemptionError) as info:
        normalise(text, regime)
    assert str(info.value) == (
        f"'{text}' is an outcome, not an exemption; record it with '--outcome not-held'"
    )


def test_not_held_under_eir_mentions_the_exception() -> None:
    with pytest.raises(ExemptionError, match=r"r12\(4\)\(a\) too if the body cited it"):
        normalise("not held", "eir")


@pytest.mark.parametrize(("text", "regime"), [("s1(1)(a)", "foia"), ("s17", "foisa")])
def test_not_held_sections_point_to_outcome(text: str, regime: str) -> None:
    with pytest.raises(ExemptionError, match="'--outcome not-held'"):
        normalise(text, regime)


def test_refusal_notice_is_not_an_exemption() -> None:
    with pytest.raises(ExemptionError, match="the refusal notice itself"):
        normalise("section 17", "foia")


def test_body_outside_foi() -> None:
    with pytest.raises(ExemptionError, match=r"not subject to FOI \(regime 'none'\)"):
        normalise("s40(2)", "none")
    with pytest.raises(ExemptionError, match="not subject to FOI"):
        catalogue("none")


def test_unknown_regime() -> None:
    with pytest.raises(ExemptionError) as info:
        normalise("s40(2)", "gdpr")
    assert str(info.value) == "unknown regime 'gdpr'; use one of foia, eir, foisa, sar"


def test_empty_exemption() -> None:
    with pytest.raises(ExemptionError, match="an exemption is empty"):
        normalise("  ", "foia")


def test_error_is_a_one_line_usage_error() -> None:
    with pytest.raises(ExemptionError) as info:
        normalise("s99", "foia")
    assert isinstance(info.value, UsageError)
    assert isinstance(info.value, ValueError)
    assert info.value.exit_code == 2
    assert "\n" not in str(info.value)


def test_every_message_is_one_line() -> None:
    for regime in REGIMES:
        for text in ["s99", "s43(2)", "reg 12(4)(a)", "not held", "s17", "x y z", "FOIA s40(2)"]:
            try:
                normalise(text, regime)
            except ExemptionError as exc:
                assert "\n" not in str(exc)


@pytest.mark.parametrize(
    ("text", "question", "code"),
    [
        ("3:s43(2)", 3, "s43(2)"),
        ("3: section 43(2)", 3, "s43(2)"),
        ("Q3:s43(2)", 3, "s43(2)"),
        ("12:s40(2)", 12, "s40(2)"),
        ("s12", None, "s12"),
        ("s40(2)", None, "s40(2)"),
    ],
)
def test_parse_exemption_arg(text: str, question: int | None, code: str) -> None:
    q, ex = parse_exemption_arg(text, "foia")
    assert q == question
    assert ex.code == code


def test_parse_exemption_arg_per_question_under_eir() -> None:
    assert parse_exemption_arg("2:12(5)(e)", "eir") == (2, normalise("r12(5)(e)", "eir"))


def test_parse_exemption_arg_errors() -> None:
    with pytest.raises(ExemptionError, match="question numbers start at 1"):
        parse_exemption_arg("0:s40(2)", "foia")
    with pytest.raises(ExemptionError, match="names question 3 but no exemption"):
        parse_exemption_arg("3:", "foia")
    with pytest.raises(ExemptionError, match="'s99' is not a FOIA exemption"):
        parse_exemption_arg("3:s99", "foia")


@pytest.mark.parametrize("regime", REGIMES)
def test_catalogue_codes_unique_and_titled(regime: str) -> None:
    entries = catalogue(regime)
    codes = [ex.code for ex in entries]
    assert len(codes) == len(set(codes))
    for ex in entries:
        assert ex.title.strip()
        assert ex.regime == regime
        assert ex.code.startswith(ex.family)
        assert re.fullmatch(r"[a-z]+\d+[A-Z]?(p\d+)?(\([0-9A-Za-z]+\))*", ex.code), ex.code
        assert len(ex.code) <= 40  # the exemptions.section column


def test_foia_has_every_part_ii_exemption() -> None:
    codes = {ex.code for ex in catalogue("foia")}
    for section in [*range(21, 25), *range(26, 45)]:
        assert f"s{section}" in codes
    assert "s22A" in codes
    for code in [
        "s12(1)",
        "s12(2)",
        "s14(1)",
        "s14(2)",
        "s40(1)",
        "s40(2)",
        "s40(5A)",
        "s40(5B)",
        "s31(1)(a)",
        "s31(1)(b)",
        "s31(1)(c)",
        "s31(1)(g)",
        "s36(2)(b)(i)",
        "s36(2)(b)(ii)",
        "s36(2)(c)",
        "s43(1)",
        "s43(2)",
        "s38(1)(a)",
        "s38(1)(b)",
        "s41(1)",
    ]:
        assert code in codes


def test_eir_has_every_exception() -> None:
    codes = {ex.code for ex in catalogue("eir")}
    for letter in "abcde":
        assert f"r12(4)({letter})" in codes
    for letter in "abcdefg":
        assert f"r12(5)({letter})" in codes
    assert "r13" in codes


def test_catalogue_returns_a_copy() -> None:
    catalogue("foia").clear()
    assert catalogue("foia")


def test_equivalence_table_names_real_codes() -> None:
    for group in _EQUIVALENTS:
        for regime, codes in group.items():
            for code in codes:
                assert lookup(code, regime) is not None, (regime, code)


def test_equivalents() -> None:
    assert [e.code for e in equivalents(normalise("s40(2)", "foia"), "foisa")] == ["s38(1)(b)"]
    # Falls back to the section when the subsection has no entry of its own.
    assert [e.code for e in equivalents(normalise("s30(1)(a)", "foia"), "foisa")] == ["s34(1)"]
    assert equivalents(normalise("s34", "foia"), "foisa") == []


def test_lookup() -> None:
    assert lookup("s40(2)", "foia") == normalise("s40(2)", "foia")
    assert lookup("section 40(2)", "foia") is None
    assert lookup("s99", "foia") is None


def test_matching_family_and_subtree() -> None:
    assert [e.code for e in matching("section 40", "foia")] == [
        "s40",
        "s40(1)",
        "s40(2)",
        "s40(5A)",
        "s40(5B)",
    ]
    with pytest.raises(ExemptionError):
        matching("s36(2)(b)", "foia")  # not an entry of its own
    assert [e.code for e in matching("s38(1)", "foia")] == ["s38(1)", "s38(1)(a)", "s38(1)(b)"]
    assert [e.code for e in matching("s40(2)", "foia")] == ["s40(2)"]
