"""Fuzzing the way in: random bytes and mutated real mail, to the parser and to `foi inbox import`.

No exception may escape, and every message read is either stored (matched, held, an
auto-reply, a bounce, a duplicate) or reported as unreadable: the six counts add up.
The example counts are kept modest so the suite stays quick on two cores.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foi.mail.parse import MailParseError, ParsedMail, parse_message
from tests.conftest import shared_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
CATEGORIES = ("matched", "held", "duplicates", "auto_replies", "bounces", "errors")


@functools.cache
def _real_messages() -> tuple[bytes, ...]:
    """Real messages: the shared test mail (when present) and the fixtures."""
    files = sorted(FIXTURES.glob("*.eml"))
    shared = shared_path("testdata", "mail")
    files += sorted(p for p in shared.rglob("*") if p.is_file() and p.stat().st_size < 300_000)
    return tuple(p.read_bytes() for p in files)


@st.composite
def mutated_mail(draw: st.DrawFn) -> bytes:
    """A real message with a few mutations: flipped, cut, inserted, repeated or spliced bytes."""
    messages = _real_messages()
    raw = bytearray(draw(st.sampled_from(messages)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(("flip", "cut", "insert", "repeat", "splice", "header")))
        at = draw(st.integers(0, max(len(raw) - 1, 0)))
        if op == "flip" and raw:
            raw[at] = draw(st.integers(0, 255))
        elif op == "cut":
            raw = raw[:at] + raw[at + draw(st.integers(1, 4096)) :]
        elif op == "insert":
            raw[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "repeat":
            raw[at:at] = raw[at : at + draw(st.integers(1, 2048))] * draw(st.integers(2, 5))
        elif op == "splice":
            other = draw(st.sampled_from(messages))
            raw = raw[:at] + other[draw(st.integers(0, max(len(other) - 1, 0))) :]
        else:  # a hostile header line near the top
            line = draw(
                st.sampled_from(
                    (
                        b"Content-Type: multipart/mixed; boundary=\r\n",
                        b"Content-Transfer-Encoding: base64\n",
                        b"Subject: =?x-unknown?B?////?= [FOI-2026-0001]\n",
                        b'Content-Type: text/plain; charset="utf-99"\n',
                        b"Message-ID: <\x00@x>\n",
                        b"In-Reply-To: " + b"<a@b>" * 500 + b"\n",
                        b"Content-Disposition: attachment; filename*=utf-8''..%2F..%2Fx\n",
                    )
                )
            )
            raw[:0] = line
    return bytes(raw)


def _check_parse(raw: bytes) -> None:
    try:
        parsed = parse_message(raw)
    except MailParseError:
        return
    assert isinstance(parsed, ParsedMail)
    assert isinstance(parsed.text, str)
    _storable(dataclasses.asdict(parsed))


def _storable(value: object) -> None:
    """Every text the parser returns can be stored: valid Unicode, no lone surrogates."""
    if isinstance(value, str):
        value.encode("utf-8")
    elif isinstance(value, dict):
        for item in value.values():
            _storable(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _storable(item)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_parser_takes_random_bytes(raw: bytes) -> None:
    _check_parse(raw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_mail())
def test_parser_takes_mutated_real_mail(raw: bytes) -> None:
    _check_parse(raw)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.one_of(mutated_mail(), st.binary(min_size=1, max_size=2048)), min_size=1, max_size=5
    )
)
def test_inbox_import_stores_or_reports_every_message(
    foi, isolated: Path, mails: list[bytes]
) -> None:
    if not (isolated / "requests.db").exists():
        assert foi("init").exit_code == 0
    folder = isolated / f"batch-{len(list(isolated.glob('batch-*')))}"
    folder.mkdir()
    for i, raw in enumerate(mails):
        (folder / f"{i:02d}.eml").write_bytes(raw)
    before = len(foi("inbox", "list", "--all", "--json").json())
    result = foi("inbox", "import", str(folder), "--json")
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    data = result.json()
    assert data["total"] == len(mails)
    assert sum(data[c] for c in CATEGORIES) == data["total"]
    after = len(foi("inbox", "list", "--all", "--json").json())
    # Everything not reported as unreadable or as a repeat of stored mail is stored now.
    assert after - before >= data["total"] - data["errors"] - data["duplicates"]
