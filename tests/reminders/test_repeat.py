"""Repeat requests (issue 21 item 7): a new round of a campaign, and a promise to publish."""

from __future__ import annotations

from tests.letters.test_send_cli import smtp_env


def test_a_campaign_is_repeated_to_its_bodies_still_open(foi, smtp) -> None:
    _handler, port = smtp
    env = smtp_env(port)
    foi("init")
    for code in ("RXX", "RTQ", "RNU"):
        foi("body", "edit", code, "--email", f"foi@{code.lower()}.example.nhs.uk")
    drafted = foi(
        "draft", "sim-use", "--to", "RXX", "--to", "RTQ", "--to", "RNU",
        "--campaign", "sim-2026", "--json", env=env, today="2026-01-05",
    )  # fmt: skip
    assert drafted.exit_code == 0, drafted.stderr
    assert (
        foi("send", "--campaign", "sim-2026", "--yes", env=env, today="2026-01-05").exit_code == 0
    )
    # Gloucestershire (RTQ) closes before the new round.
    assert foi("body", "edit", "RTQ", "--closed", "2026-06-30").exit_code == 0
    later = foi(
        "campaign", "repeat", "sim-2026", "--as", "sim-2027", "--on", "2027-01-04",
        today="2026-12-01",
    )  # fmt: skip
    assert later.exit_code == 0, later.stderr
    due = foi("remind", "list", "--json", "--horizon", "0", today="2027-01-04").json()["due"]
    assert any("foi campaign repeat sim-2026 --as sim-2027" in r["message"] for r in due)
    again = foi("campaign", "repeat", "sim-2026", "--as", "sim-2027", "--json", env=env,
                today="2027-01-04")  # fmt: skip
    assert again.exit_code == 0, again.stderr
    rows = {r["body"]: r for r in again.json()}
    assert {b for b, r in rows.items() if r["state"] == "draft"} == {
        "Surrey and Borders Partnership NHS Foundation Trust",
        "Oxford Health NHS Foundation Trust",
    }
    (closed,) = [r for r in rows.values() if r["state"] == "skipped"]
    assert "closed" in closed["reason"]
    listed = foi("request", "list", "--campaign", "sim-2027", "--json").json()
    assert len(listed) == 2 and all(r["status"] == "draft" for r in listed)
    twice = foi("campaign", "repeat", "sim-2026", "--as", "sim-2027", today="2027-01-04")
    assert twice.exit_code == 4 and "already has 2 request(s)" in twice.stderr


def test_a_promise_to_publish_later_sets_a_reminder_on_that_day(foi) -> None:
    foi("init")
    ref = foi(
        "request", "new", "--body", "RXX", "--title", "SIM", "--sent-on", "2026-09-01",
        "--campaign", "sim-2026", "--json", today="2026-09-01",
    ).json()["reference"]  # fmt: skip
    logged = foi(
        "request", "log", ref, "response", "--on", "2026-09-20", "--outcome", "refused",
        "--publish-on", "2027-03-31", today="2026-09-21",
    )  # fmt: skip
    assert logged.exit_code == 0, logged.stderr
    before = foi("remind", "list", "--json", "--horizon", "0", today="2027-03-30").json()["due"]
    assert not [r for r in before if r["kind"] == "user"]
    (due,) = [
        r
        for r in foi("remind", "list", "--json", "--horizon", "0", today="2027-03-31").json()["due"]
        if r["kind"] == "user"
    ]
    assert "said it would publish this by 2027-03-31" in due["message"]
    assert "foi campaign repeat sim-2026" in due["message"]
