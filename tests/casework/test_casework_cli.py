"""Casework as volunteers meet it: who signs, bounces, posted letters, references,
corrections, bulk logging and the send summary, through the CLI."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import sent_request
from tests.letters.test_send_cli import make_batch, smtp_env
from tests.mail.test_inbox_cli import bounce, reply

SIGN = {
    "FOI_REQUESTER_NAME": "Jo Campaigner",
    "FOI_REQUESTER_EMAIL": "jo@simcamp.org.uk",
    "FOI_REQUESTER_ADDRESS": "1 Park Row, Leeds LS1 5HN",
}


def one_line(result, code: int) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == code, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("foi: error: "), result.stderr
    return lines[0]


# --- Who signs -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Your Name", "<Your Name>", "Name", "test", "Joe Bloggs"])
def test_a_placeholder_signatory_is_refused(foi, name: str) -> None:
    foi("init")
    result = foi(
        "draft", "sim-use", "--to", "kind:mental-health-trust", "--campaign", "x",
        "--requester", name,
    )  # fmt: skip
    assert "is a placeholder" in one_line(result, 2)
    assert foi("request", "list", "--json").json() == []


def test_an_example_address_and_a_post_letter_without_address_are_refused(foi) -> None:
    foi("init")
    env = {"FOI_REQUESTER_NAME": "Jo Campaigner", "FOI_REQUESTER_EMAIL": "jo@example.com"}
    line = one_line(foi("draft", "sim-use", "--to", "RV9", "--campaign", "x", env=env), 2)
    assert "'jo@example.com' is an example address" in line
    no_address = {"FOI_REQUESTER_NAME": "Jo Campaigner", "FOI_REQUESTER_EMAIL": "jo@simcamp.org.uk"}
    skipped = foi("draft", "sim-use", "--to", "RV9", "--campaign", "x", "--json", env=no_address)
    assert skipped.exit_code == 0
    (row,) = skipped.json()
    assert row["state"] == "skipped" and "needs your postal address" in row["reason"]


def test_nhs_england_is_drafted_by_email_with_a_warning_that_it_is_unconfirmed(foi) -> None:
    foi("init")
    result = foi(
        "draft", "sim-nhse", "--to", "kind:nhs-england", "--campaign", "x", "--json", env=SIGN
    )
    assert result.exit_code == 0, result.stderr
    (row,) = result.json()
    assert (row["state"], row["route"]) == ("draft", "email")
    assert row["to"] == "england.contactus@nhs.net"
    assert row["doubt"].startswith("england.contactus@nhs.net is unconfirmed (date not recorded")
    assert "https://www.england.nhs.uk/contact-us/privacy-notice/" in row["doubt"]
    body = foi("body", "show", "NHS England", "--json").json()
    (post,) = [c for c in body["contacts"] if c["channel"] == "post"]
    assert post["source"].startswith("https://www.whatdotheyknow.com/")
    (email,) = [c for c in body["contacts"] if c["channel"] == "email"]
    assert email["confidence"] == "unconfirmed" and "England.contactus@nhs.net" in email["quote"]


# --- Bounces ---------------------------------------------------------------------------------


def _emailed_batch(foi, isolated: Path, n: int, env: dict[str, str], db: str) -> str:  # type: ignore[no-untyped-def]
    """Draft and email a batch of n letters on 27 November; the first request's reference."""
    make_batch(foi, isolated, n, env, db=db)
    sent = foi("send", "--campaign", "batch", "--yes", env=env, db=db, today="2026-11-27")
    letters = "1 letter" if n == 1 else f"{n} letters"
    assert sent.exit_code == 0 and sent.stdout.strip() == f"{letters} sent by email", sent.stderr
    return str(foi("request", "list", "--json", db=db).json()[0]["reference"])


