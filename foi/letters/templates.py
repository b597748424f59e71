"""Letter templates: front matter, a sandboxed Jinja2 environment, rendering and checks.

A template is one file, ``templates/<name>.j2``: a TOML front-matter block between two
``+++`` lines, then the Jinja2 body of the letter::

    +++
    subject = "Freedom of Information request - {{ vars.topic }}"
    regime = "foia"                  # foia | eir | foisa | sar | any
    kinds = ["mental-health-trust"]  # body kinds it suits, or ["any"]
    purpose = "request"              # request | chaser | internal-review | ico-complaint
                                     # | clarification-reply | sar
    description = "One line for `foi template list`."
    max_words = 600                  # optional: overrides the purpose's word limit

    [vars]                           # optional: --var names the template uses, documented
    topic = "what the request is about"

    [[questions]]
    number = 1
    text = "How many ...?"
    +++
    Dear {{ body.name }},
    {% for q in questions %}
    {{ q | numbered }}
    {% endfor %}

Files whose name starts with ``_`` are partials: shared text that letters pull in with
``{% include "_name.j2" %}``. They are not letters and need no front matter. A user's
``./templates/`` folder adds templates and partials, and overrides built-in ones of the same
name. Questions come from the front matter, so the numbering in the letter always matches the
numbering that responses are logged against.

Rendering is strict and sandboxed: a missing variable, a printed ``None``, a line break from a
variable in the subject, or any reach for Python internals is a one-line TemplateError naming
the template and line. The filters templates may use are ``foi.letters.filters``.

This module is pure: no database, no printing, no clock (the caller passes ``today``).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError
from jinja2 import Environment as _JinjaEnvironment
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.utils import missing

from foi.directory.kinds import KIND_GROUPS, KINDS, kind_choices, kinds_named
from foi.errors import UsageError
from foi.letters.filters import FILTERS, and_list, section_key, section_name, section_title
from foi.letters.sandbox import LimitedSandbox, render_limited

__all__ = [
    "KINDS",
    "MAX_QUESTIONS",
    "MAX_WORDS",
    "MAX_WORDS_BY_PURPOSE",
    "PURPOSES",
    "REGIMES",
    "Letter",
    "Question",
    "SampleVars",
    "TemplateError",
    "TemplateInfo",
    "TemplateLibrary",
    "builtin_template_dirs",
    "section_key",
    "section_name",
    "section_title",
]

REGIMES: tuple[str, ...] = ("foia", "eir", "foisa", "sar", "any")
PURPOSES: tuple[str, ...] = (
    "request",
    "chaser",
    "internal-review",
    "ico-complaint",
    "clarification-reply",
    "sar",
    "tribunal-appeal",  # after a decision notice: FOIA s.57, EIR reg. 18
    "court-of-session-appeal",  # after a Scottish Information Commissioner decision: FOISA s.56
)

# A request letter over 600 words is usually asking too much at once: the body can refuse the
# whole of it under FOIA s.12 if any one part would exceed the cost limit (£450 / 18 hours for
# NHS bodies and police). Split topics across letters instead. Other letters have their own
# budgets; an internal review or ICO complaint grows with the number of grounds.
MAX_WORDS = 600
MAX_WORDS_BY_PURPOSE: dict[str, int] = {
    "request": MAX_WORDS,
    "sar": MAX_WORDS,
    "chaser": 300,
    "clarification-reply": 400,
    "internal-review": 900,
    "ico-complaint": 800,
    "tribunal-appeal": 900,
    "court-of-session-appeal": 900,
}
# More questions than this in one letter invites a s.12 refusal of the lot.
MAX_QUESTIONS = 6
# Subjects longer than this get folded or cut off by mail clients once a token is added.
MAX_SUBJECT_CHARS = 120

_FRONT_MATTER_KEYS = (
    "subject",
    "regime",
    "kinds",
    "purpose",
    "description",
    "max_words",
    "vars",
    "questions",
)
_TEMPLATE_SUFFIX = ".j2"
# A name that can only point at a file directly inside a template folder.
_FILE_NAME_RE = re.compile(r"[^/\\\x00]+\.j2")
# Line breaks that str.splitlines() honours: none may reach a mail header from a variable.
_LINE_BREAK_RE = re.compile("[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029\x00]")


class TemplateError(UsageError, ValueError):
    """A template that cannot be found, parsed or rendered; the message is one line."""

    def __init__(self, message: str, template: str | None = None, line: int | None = None):
        super().__init__(message)
        self.template = template
        self.line = line


@dataclass(frozen=True)
class Question:
    """One numbered question of a letter, as declared in its front matter."""

    number: int
    text: str


@dataclass(frozen=True)
class TemplateInfo:
    """A template's front matter and where it was found."""

    name: str
    path: Path
    subject: str
    regime: str
    kinds: tuple[str, ...]
    purpose: str
    description: str
    questions: tuple[Question, ...]
    builtin: bool
    variables: tuple[tuple[str, str], ...] = ()
    max_words: int | None = None


