"""The published findings in headless Chromium (Selenium, Debian's chromium-driver): axe-core
finds no violation on any page type at desktop and phone widths; the keyboard reaches the
content by a skip link with a visible focus; the filters work with scripts off and on; tables
fit a 390 px phone; the static search finds a local name; screenshots are taken.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser import axe_violations, chrome, screenshot
from tests.evidence.campaign import ALPHA, CAMPAIGN, TODAY
from tests.evidence.findings_site import POLICE, TITLE, build_findings


def _publish(foi: Any, isolated: Path, smtp_port: int) -> Path:
    db = str(isolated / "requests.db")
    build_findings(foi, db, isolated, smtp_port)
    site = isolated / "site"
    done = foi("publish", "--campaign", CAMPAIGN, str(site), db=db, today=TODAY)
    assert done.exit_code == 0, done.stderr
    return site


def _visible_rows(driver: Any) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#bodies tbody tr'))"
        ".filter(tr => tr.offsetParent !== null).map(tr => tr.cells[0].textContent.trim())"
    )


def test_every_page_type_passes_axe_at_both_widths(foi, isolated: Path, smtp) -> None:
    site = _publish(foi, isolated, smtp[1])
    pages = {
        "index": site / "index.html",
        "body": next((site / "bodies").glob("alpha-*.html")),
        "evidence": next((site / "bodies").glob("*gamma-*.html")),
        "question": site / "questions" / "sim-police-q1.html",
        "search": site / "search.html",
    }
    shots = isolated / "screenshots"
    shots.mkdir()
    found: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for width, height in ((1280, 900), (390, 844)):
        with chrome(isolated / f"profile-{width}", width=width, height=height) as driver:
            for name, path in pages.items():
                url = path.as_uri() + ("?q=triage" if name == "search" else "")
                driver.get(url)
                found[(name, width)] = axe_violations(driver)
                screenshot(driver, shots / f"{name}-{width}.png")
                # Nothing sideways: every table fits the phone (cards), captions wrap.
                assert (
                    driver.execute_script("return document.documentElement.scrollWidth") <= width
                ), (name, width)
    assert {k: v for k, v in found.items() if v} == {}
    for png in shots.iterdir():
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_keyboard_filters_and_search(foi, isolated: Path, smtp) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    site = _publish(foi, isolated, smtp[1])
    index = (site / "index.html").as_uri()
    with chrome(isolated / "profile", width=1280, height=900) as driver:
        driver.get(index)
        assert driver.find_element(By.TAG_NAME, "h1").text == TITLE
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        skip = driver.switch_to.active_element
        assert skip.text == "Skip to the content" and skip.get_attribute("href").endswith("#main")
        # The focused link is on screen and outlined (the focus style is visible).
        assert skip.is_displayed() and skip.value_of_css_property("outline-style") != "none"
        skip.send_keys(Keys.ENTER)
        assert driver.switch_to.active_element.get_attribute("id") == "main"
        # Filters: by SIM status, then by kind; the script counts what is shown.
        every = len(_visible_rows(driver))
        driver.find_element(By.CSS_SELECTOR, "label[for='s-adopted']").click()
        assert sorted(_visible_rows(driver)) == sorted([ALPHA, POLICE])
        assert driver.find_element(By.ID, "shown").text == f"Showing 2 of {every} bodies."
        driver.find_element(By.CSS_SELECTOR, "label[for='k-police-force']").click()
        assert _visible_rows(driver) == [POLICE]
        # Each status links to the bodies behind it, and each body's status to its evidence.
        link = driver.find_element(By.CSS_SELECTOR, "#bodies tbody tr td:nth-child(3) a")
        assert link.get_attribute("href").endswith("#sim")
        # Search: a local name finds the pages that hold it.
        driver.get((site / "search.html").as_uri())
        box = driver.find_element(By.ID, "q")
        box.send_keys("street tri")
        hits = [
            a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "#results a")
        ]
        assert any(h.endswith("questions/sim-police-q1.html") for h in hits)
        assert driver.find_element(By.ID, "search-status").text.endswith("found.")
    # With scripts off the filters still work (CSS alone), and the search page says why not.
    with chrome(isolated / "profile-nojs", javascript=False) as driver:
        driver.get(index)
        driver.find_element(By.CSS_SELECTOR, "label[for='s-denied']").click()
        assert len(_visible_rows(driver)) == 1
        assert driver.find_element(By.ID, "shown").text == ""
        driver.get((site / "search.html").as_uri())
        assert "Searching needs JavaScript" in driver.find_element(By.ID, "search-status").text