def test_a_bounce_is_visible_chased_reminded_and_resent_once(
    foi, smtp, isolated: Path, db_url: str
) -> None:
    handler, port = smtp
    env = smtp_env(port)
    ref = _emailed_batch(foi, isolated, 2, env, db_url)
    bad = foi("request", "show", ref, "--json", db=db_url).json()["letters"][0]["to"]
    (isolated / "bounce.eml").write_bytes(bounce(bad))
    imported = foi("inbox", "import", str(isolated / "bounce.eml"), db=db_url, today="2026-12-01")
    assert imported.exit_code == 0, imported.stderr
    shown = foi("request", "show", ref, "--json", db=db_url, today="2026-12-01").json()
    assert shown["status"] == "delivery-failed" and shown["due_on"] is None
    status = foi("status", "--json", db=db_url, today="2026-12-01").json()
    assert status["delivery_failed"] == 1
    assert "1 not delivered" in foi("status", db=db_url, today="2026-12-01").stdout
    chase = foi("chase", "--json", db=db_url, today="2026-12-01").json()
    (skip,) = [i for i in chase["skip"] if i["reference"] == ref]
    assert "delivery failed on 2026-12-01" in skip["reason"]
    assert "failed permanently" in skip["reason"]
    reminders = foi("remind", "list", "--json", db=db_url, today="2026-12-01").json()
    assert any(r["kind"] == "delivery-failed" and r["reference"] == ref for r in reminders["due"])
    # Not resent to the address that bounced.
    blocked = foi("send", ref, "--yes", env=env, db=db_url, today="2026-12-01")
    assert handler.count() == 2 and "correct the address" in blocked.stderr
    body = shown["body"]
    edited = foi("body", "edit", body, "--email", "foi@fixed.example.nhs.uk", db=db_url)
    assert edited.exit_code == 0, edited.stderr
    dry = foi("send", ref, "--json", env=env, db=db_url, today="2026-12-02").json()
    assert [i["to"] for i in dry["letters"]] == ["foi@fixed.example.nhs.uk"]
    resent = foi("send", ref, "--yes", env=env, db=db_url, today="2026-12-02")
    assert resent.exit_code == 0, resent.stderr
    assert resent.stdout.strip() == "1 letter sent by email"
    assert handler.count() == 3 and handler.received[-1].rcpt_tos[0] == "foi@fixed.example.nhs.uk"
    after = foi("request", "show", ref, "--json", db=db_url, today="2026-12-02").json()
    assert after["status"] == "awaiting-response"
    assert [e["kind"] for e in after["events"]][-1] == "resent"
    assert after["clocks"]["received"] == "2026-12-02"  # the clock runs from the new receipt
    again = foi("send", ref, "--yes", env=env, db=db_url, today="2026-12-02")
    assert handler.count() == 3 and "already sent" in again.stderr


def test_a_bounce_classified_by_hand_marks_the_address_failing(
    foi, smtp, isolated: Path, db_url: str
) -> None:
    # A mail system that says so in words, not as a delivery report: held, then assigned.
    handler, port = smtp
    env = smtp_env(port)
    ref = _emailed_batch(foi, isolated, 1, env, db_url)
    shown = foi("request", "show", ref, "--json", db=db_url).json()
    to = shown["letters"][0]["to"]
    msg = reply("it.helpdesk@unknown.example", "Undeliverable",
                "Sorry, that mailbox is no longer monitored and your message was not read.")  # fmt: skip
    (isolated / "words.eml").write_bytes(bytes(msg))
    foi("inbox", "import", str(isolated / "words.eml"), db=db_url, today="2026-12-03")
    (held,) = foi("inbox", "list", "--json", db=db_url).json()
    done = foi("inbox", "assign", str(held["id"]), ref, "--as", "bounce", db=db_url,
               today="2026-12-03")  # fmt: skip
    assert done.exit_code == 0, done.stderr
    after = foi("request", "show", ref, "--json", db=db_url, today="2026-12-03").json()
    assert after["status"] == "delivery-failed"
    body = foi("body", "show", shown["body"], "--json", db=db_url).json()
    (contact,) = [c for c in body["contacts"] if c["address"] == to]
    assert contact["failing_since"] == "2026-12-03"
    # So it is not resent to the same address until a volunteer corrects it.
    blocked = foi("send", ref, "--yes", env=env, db=db_url, today="2026-12-03")
    assert handler.count() == 1 and "correct the address" in blocked.stderr


# --- Posted letters, received dates, bulk logging ----------------------------------------------


