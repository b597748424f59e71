"""The published evidence site: static HTML that opens from disk, with the data behind it.

`build_site` writes ``index.html`` (the campaign's title and summary, then who ran SIM: the
status of every body written to, counted and charted, with the local names found and a
table filtered by status, kind and region with no script; then timeliness and outcomes),
one page per body (its requests, timelines, letters, replies, answers, exemptions, SIM
evidence, published attachments), one page per question of each letter (every body's
answer), ``search.html`` (a static index searched by a small inline script) and
``data/results.csv``, ``data/answers.csv``, ``data/results.json``, ``data/stats.json``.
Nothing is fetched at view time: styles, scripts and the search index are inline.

Privacy by construction: only a campaign's non-SAR requests that are not held back are read
(foi.evidence.results); every piece of text goes through the caller's `Redactor`;
assignees, volunteers, requesters, event notes and mail headers other than the date and
subject are never passed to a template; only replies are published as replies (never a
bounce, an automatic reply or our own mail); an attachment is copied only when a volunteer
marked it publishable. A rebuild writes only the files whose bytes changed
(foi.files.staged_folder). Takes a session and `today`; never commits, never prints.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from foi.errors import UsageError
from foi.evidence.bundle import letter_date, letters_sent, reply_text
from foi.evidence.campaign_text import letter_questions, public_heading, render_summary
from foi.evidence.embargo import count_held
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
from foi.evidence.site_figures import (
    FILTERS,
    NO_EVIDENCE,
    SIM_LABELS,
    charts,
    facets,
    finding,
    row_filter,
    sim_chart,
    slug,
)
from foi.evidence.site_search import page_words, search_json
from foi.exports import write_csv_rows
from foi.files import STAGING_PREFIX, FolderUpdate, staged_folder
from foi.law.holidays import HolidaySet
from foi.store.models import Attachment, Campaign, InboxMessage

MARKER = ".foi-site"  # marks a folder foi built, so a rebuild may replace it
SITE_FILE_MODE = 0o644  # a published site is meant to be shared
SITE_DIR_MODE = 0o755
# What a build writes, in the order a rebuild swaps it in: the entry page last.
GENERATED = (MARKER, "data", "files", "questions", "bodies", "search.html", "index.html")

QuestionText = Callable[[str | None, int], str | None]
LetterQuestions = Callable[[str], list[tuple[int, str]]]

# Events a reply can carry that make it a reply worth publishing (a volunteer's
# classification wins over the parser's): never a bounce, an acknowledgement or a note.
REPLY_EVENTS = frozenset(
    {
        "response-received",
        "response",
        "clarification-requested",
        "fee-notice",
        "extension",
        "internal-review-response",
        "ico-decision",
    }
)
# Timeline entries: what happened, not notes, drafts or corrections.
HIDDEN_EVENTS = frozenset({"drafted", "note", "retracted"})


@dataclass
class SiteReport:
    out_dir: Path
    bodies: int
    requests: int
    files_published: int
    files_withheld: int
    held: int = 0
    written: int = 0
    unchanged: int = 0
    removed: int = 0


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
    env.globals["slugify"] = slug
    env.filters["simlabel"] = lambda s: SIM_LABELS.get(s or NO_EVIDENCE, s)
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


def _exemption_titles() -> Callable[[str, str], str]:
    from foi.law.exemptions import lookup

    def title(code: str, regime: str) -> str:
        try:
            found = lookup(code, regime)
        except ValueError:  # an old or odd code, or a regime without a catalogue
            found = None
        return found.title if found is not None else ""

    return title


class SiteFiles:
    """The files of one build: pages are also indexed for the site's search."""

    def __init__(self, update: FolderUpdate) -> None:
        self.update = update
        self.search: list[tuple[str, str, str, frozenset[str]]] = []  # href, title, kind, words

    def file(self, rel: str, data: bytes | str) -> None:
        """Put a file (only written when its bytes changed)."""
        self.update.put(rel, data)

    def page(self, rel: str, page: str, *, title: str, kind: str) -> None:
        """Put an HTML page and index its main content for search."""
        self.update.put(rel, page)
        self.search.append((rel, title, kind, page_words(page)))


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
    letter_questions_of: LetterQuestions | None = None,
) -> SiteReport:
    """Write the campaign's evidence site into `out_dir` (only the files that changed)."""
    out_dir = Path(out_dir)
    _check_out_dir(out_dir)
    views = campaign_requests(session, campaign, today=today, holidays=holidays, kind=kind)
    held = count_held(session, campaign.id, today, kind=kind)
    memo = _Memo(redactor)
    rows = [memo.value(r) for r in results_rows(views)]
    stats = memo.value(campaign_stats(views))
    # Built aside and swapped in: a failure part-way leaves the previous site as it was, and
    # files of the user's own in the folder (a CNAME, a .git) are left alone.
    with staged_folder(out_dir, GENERATED, mode=SITE_DIR_MODE, file_mode=SITE_FILE_MODE) as update:
        site = SiteFiles(update)
        report = _build(
            session,
            campaign,
            site,
            views,
            rows,
            stats,
            today,
            memo,
            _questions(campaign, question_text, letter_questions_of),
            held,
        )
    return SiteReport(
        out_dir,
        report.bodies,
        report.requests,
        report.files_published,
        report.files_withheld,
        held=held,
        written=len(update.changed),
        unchanged=update.unchanged,
        removed=len(update.removed),
    )


