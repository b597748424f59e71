"""A real headless Chromium driven over the DevTools protocol on a pipe (no extra packages).

`--remote-debugging-pipe` makes Chromium read NUL-terminated JSON commands on fd 3 and write
replies and events on fd 4, so the test needs no websocket client. `open_page` loads a URL at
a given viewport, and reports console messages, uncaught errors, every network request and
the page's text, and writes a screenshot.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest


def chromium_binary() -> str:
    """The Chromium to use; skips the test locally when there is none (fails under CI)."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but chromium is not installed (.ci/run installs it)")
    pytest.skip("chromium is not installed")
    raise AssertionError  # unreachable


@dataclass
class PageReport:
    console: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    text: str = ""
    html: str = ""
    values: dict[str, Any] = field(default_factory=dict)


class Browser:
    """One headless Chromium process, spoken to over its debugging pipe."""

    def __init__(self, profile: Path) -> None:
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire() -> None:  # in the child: fd 3 reads commands, fd 4 writes replies
            # Lift both ends above 4 first, so neither dup2 can clobber the other.
            r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)  # dup2 leaves 3 and 4 inheritable; Python's own fds are close-on-exec
            os.dup2(w, 4)
            os.close(r)
            os.close(w)

        self.proc = subprocess.Popen(
            [
                chromium_binary(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            close_fds=False,  # closing would also close fds 3 and 4 made by `wire`
            preexec_fn=wire,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_child, self._from_child):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _read(self, deadline: float) -> dict[str, Any]:
        import select

        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer in time")
            ready, _, _ = select.select([self._from_child], [], [], left)
            if ready:
                chunk = os.read(self._from_child, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed its debugging pipe")
                self._buf += chunk
        raw, _, self._buf = self._buf.partition(b"\0")
        return json.loads(raw)

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Send a command and wait for its result (events that arrive meanwhile are kept)."""
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + 30
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        """Wait for an event (one already received counts)."""
        deadline = time.monotonic() + timeout
        while True:
            for ev in self.events:
                if ev.get("method") == method:
                    self.events.remove(ev)
                    return ev
            self.events.append(self._read(deadline))

    def open_page(
        self,
        url: str,
        screenshot: Path,
        *,
        width: int = 1280,
        height: int = 900,
        mobile: bool = False,
        evaluate: dict[str, str] | None = None,
    ) -> PageReport:
        """Load `url`, collect what it did, and write a full-page PNG to `screenshot`."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        sid = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=sid)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
            session=sid,
        )
        self.events.clear()
        self.send("Page.navigate", {"url": url}, session=sid)
        self.wait_for("Page.loadEventFired")
        time.sleep(0.3)  # let late console messages or requests arrive
        report = PageReport()
        for key, expr in (evaluate or {}).items():
            got = self.send(
                "Runtime.evaluate", {"expression": expr, "returnByValue": True}, session=sid
            )
            report.values[key] = got.get("result", {}).get("value")
        report.text = self.send(
            "Runtime.evaluate",
            {"expression": "document.body.innerText", "returnByValue": True},
            session=sid,
        )["result"]["value"]
        report.html = self.send(
            "Runtime.evaluate",
            {"expression": "document.documentElement.outerHTML", "returnByValue": True},
            session=sid,
        )["result"]["value"]
        metrics = self.send("Page.getLayoutMetrics", session=sid)
        full = metrics.get("cssContentSize") or metrics["contentSize"]
        shot = self.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {
                    "x": 0,
                    "y": 0,
                    "width": width,
                    "height": max(height, int(full["height"])),
                    "scale": 1,
                },
            },
            session=sid,
        )
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        for ev in self.events:
            method, params = ev.get("method"), ev.get("params", {})
            if method == "Runtime.consoleAPICalled":
                report.console.append(
                    {"type": params.get("type"), "args": [a.get("value") for a in params["args"]]}
                )
            elif method == "Runtime.exceptionThrown":
                report.errors.append(json.dumps(params.get("exceptionDetails", {}))[:500])
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                report.errors.append(params["entry"].get("text", ""))
            elif method == "Network.requestWillBeSent":
                report.requests.append(params["request"]["url"])
        self.send("Target.closeTarget", {"targetId": target})
        return report
