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
  not removed alone: a town is in many bodies' names;
- an email written out to dodge harvesters: "jo.bloggs at example dot org",
  "jo.bloggs [at] example [dot] org", "jo.bloggs (at) example.org".

Text is matched after `normalise` (NFKC, format characters removed), so a name split by a
zero-width space or a soft hyphen, or typed in full-width letters, is still found. Text that
needs no normalising comes back unchanged except for the details removed; text that does
comes back normalised. `normalise` is the one place that rule lives: whatever else redacts
(the site, exports, attachments) imports it.

One pass per text: the terms are one regular expression that first checks the character
in hand can start a term, and each distinct text is redacted once (letters repeat).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

NAME = "[name removed]"
EMAIL = "[email removed]"
ADDRESS = "[address removed]"

_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b", re.IGNORECASE)
KEEP_WORDS = frozenset(
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


# Unicode's format characters (category Cf: soft hyphen, zero-width space and joiners,
# direction marks, the byte-order mark, tags …), as of Unicode 15; a test holds this equal
# to the running Python's own table.
_FORMAT = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)
# Written-out '@' and '.' in an email: " at ", "[at]", "(at)", " dot ", "[dot]", "(dot)".
_AT = r"(?:\s*[\[(<{]\s*(?:at|@)\s*[\])>}]\s*|\s+at\s+|\s*@\s*)"
_DOT = r"(?:\s*[\[(<{]\s*(?:dot|\.)\s*[\])>}]\s*|\s+dot\s+|\.)"
_CACHE_SIZE = 4096  # distinct texts remembered per redactor (a campaign repeats its letters)


def normalise(text: str) -> str:
    """`text` in NFKC with Unicode format characters removed; unchanged if already so.

    What redaction matches against: full-width letters become ASCII, ligatures and
    compatibility forms their plain letters, and soft hyphens, zero-width spaces and joiners
    and direction marks inside a word are dropped. Pure; cheap on text that needs nothing.
    """
    if unicodedata.is_normalized("NFKC", text) and not _FORMAT.search(text):
        return text
    # Removing a format character can bring together what NFKC composes, so strip first.
    return unicodedata.normalize("NFKC", _FORMAT.sub("", text))


def _email_pattern(email: str) -> str:
    """An email as written, or with its '@' and dots spelt out ("jo at example dot org")."""
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        return re.escape(email)

    def dotted(part: str) -> str:
        return _DOT.join(re.escape(p) for p in part.split("."))

    return dotted(local) + _AT + dotted(domain)


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
    _cache: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __call__(self, text: str | None) -> str | None:
        """The text with every known detail replaced (None stays None)."""
        if text is None or self._compiled is None:
            return text
        done = self._cache.get(text)
        if done is None:
            by_group = self._by_group
            done = self._compiled.sub(lambda m: by_group[m.lastindex - 1], normalise(text))  # type: ignore[operator]
            if len(self._cache) >= _CACHE_SIZE:
                self._cache.clear()  # bounded: memory stays flat however many texts pass
            self._cache[text] = done
        return done

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
    emails = [normalise(e) for e in emails if e]
    addresses = [normalise(a) for a in addresses if a]
    names = [normalise(n) for n in names if n]
    for email in emails:
        if email and email.strip():
            found[re.escape(email.strip())] = EMAIL
            found[_email_pattern(email.strip())] = EMAIL
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
            if len(word) >= 3 and word.casefold() not in KEEP_WORDS:
                found[re.escape(word)] = NAME
    found.pop("", None)  # an address of commas alone would match everywhere
    # Longest first, so a whole name or address goes before any of its parts.
    terms = sorted(found.items(), key=lambda kv: (-len(kv[0]), kv[0]))
    red = Redactor(terms=terms)
    if terms:
        red._compiled = re.compile(_one_pass(terms), re.IGNORECASE)
        red._by_group = [rep for _, rep in terms]
    return red


def _one_pass(terms: list[tuple[str, str]]) -> str:
    """The terms as one expression, alternatives in order, each its own group.

    Word boundaries only where a term starts or ends with a word character, so "Ann" is not
    taken out of "Annual" yet "[email]" patterns still match. Two things make it fast and
    change no match: a lookahead for the characters any term can start with (every term
    starts with a literal character), so most positions are passed over at once; and one
    lookbehind shared by each run of consecutive terms that need it.
    """
    runs: list[tuple[bool, list[str]]] = []
    firsts: set[str] = set()
    for pattern, _ in terms:
        first = _unescape_first(pattern)[0]
        firsts.add(first)
        lead = re.match(r"\w", first) is not None
        tail = r"(?!\w)" if re.search(r"\w$", pattern) else ""
        if runs and runs[-1][0] == lead:
            runs[-1][1].append(f"({pattern}{tail})")
        else:
            runs.append((lead, [f"({pattern}{tail})"]))
    alternatives = "|".join(
        (r"(?<!\w)(?:" if lead else "(?:") + "|".join(parts) + ")" for lead, parts in runs
    )
    starts = "".join(re.escape(c) for c in sorted(firsts))
    return f"(?=[{starts}])(?:{alternatives})"


def _unescape_first(pattern: str) -> str:
    return pattern[1:] if pattern.startswith("\\") else pattern