def _questions(
    campaign: Campaign, question_text: QuestionText | None, of: LetterQuestions | None
) -> Callable[[str | None], dict[int, str]]:
    """A letter's questions by number: kept on the campaign, else from its template."""
    cache: dict[str | None, dict[int, str]] = {}

    def fallback(template: str) -> list[tuple[int, str]]:
        if of is not None:
            return of(template)
        return []

    def lookup(template: str | None) -> dict[int, str]:
        if template not in cache:
            cache[template] = letter_questions(campaign, template, fallback)
        return cache[template]

    lookup.text = question_text  # type: ignore[attr-defined]
    return lookup


@dataclass
class _Loaded:
    """One body's letters, replies and attachments, read in one query each (not per
    request), so a large campaign is never all in memory at once."""

    letters: dict[int, list[Any]] = field(default_factory=dict)
    replies: dict[int, list[InboxMessage]] = field(default_factory=dict)
    attachments: dict[int, list[Attachment]] = field(default_factory=dict)


def _load(session: Session, ids: Sequence[int]) -> _Loaded:
    from foi.store import tables

    lt = tables.letters
    loaded = _Loaded()
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        # Only what a page shows of a letter: never its address or delivery details.
        for row in session.execute(
            select(
                lt.c.request_id,
                lt.c.purpose,
                lt.c.subject,
                lt.c.text,
                lt.c.state,
                lt.c.sent_at,
                lt.c.attempted_at,
                lt.c.created_at,
            )
            .where(lt.c.request_id.in_(chunk))
            .order_by(lt.c.id)
        ):
            loaded.letters.setdefault(row.request_id, []).append(row)
        for m in session.scalars(
            select(InboxMessage)
            .where(
                InboxMessage.request_id.in_(chunk),
                InboxMessage.state == "matched",
                InboxMessage.kind != "own",
            )
            .order_by(InboxMessage.id)
        ):
            loaded.replies.setdefault(m.request_id or 0, []).append(m)
        for a in session.scalars(
            select(Attachment).where(Attachment.request_id.in_(chunk)).order_by(Attachment.id)
        ):
            loaded.attachments.setdefault(a.request_id or 0, []).append(a)
    return loaded


