"""The results table as cells: CSV's stable machine columns, the workbook's sheets in words.

CSV (`foi report results --csv`, the site's ``data/results.csv``) keeps the column names of
``RESULT_COLUMNS`` and one ``qN`` column per question number: a stable contract for
scripts. The XLSX workbook is for people: headers in words, widths, an autofilter and a
frozen header on every sheet, dates as dates, rates as percentages, and one sheet per
question of each letter, headed by the question's text, so answers to different letters
(whose question 1 differ) are never in one column. Pure: rows in, cells out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

from foi.exports import PERCENT, Formatted, Sheet

# Columns of the results table, in order; `answers` becomes one column per question.
RESULT_COLUMNS = (
    "body",
    "kind",
    "ods_code",
    "police_id",
    "sim_status",
    "sim_evidence_source",
    "sim_evidence_on",
    "local_names",
    "requests",
    "latest_reference",
    "latest_status",
    "outcome",
    "sent_on",
    "due_on",
    "responded_on",
    "working_days",
    "late_by",
    "answered_in_time",
    "exemptions",
    "references",
    "evidence_sources",
    "wdtk_urls",
)

# The workbook's header for each column, and its width in characters.
HEADINGS: dict[str, tuple[str, float]] = {
    "body": ("Body", 44),
    "kind": ("Kind", 22),
    "ods_code": ("ODS code", 10),
    "police_id": ("Police force id", 16),
    "sim_status": ("SIM status", 14),
    "sim_evidence_source": ("SIM evidence source", 30),
    "sim_evidence_on": ("SIM evidence dated", 14),
    "local_names": ("Local names for SIM", 30),
    "requests": ("Requests", 10),
    "latest_reference": ("Latest request", 16),
    "latest_status": ("Status", 20),
    "outcome": ("Outcome", 20),
    "sent_on": ("Sent", 12),
    "due_on": ("Due", 12),
    "responded_on": ("Responded", 12),
    "working_days": ("Working days to respond", 12),
    "late_by": ("Working days late", 12),
    "answered_in_time": ("Answered in time", 10),
    "exemptions": ("Exemptions cited", 20),
    "references": ("All requests", 24),
    "evidence_sources": ("Evidence sources", 30),
    "wdtk_urls": ("WhatDoTheyKnow pages", 40),
}

ANSWER_COLUMNS = ("body", "reference", "question", "status", "answer")

QuestionsOf = Callable[[str | None], dict[int, str]]  # a letter's questions by number


def question_numbers(rows: Sequence[dict[str, Any]]) -> list[int]:
    """Every question number that has an answer in some row, in order."""
    return sorted({int(q) for r in rows for q in r["answers"]})


def flat_header(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The results table's columns for CSV: one `qN` column per question."""
    return [*RESULT_COLUMNS, *(f"q{n}" for n in question_numbers(rows))]


def flat_row(row: dict[str, Any], questions: Sequence[int]) -> list[Any]:
    """A results row as cells (lists joined with '; ', dates kept as dates)."""
    return [*(row[c] for c in RESULT_COLUMNS), *(row["answers"].get(str(q)) for q in questions)]


def as_json(row: dict[str, Any]) -> dict[str, Any]:
    """A results row for --json: dates as ISO text."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}


def answer_rows(rows: Sequence[dict[str, Any]]) -> list[list[Any]]:
    """One row per body and question: the latest request's answer and its status."""
    return [
        [r["body"], r["latest_reference"], int(q), status, r["answer_texts"].get(q)]
        for r in rows
        for q, status in r["answers"].items()
    ]


def letter_questions(
    templates: Sequence[str | None], rows: Sequence[dict[str, Any]], questions_of: QuestionsOf
) -> list[tuple[str | None, int, str | None]]:
    """(template, question, its text) for every question of each letter the rows answer.

    A letter's declared questions all count (a question nobody answered is a finding too),
    and so does any question number answered that the letter no longer declares.
    """
    found: dict[str | None, set[int]] = {}
    for template, row in zip(templates, rows, strict=True):
        numbers = found.setdefault(template, set())
        numbers.update(int(q) for q in row["answers"])
    out = []
    for template in sorted(found, key=lambda t: (t is None, t or "")):
        declared = questions_of(template)
        out += [(template, n, declared.get(n)) for n in sorted(found[template] | set(declared))]
    return out


