"""The extraction queue shared by processes on PostgreSQL: kill -9 one mid-OCR, re-run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL, _pg_database
from tests.reading import files
from tests.reading.test_reading_cli import new_request

pytestmark = pytest.mark.skipif(not PG_URL, reason="PostgreSQL leg: set FOI_TEST_DATABASE_URL")


def _extract(db: str) -> subprocess.Popen[str]:
    env = {**os.environ, "FOI_DATABASE_URL": db, "FOI_TODAY": "2026-12-04"}
    return subprocess.Popen(
        [sys.executable, "-m", "foi", "extract", "--workers", "2", "--lease", "3", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _rows(engine: sa.Engine) -> list[sa.Row]:
    with engine.connect() as conn:
        return list(
            conn.execute(sa.text("SELECT sha256, state, attempts, claimed_by FROM extractions"))
        )


def test_two_workers_one_killed_mid_ocr_every_file_read_exactly_once(foi, isolated: Path) -> None:
    for db in _pg_database():
        assert foi("init", db=db).exit_code == 0
        ref = new_request(foi, db, "RTQ")
        scans = {
            f"scan-{n}.pdf": files.scanned_pdf([[f"Scanned reply number {n}", "High Intensity"]])
            for n in range(10)
        }
        eml = isolated / "reply.eml"
        eml.write_bytes(files.reply_with(ref, scans))
        assert foi("inbox", "import", str(eml), db=db, today="2026-12-04").exit_code == 0

        engine = sa.create_engine(db)
        try:
            victim, other = _extract(db), _extract(db)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:  # until the victim holds a file, mid-OCR
                mine = [
                    r for r in _rows(engine) if r.claimed_by and f":{victim.pid}:" in r.claimed_by
                ]
                if mine:
                    break
                time.sleep(0.05)
            assert mine, "the victim never claimed a file"
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            done_before = {r.sha256 for r in _rows(engine) if r.state == "done"}
            out, err = other.communicate(timeout=300)
            assert other.returncode == 0, err
            reports = [json.loads(out)]
            for rerun in [_extract(db), _extract(db)]:
                out, err = rerun.communicate(timeout=300)
                assert rerun.returncode == 0, err
                reports.append(json.loads(out))
            rows = _rows(engine)
            with engine.connect() as conn:
                pages = conn.execute(
                    sa.text("SELECT sha256, count(*) FROM page_texts GROUP BY sha256")
                ).all()
        finally:
            engine.dispose()

        assert len(rows) == 10 and {r.state for r in rows} == {"done"}
        assert dict(pages) == {r.sha256: 1 for r in rows}
        read_sets = [set(r["read_files"]) for r in reports]
        for i, a in enumerate(read_sets):  # no file read by two surviving workers
            for b in read_sets[i + 1 :]:
                assert not a & b
        by_victim = done_before - read_sets[0]
        assert not by_victim & set().union(*read_sets)
        assert by_victim | set().union(*read_sets) == {r.sha256 for r in rows}
        # The victim's file was taken over: read a second time only because it was never stored.
        assert any(r.attempts == 2 for r in rows)
        assert all(not r["failed"] for r in reports)
