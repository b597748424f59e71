"""Checks on a rendered letter (length, questions, subject), which templates suit which body,
and the sample context `foi template check` and previews render with.

Pure: no database, no printing, no clock (the caller passes ``today``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from foi.letters.templates import (
    MAX_QUESTIONS,
    MAX_SUBJECT_CHARS,
    MAX_WORDS,
    MAX_WORDS_BY_PURPOSE,
    Letter,
    SampleVars,
    TemplateInfo,
)

# An authority-style reference in a subject: the sender adds the request's own token.
_REFERENCE_LIKE_RE = re.compile(r"\b[A-Z]{2,6}-\d{4}-\d{3,}\b")


def word_limit(info: TemplateInfo) -> int:
    """The word budget of a template: its own max_words, else its purpose's."""
    if info.max_words is not None:
        return info.max_words
    return MAX_WORDS_BY_PURPOSE.get(info.purpose, MAX_WORDS)


def check_letter(info: TemplateInfo, letter: Letter) -> list[str]:
    """Warnings about a rendered letter: length, questions, subject."""
    warnings: list[str] = []
    limit = word_limit(info)
    if letter.word_count > limit:
        risk = ""
        if info.purpose == "request":
            risk = " - a s.12 cost refusal risk; split it into several letters"
        warnings.append(f"over-long: {letter.word_count} words (limit {limit}){risk}")
    if len(info.questions) > MAX_QUESTIONS:
        warnings.append(
            f"too many questions: {len(info.questions)} (more than {MAX_QUESTIONS}) - "
            "split them across letters"
        )
    if info.purpose in ("request", "sar") and not info.questions:
        warnings.append("no questions in the front matter: replies cannot be logged per question")
    flat_text = " ".join(letter.text.split())
    for q in info.questions:
        if not q.text.strip():
            warnings.append(f"empty question: question {q.number} has no text")
        elif f"{q.number}. {q.text}" not in flat_text:
            warnings.append(
                f"question {q.number} is not in the letter as numbered "
                "(render questions with a loop over 'questions')"
            )
    found = _REFERENCE_LIKE_RE.search(letter.subject)
    if found:
        warnings.append(
            f"subject contains a reference ('{found.group(0)}'); the sender adds the token itself"
        )
    if len(letter.subject) > MAX_SUBJECT_CHARS:
        warnings.append(
            f"long subject: {len(letter.subject)} characters (keep it under {MAX_SUBJECT_CHARS})"
        )
    return warnings


def suits(info: TemplateInfo, body: Mapping[str, Any]) -> bool:
    """Whether a template is meant for a body: its kind, and its FOI regime if it has one."""
    kind = body.get("kind")
    if "any" not in info.kinds and kind not in info.kinds:
        return False
    if info.regime in ("any", "sar"):
        return True
    regime = body.get("regime") or "foia"
    if info.regime == "eir":
        # EIR applies to the same English and Welsh bodies as FOIA.
        return regime in ("foia", "eir")
    return regime == info.regime


_BODY_DEFAULTS: dict[str, Any] = {
    "name": "[body name]",
    "kind": None,
    "ods_code": None,
    "police_id": None,
    "aliases": [],
    "region": None,
    "local_name": None,
    "wdtk_url_name": None,
    "regime": "foia",
}


def _add_weekdays(start: date, days: int) -> date:
    """start plus days weekdays (no holidays: good enough for a sample)."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def _weekdays_after(start: date, end: date) -> int:
    """Weekdays after start up to and including end (0 if end is not later)."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    return count


def sample_context(body: Mapping[str, Any], today: date, **overrides: Any) -> dict[str, Any]:
    """A full letter context with placeholder requester and request, for previews and checks.

    The request is eight weeks old and unanswered. Overrides replace top-level keys; a mapping
    given for a key that holds a mapping (request, requester, campaign, body, vars) is merged
    into it. The sample ``vars`` answer any name not given with a "[name]" placeholder.
    """
    sent_on = today - timedelta(weeks=8)
    due_on = _add_weekdays(sent_on, 20)
    context: dict[str, Any] = {
        "body": {**_BODY_DEFAULTS, **dict(body)},
        "requester": {
            "name": "[Your name]",
            "email": "requester@example.org",
            "address": None,
        },
        "campaign": {
            "name": "[Campaign name]",
            "description": "Finding out where Serenity Integrated Mentoring and similar "
            "models were and are used.",
        },
        "request": {
            "reference": f"FOI-{today.year}-0000",
            "title": "Serenity Integrated Mentoring (SIM) and equivalent services",
            "regime": None,
            "sent_on": sent_on,
            "due_on": due_on,
            "authority_ref": None,
            "days_late": _weekdays_after(due_on, today) or None,
            "response_on": None,
            "outcome": None,
            "exemptions": [],
            "original_subject": "Freedom of Information request - Serenity Integrated "
            "Mentoring (SIM) and equivalent services",
            "original_text": "[the text of the original request]",
        },
        "prior_requests": [],
        # A summary chaser lists every overdue request to one body.
        "covered": [
            {
                "reference": f"FOI-{today.year}-000{n}",
                "title": title,
                "sent_on": sent_on,
                "due_on": due_on,
                "days_late": _weekdays_after(due_on, today) or None,
                "authority_ref": None,
            }
            for n, title in (
                (1, "Serenity Integrated Mentoring (SIM) and equivalent services"),
                (2, "Data sharing with police for SIM-like services"),
            )
        ],
        "today": today,
        "vars": SampleVars(),
    }
    for key, value in overrides.items():
        current = context.get(key)
        if key == "vars" and isinstance(value, Mapping):
            context[key] = SampleVars({**context["vars"], **value})
        elif isinstance(current, dict) and isinstance(value, Mapping):
            context[key] = {**current, **value}
        else:
            context[key] = value
    return context
