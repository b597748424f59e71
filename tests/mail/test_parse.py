"""Tests for foi.mail.parse: our hand-written fixtures exactly, real-world mail for robustness."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foi.mail.parse import (
    REFERENCE_TOKEN_RE,
    MailParseError,
    ParsedAttachment,
    ParsedMail,
    content_hash,
    html_to_text,
    parse_message,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "mail"
SHARED_MAIL = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "mail"
SHARED_FILES = (
    sorted(p for p in SHARED_MAIL.glob("*/*") if p.is_file()) if SHARED_MAIL.is_dir() else []
)


def need_shared() -> None:
    """Skip (or fail under CI) when the shared real-mail corpus is missing."""
    if SHARED_MAIL.is_dir():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"shared test data missing under CI: {SHARED_MAIL}")
    pytest.skip(f"shared real-mail corpus not present at {SHARED_MAIL}")


def fixture(name: str) -> ParsedMail:
    """Parse one of our own fixtures."""
    return parse_message((FIXTURES / name).read_bytes())


def real(name: str) -> ParsedMail:
    """Parse one file of the shared real-mail corpus (skipping when it is absent)."""
    need_shared()
    return parse_message((SHARED_MAIL / name).read_bytes())


def summary(att: ParsedAttachment) -> tuple[str, str | None, str, bytes, str | None]:
    """Attachment fields as a tuple, for exact comparison."""
    return (att.filename, att.original_filename, att.content_type, att.data, att.truncated_reason)


SAFE_NAME_RE = re.compile(r"^[^/\\\x00-\x1f.][^/\\\x00-\x1f]{0,119}$")


def check_invariants(mail: ParsedMail) -> None:
    """What every parse must guarantee, whatever the input."""
    assert mail.kind in ("reply", "auto-reply", "bounce")
    assert (mail.auto_reason is None) == (mail.kind == "reply")
    assert mail.bounced_recipients == [] or mail.kind == "bounce"
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert mail.date is None or mail.date.utcoffset().total_seconds() == 0
    assert mail.message_id is None or not mail.message_id.startswith("<")
    assert all(REFERENCE_TOKEN_RE.fullmatch(t) for t in mail.reference_tokens)
    assert len(set(mail.reference_tokens)) == len(mail.reference_tokens)
    assert not any(REFERENCE_TOKEN_RE.search(r) for r in mail.authority_refs)
    names = [a.filename for a in mail.attachments]
    assert len({n.lower() for n in names}) == len(names), names
    for name in names:
        assert SAFE_NAME_RE.match(name), name
        assert name not in (".", "..")
    for att in mail.attachments:
        assert isinstance(att.data, bytes)
        assert att.truncated_reason is None or att.data == b""


# --------------------------------------------------------------------------------------------
# Our fixtures, exactly


def test_nhs_reply_with_three_attachments() -> None:
    mail = fixture("nhs-reply-attachments.eml")
    assert mail.message_id == "DB7PR01MB4321.ABCD@ravenmoor.nhs.uk"
    assert mail.subject == (
        "RE: Freedom of Information request [FOI-2026-0003] - Serenity Integrated Mentoring"
    )
    assert mail.from_addr == "foi@ravenmoor.nhs.uk"
    assert mail.from_name == "Freedom of Information Team"
    assert mail.to == ["sim-campaign@campaign.example.org"]
    assert mail.cc == ["ig@ravenmoor.nhs.uk"]
    assert mail.date == datetime(2026, 3, 10, 14, 5, 12, tzinfo=UTC)
    assert mail.in_reply_to == ["foi-2026-0003.1741180000@campaign.example.org"]
    assert mail.references == ["foi-2026-0003.1741180000@campaign.example.org"]
    assert mail.text == (
        "Dear SIM Campaign,\n\nOur ref: FOI/26/0312\n\nPlease find attached the Trust's response "
        "to your request, together with the policy document and the spreadsheet of figures you "
        "asked for.\n\nKind regards,\n\nFreedom of Information Team\n"
        "Ravenmoor Hospitals NHS Foundation Trust"
    )
    assert (mail.kind, mail.auto_reason, mail.bounced_recipients) == ("reply", None, [])
    assert mail.reference_tokens == ["FOI-2026-0003"]
    assert mail.authority_refs == ["FOI/26/0312"]
    assert [summary(a) for a in mail.attachments] == [
        (
            "FOI-26-0312 Response.pdf",
            "FOI-26-0312 Response.pdf",
            "application/pdf",
            b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n",
            None,
        ),
        (
            "High Intensity Users Policy.docx",
            "High Intensity Users Policy.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00word/document.xml fake docx for tests",
            None,
        ),
        (
            "SIM referrals 2021-2025.xlsx",
            "SIM referrals 2021-2025.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00xl/workbook.xml fake xlsx for tests",
            None,
        ),
    ]
    assert mail.defects == []


def test_html_only_reply_is_converted_to_text() -> None:
    mail = fixture("html-only.eml")
    assert mail.text == (
        "Dear Requester,\n\nReference number: FOI 2026/123\n\n"
        "The force holds the following information:\n\n"
        "Year | Triage calls\n2024 | 1,204\n2025 | 1 318\n\n"
        "Yours sincerely,\nInformation Rights Unit\n"
        "Northmarsh Police & Crime Commissioner – FOI"
    )
    assert "tracking" not in mail.text and "internal note" not in mail.text
    assert mail.kind == "reply"
    assert mail.reference_tokens == ["FOI-2026-0008"]
    assert mail.authority_refs == ["FOI 2026/123"]
    assert mail.from_addr == "information.rights@northmarsh.police.uk"
    assert mail.in_reply_to == ["foi-2026-0008.1741180300@campaign.example.org"]
    assert mail.attachments == [] and mail.defects == []


def test_windows_1252_subject_and_body() -> None:
    mail = fixture("windows-1252.eml")
    # Declared iso-8859-1 in the subject but uses the cp1252 en dash (0x96): read as cp1252.
    assert mail.subject == "RE: Café contract – FOI-2026-0011 £ spending"
    assert mail.from_name == "José Muñoz"
    assert mail.from_addr == "jose.munoz@fenbridge.gov.uk"
    assert mail.text == (
        "Dear Campaigner,\n\nThe council spent £12,500 on the café contract – see “Schedule 2”.\n"
        "The € figure is not held.\n\nRegards,\nJosé"
    )
    assert mail.date == datetime(2026, 3, 12, 21, 45, tzinfo=UTC)
    assert mail.reference_tokens == ["FOI-2026-0011"]
    assert mail.kind == "reply"
    assert mail.defects == []


def test_out_of_office_auto_reply() -> None:
    mail = fixture("out-of-office.eml")
    assert mail.kind == "auto-reply"
    assert mail.auto_reason == "Auto-Submitted: auto-replied"
    assert mail.reference_tokens == ["FOI-2026-0007"]
    assert mail.in_reply_to == ["foi-2026-0007.1741180200@campaign.example.org"]
    assert mail.from_addr == "priya.shah@ravenmoor.nhs.uk"
    assert mail.bounced_recipients == []
    assert mail.authority_refs == []


def test_nhs_acknowledgement_keeps_authority_reference() -> None:
    mail = fixture("nhs-acknowledgement.eml")
    assert mail.kind == "auto-reply"
    assert mail.auto_reason == (
        "acknowledgement: 'Thank you for your Freedom of Information request' … 'will respond'"
    )
    assert mail.authority_refs == ["FOI 2026/0457"]
    assert mail.reference_tokens == ["FOI-2026-0004"]
    assert mail.date == datetime(2026, 3, 3, 10, 12, 44, tzinfo=UTC)
    assert mail.text.startswith("Dear Requester,\n\nThank you for your Freedom of Information")


def test_dsn_bounce() -> None:
    mail = fixture("dsn-bounce.eml")
    assert mail.kind == "bounce"
    assert mail.auto_reason == "Content-Type: multipart/report; report-type=delivery-status"
    assert mail.bounced_recipients == ["foi@nonexistent-trust.nhs.uk"]
    assert mail.from_addr == "mailer-daemon@mail.campaign.example.org"
    # Our token is only in the returned message: it is still found, to match the bounce.
    assert mail.reference_tokens == ["FOI-2026-0005"]
    assert [(a.filename, a.original_filename, a.content_type) for a in mail.attachments] == [
        (
            "Freedom of Information request [FOI-2026-0005] - Serenity Integrated Mentoring.eml",
            None,
            "message/rfc822",
        )
    ]
    returned = parse_message(mail.attachments[0].data)
    assert returned.message_id == "foi-2026-0005.1741258800@campaign.example.org"
    assert returned.to == ["foi@nonexistent-trust.nhs.uk"]
    assert mail.defects == []


def test_forwarded_message_attached_whole_and_its_attachments_extracted() -> None:
    mail = fixture("forwarded.eml")
    assert mail.text == "Please see below the response from our Estates team."
    assert mail.kind == "reply"
    assert mail.reference_tokens == ["FOI-2026-0006"]  # from the forwarded message's subject
    assert [(a.filename, a.original_filename, a.content_type) for a in mail.attachments] == [
        (
            "Re_ Freedom of Information request [FOI-2026-0006] - Car parking income.eml",
            None,
            "message/rfc822",
        ),
        ("parking-income-2025.pdf", "parking-income-2025.pdf", "application/pdf"),
    ]
    assert mail.attachments[1].data == b"%PDF-1.5\nfake car parking income report\n%%EOF\n"
    inner = parse_message(mail.attachments[0].data)
    assert (
        inner.subject == "Re: Freedom of Information request [FOI-2026-0006] - Car parking income"
    )
    assert inner.text == "Tom, the figures are attached."
    assert [a.filename for a in inner.attachments] == ["parking-income-2025.pdf"]


def test_malformed_message_is_read_as_far_as_possible() -> None:
    mail = fixture("malformed.eml")
    assert mail.subject == "Re: FOI-2026-0009 broken café"
    assert mail.from_addr == "clerk@oldtown.gov.uk"
    assert mail.from_name == "broken sender"
    assert mail.to == ["sim-campaign@campaign.example.org"]
    assert mail.date is None
    assert mail.message_id is None
    assert mail.kind == "reply"
    assert mail.reference_tokens == ["FOI-2026-0009"]
    assert mail.authority_refs == ["OT-2026-88"]
    assert mail.text == (
        "This line is garbage without a colon\n\n--different-boundary\nContent-Type: text/plain"
        "\n\nOur ref: OT-2026-88. The answer is no.\n--different-boundary--"
    )
    assert mail.attachments == []
    assert mail.defects == [
        "MissingHeaderBodySeparatorDefect",
        "StartBoundaryNotFoundDefect",
        "MultipartInvariantViolationDefect",
        "unreadable Date header: '32 Foo 2026 99:99:99 +9999'",
    ]


def test_path_traversal_names_are_made_safe() -> None:
    mail = fixture("path-traversal.eml")
    assert [(a.filename, a.original_filename, a.data) for a in mail.attachments] == [
        ("passwd", "../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n"),
        ("evil.bat", "..\\..\\Windows\\System32\\evil.bat", b"@echo off\n"),
        ("bad name.txt", "../bad name\u202e.txt", b"x\n"),
        ("attachment-4.bin", "..", b"y\n"),
        ("bashrc", ".bashrc", b"z\n"),
    ]
    check_invariants(mail)


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.eml")), ids=lambda p: p.name)
def test_every_fixture_meets_invariants(path: Path) -> None:
    check_invariants(parse_message(path.read_bytes()))


# --------------------------------------------------------------------------------------------
# Behaviour in detail, on small hand-built messages


def make(headers: str, body: str = "Hello.\n") -> bytes:
    """Build a message from header lines and a body."""
    return (headers.strip("\n") + "\n\n" + body).encode("utf-8")


BASE = "From: A <a@trust.nhs.uk>\nTo: us@campaign.example.org\n"


@pytest.mark.parametrize(
    ("extra", "subject", "kind", "reason"),
    [
        ("Auto-Submitted: auto-replied\n", "Re: x", "auto-reply", "Auto-Submitted: auto-replied"),
        ("Auto-Submitted: auto-generated\n", "x", "auto-reply", "Auto-Submitted: auto-generated"),
        ("Auto-Submitted: no\n", "Re: x", "reply", None),
        ("X-Autoreply: yes\n", "Re: x", "auto-reply", "X-Autoreply: yes"),
        ("X-Autorespond: yes\n", "Re: x", "auto-reply", "X-Autorespond: yes"),
        ("Precedence: auto_reply\n", "Re: x", "auto-reply", "Precedence: auto_reply"),
        ("Precedence: bulk\n", "Re: x", "reply", None),
        ("Precedence: bulk\n", "Out of Office: x", "auto-reply", "Subject: Out of Office"),
        # Outlook sets X-Auto-Response-Suppress on ordinary system mail: alone it means nothing.
        ("X-Auto-Response-Suppress: All\n", "RE: FOI response", "reply", None),
        (
            "X-Auto-Response-Suppress: All\nPrecedence: bulk\n",
            "RE: FOI response",
            "auto-reply",
            "X-Auto-Response-Suppress: all (with rule/bulk marker)",
        ),
        ("", "Automatic reply: FOI request", "auto-reply", "Subject: Automatic reply"),
        ("", "AUTO: Jo Bloggs is out of the office", "auto-reply", "Subject: AUTO:"),
        ("", "Jo Bloggs is out of the office", "auto-reply", "Subject: is out of the office"),
        ("", "Out of Office AutoReply: x", "auto-reply", "Subject: Out of Office"),
        ("", "Acknowledgement of your request", "auto-reply", "Subject: Acknowledgement"),
        ("", "We have received your request", "auto-reply", "Subject: We have received your"),
        ("", "[EXTERNAL] Out of office", "auto-reply", "Subject: Out of office"),
        ("", "RE: Out of office", "reply", None),
        ("", "Thank you for your email", "auto-reply", "Subject: Thank you for your email"),
        # A request *about* leave or out-of-office cover is not an auto-reply.
        ("", "RE: FOI request - staff on annual leave", "reply", None),
        ("", "RE: FOI request - out of office hours cover", "reply", None),
        ("", "RE: thank you for your email about parking", "reply", None),
        ("", "Undeliverable: FOI request", "bounce", "Subject: Undeliverable"),
        ("", "Mail delivery failed: returning message", "bounce", "Subject: Mail delivery failed"),
        ("", "Delivery Status Notification (Failure)", "bounce", None),
        ("X-Failed-Recipients: foi@gone.nhs.uk\n", "x", "bounce", None),
    ],
)
def test_classification_rules(extra: str, subject: str, kind: str, reason: str | None) -> None:
    mail = parse_message(make(BASE + extra + f"Subject: {subject}\n"))
    assert mail.kind == kind
    if reason is not None:
        assert mail.auto_reason == reason
    check_invariants(mail)


def test_bounce_wins_over_auto_reply_and_lists_failed_recipients() -> None:
    raw = make(
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\nTo: us@campaign.example.org\n"
        "Subject: Mail delivery failed\nAuto-Submitted: auto-replied\n"
        "X-Failed-Recipients: FOI@Gone-Trust.nhs.uk, other@gone.nhs.uk\n"
    )
    mail = parse_message(raw)
    assert mail.kind == "bounce"
    assert mail.auto_reason == "X-Failed-Recipients: FOI@Gone-Trust.nhs.uk, other@gone.nhs.uk"
    assert mail.bounced_recipients == ["foi@gone-trust.nhs.uk", "other@gone.nhs.uk"]


def test_bounce_recipients_from_text_skip_our_own_addresses() -> None:
    raw = make(
        "From: postmaster@mx.example.org\nTo: us@campaign.example.org\nSubject: failure notice\n",
        "Hi. This is the qmail-send program.\nYour message to us@campaign.example.org\n"
        "could not be delivered to the following addresses:\n\n<foi@gone.nhs.uk>:\n"
        "550 no such user\n\n--- Below this line is a copy of the message.\n\n"
        "To: other@elsewhere.example\n",
    )
    mail = parse_message(raw)
    assert mail.kind == "bounce"
    assert mail.bounced_recipients == ["foi@gone.nhs.uk"]


def test_delayed_delivery_report_is_not_a_bounce() -> None:
    raw = (
        b"From: postmaster@mx.example.org\nTo: us@campaign.example.org\n"
        b"Subject: Delivery Status Notification (Delay)\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain\n\nDelivery has been delayed.\n"
        b"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
        b"Final-Recipient: rfc822; foi@slow.nhs.uk\nAction: delayed\nStatus: 4.4.7\n\n--b--\n"
    )
    mail = parse_message(raw)
    assert mail.kind == "auto-reply"
    assert mail.auto_reason == "delivery report, not a failure (delayed)"
    assert mail.bounced_recipients == []


def test_auto_generated_mail_carrying_documents_is_a_reply() -> None:
    raw = (
        b"From: noreply@casework.trust.nhs.uk\nTo: us@campaign.example.org\n"
        b"Subject: Your FOI response FOI-2026-0001\nAuto-Submitted: auto-generated\n"
        b'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
        b"--b\nContent-Type: text/plain\n\nPlease find our response attached.\n"
        b"--b\nContent-Type: application/pdf\nContent-Disposition: attachment; "
        b'filename="response.pdf"\n\n%PDF-1.4\n--b--\n'
    )
    mail = parse_message(raw)
    assert mail.kind == "reply"
    assert mail.reference_tokens == ["FOI-2026-0001"]


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (
            "Thank you for your FOI request. It has been logged and we will respond within 20 "
            "working days.",
            "auto-reply",
        ),
        ("This is an automated acknowledgement of your email.", "auto-reply"),
        (
            "Thank you for your request. The Trust does not hold this information. If you are "
            "unhappy we will respond to a review within 20 working days.",
            "reply",
        ),
        (
            "Thank you for your Freedom of Information request. Could you please clarify which "
            "years you mean? We will respond once we hear from you.",
            "reply",
        ),
        ("I am out of the office until Monday.", "auto-reply"),
        ("Here is the information you asked for: 42 beds.", "reply"),
    ],
)
def test_acknowledgements_are_recognised_from_the_body(body: str, kind: str) -> None:
    mail = parse_message(make(BASE + "Subject: RE: FOI-2026-0002 beds\n", body + "\n"))
    assert mail.kind == kind


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("Your request FOI 2026/123 has been logged", ["FOI 2026/123"]),
        ("Our ref: FOI-12345", ["FOI-12345"]),
        ("Ref: 2026-0457", ["2026-0457"]),
        ("Please quote FOI/23/0145 in replies", ["FOI/23/0145"]),
        ("Request ID 12345", ["12345"]),
        ("Your reference is FOI 2026/0457.", ["FOI 2026/0457"]),
        ("Our reference: FOI 2026/0457 (FOI 2026/0457)", ["FOI 2026/0457"]),
        ("Case number: CR-2026-0099", ["CR-2026-0099"]),
        ("Reference : T5741/15", ["T5741/15"]),
        ("Our ref: FOI-2026-0001 your ref FOI-2026-0002", []),
        ("under section 1 of FOIA 2000 and EIR 2004", []),
        ("with reference to your letter of 5 March 2026", []),
        ("in this case 2 documents are withheld", []),
        ("EIR/2026/77 and FOI 34960", ["EIR/2026/77", "FOI 34960"]),
    ],
)
def test_authority_references(text: str, refs: list[str]) -> None:
    mail = parse_message(make(BASE + "Subject: Re: x\n", text + "\n"))
    assert mail.authority_refs == refs


def test_reference_tokens_subject_first_then_text_deduplicated() -> None:
    raw = make(
        BASE + "Subject: RE: [FOI-2026-0010] and foi-2026-0003\n",
        "See FOI-2026-0001, FOI-2026-0010 and XFOI-2026-0004 (not ours).\n",
    )
    assert parse_message(raw).reference_tokens == [
        "FOI-2026-0010",
        "FOI-2026-0003",
        "FOI-2026-0001",
    ]


def test_reference_token_regex() -> None:
    assert REFERENCE_TOKEN_RE.search("[FOI-2026-0001]").group(0) == "FOI-2026-0001"
    assert REFERENCE_TOKEN_RE.search("FOI-2026-12345").group(0) == "FOI-2026-12345"
    assert REFERENCE_TOKEN_RE.search("FOI-2026-001") is None
    assert REFERENCE_TOKEN_RE.search("XFOI-2026-0001") is None


def test_oversized_attachment_is_recorded_empty_with_a_reason() -> None:
    raw = (
        b"From: a@b.example\nSubject: big\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
        b'boundary="b"\n\n--b\nContent-Type: text/plain\n\nhi\n--b\nContent-Type: '
        b'application/pdf\nContent-Disposition: attachment; filename="big.pdf"\n\n'
        + b"x" * 100
        + b"\n--b--\n"
    )
    mail = parse_message(raw, max_attachment_bytes=50)
    assert [summary(a) for a in mail.attachments] == [
        (
            "big.pdf",
            "big.pdf",
            "application/pdf",
            b"",
            "100 bytes is over the 50-byte attachment limit",
        )
    ]
    assert parse_message(raw).attachments[0].data == b"x" * 100


def test_duplicate_and_missing_names() -> None:
    part = (
        b"--b\nContent-Type: application/pdf\nContent-Disposition: attachment; "
        b'filename="Report.pdf"\n\n%PDF\n'
    )
    raw = (
        b"From: a@b.example\nSubject: dup\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
        b'boundary="b"\n\n'
        + part
        + part.replace(b"Report", b"report")
        + part
        + b"--b\nContent-Type: application/x-odd\n\n??\n"
        + b"--b\nContent-Type: application/ms-tnef\n\nTNEF\n--b--\n"
    )
    names = [a.filename for a in parse_message(raw).attachments]
    assert names == [
        "Report.pdf",
        "report-2.pdf",
        "Report-3.pdf",
        "attachment-4.bin",
        "winmail.dat",
    ]


def test_rfc2231_and_encoded_word_filenames() -> None:
    raw = (
        b"From: a@b.example\nSubject: names\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
        b'boundary="b"\n\n'
        b"--b\nContent-Type: application/pdf\nContent-Disposition: attachment;\n"
        b" filename*=iso-8859-1''r%E9ponse%20%A31.pdf\n\nx\n"
        b'--b\nContent-Type: application/pdf; name="=?UTF-8?B?w6l0w6kucGRm?="\n\ny\n'
        b"--b\nContent-Type: application/pdf\nContent-Disposition: attachment;\n"
        b" filename*0*=utf-8''long%20name;\n filename*1=\" part two.pdf\"\n\nz\n--b--\n"
    )
    atts = parse_message(raw).attachments
    assert [(a.filename, a.original_filename) for a in atts] == [
        ("réponse £1.pdf", "réponse £1.pdf"),
        ("été.pdf", "été.pdf"),
        ("long name part two.pdf", "long name part two.pdf"),
    ]


def test_long_filename_is_shortened_keeping_extension() -> None:
    long_name = "a" * 300 + ".xlsx"
    raw = (
        b"From: a@b.example\nSubject: long\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
        b'boundary="b"\n\n--b\nContent-Type: application/octet-stream\nContent-Disposition: '
        b'attachment; filename="' + long_name.encode() + b'"\n\nx\n--b--\n'
    )
    (att,) = parse_message(raw).attachments
    assert len(att.filename) == 120 and att.filename.endswith(".xlsx")
    assert att.original_filename == long_name


def test_charset_fallbacks() -> None:
    latin1_declared_utf8_bytes = make(
        "From: a@b.example\nSubject: x\nContent-Type: text/plain; charset=iso-8859-1\n",
        "Café – “quoted”\n",
    )
    assert parse_message(latin1_declared_utf8_bytes).text == "Café – “quoted”"
    undeclared_8bit = b"From: a@b.example\nSubject: x\n\nCaf\xe9 \x96 \xa35\n"
    mail = parse_message(undeclared_8bit)
    assert mail.text == "Café – £5"
    assert mail.defects == ["text/plain body: no usable charset; read as windows-1252"]
    unknown = b"From: a@b.example\nSubject: =?x-made-up?Q?caf=C3=A9?=\n"
    unknown += b"Content-Type: text/plain; charset=x-made-up\n\ncaf\xc3\xa9\n"
    mail = parse_message(unknown)
    assert (mail.subject, mail.text) == ("café", "café")
    raw_8bit_header = b"From: Jos\xe9 <j@b.example>\nSubject: Caf\xc3\xa9 \xff\n\nx\n"
    mail = parse_message(raw_8bit_header)
    assert mail.from_name == "José"
    assert mail.subject.startswith("Caf")


def test_encoded_word_split_across_multibyte_character() -> None:
    # Outlook splits UTF-8 characters across encoded-words; they must be joined before decoding.
    raw = b"From: a@b.example\nSubject: =?utf-8?B?Y2Fm?= =?utf-8?B?w6k=?= =?utf-8?Q?_=E2=80?=\n"
    raw += b" =?utf-8?Q?=93_ok?=\n\nx\n"
    assert parse_message(raw).subject == "café – ok"


def test_dates_are_utc() -> None:
    mail = parse_message(make("From: a@b.example\nDate: Mon, 2 Mar 2026 09:00:00 +0100\n"))
    assert mail.date == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    naive = parse_message(make("From: a@b.example\nDate: Mon, 2 Mar 2026 09:00:00 -0000\n"))
    assert naive.date == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    received = parse_message(
        make(
            "Received: from x by y; Tue, 3 Mar 2026 10:00:00 +0000\nFrom: a@b.example\n"
            "Subject: no date\n"
        )
    )
    assert received.date == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    assert "date taken from the Received header" in received.defects


def test_message_ids_are_normalised() -> None:
    mail = parse_message(
        make(
            "From: a@b.example\nMessage-ID:  <abc@x.example> \nIn-Reply-To: <p@x.example>\n"
            "References: <r1@x.example>\n <r2@x.example> <r1@x.example>\n"
        )
    )
    assert mail.message_id == "abc@x.example"
    assert mail.in_reply_to == ["p@x.example"]
    assert mail.references == ["r1@x.example", "r2@x.example"]


def test_uuencoded_attachment_in_plain_text() -> None:
    body = "See attached.\n\nbegin 644 note.txt\n&:&5L;&\\*\n`\nend\n\nThanks\n"
    mail = parse_message(make("From: a@b.example\nSubject: uu\n", body))
    assert [(a.filename, a.content_type, a.data) for a in mail.attachments] == [
        ("note.txt", "text/plain", b"hello\n")
    ]
    assert mail.text == "See attached.\n\n\n\nThanks"


def test_html_to_text() -> None:
    html = (
        "<html><head><style>.x{}</style><title>T</title></head><body>"
        "<h1>Title</h1><p>One&nbsp;two<br>three</p><ul><li>a</li><li>b</li></ul>"
        "<script>alert(1)</script><pre>  keep\n  lines</pre></body></html>"
    )
    assert html_to_text(html) == "Title\n\nOne two\nthree\n\n- a\n- b\n\nkeep\nlines"


@pytest.mark.parametrize(
    "raw", [b"", b"   \n\n", b"just some words without any header\n", b"\x00\x01\x02"]
)
def test_nothing_usable_raises(raw: bytes) -> None:
    with pytest.raises(MailParseError):
        parse_message(raw)


def test_content_hash() -> None:
    assert content_hash(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert len(content_hash(b"")) == 64


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_crash(raw: bytes) -> None:
    try:
        mail = parse_message(raw)
    except MailParseError:
        return
    check_invariants(mail)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(sorted(FIXTURES.glob("*.eml"))),
    st.integers(min_value=0, max_value=4000),
    st.binary(max_size=40),
)
def test_damaged_fixtures_never_crash(path: Path, cut: int, junk: bytes) -> None:
    data = path.read_bytes()
    raw = data[:cut] + junk + data[cut:][: len(data) // 2]
    try:
        mail = parse_message(raw, max_attachment_bytes=20)
    except MailParseError:
        return
    check_invariants(mail)


# --------------------------------------------------------------------------------------------
# The shared real-world corpus (Alaveteli and sisimai test suites)


@pytest.mark.parametrize(
    "path", SHARED_FILES or [None], ids=lambda p: f"{p.parent.name}/{p.name}" if p else "absent"
)
def test_every_real_message_parses(path: Path | None) -> None:
    need_shared()
    assert path is not None
    mail = parse_message(path.read_bytes())
    check_invariants(mail)


BOUNCES = {
    "sisimai/lhost-exchange2003-01.eml": ["kijitora@example.jp"],
    "sisimai/lhost-exchange2007-01.eml": ["mikeneko@example.co.jp"],
    "sisimai/lhost-exim-01.eml": ["kijitora@example.ed.jp"],
    "sisimai/lhost-gmail-01.eml": ["userunknown@example.jp"],
    "sisimai/lhost-mimecast-01.eml": ["sabineko@neko.ef.example.org"],
    "sisimai/lhost-notes-01.eml": ["kijitora@u1.example.co.jp"],
    "sisimai/lhost-office365-01.eml": ["kijitora@example.com"],
    "sisimai/lhost-outlook-01.eml": ["kijitora@example.jp"],
    "sisimai/lhost-postfix-01.eml": ["kijitora@example.org"],  # Original-Recipient
    "sisimai/lhost-qmail-01.eml": ["kijitora@example.ne.jp"],
    "sisimai/lhost-sendmail-01.eml": ["userunknown@bouncehammer.jp"],
    "sisimai/rhost-messagelabs-01.eml": ["kijitora@example.messagelabs.com"],
    "alaveteli/track-response-exim-bounce.eml": ["user@example.com"],
    "alaveteli/track-response-multipart-report.eml": ["faileduser@example.com"],
    "alaveteli/track-response-webshield-bounce.eml": ["failed.user@example.co.uk"],
    "alaveteli/humberside-police-odd-mime-type.eml": ["clerk@humberside-pa.karoo.co.uk"],
    "alaveteli/utf-7-conversion.eml": ["foi@b.com"],
    "alaveteli/empty-return-path.eml": ["enquiries@cheese.com"],
    # Named "autoresponse-header" but it is an Exim bounce (Mailer-Daemon, X-Failed-Recipients,
    # "Mail delivery failed") that also carries Auto-Submitted: a bounce outranks an auto-reply.
    "alaveteli/autoresponse-header.eml": ["enquiries@cheese.com"],
}


@pytest.mark.parametrize(("name", "recipients"), sorted(BOUNCES.items()))
def test_real_bounces(name: str, recipients: list[str]) -> None:
    mail = real(name)
    assert mail.kind == "bounce"
    assert mail.bounced_recipients == recipients


AUTO_REPLIES = {
    "sisimai/rfc3834-01.eml": "Auto-Submitted: auto-replied",
    "sisimai/rfc3834-02.eml": "Subject: Automatic reply",
    "sisimai/rfc3834-03.eml": "X-Apple-Action: VACATION",
    "sisimai/rfc3834-04.eml": "Subject: Automatic reply",
    "sisimai/rfc3834-05.eml": "Auto-Submitted: auto-replied",
    "sisimai/rfc3834-06.eml": "Auto-Submitted: auto-replied",
    "alaveteli/track-response-abcmail-oof.eml": "Auto-Submitted: auto-generated",
    "alaveteli/track-response-lotus-oof-1.eml": "Auto-Submitted: auto-generated",
    "alaveteli/track-response-exchange-oof-1.eml": "Subject: Out of Office",
    "alaveteli/track-response-generic-oof.eml": "Subject: Out of Office",
    "alaveteli/track-response-messagelabs-oof-1.eml": "Subject: Out of Office",
    "alaveteli/track-response-outlook-oof.eml": "Subject: Out of Office",
    "alaveteli/track-response-messageclass-oof.eml": "X-POST-MessageClass: 9; Autoresponder",
    "alaveteli/track-response-ms-bounce.eml": "delivery report, not a failure (delayed)",
    "alaveteli/iso8859_1_with_extended_character_set.eml": "Subject: Acknowledgement",
    "alaveteli/multipart-no-final-boundary.eml": "acknowledgement: 'This is an acknowledgement'",
    "alaveteli/dos-linebreaks.eml": (
        "acknowledgement: 'Thank you for your Freedom of Information request' … 'forwarded it to'"
    ),
}


@pytest.mark.parametrize(("name", "reason"), sorted(AUTO_REPLIES.items()))
def test_real_auto_replies(name: str, reason: str) -> None:
    mail = real(name)
    assert (mail.kind, mail.auto_reason, mail.bounced_recipients) == ("auto-reply", reason, [])


@pytest.mark.parametrize(
    "name",
    [
        "sisimai/is-not-bounce-01.eml",
        "sisimai/is-not-bounce-02.eml",
        "alaveteli/raw_email_2.eml",
        "alaveteli/incoming-request-pdf-attachment.eml",
        "alaveteli/apple-mail-with-attachments.eml",
        "alaveteli/rfc822-attachment.eml",
        "alaveteli/lotus-notes-quoting.eml",
        "alaveteli/forward-quoting-example.eml",
    ],
)
def test_real_replies(name: str) -> None:
    assert real(name).kind == "reply"


def test_real_encodings_decode() -> None:
    assert real("alaveteli/iso8859_2_raw_email.eml").subject == (
        "RE: Freedom of Information request - Sasia e pulave të importuara gjatë vitit 2010"
    )
    assert real("alaveteli/quoted-subject-iso8859-1.eml").subject == (
        "Câmara Responde: Banco de ideias"
    )
    assert real("alaveteli/iso8859_1_with_extended_character_set.eml").text == (
        "Information Governance\xa0Unit"
    )
    assert "NEXT – REQUEST" in real("alaveteli/mislabelled-as-iso-8859-1.eml").text
    assert real("alaveteli/utf-7-subject.eml").subject == "Vaše emailová zpráva byla převzata"
    assert real("alaveteli/unrecognized-encoding-mail.eml").subject.startswith("向先生")
    assert real("alaveteli/multipart-unicode-unix-endings.eml").text == "The ellipsis is unicode…"
    assert "一部分" in real("alaveteli/no-part-charset-bad-utf8.eml").text  # GB2312, undeclared
    assert real("alaveteli/subject-bad-utf-8-trailing-base64.eml").subject == "hello\ufffd"
    assert real("sisimai/lhost-notes-01.eml").text.startswith(
        "------- Failure Reasons  --------\n\nエラー"
    )


def test_real_non_utf8_filename() -> None:
    mail = real("alaveteli/non-utf8-filename.eml")
    assert [(a.filename, a.original_filename, a.content_type) for a in mail.attachments] == [
        ("RV %A312000 or more.xls", "RV %A312000 or more.xls", "application/vnd.ms-excel"),
        ("other.xls", "other.xls", "application/vnd.ms-excel"),
    ]


def test_real_two_same_name_attachments() -> None:
    mail = real("alaveteli/incoming-request-two-same-name.eml")
    assert [(a.filename, a.original_filename, a.data) for a in mail.attachments] == [
        ("hello-world.txt", "hello-world.txt", b"Second hello\n"),
        ("hello-world-2.txt", "hello-world.txt", b"First hello\n"),
    ]


def test_real_tnef_kept_as_is() -> None:
    (att,) = real("alaveteli/incoming-request-tnef-attachments.eml").attachments
    assert (att.filename, att.original_filename, att.content_type) == (
        "winmail.dat",
        None,
        "application/ms-tnef",
    )
    assert att.data[:4] == b"\x78\x9f\x3e\x22"  # the TNEF signature
    (only,) = real("alaveteli/incoming-request-tnef-only.eml").attachments
    assert (only.filename, only.content_type) == ("winmail.dat", "application/ms-tnef")


def test_real_nested_rfc822() -> None:
    mail = real("alaveteli/rfc822-attachment.eml")
    (att,) = mail.attachments
    assert (att.filename, att.content_type) == (
        "Freedom of Information request.eml",
        "message/rfc822",
    )
    inner = parse_message(att.data)
    assert (inner.subject, inner.text) == ("Freedom of Information request", "some example text")

    many = real("alaveteli/many-attachments-date-header.eml")
    names = [a.filename for a in many.attachments]
    assert names.count("image001.gif") == 1 and "image001-3.gif" in names
    for wanted in ("participant list.xls", "Participant List.doc", "Information Pack.pdf"):
        assert wanted in names
    assert sum(a.content_type == "message/rfc822" for a in many.attachments) == 9

    # Parts after the outer closing boundary are epilogue (RFC 2046) and are ignored, as in
    # Alaveteli; the nested message inside the multipart is still attached.
    premature = real("alaveteli/nested-attachments-premature-end.eml")
    assert [a.filename for a in premature.attachments] == ["a freedom of information requests.eml"]


def test_real_uuencoded() -> None:
    (att,) = real("alaveteli/simple-uuencoded-attachment.eml").attachments
    assert (att.filename, att.data) == (
        "Happy.txt",
        b"Happy today for to be one of peace and serene time.\n",
    )
    (doc,) = real("alaveteli/inline-uuencode.eml").attachments
    assert doc.filename == "ResponseT7363 9.doc"
    assert doc.data.startswith(b"\xd0\xcf\x11\xe0")  # OLE2 (Word 97) magic
    broken = real("alaveteli/incoming-request-bad-uuencoding-2.eml")
    assert [a.filename for a in broken.attachments] == ["ResponseT5741 15.doc"]
    assert broken.authority_refs == ["FOI 34960", "T5741/15"]


def test_real_headers_oddities() -> None:
    malformed = real("alaveteli/malformed-to-and-cc.eml")
    assert (malformed.to, malformed.cc) == (["bar@example.org"], ["baz@example.org"])
    assert real("alaveteli/multiple-unquoted-display-names.eml").to == [
        "request-66666-caa77777@whatdotheyknow.com",
        "foi@example.com",
    ]
    no_from = real("alaveteli/forward-quoting-example-2.eml")
    assert no_from.from_addr == "foi@example.com"
    assert "sender taken from the mbox envelope line" in no_from.defects
    placeholder = real("alaveteli/bcc-contact-reply.eml")
    assert (placeholder.from_addr, placeholder.from_name) == (None, "FOI Officer")


def test_a_prefixed_authority_reference_is_kept_whole() -> None:
    from foi.mail.parse import _authority_refs

    assert _authority_refs("Your request AWP-FOI-2026-555 has been received") == [
        "AWP-FOI-2026-555"
    ]
    assert _authority_refs("Thank you for FOI-2026-0001") == []  # ours, never theirs
