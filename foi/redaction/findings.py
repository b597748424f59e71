"""Finding personal data in the text of a file's pages (pure: no database, no files).

Each `Finding` names its kind, the page it is on and the span of text (offsets into the
page's *normalised* text, see `normalise`). What is looked for, and why:

- the requester's and volunteers' names (whole, and each word of three letters or more,
  since replies say "Dear Ms Taylor"), their emails, and their postal addresses (whole, each
  line or comma part holding a digit, and the postcode);
- any email address, including "sam at example dot org" and "sam(at)example.org";
- UK phone numbers (+44 or 0, then 9 or 10 digits, spaces, dashes or brackets between);
- UK postcodes (the Royal Mail format, capitals);
- NHS numbers: ten digits (3-3-4 or together) whose check digit is right (modulus 11);
- dates of birth: a date after "date of birth", "DOB" or "born";
- terms the campaign lists (an officer's name, a ward), whole words, any case.

Text is normalised first (NFKC, which folds full-width letters and ligatures; format
characters such as zero-width spaces and soft hyphens removed), so "sam\u200b@example.org"
or "Ｔａｙｌｏｒ" is still found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from foi.evidence.redact import KEEP_WORDS, normalise  # one text form for site and files

KINDS = (
    "name",
    "email",
    "address",
    "postcode",
    "phone",
    "nhs-number",
    "date-of-birth",
    "term",
)

# Words of a name never taken alone: titles, months, common words.
_KEEP_WORDS = KEEP_WORDS | frozenset(["service", "team", "council"])

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# "sam at example dot org", "sam [at] example [dot] org", "sam(at)example.org"
_AT = r"(?:\s*[\[(<{]\s*at\s*[\])>}]\s*|\s+at\s+)"
_DOT = r"(?:\s*[\[(<{]\s*dot\s*[\])>}]\s*|\s+dot\s+|\.)"
_OBFUSCATED = re.compile(
    rf"(?<![\w.+-])[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}"
    r"(?:com|org|net|gov|nhs|uk|ac|co|edu|info|io|me|police|scot|wales)\b",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"(?<![\w+])(?:\+44[\s-]?(?:\(0\)[\s-]?)?|\(?0)\d(?:[\s\-()]{0,2}\d){8,9}(?![\d])"
)
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]? ?[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])"
)
_NHS = re.compile(r"(?<![\d])(\d{3})[\s-]?(\d{3})[\s-]?(\d{4})(?![\d])")
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\.?,?\s+\d{{4}}|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
_DOB = re.compile(
    rf"(?:date\s+of\s+birth|d\.?\s?o\.?\s?b\.?|born(?:\s+on)?)\s*[:\-]?\s*({_DATE})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its kind, page (from 1), span and text."""

    kind: str
    page: int
    start: int
    end: int
    text: str
    why: str = ""  # e.g. "the requester's address"

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "page": self.page,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "why": self.why,
        }


@dataclass(frozen=True)
class Person:
    """Someone whose details must not be published: a requester or a volunteer."""

    role: str  # "requester" | "volunteer"
    name: str | None = None
    email: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Watchlist:
    """Everything to look for besides the patterns: people and the campaign's terms."""

    people: Sequence[Person] = ()
    terms: Sequence[str] = field(default_factory=tuple)


