"""Issue 21's smaller items, each through the CLI: what a volunteer tripped over."""

from __future__ import annotations

from pathlib import Path

from foi.mail.parse import parse_message
from tests.conftest import sent_request
from tests.letters.test_send_cli import smtp_env


def test_a_receipt_date_is_corrected_without_retracting_the_letter(foi) -> None:
    foi("init")
    ref = sent_request(foi, "RXX", "2026-11-02")
    fixed = foi(
        "request", "log", ref, "note", "--on", "2026-11-09", "--received-on", "2026-11-05",
        "--note", "the trust's stamp says it arrived on the 5th", today="2026-11-09",
    )  # fmt: skip
    assert fixed.exit_code == 0, fixed.stderr
    shown = foi("request", "show", ref, "--json", today="2026-11-09").json()
    # 20 working days from Thursday 5 November 2026 (St Andrew's Day counted out), not
    # from Monday 2 November (due 1 December).
    assert shown["due_on"] == "2026-12-04"
    early = foi(
        "request", "log", ref, "note", "--on", "2026-11-09", "--received-on", "2026-11-01",
        today="2026-11-09",
    )  # fmt: skip
    assert early.exit_code == 2 and "before it was sent" in early.stderr


def test_bulk_log_skips_what_it_cannot_log_and_says_so(foi) -> None:
    foi("init")
    refs = [
        sent_request(foi, code, "2026-10-01", "--campaign", "sim-2026")
        for code in ("RXX", "RTQ", "RNU")
    ]
    closed = foi(
        "request", "log", refs[0], "response", "--on", "2026-10-20", "--outcome", "successful",
        today="2026-11-05",
    )  # fmt: skip
    assert closed.exit_code == 0
    strict = foi("request", "log", "--campaign", "sim-2026", "chased", "--on", "2026-11-05",
                 "--all-or-nothing", today="2026-11-05")  # fmt: skip
    assert strict.exit_code == 4
    bulk = foi("request", "log", "--campaign", "sim-2026", "chased", "--on", "2026-11-05",
               today="2026-11-05")  # fmt: skip
    assert bulk.exit_code == 0, bulk.stderr
    assert "2 request(s) logged chased on 2026-11-05, 1 skipped" in bulk.stdout
    assert f"skipped: {refs[0]}" in bulk.stderr
    again = foi("request", "log", refs[1], "chased", "--on", "2026-11-05", today="2026-11-05")
    assert again.exit_code == 4 and "already logged on 2026-11-05" in again.stderr


def test_status_counts_the_follow_up_letters_waiting(foi, isolated: Path) -> None:
    foi("init")
    foi("body", "edit", "RXX", "--email", "foi@sabp.example.nhs.uk")
    ref = sent_request(foi, "RXX", "2026-09-01")
    foi("request", "log", ref, "response", "--on", "2026-09-20", "--outcome", "refused",
        today="2026-09-21")  # fmt: skip
    drafted = foi("escalate", ref, "--yes", env={"FOI_REQUESTER_NAME": "Jo Campaigner"},
                  today="2026-09-21")  # fmt: skip
    assert drafted.exit_code == 0, drafted.stderr
    status = foi("status", "--json", today="2026-09-21").json()
    assert (status["drafts"], status["follow_ups_waiting"]) == (0, 1)
    assert "1 follow-up letters to send" in foi("status", today="2026-09-21").stdout


def test_a_real_send_under_foi_today_is_refused_without_the_switch(foi, smtp) -> None:
    handler, port = smtp
    env = smtp_env(port)
    foi("init")
    foi("body", "edit", "RXX", "--email", "foi@sabp.example.nhs.uk")
    ref = foi("draft", "sim-use", "--to", "RXX", "--json", env=env).json()[0]["reference"]
    refused = foi("send", ref, "--yes", env={**env, "FOI_TODAY": "2026-11-27"})
    assert refused.exit_code == 2 and "FOI_TODAY is set (2026-11-27)" in refused.stderr
    assert handler.count() == 0
    meant = foi("send", ref, "--yes", env={**env, "FOI_TODAY": "2026-11-27",
                                           "FOI_TODAY_SENDS": "yes"})  # fmt: skip
    assert meant.exit_code == 0 and handler.count() == 1


