"""Removing requesters' and volunteers' details from text before anything is published.

FragDenStaat's rule, applied wherever text leaves foi for the public: the requester's name,
email and postal address are replaced wherever they occur (letters are signed with them and
replies quote them), and so are volunteers' names. Pure: the caller gathers the people.

What counts as a match, and why:
- an email address, in any case;
- a name whole, and each of its words of three letters or more (replies say "Dear Ms Quill");
  month names and a few common words are never taken alone, so dates survive;
- a postal address whole, each of its lines or comma parts that holds a digit (the street
  line, the postcode line), and any UK postcode in it. Parts without a digit (a town) are
  not removed alone: a town is in many bodies' names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

NAME = "[name removed]"
EMAIL = "[email removed]"
ADDRESS = "[address removed]"

_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b", re.IGNORECASE)
_KEEP_WORDS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "the",
        "and",
        "for",
        "mrs",
        "miss",
        "nhs",
        "trust",
        "foundation",
        "police",
    ]
)


def _flexible(text: str) -> str:
    """A pattern for `text` that allows any run of spaces, commas or newlines between words."""
    words = [re.escape(w) for w in re.split(r"[\s,]+", text.strip()) if w]
    return r"[\s,]+".join(words)


@dataclass
class Redactor:
    """Replaces known people's details in text; build one with `build_redactor`."""

    terms: list[tuple[str, str]] = field(default_factory=list)  # (pattern, replacement)
    _compiled: re.Pattern[str] | None = None
    _by_group: list[str] = field(default_factory=list)

    def __call__(self, text: str | None) -> str | None:
        """The text with every known detail replaced (None stays None)."""
        if text is None or self._compiled is None:
            return text
        return self._compiled.sub(lambda m: self._by_group[m.lastindex - 1], text)  # type: ignore[operator]

    def value(self, value: Any) -> Any:
        """Redact a string, or every string inside a list or dict; other values unchanged."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value


def build_redactor(
    names: Iterable[str | None] = (),
    emails: Iterable[str | None] = (),
    addresses: Iterable[str | None] = (),
) -> Redactor:
    """A redactor for these people's names, emails and postal addresses."""
    found: dict[str, str] = {}
    for email in emails:
        if email and email.strip():
            found[re.escape(email.strip())] = EMAIL
    for address in addresses:
        if not address or not address.strip():
            continue
        found[_flexible(address)] = ADDRESS
        for part in re.split(r"[\n,]+", address):
            part = part.strip()
            if part and any(ch.isdigit() for ch in part):
                found[_flexible(part)] = ADDRESS
        for code in _POSTCODE.findall(address):
            found[r"\s?".join(re.escape(c) for c in code.replace(" ", ""))] = ADDRESS
    for name in names:
        if not name or not name.strip():
            continue
        found[_flexible(name)] = NAME
        for word in re.split(r"[\s,.]+", name):
            if len(word) >= 3 and word.casefold() not in _KEEP_WORDS:
                found[re.escape(word)] = NAME
    # Longest first, so a whole name or address goes before any of its parts.
    terms = sorted(found.items(), key=lambda kv: (-len(kv[0]), kv[0]))
    red = Redactor(terms=terms)
    if terms:
        # Word boundaries only where the term starts or ends with a word character, so
        # "Ann" is not taken out of "Annual" yet "[email]" patterns still match.
        parts = []
        for pattern, _ in terms:
            lead = r"(?<!\w)" if re.match(r"\w", _unescape_first(pattern)) else ""
            tail = r"(?!\w)" if re.search(r"\w$", pattern) else ""
            parts.append(f"({lead}{pattern}{tail})")
        red._compiled = re.compile("|".join(parts), re.IGNORECASE)
        red._by_group = [rep for _, rep in terms]
    return red


def _unescape_first(pattern: str) -> str:
    return pattern[1:] if pattern.startswith("\\") else pattern
