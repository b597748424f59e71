"""The request sections written in Python (foi.evidence.site_request) are byte for byte what
the body page's Jinja2 loop wrote before, for every branch of it."""

from __future__ import annotations

import itertools
from datetime import date

from markupsafe import Markup

from foi.evidence.publish import _environment
from foi.evidence.site_request import request_html, requests_html

# The loop as body.html.j2 held it before the sections moved to Python.
OLD_LOOP = """{% for req in requests %}
<section class="request" aria-labelledby="req-{{ req.reference }}">
<h2 id="req-{{ req.reference }}">{{ req.reference }}: {{ req.title }}</h2>
<dl class="facts">
  <dt>Status</dt><dd>{{ req.status|humanise }}{% if req.outcome %}; outcome {{ req.outcome|humanise }}{% endif %}</dd>
  <dt>Sent</dt><dd>{{ req.sent_on|longdate }}{% if req.wdtk_url %} (<a href="{{ req.wdtk_url }}" rel="noreferrer noopener">on WhatDoTheyKnow</a>){% endif %}</dd>
  <dt>Due</dt><dd>{{ req.due|longdate if req.due else "no statutory deadline" }}</dd>
  <dt>Answered</dt><dd>{% if req.responded_on %}{{ req.responded_on|longdate }}, after {{ req.working_days }} working days{% if req.in_time %} <span class="yes">(in time)</span>{% elif req.in_time is false %} <span class="no">({{ req.late_by }} working days late)</span>{% endif %}{% elif req.in_time is false %}<span class="no">no answer: {{ req.late_by }} working days overdue</span>{% else %}<span class="pending">not yet</span>{% endif %}</dd>
  {% if req.authority_ref %}<dt>Body's reference</dt><dd>{{ req.authority_ref }}</dd>{% endif %}
  {% if req.exemptions %}<dt>Exemptions cited</dt><dd>{% for x in req.exemptions %}{{ x.code }}{% if x.title %} ({{ x.title }}){% endif %}{% if not loop.last %}; {% endif %}{% endfor %}</dd>{% endif %}
</dl>

<h3 id="answers-{{ req.reference }}">Answers</h3>
{% if req.answers %}
<table class="answers cards">
  <caption>The body's answer to each question of the letter</caption>
  <thead><tr><th scope="col">Question</th><th scope="col">Status</th><th scope="col">Answer</th><th scope="col">Exemptions</th></tr></thead>
  <tbody>
  {% for a in req.answers %}
    <tr>
      <th scope="row">{{ a.question }}{% if a.question_text %}<br><small>{{ a.question_text }}</small>{% endif %}</th>
      <td data-label="Status">{{ a.status|humanise }}</td>
      <td data-label="Answer">{{ a.text or "" }}</td>
      <td data-label="Exemptions">{{ a.exemptions|join(", ") }}</td>
    </tr>
  {% endfor %}
  </tbody>
</table>
{% else %}
<p>No answers logged.</p>
{% endif %}

<h3>Timeline</h3>
<ol>
{% for e in req.events %}
  <li><time datetime="{{ e.on.isoformat() }}">{{ e.on|longdate }}</time>: {{ e.kind|humanise }}{% if e.outcome %} ({{ e.outcome|humanise }}){% endif %}</li>
{% endfor %}
</ol>

<h3>Letters sent</h3>
{% for lt in req.letters %}
<details>
  <summary>{{ lt.on|longdate }}: {{ lt.purpose|humanise }}: {{ lt.subject }}</summary>
  <pre class="letter" data-nosearch>{{ lt.text }}</pre>
</details>
{% else %}
<p>No letter text kept.</p>
{% endfor %}

<h3>Replies</h3>
{% for m in req.replies %}
<details>
  <summary>{{ m.on|longdate }}: {{ m.subject or "(no subject)" }}</summary>
  <pre class="letter">{{ m.text }}</pre>
</details>
{% else %}
<p>No replies by email.</p>
{% endfor %}

<h3>Attachments</h3>
{% if req.files %}
<ul>
{% for f in req.files %}
  <li><a href="{{ f.href }}">{{ f.name }}</a> ({{ f.size }} bytes)</li>
{% endfor %}
</ul>
{% endif %}
{% if req.files_withheld %}
<p>{{ req.files_withheld }} attachment{{ "s" if req.files_withheld != 1 }} not published (not marked publishable, or not yet redacted).</p>
{% elif not req.files %}
<p>None.</p>
{% endif %}
</section>
{% endfor %}
"""