def test_a_follow_up_send_does_not_call_the_sent_letter_unsendable(foi, smtp) -> None:
    _handler, port = smtp
    env = smtp_env(port)
    foi("init")
    foi("body", "edit", "RXX", "--email", "foi@sabp.example.nhs.uk")
    ref = foi("draft", "sim-use", "--to", "RXX", "--json", env=env, today="2026-09-01").json()
    ref = ref[0]["reference"]
    assert foi("send", ref, "--yes", env=env, today="2026-09-01").exit_code == 0
    foi("request", "log", ref, "response", "--on", "2026-09-20", "--outcome", "refused",
        today="2026-09-21")  # fmt: skip
    assert foi("escalate", ref, "--yes", env=env, today="2026-09-21").exit_code == 0
    sent = foi("send", ref, "--yes", env=env, today="2026-09-21")
    assert sent.exit_code == 0, sent.stderr
    assert "1 letter sent by email" in sent.stdout
    assert "not sendable" not in sent.stdout + sent.stderr


def test_a_body_s_reference_keeps_its_prefix_word() -> None:
    raw = (
        b"From: FOI <foi@slam.example.nhs.uk>\r\nTo: a@b.org\r\nSubject: SLaM FOI 26/1187 - "
        b"response\r\nMessage-ID: <r1@slam>\r\n\r\nDear requester,\r\n"
    )
    assert parse_message(raw).authority_refs == ["SLaM FOI 26/1187"]


def test_an_unknown_volunteer_like_a_known_one_is_refused_with_did_you_mean(foi) -> None:
    foi("init")
    ref = sent_request(foi, "RXX", "2026-11-02")
    assert foi("request", "assign", ref, "Priya Shah").exit_code == 0
    short = foi("request", "assign", ref, "Priya")
    assert short.exit_code == 2 and "did you mean 'Priya Shah'?" in short.stderr
    other = foi("request", "assign", ref, "Tom Okafor")
    assert other.exit_code == 0  # a different person is still made on first use


def test_a_letter_marked_unsendable_follows_a_body_edit_at_once(foi) -> None:
    foi("init")
    assert foi("body", "add", "Nowhere Trust", "--kind", "mental-health-trust").exit_code == 0
    drafted = foi("draft", "sim-use", "--to", "Nowhere Trust", "--json",
                  env={"FOI_REQUESTER_NAME": "Jo Campaigner"})  # fmt: skip
    ref = drafted.json()[0]["reference"]
    assert drafted.json()[0]["state"] == "unsendable"
    edited = foi("body", "edit", "Nowhere Trust", "--email", "foi@nowhere.example.nhs.uk")
    assert "1 unsent letter(s) readdressed" in edited.stdout
    (letter,) = foi("request", "show", ref, "--json").json()["letters"]
    assert (letter["state"], letter["to"]) == ("draft", "foi@nowhere.example.nhs.uk")


def test_retracting_an_assignment_gives_the_request_back(foi) -> None:
    foi("init")
    ref = sent_request(foi, "RXX", "2026-11-02")
    assert foi("request", "assign", ref, "Priya Shah", today="2026-11-03").exit_code == 0
    assert foi("request", "assign", ref, "Tom Okafor", today="2026-11-04").exit_code == 0
    shown = foi("request", "show", ref, "--json").json()
    assert shown["assignee"] == "Tom Okafor"
    (wrong,) = [ev for ev in shown["events"] if ev.get("note") == "assigned to Tom Okafor"]
    undone = foi("request", "retract", ref, str(wrong["id"]), "--reason", "meant another",
                 today="2026-11-04")  # fmt: skip
    assert undone.exit_code == 0, undone.stderr
    assert foi("request", "show", ref, "--json").json()["assignee"] == "Priya Shah"
