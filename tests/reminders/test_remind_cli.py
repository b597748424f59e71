"""Reminders, chasing and escalation through the CLI, travelling in time with FOI_TODAY."""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from icalendar import Calendar

SIGN = {"FOI_REQUESTER_NAME": "Jo Campaigner"}


def days(start: str, end: str) -> list[str]:
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    return [(a + timedelta(n)).isoformat() for n in range((b - a).days + 1)]


def new_sent(foi, body: str, on: str, **kw: str) -> str:  # type: ignore[no-untyped-def]
    args = ["request", "new", "--body", body, "--title", "SIM", "--sent-on", on, "--json"]
    for k, v in kw.items():
        args += [f"--{k}", v]
    return foi(*args, today=on).json()["reference"]


def test_time_travel_each_reminder_fires_once_on_its_working_day(foi) -> None:
    foi("init")
    ref = new_sent(foi, "RXX", "2026-03-02")  # due 2026-03-31 (skips 17 March, NI)
    fired: dict[str, list[str]] = {}
    for day in days("2026-03-02", "2026-06-10"):
        if day == "2026-04-20":  # the body asks for clarification; the clock stops
            foi("request", "log", ref, "clarification-requested", "--on", day, today=day)
        if day == "2026-04-22":  # we reply: the clock restarts, due 2026-05-21
            foi("request", "log", ref, "clarification-sent", "--on", day, today=day)
        if day == "2026-05-26":
            foi("request", "log", ref, "response", "--on", day, "--outcome", "refused", today=day)
        result = foi("remind", "run", "--json", today=day)
        assert result.exit_code == 0, result.stderr
        for r in result.json()["reminders"]:
            fired.setdefault(r["kind"], []).append(day)
    # First clock: 3 working days before 31 March, on it, the working day after.
    assert fired["due-soon"][0] == "2026-03-26"
    assert fired["due-today"][0] == "2026-03-31"
    assert fired["overdue"][0] == "2026-04-01"
    assert fired["clarification-unanswered"] == ["2026-04-21"]
    # The restart gives a new period: its own due-soon, due-today and overdue.
    assert fired["due-soon"][1] == "2026-05-18"
    assert fired["due-today"][1] == "2026-05-21"
    assert fired["overdue"][1] == "2026-05-22"
    assert len(fired["due-soon"]) == len(fired["due-today"]) == len(fired["overdue"]) == 2
    # The response stops response reminders; it opens the review window instead.
    assert "very-overdue" not in fired
    assert fired.get("review-request-deadline", ["x"])[0] > "2026-05-26"
    every = [(k, d) for k, ds in fired.items() for d in ds]
    assert len(every) == len(set(every))  # nothing twice
    for d in [d for _, ds in fired.items() for d in ds]:
        assert date.fromisoformat(d).weekday() < 5


def test_digest_goes_by_email_once_per_volunteer(foi, smtp) -> None:
    handler, port = smtp
    env = {
        "FOI_SMTP_HOST": "127.0.0.1",
        "FOI_SMTP_PORT": str(port),
        "FOI_SMTP_SECURITY": "none",
        "FOI_FROM": "reminders@campaign.example",
    }
    foi("init")
    a = new_sent(foi, "RXX", "2026-10-01")
    b = new_sent(foi, "RW4", "2026-10-02")
    c = new_sent(foi, "RTQ", "2026-10-05")
    foi("request", "assign", a, "Sam", "--email", "sam@example.org")
    foi("request", "assign", b, "Sam")
    foi("request", "assign", c, "Ali", "--email", "ali@example.org")
    result = foi("remind", "run", "--json", env=env, today="2026-11-27")
    assert result.exit_code == 0, result.stderr
    assert sorted(result.json()["emailed"]) == ["ali@example.org", "sam@example.org"]
    to = Counter(r.rcpt_tos[0] for r in handler.received)
    assert to == {"sam@example.org": 1, "ali@example.org": 1}
    sam = next(r for r in handler.received if r.rcpt_tos[0] == "sam@example.org")
    text = sam.message.get_content()
    assert a in text and b in text and c not in text
    again = foi("remind", "run", "--json", env=env, today="2026-11-27").json()
    assert again["delivered"] == 0 and len(handler.received) == 2


def test_user_reminder_and_list(foi) -> None:
    foi("init")
    ref = new_sent(foi, "RXX", "2026-11-02")
    bad = foi("remind", "add", ref, "--on", "2026-11-01", "--note", "x", today="2026-11-27")
    assert bad.exit_code == 2 and "in the past" in bad.stderr
    ok = foi(
        "remind",
        "add",
        ref,
        "--on",
        "2026-12-04",
        "--note",
        "ring the FOI officer",
        today="2026-11-27",
    )
    assert ok.exit_code == 0, ok.stderr
    listed = foi("remind", "list", "--json", today="2026-11-27").json()
    assert any(r["kind"] == "user" and r["fires_on"] == "2026-12-04" for r in listed["upcoming"])
    # Due 1 December; with St Andrew's Day (30 Nov) skipped, due-soon has fired already.
    assert [r["kind"] for r in listed["due"]] == ["due-soon"]
    assert any(
        r["kind"] == "due-today" and r["fires_on"] == "2026-12-01" for r in listed["upcoming"]
    )
    run = foi("remind", "run", "--json", today="2026-12-04").json()
    assert [r["message"] for r in run["reminders"] if r["kind"] == "user"]


