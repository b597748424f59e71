"""Headless Chromium driven by Selenium through Debian's chromium-driver, with axe-core.

axe-core comes from the `axe-selenium-python` package (it ships axe.min.js); `axe_violations`
injects it into the page and returns what axe reports, every rule of the default set.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMEDRIVER = "/usr/bin/chromedriver"


def _need(found: bool, what: str) -> None:
    if found:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {what} is not installed (.ci/run installs it)")
    pytest.skip(f"{what} is not installed")


@contextlib.contextmanager
def chrome(
    profile: Path, *, width: int = 1280, height: int = 900, javascript: bool = True
) -> Iterator[Any]:
    """A headless Chromium under Selenium, at a window size; scripts can be turned off."""
    _need(Path(CHROMEDRIVER).exists(), "chromium-driver")
    _need(bool(shutil.which("chromium")), "chromium")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    if not javascript:
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        # The viewport itself, not the window, is what a phone's width means.
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 500},
        )
        yield driver
    finally:
        driver.quit()


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page loaded; its violations, each with the nodes that fail."""
    from axe_selenium_python import Axe

    axe = Axe(driver)
    axe.inject()
    result = axe.run()
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def screenshot(driver: Any, path: Path) -> None:
    """A full-page PNG of the page loaded, at the viewport's width."""
    import base64

    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    width = driver.execute_script("return window.innerWidth")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))
