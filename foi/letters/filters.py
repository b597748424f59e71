"""The filters letter templates may use: dates, plurals, lists, wrapping, exemption sections.

Pure functions of their arguments, registered in the sandboxed environment by
``foi.letters.templates`` as ``FILTERS``: longdate, textdate, isodate, plural, and_list,
humanise, ucfirst, topic, wrap, hang, numbered, section_key, section_name, section_title,
section_lookup (documented for template authors in templates/README.md).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _as_date(value: Any, filter_name: str) -> date:
    """A date from a date, datetime or ISO string, or a clear error."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    if value is None:
        raise ValueError(f"{filter_name}: no date (the value is empty)")
    raise ValueError(f"{filter_name}: expected a date, got {value!r}")


def longdate(value: Any) -> str:
    """'27 November 2026' (English month names whatever the locale)."""
    d = _as_date(value, "longdate")
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def textdate(value: Any) -> str:
    """A date a user typed, in the letter's one style: ISO becomes '3 December 2026', any
    other wording ("early December") is kept as given."""
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                return longdate(date.fromisoformat(text))
            except ValueError:
                return text
        return text
    return longdate(value)


def isodate(value: Any) -> str:
    """'2026-11-27'."""
    return _as_date(value, "isodate").isoformat()


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 working day', '3 working days'."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def and_list(items: Iterable[Any], conjunction: str = "and") -> str:
    """'a, b and c' (no Oxford comma)."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def humanise(value: Any) -> str:
    """'partially_successful' -> 'partially successful'; None -> ''."""
    if value is None:
        return ""
    return " ".join(str(value).replace("_", " ").replace("-", " ").split())


def _wrap_paragraphs(text: str, width: int, first: str, rest: str) -> str:
    """Fill each paragraph of text to width; the first line starts with first."""
    paragraphs = [p for p in re.split(r"\n\s*\n", str(text).strip()) if p.strip()]
    out = []
    for i, paragraph in enumerate(paragraphs):
        out.append(
            textwrap.fill(
                " ".join(paragraph.split()),
                width=width,
                initial_indent=first if i == 0 else rest,
                subsequent_indent=rest,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n\n".join(out)


_LETTER_PREFIX_RE = re.compile(
    r"^\s*(?:(?:re|fwd?|fw)\s*:\s*)*"
    r"(?:freedom of information(?: \(scotland\))? request|foi(?:sa)? request"
    r"|environmental information request|eir request|subject access request"
    r"|internal review request|overdue request)\s*(?:[-–—:]\s*)?",
    re.IGNORECASE,
)


def topic(title: Any) -> str:
    """A request's title without 'Re:' or a 'Freedom of Information request - ' prefix."""
    text = " ".join(str(title).split())
    return _LETTER_PREFIX_RE.sub("", text).strip() or text


def ucfirst(text: Any) -> str:
    """The text with its first letter upper case and the rest unchanged."""
    text = str(text)
    return text[:1].upper() + text[1:]


def hang(text: Any, prefix: str = "", width: int = 76) -> str:
    """Wrap text to width with prefix on the first line and a hanging indent after it."""
    prefix = str(prefix)
    return _wrap_paragraphs(str(text), width, prefix, " " * len(prefix))


def wrap(text: Any, width: int = 76) -> str:
    """Wrap each paragraph of text to width."""
    return _wrap_paragraphs(str(text), width, "", "")


def numbered(question: Any, width: int = 76) -> str:
    """A question as '3. Text ...', wrapped with a hanging indent."""
    if isinstance(question, Mapping):
        number, text = question["number"], question["text"]
    else:
        number, text = question.number, question.text
    return hang(text, f"{number}. ", width)


_SECTION_RE = re.compile(
    r"^(?:(?P<reg>reg(?:ulation)?s?\.?|r\.?)|(?:s(?:ection|ect?)?s?\.?|§))?\s*"
    r"(?P<num>\d+[a-z]?)\s*(?P<sub>(?:\(\s*[0-9a-z]+\s*\)\s*)*)$",
    re.IGNORECASE,
)

_SECTION_TITLES: dict[str, str] = {
    "s12": "cost of compliance exceeds the appropriate limit",
    "s14": "vexatious or repeated requests",
    "s14(1)": "vexatious requests",
    "s14(2)": "repeated requests",
    "s21": "information accessible by other means",
    "s22": "information intended for future publication",
    "s23": "information supplied by or relating to security bodies",
    "s24": "national security",
    "s30": "investigations and proceedings",
    "s31": "law enforcement",
    "s32": "court records",
    "s35": "formulation of government policy",
    "s36": "prejudice to the effective conduct of public affairs",
    "s38": "health and safety",
    "s40": "personal information",
    "s41": "information provided in confidence",
    "s42": "legal professional privilege",
    "s43": "commercial interests",
    "s43(1)": "trade secrets",
    "s44": "prohibitions on disclosure",
    "reg12(4)(a)": "information not held",
    "reg12(4)(b)": "manifestly unreasonable request",
    "reg12(4)(d)": "material in the course of completion",
    "reg12(4)(e)": "internal communications",
    "reg12(5)(b)": "the course of justice",
    "reg12(5)(e)": "commercial confidentiality",
    "reg13": "personal data",
}


def section_key(code: Any) -> str:
    """A canonical key for a cited provision: 's.40(2)', 'Section 40 (2)' -> 's40(2)'."""
    raw = " ".join(str(code).strip().lower().split())
    match = _SECTION_RE.match(raw)
    if not match:
        return raw
    prefix = "reg" if match.group("reg") else "s"
    sub = re.sub(r"\s+", "", match.group("sub") or "")
    return f"{prefix}{match.group('num')}{sub}"


def _section_candidates(code: Any) -> list[str]:
    """The key and its parents: 's40(2)(a)' -> ['s40(2)(a)', 's40(2)', 's40']."""
    key = section_key(code)
    out = [key]
    while key.endswith(")") and "(" in key:
        key = key[: key.rindex("(")]
        out.append(key)
    return out


def section_name(code: Any) -> str:
    """How to write a cited provision in a letter: 's40(2)' -> 'section 40(2)'."""
    key = section_key(code)
    if key.startswith("reg") and key[3:4].isdigit():
        return "regulation " + key[3:]
    if key.startswith("s") and key[1:2].isdigit():
        return "section " + key[1:]
    return str(code).strip()


def section_title(code: Any) -> str:
    """The usual short title of a cited provision, or '' if unknown."""
    return section_lookup(_SECTION_TITLES, code, "")


def section_lookup(mapping: Mapping[str, Any], code: Any, default: Any = None) -> Any:
    """mapping's entry for a cited provision, trying its parents ('s40(2)' then 's40')."""
    keyed = {section_key(k): v for k, v in mapping.items()}
    for candidate in _section_candidates(code):
        if candidate in keyed:
            return keyed[candidate]
    return default


FILTERS: dict[str, Callable[..., Any]] = {
    "longdate": longdate,
    "textdate": textdate,
    "isodate": isodate,
    "plural": plural,
    "and_list": and_list,
    "humanise": humanise,
    "ucfirst": ucfirst,
    "topic": topic,
    "hang": hang,
    "wrap": wrap,
    "numbered": numbered,
    "section_key": section_key,
    "section_name": section_name,
    "section_title": section_title,
    "section_lookup": section_lookup,
}
