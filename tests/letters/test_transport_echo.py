"""Issue 23 item 10: a server that echoes the AUTH argument in its error never leaks the
password, whether it echoes AUTH PLAIN's base64, AUTH LOGIN's, or the password as it is.

The server is a few lines over a real socket on 127.0.0.1 (aiosmtpd never echoes).
"""

from __future__ import annotations

import base64
import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from foi.letters.transport import OutboxError, SmtpSettings, SmtpTransport, scrub

PASSWORD = "Tr0ub4dor&3-horse"
USER = "campaign@foi.test"


def _serve(listener: socket.socket, mechanism: str, echo: str) -> None:
    conn, _ = listener.accept()
    with conn, conn.makefile("rwb") as f:

        def say(line: str) -> None:
            f.write(line.encode() + b"\r\n")
            f.flush()

        say("220 echo.test ESMTP")
        while line := f.readline():
            text = line.decode().strip()
            verb = text.split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                say("250-echo.test")
                say(f"250 AUTH {mechanism}")
            elif verb == "AUTH":
                parts = text.split(" ")
                arg = parts[2] if len(parts) > 2 else ""
                if mechanism == "LOGIN":
                    say("334 VXNlcm5hbWU6")  # smtplib sends the user with AUTH LOGIN
                    arg = f.readline().decode().strip()  # the password, base64
                raw = base64.b64decode(arg).decode(errors="replace") if echo == "decoded" else arg
                say(f"535 5.7.8 credentials rejected: {raw}")
            elif verb == "QUIT":
                say("221 bye")
                return
            else:
                say("250 ok")


@pytest.fixture(params=[("PLAIN", "encoded"), ("LOGIN", "encoded"), ("PLAIN", "decoded")])
def echoing(request: pytest.FixtureRequest) -> Iterator[int]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    t = threading.Thread(target=_serve, args=(listener, *request.param), daemon=True)
    t.start()
    yield listener.getsockname()[1]
    listener.close()


def test_an_echoed_auth_argument_is_masked(echoing: int) -> None:
    settings = SmtpSettings("127.0.0.1", echoing, USER, PASSWORD, "none", timeout=5.0)
    with pytest.raises(OutboxError) as caught, SmtpTransport(settings):
        pass
    text = str(caught.value)
    assert "credentials rejected" in text and "***" in text
    secret = PASSWORD.encode()
    for leak in (
        PASSWORD,
        base64.b64encode(secret).decode(),
        base64.b64encode(b"\0" + USER.encode() + b"\0" + secret).decode(),
    ):
        assert leak not in text
    for token in text.split():
        with contextlib.suppress(ValueError):
            assert secret not in base64.b64decode(token + "=" * (-len(token) % 4))


@pytest.mark.parametrize("offset", range(6))
def test_a_partial_echo_at_any_alignment_is_masked(offset: int) -> None:
    token = base64.b64encode(b"x" * offset + PASSWORD.encode() + b"tail").decode()
    masked = scrub(f"error near {token[:-3]}", PASSWORD)  # cut short, as a server might
    assert "***" in masked
    assert base64.b64encode(PASSWORD.encode()[3:-3]).decode()[2:-2] not in masked
