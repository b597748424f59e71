"""A small SIM campaign built through the real CLI, with figures worked out by hand.

Four trusts get the `sim-use` letter, drafted with the requester's details and sent by SMTP
on Monday 2 November 2026 (day 0); Epsilon's goes on Tuesday 1 December. FOIA counts a bank
holiday in any part of the UK (s.10(6)), so St Andrew's Day, Monday 30 November, is skipped:
the 20th working day is Tuesday 1 December. Epsilon's: 25 and 28 December are skipped, due
Thursday 31 December.

| body    | what happened                          | working days | in time | late by |
|---------|----------------------------------------|--------------|---------|---------|
| Alpha   | successful, Mon 16 Nov (3-6, 9-13, 16) | 10           | yes     | 0       |
| Beta    | refused s12, Wed 25 Nov; review        | 17           | yes     | 0       |
| Gamma   | partially successful, Fri 4 Dec        | 19 + 4 = 23  | no      | 3       |
| Delta   | never answered (today Thu 10 Dec)      | -            | no      | 7 so far|
| Epsilon | sent 1 Dec, due 31 Dec: not yet due    | -            | -       | -       |

Plus a subject access request to Alpha, answered: it must appear nowhere.
On time: 2 of 4 (Epsilon is not yet due); Wilson 95%: 0.15 to 0.85. Working days to
respond: 10, 17, 23: median 17, 90th percentile (nearest rank 3 of 3) 23.
"""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path
from typing import Any

TODAY = "2026-12-10"
SENT = "2026-11-02"
CAMPAIGN = "sim-2026"
REQUESTER = {
    "FOI_REQUESTER_NAME": "Jane Quillfeather",
    "FOI_REQUESTER_EMAIL": "jane.quillfeather@quillmail.org.uk",
    "FOI_REQUESTER_ADDRESS": "12 Acacia Avenue, Leeds LS1 4AB",
}
VOLUNTEERS = ("Vera Volunteerson", "Olu Oyelaran")
ALPHA = "Alpha Mental Health NHS Trust"
BETA = '=HYPERLINK("http://evil.example/","Beta") NHS Trust'
GAMMA = "@SUM(1+1) Gamma NHS Trust"
DELTA = "<script>alert(1)</script> Delta NHS Trust"
EPSILON = "+cmd Epsilon NHS Trust"
CODES = {ALPHA: "RA1", BETA: "RB2", GAMMA: "RC3", DELTA: "RD4", EPSILON: "RE5"}
ANSWER_HYPERLINK = '=HYPERLINK("http://evil.example/","click")'
ANSWER_SUM = "@SUM(A1:A9)"
ANSWER_CMD = "+cmd|' /C calc'!A0"
PDF = b"%PDF-1.4\n% minimal published response\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stderr + result.stdout
    return result


