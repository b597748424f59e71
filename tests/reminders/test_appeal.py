"""After the regulator (issue 21): the appeal against a decision notice, its clock, its
reminder and its drafted outline."""

from __future__ import annotations

from datetime import date

from foi.law.appeals import appeal_after_decision
from foi.law.calendars import calendar_for
from foi.law.holidays import load_default
from foi.law.regimes import Regime
from tests.reminders.test_remind_cli import SIGN, new_sent


def test_the_appeal_clock_is_28_days_for_foia_and_42_for_foisa() -> None:
    cal = calendar_for(Regime.FOIA, load_default())
    # 28 days from Friday 6 November 2026 is Friday 4 December: a working day.
    assert appeal_after_decision("foia", date(2026, 11, 6), cal).deadline == date(2026, 12, 4)
    # 28 days from Saturday 28 November 2026 is Saturday 26 December: on to Tuesday 29th
    # (Christmas, Boxing Day substitute Monday 28th).
    tribunal = appeal_after_decision("foia", date(2026, 11, 28), cal)
    assert tribunal.deadline == date(2026, 12, 29) and "First-tier Tribunal" in tribunal.forum
    session = appeal_after_decision("foisa", date(2026, 11, 28))
    assert session.deadline == date(2027, 1, 9) and "Court of Session" in session.forum


def test_a_decision_notice_not_upheld_proposes_the_appeal_with_reminder_and_outline(foi) -> None:
    foi("init")
    foi("body", "edit", "RXX", "--email", "foi@sabp.example.nhs.uk")
    ref = new_sent(foi, "RXX", "2026-06-01")
    for event, on, extra in (
        ("response", "2026-06-20", ("--outcome", "refused")),
        ("ico-complaint", "2026-07-01", ()),
        ("ico-decision", "2026-11-06", ("--outcome", "not-upheld")),
    ):
        logged = foi("request", "log", ref, event, "--on", on, *extra, today="2026-11-06")
        assert logged.exit_code == 0, logged.stderr
    step = foi("escalate", ref, "--json", today="2026-11-09").json()
    assert (step["step"], step["by"]) == ("tribunal-appeal", "2026-12-04")
    # A week before the window closes, the volunteer is reminded once.
    quiet = foi("remind", "list", "--json", "--horizon", "0", today="2026-11-20").json()
    assert not [r for r in quiet["due"] if r["reference"] == ref]
    due = foi("remind", "list", "--json", "--horizon", "0", today="2026-11-27").json()["due"]
    (reminder,) = [r for r in due if r["reference"] == ref]
    assert reminder["kind"] == "appeal-window-closing" and reminder["deadline"] == "2026-12-04"
    assert "First-tier Tribunal" in reminder["message"]
    drafted = foi("escalate", ref, "--yes", "--var", "decision_ref=IC-41234-Z9Y8",
                  env=SIGN, today="2026-11-27")  # fmt: skip
    assert drafted.exit_code == 0, drafted.stderr
    outline = foi("draft", "preview", ref, today="2026-11-27").stdout
    assert "NOTICE OF APPEAL - OUTLINE FOR FORM GRC1" in outline
    assert "IC-41234-Z9Y8, dated 6 November 2026" in " ".join(outline.split())
    late = foi("escalate", ref, "--json", today="2026-12-07").json()
    assert late["step"] == "none" and "ended on 2026-12-04" in late["reason"]
