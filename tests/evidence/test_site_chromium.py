"""The published site in a real headless Chromium: it lists every body, a body page shows its
answers, nothing is logged to the console and nothing is fetched over the network.
"""

from __future__ import annotations

from pathlib import Path

from tests.chromium import Browser, chromium_binary
from tests.evidence.campaign import ALPHA, BETA, CAMPAIGN, DELTA, EPSILON, GAMMA, TODAY, build


def test_site_opens_from_disk_in_chromium(foi, isolated: Path, smtp) -> None:
    chromium_binary()  # skip early (locally) if there is no browser
    db = str(isolated / "requests.db")
    refs = build(foi, db, isolated, smtp[1])
    site = isolated / "site"
    assert foi("publish", "--campaign", CAMPAIGN, str(site), db=db, today=TODAY).exit_code == 0
    shots = isolated / "screenshots"
    shots.mkdir()
    browser = Browser(isolated / "chromium-profile")
    try:
        index_url = (site / "index.html").as_uri()
        index = browser.open_page(
            index_url,
            shots / "index.png",
            evaluate={
                "links": "Array.from(document.querySelectorAll('#bodies tbody td:first-child a'))"
                ".map(a => a.textContent)",
                "sorted": "document.querySelectorAll('#bodies th button')[6].click();"
                "Array.from(document.querySelectorAll('#bodies tbody tr td:first-child'))"
                ".map(td => td.textContent.trim())",
                "filtered": "document.getElementById('f-late').click();"
                "Array.from(document.querySelectorAll('#bodies tbody tr'))"
                ".filter(tr => tr.offsetParent !== null).map(tr => tr.cells[0].textContent)",
            },
        )
        alpha_page = next((site / "bodies").glob("alpha-*.html"))
        body = browser.open_page(alpha_page.as_uri(), shots / "alpha.png")
        phone = browser.open_page(
            index_url,
            shots / "index-phone.png",
            width=390,
            height=844,
            mobile=True,
            evaluate={"overflow": "document.documentElement.scrollWidth"},
        )
    finally:
        browser.close()

    for report in (index, body, phone):
        assert report.console == []
        assert report.errors == []
    # The only loads are the pages themselves, from disk.
    assert index.requests == [index_url] and phone.requests == [index_url]
    assert body.requests == [alpha_page.as_uri()]

    every = [EPSILON, DELTA, BETA, GAMMA, ALPHA]
    assert index.values["links"] == every
    assert "<script>alert(1)</script> Delta NHS Trust" in index.text  # shown as text
    # Sorted by working days, those still without an answer last (a stable sort).
    assert index.values["sorted"] == [ALPHA, BETA, GAMMA, EPSILON, DELTA]
    assert index.values["filtered"] == [GAMMA]  # answered late (CSS only)
    assert "answered in time (2 of 4; 95% interval 15% to 85%)" in index.text

    assert f"{refs[ALPHA]}:" in body.text
    assert "Yes: the Crisis Support Team, with the police, 2018 to 2021" in body.text
    assert '=HYPERLINK("http://evil.example/","click")' in body.text
    assert "after 10 working days (in time)" in body.text
    assert phone.values["overflow"] <= 390  # the wide table scrolls inside its box
    for name in ("index.png", "alpha.png", "index-phone.png"):
        assert (shots / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