def build(foi: Any, db: str, folder: Path, smtp_port: int) -> dict[str, str]:
    """Build the campaign, sending by real SMTP; returns the references by body (and 'SAR')."""
    from tests.conftest import empty_database

    empty_database(db)
    env = {
        **REQUESTER,
        "FOI_SMTP_HOST": "127.0.0.1",
        "FOI_SMTP_PORT": str(smtp_port),
        "FOI_SMTP_SECURITY": "none",
        "FOI_FROM": f"Jane Quillfeather <{REQUESTER['FOI_REQUESTER_EMAIL']}>",
        "FOI_SEND_THROTTLE": "0",
    }
    for name, code in CODES.items():
        slug = code.lower()
        _ok(
            foi(
                "body", "add", name, "--kind", "mental-health-trust", "--ods-code", code,
                "--email", f"foi@{slug}.nhs.example", db=db, today=SENT,
            )
        )  # fmt: skip
    refs: dict[str, str] = {}
    for names, day, volunteer in (
        ([ALPHA, BETA, GAMMA, DELTA], SENT, VOLUNTEERS[0]),
        ([EPSILON], "2026-12-01", VOLUNTEERS[1]),
    ):
        args = [a for n in names for a in ("--to", CODES[n])]
        drafted = _ok(
            foi(
                "draft", "sim-use", *args, "--campaign", CAMPAIGN, "--assignee", volunteer,
                "--json", db=db, today=day, env=env,
            )
        ).json()  # fmt: skip
        for row in drafted:
            refs[row["body"]] = row["reference"]
        _ok(
            foi(
                "send", "--campaign", CAMPAIGN, "--yes",
                db=db, today=day, env=env,
            )
        )  # fmt: skip

    # Alpha replies by email with a PDF; the volunteer logs it and marks the PDF publishable.
    reply = EmailMessage()
    reply["From"] = "FOI Team <foi@ra1.nhs.example>"
    reply["To"] = REQUESTER["FOI_REQUESTER_EMAIL"]
    reply["Subject"] = f"RE: [{refs[ALPHA]}] Freedom of Information request"
    reply["Date"] = "Mon, 16 Nov 2026 10:00:00 +0000"
    reply["Message-ID"] = "<alpha-reply-1@ra1.nhs.example>"
    reply.set_content(
        "Dear Jane Quillfeather,\n\nThank you for your request of 2 November 2026. We ran the "
        "Crisis Support Team with the police from 2018 to 2021. Our reply is attached.\n\n"
        "We will post a copy to 12 Acacia Avenue, Leeds LS1 4AB.\n\nFOI Team\n"
    )
    reply.add_attachment(PDF, maintype="application", subtype="pdf", filename="alpha-response.pdf")
    eml = folder / "alpha-reply.eml"
    eml.write_bytes(bytes(reply))
    _ok(foi("inbox", "import", str(eml), db=db, today="2026-11-16", env=env))
    letter = folder / "alpha-letter.pdf"
    letter.write_bytes(PDF.replace(b"minimal", b"signed"))
    _ok(
        foi(
            "respond", refs[ALPHA], "--on", "2026-11-16", "--outcome", "successful",
            "--answer", "1=Yes: the Crisis Support Team, with the police, 2018 to 2021",
            "--answer-status", "1=answered",
            "--answer", f"2={ANSWER_HYPERLINK}", "--answer-status", "2=answered",
            "--answer", f"4={ANSWER_SUM} (sent to Jane Quillfeather)",
            "--answer-status", "4=partial",
            "--local-name", "Crisis Support Team", "--sim-status", "adopted",
            "--note", "logged by Vera Volunteerson", "--file", str(letter), "--publishable",
            db=db, today="2026-11-16", env=env,
        )
    )  # fmt: skip
    _ok(
        foi(
            "respond", refs[BETA], "--on", "2026-11-25", "--outcome", "refused",
            "--exemption", "s12", "--answer", f"1={ANSWER_CMD}", "--answer-status", "1=refused",
            "--denies-sim", db=db, today="2026-11-25", env=env,
        )
    )  # fmt: skip
    for kind, day, extra in (
        ("internal-review-requested", "2026-12-01", ()),
        ("internal-review-response", "2026-12-08", ("--outcome", "refused")),
    ):
        _ok(foi("request", "log", refs[BETA], kind, "--on", day, *extra, db=db, today=day))
    _ok(
        foi(
            "respond", refs[GAMMA], "--on", "2026-12-04", "--outcome", "partially-successful",
            "--exemption", "2:s40(2)", "--answer", "1=Not held under that name",
            "--answer-status", "1=not-held", "--answer-status", "2=refused",
            db=db, today="2026-12-04", env=env,
        )
    )  # fmt: skip

    # A subject access request: personal, never published, never counted.
    sar = _ok(
        foi(
            "request", "new", "--body", "RA1", "--title", "Jane Quillfeather's own records",
            "--regime", "sar", "--campaign", CAMPAIGN, "--sent-on", SENT,
            "--text", "Please send me my records. Jane Quillfeather, 12 Acacia Avenue",
            "--json", db=db, today=SENT, env=env,
        )
    ).json()  # fmt: skip
    refs["SAR"] = sar["reference"]
    # The body replies to the SAR by email, with the records attached; the volunteer logs
    # every field a response can carry. None of it may reach anything public or exported.
    sar_reply = EmailMessage()
    sar_reply["From"] = "Records Team <foi@ra1.nhs.example>"
    sar_reply["To"] = REQUESTER["FOI_REQUESTER_EMAIL"]
    sar_reply["Subject"] = f"RE: [{refs['SAR']}] SECRET-SAR-SUBJECT your records"
    sar_reply["Date"] = "Fri, 20 Nov 2026 10:00:00 +0000"
    sar_reply["Message-ID"] = "<alpha-sar-1@ra1.nhs.example>"
    sar_reply.set_content("SECRET-SAR-REPLY-TEXT: flagged on the register.\n")
    sar_reply.add_attachment(
        b"SECRET-SAR-RECORDS", maintype="text", subtype="plain", filename="sar-records.txt"
    )
    sar_eml = folder / "alpha-sar-reply.eml"
    sar_eml.write_bytes(bytes(sar_reply))
    _ok(foi("inbox", "import", str(sar_eml), db=db, today="2026-11-20", env=env))
    sar_file = folder / "sar-notes.txt"
    sar_file.write_bytes(b"SECRET-SAR-FILE-CONTENT")
    _ok(
        foi(
            "respond", refs["SAR"], "--on", "2026-11-20", "--outcome", "partially-successful",
            "--answer", "1=SECRET-SAR-ANSWER", "--answer-status", "1=partial",
            "--sim-status", "adopted", "--local-name", "SECRET-SAR-LOCAL-NAME",
            "--quote", "SECRET-SAR-QUOTE", "--page", "SECRET-SAR-PAGE",
            "--note", "SECRET-SAR-NOTE", "--file", str(sar_file),
            db=db, today="2026-11-20", env=env,
        )
    )  # fmt: skip
    return refs
