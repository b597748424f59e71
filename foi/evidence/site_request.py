"""One request's section of a body page, as HTML: written in Python, not Jinja2.

A body page holds one section per request (a large campaign's pages hold ~24,000), and
Jinja2's per-value output and escaping made rendering them most of a build. The markup here
is what ``body.html.j2`` put out for each request before (byte for byte: tests hold it to a
Jinja2 rendering of the same section); the page around it stays a template. Every value is
escaped as Jinja2's autoescape would (`markupsafe.escape`: text already `Markup`, such as
a letter escaped once for the whole site, is kept as it is). Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape


@lru_cache(maxsize=4096)
def longdate(d: date | None) -> str:
    """A date as the site writes it: "2 October 2025" (empty when none)."""
    return f"{d.day} {d:%B %Y}" if d else ""


def humanise(s: str | None) -> str:
    """A kind or status with its dashes and underscores as spaces."""
    return (s or "").replace("-", " ").replace("_", " ")


def _e(value: Any) -> str:
    """`value` escaped as markupsafe escapes it (plain text by five replacements, faster
    than `escape` for the many short strings of a page; `Markup` kept as it is)."""
    if type(value) is str:
        if "&" in value or "<" in value or ">" in value or "'" in value or '"' in value:
            return (
                value.replace("&", "&amp;")
                .replace(">", "&gt;")
                .replace("<", "&lt;")
                .replace("'", "&#39;")
                .replace('"', "&#34;")
            )
        return value
    return str(escape(value))


@lru_cache(maxsize=1024)
def _h(value: str | None) -> str:
    return _e(humanise(value))


_d = longdate  # digits and month names: nothing to escape


def requests_html(requests: Iterable[dict[str, Any]]) -> Markup:
    """Every request's section, in the order given, as one piece of markup."""
    return Markup("".join([request_html(req) for req in requests]))


def request_html(req: dict[str, Any]) -> str:
    """One request's section (`foi.evidence.publish` builds `req`)."""
    ref = _e(req["reference"])
    out = [
        f'<section class="request" aria-labelledby="req-{ref}">\n'
        f'<h2 id="req-{ref}">{ref}: {_e(req["title"])}</h2>\n'
        '<dl class="facts">\n'
        f"  <dt>Status</dt><dd>{_h(req['status'])}"
    ]
    if req["outcome"]:
        out.append(f"; outcome {_h(req['outcome'])}")
    out.append(f"</dd>\n  <dt>Sent</dt><dd>{_d(req['sent_on'])}")
    if req["wdtk_url"]:
        out.append(
            f' (<a href="{_e(req["wdtk_url"])}" rel="noreferrer noopener">on WhatDoTheyKnow</a>)'
        )
    due = _d(req["due"]) if req["due"] else "no statutory deadline"
    out.append(f"</dd>\n  <dt>Due</dt><dd>{due}</dd>\n  <dt>Answered</dt><dd>")
    in_time = req["in_time"]
    if req["responded_on"]:
        out.append(f"{_d(req['responded_on'])}, after {_e(req['working_days'])} working days")
        if in_time:
            out.append(' <span class="yes">(in time)</span>')
        elif in_time is False:
            out.append(f' <span class="no">({_e(req["late_by"])} working days late)</span>')
    elif in_time is False:
        out.append(f'<span class="no">no answer: {_e(req["late_by"])} working days overdue</span>')
    else:
        out.append('<span class="pending">not yet</span>')
    out.append("</dd>\n")
    if req["authority_ref"]:
        out.append(f"<dt>Body's reference</dt><dd>{_e(req['authority_ref'])}</dd>")
    if req["exemptions"]:
        cited = "; ".join(
            f"{_e(x['code'])} ({_e(x['title'])})" if x["title"] else _e(x["code"])
            for x in req["exemptions"]
        )
        out.append(f"<dt>Exemptions cited</dt><dd>{cited}</dd>")
    out.append(f'</dl>\n\n<h3 id="answers-{ref}">Answers</h3>\n')
    if req["answers"]:
        out.append(
            '<table class="answers cards">\n'
            "  <caption>The body's answer to each question of the letter</caption>\n"
            '  <thead><tr><th scope="col">Question</th><th scope="col">Status</th>'
            '<th scope="col">Answer</th><th scope="col">Exemptions</th></tr></thead>\n'
            "  <tbody>\n"
        )
        for a in req["answers"]:
            asked = a["question_text"]
            small = f"<br><small>{_e(asked)}</small>" if asked else ""
            out.append(
                "    <tr>\n"
                f'      <th scope="row">{_e(a["question"])}{small}</th>\n'
                f'      <td data-label="Status">{_h(a["status"])}</td>\n'
                f'      <td data-label="Answer">{_e(a["text"] or "")}</td>\n'
                f'      <td data-label="Exemptions">{", ".join(map(_e, a["exemptions"]))}</td>\n'
                "    </tr>\n"
            )
        out.append("  </tbody>\n</table>\n")
    else:
        out.append("<p>No answers logged.</p>\n")
    out.append("\n<h3>Timeline</h3>\n<ol>\n")
    for ev in req["events"]:
        outcome = f" ({_h(ev['outcome'])})" if ev["outcome"] else ""
        out.append(
            f'  <li><time datetime="{ev["on"].isoformat()}">{_d(ev["on"])}</time>'
            f": {_h(ev['kind'])}{outcome}</li>\n"
        )
    out.append("</ol>\n\n<h3>Letters sent</h3>\n")
    for lt in req["letters"]:
        out.append(
            "<details>\n"
            f"  <summary>{_d(lt['on'])}: {_h(lt['purpose'])}: {_e(lt['subject'])}"
            "</summary>\n"
            f'  <pre class="letter" data-nosearch>{_e(lt["text"])}</pre>\n'
            "</details>\n"
        )
    if not req["letters"]:
        out.append("<p>No letter text kept.</p>\n")
    out.append("\n<h3>Replies</h3>\n")
    for m in req["replies"]:
        out.append(
            "<details>\n"
            f"  <summary>{_d(m['on'])}: {_e(m['subject'] or '(no subject)')}</summary>\n"
            f'  <pre class="letter">{_e(m["text"])}</pre>\n'
            "</details>\n"
        )
    if not req["replies"]:
        out.append("<p>No replies by email.</p>\n")
    out.append("\n<h3>Attachments</h3>\n")
    if req["files"]:
        out.append("<ul>\n")
        for f in req["files"]:
            out.append(
                f'  <li><a href="{_e(f["href"])}">{_e(f["name"])}</a> ({_e(f["size"])} bytes)</li>\n'
            )
        out.append("</ul>\n")
    withheld = req["files_withheld"]
    if withheld:
        out.append(
            f"<p>{_e(withheld)} attachment{'s' if withheld != 1 else ''} not published "
            "(not marked publishable, or not yet redacted).</p>\n"
        )
    elif not req["files"]:
        out.append("<p>None.</p>\n")
    out.append("</section>\n")
    return "".join(out)
