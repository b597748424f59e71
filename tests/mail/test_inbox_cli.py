"""Replies as evidence: import real mail, match a sent batch, log responses, survive a kill."""

from __future__ import annotations

import mailbox
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest

from tests.conftest import REPO, sent_request, shared_path
from tests.letters.test_send_cli import letters, make_batch, smtp_env

FIXTURES = REPO / "tests" / "fixtures" / "mail"


def reply(
    frm: str,
    subject: str,
    body: str,
    *,
    in_reply_to: str | None = None,
    auto: bool = False,
    day: int = 3,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = frm
    msg["To"] = "sian@campaign.example"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 12, day, 10, 0, tzinfo=UTC))
    msg["Message-ID"] = make_msgid(domain="trust.example")
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
    if auto:
        msg["Auto-Submitted"] = "auto-replied"
    msg.set_content(body)
    return msg


def bounce(recipient: str) -> bytes:
    """A delivery status notification (RFC 3464) as an MTA writes it."""
    return (
        "From: Mail Delivery System <mailer-daemon@mx.campaign.example>\r\n"
        "To: sian@campaign.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Date: Tue, 01 Dec 2026 09:00:00 +0000\r\n"
        "Message-ID: <bounce-1@mx.campaign.example>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n'
        "\r\n--b1\r\nContent-Type: text/plain\r\n\r\n"
        f"Delivery to {recipient} failed permanently.\r\n"
        "\r\n--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.campaign.example\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 No such user\r\n"
        "\r\n--b1--\r\n"
    ).encode()


@pytest.fixture
def sent_batch(foi, smtp, isolated: Path):  # type: ignore[no-untyped-def]
    """Six letters sent by SMTP on 27 November 2026."""
    _handler, port = smtp
    env = smtp_env(port)
    make_batch(foi, isolated, 6, env)
    result = foi("send", "--campaign", "batch", "--yes", env=env, today="2026-11-27")
    assert result.exit_code == 0, result.stderr
    refs = sorted(letters(isolated / "requests.db"))
    return refs, letters(isolated / "requests.db")


def test_replies_to_a_sent_batch_land_on_their_requests(foi, sent_batch, isolated: Path) -> None:
    refs, stored = sent_batch
    mid = {ref: stored[ref][1] for ref in refs}
    box = mailbox.mbox(str(isolated / "replies.mbox"))
    messages = [
        reply(
            "FOI Team <foi00@trust00.example.nhs.uk>",
            f"RE: Freedom of Information request [{refs[0]}]",
            "Please find our response.",
        ),
        reply(
            "Information Governance <ig@nhs.net>",
            "Re: your request",
            "Our answer is attached.",
            in_reply_to=mid[refs[1]],
        ),
        reply(
            "FOI <foi02@trust02.example.nhs.uk>",
            "Acknowledgement of your request",
            "Thank you for your request. Our reference: FOI 2026/0457. We will respond "
            "within 20 working days.",
            in_reply_to=mid[refs[2]],
            auto=True,
            day=1,
        ),
        reply(
            "Records Team <records@nhs.net>",
            "FOI 2026/0457 - response",
            "In response to your request, our ref FOI 2026/0457, please see below.",
        ),
        reply("Someone <someone@elsewhere.example>", "Newsletter", "Hello"),
        bounce("foi03@trust03.example.nhs.uk"),
        reply("Head of IG <ig@trust05.example.nhs.uk>", "Your request", "We hold no information."),
    ]
    for m in messages:
        box.add(m)
    box.flush()
    box.close()
    result = foi("inbox", "import", str(isolated / "replies.mbox"), "--json", today="2026-12-04")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert {
        k: data[k]
        for k in ("total", "matched", "held", "duplicates", "auto_replies", "bounces", "errors")
    } == {
        "total": 7,
        "matched": 4,
        "held": 1,
        "duplicates": 0,
        "auto_replies": 1,
        "bounces": 1,
        "errors": 0,
    }
    how = {m["reference"]: m["matched_by"] for m in data["messages"] if m.get("reference")}
    assert how == {
        refs[0]: "token",
        refs[1]: "in-reply-to",
        refs[2]: "authority-ref",
        refs[3]: "bounced-recipient",
        refs[5]: "sender-domain",
    }
    shown = {r: foi("request", "show", r, "--json").json() for r in refs}
    assert shown[refs[0]]["status"] == "needs-classification"
    assert shown[refs[2]]["authority_ref"] == "FOI 2026/0457"
    kinds = [e["kind"] for e in shown[refs[2]]["events"]]
    assert "acknowledged" in kinds and "response-received" in kinds
    assert shown[refs[2]]["clocks"]["due"] == shown[refs[4]]["clocks"]["due"]  # ack: no stop
    assert [e for e in shown[refs[3]]["events"] if e["kind"] == "delivery-failed"]
    body3 = foi("body", "show", shown[refs[3]]["body"], "--json").json()
    assert body3["contacts"][0]["failing_since"] == "2026-12-01"
    waiting = foi("request", "list", "--status", "needs-classification", "--json").json()
    assert {r["reference"] for r in waiting} == {refs[0], refs[1], refs[2], refs[5]}
    again = foi(
        "inbox", "import", str(isolated / "replies.mbox"), "--json", today="2026-12-04"
    ).json()
    assert (again["total"], again["duplicates"]) == (7, 7)
    held = foi("inbox", "list", "--json").json()
    assert [h["subject"] for h in held] == ["Newsletter"]
    assigned = foi("inbox", "assign", str(held[0]["id"]), refs[4], today="2026-12-04")
    assert assigned.exit_code == 0, assigned.stderr
    assert foi("inbox", "list", "--json").json() == []
    assert foi("inbox", "discard", str(held[0]["id"])).exit_code == 4