def test_chase_drafts_only_overdue_unchased_unanswered(foi, smtp, isolated: Path) -> None:
    handler, port = smtp
    env = {
        **SIGN,
        "FOI_SMTP_HOST": "127.0.0.1",
        "FOI_SMTP_PORT": str(port),
        "FOI_SMTP_SECURITY": "none",
        "FOI_FROM": "jo@campaign.example",
        "FOI_SEND_THROTTLE": "0",
    }
    foi("init")
    for code, address in (
        ("RXX", "foi@sabp.example.nhs.uk"),
        ("RW4", "foi@mersey.example.nhs.uk"),
        ("RTQ", "foi@ghc.example.nhs.uk"),
        ("RVN", "foi@awp.example.nhs.uk"),
    ):
        foi("body", "edit", code, "--email", address, "--confirmed", "2026-11-01")
    overdue = new_sent(foi, "RXX", "2026-10-01", campaign="c")
    chased = new_sent(foi, "RW4", "2026-10-01", campaign="c")
    answered = new_sent(foi, "RTQ", "2026-10-01", campaign="c")
    not_due = new_sent(foi, "RVN", "2026-11-20", campaign="c")
    foi("request", "log", chased, "chased", "--on", "2026-11-25", today="2026-11-27")
    foi(
        "request",
        "log",
        answered,
        "response",
        "--on",
        "2026-11-02",
        "--outcome",
        "successful",
        today="2026-11-27",
    )
    before = (isolated / "requests.db").read_bytes()
    dry = foi("chase", "--campaign", "c", "--json", env=env, today="2026-11-27")
    assert dry.exit_code == 0, dry.stderr
    data = dry.json()
    assert [i["reference"] for i in data["chase"]] == [overdue]
    assert [i["reference"] for i in data["skip"]] == [chased]
    assert "chased on 2026-11-25" in data["skip"][0]["reason"]
    with sqlite3.connect(isolated / "requests.db") as conn:
        assert conn.execute("SELECT count(*) FROM letters").fetchone()[0] == 0
    assert handler.received == [] and before is not None
    sent = foi("chase", "--campaign", "c", "--yes", "--json", env=env, today="2026-11-27")
    assert sent.exit_code == 0, sent.stderr
    assert sent.json()["sent"] == 1 and len(handler.received) == 1
    msg = handler.received[0].message
    assert f"[{overdue}]" in str(msg["Subject"]) and str(msg["To"]) == "foi@sabp.example.nhs.uk"
    shown = foi("request", "show", overdue, "--json").json()
    assert [e["kind"] for e in shown["events"]][-1] == "chased"
    again = foi("chase", "--campaign", "c", "--json", env=env, today="2026-11-30").json()
    assert again["chase"] == []
    later = foi("chase", "--campaign", "c", "--json", env=env, today="2026-12-14").json()
    assert {i["reference"] for i in later["chase"]} == {overdue, chased}
    assert not_due not in {i["reference"] for i in later["chase"] + later["skip"]}


def test_per_body_summary_chaser_covers_each_request(foi, isolated: Path) -> None:
    foi("init")
    foi("body", "edit", "RXX", "--email", "foi@sabp.example.nhs.uk")
    a = new_sent(foi, "RXX", "2026-10-01")
    b = new_sent(foi, "RXX", "2026-10-05")
    result = foi(
        "chase", "--per-body", "--yes", "--outbox", "out", "--json", env=SIGN, today="2026-11-27"
    )
    assert result.exit_code == 0, result.stderr
    assert result.json()["chasers"] == 1
    text = next((isolated / "out").glob("*.eml")).read_text()
    assert a in text and b in text
    logged = foi("request", "log", a, "chased", "--on", "2026-11-27", today="2026-11-27")
    assert logged.exit_code == 0
    letters = foi("request", "show", a, "--json").json()["letters"]
    assert [lt["state"] for lt in letters if lt["purpose"] == "chaser"] == ["sent"]