class _Memo:
    """The caller's redactor, remembering each text's result: a campaign's letters repeat."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor
        self.seen: dict[str, str | None] = {}
        self.escaped: dict[str, Any] = {}

    def __call__(self, text: str | None) -> str | None:
        if text is None:
            return None
        found = self.seen.get(text)
        if found is None:
            found = self.seen[text] = self.redactor(text)
        return found

    def html(self, text: str | None) -> Any:
        """The redacted text escaped once for HTML (a letter sent to many bodies is one)."""
        from markupsafe import escape

        found = self.escaped.get(text or "")
        if found is None:
            found = self.escaped[text or ""] = escape(self(text) or "")
        return found

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self(value)
        if isinstance(value, list | tuple):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.value(v) for k, v in value.items()}
        return value


def published_replies(view: RequestView, messages: Iterable[InboxMessage]) -> list[InboxMessage]:
    """The messages published as replies: never a bounce, an automatic reply or our own mail.

    What a message is comes from the event it recorded on the request (a volunteer's
    re-classification retracts the old one), and without one from the parser's kind.
    """
    from foi.casework.requests import active_events

    by_message = {e.inbox_id: e.kind for e in active_events(view.request) if e.inbox_id}
    found = []
    for m in messages:
        kind = by_message.get(m.id)
        if (kind in REPLY_EVENTS) if kind is not None else m.kind == "reply":
            found.append(m)
    return sorted(found, key=lambda m: (m.sent_at or m.imported_at, m.id))


def split_sources(source: str | None) -> list[str]:
    """A source cell as its parts: "https://a/ ; https://b/" is two sources."""
    if not source:
        return []
    parts = re.split(r"\s*[;\n]\s*|\s+(?=https?://)", source.strip())
    return [p.strip() for p in parts if p.strip()]


def source_links(
    source: str | None, references: Sequence[str], prefix: str
) -> list[dict[str, Any]]:
    """Each part of a source: a web link, a link to a request on the site, or plain text."""
    found = []
    for part in split_sources(source):
        if re.fullmatch(r"https?://\S+", part):
            found.append({"text": part, "href": part, "external": True})
        elif part in references:
            found.append({"text": part, "href": f"{prefix}#req-{part}", "external": False})
        else:
            found.append({"text": part, "href": None, "external": False})
    return found


def _region(body: Any) -> str | None:
    # The nation (england|scotland|wales|northern-ireland) once bodies have one, else region.
    return getattr(body, "nation", None) or body.region


def _build(
    session: Session,
    campaign: Campaign,
    site: SiteFiles,
    views: list[RequestView],
    rows: list[dict[str, Any]],
    stats: Any,
    today: date,
    redactor: _Memo,
    questions: Callable[[str | None], dict[int, str]],
    held: int,
) -> SiteReport:
    """Put every file of the site."""
    site.file(MARKER, "made by 'foi publish': a rebuild replaces these files\n")
    env = _environment()
    titles = _exemption_titles()
    heading = redactor.value(public_heading(campaign))
    common = {
        "campaign": heading["title"],
        "campaign_name": campaign.name,
        "generated_on": today,
        "held": held,
    }

    by_body: dict[str, list[RequestView]] = {}
    for v in views:
        by_body.setdefault(redactor(v.request.body.name) or "", []).append(v)
    pages: dict[str, str] = {}
    for row in rows:
        body = by_body[row["body"]][0].request.body
        pages[row["body"]] = f"bodies/{slug(body.name, body.id)}.html"
        row["region"] = redactor(_region(body))
        row["sim_key"] = row["sim_status"] or NO_EVIDENCE

    letters = _letters(views, rows, redactor, questions, by_body)
    published = withheld = 0
    for row in rows:
        group = by_body[row["body"]]
        body = group[0].request.body
        page = pages[row["body"]]
        requests = []
        loaded = _load(session, [v.request.id for v in group])
        for v in sorted(group, key=lambda x: (x.request.sent_on or date.min, x.request.id)):
            req_data, p, w = _request_data(session, site, v, loaded, redactor, titles, questions)
            published += p
            withheld += w
            requests.append(req_data)
        evidence = [
            {
                "status": ev.status,
                "on": ev.on,
                "period": redactor(ev.period),
                "sources": source_links(redactor(ev.source), row["references"], ""),
                "quote": redactor(ev.quote),
                "page": ev.page,
                "local_name": redactor(ev.local_name),
            }
            for ev in sorted(body.evidence, key=lambda e: (e.on or date.min, e.id))
        ]
        newest = source_links(row["sim_evidence_source"], row["references"], "")
        html = env.get_template("body.html.j2").render(
            **common,
            root="../",
            row=row,
            newest_sources=newest,
            requests=requests,
            evidence=evidence,
        )
        site.page(page, html, title=row["body"], kind="body")

    for letter in letters:
        for q in letter["questions"]:
            html = env.get_template("question.html.j2").render(
                **common, root="../", letter=letter, q=q, pages=pages
            )
            site.page(
                q["page"],
                html,
                title=f"{letter['name']}, question {q['number']}: {q['short']}",
                kind="question",
            )

    qs = question_numbers(rows)
    public = {**heading, "held_back": held}
    site.file("data/results.csv", csv_bytes(flat_header(rows), (flat_row(r, qs) for r in rows)))
    site.file("data/answers.csv", csv_bytes(ANSWER_COLUMNS, answer_rows(rows)))
    site.file(
        "data/results.json",
        json.dumps([as_json(_exported(r)) for r in rows], indent=2, ensure_ascii=False, default=str)
        + "\n",
    )
    site.file(
        "data/stats.json",
        json.dumps({**public, **stats}, indent=2, ensure_ascii=False, default=str) + "\n",
    )
    found = finding(rows, pages)
    html = env.get_template("index.html.j2").render(
        **common,
        root="",
        summary_html=render_summary(heading["summary"]),
        description=redactor(campaign.description) if not heading["summary"] else None,
        rows=rows,
        pages=pages,
        stats=stats,
        finding=found,
        letters=letters,
        charts=[sim_chart(found), *charts(rows, stats, [v.facts for v in views])],
        filters=FILTERS,
        row_filter=row_filter,
        facets=facets(rows),
    )
    site.page("index.html", html, title=heading["title"], kind="findings")
    # The search page last: it indexes every page above.
    site.file(
        "search.html",
        env.get_template("search.html.j2").render(
            **common, root="", index_json=search_json(site.search)
        ),
    )
    return SiteReport(Path("."), len(rows), len(views), published, withheld)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV file's text as `foi report results --csv` writes it (BOM, formula-safe)."""
    import io

    buf = io.StringIO(newline="")
    buf.write("\ufeff")
    write_csv_rows(buf, header, rows)
    return buf.getvalue()


