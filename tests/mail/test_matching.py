"""Matching edge cases: our own sent mail, colliding authority references, late replies."""

from __future__ import annotations

import mailbox
from pathlib import Path

from tests.conftest import sent_request
from tests.letters.test_send_cli import letters, make_batch, smtp_env
from tests.mail.test_inbox_cli import reply


def import_box(foi, isolated: Path, messages, today: str = "2026-12-04", env=None):  # type: ignore[no-untyped-def]
    path = isolated / "box.mbox"
    path.unlink(missing_ok=True)
    box = mailbox.mbox(str(path))
    for m in messages:
        box.add(m)
    box.flush()
    box.close()
    result = foi("inbox", "import", str(path), "--json", today=today, env=env or {})
    assert result.exit_code == 0, result.stderr
    return result.json()


def test_a_copy_of_our_own_letter_is_not_a_reply(foi, smtp, isolated: Path) -> None:
    handler, port = smtp
    env = smtp_env(port, FOI_BCC="archive@campaign.example")
    make_batch(foi, isolated, 2, env)
    foi("send", "--campaign", "batch", "--yes", env=env, today="2026-11-27")
    archive = isolated / "archive.mbox"
    box = mailbox.mbox(str(archive))
    for r in handler.received:
        box.add(r.data)
    box.flush()
    box.close()
    data = foi("inbox", "import", str(archive), "--json", env=env, today="2026-12-01").json()
    assert (data["total"], data["duplicates"], data["matched"]) == (2, 2, 0)
    for ref in letters(isolated / "requests.db"):
        assert foi("request", "show", ref, "--json").json()["status"] == "awaiting-response"


def test_authority_reference_is_only_trusted_from_the_right_body(foi, isolated: Path) -> None:
    foi("init")
    foi("body", "edit", "RKL", "--email", "foi@westlondon.example.nhs.uk")
    foi("body", "edit", "RTQ", "--email", "foi@ghc.example.nhs.uk")
    west = foi(
        "request",
        "new",
        "--body",
        "RKL",
        "--title",
        "a",
        "--sent-on",
        "2026-11-02",
        "--json",
        today="2026-11-27",
    ).json()["reference"]
    glos = foi(
        "request",
        "new",
        "--body",
        "RTQ",
        "--title",
        "b",
        "--sent-on",
        "2026-11-02",
        "--json",
        today="2026-11-27",
    ).json()["reference"]
    foi(
        "request",
        "log",
        west,
        "acknowledged",
        "--on",
        "2026-11-03",
        "--authority-ref",
        "FOI 12345",
        today="2026-11-27",
    )
    # Gloucestershire uses the same number in its own sequence: not West London's reply.
    data = import_box(
        foi,
        isolated,
        [
            reply("FOI <foi@ghc.example.nhs.uk>", "Our ref FOI 12345 - response", "Here it is."),
            reply("FOI <foi@westlondon.example.nhs.uk>", "Our ref FOI 12345 - response", "Done."),
        ],
    )
    refs = [m.get("reference") for m in data["messages"]]
    assert refs == [glos, west]  # the first by sender domain, the second by the reference
    # The first sender is Gloucestershire's own address on file: matched by it (issue 21).
    assert [m["matched_by"] for m in data["messages"]] == ["sender-address", "authority-ref"]


def test_a_late_reply_to_an_answered_request_does_not_make_it_overdue(foi, isolated: Path) -> None:
    foi("init")
    ref = sent_request(foi, "RXX", "2026-01-05", title="a")
    foi(
        "request",
        "log",
        ref,
        "response",
        "--on",
        "2026-01-19",
        "--outcome",
        "successful",
        today="2026-01-19",
    )
    import_box(
        foi,
        isolated,
        [reply("x@example.org", f"Re: [{ref}]", "Hope this helped.")],
        today="2026-03-10",
    )
    shown = foi("request", "show", ref, "--json", today="2026-03-10").json()
    assert shown["status"] == "needs-classification"
    assert shown["due_on"] is None
    assert foi("request", "list", "--overdue", "--json", today="2026-03-10").json() == []
    assert foi("status", "--json", today="2026-03-10").json()["overdue"] == 0