def test_escalate_proposes_the_ladder(foi) -> None:
    foi("init")
    foi("body", "edit", "RXX", "--email", "foi@sabp.example.nhs.uk")
    ref = new_sent(foi, "RXX", "2026-09-01")
    early = foi("escalate", ref, "--json", today="2026-09-10").json()
    assert early["step"] == "none" and early["by"] == "2026-09-29"
    silent = foi("escalate", ref, "--json", today="2026-11-27").json()
    assert silent["step"] == "ico-complaint"
    foi(
        "request",
        "log",
        ref,
        "response",
        "--on",
        "2026-10-05",
        "--outcome",
        "refused",
        today="2026-11-27",
    )
    review = foi("escalate", ref, "--yes", "--json", env=SIGN, today="2026-11-27")
    assert review.exit_code == 0, review.stderr
    data = review.json()
    # 40 working days after 5 October, skipping St Andrew's Day (30 November).
    assert data["step"] == "internal-review" and data["by"] == "2026-12-01"
    assert data["drafted"]["route"] == "email"
    twice = foi("escalate", ref, "--yes", env=SIGN, today="2026-11-27")
    assert twice.exit_code == 4 and "already has" in twice.stderr
    sent = foi("send", ref, "--outbox", "out", "--yes", env=SIGN, today="2026-11-27")
    assert sent.exit_code == 0
    foi(
        "request", "log", ref, "internal-review-requested", "--on", "2026-11-27", today="2026-11-27"
    )
    waiting = foi("escalate", ref, "--json", today="2026-12-01").json()
    assert waiting["step"] == "none" and waiting["by"] == "2026-12-30"  # as for a request
    overdue = foi("escalate", ref, "--yes", "--json", env=SIGN, today="2027-02-01").json()
    assert overdue["step"] == "ico-complaint"
    assert overdue["drafted"]["route"] == "web-form"
    assert overdue["drafted"]["to"] == "https://ico.org.uk/make-a-complaint/"


def test_a_complaint_drafted_by_escalate_says_how_to_make_its_enclosure(
    foi, isolated: Path
) -> None:
    foi("init")
    foi("body", "edit", "RXX", "--email", "foi@sabp.example.nhs.uk")
    ref = new_sent(foi, "RXX", "2026-09-01")
    drafted = foi("escalate", ref, "--yes", env=SIGN, today="2026-11-27")
    assert drafted.exit_code == 0, drafted.stderr
    assert "next step: ico-complaint" in drafted.stdout
    hint = f"'foi request bundle {ref}' writes {ref}-correspondence.zip to attach"
    assert hint in drafted.stdout
    assert "drafted for the regulator's form" in drafted.stdout
    assert "drafted (email to" not in drafted.stdout  # the form's instructions only
    letter = foi("draft", "preview", ref, "--purpose", "ico-complaint")
    assert f"in the file {ref}-correspondence.zip" in " ".join(letter.stdout.split())
    made = foi("request", "bundle", ref, today="2026-11-27")
    assert made.exit_code == 0, made.stderr
    assert (isolated / f"{ref}-correspondence.zip").is_file()


def test_a_review_drafted_for_a_web_form_gets_the_form_s_instructions_only(foi) -> None:
    foi("init")
    assert foi("body", "add", "Formonly Trust", "--kind", "mental-health-trust").exit_code == 0
    formed = foi(
        "body", "edit", "Formonly Trust", "--web-form", "https://formonly.example.nhs.uk/foi"
    )
    assert formed.exit_code == 0, formed.stderr
    ref = new_sent(foi, "Formonly Trust", "2026-09-01")
    foi("request", "log", ref, "response", "--on", "2026-10-05", "--outcome", "refused",
        today="2026-11-27")  # fmt: skip
    drafted = foi("escalate", ref, "--yes", env=SIGN, today="2026-11-27")
    assert drafted.exit_code == 0, drafted.stderr
    assert "next step: internal-review" in drafted.stdout
    assert "drafted for the web form at https://formonly.example.nhs.uk/foi" in drafted.stdout
    assert "drafted (email to" not in drafted.stdout and "bundle" not in drafted.stdout


def test_calendar_export_parses_and_keeps_uids(foi, isolated: Path) -> None:
    foi("init")
    ref = new_sent(foi, "RXX", "2026-11-02")
    foi("request", "assign", ref, "Sam")
    out = foi("calendar", "export", "cal.ics", "--assignee", "Sam", today="2026-11-27")
    assert out.exit_code == 0, out.stderr
    first = Calendar.from_ical((isolated / "cal.ics").read_bytes())
    events = {str(e["UID"]): e for e in first.walk("VEVENT")}
    uid = f"{ref}:response-due@foi"
    assert events[uid]["DTSTART"].dt == date(2026, 12, 1)
    assert any(c.name == "VALARM" for c in events[uid].subcomponents)
    foi("holidays", "add", "2026-11-25", "--region", "northern-ireland", today="2026-11-27")
    foi("calendar", "export", "cal.ics", "--assignee", "Sam", today="2026-11-27")
    second = Calendar.from_ical((isolated / "cal.ics").read_bytes())
    moved = {str(e["UID"]): e for e in second.walk("VEVENT")}
    assert set(moved) == set(events)
    assert moved[uid]["DTSTART"].dt == date(2026, 12, 2)