@dataclass(frozen=True)
class Letter:
    """A rendered letter: one-line subject, body text with \\n line endings, and its length."""

    subject: str
    text: str
    word_count: int


class SampleVars(dict):  # type: ignore[type-arg]
    """User variables for previews: any variable not given reads as a "[name]" placeholder."""


# --------------------------------------------------------------------------------------------
# Template folders


def builtin_template_dirs() -> list[Path]:
    """The folder of built-in templates: the packaged copy, else the checkout's templates/."""
    package = Path(__file__).resolve().parents[1]
    # The wheel force-includes templates/ as foi/builtin_templates. Prefer it, so that an
    # installed foi never picks up an unrelated site-packages/templates folder.
    for candidate in (package / "builtin_templates", package.parent / "templates"):
        if candidate.is_dir():
            return [candidate]
    return []


def _read(path: Path) -> str:
    """A template file's text with a BOM removed and \\n line endings."""
    text = path.read_text(encoding="utf-8")
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(TOML, body, lines taken by the front matter) or None if there is no front matter."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "+++":
        return None
    for i in range(1, len(lines)):
        if lines[i].strip() == "+++":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 1
    raise ValueError("front matter is not closed (no second '+++' line)")


def _jinja_source(text: str) -> str:
    """The Jinja body of a file, with its front matter blanked so line numbers stay true."""
    try:
        split = _split_front_matter(text)
    except ValueError:
        return text
    if split is None:
        return text
    _toml, body, taken = split
    # A comment spanning the same lines: error line numbers then match the file.
    return "{#" + "\n" * (taken - 1) + "#}\n" + body


def _close(name: str, choices: Iterable[str]) -> list[str]:
    """Up to three close matches of name among choices."""
    return difflib.get_close_matches(name, list(choices), n=3, cutoff=0.6)


def _did_you_mean(matches: Sequence[str]) -> str:
    """'; did you mean 'a' or 'b'?' or ''."""
    if not matches:
        return ""
    return "; did you mean " + and_list((f"'{m}'" for m in matches), "or") + "?"


