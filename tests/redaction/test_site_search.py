"""The published site's search and redacted attachments (issue 20's must-show bullets).

A reply PDF whose first page names the trust's local name for SIM (a name that appears
nowhere else: not in the campaign, the request, the letters or the evidence) and whose second
page quotes the requester's name and address is logged, redacted and published. The static
search index (and the search page, driven in headless Chromium) finds the local name; neither
the index nor `pdftotext` of the published copy holds the requester's name or address; the
original in the database is byte for byte as it came in. Real poppler; on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import empty_database

pytestmark = pytest.mark.skipif(
    subprocess.run(["which", "pdftotext"], capture_output=True).returncode != 0,
    reason="needs Debian's poppler-utils",
)

TODAY = "2026-12-10"
NAME, EMAIL, ADDRESS = "Sam Taylor", "sam.taylor@simwatch.org.uk", "12 Mill Lane, Leeds LS6 2AB"
ENV = {"FOI_REQUESTER_NAME": NAME, "FOI_REQUESTER_EMAIL": EMAIL, "FOI_REQUESTER_ADDRESS": ADDRESS}
LOCAL_NAME = "Kestrel Wharf Outreach"  # in the attachment's text only
SECRETS = ("Sam Taylor", "Taylor", "12 Mill Lane", "Mill Lane", "LS6 2AB")


def reply_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(
        0, 8, f"Freedom of Information response\nLocally the service was called {LOCAL_NAME}."
    )
    pdf.add_page()
    pdf.multi_cell(0, 8, f"Dear {NAME},\nWe write to you at {ADDRESS}.\nYours, the FOI team.")
    return bytes(pdf.output())


def search_index(site: Path) -> dict:  # type: ignore[type-arg]
    page = (site / "search.html").read_text(encoding="utf-8")
    raw = re.search(r'<script type="application/json" id="search-index">(.*?)</script>', page, re.S)
    assert raw is not None
    return json.loads(raw.group(1))


def test_a_redacted_attachment_is_found_by_the_site_search_and_leaks_nothing(
    foi, db_url: str, isolated: Path
) -> None:
    empty_database(db_url)
    run = lambda *a, **k: foi(*a, db=db_url, today=TODAY, env=ENV, **k)  # noqa: E731
    assert run("body", "add", "Avon Trust", "--kind", "mental-health-trust", "--ods-code",
               "RVN", "--email", "foi@avon.nhs.example").exit_code == 0  # fmt: skip
    made = run("request", "new", "--body", "RVN", "--title", "SIM", "--sent-on", "2026-11-02",
               "--campaign", "sim-2026", "--json")  # fmt: skip
    assert made.exit_code == 0, made.stderr
    ref = made.json()["reference"]
    original = reply_pdf()
    (isolated / "reply.pdf").write_bytes(original)
    logged = run("respond", ref, "--on", "2026-11-20", "--outcome", "successful",
                 "--file", str(isolated / "reply.pdf"))  # fmt: skip
    assert logged.exit_code == 0, logged.stderr
    (att,) = run("request", "publishable", ref, "--json").json()
    redacted = run("redact", ref, str(att["id"]), "--yes", "--json")
    assert redacted.exit_code == 0, redacted.stderr
    assert {a["page"] for a in redacted.json()["areas"]} == {2}
    marked = run("request", "publishable", ref, str(att["id"]))
    assert marked.exit_code == 0, marked.stderr
    site = isolated / "site"
    pub = run("publish", "--campaign", "sim-2026", str(site), "--json")
    assert pub.exit_code == 0, pub.stderr
    assert pub.json()["files_published"] == 1

    # The published copy, as a reader extracts it: the local name, not the requester.
    (copy,) = site.rglob("*.pdf")
    text = subprocess.run(["pdftotext", str(copy), "-"], capture_output=True, check=True)
    published = " ".join(text.stdout.decode().split())
    assert LOCAL_NAME in published
    for secret in SECRETS:
        assert secret.lower() not in published.lower(), secret

    # The local name is in no page but the attachment's text page ...
    pages = [p for p in site.rglob("*.html") if p.name != "search.html"]
    holding = [p for p in pages if LOCAL_NAME in html.unescape(p.read_text(encoding="utf-8"))]
    assert [p.name for p in holding] == [f"{copy.name}.html"]
    # ... and the site's search index finds that page by each of its words.
    index = search_index(site)
    docs = index["docs"]
    for word in ("kestrel", "wharf", "outreach"):
        found = {docs[i][0] for i in index["terms"].get(word, [])}
        assert any(href.endswith(f"{copy.name}.html") for href in found), (word, found)
    # The index holds neither the requester's name nor any word of the address.
    for word in ("sam", "taylor", "mill", "ls6", "2ab", "sam.taylor", "simwatch"):
        assert word not in index["terms"], word
    raw_index = json.dumps(index).lower()
    for secret in (*SECRETS, EMAIL):
        assert secret.lower() not in raw_index, secret

    # The original in the database is byte for byte as it came in: its stored bytes and the
    # copy `foi request files` writes out.
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from foi.evidence import blobs
    from foi.store.engine import make_engine, resolve_url
    from foi.store.tables import attachments

    engine = make_engine(resolve_url(db_url))
    with Session(engine) as s:
        shas = s.execute(select(attachments.c.sha256)).scalars().all()
        assert shas == [hashlib.sha256(original).hexdigest()]
        assert blobs.read_blob(s, shas[0]) == original
    engine.dispose()
    out = isolated / "originals"
    assert run("request", "files", ref, str(out)).exit_code == 0
    assert (out / "reply.pdf").read_bytes() == original

    # The search page itself, in headless Chromium, lists the attachment's page.
    from tests.browser import chrome

    with chrome(isolated / "profile", width=1280, height=900) as driver:
        from selenium.webdriver.common.by import By

        driver.get((site / "search.html").as_uri())
        driver.find_element(By.ID, "q").send_keys("kestrel wharf")
        hits = [
            a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#results a")
        ]
        assert any(h.endswith(f"{copy.name}.html") for h in hits), hits
        driver.find_element(By.ID, "q").clear()
        driver.find_element(By.ID, "q").send_keys("taylor")
        assert driver.find_elements(By.CSS_SELECTOR, "#results a") == []
