"""foi.letters.transport against a real SMTP server (aiosmtpd on 127.0.0.1) and real files."""

from __future__ import annotations

import email
import os
import socket
import stat
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from foi.errors import ConfigError, DeliveryError
from foi.letters.transport import (
    Envelope,
    HeaderInjectionError,
    OutboxError,
    SmtpSettings,
    SmtpSettingsError,
    SmtpTransport,
    build_message,
    check_address,
    check_header_value,
    check_smtp_settings,
    envelope_recipients,
    make_message_id,
    message_bytes,
    safe_stem,
    write_eml,
    write_text_letter,
)

FROM = "Siân Ó Briain <sian@campaign.example.org>"
TO = "Cyngor Sir Ynys Môn <foi@ynysmon.example.gov.uk>"
ARCHIVE = "archive@campaign.example.org"
SUBJECT = "Freedom of Information request - Gofal cymdeithasol a’r gweithlu – Môn [FOI-2026-0001]"
DATE = datetime(2026, 11, 27, 9, 30, 5, tzinfo=UTC)
PASSWORD = "s3cret-Pa55word!"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Recorder:
    """An aiosmtpd handler that keeps every envelope and can refuse or misbehave on cue."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.refuse: set[str] = set()
        self.mail_421_once = False
        self.vanish_after_data = False
        self.last_server: Any = None
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # type: ignore[no-untyped-def]
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # type: ignore[no-untyped-def]
        if self.mail_421_once:
            self.mail_421_once = False
            return "421 4.3.2 Service shutting down"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        self.last_server = server
        if self.vanish_after_data:
            server.transport.close()
        return "250 Message accepted for delivery"


def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
    """Accept user 'campaign' with PASSWORD only."""
    ok = isinstance(auth_data, LoginPassword) and auth_data == (b"campaign", PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


class Server:
    """A running aiosmtpd controller and its recorder."""

    def __init__(self, **kwargs: Any) -> None:
        self.handler = Recorder()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()

    def settings(self, **changes: Any) -> SmtpSettings:
        base = SmtpSettings(
            host="127.0.0.1",
            port=self.port,
            user=None,
            password=None,
            security="none",
            timeout=5.0,
            local_hostname="localhost",
        )
        return replace(base, **changes)

    def drop_connections(self) -> None:
        """Close the server side of the last connection, as an idle timeout would."""
        done = threading.Event()

        def close() -> None:
            self.handler.last_server.transport.close()
            done.set()

        self.controller.loop.call_soon_threadsafe(close)
        assert done.wait(2)


@pytest.fixture
def smtpd() -> Iterator[Server]:
    server = Server()
    yield server
    server.controller.stop()


@pytest.fixture
def smtpd_auth() -> Iterator[Server]:
    server = Server(authenticator=authenticator, auth_require_tls=False)
    yield server
    server.controller.stop()


def envelope(**changes: Any) -> Envelope:
    base = Envelope(
        from_addr=FROM,
        to_addr=TO,
        subject=SUBJECT,
        text="Dear FOI officer,\n\nPlease send me the information.\n\nYours faithfully,\nSiân\n",
        message_id=make_message_id("FOI-2026-0001", FROM, "0f3c9a"),
        date=DATE,
        bcc=ARCHIVE,
        extra_headers={"X-FOI-Reference": "FOI-2026-0001"},
    )
    return replace(base, **changes)


def send(server: Server, env: Envelope, **settings: Any) -> tuple[Any, EmailMessage]:
    """Send env through server; return the result and the message as received."""
    with SmtpTransport(server.settings(**settings)) as transport:
        result = transport.send(build_message(env), env.from_addr, envelope_recipients(env))
    raw = server.handler.received[-1][2]
    return result, email.message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def body(msg: EmailMessage) -> str:
    return msg.get_content().replace("\r\n", "\n")


# --- delivery ---------------------------------------------------------------------------------


def test_message_arrives_with_headers_and_bcc_only_in_envelope(smtpd: Server) -> None:
    result, got = send(smtpd, envelope())
    mail_from, rcpt_tos, raw = smtpd.handler.received[0]
    assert mail_from == "sian@campaign.example.org"
    assert rcpt_tos == ["foi@ynysmon.example.gov.uk", ARCHIVE]
    assert result.accepted == ("foi@ynysmon.example.gov.uk", ARCHIVE)
    assert dict(result.refused) == {}
    assert str(got["From"]) == FROM
    assert str(got["To"]) == TO
    assert str(got["Subject"]) == SUBJECT
    assert got["Message-ID"] == "<foi-2026-0001.0f3c9a@campaign.example.org>"
    assert got["Date"] == "Fri, 27 Nov 2026 09:30:05 +0000"
    assert got["Date"].datetime == DATE
    assert got["X-FOI-Reference"] == "FOI-2026-0001"
    assert got["MIME-Version"] == "1.0"
    assert got.get_content_type() == "text/plain"
    assert got.get_content_charset() == "utf-8"
    assert "Bcc" not in got
    assert b"archive@" not in raw
    assert "Auto-Submitted" not in got


def test_send_strips_a_bcc_header_it_is_given(smtpd: Server) -> None:
    env = envelope()
    msg = build_message(env, include_bcc=True)
    assert msg["Bcc"] == ARCHIVE
    with SmtpTransport(smtpd.settings()) as transport:
        transport.send(msg, env.from_addr, envelope_recipients(env))
    raw = smtpd.handler.received[0][2]
    assert b"Bcc" not in raw
    assert msg["Bcc"] == ARCHIVE  # the caller's message is left alone


def test_non_ascii_names_and_subject_are_encoded_and_decode_exactly(smtpd: Server) -> None:
    _, got = send(smtpd, envelope())
    raw = smtpd.handler.received[0][2]
    assert raw.isascii()  # RFC 2047 words, not raw UTF-8
    assert b"=?utf-8?" in raw
    assert got["From"].addresses[0].display_name == "Siân Ó Briain"
    assert got["To"].addresses[0].display_name == "Cyngor Sir Ynys Môn"
    assert str(got["Subject"]) == SUBJECT


def test_long_lines_and_non_ascii_body_survive(smtpd: Server) -> None:
    text = (
        "Annwyl Swyddog,\n"
        + "Rwy’n gofyn am wybodaeth – ŵ ŷ € 😀 " * 40
        + "\n"
        + "x" * 1500
        + "\n.a line starting with a dot\n..two dots\nFrom the start of a line\n"
        + "trailing spaces   \n\nDiolch,\nSiân\n"
    )
    _, got = send(smtpd, envelope(text=text))
    raw = smtpd.handler.received[0][2]
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78
    assert got["Content-Transfer-Encoding"] == "quoted-printable"
    assert body(got) == text


def test_plain_ascii_letter_stays_7bit(smtpd: Server) -> None:
    text = "Dear FOI officer,\n\nPlease send me the information.\n"
    _, got = send(smtpd, envelope(text=text))
    assert got["Content-Transfer-Encoding"] == "7bit"
    assert body(got) == text


def test_chaser_threads_onto_the_original(smtpd: Server) -> None:
    original = make_message_id("FOI-2026-0001", FROM, "0f3c9a")
    env = envelope(
        message_id=make_message_id("FOI-2026-0001", FROM, "7d1e"),
        in_reply_to=original,
        references=(f"<{original}>",),
        reply_to="Replies <replies@campaign.example.org>",
    )
    _, got = send(smtpd, env)
    assert got["In-Reply-To"] == f"<{original}>"
    assert got["References"] == f"<{original}>"
    assert got["Reply-To"] == "Replies <replies@campaign.example.org>"


def test_partial_refusal_is_reported(smtpd: Server) -> None:
    smtpd.handler.refuse.add(ARCHIVE)
    result, _ = send(smtpd, envelope())
    assert result.accepted == ("foi@ynysmon.example.gov.uk",)
    assert dict(result.refused) == {ARCHIVE: "550 5.1.1 No such user"}


def test_all_recipients_refused_raises_and_the_connection_stays_usable(smtpd: Server) -> None:
    smtpd.handler.refuse.update({"foi@ynysmon.example.gov.uk", ARCHIVE})
    env = envelope()
    with SmtpTransport(smtpd.settings()) as transport:
        with pytest.raises(OutboxError) as caught:
            transport.send(build_message(env), env.from_addr, envelope_recipients(env))
        smtpd.handler.refuse.clear()
        transport.send(build_message(env), env.from_addr, envelope_recipients(env))
    assert str(caught.value) == (
        f"SMTP server 127.0.0.1:{smtpd.port} refused every recipient: "
        "foi@ynysmon.example.gov.uk: 550 5.1.1 No such user; "
        f"{ARCHIVE}: 550 5.1.1 No such user"
    )
    assert caught.value.smtp_code == 550
    assert isinstance(caught.value, DeliveryError)
    assert len(smtpd.handler.received) == 1


def test_one_connection_sends_a_batch(smtpd: Server) -> None:
    with SmtpTransport(smtpd.settings()) as transport:
        for n in range(3):
            env = envelope(message_id=make_message_id("FOI-2026-0001", FROM, f"u{n}"))
            transport.send(build_message(env), env.from_addr, envelope_recipients(env))
    assert len(smtpd.handler.received) == 3
    assert smtpd.handler.connections == 1


def test_reconnects_once_when_the_server_dropped_an_idle_connection(smtpd: Server) -> None:
    env = envelope()
    with SmtpTransport(smtpd.settings()) as transport:
        transport.send(build_message(env), env.from_addr, envelope_recipients(env))
        smtpd.drop_connections()
        result = transport.send(build_message(env), env.from_addr, envelope_recipients(env))
    assert len(smtpd.handler.received) == 2
    assert smtpd.handler.connections == 2
    assert result.accepted


def test_reconnects_after_421_on_a_reused_connection(smtpd: Server) -> None:
    env = envelope()
    with SmtpTransport(smtpd.settings()) as transport:
        smtpd.handler.mail_421_once = True
        transport.send(build_message(env), env.from_addr, envelope_recipients(env))
    assert len(smtpd.handler.received) == 1
    assert smtpd.handler.connections == 2


def test_lost_reply_after_data_is_uncertain(smtpd: Server) -> None:
    smtpd.handler.vanish_after_data = True
    env = envelope()
    with SmtpTransport(smtpd.settings()) as transport, pytest.raises(OutboxError) as caught:
        transport.send(build_message(env), env.from_addr, envelope_recipients(env))
    assert caught.value.uncertain
    assert "may have been sent" in str(caught.value)
    assert len(smtpd.handler.received) == 1  # not retried: no duplicate letter


def test_server_not_listening_names_host_and_port() -> None:
    port = free_port()
    settings = SmtpSettings("127.0.0.1", port, None, None, "none", timeout=2.0)
    env = envelope()
    with pytest.raises(OutboxError) as caught:
        SmtpTransport(settings).send(build_message(env), env.from_addr, [env.to_addr])
    assert str(caught.value).startswith(f"cannot connect to SMTP server 127.0.0.1:{port}: ")
    assert "FOI_SMTP_HOST" in str(caught.value)
    with pytest.raises(OutboxError, match=f"127.0.0.1:{port}"), SmtpTransport(settings):
        pass


def test_ssl_against_a_plain_server_is_a_tls_error(smtpd: Server) -> None:
    with pytest.raises(OutboxError) as caught, SmtpTransport(smtpd.settings(security="ssl")):
        pass
    assert str(caught.value).startswith(f"TLS with SMTP server 127.0.0.1:{smtpd.port} failed")


def test_starttls_not_offered(smtpd: Server) -> None:
    with pytest.raises(OutboxError) as caught, SmtpTransport(smtpd.settings(security="starttls")):
        pass
    assert str(caught.value) == (
        f"SMTP server 127.0.0.1:{smtpd.port} does not offer STARTTLS "
        "— check FOI_SMTP_SECURITY and FOI_SMTP_PORT"
    )


def test_login_and_send(smtpd_auth: Server) -> None:
    result, got = send(smtpd_auth, envelope(), user="campaign", password=PASSWORD)
    assert result.accepted
    assert str(got["Subject"]) == SUBJECT


def test_wrong_password_never_shows_the_password(smtpd_auth: Server) -> None:
    wrong = "wrong-" + PASSWORD
    settings = smtpd_auth.settings(user="campaign", password=wrong)
    with pytest.raises(OutboxError) as caught, SmtpTransport(settings):
        pass
    message = str(caught.value)
    assert message.startswith(f"SMTP login to 127.0.0.1:{smtpd_auth.port} failed: 535")
    assert message.endswith("— check FOI_SMTP_USER/FOI_SMTP_PASSWORD")
    assert caught.value.smtp_code == 535
    for text in (message, repr(caught.value), repr(settings), str(settings)):
        assert wrong not in text
        assert PASSWORD not in text
    assert "password='***'" in repr(settings)
    assert smtpd_auth.handler.received == []


def test_login_when_the_server_offers_no_auth(smtpd: Server) -> None:
    settings = smtpd.settings(user="campaign", password=PASSWORD)
    with (
        pytest.raises(OutboxError, match="does not offer login") as caught,
        SmtpTransport(settings),
    ):
        pass
    assert PASSWORD not in str(caught.value)


def test_send_without_a_batch_opens_and_closes(smtpd: Server) -> None:
    env = envelope()
    transport = SmtpTransport(smtpd.settings())
    transport.send(build_message(env), env.from_addr, envelope_recipients(env))
    assert transport._smtp is None
    assert len(smtpd.handler.received) == 1


# --- building ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"subject": "Request\r\nBcc: spy@evil.example"},
        {"subject": "Request\n"},
        {"subject": "Request\x00"},
        {"subject": "Request\u2028more"},
        {"from_addr": "Siân\nBcc: spy@evil.example <sian@campaign.example.org>"},
        {"to_addr": "foi@council.example.org\r\nBcc: spy@evil.example"},
        {"reply_to": "a@b.example.org\nX-Evil: 1"},
        {"extra_headers": {"X-FOI-Reference": "FOI-1\r\nBcc: spy@evil.example"}},
        {"extra_headers": {"X-Evil\r\nBcc": "x"}},
    ],
)
def test_header_injection_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(HeaderInjectionError):
        build_message(envelope(**changes))


def test_check_header_value_message() -> None:
    assert check_header_value("Subject", "fine\tvalue") == "fine\tvalue"
    with pytest.raises(HeaderInjectionError) as caught:
        check_header_value("Subject", "a\nb")
    assert str(caught.value) == (
        "Subject contains a line break or NUL ('\\n' at position 1): "
        "a header value must be a single line"
    )


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("foi@council.example.org", "foi@council.example.org"),
        (" Siân <sian@example.org> ", "Siân <sian@example.org>"),
        ('"Smith, Jo" <jo@example.org>', '"Smith, Jo" <jo@example.org>'),
        ("Bücher <info@Bücher.example>", "Bücher <info@xn--bcher-kva.example>"),
    ],
)
def test_check_address_accepts(value: str, normalised: str) -> None:
    assert check_address(value) == normalised


@pytest.mark.parametrize(
    "value",
    ["", "foi", "foi@", "@example.org", "a@b.org, c@d.org", "Name <a@b.org> junk", "a@localhost",
     "grp: a@b.org;", "jö@example.org", "Name <a@b.org"],
)  # fmt: skip
def test_check_address_refuses(value: str) -> None:
    with pytest.raises(OutboxError):
        check_address(value)


def test_extra_headers_cannot_override_managed_ones() -> None:
    with pytest.raises(OutboxError, match="set by foi"):
        build_message(envelope(extra_headers={"Message-ID": "<x@y.org>"}))


def test_naive_date_is_refused() -> None:
    with pytest.raises(OutboxError, match="timezone-aware"):
        build_message(envelope(date=datetime(2026, 11, 27, 9, 30)))


def test_date_keeps_a_non_utc_offset() -> None:
    date = datetime(2026, 6, 1, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    assert build_message(envelope(date=date))["Date"] == "Mon, 01 Jun 2026 10:00:00 +0100"


def test_message_bytes_are_crlf() -> None:
    data = message_bytes(build_message(envelope()))
    assert b"\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_make_message_id_is_stable() -> None:
    one = make_message_id("FOI-2026-0001", FROM, "0f3c9a")
    assert one == make_message_id("FOI-2026-0001", FROM, "0f3c9a")
    assert one == "foi-2026-0001.0f3c9a@campaign.example.org"
    assert make_message_id("FOI-2026-0001", FROM, "other") != one
    assert (
        make_message_id("FOI 2026/7", "a@Sub.Example.ORG", "u1") == "foi-2026-7.u1@sub.example.org"
    )
    with pytest.raises(OutboxError):
        make_message_id("FOI-2026-0001", FROM, "")


# --- settings ---------------------------------------------------------------------------------


def test_settings_missing_host_names_the_variable() -> None:
    with pytest.raises(SmtpSettingsError) as caught:
        check_smtp_settings(None, None, None, None, "starttls", FROM)
    assert "FOI_SMTP_HOST" in str(caught.value)
    assert isinstance(caught.value, ConfigError)
    assert isinstance(caught.value, OutboxError)
    assert caught.value.exit_code == ConfigError.exit_code


def test_settings_missing_from_names_the_variable() -> None:
    with pytest.raises(SmtpSettingsError, match="FOI_FROM"):
        check_smtp_settings("smtp.example.org", None, None, None, "starttls", "")
    with pytest.raises(SmtpSettingsError, match="FOI_FROM"):
        check_smtp_settings("smtp.example.org", None, None, None, "starttls", "not an address")


@pytest.mark.parametrize(("security", "port"), [("none", 25), ("starttls", 587), ("ssl", 465)])
def test_settings_default_ports(security: str, port: int) -> None:
    settings = check_smtp_settings("smtp.example.org", None, None, None, security, FROM)
    assert settings.port is None
    assert settings.effective_port == port
    assert settings.where == f"smtp.example.org:{port}"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("smtp.example.org", None, None, PASSWORD, "starttls"), "FOI_SMTP_USER is not"),
        (("smtp.example.org", None, "me", None, "starttls"), "FOI_SMTP_PASSWORD is not"),
        (("smtp.example.org", None, None, None, "tls"), "FOI_SMTP_SECURITY"),
        (("smtp.example.org", 465, None, None, "starttls"), "FOI_SMTP_SECURITY=ssl"),
        (("smtp.example.org", 587, None, None, "ssl"), "FOI_SMTP_SECURITY=starttls"),
        (("smtp.example.org", 70000, None, None, "starttls"), "FOI_SMTP_PORT"),
        (("smtp.example.org", 25, "me", PASSWORD, "none"), "unencrypted"),
    ],
)
def test_settings_refused(args: tuple[Any, ...], needle: str) -> None:
    with pytest.raises(SmtpSettingsError) as caught:
        check_smtp_settings(*args, FROM)
    assert needle in str(caught.value)
    assert PASSWORD not in str(caught.value)


def test_settings_allow_a_local_relay_without_tls() -> None:
    settings = check_smtp_settings("localhost", 1025, "me", PASSWORD, "none", FROM)
    assert settings.user == "me"
    assert PASSWORD not in repr(settings)


# --- files ------------------------------------------------------------------------------------


def test_write_eml_is_atomic_private_and_parses_back(tmp_path: Path) -> None:
    folder = tmp_path / "outbox" / "2026"
    msg = build_message(envelope(), include_bcc=True)
    path = write_eml(folder, "FOI-2026-0001-ynys-mon", msg)
    assert path == folder / "FOI-2026-0001-ynys-mon.eml"
    assert sorted(os.listdir(folder)) == ["FOI-2026-0001-ynys-mon.eml"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    data = path.read_bytes()
    assert data == message_bytes(msg)
    back = email.message_from_bytes(data, policy=policy.default)
    for name in ("From", "To", "Bcc", "Subject", "Message-ID", "Date", "X-FOI-Reference"):
        assert str(back[name]) == str(msg[name]), name
    assert body(back) == envelope().text  # type: ignore[arg-type]
    assert "X-Unsent" not in back


def test_write_eml_replaces_and_can_mark_a_draft(tmp_path: Path) -> None:
    msg = build_message(envelope())
    write_eml(tmp_path / "out", "letter", msg)
    path = write_eml(tmp_path / "out", "letter", msg, draft=True)
    assert os.listdir(tmp_path / "out") == ["letter.eml"]
    assert email.message_from_bytes(path.read_bytes(), policy=policy.default)["X-Unsent"] == "1"
    assert "X-Unsent" not in msg


def test_failed_write_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OutboxError, match="No space left on device"):
        write_text_letter(tmp_path / "out", "letter", "text")
    assert os.listdir(tmp_path / "out") == []


def test_write_text_letter(tmp_path: Path) -> None:
    path = write_text_letter(tmp_path / "post", "FOI-2026-0002-body", "Annwyl Syr,\nDiolch")
    assert path.name == "FOI-2026-0002-body.txt"
    assert path.read_text(encoding="utf-8") == "Annwyl Syr,\nDiolch\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.parametrize("stem", ["", "../escape", ".hidden", "a/b"])
def test_unsafe_stems_are_refused(tmp_path: Path, stem: str) -> None:
    with pytest.raises(OutboxError):
        write_text_letter(tmp_path, stem, "x")


@pytest.mark.parametrize(
    ("text", "stem"),
    [
        (
            "FOI-2026-0001 Surrey and Borders Partnership",
            "FOI-2026-0001-surrey-and-borders-partnership",
        ),
        ("FOI-2026-0001-Cyngor Sir Ynys Môn", "FOI-2026-0001-cyngor-sir-ynys-mon"),
        ("../../etc/passwd", "etc-passwd"),
        ("Ministry of Justice (MoJ) / HQ", "ministry-of-justice-moj-hq"),
        ("", "letter"),
        ("///", "letter"),
    ],
)
def test_safe_stem(text: str, stem: str) -> None:
    assert safe_stem(text) == stem


def test_safe_stem_is_bounded() -> None:
    assert len(safe_stem("FOI-2026-0001 " + "very long name " * 30)) <= 120