def _request(n: int, **changes: object) -> dict[str, object]:
    req: dict[str, object] = {
        "reference": f"FOI-2026-{n:04d}",
        "title": "A request & <its> \"title\" 'quoted'",
        "regime": "foi",
        "status": "awaiting-response",
        "outcome": None,
        "sent_on": date(2026, 1, 5),
        "received": date(2026, 1, 5),
        "due": date(2026, 2, 2),
        "responded_on": None,
        "working_days": None,
        "late_by": None,
        "in_time": None,
        "wdtk_url": None,
        "authority_ref": None,
        "events": [],
        "letters": [],
        "replies": [],
        "answers": [],
        "exemptions": [],
        "files": [],
        "files_withheld": 0,
    }
    req.update(changes)
    return req


VARIANTS: list[dict[str, object]] = [
    {},
    {"title": None, "status": "partially_answered", "outcome": "refused-in_part"},
    {"due": None, "wdtk_url": "https://www.whatdotheyknow.com/request/a?b=1&c=<2>"},
    {"responded_on": date(2026, 2, 1), "working_days": 19, "in_time": True, "late_by": 0},
    {"responded_on": date(2026, 2, 9), "working_days": 24, "in_time": False, "late_by": 5},
    {"responded_on": date(2026, 2, 9), "working_days": None, "in_time": None},
    {"in_time": False, "late_by": 12},
    {"authority_ref": "FOI/123 & <x>"},
    {
        "exemptions": [
            {"code": "s12", "title": "Cost of compliance"},
            {"code": "s40(2)", "title": ""},
            {"code": "<s43>", "title": "Commercial & interests"},
        ]
    },
    {
        "answers": [
            {
                "question": 1,
                "question_text": "Do you <use> SIM?",
                "status": "answered",
                "text": "Yes & no",
                "exemptions": ["s12", "s<40>"],
            },
            {
                "question": 2,
                "question_text": None,
                "status": "not-held",
                "text": None,
                "exemptions": [],
            },
        ]
    },
    {
        "events": [
            {"on": date(2026, 1, 5), "kind": "sent", "outcome": None},
            {
                "on": date(2026, 2, 1),
                "kind": "response-received",
                "outcome": "partially_successful",
            },
        ]
    },
    {
        "letters": [
            {
                "on": date(2026, 1, 5),
                "purpose": "request",
                "subject": "FOI <1>",
                "text": Markup("Dear &amp; <b>already escaped</b>"),
            },
            {
                "on": date(2026, 1, 9),
                "purpose": "follow-up",
                "subject": None,
                "text": "raw <text> & 'x'",
            },
        ]
    },
    {
        "replies": [
            {"on": date(2026, 2, 1), "subject": None, "text": "Reply <with> & marks"},
            {"on": date(2026, 2, 2), "subject": 'RE: "x"', "text": None},
        ]
    },
    {
        "files": [
            {
                "name": "a & b.pdf",
                "href": "../files/ab/a%20%26%20b.pdf",
                "text_href": "",
                "size": 12,
            }
        ]
    },
    {"files_withheld": 1},
    {"files_withheld": 3},
    {
        "files": [{"name": "c.pdf", "href": "../files/cd/c.pdf", "text_href": "", "size": 0}],
        "files_withheld": 2,
    },
]


def _old(requests: list[dict[str, object]]) -> str:
    return _environment().from_string(OLD_LOOP).render(requests=requests)


def test_each_branch_as_the_old_template_wrote_it() -> None:
    for n, change in enumerate(VARIANTS):
        req = _request(n, **change)
        assert request_html(req) == _old([req]), change


def test_combinations_and_the_joined_sections() -> None:
    reqs = [
        _request(i, **{k: v for part in parts for k, v in part.items()})
        for i, parts in enumerate(itertools.combinations(VARIANTS[1:], 3))
    ]
    assert str(requests_html(reqs)) == _old(reqs)
    assert str(requests_html([])) == _old([]) == ""


def test_a_fingerprint_sees_every_character_of_a_long_value() -> None:
    """Rows are fingerprinted whole (a database row's repr cuts long values short)."""
    from sqlalchemy import create_engine, text

    from foi.evidence.findings import BodyRow, RequestInputs
    from foi.evidence.site_cache import fingerprint

    engine = create_engine("sqlite://")
    long_a, long_b = "x" * 400 + "a" + "y" * 400, "x" * 400 + "b" + "y" * 400
    with engine.connect() as conn:
        (a,) = conn.execute(
            text("SELECT 1 AS request_id, 2 AS question, :t AS text"), {"t": long_a}
        )
        (b,) = conn.execute(
            text("SELECT 1 AS request_id, 2 AS question, :t AS text"), {"t": long_b}
        )
    assert "..." in repr(a)  # what the row itself would have hashed
    body = BodyRow(1, "Avon", "mental-health-trust", None, None)
    made = [
        fingerprint("stamp", "bodies/avon-1.html", body, [RequestInputs((7,), [row], [row], [])])
        for row in (a, b)
    ]
    assert made[0] != made[1]
