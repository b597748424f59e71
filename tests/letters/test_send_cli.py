"""Sending against a real SMTP server on 127.0.0.1: batches, crashes, refusals, encoding."""

from __future__ import annotations

import mailbox
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

from tests.conftest import REPO, sent_request
from tests.smtpserver import Recorder, free_port  # noqa: F401


def smtp_env(port: int, **extra: str) -> dict[str, str]:
    return {
        "FOI_SMTP_HOST": "127.0.0.1",
        "FOI_SMTP_PORT": str(port),
        "FOI_SMTP_SECURITY": "none",
        "FOI_FROM": "Siân Ó Briain <sian@simcamp.org.uk>",
        "FOI_SEND_THROTTLE": "0",
        "FOI_REQUESTER_NAME": "Siân Ó Briain",
        "FOI_REQUESTER_EMAIL": "sian@simcamp.org.uk",
        **extra,
    }


def make_batch(foi, isolated: Path, n: int, env: dict[str, str], db: str | None = None) -> None:
    """n trusts with email addresses on a test domain, and one draft to each."""
    assert foi("init", db=db).exit_code == 0
    rows = ["name,email,kind,tags"] + [
        f"Test Mental Health Trust {i:02d},foi{i:02d}@trust{i:02d}.example.nhs.uk,"
        "mental-health-trust,smtp-test"
        for i in range(n)
    ]
    (isolated / "trusts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert foi("body", "import", str(isolated / "trusts.csv"), db=db).exit_code == 0
    drafted = foi(
        "draft",
        "sim-use",
        "--to",
        "tag:smtp-test",
        "--campaign",
        "batch",
        "--json",
        env=env,
        db=db,
        today="2026-11-27",
    )
    assert drafted.exit_code == 0, drafted.stderr
    assert len(drafted.json()) == n


def letters(db: Path) -> dict[str, tuple[str, str | None, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT r.reference, l.state, l.message_id, l.to_addr FROM letters l "
            "JOIN requests r ON r.id = l.request_id"
        ).fetchall()
    return {ref: (state, mid, to) for ref, state, mid, to in rows}


def test_batch_of_50_arrives_once_each_with_token_and_message_id(foi, smtp, isolated: Path) -> None:
    handler, port = smtp
    env = smtp_env(port, FOI_BCC="archive@campaign.example")
    make_batch(foi, isolated, 50, env)
    dry = foi("send", "--campaign", "batch", "--json", env=env)
    assert dry.json()["ready"] == 50 and handler.count() == 0
    sent = foi("send", "--campaign", "batch", "--yes", "--json", env=env, today="2026-11-27")
    assert sent.exit_code == 0, sent.stderr
    assert sent.json()["sent"] == 50
    assert handler.count() == 50
    stored = letters(isolated / "requests.db")
    by_to = Counter(r.rcpt_tos[0] for r in handler.received)
    assert set(by_to.values()) == {1}
    for r in handler.received:
        msg = r.message
        ref = str(msg["X-FOI-Reference"])
        state, mid, to = stored[ref]
        assert state == "sent"
        assert f"[{ref}]" in str(msg["Subject"])
        assert str(msg["To"]) == to == r.rcpt_tos[0]
        assert str(msg["Message-ID"]) == f"<{mid}>"
        assert "archive@campaign.example" in r.rcpt_tos and "Bcc" not in msg
        assert str(msg["From"]) == "Siân Ó Briain <sian@simcamp.org.uk>"
    show = foi("request", "show", ref, "--json", today="2026-11-27").json()
    assert show["status"] == "awaiting-response" and show["sent_on"] == "2026-11-27"
    # From Friday 27 November: skips 30 Nov (St Andrew's Day), 25 Dec and 28 Dec (Boxing Day
    # observed), so the 20th working day is 30 December.
    assert show["due_on"] == "2026-12-30"
    again = foi("send", "--campaign", "batch", "--yes", "--json", env=env)
    assert again.json()["sent"] == 0 and handler.count() == 50


def test_killed_mid_batch_then_rerun_delivers_each_once(smtp, isolated: Path, foi) -> None:
    handler, port = smtp
    env = smtp_env(port, FOI_SEND_THROTTLE="0.05")
    make_batch(foi, isolated, 50, env)
    full_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FOI_")},
        **env,
        "FOI_DATABASE_URL": str(isolated / "requests.db"),
        "FOI_TODAY": "2026-11-27",
        "HOME": str(isolated),
    }
    cmd = [sys.executable, "-m", "foi", "send", "--campaign", "batch", "--yes"]
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while handler.count() < 17 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    delivered = handler.count()
    assert 17 <= delivered < 50
    states = Counter(s for s, _, _ in letters(isolated / "requests.db").values())
    assert states["sending"] <= 1  # at most the one letter in flight is uncertain
    if states["sending"]:
        # Settle it from what the server received, as a user would from a BCC archive.
        box = mailbox.mbox(str(isolated / "archive.mbox"))
        for r in handler.received:
            box.add(r.data)
        box.flush()
        box.close()
        settled = subprocess.run(
            [*cmd[:3], "send", "--reconcile", str(isolated / "archive.mbox")],
            cwd=REPO,
            env=full_env,
            capture_output=True,
            text=True,
        )
        assert settled.returncode == 0, settled.stderr
    rerun = subprocess.run(
        cmd, cwd=REPO, env={**full_env, "FOI_SEND_THROTTLE": "0"}, capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stderr
    counts = Counter(str(r.message["Message-ID"]) for r in handler.received)
    assert len(counts) == 50 and set(counts.values()) == {1}
    assert Counter(s for s, _, _ in letters(isolated / "requests.db").values()) == {"sent": 50}


def test_refused_recipient_is_logged_and_the_rest_go(foi, smtp, isolated: Path) -> None:
    handler, port = smtp
    env = smtp_env(port)
    make_batch(foi, isolated, 5, env)
    handler.refuse.add("foi02@trust02.example.nhs.uk")
    result = foi("send", "--campaign", "batch", "--yes", env=env)
    assert result.exit_code == 7
    assert "550" in result.stderr and "1 letter failed" in result.stderr
    assert handler.count() == 4
    stored = letters(isolated / "requests.db")
    failed = [ref for ref, (state, _, _) in stored.items() if state == "failed"]
    assert len(failed) == 1
    shown = foi("request", "show", failed[0], "--json").json()
    assert shown["status"] == "draft"
    assert shown["letters"][0]["state"] == "failed"
    handler.refuse.clear()
    retry = foi("send", "--campaign", "batch", "--yes", "--json", env=env)
    assert retry.json()["sent"] == 1 and handler.count() == 5


def test_missing_smtp_setting_names_the_variable(foi, isolated: Path) -> None:
    env = {"FOI_REQUESTER_NAME": "Jo", "FOI_FROM": "jo@simcamp.org.uk"}
    make_batch(foi, isolated, 1, env)
    result = foi("send", "--campaign", "batch", "--yes", env=env)
    assert result.exit_code == 6
    assert "FOI_SMTP_HOST" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_smtp_password_never_reaches_output_or_database(foi, isolated: Path) -> None:
    port = free_port()  # nothing listens here
    env = smtp_env(port, FOI_SMTP_USER="jo", FOI_SMTP_PASSWORD="hunter2-secret")
    make_batch(foi, isolated, 1, env)
    result = foi("send", "--campaign", "batch", "--yes", env=env)
    assert result.exit_code != 0
    assert "hunter2-secret" not in result.stdout + result.stderr
    assert b"hunter2-secret" not in (isolated / "requests.db").read_bytes()


def test_header_injection_through_a_variable_is_refused(foi, isolated: Path) -> None:
    (isolated / "templates").mkdir()
    (isolated / "templates" / "inject.j2").write_text(
        '+++\nsubject = "About {{ vars.topic }}"\nregime = "foia"\nkinds = ["any"]\n'
        'purpose = "request"\n+++\nDear {{ body.name }},\n\nPlease send {{ vars.topic }}.\n',
        encoding="utf-8",
    )
    foi("init")
    result = foi(
        "draft",
        "inject",
        "--to",
        "RXX",
        "--var",
        "topic=x\nBcc: evil@example.com",
        env={"FOI_REQUESTER_NAME": "Jo", "FOI_REQUESTER_ADDRESS": "1 Park Row, Leeds"},
    )
    assert result.exit_code == 2
    assert "line break" in result.stderr
    assert foi("request", "list", "--json").json() == []


def test_outbox_eml_files_parse_with_the_same_headers(foi, isolated: Path) -> None:
    env = {"FOI_REQUESTER_NAME": "Siân Ó Briain", "FOI_FROM": "Siân Ó Briain <sian@x.example>"}
    make_batch(foi, isolated, 3, env)
    result = foi("send", "--campaign", "batch", "--outbox", "out", "--yes", "--json", env=env)
    assert result.exit_code == 0, result.stderr
    files = sorted((isolated / "out").glob("*.eml"))
    assert len(files) == 3
    stored = letters(isolated / "requests.db")
    for path in files:
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        ref = str(msg["X-FOI-Reference"])
        state, mid, to = stored[ref]
        assert state == "written"
        assert str(msg["To"]) == to
        assert str(msg["Message-ID"]) == f"<{mid}>"
        assert str(msg["Subject"]).endswith(f"[{ref}]")
        assert str(msg["From"]) == "Siân Ó Briain <sian@x.example>"
        assert "Dear Test Mental Health Trust" in msg.get_content()
        assert oct(path.stat().st_mode & 0o777) == "0o600"
    ref = str(message_from_bytes(files[0].read_bytes(), policy=policy.default)["X-FOI-Reference"])
    logged = foi("request", "log", ref, "sent", "--on", "2026-11-27", today="2026-11-27")
    assert logged.exit_code == 0
    assert foi("request", "show", ref, "--json").json()["status"] == "awaiting-response"


def test_web_form_and_post_letters_go_to_the_outbox_as_text(foi, isolated: Path) -> None:
    foi("init")
    refused = foi(
        "draft", "sim-use", "--to", "RV9", "--campaign", "c", env={"FOI_REQUESTER_NAME": "Jo"}
    )
    assert "needs your postal address" in refused.stdout  # skipped: no address for a reply
    env = {"FOI_REQUESTER_NAME": "Jo", "FOI_REQUESTER_ADDRESS": "1 Park Row, Leeds LS1 5HN"}
    foi("body", "add", "Formonly Trust", "--kind", "mental-health-trust")
    form = "https://formonly.example.nhs.uk/foi"
    foi("body", "edit", "Formonly Trust", "--web-form", form, "--source", form)
    # Humber takes requests by post only (its registered address); Formonly by web form
    foi("draft", "sim-use", "--to", "RV9", "--to", "Formonly Trust", "--campaign", "c", env=env)
    dry = foi("send", "--campaign", "c")
    assert "goes by post" in dry.stderr and "goes by web-form" in dry.stderr
    preview = foi("draft", "preview", "--campaign", "c").stdout
    assert f"How: paste this letter into the body's web form at {form}" in preview
    written = foi(
        "send", "--campaign", "c", "--outbox", "out", "--yes", "--json", today="2026-12-04"
    )
    assert written.json()["written_text"] == 2
    assert "post it to Trust HQ Block A Willerby Hill" in written.stderr
    assert f"paste it into the body's web form at {form}" in written.stderr
    letters = [p.read_text(encoding="utf-8") for p in sorted((isolated / "out").glob("*.txt"))]
    text = next(t for t in letters if "Dear Humber" in t)
    # The letter stands alone: our address, the date, theirs, our reference; no tool steps.
    assert text.startswith("Jo\n1 Park Row\nLeeds LS1 5HN\n\n4 December 2026\n\n")
    assert "Humber Teaching NHS Foundation Trust\nTrust HQ Block A Willerby Hill\n" in text
    assert "Our reference: FOI-2026-0001" in text
    assert "foi request log" not in text and "Post to:" not in text
    assert "Dear Humber Teaching NHS Foundation Trust" in text
    # A web-form letter says where it is to be pasted, above a cut line, and nothing else.
    pasted = next(t for t in letters if "Dear Formonly" in t)
    first, cut, rest = pasted.split("\n", 2)
    assert first == f"Paste everything below the line into the web form at {form}"
    assert cut == "-" * 72 and rest.startswith("4 December 2026\n\nOur reference: FOI-2026-0002")
    assert "foi request log" not in pasted


def test_a_letter_written_to_the_outbox_is_not_sent_again_by_smtp(
    foi, smtp, isolated: Path
) -> None:
    handler, port = smtp
    env = smtp_env(port)
    make_batch(foi, isolated, 1, env)
    foi("send", "--campaign", "batch", "--outbox", "out", "--yes", env=env)
    again = foi("send", "--campaign", "batch", "--yes", "--json", env=env)
    assert again.exit_code == 0 and again.json()["sent"] == 0 and handler.count() == 0
    dry = foi("send", "--campaign", "batch", "--json", env=env).json()
    assert "written to the outbox" in dry["blocked"][0]["problem"]
    ref = dry["blocked"][0]["reference"]
    named = foi("send", ref, "--yes", "--json", env=env)  # naming it sends it by SMTP
    assert named.json()["sent"] == 1 and handler.count() == 1


def test_chase_with_bad_smtp_settings_drafts_nothing(foi, isolated: Path) -> None:
    foi("init")
    foi("body", "edit", "RXX", "--email", "foi@sabp.example.nhs.uk")
    ref = sent_request(foi, "RXX", "2026-10-01", title="a")
    result = foi("chase", "--yes", env={"FOI_REQUESTER_NAME": "Jo"}, today="2026-11-27")
    assert result.exit_code == 6 and "FOI_SMTP_HOST" in result.stderr
    assert foi("request", "show", ref, "--json").json()["letters"] == []
