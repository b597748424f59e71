"""What a published site remembers between builds, so a rebuild skips unchanged bodies.

The site folder's marker file (``.foi-site``) holds, after its first line, a JSON manifest:
for each body, a fingerprint of every row that feeds its page (its requests, events,
answers, exemptions, letters, replies, attachments and their redacted copies, evidence, the
questions asked; a letter that went out for good by its length, state and times, not its
text: `foi.evidence.site_rows.SENT_FOR_GOOD`) together with what the whole site shares (the
campaign's heading, the date, the count held back, the redactor's terms, the holidays, foi's
version, the templates and the modules that render them); and what the pages listing every body need of it: the
files its page put, their search words, its results row, its requests' facts, its latest
answers, its counts of files published and withheld. A rebuild whose fingerprint for a body
matches keeps that body's files as they are, unrendered and without working out its
clocks. Only what the site already publishes is kept (redacted), with one-way hashes.
Pure: no database, no writing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from foi.evidence.stats import RequestFacts

SCHEMA = 3  # bump when an entry's shape changes: older manifests are then ignored


def stamp(common: dict[str, Any], redactor: Any, modules: Sequence[Path], *more: Any) -> str:
    """What every page shares: change it and every body is rendered again. `modules` are
    the files of the code that renders pages (the templates beside the first are read too)."""
    h = hashlib.sha256()
    terms = getattr(redactor, "terms", None)
    h.update(repr((SCHEMA, sorted(common.items()), terms, more)).encode())
    for module in modules:
        h.update(module.name.encode() + b"\0" + module.read_bytes())
    for template in sorted((modules[0].parent / "site").glob("*.j2")):
        h.update(template.name.encode() + b"\0" + template.read_bytes())
    return h.hexdigest()


def fingerprint(site: str, page: str, body: Any, inputs: Sequence[Any], *parts: Any) -> str:
    """A body's fingerprint: the site's stamp, its page's path, its body row, its requests'
    rows as read (`foi.evidence.findings.RequestInputs`) and the other rows that feed it."""
    h = hashlib.sha256(f"{site}\0{page}\0".encode())
    head = (body.id, body.name, body.kind, body.ods_code, body.police_id)
    evidence = [
        (e.id, e.status, e.on, e.source, e.local_name, e.recorded_at) for e in body.evidence
    ]
    # As tuples: a database row's own repr shortens long values.
    requests = [
        (tuple(i.row), [tuple(e) for e in i.events], [tuple(a) for a in i.answers],
         [tuple(x) for x in i.cited])
        for i in inputs
    ]  # fmt: skip
    h.update(repr((head, evidence, requests, parts)).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


_FACTS = [f.name for f in fields(RequestFacts)]


def facts_values(facts: RequestFacts, redact: Callable[[str], str | None]) -> list[Any]:
    """A request's facts as the cache keeps them (the body's name as the site shows it)."""
    values = [getattr(facts, name) for name in _FACTS]
    values[_FACTS.index("body")] = redact(facts.body)
    return values


def facts_of(values: Sequence[Any]) -> RequestFacts:
    """A request's facts back from the cache."""
    found = dict(zip(_FACTS, values, strict=True))
    found["exemptions"] = tuple(found["exemptions"])
    return RequestFacts(**found)


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple | frozenset | set):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not kept in a site's manifest")


def _decode(found: dict[str, Any]) -> Any:
    if len(found) == 1:
        if "$date" in found:
            return date.fromisoformat(found["$date"])
        if "$datetime" in found:
            return datetime.fromisoformat(found["$datetime"])
    return found


def read(path: Path) -> dict[str, Any]:
    """The bodies' entries a previous build left in the marker (empty when none or unread)."""
    try:
        text = path.read_text(encoding="utf-8")
        found = json.loads(text.partition("\n")[2] or "{}", object_hook=_decode)
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(found, dict) or found.get("schema") != SCHEMA:
        return {}
    bodies = found.get("bodies")
    return bodies if isinstance(bodies, dict) else {}


def marker(first_line: str, bodies: dict[str, Any]) -> str:
    """The marker file's text: its line for people, then the manifest."""
    manifest = json.dumps(
        {"schema": SCHEMA, "bodies": bodies},
        ensure_ascii=False,
        separators=(",", ":"),
        default=_encode,
    )
    return f"{first_line}\n{manifest}\n"
