"""The results workbook: answers to different letters are never in one column or sheet."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from foi.evidence.sheets import RESULT_COLUMNS, workbook
from foi.exports import write_xlsx_file

QUESTIONS = {
    "sim-use": {1: "Has the Trust run SIM?", 2: "Is it running now?"},
    "sim-police": {1: "Did the force second officers?"},
}


def _row(body: str, answers: dict[str, str], texts: dict[str, str]) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(RESULT_COLUMNS)
    row.update(body=body, latest_reference=f"FOI-2026-{len(body):04d}", sent_on=date(2026, 11, 2),
               answered_in_time=True, local_names=[], exemptions=[], references=[],
               evidence_sources=[], wdtk_urls=[], answers=answers, answer_texts=texts)  # fmt: skip
    return row


def test_two_letters_get_their_own_columns_and_sheets(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows = [
        _row("Alpha NHS Trust", {"1": "answered"}, {"1": "Yes, 2018-2021"}),
        _row("Beta Police", {"1": "refused", "3": "not-held"}, {"1": "s12", "3": "none"}),
    ]
    stats: dict[str, Any] = {
        "requests": 2, "bodies": 2, "by_status": {}, "by_outcome": {},
        "on_time": {"answered_in_time": 1, "counted": 2, "rate": 0.5, "wilson_95": [0.1, 0.9]},
        "working_days_to_respond": {"median": 10.0, "p90": 12.0}, "exemptions": {},
    }  # fmt: skip
    sheets = workbook(rows, ["sim-use", "sim-police"], stats, lambda t: QUESTIONS.get(t or "", {}))
    path = tmp_path / "r.xlsx"
    counts = write_xlsx_file(path, sheets)
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Results", "Statistics", "sim-police Q1", "sim-police Q3", "sim-use Q1", "sim-use Q2",
    ]  # fmt: skip
    assert counts["sim-use Q1"] == 1 and counts["sim-police Q1"] == 1
    results = [[c.value for c in r] for r in wb["Results"].iter_rows()]
    header = results[0]
    assert header[-4:] == ["sim-police Q1", "sim-police Q3", "sim-use Q1", "sim-use Q2"]
    by_body = {r[0]: dict(zip(header, r, strict=True)) for r in results[1:]}
    assert by_body["Alpha NHS Trust"]["sim-use Q1"] == "answered"
    assert by_body["Alpha NHS Trust"]["sim-police Q1"] is None  # never Beta's question 1
    assert by_body["Beta Police"]["sim-police Q1"] == "refused"
    assert by_body["Beta Police"]["sim-use Q1"] is None
    assert by_body["Beta Police"]["Answered in time"] == "yes"
    police = [[c.value for c in r] for r in wb["sim-police Q1"].iter_rows()]
    assert police[0][0] == "Question 1 of the sim-police letter:"
    assert police[1][0] == "Did the force second officers?"
    assert police[3] == ["Beta Police", "FOI-2026-0011", "refused", "s12"]
    gone = [[c.value for c in r] for r in wb["sim-police Q3"].iter_rows()]
    assert gone[1][0] == "(this question is no longer in the letter's template)"
    unanswered = [[c.value for c in r] for r in wb["sim-use Q2"].iter_rows()]
    assert unanswered[1][0] == "Is it running now?"
    assert unanswered[3] == ["Alpha NHS Trust", "FOI-2026-0015", None, None]
