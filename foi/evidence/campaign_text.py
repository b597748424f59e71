"""What a campaign says about itself in its published findings: title, summary, questions.

The title and a short summary (Markdown) are a volunteer's words; the questions are those
each letter (template) asked, kept on the campaign as they were asked, so a template edited
later does not change what the findings say was asked. The summary is rendered with
markdown-it-py with raw HTML off (it is shown as text) and no headings (the page has its
own). Takes a session; never commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from foi.errors import UsageError

TITLE_LIMIT = 300
SUMMARY_LIMIT = 5000  # a short summary: a few paragraphs, not the report

Questions = dict[str, list[dict[str, Any]]]  # {template: [{"number": n, "text": ...}]}


def check_title(title: str) -> str:
    """A title on one line, within the limit."""
    title = title.strip()
    if not title:
        raise UsageError("--title is empty: give the campaign's title")
    if len(title) > TITLE_LIMIT:
        raise UsageError(f"--title is {len(title)} characters: the limit is {TITLE_LIMIT}")
    if any(ch < " " or ch == "\x7f" for ch in title):
        raise UsageError("--title holds a line break or control character: give one line")
    return title


def check_summary(summary: str) -> str:
    """A summary within the limit, without control characters other than line breaks."""
    summary = summary.strip().replace("\r\n", "\n")
    if len(summary) > SUMMARY_LIMIT:
        raise UsageError(
            f"the summary is {len(summary)} characters: the limit is {SUMMARY_LIMIT} "
            "(a few paragraphs)"
        )
    if any((ch < " " and ch not in "\n\t") or ch == "\x7f" for ch in summary):
        raise UsageError("the summary holds control characters: save it as plain text")
    return summary


def edit_campaign(campaign: Any, *, title: str | None = None, summary: str | None = None) -> None:
    """Set the campaign's title and summary (an empty summary clears it)."""
    if title is not None:
        campaign.title = check_title(title)
    if summary is not None:
        campaign.summary = check_summary(summary) or None


def snapshot_questions(
    campaign: Any,
    templates: Iterable[str],
    questions_of: Callable[[str], list[tuple[int, str]]],
) -> Questions:
    """Keep on the campaign the questions each of these letters asks; returns them."""
    kept: Questions = dict(campaign.questions or {})
    for name in sorted(set(templates)):
        found = questions_of(name)
        if found:
            kept[name] = [{"number": n, "text": text} for n, text in found]
    campaign.questions = kept or None
    return kept


def letter_questions(
    campaign: Any, template: str | None, fallback: Callable[[str], list[tuple[int, str]]] | None
) -> dict[int, str]:
    """A letter's questions by number: as kept on the campaign, else as its template says."""
    if not template:
        return {}
    kept = (campaign.questions or {}).get(template)
    if kept:
        return {int(q["number"]): str(q["text"]) for q in kept}
    return dict(fallback(template)) if fallback else {}


def render_summary(text: str | None) -> str:
    """The summary as HTML: Markdown without raw HTML (escaped) or headings."""
    if not text:
        return ""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["heading", "lheading", "image"])
    return str(md.render(text))


def public_heading(campaign: Any) -> dict[str, Any]:
    """The campaign's name, title and summary, as exports and statistics carry them."""
    return {
        "campaign": campaign.name,
        "title": campaign.title or campaign.name,
        "summary": campaign.summary,
    }
