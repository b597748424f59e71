"""What a published site remembers between builds, so a rebuild skips unchanged bodies.

The site folder's marker file (``.foi-site``) holds, after its first line, a JSON manifest:
for each body, a fingerprint of every row that feeds its page (its findings, letters,
replies, attachments and their redacted copies, evidence, the questions asked) together
with what the whole site shares (the campaign's heading, the date, the count held back,
the redactor's terms, the templates and the code that render them), the files its page put,
their search entries and its counts of files published and withheld. A rebuild whose
fingerprint for a body matches keeps that body's files as they are, unrendered; the pages
listing every body are made from the cached entries. Only public things are kept: page
paths, words of published pages, counts, and one-way hashes. Pure: no database, no writing.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

SCHEMA = 1  # bump when an entry's shape changes: older manifests are then ignored


def stamp(common: dict[str, Any], redactor: Any, module: Path) -> str:
    """What every page shares: change it and every body is rendered again."""
    h = hashlib.sha256()
    h.update(repr((SCHEMA, sorted(common.items()), getattr(redactor, "terms", None))).encode())
    h.update(module.read_bytes())
    for template in sorted((module.parent / "site").glob("*.j2")):
        h.update(template.name.encode() + b"\0" + template.read_bytes())
    return h.hexdigest()


def fingerprint(site: str, page: str, group: Any, *parts: Any) -> str:
    """A body's fingerprint: the site's stamp, its page's path, its findings (a
    `foi.evidence.findings.BodyFindings`) and the other rows that feed it, as plain tuples."""
    h = hashlib.sha256(f"{site}\0{page}\0".encode())
    b = group.body
    body = (b.id, b.name, b.kind, b.ods_code, b.police_id)
    evidence = [(e.id, e.status, e.on, e.source, e.local_name, e.recorded_at) for e in b.evidence]
    requests = [
        (
            v.id, v.reference, v.status, v.resolution, v.sent_on, v.wdtk_url, v.template,
            v.regime, v.received, v.due, v.responded_on, v.facts.working_days, v.facts.in_time,
            v.facts.late_by, v.cited,
            [(e.id, e.kind, e.on, e.outcome, e.promised_on, e.data, e.inbox_id) for e in v.events],
            [(a.question, a.status, a.text) for a in v.answers],
        )
        for v in group.requests
    ]  # fmt: skip
    h.update(repr((body, evidence, requests, parts)).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def read(path: Path) -> dict[str, Any]:
    """The bodies' entries a previous build left in the marker (empty when none or unread)."""
    try:
        text = path.read_text(encoding="utf-8")
        found = json.loads(text.partition("\n")[2] or "{}")
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(found, dict) or found.get("schema") != SCHEMA:
        return {}
    bodies = found.get("bodies")
    return bodies if isinstance(bodies, dict) else {}


def marker(first_line: str, bodies: dict[str, Any]) -> str:
    """The marker file's text: its line for people, then the manifest."""
    manifest = json.dumps({"schema": SCHEMA, "bodies": bodies}, ensure_ascii=False, sort_keys=True)
    return f"{first_line}\n{manifest}\n"