def test_received_on_and_the_postal_delay_move_the_clock(foi, db_url: str) -> None:
    foi("init", db=db_url)
    drafted = foi("draft", "sim-use", "--to", "RV9", "--to", "RTQ", "--campaign", "p",
                  "--json", env=SIGN, db=db_url, today="2026-11-27")  # fmt: skip
    refs = {r["body"][:4]: r["reference"] for r in drafted.json()}
    posted, emailed = refs["Humb"], refs["Glou"]
    # Posted on Friday 27 November: by default it arrives 2 working days later (Wed 2 Dec:
    # Monday 30 November is St Andrew's Day, a bank holiday in Scotland, so not a working day).
    logged = foi(
        "request", "log", posted, "sent", "--on", "2026-11-27", db=db_url, today="2026-11-27"
    )
    assert logged.exit_code == 0, logged.stderr
    assert "received 2026-12-02" in logged.stdout
    show = foi("request", "show", posted, "--json", db=db_url, today="2026-11-27").json()
    assert show["sent_on"] == "2026-11-27" and show["clocks"]["received"] == "2026-12-02"
    assert show["due_on"] == "2027-01-05"
    text = foi("request", "show", posted, db=db_url, today="2026-11-27").stdout
    assert "(received 2026-12-02)" in text
    # An emailed request is received the day it goes; an explicit date wins.
    foi("request", "log", emailed, "sent", "--on", "2026-11-27", "--received-on", "2026-11-30",
        db=db_url, today="2026-11-30")  # fmt: skip
    assert foi("request", "show", emailed, "--json", db=db_url).json()["clocks"]["received"] == (
        "2026-11-30"
    )
    early = foi("request", "log", emailed, "chased", "--on", "2026-11-30", "--received-on",
                "2026-11-30", db=db_url, today="2026-11-30")  # fmt: skip
    assert "--received-on is for 'sent' and 'resent'" in one_line(early, 2)


def test_postal_delay_is_configurable(foi) -> None:
    foi("init")
    ref = foi("draft", "sim-use", "--to", "RV9", "--campaign", "p", "--json", env=SIGN).json()[0][
        "reference"
    ]
    foi("request", "log", ref, "sent", "--on", "2026-11-27", env={"FOI_POSTAL_DELAY_DAYS": "0"},
        today="2026-11-27")  # fmt: skip
    assert foi("request", "show", ref, "--json").json()["clocks"]["received"] == "2026-11-27"
    bad = foi("status", env={"FOI_POSTAL_DELAY_DAYS": "-1"})
    assert bad.exit_code == 6


def test_bulk_log_of_posted_letters_is_one_transaction(foi, db_url: str) -> None:
    foi("init", db=db_url)
    drafted = foi("draft", "sim-use", "--to", "RV9", "--to", "7A2", "--to", "RTQ",
                  "--campaign", "b", "--json", env=SIGN, db=db_url, today="2026-11-27").json()  # fmt: skip
    routes = {r["reference"]: r["route"] for r in drafted}
    assert sorted(routes.values()) == ["email", "post", "post"]
    result = foi("request", "log", "--campaign", "b", "--route", "post", "sent", "--on",
                 "2026-11-27", db=db_url, today="2026-11-27")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip().endswith("2 request(s) logged sent on 2026-11-27")
    listed = {r["reference"]: r for r in foi("request", "list", "--json", db=db_url).json()}
    for ref, route in routes.items():
        assert listed[ref]["status"] == ("awaiting-response" if route == "post" else "draft")
    # All or nothing: a second bulk 'sent' finds no drafts going by post.
    again = foi("request", "log", "--campaign", "b", "--route", "post", "sent", "--on",
                "2026-11-27", db=db_url, today="2026-11-27")  # fmt: skip
    assert one_line(again, 3)


def test_bulk_assign_by_kind(foi, db_url: str) -> None:
    foi("init", db=db_url)
    foi("draft", "sim-use", "--to", "RTQ", "--to", "RVN", "--campaign", "b", env=SIGN, db=db_url)
    foi("draft", "sim-police", "--to", "kind:police-force", "--campaign", "b", env=SIGN, db=db_url)
    result = foi("request", "assign", "--campaign", "b", "--kind", "mental-health-trust", "Sam",
                 db=db_url)  # fmt: skip
    assert result.exit_code == 0 and result.stdout.strip() == "2 requests assigned to Sam"
    rows = foi("request", "list", "--json", db=db_url).json()
    assert sorted(r["assignee"] or "" for r in rows if r["assignee"]) == ["Sam", "Sam"]


# --- References and corrections ----------------------------------------------------------------


