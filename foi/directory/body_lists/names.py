"""Proper-casing the upper-case names and addresses of the NHS ODS extract.

"KING'S COLLEGE HOSPITAL NHS FOUNDATION TRUST" becomes "King's College Hospital NHS Foundation
Trust": small words stay lower case, NHS, UK and codes stay upper case, O'Brien and McKinley
keep their capitals, and in an address the postcode stays upper case. Pure string work.
"""

from __future__ import annotations

import itertools
import re

_SMALL_WORDS = frozenset(
    {
        "and",
        "of",
        "the",
        "for",
        "upon",
        "on",
        "in",
        "at",
        "by",
        "with",
        "under",
        "super",
        "le",
        "en",
    }
)
_UPPER_WORDS = frozenset({"NHS", "UK", "HQ", "ICB", "CCG", "PO", "FT"})
_TOKEN_RE = re.compile(r"[A-Za-z0-9']+")
_POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def proper_case(text: str) -> str:
    """Turn an upper-case ODS name or address line into proper case ("KING'S" -> "King's")."""
    out: list[str] = []
    pos = 0
    first = True
    for match in _TOKEN_RE.finditer(text):
        out.append(text[pos : match.start()])
        word = match.group()
        out.append(_case_word(word, first))
        first = word[0].isdigit()  # "729 THE RIDGE" -> "729 The Ridge"
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


def _case_word(word: str, first: bool) -> str:
    upper = word.upper()
    if upper in _UPPER_WORDS:
        return upper
    if not first and word.lower() in _SMALL_WORDS:
        return word.lower()
    if word[0].isdigit():  # "4TH" -> "4th", "2GETHER" -> "2gether"
        return word.lower()
    if any(ch.isdigit() for ch in word):  # "M13", "B1": codes keep their case
        return upper
    if len(word) > 3 and upper.startswith("MC") and word.isupper():  # MCKINLEY -> McKinley
        return "Mc" + word[2].upper() + word[3:].lower()
    parts = word.split("'")
    cased = [parts[0][:1].upper() + parts[0][1:].lower()]
    for prev, part in itertools.pairwise(parts):
        # O'BRIEN -> O'Brien, but KING'S -> King's and THOMAS' -> Thomas'
        cased.append(part[:1].upper() + part[1:].lower() if len(prev) == 1 else part.lower())
    return "'".join(cased)


def proper_case_address(lines: list[str]) -> str:
    """Join ODS address lines into one line, proper-cased, postcode kept upper case."""
    parts = []
    for raw in lines:
        value = " ".join(raw.split())
        if not value:
            continue
        parts.append(value.upper() if _POSTCODE_RE.match(value.upper()) else proper_case(value))
    return ", ".join(parts)
