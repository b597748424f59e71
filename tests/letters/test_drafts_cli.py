"""Templates and drafting through the CLI: check, batch drafts, skips, the 60-day warning."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from foi.directory.bodies import KINDS
from foi.letters.templates import KINDS as TEMPLATE_KINDS
from tests.letters.test_builtin_templates import EXPECTED

SIGN = {
    "FOI_REQUESTER_NAME": "Jo Campaigner",
    "FOI_REQUESTER_EMAIL": "jo@simcamp.org.uk",
    "FOI_REQUESTER_ADDRESS": "1 Park Row, Leeds LS1 5HN",
}


def test_template_kinds_match_directory_kinds() -> None:
    from foi.directory.body_lists.plain import KINDS as IMPORT_KINDS

    assert TEMPLATE_KINDS is KINDS is IMPORT_KINDS  # one list, in foi/directory/kinds.py


def test_template_check_passes_for_every_builtin_against_the_whole_directory(foi) -> None:
    foi("init")
    result = foi("template", "check", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    data = result.json()
    assert data["problems"] == []
    assert data["templates"] >= 12
    assert data["letters"] > 150  # each template rendered for every body it suits


def test_template_list_json_contract(foi) -> None:
    rows = foi("template", "list", "--json").json()
    names = {r["name"] for r in rows}
    assert names >= EXPECTED  # every built-in campaign letter
    for r in rows:
        assert {"name", "subject", "regime", "kinds"} <= r.keys()
    assert foi("template", "show", "sim-use").stdout.startswith("# sim-use")
    unknown = foi("template", "show", "sim-uze")
    assert unknown.exit_code == 2 and "sim-use" in unknown.stderr


def test_bad_user_templates_fail_clearly(foi, isolated: Path) -> None:
    foi("init")
    tdir = isolated / "templates"
    tdir.mkdir()
    head = '+++\nsubject = "Test"\nregime = "foia"\nkinds = ["any"]\npurpose = "request"\n+++\n'
    (tdir / "undef.j2").write_text(head + "Dear {{ body.nickname }},\n", encoding="utf-8")
    (tdir / "escape.j2").write_text(
        head + "{{ ''.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8"
    )
    undef = foi("template", "check", "undef")
    assert undef.exit_code == 1 and "body.nickname" in undef.stderr
    escape = foi("draft", "escape", "--to", "RXX", env=SIGN)
    assert escape.exit_code == 2 and "sandbox" in escape.stderr
    assert len(escape.stderr.strip().splitlines()) == 1
    assert foi("request", "list", "--json").json() == []  # the batch drafted nothing


def test_user_template_overrides_a_builtin(foi, isolated: Path) -> None:
    foi("init")
    (isolated / "templates").mkdir()
    (isolated / "templates" / "chaser.j2").write_text(
        '+++\nsubject = "Our own chaser"\nregime = "any"\nkinds = ["any"]\n'
        'purpose = "chaser"\n+++\nHello {{ body.name }}\n',
        encoding="utf-8",
    )
    rows = {r["name"]: r for r in foi("template", "list", "--json").json()}
    assert rows["chaser"]["subject"] == "Our own chaser" and not rows["chaser"]["builtin"]


def test_sim_use_to_every_mental_health_trust(foi) -> None:
    foi("init")
    bodies = foi(
        "body", "list", "--kind", "mental-health-trust", "--json", today="2026-11-27"
    ).json()
    open_trusts = {b["name"] for b in bodies if b["status"] == "open"}
    result = foi(
        "draft",
        "sim-use",
        "--to",
        "kind:mental-health-trust",
        "--campaign",
        "sim-2026",
        "--json",
        env=SIGN,
        today="2026-11-27",
    )
    assert result.exit_code == 0, result.stderr
    rows = result.json()
    drafted = [r for r in rows if r["state"] != "skipped"]
    skipped = [r for r in rows if r["state"] == "skipped"]
    assert {r["body"] for r in drafted} == open_trusts
    assert len(drafted) == 50
    assert skipped and all(r["reason"].startswith("closed on") for r in skipped)
    assert all(r["reference"] for r in drafted)
    preview = foi("draft", "preview", "--campaign", "sim-2026", "--json").json()
    assert len(preview) == 50
    for letter in preview:
        assert f"Dear {letter['body']}," in letter["text"]
        assert letter["subject"].endswith(f"[{letter['reference']}]")
        assert "Jo Campaigner" in letter["text"]
    unsendable = [r for r in drafted if r["state"] == "unsendable"]
    assert all(r["reason"] for r in unsendable)


def test_redrafting_within_60_working_days_warns_and_needs_force(foi) -> None:
    foi("init")
    first = foi("draft", "sim-use", "--to", "RXX", "--campaign", "c", env=SIGN, today="2026-11-27")
    assert first.exit_code == 0
    again = foi(
        "draft", "sim-data-sharing", "--to", "RXX", "--campaign", "c", env=SIGN, today="2026-12-15"
    )
    assert again.exit_code == 4
    assert "within 60 working days" in again.stderr and "--force" in again.stderr
    assert len(foi("request", "list", "--json").json()) == 1
    forced = foi(
        "draft",
        "sim-data-sharing",
        "--to",
        "RXX",
        "--campaign",
        "c",
        "--force",
        env=SIGN,
        today="2026-12-15",
    )
    assert forced.exit_code == 0
    later = foi(
        "draft", "sim-contracts", "--to", "RXX", "--campaign", "c", env=SIGN, today="2027-06-01"
    )
    assert later.exit_code == 0


def test_non_foi_bodies_are_skipped_except_for_subject_access(foi) -> None:
    foi("init")
    foi(
        "body",
        "add",
        "Coroner for West Yorkshire (Western)",
        "--kind",
        "coroner",
        "--not-foi",
        "--email",
        "coroner@example.gov.uk",
    )
    foi("body", "edit", "Coroner for West Yorkshire (Western)", "--kind", "mental-health-trust")
    rows = foi(
        "draft", "sim-use", "--to", "Coroner for West Yorkshire (Western)", "--json", env=SIGN
    ).json()
    assert rows[0]["state"] == "skipped" and "not subject to FOI" in rows[0]["reason"]
    sar = foi(
        "draft", "sar", "--to", "RXX", "--var", "date_of_birth=1990-01-01", "--json", env=SIGN
    ).json()
    assert sar[0]["state"] in ("draft", "unsendable")
    shown = foi("request", "show", sar[0]["reference"], "--json").json()
    assert shown["regime"] == "sar"


def test_request_edit_opens_the_draft_in_editor(foi, isolated: Path) -> None:
    foi("init")
    ref = foi("draft", "sim-use", "--to", "RW4", "--json", env=SIGN).json()[0]["reference"]
    script = isolated / "editor.sh"
    script.write_text("#!/bin/sh\nsed -i 's/^Dear /Dear Colleagues at /' \"$1\"\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    result = foi("request", "edit", ref, env={"EDITOR": str(script)})
    assert result.exit_code == 0, result.stderr
    letter = foi("draft", "preview", ref, "--json").json()[0]
    assert "Dear Colleagues at Mersey Care" in letter["text"]
    assert letter["subject"].endswith(f"[{ref}]")
    noeditor = foi("request", "edit", ref, env={"EDITOR": "", "VISUAL": ""})
    assert noeditor.exit_code == 6 or "EDITOR" in noeditor.stderr
    assert os.environ.get("EDITOR") != str(script)


def test_every_template_renders_for_a_requester_without_email_or_address() -> None:
    from datetime import date

    from foi.letters.checks import sample_context
    from foi.letters.templates import TemplateLibrary

    lib = TemplateLibrary()
    body = {"name": "Example NHS Trust", "kind": "mental-health-trust"}
    for info in lib.list():
        for outcome in (None, "refused", "partially-successful", "not-held"):
            ctx = sample_context(
                body,
                date(2026, 11, 27),
                requester={"name": "Jo", "email": None, "address": None},
                request={
                    "outcome": outcome,
                    "response_on": date(2026, 11, 2) if outcome else None,
                    "exemptions": ["s12"] if outcome == "refused" else [],
                },
                vars={"grounds": "the search was inadequate", "reasons": "the delay"},
            )
            letter = lib.render(info.name, ctx)
            assert "None" not in letter.text, (info.name, outcome)