def test_real_world_mail_is_kept_byte_for_byte_with_safe_attachments(foi, isolated: Path) -> None:
    foi("init")
    alaveteli = shared_path("testdata", "mail", "alaveteli")
    sisimai = shared_path("testdata", "mail", "sisimai")
    result = foi("inbox", "import", str(FIXTURES), str(alaveteli), str(sisimai), "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    parts = sum(
        data[k] for k in ("matched", "held", "duplicates", "auto_replies", "bounces", "errors")
    )
    assert parts == data["total"] > 60
    assert data["auto_replies"] >= 2 and data["bounces"] >= 5
    with sqlite3.connect(isolated / "requests.db") as conn:
        shas = {row[0] for row in conn.execute("SELECT sha256 FROM inbox")}
        names = [row[0] for row in conn.execute("SELECT filename FROM attachments")]
        stored = {row[0] for row in conn.execute("SELECT sha256 FROM blobs")}
    assert shas <= stored
    raw = (FIXTURES / "path-traversal.eml").read_bytes()
    import hashlib

    assert hashlib.sha256(raw).hexdigest() in shas
    assert _stored_bytes(isolated / "requests.db", hashlib.sha256(raw).hexdigest()) == raw
    assert all("/" not in n and not n.startswith(".") for n in names)
    assert "passwd" in names
    assert any(n.endswith(".pdf") for n in names) and any(n.endswith(".xlsx") for n in names)
    assert any(n.endswith(".docx") for n in names)
    assert any(n.lower() == "winmail.dat" for n in names)
    assert not (isolated / "requests-files").exists()  # evidence lives in the database
    assert foi("db", "check").exit_code == 0


def _stored_bytes(db_path: Path, sha: str) -> bytes:
    """A blob's bytes read back through the evidence store's interface."""
    from foi.evidence import blobs
    from foi.store.engine import make_engine, resolve_url, session_scope

    engine = make_engine(resolve_url(str(db_path)))
    try:
        with session_scope(engine) as s:
            return blobs.read_blob(s, sha)
    finally:
        engine.dispose()