def test_the_authority_reference_is_kept_verbatim_and_corrected(foi, db_url: str) -> None:
    foi("init", db=db_url)
    ref = foi("request", "new", "--body", "RXX", "--title", "t", "--sent-on", "2026-11-02",
              "--json", db=db_url, today="2026-11-02").json()["reference"]  # fmt: skip
    foi("request", "log", ref, "acknowledged", "--on", "2026-11-03", "--authority-ref",
        "AWP-FOI-2026-555", db=db_url, today="2026-11-03")  # fmt: skip
    assert foi("request", "show", ref, "--json", db=db_url).json()["authority_ref"] == (
        "AWP-FOI-2026-555"
    )
    foi("request", "log", ref, "note", "--on", "2026-11-04", "--authority-ref", "AWP-FOI-2026-556",
        db=db_url, today="2026-11-04")  # fmt: skip
    assert foi("request", "show", ref, "--json", db=db_url).json()["authority_ref"] == (
        "AWP-FOI-2026-556"
    )
    ours = foi("request", "log", ref, "note", "--on", "2026-11-04", "--authority-ref",
               "FOI-2026-0001", db=db_url, today="2026-11-04")  # fmt: skip
    assert "looks like one of our references" in one_line(ours, 2)


def test_a_wrong_event_is_retracted_and_the_state_recomputed(foi, db_url: str) -> None:
    foi("init", db=db_url)
    ref = foi("request", "new", "--body", "RXX", "--title", "t", "--sent-on", "2026-11-02",
              "--json", db=db_url, today="2026-11-02").json()["reference"]  # fmt: skip
    foi("request", "log", ref, "response", "--on", "2026-11-10", "--outcome", "refused",
        db=db_url, today="2026-11-10")  # fmt: skip
    shown = foi("request", "show", ref, "--json", db=db_url, today="2026-11-10").json()
    assert shown["status"] == "closed"
    wrong = shown["events"][-1]["id"]
    result = foi("request", "retract", ref, str(wrong), "--reason", "logged on the wrong request",
                 db=db_url, today="2026-11-10")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "retracted; status awaiting-response" in result.stdout
    after = foi("request", "show", ref, "--json", db=db_url, today="2026-11-10").json()
    assert after["status"] == "awaiting-response" and after["due_on"] == "2026-12-01"
    kinds = [(e["kind"], e["data"].get("retracts")) for e in after["events"]]
    assert ("response", None) in kinds and ("retracted", wrong) in kinds  # both kept
    assert "[retracted]" in foi("request", "show", ref, db=db_url, today="2026-11-10").stdout
    twice = foi(
        "request", "retract", ref, str(wrong), "--reason", "x", db=db_url, today="2026-11-10"
    )
    assert "already retracted" in one_line(twice, 4)
    by_log = foi("request", "log", ref, "retracted", "--on", "2026-11-10", db=db_url)
    assert "its own command" in one_line(by_log, 2)


def test_a_sent_event_cannot_be_retracted_under_a_later_one(foi) -> None:
    foi("init")
    ref = sent_request(foi, "RXX", "2026-11-02")
    foi("request", "log", ref, "acknowledged", "--on", "2026-11-03", today="2026-11-03")
    events = foi("request", "show", ref, "--json").json()["events"]
    sent_id = next(e["id"] for e in events if e["kind"] == "sent")
    result = foi("request", "retract", ref, str(sent_id), "--reason", "x", today="2026-11-03")
    assert "retract the later events first" in one_line(result, 4)


def test_an_acknowledgement_assigned_by_hand_stays_one(foi, isolated: Path, db_url: str) -> None:
    foi("init", db=db_url)
    ref = foi("request", "new", "--body", "RXX", "--title", "t", "--sent-on", "2026-11-02",
              "--json", db=db_url, today="2026-11-02").json()["reference"]  # fmt: skip
    msg = reply("info@unknown.example", "Your request", "We have received your request.", day=3)
    (isolated / "ack.eml").write_bytes(bytes(msg))
    foi("inbox", "import", str(isolated / "ack.eml"), db=db_url, today="2026-12-03")
    (held,) = foi("inbox", "list", "--json", db=db_url).json()
    result = foi("inbox", "assign", str(held["id"]), ref, "--as", "acknowledgement", db=db_url,
                 today="2026-12-03")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "(acknowledged); status awaiting-response" in result.stdout
    # Re-classified later: the first event is retracted, the new one logged.
    again = foi("inbox", "assign", str(held["id"]), ref, "--as", "response", db=db_url,
                today="2026-12-03")  # fmt: skip
    assert again.exit_code == 0 and "status needs-classification" in again.stdout
    kinds = [e["kind"] for e in foi("request", "show", ref, "--json", db=db_url).json()["events"]]
    assert kinds[-3:] == ["acknowledged", "retracted", "response-received"]
    plain = foi("inbox", "assign", str(held["id"]), ref, db=db_url, today="2026-12-03")
    assert "add --as KIND" in one_line(plain, 4)


