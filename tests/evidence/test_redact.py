"""Removing requesters' and volunteers' details from text."""

from __future__ import annotations

from foi.evidence.redact import build_redactor

RED = build_redactor(
    names=["Jane Quillfeather", "Vera Volunteerson", None],
    emails=["jane.quillfeather@quillmail.org.uk"],
    addresses=["12 Acacia Avenue\nLeeds LS1 4AB"],
)


def test_names_emails_and_addresses_go_wherever_they_occur() -> None:
    text = (
        "Dear Ms Quillfeather,\nJane  Quillfeather <JANE.QUILLFEATHER@quillmail.org.uk>\n"
        "12 Acacia Avenue, Leeds LS1 4AB\nPostcode: ls14ab. Checked by Vera."
    )
    assert RED(text) == (
        "Dear Ms [name removed],\n[name removed] <[email removed]>\n"
        "[address removed]\nPostcode: [address removed]. Checked by [name removed]."
    )


def test_towns_months_and_parts_of_words_stay() -> None:
    text = "Leeds and York Partnership NHS FT, Annual report, May 2021, Janet Jones"
    assert RED(text) == text
    assert RED(None) is None
    assert build_redactor()("Jane") == "Jane"


def test_values_inside_lists_and_dicts() -> None:
    assert RED.value({"a": ["Jane Quillfeather", 3], "b": None}) == {
        "a": ["[name removed]", 3],
        "b": None,
    }