def test_responses_with_answers_exemptions_and_evidence(foi, db_url: str, isolated: Path) -> None:
    sign = {"FOI_REQUESTER_NAME": "Jo"}
    run = lambda *a: foi(*a, db=db_url, today="2026-12-20", env=sign)  # noqa: E731
    run("init")
    ref = foi(
        "draft", "sim-use", "--to", "RTQ", "--json", db=db_url, env=sign, today="2026-11-02"
    ).json()[0]["reference"]
    run("request", "log", ref, "sent", "--on", "2026-11-02")
    (isolated / "reply.pdf").write_bytes(b"%PDF-1.4 fake response\n%%EOF\n")
    result = run(
        "respond",
        ref,
        "--on",
        "2026-12-01",
        "--outcome",
        "partially-successful",
        "--exemption",
        "s12",
        "--exemption",
        "3:s40(2)",
        "--answer",
        "1=The Trust did not sign up to SIM.",
        "--answer",
        "2=It runs a High Intensity Service.",
        "--answer-status",
        "3=refused",
        "--local-name",
        "High Intensity Service",
        "--denies-sim",
        "--quote",
        "not signatories to the SIM model",
        "--page",
        "2",
        "--file",
        str(isolated / "reply.pdf"),
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    shown = run("request", "show", ref, "--json").json()
    assert (shown["status"], shown["resolution"]) == ("closed", "partially-successful")
    answers = {a["question"]: a for a in shown["answers"]}
    assert answers[1]["text"] == "The Trust did not sign up to SIM."
    assert answers[3]["status"] == "refused" and answers[3]["exemptions"] == ["s40(2)"]
    assert shown["exemptions"] == ["s12", "s40(2)"]
    assert shown["attachments"][0]["filename"] == "reply.pdf"
    body = run("body", "show", "RTQ", "--json").json()
    assert body["sim_status"] == "denied"
    newest = body["evidence"][0]
    assert (newest["local_name"], newest["quote"], newest["page"], newest["source"]) == (
        "High Intensity Service",
        "not signatories to the SIM model",
        "2",
        ref,
    )
    bad_ex = run("respond", ref, "--on", "2026-12-02", "--outcome", "refused", "--exemption", "s99")
    assert bad_ex.exit_code == 2 and "s99" in bad_ex.stderr
    bad_q = run("request", "log", ref, "internal-review-requested", "--on", "2026-12-03")
    assert bad_q.exit_code == 0
    review = run("respond", ref, "--on", "2026-12-18", "--outcome", "successful", "--answer", "9=x")
    assert review.exit_code == 2 and "question 9" in review.stderr
    ok = run("respond", ref, "--on", "2026-12-18", "--outcome", "successful", "--json")
    assert ok.json()["event"] == "internal-review-response"


def test_interactive_respond_walks_the_questions(foi, isolated: Path) -> None:
    sign = {"FOI_REQUESTER_NAME": "Jo", "FOI_REQUESTER_ADDRESS": "1 Park Row, Leeds LS1 5HN"}
    foi("init")
    ref = foi("draft", "sim-use", "--to", "RW4", "--json", env=sign, today="2026-11-02").json()[0][
        "reference"
    ]
    foi("request", "log", ref, "sent", "--on", "2026-11-02", today="2026-11-02")
    # Date, outcome, then answer/status/exemptions for each of the four questions, then the
    # exemptions for the whole response, then no SIM status (issue 19 asks for one).
    typed = (
        "\n".join(
            [
                "2026-11-30",
                "successful",
                "No",
                "answered",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "See attached",
                "partial",
                "s43(2)",
                "",
                "",
            ]
        )
        + "\n"
    )
    result = foi("respond", ref, "--interactive", input=typed, today="2026-12-01")
    assert result.exit_code == 0, result.stdout + result.stderr
    shown = foi("request", "show", ref, "--json").json()
    answers = {a["question"]: a for a in shown["answers"]}
    assert answers[1]["text"] == "No" and answers[4]["exemptions"] == ["s43(2)"]


def test_import_killed_half_way_then_rerun_matches_uninterrupted(foi, isolated: Path) -> None:
    foi("init")
    ref = foi(
        "request",
        "new",
        "--body",
        "RXX",
        "--title",
        "t",
        "--sent-on",
        "2026-11-02",
        "--json",
        today="2026-11-27",
    ).json()["reference"]
    box = mailbox.mbox(str(isolated / "big.mbox"))
    for i in range(600):
        subject = f"Re: request [{ref}] part {i}" if i % 3 == 0 else f"Unrelated {i}"
        m = reply(f"Person {i} <p{i}@example.org>", subject, f"message {i} " + "x" * 2000)
        if i % 10 == 0:
            m.add_attachment(
                f"attachment {i}".encode() * 100,
                maintype="application",
                subtype="pdf",
                filename=f"doc-{i}.pdf",
            )
        box.add(m)
    box.flush()
    box.close()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FOI_")},
        "FOI_TODAY": "2026-12-04",
        "HOME": str(isolated),
    }
    cmd = [sys.executable, "-m", "foi", "inbox", "import", str(isolated / "big.mbox")]
    killed_db = isolated / "killed.db"
    subprocess.run(["cp", str(isolated / "requests.db"), str(killed_db)], check=True)
    proc = subprocess.Popen(
        cmd,
        cwd=REPO,
        env={**env, "FOI_DATABASE_URL": str(killed_db)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(f"file:{killed_db}?mode=ro", uri=True, timeout=1) as conn:
                if conn.execute("SELECT count(*) FROM inbox").fetchone()[0] >= 200:
                    break
        except sqlite3.OperationalError:
            pass
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(killed_db) as conn:
        partial = conn.execute("SELECT count(*) FROM inbox").fetchone()[0]
    assert 0 < partial < 600, "the kill should land half-way"
    rerun = subprocess.run(
        cmd,
        cwd=REPO,
        env={**env, "FOI_DATABASE_URL": str(killed_db)},
        capture_output=True,
        text=True,
    )
    assert rerun.returncode == 0, rerun.stderr
    clean_db = isolated / "clean.db"
    subprocess.run(["cp", str(isolated / "requests.db"), str(clean_db)], check=True)
    clean = subprocess.run(
        cmd,
        cwd=REPO,
        env={**env, "FOI_DATABASE_URL": str(clean_db)},
        capture_output=True,
        text=True,
    )
    assert clean.returncode == 0, clean.stderr

    def snapshot(db: Path) -> tuple:  # type: ignore[type-arg]
        with sqlite3.connect(db) as conn:
            return (
                sorted(
                    conn.execute(
                        "SELECT dedupe_key, sha256, state, kind, matched_by, request_id FROM inbox"
                    )
                ),
                sorted(conn.execute("SELECT sha256, size, filename, request_id FROM attachments")),
                sorted(conn.execute('SELECT request_id, kind, "on", note FROM events')),
            )

    assert snapshot(killed_db) == snapshot(clean_db)
    assert len(snapshot(clean_db)[0]) == 600


def test_attachments_over_the_configured_limit_are_not_stored(foi, isolated: Path) -> None:
    foi("init")
    ref = sent_request(foi, "RXX", "2026-11-02")
    big = reply("foi@t.example", f"Re: [{ref}]", "See attached.")
    big.add_attachment(b"x" * 5000, maintype="application", subtype="pdf", filename="big.pdf")
    small = reply("foi@t.example", f"Re: [{ref}] again", "And this.")
    small.add_attachment(b"y" * 100, maintype="application", subtype="pdf", filename="small.pdf")
    box = mailbox.mbox(str(isolated / "a.mbox"))
    box.add(big)
    box.add(small)
    box.flush()
    box.close()
    result = foi(
        "inbox",
        "import",
        str(isolated / "a.mbox"),
        "--json",
        env={"FOI_ATTACHMENT_MAX_BYTES": "1000"},
        today="2026-12-01",
    )
    assert result.exit_code == 0, result.stderr
    names = [a["filename"] for a in foi("request", "show", ref, "--json").json()["attachments"]]
    assert names == ["small.pdf"]
    # The message itself is still kept whole, attachment included.
    sha = foi("inbox", "show", str(result.json()["messages"][0]["inbox_id"]), "--json").json()[
        "sha256"
    ]
    raw = _stored_bytes(isolated / "requests.db", sha)
    assert b"big.pdf" in raw and len(raw) > 5000