def test_a_discarded_draft_is_withdrawn(foi, db_url: str) -> None:
    foi("init", db=db_url)
    ref = foi("draft", "sim-use", "--to", "RTQ", "--campaign", "d", "--json", env=SIGN,
              db=db_url).json()[0]["reference"]  # fmt: skip
    result = foi("draft", "discard", ref, db=db_url)
    assert result.exit_code == 0 and "the request is withdrawn" in result.stdout
    shown = foi("request", "show", ref, "--json", db=db_url).json()
    assert (shown["status"], shown["resolution"]) == ("closed", "withdrawn")
    assert foi("status", "--json", db=db_url).json()["drafts"] == 0


# --- The send summary and uncertain letters ------------------------------------------------------


def test_send_exits_non_zero_while_any_letter_is_uncertain(foi, smtp, isolated: Path) -> None:
    handler, port = smtp
    env = smtp_env(port)
    make_batch(foi, isolated, 3, env)
    # As a kill during the SMTP transaction leaves it: one letter marked 'sending'.
    with sqlite3.connect(isolated / "requests.db") as conn:
        conn.execute(
            "UPDATE letters SET state = 'sending' WHERE id = (SELECT min(id) FROM letters)"
        )
    result = foi("send", "--campaign", "batch", "--yes", env=env, today="2026-11-27")
    assert handler.count() == 2
    assert result.stdout.strip() == (
        "2 letters sent by email; 1 letter uncertain (may have gone; see below)"
    )
    line = result.stderr.strip().splitlines()[-1]
    assert result.exit_code == 7 and "1 letter uncertain" in line
    assert "--reconcile" in line and "--retry-uncertain" in line
    rerun = foi("send", "--campaign", "batch", "--yes", "--json", env=env, today="2026-11-27")
    assert rerun.exit_code == 7 and rerun.json()["uncertain"] == 1
    dry = foi("send", "--campaign", "batch", env=env, today="2026-11-27")
    assert dry.exit_code == 7
    settled = foi("send", "--retry-uncertain", env=env)
    assert settled.exit_code == 0
    last = foi("send", "--campaign", "batch", "--yes", env=env, today="2026-11-27")
    assert last.exit_code == 0 and last.stdout.strip() == "1 letter sent by email"
    assert handler.count() == 3


def test_outbox_summary_counts_each_letter_once_in_words(foi, isolated: Path) -> None:
    foi("init")
    foi("body", "edit", "RTQ", "--email", "foi@ghc.example.nhs.uk")
    foi("draft", "sim-use", "--to", "RTQ", "--to", "RV9", "--campaign", "o", env=SIGN)
    result = foi("send", "--campaign", "o", "--outbox", "out", "--yes", env=SIGN)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == (
        "1 email written as .eml files and 1 letter to post or paste into a web form written "
        "as .txt files"
    )
    eml = next((isolated / "out").glob("*.eml")).read_text(encoding="utf-8")
    assert "From: Jo Campaigner <jo@simcamp.org.uk>" in eml and "example.invalid" not in eml


# --- Daily views --------------------------------------------------------------------------------


def test_request_list_by_outcome_with_an_outcome_column_and_csv(foi) -> None:
    foi("init")
    refused = sent_request(foi, "RXX", "2026-11-02")
    held = sent_request(foi, "RTQ", "2026-11-02")
    sent_request(foi, "RVN", "2026-11-02")
    foi("request", "log", refused, "response", "--on", "2026-11-20", "--outcome", "refused",
        today="2026-11-20")  # fmt: skip
    foi("request", "log", held, "response", "--on", "2026-11-20", "--outcome", "not-held",
        today="2026-11-20")  # fmt: skip
    only = foi("request", "list", "--outcome", "refused", "--json", today="2026-11-20").json()
    assert [r["reference"] for r in only] == [refused]
    text = foi("request", "list", today="2026-11-20").stdout
    assert "outcome" in text and "not-held" in text
    csv_out = foi("request", "list", "--outcome", "not-held", "--csv", today="2026-11-20").stdout
    header, row = csv_out.strip().splitlines()
    assert header.startswith("reference,body,status,resolution")
    assert row.startswith(f"{held},") and ",closed,not-held," in row
    bad = foi("request", "list", "--outcome", "rejected")
    assert "unknown outcome 'rejected'" in one_line(bad, 2)


