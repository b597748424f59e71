"""The daemon works the reading queue in the background."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.reading import files
from tests.reading.test_reading_cli import new_request
from tests.reminders.test_daemon import daemon, proc_env, wait_for


def test_the_daemon_reads_a_queued_scan(foi, isolated: Path) -> None:
    db = str(isolated / "requests.db")
    assert foi("init", db=db).exit_code == 0
    ref = new_request(foi, db, "RTQ")
    eml = isolated / "reply.eml"
    eml.write_bytes(files.reply_with(ref, {"scan.pdf": files.scanned_pdf([["Response Plan"]])}))
    assert foi("inbox", "import", str(eml), db=db, today="2026-12-04").exit_code == 0

    def state() -> str | None:
        with sqlite3.connect(db) as conn:
            row = conn.execute("SELECT state FROM extractions").fetchone()
        return row[0] if row else None

    assert state() == "queued"
    env = proc_env(db, 9, isolated.parent / "home")
    with daemon(env, isolated, "--time", "7:30") as d:
        d.wait_log("foi reminder daemon started")
        wait_for("the scan to be read", lambda: state() == "done", timeout=120)
        d.wait_log("read 1 file(s), 0 failed")
    found = foi("search", '"response plan"', "--json", db=db).json()
    assert [(h["name"], h["page"]) for h in found] == [("scan.pdf", 1)]
