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
(foi.evidence.findings); every piece of text goes through the caller's `Redactor`;
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
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from foi.errors import UsageError
from foi.evidence import site_cache, site_request
from foi.evidence.campaign_text import letter_questions, public_heading, render_summary
from foi.evidence.embargo import count_held
from foi.evidence.findings import (
    BodyFindings,
    BodyRow,
    EventRow,
    RequestFindings,
    RequestInputs,
    active_event_rows,
    body_findings,
    latest_answers,
    results_row,
)
from foi.evidence.redact import Redactor
from foi.evidence.sent import letter_date, letters_sent, reply_text
from foi.evidence.sheets import (
    ANSWER_COLUMNS,
    answer_rows,
    as_json,
    flat_header,
    flat_row,
    question_numbers,
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
from foi.evidence.site_request import humanise, longdate, requests_html
from foi.evidence.site_rows import BodyRows, body_rows
from foi.evidence.site_search import page_words, search_json
from foi.evidence.stats import summarise
from foi.exports import write_csv_rows
from foi.files import STAGING_PREFIX, FolderUpdate, staged_folder
from foi.law.holidays import HolidaySet

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from foi.store.engine import Db

MARKER = ".foi-site"  # marks a folder foi built, so a rebuild may replace it
MARKER_TEXT = "made by 'foi publish': a rebuild replaces these files"
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

    class SiteEnvironment(Environment):
        """`x.key` on a dict reads the key first: the pages' data are dicts, and Jinja2's
        own order (an attribute, then the key) raises and catches an error for each."""

        def getattr(self, obj: Any, attribute: str) -> Any:
            if type(obj) is dict:
                try:
                    return obj[attribute]
                except KeyError:
                    pass
            return super().getattr(obj, attribute)

    env = SiteEnvironment(
        loader=PackageLoader("foi.evidence", "site"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["longdate"] = longdate
    env.filters["humanise"] = humanise
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
    session: Db,
    campaign: Any,
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
    held = count_held(session, campaign.id, today, kind=kind)
    memo = _Memo(redactor)
    cache = site_cache.read(out_dir / MARKER)
    # Built aside and swapped in: a failure part-way leaves the previous site as it was, and
    # files of the user's own in the folder (a CNAME, a .git) are left alone.
    with staged_folder(out_dir, GENERATED, mode=SITE_DIR_MODE, file_mode=SITE_FILE_MODE) as update:
        site = SiteFiles(update)
        report = _build(
            session,
            campaign,
            site,
            today,
            holidays,
            kind,
            memo,
            _questions(campaign, question_text, letter_questions_of),
            held,
            cache,
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
    campaign: Any, question_text: QuestionText | None, of: LetterQuestions | None
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


def published_replies(events: Sequence[EventRow], messages: Iterable[Any]) -> list[Any]:
    """The messages published as replies: never a bounce, an automatic reply or our own mail.

    What a message is comes from the event it recorded on the request (a volunteer's
    re-classification retracts the old one), and without one from the parser's kind.
    """
    by_message = {e.inbox_id: e.kind for e in active_event_rows(events) if e.inbox_id}
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


@dataclass
class _BodyDone:
    """What the pages listing every body need of one body (its own page is written)."""

    body_id: int
    name: str
    row: dict[str, Any]
    page: str
    entry: dict[str, Any]  # its cache entry: fingerprint, files, search entries, counts
    latest: dict[str, Any]  # by template: the latest request's answers and exemptions


def _build(
    session: Db,
    campaign: Any,
    site: SiteFiles,
    today: date,
    holidays: HolidaySet,
    kind: str | None,
    redactor: _Memo,
    questions: Callable[[str | None], dict[int, str]],
    held: int,
    cache: dict[str, Any],
) -> SiteReport:
    """Put every file of the site: each body's page as its findings stream by (kept as it
    is when its inputs did not change), then the pages that list every body."""
    env = _environment()
    titles = _exemption_titles()
    heading = redactor.value(public_heading(campaign))
    common = {
        "campaign": heading["title"],
        "campaign_name": campaign.name,
        "generated_on": today,
        "held": held,
    }
    from foi import __version__

    # The version too: the law's catalogues and the clock rules live in other modules.
    stamp = site_cache.stamp(
        common,
        redactor.redactor,
        [Path(__file__), Path(site_request.__file__)],
        holidays.fingerprint(),
        __version__,
    )
    done: list[_BodyDone] = []
    facts: list[Any] = []
    templates: set[str] = set()
    read: dict[int, tuple[str, BodyRows, str]] = {}  # body id: fingerprint, rows, page
    kept: dict[int, dict[str, Any] | None] = {}  # body id: its entry from the last build

    # In the same order. A rebuild reads the letters' texts only for the bodies it renders.
    extras = body_rows(session, campaign.id, today=today, kind=kind, texts=not cache)

    def unchanged(body: BodyRow, inputs: list[RequestInputs]) -> bool:
        """Take the rest of the body's rows; True (its files kept) when none changed."""
        body_id, extra = next(extras)
        assert body_id == body.id, "the two streams walk the bodies in one order"
        page = f"bodies/{slug(body.name, body.id)}.html"
        asked = {t: questions(t) for t in sorted({i.row.template or "" for i in inputs})}
        made = site_cache.fingerprint(stamp, page, body, inputs, extra.fingerprint_parts(), asked)
        read[body.id] = (made, extra, page)
        entry = cache.pop(str(body.id), None)  # dropped once read: memory stays flat
        kept[body.id] = entry
        return (
            entry is not None
            and entry.get("fingerprint") == made
            and site.update.keep(entry["files"])
        )

    for group in body_findings(
        session, campaign.id, today=today, holidays=holidays, kind=kind, reuse=unchanged
    ):
        body = group.body
        fingerprint, extra, page = read.pop(body.id)
        entry = kept.pop(body.id)
        if group.reused:
            assert entry is not None
        else:
            extra.read_texts(session)  # a rebuild left the letters' texts out of the rows
            row = redactor.value(results_row(group)[0])
            row["region"] = redactor(extra.region)
            row["sim_key"] = row["sim_status"] or NO_EVIDENCE
            entry = _body_page(
                session, site, env, common, group, extra, row, page, redactor, titles, questions
            )
            entry.update(
                fingerprint=fingerprint,
                row=row,
                facts=[site_cache.facts_values(v.facts, redactor) for v in group.requests],
                latest=_latest(group, redactor),
            )
        facts += [site_cache.facts_of(f) for f in entry["facts"]]
        templates |= set(entry["latest"])
        done.append(_BodyDone(body.id, body.name, entry["row"], page, entry, entry["latest"]))
        del group, extra
    done.sort(key=lambda d: (d.name.casefold(), d.name))  # by the name as stored
    rows = [d.row for d in done]
    pages = {d.row["body"]: d.page for d in done}
    stats = redactor.value(summarise(facts))
    published = sum(d.entry["published"] for d in done)
    withheld = sum(d.entry["withheld"] for d in done)
    for d in done:
        site.search += [(h, t, k, frozenset(w)) for h, t, k, w in d.entry["search"]]

    letters = _letters(sorted(templates), done, redactor, questions)
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
        charts=[sim_chart(found), *charts(rows, stats, facts)],
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
    # The marker, holding what the next rebuild needs to skip the bodies that did not change.
    site.file(MARKER, site_cache.marker(MARKER_TEXT, {str(d.body_id): d.entry for d in done}))
    return SiteReport(Path("."), len(rows), len(facts), published, withheld)


def _body_page(
    session: Db,
    site: SiteFiles,
    env: Any,
    common: dict[str, Any],
    group: BodyFindings,
    extra: BodyRows,
    row: dict[str, Any],
    page: str,
    redactor: _Memo,
    titles: Callable[[str, str], str],
    questions: Callable[[str | None], dict[int, str]],
) -> dict[str, Any]:
    """Render a body's page (and put its published attachments); its cache entry."""
    mark = len(site.search)
    files: list[str] = []
    requests = []
    published = withheld = 0
    for v in sorted(group.requests, key=lambda x: (x.sent_on or date.min, x.id)):
        req_data, p, w = _request_data(session, site, v, extra, redactor, titles, questions, files)
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
        for ev in sorted(extra.evidence, key=lambda e: (e.on or date.min, e.id))
    ]
    newest = source_links(row["sim_evidence_source"], row["references"], "")
    html = env.get_template("body.html.j2").render(
        **common,
        root="../",
        row=row,
        newest_sources=newest,
        requests_html=requests_html(requests),
        evidence=evidence,
    )
    site.page(page, html, title=row["body"], kind="body")
    files.append(page)
    search = [(h, t, k, sorted(w)) for h, t, k, w in site.search[mark:]]
    del site.search[mark:]  # put back in the order of the bodies' names
    return {"files": files, "search": search, "published": published, "withheld": withheld}


def _latest(group: BodyFindings, redactor: _Memo) -> dict[str, Any]:
    """By template: the body's latest request's reference, answers (redacted) and the
    exemptions cited, as the site's cache keeps them (lists, no number keys)."""
    out: dict[str, Any] = {}
    for name in {v.template or "" for v in group.requests}:
        mine = [v for v in group.requests if (v.template or "") == name]
        latest = max(mine, key=lambda v: (v.sent_on or date.min, v.id))
        per_q: dict[int, list[str]] = {}
        for section, question in latest.cited:
            if question is not None:
                per_q.setdefault(question, []).append(section)
        out[name] = {
            "reference": latest.reference,
            "answers": [[n, a.status, redactor(a.text)] for n, a in latest_answers(latest).items()],
            "per_q": sorted([n, sections] for n, sections in per_q.items()),
            "whole": sorted({s for s, q in latest.cited if q is None}),
        }
    return out


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
    names: Sequence[str],
    done: Sequence[_BodyDone],
    redactor: Redactor,
    questions: Callable[[str | None], dict[int, str]],
) -> list[dict[str, Any]]:
    """Each letter (template) sent, with a page per question: every body's latest answer."""
    out = []
    for name in names:
        asked = questions(name or None)
        answered: dict[int, list[dict[str, Any]]] = {}
        numbers = set(asked)
        for d in done:
            latest = d.latest.get(name)
            if latest is None:
                continue
            per_q, whole = dict(latest["per_q"]), latest["whole"]
            got = {n: (status, text) for n, status, text in latest["answers"]}
            numbers |= set(got)
            for n in numbers | set(got):
                answered.setdefault(n, [])
            for n in sorted(numbers):
                a = got.get(n)
                answered.setdefault(n, []).append(
                    {
                        "body": d.row["body"],
                        "reference": latest["reference"],
                        "sim_key": d.row["sim_key"],
                        "status": (a[0] or ("answered" if a[1] else None)) if a else None,
                        "text": a[1] if a else None,
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
    session: Db,
    site: SiteFiles,
    atts: Sequence[Any],
    redactor: Redactor,
    files_put: list[str],
) -> tuple[list[dict[str, Any]], int]:
    """Put a request's publishable attachments into the site as redacted copies only, never
    an original (foi.redaction.public), each with a text page the site's search indexes;
    returns them and how many were withheld (not marked publishable, or not yet redacted).
    The paths put are added to `files_put`. `atts` are attachment rows (id, filename,
    publishable)."""
    if not any(a.publishable for a in atts):
        return [], len(atts)
    from sqlalchemy.orm import Session

    from foi.redaction.public import public_copies, text_page

    # The redacted copies are found through the ORM: a session on the build's connection.
    if isinstance(session, Session):
        copies, _unredacted = public_copies(session, atts)
    else:
        with Session(bind=session) as orm:  # closed after; the connection stays the build's
            copies, _unredacted = public_copies(orm, atts)
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
        files_put += [f"{folder}/{copy.filename}", f"{folder}/{copy.filename}.html"]
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
    session: Db,
    site: SiteFiles,
    v: RequestFindings,
    extra: BodyRows,
    redactor: _Memo,
    titles: Callable[[str, str], str],
    questions: Callable[[str | None], dict[int, str]],
    files_put: list[str],
) -> tuple[dict[str, Any], int, int]:
    asked = questions(v.template)
    per_q: dict[int, list[str]] = {}
    for section, question in v.cited:
        if question is not None:
            per_q.setdefault(question, []).append(section)
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
        session, site, extra.attachments.get(v.id, []), redactor, files_put
    )
    more = extra.requests.get(v.id)
    data = {
        "reference": v.reference,
        "title": redactor(more.title if more is not None else None),
        "regime": v.regime,
        "status": v.status,
        "outcome": v.resolution,
        "sent_on": v.sent_on,
        "received": v.received,
        "due": v.due,
        "responded_on": v.responded_on,
        "working_days": v.facts.working_days,
        "late_by": v.facts.late_by,
        "in_time": v.facts.in_time,
        "wdtk_url": v.wdtk_url,
        "authority_ref": redactor(more.authority_ref if more is not None else None),
        # Dates, kinds and outcomes only: notes and who recorded an event stay private; an
        # acknowledgement or a bounce is an entry here, never a published reply.
        "events": [
            {"on": e.on, "kind": e.kind, "outcome": e.outcome}
            for e in sorted(active_event_rows(v.events), key=lambda e: (e.on, e.id))
            if e.kind not in HIDDEN_EVENTS
        ],
        "letters": [
            {
                "on": letter_date(v, lt),
                "purpose": lt.purpose,
                "subject": redactor(lt.subject),
                "text": redactor.html(lt.text),
            }
            for lt in letters_sent(v, extra.letters_of(v.id))
        ],
        "replies": [
            {
                "on": (m.sent_at or m.imported_at).date(),
                "subject": redactor(m.subject),
                "text": redactor(reply_text(m)),
            }
            for m in published_replies(v.events, extra.replies.get(v.id, []))
        ],
        "answers": answers,
        "exemptions": [
            {"code": code, "title": titles(code, v.regime)} for code in v.facts.exemptions
        ],
        "files": files,
        "files_withheld": withheld,
    }
    return data, len(files), withheld


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