def _exported(row: dict[str, Any]) -> dict[str, Any]:
    """A row as data/results.json carries it (the site's own keys left out)."""
    return {k: v for k, v in row.items() if k not in ("sim_key", "region")}


def _letters(
    views: Sequence[RequestView],
    rows: Sequence[dict[str, Any]],
    redactor: Redactor,
    questions: Callable[[str | None], dict[int, str]],
    by_body: dict[str, list[RequestView]],
) -> list[dict[str, Any]]:
    """Each letter (template) sent, with a page per question: every body's latest answer."""
    names = sorted({v.request.template or "" for v in views})
    out = []
    for name in names:
        asked = questions(name or None)
        answered: dict[int, list[dict[str, Any]]] = {}
        numbers = set(asked)
        for row in rows:
            group = [v for v in by_body[row["body"]] if (v.request.template or "") == name]
            if not group:
                continue
            latest = max(group, key=lambda v: (v.request.sent_on or date.min, v.request.id))
            per_q: dict[int, list[str]] = {}
            whole = sorted({x.section for x in latest.exemptions if x.question is None})
            for x in latest.exemptions:
                if x.question is not None:
                    per_q.setdefault(x.question, []).append(x.section)
            got = latest_answers(latest)
            numbers |= set(got)
            for n in numbers | set(got):
                answered.setdefault(n, [])
            for n in sorted(numbers):
                a = got.get(n)
                answered.setdefault(n, []).append(
                    {
                        "body": row["body"],
                        "reference": latest.request.reference,
                        "sim_key": row["sim_key"],
                        "status": (a.status or ("answered" if a.text else None)) if a else None,
                        "text": redactor(a.text) if a else None,
                        "exemptions": sorted(set(per_q.get(n, [])) | set(whole)),
                    }
                )
        label = name or "letters without a template"
        qlist = []
        for n in sorted(numbers):
            text = redactor(asked.get(n)) or ""
            short = text if len(text) <= 90 else text[:87].rsplit(" ", 1)[0] + "…"
            qlist.append(
                {
                    "number": n,
                    "text": text,
                    "short": short or f"question {n}",
                    "page": f"questions/{slug(name or 'letter')}-q{n}.html",
                    "answers": sorted(
                        answered.get(n, []), key=lambda r: (r["body"].casefold(), r["body"])
                    ),
                }
            )
        out.append({"name": label, "template": name, "questions": qlist})
    return out


