"""foi.letters.templates: the template library, the sandbox, strict rendering, checks and filters."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from foi.letters import filters
from foi.letters import templates as drafting
from foi.letters.checks import check_letter, sample_context, suits
from foi.letters.templates import (
    Letter,
    Question,
    SampleVars,
    TemplateError,
    TemplateInfo,
    TemplateLibrary,
    builtin_template_dirs,
)

TODAY = date(2026, 11, 27)
TRUST = {"name": "Oxleas NHS Foundation Trust", "kind": "mental-health-trust"}
REPO_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def front(
    subject: str = "Test letter",
    purpose: str = "request",
    kinds: str = '["any"]',
    extra: str = "",
) -> str:
    """A valid front-matter block."""
    return (
        f'+++\nsubject = "{subject}"\nregime = "foia"\nkinds = {kinds}\n'
        f'purpose = "{purpose}"\n{extra}+++\n'
    )


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    """An empty user templates folder."""
    folder = tmp_path / "templates"
    folder.mkdir()
    return folder


def write(folder: Path, name: str, text: str) -> Path:
    """Write a template file."""
    path = folder / f"{name}.j2"
    path.write_text(text, encoding="utf-8")
    return path


def context(**overrides: Any) -> dict[str, Any]:
    """A sample context for the Oxleas sample body."""
    return sample_context(TRUST, TODAY, **overrides)


def strict_context(**overrides: Any) -> dict[str, Any]:
    """A sample context whose vars are plain (no placeholders)."""
    ctx = context(**overrides)
    ctx["vars"] = dict(ctx["vars"])
    return ctx


def error_of(lib: TemplateLibrary, name: str, ctx: dict[str, Any] | None = None) -> str:
    """The message of the TemplateError raised by rendering a template."""
    with pytest.raises(TemplateError) as info:
        lib.render(name, ctx if ctx is not None else strict_context())
    message = str(info.value)
    assert "\n" not in message, "errors are one line"
    return message


# Library: built-ins, user folder -----------------------------------------------------------


def test_builtin_dir_is_the_checkout_templates_folder() -> None:
    assert builtin_template_dirs() == [REPO_TEMPLATES]


def test_user_dir_overrides_and_adds(user_dir: Path) -> None:
    write(user_dir, "sim-use", front("My own subject") + "Hello {{ body.name }}\n")
    write(user_dir, "my-letter", front("Extra") + "Extra letter\n")
    lib = TemplateLibrary(user_dir)
    names = lib.names()
    assert "my-letter" in names and "sim-use" in names and "chaser" in names
    assert names.count("sim-use") == 1
    info = lib.get("sim-use")
    assert not info.builtin and info.path == user_dir / "sim-use.j2"
    assert lib.render("sim-use", context()).subject == "My own subject"
    assert lib.get("chaser").builtin
    assert {i.name for i in lib.list()} == set(names)
    # Without the user folder the built-in is back.
    assert TemplateLibrary().get("sim-use").builtin


def test_user_partial_overrides_the_builtin_partial(user_dir: Path) -> None:
    (user_dir / "_sim-definition.j2").write_text("OUR OWN DEFINITION FOR {{ body.name }}\n")
    letter = TemplateLibrary(user_dir).render("sim-use", context())
    assert "OUR OWN DEFINITION FOR Oxleas NHS Foundation Trust" in letter.text
    assert "(a) delivery by or with a police officer" not in letter.text


def test_running_in_the_checkout_the_builtin_folder_is_not_a_user_folder() -> None:
    lib = TemplateLibrary(REPO_TEMPLATES)
    assert all(info.builtin for info in lib.list())


def test_missing_user_dir_is_fine(tmp_path: Path) -> None:
    lib = TemplateLibrary(tmp_path / "nowhere")
    assert "sim-use" in lib.names()


def test_partials_are_not_letters() -> None:
    lib = TemplateLibrary()
    assert not [n for n in lib.names() if n.startswith("_")]
    with pytest.raises(TemplateError, match="partial"):
        lib.get("_sim-definition")


def test_get_accepts_the_file_name() -> None:
    assert TemplateLibrary().get("sim-use.j2").name == "sim-use"


def test_source_is_the_whole_file() -> None:
    source = TemplateLibrary().source("sim-use")
    assert source.startswith("+++\n") and "[[questions]]" in source and "{% for q in" in source


def test_unknown_template_lists_close_matches() -> None:
    with pytest.raises(TemplateError) as info:
        TemplateLibrary().get("sim-usee")
    assert str(info.value).startswith("unknown template 'sim-usee'; did you mean 'sim-use'")


def test_unknown_template_without_close_match_lists_templates() -> None:
    with pytest.raises(TemplateError, match=r"unknown template 'xyzzy' \(templates: .*sim-use"):
        TemplateLibrary().get("xyzzy")


def test_a_broken_user_template_is_named_but_hides_nothing(user_dir: Path) -> None:
    write(user_dir, "broken", "no front matter here\n")
    lib = TemplateLibrary(user_dir)
    assert "broken" in lib.names() and "sim-use" in lib.names()
    with pytest.raises(TemplateError, match="template 'broken': bad front matter"):
        lib.list()


# Front matter ------------------------------------------------------------------------------


def test_front_matter_is_read(user_dir: Path) -> None:
    write(
        user_dir,
        "full",
        front(
            "Subj",
            kinds='["police-force", "icb"]',
            extra=(
                'description = "A  test\\n  letter"\nmax_words = 50\n'
                '[vars]\ntopic = "what it is about"\n'
                '[[questions]]\nnumber = 2\ntext = "Second?"\n'
                '[[questions]]\nnumber = 1\ntext = "First?"\n'
            ),
        )
        + "x\n",
    )
    info = TemplateLibrary(user_dir).get("full")
    assert info == TemplateInfo(
        name="full",
        path=user_dir / "full.j2",
        subject="Subj",
        regime="foia",
        kinds=("police-force", "icb"),
        purpose="request",
        description="A test letter",
        questions=(Question(1, "First?"), Question(2, "Second?")),
        builtin=False,
        variables=(("topic", "what it is about"),),
        max_words=50,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Dear all\n", re.escape("the file must start with a '+++' line")),
        ('+++\nsubject = "x"\n', "front matter is not closed"),
        (
            '+++\nsubject = "x"\nregime = "foia\nkinds = ["any"]\n+++\nx\n',
            r"TOML: .*\(at line 3",
        ),
        (front(extra='subjet = "y"\n'), "unknown key 'subjet'; did you mean 'subject'"),
        ('+++\nregime = "foia"\nkinds = ["any"]\npurpose = "request"\n+++\n', "'subject' is"),
        (front().replace('"foia"', '"gdpr"'), "'regime' must be one of"),
        (front(purpose="letter"), "'purpose' must be one of"),
        (front(kinds='["police"]'), "unknown kind 'police'; did you mean 'police-force'"),
        (front(kinds="[]"), "'kinds' must be a list"),
        (front(subject=" "), "'subject' must be a non-empty string"),
        (
            front(extra='[[questions]]\nnumber = 1\ntext = "a"\n[[questions]]\nnumber = 1\n'),
            "question number 1 is used twice",
        ),
        (front(extra='[[questions]]\ntext = "a"\n'), "needs a 'number'"),
        (front(extra='[[questions]]\nnumber = 1\ntxt = "a"\n'), "unknown key 'txt'"),
        (front(extra="max_words = 0\n"), "'max_words' must be a positive whole number"),
    ],
)
def test_bad_front_matter_is_a_template_error(user_dir: Path, text: str, message: str) -> None:
    write(user_dir, "bad", text + "body\n")
    lib = TemplateLibrary(user_dir)
    with pytest.raises(TemplateError, match=message) as info:
        lib.get("bad")
    assert str(info.value).startswith("template 'bad': bad front matter")
    with pytest.raises(TemplateError):
        lib.render("bad", context())


def test_windows_line_endings_and_bom_are_accepted(user_dir: Path) -> None:
    path = user_dir / "crlf.j2"
    path.write_bytes(
        ("\ufeff" + front("Hi") + "Line one   \n\n\n\nLine two\n").encode().replace(b"\n", b"\r\n")
    )
    letter = TemplateLibrary(user_dir).render("crlf", context())
    assert letter.text == "Line one\n\nLine two\n"


# Rendering: strictness, the sandbox, errors ------------------------------------------------


def test_undefined_variable_names_the_variable_and_line(user_dir: Path) -> None:
    write(user_dir, "u", front() + "Dear {{ body.name }},\n\n{{ body.nickname }}\n")
    message = error_of(TemplateLibrary(user_dir), "u")
    assert message == "template 'u' line 9: missing variable 'body.nickname'"


def test_undefined_top_level_variable(user_dir: Path) -> None:
    write(user_dir, "u", front() + "{{ letterhead }}\n")
    assert error_of(TemplateLibrary(user_dir), "u") == (
        "template 'u' line 7: missing variable 'letterhead'"
    )


def test_missing_user_variable_says_how_to_pass_it(user_dir: Path) -> None:
    write(user_dir, "v", front() + "{{ vars.topic }}\n")
    lib = TemplateLibrary(user_dir)
    assert error_of(lib, "v") == (
        "template 'v' line 7: missing variable 'vars.topic' (pass --var topic=...)"
    )
    assert lib.render("v", strict_context(vars={"topic": "SIM"})).text == "SIM\n"


def test_errors_in_a_partial_name_the_partial(user_dir: Path) -> None:
    (user_dir / "_part.j2").write_text("one\n{{ body.missing_key }}\n")
    write(user_dir, "p", front() + "top\n{% include '_part.j2' %}\n")
    assert error_of(TemplateLibrary(user_dir), "p") == (
        "template 'p', included '_part' line 2: missing variable 'body.missing_key'"
    )


def test_missing_partial(user_dir: Path) -> None:
    write(user_dir, "p", front() + "{% include '_nothing.j2' %}\n")
    assert "included template '_nothing.j2' not found" in error_of(TemplateLibrary(user_dir), "p")


def test_syntax_error_names_the_line(user_dir: Path) -> None:
    write(user_dir, "s", front() + "a\nb\n{% if %}\n")
    message = error_of(TemplateLibrary(user_dir), "s")
    assert message.startswith("template 's' line 9: syntax error:")


def test_printing_none_is_an_error(user_dir: Path) -> None:
    write(user_dir, "n", front() + "Local name: {{ body.local_name }}\n")
    assert "printed an empty value (None)" in error_of(TemplateLibrary(user_dir), "n")


def test_filter_errors_are_one_line(user_dir: Path) -> None:
    write(user_dir, "f", front() + "{{ request.response_on | longdate }}\n")
    assert error_of(TemplateLibrary(user_dir), "f") == (
        "template 'f' line 7: longdate: no date (the value is empty)"
    )


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ body.__class__.__subclasses__() }}",
        "{{ request.sent_on.__class__ }}",
        "{{ body._foi_path }}",
        "{{ lipsum.__globals__['os'] }}",
        "{{ ''.format.__globals__ }}",
    ],
)
def test_sandbox_escape_is_a_template_error(user_dir: Path, expression: str) -> None:
    write(user_dir, "esc", front() + f"Hello\n{expression}\n")
    message = error_of(TemplateLibrary(user_dir), "esc", context())
    assert message.startswith("template 'esc' line 8: ")
    assert "sandbox" in message or "unsafe" in message or "missing variable" in message


def test_sandbox_escape_in_the_subject(user_dir: Path) -> None:
    write(user_dir, "esc", front("{{ ''.__class__.__mro__ }}") + "x\n")
    message = error_of(TemplateLibrary(user_dir), "esc", context())
    assert message.startswith("template 'esc' subject: blocked by the sandbox")


@pytest.mark.parametrize("name", ["../../pyproject.toml", "/etc/passwd", "../templates/sim-use.j2"])
def test_templates_cannot_include_files_outside_the_folders(user_dir: Path, name: str) -> None:
    write(user_dir, "inc", front() + f"{{% include '{name}' %}}\n")
    assert "not found" in error_of(TemplateLibrary(user_dir), "inc")


def test_mapping_keys_win_over_dict_methods(user_dir: Path) -> None:
    write(user_dir, "k", front() + "{{ vars.items }} {{ vars.get('keys', 'none') }}\n")
    letter = TemplateLibrary(user_dir).render("k", strict_context(vars={"items": "three"}))
    assert letter.text == "three none\n"


# Subject -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "topic", ["SIM\nBcc: victim@example.org", "SIM\r\nX: y", "SIM\rX", "SIM\u2028X", "a\x85b"]
)
def test_line_break_from_a_variable_in_the_subject_is_rejected(user_dir: Path, topic: str) -> None:
    write(user_dir, "h", front("FOI - {{ vars.topic }}") + "x\n")
    message = error_of(TemplateLibrary(user_dir), "h", strict_context(vars={"topic": topic}))
    assert message.startswith("template 'h' subject: ")
    assert "line break" in message and "header injection" in message


def test_body_name_with_a_line_break_cannot_reach_a_builtin_subject() -> None:
    ctx = sample_context({**TRUST, "name": "Evil Trust\nBcc: x@example.org"}, TODAY)
    with pytest.raises(TemplateError, match="header injection"):
        TemplateLibrary().render("ico-complaint", ctx)


def test_subject_whitespace_from_the_template_is_collapsed(user_dir: Path) -> None:
    text = (
        '+++\nsubject = """FOI request -\n   {{ body.name }}\t ok"""\nregime = "foia"\n'
        'kinds = ["any"]\npurpose = "request"\n+++\nx\n'
    )
    write(user_dir, "ws", text)
    letter = TemplateLibrary(user_dir).render("ws", context())
    assert letter.subject == "FOI request - Oxleas NHS Foundation Trust ok"


def test_empty_subject_is_an_error(user_dir: Path) -> None:
    write(user_dir, "e", front("{{ vars.get('x', '') }}") + "x\n")
    assert "renders empty" in error_of(TemplateLibrary(user_dir), "e")


# Text --------------------------------------------------------------------------------------


def test_non_ascii_names_render(user_dir: Path) -> None:
    write(
        user_dir,
        "cy",
        front("Cais rhyddid gwybodaeth - {{ body.name }}")
        + "Annwyl {{ body.name }},\n\n{{ body.local_name }}\n\nYn gywir,\n{{ requester.name }}\n",
    )
    body = {
        "name": "Bwrdd Iechyd Prifysgol Betsi Cadwaladr – Ysbyty Gwynedd",
        "kind": "icb",
        "local_name": "Gwasanaeth Cymorth Dwys «SIM»",
    }
    ctx = sample_context(body, TODAY, requester={"name": "Siân Ó Súilleabháin-Łukasz"})
    letter = TemplateLibrary(user_dir).render("cy", ctx)
    assert letter.subject == (
        "Cais rhyddid gwybodaeth - Bwrdd Iechyd Prifysgol Betsi Cadwaladr – Ysbyty Gwynedd"
    )
    assert "Annwyl Bwrdd Iechyd Prifysgol Betsi Cadwaladr – Ysbyty Gwynedd," in letter.text
    assert "Gwasanaeth Cymorth Dwys «SIM»" in letter.text
    assert letter.text.endswith("Siân Ó Súilleabháin-Łukasz\n")
    builtin = TemplateLibrary().render("sim-use", ctx | {"body": ctx["body"] | {"kind": "x"}})
    assert "Annwyl" not in builtin.text and "Dear Bwrdd Iechyd" in builtin.text


def test_text_is_normalised(user_dir: Path) -> None:
    write(user_dir, "t", front() + "\n\n  \nA  \r\nB\r\rC\n\n\n\nD   \n\n\n")
    letter = TemplateLibrary(user_dir).render("t", context())
    assert letter.text == "A\nB\n\nC\n\nD\n"
    assert letter.word_count == 4


def test_line_numbers_count_the_front_matter(user_dir: Path) -> None:
    write(user_dir, "ln", front(extra='description = "x"\n\n\n') + "\n\n{{ oops }}\n")
    assert " line 12: " in error_of(TemplateLibrary(user_dir), "ln")


def test_questions_come_from_the_front_matter(user_dir: Path) -> None:
    extra = '[[questions]]\nnumber = 1\ntext = "One?"\n[[questions]]\nnumber = 2\ntext = "Two?"\n'
    write(
        user_dir,
        "q",
        front(extra=extra)
        + "{% for q in questions %}\n{{ q | numbered }}\n{% endfor %}{{ template.name }}\n",
    )
    ctx = context(questions=[{"number": 9, "text": "not this"}])
    assert TemplateLibrary(user_dir).render("q", ctx).text == "1. One?\n2. Two?\nq\n"


def test_render_does_not_change_the_callers_context(user_dir: Path) -> None:
    write(user_dir, "m", front() + "{% set _ = body.update({'name': 'X'}) %}{{ body.name }}\n")
    ctx = context()
    assert TemplateLibrary(user_dir).render("m", ctx).text == "X\n"
    assert ctx["body"]["name"] == "Oxleas NHS Foundation Trust"


# check_letter ------------------------------------------------------------------------------


def info_with(**changes: Any) -> TemplateInfo:
    """A TemplateInfo for checks."""
    base = TemplateInfo(
        name="t",
        path=Path("t.j2"),
        subject="s",
        regime="foia",
        kinds=("any",),
        purpose="request",
        description="",
        questions=(Question(1, "Why?"),),
        builtin=False,
    )
    return TemplateInfo(**{**base.__dict__, **changes})


def test_check_letter_passes_a_good_letter() -> None:
    assert check_letter(info_with(), Letter("Subject", "Dear X,\n\n1. Why?\n", 4)) == []


def test_check_letter_warnings() -> None:
    questions = (*(Question(n, f"Question {n}?") for n in range(1, 9)), Question(9, ""))
    info = info_with(questions=questions)
    letter = Letter("FOI request [FOI-2026-0001] " + "x" * 120, "1. Question 1?\n", 601)
    warnings = check_letter(info, letter)
    assert warnings[0].startswith("over-long: 601 words (limit 600) - a s.12 cost refusal risk")
    assert any(w.startswith("too many questions: 9 (more than 6)") for w in warnings)
    assert "empty question: question 9 has no text" in warnings
    assert any(w.startswith("question 2 is not in the letter") for w in warnings)
    assert not any(w.startswith("question 1 ") for w in warnings)
    assert any("subject contains a reference ('FOI-2026-0001')" in w for w in warnings)
    assert any(w.startswith("long subject") for w in warnings)


def test_check_letter_limits_by_purpose_and_template() -> None:
    chaser = info_with(purpose="chaser", questions=())
    assert check_letter(chaser, Letter("s", "x\n", 300)) == []
    assert check_letter(chaser, Letter("s", "x\n", 301)) == ["over-long: 301 words (limit 300)"]
    own = info_with(max_words=700)
    assert check_letter(own, Letter("s", "1. Why?\n", 650)) == []


def test_check_letter_wants_questions_in_requests() -> None:
    warnings = check_letter(info_with(questions=()), Letter("s", "x\n", 1))
    assert warnings == ["no questions in the front matter: replies cannot be logged per question"]


# suits and sample_context ------------------------------------------------------------------


def test_suits_by_kind_and_regime() -> None:
    lib = TemplateLibrary()
    sim_use, chaser, sar = lib.get("sim-use"), lib.get("chaser"), lib.get("sar")
    assert suits(sim_use, TRUST)
    assert not suits(sim_use, {"name": "x", "kind": "police-force"})
    # sim-use is "any" regime since the directory spans the UK: it cites FOISA to Scottish boards.
    assert suits(sim_use, {"name": "NHS Fife", "kind": "health-board", "regime": "foisa"})
    assert not suits(lib.get("sim-contracts"), {**TRUST, "regime": "foisa"})
    assert suits(chaser, {"name": "Police Scotland", "kind": "police-force", "regime": "foisa"})
    assert suits(sar, {"name": "x", "kind": "police-force"})
    assert not suits(sar, {"name": "NHS England", "kind": "nhs-england"})


def test_sample_context_is_complete_and_merges_overrides() -> None:
    ctx = sample_context({"name": "A Trust"}, TODAY, request={"days_late": 7})
    assert set(ctx) == {
        "body",
        "requester",
        "campaign",
        "request",
        "prior_requests",
        "covered",
        "today",
        "vars",
    }
    assert [c["reference"] for c in ctx["covered"]] == [
        f"FOI-{TODAY.year}-0001",
        f"FOI-{TODAY.year}-0002",
    ]
    assert ctx["body"]["local_name"] is None and ctx["body"]["aliases"] == []
    assert ctx["request"]["days_late"] == 7
    assert ctx["request"]["sent_on"] < ctx["request"]["due_on"] < TODAY
    assert ctx["request"]["reference"] == "FOI-2026-0000"
    assert isinstance(ctx["vars"], SampleVars)
    merged = sample_context({"name": "A"}, TODAY, vars={"a": "1"})
    assert isinstance(merged["vars"], SampleVars) and merged["vars"]["a"] == "1"
    assert sample_context({"name": "A"}, TODAY, campaign=None)["campaign"] is None


def test_sample_vars_give_placeholders(user_dir: Path) -> None:
    write(user_dir, "v", front() + "{{ vars.topic }} {{ vars.get('other') or 'none' }}\n")
    assert TemplateLibrary(user_dir).render("v", context()).text == "[topic] none\n"


# Filters -----------------------------------------------------------------------------------


def test_longdate() -> None:
    assert filters.longdate(date(2026, 11, 27)) == "27 November 2026"
    assert filters.longdate(date(2027, 1, 5)) == "5 January 2027"
    assert filters.longdate(datetime(2026, 3, 1, 12, 30)) == "1 March 2026"
    assert filters.longdate("2026-06-15") == "15 June 2026"
    with pytest.raises(ValueError, match="longdate: no date"):
        filters.longdate(None)
    with pytest.raises(ValueError, match="expected a date"):
        filters.longdate("soon")


def test_small_filters() -> None:
    assert filters.isodate(date(2026, 1, 2)) == "2026-01-02"
    assert filters.plural(1, "working day") == "1 working day"
    assert filters.plural(3, "working day") == "3 working days"
    assert filters.plural(2, "inquiry", "inquiries") == "2 inquiries"
    assert filters.and_list([]) == ""
    assert filters.and_list(["a"]) == "a"
    assert filters.and_list(["a", "b", "c"]) == "a, b and c"
    assert filters.and_list(["a", "b"], "or") == "a or b"
    assert filters.humanise("partially_successful") == "partially successful"
    assert filters.humanise(None) == ""
    assert filters.ucfirst("section 40") == "Section 40"
    assert filters.topic("Freedom of Information request - SIM: numbers") == "SIM: numbers"
    assert filters.topic("Re: FOI request: SIM use") == "SIM use"
    assert filters.topic("Subject access request – my records") == "my records"
    assert filters.topic("Freedom of Information request") == "Freedom of Information request"
    assert filters.topic("Police use of SIM") == "Police use of SIM"


@pytest.mark.parametrize(
    ("code", "key", "name", "title"),
    [
        ("s40(2)", "s40(2)", "section 40(2)", "personal information"),
        ("s.40(2)", "s40(2)", "section 40(2)", "personal information"),
        ("Section 40 (2)", "s40(2)", "section 40(2)", "personal information"),
        ("S12", "s12", "section 12", "cost of compliance exceeds the appropriate limit"),
        ("14(1)", "s14(1)", "section 14(1)", "vexatious requests"),
        ("s43(2)", "s43(2)", "section 43(2)", "commercial interests"),
        ("reg 12(4)(b)", "reg12(4)(b)", "regulation 12(4)(b)", "manifestly unreasonable request"),
        ("Regulation 13", "reg13", "regulation 13", "personal data"),
        ("public interest", "public interest", "public interest", ""),
    ],
)
def test_sections(code: str, key: str, name: str, title: str) -> None:
    assert filters.section_key(code) == key
    assert filters.section_name(code) == name
    assert filters.section_title(code) == title


def test_section_lookup_falls_back_to_the_parent() -> None:
    grounds = {"s.40(2)": "personal", "s43": "commercial"}
    assert filters.section_lookup(grounds, "section 40(2)(a)") == "personal"
    assert filters.section_lookup(grounds, "s43(2)") == "commercial"
    assert filters.section_lookup(grounds, "s40(1)", "default") == "default"


def test_numbered_wraps_with_a_hanging_indent() -> None:
    text = " ".join(["word"] * 30) + " 2016-17"
    out = filters.numbered({"number": 12, "text": text}, width=40)
    lines = out.split("\n")
    assert lines[0].startswith("12. word")
    assert all(line.startswith("    word") or line.startswith("    2016") for line in lines[1:])
    assert all(len(line) <= 40 for line in lines)
    assert "2016-17" in out
    assert filters.numbered(Question(3, "Short?")) == "3. Short?"


def test_hang_and_wrap_keep_paragraphs() -> None:
    assert filters.hang("a b\nc\n\nd", "- ", 76) == "- a b c\n\n  d"
    assert filters.wrap("a\nb\n\n\nc") == "a b\n\nc"


def test_word_count() -> None:
    assert drafting.count_words("Dear Siân,\n\n1. Why? - (a) x\n") == 6
