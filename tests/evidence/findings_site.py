"""The small SIM campaign of tests/evidence/campaign.py, grown into what the published
findings must handle: a police force sent another letter (sim-police, whose question 1 is not
the trusts' question 1), mail that is not a reply (an out-of-office note naming an officer, an
acknowledgement, a bounce), evidence citing two sources in one cell, a campaign title and a
Markdown summary holding HTML, and a request held back from publication (Epsilon's).
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

from tests.evidence.campaign import CAMPAIGN, CODES, DELTA, EPSILON, GAMMA, REQUESTER, build

POLICE = "Northshire Police"
POLICE_ID = "northshire"
POLICE_NAME_FOUND = "Street Triage Plus"  # a local name only the police answer gives
OOF_TEXT = "I am out of the office until 20 November; for urgent matters contact Bob Brittlebank"
BOUNCE_TEXT = "Delivery to the following recipient failed permanently: foi@rd4.nhs.example"
ACK_TEXT = "This is an automated acknowledgement of your request"
TITLE = "Who ran SIM? Findings of the SIM FOI campaign"
SUMMARY = (
    "**Serenity Integrated Mentoring** (SIM) put police officers into NHS mental health "
    "teams. We asked every trust and force <script>alert('x')</script> what they ran.\n\n"
    "# Not a heading\n\nRead [the campaign](https://stopsim.example/) for more."
)
SOURCE_A = "https://a.example/board-papers-2019.pdf"
SOURCE_B = "https://b.example/minutes.html"
HELD_UNTIL = "2027-02-01"


def _ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stderr + result.stdout
    return result


def _mail(folder: Path, name: str, **headers: str) -> Path:
    text = headers.pop("text")
    msg = EmailMessage()
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content(text)
    path = folder / name
    path.write_bytes(bytes(msg))
    return path


def build_findings(foi: Any, db: str, folder: Path, smtp_port: int) -> dict[str, str]:
    """Build the campaign; returns the references by body (and 'SAR')."""
    refs = build(foi, db, folder, smtp_port)
    env = {
        **REQUESTER,
        "FOI_SMTP_HOST": "127.0.0.1",
        "FOI_SMTP_PORT": str(smtp_port),
        "FOI_SMTP_SECURITY": "none",
        "FOI_FROM": f"Jane Quillfeather <{REQUESTER['FOI_REQUESTER_EMAIL']}>",
        "FOI_SEND_THROTTLE": "0",
    }
    day = "2026-11-02"
    _ok(
        foi(
            "body", "add", POLICE, "--kind", "police-force", "--police-id", POLICE_ID,
            "--region", "North East", "--email", "foi@northshire.police.example",
            db=db, today=day,
        )
    )  # fmt: skip
    drafted = _ok(
        foi(
            "draft", "sim-police", "--to", POLICE_ID, "--campaign", CAMPAIGN, "--json",
            db=db, today=day, env=env,
        )
    ).json()  # fmt: skip
    refs[POLICE] = drafted[0]["reference"]
    _ok(foi("send", "--campaign", CAMPAIGN, "--yes", db=db, today=day, env=env))
    _ok(
        foi(
            "respond", refs[POLICE], "--on", "2026-11-20", "--outcome", "successful",
            "--answer", f"1=Yes: {POLICE_NAME_FOUND} with two NHS trusts, 2017 to 2021",
            "--answer-status", "1=answered", "--local-name", POLICE_NAME_FOUND,
            "--sim-status", "adopted", db=db, today="2026-11-20", env=env,
        )
    )  # fmt: skip

    # Mail that is not a reply: never published, though matched to its request.
    sent = {name: f"[{ref}]" for name, ref in refs.items()}
    oof = _mail(
        folder,
        "oof.eml",
        From="Officer Brittlebank <officer@ra1.nhs.example>",
        To=REQUESTER["FOI_REQUESTER_EMAIL"],
        Subject=f"Automatic reply: Out of Office RE: {sent[GAMMA]} Freedom of Information",
        Date="Tue, 03 Nov 2026 09:00:00 +0000",
        Message_ID="<oof-1@rc3.nhs.example>",
        Auto_Submitted="auto-replied",
        text=OOF_TEXT,
    )
    ack = _mail(
        folder,
        "ack.eml",
        From="FOI Team <foi@rc3.nhs.example>",
        To=REQUESTER["FOI_REQUESTER_EMAIL"],
        Subject=f"Acknowledgement of your request {sent[GAMMA]}",
        Date="Tue, 03 Nov 2026 10:00:00 +0000",
        Message_ID="<ack-1@rc3.nhs.example>",
        text=f"{ACK_TEXT}. We will reply by 1 December 2026.",
    )
    bounce = _mail(
        folder,
        "bounce.eml",
        From="Mail Delivery System <MAILER-DAEMON@quillmail.org.uk>",
        To=REQUESTER["FOI_REQUESTER_EMAIL"],
        Subject=f"Undelivered Mail Returned to Sender {sent[DELTA]}",
        Date="Mon, 02 Nov 2026 12:00:00 +0000",
        Message_ID="<bounce-1@quillmail.org.uk>",
        text=f"{BOUNCE_TEXT}\n\nThe message subject was: {sent[DELTA]}",
    )
    for path in (oof, ack, bounce):
        _ok(foi("inbox", "import", str(path), db=db, today="2026-11-03", env=env))
    kinds = {
        m["subject"]: (m["kind"], m["state"])
        for m in _ok(foi("inbox", "list", "--all", "--json", db=db, today="2026-11-03")).json()
    }
    assert [kinds[f"Automatic reply: Out of Office RE: {sent[GAMMA]} Freedom of Information"],
            kinds[f"Acknowledgement of your request {sent[GAMMA]}"],
            kinds[f"Undelivered Mail Returned to Sender {sent[DELTA]}"]] == [
        ("auto-reply", "matched"), ("auto-reply", "matched"), ("bounce", "matched")
    ]  # fmt: skip

    _ok(
        foi(
            "body", "evidence", "add", CODES[GAMMA], "--status", "piloted",
            "--source", f"{SOURCE_A} ; {SOURCE_B}", "--quote", "A pilot ran in 2019.",
            "--on", "2026-11-10", db=db, today="2026-11-10",
        )
    )  # fmt: skip
    summary = folder / "summary.md"
    summary.write_text(SUMMARY, encoding="utf-8")
    _ok(
        foi(
            "campaign", "edit", CAMPAIGN, "--title", TITLE, "--summary-file", str(summary),
            "--keep-questions", db=db, today="2026-12-01",
        )
    )  # fmt: skip
    _ok(
        foi(
            "request", "hold", refs[EPSILON], "--hold-until", HELD_UNTIL,
            db=db, today="2026-12-01",
        )
    )  # fmt: skip
    return refs