def _parse_info(name: str, path: Path, text: str, builtin: bool) -> TemplateInfo:
    """A TemplateInfo from a template file's text, or TemplateError naming the problem."""

    def bad(problem: str) -> TemplateError:
        return TemplateError(f"template '{name}': bad front matter: {problem}", template=name)

    try:
        split = _split_front_matter(text)
    except ValueError as exc:
        raise bad(str(exc)) from exc
    if split is None:
        raise bad("the file must start with a '+++' line, then TOML, then another '+++' line")
    toml_text, _body, _taken = split
    try:
        meta = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib counts from the first TOML line; the file has the '+++' line before it.
        message = re.sub(r"\(at line (\d+)", lambda m: f"(at line {int(m.group(1)) + 1}", str(exc))
        raise bad(f"TOML: {message}") from exc

    for key in meta:
        if key not in _FRONT_MATTER_KEYS:
            raise bad(f"unknown key '{key}'{_did_you_mean(_close(key, _FRONT_MATTER_KEYS))}")
    for key in ("subject", "regime", "kinds", "purpose"):
        if key not in meta:
            raise bad(f"'{key}' is missing")

    subject = meta["subject"]
    if not isinstance(subject, str) or not subject.strip():
        raise bad("'subject' must be a non-empty string")

    regime = meta["regime"]
    if regime not in REGIMES:
        raise bad(f"'regime' must be one of {', '.join(REGIMES)} (got {regime!r})")

    purpose = meta["purpose"]
    if purpose not in PURPOSES:
        raise bad(f"'purpose' must be one of {', '.join(PURPOSES)} (got {purpose!r})")

    raw_kinds = meta["kinds"]
    if isinstance(raw_kinds, str):
        raw_kinds = [raw_kinds]
    if not isinstance(raw_kinds, list) or not raw_kinds:
        raise bad('\'kinds\' must be a list such as ["mental-health-trust"] or ["any"]')
    kinds: list[str] = []
    for kind in raw_kinds:
        named = ("any",) if kind == "any" else kinds_named(str(kind))
        if not named:
            hint = _did_you_mean(_close(str(kind), (*KINDS, *KIND_GROUPS, "any")))
            raise bad(f"unknown kind {kind!r}{hint} (kinds: {kind_choices()}, any)")
        kinds.extend(k for k in named if k not in kinds)  # a group stands for its kinds
    raw_kinds = kinds

    description = meta.get("description", "")
    if not isinstance(description, str):
        raise bad("'description' must be a string")

    max_words = meta.get("max_words")
    if max_words is not None and (
        not isinstance(max_words, int) or isinstance(max_words, bool) or max_words < 1
    ):
        raise bad("'max_words' must be a positive whole number")

    raw_vars = meta.get("vars", {})
    if not isinstance(raw_vars, dict) or not all(isinstance(v, str) for v in raw_vars.values()):
        raise bad("'[vars]' must map each variable name to a description string")

    raw_questions = meta.get("questions", [])
    if not isinstance(raw_questions, list):
        raise bad("'questions' must be written as [[questions]] tables")
    questions: list[Question] = []
    seen: set[int] = set()
    for i, raw in enumerate(raw_questions, start=1):
        if not isinstance(raw, dict):
            raise bad(f"question {i} must be a [[questions]] table")
        extra = set(raw) - {"number", "text"}
        if extra:
            raise bad(f"question {i} has unknown key '{sorted(extra)[0]}' (use number and text)")
        number = raw.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or number < 1:
            raise bad(f"question {i} needs a 'number' that is a positive whole number")
        if number in seen:
            raise bad(f"question number {number} is used twice")
        seen.add(number)
        text_value = raw.get("text", "")
        if not isinstance(text_value, str):
            raise bad(f"question {number}: 'text' must be a string")
        questions.append(Question(number=number, text=" ".join(text_value.split())))
    questions.sort(key=lambda q: q.number)

    return TemplateInfo(
        name=name,
        path=path,
        subject=subject,
        regime=regime,
        kinds=tuple(raw_kinds),
        purpose=purpose,
        description=" ".join(description.split()),
        questions=tuple(questions),
        builtin=builtin,
        variables=tuple((str(k), " ".join(v.split())) for k, v in raw_vars.items()),
        max_words=max_words,
    )


# --------------------------------------------------------------------------------------------
# The sandboxed environment


class _Scope(dict):  # type: ignore[type-arg]
    """A context mapping that knows its path, so a missing key is reported as 'body.x'."""

    __slots__ = ("_foi_path", "_foi_placeholders")

    def __init__(self, path: str, items: Mapping[str, Any], placeholders: bool = False):
        super().__init__(items)
        self._foi_path = path
        self._foi_placeholders = placeholders

    def __missing__(self, key: Any) -> Any:
        if self._foi_placeholders and isinstance(key, str):
            return f"[{key}]"
        raise KeyError(key)