def test_inbox_list_all_names_the_request_and_files_are_saved_by_name(
    foi, isolated: Path, db_url: str
) -> None:
    foi("init", db=db_url)
    ref = foi("request", "new", "--body", "RXX", "--title", "t", "--sent-on", "2026-11-02",
              "--json", db=db_url, today="2026-11-02").json()["reference"]  # fmt: skip
    msg = reply("foi@sabp.example.nhs.uk", f"Re: your request [{ref}]", "Please find attached.")
    msg.add_attachment(b"%PDF-1.4 reply", maintype="application", subtype="pdf",
                       filename="SIM reply 2026.pdf")  # fmt: skip
    msg.add_attachment(b"%PDF-1.4 other", maintype="application", subtype="pdf",
                       filename="SIM reply 2026.pdf")  # fmt: skip
    (isolated / "r.eml").write_bytes(bytes(msg))
    assert (
        foi("inbox", "import", str(isolated / "r.eml"), db=db_url, today="2026-12-03").exit_code
        == 0
    )
    (row,) = foi("inbox", "list", "--all", "--json", db=db_url).json()
    assert row["request"] == ref and row["state"] == "matched"
    assert ref in foi("inbox", "list", "--all", db=db_url).stdout
    saved = foi("inbox", "save", str(row["id"]), str(isolated / "out"), db=db_url)
    assert saved.exit_code == 0, saved.stderr
    names = sorted(p.name for p in (isolated / "out").iterdir())
    assert names == ["SIM reply 2026 (2).pdf", "SIM reply 2026.pdf"]
    assert (isolated / "out" / "SIM reply 2026.pdf").read_bytes() == b"%PDF-1.4 reply"
    files = foi("request", "files", ref, str(isolated / "files"), db=db_url)
    assert files.exit_code == 0 and len(files.stdout.strip().splitlines()) == 2
    assert oct((isolated / "files" / "SIM reply 2026.pdf").stat().st_mode & 0o777) == "0o600"


# --- Validation -----------------------------------------------------------------------------------


def test_evidence_source_request_must_exist_and_evidence_can_be_corrected(foi) -> None:
    foi("init")
    missing = foi("body", "evidence", "add", "RTQ", "--status", "denied", "--source",
                  "FOI-2026-0099")  # fmt: skip
    assert "no request 'FOI-2026-0099'" in one_line(missing, 3)
    ref = sent_request(foi, "RTQ", "2026-11-02")
    added = foi("body", "evidence", "add", "RTQ", "--status", "adopted", "--source", ref,
                "--on", "2026-11-20")  # fmt: skip
    assert added.exit_code == 0
    evidence = foi("body", "show", "RTQ", "--json").json()["evidence"]
    mine = next(e for e in evidence if e["source"] == ref)
    fixed = foi("body", "evidence", "edit", str(mine["id"]), "--status", "denied")
    assert fixed.exit_code == 0 and "SIM status now denied" in fixed.stdout
    again = next(e for e in foi("body", "show", "RTQ", "--json").json()["evidence"]
                 if e["id"] == mine["id"])  # fmt: skip
    assert again["status"] == "denied"
    assert one_line(foi("body", "evidence", "edit", "99999", "--status", "denied"), 3)


@pytest.mark.parametrize(
    "url", ["https://example.org/request/x", "whatdotheyknow.com/request/x", "not a url"]
)
def test_wdtk_url_must_be_a_whatdotheyknow_request(foi, url: str) -> None:
    foi("init")
    result = foi("request", "new", "--body", "RXX", "--title", "t", "--wdtk-url", url)
    assert "is not a WhatDoTheyKnow request" in one_line(result, 2)
    ok = foi("request", "new", "--body", "RXX", "--title", "t", "--wdtk-url",
             "https://www.whatdotheyknow.com/request/sim_use_2")  # fmt: skip
    assert ok.exit_code == 0