def test_a_chaser_cannot_go_after_the_body_answered(foi) -> None:
    foi("init")
    foi("body", "edit", "RXX", "--email", "foi@sabp.example.nhs.uk")
    ref = sent_request(foi, "RXX", "2026-10-01", title="a")
    drafted = foi(
        "chase", "--yes", "--draft-only", env={"FOI_REQUESTER_NAME": "Jo"}, today="2026-11-27"
    )
    assert drafted.exit_code == 0, drafted.stderr
    foi("respond", ref, "--on", "2026-11-27", "--outcome", "not-held", today="2026-11-27")
    dry = foi("send", ref, "--json", today="2026-11-27").json()
    assert dry["ready"] == 0
    assert any("nothing is awaited" in b["problem"] for b in dry["blocked"])
    logged = foi("request", "log", ref, "chased", "--on", "2026-11-27", today="2026-11-27")
    assert logged.exit_code == 4


def test_a_cost_limit_refusal_is_a_reply_not_an_acknowledgement(foi, isolated: Path) -> None:
    foi("init")
    ref = sent_request(foi, "RXX", "2026-11-02", title="a")
    refusal = reply(
        "FOI Team <foi@trust.example.nhs.uk>",
        f"Your request [{ref}]",
        "Thank you for your request for information received on 2 November.\n\n"
        "Complying would exceed the appropriate limit under section 12 of the Act.\n\n"
        "If you are unhappy with this response you may ask for an internal review "
        "within 40 working days.",
    )
    data = import_box(foi, isolated, [refusal])
    assert (data["matched"], data["auto_replies"]) == (1, 0)
    assert foi("request", "show", ref, "--json").json()["status"] == "needs-classification"


def test_a_bodys_own_reference_in_our_format_does_not_misfile_a_reply(foi, isolated: Path) -> None:
    foi("init")
    foi("body", "edit", "RKL", "--email", "foi@westlondon.example.nhs.uk")
    foi("body", "edit", "RXT", "--email", "foi@bsmhft.example.nhs.uk")
    first = sent_request(foi, "RXT", "2026-11-02", title="a")
    ours = sent_request(foi, "RKL", "2026-11-02", title="b")
    assert first == "FOI-2026-0001"
    # West London numbers its own requests FOI-2026-NNNN too, and quotes its number.
    data = import_box(
        foi,
        isolated,
        [
            reply(
                "FOI <foi@westlondon.example.nhs.uk>",
                "Your request",
                "Our ref: FOI-2026-0001. Please find our response attached.",
            ),
            reply("FOI <foi@westlondon.example.nhs.uk>", "Our ref BDCT-FOI-777", "Response."),
        ],
    )
    refs = [(m.get("reference"), m.get("matched_by")) for m in data["messages"]]
    assert refs[0] == (ours, "sender-address")  # not the Birmingham request FOI-2026-0001
    assert refs[1] == (ours, "sender-address")
    # Its reference is captured whole ("BDCT-FOI-777", not "FOI-777").
    assert foi("request", "show", ours, "--json").json()["authority_ref"] == "BDCT-FOI-777"


def test_a_reply_that_reopens_a_request_counts_for_the_next_message_in_the_batch(
    foi, isolated: Path
) -> None:
    """The sender rule asks for the body's one open request by its status now: a closed
    request that a reply in the same transaction reopened (needs classification) counts,
    as it would in a later import, whatever has been written to the database yet."""
    foi("init")
    foi("body", "edit", "RKL", "--email", "foi@westlondon.example.nhs.uk")
    ref = foi(
        "request", "new", "--body", "RKL", "--title", "a", "--sent-on", "2026-11-02", "--json",
        today="2026-11-27",
    ).json()["reference"]  # fmt: skip
    foi("request", "log", ref, "response", "--on", "2026-11-20", "--outcome", "successful",
        today="2026-11-27")  # fmt: skip
    assert foi("request", "show", ref, "--json", today="2026-11-27").json()["status"] == "closed"
    sender = "FOI <foi@westlondon.example.nhs.uk>"
    alone = import_box(foi, isolated, [reply(sender, "More on your request", "Also this.")])
    assert alone["messages"][0].get("reference") is None  # no open request: held
    data = import_box(
        foi,
        isolated,
        [
            reply(sender, f"Re: [{ref}] a", "One more thing."),  # reopens it
            reply(sender, "A further note", "And this."),
        ],
    )
    assert [m.get("reference") for m in data["messages"]] == [ref, ref]
    assert [m["matched_by"] for m in data["messages"]] == ["token", "sender-address"]