def nhs_number_valid(digits: str) -> bool:
    """Whether ten digits are an NHS number: the modulus 11 check digit is right."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _flexible(text: str) -> str:
    """A pattern for `text` with any run of spaces, commas or line breaks between its words."""
    words = [re.escape(w) for w in re.split(r"[\s,]+", normalise(text).strip()) if w]
    return r"[\s,]+".join(words)


def _bounded(pattern: str, sample: str) -> str:
    """Word boundaries on the sides of `pattern` that start or end with a word character."""
    lead = r"(?<!\w)" if re.match(r"\w", sample) else ""
    tail = r"(?!\w)" if re.search(r"\w$", sample) else ""
    return f"{lead}(?:{pattern}){tail}"


def _people_patterns(watch: Watchlist) -> list[tuple[str, re.Pattern[str], str]]:
    """(kind, pattern, why) for each person's details and each campaign term, longest first."""
    found: dict[tuple[str, str], str] = {}
    for person in watch.people:
        who = f"the {person.role}'s"
        if person.email and person.email.strip():
            email = normalise(person.email.strip())
            found[("email", _bounded(re.escape(email), email))] = f"{who} email"
        if person.address and person.address.strip():
            address = normalise(person.address)
            found[("address", _bounded(_flexible(address), address.strip()))] = f"{who} address"
            for part in re.split(r"[\n,]+", address):
                part = part.strip()
                if part and any(ch.isdigit() for ch in part):
                    found[("address", _bounded(_flexible(part), part))] = f"{who} address"
            for code in _POSTCODE.findall(address.upper()):
                compact = code.replace(" ", "")
                pat = re.escape(compact[:-3]) + r"\s?" + re.escape(compact[-3:])
                found[("address", _bounded(pat, compact))] = f"{who} postcode"
        if person.name and person.name.strip():
            name = normalise(person.name)
            found[("name", _bounded(_flexible(name), name.strip()))] = f"{who} name"
            for word in re.split(r"[\s,.]+", name):
                if len(word) >= 3 and word.casefold() not in _KEEP_WORDS:
                    found[("name", _bounded(re.escape(word), word))] = f"{who} name"
    for term in watch.terms:
        if term and term.strip():
            t = normalise(term.strip())
            found[("term", _bounded(_flexible(t), t))] = "a term the campaign lists"
    ordered = sorted(found.items(), key=lambda kv: (-len(kv[0][1]), kv[0][1]))
    return [(kind, re.compile(pat, re.IGNORECASE), why) for (kind, pat), why in ordered]


def _pattern_findings(page: int, text: str) -> Iterable[Finding]:
    """Findings of the patterns that need no list: emails, phones, postcodes, NHS numbers, DOBs."""
    for m in _EMAIL.finditer(text):
        yield Finding("email", page, m.start(), m.end(), m.group(), "an email address")
    for m in _OBFUSCATED.finditer(text):
        if "@" not in m.group():
            yield Finding("email", page, m.start(), m.end(), m.group(), "an email address")
    for m in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        national = digits[2:] if m.group().startswith("+") else digits
        national = national[1:] if national.startswith("0") else national
        if len(national) in (9, 10) and national[0] in "1235789":
            yield Finding("phone", page, m.start(), m.end(), m.group(), "a UK phone number")
    for m in _POSTCODE.finditer(text):
        yield Finding("postcode", page, m.start(), m.end(), m.group(), "a postcode")
    for m in _NHS.finditer(text):
        if nhs_number_valid("".join(m.groups())):
            yield Finding("nhs-number", page, m.start(), m.end(), m.group(), "an NHS number")
    for m in _DOB.finditer(text):
        yield Finding("date-of-birth", page, m.start(1), m.end(1), m.group(1), "a date of birth")


def find_personal_data(
    pages: Iterable[tuple[int, str]], watch: Watchlist = Watchlist()
) -> list[Finding]:
    """Every finding in the pages ((page number, text) pairs), by page and position.

    Spans are offsets into `normalise(text)`. Where two findings overlap, the longer one
    (or the one about a known person) is kept, so an address is one finding, not three.
    """
    people = _people_patterns(watch)
    results: list[Finding] = []
    for page, raw in pages:
        text = normalise(raw or "")
        found: list[Finding] = []
        for kind, pattern, why in people:
            found += [
                Finding(kind, page, m.start(), m.end(), m.group(), why)
                for m in pattern.finditer(text)
            ]
        found += list(_pattern_findings(page, text))
        results += _without_overlaps(found)
    return sorted(results, key=lambda f: (f.page, f.start, -f.end))


def _without_overlaps(found: list[Finding]) -> list[Finding]:
    """Keep the longest of overlapping findings (known people's before patterns on a tie)."""
    rank = {"name": 0, "address": 0, "term": 0, "email": 1, "nhs-number": 1}
    kept: list[Finding] = []
    for f in sorted(found, key=lambda f: (-(f.end - f.start), rank.get(f.kind, 2), f.start)):
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return kept


def summary(findings: Sequence[Finding]) -> str:
    """'3 findings: address (page 2), name (pages 1, 2)' — for one line of output."""
    pages: dict[str, list[int]] = {}
    for f in findings:
        pages.setdefault(f.kind, [])
        if f.page not in pages[f.kind]:
            pages[f.kind].append(f.page)
    parts = [
        f"{kind} (page{'s' if len(ps) > 1 else ''} {', '.join(str(p) for p in sorted(ps))})"
        for kind, ps in pages.items()
    ]
    n = len(findings)
    return f"{n} finding{'s' if n != 1 else ''}: " + "; ".join(parts)
