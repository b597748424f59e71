"""Issue 3 through the CLI: calculator, explanation, holiday changes moving open requests."""

from __future__ import annotations

import json
from pathlib import Path


def test_deadline_calculator_needs_no_database(foi, isolated: Path) -> None:
    result = foi("deadline", "2025-12-19", "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["regime"] == "foia"
    assert (data["received"], data["due"]) == ("2025-12-19", "2026-01-22")
    assert data["extended_due"] == "2026-02-19"
    assert not (isolated / "requests.db").exists()


def test_deadline_regimes(foi) -> None:
    foisa = foi("deadline", "2025-12-19", "--regime", "foisa", "--json").json()
    assert foisa["due"] == "2026-01-22"  # 2 January is a Scottish holiday: FOISA skips it too
    eng = foi("deadline", "2026-07-06", "--json").json()
    sco = foi("deadline", "2026-07-06", "--regime", "foisa", "--json").json()
    # 13 July 2026 is Battle of the Boyne observed (NI): FOIA skips it, FOISA does not.
    # Both skip 3 August (Scotland's summer holiday), so FOIA ends a day after FOISA.
    assert (eng["due"], sco["due"]) == ("2026-08-05", "2026-08-04")
    sar = foi("deadline", "2021-04-01", "--regime", "sar", "--json").json()
    assert (sar["due"], sar["extended_due"]) == ("2021-05-04", "2021-07-01")
    bad = foi("deadline", "2026-01-01", "--regime", "gdpr")
    assert bad.exit_code == 2 and "unknown regime" in bad.stderr


def test_deadline_explain_names_each_skipped_day(foi) -> None:
    text = foi("deadline", "2025-12-19", "--explain").stdout
    assert "Due: 2026-01-22 (Thursday)" in text
    assert "2025-12-25 Thu  bank holiday: Christmas Day" in text
    assert "2026-01-02 Fri  bank holiday: 2nd January (Scotland)" in text
    assert "2026-01-22 Thu  working day 20" in text


def test_clarification_fee_and_extension_scenario_end_to_end(foi, isolated: Path) -> None:
    run = lambda *a, today="2026-06-30": foi(*a, today=today)  # noqa: E731
    run("init")
    ref = run(
        "request",
        "new",
        "--body",
        "RXX",
        "--title",
        "SIM use",
        "--sent-on",
        "2026-03-02",
        "--json",
        today="2026-03-02",
    ).json()["reference"]
    show = lambda: run("request", "show", ref, "--json").json()  # noqa: E731
    assert show()["clocks"]["due"] == "2026-03-31"  # skips 17 March (St Patrick's Day, NI)
    # The body asks for clarification: the clock stops; our reply restarts it from day 0.
    run("request", "log", ref, "clarification-requested", "--on", "2026-03-05")
    assert show()["clocks"]["clarification_pending"] is True
    assert show()["due_on"] is None
    run("request", "log", ref, "clarification-sent", "--on", "2026-03-10")
    # From 10 March: 20 working days, skipping 17 March, Good Friday and Easter Monday.
    assert show()["clocks"]["due"] == "2026-04-10"
    # A fee notice on 16 March pauses the clock until the fee is paid on 20 March.
    run("request", "log", ref, "fee-notice", "--on", "2026-03-16")
    paused = show()
    assert paused["status"] == "awaiting-fee" and paused["clocks"]["fee_pending"]
    assert paused["clocks"]["fee_lapses_on"] is not None
    run("request", "log", ref, "fee-paid", "--on", "2026-03-20")
    after_fee = show()["clocks"]["due"]
    assert after_fee == "2026-04-16"  # 16, 18, 19, 20 March not counted: 4 working days later
    # A public interest extension moves the effective due date, flagged beyond 40 days.
    run("request", "log", ref, "extension", "--on", "2026-04-14", "--promised", "2026-06-30")
    final = show()
    assert final["clocks"]["effective_due"] == "2026-06-30"
    assert final["clocks"]["extension_beyond_limit"] is True
    assert final["due_on"] == "2026-06-30"
    text = run("request", "show", ref).stdout
    assert "statutory due date was 2026-04-16; extended to 2026-06-30" in text
    assert "beyond 40 working days" in text
    explained = run("explain", ref).stdout
    assert "clock restarted" in explained.lower() or "clarification received" in explained
    assert "fee notice given 2026-03-16, paid 2026-03-20" in explained
    assert "2026-04-03 Fri  bank holiday: Good Friday" in explained


def test_adding_a_holiday_moves_open_requests_only(foi, isolated: Path) -> None:
    run = lambda *a, today="2026-11-27": foi(*a, today=today)  # noqa: E731
    run("init")
    open_ref = run(
        "request", "new", "--body", "RXX", "--title", "open", "--sent-on", "2026-11-02", "--json"
    ).json()["reference"]
    closed_ref = run(
        "request", "new", "--body", "RW4", "--title", "closed", "--sent-on", "2026-11-02", "--json"
    ).json()["reference"]
    run("request", "log", closed_ref, "response", "--on", "2026-11-20", "--outcome", "successful")
    before = run("request", "show", open_ref, "--json").json()["due_on"]
    assert before == "2026-12-01"  # St Andrew's Day (Mon 30 Nov, Scotland) is skipped already
    result = run(
        "holidays",
        "add",
        "2026-11-25",
        "--region",
        "northern-ireland",
        "--name",
        "A proclaimed day",
        "--source",
        "test proclamation",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["added"] == 1
    assert data["moved"] == [
        {"reference": open_ref, "due_before": "2026-12-01", "due_after": "2026-12-02"}
    ]
    assert run("request", "show", open_ref, "--json").json()["due_on"] == "2026-12-02"
    listed = run(
        "holidays", "list", "--year", "2026", "--region", "northern-ireland", "--json"
    ).json()
    assert {
        "date": "2026-11-25",
        "region": "northern-ireland",
        "name": "A proclaimed day",
        "source": "test proclamation",
    } in listed
    again = run("holidays", "add", "2026-11-25", "--region", "ni", "--json").json()
    assert (again["added"], again["moved"]) == (0, [])


def test_import_govuk_bank_holidays_json(foi, isolated: Path) -> None:
    foi("init")
    data = {
        "scotland": {
            "division": "scotland",
            "events": [{"title": "Extra day", "date": "2031-05-20", "notes": "", "bunting": True}],
        }
    }
    path = isolated / "bank-holidays.json"
    path.write_text(json.dumps(data))
    result = foi("holidays", "import", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["added"] == 1
    path.write_text("{not json")
    bad = foi("holidays", "import", str(path))
    assert bad.exit_code == 2 and len(bad.stderr.strip().splitlines()) == 1