def test_nothing_is_reported_done_before_it_commits(foi, db_url: str) -> None:
    if "://" not in db_url:
        pytest.skip("a read-only PostgreSQL database shows it (root writes any SQLite file)")
    import sqlalchemy as sa

    foi("init", db=db_url)
    ref = foi("request", "new", "--body", "RXX", "--title", "t", "--json", db=db_url).json()[
        "reference"
    ]
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        name = conn.execute(sa.text("SELECT current_database()")).scalar_one()
        conn.execute(sa.text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    engine.dispose()
    result = foi("request", "assign", ref, "Sam", db=db_url)
    assert result.exit_code == 5 and result.stdout == ""
    logged = foi("request", "log", ref, "note", "--on", "2026-11-02", db=db_url)
    assert logged.exit_code == 5 and logged.stdout == ""


def test_retracting_a_sent_logged_by_hand_puts_the_letter_back(foi, db_url: str) -> None:
    foi("init", db=db_url)
    ref = foi("draft", "sim-use", "--to", "RVN", "--campaign", "r", "--json", env=SIGN,
              db=db_url, today="2026-11-27").json()[0]["reference"]  # fmt: skip
    foi("request", "log", ref, "sent", "--on", "2026-11-27", db=db_url, today="2026-11-27")
    shown = foi("request", "show", ref, "--json", db=db_url, today="2026-11-27").json()
    assert shown["letters"][0]["state"] == "sent"
    sent_id = next(e["id"] for e in shown["events"] if e["kind"] == "sent")
    result = foi("request", "retract", ref, str(sent_id), "--reason", "not posted yet",
                 db=db_url, today="2026-11-27")  # fmt: skip
    assert result.exit_code == 0 and "status draft" in result.stdout
    after = foi("request", "show", ref, "--json", db=db_url, today="2026-11-27").json()
    assert after["letters"][0]["state"] == "draft" and after["sent_on"] is None


def test_a_letter_signed_before_the_checks_is_not_sent(foi, isolated: Path) -> None:
    foi("init")
    foi("body", "edit", "RTQ", "--email", "foi@ghc.example.nhs.uk")
    ref = foi("draft", "sim-use", "--to", "RTQ", "--campaign", "old", "--json", env=SIGN).json()[0][
        "reference"
    ]
    # As a database from before this release may hold: a letter signed "Your Name".
    with sqlite3.connect(isolated / "requests.db") as conn:
        conn.execute("UPDATE requesters SET name = 'Your Name'")
    result = foi("send", "--campaign", "old", "--outbox", "out", "--yes")
    assert "signed with the placeholder 'Your Name'" in result.stderr
    assert result.stdout.strip() == "1 letter not sendable now (see above)"
    assert not (isolated / "out").exists() or not list((isolated / "out").iterdir())
    assert foi("request", "show", ref, "--json").json()["letters"][0]["state"] == "draft"


def test_a_retracted_chaser_no_longer_quiets_the_overdue_reminder(foi, db_url: str) -> None:
    foi("init", db=db_url)
    ref = foi("request", "new", "--body", "RXX", "--title", "t", "--sent-on", "2026-11-02",
              "--json", db=db_url, today="2026-11-02").json()["reference"]  # fmt: skip

    def overdue() -> bool:
        due = foi("remind", "list", "--json", db=db_url, today="2026-12-03").json()["due"]
        return any(r["reference"] == ref and r["kind"] == "overdue" for r in due)

    assert overdue()
    foi("request", "log", ref, "chased", "--on", "2026-12-02", db=db_url, today="2026-12-02")
    assert not overdue()  # a chaser went after the deadline: the volunteer has acted
    events = foi("request", "show", ref, "--json", db=db_url).json()["events"]
    chased = next(e["id"] for e in events if e["kind"] == "chased")
    foi("request", "retract", ref, str(chased), "--reason", "never sent", db=db_url,
        today="2026-12-03")  # fmt: skip
    assert overdue()


def test_an_unknown_assignee_or_campaign_names_the_ones_there_are(foi) -> None:
    foi("init")
    assert "none yet: 'foi request assign REF NAME' adds one" in one_line(
        foi("request", "list", "--assignee", "Bob"), 3
    )
    ref = sent_request(foi, "RXX", "2026-11-02")
    foi("request", "assign", ref, "Bobby Tables")
    assert "did you mean Bobby Tables?" in one_line(
        foi("request", "list", "--assignee", "Boby Tables"), 3
    )
    assert "volunteers: Bobby Tables" in one_line(foi("request", "list", "--assignee", "Zed"), 3)