def workbook(
    rows: Sequence[dict[str, Any]],
    templates: Sequence[str | None],
    stats: dict[str, Any],
    questions_of: QuestionsOf,
) -> list[Sheet]:
    """The results workbook: results in words, statistics, then a sheet per question."""
    questions = letter_questions(templates, rows, questions_of)
    several = len({t for t, _, _ in questions}) > 1

    def label(template: str | None, n: int) -> str:
        return f"{template or 'letter'} Q{n}" if several else f"Q{n}"

    header = [HEADINGS[c][0] for c in RESULT_COLUMNS] + [label(t, n) for t, n, _ in questions]
    widths = [HEADINGS[c][1] for c in RESULT_COLUMNS] + [12.0] * len(questions)

    def results() -> Iterator[list[Any]]:
        for template, row in zip(templates, rows, strict=True):
            yield [
                *(_cell(row[c]) for c in RESULT_COLUMNS),
                *(row["answers"].get(str(n)) if t == template else None for t, n, _ in questions),
            ]

    sheets = [
        Sheet("Results", header, results(), widths=widths),
        Sheet("Statistics", ["Figure", "Value"], _figures(stats), widths=[44, 14]),
    ]
    for template, n, asked in questions:
        intro = [
            f"Question {n}" + (f" of the {template} letter" if template else "") + ":",
            asked or "(this question is no longer in the letter's template)",
        ]
        sheets.append(
            Sheet(
                label(template, n),
                ["Body", "Latest request", "Answer status", "Answer"],
                _answers(rows, templates, template, n),
                widths=[44, 16, 16, 80],
                intro=intro,
            )
        )
    return sheets


def _answers(
    rows: Sequence[dict[str, Any]], templates: Sequence[str | None], template: str | None, n: int
) -> Iterator[list[Any]]:
    for t, row in zip(templates, rows, strict=True):
        if t == template:
            q = str(n)
            yield [row["body"], row["latest_reference"], row["answers"].get(q),
                   row["answer_texts"].get(q)]  # fmt: skip


def _cell(value: Any) -> Any:
    # Yes and no read better than TRUE and FALSE in a sheet meant for people.
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _figures(stats: dict[str, Any]) -> list[list[Any]]:
    """The statistics as (figure, value) rows; rates shown as percentages."""
    figures: list[list[Any]] = []
    if stats.get("title"):  # the campaign's own words (foi campaign edit), when given
        figures.append(["Campaign", stats["title"]])
        if stats.get("summary"):
            figures.append(["Summary", stats["summary"]])
    if "held_back" in stats:
        figures.append(["Requests held back from publication (not counted)", stats["held_back"]])
    figures += [["Requests", stats["requests"]], ["Bodies", stats["bodies"]]]
    figures += [[f"Status: {k}", v] for k, v in stats["by_status"].items()]
    figures += [[f"Outcome: {k}", v] for k, v in stats["by_outcome"].items()]
    ot = stats["on_time"]
    figures += [
        ["Answered in time", ot["answered_in_time"]],
        ["Counted for timeliness (answered or past due)", ot["counted"]],
    ]
    if ot["rate"] is not None:
        figures += [
            ["On-time rate", Formatted(ot["rate"], PERCENT)],
            ["On-time rate, 95% interval, low", Formatted(ot["wilson_95"][0], PERCENT)],
            ["On-time rate, 95% interval, high", Formatted(ot["wilson_95"][1], PERCENT)],
        ]
    wd = stats["working_days_to_respond"]
    figures += [
        ["Median working days to respond", wd["median"]],
        ["90th percentile working days to respond", wd["p90"]],
    ]
    figures += [[f"Exemption cited: {k}", v] for k, v in stats["exemptions"].items()]
    return figures
