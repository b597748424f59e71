"""The published evidence site: static HTML that opens from disk, with the data behind it.

`build_site` writes ``index.html`` (summary figures, charts drawn here as inline SVG, a table
of every body that can be filtered with no script and sorted with a small inline one), one
page per body (its requests, timelines, letters, replies, answers, exemptions, SIM evidence,
published attachments) and ``data/results.csv``, ``data/results.json``, ``data/stats.json``.
Nothing is fetched at view time: styles and the script are inline.

Privacy by construction: only a campaign's non-SAR requests are read (foi.evidence.results);
every piece of text goes through the caller's `Redactor`; assignees, volunteers, requesters,
event notes and mail headers other than the date and subject are never passed to a template;
an attachment is copied only when a volunteer marked it publishable.
Takes a session and `today`; never commits, never prints.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from foi.errors import UsageError
from foi.evidence.bundle import (
    attachments,
    letter_date,
    letters_sent,
    replies,
    reply_text,
)
from foi.evidence.redact import Redactor
from foi.evidence.results import (
    ANSWER_COLUMNS,
    RequestView,
    answer_rows,
    as_json,
    campaign_requests,
    campaign_stats,
    flat_header,
    flat_row,
    latest_answers,
    question_numbers,
    results_rows,
)
from foi.exports import write_csv_file
from foi.files import STAGING_PREFIX, atomic_writer, ensure_dir, staged_folder
from foi.law.holidays import HolidaySet
from foi.store.models import Campaign

MARKER = ".foi-site"  # marks a folder foi built, so a rebuild may replace it
SITE_FILE_MODE = 0o644  # a published site is meant to be shared
SITE_DIR_MODE = 0o755
# What a build writes, in the order a rebuild swaps it in: the entry page last.
GENERATED = (MARKER, "data", "files", "bodies", "index.html")

QuestionText = Callable[[str | None, int], str | None]


@dataclass
class SiteReport:
    out_dir: Path
    bodies: int
    requests: int
    files_published: int
    files_withheld: int


def slug(text: str, ident: int) -> str:
    """A file name for a body's page: ASCII words and the body's id (unique, stable)."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")[:60].strip("-")
    return f"{words or 'body'}-{ident}"


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("foi.evidence", "site"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["longdate"] = lambda d: f"{d.day} {d:%B %Y}" if d else ""
    env.filters["humanise"] = lambda s: (s or "").replace("-", " ").replace("_", " ")
    return env


def _check_out_dir(out_dir: Path) -> None:
    """Refuse to write into a folder with other things in it (a rebuild replaces our own)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} is a file: give a folder for the site")
    ours = (MARKER, STAGING_PREFIX)  # foi's marker, and what a killed run left behind
    others = out_dir.is_dir() and any(not p.name.startswith(ours) for p in out_dir.iterdir())
    if others and not (out_dir / MARKER).exists():
        raise UsageError(
            f"{out_dir} is not empty and was not made by 'foi publish': give a new folder"
        )


def _write(path: Path, data: str | bytes) -> None:
    ensure_dir(path.parent, SITE_DIR_MODE)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_writer(path, mode=SITE_FILE_MODE) as fh:
        fh.write(payload)


def _exemption_titles() -> Callable[[str, str], str]:
    from foi.law.exemptions import lookup

    def title(code: str, regime: str) -> str:
        try:
            found = lookup(code, regime)
        except ValueError:  # an old or odd code, or a regime without a catalogue
            found = None
        return found.title if found is not None else ""

    return title


def build_site(
    session: Session,
    campaign: Campaign,
    out_dir: Path,
    *,
    today: date,
    holidays: HolidaySet,
    redactor: Redactor,
    question_text: QuestionText | None = None,
    kind: str | None = None,
) -> SiteReport:
    """Write the campaign's evidence site into `out_dir`."""
    out_dir = Path(out_dir)
    _check_out_dir(out_dir)
    views = campaign_requests(session, campaign, today=today, holidays=holidays, kind=kind)
    rows = [redactor.value(r) for r in results_rows(views)]
    stats = redactor.value(campaign_stats(views))
    # Built aside and swapped in: a failure part-way leaves the previous site as it was, and
    # files of the user's own in the folder (a CNAME, a .git) are left alone.
    with staged_folder(out_dir, GENERATED, mode=SITE_DIR_MODE) as staging:
        report = _build(
            session, campaign, staging, views, rows, stats, today, redactor, question_text
        )
    return replace(report, out_dir=out_dir)


def _build(
    session: Session,
    campaign: Campaign,
    out_dir: Path,
    views: list[RequestView],
    rows: list[dict[str, Any]],
    stats: Any,
    today: date,
    redactor: Redactor,
    question_text: QuestionText | None,
) -> SiteReport:
    """Write the whole site into the empty folder `out_dir`."""
    _write(out_dir / MARKER, "made by 'foi publish': a rebuild replaces these files\n")
    env = _environment()
    titles = _exemption_titles()
    qtext = question_text or (lambda template, number: None)

    by_body: dict[str, list[RequestView]] = {}
    for v in views:
        by_body.setdefault(redactor(v.request.body.name) or "", []).append(v)
    pages: dict[str, str] = {}
    published = withheld = 0
    for row in rows:
        group = by_body[row["body"]]
        body = group[0].request.body
        page = slug(body.name, body.id)
        pages[row["body"]] = f"bodies/{page}.html"
        requests = []
        for v in sorted(group, key=lambda x: (x.request.sent_on or date.min, x.request.id)):
            req_data, p, w = _request_data(session, v, out_dir, redactor, titles, qtext)
            published += p
            withheld += w
            requests.append(req_data)
        evidence = [
            {
                "status": ev.status,
                "on": ev.on,
                "period": redactor(ev.period),
                "source": redactor(ev.source),
                "is_link": bool(re.match(r"https?://", ev.source or "")),
                "quote": redactor(ev.quote),
                "page": ev.page,
                "local_name": redactor(ev.local_name),
            }
            for ev in sorted(body.evidence, key=lambda e: (e.on or date.min, e.id))
        ]
        html = env.get_template("body.html.j2").render(
            campaign=redactor(campaign.name),
            row=row,
            requests=requests,
            evidence=evidence,
            generated_on=today,
        )
        _write(out_dir / "bodies" / f"{page}.html", html)

    qs = question_numbers(rows)
    ensure_dir(out_dir / "data", SITE_DIR_MODE)  # before write_csv_file would make it private
    write_csv_file(
        out_dir / "data" / "results.csv",
        flat_header(rows),
        (flat_row(r, qs) for r in rows),
        mode=SITE_FILE_MODE,
    )
    write_csv_file(
        out_dir / "data" / "answers.csv",
        ANSWER_COLUMNS,
        answer_rows(rows),
        mode=SITE_FILE_MODE,
    )
    _write(
        out_dir / "data" / "results.json",
        json.dumps([as_json(r) for r in rows], indent=2, ensure_ascii=False, default=str) + "\n",
    )
    _write(
        out_dir / "data" / "stats.json",
        json.dumps(stats, indent=2, ensure_ascii=False, default=str) + "\n",
    )
    html = env.get_template("index.html.j2").render(
        campaign=redactor(campaign.name),
        description=redactor(campaign.description),
        rows=rows,
        pages=pages,
        stats=stats,
        charts=_charts(rows, stats, views),
        generated_on=today,
        filters=FILTERS,
        row_filter=row_filter,
    )
    _write(out_dir / "index.html", html)
    return SiteReport(out_dir, len(rows), len(views), published, withheld)


# Filters of the bodies' table: CSS alone shows or hides rows (the radio buttons' :checked
# state and :has()), so they work with scripts off.
FILTERS = (
    ("all", "All"),
    ("in-time", "Answered in time"),
    ("late", "Answered late"),
    ("no-answer", "No answer, overdue"),
    ("refused", "Refused or not held"),
    ("waiting", "Not yet due"),
)


def row_filter(row: dict[str, Any]) -> list[str]:
    """The filter groups a results row belongs to."""
    found = []
    if row["responded_on"] is not None:
        found.append("in-time" if row["answered_in_time"] else "late")
    elif row["answered_in_time"] is False:
        found.append("no-answer")
    else:
        found.append("waiting")
    if row["outcome"] in ("refused", "not-held"):
        found.append("refused")
    return found


def _bars(items: Sequence[tuple[str, int]], colour: str) -> dict[str, Any]:
    top = max((v for _, v in items), default=0) or 1
    width = 250
    return {
        "bars": [
            {"label": label, "value": value, "width": round(width * value / top, 1), "y": i * 34}
            for i, (label, value) in enumerate(items)
        ],
        "height": max(34, len(items) * 34),
        "colour": colour,
    }


def _charts(
    rows: Sequence[dict[str, Any]], stats: dict[str, Any], views: Sequence[RequestView]
) -> list[dict[str, Any]]:
    outcomes = [(k.replace("-", " "), v) for k, v in stats["by_outcome"].items()]
    bins = [("0 to 10", 0), ("11 to 20", 0), ("21 to 30", 0), ("31 to 40", 0), ("over 40", 0)]
    counts = [0] * len(bins)
    for v in views:
        wd = v.facts.working_days
        if wd is None:
            continue
        counts[min(4, max(0, (wd - 1) // 10)) if wd > 0 else 0] += 1
    days = [(label, counts[i]) for i, (label, _) in enumerate(bins)]
    timely = [
        ("answered in time", sum(1 for v in views if v.facts.in_time and v.facts.responded)),
        ("answered late", sum(1 for v in views if v.facts.in_time is False and v.facts.responded)),
        (
            "no answer, overdue",
            sum(1 for v in views if v.facts.in_time is False and not v.facts.responded),
        ),
        ("not yet due", sum(1 for v in views if v.facts.in_time is None)),
    ]
    charts = [
        {
            "id": "chart-timeliness",
            "title": "Requests answered in time",
            "desc": "; ".join(f"{label}: {n}" for label, n in timely),
            **_bars(timely, "#1d5e8c"),
        },
        {
            "id": "chart-outcomes",
            "title": "Outcome of each request",
            "desc": "; ".join(f"{label}: {n}" for label, n in outcomes) or "no requests",
            **_bars(outcomes, "#6a3d9a"),
        },
        {
            "id": "chart-days",
            "title": "Working days to the first response",
            "desc": "; ".join(f"{label} working days: {n}" for label, n in days),
            **_bars(days, "#2f6b2f"),
        },
    ]
    return charts


def _request_data(
    session: Session,
    v: RequestView,
    out_dir: Path,
    redactor: Redactor,
    titles: Callable[[str, str], str],
    qtext: QuestionText,
) -> tuple[dict[str, Any], int, int]:
    req = v.request
    per_q: dict[int, list[str]] = {}
    whole: list[str] = []
    for x in v.exemptions:
        if x.question is None:
            whole.append(x.section)
        else:
            per_q.setdefault(x.question, []).append(x.section)
    answers = [
        {
            "question": q,
            "question_text": redactor(qtext(req.template, q)),
            "status": a.status or ("answered" if a.text else "no answer recorded"),
            "text": redactor(a.text),
            "exemptions": sorted(set(per_q.get(q, []))),
        }
        for q, a in latest_answers(v).items()
    ]
    files = []
    # Only redacted copies are published, never an original (foi.redaction.public).
    from foi.redaction.public import public_copies, write_public_copy

    atts = attachments(session, req)
    copies, _ = public_copies(session, atts)
    withheld = len(atts) - len(copies)
    for copy in copies:
        files.append(write_public_copy(out_dir, copy, redactor, _write))
    data = {
        "reference": req.reference,
        "title": redactor(req.title),
        "regime": req.regime,
        "status": req.status,
        "outcome": req.resolution,
        "sent_on": req.sent_on,
        "received": v.received,
        "due": v.due,
        "responded_on": v.responded_on,
        "working_days": v.facts.working_days,
        "late_by": v.facts.late_by,
        "in_time": v.facts.in_time,
        "wdtk_url": req.wdtk_url,
        "authority_ref": redactor(req.authority_ref),
        # Dates, kinds and outcomes only: notes and who recorded an event stay private.
        "events": [
            {"on": e.on, "kind": e.kind, "outcome": e.outcome}
            for e in sorted(req.events, key=lambda e: (e.on, e.id))
            if e.kind not in ("drafted", "note")
        ],
        "letters": [
            {
                "on": letter_date(req, lt),
                "purpose": lt.purpose,
                "subject": redactor(lt.subject),
                "text": redactor(lt.text),
            }
            for lt in letters_sent(req)
        ],
        "replies": [
            {
                "on": (m.sent_at or m.imported_at).date(),
                "kind": m.kind,
                "subject": redactor(m.subject),
                "text": redactor(reply_text(m)),
            }
            for m in replies(session, req)
        ],
        "answers": answers,
        "exemptions": [
            {"code": code, "title": titles(code, req.regime)}
            for code in sorted({x.section for x in v.exemptions})
        ],
        "files": files,
        "files_withheld": withheld,
    }
    return data, len(files), withheld


def privacy_redactor(
    session: Session,
    *,
    names: Sequence[str | None] = (),
    emails: Sequence[str | None] = (),
    addresses: Sequence[str | None] = (),
) -> Redactor:
    """A redactor for every requester and volunteer in the database, plus those given."""
    from sqlalchemy import select

    from foi.evidence.redact import build_redactor
    from foi.store.models import Requester, Volunteer

    people = session.scalars(select(Requester)).all()
    volunteers = session.scalars(select(Volunteer)).all()
    return build_redactor(
        names=[*names, *(p.name for p in people), *(v.name for v in volunteers)],
        emails=[*emails, *(p.email for p in people), *(v.email for v in volunteers)],
        addresses=[*addresses, *(p.address for p in people)],
    )


def set_publishable(session: Session, req: Any, ids: Sequence[int], publishable: bool) -> list[Any]:
    """Mark some of a request's attachments publishable (or not); returns them."""
    from foi.errors import NotFoundError

    if req.regime == "sar" and publishable:
        raise UsageError(f"{req.reference} is a subject access request: it is never published")
    found = {a.id: a for a in attachments(session, req)}
    missing = [i for i in ids if i not in found]
    if missing:
        known = ", ".join(str(i) for i in found) or "none"
        raise NotFoundError(
            f"{req.reference} has no attachment {missing[0]} (its attachments: {known})"
        )
    for i in ids:
        found[i].publishable = publishable
    session.flush()
    return [found[i] for i in ids]
