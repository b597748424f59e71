"""The campaign vocabulary: the shipped SIM terms (``data/vocabulary.csv``) and a campaign's own.

See ``data/README.md`` for the columns and sources. A campaign's file (``./vocabulary.csv``
in the working folder, or any file given) adds terms; a term given twice counts once.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from foi.errors import UsageError

KINDS = ("name", "local-name", "practice")


@dataclass(frozen=True)
class Term:
    term: str
    kind: str
    source: str


def _parse(text: str, where: str) -> list[Term]:
    reader = csv.DictReader(text.splitlines())
    missing = {"term", "kind", "source"} - set(reader.fieldnames or [])
    if missing:
        raise UsageError(
            f"{where}: a vocabulary needs the columns term,kind,source (missing "
            f"{', '.join(sorted(missing))})"
        )
    terms = []
    for line, row in enumerate(reader, 2):
        term = " ".join((row.get("term") or "").split())
        kind = (row.get("kind") or "").strip()
        if not term:
            continue
        if kind not in KINDS:
            raise UsageError(f"{where} line {line}: kind {kind!r} is not one of {', '.join(KINDS)}")
        terms.append(Term(term, kind, (row.get("source") or "").strip() or where))
    return terms


def shipped() -> list[Term]:
    """The SIM list that ships with foi."""
    text = resources.files("foi.reading").joinpath("data/vocabulary.csv").read_text("utf-8")
    return _parse(text, "foi/reading/data/vocabulary.csv")


def load(extra: list[Path]) -> list[Term]:
    """The shipped terms and those of each extra file, without repeats (two terms with the
    same stemmed words, such as "user" and "users", are one)."""
    from foi.reading.words import stems

    terms = shipped()
    for path in extra:
        terms += _parse(path.read_text(encoding="utf-8"), str(path))
    seen: set[str] = set()
    out = []
    for t in terms:
        key = stems(t.term)
        if key not in seen:
            seen.add(key)
            out.append(t)
    return out
