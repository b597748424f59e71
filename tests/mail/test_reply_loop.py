"""The reply loop as exact as WhatDoTheyKnow's (issue 21) and learning from mail (issue 22).

A reply address per request (delivered by a real Dovecot through its LDA), stored references
found unlabelled, a body's exact address on a shared domain, follow-ups to where the body
last wrote from, corrections that undo what an event set, resending after a hand-logged
bounce, and subject access requests sent as the data subject's own.
"""

from __future__ import annotations

import email
import subprocess
from email.policy import default
from pathlib import Path

from tests.conftest import sent_request
from tests.letters.test_send_cli import smtp_env
from tests.mail.imapserver import Dovecot
from tests.mail.test_inbox_cli import reply
from tests.mail.test_matching import import_box

PATTERN = "replies+{reference}@campaign.test"
LDA = "/usr/lib/dovecot/dovecot-lda"


def deliver(dovecot: Dovecot, raw: bytes, recipient: str, sender: str) -> None:
    """Deliver one message as the mail server would: Dovecot's LDA, for the sub-address.

    `recipient_delimiter = +` makes replies+ANYTHING@… the mailbox of replies@…; the
    Delivered-To line is the one Postfix's pipe to dovecot-lda adds (its `D` flag).
    """
    conf = dovecot.root / "foi-dovecot.conf"
    if "recipient_delimiter" not in conf.read_text():
        with conf.open("a") as fh:
            fh.write("recipient_delimiter = +\n")
    done = subprocess.run(
        [LDA, "-c", str(conf), "-d", dovecot.user, "-a", recipient, "-f", sender],
        input=f"Delivered-To: {recipient}\r\n".encode() + raw,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr


def test_replies_to_a_request_s_own_address_match_it_exactly(
    foi, smtp, dovecot: Dovecot, db_url: str
) -> None:
    handler, port = smtp
    env = smtp_env(port, FOI_REPLY_ADDRESS=PATTERN)
    assert foi("init", db=db_url).exit_code == 0
    for code, address in (("RXX", "foi@sabp.example.nhs.uk"), ("RTQ", "foi@ghc.example.nhs.uk")):
        assert foi("body", "edit", code, "--email", address, db=db_url).exit_code == 0
    refs = [
        foi(
            "draft", "sim-use", "--to", code, "--json", env=env, db=db_url, today="2026-11-27"
        ).json()[0]["reference"]
        for code in ("RXX", "RTQ")
    ]
    sent = foi("send", *refs, "--yes", "--json", env=env, db=db_url, today="2026-11-27")
    assert sent.exit_code == 0 and sent.json()["sent"] == 2, sent.stdout + sent.stderr
    reply_tos = sorted(
        email.message_from_bytes(r.data, policy=default)["Reply-To"] for r in handler.received
    )
    assert reply_tos == sorted(PATTERN.format(reference=r) for r in refs)
    # Neither reply carries a reference, a Message-ID of ours or a known sender: the first
    # answers the Reply-To; the second was sent to a colleague and forwarded to the
    # request's address by the body's system (only the envelope, Delivered-To, says so).
    first = reply("Records <records.team@gmail.com>", "Your request", "Attached.").as_bytes()
    second = reply("Info Gov <ig.office@outlook.com>", "Information", "Please see.")
    second.replace_header("To", "colleague@ghc.example.nhs.uk")
    deliver(dovecot, first.replace(b"sian@campaign.example", PATTERN.format(reference=refs[0]).encode()),
            PATTERN.format(reference=refs[0]), "records.team@gmail.com")  # fmt: skip
    deliver(dovecot, second.as_bytes(), PATTERN.format(reference=refs[1]), "ig.office@outlook.com")
    fetched = foi(
        "inbox",
        "fetch",
        "--json",
        env={**env, **dovecot.env()},
        db=db_url,
        today="2026-12-04",
    )
    assert fetched.exit_code == 0, fetched.stderr
    got = {m["reference"]: m["matched_by"] for m in fetched.json()["messages"]}
    assert got == {refs[0]: "reply-address", refs[1]: "reply-address"}


def test_a_reply_quoting_only_a_stored_reference_unlabelled_matches(foi, isolated: Path) -> None:
    foi("init")
    ref = sent_request(foi, "RXX", "2026-11-02", title="a")
    sent_request(foi, "RTQ", "2026-11-02", title="b")
    logged = foi(
        "request", "log", ref, "acknowledged", "--on", "2026-11-03",
        "--authority-ref", "FOI-BHT-2026-4471", today="2026-11-27",
    )  # fmt: skip
    assert logged.exit_code == 0, logged.stderr
    data = import_box(
        foi,
        isolated,
        [reply("Jo <jo.bloggs@gmail.com>", "FOI-BHT-2026-4471 - response to your request", "x")],
    )
    (msg,) = data["messages"]
    assert (msg["reference"], msg["matched_by"]) == (ref, "authority-ref")


def test_a_reply_from_a_body_s_exact_address_on_a_shared_domain_matches(
    foi, isolated: Path
) -> None:
    foi("init")  # Oxleas (RPG) is in the directory at oxl-tr.foi@nhs.net
    foi("body", "edit", "RXX", "--email", "sabp.foi@nhs.net")  # nhs.net: shared by many
    ref = sent_request(foi, "RPG", "2026-11-02", title="a")
    sent_request(foi, "RXX", "2026-11-02", title="b")
    data = import_box(foi, isolated, [reply("FOI <oxl-tr.foi@nhs.net>", "Your request", "x")])
    (msg,) = data["messages"]
    assert (msg["reference"], msg["matched_by"]) == (ref, "sender-address"), data


def test_a_clarification_asked_from_a_new_address_is_answered_there(
    foi, smtp, isolated: Path
) -> None:
    handler, port = smtp
    env = smtp_env(port)
    foi("init")
    force = "West Yorkshire Police"
    foi("body", "edit", force, "--email", "foi.old@westyorkshire.example.police.uk")
    ref = foi("draft", "sim-police", "--to", force, "--json", env=env, today="2026-11-27").json()
    ref = ref[0]["reference"]
    assert foi("send", ref, "--yes", env=env, today="2026-11-27").exit_code == 0
    asked = reply(
        "FOI <foi@westyorkshire.example.police.uk>",
        f"Clarification needed [{ref}]",
        "Which years do you mean?",
    )
    data = import_box(foi, isolated, [asked], env=env)
    inbox_id = data["messages"][0]["inbox_id"]
    classified = foi(
        "inbox", "assign", str(inbox_id), ref, "--as", "clarification-request",
        env=env, today="2026-12-04",
    )  # fmt: skip
    assert classified.exit_code == 0, classified.stderr
    drafted = foi(
        "draft", "clarification-reply", ref, "--var", "clarification=2019 to 2026",
        env=env, today="2026-12-04",
    )  # fmt: skip
    assert drafted.exit_code == 0, drafted.stderr
    preview = foi("draft", "preview", ref, env=env, today="2026-12-04").stdout
    assert "To: foi@westyorkshire.example.police.uk" in preview
    assert "last wrote from on this request" in preview
    sent = foi("send", ref, "--yes", "--json", env=env, today="2026-12-04")
    assert sent.json()["sent"] == 1, sent.stdout
    assert handler.received[-1].rcpt_tos == ["foi@westyorkshire.example.police.uk"]
    # A volunteer may name another address for a follow-up: it is kept, and said why.
    foi("request", "log", ref, "clarification-requested", "--on", "2026-12-07",
        today="2026-12-07")  # fmt: skip
    named = foi(
        "draft", "clarification-reply", ref, "--var", "clarification=adult services",
        "--to-address", "disclosure@westyorkshire.example.police.uk", env=env, today="2026-12-07",
    )  # fmt: skip
    assert named.exit_code == 0, named.stderr
    assert "the address a volunteer named" in named.stdout
    sent = foi("send", ref, "--yes", "--json", env=env, today="2026-12-07")
    assert handler.received[-1].rcpt_tos == ["disclosure@westyorkshire.example.police.uk"]
    # The directory learned the address, dated, without making it the one new requests use.
    shown = foi("body", "show", force, "--json").json()
    history = shown["contact_history"]["foi@westyorkshire.example.police.uk"]
    assert [(h["on"], h["kind"]) for h in history] == [("2026-12-03", "seen")]
    assert shown["email"] == "foi.old@westyorkshire.example.police.uk"


def test_retracting_an_event_removes_the_reference_it_set(foi, isolated: Path, db_url) -> None:
    foi("init", db=db_url)
    foi("body", "edit", "RXX", "--email", "foi@sabp.example.nhs.uk", db=db_url)
    ours = foi(
        "request", "new", "--body", "RXX", "--title", "a", "--sent-on", "2026-11-02",
        "--json", db=db_url, today="2026-11-02",
    ).json()["reference"]  # fmt: skip
    wrong = foi(
        "request", "new", "--body", "RTQ", "--title", "b", "--sent-on", "2026-11-02",
        "--json", db=db_url, today="2026-11-02",
    ).json()["reference"]  # fmt: skip
    for ref in (ours, wrong):  # the second logged on the wrong request
        logged = foi(
            "request", "log", ref, "extension", "--on", "2026-11-20", "--promised", "2026-12-15",
            "--authority-ref", "LSC-FOI-26-3301", db=db_url, today="2026-11-27",
        )  # fmt: skip
        assert logged.exit_code == 0, logged.stderr
    events = foi("request", "show", wrong, "--json", db=db_url).json()["events"]
    (ext,) = [e for e in events if e["kind"] == "extension"]
    undone = foi(
        "request", "retract", wrong, str(ext["id"]), "--reason", "wrong request",
        db=db_url, today="2026-11-27",
    )  # fmt: skip
    assert undone.exit_code == 0, undone.stderr
    assert foi("request", "show", wrong, "--json", db=db_url).json()["authority_ref"] is None
    path = isolated / "reply.eml"
    path.write_bytes(
        reply("FOI <foi@sabp.example.nhs.uk>", "LSC-FOI-26-3301 response", "x").as_bytes()
    )
    got = foi("inbox", "import", str(path), "--json", db=db_url, today="2026-12-04").json()
    assert got["messages"][0]["reference"] == ours
    # A reference can also be cleared outright, and the clearing retracted in turn.
    cleared = foi(
        "request", "log", ours, "note", "--on", "2026-12-04", "--clear-authority-ref",
        db=db_url, today="2026-12-04",
    )  # fmt: skip
    assert cleared.exit_code == 0, cleared.stderr
    assert foi("request", "show", ours, "--json", db=db_url).json()["authority_ref"] is None


def test_a_hand_logged_bounce_then_a_new_address_resends_there_only(
    foi, smtp, isolated: Path
) -> None:
    handler, port = smtp
    env = smtp_env(port)
    foi("init")
    foi("body", "edit", "RXX", "--email", "old@sabp.example.nhs.uk", "--confirmed", "2026-01-05")
    ref = foi("draft", "sim-use", "--to", "RXX", "--json", env=env, today="2026-11-27").json()
    ref = ref[0]["reference"]
    assert foi("send", ref, "--yes", env=env, today="2026-11-27").exit_code == 0
    failed = foi("request", "log", ref, "delivery-failed", "--on", "2026-11-28", today="2026-11-28")
    assert failed.exit_code == 0, failed.stderr
    edited = foi("body", "edit", "RXX", "--email", "new@sabp.example.nhs.uk")
    # old@ is failing, so letters would next go to the directory's sourced address: new@
    # replaces whichever address letters go to now.
    assert "new@sabp.example.nhs.uk replaces " in edited.stdout
    resent = foi("send", ref, "--yes", "--json", env=env, today="2026-11-30")
    assert resent.json()["sent"] == 1, resent.stdout + resent.stderr
    assert [r.rcpt_tos for r in handler.received] == [
        ["old@sabp.example.nhs.uk"],
        ["new@sabp.example.nhs.uk"],
    ]
    shown = foi("body", "show", "RXX").stdout
    assert "2026-11-28 failing" in shown


def test_body_edit_says_when_an_added_address_is_kept_beside_a_confirmed_one(foi) -> None:
    foi("init")
    foi("body", "edit", "RXX", "--email", "foi@sabp.example.nhs.uk", "--confirmed", "2026-01-05")
    added = foi("body", "edit", "RXX", "--email", "other@sabp.example.nhs.uk")
    assert "foi@sabp.example.nhs.uk stays the foi email letters go to" in added.stdout


def test_a_subject_access_request_is_the_data_subject_s_own(foi, smtp, isolated: Path) -> None:
    handler, port = smtp
    env = smtp_env(
        port,
        FOI_REQUESTER_NAME="Alex Morgan",
        FOI_REQUESTER_EMAIL="alex.morgan@fastmail.com",
        FOI_REPLY_TO="inbox@simcamp.org.uk",
        FOI_REPLY_ADDRESS="replies+{reference}@simcamp.org.uk",
        FOI_REQUESTER_ADDRESS="4 Elm Row, Guildford GU1 1AA",
    )
    foi("init")
    foi("body", "edit", "RXX", "--email", "foi@sabp.example.nhs.uk")
    args = ("draft", "sar", "--to", "RXX", "--var", "date_of_birth=1 April 1980", "--json")
    blocked = foi(*args, env=env, today="2026-11-27").json()[0]
    # With no data-protection address it goes by post, never to the FOI address.
    assert (blocked["route"], blocked["state"]) == ("post", "draft"), blocked
    foi("draft", "discard", blocked["reference"])
    foi("body", "edit", "RXX", "--sar-email", "dpo@sabp.example.nhs.uk")
    ref = foi(*args, env=env, today="2026-11-27").json()[0]["reference"]
    sent = foi("send", ref, "--yes", "--json", env=env, today="2026-11-27")
    assert sent.json()["sent"] == 1, sent.stdout + sent.stderr
    (got,) = handler.received
    msg = email.message_from_bytes(got.data, policy=default)
    assert got.rcpt_tos == ["dpo@sabp.example.nhs.uk"]
    assert msg["From"].addresses[0].addr_spec == "alex.morgan@fastmail.com"
    assert msg["Reply-To"] == "alex.morgan@fastmail.com"
    # A reply that reaches the campaign's inbox anyway is held, never matched into the record.
    answer = reply("DPO <dpo@sabp.example.nhs.uk>", "Your subject access request", "x")
    data = import_box(foi, isolated, [answer], env=env)
    assert data["held"] == 1 and data["messages"][0]["reference"] is None


def test_body_show_dates_each_address_seen_and_failing(foi, smtp, isolated: Path, db_url) -> None:
    from tests.mail.test_inbox_cli import bounce

    _handler, port = smtp
    env = smtp_env(port)
    foi("init", db=db_url)
    foi("body", "edit", "RXX", "--email", "foi@sabp.example.nhs.uk", db=db_url)
    drafted = foi("draft", "sim-use", "--to", "RXX", "--json", env=env, db=db_url,
                  today="2026-11-27")  # fmt: skip
    ref = drafted.json()[0]["reference"]
    assert foi("send", ref, "--yes", env=env, db=db_url, today="2026-11-27").exit_code == 0
    (isolated / "bounce.eml").write_bytes(bounce("foi@sabp.example.nhs.uk"))
    (isolated / "reply.eml").write_bytes(
        reply("IG <ig.team@sabp.example.nhs.uk>", f"Re: [{ref}]", "Received.", day=4).as_bytes()
    )
    for name, day in (("bounce.eml", "2026-12-01"), ("reply.eml", "2026-12-04")):
        done = foi("inbox", "import", str(isolated / name), db=db_url, today=day)
        assert done.exit_code == 0, done.stderr
    shown = foi("body", "show", "RXX", db=db_url).stdout
    assert "2026-12-01 failing (inbox message 1): 550 5.1.1 No such user" in shown
    assert "ig.team@sabp.example.nhs.uk (seen" in shown
    assert "2026-12-04 seen (inbox message 2): new address learned from a reply" in shown