def _scoped(value: Any, path: str) -> Any:
    """Mappings wrapped as _Scope, recursively through lists; other values unchanged."""
    if isinstance(value, Mapping):
        items = {k: _scoped(v, f"{path}.{k}") for k, v in value.items()}
        return _Scope(path, items, placeholders=isinstance(value, SampleVars))
    if isinstance(value, list | tuple):
        return [_scoped(v, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


class _Undefined(StrictUndefined):
    """StrictUndefined whose message names the full path of the missing variable."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        if self._undefined_obj is missing:
            return f"missing variable '{self._undefined_name}'"
        if isinstance(self._undefined_obj, _Scope):
            return f"missing variable '{self._undefined_obj._foi_path}.{self._undefined_name}'"
        return super()._undefined_message


class _PrintedNone(Exception):
    """A template printed None, which would put the word 'None' in a letter."""


class _LineBreakInSubject(Exception):
    """A variable put a line break into the subject (mail header injection)."""


def _finalize_text(value: Any) -> Any:
    """Refuse to print None into a letter."""
    if value is None:
        raise _PrintedNone()
    return value


def _finalize_subject(value: Any) -> Any:
    """Refuse None and any line break coming from a variable into the subject."""
    if value is None:
        raise _PrintedNone()
    text = str(value)
    if _LINE_BREAK_RE.search(text):
        raise _LineBreakInSubject(text)
    return text


class _Environment(LimitedSandbox):
    """The sandbox (size-limited), where a mapping's keys win over its methods (body.items)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Mapping) and isinstance(attribute, str) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


class _Loader(BaseLoader):
    """Loads '<name>.j2' from the first folder that has it, front matter blanked."""

    def __init__(self, dirs: Sequence[Path]):
        self.dirs = list(dirs)

    def get_source(
        self, environment: _JinjaEnvironment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if not _FILE_NAME_RE.fullmatch(template) or template.startswith("."):
            raise TemplateNotFound(template)
        for folder in self.dirs:
            path = folder / template
            if path.is_file():
                mtime = path.stat().st_mtime

                def uptodate(path: Path = path, mtime: float = mtime) -> bool:
                    try:
                        return path.stat().st_mtime == mtime
                    except OSError:
                        return False

                return _jinja_source(_read(path)), str(path), uptodate
        raise TemplateNotFound(template)


def _make_environment(finalize: Callable[[Any], Any], loader: BaseLoader | None) -> _Environment:
    """A sandboxed, strict environment with the letter filters."""
    env = _Environment(
        loader=loader,
        undefined=_Undefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize,
    )
    env.add_filters(FILTERS)
    return env


def _error_location(tb: TracebackType | None, files: Mapping[str, str]) -> tuple[str, int] | None:
    """The innermost (template name, line) in a traceback, among our template files."""
    found = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename in files:
            found = (files[filename], tb.tb_lineno)
        tb = tb.tb_next
    return found


def _describe(exc: BaseException) -> str:
    """A one-line description of a rendering failure."""
    if isinstance(exc, SecurityError):
        return f"blocked by the sandbox: {exc.message or exc}"
    if isinstance(exc, UndefinedError):
        message = str(exc.message or exc)
        found = re.fullmatch(r"missing variable 'vars\.([^']+)'", message)
        if found:
            return f"{message} (pass --var {found.group(1)}=...)"
        return message
    if isinstance(exc, TemplateNotFound):
        return f"included template '{exc.name}' not found"
    if isinstance(exc, TemplateSyntaxError):
        return f"syntax error: {exc.message}"
    if isinstance(exc, _PrintedNone):
        return "an expression printed an empty value (None); guard it with {% if ... %}"
    if isinstance(exc, _LineBreakInSubject):
        return (
            "a variable puts a line break into the subject, which is not allowed "
            "(mail header injection)"
        )
    text = " ".join(str(exc).split())
    if isinstance(exc, ValueError) and text:
        # The letter filters raise ValueError with a message that names the filter.
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --------------------------------------------------------------------------------------------
# The library


class TemplateLibrary:
    """Built-in templates plus a user's folder, which adds and overrides by name."""

    def __init__(self, user_dir: Path | None = None):
        builtin = builtin_template_dirs()
        resolved = {d.resolve() for d in builtin}
        # Running from the checkout, ./templates is the built-in folder: not a user folder.
        if user_dir is not None and Path(user_dir).resolve() in resolved:
            user_dir = None
        self.user_dir = Path(user_dir) if user_dir is not None else None
        self.builtin_dirs = builtin
        self._dirs = ([self.user_dir] if self.user_dir else []) + builtin
        loader = _Loader(self._dirs)
        self._env = _make_environment(_finalize_text, loader)
        self._subject_env = _make_environment(_finalize_subject, None)

    def _index(self) -> dict[str, tuple[Path, bool]]:
        """Template name -> (file, built-in?), user files winning; partials excluded."""
        index: dict[str, tuple[Path, bool]] = {}
        for folder in reversed(self._dirs):
            if not folder.is_dir():
                continue
            builtin = folder in self.builtin_dirs
            for path in sorted(folder.glob("*" + _TEMPLATE_SUFFIX)):
                name = path.name[: -len(_TEMPLATE_SUFFIX)]
                if name.startswith(("_", ".")) or not path.is_file():
                    continue
                index[name] = (path, builtin)
        return index

    def names(self) -> list[str]:
        """All template names, without parsing them (so one broken file hides nothing)."""
        return sorted(self._index())

    def list(self) -> list[TemplateInfo]:
        """Every template's front matter, by name; TemplateError on the first broken one."""
        return [self.get(name) for name in self.names()]

    def get(self, name: str) -> TemplateInfo:
        """One template's front matter; TemplateError with close matches if unknown."""
        name = name.strip().removesuffix(_TEMPLATE_SUFFIX)
        index = self._index()
        if name not in index:
            if name.startswith("_"):
                raise TemplateError(
                    f"'{name}' is a partial included by other templates, not a letter template",
                    template=name,
                )
            matches = _close(name, index)
            hint = _did_you_mean(matches) or (
                f" (templates: {', '.join(sorted(index))})" if index else ""
            )
            raise TemplateError(f"unknown template '{name}'{hint}", template=name)
        path, builtin = index[name]
        try:
            text = _read(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateError(f"template '{name}': cannot read {path}: {exc}") from exc
        return _parse_info(name, path, text, builtin)

    def source(self, name: str) -> str:
        """The whole file of a template, front matter included (to copy and edit)."""
        return _read(self.get(name).path)

    def render(self, name: str, context: Mapping[str, Any]) -> Letter:
        """Render subject and body strictly in the sandbox; TemplateError on any failure."""
        info = self.get(name)
        ctx = self._context(info, context)
        files = self._files()

        try:
            raw_subject = render_limited(
                self._subject_env.from_string(info.subject).generate(ctx), "the subject"
            )
        except Exception as exc:
            raise TemplateError(
                f"template '{info.name}' subject: {_describe(exc)}", template=info.name
            ) from exc
        subject = " ".join(raw_subject.split())
        if not subject:
            raise TemplateError(f"template '{info.name}' subject: renders empty", info.name)

        try:
            template = self._env.get_template(info.name + _TEMPLATE_SUFFIX)
            text = render_limited(template.generate(ctx))
        except Exception as exc:
            raise self._render_error(info.name, exc, files) from exc
        text = _normalise_text(text)
        return Letter(subject=subject, text=text, word_count=count_words(text))

    def _files(self) -> dict[str, str]:
        """Filename (as Jinja reports it) -> template name, for every file we could load."""
        files: dict[str, str] = {}
        for folder in self._dirs:
            if folder.is_dir():
                for path in folder.glob("*" + _TEMPLATE_SUFFIX):
                    files.setdefault(str(path), path.name[: -len(_TEMPLATE_SUFFIX)])
        return files

    def _render_error(self, name: str, exc: Exception, files: Mapping[str, str]) -> TemplateError:
        """A one-line TemplateError saying where in which file the rendering failed."""
        if isinstance(exc, TemplateSyntaxError):
            where_name = files.get(exc.filename or "", name)
            line: int | None = exc.lineno
        else:
            where = _error_location(exc.__traceback__, files)
            where_name, line = where if where else (name, None)
        location = f"template '{name}'"
        if where_name != name:
            location += f", included '{where_name}'"
        if line is not None:
            location += f" line {line}"
        return TemplateError(f"{location}: {_describe(exc)}", template=name, line=line)

    @staticmethod
    def _context(info: TemplateInfo, context: Mapping[str, Any]) -> dict[str, Any]:
        """The caller's context, scoped, plus the template's own questions and details."""
        ctx = {str(k): _scoped(v, str(k)) for k, v in context.items()}
        ctx.setdefault("vars", _Scope("vars", {}))
        ctx["questions"] = [
            _Scope(f"questions[{i}]", {"number": q.number, "text": q.text})
            for i, q in enumerate(info.questions)
        ]
        ctx["template"] = _Scope(
            "template",
            {"name": info.name, "purpose": info.purpose, "regime": info.regime},
        )
        return ctx


def _normalise_text(text: str) -> str:
    """\\n line endings, no trailing spaces, at most one blank line in a row, one final \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n" if out else ""


def count_words(text: str) -> int:
    """Words in text: whitespace-separated tokens with a letter or digit in them."""
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))
