"""The Jinja2 sandbox letters are rendered in, with limits on how much a template can make.

Jinja2's sandbox stops a template reaching Python's internals, but not from asking for a
billion characters (``{{ 'x' * 1000000000 }}``), a huge power, a width of a billion in a
format or a filter, or doubling a string until memory runs out. A letter is a few thousand
characters, so anything near `MAX_OUTPUT_CHARS` is a runaway template: each such request is
refused *before* the memory is taken, as a `SecurityError` the renderer reports as a template
error naming the line. Pure: no database, no settings.
"""

from __future__ import annotations

import contextvars
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.nodes import Concat
from jinja2.sandbox import SandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from markupsafe import Markup

MAX_OUTPUT_CHARS = 200_000  # a letter, its subject, any string or list built on the way
MAX_RANGE = 10_000  # range(); letters loop over a few questions or bodies
MAX_POWER_BITS = 4_096  # 2 ** 4096 is plenty for arithmetic in a letter
MAX_STEPS = 1_000_000  # loop turns and calls in one rendering; a letter takes a few thousand

_WIDTH_RE = re.compile(r"\d{7,}")  # a width or precision of a million or more in a format


class OutputTooLarge(SecurityError):
    """A template asked for more text than any letter needs."""


def _too_large(what: str) -> OutputTooLarge:
    return OutputTooLarge(
        f"{what} would be over {MAX_OUTPUT_CHARS:,} characters: a letter never needs that "
        "much (a runaway template?)"
    )


def _size(value: Any) -> int:
    """About how many characters `value` prints as (nested lists and dicts counted through),
    counted only until it passes `MAX_OUTPUT_CHARS`: ``[big] * 100000`` weighs 100000 bigs."""
    total = 0
    stack = [value]
    while stack and total <= MAX_OUTPUT_CHARS:
        item = stack.pop()
        if isinstance(item, str | bytes):
            total += len(item)
        elif isinstance(item, dict):
            total += 2 + 2 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + 2 * len(item)
            stack.extend(item)
    return total


def _check_size(value: Any, what: str = "the result") -> Any:
    if _size(value) > MAX_OUTPUT_CHARS:
        raise _too_large(what)
    return value


class _Budget:
    """The work one rendering may do: loop turns, calls and operations (and the text they
    make, a step per KB). Three nested loops over range(10000) run out of it in a second."""

    def __init__(self) -> None:
        self.steps = 0

    def spend(self, steps: int = 1) -> None:
        self.steps += steps
        if self.steps > MAX_STEPS:
            raise SecurityError(
                f"the template did over {MAX_STEPS:,} steps of work (loop turns, calls): "
                "a letter never needs that many (a runaway loop?)"
            )


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "foi_render_budget", default=None
)