def _publish_attachments(
    session: Session,
    site: SiteFiles,
    atts: Sequence[Attachment],
    redactor: Redactor,
) -> tuple[list[dict[str, Any]], int]:
    """Put a request's publishable attachments into the site as redacted copies only, never
    an original (foi.redaction.public), each with a text page the site's search indexes;
    returns them and how many were withheld (not marked publishable, or not yet redacted)."""
    from foi.redaction.public import public_copies, text_page

    copies, _unredacted = public_copies(session, atts)
    files = []
    for copy in copies:
        folder = f"files/{copy.sha256[:16]}"
        site.file(f"{folder}/{copy.filename}", copy.data)
        site.page(
            f"{folder}/{copy.filename}.html",
            text_page(copy, redactor),
            title=copy.filename,
            kind="document",
        )
        files.append(
            {
                "name": copy.filename,
                "href": f"../{folder}/{quote(copy.filename)}",
                "text_href": f"../{folder}/{quote(copy.filename)}.html",
                "size": len(copy.data),
            }
        )
    return files, len(atts) - len(copies)


def _request_data(
    session: Session,
    site: SiteFiles,
    v: RequestView,
    loaded: _Loaded,
    redactor: _Memo,
    titles: Callable[[str, str], str],
    questions: Callable[[str | None], dict[int, str]],
) -> tuple[dict[str, Any], int, int]:
    from foi.casework.requests import active_events

    req = v.request
    asked = questions(req.template)
    per_q: dict[int, list[str]] = {}
    for x in v.exemptions:
        if x.question is not None:
            per_q.setdefault(x.question, []).append(x.section)
    answers = [
        {
            "question": q,
            "question_text": redactor(asked.get(q)),
            "status": a.status or ("answered" if a.text else "no answer recorded"),
            "text": redactor(a.text),
            "exemptions": sorted(set(per_q.get(q, []))),
        }
        for q, a in latest_answers(v).items()
    ]
    files, withheld = _publish_attachments(
        session, site, loaded.attachments.get(req.id, []), redactor
    )
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
        # Dates, kinds and outcomes only: notes and who recorded an event stay private; an
        # acknowledgement or a bounce is an entry here, never a published reply.
        "events": [
            {"on": e.on, "kind": e.kind, "outcome": e.outcome}
            for e in sorted(active_events(req), key=lambda e: (e.on, e.id))
            if e.kind not in HIDDEN_EVENTS
        ],
        "letters": [
            {
                "on": letter_date(req, lt),
                "purpose": lt.purpose,
                "subject": redactor(lt.subject),
                "text": redactor.html(lt.text),
            }
            for lt in letters_sent(req, loaded.letters.get(req.id, []))
        ],
        "replies": [
            {
                "on": (m.sent_at or m.imported_at).date(),
                "subject": redactor(m.subject),
                "text": redactor(reply_text(m)),
            }
            for m in published_replies(v, loaded.replies.get(req.id, []))
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
    from foi.evidence.bundle import attachments

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
