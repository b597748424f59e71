"""Regression tests for problems found in review: each was reproduced before it was fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

from foi.store.engine import describe, resolve_url
from tests.conftest import empty_database, sent_request


def one_line(result) -> str:  # type: ignore[no-untyped-def]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("foi: error: "), result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("request", "list", "--bogus"), "No such option: --bogus"),
        (("inbox", "show", "abc"), "Invalid value for 'ID'"),
        (("request", "show"), "Missing argument"),
        (("nonsense",), "No such command 'nonsense'"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(foi, args: tuple[str, ...], needle: str) -> None:
    result = foi(*args)
    assert result.exit_code == 2
    assert needle in one_line(result)


def test_passwords_in_database_urls_are_never_shown() -> None:
    url = resolve_url("postgresql://u@h/db?password=s3cretpw&sslmode=require")
    assert "s3cretpw" not in describe(url) and "sslmode=require" in describe(url)
    assert "hunter2" not in describe(resolve_url("postgresql://u:hunter2@h/db"))


@pytest.mark.parametrize(
    "url", ["postgresql://u:hunter@2secret@127.0.0.1/x", "postgresql://u:pw@h:notaport/x"]
)
def test_malformed_database_urls_are_usage_errors(foi, url: str) -> None:
    result = foi("db", "path", db=url)
    assert result.exit_code == 2
    line = one_line(result)
    assert "hunter" not in line and "pw@" not in line


def test_body_names_match_regardless_of_case_and_accents(foi) -> None:
    empty_database()
    assert foi("body", "add", "Ésk Trust", "--kind", "other").exit_code == 0
    assert foi("body", "add", "Ésk Trust West", "--kind", "other").exit_code == 0
    shown = foi("body", "show", "ésk trust", "--json")
    assert shown.exit_code == 0 and shown.json()["name"] == "Ésk Trust"
    dup = foi("body", "add", "ÉSK TRUST", "--kind", "other")
    assert dup.exit_code == 4 and "already has name" in dup.stderr


def test_init_adopts_a_hand_added_body_whatever_its_case(foi) -> None:
    empty_database()
    foi("body", "add", "surrey and borders partnership nhs foundation trust", "--kind", "other")
    foi("init")
    assert (
        foi(
            "body", "show", "Surrey and Borders Partnership NHS Foundation Trust", "--json"
        ).exit_code
        == 0
    )
    assert len(foi("body", "list", "--search", "Surrey and Borders", "--json").json()) == 1


def test_too_long_values_are_refused_the_same_on_every_database(foi) -> None:
    empty_database()
    result = foi("body", "add", "x" * 400, "--kind", "other")
    assert result.exit_code == 2 and "at most 300" in one_line(result)
    foi("init")
    long_title = foi("request", "new", "--body", "RXX", "--title", "t" * 301)
    assert long_title.exit_code == 2


def test_default_assignee_by_name_gets_their_email(foi) -> None:
    foi("init")
    a = sent_request(foi, "RXX", "2026-10-01", title="a")
    b = sent_request(foi, "RW4", "2026-10-01", title="b")
    foi("request", "assign", a, "Sam", "--email", "sam@example.org")
    due = foi(
        "remind", "list", "--json", env={"FOI_DEFAULT_ASSIGNEE": "Sam"}, today="2026-11-27"
    ).json()["due"]
    assert {(r["reference"], r["assignee_email"]) for r in due} >= {(b, "sam@example.org")}


def test_a_reconfirmed_address_is_no_longer_failing(foi, isolated: Path) -> None:
    foi("init")
    foi("body", "edit", "RKL", "--email", "foi@westlondon.example.nhs.uk")
    ref = sent_request(foi, "RKL", "2026-11-02", title="a")
    dsn = isolated / "dsn.eml"
    dsn.write_bytes(
        b"From: MAILER-DAEMON@mx.example\r\nTo: jo@simcamp.org.uk\r\n"
        b"Subject: Undelivered Mail Returned to Sender [" + ref.encode() + b"]\r\n"
        b"Date: Tue, 03 Nov 2026 09:00:00 +0000\r\nMessage-ID: <dsn1@mx.example>\r\n"
        b"X-Failed-Recipients: foi@westlondon.example.nhs.uk\r\n\r\nMailbox full.\r\n"
    )
    assert foi("inbox", "import", str(dsn), today="2026-11-04").exit_code == 0
    contact = foi("body", "show", "RKL", "--json").json()["contacts"][-1]
    assert contact["failing_since"] == "2026-11-03"
    foi(
        "body",
        "edit",
        "RKL",
        "--email",
        "foi@westlondon.example.nhs.uk",
        "--confirmed",
        "2026-11-10",
    )
    contact = foi("body", "show", "RKL", "--json").json()["contacts"][-1]
    assert contact["failing_since"] is None


def test_escalating_a_subject_access_request_points_to_the_ico(foi) -> None:
    foi("init")
    ref = sent_request(foi, "RXX", "2026-09-01", "--regime", "sar", title="my records")
    foi(
        "request",
        "log",
        ref,
        "response",
        "--on",
        "2026-09-20",
        "--outcome",
        "refused",
        today="2026-09-20",
    )
    prop = foi("escalate", ref, "--json", today="2026-09-21").json()
    assert prop["step"] == "ico-complaint" and prop["template"] is None
    assert "UK GDPR Art. 77" in prop["reason"]
    assert foi("escalate", ref, "--yes", today="2026-09-21").exit_code == 0  # nothing drafted
    assert foi("request", "show", ref, "--json").json()["letters"] == []


@pytest.mark.parametrize(
    "args",
    [
        ("deadline", "9999-12-31"),
        ("deadline", "0001-01-01"),
        ("remind", "list", "--horizon", "-5"),
        ("inbox", "show", "99999999999999999999"),
        (
            "respond",
            "FOI-2026-0001",
            "--on",
            "2026-11-27",
            "--outcome",
            "successful",
            "--answer",
            "²=x",
        ),
    ],
)
def test_odd_input_gets_a_clear_message_not_an_internal_error(foi, args: tuple[str, ...]) -> None:
    foi("init")
    foi(
        "request",
        "new",
        "--body",
        "RXX",
        "--title",
        "a",
        "--sent-on",
        "2026-11-02",
        today="2026-11-02",
    )
    result = foi(*args, today="2026-11-27")
    assert result.exit_code == 2, result.stderr
    one_line(result)


def test_backup_of_a_folder_or_a_non_database(foi, isolated: Path) -> None:
    (isolated / "folder").mkdir()
    assert foi("db", "backup", "x.db", db=str(isolated / "folder")).exit_code == 5
    (isolated / "notdb.db").write_text("hello" * 100)
    result = foi("db", "backup", "y.db", db=str(isolated / "notdb.db"))
    assert result.exit_code == 5 and "cannot back up" in one_line(result)
    assert not (isolated / "y.db").exists()


def test_a_new_database_is_announced_so_a_typo_is_noticed(foi) -> None:
    result = foi("init", db="typo.db")
    assert "created a new database" in result.stderr


def test_response_without_outcome_is_bad_input(foi) -> None:
    foi("init")
    ref = sent_request(foi, "RXX", "2026-11-02", title="a")
    result = foi("request", "log", ref, "response", "--on", "2026-11-20", today="2026-11-27")
    assert result.exit_code == 2 and "needs --outcome" in one_line(result)


def test_report_answers_builds_the_question_table(foi) -> None:
    foi("init")
    refs = []
    for code in ("RXX", "RW4"):
        refs.append(
            foi(
                "draft",
                "sim-use",
                "--to",
                code,
                "--campaign",
                "c",
                "--json",
                env={"FOI_REQUESTER_NAME": "Jo", "FOI_REQUESTER_ADDRESS": "1 Park Row, Leeds"},
                today="2026-10-01",
            ).json()[0]["reference"]
        )
    for ref in refs:
        foi("request", "log", ref, "sent", "--on", "2026-10-01", today="2026-10-01")
    foi(
        "respond",
        refs[0],
        "--on",
        "2026-10-20",
        "--outcome",
        "partially-successful",
        "--answer",
        "2=Yes: a High Intensity Service",
        "--exemption",
        "2:s40(2)",
        today="2026-10-20",
    )
    rows = foi("report", "answers", "2", "--campaign", "c", "--json").json()
    assert rows[0]["answer"] == "Yes: a High Intensity Service"
    assert rows[0]["exemptions"] == ["s40(2)"]
    assert rows[1]["answer"] is None and rows[1]["status"] == "awaiting-response"
    csv_out = foi("report", "answers", "2", "--campaign", "c", "--csv").stdout
    assert csv_out.splitlines()[0].startswith("reference,body,request_status,outcome")


def test_foisa_escalation_goes_to_the_scottish_commissioner(foi) -> None:
    foi("init")
    foi("body", "add", "Example Scottish Health Board", "--kind", "other", "--regime", "foisa")
    ref = sent_request(foi, "Example Scottish Health Board", "2026-09-01", title="a")
    foi(
        "request",
        "log",
        ref,
        "response",
        "--on",
        "2026-09-10",
        "--outcome",
        "refused",
        today="2026-09-10",
    )
    foi(
        "request", "log", ref, "internal-review-requested", "--on", "2026-09-11", today="2026-09-11"
    )
    foi(
        "request",
        "log",
        ref,
        "internal-review-response",
        "--on",
        "2026-09-25",
        "--outcome",
        "refused",
        today="2026-09-25",
    )
    prop = foi("escalate", ref, "--json", today="2026-10-01").json()
    assert prop["step"] == "commissioner-appeal" and prop["template"] is None
    assert any("foi.scot" in n for n in prop["notes"])


def test_a_subject_access_request_goes_to_one_named_body_and_no_archive(
    foi, smtp, isolated: Path
) -> None:
    handler, port = smtp
    env = {
        "FOI_REQUESTER_NAME": "Sam",
        "FOI_SMTP_HOST": "127.0.0.1",
        "FOI_SMTP_PORT": str(port),
        "FOI_SMTP_SECURITY": "none",
        "FOI_FROM": "sam@example.org",
        "FOI_BCC": "archive@campaign.example",
        "FOI_SEND_THROTTLE": "0",
    }
    foi("init")
    many = foi(
        "draft",
        "sar",
        "--to",
        "kind:mental-health-trust",
        "--var",
        "date_of_birth=1 April 1980",
        env=env,
    )
    assert many.exit_code == 2 and "one body" in one_line(many)
    foi("body", "edit", "RXX", "--sar-email", "sar@sabp.example.nhs.uk")
    one = foi(
        "draft",
        "sar",
        "--to",
        "RXX",
        "--var",
        "date_of_birth=1 April 1980",
        "--json",
        env=env,
        today="2026-11-27",
    )
    assert one.exit_code == 0, one.stderr
    ref = one.json()[0]["reference"]
    sent = foi("send", ref, "--yes", "--json", env=env, today="2026-11-27")
    assert sent.exit_code == 0 and sent.json()["sent"] == 1
    assert handler.received[0].rcpt_tos == ["sar@sabp.example.nhs.uk"]  # no BCC archive


def test_a_corrected_address_is_used_by_drafts_not_yet_sent(foi, smtp) -> None:
    handler, port = smtp
    env = {
        "FOI_REQUESTER_NAME": "Jo",
        "FOI_SMTP_HOST": "127.0.0.1",
        "FOI_SMTP_PORT": str(port),
        "FOI_SMTP_SECURITY": "none",
        "FOI_FROM": "jo@simcamp.org.uk",
        "FOI_SEND_THROTTLE": "0",
    }
    foi("init")
    foi("body", "edit", "RVN", "--email", "wrong@awp.example.nhs.uk")
    ref = foi("draft", "sim-use", "--to", "RVN", "--json", env=env).json()[0]["reference"]
    fixed = foi(
        "body",
        "edit",
        "RVN",
        "--email",
        "foi@awp.example.nhs.uk",
        "--remove-email",
        "wrong@awp.example.nhs.uk",
    )
    assert fixed.exit_code == 0 and "removed wrong@awp.example.nhs.uk" in fixed.stdout
    dry = foi("send", ref, "--json", env=env).json()
    assert dry["letters"][0]["to"] == "foi@awp.example.nhs.uk"
    assert foi("send", ref, "--yes", env=env, today="2026-11-27").exit_code == 0
    assert handler.received[0].rcpt_tos == ["foi@awp.example.nhs.uk"]


def test_send_yes_says_which_letters_need_a_web_form_or_post(foi, isolated: Path) -> None:
    foi("init")
    sign = {"FOI_REQUESTER_NAME": "Jo", "FOI_REQUESTER_ADDRESS": "1 Park Row, Leeds"}
    foi("draft", "sim-use", "--to", "RV9", "--campaign", "c", env=sign)  # Humber: by post
    env = {
        "FOI_SMTP_HOST": "127.0.0.1",
        "FOI_SMTP_PORT": "9",
        "FOI_SMTP_SECURITY": "none",
        "FOI_FROM": "jo@simcamp.org.uk",
    }
    result = foi("send", "--campaign", "c", "--yes", env=env)
    assert result.exit_code == 0
    assert "not sent:" in result.stderr and "goes by post" in result.stderr
    assert result.stdout.strip() == ("1 letter to go by post or web form (use --outbox DIR)")


def test_follow_up_letters_cite_the_requests_own_law(foi) -> None:
    foi("init")
    foi("body", "edit", "RXX", "--email", "foi@sabp.example.nhs.uk")
    sar = sent_request(foi, "RXX", "2026-09-01", "--regime", "sar", title="my records")
    eir = sent_request(foi, "RXX", "2026-09-01", "--regime", "eir", title="land")
    foi("chase", "--yes", "--draft-only", env={"FOI_REQUESTER_NAME": "Jo"}, today="2026-11-27")
    letters = {d["reference"]: d["text"] for d in foi("draft", "preview", "--json").json()}
    assert "Article 12(3) of the UK GDPR" in " ".join(letters[sar].split())
    assert "Freedom of Information Act" not in letters[sar]
    assert "regulation 5(2) of the Environmental Information" in " ".join(letters[eir].split())


def test_an_automatic_reply_does_not_hide_a_waiting_real_one(foi, isolated: Path) -> None:
    from tests.mail.test_inbox_cli import reply
    from tests.mail.test_matching import import_box

    foi("init")
    ref = sent_request(foi, "RXX", "2026-11-02", title="a")
    import_box(
        foi,
        isolated,
        [
            reply("x@t.example", f"Re: [{ref}]", "Please find our response attached."),
            reply(
                "x@t.example",
                f"Out of office: Re: [{ref}]",
                "I am out of the office.",
                auto=True,
                day=4,
            ),
        ],
    )
    assert foi("request", "show", ref, "--json").json()["status"] == "needs-classification"


def test_a_stale_summary_chaser_is_replaced_and_letters_can_be_discarded(foi) -> None:
    foi("init")
    foi("body", "edit", "RXX", "--email", "foi@sabp.example.nhs.uk")
    refs = [
        foi(
            "request",
            "new",
            "--body",
            "RXX",
            "--title",
            t,
            "--sent-on",
            "2026-10-01",
            "--json",
            today="2026-10-01",
        ).json()["reference"]
        for t in "abc"
    ]
    sign = {"FOI_REQUESTER_NAME": "Jo"}
    foi("chase", "--per-body", "--yes", "--draft-only", env=sign, today="2026-11-27")
    foi("respond", refs[0], "--on", "2026-11-27", "--outcome", "successful", today="2026-11-27")
    plan = foi("chase", "--json", today="2026-11-27").json()
    assert {i["reference"] for i in plan["chase"]} == {refs[1], refs[2]}
    again = foi("chase", "--per-body", "--yes", "--draft-only", env=sign, today="2026-11-27")
    assert again.exit_code == 0, again.stderr
    states = [
        lt["state"]
        for lt in foi("request", "show", refs[0], "--json").json()["letters"]
        if lt["purpose"] == "chaser"
    ]
    assert states == ["cancelled"]
    discarded = foi("draft", "discard", refs[1], "--purpose", "chaser")
    assert discarded.exit_code == 0 and "cancelled" in discarded.stdout
    assert foi("draft", "discard", refs[1]).exit_code == 2  # nothing unsent left


def test_late_extensions_and_withdrawn_foisa_requests(foi) -> None:
    foi("init")
    sar = sent_request(foi, "RXX", "2026-11-02", "--regime", "sar", title="s")
    foi(
        "request",
        "log",
        sar,
        "extension",
        "--on",
        "2026-12-20",
        "--promised",
        "2027-02-01",
        today="2026-12-20",
    )
    assert foi("request", "show", sar, "--json").json()["due_on"] == "2026-12-02"
    foi("body", "add", "Example Scottish Board", "--kind", "other", "--regime", "foisa")
    sco = sent_request(foi, "Example Scottish Board", "2026-11-02", title="f")
    foi("request", "log", sco, "withdrawn", "--on", "2026-11-03", today="2026-11-03")
    prop = foi("escalate", sco, "--json", today="2026-11-04").json()
    assert prop["reason"] == "the request is closed (withdrawn)"


def test_a_bounced_chaser_does_not_stop_the_clock(foi, isolated: Path) -> None:
    foi("init")
    foi("body", "edit", "RKL", "--email", "foi@westlondon.example.nhs.uk")
    ref = sent_request(foi, "RKL", "2026-10-01", title="a")
    foi("request", "log", ref, "acknowledged", "--on", "2026-10-02", today="2026-10-02")
    dsn = isolated / "dsn.eml"
    dsn.write_bytes(
        b"From: MAILER-DAEMON@mx.example\r\nTo: jo@simcamp.org.uk\r\n"
        b"Subject: Undelivered Mail Returned to Sender [" + ref.encode() + b"]\r\n"
        b"Date: Tue, 01 Dec 2026 09:00:00 +0000\r\nMessage-ID: <dsn2@mx.example>\r\n"
        b"X-Failed-Recipients: foi@westlondon.example.nhs.uk\r\n\r\nMailbox full.\r\n"
    )
    foi("inbox", "import", str(dsn), today="2026-12-01")
    shown = foi("request", "show", ref, "--json", today="2026-12-01").json()
    assert shown["due_on"] == "2026-10-29" and shown["overdue"]
    assert shown["events"][-1]["kind"] == "note"