def _spend(result: Any = None) -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.spend(1 + (len(result) // 1024 if isinstance(result, str | bytes) else 0))


def _counted(iterable: Any) -> Iterator[Any]:
    """A for loop's items, each a step of the rendering's budget."""
    for item in iterable:
        _spend()
        yield item


def _check_format(spec: Any) -> None:
    """Refuse a format string with a huge width or precision ('%1000000000s', '{:>1e9}')."""
    if isinstance(spec, str):
        for digits in _WIDTH_RE.findall(spec):
            if int(digits) > MAX_OUTPUT_CHARS:
                raise _too_large("a formatted value")


def _check_args(args: Iterable[Any], kwargs: dict[str, Any]) -> None:
    """Refuse a number that asks for a huge width or count (center(10**9))."""
    for value in [*args, *kwargs.values()]:
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_OUTPUT_CHARS:
            raise _too_large(f"a width or count of {value:,}")


# Methods and filters whose numeric arguments are widths or counts of characters.
_WIDTH_TAKERS = frozenset(
    {"center", "ljust", "rjust", "zfill", "expandtabs", "indent", "wordwrap", "truncate"}
    | {"wrap", "hang", "numbered"}
)


def _joined_size(items: Any, sep: Any) -> int:
    if not isinstance(items, list | tuple):
        return 0
    return sum(len(str(i)) for i in items) + len(str(sep)) * max(len(items) - 1, 0)


def _replaced_size(text: Any, old: Any, new: Any) -> int:
    if not (isinstance(text, str) and isinstance(old, str) and isinstance(new, str)):
        return 0
    count = len(text) + 1 if old == "" else text.count(old)
    return len(text) + count * len(new)


def _precheck(name: str, subject: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Sizes known before a call, so the memory is never taken.

    `subject` is the string a method is called on, or the value a filter is applied to.
    """
    if name in _WIDTH_TAKERS:
        _check_args(args, kwargs)
    if name == "replace" and len(args) >= 2:
        if _replaced_size(subject, args[0], args[1]) > MAX_OUTPUT_CHARS:
            raise _too_large("the replaced text")
    elif name in ("format", "format_map") and isinstance(subject, str):
        _check_format(subject)
        if "*" in subject or re.search(r"\{[^{}]*\{", subject):  # a width given as an argument
            _check_args(args, kwargs)


def guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter with the same limits as everything else in the sandbox."""

    @functools.wraps(func)  # keeps Jinja's pass_context / pass_environment markers
    def guarded(*args: Any, **kwargs: Any) -> Any:
        marked = getattr(func, "jinja_pass_arg", None)
        plain = args[1:] if marked is not None else args  # drop a passed context/environment
        if plain:
            value, rest = plain[0], tuple(plain[1:])
            if name == "join" and isinstance(value, list | tuple):
                sep = rest[0] if rest else kwargs.get("d", "")
                if _joined_size(value, sep) > MAX_OUTPUT_CHARS:
                    raise _too_large("the joined text")
            _precheck(name, value, rest, kwargs)
        return _check_size(func(*args, **kwargs), f"the '{name}' filter's result")

    return guarded


class _LimitedCodeGenerator(CodeGenerator):
    """Compiles `a ~ b` to a checked join, so doubling a string in a loop stops in time, and
    every for loop's items through the rendering budget, so nested loops stop in time."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        node.iter = nodes.Call(
            nodes.EnvironmentAttribute("counted_loop"), [node.iter], [], None, None
        )
        super().visit_For(node, frame)

    def visit_Concat(self, node: Concat, frame: Frame) -> None:
        self.write("environment.checked_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


def _limited_range(*args: int) -> range:
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise SecurityError(f"range() of {len(rng):,} items: at most {MAX_RANGE:,} in a letter")
    return rng


class _LimitedFormatter(SandboxedFormatter):
    """str.format's fields, each refused if its final spec asks for a huge width.

    The spec is checked here, after nested fields (``{:>{}}``, ``{0:>{1[0]}}``) are filled
    in and before the value is formatted: whatever the arguments' types or shape.
    """

    def format_field(self, value: Any, format_spec: str) -> Any:
        _check_format(format_spec)
        return super().format_field(value, format_spec)


class _LimitedEscapeFormatter(SandboxedEscapeFormatter):
    """The same, for Markup.format (which escapes what it inserts)."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        _check_format(format_spec)
        return super().format_field(value, format_spec)


class LimitedSandbox(SandboxedEnvironment):
    """A sandboxed environment whose templates cannot make runaway output."""

    code_generator_class = _LimitedCodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        finalize = kwargs.get("finalize")
        if finalize is not None:
            # What is printed is weighed before it is made text: {{ [big] * 100000 }}.
            kwargs["finalize"] = functools.wraps(finalize)(
                lambda value: finalize(_check_size(value, "the printed value"))
            )
        super().__init__(*args, **kwargs)
        self.globals["range"] = _limited_range
        self.globals.pop("lipsum", None)  # placeholder text has no place in a letter

    def add_filters(self, filters: dict[str, Callable[..., Any]]) -> None:
        """Install filters (Jinja's own are guarded too)."""
        self.filters.update(filters)
        for name, func in list(self.filters.items()):
            self.filters[name] = guard_filter(name, func)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """str.format / format_map as Jinja sandboxes them, with each field's spec checked."""
        if super().wrap_str_format(value) is None:  # not a str's format method
            return None
        text = value.__self__
        formatter: SandboxedFormatter = (
            _LimitedEscapeFormatter(self, escape=text.escape)
            if isinstance(text, Markup)
            else _LimitedFormatter(self)
        )
        is_format_map = value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_format_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                kwargs, args = args[0], ()
            return type(text)(formatter.vformat(text, args, kwargs))

        return functools.update_wrapper(wrapper, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Refuse a product, power, sum or format too big to be part of a letter."""
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(times, int) and _size(seq) * max(times, 0) > MAX_OUTPUT_CHARS:
                    raise _too_large("the repeated text")
        elif operator == "**" and isinstance(left, int | float) and isinstance(right, int | float):
            base = abs(int(left)) if abs(left) >= 2 else 0
            if base and right > 0 and base.bit_length() * right > MAX_POWER_BITS:
                raise SecurityError(f"{left} ** {right} is too large a number for a letter")
        elif operator == "+" and isinstance(left, Sized) and isinstance(right, Sized):
            if _size(left) + _size(right) > MAX_OUTPUT_CHARS:
                raise _too_large("the joined text")
        elif operator == "%" and isinstance(left, str):
            _check_format(left)
            if "*" in left:  # '%*s' % (width, text): the width is an argument
                _check_args(right if isinstance(right, tuple) else (right,), {})
        result = super().call_binop(context, operator, left, right)
        _spend(result)
        return _check_size(result)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call a function or method with the size limits checked before and after."""
        # Jinja (3.1.5+) hands templates str.format wrapped in a function of its own; the
        # method and the string it is bound to are behind __wrapped__.
        target = getattr(__obj, "__wrapped__", __obj)
        name = getattr(target, "__name__", "")
        owner = getattr(target, "__self__", None)
        if isinstance(owner, str):
            if name == "join" and args:
                items = list(args[0]) if isinstance(args[0], list | tuple) else None
                if items is not None and _joined_size(items, owner) > MAX_OUTPUT_CHARS:
                    raise _too_large("the joined text")
            _precheck(name, owner, args, kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        _spend(result)
        if isinstance(owner, list | dict | set):  # list.append and the like grow their owner
            _check_size(owner, "the list")
        return _check_size(result)

    @staticmethod
    def counted_loop(iterable: Any) -> Iterator[Any]:
        """A for loop's items, counted against the rendering's budget (see _Budget)."""
        return _counted(iterable)

    def checked_concat(self, parts: Iterable[Any]) -> str:
        """`a ~ b ~ c`, refused if the result would be over the limit."""
        parts = list(parts)
        if sum(_size(p) for p in parts) > MAX_OUTPUT_CHARS:  # weighed before made text
            raise _too_large("the joined text")
        texts = [str(p) for p in parts]
        if sum(len(t) for t in texts) > MAX_OUTPUT_CHARS:
            raise _too_large("the joined text")
        return "".join(texts)


def render_limited(chunks: Iterable[str], what: str = "the letter") -> str:
    """Join a template's streamed output, stopping as soon as it passes the limit or the
    rendering runs out of its budget of steps (`MAX_STEPS`)."""
    out: list[str] = []
    total = 0
    token = _BUDGET.set(_Budget())
    try:
        for chunk in chunks:
            total += len(chunk)
            if total > MAX_OUTPUT_CHARS:
                raise _too_large(what)
            out.append(chunk)
    finally:
        _BUDGET.reset(token)
    return "".join(out)
