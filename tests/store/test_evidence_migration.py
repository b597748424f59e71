"""From foi 0.1.0: a database whose evidence is a folder of files, upgraded into the database."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from foi.evidence import blobs
from foi.store import engine as db
from tests.evidence.test_evidence_cli import opened, run_killed
from tests.store.test_migrations import _config


def _old_database(db_url: str, root: Path) -> dict[str, bytes]:
    """A 0.1.0 (revision 0002) database with messages and attachments, and its file store."""
    url = db.resolve_url(db_url)
    engine = db.make_engine(url)
    cfg = _config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    contents = {}
    for n in range(12):
        data = os.urandom(1000 + n * 5000)
        contents[hashlib.sha256(data).hexdigest()] = data
    shas = list(contents)
    with engine.begin() as conn:
        for n, sha in enumerate(shas[:6]):
            conn.execute(
                text(
                    "INSERT INTO inbox (dedupe_key, sha256, kind, state, imported_at) "
                    "VALUES (:k, :s, 'reply', 'held', '2026-11-01 10:00:00')"
                ),
                {"k": f"mid:<{n}@x>", "s": sha},
            )
        for n, sha in enumerate(shas[6:]):
            conn.execute(
                text(
                    "INSERT INTO attachments (sha256, size, filename, created_at) "
                    "VALUES (:s, :z, :f, '2026-11-01 10:00:00')"
                ),
                {"s": sha, "z": len(contents[sha]), "f": f"doc-{n}.pdf"},
            )
    engine.dispose()
    root.mkdir(mode=0o700)
    for sha, data in contents.items():
        (root / sha[:2]).mkdir(exist_ok=True)
        (root / sha[:2] / sha).write_bytes(data)
    orphan = b"left by a crash in 0.1.0"
    orphan_sha = hashlib.sha256(orphan).hexdigest()
    (root / orphan_sha[:2]).mkdir(exist_ok=True)
    (root / orphan_sha[:2] / orphan_sha).write_bytes(orphan)
    (root / ".tmp-k1ll3d").write_bytes(b"half a file")
    (root / shas[0][:2] / ".tmp-abc").write_bytes(b"half another")
    return contents


def test_upgrade_moves_the_file_store_in_resumably(foi, db_url: str, isolated: Path) -> None:
    on_sqlite = db_url.endswith(".db")
    # Where 0.1.0 kept files: next to the SQLite file, or ./foi-files on PostgreSQL.
    root = isolated / ("requests-files" if on_sqlite else "foi-files")
    contents = _old_database(db_url, root)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FOI_")},
        "HOME": str(isolated.parent / "home"),
        "FOI_DATABASE_URL": db_url,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    killed = run_killed(["db", "upgrade"], env, at_piece=5, cwd=isolated)
    assert killed.returncode == -9, killed.stderr
    with opened(db_url) as s:
        done = [sha for sha in contents if blobs.exists(s, sha)]
    assert len(done) == 4  # one committed transaction per file: the first four stay
    assert not (root / blobs.LEGACY_NOTE).exists()

    resumed = foi("db", "upgrade", db=db_url)
    assert resumed.exit_code == 0, resumed.stderr
    assert "database already at revision" in resumed.stdout
    assert f"moved 8 files from {root} into the database (12 of its 13" in resumed.stdout
    with opened(db_url) as s:
        for sha, data in contents.items():
            assert blobs.read_blob(s, sha) == data  # hash verified on read
        assert blobs.check(s) == []
    checked = foi("db", "check", db=db_url)
    assert checked.exit_code == 0, checked.stdout
    # The old folder stays, with a note on deleting it; its temporary files are gone.
    note = (root / blobs.LEGACY_NOTE).read_text()
    assert f"rm -r '{root}'" in note and "1 files that the database" in note
    assert not list(root.rglob(".tmp-*"))
    assert sum(1 for _ in blobs.legacy_files(root)) == 13
    again = foi("db", "upgrade", db=db_url)
    assert "moved 0 files" in again.stdout


def test_a_corrupt_old_file_is_not_moved_and_check_says_so(foi, isolated: Path) -> None:
    root = isolated / "requests-files"
    contents = _old_database(str(isolated / "requests.db"), root)
    bad = next(iter(contents))
    (root / bad[:2] / bad).write_bytes(b"bit rot")
    result = foi("db", "upgrade")
    assert result.exit_code == 1  # issue 23: named, and no "moved" note (below)
    assert "is corrupt (its content no longer matches its name); not moved" in result.stderr
    assert not (root / blobs.LEGACY_NOTE).exists()
    checked = foi("db", "check")
    assert checked.exit_code == 1
    assert f"inbox message 1 refers to blob {bad}, which is not stored" in checked.stdout


@pytest.mark.parametrize("setting", ["env", "file"])
def test_the_old_folder_is_found_from_the_setting(foi, isolated: Path, setting: str) -> None:
    root = isolated / "elsewhere" / "evidence"
    root.parent.mkdir()
    contents = _old_database(str(isolated / "requests.db"), root)
    if setting == "env":
        result = foi("db", "upgrade", env={"FOI_ATTACHMENTS_DIR": str(root)})
    else:
        (isolated / "foi.toml").write_text(f'attachments_dir = "{root}"\n')
        result = foi("db", "upgrade")
    assert result.exit_code == 0, result.stderr
    assert "moved 12 files" in result.stdout
    with opened(str(isolated / "requests.db")) as s:
        assert all(blobs.exists(s, sha) for sha in contents)


def test_missing_and_corrupt_files_are_each_named_and_no_note_written(
    foi, db_url: str, isolated: Path
) -> None:
    """Issue 23 item 14: every referenced file not taken in is named; exit 1; no note."""
    root = isolated / ("requests-files" if db_url.endswith(".db") else "foi-files")
    contents = _old_database(db_url, root)
    gone, rotten, *_ = contents
    (root / gone[:2] / gone).unlink()
    (root / rotten[:2] / rotten).write_bytes(b"bit rot")
    result = foi("db", "upgrade", db=db_url)
    assert result.exit_code == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert f"{root / gone[:2] / gone} is missing; not moved" in lines[0] + lines[1]
    assert any(rotten in line and "is corrupt" in line for line in lines)
    assert lines[-1].startswith("foi: error: 2 file(s) the database refers to are missing")
    assert "Traceback" not in result.stderr
    assert not (root / blobs.LEGACY_NOTE).exists()
    # Put back, the next upgrade finishes and writes the note.
    (root / gone[:2] / gone).write_bytes(contents[gone])
    (root / rotten[:2] / rotten).write_bytes(contents[rotten])
    again = foi("db", "upgrade", db=db_url)
    assert again.exit_code == 0, again.stderr
    assert (root / blobs.LEGACY_NOTE).exists()
